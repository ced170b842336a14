//! The audit log of security events: who, when, from where (issue: accounts, item 10).

use actix_web::{get, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::auth::{Need, Principal};
use crate::db::DbConn;
use crate::error::{ApiResult, Problem};
use crate::pagination::{offset, Page, PageQuery};
use crate::schema::audit_events;

/// One security event to record.
pub struct Event<'a> {
    pub school_id: Option<i64>,
    pub user_id: Option<i64>,
    pub actor: Option<&'a str>,
    pub event: &'a str,
    pub detail: Option<String>,
    pub client: Option<&'a str>,
}

/// Events that do not change who may do what; every other recorded event invalidates the
/// process's cached principals (role groups, accounts, passwords, terms, keys …).
const ROUTINE: &[&str] = &[
    "sign_in_failed",
    "sign_in_succeeded",
    "password_reset_requested",
    "mail_settings_changed",
    "parameters_changed",
    "national_window_set",
    "consultation_created",
    "consultation_updated",
    "consultation_deleted",
    "roster_exported",
    "receipt_answered",
    "self_directed_event",
    "performance_changed",
];

pub fn record(conn: &mut DbConn, e: Event<'_>, now: NaiveDateTime) -> ApiResult<()> {
    if !ROUTINE.contains(&e.event) {
        crate::auth::cache::invalidate_all();
    }
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::school_id.eq(e.school_id),
            audit_events::user_id.eq(e.user_id),
            audit_events::actor.eq(e.actor),
            audit_events::event.eq(e.event),
            audit_events::detail.eq(e.detail),
            audit_events::client_addr.eq(e.client),
            audit_events::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct AuditEvent {
    pub id: i64,
    pub user_id: Option<i64>,
    /// Account (or API key) that acted or was acted on.
    pub actor: Option<String>,
    /// e.g. `sign_in_succeeded`, `sign_in_failed`, `account_locked`, `password_changed`,
    /// `password_reset_by_admin`, `role_group_updated`, `api_key_created`.
    pub event: String,
    pub detail: Option<String>,
    pub client_addr: Option<String>,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Only this event kind (see `AuditEvent.event`; an unknown kind finds nothing).
    pub event: Option<String>,
    /// Only this account.
    pub actor: Option<String>,
    /// From this time (RFC 3339, e.g. `2026-11-22T00:00:00Z` or `2026-11-22T08:00:00+08:00`).
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Before this time (RFC 3339).
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

/// List the school's security events, newest first.
#[utoipa::path(
    tag = "accounts",
    params(AuditFilter, PageQuery),
    security(("bearer_jwt" = [])),
    responses(
        (status = 200, description = "One page of events", body = Page<AuditEvent>),
        (status = 400, description = "Bad filter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit-events")]
pub async fn list(
    state: web::Data<AppState>,
    who: Principal,
    filter: web::Query<AuditFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<AuditEvent>>> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    let (page, per_page) = page.checked()?;
    let filter = filter.into_inner();
    state
        .db
        .read(move |c| {
            let query = || {
                let mut q = audit_events::table.filter(audit_events::school_id.eq(school)).into_boxed();
                if let Some(e) = &filter.event {
                    q = q.filter(audit_events::event.eq(e.clone()));
                }
                if let Some(a) = &filter.actor {
                    q = q.filter(audit_events::actor.eq(a.clone()));
                }
                if let Some(f) = filter.from {
                    q = q.filter(audit_events::created_at.ge(f.naive_utc()));
                }
                if let Some(t) = filter.to {
                    q = q.filter(audit_events::created_at.lt(t.naive_utc()));
                }
                q
            };
            let total: i64 = query().count().get_result(c)?;
            let items = query()
                .order((audit_events::created_at.desc(), audit_events::id.desc()))
                .limit(per_page)
                .offset(offset(page, per_page))
                .select((
                    audit_events::id,
                    audit_events::user_id,
                    audit_events::actor,
                    audit_events::event,
                    audit_events::detail,
                    audit_events::client_addr,
                    audit_events::created_at,
                ))
                .load::<AuditEvent>(c)?;
            Ok(web::Json(Page::new(items, total, page, per_page)))
        })
        .await
}
