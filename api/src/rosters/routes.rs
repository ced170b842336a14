//! The roster endpoints: the manual's table (項目, 名冊別, 匯出年級, 備註, 最後一次匯出), the
//! pre-export check, starting an export (a job), the history and a package's download again.
//! S0207S exports learning-result rosters, S0208S performance rosters, S0218S cadre rosters; the
//! school admin all of them; nobody else.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::package::Params;
use super::{Division, GradeSet, Issue, RosterKind, RosterType, Spec, JOB_KIND, TYPES};
use crate::state::AppState;
use crate::auth::{Need, Op, Principal};
use crate::error::{ApiError, ApiResult, ErrorCode, Lang, Problem};
use crate::jobs::{self, JobState};
use crate::schema::{jobs as jb, roster_exports as re, users};
use crate::storage::FileStore;
use crate::terms::Term;

fn lang_of(req: &HttpRequest) -> Lang {
    Lang::from_accept_language(req.headers().get(actix_web::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

/// The national database's upload page, as the manual shows it (7.1, 7.2).
pub const UPLOAD_URL: &str = "https://ep.cloud.ncnu.edu.tw/";

fn need(kind: RosterKind) -> Need {
    Need::module(kind.module(), Op::View)
}

/// The asked term or the school's current one.
async fn term(state: &AppState, school: i64, asked: Option<&str>) -> ApiResult<Term> {
    let asked = asked.map(str::trim).filter(|t| !t.is_empty()).map(crate::uploads::results::parse_term).transpose()?;
    let found = state.db.read(move |c| crate::reporting::resolve_term(c, school, asked)).await?;
    found.ok_or_else(|| ApiError::with_detail(ErrorCode::InvalidState, "學校尚未設定目前學年期。", "The school has no current term yet."))
}

/// One export, as the history and 最後一次匯出 show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 9, "job_id": 31, "roster": "26", "grades": "1-3", "division": "day", "academic_year": 115, "semester": 1, "state": "succeeded",
    "done": 1284, "total": 1284, "students": 1130, "items": 1284, "files": 1284, "file_name": "999999_26_1151_20261201",
    "download_url": "/api/v1/rosters/exports/9/download", "sha256": "c4d8e2f6a0b3c7d1e5f9a2b6c0d4e8f1a5b9c3d7e0f4a8b2c6d9e3f7a1b5c8d2",
    "size": 734003200, "error": null, "exported_by": "教務處 王大明", "created_at": "2026-12-01T06:00:00Z"
}))]
pub struct ExportView {
    pub id: i64,
    pub job_id: i64,
    /// 名冊別.
    pub roster: String,
    /// 匯出年級.
    pub grades: GradeSet,
    pub division: Division,
    pub academic_year: i32,
    pub semester: i32,
    /// Who exported it.
    pub exported_by: String,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    /// The package's name (without `.zip`).
    pub file_name: String,
    pub state: JobState,
    pub done: i64,
    pub total: i64,
    /// Why the export failed.
    pub error: Option<String>,
    pub students: i32,
    pub items: i32,
    pub files: i32,
    /// The package's SHA-256 and size, once it succeeded.
    pub sha256: Option<String>,
    pub size: Option<i64>,
    /// Where to download the package again, once it succeeded.
    pub download_url: Option<String>,
}

type ExportRow = (i64, i64, String, String, String, i32, i32, String, NaiveDateTime, String, String, i64, i64, Option<String>, i32, i32, i32, Option<String>, Option<i64>);

fn view(r: ExportRow) -> ApiResult<ExportView> {
    let (id, job_id, roster, grades, division, academic_year, semester, exported_by, created_at, file_name, state, done, total, error, students, items, files, sha256, size) = r;
    let state = JobState::parse(&state)?;
    let ok = state == JobState::Succeeded;
    Ok(ExportView {
        id,
        job_id,
        roster: RosterType::parse(&roster)?.as_str().to_string(),
        grades: GradeSet::parse(&grades)?,
        division: super::parse_division(&division).ok_or_else(|| ApiError::internal(format!("bad division {division}")))?,
        academic_year,
        semester,
        exported_by,
        created_at,
        file_name,
        state,
        done,
        total,
        error,
        students,
        items,
        files,
        sha256: sha256.filter(|_| ok),
        size: size.filter(|_| ok),
        download_url: ok.then(|| format!("/api/v1/rosters/exports/{id}/download")),
    })
}

/// Exports of the school, newest first; `roster` narrows to one type.
fn load_exports(c: &mut crate::db::DbConn, school: i64, rosters: &[&'static str], id: Option<i64>, limit: i64) -> ApiResult<Vec<ExportView>> {
    let mut q = re::table
        .inner_join(jb::table.on(jb::id.eq(re::job_id)))
        .inner_join(users::table.on(users::id.eq(re::exported_by)))
        .filter(re::school_id.eq(school))
        .filter(re::roster.eq_any(rosters.to_vec()))
        .order(re::id.desc())
        .limit(limit)
        .select((
            re::id,
            re::job_id,
            re::roster,
            re::grades,
            re::division,
            re::academic_year,
            re::semester,
            users::display_name,
            re::created_at,
            re::file_name,
            jb::state,
            jb::done,
            jb::total,
            jb::error,
            re::students,
            re::items,
            re::files,
            jb::result_sha256,
            jb::result_size,
        ))
        .into_boxed();
    if let Some(id) = id {
        q = q.filter(re::id.eq(id));
    }
    let rows: Vec<ExportRow> = q.load(c)?;
    rows.into_iter().map(view).collect()
}

/// The roster types the caller may export (403 when none).
fn allowed(who: &Principal) -> ApiResult<Vec<RosterType>> {
    let types: Vec<RosterType> = TYPES.into_iter().filter(|t| who.require(need(t.kind)).is_ok()).collect();
    if types.is_empty() {
        who.require(need(RosterKind::Results))?;
    }
    Ok(types)
}

/// One line of the manual's table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RosterLine {
    pub kind: RosterKind,
    /// 名冊別.
    pub roster: String,
    pub name: String,
    /// 匯出年級.
    pub grades: GradeSet,
    /// Fixed for 26/28/36/38; chosen (default `day`) for the others.
    pub division: Option<Division>,
    /// 備註.
    pub remark: String,
    /// 最後一次匯出 of this roster and grade set in the term.
    pub last_export: Option<ExportView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "academic_year": 115, "semester": 1, "upload_url": "https://ep.cloud.ncnu.edu.tw/",
    "lines": [
        {
            "roster": "26", "name": "課程學習成果（日間部）", "kind": "results", "division": "day", "grades": "1-3", "remark": "",
            "last_export": {
                "id": 9, "job_id": 31, "roster": "26", "grades": "1-3", "division": "day", "academic_year": 115, "semester": 1, "state": "succeeded",
                "done": 1284, "total": 1284, "students": 1130, "items": 1284, "files": 1284, "file_name": "999999_26_1151_20261201",
                "download_url": "/api/v1/rosters/exports/9/download", "sha256": "c4d8e2f6a0b3c7d1e5f9a2b6c0d4e8f1a5b9c3d7e0f4a8b2c6d9e3f7a1b5c8d2",
                "size": 734003200, "error": null, "exported_by": "教務處 王大明", "created_at": "2026-12-01T06:00:00Z"
            }
        }
    ]
}))]
pub struct RosterTable {
    pub academic_year: i32,
    pub semester: i32,
    /// The national database's upload page.
    pub upload_url: String,
    pub lines: Vec<RosterLine>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RosterQuery {
    /// 學年期, e.g. `1151` (default: the school's current term).
    #[param(pattern = r"^\s*([0-9]{3}[0-2])?\s*$", example = "1151")]
    pub term: Option<String>,
    /// 名冊別 (check only; ignored by the list): `24`, `25`, `26`, `28`, `34`, `35`, `36` or `38`.
    pub roster: Option<String>,
    /// 匯出年級 `1-3`, `1-2` or `3` (check only; default the roster's first).
    pub grades: Option<String>,
    /// `day` or `continuing` (check only; fixed for 26/28/36/38, default `day`).
    pub division: Option<String>,
}

fn remark(t: &RosterType, grades: GradeSet, semester: i32, lang: Lang) -> String {
    let (zh, en) = match (t.kind, grades) {
        (RosterKind::Cadre, GradeSet::OneToThree) => ("第一學期提交用", "for semester 1"),
        (RosterKind::Cadre, GradeSet::OneToTwo) => ("第二學期高一、二提交用", "semester 2, grades 1–2"),
        (RosterKind::Cadre, _) => ("第二學期高三提交用", "semester 2, grade 3"),
        (_, GradeSet::OneToThree) => ("提交108、109名冊用", "for the 108 and 109 cohorts"),
        (RosterKind::Results, GradeSet::OneToTwo) => ("僅有一、二年級勾選之學習成果", "learning results selected by grades 1–2"),
        (RosterKind::Results, _) => ("僅有三年級勾選之學習成果", "learning results selected by grade 3"),
        (_, GradeSet::OneToTwo) => ("僅有一、二年級勾選之多元表現", "performances selected by grades 1–2"),
        _ => ("僅有三年級勾選之多元表現", "performances selected by grade 3"),
    };
    let _ = semester;
    if lang == Lang::En { en.into() } else { zh.into() }
}

/// 匯出提交名冊 / 匯出幹部名冊: the roster types the caller may export this term, each grade set
/// with its last export.
#[utoipa::path(
    tag = "rosters",
    params(RosterQuery),
    responses(
        (status = 200, description = "The table", body = RosterTable),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted S0207S, S0208S or S0218S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/rosters")]
pub async fn roster_table(state: web::Data<AppState>, who: Principal, req: HttpRequest, q: web::Query<RosterQuery>) -> ApiResult<web::Json<RosterTable>> {
    who.user()?;
    let types = allowed(&who)?;
    let school = who.school_id()?;
    let term = term(&state, school, q.term.as_deref()).await?;
    let lang = lang_of(&req);
    let codes: Vec<&'static str> = types.iter().map(|t| t.code).collect();
    let exports = state.db.read(move |c| load_exports(c, school, &codes, None, 500)).await?;
    let mut lines = Vec::new();
    for t in types {
        for g in t.grade_sets(term.semester) {
            let last = exports.iter().find(|e| e.roster == t.code && e.grades == *g && e.academic_year == term.academic_year && e.semester == term.semester).cloned();
            lines.push(RosterLine {
                kind: t.kind,
                roster: t.code.to_string(),
                name: if lang == Lang::En { t.name_en.into() } else { t.name_zh.into() },
                grades: *g,
                division: t.division,
                remark: remark(&t, *g, term.semester, lang),
                last_export: last,
            });
        }
    }
    Ok(web::Json(RosterTable { academic_year: term.academic_year, semester: term.semester, upload_url: UPLOAD_URL.into(), lines }))
}

/// What the check found.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "roster": "26", "grades": "1-3", "division": "day", "academic_year": 115, "semester": 1, "students": 1130, "items": 1284, "files": 1284,
    "issues": [
        {
            "student_id": 345, "account": "999999_114001", "name": "吳承恩", "class_code": "201", "seat_no": 1, "item_kind": "result", "item_id": 88,
            "reason": "file_missing", "message": "附件檔案不存在"
        }
    ]
}))]
pub struct CheckReport {
    pub roster: String,
    pub grades: GradeSet,
    pub division: Division,
    pub academic_year: i32,
    pub semester: i32,
    pub students: usize,
    pub items: usize,
    pub files: usize,
    /// Every problem, each with its reason; an export is refused while there is any.
    pub issues: Vec<Issue>,
}

async fn spec_for(state: &AppState, who: &Principal, roster: Option<&str>, grades: Option<&str>, division: Option<&str>, term_q: Option<&str>) -> ApiResult<(i64, RosterType, Spec)> {
    who.user()?;
    let roster = roster.map(str::trim).filter(|r| !r.is_empty()).ok_or_else(|| ApiError::new(ErrorCode::InvalidQuery).field("roster", "請指定名冊別", "roster is required"))?;
    // The module decides before anything else is read (a wrong role learns nothing).
    if let Some(t) = RosterType::find(roster) {
        who.require(need(t.kind))?;
    }
    let school = who.school_id()?;
    let term = term(state, school, term_q).await?;
    let (t, spec) = Spec::new(roster, grades, division, term)?;
    who.require(need(t.kind))?;
    Ok((school, t, spec))
}

/// The pre-export check: students without a national ID or birth date, course codes that are not
/// 23 characters, selected items no longer submittable, files missing or corrupt, students who left.
#[utoipa::path(
    tag = "rosters",
    params(RosterQuery),
    responses(
        (status = 200, description = "The check", body = CheckReport),
        (status = 400, description = "Unknown roster, grade set or division, or a malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin nor granted the roster's module", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/rosters/check")]
pub async fn roster_check(state: web::Data<AppState>, who: Principal, req: HttpRequest, q: web::Query<RosterQuery>) -> ApiResult<web::Json<CheckReport>> {
    let (school, _, spec) = spec_for(&state, &who, q.roster.as_deref(), q.grades.as_deref(), q.division.as_deref(), q.term.as_deref()).await?;
    let lang = lang_of(&req);
    let data_dir = state.config.data_dir.clone();
    let report = state
        .db
        .read(move |c| {
            let contents = super::load(c, school, &spec)?;
            let issues = super::check(&contents, super::Files::Verify(&FileStore::new(&data_dir)), lang);
            let students = contents.rows.iter().map(|r| r.student_id).collect::<std::collections::HashSet<_>>().len();
            Ok(CheckReport {
                students,
                items: contents.rows.len(),
                files: contents.attachments(),
                issues,
                roster: spec.roster.as_str().to_string(),
                grades: spec.grades,
                division: spec.division,
                academic_year: spec.academic_year,
                semester: spec.semester,
            })
        })
        .await?;
    Ok(web::Json(report))
}

/// What to export.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"roster": "26", "grades": "1-3", "division": "day", "term": "1151"}))]
pub struct ExportRequest {
    /// 名冊別, e.g. `26`.
    pub roster: String,
    /// 匯出年級 (default: the roster's first grade set this semester).
    pub grades: Option<String>,
    /// `day` or `continuing` (fixed for 26/28/36/38; default `day`).
    pub division: Option<String>,
    /// 學年期, e.g. `1151` (default: the current term).
    pub term: Option<String>,
}

/// Starts an export after checking again (without hashing the files: the job verifies each while
/// copying it): refused (409 `invalid_state`) while the check finds anything, and (409 `conflict`) while an export of the same roster is running. Poll the job.
#[utoipa::path(
    tag = "rosters",
    request_body = ExportRequest,
    responses(
        (status = 202, description = "Queued; poll `GET /jobs/{job_id}`", body = ExportView),
        (status = 400, description = "Unknown roster, grade set or division, or a malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin nor granted the roster's module", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The check found problems (`invalid_state`), or the same roster is being exported (`conflict`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/rosters/exports")]
pub async fn start_export(state: web::Data<AppState>, who: Principal, body: crate::http::JsonBody<ExportRequest>) -> ApiResult<HttpResponse> {
    // Whether the caller may export any roster is decided before the body is read; which roster
    // they may export, after (`spec_for`).
    who.require_any([RosterKind::Results, RosterKind::Performances, RosterKind::Cadre].map(need))?;
    let body = body.read().await?;
    let (school, t, spec) = spec_for(&state, &who, Some(&body.roster), body.grades.as_deref(), body.division.as_deref(), body.term.as_deref()).await?;
    let owner = who.user()?.user.id;
    let now = state.clock.now();
    let data_dir = state.config.data_dir.clone();
    let spec2 = spec.clone();
    let issues = state.db.read(move |c| Ok(super::check(&super::load(c, school, &spec2)?, super::Files::Exist(&FileStore::new(&data_dir)), Lang::Zh).len())).await?;
    if issues > 0 {
        return Err(ApiError::with_detail(
            ErrorCode::InvalidState,
            format!("名冊檢查有 {issues} 個問題，請先處理（見匯出前檢查）。"),
            format!("The check found {issues} problems; resolve them first (see the pre-export check)."),
        ));
    }
    let _ = t;
    let id = state
        .db
        .write(move |c| {
            let code: String = crate::schema::schools::table.find(school).select(crate::schema::schools::code).first(c)?;
            let stem = super::package::package_stem(&code, &spec, now);
            let lock = spec.lock_key(school);
            let job = jobs::enqueue(c, school, owner, JOB_KIND, &serde_json::json!({}), Some(&lock), now)?;
            let export_id: i64 = diesel::insert_into(re::table)
                .values((
                    re::school_id.eq(school),
                    re::job_id.eq(job),
                    re::roster.eq(spec.roster.as_str()),
                    re::grades.eq(spec.grades.as_str()),
                    re::division.eq(spec.division.as_str()),
                    re::academic_year.eq(spec.academic_year),
                    re::semester.eq(spec.semester),
                    re::exported_by.eq(owner),
                    re::file_name.eq(&stem),
                    re::created_at.eq(now),
                ))
                .returning(re::id)
                .get_result(c)?;
            let params = serde_json::to_string(&Params { export_id, spec }).map_err(|e| ApiError::internal(e.to_string()))?;
            diesel::update(jb::table.find(job)).set(jb::params.eq(params)).execute(c)?;
            Ok(export_id)
        })
        .await?;
    let codes = [t.code];
    let view = state.db.read(move |c| load_exports(c, school, &codes, Some(id), 1)).await?.pop().ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Accepted().json(view))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// 名冊別: `24`, `25`, `26`, `28`, `34`, `35`, `36` or `38` (default, or empty: every roster
    /// the caller may export).
    #[param(pattern = r"^\s*(24|25|26|28|34|35|36|38)?\s*$", example = "26")]
    pub roster: Option<String>,
}

/// The history of exports, newest first (at most 200), each downloadable again once succeeded.
#[utoipa::path(
    tag = "rosters",
    params(HistoryQuery),
    responses(
        (status = 200, description = "Exports, newest first", body = Vec<ExportView>),
        (status = 400, description = "Unknown roster", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin nor granted a roster module", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/rosters/exports")]
pub async fn export_history(state: web::Data<AppState>, who: Principal, q: web::Query<HistoryQuery>) -> ApiResult<web::Json<Vec<ExportView>>> {
    who.user()?;
    let mut types = allowed(&who)?;
    if let Some(r) = q.roster.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        let t = RosterType::find(r).ok_or_else(|| ApiError::new(ErrorCode::InvalidQuery).field("roster", "名冊別須為 24、25、26、28、34、35、36 或 38", "unknown roster"))?;
        who.require(need(t.kind))?;
        types = vec![t];
    }
    let school = who.school_id()?;
    let codes: Vec<&'static str> = types.iter().map(|t| t.code).collect();
    Ok(web::Json(state.db.read(move |c| load_exports(c, school, &codes, None, 200)).await?))
}

/// Downloads an export's package again (only a finished one; never a half-written file).
#[utoipa::path(
    tag = "rosters",
    params(("id" = i64, Path, description = "Export id")),
    responses(
        (status = 200, description = "The package (zip)", content_type = "application/zip"),
        (status = 206, description = "A range of the file"),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin nor granted the roster's module", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such export in the caller's school, or its file is gone", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The export has not succeeded", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/rosters/exports/{id}/download")]
pub async fn download_export(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    who.user()?;
    let types = allowed(&who)?;
    let school = who.school_id()?;
    let id = id.into_inner();
    let found: Option<(String, i64)> =
        state.db.read(move |c| Ok(re::table.find(id).filter(re::school_id.eq(school)).select((re::roster, re::job_id)).first(c).optional()?)).await?;
    let (roster, job_id) = found.ok_or_else(ApiError::not_found)?;
    let t = RosterType::parse(&roster)?;
    if !types.iter().any(|a| a.code == t.code) {
        who.require(need(t.kind))?;
    }
    let row = state.db.read(move |c| jobs::find(c, job_id)).await?.ok_or_else(ApiError::not_found)?;
    jobs::routes::serve_result(&req, &state, &row)
}
