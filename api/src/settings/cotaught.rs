//! Co-taught certifiers (manual 3.5, module S0209S): in a course with more than one teacher,
//! the admin marks which teachers certify (default yes). Certification obeys it.

use std::collections::HashMap;

use actix_web::{get, put, web, HttpRequest};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::identity::Module;
use crate::audit::{self, Event, EventKind};
use crate::state::AppState;
use crate::auth::{client_addr, Need, Op, Principal, Scope};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, Problem};
use crate::pagination::{offset, Page, PageQuery};
use crate::schema::{courses, teaching_assignments as ta, users};
use crate::terms::{self, Term};
use crate::responses::ReadPage;

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "assignment_id": 12, "course_id": 40, "academic_year": 115, "semester": 1, "course_code": "108999999V1110201010109", "class_code": "",
    "subject_name": "自然科學探究與實作", "teacher_id": 18, "teacher_account": "999999_T002", "teacher_name": "李美玲", "can_certify": true
}))]
pub struct CoTaughtRow {
    /// The teaching assignment (course ↔ teacher).
    pub assignment_id: i64,
    /// The course (e.g. to name a delegate certifier for it, meeting 003 #25).
    pub course_id: i64,
    pub academic_year: i32,
    pub semester: i32,
    /// 班級 (empty for a mixed-class course).
    pub class_code: String,
    pub course_code: String,
    /// 課程.
    pub subject_name: String,
    pub teacher_id: i64,
    pub teacher_account: String,
    /// 教師.
    pub teacher_name: String,
    /// 是否審核: this teacher certifies the course's learning results.
    pub can_certify: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoTaughtFilter {
    /// Part of the subject, course code, class, or teacher's name or account.
    pub q: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CertifierChange {
    pub assignment_id: i64,
    pub can_certify: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"changes": [{"assignment_id": 12, "can_certify": false}, {"assignment_id": 13, "can_certify": true}]}))]
pub struct CertifierChanges {
    pub changes: Vec<CertifierChange>,
}

/// Every teaching assignment of the term's courses that have more than one active teacher.
pub fn rows(c: &mut DbConn, school: i64, term: Term) -> ApiResult<Vec<CoTaughtRow>> {
    type Row = (i64, i64, i32, i32, String, String, String, i64, String, String, bool);
    let all: Vec<Row> = ta::table
        .inner_join(courses::table)
        .inner_join(users::table.on(users::id.eq(ta::teacher_id)))
        .filter(courses::school_id.eq(school))
        .filter(courses::academic_year.eq(term.academic_year))
        .filter(courses::semester.eq(term.semester))
        .filter(courses::active.eq(true))
        .filter(ta::active.eq(true))
        .order((courses::class_code.asc(), courses::course_code.asc(), users::account.asc()))
        .select((
            ta::id,
            ta::course_id,
            courses::academic_year,
            courses::semester,
            courses::class_code,
            courses::course_code,
            courses::subject_name,
            users::id,
            users::account,
            users::display_name,
            ta::can_certify,
        ))
        .load(c)?;
    let mut teachers: HashMap<i64, usize> = HashMap::new();
    for r in &all {
        *teachers.entry(r.1).or_default() += 1;
    }
    Ok(all
        .into_iter()
        .filter(|r| teachers.get(&r.1).copied().unwrap_or(0) > 1)
        .map(|(assignment_id, course_id, academic_year, semester, class_code, course_code, subject_name, teacher_id, teacher_account, teacher_name, can_certify)| CoTaughtRow {
            assignment_id,
            course_id,
            academic_year,
            semester,
            class_code,
            course_code,
            subject_name,
            teacher_id,
            teacher_account,
            teacher_name,
            can_certify,
        })
        .collect())
}

fn matches(r: &CoTaughtRow, q: &str) -> bool {
    [&r.subject_name, &r.course_code, &r.class_code, &r.teacher_name, &r.teacher_account].iter().any(|f| f.contains(q))
}

/// The current term's co-taught courses, one row per teacher (合開課程設定審核老師).
#[utoipa::path(
    tag = "settings",
    params(CoTaughtFilter, PageQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        ReadPage,
        (status = 200, description = "One page of co-taught course teachers", body = Page<CoTaughtRow>),
        (status = 403, description = "Neither the school admin nor granted module S0209S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/co-taught")]
pub async fn list_co_taught(state: web::Data<AppState>, who: Principal, filter: web::Query<CoTaughtFilter>, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<CoTaughtRow>>> {
    who.require(Need::module(Module::CoTaughtCertifiers, Op::View).or_scope(Scope::Read))?;
    let school = who.school_id()?;
    let (page, per_page) = page.checked()?;
    let q = filter.into_inner().q.map(|q| q.trim().to_string()).filter(|q| !q.is_empty());
    state
        .db
        .read(move |c| {
            let Some(term) = terms::current(c, school)? else { return Ok(web::Json(Page::new(Vec::new(), 0, page, per_page))) };
            let all: Vec<CoTaughtRow> = rows(c, school, term)?.into_iter().filter(|r| q.as_deref().is_none_or(|q| matches(r, q))).collect();
            let total = all.len() as i64;
            let items = all.into_iter().skip(offset(page, per_page) as usize).take(per_page as usize).collect();
            Ok(web::Json(Page::new(items, total, page, per_page)))
        })
        .await
}

/// Mark many co-teachers as certifying or not at once (module S0209S with update).
#[utoipa::path(
    tag = "settings",
    request_body = CertifierChanges,
    responses(
        (status = 200, description = "The changed rows", body = Vec<CoTaughtRow>),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0209S with update", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An id that is not a co-taught assignment of this school's current term", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/co-taught")]
pub async fn put_co_taught(state: web::Data<AppState>, who: Principal, req: HttpRequest, body: crate::http::JsonBody<CertifierChanges>) -> ApiResult<web::Json<Vec<CoTaughtRow>>> {
    who.require(Need::module(Module::CoTaughtCertifiers, Op::Update))?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    let school = who.school_id()?;
    let now = state.clock.now();
    let (me, actor, client) = (who.user_id(), who.actor(), client_addr(&req));
    let changes = body.changes;
    state
        .db
        .write(move |c| {
            let term = terms::current(c, school)?.ok_or_else(ApiError::not_found)?;
            let current = rows(c, school, term)?;
            let mut err = ApiError::validation();
            for (i, ch) in changes.iter().enumerate() {
                if !current.iter().any(|r| r.assignment_id == ch.assignment_id) {
                    err = err.field(format!("changes[{i}].assignment_id"), "不是本學期本校的合開課程教師", "not a co-taught course teacher of this school's current term");
                }
            }
            if !err.fields.is_empty() {
                return Err(err);
            }
            for ch in &changes {
                diesel::update(ta::table.find(ch.assignment_id)).set((ta::can_certify.eq(ch.can_certify), ta::updated_at.eq(now))).execute(c)?;
            }
            let detail = changes.iter().map(|ch| format!("{}={}", ch.assignment_id, ch.can_certify)).collect::<Vec<_>>().join(",");
            audit::record(c, Event { school_id: Some(school), user_id: me, actor: Some(&actor), event: EventKind::CoTaughtCertifiersChanged, detail: Some(detail), client: Some(&client) }, now)?;
            let ids: Vec<i64> = changes.iter().map(|ch| ch.assignment_id).collect();
            Ok(web::Json(rows(c, school, term)?.into_iter().filter(|r| ids.contains(&r.assignment_id)).collect()))
        })
        .await
}
