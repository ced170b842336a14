//! The API-key lookup behind `Authorization: Bearer lc_…` (the keys themselves are managed in
//! `accounts::apikeys`).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{KeyPrincipal, Scope};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::net;
use crate::schema::api_keys;
use crate::secrets::sha256_hex;

pub const KEY_PREFIX: &str = "lc_";

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Resolves a presented key to its school and scopes; notes its use at most once a minute. An
/// expired key, or one used from outside its address ranges, is refused.
/// Checks a presented key without writing anything (an unknown or wrong key costs no write
/// lock); returns the key and whether its `last_used_at` is due for a [`touch`].
pub fn authenticate(conn: &mut DbConn, presented: &str, client: &str, now: NaiveDateTime) -> ApiResult<(KeyPrincipal, bool)> {
    let invalid = || ApiError::with_detail(ErrorCode::InvalidToken, "API 金鑰無效或已撤銷。", "The API key is invalid or revoked.");
    let rest = presented.strip_prefix(KEY_PREFIX).ok_or_else(invalid)?;
    let (prefix, secret) = rest.split_once('_').ok_or_else(invalid)?;
    type KeyRow = (i64, i64, String, String, String, Option<NaiveDateTime>, Option<NaiveDateTime>, Option<NaiveDateTime>, Option<String>);
    let row: Option<KeyRow> = api_keys::table
        .filter(api_keys::prefix.eq(prefix))
        .select((
            api_keys::id,
            api_keys::school_id,
            api_keys::name,
            api_keys::secret_hash,
            api_keys::scopes,
            api_keys::last_used_at,
            api_keys::revoked_at,
            api_keys::expires_at,
            api_keys::allowed_networks,
        ))
        .first(conn)
        .optional()?;
    let (id, school_id, name, hash, scopes, last_used, revoked, expires, networks) = row.ok_or_else(invalid)?;
    if revoked.is_some() || !constant_time_eq(hash.as_bytes(), sha256_hex(secret.as_bytes()).as_bytes()) {
        return Err(invalid());
    }
    if expires.is_some_and(|t| t <= now) {
        return Err(ApiError::with_detail(ErrorCode::TokenExpired, "API 金鑰已過期。", "The API key has expired."));
    }
    if let Some(networks) = networks {
        let ranges = net::parse_list(networks.split(',')).unwrap_or_default();
        let from = client.parse::<std::net::IpAddr>().ok();
        if !from.is_some_and(|ip| ranges.iter().any(|r| r.contains(ip))) {
            return Err(ApiError::with_detail(
                ErrorCode::Forbidden,
                "此 API 金鑰不能從這個網路位址使用。",
                "The API key may not be used from this address.",
            ));
        }
    }
    let due = last_used.is_none_or(|t| now - t > Duration::minutes(1));
    Ok((KeyPrincipal { key_id: id, school_id, name, scopes: Scope::stored(&scopes)? }, due))
}

/// Notes when a valid key was last used (at most once a minute).
pub fn touch(conn: &mut DbConn, key_id: i64, now: NaiveDateTime) -> ApiResult<()> {
    diesel::update(api_keys::table.find(key_id)).set(api_keys::last_used_at.eq(now)).execute(conn)?;
    Ok(())
}
