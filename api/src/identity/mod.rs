//! Who a user is: the identity model (`User`, `Role`, `UserKind`), a signed-in user's roles and
//! granted function modules (`UserPrincipal`), and this process's cache of them. Below `state`
//! and every domain; imports only infrastructure (db, schema, error). Authenticating a request
//! is `auth`, managing accounts is `accounts`, both above this.

pub mod cache;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::schema::{function_modules, role_group_members, role_group_modules, role_groups, user_roles, users};

/// The built-in roles (DESIGN.md "Who uses it"); their names live in the `roles` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    PlatformOperator,
    SchoolAdmin,
    SubjectTeacher,
    HomeroomTeacher,
    CourseConsultant,
    Counselor,
    Student,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::PlatformOperator,
        Role::SchoolAdmin,
        Role::SubjectTeacher,
        Role::HomeroomTeacher,
        Role::CourseConsultant,
        Role::Counselor,
        Role::Student,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::PlatformOperator => "platform_operator",
            Role::SchoolAdmin => "school_admin",
            Role::SubjectTeacher => "subject_teacher",
            Role::HomeroomTeacher => "homeroom_teacher",
            Role::CourseConsultant => "course_consultant",
            Role::Counselor => "counselor",
            Role::Student => "student",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == code)
    }

    /// The role as people call it (DESIGN.md, "Who uses it").
    pub fn name_zh(self) -> &'static str {
        match self {
            Role::PlatformOperator => "平臺管理者",
            Role::SchoolAdmin => "校管理者",
            Role::SubjectTeacher => "任課教師",
            Role::HomeroomTeacher => "導師",
            Role::CourseConsultant => "課程諮詢教師",
            Role::Counselor => "輔導老師",
            Role::Student => "學生",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Role::PlatformOperator => "platform operator",
            Role::SchoolAdmin => "school administrator",
            Role::SubjectTeacher => "subject teacher",
            Role::HomeroomTeacher => "homeroom teacher",
            Role::CourseConsultant => "course consultant",
            Role::Counselor => "counselor",
            Role::Student => "student",
        }
    }
}

/// What kind of account a user row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    /// Platform operator (belongs to no school).
    Operator,
    /// Staff: administrators and teachers.
    Staff,
    Student,
    /// A transfer student's temporary account.
    Temporary,
}

impl UserKind {
    pub const ALL: [UserKind; 4] = [UserKind::Operator, UserKind::Staff, UserKind::Student, UserKind::Temporary];

    pub fn as_str(self) -> &'static str {
        match self {
            UserKind::Operator => "operator",
            UserKind::Staff => "staff",
            UserKind::Student => "student",
            UserKind::Temporary => "temporary",
        }
    }

    pub fn parse(s: &str) -> Option<UserKind> {
        UserKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The stored kind (`users.kind`); anything else is an error, never a default.
    pub fn stored(s: &str) -> ApiResult<UserKind> {
        UserKind::parse(s).ok_or_else(|| ApiError::bad_stored("users.kind", s))
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub school_id: Option<i64>,
    pub account: String,
    pub kind: String,
    pub display_name: String,
    pub national_id: Option<String>,
    pub number: Option<String>,
    pub email: Option<String>,
    pub backup_email: Option<String>,
    pub password_hash: String,
    pub must_change_password: bool,
    pub password_changed_at: Option<NaiveDateTime>,
    pub active: bool,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub valid_until: Option<NaiveDateTime>,
    pub linked_user_id: Option<i64>,
    pub last_login_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The primary address was set by the user (a sync batch leaves it alone).
    pub email_set_by_user: bool,
}

/// The built-in roles of a user.
pub fn roles_of(conn: &mut DbConn, user_id: i64) -> ApiResult<Vec<Role>> {
    let codes: Vec<String> = user_roles::table
        .filter(user_roles::user_id.eq(user_id))
        .select(user_roles::role_code)
        .load(conn)?;
    Ok(Role::ALL.into_iter().filter(|r| codes.iter().any(|c| c == r.as_str())).collect())
}

// The one list of modules that the server's checks (`auth::Need::module`), the OpenAPI document
// (`ModuleGrant.code`) and the SPA's menu share; the `function_modules` table holds their names,
// and `value_checks::the_module_list_is_the_function_modules_table` keeps the two equal.
/// A function module (manual 3.1.2: 功能模組), by its code: what a role group grants, and what an
/// operation answered with `module_required` needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
pub enum Module {
    /// S0201S1 學校查詢接收紀錄
    #[serde(rename = "S0201S1")]
    ReceivingLog,
    /// S0203S 設定學校作業時間
    #[serde(rename = "S0203S")]
    WorkPeriods,
    /// S0203S1 設定功能參數
    #[serde(rename = "S0203S1")]
    Parameters,
    /// S0204S 設定課程諮詢教師
    #[serde(rename = "S0204S")]
    CourseConsultants,
    /// S0205S 查詢學生學習成果勾選情形
    #[serde(rename = "S0205S")]
    ResultSelections,
    /// S0206S 查詢學生多元表現勾選情形
    #[serde(rename = "S0206S")]
    PerformanceSelections,
    /// S0207S 提交學習成果至中央資料庫
    #[serde(rename = "S0207S")]
    SubmitResults,
    /// S0208S 提交多元表現至中央資料庫
    #[serde(rename = "S0208S")]
    SubmitPerformances,
    /// S0209S 合開課程設定審核老師
    #[serde(rename = "S0209S")]
    CoTaughtCertifiers,
    /// S0210S 查詢輔導教師
    #[serde(rename = "S0210S")]
    Counselors,
    /// S0213S 設定學校學年期
    #[serde(rename = "S0213S")]
    SchoolTerm,
    /// S0215S 學習成果使用人數統計表
    #[serde(rename = "S0215S")]
    Usage,
    /// S0216S 未認證教師狀況表
    #[serde(rename = "S0216S")]
    UncertifiedTeachers,
    /// S0218S 提交校內幹部經歷至中央資料庫
    #[serde(rename = "S0218S")]
    SubmitCadres,
    /// S0219S 維護收訖明細
    #[serde(rename = "S0219S")]
    Receipts,
    /// S0301S 設定學科/領域認證老師
    #[serde(rename = "S0301S")]
    SubjectCertifiers,
    /// S0302S 設定認證順序
    #[serde(rename = "S0302S")]
    CertificationOrder,
    /// S0601S 匯出學生學習歷程資料
    #[serde(rename = "S0601S")]
    TransferExport,
    /// S0602S 匯入學生學習歷程資料
    #[serde(rename = "S0602S")]
    TransferImport,
}

impl Module {
    pub const ALL: [Module; 19] = [
        Module::ReceivingLog,
        Module::WorkPeriods,
        Module::Parameters,
        Module::CourseConsultants,
        Module::ResultSelections,
        Module::PerformanceSelections,
        Module::SubmitResults,
        Module::SubmitPerformances,
        Module::CoTaughtCertifiers,
        Module::Counselors,
        Module::SchoolTerm,
        Module::Usage,
        Module::UncertifiedTeachers,
        Module::SubmitCadres,
        Module::Receipts,
        Module::SubjectCertifiers,
        Module::CertificationOrder,
        Module::TransferExport,
        Module::TransferImport,
    ];

    /// The module's code, as stored and as the API spells it.
    pub fn code(self) -> &'static str {
        match self {
            Module::ReceivingLog => "S0201S1",
            Module::WorkPeriods => "S0203S",
            Module::Parameters => "S0203S1",
            Module::CourseConsultants => "S0204S",
            Module::ResultSelections => "S0205S",
            Module::PerformanceSelections => "S0206S",
            Module::SubmitResults => "S0207S",
            Module::SubmitPerformances => "S0208S",
            Module::CoTaughtCertifiers => "S0209S",
            Module::Counselors => "S0210S",
            Module::SchoolTerm => "S0213S",
            Module::Usage => "S0215S",
            Module::UncertifiedTeachers => "S0216S",
            Module::SubmitCadres => "S0218S",
            Module::Receipts => "S0219S",
            Module::SubjectCertifiers => "S0301S",
            Module::CertificationOrder => "S0302S",
            Module::TransferExport => "S0601S",
            Module::TransferImport => "S0602S",
        }
    }

    /// A stored code; anything else is an error, never a default.
    pub fn stored(code: &str) -> ApiResult<Module> {
        Module::ALL.into_iter().find(|m| m.code() == code).ok_or_else(|| ApiError::bad_stored("function_modules.code", code))
    }
}

/// A granted function module with its flags, merged over all of a user's groups.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModuleGrant {
    /// Module code, e.g. `S0203S1`.
    pub code: Module,
    pub name: String,
    pub can_create: bool,
    pub can_update: bool,
    pub can_delete: bool,
}

#[derive(Debug, Clone)]
pub struct UserPrincipal {
    pub user: User,
    pub roles: Vec<Role>,
    pub modules: Vec<ModuleGrant>,
    /// The access token's session family (for sign-out of this session).
    pub session: String,
}

/// Inactive and expired accounts cannot act, whatever token they hold.
pub fn check_usable(user: &User, now: chrono::NaiveDateTime) -> ApiResult<()> {
    if !user.active {
        return Err(ApiError::new(ErrorCode::AccountInactive));
    }
    if user.valid_until.is_some_and(|until| until <= now) {
        return Err(ApiError::new(ErrorCode::AccountExpired));
    }
    Ok(())
}

/// Roles and merged module grants of `user`.
pub fn load_user_principal(c: &mut DbConn, user: User, session: String) -> ApiResult<UserPrincipal> {
    let roles = roles_of(c, user.id)?;
    let modules = granted_modules(c, user.id)?;
    UserKind::stored(&user.kind)?;
    Ok(UserPrincipal { user, roles, modules, session })
}

/// Function modules granted to `user_id` through the in-use groups they belong to.
pub fn granted_modules(c: &mut DbConn, user_id: i64) -> ApiResult<Vec<ModuleGrant>> {
    let rows: Vec<(String, String, bool, bool, bool)> = role_group_members::table
        .inner_join(role_groups::table.on(role_groups::id.eq(role_group_members::group_id)))
        .inner_join(role_group_modules::table.on(role_group_modules::group_id.eq(role_groups::id)))
        .inner_join(function_modules::table.on(function_modules::code.eq(role_group_modules::module_code)))
        .filter(role_group_members::user_id.eq(user_id))
        .filter(role_groups::in_use.eq(true))
        .order(function_modules::sort_order.asc())
        .select((
            function_modules::code,
            function_modules::name_zh,
            role_group_modules::can_create,
            role_group_modules::can_update,
            role_group_modules::can_delete,
        ))
        .load(c)?;
    let mut out: Vec<ModuleGrant> = Vec::new();
    for (code, name, can_create, can_update, can_delete) in rows {
        let code = Module::stored(&code)?;
        match out.iter_mut().find(|m| m.code == code) {
            Some(m) => {
                m.can_create |= can_create;
                m.can_update |= can_update;
                m.can_delete |= can_delete;
            }
            None => out.push(ModuleGrant { code, name, can_create, can_update, can_delete }),
        }
    }
    Ok(out)
}
