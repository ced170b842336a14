//! Cross-cutting HTTP concerns: request ids, request logging, metrics, and turning every error
//! response — ours, the framework's, unknown routes — into localized problem+json.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};

use crate::error::{ApiError, ErrorCode, Lang, PROBLEM_JSON};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request id of the current request, in the request extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// An id given by the client is kept when it is short and plain; otherwise a new one is made.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        })
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

pub fn request_lang(req: &HttpRequest) -> Lang {
    Lang::from_accept_language(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

/// The outermost middleware: request id, problem normalization and localization, metrics, log.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let start = Instant::now();
    let id = request_id(&req);
    let lang = request_lang(req.request());
    let method = req.method().to_string();
    let path = req.path().to_string();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let hsts = req.app_data::<web::Data<crate::app::AppState>>().map(|s| s.config.hsts_seconds).unwrap_or(0);
    req.extensions_mut().insert(RequestId(id.clone()));

    // (The request must not be cloned before routing: the router needs it unshared. Errors
    // that escape the services are rare and are rendered by their own `error_response`.)
    let res = next.call(req).await?.map_into_boxed_body();
    let route = res.request().match_pattern().unwrap_or_else(|| "(unmatched)".to_string());
    let mut res = normalize_problem(res, lang);
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    security_headers(res.headers_mut(), &path, hsts);
    let status = res.status().as_u16();
    let elapsed = start.elapsed().as_secs_f64();
    if let Some(metrics) = metrics {
        metrics.observe(&method, &route, status, elapsed);
    }
    let code = res.response().extensions().get::<ApiError>().map(|e| e.code.as_str());
    tracing::info!(
        request_id = %id,
        method = %method,
        path = %path,
        route = %route,
        status,
        code,
        ms = (elapsed * 1000.0 * 10.0).round() / 10.0,
        "request"
    );
    Ok(res)
}

/// The SPA's policy: scripts only from this origin (no inline script), styles inline too (the
/// component library writes its styles at run time), previews of uploads from `blob:` URLs,
/// never framed by another site.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; connect-src 'self'; \
frame-src 'self' blob:; object-src 'self' blob:; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Headers every response carries. API answers are never stored by caches unless the handler
/// says otherwise (downloads revalidate with their ETag).
pub fn security_headers(headers: &mut actix_web::http::header::HeaderMap, path: &str, hsts_seconds: u64) {
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    if path.starts_with("/api") && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if hsts_seconds > 0 {
        if let Ok(v) = HeaderValue::from_str(&format!("max-age={hsts_seconds}; includeSubDomains")) {
            headers.insert(header::STRICT_TRANSPORT_SECURITY, v);
        }
    }
}

/// Error responses always carry problem+json in the request's language.
fn normalize_problem(res: ServiceResponse<BoxBody>, lang: Lang) -> ServiceResponse<BoxBody> {
    if !(res.status().is_client_error() || res.status().is_server_error()) {
        return res;
    }
    let existing = res.response().extensions().get::<ApiError>().cloned();
    match existing {
        Some(_) if lang == Lang::Zh => res,
        Some(err) => replace_body(res, err.render(lang)),
        None => {
            let is_problem = res
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with(PROBLEM_JSON));
            if is_problem {
                return res;
            }
            let err = ApiError::new(ErrorCode::from_status(res.status()));
            replace_body(res, err.render(lang))
        }
    }
}

fn replace_body(res: ServiceResponse<BoxBody>, mut new: HttpResponse) -> ServiceResponse<BoxBody> {
    // Keep headers the handler set (Retry-After, Allow, WWW-Authenticate …) except the body's.
    for (name, value) in res.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH && name != header::CONTENT_LANGUAGE {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    let (req, _) = res.into_parts();
    ServiceResponse::new(req, new)
}

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default().limit(limit).error_handler(|err, _req| {
        let api = match &err {
            JsonPayloadError::ContentType => ApiError::new(ErrorCode::UnsupportedMediaType),
            JsonPayloadError::Overflow { limit } | JsonPayloadError::OverflowKnownLength { limit, .. } => {
                ApiError::with_detail(
                    ErrorCode::PayloadTooLarge,
                    format!("請求內容超過 {limit} 位元組的上限。"),
                    format!("The body exceeds the limit of {limit} bytes."),
                )
            }
            JsonPayloadError::Deserialize(e) => ApiError::with_detail(
                ErrorCode::InvalidJson,
                format!("JSON 格式錯誤或欄位型別不符：{e}"),
                format!("Invalid JSON or field type: {e}"),
            ),
            JsonPayloadError::Serialize(e) => ApiError::internal(format!("serialize: {e}")),
            other => ApiError::with_detail(
                ErrorCode::BadRequest,
                format!("無法讀取請求內容：{other}"),
                format!("Cannot read the body: {other}"),
            ),
        };
        api.into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        ApiError::with_detail(
            ErrorCode::InvalidQuery,
            format!("查詢參數錯誤：{err}"),
            format!("Invalid query parameters: {err}"),
        )
        .into()
    })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _req| {
        ApiError::with_detail(
            ErrorCode::InvalidPath,
            format!("網址參數錯誤：{err}"),
            format!("Invalid path parameter: {err}"),
        )
        .into()
    })
}

/// Prometheus metrics kept in process: request counts by method, route and status, and a
/// latency histogram by method and route.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<MetricsInner>,
}

#[derive(Default)]
struct MetricsInner {
    counts: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<(String, String), Histogram>,
}

const BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

#[derive(Default, Clone)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        // Labels come from closed sets: an invented method would otherwise add a series per request.
        let method = match method {
            "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => method,
            _ => "OTHER",
        };
        let status = if (100..600).contains(&status) { status } else { 0 };
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *inner.counts.entry((method.to_string(), route.to_string(), status)).or_default() += 1;
        let h = inner.latency.entry((method.to_string(), route.to_string())).or_default();
        h.count += 1;
        h.sum += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.buckets[i] += 1;
            }
        }
    }

    /// The Prometheus text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        out.push_str("# HELP licheng_http_requests_total HTTP requests by method, route and status.\n");
        out.push_str("# TYPE licheng_http_requests_total counter\n");
        for ((method, route, status), n) in &inner.counts {
            let _ = writeln!(
                out,
                "licheng_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(method),
                escape(route)
            );
        }
        out.push_str("# HELP licheng_http_request_duration_seconds HTTP request latency by method and route.\n");
        out.push_str("# TYPE licheng_http_request_duration_seconds histogram\n");
        for ((method, route), h) in &inner.latency {
            let labels = format!("method=\"{}\",route=\"{}\"", escape(method), escape(route));
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "licheng_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    h.buckets[i]
                );
            }
            let _ = writeln!(out, "licheng_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "licheng_http_request_duration_seconds_sum{{{labels}}} {}", h.sum);
            let _ = writeln!(out, "licheng_http_request_duration_seconds_count{{{labels}}} {}", h.count);
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative() {
        let m = Metrics::default();
        m.observe("GET", "/healthz", 200, 0.003);
        m.observe("GET", "/healthz", 200, 0.2);
        let text = m.render();
        assert!(text.contains("licheng_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"));
        assert!(text.contains("le=\"0.005\"} 1"));
        assert!(text.contains("le=\"0.25\"} 2"));
        assert!(text.contains("le=\"+Inf\"} 2"));
    }
}
