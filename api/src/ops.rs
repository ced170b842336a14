//! Operations endpoints: liveness, readiness and metrics.

use actix_web::{get, web, HttpRequest, HttpResponse, Responder};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;
use crate::db::BackendKind;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::Metrics;

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// Always `ok` while the process serves requests.
    #[schema(example = "ok")]
    pub status: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ok", "database": "postgres", "migrations": "applied"}))]
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
    security(()),
    operation_id = "get_health",
    tag = "operations",
    responses((status = 200, description = "The process serves requests", body = Health))
)]
#[get("/healthz")]
pub async fn healthz() -> impl Responder {
    web::Json(Health { status: "ok".into() })
}

/// The database is reachable and its schema is current.
#[utoipa::path(
    security(()),
    operation_id = "get_readiness",
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

/// Marks the separate metrics listener (`metrics_bind`).
#[derive(Clone, Copy)]
pub struct MetricsListener;

/// The app of the separate metrics listener: `/metrics` only.
pub fn metrics_app(
    state: AppState,
    counters: web::Data<Metrics>,
) -> actix_web::App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    actix_web::App::new()
        .app_data(web::Data::new(state))
        .app_data(counters)
        .app_data(web::Data::new(MetricsListener))
        .service(metrics)
}

/// Request counts and latency histograms in the Prometheus text format. With `metrics_bind`
/// set it is served only there; with `metrics_token` set it needs that bearer token.
#[utoipa::path(
    operation_id = "get_metrics",
    tag = "operations",
    security((), ("metrics_token" = [])),
    responses(
        (status = 200, description = "Prometheus text format 0.0.4", body = String, content_type = "text/plain"),
        (status = 401, description = "`metrics_token` is configured and was not given", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Served on the separate `metrics_bind` address instead", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/metrics")]
pub async fn metrics(req: HttpRequest, state: web::Data<AppState>, metrics: web::Data<Metrics>) -> ApiResult<HttpResponse> {
    let on_listener = req.app_data::<web::Data<MetricsListener>>().is_some();
    if state.config.metrics_bind.is_some() && !on_listener {
        return Err(ApiError::new(ErrorCode::RouteNotFound));
    }
    if let Some(expected) = &state.config.metrics_token {
        let given = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        let same = given.len() == expected.len() && given.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if !same {
            return Err(ApiError::new(ErrorCode::Unauthenticated));
        }
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render()))
}
