//! The OpenAPI 3.1 document, generated from the handlers' annotations. `licheng openapi` prints
//! it; `openapi/openapi.json` is the committed copy a test keeps equal.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Licheng API",
        description = "學習歷程檔案平臺 Licheng 的 REST API。網頁前端、校務行政系統廠商與自動化整合都使用同一份 API。\n\n\
錯誤一律以 `application/problem+json`(RFC 9457)回應，`code` 為穩定的機器代碼;`detail` 預設為繁體中文，\
送出 `Accept-Language: en` 可取得英文。時間一律為 ISO 8601。",
        license(name = "Proprietary")
    ),
    components(schemas(crate::error::Problem, crate::error::ErrorCode)),
    tags(
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "auth", description = "Sign-in, sessions, own account (manual 1.1, FAQ 000 一)"),
        (name = "accounts", description = "School admin: accounts, password reset, temporary accounts, mail server, API keys, audit log (manual 3.2, 3.7, 3.8)"),
        (name = "role groups", description = "School admin: role groups, function modules and members (manual 3.1)"),
        (name = "terms", description = "Academic terms (FAQ 000 二)"),
        (name = "sync", description = "School-affairs vendors: each batch is a full snapshot of one data kind (students and staff: the whole school; the others: the batch's term). Rows in the snapshot are inserted or updated, rows missing from it are deactivated (never deleted); the same batch twice changes nothing; a batch with an invalid row is refused whole with `errors` keyed `rows[i].field`. Every batch is in the receiving log."),
        (name = "platform", description = "Platform operator: schools"),
        (name = "uploads", description = "Students' course learning results and multiple performances (FAQ 004, FAQ 000 四). Uploads are `multipart/form-data` with text fields and the files `document` (pdf/jpg/png, 4 MB) and `video` (mp3/mp4, 10 MB), typed by content; a response means the files are durably stored with their SHA-256. Downloads carry the SHA-256 as ETag and accept range requests."),
        (name = "selections", description = "Students select items for submission: at most 6 certified learning results and 10 performances per academic year, inside the selection periods."),
        (name = "reports", description = "School reports (manual 4.1, 4.2, 4.4): uncertified teachers and their waiting students (module S0216S), students' selection status of learning results (S0205S) and performances (S0206S), and learning-result usage statistics (S0215S). Terms are `1151`-style codes, by default the school's current term; every report has an .xlsx download."),
        (name = "certification", description = "Teachers certify that a learning result is the student's own work (not its quality): the queue of their courses, and decisions — certify, or reject with a reason the student sees — one or many at once, inside the certification period. Only the course's teachers decide; in a co-taught course only those marked as certifiers (manual 3.5). A certified result can be turned into rejected (FAQ 000 Q6)."),
        (name = "notifications", description = "The signed-in user's notifications in the app (every decision on a student's learning results)."),
        (name = "settings", description = "School settings: function parameters, national windows, work periods (manual 3.3, 3.6). Work-period times are Asia/Taipei dates and hours on input; a period runs from the start hour to the end of the end hour."),
        (name = "jobs", description = "Long work (roster exports, …) runs as a job: poll `GET /jobs/{id}` for its progress until it succeeded or failed, then download its result. A job is visible to its owner and the school admin."),
        (name = "rosters", description = "Submission rosters (manual 7.1, 7.2): the roster types with their grade sets, the check before exporting, exports as jobs (a zip package with the workbook, the attachments and a manifest of SHA-256s; format in docs/rosters.md), their history and downloads. S0207S learning results (26/28/36/38), S0208S performances (25/35), S0218S cadre records (24/34); the school admin all."),
        (name = "transfers", description = "Transfer export and import (manual 6.1, 6.2; FAQ 000 五): the old school exports students' learning results, performances and cadre records as an AES-256 zip (`{school}_{yyyy_MM_dd_HH_mm_ss}.zip`, random UUID password, MD5; format in docs/transfers.md) made by a job (module S0601S); the new school imports it with the MD5 and password (module S0602S), matching students by national ID. Imported items are read-only and keep their original school. The school admin may do both; only the school's admins see the passwords."),
        (name = "self-directed", description = "Self-directed learning (自主學習; manual 5.1, 5.2): certifier groups (學科 / 自訂群組, S0301S) and the certification order (S0302S); students' plans per semester and their results, each passing the stages in order (導師, the plan's subject group, custom groups) — a plan keeps the order it started with; certifiers' queues and decisions (approve, or return with a reason); a certified result becomes the 彈性學習時間紀錄 performance."),
        (name = "news", description = "最新消息 (manual 1.2): the platform operator's news for every school and a school admin's for their school; plain text (HTML tags removed), hidden until the publish time, pinned first then newest first, read marks per user. The platform's news is public for the sign-in page."),
        (name = "study-fields", description = "認識學群 (manual 1.3): the 18 university fields of study and the 20 vocational groups with links to the national guidance sites; public, corrected by the platform operator."),
        (name = "consultations", description = "課程諮詢紀錄 (FAQ 000 三): course consultants record group and individual consultations with students of their assigned classes or students; the admin and module S0204S see all and 課程諮詢紀錄統計 per consultant, class and month; a student sees the records that concern them."),
        (name = "receipts", description = "Receipts (收訖明細, manual 8.1, 8.2): import the central database's receipt (AES-256 zip; format in docs/receipts.md) with each category's confirmation window (at least 3 days), versions (無異動 skipped, 新版本 resets exactly the changed students), students confirm or report, the admin remarks, confirmation statistics and difference counts with Excel exports. Module S0219S (the school admin holds it); importing a category also needs its submission module (S0207S, S0208S, S0218S)."),
    )
)]
pub struct ApiDoc;

/// The whole document: [`ApiDoc`]'s description, tags and shared components, the paths of every
/// operation in `router` (the one list of routes), then the document-wide rules in order.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::router::operations());
    let rules: [&dyn Modify; 6] = [&SecuritySchemes, &SignedInByDefault, &UniqueOperationIds, &UsualResponses, &PendingPassword, &Contract];
    for rule in rules {
        rule.modify(&mut doc);
    }
    doc
}

#[path = "openapi_contract.rs"]
mod contract;

/// The document-wide rules of `contract`, applied last (on the document as JSON).
struct Contract;

impl Modify for Contract {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Ok(mut doc) = serde_json::to_value(&*openapi) else { return };
        contract::apply(&mut doc);
        match serde_json::from_value(doc) {
            Ok(new) => *openapi = new,
            Err(e) => tracing::error!(error = %e, "the OpenAPI contract rules could not be applied"),
        }
    }
}

/// An operation is for signed-in callers unless it says otherwise: one without `security(...)`
/// takes a bearer token; a public one says `security(())` (written `security: []`); others name
/// their schemes (`api_key`, `metrics_token`, …). A handler that forgets the attribute is thus
/// documented as needing a token, never as open.
struct SignedInByDefault;

impl Modify for SignedInByDefault {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::SecurityRequirement;
        for item in openapi.paths.paths.values_mut() {
            for op in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten() {
                match &op.security {
                    None => op.security = Some(vec![SecurityRequirement::new::<_, _, &str>("bearer_jwt", [])]),
                    Some(reqs) if reqs.len() == 1 && reqs[0] == SecurityRequirement::default() => op.security = Some(vec![]),
                    Some(_) => {}
                }
            }
        }
    }
}

/// Handler names repeat across modules (`list`, `create`): client generators need unique
/// operation ids, so a repeated one gets its resource appended (`list_role_groups`).
struct UniqueOperationIds;

impl Modify for UniqueOperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for item in openapi.paths.paths.values() {
            for op in [&item.get, &item.put, &item.post, &item.delete, &item.patch].into_iter().flatten() {
                if let Some(id) = &op.operation_id {
                    *seen.entry(id.clone()).or_default() += 1;
                }
            }
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let resource = path.trim_start_matches(crate::router::V1).trim_start_matches('/').split('/').next().unwrap_or("").replace('-', "_");
            for op in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten() {
                if let Some(id) = &op.operation_id {
                    if seen.get(id).copied().unwrap_or(0) > 1 {
                        op.operation_id = Some(format!("{id}_{resource}"));
                    }
                }
            }
        }
    }
}

/// The responses every operation of one kind gives, written here once instead of on each
/// handler: an operation for signed-in callers (bearer token or API key) answers `401` when no
/// valid credential comes with it. A handler states a `401` of its own only to say more (sign-in,
/// refresh).
struct UsualResponses;

impl Modify for UsualResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        for item in openapi.paths.paths.values_mut() {
            for op in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten() {
                let signed_in = op.security.as_ref().is_some_and(|s| serde_json::to_string(s).is_ok_and(|t| t.contains("bearer_jwt") || t.contains("api_key")));
                if !signed_in || op.responses.responses.contains_key("401") {
                    continue;
                }
                let problem = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
                let response = ResponseBuilder::new().description("Not signed in").content("application/problem+json", problem).build();
                op.responses.responses.insert("401".into(), RefOr::T(response));
            }
        }
    }
}

/// The operations a user may call while an initial or reset password is still to be changed
/// (`crate::auth::PendingPrincipal`); every other operation for signed-in users answers
/// `403 password_change_required`.
pub const PENDING_PASSWORD_ALLOWED: [(&str, &str); 2] = [("get", "/api/v1/me"), ("post", "/api/v1/me/password")];

/// Says on every operation for signed-in users that a pending password change refuses it.
struct PendingPassword;

impl Modify for PendingPassword {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{RefOr, ResponseBuilder};
        const NOTE: &str = "the signed-in user must first change an initial or reset password (`password_change_required`)";
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [("get", &mut item.get), ("put", &mut item.put), ("post", &mut item.post), ("delete", &mut item.delete), ("patch", &mut item.patch)];
            for (method, op) in ops {
                let Some(op) = op else { continue };
                let bearer = op.security.as_ref().is_some_and(|s| serde_json::to_string(s).is_ok_and(|t| t.contains("bearer_jwt")));
                if !bearer || PENDING_PASSWORD_ALLOWED.contains(&(method, path.as_str())) {
                    continue;
                }
                match op.responses.responses.get_mut("403") {
                    Some(RefOr::T(response)) => response.description = format!("{}; or {NOTE}", response.description),
                    Some(RefOr::Ref(_)) => {}
                    None => {
                        let mut first = NOTE.to_string();
                        first[..1].make_ascii_uppercase();
                        op.responses.responses.insert("403".into(), RefOr::T(ResponseBuilder::new().description(first).build()));
                    }
                }
            }
        }
    }
}

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
                    .description(Some(
                        "Access token from `POST /api/v1/auth/sign-in` or `/api/v1/auth/refresh`. Until an initial or reset password is changed, \
                         only `GET /api/v1/me` (with `user.must_change_password: true`) and `POST /api/v1/me/password` accept it; every other \
                         operation answers `403 password_change_required`.",
                    ))
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
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The operator's `metrics_token`, when configured."))
                    .build(),
            ),
        );
    }
}

/// The document as pretty JSON with a trailing newline, exactly as committed.
pub fn to_pretty_json() -> String {
    let mut text = document().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}
