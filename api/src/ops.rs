//! Operations endpoints: liveness, readiness and metrics.

use actix_web::{get, web, HttpResponse, Responder};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::db::BackendKind;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::Metrics;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz).service(readyz).service(metrics);
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` while the process serves requests.
    #[schema(example = "ok")]
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    #[schema(example = "ok")]
    pub status: String,
    pub database: BackendKind,
    /// `applied` when every migration the binary carries has run.
    #[schema(example = "applied")]
    pub migrations: String,
}

/// The process is up.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "The process serves requests", body = Health))
)]
#[get("/healthz")]
pub async fn healthz() -> impl Responder {
    web::Json(Health { status: "ok".into() })
}

/// The database is reachable and its schema is current.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "Database unreachable or migrations pending", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<web::Json<Readiness>> {
    let db = state.db.clone();
    let pending = state
        .db
        .read(move |_conn| db.pending_migrations())
        .await
        .map_err(|e| match e.code {
            ErrorCode::DatabaseUnavailable => e,
            _ => ApiError::database_unavailable(e),
        })?;
    if pending > 0 {
        return Err(ApiError::with_detail(
            ErrorCode::NotReady,
            format!("資料庫尚有 {pending} 個移轉未套用。"),
            format!("{pending} database migrations are pending."),
        ));
    }
    Ok(web::Json(Readiness {
        status: "ok".into(),
        database: state.db.kind(),
        migrations: "applied".into(),
    }))
}

/// Request counts and latency histograms in the Prometheus text format.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Prometheus text format 0.0.4", body = String, content_type = "text/plain"))
)]
#[get("/metrics")]
pub async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}
