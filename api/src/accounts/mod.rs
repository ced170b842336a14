//! Accounts: users, built-in roles, passwords.

pub mod admin;
pub mod apikeys;
pub mod audit;
pub mod groups;
pub mod password;
pub mod routes;
pub mod session;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::schema::{user_roles, users};

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

/// Spends every outstanding password-reset link of a user (after a password change or reset, an
/// older link mailed to a possibly compromised address must not work).
pub fn cancel_resets(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> ApiResult<()> {
    use crate::schema::password_resets as pr;
    diesel::update(pr::table.filter(pr::user_id.eq(user_id)).filter(pr::used_at.is_null())).set(pr::used_at.eq(Some(now))).execute(conn)?;
    Ok(())
}

/// The fields needed to create an account.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub school_id: Option<i64>,
    pub account: &'a str,
    pub kind: UserKind,
    pub display_name: &'a str,
    pub national_id: Option<&'a str>,
    pub number: Option<&'a str>,
    pub email: Option<&'a str>,
    pub password: &'a str,
    pub must_change_password: bool,
    pub roles: &'a [Role],
}

/// Creates an account with its roles; refuses a duplicate account name within the school.
pub fn create_account(conn: &mut DbConn, new: &NewAccount<'_>, now: NaiveDateTime) -> ApiResult<i64> {
    let exists = match new.school_id {
        Some(school) => users::table
            .filter(users::school_id.eq(school))
            .filter(users::account.eq(new.account))
            .count()
            .get_result::<i64>(conn)?,
        None => users::table
            .filter(users::school_id.is_null())
            .filter(users::account.eq(new.account))
            .count()
            .get_result::<i64>(conn)?,
    };
    if exists > 0 {
        return Err(ApiError::conflict(
            format!("帳號 {} 已存在。", new.account),
            format!("The account {} already exists.", new.account),
        ));
    }
    let hash = password::hash(new.password)?;
    let national_id = new.national_id.map(|n| Ok::<_, ApiError>((crate::national_id::seal(n)?, crate::national_id::index(n)?))).transpose()?;
    let id: i64 = diesel::insert_into(users::table)
        .values((
            users::school_id.eq(new.school_id),
            users::account.eq(new.account),
            users::kind.eq(new.kind.as_str()),
            users::display_name.eq(new.display_name),
            users::national_id.eq(national_id.as_ref().map(|n| n.0.clone())),
            users::national_id_index.eq(national_id.map(|n| n.1)),
            users::number.eq(new.number),
            users::email.eq(new.email),
            users::password_hash.eq(hash),
            users::must_change_password.eq(new.must_change_password),
            users::active.eq(true),
            users::failed_logins.eq(0),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .returning(users::id)
        .get_result(conn)?;
    for role in new.roles {
        diesel::insert_into(user_roles::table)
            .values((user_roles::user_id.eq(id), user_roles::role_code.eq(role.as_str())))
            .execute(conn)?;
    }
    Ok(id)
}

/// The built-in roles of a user.
pub fn roles_of(conn: &mut DbConn, user_id: i64) -> ApiResult<Vec<Role>> {
    let codes: Vec<String> = user_roles::table
        .filter(user_roles::user_id.eq(user_id))
        .select(user_roles::role_code)
        .load(conn)?;
    Ok(Role::ALL.into_iter().filter(|r| codes.iter().any(|c| c == r.as_str())).collect())
}
