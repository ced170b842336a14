//! The actix `App`: the routes of `router`, the docs, the SPA and the fallbacks.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpRequest, HttpResponse};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{ApiError, ErrorCode};
use crate::http::{self, Metrics};
use crate::state::AppState;

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
        .configure(crate::router::unscoped)
        .service(
            SwaggerUi::new("/api/docs/{_:.*}")
                .url("/api/openapi.json", crate::openapi::document())
                // No calls to the public validator: the docs work offline.
                .config(utoipa_swagger_ui::Config::default().validator_url("none")),
        )
        .service(web::redirect("/api/docs", "/api/docs/"))
        .service(
            web::scope(crate::router::SYNC)
                .app_data(http::json_config(sync_limit))
                .configure(crate::router::sync)
                .default_service(web::to(route_not_found)),
        )
        .service(web::scope(crate::router::V1).configure(crate::router::v1).default_service(web::to(route_not_found)))
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

/// The methods each documented path answers, from the OpenAPI document (the one list of
/// routes): a known path asked with another method gets `405` and `Allow`, not `404`.
fn allowed_methods(path: &str) -> Vec<&'static str> {
    type Table = Vec<(Vec<String>, Vec<&'static str>)>;
    static TABLE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        crate::openapi::document()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, has)| has.then_some(m))
                .collect();
                (template.trim_matches('/').split('/').map(str::to_string).collect(), methods)
            })
            .collect()
    });
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    // Among the templates that match, the most literal ones name the resource: a literal path
    // (`/news/manage`) is not a value of `/news/{id}`, and `/transfers/items/5/selection` is
    // `…/{id}/selection`, not a `{slot}` of `…/{id}/{slot}`.
    let mut allowed: Vec<&'static str> = Vec::new();
    let mut best = 0;
    for (template, methods) in table {
        let matches = template.len() == segments.len()
            && template.iter().zip(&segments).all(|(t, s)| (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s);
        if !matches {
            continue;
        }
        let literal = template.iter().filter(|t| !t.starts_with('{')).count();
        if literal > best {
            best = literal;
            allowed.clear();
        }
        if literal == best {
            allowed.extend(methods.iter().filter(|m| !allowed.contains(m)).collect::<Vec<_>>());
        }
    }
    allowed
}

/// No route matched: `405` with `Allow` when the path is known under other methods, else `404`.
fn no_route(req: &HttpRequest, otherwise: ErrorCode) -> ApiError {
    let allowed = allowed_methods(req.path());
    if allowed.is_empty() || allowed.contains(&req.method().as_str()) {
        return ApiError::new(otherwise);
    }
    ApiError::new(ErrorCode::MethodNotAllowed).allow(allowed.join(", "))
}

async fn route_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(no_route(&req, ErrorCode::RouteNotFound))
}

async fn frontend_missing(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if req.path() == "/" || req.path() == "/index.html" {
        Err(ApiError::new(ErrorCode::FrontendNotBuilt))
    } else {
        Err(no_route(&req, ErrorCode::RouteNotFound))
    }
}

/// Deep links of the SPA (`/student/results/3`) get `index.html`; the client router takes over.
async fn spa_index(req: HttpRequest, dir: std::path::PathBuf) -> actix_web::Result<HttpResponse> {
    let path = req.path();
    let looks_like_file = path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    if looks_like_file || req.method() != actix_web::http::Method::GET {
        return Err(no_route(&req, ErrorCode::RouteNotFound).into());
    }
    let file = actix_files::NamedFile::open(dir.join("index.html"))
        .map_err(|_| ApiError::new(ErrorCode::FrontendNotBuilt))?;
    Ok(file.use_etag(true).into_response(&req))
}
