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
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    ignore_malformed_range(req.headers_mut());
    let start = Instant::now();
    let id = request_id(&req);
    let lang = request_lang(req.request());
    let method = req.method().to_string();
    let path = req.path().to_string();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let hsts = req.app_data::<web::Data<crate::state::AppState>>().map(|s| s.config.hsts_seconds).unwrap_or(0);
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
            JsonPayloadError::Deserialize(e) => invalid_json(e),
            JsonPayloadError::Serialize(e) => ApiError::internal(format!("serialize: {e}")),
            other => ApiError {
                internal: Some(other.to_string()),
                ..ApiError::with_detail(ErrorCode::BadRequest, "無法讀取請求內容。", "Cannot read the body.")
            },
        };
        api.into()
    })
}

/// A body that is not the documented JSON: where it went wrong and which kind of mistake, in
/// words of the API (a missing or unknown field is named) — never the parser's own text, which
/// speaks of Rust types (`expected i64`).
fn invalid_json(e: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let (line, column) = (e.line(), e.column());
    let message = e.to_string();
    let field = |prefix: &str| {
        message.strip_prefix(prefix).and_then(|rest| rest.split('`').next()).filter(|f| !f.is_empty() && f.len() <= 64 && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).map(str::to_string)
    };
    let (zh, en) = match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => ("不是正確的 JSON".to_string(), "is not valid JSON".to_string()),
        Category::Data => match (field("missing field `"), field("unknown field `")) {
            (Some(f), _) => (format!("缺少必填欄位 {f}"), format!("lacks the required field `{f}`")),
            (None, Some(f)) => (format!("有未定義的欄位 {f}"), format!("has the unknown field `{f}`")),
            _ => ("有欄位的型別或值不符合文件（例如數字超出範圍、不在列舉中）".to_string(), "has a field of the wrong type or value (e.g. a number out of range or not one of the listed values)".to_string()),
        },
    };
    // A value read from an already parsed document has no position (line 0).
    let (at_zh, at_en) = if line == 0 { (String::new(), String::new()) } else { (format!("（第 {line} 行第 {column} 字）"), format!(" (line {line}, column {column})")) };
    ApiError {
        internal: Some(message.clone()),
        ..ApiError::with_detail(ErrorCode::InvalidJson, format!("請求內容{zh}{at_zh}。"), format!("The body {en}{at_en}."))
    }
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        ApiError { internal: Some(err.to_string()), ..ApiError::new(ErrorCode::InvalidQuery) }.into()
    })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _req| {
        ApiError { internal: Some(err.to_string()), ..ApiError::new(ErrorCode::InvalidPath) }.into()
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

/// RFC 9110 §14.2: a `Range` that is not a well-formed `bytes` ranges-specifier is ignored, the
/// whole file is served (200); actix-files would answer it 416, or 400 to bytes outside ASCII. A
/// well-formed one stays: 206, or 416 with `Content-Range: bytes */size` when it is past the end.
pub fn ignore_malformed_range(headers: &mut header::HeaderMap) {
    if headers.get(header::RANGE).is_some_and(|v| !well_formed_byte_ranges(v.as_bytes())) {
        headers.remove(header::RANGE);
    }
}

/// `bytes=` (any case) and a non-empty list of `first-[last]` (last ≥ first) or `-suffix`, digits
/// only, separated by commas with optional blanks (RFC 9110 §14.1.2).
pub fn well_formed_byte_ranges(value: &[u8]) -> bool {
    let Ok(value) = std::str::from_utf8(value) else { return false };
    let Some(set) = value.get(..6).filter(|unit| unit.eq_ignore_ascii_case("bytes=")).and(value.get(6..)) else { return false };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // Numeric order of digit strings of any length.
    let number = |s: &str| {
        let s = s.trim_start_matches('0');
        (s.len(), s.to_string())
    };
    let mut specs = 0;
    for spec in set.split(',').map(|s| s.trim_matches([' ', '\t'])).filter(|s| !s.is_empty()) {
        let Some((first, last)) = spec.split_once('-') else { return false };
        let ok = match (first.is_empty(), last.is_empty()) {
            (true, _) => digits(last),
            (false, true) => digits(first),
            (false, false) => digits(first) && digits(last) && number(last) >= number(first),
        };
        if !ok {
            return false;
        }
        specs += 1;
    }
    specs > 0
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

/// A JSON body that is read only when the handler asks for it — after it has checked who may
/// call, so a caller without permission is refused before the body is read or judged (actix
/// reads a `web::Json` argument before the handler runs). Document the operation's body with
/// `request_body = …` in its `#[utoipa::path]`.
pub struct JsonBody<T> {
    req: HttpRequest,
    payload: actix_web::dev::Payload,
    _body: std::marker::PhantomData<T>,
}

impl<T> actix_web::FromRequest for JsonBody<T> {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<JsonBody<T>, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(JsonBody { req: req.clone(), payload: payload.take(), _body: std::marker::PhantomData }))
    }
}

impl<T: serde::de::DeserializeOwned + 'static> JsonBody<T> {
    /// Reads and parses the body with the app's `JsonConfig` (limit, content type, problems).
    /// An integral float such as `24.0` is read as the integer it is: JSON Schema counts it as
    /// an `integer`, so the server accepts it too (the document promises no more than that).
    pub async fn read(mut self) -> Result<T, ApiError> {
        use actix_web::FromRequest;
        let value = match web::Json::<serde_json::Value>::from_request(&self.req, &mut self.payload).await {
            Ok(json) => json.into_inner(),
            Err(e) => return Err(e.as_error::<ApiError>().cloned().unwrap_or_else(|| ApiError { internal: Some(e.to_string()), ..ApiError::new(ErrorCode::BadRequest) })),
        };
        parse_json(value)
    }
}

/// Reads a JSON value as `T`; when it does not fit, once more with integral floats as
/// integers. A value that still does not fit is refused with the first error.
fn parse_json<T: serde::de::DeserializeOwned>(mut value: serde_json::Value) -> Result<T, ApiError> {
    let first = match T::deserialize(&value) {
        Ok(parsed) => return Ok(parsed),
        Err(e) => e,
    };
    if integral_floats_as_integers(&mut value) {
        if let Ok(parsed) = T::deserialize(&value) {
            return Ok(parsed);
        }
    }
    Err(invalid_json(&first))
}

/// Turns every float with no fraction into that integer, as far as a float holds integers exactly
/// (±2^53: beyond, `-9223372036854775809` would round into range); says whether any was.
fn integral_floats_as_integers(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 => {
                *n = serde_json::Number::from(f as i64);
                true
            }
            _ => false,
        },
        Value::Array(items) => items.iter_mut().fold(false, |any, v| integral_floats_as_integers(v) | any),
        Value::Object(fields) => fields.values_mut().fold(false, |any, v| integral_floats_as_integers(v) | any),
        _ => false,
    }
}

#[cfg(test)]
mod json_tests {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Ids {
        user_ids: Vec<i64>,
    }

    #[test]
    fn invalid_json_names_a_missing_field_and_hides_the_parser_text() {
        let e = serde_json::from_str::<Ids>("{}").unwrap_err();
        let err = super::invalid_json(&e);
        let en = err.detail.unwrap().en.to_string();
        assert!(en.contains("`user_ids`"), "{en} / {e}");
        let e = serde_json::from_str::<Ids>(r#"{"user_ids": [99999999999999999999999]}"#).unwrap_err();
        let en = super::invalid_json(&e).detail.unwrap().en.to_string();
        assert!(!en.contains("i64") && en.contains("line 1"), "{en}");
    }

    #[test]
    fn integral_floats_read_as_integers_and_fractions_stay_refused() {
        let parse = |text: &str| super::parse_json::<Ids>(serde_json::from_str(text).unwrap());
        assert_eq!(parse(r#"{"user_ids": [24.0, -3.0, 7]}"#).unwrap().user_ids, vec![24, -3, 7]);
        let en = parse(r#"{"user_ids": [24.5]}"#).unwrap_err().detail.unwrap().en.to_string();
        assert!(en.contains("wrong type or value") && !en.contains("line"), "{en}");
        assert!(parse(r#"{"user_ids": [1e300]}"#).is_err());
        assert!(parse(r#"{}"#).unwrap_err().detail.unwrap().en.to_string().contains("`user_ids`"));
    }
}

// Here, below the domains, because download responses of every layer name it (`reporting::xlsx`
// writes the workbooks and re-exports it).
/// An .xlsx workbook (documentation type of the download responses).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct XlsxFile(pub Vec<u8>);
