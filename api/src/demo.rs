//! The demo school `999999` with accounts of every role and known passwords, for `make run`,
//! training and manual testing. Seeding is idempotent: an existing demo school is left alone.

use chrono::NaiveDateTime;

use crate::accounts::{self, password, NewAccount, Role, UserKind};
use crate::db::DbConn;
use crate::error::ApiResult;
use crate::schools;
use crate::terms::{self, Term};

pub const SCHOOL_CODE: &str = "999999";
pub const SCHOOL_NAME: &str = "示範高級中學";
/// Every demo account's password (printed on start; the demo is not for real data).
pub const PASSWORD: &str = "demo2026";

/// One demo account, as printed for the person trying the product.
pub struct DemoAccount {
    pub account: &'static str,
    pub name: &'static str,
    pub roles: &'static [Role],
    pub kind: UserKind,
    pub number: Option<&'static str>,
    pub national_id_stem: Option<&'static str>,
}

pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount { account: "admin", name: "示範校管理者", roles: &[Role::SchoolAdmin], kind: UserKind::Staff, number: None, national_id_stem: None },
    DemoAccount { account: "999999_T001", name: "王大明", roles: &[Role::SubjectTeacher, Role::HomeroomTeacher], kind: UserKind::Staff, number: Some("T001"), national_id_stem: Some("A10000001") },
    DemoAccount { account: "999999_T002", name: "李美玲", roles: &[Role::SubjectTeacher, Role::CourseConsultant], kind: UserKind::Staff, number: Some("T002"), national_id_stem: Some("B20000002") },
    DemoAccount { account: "999999_T003", name: "陳志強", roles: &[Role::SubjectTeacher, Role::Counselor], kind: UserKind::Staff, number: Some("T003"), national_id_stem: Some("C10000003") },
    DemoAccount { account: "999999_115001", name: "林小華", roles: &[Role::Student], kind: UserKind::Student, number: Some("115001"), national_id_stem: Some("D20000011") },
    DemoAccount { account: "999999_115002", name: "張家豪", roles: &[Role::Student], kind: UserKind::Student, number: Some("115002"), national_id_stem: Some("E10000012") },
    DemoAccount { account: "999999_115003", name: "黃詩涵", roles: &[Role::Student], kind: UserKind::Student, number: Some("115003"), national_id_stem: Some("F20000013") },
    DemoAccount { account: "999999_114001", name: "吳承恩", roles: &[Role::Student], kind: UserKind::Student, number: Some("114001"), national_id_stem: Some("G10000021") },
    DemoAccount { account: "999999_114002", name: "蔡依林", roles: &[Role::Student], kind: UserKind::Student, number: Some("114002"), national_id_stem: Some("H20000022") },
    DemoAccount { account: "999999_113001", name: "周杰倫", roles: &[Role::Student], kind: UserKind::Student, number: Some("113001"), national_id_stem: Some("J10000031") },
];

/// The platform operator created with the demo (belongs to no school).
pub const OPERATOR_ACCOUNT: &str = "operator";

/// A national ID from a 9-character stem with its check digit appended.
pub fn national_id(stem: &str) -> String {
    (0..10)
        .map(|d| format!("{stem}{d}"))
        .find(|id| password::is_valid_national_id(id))
        .unwrap_or_else(|| format!("{stem}0"))
}

/// Seeds the demo school; returns false when it already existed.
pub fn seed(conn: &mut DbConn, now: NaiveDateTime) -> ApiResult<bool> {
    if schools::find_by_code(conn, SCHOOL_CODE)?.is_some() {
        return Ok(false);
    }
    let (school_id, admin_id) = schools::create_with_admin(conn, SCHOOL_CODE, SCHOOL_NAME, "admin", PASSWORD, now)?;
    diesel::update(crate::schema::users::table.find(admin_id))
        .set((
            crate::schema::users::must_change_password.eq(false),
            crate::schema::users::display_name.eq(ACCOUNTS[0].name),
        ))
        .execute(conn)?;
    for demo in &ACCOUNTS[1..] {
        let id = demo.national_id_stem.map(national_id);
        accounts::create_account(
            conn,
            &NewAccount {
                school_id: Some(school_id),
                account: demo.account,
                kind: demo.kind,
                display_name: demo.name,
                national_id: id.as_deref(),
                number: demo.number,
                email: None,
                password: PASSWORD,
                must_change_password: false,
                roles: demo.roles,
            },
            now,
        )?;
    }
    accounts::create_account(
        conn,
        &NewAccount {
            school_id: None,
            account: OPERATOR_ACCOUNT,
            kind: UserKind::Operator,
            display_name: "平臺管理者",
            national_id: None,
            number: None,
            email: None,
            password: PASSWORD,
            must_change_password: false,
            roles: &[Role::PlatformOperator],
        },
        now,
    )?;
    terms::set_current(conn, school_id, Term::for_date(now.date()), now)?;
    Ok(true)
}

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};

/// The text printed on start with `--demo`.
pub fn banner(public_url: &str) -> String {
    let mut s = format!(
        "\n示範資料 Demo data — 學校代碼 school code {SCHOOL_CODE}({SCHOOL_NAME}),所有帳號密碼 password: {PASSWORD}\n"
    );
    for a in ACCOUNTS {
        let roles: Vec<&str> = a.roles.iter().map(|r| r.as_str()).collect();
        s.push_str(&format!("  {:<16} {:<8} {}\n", a.account, a.name, roles.join(", ")));
    }
    s.push_str(&format!("  {OPERATOR_ACCOUNT:<16} 平臺管理者  platform_operator (no school)\n"));
    s.push_str(&format!("\n  Web app: {public_url}/   API docs: {public_url}/api/docs/\n"));
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_national_ids_are_valid() {
        for a in super::ACCOUNTS {
            if let Some(stem) = a.national_id_stem {
                assert!(crate::accounts::password::is_valid_national_id(&super::national_id(stem)), "{stem}");
            }
        }
    }
}
