//! Who is calling and what they may do. Every endpoint declares a [`Need`]; the one check
//! that enforces it is [`Principal::require`].
//!
//! Callers authenticate with `Authorization: Bearer …`: either a short-lived access token (JWT)
//! from sign-in, or a school API key (`lc_…`) limited to its scopes.

mod caller;
pub mod captcha;
pub mod jwt;
pub mod keys;

pub use caller::Caller;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::identity::{check_usable, load_user_principal, Module, Role, User, UserPrincipal};
use crate::schema::{api_keys, refresh_tokens, schools, users};

/// An operation on a function module (manual 3.1.2: 新增/修改/刪除， plus viewing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    View,
    Create,
    Update,
    Delete,
}

/// What an API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Push school-affairs data through `/api/v1/sync/…`.
    Sync,
    /// Read the school's data (lists and reports).
    Read,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Sync => "sync",
            Scope::Read => "read",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "sync" => Some(Scope::Sync),
            "read" => Some(Scope::Read),
            _ => None,
        }
    }

    pub const ALL: [Scope; 2] = [Scope::Read, Scope::Sync];

    /// What `api_keys.scopes` may hold: a key's scopes sorted, without repeats, joined by commas
    /// (at least one) — the CHECK of migration 2026-12-07-000600_api_key_scopes.
    pub const STORED: [&'static str; 3] = ["read", "read,sync", "sync"];

    /// A key's scopes as `api_keys.scopes` stores them (sorted, no repeats, joined by commas).
    pub fn store(scopes: &[Scope]) -> String {
        let mut names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
        names.sort();
        names.dedup();
        names.join(",")
    }

    /// The scopes stored in `api_keys.scopes`; a value outside [`Scope::STORED`] is an error, never
    /// fewer scopes.
    pub fn stored(s: &str) -> ApiResult<Vec<Scope>> {
        if !Scope::STORED.contains(&s) {
            return Err(ApiError::bad_stored("api_keys.scopes", s));
        }
        s.split(',').map(|one| Scope::parse(one).ok_or_else(|| ApiError::bad_stored("api_keys.scopes", s))).collect()
    }
}

#[cfg(test)]
mod scope_tests {
    use super::Scope;

    #[test]
    fn the_stored_forms_are_every_non_empty_set_of_scopes() {
        let mut forms: Vec<String> = (1..1u32 << Scope::ALL.len())
            .map(|bits| Scope::store(&Scope::ALL.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, s)| *s).collect::<Vec<_>>()))
            .collect();
        forms.sort();
        assert_eq!(forms, Scope::STORED);
        assert_eq!(Scope::store(&[Scope::Sync, Scope::Read, Scope::Sync]), "read,sync");
        assert_eq!(Scope::stored("read,sync").unwrap(), [Scope::Read, Scope::Sync]);
        assert!(Scope::stored("sync,read").is_err() && Scope::stored("write").is_err() && Scope::stored("").is_err());
    }
}

/// What an endpoint needs: one of `roles`, or the function `module` with `op` (the school
/// admin holds every module), or — for API keys — `scope`.
#[derive(Debug, Clone, Copy)]
pub struct Need {
    pub roles: &'static [Role],
    pub module: Option<(Module, Op)>,
    pub scope: Option<Scope>,
    /// Any signed-in user of a school.
    pub any_user: bool,
}

impl Need {
    pub const fn roles(roles: &'static [Role]) -> Need {
        Need { roles, module: None, scope: None, any_user: false }
    }

    /// The school admin, or a member of a role group granted `module` with `op`.
    pub const fn module(code: Module, op: Op) -> Need {
        Need { roles: &[Role::SchoolAdmin], module: Some((code, op)), scope: None, any_user: false }
    }

    /// Only API keys with `scope` (machine endpoints such as sync).
    pub const fn scope_only(scope: Scope) -> Need {
        Need { roles: &[], module: None, scope: Some(scope), any_user: false }
    }

    /// Any signed-in user of a school, and API keys with `scope`.
    pub const fn any_user_or_scope(scope: Scope) -> Need {
        Need { roles: &[], module: None, scope: Some(scope), any_user: true }
    }

    /// Also let API keys with `scope` through.
    pub const fn or_scope(self, scope: Scope) -> Need {
        Need { scope: Some(scope), ..self }
    }

    pub const SCHOOL_ADMIN: Need = Need::roles(&[Role::SchoolAdmin]);
    pub const OPERATOR: Need = Need::roles(&[Role::PlatformOperator]);
}

/// What a user-only function answers an API key.
fn not_for_api_keys() -> ApiError {
    ApiError::with_detail(ErrorCode::ScopeRequired, "此功能只能由登入的使用者操作，不接受 API 金鑰。", "This function is for signed-in users, not API keys.")
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub enum Principal {
    /// Shared with this process's principal cache: a request does not copy the user, roles and modules.
    User(Arc<UserPrincipal>),
    ApiKey(KeyPrincipal),
}

#[derive(Debug, Clone)]
pub struct KeyPrincipal {
    pub key_id: i64,
    pub school_id: i64,
    pub name: String,
    pub scopes: Vec<Scope>,
}

impl Principal {
    /// The one place that decides whether the caller meets `need`.
    pub fn require(&self, need: Need) -> ApiResult<()> {
        match self {
            Principal::ApiKey(key) => match need.scope {
                Some(scope) if key.scopes.contains(&scope) => Ok(()),
                Some(scope) => Err(ApiError::with_detail(
                    ErrorCode::ScopeRequired,
                    format!("此 API 金鑰沒有 `{}` 範圍。", scope.as_str()),
                    format!("This API key lacks the `{}` scope.", scope.as_str()),
                )),
                None => Err(not_for_api_keys()),
            },
            Principal::User(u) => {
                if need.roles.iter().any(|r| u.roles.contains(r)) || (need.any_user && u.user.school_id.is_some()) {
                    return Ok(());
                }
                if need.roles.is_empty() && need.module.is_none() {
                    return Err(ApiError::with_detail(
                        ErrorCode::ScopeRequired,
                        "此功能只接受具備相應範圍的 API 金鑰（例如校務系統廠商的 sync 金鑰）。",
                        "This function is for API keys with the right scope (e.g. a vendor's sync key).",
                    ));
                }
                if let Some((code, op)) = need.module {
                    let granted = u.modules.iter().find(|m| m.code == code);
                    let code = code.code();
                    let allowed = granted.is_some_and(|m| match op {
                        Op::View => true,
                        Op::Create => m.can_create,
                        Op::Update => m.can_update,
                        Op::Delete => m.can_delete,
                    });
                    if allowed {
                        return Ok(());
                    }
                    return Err(ApiError::with_detail(
                        ErrorCode::ModuleRequired,
                        format!("此功能需要功能模組 {code} 的{}權限。", op_zh(op)),
                        format!("This needs the {op:?} permission of function module {code}."),
                    ));
                }
                let zh: Vec<&str> = need.roles.iter().map(|r| r.name_zh()).collect();
                let en: Vec<&str> = need.roles.iter().map(|r| r.name_en()).collect();
                Err(ApiError::with_detail(
                    ErrorCode::RoleRequired,
                    format!("此功能限{}使用。", zh.join("或")),
                    format!("Only a {} may use this.", en.join(" or ")),
                ))
            }
        }
    }

    /// Whether the caller meets at least one of `needs`; refused with the last one's problem.
    pub fn require_any(&self, needs: impl IntoIterator<Item = Need>) -> ApiResult<()> {
        let mut refused = ApiError::new(ErrorCode::Forbidden);
        for need in needs {
            match self.require(need) {
                Ok(()) => return Ok(()),
                Err(e) => refused = e,
            }
        }
        Err(refused)
    }

    /// The caller's school; the platform operator has none and is refused school functions.
    pub fn school_id(&self) -> ApiResult<i64> {
        match self {
            Principal::ApiKey(k) => Ok(k.school_id),
            Principal::User(u) => u.user.school_id.ok_or_else(|| {
                ApiError::with_detail(
                    ErrorCode::Forbidden,
                    "平臺管理帳號不屬於任何學校，無法使用學校功能。",
                    "The platform operator belongs to no school.",
                )
            }),
        }
    }

    /// The signed-in user, shared (no copy), for work that outlives the request's borrow.
    pub fn shared_user(&self) -> ApiResult<Arc<UserPrincipal>> {
        match self {
            Principal::User(u) => Ok(u.clone()),
            Principal::ApiKey(_) => Err(not_for_api_keys()),
        }
    }

    pub fn user(&self) -> ApiResult<&UserPrincipal> {
        match self {
            Principal::User(u) => Ok(u.as_ref()),
            Principal::ApiKey(_) => Err(not_for_api_keys()),
        }
    }

    pub fn user_id(&self) -> Option<i64> {
        match self {
            Principal::User(u) => Some(u.user.id),
            Principal::ApiKey(_) => None,
        }
    }

    /// A name for the audit log.
    pub fn actor(&self) -> String {
        match self {
            Principal::User(u) => u.user.account.clone(),
            Principal::ApiKey(k) => format!("api-key:{}", k.name),
        }
    }
}

fn op_zh(op: Op) -> &'static str {
    match op {
        Op::View => "檢視",
        Op::Create => "新增",
        Op::Update => "修改",
        Op::Delete => "刪除",
    }
}

/// A principal whose password change is still pending is let through only here: `/me`,
/// changing the password, signing out.
pub struct PendingPrincipal(pub Principal);

/// The client's address: the TCP peer, or — when the peer is one of the configured
/// `trusted_proxies` — the nearest untrusted address of `Forwarded` / `X-Forwarded-For`.
pub fn client_addr(req: &HttpRequest) -> String {
    let trusted = req.app_data::<web::Data<AppState>>().map(|s| s.config.trusted_proxy_nets()).unwrap_or_default();
    let header = |name: header::HeaderName| req.headers().get(name).and_then(|v| v.to_str().ok());
    crate::net::client_ip(req.peer_addr().map(|a| a.ip()), header(header::FORWARDED), header(header::HeaderName::from_static("x-forwarded-for")), &trusted)
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into())
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let principal = authenticate(&req).await?;
            if let Principal::User(u) = &principal {
                if u.user.must_change_password {
                    return Err(ApiError::new(ErrorCode::PasswordChangeRequired));
                }
            }
            Ok(principal)
        })
    }
}

impl FromRequest for PendingPrincipal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(&req).await.map(PendingPrincipal) })
    }
}

fn bearer(req: &HttpRequest) -> ApiResult<String> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
    let value = value.to_str().map_err(|_| ApiError::new(ErrorCode::InvalidToken))?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidToken))?;
    Ok(token.trim().to_string())
}

async fn authenticate(req: &HttpRequest) -> ApiResult<Principal> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state missing"))?
        .clone();
    let token = bearer(req)?;
    if token.starts_with(keys::KEY_PREFIX) {
        let (now, client) = (state.clock.now(), client_addr(req));
        let key = state
            .db
            .read(move |c| {
                let (key, due) = keys::authenticate(c, &token, &client, now)?;
                let active: bool = schools::table.find(key.school_id).select(schools::active).first(c)?;
                if !active {
                    return Err(school_inactive());
                }
                Ok((key, due))
            })
            .await?;
        let (key, due) = key;
        if due {
            let id = key.key_id;
            state.db.write(move |c| keys::touch(c, id, now)).await?;
        }
        return Ok(Principal::ApiKey(key));
    }
    let claims = jwt::decode(&state.secrets, state.clock.now(), &token)?;
    let user_id = claims.user_id()?;
    let now = state.clock.now();
    let session = claims.fam.clone();
    let version = claims.pwv;
    if let Some(cached) = state.principals.get(user_id, &session, version, now) {
        // Expiry is a matter of time, not of data: checked on every request.
        check_usable(&cached.user, now)?;
        return Ok(Principal::User(cached));
    }
    let generation = state.principals.generation();
    let principal = state
        .db
        .read(move |c| {
            // One query for the user and their school's state.
            let (user, school_active): (User, Option<bool>) = users::table
                .left_join(schools::table.on(schools::id.nullable().eq(users::school_id)))
                .filter(users::id.eq(user_id))
                .select((User::as_select(), schools::active.nullable()))
                .first(c)
                .optional()?
                .ok_or_else(|| ApiError::new(ErrorCode::InvalidToken))?;
            if jwt::password_version(&user) != version {
                return Err(ApiError::new(ErrorCode::InvalidToken));
            }
            check_usable(&user, now)?;
            if school_active == Some(false) {
                return Err(school_inactive());
            }
            // A signed-out (or revoked) session's access tokens end with it, not when they expire.
            let revoked: Option<i64> = refresh_tokens::table
                .filter(refresh_tokens::family.eq(&session))
                .filter(refresh_tokens::revoked_at.is_not_null())
                .select(refresh_tokens::id)
                .first(c)
                .optional()?;
            if revoked.is_some() {
                return Err(ApiError::with_detail(ErrorCode::InvalidToken, "此登入已登出或被撤銷，請重新登入。", "This session was signed out or revoked; sign in again."));
            }
            load_user_principal(c, user, session).map(Arc::new)
        })
        .await?;
    state.principals.put(version, &principal, generation, now);
    Ok(Principal::User(principal))
}

/// The refusal when the caller's school has been deactivated by the platform operator.
pub fn school_inactive() -> ApiError {
    ApiError::with_detail(ErrorCode::AccountInactive, "此學校已停用，帳號與 API 金鑰暫停使用。", "This school is deactivated: its accounts and API keys cannot be used.")
}

/// Whether an API key row is usable (not revoked).
pub fn key_is_live(revoked_at: Option<chrono::NaiveDateTime>) -> bool {
    revoked_at.is_none()
}

#[allow(unused_imports)]
use api_keys as _api_keys_table;
