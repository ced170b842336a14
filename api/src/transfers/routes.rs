//! The transfer endpoints. 6.1 匯出 (module S0601S or the school admin): student search, export
//! as a job, the record list (資料產生紀錄) with 檔案資訊 (the password for the school's admins
//! only), downloads. 6.2 匯入 (module S0602S or the school admin): import with MD5 and password,
//! the record list (資料匯入紀錄) with 明細. The student sees their imported items.

use actix_multipart::Multipart;
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

use super::package::{self, Params, TransferStudentOutcome};
use super::{mask_national_id, EXPORT_MODULE, IMPORT_MODULE, JOB_KIND, PASSWORD_PURPOSE};
use crate::identity::Role;
use crate::state::AppState;
use crate::auth::{Need, Op, Principal};
use crate::error::{ApiError, ApiResult, ErrorCode, Lang, Problem};
use crate::http::request_lang;
use crate::uploads::access::Caller;
use crate::uploads::files::FileInfo;
use crate::jobs::{self, JobState};
use crate::schema::{jobs as jb, schools, stored_files as sf, student_profiles as sp, transfer_exports as te, transfer_imports as ti, transfer_items as tx, users};
use crate::storage::FileStore;
use crate::responses::Download;

/// Most bytes of an uploaded package.
pub const MAX_PACKAGE_BYTES: u64 = 4 << 30;

const EXPORT: Need = Need::module(EXPORT_MODULE, Op::View);
const IMPORT: Need = Need::module(IMPORT_MODULE, Op::View);
/// Making a package or importing one adds data (新增), as importing a receipt does.
const EXPORT_CREATE: Need = Need::module(EXPORT_MODULE, Op::Create);
const IMPORT_CREATE: Need = Need::module(IMPORT_MODULE, Op::Create);

fn is_admin(who: &Principal) -> bool {
    who.user().map(|u| u.roles.contains(&Role::SchoolAdmin)).unwrap_or(false)
}

/// A student as the export search shows it (manual 6.1: 學生學號, 學生姓名, 出生日期, 身分證字號).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 345, "number": "114001", "name": "吳承恩", "birth_date": "2009-01-20", "national_id": "J10XX00214", "class_code": "201", "grade": 2,
    "seat_no": 1
}))]
pub struct TransferStudent {
    pub id: i64,
    pub number: Option<String>,
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    /// Masked: `F13XX51101`.
    pub national_id: Option<String>,
    pub grade: Option<i32>,
    pub class_code: Option<String>,
    pub seat_no: Option<i32>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// 學號, 姓名 (part of it) or 身分證統一編號 (whole). None, empty or over 50 characters
    /// (no number, name or ID is that long): nobody.
    pub q: Option<String>,
}

/// 選擇匯出學生: the school's students whose number or national ID is `q`, or whose number
/// starts with or name contains `q` (at most 50).
#[utoipa::path(
    tag = "transfers",
    params(SearchQuery),
    responses(
        (status = 200, description = "Students found (none without a search text)", body = Vec<TransferStudent>),
        (status = 403, description = "Neither the school admin nor granted S0601S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/transfers/students")]
pub async fn transfer_students(state: web::Data<AppState>, who: Principal, q: web::Query<SearchQuery>) -> ApiResult<web::Json<Vec<TransferStudent>>> {
    who.user()?;
    who.require(EXPORT)?;
    let school = who.school_id()?;
    let text = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty() && t.chars().count() <= 50).map(str::to_string);
    let Some(text) = text else { return Ok(web::Json(Vec::new())) };
    let hits = state
        .db
        .read(move |c| {
            let by_nid: Vec<i64> = super::students_by_national_id(c, school, std::slice::from_ref(&text))?.into_values().collect();
            let like = crate::pagination::like_pattern(&text);
            // `%text%` without its leading wildcard: the number's prefix.
            let prefix = like.strip_prefix('%').unwrap_or(&like).to_string();
            type R = (i64, Option<String>, String, Option<String>, Option<NaiveDate>, Option<i32>, Option<String>, Option<i32>);
            let rows: Vec<R> = users::table
                .left_join(sp::table.on(sp::user_id.eq(users::id)))
                .filter(users::school_id.eq(school))
                .filter(users::kind.eq("student"))
                .filter(users::id.eq_any(by_nid).or(users::number.like(prefix).escape('\\')).or(users::display_name.like(like).escape('\\')))
                .order((users::number.asc(), users::id.asc()))
                .limit(50)
                .select((users::id, users::number, users::display_name, users::national_id, sp::birth_date.nullable(), sp::grade.nullable(), sp::class_code.nullable(), sp::seat_no.nullable()))
                .load(c)?;
            Ok(rows
                .into_iter()
                .map(|(id, number, name, nid, birth_date, grade, class_code, seat_no)| TransferStudent {
                    id,
                    number,
                    name,
                    birth_date,
                    national_id: super::national_id_of(nid).map(|n| mask_national_id(&n)),
                    grade,
                    class_code,
                    seat_no,
                })
                .collect())
        })
        .await?;
    Ok(web::Json(hits))
}

/// A student of an export.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransferExportStudent {
    pub id: i64,
    pub number: Option<String>,
    pub name: String,
    /// Masked.
    pub national_id: Option<String>,
}

/// One package (資料產生紀錄).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 3, "job_id": 44, "state": "succeeded", "done": 2, "total": 2, "file_name": "999999_2026_12_01_14_05_33.zip",
    "download_url": "/api/v1/transfers/exports/3/download", "size": 5242880, "md5": "9e107d9d372bb6826bd81d3542a419d6",
    "password": "3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f4a6b", "error": null, "created_at": "2026-12-01T06:05:33Z",
    "students": [{"id": 345, "number": "114001", "name": "吳承恩", "national_id": "J10XX00214"}]
}))]
pub struct TransferExport {
    pub id: i64,
    pub job_id: i64,
    /// 資料產生時間.
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    pub students: Vec<TransferExportStudent>,
    pub state: JobState,
    pub done: i64,
    pub total: i64,
    /// Why the export failed (a missing or corrupt file is named here).
    pub error: Option<String>,
    /// 檔案名稱, e.g. `666666_2022_02_25_11_38_07.zip`.
    pub file_name: String,
    /// 檔案大小 (bytes), once made.
    pub size: Option<i64>,
    /// MD5值, once made.
    pub md5: Option<String>,
    /// 壓縮密碼: shown to the school's admins only (null for others).
    pub password: Option<String>,
    /// 下載檔案, once made.
    pub download_url: Option<String>,
}

fn load_exports(c: &mut crate::db::DbConn, school: i64, id: Option<i64>, admin: bool, secrets: &crate::secrets::Secrets) -> ApiResult<Vec<TransferExport>> {
    type R = (i64, i64, NaiveDateTime, String, String, String, Option<String>, String, i64, i64, Option<String>, Option<i64>);
    let mut q = te::table
        .inner_join(jb::table.on(jb::id.eq(te::job_id)))
        .filter(te::school_id.eq(school))
        .order(te::id.desc())
        .limit(200)
        .select((te::id, te::job_id, te::created_at, te::student_ids, te::file_name, te::password_encrypted, te::md5, jb::state, jb::done, jb::total, jb::error, jb::result_size))
        .into_boxed();
    if let Some(id) = id {
        q = q.filter(te::id.eq(id));
    }
    let rows: Vec<R> = q.load(c)?;
    let lists: Vec<Vec<i64>> = rows.iter().map(|r| serde_json::from_str(&r.3).map_err(|e| ApiError::internal(format!("student ids: {e}")))).collect::<ApiResult<_>>()?;
    // Every listed student in one query (chunked), not one query per package.
    let mut wanted: Vec<i64> = lists.iter().flatten().copied().collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut found: HashMap<i64, TransferExportStudent> = HashMap::new();
    for chunk in wanted.chunks(500) {
        let rows: Vec<(i64, Option<String>, String, Option<String>)> =
            users::table.filter(users::school_id.eq(school)).filter(users::id.eq_any(chunk.to_vec())).select((users::id, users::number, users::display_name, users::national_id)).load(c)?;
        found.extend(rows.into_iter().map(|(id, number, name, nid)| (id, TransferExportStudent { id, number, name, national_id: super::national_id_of(nid).map(|n| mask_national_id(&n)) })));
    }
    let mut out = Vec::new();
    for ((id, job_id, created_at, _, file_name, sealed, md5, state, done, total, error, size), ids) in rows.into_iter().zip(lists) {
        let students = ids.iter().filter_map(|i| found.get(i).cloned()).collect();
        let state = JobState::parse(&state)?;
        let ok = state == JobState::Succeeded;
        let password = if admin { Some(secrets.open(PASSWORD_PURPOSE, &sealed).ok_or_else(|| ApiError::internal("the package password cannot be opened"))?) } else { None };
        out.push(TransferExport {
            id,
            job_id,
            created_at,
            students,
            state,
            done,
            total,
            error,
            file_name,
            size: size.filter(|_| ok),
            md5: md5.filter(|_| ok),
            password,
            download_url: ok.then(|| format!("/api/v1/transfers/exports/{id}/download")),
        });
    }
    Ok(out)
}

/// The students to export (學生清單).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"student_ids": [41, 57]}))]
pub struct TransferExportRequest {
    /// At most 200 students of the school.
    pub student_ids: Vec<i64>,
}

/// 產生匯出檔案: checks the students (refused with `course_code_missing` listing the courses that
/// lack a 23-character code, FAQ 000 五 Q3), then queues the package as a job. Poll
/// `GET /jobs/{job_id}`; the record list then shows 檔案產生完畢 with the file's information.
#[utoipa::path(
    tag = "transfers",
    request_body = TransferExportRequest,
    responses(
        (status = 202, description = "Queued", body = TransferExport),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted S0601S", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A course lacks its 23-character code (`course_code_missing`), or a student has no national ID (`invalid_state`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No students, too many, or one not of this school", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/transfers/exports")]
pub async fn start_transfer_export(state: web::Data<AppState>, who: Principal, body: crate::http::JsonBody<TransferExportRequest>) -> ApiResult<HttpResponse> {
    let me = who.user()?.user.id;
    who.require(EXPORT_CREATE)?;
    let school = who.school_id()?;
    let mut ids = body.read().await?.student_ids;
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > 200 {
        return Err(ApiError::validation().field("student_ids", "請加入 1 至 200 位學生", "add 1 to 200 students"));
    }
    let now = state.clock.now();
    let password = uuid::Uuid::new_v4().to_string();
    let sealed = state.secrets.seal(PASSWORD_PURPOSE, &password).ok_or_else(|| ApiError::internal("password sealing failed"))?;
    // The refusal is read outside the write lock, from the few columns it needs; the job reads the
    // whole snapshot once (and refuses again if something changed in between).
    let checked = ids.clone();
    if let Some(refusal) = state.db.read(move |c| super::precheck(c, school, &checked)).await? {
        return Err(refusal);
    }
    let id = state
        .db
        .write(move |c| {
            let code: String = schools::table.find(school).select(schools::code).first(c)?;
            let job = jobs::enqueue(c, school, me, JOB_KIND, &serde_json::json!({}), None, now)?;
            let list = serde_json::to_string(&ids).map_err(|e| ApiError::internal(e.to_string()))?;
            let export_id: i64 = diesel::insert_into(te::table)
                .values((
                    te::school_id.eq(school),
                    te::job_id.eq(job),
                    te::created_by.eq(me),
                    te::file_name.eq(super::package_name(&code, now)),
                    te::student_ids.eq(list),
                    te::password_encrypted.eq(sealed),
                    te::created_at.eq(now),
                ))
                .returning(te::id)
                .get_result(c)?;
            let params = serde_json::to_string(&Params { export_id }).map_err(|e| ApiError::internal(e.to_string()))?;
            diesel::update(jb::table.find(job)).set(jb::params.eq(params)).execute(c)?;
            Ok(export_id)
        })
        .await?;
    let admin = is_admin(&who);
    let secrets = state.secrets.clone();
    let view = state.db.read(move |c| load_exports(c, school, Some(id), admin, &secrets)).await?.pop().ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Accepted().json(view))
}

/// 資料產生紀錄, newest first (at most 200).
#[utoipa::path(
    tag = "transfers",
    responses(
        (status = 200, description = "Packages, newest first", body = Vec<TransferExport>),
        (status = 403, description = "Neither the school admin nor granted S0601S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/transfers/exports")]
pub async fn transfer_exports(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<TransferExport>>> {
    who.user()?;
    who.require(EXPORT)?;
    let school = who.school_id()?;
    let admin = is_admin(&who);
    let secrets = state.secrets.clone();
    Ok(web::Json(state.db.read(move |c| load_exports(c, school, None, admin, &secrets)).await?))
}

/// 下載檔案: a finished package.
#[utoipa::path(
    tag = "transfers",
    params(("id" = i64, Path, description = "Export id")),
    responses(
        (status = 200, description = "The package (zip)", content_type = "application/zip"),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted S0601S", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such package in the caller's school", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not made yet, or failed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/transfers/exports/{id}/download")]
pub async fn download_transfer_export(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    who.user()?;
    who.require(EXPORT)?;
    let school = who.school_id()?;
    let id = id.into_inner();
    let job: Option<i64> = state.db.read(move |c| Ok(te::table.find(id).filter(te::school_id.eq(school)).select(te::job_id).first(c).optional()?)).await?;
    let job = job.ok_or_else(ApiError::not_found)?;
    let row = state.db.read(move |c| jobs::find(c, job)).await?.ok_or_else(ApiError::not_found)?;
    jobs::routes::serve_result(&req, &state, &row)
}

/// The multipart form of an import (匯入設定).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
#[schema(example = json!({"md5": "9e107d9d372bb6826bd81d3542a419d6", "password": "3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f4a6b"}))]
pub struct TransferImportForm {
    /// MD5值 given by the old school.
    md5: String,
    /// 壓縮檔密碼 given by the old school.
    password: String,
    /// The zip.
    #[schema(value_type = String, format = Binary)]
    package: Vec<u8>,
}

/// One import (資料匯入紀錄).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 2, "file_name": "074313_2026_12_01_14_05_33.zip", "md5": "9e107d9d372bb6826bd81d3542a419d6", "source_school_code": "074313",
    "source_school_name": "示範高級中學", "students_total": 1, "students_matched": 1, "items_added": 4, "result": "匯入1人，完成1人", "message": "匯入完畢，更新1位學生",
    "created_at": "2026-12-03T02:10:00Z",
    "students": [{"student_id": 402, "name": "黃子軒", "national_id": "F13XX51101", "matched": true, "added": 4, "already": 0}]
}))]
pub struct TransferImport {
    pub id: i64,
    /// 匯入時間.
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    /// 檔名.
    pub file_name: String,
    pub md5: String,
    pub source_school_code: String,
    pub source_school_name: String,
    pub students_total: i32,
    pub students_matched: i32,
    pub items_added: i32,
    /// 匯入結果: `匯入2人，完成2人`.
    pub result: String,
    /// The message after importing: `匯入完畢，更新2位學生`.
    pub message: String,
    /// 明細: each student of the package.
    pub students: Vec<TransferStudentOutcome>,
}

fn load_imports(c: &mut crate::db::DbConn, school: i64, id: Option<i64>, lang: Lang) -> ApiResult<Vec<TransferImport>> {
    type R = (i64, NaiveDateTime, String, String, String, String, i32, i32, i32, String);
    let mut q = ti::table
        .filter(ti::school_id.eq(school))
        .order(ti::id.desc())
        .limit(200)
        .select((ti::id, ti::created_at, ti::file_name, ti::md5, ti::source_school_code, ti::source_school_name, ti::students_total, ti::students_matched, ti::items_added, ti::detail))
        .into_boxed();
    if let Some(id) = id {
        q = q.filter(ti::id.eq(id));
    }
    let rows: Vec<R> = q.load(c)?;
    rows.into_iter()
        .map(|(id, created_at, file_name, md5, code, name, total, matched, added, detail)| {
            let students: Vec<TransferStudentOutcome> = serde_json::from_str(&detail).map_err(|e| ApiError::internal(format!("import detail: {e}")))?;
            let updated = students.iter().filter(|s| s.added > 0).count();
            let (result, message) = if lang == Lang::En {
                (format!("{total} in the package, {matched} imported"), format!("Import finished; {updated} students updated"))
            } else {
                (format!("匯入{total}人，完成{matched}人"), format!("匯入完畢，更新{updated}位學生"))
            };
            Ok(TransferImport { id, created_at, file_name, md5, source_school_code: code, source_school_name: name, students_total: total, students_matched: matched, items_added: added, result, message, students })
        })
        .collect()
}

/// Reads the import form: `md5`, `password` and the `package` streamed to a temporary file.
async fn read_form(mut payload: Multipart, store: &FileStore) -> ApiResult<(String, String, String, std::path::PathBuf)> {
    let bad = |zh: &str, en: &str| ApiError::with_detail(ErrorCode::MultipartInvalid, zh.to_string(), en.to_string());
    let (mut md5, mut password, mut name, mut path) = (None, None, None, None::<std::path::PathBuf>);
    let mut parts = 0;
    let result: ApiResult<()> = async {
        while let Some(field) = payload.next().await {
            let mut field = field.map_err(|e| bad("上傳內容不完整或格式錯誤，請重新上傳。", &format!("The multipart body is malformed: {e}")))?;
            parts += 1;
            if parts > 10 {
                return Err(bad("上傳內容的欄位過多。", "The form has too many parts."));
            }
            let field_name = field.name().unwrap_or_default().to_string();
            if field_name == "package" {
                if path.is_some() {
                    return Err(ApiError::validation().field("package", "只能上傳一個壓縮檔", "one package only"));
                }
                let file_name = field.content_disposition().and_then(|d| d.get_filename()).map(|n| n.rsplit(['/', '\\']).next().unwrap_or("").chars().filter(|c| !c.is_control()).take(200).collect::<String>()).unwrap_or_default();
                std::fs::create_dir_all(store.tmp_dir()).map_err(|e| ApiError::internal(format!("tmp: {e}")))?;
                let p = package::temp_path(store);
                path = Some(p.clone());
                let mut file = Some(std::fs::File::create(&p).map_err(|e| ApiError::internal(format!("tmp: {e}")))?);
                let mut size = 0u64;
                let mut buffer: Vec<u8> = Vec::with_capacity(1 << 20);
                loop {
                    let chunk = field.next().await.transpose().map_err(|e| bad("上傳內容不完整（可能是連線中斷），請重新上傳。", &format!("The upload was cut off: {e}")))?;
                    let last = chunk.is_none();
                    if let Some(chunk) = chunk {
                        size += chunk.len() as u64;
                        if size > MAX_PACKAGE_BYTES {
                            return Err(ApiError::with_detail(ErrorCode::FileTooLarge, "壓縮檔過大。", "The package is too large."));
                        }
                        buffer.extend_from_slice(&chunk);
                    }
                    if buffer.len() >= 1 << 20 || (last && !buffer.is_empty()) {
                        let data = std::mem::take(&mut buffer);
                        let mut f = file.take().ok_or_else(|| ApiError::internal("tmp file"))?;
                        let f = web::block(move || -> std::io::Result<std::fs::File> {
                            use std::io::Write;
                            f.write_all(&data)?;
                            Ok(f)
                        })
                        .await
                        .map_err(|e| ApiError::internal(format!("tmp: {e}")))?
                        .map_err(|e| ApiError::internal(format!("tmp: {e}")))?;
                        file = Some(f);
                    }
                    if last {
                        break;
                    }
                }
                if size == 0 {
                    return Err(ApiError::new(ErrorCode::FileEmpty));
                }
                name = Some(file_name);
            } else if field_name == "md5" || field_name == "password" {
                let mut text = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|e| bad("上傳內容不完整，請重新上傳。", &format!("The multipart body is malformed: {e}")))?;
                    text.extend_from_slice(&chunk);
                    if text.len() > 200 {
                        return Err(ApiError::validation().field(&field_name, "內容過長", "too long"));
                    }
                }
                let text = String::from_utf8(text).map_err(|_| ApiError::validation().field(&field_name, "不是有效的文字", "not text"))?.trim().to_string();
                if field_name == "md5" {
                    md5 = Some(text);
                } else {
                    password = Some(text);
                }
            } else {
                while let Some(chunk) = field.next().await {
                    chunk.map_err(|e| bad("上傳內容不完整，請重新上傳。", &format!("The multipart body is malformed: {e}")))?;
                }
            }
        }
        Ok(())
    }
    .await;
    let cleanup = |p: &Option<std::path::PathBuf>| {
        if let Some(p) = p {
            let _ = std::fs::remove_file(p);
        }
    };
    if let Err(e) = result {
        cleanup(&path);
        return Err(e);
    }
    let mut err = ApiError::validation();
    let md5 = md5.filter(|m| m.len() == 32 && m.chars().all(|c| c.is_ascii_hexdigit()));
    if md5.is_none() {
        err = err.field("md5", "請輸入 32 碼的 MD5 值", "enter the 32-character MD5");
    }
    let password = password.filter(|p| !p.is_empty());
    if password.is_none() {
        err = err.field("password", "請輸入壓縮檔密碼", "enter the package password");
    }
    if path.is_none() {
        err = err.field("package", "請選擇壓縮檔", "choose the package");
    }
    match (md5, password, name, path.clone()) {
        (Some(m), Some(p), Some(n), Some(path)) => Ok((m, p, n, path)),
        _ => {
            cleanup(&path);
            Err(err)
        }
    }
}

/// An import queued as a job.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransferImportQueued {
    /// Poll `GET /jobs/{job_id}` (progress: files checked); once `succeeded`, its result
    /// (`GET /jobs/{job_id}/result`, `{"import_id"}`) names the record of `GET /transfers/imports`.
    pub job_id: i64,
    pub file_name: String,
}

/// 匯入: multipart with `md5`, `password` and the `package`. Checked in the request, in this order,
/// before anything is stored: the MD5 (`package_checksum_mismatch`), a corrupt or hostile archive,
/// an unknown manifest version (`package_invalid`, named in `detail`), the password
/// (`package_password_wrong`). Then a job reads every file against its SHA-256 and imports: a
/// mismatch (`package_invalid`) or a storage quota passed (`quota_exceeded`) fails the job, naming
/// it, and imports nothing. Students are matched by national ID among the school's students; the
/// unmatched are reported in the record.
#[utoipa::path(
    tag = "transfers",
    request_body(content = TransferImportForm, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "Queued: poll the job", body = TransferImportQueued),
        (status = 400, description = "Wrong MD5, wrong password, or a refused package; malformed multipart", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted S0602S with 新增", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The package is too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "MD5, password or package missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/transfers/imports")]
pub async fn import_transfer(state: web::Data<AppState>, who: Principal, payload: Multipart) -> ApiResult<HttpResponse> {
    let me = who.user()?.user.id;
    who.require(IMPORT_CREATE)?;
    let school = who.school_id()?;
    let store = FileStore::new(&state.config.data_dir);
    let (md5, password, file_name, path) = read_form(payload, &store).await?;
    let (path2, md5_2, password2) = (path.clone(), md5.clone(), password.clone());
    let inspected = web::block(move || package::inspect(&path2, &md5_2, &password2)).await.map_err(|e| ApiError::internal(format!("import thread: {e}")));
    if let Err(e) = inspected.and_then(|r| r) {
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    // The package waits for the job beside the jobs' results (the data directory's `jobs/`).
    let rel = package::received_dir().join(format!("{}.zip", uuid::Uuid::new_v4()));
    let kept = state.config.data_dir.join(&rel);
    let moved = kept.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|_| std::fs::rename(&path, &kept));
    if let Err(e) = moved {
        let _ = std::fs::remove_file(&path);
        return Err(ApiError::internal(format!("package: {e}")));
    }
    let sealed = state.secrets.seal(PASSWORD_PURPOSE, &password).ok_or_else(|| ApiError::internal("password sealing failed"));
    let params = sealed.and_then(|password_sealed| {
        serde_json::to_value(package::ImportParams { package: rel.to_string_lossy().into_owned(), file_name: file_name.clone(), md5, password_sealed }).map_err(|e| ApiError::internal(e.to_string()))
    });
    let now = state.clock.now();
    let queued = match params {
        Ok(params) => state.db.write(move |c| jobs::enqueue(c, school, me, super::IMPORT_JOB_KIND, &params, None, now)).await,
        Err(e) => Err(e),
    };
    match queued {
        Ok(job_id) => Ok(HttpResponse::Accepted().json(TransferImportQueued { job_id, file_name })),
        Err(e) => {
            let _ = std::fs::remove_file(&kept);
            Err(e)
        }
    }
}

/// 資料匯入紀錄 with 明細, newest first (at most 200).
#[utoipa::path(
    tag = "transfers",
    responses(
        (status = 200, description = "Imports, newest first", body = Vec<TransferImport>),
        (status = 403, description = "Neither the school admin nor granted S0602S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/transfers/imports")]
pub async fn transfer_imports(state: web::Data<AppState>, who: Principal, req: HttpRequest) -> ApiResult<web::Json<Vec<TransferImport>>> {
    who.user()?;
    who.require(IMPORT)?;
    let school = who.school_id()?;
    let lang = request_lang(&req);
    Ok(web::Json(state.db.read(move |c| load_imports(c, school, None, lang)).await?))
}

/// A file of an imported item.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportedFile {
    pub id: i64,
    pub sha256: String,
    pub size: i64,
    pub kind: String,
    pub original_name: String,
    pub url: String,
}

/// An imported item, read-only, marked with its original school.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 15, "student_id": 402, "kind": "result", "origin_school_code": "074313", "origin_school_name": "示範高級中學", "academic_year": 115,
    "semester": 1, "title": "國語文", "course_code": "108074313V1110201010101", "state": "certified", "read_only": true,
    "record": {"subject_name": "國語文", "description": "閱讀心得：〈背影〉中的父子情", "state": "certified"},
    "document": {
        "id": 15, "kind": "pdf", "original_name": "背影心得.pdf", "sha256": "3b7e1f0a9c2d4e6f8a0b1c3d5e7f9a2b4c6d8e0f1a3b5c7d9e2f4a6b8c0d2e4f",
        "size": 482133, "url": "/api/v1/transfers/items/15/document"
    },
    "video": null, "imported_at": "2026-12-03T02:10:00Z"
}))]
pub struct ImportedItem {
    pub id: i64,
    pub student_id: i64,
    pub kind: crate::uploads::items::ItemKind,
    pub origin_school_code: String,
    pub origin_school_name: String,
    pub academic_year: i32,
    pub semester: Option<i32>,
    pub course_code: Option<String>,
    /// Subject (result), title (performance) or unit and position (cadre).
    pub title: String,
    /// A result's state at the original school.
    pub state: Option<String>,
    /// The item exactly as the package carried it (docs/transfers.md), with its decisions and
    /// history.
    #[schema(value_type = Object)]
    pub record: serde_json::Value,
    pub document: Option<ImportedFile>,
    pub video: Option<ImportedFile>,
    /// Always true: no teacher of this school decides it, the student cannot edit or delete it.
    pub read_only: bool,
    #[serde(serialize_with = "crate::time::utc")]
    pub imported_at: NaiveDateTime,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemsQuery {
    /// The student (staff with S0602S and the admin: none given, no items); a student sees only
    /// their own.
    pub student_id: Option<i64>,
}

/// Whose imported items `who` may see: a student their own; the admin or S0602S any student of
/// the school (`None`: staff who named no student).
fn items_owner(who: &Principal, asked: Option<i64>) -> ApiResult<Option<i64>> {
    let user = who.user()?;
    if user.roles.contains(&Role::Student) && !user.roles.contains(&Role::SchoolAdmin) {
        // A transfer student's temporary account acts as its student (manual 3.7).
        let me = Caller::student(who)?;
        return match asked {
            Some(id) if id != me.user => Err(ApiError::not_found()),
            _ => Ok(Some(me.user)),
        };
    }
    who.require(IMPORT)?;
    Ok(asked)
}

fn load_items(c: &mut crate::db::DbConn, school: i64, student: i64, only: Option<i64>) -> ApiResult<Vec<ImportedItem>> {
    type R = (i64, i64, String, String, String, i32, Option<i32>, Option<String>, String, Option<String>, String, Option<i64>, Option<i64>, NaiveDateTime);
    let mut q = tx::table
        .filter(tx::school_id.eq(school))
        .filter(tx::student_id.eq(student))
        .order((tx::item_kind.asc(), tx::academic_year.asc(), tx::id.asc()))
        .select((tx::id, tx::student_id, tx::item_kind, tx::origin_school_code, tx::origin_school_name, tx::academic_year, tx::semester, tx::course_code, tx::title, tx::state, tx::record, tx::document_file_id, tx::video_file_id, tx::created_at))
        .into_boxed();
    if let Some(id) = only {
        q = q.filter(tx::id.eq(id));
    }
    let rows: Vec<R> = q.load(c)?;
    let file_ids: Vec<i64> = rows.iter().flat_map(|r| [r.11, r.12]).flatten().collect();
    let files: Vec<(i64, String, i64, String, String)> = sf::table.filter(sf::id.eq_any(file_ids)).select((sf::id, sf::sha256, sf::size, sf::kind, sf::original_name)).load(c)?;
    let file = |id: Option<i64>, item: i64, slot: &str| {
        let id = id?;
        files.iter().find(|f| f.0 == id).map(|(file_id, sha256, size, kind, name)| ImportedFile {
            id: *file_id,
            sha256: sha256.clone(),
            size: *size,
            kind: kind.clone(),
            original_name: name.clone(),
            url: format!("/api/v1/transfers/items/{item}/{slot}"),
        })
    };
    rows.into_iter()
        .map(|(id, student_id, kind, code, name, academic_year, semester, course_code, title, state, record, doc, video, at)| {
            Ok(ImportedItem {
                id,
                student_id,
                kind: crate::uploads::items::ItemKind::parse("transfer_items.item_kind", &kind)?,
                origin_school_code: code,
                origin_school_name: name,
                academic_year,
                semester,
                course_code,
                title,
                state,
                record: serde_json::from_str(&record).map_err(|e| ApiError::internal(format!("record: {e}")))?,
                document: file(doc, id, "document"),
                video: file(video, id, "video"),
                read_only: true,
                imported_at: at,
            })
        })
        .collect()
}

/// Imported items of a student, each marked with its original school.
#[utoipa::path(
    tag = "transfers",
    params(ItemsQuery),
    responses(
        (status = 200, description = "The items (none when staff name no student)", body = Vec<ImportedItem>),
        (status = 403, description = "Staff neither the school admin nor granted S0602S", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A student asking for another student", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/transfers/items")]
pub async fn transfer_items(state: web::Data<AppState>, who: Principal, q: web::Query<ItemsQuery>) -> ApiResult<web::Json<Vec<ImportedItem>>> {
    let Some(student) = items_owner(&who, q.student_id)? else { return Ok(web::Json(Vec::new())) };
    let school = who.school_id()?;
    Ok(web::Json(state.db.read(move |c| load_items(c, school, student, None)).await?))
}

/// A file of an imported item (`slot` is `document` or `video`).
#[utoipa::path(
    tag = "transfers",
    params(("id" = i64, Path, description = "Imported item id"), ("slot" = String, Path, description = "`document` or `video`")),
    responses(
        Download,
        (status = 403, description = "Staff neither the school admin nor granted S0602S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/transfers/items/{id}/{slot}")]
pub async fn transfer_item_file(state: web::Data<AppState>, who: Principal, req: HttpRequest, path: web::Path<(i64, String)>) -> ApiResult<HttpResponse> {
    let (id, slot) = path.into_inner();
    let school = who.school_id()?;
    let owner: Option<i64> = state.db.read(move |c| Ok(tx::table.find(id).filter(tx::school_id.eq(school)).select(tx::student_id).first(c).optional()?)).await?;
    let owner = owner.ok_or_else(ApiError::not_found)?;
    let student = items_owner(&who, Some(owner))?.ok_or_else(ApiError::not_found)?;
    let item = state.db.read(move |c| load_items(c, school, student, Some(id))).await?.pop().ok_or_else(ApiError::not_found)?;
    let info = |f: ImportedFile| FileInfo { id: f.id, sha256: f.sha256, size: f.size, kind: f.kind, name: f.original_name };
    crate::uploads::files::serve_slot(&req, &state.config, &slot, item.document.map(info), item.video.map(info), true)
}

/// 勾選 an imported item (a certified learning result or a performance) for submission: it counts
/// toward the year's limit (6 results, 10 performances) with the student's own items, inside the
/// selection period of its academic year.
#[utoipa::path(
    tag = "transfers",
    params(("id" = i64, Path, description = "Imported item id")),
    responses(
        (status = 200, description = "Selected (also when it already was)", body = crate::selections::MySelections),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student, or outside the selection period", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's imported item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The limit is reached (`limit_reached`), or the item is not selectable (`invalid_state`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/transfers/items/{id}/selection")]
pub async fn select_transfer_item(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<web::Json<crate::selections::MySelections>> {
    let me = Caller::student(&who)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state.db.write(move |c| crate::selections::select_imported(c, me, id, now)).await?;
    Ok(web::Json(state.db.read(move |c| crate::selections::load(c, me, None, now)).await?))
}

/// 取消勾選 of an imported item, inside the selection period.
#[utoipa::path(
    tag = "transfers",
    params(("id" = i64, Path, description = "Imported item id")),
    responses(
        (status = 204, description = "Unselected"),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student, or outside the selection period", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not selected", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/transfers/items/{id}/selection")]
pub async fn unselect_transfer_item(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let me = Caller::student(&who)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state.db.write(move |c| crate::selections::unselect_imported(c, me, id, now)).await?;
    Ok(HttpResponse::NoContent().finish())
}
