//! The consultation endpoints: the consultant's own records (list, add, change, delete, .xlsx),
//! every record and 課程諮詢紀錄統計 for the admin / module S0204S, and a student's own.

use std::collections::HashMap;

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{advised_students, insert, link_students, list, records, stats, Checked, Consultation, ConsultationInput, ConsultationStats, Listing, MODULE};
use crate::audit::{self, Event, EventKind};
use crate::identity::Role;
use crate::state::AppState;
use crate::auth::{client_addr, Need, Op, Principal};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::reporting::xlsx::{self, Cell, Sheet, XlsxFile};
use crate::http::JsonBody;
use crate::pagination::{Page, PageQuery};
use crate::reporting::{file_name, people, resolve_term, TermQuery};
use crate::schema::consultation_records as cr;
use crate::terms::{self, Term};
use crate::uploads::access::Caller;

const CONSULTANT: Need = Need::roles(&[Role::CourseConsultant]);

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsultationFilter {
    /// 學年期, e.g. `1151` (default: the school's current term); semester `0`: the whole year.
    #[param(pattern = r"^\s*([0-9]{3}[0-2])?\s*$", example = "1151")]
    pub term: Option<String>,
    /// Only this consultant's records (admin / S0204S; a consultant always sees their own).
    pub consultant_id: Option<i64>,
    /// Only records reaching a student of this class.
    pub class_code: Option<String>,
    /// Only records of this month, `YYYY-MM` (years 1912–2200; empty: every month).
    #[param(pattern = r"^\s*((19(1[2-9]|[2-9][0-9])|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2]))?\s*$", example = "2026-12")]
    pub month: Option<String>,
    /// Only records whose topic contains this text.
    pub q: Option<String>,
}

fn parse_month(m: &str) -> ApiResult<(i32, u32)> {
    // Exactly the documented pattern: four digits of year (1912–2200), a dash, two of month.
    let bad = || ApiError::new(ErrorCode::InvalidQuery).field("month", "月份格式為 YYYY-MM。", "month is YYYY-MM");
    let (y, mo) = m.trim().split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || mo.len() != 2 || !y.bytes().chain(mo.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (year, month): (i32, u32) = (y.parse().map_err(|_| bad())?, mo.parse().map_err(|_| bad())?);
    if !(crate::time::MIN_YEAR..=2200).contains(&year) || !(1..=12).contains(&month) {
        return Err(bad());
    }
    Ok((year, month))
}

/// Who lists: a viewer of every record (admin, S0204S) or a consultant (own records only).
fn lister(who: &Principal) -> ApiResult<Option<i64>> {
    if who.require(Need::module(MODULE, Op::View)).is_ok() {
        return Ok(None);
    }
    who.require(CONSULTANT)?;
    Ok(Some(who.user()?.user.id))
}

async fn load(state: &AppState, who: &Principal, f: ConsultationFilter, page: Option<(i64, i64)>) -> ApiResult<(Option<String>, Vec<Consultation>, i64)> {
    let own = lister(who)?;
    let school = who.school_id()?;
    let asked = TermQuery { term: f.term.clone() }.parsed()?;
    let month = f.month.as_deref().filter(|m| !m.trim().is_empty()).map(parse_month).transpose()?;
    let class_code = f.class_code.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
    let text = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
    state
        .db
        .read(move |c| {
            let Some(term) = resolve_term(c, school, asked)? else { return Ok((None, Vec::new(), 0)) };
            let listing = Listing { term: Some(term), consultant: own.or(f.consultant_id), class_code, month, text, ..Listing::default() };
            let (items, total) = records(c, school, &listing, page)?;
            Ok((Some(term.code()), items, total))
        })
        .await
}

/// 課程諮詢紀錄: a consultant's own records; every record for the admin and module S0204S.
#[utoipa::path(
    tag = "consultations",
    params(ConsultationFilter, PageQuery),
    responses(
        (status = 200, description = "One page of records, newest date first", body = Page<Consultation>),
        (status = 400, description = "Malformed term or month", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a course consultant, the school admin nor granted module S0204S", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad page or page size", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/consultations")]
pub async fn list_consultations(state: web::Data<AppState>, who: Principal, f: web::Query<ConsultationFilter>, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<Consultation>>> {
    lister(&who)?;
    let (page, per_page) = page.checked()?;
    let (_, items, total) = load(&state, &who, f.into_inner(), Some((page, per_page))).await?;
    Ok(web::Json(Page::new(items, total, page, per_page)))
}

fn record_sheet(records: &[Consultation]) -> Vec<Sheet> {
    let mut sheet = Sheet::new("課程諮詢紀錄", vec!["諮詢日期", "諮詢教師", "類型", "班級", "學生", "主題", "內容", "後續追蹤"]);
    for r in records {
        let mut classes: Vec<String> = r.students.iter().filter_map(|s| s.class_code.clone()).collect();
        classes.dedup();
        let names: Vec<String> = r.students.iter().map(|s| s.name.clone()).collect();
        sheet.rows.push(vec![
            Cell::from(r.held_on),
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
    params(ConsultationFilter),
    responses(
        (status = 200, description = "The workbook, named 課程諮詢紀錄_{term}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Malformed term or month", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a course consultant, the school admin nor granted module S0204S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/consultations.xlsx")]
pub async fn consultations_xlsx(state: web::Data<AppState>, who: Principal, f: web::Query<ConsultationFilter>) -> ApiResult<HttpResponse> {
    let (term, records, _) = load(&state, &who, f.into_inner(), None).await?;
    let bytes = xlsx::workbook(&record_sheet(&records))?;
    Ok(xlsx::attachment(bytes, &file_name("課程諮詢紀錄", term.clone()), &file_name("consultations", term)))
}

/// The students must all be of the school (looked up through `reports::people`) and advised by
/// the consultant this term (else 422, nothing written).
fn check_students(c: &mut DbConn, school: i64, me: i64, term: Term, students: &[i64]) -> ApiResult<()> {
    let mine = advised_students(c, school, me, term)?;
    let known = people(c, school, students)?;
    if students.iter().any(|s| !mine.contains(s) || !known.contains_key(s)) {
        return Err(ApiError::validation().field("student_ids", "只能記錄本學期對應給您的學生。", "Only students assigned to you this term."));
    }
    Ok(())
}

/// Who changed a consultation record, for the audit log.
struct Audit {
    school: i64,
    user: i64,
    actor: String,
    client: String,
}

impl Audit {
    fn of(who: &Principal, req: &HttpRequest) -> ApiResult<Audit> {
        Ok(Audit { school: who.school_id()?, user: who.user()?.user.id, actor: who.actor(), client: client_addr(req) })
    }

    /// `consultation_created` / `_updated` / `_deleted` with the record, its date and students.
    fn record(&self, c: &mut DbConn, event: EventKind, id: i64, r: Option<&Checked>, now: chrono::NaiveDateTime) -> ApiResult<()> {
        let detail = match r {
            Some(r) => format!("record={id} kind={} held_on={} students={}", r.kind.as_str(), r.held_on, r.students.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(",")),
            None => format!("record={id}"),
        };
        audit::record(c, Event { school_id: Some(self.school), user_id: Some(self.user), actor: Some(&self.actor), event, detail: Some(detail), client: Some(&self.client) }, now)
    }
}

/// Add a record (course consultants, for their students of the current term).
#[utoipa::path(
    tag = "consultations",
    request_body = ConsultationInput,
    responses(
        (status = 201, description = "Recorded", body = Consultation),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a course consultant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A text far longer than allowed, refused before cleaning (`payload_too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad fields, or a student not assigned to the consultant", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/consultations")]
pub async fn create_consultation(state: web::Data<AppState>, who: Principal, req: HttpRequest, body: JsonBody<ConsultationInput>) -> ApiResult<HttpResponse> {
    who.require(CONSULTANT)?;
    let school = who.school_id()?;
    let me = who.user()?.user.id;
    let audit = Audit::of(&who, &req)?;
    let input = body.read().await?.check()?;
    let now = state.clock.now();
    let created = state
        .db
        .write(move |c| {
            let term = terms::require_current(c, school)?;
            check_students(c, school, me, term, &input.students)?;
            let id = insert(c, school, me, term, &input, now)?;
            audit.record(c, EventKind::ConsultationCreated, id, Some(&input), now)?;
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
    params(("id" = i64, Path, description = "Record id")),
    request_body = ConsultationInput,
    responses(
        (status = 200, description = "Changed", body = Consultation),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a course consultant", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's records", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A text far longer than allowed, refused before cleaning (`payload_too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad fields, or a student not assigned to the consultant", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/consultations/{id}")]
pub async fn update_consultation(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>, body: JsonBody<ConsultationInput>) -> ApiResult<web::Json<Consultation>> {
    who.require(CONSULTANT)?;
    let school = who.school_id()?;
    let me = who.user()?.user.id;
    let audit = Audit::of(&who, &req)?;
    let id = id.into_inner();
    let input = body.read().await?.check()?;
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
            audit.record(c, EventKind::ConsultationUpdated, id, Some(&input), now)?;
            list(c, school, &Listing { only: Some(id), ..Listing::default() })?.pop().map(web::Json).ok_or_else(ApiError::not_found)
        })
        .await
}

/// Delete one's own record.
#[utoipa::path(
    tag = "consultations",
    params(("id" = i64, Path, description = "Record id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not a course consultant", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's records", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/consultations/{id}")]
pub async fn delete_consultation(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    who.require(CONSULTANT)?;
    let school = who.school_id()?;
    let me = who.user()?.user.id;
    let audit = Audit::of(&who, &req)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            own_record(c, school, me, id)?;
            link_students(c, id, &[])?;
            diesel::delete(cr::table.find(id)).execute(c)?;
            audit.record(c, EventKind::ConsultationDeleted, id, None, now)?;
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
            let accounts: HashMap<i64, String> = people(c, school, &ids)?.into_iter().map(|(id, p)| (id, p.account)).collect();
            let (by_consultant, by_class, by_month, total) = stats(&records, &accounts);
            Ok(ConsultationStats { term: Some(term.code()), by_consultant, by_class, by_month, total })
        })
        .await
}

/// 課程諮詢紀錄統計: records per consultant, class and month (admin, module S0204S).
#[utoipa::path(
    tag = "consultations",
    params(TermQuery),
    responses(
        (status = 200, description = "The counts", body = ConsultationStats),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
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
    params(TermQuery),
    responses(
        (status = 200, description = "The workbook, named 課程諮詢紀錄統計_{term}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
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
    params(PageQuery),
    responses(
        (status = 200, description = "One page of the student's records", body = Page<Consultation>),
        (status = 403, description = "Not a student", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad page or page size", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/consultations")]
pub async fn my_consultations(state: web::Data<AppState>, who: Principal, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<Consultation>>> {
    who.require(Need::roles(&[Role::Student]))?;
    let me = Caller::of(&who)?;
    let (page, per_page) = page.checked()?;
    state
        .db
        .read(move |c| {
            let (items, total) = records(c, me.school, &Listing { student: Some(me.user), ..Listing::default() }, Some((page, per_page)))?;
            Ok(web::Json(Page::new(items, total, page, per_page)))
        })
        .await
}
