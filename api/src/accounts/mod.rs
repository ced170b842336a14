//! Accounts: creating users, passwords, role groups, API keys, the audit log and the `/auth`
//! handlers (sign-in, sessions, `/me`). The identity model itself (`User`, `Role`) is in
//! `identity`, below the domains.

pub mod admin;
pub mod apikeys;
pub mod audit;
pub mod groups;
pub mod password;
pub mod routes;
pub mod session;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::identity::{Role, UserKind};
use crate::schema::{user_roles, users};

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
