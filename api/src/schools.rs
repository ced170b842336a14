//! Schools (tenants) and their creation with a first administrator.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts::{self, NewAccount, Role, UserKind};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::schema::schools;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = schools)]
pub struct School {
    pub id: i64,
    /// The 6-digit school code (學校代碼), e.g. `074313`.
    pub code: String,
    pub name: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A school code is six digits (the Ministry's 學校代碼).
pub fn check_code(code: &str) -> ApiResult<()> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ApiError::validation().field("code", "學校代碼須為 6 位數字", "the school code must be 6 digits"))
    }
}

pub fn find_by_code(conn: &mut DbConn, code: &str) -> ApiResult<Option<School>> {
    Ok(schools::table
        .filter(schools::code.eq(code))
        .select(School::as_select())
        .first(conn)
        .optional()?)
}

/// Creates a school and its first administrator account (`must_change_password` set, so the
/// first sign-in asks for a new password). Returns the school id and the admin's user id.
pub fn create_with_admin(
    conn: &mut DbConn,
    code: &str,
    name: &str,
    admin_account: &str,
    admin_password: &str,
    now: NaiveDateTime,
) -> ApiResult<(i64, i64)> {
    check_code(code)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::validation().field("name", "校名須為 1 到 100 個字元", "the name must be 1 to 100 characters"));
    }
    if find_by_code(conn, code)?.is_some() {
        return Err(ApiError::conflict(format!("學校代碼 {code} 已存在。"), format!("School {code} already exists.")));
    }
    let school_id: i64 = diesel::insert_into(schools::table)
        .values((
            schools::code.eq(code),
            schools::name.eq(name),
            schools::active.eq(true),
            schools::created_at.eq(now),
            schools::updated_at.eq(now),
        ))
        .returning(schools::id)
        .get_result(conn)?;
    let admin_id = accounts::create_account(
        conn,
        &NewAccount {
            school_id: Some(school_id),
            account: admin_account,
            kind: UserKind::Staff,
            display_name: "校管理者",
            national_id: None,
            number: None,
            email: None,
            password: admin_password,
            must_change_password: true,
            roles: &[Role::SchoolAdmin],
        },
        now,
    )?;
    Ok((school_id, admin_id))
}
