//! The consultation endpoints: the consultant's own records (list, add, change, delete, .xlsx),
//! every record and 課程諮詢紀錄統計 for the admin / module S0204S, and a student's own.

use std::collections::HashMap;

use actix_web::{delete, get, post, put, web, HttpResponse};
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{advised_students, insert, link_students, list, stats, Consultation, ConsultationInput, ConsultationStats, Listing, MODULE};
use crate::accounts::Role;
use crate::app::AppState;
use crate::auth::{Need, Op, Principal};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::reports::xlsx::{self, Cell, Sheet, XlsxFile};
use crate::reports::{file_name, resolve_term, TermQuery};
use crate::schema::{consultation_records as cr, users};
use crate::terms::{self, Term};
use crate::uploads::access::Caller;

/// Registers the consultation handlers.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_consultations)
        .service(consultations_xlsx)
        .service(create_consultation)
        .service(update_consultation)
        .service(delete_consultation)
        .service(consultation_stats)
        .service(consultation_stats_xlsx)
        .service(my_consultations);
}

const CONSULTANT: Need = Need::roles(&[Role::CourseConsultant]);

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsultationFilter {
    /// 學年期, e.g. `1151` (default: the school's current term); semester `0`: the whole year.
    pub term: Option<String>,
    /// Only this consultant's records (admin / S0204S; a consultant always sees their own).
    pub consultant_id: Option<i64>,
    /// Only records reaching a student of this class.
    pub class_code: Option<String>,
    /// Only records of this month, `YYYY-MM`.
    pub month: Option<String>,
}

fn parse_month(m: &str) -> ApiResult<(i32, u32)> {
    let bad = || ApiError::new(ErrorCode::InvalidQuery).field("month", "月份格式為 YYYY-MM。", "month is YYYY-MM");
    let d = NaiveDate::parse_from_str(&format!("{}-01", m.trim()), "%Y-%m-%d").map_err(|_| bad())?;
    if !(crate::time::MIN_YEAR..=2200).contains(&d.year()) {
        return Err(bad());
    }
    Ok((d.year(), d.month()))
}

/// Who lists: a viewer of every record (admin, S0204S) or a consultant (own records only).
fn lister(who: &Principal) -> ApiResult<Option<i64>> {
    if who.require(Need::module(MODULE, Op::View)).is_ok() {
        return Ok(None);
    }
    who.require(CONSULTANT)?;
    Ok(Some(who.user()?.user.id))
}

async fn load(state: &AppState, who: &Principal, f: ConsultationFilter) -> ApiResult<(Option<String>, Vec<Consultation>)> {
    let own = lister(who)?;
    let school = who.school_id()?;
    let asked = TermQuery { term: f.term.clone() }.parsed()?;
    let month = f.month.as_deref().filter(|m| !m.trim().is_empty()).map(parse_month).transpose()?;
    let class_code = f.class_code.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
    state
        .db
        .read(move |c| {
            let Some(term) = resolve_term(c, school, asked)? else { return Ok((None, Vec::new())) };
            let listing = Listing { term: Some(term), consultant: own.or(f.consultant_id), class_code, month, ..Listing::default() };
            Ok((Some(term.code()), list(c, school, &listing)?))
        })
        .await
}

/// 課程諮詢紀錄: a consultant's own records; every record for the admin and module S0204S.
#[utoipa::path(
    tag = "consultations",
    path = "/consultations",
    params(ConsultationFilter),
    security(("bearer_jwt" = [])),
    responses(
        (status = 200, description = "Records, newest date first", body = Vec<Consultation>),
        (status = 400, description = "Malformed term or month", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a course consultant, the school admin nor granted module S0204S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/consultations")]
pub async fn list_consultations(state: web::Data<AppState>, who: Principal, f: web::Query<ConsultationFilter>) -> ApiResult<web::Json<Vec<Consultation>>> {
    Ok(web::Json(load(&state, &who, f.into_inner()).await?.1))
}

fn record_sheet(records: &[Consultation]) -> Vec<Sheet> {
    let mut sheet = Sheet::new("課程諮詢紀錄", vec!["諮詢日期", "諮詢教師", "類型", "班級", "學生", "主題", "內容", "後續追蹤"]);
    for r in records {
        let mut classes: Vec<String> = r.students.iter().filter_map(|s| s.class_code.clone()).collect();
        classes.dedup();
        let names: Vec<String> = r.students.iter().map(|s| s.name.clone()).collect();
        sheet.rows.push(vec![
            Cell::from(crate::time::roc_date(r.held_on)),
            Cell::from(r.consultant_name.as_str()),
            Cell::from(r.kind.name_zh()),
            Cell::from(classes.join("、")),
            Cell::from(names.join("、")),
            Cell::from(r.topic.as_str()),
            Cell::from(r.content.as_str()),
            Cell::from(r.follow_up.as_str()),
        ]);
    }
    vec![sheet]
}

/// The same records as an Excel workbook (ROC dates).
#[utoipa::path(
    tag = "consultations",
    path = "/consultations.xlsx",
    params(ConsultationFilter),
    security(("bearer_jwt" = [])),
    responses(
        (status = 200, description = "The workbook, named 課程諮詢紀錄_{term}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Malformed term or month", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a course consultant, the school admin nor granted module S0204S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/consultations.xlsx")]
pub async fn consultations_xlsx(state: web::Data<AppState>, who: Principal, f: web::Query<ConsultationFilter>) -> ApiResult<HttpResponse> {
    let (term, records) = load(&state, &who, f.into_inner()).await?;
    let bytes = xlsx::workbook(&record_sheet(&records))?;
    Ok(xlsx::attachment(bytes, &file_name("課程諮詢紀錄", term.clone()), &file_name("consultations", term)))
}

/// The students must all be advised by the consultant this term (else 422, nothing written).
fn check_students(c: &mut DbConn, school: i64, me: i64, term: Term, students: &[i64]) -> ApiResult<()> {
    let mine = advised_students(c, school, me, term)?;
    if students.iter().any(|s| !mine.contains(s)) {
        return Err(ApiError::validation().field("student_ids", "只能記錄本學期對應給您的學生。", "Only students assigned to you this term."));
    }
    Ok(())
}

/// Add a record (course consultants, for their students of the current term).
#[utoipa::path(
    tag = "consultations",
    path = "/consultations",
    request_body = ConsultationInput,
    security(("bearer_jwt" = [])),
    responses(
        (status = 201, description = "Recorded", body = Consultation),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a course consultant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad fields, or a student not assigned to the consultant", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/consultations")]
pub async fn create_consultation(state: web::Data<AppState>, who: Principal, body: web::Json<ConsultationInput>) -> ApiResult<HttpResponse> {
    who.require(CONSULTANT)?;
    let school = who.school_id()?;
    let me = who.user()?.user.id;
    let input = body.check()?;
    let now = state.clock.now();
    let created = state
        .db
        .write(move |c| {
            let term = terms::require_current(c, school)?;
            check_students(c, school, me, term, &input.students)?;
            let id = insert(c, school, me, term, &input, now)?;
            list(c, school, &Listing { only: Some(id), ..Listing::default() })?.pop().ok_or_else(ApiError::not_found)
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// The consultant's own record `id` with its term (another's is "not found").
fn own_record(c: &mut DbConn, school: i64, me: i64, id: i64) -> ApiResult<Term> {
    let found: Option<(i32, i32)> =
        cr::table.filter(cr::id.eq(id)).filter(cr::school_id.eq(school)).filter(cr::consultant_id.eq(me)).select((cr::academic_year, cr::semester)).first(c).optional()?;
    found.map(|(academic_year, semester)| Term { academic_year, semester }).ok_or_else(ApiError::not_found)
}

/// Change one's own record (the students: still advised in the record's term).
#[utoipa::path(
    tag = "consultations",
    path = "/consultations/{id}",
    params(("id" = i64, Path, description = "Record id")),
    request_body = ConsultationInput,
    security(("bearer_jwt" = [])),
    responses(
        (status = 200, description = "Changed", body = Consultation),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a course consultant", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's records", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad fields, or a student not assigned to the consultant", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/consultations/{id}")]
pub async fn update_consultation(state: web::Data<AppState>, who: Principal, id: web::Path<i64>, body: web::Json<ConsultationInput>) -> ApiResult<web::Json<Consultation>> {
    who.require(CONSULTANT)?;
    let school = who.school_id()?;
    let me = who.user()?.user.id;
    let id = id.into_inner();
    let input = body.check()?;
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            let term = own_record(c, school, me, id)?;
            check_students(c, school, me, term, &input.students)?;
            diesel::update(cr::table.find(id))
                .set((
                    cr::kind.eq(input.kind.as_str()),
                    cr::held_on.eq(input.held_on),
                    cr::topic.eq(&input.topic),
                    cr::content.eq(&input.content),
                    cr::follow_up.eq(&input.follow_up),
                    cr::updated_at.eq(now),
                ))
                .execute(c)?;
            link_students(c, id, &input.students)?;
            list(c, school, &Listing { only: Some(id), ..Listing::default() })?.pop().map(web::Json).ok_or_else(ApiError::not_found)
        })
        .await
}

/// Delete one's own record.
#[utoipa::path(
    tag = "consultations",
    path = "/consultations/{id}",
    params(("id" = i64, Path, description = "Record id")),
    security(("bearer_jwt" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a course consultant", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's records", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/consultations/{id}")]
pub async fn delete_consultation(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    who.require(CONSULTANT)?;
    let school = who.school_id()?;
    let me = who.user()?.user.id;
    let id = id.into_inner();
    state
        .db
        .write(move |c| {
            own_record(c, school, me, id)?;
            link_students(c, id, &[])?;
            diesel::delete(cr::table.find(id)).execute(c)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn load_stats(state: &AppState, who: &Principal, q: TermQuery) -> ApiResult<ConsultationStats> {
    who.require(Need::module(MODULE, Op::View))?;
    let school = who.school_id()?;
    let asked = q.parsed()?;
    state
        .db
        .read(move |c| {
            let Some(term) = resolve_term(c, school, asked)? else { return Ok(ConsultationStats::default()) };
            let records = list(c, school, &Listing { term: Some(term), ..Listing::default() })?;
            let ids: Vec<i64> = records.iter().map(|r| r.consultant_id).collect();
            let accounts: HashMap<i64, String> = users::table.filter(users::id.eq_any(ids)).select((users::id, users::account)).load(c)?.into_iter().collect();
            let (by_consultant, by_class, by_month, total) = stats(&records, &accounts);
            Ok(ConsultationStats { term: Some(term.code()), by_consultant, by_class, by_month, total })
        })
        .await
}

/// 課程諮詢紀錄統計: records per consultant, class and month (admin, module S0204S).
#[utoipa::path(
    tag = "consultations",
    path = "/reports/consultations",
    params(TermQuery),
    security(("bearer_jwt" = [])),
    responses(
        (status = 200, description = "The counts", body = ConsultationStats),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0204S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/consultations")]
pub async fn consultation_stats(state: web::Data<AppState>, who: Principal, q: web::Query<TermQuery>) -> ApiResult<web::Json<ConsultationStats>> {
    Ok(web::Json(load_stats(&state, &who, q.into_inner()).await?))
}

/// 課程諮詢紀錄統計 as an Excel workbook: sheets 依教師, 依班級, 依月份 (each with a 合計 row).
#[utoipa::path(
    tag = "consultations",
    path = "/reports/consultations.xlsx",
    params(TermQuery),
    security(("bearer_jwt" = [])),
    responses(
        (status = 200, description = "The workbook, named 課程諮詢紀錄統計_{term}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0204S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/consultations.xlsx")]
pub async fn consultation_stats_xlsx(state: web::Data<AppState>, who: Principal, q: web::Query<TermQuery>) -> ApiResult<HttpResponse> {
    let s = load_stats(&state, &who, q.into_inner()).await?;
    let mut sheets = Vec::new();
    for (name, head, rows) in [("依教師", "諮詢教師", &s.by_consultant), ("依班級", "班級", &s.by_class), ("依月份", "月份", &s.by_month)] {
        let mut sheet = Sheet::new(name, vec![head, "團體諮詢", "個別諮詢", "紀錄數", "學生數"]);
        for r in rows.iter().chain(std::iter::once(&s.total)) {
            sheet.rows.push(vec![Cell::from(r.key.as_str()), Cell::from(r.group), Cell::from(r.individual), Cell::from(r.records), Cell::from(r.students)]);
        }
        sheets.push(sheet);
    }
    let bytes = xlsx::workbook(&sheets)?;
    Ok(xlsx::attachment(bytes, &file_name("課程諮詢紀錄統計", s.term.clone()), &file_name("consultation-stats", s.term)))
}

/// The records that concern the signed-in student (of any term, newest first; the other
/// students of a group record are left out).
#[utoipa::path(
    tag = "consultations",
    path = "/me/consultations",
    security(("bearer_jwt" = [])),
    responses(
        (status = 200, description = "The student's records", body = Vec<Consultation>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/consultations")]
pub async fn my_consultations(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<Consultation>>> {
    who.require(Need::roles(&[Role::Student]))?;
    let me = Caller::of(&who)?;
    state.db.read(move |c| Ok(web::Json(list(c, me.school, &Listing { student: Some(me.user), ..Listing::default() })?))).await
}
