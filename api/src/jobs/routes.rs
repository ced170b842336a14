//! `GET /jobs/{id}` (progress for polling) and `GET /jobs/{id}/result` (the file it produced).
//! A job is visible to its owner and to the admin of its school; to anyone else it does not
//! exist (404), so ids of other schools tell nothing.

use actix_files::NamedFile;
use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use super::{JobRow, JobState};
use crate::state::AppState;
use crate::auth::{Need, Principal};
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::responses::ReadOne;

/// A job's progress and, once it succeeded, its result.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 31, "kind": "roster_export", "state": "succeeded", "done": 1284, "total": 1284, "attempts": 1, "error": null,
    "result": {
        "name": "999999_26_1151_20261201.zip", "sha256": "c4d8e2f6a0b3c7d1e5f9a2b6c0d4e8f1a5b9c3d7e0f4a8b2c6d9e3f7a1b5c8d2", "size": 734003200,
        "url": "/api/v1/jobs/31/result"
    },
    "created_at": "2026-12-01T06:00:00Z", "started_at": "2026-12-01T06:00:01Z", "finished_at": "2026-12-01T06:04:37Z"
}))]
pub struct JobView {
    pub id: i64,
    /// What the job does, e.g. `roster_export`.
    pub kind: String,
    pub state: JobState,
    /// Steps done of `total` (0 of 0 before the job has counted its work).
    pub done: i64,
    pub total: i64,
    /// Runs started so far (a run interrupted by a restart counts).
    pub attempts: i32,
    /// Why the last run failed (also while a retry is queued).
    pub error: Option<String>,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub started_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub finished_at: Option<NaiveDateTime>,
    /// The file, once the job succeeded.
    pub result: Option<JobResult>,
}

/// The file a job produced.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobResult {
    pub name: String,
    pub sha256: String,
    pub size: i64,
    /// Where to download it.
    pub url: String,
}

impl JobView {
    pub fn of(row: &JobRow) -> ApiResult<JobView> {
        let state = JobState::parse(&row.state)?;
        let result = match (state, &row.result_name, &row.result_sha256, row.result_size) {
            (JobState::Succeeded, Some(name), Some(sha256), Some(size)) => {
                Some(JobResult { name: name.clone(), sha256: sha256.clone(), size, url: format!("/api/v1/jobs/{}/result", row.id) })
            }
            _ => None,
        };
        Ok(JobView {
            id: row.id,
            kind: row.kind.clone(),
            state,
            done: row.done,
            total: row.total,
            attempts: row.attempts,
            error: row.error.clone(),
            created_at: row.created_at,
            started_at: row.started_at,
            finished_at: row.finished_at,
            result,
        })
    }
}

/// The job, if `who` may see it: its owner, or the admin of its school.
pub async fn visible(state: &AppState, who: &Principal, id: i64) -> ApiResult<JobRow> {
    let me = who.user()?;
    let (user_id, school, admin) = (me.user.id, who.school_id()?, who.require(Need::SCHOOL_ADMIN).is_ok());
    let row = state.db.read(move |c| super::find(c, id)).await?.ok_or_else(ApiError::not_found)?;
    if row.school_id != school || (row.owner_id != user_id && !admin) {
        return Err(ApiError::not_found());
    }
    Ok(row)
}

/// A job's progress (poll it until `state` is `succeeded` or `failed`).
#[utoipa::path(
    tag = "jobs",
    params(("id" = i64, Path, description = "Job id")),
    responses(
        ReadOne,
        (status = 200, description = "The job", body = JobView),
    )
)]
#[get("/jobs/{id}")]
pub async fn get_job(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<web::Json<JobView>> {
    let row = visible(&state, &who, id.into_inner()).await?;
    Ok(web::Json(JobView::of(&row)?))
}

/// Streams a succeeded job's result file (never one of a job still running or failed).
pub fn serve_result(req: &HttpRequest, state: &AppState, row: &JobRow) -> ApiResult<HttpResponse> {
    let (Some(path), Some(name), Some(sha256)) = (&row.result_path, &row.result_name, &row.result_sha256) else {
        return Err(ApiError::with_detail(ErrorCode::InvalidState, "工作尚未完成，沒有可下載的檔案。", "The job has not finished; there is nothing to download."));
    };
    if JobState::parse(&row.state)? != JobState::Succeeded {
        return Err(ApiError::with_detail(ErrorCode::InvalidState, "工作尚未完成，沒有可下載的檔案。", "The job has not finished; there is nothing to download."));
    }
    let named = NamedFile::open(state.config.data_dir.join(path)).map_err(|e| {
        ApiError { internal: Some(format!("job {} result {path}: {e}", row.id)), ..ApiError::with_detail(ErrorCode::NotFound, "檔案已不存在。", "The file no longer exists.") }
    })?;
    let ascii: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue { charset: Charset::Ext("UTF-8".into()), language_tag: None, value: name.as_bytes().to_vec() }),
        ],
    };
    let mut res = named.use_etag(false).use_last_modified(false).set_content_disposition(disposition).into_response(req);
    let headers = res.headers_mut();
    if let Ok(v) = header::HeaderValue::from_str(&format!("\"{sha256}\"")) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, header::HeaderValue::from_static("nosniff"));
    Ok(res)
}

/// Downloads the file a succeeded job produced; its ETag is the file's SHA-256.
#[utoipa::path(
    tag = "jobs",
    params(("id" = i64, Path, description = "Job id")),
    responses(
        (status = 200, description = "The file, as an attachment (a roster export: a zip package; an analysis export: an .xlsx workbook)", content(
            (crate::http::XlsxFile = "application/zip"),
            (crate::http::XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )),
        (status = 206, description = "A range of the file"),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API key or the platform operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job the caller may see, or its file is gone", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The job has not succeeded (queued, running or failed)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/jobs/{id}/result")]
pub async fn get_job_result(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let row = visible(&state, &who, id.into_inner()).await?;
    serve_result(&req, &state, &row)
}
