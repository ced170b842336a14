//! API keys for machine clients (school-affairs vendors, scripts): named, limited to scopes,
//! the secret shown once and stored hashed; requests send `Authorization: Bearer lc_…`. A key
//! may expire and may be limited to client address ranges.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::audit::{self, Event, EventKind};
use crate::state::AppState;
use crate::auth::keys::KEY_PREFIX;
use crate::auth::{client_addr, Need, Principal, Scope};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, Problem};
use crate::net::{self, Cidr};
use crate::schema::api_keys;
use crate::secrets::{random_bytes, sha256_hex};

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "name": "校務系統", "prefix": "k7Qm2x", "scopes": ["sync", "read"], "created_at": "2026-08-20T02:00:00Z",
    "last_used_at": "2026-09-01T01:00:00Z", "revoked_at": null, "expires_at": null, "allowed_networks": ["203.0.113.0/24"]}))]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    /// The public part of the key (`lc_{prefix}_…`), to tell keys apart.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub last_used_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub revoked_at: Option<NaiveDateTime>,
    /// After this moment the key no longer works (none: until revoked).
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub expires_at: Option<NaiveDateTime>,
    /// Client address ranges the key works from (none: any address).
    pub allowed_networks: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKey,
    /// The whole key. Shown only in this response; store it safely.
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"name": "校務系統廠商同步", "scopes": ["sync"], "expires_at": "2027-07-31T16:00:00Z", "allowed_networks": ["203.0.113.0/24"]}))]
pub struct NewApiKey {
    /// What the key is for, e.g. the vendor's name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// At least one of `sync`, `read`.
    #[validate(length(min = 1, max = 2, message = "至少選擇一個範圍|choose at least one scope"))]
    #[schema(min_items = 1, max_items = 2)]
    pub scopes: Vec<Scope>,
    /// When the key stops working, e.g. `2027-07-31T16:00:00Z`; in the future and at most
    /// five years ahead. Omit for a key that works until revoked.
    pub expires_at: Option<DateTime<Utc>>,
    /// Client address ranges the key works from, e.g. `["203.0.113.0/24", "2001:db8::/32"]`
    /// (at most 20). Omit for any address.
    #[validate(length(max = 20, message = "最多 20 個位址範圍|at most 20 address ranges"))]
    #[schema(max_items = 20)]
    pub allowed_networks: Option<Vec<String>>,
}

/// The key's ranges, parsed and normalised, or a 422 naming the bad entry.
fn check_new(new: &NewApiKey, now: NaiveDateTime) -> ApiResult<(Option<NaiveDateTime>, Option<String>)> {
    let expires = new.expires_at.map(|t| t.naive_utc());
    if let Some(t) = expires {
        if t <= now || t > now + Duration::days(5 * 366) {
            return Err(ApiError::validation().field("expires_at", "到期時間須在未來五年內", "must be in the future and within five years"));
        }
    }
    let networks = match &new.allowed_networks {
        Some(ranges) => {
            let parsed = net::parse_list(ranges.iter().map(String::as_str))
                .map_err(|e| ApiError::validation().field("allowed_networks", format!("位址範圍格式不正確：{e}"), format!("not an address range: {e}")))?;
            if parsed.is_empty() {
                return Err(ApiError::validation().field("allowed_networks", "至少填一個位址範圍", "give at least one address range"));
            }
            Some(parsed.iter().map(Cidr::to_string).collect::<Vec<_>>().join(","))
        }
        None => None,
    };
    Ok((expires, networks))
}

type Row = (i64, String, String, String, NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>, Option<NaiveDateTime>, Option<String>);

fn to_api(row: Row) -> ApiResult<ApiKey> {
    let (id, name, prefix, scopes, created_at, last_used_at, revoked_at, expires_at, networks) = row;
    Ok(ApiKey {
        id,
        name,
        prefix,
        scopes: Scope::stored(&scopes)?,
        created_at,
        last_used_at,
        revoked_at,
        expires_at,
        allowed_networks: networks.map(|n| n.split(',').map(String::from).collect()),
    })
}

fn columns() -> (
    api_keys::id,
    api_keys::name,
    api_keys::prefix,
    api_keys::scopes,
    api_keys::created_at,
    api_keys::last_used_at,
    api_keys::revoked_at,
    api_keys::expires_at,
    api_keys::allowed_networks,
) {
    (
        api_keys::id,
        api_keys::name,
        api_keys::prefix,
        api_keys::scopes,
        api_keys::created_at,
        api_keys::last_used_at,
        api_keys::revoked_at,
        api_keys::expires_at,
        api_keys::allowed_networks,
    )
}

/// Creates a key; returns it with its whole secret.
pub fn create(conn: &mut DbConn, school_id: i64, creator: Option<i64>, new: &NewApiKey, now: NaiveDateTime) -> ApiResult<CreatedApiKey> {
    let (expires_at, networks) = check_new(new, now)?;
    let prefix = hex::encode(random_bytes::<6>());
    let secret = hex::encode(random_bytes::<32>());
    let id: i64 = diesel::insert_into(api_keys::table)
        .values((
            api_keys::school_id.eq(school_id),
            api_keys::name.eq(new.name.trim()),
            api_keys::prefix.eq(&prefix),
            api_keys::secret_hash.eq(sha256_hex(secret.as_bytes())),
            api_keys::scopes.eq(Scope::store(&new.scopes)),
            api_keys::created_by.eq(creator),
            api_keys::created_at.eq(now),
            api_keys::expires_at.eq(expires_at),
            api_keys::allowed_networks.eq(networks),
        ))
        .returning(api_keys::id)
        .get_result(conn)?;
    let row: Row = api_keys::table.find(id).select(columns()).first(conn)?;
    Ok(CreatedApiKey { key: to_api(row)?, secret: format!("{KEY_PREFIX}{prefix}_{secret}") })
}

/// List the school's API keys (secrets are never shown again).
#[utoipa::path(
    tag = "accounts",
    responses(
        (status = 200, description = "The school's keys, newest first", body = Vec<ApiKey>),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api-keys")]
pub async fn list(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<ApiKey>>> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    state
        .db
        .read(move |c| {
            let rows: Vec<Row> = api_keys::table
                .filter(api_keys::school_id.eq(school))
                .order(api_keys::id.desc())
                .select(columns())
                .load(c)?;
            Ok(web::Json(rows.into_iter().map(to_api).collect::<ApiResult<Vec<_>>>()?))
        })
        .await
}

/// Create an API key; the response is the only time its secret is shown.
#[utoipa::path(
    operation_id = "create_api_key",
    tag = "accounts",
    request_body = NewApiKey,
    responses(
        (status = 201, description = "Created", body = CreatedApiKey),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (a past or far expiry, a malformed address range)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-keys")]
pub async fn create_key(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: crate::http::JsonBody<NewApiKey>,
) -> ApiResult<HttpResponse> {
    who.require(Need::SCHOOL_ADMIN)?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    body.validate()?;
    let school = who.school_id()?;
    let now = state.clock.now();
    let (user_id, actor, client) = (who.user_id(), who.actor(), client_addr(&req));
    let created = state
        .db
        .write(move |c| {
            let created = create(c, school, user_id, &body, now)?;
            audit::record(
                c,
                Event {
                    school_id: Some(school),
                    user_id,
                    actor: Some(&actor),
                    event: EventKind::ApiKeyCreated,
                    detail: Some(format!("{} ({})", created.key.name, created.key.prefix)),
                    client: Some(&client),
                },
                now,
            )?;
            Ok(created)
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Revoke an API key; requests with it fail from now on.
#[utoipa::path(
    operation_id = "revoke_api_key",
    tag = "accounts",
    params(("id" = i64, Path, description = "Key id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key in this school", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api-keys/{id}")]
pub async fn revoke(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    let id = id.into_inner();
    let now = state.clock.now();
    let (user_id, actor, client) = (who.user_id(), who.actor(), client_addr(&req));
    state
        .db
        .write(move |c| {
            let name: String = api_keys::table
                .filter(api_keys::id.eq(id))
                .filter(api_keys::school_id.eq(school))
                .select(api_keys::name)
                .first(c)
                .optional()?
                .ok_or_else(ApiError::not_found)?;
            diesel::update(api_keys::table.find(id).filter(api_keys::revoked_at.is_null()))
                .set(api_keys::revoked_at.eq(now))
                .execute(c)?;
            audit::record(
                c,
                Event { school_id: Some(school), user_id, actor: Some(&actor), event: EventKind::ApiKeyRevoked, detail: Some(name), client: Some(&client) },
                now,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
