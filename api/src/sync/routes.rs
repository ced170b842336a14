//! The vendor endpoints `/api/v1/sync/{kind}` and the receiving log (manual 4.3).

use actix_web::{get, post, web};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::apply::{self, Ctx};
use super::{Batch, CadreRow, ClassRow, Counts, CourseRow, EnrolmentRow, Kind, StaffRow, StudentRow, SyncStatusCode, TeachingRow};
use crate::identity::Module;
use crate::state::AppState;
use crate::auth::{Need, Op, Principal, Scope};
use crate::http::JsonBody;
use crate::db::{Db, DbConn};
use crate::error::{ApiError, ApiResult, ErrorCode, Lang, Problem};
use crate::pagination::{offset, Page, PageQuery};
use crate::schema::{schools, sync_batches};
use crate::terms::Term;

/// The answer to an applied batch.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"batch_id": 42, "kind": "enrolments", "academic_year": 115, "semester": 1,
    "result": {"total": 9288, "status_code": "00", "inserted": 12, "updated": 3, "unchanged": 9273, "deactivated": 2}}))]
pub struct BatchOutcome {
    /// The receiving-log entry of this batch.
    pub batch_id: i64,
    pub kind: Kind,
    pub academic_year: i32,
    pub semester: i32,
    pub result: Counts,
}

/// The refusals every sync endpoint documents.
pub struct SyncRefusals;

impl utoipa::IntoResponses for SyncRefusals {
    fn responses() -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::response::Response>> {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str, example: Option<serde_json::Value>| {
            let mut content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem")));
            if let Some(example) = example {
                content = content.example(Some(example));
            }
            ResponseBuilder::new().description(description).content("application/problem+json", content.build()).build().into()
        };
        [
            ("400", problem("Malformed JSON (`invalid_json`)", None)),
            ("401", problem("No or invalid API key", None)),
            ("403", problem("The caller is not an API key with the `sync` scope (`scope_required`)", None)),
            ("409", problem("`term_on_hold` (the admin switched back to the previous term) or `stale_term` (older than the school's term); nothing applied", None)),
            ("413", problem("The batch is larger than `max_sync_bytes`", None)),
            (
                "422",
                problem(
                    "`sync_rows_invalid`: nothing of the batch was applied; `errors` maps `rows[i].field` to messages. `validation_failed` for a bad year or semester.",
                    Some(serde_json::json!({"type": "urn:licheng:problem:sync_rows_invalid", "title": "同步資料有誤", "status": 422,
                        "detail": "同步資料有錯誤的列，整批未寫入；請依各列錯誤修正後重送。", "code": "sync_rows_invalid",
                        "errors": {"rows[3].national_id": ["身分證統一編號格式或檢查碼錯誤"], "rows[7].course_code": ["課程代碼須為 23 碼英數字"]}})),
                ),
            ),
        ]
        .into_iter()
        .map(|(status, response)| (status.to_string(), response))
        .collect()
    }
}

type ApplyFn<T> = fn(&mut DbConn, &Ctx, &[T]) -> ApiResult<Counts>;

fn status_code(err: &ApiError) -> &'static str {
    match err.code {
        ErrorCode::SyncRowsInvalid | ErrorCode::ValidationFailed => SyncStatusCode::RowsInvalid,
        ErrorCode::TermOnHold => SyncStatusCode::TermOnHold,
        ErrorCode::StaleTerm => SyncStatusCode::StaleTerm,
        _ => SyncStatusCode::Failed,
    }
    .as_str()
}

/// Logs, checks and applies one batch for a school (the path of the HTTP endpoints, of the demo
/// seeding and of the benchmark alike).
pub fn run_batch<T>(db: &Db, school_id: i64, api_key_id: Option<i64>, kind: Kind, batch: &Batch<T>, now: NaiveDateTime, apply_fn: ApplyFn<T>) -> ApiResult<BatchOutcome> {
    let total = batch.rows.len() as i64;
    let batch_id = db.write_blocking(|c| {
        Ok(diesel::insert_into(sync_batches::table)
            .values((
                sync_batches::school_id.eq(school_id),
                sync_batches::kind.eq(kind.as_str()),
                sync_batches::academic_year.eq(batch.academic_year),
                sync_batches::semester.eq(batch.semester),
                sync_batches::rows_received.eq(i32::try_from(total).unwrap_or(i32::MAX)),
                sync_batches::status_code.eq(SyncStatusCode::Received.as_str()),
                sync_batches::api_key_id.eq(api_key_id),
                sync_batches::received_at.eq(now),
            ))
            .returning(sync_batches::id)
            .get_result::<i64>(c)?)
    })?;
    let applied = check_batch_term(batch).and_then(|term| {
        db.write_blocking(|c| {
            // One batch per school at a time, also across server instances on PostgreSQL (SQLite
            // writers are serialised already).
            if let DbConn::Postgresql(pg) = c {
                diesel::sql_query("SELECT pg_advisory_xact_lock($1)").bind::<diesel::sql_types::BigInt, _>(school_id).execute(pg)?;
            }
            let school_code: String = schools::table.find(school_id).select(schools::code).first(c)?;
            let ctx = Ctx { school_id, school_code, term, now };
            apply::check_term(c, &ctx)?;
            apply_fn(c, &ctx, &batch.rows)
        })
    });
    // People, roles and terms may have changed: this process's cached principals reload now,
    // other processes' within their cache lifetime.
    crate::identity::cache::invalidate_all();
    let finished = chrono::Utc::now().naive_utc().max(now);
    let (code, result, error) = match &applied {
        Ok(counts) => (SyncStatusCode::Applied.as_str(), serde_json::to_string(counts).ok(), None),
        Err(e) => {
            let code = status_code(e);
            let summary = serde_json::json!({"total": total, "status_code": code});
            (code, Some(summary.to_string()), serde_json::to_string(&e.problem(Lang::Zh)).ok())
        }
    };
    db.write_blocking(|c| {
        diesel::update(sync_batches::table.find(batch_id))
            .set((
                sync_batches::status_code.eq(code),
                sync_batches::result.eq(result),
                sync_batches::error.eq(error),
                sync_batches::finished_at.eq(Some(finished)),
            ))
            .execute(c)?;
        Ok(())
    })?;
    let counts = applied?;
    Ok(BatchOutcome { batch_id, kind, academic_year: batch.academic_year, semester: batch.semester, result: counts })
}

fn check_batch_term<T>(batch: &Batch<T>) -> ApiResult<Term> {
    let mut err = ApiError::validation();
    if !(50..=300).contains(&batch.academic_year) {
        err = err.field("academic_year", "學年度須介於 50 到 300（民國年）", "must be an ROC year between 50 and 300");
    }
    if !(1..=2).contains(&batch.semester) {
        err = err.field("semester", "學期須為 1 或 2", "must be 1 or 2");
    }
    if err.fields.is_empty() {
        Ok(Term { academic_year: batch.academic_year, semester: batch.semester })
    } else {
        Err(err)
    }
}

async fn handle<T: Send + Sync + serde::de::DeserializeOwned + 'static>(state: web::Data<AppState>, who: Principal, kind: Kind, body: JsonBody<Batch<T>>, apply_fn: ApplyFn<T>) -> ApiResult<web::Json<BatchOutcome>> {
    who.require(Need::scope_only(Scope::Sync))?;
    let school = who.school_id()?;
    // Read only now: a caller who may not sync is refused without the body being read.
    let batch = body.read().await?;
    let key_id = match &who {
        Principal::ApiKey(k) => Some(k.key_id),
        Principal::User(_) => None,
    };
    let db = state.db.clone();
    let now = state.clock.now();
    web::block(move || run_batch(&db, school, key_id, kind, &batch, now, apply_fn))
        .await
        .map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?
        .map(web::Json)
}

/// 學生學籍資料: the school's whole student roster. New students get the account
/// `{school}_{number}` with the national ID (letter upper-case) as initial password; later
/// batches update names, e-mail and profile but never the password; students missing from the
/// snapshot are deactivated (never deleted).
#[utoipa::path(
    operation_id = "sync_students",
    tag = "sync",
    request_body(content = Batch<StudentRow>, description = "The whole snapshot (demo school 999999's codes)", example = json!({"academic_year": 115, "semester": 1, "rows": [
        {"number": "115001", "national_id": "F200000115", "name": "林小華", "birth_date": "2010-03-14", "gender": "F", "department": "普通科", "program": null, "division": "day", "entry_year": 115, "grade": 1, "class_code": "101", "seat_no": 1, "status": "在學", "email": null},
        {"number": "115002", "national_id": "G100000123", "name": "張家豪", "birth_date": "2010-06-02", "gender": "M", "department": "普通科", "program": null, "division": "day", "entry_year": 115, "grade": 1, "class_code": "101", "seat_no": 2, "status": "在學", "email": null},
        {"number": "114001", "national_id": "J100000214", "name": "吳承恩", "birth_date": "2009-01-20", "gender": "M", "department": "普通科", "program": null, "division": "day", "entry_year": 114, "grade": 2, "class_code": "201", "seat_no": 1, "status": "在學", "email": "s114001@demo.licheng.example"},
        {"number": "113001", "national_id": "M100000314", "name": "周杰倫", "birth_date": "2008-01-18", "gender": "M", "department": "普通科", "program": null, "division": "day", "entry_year": 113, "grade": 3, "class_code": "301", "seat_no": 1, "status": "在學", "email": null}]})),
    security(("api_key" = [])),
    responses((status = 200, description = "Applied (or already up to date)", body = BatchOutcome), SyncRefusals)
)]
#[post("/students")]
pub async fn students(state: web::Data<AppState>, who: Principal, body: JsonBody<Batch<StudentRow>>) -> ApiResult<web::Json<BatchOutcome>> {
    handle(state, who, Kind::Students, body, apply::students).await
}

/// 教職員資料: the school's whole staff roster (accounts as for students; `active: false` or
/// absence deactivates).
#[utoipa::path(
    operation_id = "sync_staff",
    tag = "sync",
    request_body(content = Batch<StaffRow>, description = "The whole snapshot (demo school 999999's codes)", example = json!({"academic_year": 115, "semester": 1, "rows": [
        {"number": "T001", "national_id": "A100000010", "name": "王大明", "email": "t001@demo.licheng.example", "active": true},
        {"number": "T002", "national_id": "B200000022", "name": "李美玲", "email": "t002@demo.licheng.example", "active": true}]})),
    security(("api_key" = [])),
    responses((status = 200, description = "Applied (or already up to date)", body = BatchOutcome), SyncRefusals)
)]
#[post("/staff")]
pub async fn staff(state: web::Data<AppState>, who: Principal, body: JsonBody<Batch<StaffRow>>) -> ApiResult<web::Json<BatchOutcome>> {
    handle(state, who, Kind::Staff, body, apply::staff).await
}

/// 班級資料: the term's classes with their homeroom teachers (who get the homeroom role).
#[utoipa::path(
    operation_id = "sync_classes",
    tag = "sync",
    request_body(content = Batch<ClassRow>, description = "The whole snapshot (demo school 999999's codes)", example = json!({"academic_year": 115, "semester": 1, "rows": [
        {"code": "101", "name": "一年一班", "grade": 1, "homeroom_teacher": "T001"},
        {"code": "201", "name": "二年一班", "grade": 2, "homeroom_teacher": "T002"},
        {"code": "301", "name": "三年一班", "grade": 3, "homeroom_teacher": null}]})),
    security(("api_key" = [])),
    responses((status = 200, description = "Applied (or already up to date)", body = BatchOutcome), SyncRefusals)
)]
#[post("/classes")]
pub async fn classes(state: web::Data<AppState>, who: Principal, body: JsonBody<Batch<ClassRow>>) -> ApiResult<web::Json<BatchOutcome>> {
    handle(state, who, Kind::Classes, body, apply::classes_batch).await
}

/// 開課資料: the term's courses, each with its 23-character course code and class (or none for a
/// mixed-class course).
#[utoipa::path(
    operation_id = "sync_courses",
    tag = "sync",
    request_body(content = Batch<CourseRow>, description = "The whole snapshot (demo school 999999's codes)", example = json!({"academic_year": 115, "semester": 1, "rows": [
        {"course_code": "108999999V1110101010101", "class_code": "101", "subject_name": "國語文", "grade": 1, "credits": 4},
        {"course_code": "108999999V1110201010102", "class_code": "201", "subject_name": "英語文", "grade": 2, "credits": 4}]})),
    security(("api_key" = [])),
    responses((status = 200, description = "Applied (or already up to date)", body = BatchOutcome), SyncRefusals)
)]
#[post("/courses")]
pub async fn courses(state: web::Data<AppState>, who: Principal, body: JsonBody<Batch<CourseRow>>) -> ApiResult<web::Json<BatchOutcome>> {
    handle(state, who, Kind::Courses, body, apply::courses_batch).await
}

/// 學生修課資料: the term's enrolments. Students and courses must exist (send students and
/// courses first).
#[utoipa::path(
    operation_id = "sync_enrolments",
    tag = "sync",
    request_body(content = Batch<EnrolmentRow>, description = "The whole snapshot (demo school 999999's codes)", example = json!({"academic_year": 115, "semester": 1, "rows": [
        {"student_number": "115001", "course_code": "108999999V1110101010101", "class_code": "101", "kind": "regular"},
        {"student_number": "115002", "course_code": "108999999V1110101010101", "class_code": "101", "kind": "regular"},
        {"student_number": "114001", "course_code": "108999999V1110201010102", "class_code": "201", "kind": "regular"}]})),
    security(("api_key" = [])),
    responses((status = 200, description = "Applied (or already up to date)", body = BatchOutcome), SyncRefusals)
)]
#[post("/enrolments")]
pub async fn enrolments(state: web::Data<AppState>, who: Principal, body: JsonBody<Batch<EnrolmentRow>>) -> ApiResult<web::Json<BatchOutcome>> {
    handle(state, who, Kind::Enrolments, body, apply::enrolments_batch).await
}

/// 教師授課資料: the term's teaching assignments; teachers of the current term get the subject
/// teacher role.
#[utoipa::path(
    operation_id = "sync_teaching_assignments",
    tag = "sync",
    request_body(content = Batch<TeachingRow>, description = "The whole snapshot (demo school 999999's codes)", example = json!({"academic_year": 115, "semester": 1, "rows": [
        {"teacher_number": "T001", "course_code": "108999999V1110101010101", "class_code": "101"},
        {"teacher_number": "T002", "course_code": "108999999V1110201010102", "class_code": "201"}]})),
    security(("api_key" = [])),
    responses((status = 200, description = "Applied (or already up to date)", body = BatchOutcome), SyncRefusals)
)]
#[post("/teaching-assignments")]
pub async fn teaching_assignments(state: web::Data<AppState>, who: Principal, body: JsonBody<Batch<TeachingRow>>) -> ApiResult<web::Json<BatchOutcome>> {
    handle(state, who, Kind::TeachingAssignments, body, apply::teaching_batch).await
}

/// 幹部經歷資料: the term's school cadre records.
#[utoipa::path(
    operation_id = "sync_cadre_records",
    tag = "sync",
    request_body(content = Batch<CadreRow>, description = "The whole snapshot (demo school 999999's codes)", example = json!({"academic_year": 115, "semester": 1, "rows": [
        {"student_number": "114001", "unit": "二年一班", "position": "班長", "level": "班級", "start_date": "2026-08-30", "end_date": "2027-01-20"}]})),
    security(("api_key" = [])),
    responses((status = 200, description = "Applied (or already up to date)", body = BatchOutcome), SyncRefusals)
)]
#[post("/cadre-records")]
pub async fn cadre_records(state: web::Data<AppState>, who: Principal, body: JsonBody<Batch<CadreRow>>) -> ApiResult<web::Json<BatchOutcome>> {
    handle(state, who, Kind::CadreRecords, body, apply::cadre_batch).await
}

// Not `Counts`: a refused batch stores only `total` and `status_code`, while the answer to an
// applied batch (`BatchOutcome.result`) always carries all four counts, and its schema requires
// them so that generated clients read them as plain numbers. Making the counts of `Counts`
// optional for the log's sake would weaken the sync answer's contract.
/// 結果 of a receiving-log entry, as stored with the batch: the rows received and how it ended;
/// the counts once applied (absent when the batch was refused).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LogResult {
    /// Rows received.
    pub total: i64,
    /// 狀態代碼 (see `SyncStatusCode`).
    #[schema(value_type = crate::sync::SyncStatusCode)]
    pub status_code: String,
    /// Rows added; absent when the batch was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inserted: Option<i64>,
    /// Rows changed; absent when the batch was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<i64>,
    /// Rows as they were; absent when the batch was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unchanged: Option<i64>,
    /// Records the snapshot no longer holds; absent when the batch was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivated: Option<i64>,
}

/// One receiving-log entry (manual 4.3).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 41, "kind": "students", "kind_name": "學生學籍資料", "academic_year": 115, "semester": 1, "status_code": "00", "error": null,
    "result": {"total": 9288, "status_code": "00", "inserted": 12, "updated": 3, "unchanged": 9273, "deactivated": 2},
    "received_at": "2026-09-01T01:00:00Z", "finished_at": "2026-09-01T01:00:07Z"}))]
pub struct BatchLog {
    pub id: i64,
    pub kind: Kind,
    /// 資料類型, e.g. 學生修課資料.
    pub kind_name: String,
    pub academic_year: i32,
    pub semester: i32,
    /// 狀態代碼 (see `SyncStatusCode`).
    #[schema(value_type = crate::sync::SyncStatusCode)]
    pub status_code: String,
    /// 錯誤: the problem the vendor got, if refused.
    #[schema(value_type = Option<Problem>)]
    pub error: Option<serde_json::Value>,
    /// 結果: `{"total":N,"status_code":"00","inserted":…,"updated":…,"unchanged":…,"deactivated":…}`.
    pub result: Option<LogResult>,
    /// 接收時間.
    #[serde(serialize_with = "crate::time::utc")]
    pub received_at: NaiveDateTime,
    /// 結束時間.
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub finished_at: Option<NaiveDateTime>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogFilter {
    /// One data kind.
    pub kind: Option<Kind>,
    /// Received on or after this day (a Taipei calendar day).
    pub from: Option<NaiveDate>,
    /// Received on or before this day (a Taipei calendar day).
    pub to: Option<NaiveDate>,
}

/// 學校查詢接收紀錄: every sync batch with its kind, error, result and times, newest first
/// (module S0201S1).
#[utoipa::path(
    operation_id = "list_sync_batches",
    tag = "sync",
    params(LogFilter, PageQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "One page of the receiving log", body = Page<BatchLog>),
        (status = 400, description = "Malformed filter", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0201S1", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad paging", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/batches")]
pub async fn receiving_log(state: web::Data<AppState>, who: Principal, filter: web::Query<LogFilter>, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<BatchLog>>> {
    who.require(Need::module(Module::ReceivingLog, Op::View).or_scope(Scope::Read))?;
    let school = who.school_id()?;
    let (page, per_page) = page.checked()?;
    let filter = filter.into_inner();
    crate::time::require_dates(&[("from", filter.from), ("to", filter.to)])?;
    state
        .db
        .read(move |c| {
            let query = || {
                let mut q = sync_batches::table.filter(sync_batches::school_id.eq(school)).into_boxed();
                if let Some(k) = filter.kind {
                    q = q.filter(sync_batches::kind.eq(k.as_str()));
                }
                if let Some(from) = filter.from {
                    q = q.filter(sync_batches::received_at.ge(crate::settings::periods::taipei_to_utc(from, 0)));
                }
                if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
                    q = q.filter(sync_batches::received_at.lt(crate::settings::periods::taipei_to_utc(to, 0)));
                }
                q
            };
            let total: i64 = query().count().get_result(c)?;
            type Row = (i64, String, i32, i32, String, Option<String>, Option<String>, NaiveDateTime, Option<NaiveDateTime>);
            let rows: Vec<Row> = query()
                .order((sync_batches::received_at.desc(), sync_batches::id.desc()))
                .limit(per_page)
                .offset(offset(page, per_page))
                .select((
                    sync_batches::id,
                    sync_batches::kind,
                    sync_batches::academic_year,
                    sync_batches::semester,
                    sync_batches::status_code,
                    sync_batches::error,
                    sync_batches::result,
                    sync_batches::received_at,
                    sync_batches::finished_at,
                ))
                .load(c)?;
            let items = rows
                .into_iter()
                .map(|(id, kind, academic_year, semester, status_code, error, result, received_at, finished_at)| {
                    let kind = Kind::parse(&kind).ok_or_else(|| ApiError::bad_stored("sync_batches.kind", &kind))?;
                    Ok(BatchLog {
                        id,
                        kind,
                        kind_name: kind.name_zh().to_string(),
                        academic_year,
                        semester,
                        status_code,
                        error: error.and_then(|e| serde_json::from_str(&e).ok()),
                        result: result.and_then(|r| serde_json::from_str(&r).ok()),
                        received_at,
                        finished_at,
                    })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            Ok(web::Json(Page::new(items, total, page, per_page)))
        })
        .await
}
