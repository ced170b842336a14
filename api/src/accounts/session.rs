//! Sign-in, sessions and passwords: lockout, per-client throttling, refresh-token rotation with
//! reuse detection, password change and reset. Plain functions over a connection; the handlers
//! in `routes.rs` call them.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::audit::{self, Event, EventKind};
use crate::identity::{User, UserKind};
use crate::auth::jwt;
use crate::config::Config;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::schema::{password_resets, refresh_tokens, schools, sign_in_failures, users};
use crate::secrets::{random_bytes, sha256_hex, Secrets};

/// Wrong passwords in a row that lock an account (issue: accounts, item 3).
pub const LOCK_AFTER: i32 = 5;
/// How long a locked account stays locked.
pub const LOCK_SECONDS: i64 = 15 * 60;
/// How long a password-reset link is valid (FAQ 000 Q1 / issue item 4).
pub const RESET_SECONDS: i64 = 30 * 60;

/// Tokens returned by sign-in, refresh and password change.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// Short-lived JWT for `Authorization: Bearer …`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Opaque, single-use: exchange it at `/api/v1/auth/refresh` for a new pair.
    pub refresh_token: String,
    /// The password is initial or reset: change it before anything else.
    pub must_change_password: bool,
    /// No backup e-mail is set yet: the app asks for one.
    pub needs_backup_email: bool,
}

pub fn needs_backup_email(user: &User) -> bool {
    UserKind::parse(&user.kind) != Some(UserKind::Operator) && user.backup_email.is_none()
}

/// Finds the account for a sign-in: `school` is a school code or exact name; empty means the
/// platform operator.
pub fn find_account(conn: &mut DbConn, school: &str, account: &str) -> ApiResult<Option<User>> {
    let school = school.trim();
    let account = account.trim();
    if school.is_empty() {
        return Ok(users::table
            .filter(users::school_id.is_null())
            .filter(users::account.eq(account))
            .select(User::as_select())
            .first(conn)
            .optional()?);
    }
    // A code is unique; a name may not be (two schools can share one): then ask for the code.
    let mut ids: Vec<i64> = schools::table.filter(schools::code.eq(school)).filter(schools::active.eq(true)).select(schools::id).limit(1).load(conn)?;
    if ids.is_empty() {
        ids = schools::table.filter(schools::name.eq(school)).filter(schools::active.eq(true)).select(schools::id).limit(2).load(conn)?;
    }
    if ids.len() > 1 {
        return Err(ApiError::validation().field(
            "school",
            "有多所學校使用此名稱，請改輸入學校代碼",
            "several schools have this name: enter the school code instead",
        ));
    }
    let Some(&school_id) = ids.first() else { return Ok(None) };
    Ok(users::table
        .filter(users::school_id.eq(school_id))
        .filter(users::account.eq(account))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// The name an attempt is counted under: school and account as typed, trimmed and lower-cased
/// (so unknown accounts are counted exactly like real ones).
pub fn account_key(school: &str, account: &str) -> String {
    format!("{}|{}", school.trim().to_lowercase(), account.trim().to_lowercase())
}

/// Recent failed sign-ins from `client` (any account) within the window.
pub fn client_failures(conn: &mut DbConn, client: &str, window_seconds: i64, now: NaiveDateTime) -> ApiResult<i64> {
    Ok(sign_in_failures::table
        .filter(sign_in_failures::client.eq(client))
        .filter(sign_in_failures::failed_at.gt(now - Duration::seconds(window_seconds)))
        .count()
        .get_result(conn)?)
}

/// Reserves one failed attempt for `client` and `key` BEFORE the password is checked, inside a
/// write transaction (serialised per client on PostgreSQL by an advisory lock, by the write lock
/// on SQLite), so concurrent attempts cannot all pass the limit. Refuses with `rate_limited` when
/// this client already failed `limit` times for this account within the window. A success gives
/// the reservation back ([`release_attempt`]); a failure leaves it counted.
pub fn reserve_attempt(conn: &mut DbConn, client: &str, key: &str, limit: i64, window_seconds: i64, now: NaiveDateTime) -> ApiResult<i64> {
    if let DbConn::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(format!("sign-in:{client}"))
            .execute(pg)?;
    }
    let since = now - Duration::seconds(window_seconds);
    diesel::delete(sign_in_failures::table.filter(sign_in_failures::failed_at.lt(since))).execute(conn)?;
    let recent: Vec<NaiveDateTime> = sign_in_failures::table
        .filter(sign_in_failures::client.eq(client))
        .filter(sign_in_failures::account_key.eq(key))
        .filter(sign_in_failures::failed_at.gt(since))
        .order(sign_in_failures::failed_at.asc())
        .select(sign_in_failures::failed_at)
        .load(conn)?;
    if recent.len() as i64 >= limit {
        let oldest = recent.first().copied().unwrap_or(now);
        let wait = (oldest + Duration::seconds(window_seconds) - now).num_seconds().max(1);
        let minutes = (wait + 59) / 60;
        return Err(ApiError::with_detail(
            ErrorCode::RateLimited,
            format!("此帳號自此來源登入失敗次數過多，請於 {minutes} 分鐘後再試。"),
            format!("Too many failed sign-ins for this account from this address; try again in {minutes} minutes."),
        )
        .retry_after(wait));
    }
    Ok(diesel::insert_into(sign_in_failures::table)
        .values((sign_in_failures::client.eq(client), sign_in_failures::account_key.eq(key), sign_in_failures::failed_at.eq(now)))
        .returning(sign_in_failures::id)
        .get_result(conn)?)
}

/// A successful attempt does not count against its client.
pub fn release_attempt(conn: &mut DbConn, reservation: i64) -> ApiResult<()> {
    diesel::delete(sign_in_failures::table.find(reservation)).execute(conn)?;
    Ok(())
}

/// For a name that is no account, what a real account would be by now (LOCK_AFTER failures within
/// LOCK_SECONDS, from any address), from one read that already counts this attempt's reservation:
/// `before` — locked before this attempt (refuse without checking anything); `after` — locked by
/// this attempt, were it wrong.
pub struct PhantomLock {
    pub before: Option<NaiveDateTime>,
    pub after: Option<NaiveDateTime>,
}

pub fn phantom_lock(conn: &mut DbConn, key: &str, now: NaiveDateTime) -> ApiResult<PhantomLock> {
    let recent: Vec<NaiveDateTime> = sign_in_failures::table
        .filter(sign_in_failures::account_key.eq(key))
        .filter(sign_in_failures::failed_at.gt(now - Duration::seconds(LOCK_SECONDS)))
        .order(sign_in_failures::failed_at.asc())
        .select(sign_in_failures::failed_at)
        .load(conn)?;
    let lock = LOCK_AFTER as usize;
    let until = |n: usize| (n >= lock).then(|| recent[lock - 1] + Duration::seconds(LOCK_SECONDS));
    Ok(PhantomLock { before: until(recent.len().saturating_sub(1)), after: until(recent.len()) })
}

/// Reserves one of the account's LOCK_AFTER attempts before its password is checked: one
/// conditional update, so however many attempts arrive at once at most LOCK_AFTER hashes are
/// verified before the lock. `None` when the account is locked (or its attempts are all in
/// flight): refuse without checking the password.
pub fn reserve_account_attempt(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> ApiResult<Option<i32>> {
    let reserved = diesel::update(
        users::table
            .find(user_id)
            .filter(users::failed_logins.lt(LOCK_AFTER))
            .filter(users::locked_until.is_null().or(users::locked_until.le(now))),
    )
    .set(users::failed_logins.eq(users::failed_logins + 1))
    .returning(users::failed_logins)
    .get_result::<i32>(conn)
    .optional()?;
    Ok(reserved)
}

/// The refusal for a locked account, with the minutes left.
pub fn locked_error(until: NaiveDateTime, now: NaiveDateTime) -> ApiError {
    let seconds = (until - now).num_seconds().max(1);
    let minutes = (seconds + 59) / 60;
    ApiError::with_detail(
        ErrorCode::AccountLocked,
        format!("密碼錯誤次數過多，帳號已鎖定，請於 {minutes} 分鐘後再試。"),
        format!("Too many wrong passwords; the account is locked for {minutes} more minutes."),
    )
    .retry_after(seconds)
}

/// Records a wrong password whose attempt was reserved; locks the account when the reserved
/// attempts reached LOCK_AFTER (once: the first failure to see it locks). Returns the lock end
/// when the account is locked.
pub fn note_wrong_password(conn: &mut DbConn, user: &User, client: &str, now: NaiveDateTime) -> ApiResult<Option<NaiveDateTime>> {
    let count: i32 = users::table.find(user.id).select(users::failed_logins).first(conn)?;
    audit::record(
        conn,
        Event {
            school_id: user.school_id,
            user_id: Some(user.id),
            actor: Some(&user.account),
            event: EventKind::SignInFailed,
            detail: Some(format!("wrong password ({count})")),
            client: Some(client),
        },
        now,
    )?;
    if count >= LOCK_AFTER {
        let until = now + Duration::seconds(LOCK_SECONDS);
        let locked = diesel::update(users::table.find(user.id).filter(users::failed_logins.ge(LOCK_AFTER)))
            .set((users::failed_logins.eq(0), users::locked_until.eq(Some(until))))
            .execute(conn)?;
        if locked == 1 {
            audit::record(
                conn,
                Event {
                    school_id: user.school_id,
                    user_id: Some(user.id),
                    actor: Some(&user.account),
                    event: EventKind::AccountLocked,
                    detail: Some(format!("{LOCK_AFTER} wrong passwords; locked {} minutes", LOCK_SECONDS / 60)),
                    client: Some(client),
                },
                now,
            )?;
        }
        return Ok(Some(until));
    }
    Ok(None)
}

fn new_refresh_token() -> String {
    format!("lcr_{}", hex::encode(random_bytes::<32>()))
}

/// Stores a new refresh token in `family`; returns the token. It expires after
/// `lifetime_seconds`, but never later than `family_max_seconds` after the family's first token.
pub fn issue_refresh(conn: &mut DbConn, user_id: i64, family: &str, lifetime_seconds: i64, family_max_seconds: i64, now: NaiveDateTime) -> ApiResult<String> {
    let started: Option<NaiveDateTime> =
        refresh_tokens::table.filter(refresh_tokens::family.eq(family)).select(diesel::dsl::min(refresh_tokens::created_at)).first(conn)?;
    let expires = (now + Duration::seconds(lifetime_seconds)).min(started.unwrap_or(now) + Duration::seconds(family_max_seconds));
    let token = new_refresh_token();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family.eq(family),
            refresh_tokens::token_hash.eq(sha256_hex(token.as_bytes())),
            refresh_tokens::created_at.eq(now),
            refresh_tokens::expires_at.eq(expires),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Starts a session for a user whose password was verified: clears failures, notes the sign-in,
/// and returns a token pair.
pub fn start_session(secrets: &Secrets, config: &Config, conn: &mut DbConn, user: &User, client: &str, now: NaiveDateTime) -> ApiResult<TokenPair> {
    diesel::update(users::table.find(user.id))
        .set((users::failed_logins.eq(0), users::locked_until.eq(None::<NaiveDateTime>), users::last_login_at.eq(Some(now))))
        .execute(conn)?;
    audit::record(
        conn,
        Event { school_id: user.school_id, user_id: Some(user.id), actor: Some(&user.account), event: EventKind::SignInSucceeded, detail: None, client: Some(client) },
        now,
    )?;
    pair(secrets, config, conn, user, &uuid::Uuid::new_v4().to_string(), now)
}

fn pair(secrets: &Secrets, config: &Config, conn: &mut DbConn, user: &User, family: &str, now: NaiveDateTime) -> ApiResult<TokenPair> {
    let refresh_token = issue_refresh(conn, user.id, family, config.refresh_token_seconds, config.refresh_family_max_seconds, now)?;
    let (access_token, expires_in) = jwt::issue(secrets, config.access_token_seconds, now, user, family)?;
    Ok(TokenPair {
        access_token,
        token_type: "Bearer".into(),
        expires_in,
        refresh_token,
        must_change_password: user.must_change_password,
        needs_backup_email: needs_backup_email(user),
    })
}

/// What presenting a refresh token led to. Reuse must commit its revocation, so it is an
/// outcome, not an error, inside the transaction.
pub enum RefreshOutcome {
    Rotated(TokenPair),
    Refused(ApiError),
}

/// Rotates a refresh token: the presented one is spent and a new one in the same family is
/// returned. Presenting a spent token revokes the whole family (it was stolen or replayed).
pub fn refresh(secrets: &Secrets, config: &Config, conn: &mut DbConn, presented: &str, client: &str, now: NaiveDateTime) -> ApiResult<RefreshOutcome> {
    let row: Option<(i64, i64, String, NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>)> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(sha256_hex(presented.trim().as_bytes())))
        .select((
            refresh_tokens::id,
            refresh_tokens::user_id,
            refresh_tokens::family,
            refresh_tokens::expires_at,
            refresh_tokens::used_at,
            refresh_tokens::revoked_at,
        ))
        .first(conn)
        .optional()?;
    let Some((id, user_id, family, expires_at, used_at, revoked_at)) = row else {
        return Ok(RefreshOutcome::Refused(ApiError::new(ErrorCode::RefreshTokenInvalid)));
    };
    let user: User = users::table.find(user_id).select(User::as_select()).first(conn)?;
    if used_at.is_some() && revoked_at.is_none() {
        revoke_family(conn, &family, now)?;
        audit::record(
            conn,
            Event {
                school_id: user.school_id,
                user_id: Some(user.id),
                actor: Some(&user.account),
                event: EventKind::RefreshTokenReused,
                detail: Some("a spent refresh token was presented; its session was revoked".into()),
                client: Some(client),
            },
            now,
        )?;
        return Ok(RefreshOutcome::Refused(ApiError::new(ErrorCode::RefreshTokenReused)));
    }
    if revoked_at.is_some() || used_at.is_some() || expires_at <= now {
        return Ok(RefreshOutcome::Refused(ApiError::new(ErrorCode::RefreshTokenInvalid)));
    }
    if let Err(e) = crate::identity::check_usable(&user, now) {
        revoke_family(conn, &family, now)?;
        return Ok(RefreshOutcome::Refused(e));
    }
    // Spent by one conditional update: of two requests presenting it at once, one wins and the
    // other sees it spent (on PostgreSQL the second waits for the first and re-checks).
    let spent = diesel::update(refresh_tokens::table.find(id).filter(refresh_tokens::used_at.is_null()).filter(refresh_tokens::revoked_at.is_null()))
        .set(refresh_tokens::used_at.eq(Some(now)))
        .execute(conn)?;
    if spent != 1 {
        return Ok(RefreshOutcome::Refused(ApiError::new(ErrorCode::RefreshTokenInvalid)));
    }
    Ok(RefreshOutcome::Rotated(pair(secrets, config, conn, &user, &family, now)?))
}

pub fn revoke_family(conn: &mut DbConn, family: &str, now: NaiveDateTime) -> ApiResult<()> {
    crate::identity::cache::invalidate_all();
    diesel::update(refresh_tokens::table.filter(refresh_tokens::family.eq(family)).filter(refresh_tokens::revoked_at.is_null()))
        .set(refresh_tokens::revoked_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}

/// Revokes every session of a user (password change or reset).
pub fn revoke_all(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> ApiResult<()> {
    crate::identity::cache::invalidate_all();
    diesel::update(refresh_tokens::table.filter(refresh_tokens::user_id.eq(user_id)).filter(refresh_tokens::revoked_at.is_null()))
        .set(refresh_tokens::revoked_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}

/// Revokes every session of many users at once (sync deactivations).
pub fn revoke_users(conn: &mut DbConn, user_ids: &[i64], now: NaiveDateTime) -> ApiResult<()> {
    crate::identity::cache::invalidate_all();
    for chunk in user_ids.chunks(500) {
        diesel::update(refresh_tokens::table.filter(refresh_tokens::user_id.eq_any(chunk)).filter(refresh_tokens::revoked_at.is_null()))
            .set(refresh_tokens::revoked_at.eq(Some(now)))
            .execute(conn)?;
    }
    Ok(())
}

/// Signs out the session a refresh token belongs to (unknown tokens are ignored).
pub fn sign_out(conn: &mut DbConn, presented: &str, now: NaiveDateTime) -> ApiResult<()> {
    let family: Option<String> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(sha256_hex(presented.trim().as_bytes())))
        .select(refresh_tokens::family)
        .first(conn)
        .optional()?;
    if let Some(family) = family {
        revoke_family(conn, &family, now)?;
    }
    Ok(())
}

/// Sets a new password (already hashed), ends the must-change state and every session.
pub fn set_password(conn: &mut DbConn, user_id: i64, hash: &str, now: NaiveDateTime) -> ApiResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(hash),
            users::must_change_password.eq(false),
            users::password_changed_at.eq(Some(now)),
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    revoke_all(conn, user_id, now)
}

/// After a password change: a fresh session for the user.
pub fn session_after_change(secrets: &Secrets, config: &Config, conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> ApiResult<TokenPair> {
    let user: User = users::table.find(user_id).select(User::as_select()).first(conn)?;
    pair(secrets, config, conn, &user, &uuid::Uuid::new_v4().to_string(), now)
}

/// Creates a single-use reset token for a user; returns it.
pub fn create_reset(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> ApiResult<String> {
    let token = hex::encode(random_bytes::<32>());
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::user_id.eq(user_id),
            password_resets::token_hash.eq(sha256_hex(token.as_bytes())),
            password_resets::created_at.eq(now),
            password_resets::expires_at.eq(now + Duration::seconds(RESET_SECONDS)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The user a live reset token belongs to; the token is spent.
pub fn take_reset(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> ApiResult<User> {
    let row: Option<(i64, i64, NaiveDateTime, Option<NaiveDateTime>)> = password_resets::table
        .filter(password_resets::token_hash.eq(sha256_hex(token.trim().as_bytes())))
        .select((password_resets::id, password_resets::user_id, password_resets::expires_at, password_resets::used_at))
        .first(conn)
        .optional()?;
    match row {
        Some((id, user_id, expires_at, None)) if expires_at > now => {
            let spent = diesel::update(password_resets::table.find(id).filter(password_resets::used_at.is_null()))
                .set(password_resets::used_at.eq(Some(now)))
                .execute(conn)?;
            if spent != 1 {
                return Err(ApiError::new(ErrorCode::ResetTokenInvalid));
            }
            Ok(users::table.find(user_id).select(User::as_select()).first(conn)?)
        }
        _ => Err(ApiError::new(ErrorCode::ResetTokenInvalid)),
    }
}

/// Whether `email` is the user's primary or backup address (case-insensitive).
pub fn email_matches(user: &User, email: &str) -> bool {
    let email = email.trim().to_lowercase();
    !email.is_empty()
        && [&user.email, &user.backup_email].iter().any(|e| e.as_deref().is_some_and(|e| e.trim().to_lowercase() == email))
}
