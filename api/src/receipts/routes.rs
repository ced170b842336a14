//! The receipt endpoints (manual 8.1.1–8.1.4, 8.2): import with windows (上傳及設定學生回報時間),
//! a student's receipt by class and seat (查看明細), problem reports with remarks (問題回報紀錄查看),
//! confirmation statistics (確認鈕統計), difference counts (收訖明細差異筆數), and the student's own
//! receipt with confirm / report. S0219S (the school admin holds it) for the admin side; importing a
//! category also needs its submission module; students answer only their own.

use std::collections::{BTreeMap, HashMap};

use actix_multipart::Multipart;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime};
use diesel::prelude::*;
use futures_util::StreamExt;
use sha2::Digest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::*;
use crate::audit::{tr, EventKind};
use crate::state::AppState;
use crate::auth::{Need, Op, Principal};
use crate::error::{ApiError, ApiResult, ErrorCode, Lang, Problem};
use crate::http::{request_lang, JsonBody};
use crate::pagination::{offset, Page, PageQuery};
use crate::reporting::TermQuery;
use crate::uploads::access::{self, Caller};
use crate::reporting::xlsx::{self, Cell, Sheet, XlsxFile};
use crate::schema::{cadre_records as cr, courses, enrolments as en, receipt_answers as ra, receipt_imports as ri, receipt_reports as rr, receipt_students as rs, schools, selections as sel, student_profiles as sp, users};

const VIEW: Need = Need::module(MODULE, Op::View);

/// `?term=1151`: a receipt is per semester, so semester `0` (a whole year) is not a receipt term.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReceiptTermQuery {
    /// 學年期, e.g. `1151` (semester 1 or 2; default, or empty: the school's current term).
    #[param(pattern = r"^\s*([0-9]{3}[12])?\s*$", example = "1151")]
    pub term: Option<String>,
}

/// The asked term or the school's current one (`reports::TermQuery` / `resolve_term`); a receipt is
/// per semester, so semester 0 (a whole year) is refused.
async fn term_of(state: &AppState, school: i64, asked: Option<&str>) -> ApiResult<Term> {
    let asked = TermQuery { term: asked.map(str::to_string) }.parsed()?;
    if let Some(t) = asked {
        if t.semester == 0 {
            return Err(ApiError::new(ErrorCode::InvalidQuery).field("term", "收訖明細以學期為單位，例如 1151", "a receipt is per semester, e.g. 1151"));
        }
    }
    let found = state.db.read(move |c| crate::reporting::resolve_term(c, school, asked)).await?;
    found.ok_or_else(|| ApiError::with_detail(ErrorCode::InvalidState, "學校尚未設定目前學年期。", "The school has no current term yet."))
}

fn term_code(t: Term) -> String {
    format!("{}{}", t.academic_year, t.semester)
}

// ---------------------------------------------------------------- import

/// One category's window as the operator sets it (RFC 3339, e.g. `2026-12-08T11:00:00+08:00`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ReceiptWindowInput {
    pub category: Category,
    pub start: String,
    pub end: String,
}

/// The form of `POST /receipts/imports` (multipart/form-data).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
#[schema(example = json!({"term": "1151", "password": "中央資料庫提供的解壓縮密碼", "dry_run": true, "categories": "results,performances"}))]
pub struct ReceiptImportForm {
    /// 學年期 of the receipt, e.g. `1151`.
    term: String,
    /// 解壓縮密碼.
    password: String,
    /// The receipt (.zip, at most 32 MiB).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `true`: only say what the import would do (the manual's confirmation screen), store nothing.
    dry_run: Option<bool>,
    /// Comma-separated categories to import (default: every category of the receipt).
    categories: Option<String>,
    /// JSON array of [`ReceiptWindowInput`]; a category left out gets the manual's default window.
    windows: Option<String>,
}

/// What an import did (or would do).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptImportResult {
    pub academic_year: i32,
    pub semester: i32,
    pub file_name: String,
    pub dry_run: bool,
    pub categories: Vec<CategoryPlan>,
}

struct ImportRequest {
    term: Option<String>,
    password: String,
    file: Vec<u8>,
    file_name: String,
    dry_run: bool,
    categories: Option<String>,
    windows: Option<String>,
}

async fn read_form(mut payload: Multipart) -> ApiResult<ImportRequest> {
    let mut req = ImportRequest { term: None, password: String::new(), file: Vec::new(), file_name: String::new(), dry_run: false, categories: None, windows: None };
    let mut got_file = false;
    let mut parts = 0;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|e| ApiError::with_detail(ErrorCode::MultipartInvalid, "上傳內容格式不正確。", format!("The form is malformed: {e}")))?;
        parts += 1;
        if parts > 12 {
            return Err(ApiError::with_detail(ErrorCode::MultipartInvalid, "上傳內容的欄位過多。", "The form has too many parts."));
        }
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            got_file = true;
            req.file_name = field.content_disposition().and_then(|d| d.get_filename()).unwrap_or("receipt.zip").chars().filter(|c| !c.is_control()).take(200).collect();
        }
        let limit = if name == "file" { MAX_UPLOAD } else { 64 * 1024 };
        let mut buf = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| ApiError::with_detail(ErrorCode::MultipartInvalid, "上傳內容格式不正確。", format!("The form is malformed: {e}")))?;
            if buf.len() + chunk.len() > limit {
                return Err(ApiError::with_detail(ErrorCode::PayloadTooLarge, "收訖明細檔案過大（上限 32 MB）。", "The receipt is too large (at most 32 MB)."));
            }
            buf.extend_from_slice(&chunk);
        }
        if name == "file" {
            req.file = buf;
            continue;
        }
        let text = String::from_utf8(buf).map_err(|_| ApiError::with_detail(ErrorCode::MultipartInvalid, "欄位不是 UTF-8 文字。", "A field is not UTF-8 text."))?;
        match name.as_str() {
            "term" => req.term = Some(text),
            "password" => req.password = text,
            "dry_run" => req.dry_run = matches!(text.trim(), "true" | "1"),
            "categories" => req.categories = Some(text),
            "windows" => req.windows = Some(text),
            _ => {}
        }
    }
    if !got_file || req.file.is_empty() {
        return Err(ApiError::validation().field("file", "請選擇收訖明細壓縮檔", "choose the receipt archive"));
    }
    if req.password.is_empty() {
        return Err(ApiError::validation().field("password", "請輸入解壓縮密碼", "give the archive's password"));
    }
    Ok(req)
}

fn parse_time(field: &str, s: &str) -> ApiResult<NaiveDateTime> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.naive_utc())
        .map_err(|_| ApiError::validation().field(field, "時間格式須為 RFC 3339，例如 2026-12-08T11:00:00+08:00", "a time is RFC 3339, e.g. 2026-12-08T11:00:00+08:00"))
}

/// Plans (and, unless dry, applies in the caller's transaction) the import of the chosen categories.
#[allow(clippy::too_many_arguments)]
pub(crate) fn plan_import(
    c: &mut DbConn,
    school: i64,
    term: Term,
    manifest: &Manifest,
    chosen: &[Category],
    windows: &HashMap<Category, (NaiveDateTime, NaiveDateTime)>,
    default: (NaiveDateTime, NaiveDateTime),
    apply: Option<(i64, &str, NaiveDateTime)>,
    lang: Lang,
) -> ApiResult<Vec<CategoryPlan>> {
    let parts: Vec<&CategoryPart> = manifest.categories.iter().filter(|p| chosen.contains(&p.category)).collect();
    let ids = students_of(c, school, &parts)?;
    let current = current_imports(c, school, term)?;
    let mut out = Vec::new();
    for part in parts {
        let matched = match_students(part, &ids);
        let key = rosters_key(&part.rosters);
        let previous = current.get(&part.category);
        let (start, end) = windows.get(&part.category).copied().unwrap_or(default);
        let (outcome, reset) = match previous {
            Some(p) if p.rosters_key == key => (Outcome::Unchanged, Vec::new()),
            Some(p) => (Outcome::NewVersion, changed_students(&import_students(c, p.id)?, &matched.students)),
            None => (Outcome::New, Vec::new()),
        };
        let message = match outcome {
            Outcome::Unchanged => tr(lang, "無異動", "unchanged"),
            Outcome::NewVersion => tr(lang, &format!("新版本，{} 位學生需重新確認", reset.len()), &format!("new version; {} students must confirm again", reset.len())),
            Outcome::New => tr(lang, &format!("新匯入，{} 位學生", matched.students.len()), &format!("new; {} students", matched.students.len())),
        };
        if let Some((uploader, file_name, now)) = apply {
            match (outcome, previous) {
                (Outcome::Unchanged, Some(p)) => {
                    // The manual: re-import the file to change the window; the data is skipped.
                    if windows.contains_key(&part.category) {
                        diesel::update(ri::table.find(p.id)).set((ri::window_start.eq(start), ri::window_end.eq(end))).execute(c)?;
                    }
                }
                _ => {
                    let import: i64 = diesel::insert_into(ri::table)
                        .values((
                            ri::school_id.eq(school),
                            ri::academic_year.eq(term.academic_year),
                            ri::semester.eq(term.semester),
                            ri::category.eq(part.category.as_str()),
                            ri::file_name.eq(file_name),
                            ri::schema_version.eq(manifest.schema_version),
                            ri::rosters.eq(serde_json::to_string(&part.rosters).map_err(|e| ApiError::internal(e.to_string()))?),
                            ri::rosters_key.eq(&key),
                            ri::column_names.eq(serde_json::to_string(&part.columns).map_err(|e| ApiError::internal(e.to_string()))?),
                            ri::uploaded_by.eq(uploader),
                            ri::window_start.eq(start),
                            ri::window_end.eq(end),
                            ri::students.eq(matched.students.len() as i32),
                            ri::unmatched.eq(matched.unmatched as i32),
                            ri::reset_students.eq(reset.len() as i32),
                            ri::created_at.eq(now),
                        ))
                        .returning(ri::id)
                        .get_result(c)?;
                    let rows: Vec<_> = matched
                        .students
                        .iter()
                        .map(|(sid, (nid, rows))| {
                            Ok((
                                rs::import_id.eq(import),
                                rs::student_id.eq(*sid),
                                rs::national_id.eq(crate::national_id::seal(nid)?),
                                rs::rows_json.eq(serde_json::to_string(rows).unwrap_or_else(|_| "[]".into())),
                                rs::row_count.eq(rows.len() as i32),
                                rs::digest.eq(digest(rows)),
                            ))
                        })
                        .collect::<ApiResult<_>>()?;
                    for chunk in rows.chunks(500) {
                        // Batch inserts need the concrete backend (as rosters' package does).
                        match c {
                            DbConn::Sqlite(conn) => diesel::insert_into(rs::table).values(chunk.to_vec()).execute(conn)?,
                            DbConn::Postgresql(conn) => diesel::insert_into(rs::table).values(chunk.to_vec()).execute(conn)?,
                        };
                    }
                    reset_answers(c, school, term, part.category, &reset)?;
                }
            }
        }
        let (window_start, window_end) = match (outcome, previous) {
            (Outcome::Unchanged, Some(p)) if !windows.contains_key(&part.category) => (p.window_start, p.window_end),
            _ => (start, end),
        };
        out.push(CategoryPlan {
            category: part.category,
            outcome,
            rosters: part.rosters.clone(),
            students: matched.students.len(),
            unmatched: matched.unmatched,
            reset: reset.len(),
            window_start,
            window_end,
            message,
            held: None,
        });
    }
    Ok(out)
}

/// 匯入資料及設定收訖時間 (8.1.1): the term, the receipt (.zip) and its password; per category a
/// window (default: next whole hour one day later, to three days later; at least 3 days). An
/// unchanged roster is skipped (無異動); a new version resets exactly the changed students (新版本).
/// Every refusal changes nothing. Everything is checked in the request (the archive, its password,
/// school, term, categories, modules, windows); a dry run answers at once (200), a real import is
/// queued as a job (202 `receipt_import`: poll `GET /jobs/{id}`, its result is the outcome as JSON).
#[utoipa::path(
    tag = "receipts",
    request_body(content = ReceiptImportForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Dry run: what the import would do", body = ReceiptImportResult),
        (status = 202, description = "The import, queued as a job", body = ReceiptImportJob),
        (status = 400, description = "Wrong password (`receipt_password`); corrupt, hostile or unknown-version archive, another school or term (`receipt_invalid`); malformed form", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not granted S0219S, or a chosen category's module", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another import of the school is queued or running (`conflict`); learning results or performances of a term the school is not yet past, or no current term (`invalid_state`; manual 8.1.1: they are imported in the next semester)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The upload is over 32 MB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A window is shorter than 3 days or outside the years 1912–2200, or a field is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/receipts/imports")]
pub async fn import_receipt(state: web::Data<AppState>, who: Principal, req: HttpRequest, payload: Multipart) -> ApiResult<HttpResponse> {
    who.user()?;
    who.require(Need::module(MODULE, Op::Create))?;
    let school = who.school_id()?;
    let uploader = who.user()?.user.id;
    let lang = request_lang(&req);
    let form = read_form(payload).await?;
    let term = term_of(&state, school, form.term.as_deref()).await?;
    // Categories chosen in the form are checked (names, modules, the term rule) before the archive
    // is read; the receipt's own ones (the default) once it is open.
    let asked: Option<Vec<Category>> = match form.categories.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(list) => Some(
            list.split(',')
                .map(|s| Category::parse(s).ok_or_else(|| ApiError::validation().field("categories", format!("收訖明細中沒有類別 {}", s.trim()), format!("the receipt has no category {}", s.trim()))))
                .collect::<ApiResult<_>>()?,
        ),
    };
    let current = state.db.read(move |c| crate::terms::current(c, school)).await?;
    let may_import = |chosen: &[Category]| -> ApiResult<()> {
        for c in chosen {
            who.require(Need::module(c.import_module(), Op::View))?;
        }
        check_import_term(current, term, chosen)
    };
    if let Some(list) = &asked {
        may_import(list)?;
    }
    let (file, password) = (form.file, form.password);
    let (manifest, file, password) = web::block(move || open(&file, &password).map(|m| (m, file, password))).await.map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))??;
    let code: String = state.db.read(move |c| Ok(schools::table.find(school).select(schools::code).first(c)?)).await?;
    if manifest.school_code != code {
        return Err(ApiError::with_detail(ErrorCode::ReceiptInvalid, format!("這是學校 {} 的收訖明細，不是本校的。", manifest.school_code), format!("This receipt is school {}'s, not yours.", manifest.school_code)));
    }
    if (manifest.academic_year, manifest.semester) != (term.academic_year, term.semester) {
        return Err(ApiError::with_detail(
            ErrorCode::ReceiptInvalid,
            format!("這是 {}{} 學期的收訖明細，不是所選的 {}。", manifest.academic_year, manifest.semester, term_code(term)),
            format!("This receipt is of term {}{}, not the chosen {}.", manifest.academic_year, manifest.semester, term_code(term)),
        ));
    }
    let in_receipt: Vec<Category> = manifest.categories.iter().map(|p| p.category).collect();
    // A dry run of the receipt's own categories shows every one of them, those the term rule holds
    // back marked with the reason (so course records and cadre can go in this semester); an
    // import names what it takes, or takes them all and is refused as a whole.
    let mut held: HashMap<Category, String> = HashMap::new();
    let chosen: Vec<Category> = match asked {
        None if form.dry_run => {
            for c in &in_receipt {
                who.require(Need::module(c.import_module(), Op::View))?;
                if let Err(e) = check_import_term(current, term, &[*c]) {
                    held.insert(*c, e.problem(lang).detail);
                }
            }
            in_receipt
        }
        None => {
            may_import(&in_receipt)?;
            in_receipt
        }
        Some(list) => {
            if let Some(missing) = list.iter().find(|c| !in_receipt.contains(c)) {
                return Err(ApiError::validation().field("categories", format!("收訖明細中沒有類別 {}", missing.name_zh()), format!("the receipt has no category {}", missing.as_str())));
            }
            list
        }
    };
    let mut windows = HashMap::new();
    if let Some(w) = form.windows.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let list: Vec<ReceiptWindowInput> = serde_json::from_str(w).map_err(|e| ApiError::validation().field("windows", "時間設定格式不正確", format!("windows: {e}")))?;
        for w in list {
            let field = format!("windows.{}", w.category.as_str());
            let (s, e) = (parse_time(&field, &w.start)?, parse_time(&field, &w.end)?);
            crate::time::require_dates(&[(&field, Some(taipei_date(s))), (&field, Some(taipei_date(e)))])?;
            check_window(s, e).map_err(|(zh, en)| ApiError::validation().field(&field, zh, en))?;
            windows.insert(w.category, (s, e));
        }
    }
    let now = state.clock.now();
    let default = default_window(now);
    let file_name = form.file_name;
    let dry = form.dry_run;
    if !dry {
        drop(manifest);
        let job = queue_import(&state, school, uploader, term, file, &password, file_name, chosen, windows, now, lang).await?;
        return Ok(HttpResponse::Accepted().json(job));
    }
    let mut categories = state.db.read(move |c| plan_import(c, school, term, &manifest, &chosen, &windows, default, None, lang)).await?;
    for plan in &mut categories {
        plan.held = held.remove(&plan.category);
    }
    Ok(HttpResponse::Ok().json(ReceiptImportResult { academic_year: term.academic_year, semester: term.semester, file_name, dry_run: dry, categories }))
}

/// A category's current import, as 查看明細's 名冊資訊 shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "category": "results", "name": "課程學習成果", "file_name": "999999_1151_results_receipt.zip", "imported_at": "2027-08-01T02:00:00Z",
    "uploaded_by": "教務處 王大明", "students": 1130, "unmatched": 2, "reset_students": 0, "window_start": "2027-08-05T00:00:00Z",
    "window_end": "2027-08-19T16:00:00Z",
    "rosters": [
        {
            "roster": "26", "name": "課程學習成果（日間部）", "file_name": "999999_26_1151_1.zip",
            "sha256": "c4d8e2f6a0b3c7d1e5f9a2b6c0d4e8f1a5b9c3d7e0f4a8b2c6d9e3f7a1b5c8d2", "version": 1
        }
    ]
}))]
pub struct ReceiptImportView {
    pub category: Category,
    pub name: String,
    pub rosters: Vec<RosterInfo>,
    /// 上傳人員.
    pub uploaded_by: String,
    pub file_name: String,
    #[serde(serialize_with = "crate::time::utc")]
    pub window_start: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc")]
    pub window_end: NaiveDateTime,
    pub students: i32,
    pub unmatched: i32,
    /// Students reset by this version.
    pub reset_students: i32,
    #[serde(serialize_with = "crate::time::utc")]
    pub imported_at: NaiveDateTime,
}

fn import_views(c: &mut DbConn, imports: &BTreeMap<Category, ImportRow>, lang: Lang) -> ApiResult<Vec<ReceiptImportView>> {
    let ids: Vec<i64> = imports.values().map(|i| i.uploaded_by).collect();
    let names: HashMap<i64, String> = users::table.filter(users::id.eq_any(ids)).select((users::id, users::display_name)).load::<(i64, String)>(c)?.into_iter().collect();
    Ok(imports
        .iter()
        .map(|(cat, i)| ReceiptImportView {
            category: *cat,
            name: tr(lang, cat.name_zh(), cat.name_en()),
            rosters: i.rosters(),
            uploaded_by: names.get(&i.uploaded_by).cloned().unwrap_or_default(),
            file_name: i.file_name.clone(),
            window_start: i.window_start,
            window_end: i.window_end,
            students: i.students,
            unmatched: i.unmatched,
            reset_students: i.reset_students,
            imported_at: i.created_at,
        })
        .collect())
}

/// The term's current imports, per category (roster names with SHA-256, uploader, window).
#[utoipa::path(
    tag = "receipts",
    params(ReceiptTermQuery),
    responses(
        (status = 200, description = "Current imports", body = Vec<ReceiptImportView>),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not granted S0219S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/receipts/imports")]
pub async fn list_imports(state: web::Data<AppState>, who: Principal, req: HttpRequest, q: web::Query<ReceiptTermQuery>) -> ApiResult<web::Json<Vec<ReceiptImportView>>> {
    who.require(VIEW)?;
    let school = who.school_id()?;
    let term = term_of(&state, school, q.term.as_deref()).await?;
    let lang = request_lang(&req);
    Ok(web::Json(
        state
            .db
            .read(move |c| {
                let imports = current_imports(c, school, term)?;
                import_views(c, &imports, lang)
            })
            .await?,
    ))
}

// ---------------------------------------------------------------- one student's receipt

/// A problem report (問題單號 …).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 5, "term": "1151", "category": "results", "category_name": "課程學習成果", "kind": "missing", "kind_name": "缺漏", "student_id": 345,
    "student_name": "吳承恩", "class_code": "201", "seat_no": 1, "description": "數學課程學習成果已勾選，但收訖明細中沒有。", "remark": "已補傳至中央資料庫，請於新版本收訖明細再確認。",
    "reported_at": "2027-08-12T02:30:00Z"
}))]
pub struct ReceiptReportView {
    /// 問題單號.
    pub id: i64,
    /// 收訖明細之學期, e.g. `1151`.
    pub term: String,
    pub student_id: i64,
    pub student_name: String,
    pub class_code: Option<String>,
    pub seat_no: Option<i32>,
    pub category: Category,
    pub category_name: String,
    pub kind: ReportKind,
    pub kind_name: String,
    pub description: String,
    #[serde(serialize_with = "crate::time::utc")]
    pub reported_at: NaiveDateTime,
    /// 備註 (the admin's answer, which the student sees).
    pub remark: Option<String>,
}

type ReportRow = (i64, i32, i32, i64, String, String, String, NaiveDateTime, Option<String>);

/// The term's reports (of a category, a student, one id), oldest first, and how many match; one
/// page of them when `page` is `(page, per_page)`, else all (the workbook; bounded by
/// [`MAX_REPORTS_PER_CATEGORY`] per student and category).
#[allow(clippy::too_many_arguments)]
fn load_reports(
    c: &mut DbConn,
    school: i64,
    term: Term,
    category: Option<Category>,
    student: Option<i64>,
    id: Option<i64>,
    page: Option<(i64, i64)>,
    lang: Lang,
) -> ApiResult<(Vec<ReceiptReportView>, i64)> {
    let filtered = || {
        let mut q = rr::table.filter(rr::school_id.eq(school)).filter(rr::academic_year.eq(term.academic_year)).filter(rr::semester.eq(term.semester)).into_boxed();
        if let Some(cat) = category {
            q = q.filter(rr::category.eq(cat.as_str()));
        }
        if let Some(s) = student {
            q = q.filter(rr::student_id.eq(s));
        }
        if let Some(id) = id {
            q = q.filter(rr::id.eq(id));
        }
        q
    };
    let mut q = filtered().select((rr::id, rr::academic_year, rr::semester, rr::student_id, rr::category, rr::kind, rr::description, rr::created_at, rr::remark)).order(rr::id.asc());
    let total: i64 = match page {
        Some((p, per)) => {
            q = q.limit(per).offset(offset(p, per));
            filtered().count().get_result(c)?
        }
        None => 0,
    };
    let rows: Vec<ReportRow> = q.load(c)?;
    let total = if page.is_some() { total } else { rows.len() as i64 };
    let ids: Vec<i64> = rows.iter().map(|r| r.3).collect();
    let people = crate::reporting::people(c, school, &ids)?;
    let views = rows
        .into_iter()
        .map(|(id, y, s, student_id, cat, kind, description, at, remark)| {
            let category = Category::parse(&cat).ok_or_else(|| ApiError::internal("unknown category"))?;
            let kind = ReportKind::parse(&kind).ok_or_else(|| ApiError::internal("unknown report kind"))?;
            let p = people.get(&student_id).cloned().unwrap_or_default();
            Ok(ReceiptReportView {
                id,
                term: format!("{y}{s}"),
                student_id,
                student_name: p.name,
                class_code: p.class_code,
                seat_no: p.seat_no,
                category,
                category_name: tr(lang, category.name_zh(), category.name_en()),
                kind,
                kind_name: tr(lang, kind.zh(), kind.as_str()),
                description,
                reported_at: at,
                remark,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok((views, total))
}

/// One category of a student's receipt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptCategoryView {
    pub category: Category,
    pub name: String,
    pub rosters: Vec<RosterInfo>,
    pub uploaded_by: String,
    #[serde(serialize_with = "crate::time::utc")]
    pub window_start: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc")]
    pub window_end: NaiveDateTime,
    /// Whether answers are taken now.
    pub open: bool,
    pub columns: Vec<String>,
    /// The received rows (empty when the student is not in this category's receipt, or — for the
    /// student — before the window opens).
    pub rows: Vec<Vec<String>>,
    /// Whether the student is in this category's receipt.
    pub received: bool,
    pub state: AnswerState,
    pub reports: Vec<ReceiptReportView>,
}

/// A student's receipt of a term.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "student_id": 345, "account": "999999_114001", "name": "吳承恩", "class_code": "201", "seat_no": 1, "academic_year": 115, "semester": 1,
    "categories": [
        {
            "category": "results", "name": "課程學習成果", "open": true, "received": true, "state": "reported", "uploaded_by": "教務處 王大明",
            "window_start": "2027-08-05T00:00:00Z", "window_end": "2027-08-19T16:00:00Z", "columns": ["科目名稱", "內容簡述", "檔案"],
            "rows": [["國語文", "閱讀心得：〈背影〉中的父子情", "背影心得.pdf"]],
            "rosters": [
                {
                    "roster": "26", "name": "課程學習成果（日間部）", "file_name": "999999_26_1151_1.zip",
                    "sha256": "c4d8e2f6a0b3c7d1e5f9a2b6c0d4e8f1a5b9c3d7e0f4a8b2c6d9e3f7a1b5c8d2", "version": 1
                }
            ],
            "reports": [
                {
                    "id": 5, "term": "1151", "category": "results", "category_name": "課程學習成果", "kind": "missing", "kind_name": "缺漏",
                    "student_id": 345, "student_name": "吳承恩", "class_code": "201", "seat_no": 1, "description": "數學課程學習成果已勾選，但收訖明細中沒有。",
                    "remark": "已補傳至中央資料庫，請於新版本收訖明細再確認。", "reported_at": "2027-08-12T02:30:00Z"
                }
            ]
        }
    ]
}))]
pub struct StudentReceipt {
    pub academic_year: i32,
    pub semester: i32,
    pub student_id: i64,
    pub name: String,
    pub account: String,
    pub class_code: Option<String>,
    pub seat_no: Option<i32>,
    pub categories: Vec<ReceiptCategoryView>,
}

fn student_receipt_of(c: &mut DbConn, school: i64, term: Term, student: i64, now: NaiveDateTime, hide_before_window: bool, lang: Lang) -> ApiResult<StudentReceipt> {
    let p = crate::reporting::people(c, school, &[student])?.remove(&student).ok_or_else(ApiError::not_found)?;
    let imports = current_imports(c, school, term)?;
    let views = import_views(c, &imports, lang)?;
    let answers = answers(c, school, term, Some(student))?;
    let reports = load_reports(c, school, term, None, Some(student), None, None, lang)?.0;
    let mut categories = Vec::new();
    for v in views {
        let Some(imp) = imports.get(&v.category) else { continue };
        let found: Option<String> = rs::table.filter(rs::import_id.eq(imp.id)).filter(rs::student_id.eq(student)).select(rs::rows_json).first(c).optional()?;
        let received = found.is_some();
        // Stored rows that do not read are a fault, not "received, no rows" a student could confirm.
        let mut rows: Vec<Vec<String>> = match found {
            Some(j) => serde_json::from_str(&j).map_err(|e| ApiError::internal(format!("receipt_students.rows_json of student {student}: {e}")))?,
            None => Vec::new(),
        };
        if hide_before_window && now < imp.window_start {
            rows.clear();
        }
        categories.push(ReceiptCategoryView {
            category: v.category,
            name: v.name,
            rosters: v.rosters,
            uploaded_by: v.uploaded_by,
            window_start: v.window_start,
            window_end: v.window_end,
            open: received && now >= v.window_start && now < v.window_end,
            columns: imp.columns(),
            rows,
            received,
            state: answers.get(&(v.category, student)).copied().unwrap_or(AnswerState::Pending),
            reports: reports.iter().filter(|r| r.category == v.category).cloned().collect(),
        });
    }
    Ok(StudentReceipt { academic_year: term.academic_year, semester: term.semester, student_id: student, name: p.name, account: p.account, class_code: p.class_code, seat_no: p.seat_no, categories })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StudentQuery {
    /// 學年期, e.g. `1151` (semester 1 or 2; default, or empty: the school's current term).
    #[param(pattern = r"^\s*([0-9]{3}[12])?\s*$", example = "1151")]
    pub term: Option<String>,
    /// 班級 code, with `seat`.
    pub class: Option<String>,
    /// 座號.
    pub seat: Option<i32>,
    /// Or the student's id.
    pub student_id: Option<i64>,
}

/// 查看收訖明細內容 (8.1.2): a student's receipt by class and seat, with the roster info.
#[utoipa::path(
    tag = "receipts",
    params(StudentQuery),
    responses(
        (status = 200, description = "The student's receipt", body = StudentReceipt),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not granted S0219S", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such student in the school, or none named (neither `student_id` nor `class` and `seat`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/receipts/students")]
pub async fn student_receipt(state: web::Data<AppState>, who: Principal, req: HttpRequest, q: web::Query<StudentQuery>) -> ApiResult<web::Json<StudentReceipt>> {
    who.require(VIEW)?;
    let school = who.school_id()?;
    let term = term_of(&state, school, q.term.as_deref()).await?;
    let lang = request_lang(&req);
    let now = state.clock.now();
    let q = q.into_inner();
    let out = state
        .db
        .read(move |c| {
            let student = match (q.student_id, q.class.as_deref().map(str::trim).filter(|s| !s.is_empty()), q.seat) {
                (Some(id), _, _) => id,
                (None, Some(class), Some(seat)) => sp::table
                    .filter(sp::school_id.eq(school))
                    .filter(sp::class_code.eq(class))
                    .filter(sp::seat_no.eq(seat))
                    .select(sp::user_id)
                    .first(c)
                    .optional()?
                    .ok_or_else(ApiError::not_found)?,
                // Neither a student nor a class and seat: no student is named (as a seat nobody has).
                _ => return Err(ApiError::with_detail(ErrorCode::NotFound, "請選擇班級與座號，或指定學生。", "No student named: give class and seat, or student_id.")),
            };
            student_receipt_of(c, school, term, student, now, false, lang)
        })
        .await?;
    Ok(web::Json(out))
}

// ---------------------------------------------------------------- the student

/// The student's own receipt of a term: per category the received rows (from the window's start),
/// the window, their answer and their reports with the admin's remarks.
#[utoipa::path(
    tag = "receipts",
    params(ReceiptTermQuery),
    responses(
        (status = 200, description = "The receipt", body = StudentReceipt),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/receipts/mine")]
pub async fn my_receipt(state: web::Data<AppState>, who: Principal, req: HttpRequest, q: web::Query<ReceiptTermQuery>) -> ApiResult<web::Json<StudentReceipt>> {
    // A temporary account (manual 3.7) sees its student's receipt.
    let me = Caller::student(&who)?;
    let term = term_of(&state, me.school, q.term.as_deref()).await?;
    let lang = request_lang(&req);
    let now = state.clock.now();
    Ok(web::Json(state.db.read(move |c| student_receipt_of(c, me.school, term, me.user, now, true, lang)).await?))
}

/// The student's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptAnswer {
    /// 資料正確.
    Correct,
    /// 資料有多.
    Extra,
    /// 資料有少.
    Missing,
    /// 資料有誤.
    Wrong,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"term": "1151", "category": "results", "answer": "missing", "description": "數學課程學習成果已勾選，但收訖明細中沒有。"}))]
pub struct ReceiptAnswerRequest {
    /// 學年期, e.g. `1151` (semester 1 or 2; default, or empty: the school's current term).
    #[schema(pattern = r"^\s*([0-9]{3}[12])?\s*$")]
    pub term: Option<String>,
    pub category: Category,
    pub answer: ReceiptAnswer,
    /// 問題描述 (1–500 characters; required for a report).
    #[schema(max_length = 500)]
    pub description: Option<String>,
}

/// 資料正確, or a report (資料有多 / 資料有少 / 資料有誤 with a description), inside the category's
/// window. The answer replaces the earlier state; reports are kept.
#[utoipa::path(
    operation_id = "answer_receipt",
    tag = "receipts",
    request_body = ReceiptAnswerRequest,
    responses(
        (status = 200, description = "The receipt after the answer", body = StudentReceipt),
        (status = 400, description = "Malformed term or body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No receipt of this category for the student", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Outside the confirmation window (`invalid_state`); the student's reports of this category reached the cap (`limit_reached`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A report without a description, or one over 500 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/receipts/mine/answers")]
pub async fn answer(state: web::Data<AppState>, who: Principal, req: HttpRequest, body: JsonBody<ReceiptAnswerRequest>) -> ApiResult<web::Json<StudentReceipt>> {
    // A temporary account answers for its student, recorded as made on their behalf.
    let caller = Caller::student(&who)?;
    let (school, me) = (caller.school, caller.user);
    let body = body.read().await?;
    let term = term_of(&state, school, body.term.as_deref()).await?;
    let lang = request_lang(&req);
    let description = body.description.as_deref().map(str::trim).unwrap_or("").to_string();
    let kind = match body.answer {
        ReceiptAnswer::Correct => None,
        ReceiptAnswer::Extra => Some(ReportKind::Extra),
        ReceiptAnswer::Missing => Some(ReportKind::Missing),
        ReceiptAnswer::Wrong => Some(ReportKind::Wrong),
    };
    if kind.is_some() && (description.is_empty() || description.chars().count() > 500) {
        return Err(ApiError::validation().field("description", "請填寫問題描述（500 字以內）", "describe the problem (at most 500 characters)"));
    }
    let now = state.clock.now();
    let category = body.category;
    let out = state
        .db
        .write(move |c| {
            let imports = current_imports(c, school, term)?;
            let imp = imports.get(&category).ok_or_else(ApiError::not_found)?;
            let received: Option<i64> = rs::table.filter(rs::import_id.eq(imp.id)).filter(rs::student_id.eq(me)).select(rs::id).first(c).optional()?;
            if received.is_none() {
                return Err(ApiError::not_found());
            }
            if now < imp.window_start || now >= imp.window_end {
                return Err(ApiError::with_detail(ErrorCode::InvalidState, "不在收訖明細確認期間內。", "Outside the confirmation window."));
            }
            if kind.is_some() {
                let filed: i64 = rr::table
                    .filter(rr::school_id.eq(school))
                    .filter(rr::student_id.eq(me))
                    .filter(rr::academic_year.eq(term.academic_year))
                    .filter(rr::semester.eq(term.semester))
                    .filter(rr::category.eq(category.as_str()))
                    .count()
                    .get_result(c)?;
                if filed >= MAX_REPORTS_PER_CATEGORY {
                    return Err(ApiError::with_detail(
                        ErrorCode::LimitReached,
                        format!("{}已回報 {MAX_REPORTS_PER_CATEGORY} 次問題，已達上限；請等候學校回覆或直接洽詢學校。", category.name_zh()),
                        format!("You have reported {MAX_REPORTS_PER_CATEGORY} problems with {}, the most allowed; wait for the school's answer or ask the school.", category.name_en()),
                    ));
                }
            }
            let (st, on_behalf) = if kind.is_some() {
                (AnswerState::Reported.as_str(), EventKind::ReceiptReported)
            } else {
                (AnswerState::Confirmed.as_str(), EventKind::ReceiptConfirmed)
            };
            reset_answers(c, school, term, category, &[me])?;
            diesel::insert_into(ra::table)
                .values((
                    ra::school_id.eq(school),
                    ra::student_id.eq(me),
                    ra::academic_year.eq(term.academic_year),
                    ra::semester.eq(term.semester),
                    ra::category.eq(category.as_str()),
                    ra::state.eq(st),
                    ra::answered_at.eq(now),
                ))
                .execute(c)?;
            let detail = serde_json::json!({"import": imp.id, "term": term_code(term), "category": category.as_str(), "state": st, "kind": kind.map(|k| k.as_str())});
            crate::history::note(c, school, Some(me), EventKind::ReceiptAnswered, detail, now)?;
            if let Some(kind) = kind {
                diesel::insert_into(rr::table)
                    .values((
                        rr::school_id.eq(school),
                        rr::student_id.eq(me),
                        rr::academic_year.eq(term.academic_year),
                        rr::semester.eq(term.semester),
                        rr::category.eq(category.as_str()),
                        rr::kind.eq(kind.as_str()),
                        rr::description.eq(&description),
                        rr::created_at.eq(now),
                    ))
                    .execute(c)?;
            }
            access::record_on_behalf(c, caller, on_behalf, format!("{} {}", term_code(term), category.as_str()), now)?;
            student_receipt_of(c, school, term, me, now, true, lang)
        })
        .await?;
    Ok(web::Json(out))
}

// ---------------------------------------------------------------- problem reports

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// 學年期 (default: current; empty is the default too).
    #[param(pattern = r"^\s*([0-9]{3}[12])?\s*$", example = "1151")]
    pub term: Option<String>,
    /// One category (default: all).
    #[param(value_type = Option<Category>)]
    pub category: Option<String>,
}

fn category_query(s: Option<&str>) -> ApiResult<Option<Category>> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Category::parse(s).ok_or_else(|| ApiError::new(ErrorCode::InvalidQuery).field("category", "類別須為 course_records、results、performances 或 cadre", "category is course_records, results, performances or cadre")))
        .transpose()
}

async fn reports_of(state: &AppState, who: &Principal, req: &HttpRequest, q: &ReportQuery, page: Option<(i64, i64)>) -> ApiResult<(Term, Vec<ReceiptReportView>, i64)> {
    who.require(VIEW)?;
    let category = category_query(q.category.as_deref())?;
    let school = who.school_id()?;
    let term = term_of(state, school, q.term.as_deref()).await?;
    let lang = request_lang(req);
    let (rows, total) = state.db.read(move |c| load_reports(c, school, term, category, None, None, page, lang)).await?;
    Ok((term, rows, total))
}

/// 查看問題回報紀錄 (8.1.3): the term's problem reports.
#[utoipa::path(
    tag = "receipts",
    params(ReportQuery, PageQuery),
    responses(
        (status = 200, description = "One page of reports, oldest first", body = Page<ReceiptReportView>),
        (status = 400, description = "Malformed term or category", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not granted S0219S", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad paging", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/receipts/reports")]
pub async fn list_reports(state: web::Data<AppState>, who: Principal, req: HttpRequest, q: web::Query<ReportQuery>, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<ReceiptReportView>>> {
    who.require(VIEW)?; // before the page is judged
    let (p, per) = page.checked()?;
    let (_, items, total) = reports_of(&state, &who, &req, &q, Some((p, per))).await?;
    Ok(web::Json(Page::new(items, total, p, per)))
}

/// 匯出報表: the problem reports as a workbook.
#[utoipa::path(
    tag = "receipts",
    params(ReportQuery),
    responses(
        (status = 200, description = "The workbook 問題回報紀錄_{term}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Malformed term or category", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not granted S0219S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/receipts/reports.xlsx")]
pub async fn reports_xlsx(state: web::Data<AppState>, who: Principal, req: HttpRequest, q: web::Query<ReportQuery>) -> ApiResult<HttpResponse> {
    let (term, reports, _) = reports_of(&state, &who, &req, &q, None).await?;
    let mut sheet = Sheet::new("問題回報紀錄", vec!["問題單號", "收訖明細之學期", "學生姓名", "學生班級", "學生座號", "資料類別", "錯誤類別", "問題描述", "回報日期", "備註"]);
    for r in &reports {
        let local = crate::settings::periods::utc_to_taipei(r.reported_at);
        sheet.rows.push(vec![
            Cell::from(r.id),
            Cell::from(r.term.clone()),
            Cell::from(r.student_name.clone()),
            Cell::from(r.class_code.clone()),
            Cell::from(r.seat_no),
            Cell::from(r.category.name_zh()),
            Cell::from(r.kind.zh()),
            Cell::from(r.description.clone()),
            Cell::from(format!("{} {}", crate::time::roc_date(local.date()), local.format("%H:%M:%S"))),
            Cell::from(r.remark.clone()),
        ]);
    }
    let code = term_code(term);
    Ok(xlsx::attachment(xlsx::workbook(&[sheet])?, &format!("問題回報紀錄_{code}.xlsx"), &format!("receipt_reports_{code}.xlsx")))
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"remark": "已補傳至中央資料庫，請於新版本收訖明細再確認。"}))]
pub struct ReceiptRemarkRequest {
    /// 備註 (at most 500 characters; empty clears it). The student sees it.
    pub remark: String,
}

/// The admin's remark on a report (請輸入給…的備註文字), shown to the student.
#[utoipa::path(
    tag = "receipts",
    params(("id" = i64, Path, description = "問題單號")),
    request_body = ReceiptRemarkRequest,
    responses(
        (status = 200, description = "The report", body = ReceiptReportView),
        (status = 400, description = "Malformed id or body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not granted S0219S with update", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report in the school", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Over 500 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/receipts/reports/{id}/remark")]
pub async fn set_remark(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>, body: JsonBody<ReceiptRemarkRequest>) -> ApiResult<web::Json<ReceiptReportView>> {
    who.require(Need::module(MODULE, Op::Update))?;
    let school = who.school_id()?;
    let by = who.user()?.user.id;
    let remark = body.read().await?.remark.trim().to_string();
    if remark.chars().count() > 500 {
        return Err(ApiError::validation().field("remark", "備註最多 500 字", "at most 500 characters"));
    }
    let id = id.into_inner();
    let lang = request_lang(&req);
    let now = state.clock.now();
    let view = state
        .db
        .write(move |c| {
            let found: Option<(i32, i32)> = rr::table.find(id).filter(rr::school_id.eq(school)).select((rr::academic_year, rr::semester)).first(c).optional()?;
            let (y, s) = found.ok_or_else(ApiError::not_found)?;
            let value = Some(remark).filter(|r| !r.is_empty());
            diesel::update(rr::table.find(id)).set((rr::remark.eq(value), rr::remarked_by.eq(Some(by)), rr::remarked_at.eq(Some(now)))).execute(c)?;
            load_reports(c, school, Term { academic_year: y, semester: s }, None, None, Some(id), None, lang)?.0.pop().ok_or_else(ApiError::not_found)
        })
        .await?;
    Ok(web::Json(view))
}

// ---------------------------------------------------------------- statistics

/// One category's count ("修課紀錄 2已確認/共362人").
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptCategoryCount {
    pub category: Category,
    pub confirmed: i64,
    pub reported: i64,
    /// Students in the receipt (提交名冊總人數).
    pub total: i64,
    pub text: String,
}

/// One class's line.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptClassCount {
    pub class_code: Option<String>,
    pub grade: Option<i32>,
    pub counts: Vec<ReceiptCategoryCount>,
    /// 現在班級總人數 (students in any category's receipt).
    pub students: i64,
}

/// One student of a class.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptStudentStates {
    pub student_id: i64,
    pub class_code: Option<String>,
    pub seat_no: Option<i32>,
    pub number: Option<String>,
    pub name: String,
    /// Per category (`course_records`, …): `pending`, `confirmed` or `reported`; null (`-`) when
    /// the student is not in that category's receipt.
    #[schema(value_type = Object)]
    pub states: BTreeMap<String, Option<AnswerState>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "academic_year": 115, "semester": 1, "class_code": null,
    "totals": [{"category": "results", "confirmed": 2, "reported": 1, "total": 362, "text": "學習成果 2已確認/共362人"}],
    "classes": [
        {
            "class_code": "201", "grade": 2, "students": 36,
            "counts": [{"category": "results", "confirmed": 2, "reported": 1, "total": 36, "text": "學習成果 2已確認/共36人"}]
        }
    ],
    "students": []
}))]
pub struct ReceiptStatistics {
    pub academic_year: i32,
    pub semester: i32,
    /// 統計範圍: none for 全校, else the class.
    pub class_code: Option<String>,
    pub totals: Vec<ReceiptCategoryCount>,
    /// Per class (全校).
    pub classes: Vec<ReceiptClassCount>,
    /// Per student (one class).
    pub students: Vec<ReceiptStudentStates>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatisticsQuery {
    /// 學年期, e.g. `1151` (semester 1 or 2; default, or empty: the school's current term).
    #[param(pattern = r"^\s*([0-9]{3}[12])?\s*$", example = "1151")]
    pub term: Option<String>,
    /// One class (default: the whole school).
    pub class: Option<String>,
}

fn count(cat: Category, confirmed: i64, reported: i64, total: i64, lang: Lang) -> ReceiptCategoryCount {
    let text = if lang == Lang::En { format!("{} {confirmed} confirmed / {total}", cat.name_en()) } else { format!("{} {confirmed}已確認/共{total}人", cat.short_zh()) };
    ReceiptCategoryCount { category: cat, confirmed, reported, total, text }
}

fn build_statistics(c: &mut DbConn, school: i64, term: Term, class: Option<String>, lang: Lang) -> ApiResult<ReceiptStatistics> {
    let imports = current_imports(c, school, term)?;
    let answers = answers(c, school, term, None)?;
    let mut received: BTreeMap<Category, Vec<i64>> = BTreeMap::new();
    for (cat, imp) in &imports {
        received.insert(*cat, rs::table.filter(rs::import_id.eq(imp.id)).select(rs::student_id).load(c)?);
    }
    let mut all: Vec<i64> = received.values().flatten().copied().collect();
    all.sort_unstable();
    all.dedup();
    let people = crate::reporting::people(c, school, &all)?;
    let grades: HashMap<i64, i32> = sp::table.filter(sp::school_id.eq(school)).select((sp::user_id, sp::grade)).load::<(i64, i32)>(c)?.into_iter().collect();
    let in_scope = |id: &i64| class.is_none() || people.get(id).and_then(|p| p.class_code.clone()) == class;
    let tally = |ids: &mut dyn Iterator<Item = i64>, cat: Category| {
        let (mut confirmed, mut reported, mut total) = (0, 0, 0);
        for id in ids {
            total += 1;
            match answers.get(&(cat, id)) {
                Some(AnswerState::Confirmed) => confirmed += 1,
                Some(AnswerState::Reported) => reported += 1,
                _ => {}
            }
        }
        (confirmed, reported, total)
    };
    let totals: Vec<ReceiptCategoryCount> = received
        .iter()
        .map(|(cat, ids)| {
            let (a, b, t) = tally(&mut ids.iter().copied().filter(|i| in_scope(i)), *cat);
            count(*cat, a, b, t, lang)
        })
        .collect();
    let mut classes = Vec::new();
    let mut students = Vec::new();
    if class.is_none() {
        let mut by_class: BTreeMap<Option<String>, Vec<i64>> = BTreeMap::new();
        for id in &all {
            by_class.entry(people.get(id).and_then(|p| p.class_code.clone())).or_default().push(*id);
        }
        for (code, ids) in by_class {
            let counts = received
                .iter()
                .map(|(cat, r)| {
                    let (a, b, t) = tally(&mut r.iter().copied().filter(|i| ids.binary_search(i).is_ok()), *cat);
                    count(*cat, a, b, t, lang)
                })
                .collect();
            let grade = ids.first().and_then(|i| grades.get(i)).copied();
            classes.push(ReceiptClassCount { class_code: code, grade, counts, students: ids.len() as i64 });
        }
    } else {
        let mut ids: Vec<i64> = all.iter().copied().filter(|i| in_scope(i)).collect();
        ids.sort_by_key(|i| people.get(i).map(|p| crate::reporting::class_seat_key(&p.class_code, p.seat_no, &p.account)));
        for id in ids {
            let p = people.get(&id).cloned().unwrap_or_default();
            let states = Category::ALL
                .iter()
                .filter(|c| received.contains_key(c))
                .map(|cat| {
                    let has = received.get(cat).is_some_and(|r| r.contains(&id));
                    (cat.as_str().to_string(), has.then(|| answers.get(&(*cat, id)).copied().unwrap_or(AnswerState::Pending)))
                })
                .collect();
            students.push(ReceiptStudentStates { student_id: id, class_code: p.class_code, seat_no: p.seat_no, number: p.number, name: p.name, states });
        }
    }
    Ok(ReceiptStatistics { academic_year: term.academic_year, semester: term.semester, class_code: class, totals, classes, students })
}

async fn statistics_of(state: &AppState, who: &Principal, req: &HttpRequest, q: &StatisticsQuery) -> ApiResult<ReceiptStatistics> {
    who.require(VIEW)?;
    let school = who.school_id()?;
    let term = term_of(state, school, q.term.as_deref()).await?;
    let lang = request_lang(req);
    let class = q.class.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    state.db.read(move |c| build_statistics(c, school, term, class, lang)).await
}

/// 學生確認鈕統計 (8.1.4): confirmed and reported per category against the students in the receipt,
/// for the school (per class) or one class (per student: 待確認 / 已確認 / 錯誤回報).
#[utoipa::path(
    operation_id = "receipt_statistics",
    tag = "receipts",
    params(StatisticsQuery),
    responses(
        (status = 200, description = "The statistics", body = ReceiptStatistics),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not granted S0219S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/receipts/statistics")]
pub async fn statistics(state: web::Data<AppState>, who: Principal, req: HttpRequest, q: web::Query<StatisticsQuery>) -> ApiResult<web::Json<ReceiptStatistics>> {
    Ok(web::Json(statistics_of(&state, &who, &req, &q).await?))
}

fn state_zh(s: &Option<AnswerState>) -> String {
    s.map(|s| s.zh().to_string()).unwrap_or_else(|| "-".into())
}

/// 匯出確認鈕統計: the statistics as a workbook (per class, or per student of a class).
#[utoipa::path(
    tag = "receipts",
    params(StatisticsQuery),
    responses(
        (status = 200, description = "The workbook 確認鈕統計_{term}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not granted S0219S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/receipts/statistics.xlsx")]
pub async fn statistics_xlsx(state: web::Data<AppState>, who: Principal, req: HttpRequest, q: web::Query<StatisticsQuery>) -> ApiResult<HttpResponse> {
    let s = statistics_of(&state, &who, &req, &q).await?;
    let code = format!("{}{}", s.academic_year, s.semester);
    let sheet = if s.class_code.is_none() {
        // The manual's columns: 查詢學年期, 現在年級, 現在班級, per category 已確認人數 / 錯誤回報人數, 現在班級總人數.
        let mut header: Vec<&'static str> = vec!["查詢學年期", "現在年級", "現在班級"];
        let cats: Vec<Category> = s.totals.iter().map(|t| t.category).collect();
        for cat in &cats {
            header.push(match cat {
                Category::CourseRecords => "修課紀錄已確認人數",
                Category::Results => "學習成果已確認人數",
                Category::Performances => "多元表現已確認人數",
                Category::Cadre => "幹部經歷已確認人數",
            });
            header.push(match cat {
                Category::CourseRecords => "修課紀錄錯誤回報人數",
                Category::Results => "學習成果錯誤回報人數",
                Category::Performances => "多元表現錯誤回報人數",
                Category::Cadre => "幹部經歷錯誤回報人數",
            });
        }
        header.push("現在班級總人數");
        let mut sheet = Sheet::new("確認鈕統計", header);
        for cl in &s.classes {
            let mut row = vec![Cell::from(code.clone()), Cell::from(cl.grade), Cell::from(cl.class_code.clone())];
            for c in &cl.counts {
                row.push(Cell::from(c.confirmed));
                row.push(Cell::from(c.reported));
            }
            row.push(Cell::from(cl.students));
            sheet.rows.push(row);
        }
        sheet
    } else {
        let mut header: Vec<&'static str> = vec!["班級", "座號", "學號", "姓名"];
        let cats: Vec<Category> = s.totals.iter().map(|t| t.category).collect();
        header.extend(cats.iter().map(|c| c.short_zh()));
        let mut sheet = Sheet::new("確認鈕統計", header);
        for st in &s.students {
            let mut row = vec![Cell::from(st.class_code.clone()), Cell::from(st.seat_no), Cell::from(st.number.clone()), Cell::from(st.name.clone())];
            for cat in &cats {
                row.push(Cell::from(state_zh(st.states.get(cat.as_str()).unwrap_or(&None))));
            }
            sheet.rows.push(row);
        }
        sheet
    };
    Ok(xlsx::attachment(xlsx::workbook(&[sheet])?, &format!("確認鈕統計_{code}.xlsx"), &format!("receipt_statistics_{code}.xlsx")))
}

// ---------------------------------------------------------------- differences (8.2)

/// One category of a student: items selected in Licheng against items in the receipt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptDifferenceCount {
    pub category: Category,
    pub licheng: i64,
    pub receipt: i64,
    pub differs: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "student_id": 345, "number": "114001", "name": "吳承恩", "class_code": "201", "seat_no": 1, "differs": true,
    "counts": [
        {"category": "results", "licheng": 3, "receipt": 2, "differs": true},
        {"category": "performances", "licheng": 1, "receipt": 1, "differs": false}
    ]
}))]
pub struct ReceiptDifferenceRow {
    pub student_id: i64,
    pub class_code: Option<String>,
    pub seat_no: Option<i32>,
    pub number: Option<String>,
    pub name: String,
    pub counts: Vec<ReceiptDifferenceCount>,
    /// Whether any category differs.
    pub differs: bool,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// 學年度, e.g. `115` (default: the current term's).
    #[param(minimum = 1, maximum = 999)]
    pub year: Option<i32>,
    /// Only the students with a difference.
    pub only_differences: Option<bool>,
}

fn tally(ids: impl IntoIterator<Item = i64>) -> HashMap<i64, i64> {
    let mut out = HashMap::new();
    for id in ids {
        *out.entry(id).or_insert(0) += 1;
    }
    out
}

fn build_differences(c: &mut DbConn, school: i64, year: i32, only: bool) -> ApiResult<Vec<ReceiptDifferenceRow>> {
    let mut receipt: HashMap<(Category, i64), i64> = HashMap::new();
    let mut any = false;
    for semester in [1, 2] {
        for (cat, imp) in current_imports(c, school, Term { academic_year: year, semester })? {
            any = true;
            let rows: Vec<(i64, i32)> = rs::table.filter(rs::import_id.eq(imp.id)).select((rs::student_id, rs::row_count)).load(c)?;
            for (s, n) in rows {
                *receipt.entry((cat, s)).or_insert(0) += n as i64;
            }
        }
    }
    if !any {
        return Ok(Vec::new());
    }
    // Own and imported (issue #21) selections alike: both go into the rosters.
    let selected = |c: &mut DbConn, kind: crate::selections::Kind| -> ApiResult<HashMap<i64, i64>> {
        Ok(tally(
            sel::table
                .filter(sel::school_id.eq(school))
                .filter(sel::academic_year.eq(year))
                .filter(sel::item_kind.eq_any([kind.item_kind(), kind.imported_kind()]))
                .select(sel::student_id)
                .load::<i64>(c)?,
        ))
    };
    let results = selected(c, crate::selections::Kind::Results)?;
    let performances = selected(c, crate::selections::Kind::Performances)?;
    let cadre = tally(cr::table.filter(cr::school_id.eq(school)).filter(cr::academic_year.eq(year)).filter(cr::active.eq(true)).select(cr::student_id).load::<i64>(c)?);
    let course = tally(
        en::table
            .inner_join(courses::table.on(courses::id.eq(en::course_id)))
            .filter(en::school_id.eq(school))
            .filter(en::active.eq(true))
            .filter(courses::active.eq(true))
            .filter(courses::academic_year.eq(year))
            .select(en::student_id)
            .load::<i64>(c)?,
    );
    let mut ids: Vec<i64> = receipt.keys().map(|(_, s)| *s).chain(results.keys().copied()).chain(performances.keys().copied()).chain(cadre.keys().copied()).chain(course.keys().copied()).collect();
    ids.sort_unstable();
    ids.dedup();
    let people = crate::reporting::people(c, school, &ids)?;
    let students: std::collections::HashSet<i64> = users::table.filter(users::school_id.eq(school)).filter(users::kind.eq("student")).filter(users::id.eq_any(&ids)).select(users::id).load::<i64>(c)?.into_iter().collect();
    let mut out = Vec::new();
    for id in ids.into_iter().filter(|i| students.contains(i)) {
        let p = people.get(&id).cloned().unwrap_or_default();
        let counts: Vec<ReceiptDifferenceCount> = Category::ALL
            .iter()
            .map(|cat| {
                let licheng = match cat {
                    Category::CourseRecords => &course,
                    Category::Results => &results,
                    Category::Performances => &performances,
                    Category::Cadre => &cadre,
                }
                .get(&id)
                .copied()
                .unwrap_or(0);
                let got = receipt.get(&(*cat, id)).copied().unwrap_or(0);
                ReceiptDifferenceCount { category: *cat, licheng, receipt: got, differs: licheng != got }
            })
            .collect();
        let differs = counts.iter().any(|c| c.differs);
        if only && !differs {
            continue;
        }
        out.push(ReceiptDifferenceRow { student_id: id, class_code: p.class_code, seat_no: p.seat_no, number: p.number, name: p.name, counts, differs });
    }
    out.sort_by_key(|r| crate::reporting::class_seat_key(&r.class_code, r.seat_no, &r.name));
    Ok(out)
}

async fn differences_of(state: &AppState, who: &Principal, q: &YearQuery) -> ApiResult<(i32, Vec<ReceiptDifferenceRow>)> {
    who.require(VIEW)?;
    let school = who.school_id()?;
    let year = match q.year {
        Some(y) if (1..=999).contains(&y) => y,
        Some(_) => return Err(ApiError::new(ErrorCode::InvalidQuery).field("year", "學年度須為 1–999", "year is 1–999")),
        None => term_of(state, school, None).await?.academic_year,
    };
    let only = q.only_differences.unwrap_or(false);
    Ok((year, state.db.read(move |c| build_differences(c, school, year, only)).await?))
}

/// 收訖明細差異筆數 (8.2): per student and category, the items in Licheng (selected results and
/// performances, cadre records, course enrolments of the year) against the receipt's rows.
#[utoipa::path(
    operation_id = "receipt_differences",
    tag = "receipts",
    params(YearQuery),
    responses(
        (status = 200, description = "Per student", body = Vec<ReceiptDifferenceRow>),
        (status = 400, description = "Malformed year", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not granted S0219S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/receipts/differences")]
pub async fn differences(state: web::Data<AppState>, who: Principal, q: web::Query<YearQuery>) -> ApiResult<web::Json<Vec<ReceiptDifferenceRow>>> {
    Ok(web::Json(differences_of(&state, &who, &q).await?.1))
}

/// 匯出EXCEL: the difference counts; a difference is marked ＊ in 差異.
#[utoipa::path(
    tag = "receipts",
    params(YearQuery),
    responses(
        (status = 200, description = "The workbook 收訖明細差異筆數_{year}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Malformed year", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not granted S0219S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/receipts/differences.xlsx")]
pub async fn differences_xlsx(state: web::Data<AppState>, who: Principal, q: web::Query<YearQuery>) -> ApiResult<HttpResponse> {
    let (year, rows) = differences_of(&state, &who, &q).await?;
    let mut sheet = Sheet::new(
        "收訖明細差異筆數",
        vec![
            "班級", "座號", "學號", "姓名", "修課紀錄(系統)", "修課紀錄(收訖)", "學習成果(系統勾選)", "學習成果(收訖)", "多元表現(系統勾選)", "多元表現(收訖)", "幹部經歷(系統)", "幹部經歷(收訖)", "差異",
        ],
    );
    for r in &rows {
        let mut row = vec![Cell::from(r.class_code.clone()), Cell::from(r.seat_no), Cell::from(r.number.clone()), Cell::from(r.name.clone())];
        for c in &r.counts {
            row.push(Cell::from(c.licheng));
            row.push(Cell::from(c.receipt));
        }
        let marked: Vec<&str> = r.counts.iter().filter(|c| c.differs).map(|c| c.category.short_zh()).collect();
        row.push(Cell::from(if marked.is_empty() { String::new() } else { format!("＊{}", marked.join("、")) }));
        sheet.rows.push(row);
    }
    Ok(xlsx::attachment(xlsx::workbook(&[sheet])?, &format!("收訖明細差異筆數_{year}.xlsx"), &format!("receipt_differences_{year}.xlsx")))
}

// ---------------------------------------------------------------- the import job

/// The job kind of a receipt import (`GET /jobs/{id}`).
pub const JOB_KIND: crate::jobs::JobKind = crate::jobs::JobKind::ReceiptImport;
/// The purpose the archive's password is sealed under while the job waits.
const PASSWORD_PURPOSE: &str = "receipt-password";

/// A queued import: everything the request checked, the archive kept under the data directory and
/// its password sealed with the server's secret key (never stored in the clear).
#[derive(Debug, Serialize, Deserialize)]
struct ImportParams {
    upload: String,
    password: String,
    academic_year: i32,
    semester: i32,
    file_name: String,
    categories: Vec<Category>,
    windows: Vec<(Category, NaiveDateTime, NaiveDateTime)>,
    /// The request's time: the default window is the one the dry run showed.
    requested_at: NaiveDateTime,
    english: bool,
}

/// A real import, queued (`202`): poll `GET /jobs/{job_id}`; its result (`GET /jobs/{job_id}/result`)
/// is the [`ReceiptImportResult`] as JSON.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptImportJob {
    pub job_id: i64,
    /// `/api/v1/jobs/{job_id}`.
    pub status_url: String,
}

/// Keeps the upload for the job and queues it (one import of a school at a time: 409 `conflict`).
#[allow(clippy::too_many_arguments)]
async fn queue_import(
    state: &AppState,
    school: i64,
    uploader: i64,
    term: Term,
    file: Vec<u8>,
    password: &str,
    file_name: String,
    chosen: Vec<Category>,
    windows: HashMap<Category, (NaiveDateTime, NaiveDateTime)>,
    now: NaiveDateTime,
    lang: Lang,
) -> ApiResult<ReceiptImportJob> {
    let sealed = state.secrets.seal(PASSWORD_PURPOSE, password).ok_or_else(|| ApiError::internal("sealing the receipt password failed"))?;
    let rel = std::path::PathBuf::from("receipts").join(format!("{}.zip", uuid::Uuid::new_v4().simple()));
    let path = state.config.data_dir.join(&rel);
    let write_to = path.clone();
    web::block(move || -> std::io::Result<()> {
        if let Some(dir) = write_to.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&write_to, &file)
    })
    .await
    .map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?
    .map_err(|e| ApiError::internal(format!("keeping the receipt for its job: {e}")))?;
    let params = ImportParams {
        upload: rel.to_string_lossy().into_owned(),
        password: sealed,
        academic_year: term.academic_year,
        semester: term.semester,
        file_name,
        categories: chosen,
        windows: windows.into_iter().map(|(c, (s, e))| (c, s, e)).collect(),
        requested_at: now,
        english: lang == Lang::En,
    };
    let value = serde_json::to_value(&params).map_err(|e| ApiError::internal(e.to_string()))?;
    let key = format!("{JOB_KIND}:{school}");
    let queued = state.db.write(move |c| crate::jobs::enqueue(c, school, uploader, JOB_KIND, &value, Some(&key), now)).await;
    match queued {
        Ok(job_id) => Ok(ReceiptImportJob { job_id, status_url: format!("/api/v1/jobs/{job_id}") }),
        Err(e) => {
            // Refused (another import of the school is open): the kept archive goes.
            let _ = std::fs::remove_file(&path);
            Err(e)
        }
    }
}

/// Runs a queued import (the job worker, on a blocking thread): opens the archive again, then
/// imports one category per transaction (the write lock is held per category, not for the whole
/// receipt), reporting progress after each. A retried run finds the categories already imported
/// unchanged (無異動) and goes on. The archive is removed once the job ends for good.
pub fn run_import(ctx: &crate::jobs::Context, job: &crate::jobs::Job, progress: &crate::jobs::Progress) -> Result<crate::jobs::Output, crate::jobs::JobError> {
    use crate::jobs::JobError;
    let p: ImportParams = serde_json::from_value(job.params.clone()).map_err(|e| JobError::fatal(format!("bad parameters: {e}")))?;
    let upload = ctx.config.data_dir.join(&p.upload);
    let outcome = import_job(ctx, job, progress, &p, &upload);
    if outcome.as_ref().map(|_| true).unwrap_or_else(|e| !e.retry || job.attempts >= crate::jobs::MAX_ATTEMPTS) {
        let _ = std::fs::remove_file(&upload);
    }
    outcome
}

fn import_job(ctx: &crate::jobs::Context, job: &crate::jobs::Job, progress: &crate::jobs::Progress, p: &ImportParams, upload: &std::path::Path) -> Result<crate::jobs::Output, crate::jobs::JobError> {
    use crate::jobs::{JobError, Output};
    let bytes = std::fs::read(upload).map_err(|e| JobError::fatal(format!("the kept receipt is gone: {e}")))?;
    let password = ctx.secrets.open(PASSWORD_PURPOSE, &p.password).ok_or_else(|| JobError::fatal("the sealed password cannot be opened (was the secret key changed?)"))?;
    let manifest = open(&bytes, &password)?;
    drop(bytes);
    let (school, uploader) = (job.school_id, job.owner_id);
    let term = Term { academic_year: p.academic_year, semester: p.semester };
    let lang = if p.english { Lang::En } else { Lang::Zh };
    let windows: HashMap<Category, (NaiveDateTime, NaiveDateTime)> = p.windows.iter().map(|(c, s, e)| (*c, (*s, *e))).collect();
    let default = default_window(p.requested_at);
    let total = p.categories.len() as i64;
    progress.set(0, total)?;
    let mut categories = Vec::new();
    for (i, cat) in p.categories.iter().enumerate() {
        let now = ctx.clock.now();
        let one = [*cat];
        let (manifest, windows, name) = (&manifest, &windows, p.file_name.as_str());
        categories.extend(ctx.db.write_blocking(move |c| plan_import(c, school, term, manifest, &one, windows, default, Some((uploader, name, now)), lang))?);
        progress.set(i as i64 + 1, total)?;
    }
    let result = ReceiptImportResult { academic_year: term.academic_year, semester: term.semester, file_name: p.file_name.clone(), dry_run: false, categories };
    let json = serde_json::to_vec_pretty(&result).map_err(|e| JobError::fatal(e.to_string()))?;
    let dir = crate::rosters::package::job_dir(job.id);
    std::fs::create_dir_all(ctx.config.data_dir.join(&dir))?;
    let rel = dir.join("receipt-import.json");
    std::fs::write(ctx.config.data_dir.join(&rel), &json)?;
    Ok(Output { path: rel, name: format!("收訖明細匯入結果_{}.json", term_code(term)), sha256: hex::encode(sha2::Sha256::digest(&json)), size: json.len() as i64 })
}
