//! Academic terms (學年期): ROC academic year + semester, written `1101` (year 110, semester 1);
//! semester 0 means the whole year.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{insert_rows, DbConn};
use crate::error::ApiResult;
use crate::identity::{Role, UserKind};
use crate::schema::{classes, consultant_classes as cc, consultant_students as cst, counselor_students as cs, courses, teaching_assignments, terms, user_roles, users};

/// Ordered by year, then semester.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
pub struct Term {
    /// ROC academic year, e.g. 110 for 2021-08 … 2022-07.
    pub academic_year: i32,
    /// 1 or 2; 0 = the whole year.
    pub semester: i32,
}

impl Term {
    /// `1101`-style code.
    pub fn code(&self) -> String {
        format!("{:03}{}", self.academic_year, self.semester)
    }

    /// Reads a `1101`-style code (three digits of year, one of semester 0–2).
    pub fn parse_code(code: &str) -> Option<Term> {
        if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let semester: i32 = code[3..].parse().ok()?;
        (semester <= 2).then_some(Term { academic_year: code[..3].parse().ok()?, semester })
    }

    /// The term a date falls in by the calendar: the academic year starts on 1 August,
    /// semester 2 on 1 February. (The school's current term follows its sync data; this is the
    /// default before any sync.)
    pub fn for_date(date: NaiveDate) -> Term {
        let (year, month) = (date.year(), date.month());
        if month >= 8 {
            Term { academic_year: year - 1911, semester: 1 }
        } else if month == 1 {
            Term { academic_year: year - 1912, semester: 1 }
        } else {
            Term { academic_year: year - 1912, semester: 2 }
        }
    }
}

/// The school's current term, if one is set.
/// The school's current term, refusing with 409 before the first sync gave it one.
pub fn require_current(conn: &mut DbConn, school_id: i64) -> ApiResult<Term> {
    current(conn, school_id)?.ok_or_else(|| crate::error::ApiError::conflict("學校尚無學年期（尚未同步校務資料）。", "The school has no term yet."))
}

pub fn current(conn: &mut DbConn, school_id: i64) -> ApiResult<Option<Term>> {
    Ok(terms::table
        .filter(terms::school_id.eq(school_id))
        .filter(terms::is_current.eq(true))
        .select((terms::academic_year, terms::semester))
        .first::<(i32, i32)>(conn)
        .optional()?
        .map(|(academic_year, semester)| Term { academic_year, semester }))
}

/// Makes `term` the school's current term, creating it if needed.
pub fn set_current(conn: &mut DbConn, school_id: i64, term: Term, now: NaiveDateTime) -> ApiResult<()> {
    diesel::update(terms::table.filter(terms::school_id.eq(school_id)))
        .set(terms::is_current.eq(false))
        .execute(conn)?;
    let updated = diesel::update(
        terms::table
            .filter(terms::school_id.eq(school_id))
            .filter(terms::academic_year.eq(term.academic_year))
            .filter(terms::semester.eq(term.semester)),
    )
    .set(terms::is_current.eq(true))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(terms::table)
            .values((
                terms::school_id.eq(school_id),
                terms::academic_year.eq(term.academic_year),
                terms::semester.eq(term.semester),
                terms::is_current.eq(true),
                terms::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn calendar_terms() {
        assert_eq!(Term::for_date(d(2021, 8, 1)).code(), "1101");
        assert_eq!(Term::for_date(d(2022, 1, 31)).code(), "1101");
        assert_eq!(Term::for_date(d(2022, 2, 1)).code(), "1102");
        assert_eq!(Term::for_date(d(2022, 7, 31)).code(), "1102");
        assert_eq!(Term::for_date(d(2026, 11, 22)).code(), "1151");
    }
}

/// The term before `t`: semester 2 → semester 1 of the same year; semester 1 → semester 2 of
/// the year before.
pub fn previous(t: Term) -> Term {
    if t.semester >= 2 {
        Term { academic_year: t.academic_year, semester: 1 }
    } else {
        Term { academic_year: t.academic_year - 1, semester: 2 }
    }
}

/// The latest term the school has a record of.
pub fn latest(conn: &mut DbConn, school_id: i64) -> ApiResult<Option<Term>> {
    Ok(terms::table
        .filter(terms::school_id.eq(school_id))
        .order((terms::academic_year.desc(), terms::semester.desc()))
        .select((terms::academic_year, terms::semester))
        .first::<(i32, i32)>(conn)
        .optional()?
        .map(|(academic_year, semester)| Term { academic_year, semester }))
}

/// Staff rows are deleted and inserted in chunks of this many.
const CHUNK: usize = 500;

/// Subject-teacher and homeroom roles follow the current term's teaching assignments and classes
/// (other roles and role groups carry over from term to term, FAQ 000 三 Q1).
pub fn derive_teaching_roles(c: &mut DbConn, school_id: i64) -> ApiResult<()> {
    // Only synced staff (with a staff number): roles given in Licheng itself stay.
    let staff: Vec<i64> = users::table
        .filter(users::school_id.eq(school_id))
        .filter(users::kind.eq(UserKind::Staff.as_str()))
        .filter(users::number.is_not_null())
        .select(users::id)
        .load(c)?;
    let derived = [Role::SubjectTeacher.as_str(), Role::HomeroomTeacher.as_str()];
    for chunk in staff.chunks(CHUNK) {
        diesel::delete(user_roles::table.filter(user_roles::user_id.eq_any(chunk)).filter(user_roles::role_code.eq_any(derived)))
            .execute(c)?;
    }
    let Some(term) = current(c, school_id)? else { return Ok(()) };
    let mut teachers: Vec<i64> = teaching_assignments::table
        .inner_join(courses::table)
        .filter(courses::school_id.eq(school_id))
        .filter(courses::academic_year.eq(term.academic_year))
        .filter(courses::semester.eq(term.semester))
        .filter(courses::active.eq(true))
        .filter(teaching_assignments::active.eq(true))
        .select(teaching_assignments::teacher_id)
        .distinct()
        .load(c)?;
    teachers.sort_unstable();
    teachers.dedup();
    let mut homerooms: Vec<i64> = classes::table
        .filter(classes::school_id.eq(school_id))
        .filter(classes::academic_year.eq(term.academic_year))
        .filter(classes::semester.eq(term.semester))
        .filter(classes::active.eq(true))
        .filter(classes::homeroom_user_id.is_not_null())
        .select(classes::homeroom_user_id.assume_not_null())
        .load(c)?;
    homerooms.sort_unstable();
    homerooms.dedup();
    let rows: Vec<_> = teachers
        .iter()
        .map(|id| (user_roles::user_id.eq(*id), user_roles::role_code.eq(Role::SubjectTeacher.as_str())))
        .chain(homerooms.iter().map(|id| (user_roles::user_id.eq(*id), user_roles::role_code.eq(Role::HomeroomTeacher.as_str()))))
        .collect();
    for chunk in rows.chunks(CHUNK) {
        insert_rows!(c, user_roles::table, chunk.to_vec())?;
    }
    Ok(())
}

/// Course-consultant and counselor roles follow this term's assignments.
pub fn derive_advisor_roles(c: &mut DbConn, school: i64) -> ApiResult<()> {
    let staff: Vec<i64> = users::table
        .filter(users::school_id.eq(school))
        .filter(users::kind.eq(UserKind::Staff.as_str()))
        .select(users::id)
        .load(c)?;
    let derived = [Role::CourseConsultant.as_str(), Role::Counselor.as_str()];
    diesel::delete(user_roles::table.filter(user_roles::user_id.eq_any(&staff)).filter(user_roles::role_code.eq_any(derived))).execute(c)?;
    let Some(term) = current(c, school)? else { return Ok(()) };
    let mut consultants: Vec<i64> = cc::table
        .filter(cc::school_id.eq(school))
        .filter(cc::academic_year.eq(term.academic_year))
        .filter(cc::semester.eq(term.semester))
        .select(cc::teacher_id)
        .load(c)?;
    consultants.extend(
        cst::table
            .filter(cst::school_id.eq(school))
            .filter(cst::academic_year.eq(term.academic_year))
            .filter(cst::semester.eq(term.semester))
            .select(cst::teacher_id)
            .load::<i64>(c)?,
    );
    consultants.sort_unstable();
    consultants.dedup();
    let mut counselors: Vec<i64> = cs::table
        .filter(cs::school_id.eq(school))
        .filter(cs::academic_year.eq(term.academic_year))
        .filter(cs::semester.eq(term.semester))
        .select(cs::teacher_id)
        .load(c)?;
    counselors.sort_unstable();
    counselors.dedup();
    for (ids, role) in [(consultants, Role::CourseConsultant), (counselors, Role::Counselor)] {
        for id in ids {
            diesel::insert_into(user_roles::table)
                .values((user_roles::user_id.eq(id), user_roles::role_code.eq(role.as_str())))
                .execute(c)?;
        }
    }
    Ok(())
}

/// The school-term screens: every role reads the terms; the admin (module S0213S) switches back
/// to the previous term and forward again (FAQ 000 二 Q2).
pub mod routes {
    use actix_web::{get, post, web, HttpRequest};
    use diesel::prelude::*;
    use serde::{Deserialize, Serialize};
    use utoipa::ToSchema;

    use super::Term;
    use crate::identity::Module;
    use crate::audit::{self, Event, EventKind};
    use crate::state::AppState;
    use crate::auth::{client_addr, Need, Op, Principal, Scope};
    use crate::error::{ApiError, ApiResult, Problem};
    use crate::schema::{schools, terms};

    #[derive(Debug, Serialize, ToSchema)]
    #[schema(example = json!({"academic_year": 115, "semester": 1, "code": "1151", "is_current": true}))]
    pub struct SchoolTerm {
        pub academic_year: i32,
        pub semester: i32,
        /// e.g. `1151`.
        pub code: String,
        pub is_current: bool,
    }

    #[derive(Debug, Serialize, ToSchema)]
    #[schema(example = json!({"term": {"academic_year": 115, "semester": 1, "code": "1151", "is_current": true}, "on_hold": false,
        "previous": {"academic_year": 114, "semester": 2, "code": "1142", "is_current": false}, "latest": {"academic_year": 115, "semester": 1, "code": "1151", "is_current": true}}))]
    pub struct CurrentTerm {
        /// The term every user of the school sees; null before the first sync.
        pub term: Option<SchoolTerm>,
        /// True while the admin holds the previous term: sync is paused and the term does not
        /// advance until the admin switches forward.
        pub on_hold: bool,
        /// The term a switch forward returns to (while on hold).
        pub latest: Option<SchoolTerm>,
        /// The term a switch back would go to (when not on hold).
        pub previous: Option<SchoolTerm>,
    }

    #[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Direction {
        /// Back to the previous term (pauses sync).
        Previous,
        /// Forward again to the latest term (resumes sync).
        Latest,
    }

    #[derive(Debug, Deserialize, ToSchema)]
    #[schema(example = json!({"to": "previous"}))]
    pub struct SwitchTerm {
        pub to: Direction,
    }

    fn view(t: Term, current: Option<Term>) -> SchoolTerm {
        SchoolTerm { academic_year: t.academic_year, semester: t.semester, code: t.code(), is_current: Some(t) == current }
    }

    fn current_view(c: &mut crate::db::DbConn, school: i64) -> ApiResult<CurrentTerm> {
        let current = super::current(c, school)?;
        let on_hold: bool = schools::table.find(school).select(schools::term_hold).first(c)?;
        let latest = super::latest(c, school)?;
        let previous = if on_hold { None } else { current.map(|t| view(super::previous(t), current)) };
        Ok(CurrentTerm { term: current.map(|t| view(t, current)), on_hold, latest: latest.map(|t| view(t, current)), previous })
    }

    /// The school's academic terms, newest first, with the current one marked.
    #[utoipa::path(
        tag = "terms",
        security(("bearer_jwt" = []), ("api_key" = [])),
        responses(
            (status = 200, description = "Terms", body = Vec<SchoolTerm>),
            (status = 403, description = "The platform operator, or an API key without `read`", body = Problem, content_type = "application/problem+json"),
        )
    )]
    #[get("/terms")]
    pub async fn list(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<SchoolTerm>>> {
        who.require(Need::any_user_or_scope(Scope::Read))?;
        let school = who.school_id()?;
        state
            .db
            .read(move |c| {
                let current = super::current(c, school)?;
                let rows: Vec<(i32, i32)> = terms::table
                    .filter(terms::school_id.eq(school))
                    .order((terms::academic_year.desc(), terms::semester.desc()))
                    .select((terms::academic_year, terms::semester))
                    .load(c)?;
                Ok(web::Json(rows.into_iter().map(|(academic_year, semester)| view(Term { academic_year, semester }, current)).collect()))
            })
            .await
    }

    /// The school's current term and whether the admin holds a previous term.
    #[utoipa::path(
    operation_id = "get_current_term",
        tag = "terms",
        security(("bearer_jwt" = []), ("api_key" = [])),
        responses(
            (status = 200, description = "The current term", body = CurrentTerm),
            (status = 403, description = "The platform operator, or an API key without `read`", body = Problem, content_type = "application/problem+json"),
        )
    )]
    #[get("/terms/current")]
    pub async fn get_current(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<CurrentTerm>> {
        who.require(Need::any_user_or_scope(Scope::Read))?;
        let school = who.school_id()?;
        state.db.read(move |c| Ok(web::Json(current_view(c, school)?))).await
    }

    /// Switch to the previous term (every user sees it; sync of both terms is refused and the
    /// term no longer advances) or forward again to the latest term (module S0213S).
    #[utoipa::path(
    operation_id = "switch_term",
        tag = "terms",
        request_body = SwitchTerm,
        responses(
            (status = 200, description = "Switched", body = CurrentTerm),
            (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
            (status = 403, description = "Neither the school admin nor granted module S0213S with update", body = Problem, content_type = "application/problem+json"),
            (status = 409, description = "Already on the previous term, not on hold, or no term yet", body = Problem, content_type = "application/problem+json"),
        )
    )]
    #[post("/terms/switch")]
    pub async fn switch(state: web::Data<AppState>, who: Principal, req: HttpRequest, body: crate::http::JsonBody<SwitchTerm>) -> ApiResult<web::Json<CurrentTerm>> {
        who.require(Need::module(Module::SchoolTerm, Op::Update))?;
        // Read only after the caller is known to be allowed.
        let body = body.read().await?;
        let school = who.school_id()?;
        let now = state.clock.now();
        let (me, actor, client) = (who.user_id(), who.actor(), client_addr(&req));
        let to = body.to;
        state
            .db
            .write(move |c| {
                let hold: bool = schools::table.find(school).select(schools::term_hold).first(c)?;
                let current = super::current(c, school)?
                    .ok_or_else(|| ApiError::conflict("學校尚無學年期（尚未同步校務資料）。", "The school has no term yet (no sync so far)."))?;
                let (target, new_hold) = match to {
                    Direction::Previous if hold => {
                        return Err(ApiError::conflict("已切換至前一學期；請先切回目前學期。", "Already on the previous term; switch forward first."));
                    }
                    Direction::Previous => (super::previous(current), true),
                    Direction::Latest if !hold => {
                        return Err(ApiError::conflict("目前已是最新學期。", "The school is on its latest term already."));
                    }
                    Direction::Latest => (super::latest(c, school)?.unwrap_or(current), false),
                };
                super::set_current(c, school, target, now)?;
                diesel::update(schools::table.find(school)).set((schools::term_hold.eq(new_hold), schools::updated_at.eq(now))).execute(c)?;
                super::derive_teaching_roles(c, school)?;
                super::derive_advisor_roles(c, school)?;
                audit::record(
                    c,
                    Event { school_id: Some(school), user_id: me, actor: Some(&actor), event: EventKind::TermSwitched, detail: Some(format!("{} → {}", current.code(), target.code())), client: Some(&client) },
                    now,
                )?;
                Ok(web::Json(current_view(c, school)?))
            })
            .await
    }
}
