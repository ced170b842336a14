//! The application state and the actix `App` with every route.

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpRequest, HttpResponse};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::error::{ApiError, ErrorCode};
use crate::http::{self, Metrics};
use crate::secrets::Secrets;

/// Everything a handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub clock: Clock,
    pub secrets: Secrets,
}

impl AppState {
    pub fn new(config: Config, db: Db, secrets: Secrets) -> AppState {
        AppState { config: Arc::new(config), db, clock: Clock::default(), secrets }
    }
}

/// Builds the whole application: API, operations endpoints, docs and the SPA.
pub fn build(
    state: AppState,
    metrics: web::Data<Metrics>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let frontend_dir = state.config.frontend_dir.clone();
    let json_limit = state.config.max_json_bytes;
    let sync_limit = state.config.max_sync_bytes;
    let mut app = App::new()
        .app_data(web::Data::new(state))
        .app_data(metrics)
        .app_data(http::json_config(json_limit))
        .app_data(http::query_config())
        .app_data(http::path_config())
        .app_data(actix_multipart::MultipartConfig::default().buffer_limit(1 << 20))
        .app_data(web::PayloadConfig::new(json_limit))
        .wrap(from_fn(http::observe))
        .configure(crate::ops::routes)
        .service(
            SwaggerUi::new("/api/docs/{_:.*}")
                .url("/api/openapi.json", crate::openapi::ApiDoc::openapi())
                // No calls to the public validator: the docs work offline.
                .config(utoipa_swagger_ui::Config::default().validator_url("none")),
        )
        .service(web::redirect("/api/docs", "/api/docs/"))
        .service(
            web::scope("/api/v1/sync")
                .app_data(http::json_config(sync_limit))
                .configure(crate::sync::routes::routes),
        )
        .service(web::scope("/api/v1").configure(crate::routes_v1))
        .service(web::scope("/api").default_service(web::to(route_not_found)));
    if frontend_dir.join("index.html").is_file() {
        app = app.service(
            actix_files::Files::new("/", frontend_dir.clone())
                .index_file("index.html")
                .default_handler(web::to(move |req: HttpRequest| spa_index(req, frontend_dir.clone()))),
        );
    }
    app.default_service(web::to(frontend_missing))
}

async fn route_not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(ErrorCode::RouteNotFound))
}

async fn frontend_missing(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if req.path() == "/" || req.path() == "/index.html" {
        Err(ApiError::new(ErrorCode::FrontendNotBuilt))
    } else {
        Err(ApiError::new(ErrorCode::RouteNotFound))
    }
}

/// Deep links of the SPA (`/student/results/3`) get `index.html`; the client router takes over.
async fn spa_index(req: HttpRequest, dir: std::path::PathBuf) -> actix_web::Result<HttpResponse> {
    let path = req.path();
    let looks_like_file = path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    if looks_like_file || req.method() != actix_web::http::Method::GET {
        return Err(ApiError::new(ErrorCode::RouteNotFound).into());
    }
    let file = actix_files::NamedFile::open(dir.join("index.html"))
        .map_err(|_| ApiError::new(ErrorCode::FrontendNotBuilt))?;
    Ok(file.use_etag(true).into_response(&req))
}
