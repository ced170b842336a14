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
    paths(
        crate::ops::healthz,
        crate::ops::readyz,
        crate::ops::metrics,
        crate::accounts::routes::options,
        crate::accounts::routes::new_captcha,
        crate::accounts::routes::sign_in,
        crate::accounts::routes::refresh,
        crate::accounts::routes::sign_out,
        crate::accounts::routes::forgot_password,
        crate::accounts::routes::reset_password,
        crate::accounts::routes::get_me,
        crate::accounts::routes::change_password,
        crate::accounts::routes::update_email,
        crate::accounts::routes::lookup_schools,
        crate::schools::routes::list,
        crate::schools::routes::create,
        crate::accounts::groups::list,
        crate::accounts::groups::create,
        crate::accounts::groups::update,
        crate::accounts::groups::remove,
        crate::accounts::groups::list_modules,
        crate::accounts::groups::get_modules,
        crate::accounts::groups::put_modules,
        crate::accounts::groups::get_members,
        crate::accounts::groups::put_members,
        crate::accounts::groups::list_staff,
        crate::accounts::admin::list,
        crate::accounts::admin::reset_passwords,
        crate::accounts::admin::list_temporary,
        crate::accounts::admin::create_temporary,
        crate::accounts::admin::revoke_temporary,
        crate::accounts::apikeys::list,
        crate::accounts::apikeys::create_key,
        crate::accounts::apikeys::revoke,
        crate::notify::mail::get_settings,
        crate::notify::mail::put_settings,
        crate::notify::mail::test_mail,
        crate::accounts::audit::list,
        crate::terms::routes::list,
        crate::terms::routes::get_current,
        crate::terms::routes::switch,
        crate::sync::routes::students,
        crate::sync::routes::staff,
        crate::sync::routes::classes,
        crate::sync::routes::courses,
        crate::sync::routes::enrolments,
        crate::sync::routes::teaching_assignments,
        crate::sync::routes::cadre_records,
        crate::sync::routes::receiving_log,
        crate::settings::parameters::get_parameters,
        crate::settings::parameters::put_parameters,
        crate::settings::periods::list_windows,
        crate::settings::periods::put_window,
        crate::settings::periods::list_periods,
        crate::settings::periods::create_period,
        crate::settings::periods::update_period,
        crate::settings::periods::delete_period,
        crate::settings::periods::my_periods,
        crate::settings::cotaught::list_co_taught,
        crate::settings::cotaught::put_co_taught,
        crate::settings::advisors::list_consultants,
        crate::settings::advisors::get_consultant_classes,
        crate::settings::advisors::put_consultant_classes,
        crate::settings::advisors::list_students,
        crate::settings::advisors::list_counselors,
        crate::settings::advisors::get_consultant_students,
        crate::settings::advisors::put_consultant_students,
        crate::settings::advisors::get_counselor_students,
        crate::settings::advisors::put_counselor_students,
        crate::settings::advisors::my_advisees,
        crate::settings::advisors::list_classes,
        crate::uploads::results::my_courses,
        crate::uploads::results::create_result,
        crate::uploads::results::list_results,
        crate::uploads::results::get_result,
        crate::uploads::results::update_result,
        crate::uploads::results::delete_result,
        crate::uploads::results::submit_result,
        crate::uploads::results::download_result_file,
        crate::uploads::performances::list_categories,
        crate::uploads::performances::my_limits,
        crate::uploads::performances::my_cadre_records,
        crate::uploads::performances::create_performance,
        crate::uploads::performances::list_performances,
        crate::uploads::performances::get_performance,
        crate::uploads::performances::update_performance,
        crate::uploads::performances::delete_performance,
        crate::uploads::performances::download_performance_file,
        crate::selections::my_selections,
        crate::selections::select_item,
        crate::selections::unselect_item,
        crate::reports::uncertified_teachers,
        crate::reports::uncertified_students,
        crate::reports::uncertified_courses,
        crate::reports::uncertified_xlsx,
        crate::reports::selection_status,
        crate::reports::selection_status_xlsx,
        crate::reports::usage_report,
        crate::reports::usage_xlsx,
        crate::certification::certification_courses,
        crate::certification::certification_results,
        crate::certification::decide_result,
        crate::certification::decide_many,
        crate::certification::delegates::list_delegates,
        crate::certification::delegates::create_delegate,
        crate::certification::delegates::end_delegate,
        crate::notify::inbox::my_notifications,
        crate::notify::inbox::read_all_notifications,
        crate::notify::inbox::read_notification,
        crate::notify::reminders::reminder_log,
        crate::notify::reminders::run_reminders,
        crate::jobs::routes::get_job,
        crate::jobs::routes::get_job_result,
        crate::rosters::routes::roster_table,
        crate::rosters::routes::roster_check,
        crate::rosters::routes::start_export,
        crate::rosters::routes::export_history,
        crate::rosters::routes::download_export,
        crate::history::routes::chain_head,
        // transfers
        crate::transfers::routes::transfer_students,
        crate::transfers::routes::start_transfer_export,
        crate::transfers::routes::transfer_exports,
        crate::transfers::routes::download_transfer_export,
        crate::transfers::routes::import_transfer,
        crate::transfers::routes::transfer_imports,
        crate::transfers::routes::transfer_items,
        crate::transfers::routes::transfer_item_file,
        crate::transfers::routes::select_transfer_item,
        crate::transfers::routes::unselect_transfer_item,
        // selfdirected
        crate::selfdirected::groups::list_groups,
        crate::selfdirected::groups::create_group,
        crate::selfdirected::groups::rename_group,
        crate::selfdirected::groups::delete_group,
        crate::selfdirected::groups::get_group_members,
        crate::selfdirected::groups::put_group_members,
        crate::selfdirected::groups::list_certifier_staff,
        crate::selfdirected::groups::list_stages,
        crate::selfdirected::groups::add_stage,
        crate::selfdirected::groups::move_stage,
        crate::selfdirected::groups::remove_stage,
        crate::selfdirected::plans::my_self_directed,
        crate::selfdirected::plans::create_plan,
        crate::selfdirected::plans::update_plan,
        crate::selfdirected::plans::delete_plan,
        crate::selfdirected::plans::submit_plan,
        crate::selfdirected::plans::add_progress,
        crate::selfdirected::plans::save_result,
        crate::selfdirected::plans::submit_outcome,
        crate::selfdirected::plans::select_as_performance,
        crate::selfdirected::review::get_plan,
        crate::selfdirected::review::download_file,
        crate::selfdirected::review::my_queue,
        crate::selfdirected::review::decide_plan,
        crate::selfdirected::report::standing_report,
        crate::selfdirected::report::standing_report_xlsx,
        // news
        crate::news::routes::public_news,
        crate::news::routes::my_news,
        crate::news::routes::read_news,
        crate::news::routes::manage_news,
        crate::news::routes::create_news,
        crate::news::routes::update_news,
        crate::news::routes::delete_news,
        // study fields
        crate::fields::routes::list_study_fields,
        crate::fields::routes::update_study_field,
        // reports (#23)
        crate::reports::confirmation::confirmation_sheets,
        crate::reports::confirmation::confirmation_sheets_xlsx,
        crate::reports::confirmation::my_confirmation_sheet,
        crate::reports::stats::upload_stats_report,
        crate::reports::stats::upload_stats_xlsx,
        crate::reports::stats::usage_counts_report,
        crate::reports::stats::usage_counts_xlsx,
        crate::reports::stats::teacher_certifications,
        crate::reports::stats::teacher_certifications_xlsx,
        crate::reports::analysis::analysis,
        crate::reports::analysis::analysis_xlsx,
        crate::reports::analysis::analysis_export,
        crate::reports::deadlines::deadlines,
        // consultations
        crate::consultations::routes::list_consultations,
        crate::consultations::routes::consultations_xlsx,
        crate::consultations::routes::create_consultation,
        crate::consultations::routes::update_consultation,
        crate::consultations::routes::delete_consultation,
        crate::consultations::routes::consultation_stats,
        crate::consultations::routes::consultation_stats_xlsx,
        crate::consultations::routes::my_consultations,
        // receipts
        crate::receipts::routes::import_receipt,
        crate::receipts::routes::list_imports,
        crate::receipts::routes::student_receipt,
        crate::receipts::routes::list_reports,
        crate::receipts::routes::reports_xlsx,
        crate::receipts::routes::set_remark,
        crate::receipts::routes::statistics,
        crate::receipts::routes::statistics_xlsx,
        crate::receipts::routes::differences,
        crate::receipts::routes::differences_xlsx,
        crate::receipts::routes::my_receipt,
        crate::receipts::routes::answer,
    ),
    components(schemas(crate::error::Problem, crate::error::ErrorCode)),
    modifiers(&SecuritySchemes, &ApiPrefix, &PendingPassword, &Contract),
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

/// Handlers under `web::scope("/api/v1")` are annotated with their path inside the scope.
struct ApiPrefix;

const UNSCOPED: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

impl Modify for ApiPrefix {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let paths = std::mem::take(&mut openapi.paths.paths);
        openapi.paths.paths = paths
            .into_iter()
            .map(|(path, item)| if UNSCOPED.contains(&path.as_str()) { (path, item) } else { (format!("/api/v1{path}"), item) })
            .collect();
        // Handler names repeat across modules (`list`, `create`): client generators need unique
        // operation ids, so a repeated one gets its resource appended (`list_role_groups`).
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for item in openapi.paths.paths.values() {
            for op in [&item.get, &item.put, &item.post, &item.delete, &item.patch].into_iter().flatten() {
                if let Some(id) = &op.operation_id {
                    *seen.entry(id.clone()).or_default() += 1;
                }
            }
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let resource = path.trim_start_matches("/api/v1/").split('/').next().unwrap_or("").replace('-', "_");
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
    let mut text = ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}
