//! The OpenAPI 3.1 document, generated from the handlers' annotations. `licheng openapi` prints
//! it; `openapi/openapi.json` is the committed copy a test keeps equal.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Licheng API",
        description = "學習歷程檔案平臺 Licheng 的 REST API。網頁前端、校務行政系統廠商與自動化整合都使用同一份 API。\n\n\
錯誤一律以 `application/problem+json`(RFC 9457)回應,`code` 為穩定的機器代碼;`detail` 預設為繁體中文,\
送出 `Accept-Language: en` 可取得英文。時間一律為 ISO 8601。",
        license(name = "Proprietary")
    ),
    paths(
        crate::ops::healthz,
        crate::ops::readyz,
        crate::ops::metrics,
    ),
    components(schemas(crate::error::Problem, crate::error::ErrorCode)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer_jwt",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Access token from `POST /api/v1/auth/sign-in` or `/api/v1/auth/refresh`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("lc_…")
                    .description(Some("A school API key created by the school admin, limited to its scopes (e.g. `sync`, `read`)."))
                    .build(),
            ),
        );
    }
}

/// The document as pretty JSON with a trailing newline, exactly as committed.
pub fn to_pretty_json() -> String {
    let mut text = ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}
