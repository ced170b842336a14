//! Course consultants (manual 3.4, module S0204S) are given classes, counselors and department
//! heads (module S0210S) are given students — both for the current term, set again each term
//! (FAQ 000 三 Q1). They see the students so assigned; their roles follow the assignments.

use actix_web::{get, put, web, HttpRequest};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::identity::Module;
use crate::audit::{self, Event, EventKind};
use crate::identity::{Role, UserKind};
use crate::state::AppState;
use crate::auth::{client_addr, Need, Op, Principal, Scope};
use crate::db::{DbConn, Totals};
use crate::error::{ApiError, ApiResult, Problem};
use crate::pagination::{like_pattern, offset, total_from_page, Page, PageQuery};
use crate::schema::{classes, consultant_classes as cc, counselor_students as cs, student_profiles as sp, user_roles, users};
use crate::terms::{self, Term};
use crate::responses::ReadPage;

#[derive(Debug, Serialize, ToSchema, Queryable)]
#[schema(example = json!({"id": 12, "code": "201", "name": "二年一班", "grade": 2}))]
pub struct ClassRef {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub grade: i32,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "assigned": [{"id": 12, "code": "201", "name": "二年一班", "grade": 2}],
    "assignable": [{"id": 11, "code": "101", "name": "一年一班", "grade": 1}, {"id": 13, "code": "301", "name": "三年一班", "grade": 3}]
}))]
pub struct ConsultantClasses {
    /// 已設定班級.
    pub assigned: Vec<ClassRef>,
    /// 可設定班級: the term's other classes.
    pub assignable: Vec<ClassRef>,
}

#[derive(Debug, Serialize, ToSchema, Queryable)]
#[schema(example = json!({"id": 345, "account": "999999_114001", "name": "王小明", "grade": 2, "class_code": "201", "seat_no": 7}))]
pub struct StudentRef {
    pub id: i64,
    pub account: String,
    pub name: String,
    /// 班級.
    pub class_code: Option<String>,
    /// 座號.
    pub seat_no: Option<i32>,
    pub grade: i32,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 19, "account": "999999_T003", "name": "陳志強", "email": "t003@demo.licheng.example", "assigned": 3}))]
pub struct Advisor {
    pub id: i64,
    pub account: String,
    pub name: String,
    pub email: Option<String>,
    /// Classes (consultants) or students (counselors) assigned this term.
    pub assigned: i64,
}

#[derive(Debug, Deserialize, ToSchema, validator::Validate)]
#[schema(example = json!({"class_ids": [3, 4]}))]
pub struct ClassIds {
    /// The whole list (replaces the previous one), at most 500 classes.
    #[validate(length(max = 500))]
    #[schema(max_items = 500)]
    pub class_ids: Vec<i64>,
}

#[derive(Debug, Deserialize, ToSchema, validator::Validate)]
#[schema(example = json!({"student_ids": [101, 102, 107]}))]
pub struct StudentIds {
    /// The whole list (replaces the previous one), at most 5,000 students.
    #[validate(length(max = 5000))]
    #[schema(max_items = 5000)]
    pub student_ids: Vec<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeacherFilter {
    /// Part of the account or name.
    pub q: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleFilter {
    /// Part of the account or name.
    pub q: Option<String>,
    /// Students of this class only.
    pub class_code: Option<String>,
}

fn staff_of(c: &mut DbConn, school: i64, id: i64) -> ApiResult<()> {
    let n: i64 = users::table
        .filter(users::id.eq(id))
        .filter(users::school_id.eq(school))
        .filter(users::kind.eq(UserKind::Staff.as_str()))
        .count()
        .get_result(c)?;
    if n == 0 {
        return Err(ApiError::not_found());
    }
    Ok(())
}

fn term_classes(c: &mut DbConn, school: i64, term: Term) -> ApiResult<Vec<ClassRef>> {
    Ok(classes::table
        .filter(classes::school_id.eq(school))
        .filter(classes::academic_year.eq(term.academic_year))
        .filter(classes::semester.eq(term.semester))
        .filter(classes::active.eq(true))
        .order(classes::code.asc())
        .select((classes::id, classes::code, classes::name, classes::grade))
        .load(c)?)
}

fn assigned_class_ids(c: &mut DbConn, teacher: i64, term: Term) -> ApiResult<Vec<i64>> {
    Ok(cc::table
        .filter(cc::teacher_id.eq(teacher))
        .filter(cc::academic_year.eq(term.academic_year))
        .filter(cc::semester.eq(term.semester))
        .select(cc::class_id)
        .load(c)?)
}

/// Staff accounts that administer the school without teaching (the school's 管理者 account): not
/// listed as teachers to pick as consultants or counselors (issue #24).
fn admin_only(c: &mut DbConn) -> ApiResult<Vec<i64>> {
    use crate::identity::Role;
    let admins: Vec<i64> = user_roles::table.filter(user_roles::role_code.eq(Role::SchoolAdmin.as_str())).select(user_roles::user_id).load(c)?;
    if admins.is_empty() {
        return Ok(admins);
    }
    let teaching = [Role::SubjectTeacher, Role::HomeroomTeacher, Role::CourseConsultant, Role::Counselor].map(Role::as_str);
    let teachers: Vec<i64> = user_roles::table
        .filter(user_roles::user_id.eq_any(&admins))
        .filter(user_roles::role_code.eq_any(teaching))
        .select(user_roles::user_id)
        .load(c)?;
    Ok(admins.into_iter().filter(|id| !teachers.contains(id)).collect())
}

fn advisors(c: &mut DbConn, school: i64, q: Option<&str>, counts: &[i64], page: i64, per_page: i64) -> ApiResult<Page<Advisor>> {
    let excluded = admin_only(c)?;
    let query = || {
        let mut q2 = users::table
            .filter(users::school_id.eq(school))
            .filter(users::kind.eq(UserKind::Staff.as_str()))
            .filter(users::active.eq(true))
            .filter(users::id.ne_all(excluded.clone()))
            .into_boxed();
        if let Some(text) = q {
            let p = like_pattern(text);
            q2 = q2.filter(users::account.like(p.clone()).escape('\\').or(users::display_name.like(p).escape('\\')));
        }
        q2
    };
    let total: i64 = query().count().get_result(c)?;
    let rows: Vec<(i64, String, String, Option<String>)> = query()
        .order(users::account.asc())
        .limit(per_page)
        .offset(offset(page, per_page))
        .select((users::id, users::account, users::display_name, users::email))
        .load(c)?;
    let items = rows
        .into_iter()
        .map(|(id, account, name, email)| Advisor { id, account, name, email, assigned: counts.iter().filter(|t| **t == id).count() as i64 })
        .collect();
    Ok(Page::new(items, total, page, per_page))
}

/// Teachers with the number of classes each consults this term (設定課程諮詢教師).
#[utoipa::path(
    tag = "settings",
    params(TeacherFilter, PageQuery),
    responses(
        ReadPage,
        (status = 200, description = "One page of teachers", body = Page<Advisor>),
        (status = 403, description = "Neither the school admin nor granted module S0204S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/consultants")]
pub async fn list_consultants(state: web::Data<AppState>, who: Principal, filter: web::Query<TeacherFilter>, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<Advisor>>> {
    who.require(Need::module(Module::CourseConsultants, Op::View))?;
    advisor_page(state, who, filter, page, |c, school, term| {
        Ok(cc::table
            .filter(cc::school_id.eq(school))
            .filter(cc::academic_year.eq(term.academic_year))
            .filter(cc::semester.eq(term.semester))
            .select(cc::teacher_id)
            .load(c)?)
    })
    .await
}

/// A page of teachers, each with how many of its assignments `assigned` lists this term.
async fn advisor_page(
    state: web::Data<AppState>,
    who: Principal,
    filter: web::Query<TeacherFilter>,
    page: web::Query<PageQuery>,
    assigned: fn(&mut DbConn, i64, Term) -> ApiResult<Vec<i64>>,
) -> ApiResult<web::Json<Page<Advisor>>> {
    let school = who.school_id()?;
    let (page, per_page) = page.checked()?;
    let q = filter.into_inner().q.filter(|q| !q.trim().is_empty());
    state
        .db
        .read(move |c| {
            let term = terms::require_current(c, school)?;
            let counts = assigned(c, school, term)?;
            Ok(web::Json(advisors(c, school, q.as_deref(), &counts, page, per_page)?))
        })
        .await
}

/// A consultant's assigned and assignable classes this term.
#[utoipa::path(
    tag = "settings",
    params(("teacher_id" = i64, Path, description = "The teacher")),
    responses(
        (status = 200, description = "Assigned and assignable classes", body = ConsultantClasses),
        (status = 403, description = "Neither the school admin nor granted module S0204S", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such teacher in this school", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/consultants/{teacher_id}/classes")]
pub async fn get_consultant_classes(state: web::Data<AppState>, who: Principal, teacher: web::Path<i64>) -> ApiResult<web::Json<ConsultantClasses>> {
    who.require(Need::module(Module::CourseConsultants, Op::View))?;
    let school = who.school_id()?;
    let teacher = teacher.into_inner();
    state.db.read(move |c| consultant_classes(c, school, teacher).map(web::Json)).await
}

fn consultant_classes(c: &mut DbConn, school: i64, teacher: i64) -> ApiResult<ConsultantClasses> {
    staff_of(c, school, teacher)?;
    let term = terms::require_current(c, school)?;
    let ids = assigned_class_ids(c, teacher, term)?;
    let (assigned, assignable) = term_classes(c, school, term)?.into_iter().partition(|k| ids.contains(&k.id));
    Ok(ConsultantClasses { assigned, assignable })
}

/// Set a consultant's classes for this term (the whole list; removal is confirmed in the app).
#[utoipa::path(
    tag = "settings",
    params(("teacher_id" = i64, Path, description = "The teacher")),
    request_body = ClassIds,
    responses(
        (status = 200, description = "Saved", body = ConsultantClasses),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0204S with update", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such teacher in this school", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A class that is not this school's in the current term", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/consultants/{teacher_id}/classes")]
pub async fn put_consultant_classes(state: web::Data<AppState>, who: Principal, req: HttpRequest, teacher: web::Path<i64>, body: crate::http::JsonBody<ClassIds>) -> ApiResult<web::Json<ConsultantClasses>> {
    who.require(Need::module(Module::CourseConsultants, Op::Update))?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    validator::Validate::validate(&body)?;
    let school = who.school_id()?;
    let teacher = teacher.into_inner();
    let mut ids = body.class_ids;
    ids.sort_unstable();
    ids.dedup();
    let now = state.clock.now();
    let (me, actor, client) = (who.user_id(), who.actor(), client_addr(&req));
    state
        .db
        .write(move |c| {
            staff_of(c, school, teacher)?;
            let term = terms::require_current(c, school)?;
            let valid: Vec<i64> = term_classes(c, school, term)?.into_iter().map(|k| k.id).collect();
            let mut err = ApiError::validation();
            for (i, id) in ids.iter().enumerate() {
                if !valid.contains(id) {
                    err = err.field(format!("class_ids[{i}]"), "不是本校本學期的班級", "not a class of this school's current term");
                }
            }
            if !err.fields.is_empty() {
                return Err(err);
            }
            diesel::delete(cc::table.filter(cc::teacher_id.eq(teacher)).filter(cc::academic_year.eq(term.academic_year)).filter(cc::semester.eq(term.semester))).execute(c)?;
            for id in &ids {
                diesel::insert_into(cc::table)
                    .values((cc::school_id.eq(school), cc::academic_year.eq(term.academic_year), cc::semester.eq(term.semester), cc::teacher_id.eq(teacher), cc::class_id.eq(id)))
                    .execute(c)?;
            }
            terms::derive_advisor_roles(c, school)?;
            audit::record(c, Event { school_id: Some(school), user_id: me, actor: Some(&actor), event: EventKind::ConsultantClassesChanged, detail: Some(format!("teacher {teacher}: {} classes", ids.len())), client: Some(&client) }, now)?;
            Ok(web::Json(consultant_classes(c, school, teacher)?))
        })
        .await
}

// `+column` (SQLite and PostgreSQL): the column's value, but no index of the column serves the
// comparison.
diesel::prefix_operator!(Unindexed, "+", diesel::sql_types::BigInt);

/// One page of the school's students; `totals`: reuse the list's total while nothing changed
/// (see [`crate::db::Totals`]).
fn load_students(c: &mut DbConn, totals: Option<&Totals>, ids: Option<&[i64]>, school: i64, filter: &PeopleFilter, page: i64, per_page: i64) -> ApiResult<Page<StudentRef>> {
    let sqlite = matches!(c, DbConn::Sqlite(_));
    let build = || {
        let mut q = users::table
            .inner_join(sp::table.on(sp::user_id.eq(users::id)))
            // Filtering on the profile's school lets the planner walk student_profiles_school_class
            // in class and seat order instead of sorting the whole school for every page.
            .filter(sp::school_id.eq(school))
            .filter(users::kind.eq(UserKind::Student.as_str()))
            .filter(users::active.eq(true))
            .into_boxed();
        q = if sqlite {
            // `+users.school_id`: no index of users serves it, so SQLite's planner, which does not
            // know the page's LIMIT (the plan is made once for every page, issue #25), still
            // walks the profiles in order rather than sorting the whole school's students.
            q.filter(Unindexed::new(users::school_id).eq(school))
        } else {
            // PostgreSQL plans each run with its LIMIT while a custom plan is estimated cheaper
            // than the generic one; `+` would spoil the estimate (a few rows instead of the
            // school) and with it the ordered walk: 2.4 ms a page instead of 0.3 ms for 3,000.
            q.filter(users::school_id.eq(school))
        };
        if let Some(ids) = ids {
            q = q.filter(users::id.eq_any(ids.to_vec()));
        }
        if let Some(text) = filter.q.as_deref().filter(|t| !t.trim().is_empty()) {
            let p = like_pattern(text);
            q = q.filter(users::account.like(p.clone()).escape('\\').or(users::display_name.like(p).escape('\\')));
        }
        if let Some(class) = filter.class_code.as_deref().filter(|t| !t.trim().is_empty()) {
            q = q.filter(sp::class_code.eq(class.trim().to_string()));
        }
        q
    };
    let items: Vec<StudentRef> = build()
        .order((sp::class_code.asc(), sp::seat_no.asc(), users::account.asc()))
        .limit(per_page)
        .offset(offset(page, per_page))
        .select((users::id, users::account, users::display_name, sp::class_code, sp::seat_no, sp::grade))
        .load(c)?;
    // Counting the whole school is most of a page's cost: skipped when the page tells the
    // total, reused while nothing changed otherwise.
    let total = match (total_from_page(page, per_page, items.len()), totals) {
        (Some(total), _) => total,
        (None, Some(totals)) => totals.get_or(format!("students {school} {ids:?} {:?} {:?}", filter.q, filter.class_code), || Ok(build().count().get_result(c)?))?,
        (None, None) => build().count().get_result(c)?,
    };
    Ok(Page::new(items, total, page, per_page))
}

/// The school's students with class and seat (for pickers), searchable by account, name and class.
#[utoipa::path(
    tag = "settings",
    params(PeopleFilter, PageQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        ReadPage,
        (status = 200, description = "One page of students by class and seat", body = Page<StudentRef>),
        (status = 403, description = "Neither the school admin nor granted module S0210S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/students")]
pub async fn list_students(state: web::Data<AppState>, who: Principal, filter: web::Query<PeopleFilter>, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<StudentRef>>> {
    who.require(Need::module(Module::Counselors, Op::View).or_scope(Scope::Read))?;
    let school = who.school_id()?;
    let (page, per_page) = page.checked()?;
    let filter = filter.into_inner();
    let totals = state.db.totals();
    state.db.read(move |c| Ok(web::Json(load_students(c, Some(&totals), None, school, &filter, page, per_page)?))).await
}

/// Teachers with the number of students each counsels this term (查詢輔導教師).
#[utoipa::path(
    tag = "settings",
    params(TeacherFilter, PageQuery),
    responses(
        ReadPage,
        (status = 200, description = "One page of teachers", body = Page<Advisor>),
        (status = 403, description = "Neither the school admin nor granted module S0210S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/counselors")]
pub async fn list_counselors(state: web::Data<AppState>, who: Principal, filter: web::Query<TeacherFilter>, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<Advisor>>> {
    who.require(Need::module(Module::Counselors, Op::View))?;
    advisor_page(state, who, filter, page, |c, school, term| {
        Ok(cs::table
            .filter(cs::school_id.eq(school))
            .filter(cs::academic_year.eq(term.academic_year))
            .filter(cs::semester.eq(term.semester))
            .select(cs::teacher_id)
            .load(c)?)
    })
    .await
}

/// Who is assigned students one by one: counselors (S0210S), and course consultants besides their
/// classes (S0204S; FAQ 000 三 Q2: 「設定學生對應關係」…勾選好要選取的學生).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advising {
    Counselor,
    Consultant,
}

impl Advising {
    fn module(self) -> Module {
        match self {
            Advising::Counselor => Module::Counselors,
            Advising::Consultant => Module::CourseConsultants,
        }
    }

    fn event(self) -> EventKind {
        match self {
            Advising::Counselor => EventKind::CounselorStudentsChanged,
            Advising::Consultant => EventKind::ConsultantStudentsChanged,
        }
    }
}

macro_rules! advising_table {
    ($which:expr, $t:ident => $body:expr) => {
        match $which {
            Advising::Counselor => {
                use crate::schema::counselor_students as $t;
                $body
            }
            Advising::Consultant => {
                use crate::schema::consultant_students as $t;
                $body
            }
        }
    };
}

/// The students assigned one by one to `teacher` this term.
pub fn assigned_student_ids(c: &mut DbConn, which: Advising, teacher: i64, term: Term) -> ApiResult<Vec<i64>> {
    Ok(advising_table!(which, t => t::table
        .filter(t::teacher_id.eq(teacher))
        .filter(t::academic_year.eq(term.academic_year))
        .filter(t::semester.eq(term.semester))
        .select(t::student_id)
        .load(c)?))
}

fn counselor_student_ids(c: &mut DbConn, teacher: i64, term: Term) -> ApiResult<Vec<i64>> {
    assigned_student_ids(c, Advising::Counselor, teacher, term)
}

/// Replaces `teacher`'s students this term (all of this school's students, or `422`).
fn set_students(c: &mut DbConn, which: Advising, school: i64, teacher: i64, ids: &[i64], term: Term) -> ApiResult<()> {
    let valid: Vec<i64> = users::table
        .filter(users::school_id.eq(school))
        .filter(users::kind.eq(UserKind::Student.as_str()))
        .filter(users::id.eq_any(ids))
        .select(users::id)
        .load(c)?;
    let mut err = ApiError::validation();
    for (i, id) in ids.iter().enumerate() {
        if !valid.contains(id) {
            err = err.field(format!("student_ids[{i}]"), "不是本校學生", "not a student of this school");
        }
    }
    if !err.fields.is_empty() {
        return Err(err);
    }
    advising_table!(which, t => {
        diesel::delete(t::table.filter(t::teacher_id.eq(teacher)).filter(t::academic_year.eq(term.academic_year)).filter(t::semester.eq(term.semester))).execute(c)?;
        for id in ids {
            diesel::insert_into(t::table)
                .values((t::school_id.eq(school), t::academic_year.eq(term.academic_year), t::semester.eq(term.semester), t::teacher_id.eq(teacher), t::student_id.eq(id)))
                .execute(c)?;
        }
    });
    Ok(())
}

async fn get_students(state: &AppState, who: &Principal, which: Advising, teacher: i64) -> ApiResult<Vec<StudentRef>> {
    who.require(Need::module(which.module(), Op::View))?;
    let school = who.school_id()?;
    state
        .db
        .read(move |c| {
            staff_of(c, school, teacher)?;
            let term = terms::require_current(c, school)?;
            let ids = assigned_student_ids(c, which, teacher, term)?;
            let all = PeopleFilter { q: None, class_code: None };
            Ok(load_students(c, None, Some(&ids), school, &all, 1, 10_000)?.items)
        })
        .await
}

/// Most students one list may name (a whole school).
const MAX_STUDENT_IDS: usize = 5000;

async fn put_students(state: &AppState, who: &Principal, req: &HttpRequest, which: Advising, teacher: i64, body: crate::http::JsonBody<StudentIds>) -> ApiResult<Vec<StudentRef>> {
    who.require(Need::module(which.module(), Op::Update))?;
    let mut ids = body.read().await?.student_ids;
    if ids.len() > MAX_STUDENT_IDS {
        return Err(ApiError::validation().field(
            "student_ids",
            format!("最多 {MAX_STUDENT_IDS} 位學生"),
            format!("at most {MAX_STUDENT_IDS} students"),
        ));
    }
    let school = who.school_id()?;
    ids.sort_unstable();
    ids.dedup();
    let now = state.clock.now();
    let (me, actor, client) = (who.user_id(), who.actor(), client_addr(req));
    state
        .db
        .write(move |c| {
            staff_of(c, school, teacher)?;
            let term = terms::require_current(c, school)?;
            set_students(c, which, school, teacher, &ids, term)?;
            terms::derive_advisor_roles(c, school)?;
            audit::record(c, Event { school_id: Some(school), user_id: me, actor: Some(&actor), event: which.event(), detail: Some(format!("teacher {teacher}: {} students", ids.len())), client: Some(&client) }, now)?;
            let all = PeopleFilter { q: None, class_code: None };
            Ok(load_students(c, None, Some(&ids), school, &all, 1, 10_000)?.items)
        })
        .await
}

/// A counselor's students this term.
#[utoipa::path(
    tag = "settings",
    params(("teacher_id" = i64, Path, description = "The teacher")),
    responses(
        (status = 200, description = "Assigned students", body = Vec<StudentRef>),
        (status = 403, description = "Neither the school admin nor granted module S0210S", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such teacher in this school", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/counselors/{teacher_id}/students")]
pub async fn get_counselor_students(state: web::Data<AppState>, who: Principal, teacher: web::Path<i64>) -> ApiResult<web::Json<Vec<StudentRef>>> {
    Ok(web::Json(get_students(&state, &who, Advising::Counselor, teacher.into_inner()).await?))
}

/// Set a counselor's students for this term (the whole list).
#[utoipa::path(
    tag = "settings",
    params(("teacher_id" = i64, Path, description = "The teacher")),
    request_body = StudentIds,
    responses(
        (status = 200, description = "Saved", body = Vec<StudentRef>),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0210S with update", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such teacher in this school", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A student who is not this school's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/counselors/{teacher_id}/students")]
pub async fn put_counselor_students(state: web::Data<AppState>, who: Principal, req: HttpRequest, teacher: web::Path<i64>, body: crate::http::JsonBody<StudentIds>) -> ApiResult<web::Json<Vec<StudentRef>>> {
    Ok(web::Json(put_students(&state, &who, &req, Advising::Counselor, teacher.into_inner(), body).await?))
}

/// A course consultant's students this term, assigned one by one besides their classes
/// (FAQ 000 三 Q2).
#[utoipa::path(
    tag = "settings",
    params(("teacher_id" = i64, Path, description = "The teacher")),
    responses(
        (status = 200, description = "Assigned students", body = Vec<StudentRef>),
        (status = 403, description = "Neither the school admin nor granted module S0204S", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such teacher in this school", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/consultants/{teacher_id}/students")]
pub async fn get_consultant_students(state: web::Data<AppState>, who: Principal, teacher: web::Path<i64>) -> ApiResult<web::Json<Vec<StudentRef>>> {
    Ok(web::Json(get_students(&state, &who, Advising::Consultant, teacher.into_inner()).await?))
}

/// Set a course consultant's students for this term (the whole list; FAQ 000 三 Q2: 「設定學生
/// 對應關係」…勾選好要選取的學生後點選「確認儲存」). Their classes stay as they are.
#[utoipa::path(
    tag = "settings",
    params(("teacher_id" = i64, Path, description = "The teacher")),
    request_body = StudentIds,
    responses(
        (status = 200, description = "Saved", body = Vec<StudentRef>),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0204S with update", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such teacher in this school", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A student who is not this school's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/consultants/{teacher_id}/students")]
pub async fn put_consultant_students(state: web::Data<AppState>, who: Principal, req: HttpRequest, teacher: web::Path<i64>, body: crate::http::JsonBody<StudentIds>) -> ApiResult<web::Json<Vec<StudentRef>>> {
    Ok(web::Json(put_students(&state, &who, &req, Advising::Consultant, teacher.into_inner(), body).await?))
}

/// The students a consultant (by class and by assignment) or counselor (by assignment) advises
/// this term.
#[utoipa::path(
    tag = "settings",
    params(PeopleFilter, PageQuery),
    responses(
        ReadPage,
        (status = 200, description = "One page of the caller's advisees", body = Page<StudentRef>),
        (status = 403, description = "Neither a course consultant nor a counselor this term", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/advisees")]
pub async fn my_advisees(state: web::Data<AppState>, who: Principal, filter: web::Query<PeopleFilter>, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<StudentRef>>> {
    who.require(Need::roles(&[Role::CourseConsultant, Role::Counselor]))?;
    let school = who.school_id()?;
    let me = who.user()?.user.id;
    let (page, per_page) = page.checked()?;
    let filter = filter.into_inner();
    state
        .db
        .read(move |c| {
            let term = terms::require_current(c, school)?;
            let class_codes: Vec<String> = cc::table
                .inner_join(classes::table)
                .filter(cc::teacher_id.eq(me))
                .filter(cc::academic_year.eq(term.academic_year))
                .filter(cc::semester.eq(term.semester))
                .select(classes::code)
                .load(c)?;
            let mut ids: Vec<i64> = sp::table
                .filter(sp::school_id.eq(school))
                .filter(sp::class_code.eq_any(class_codes))
                .select(sp::user_id)
                .load(c)?;
            ids.extend(counselor_student_ids(c, me, term)?);
            ids.extend(assigned_student_ids(c, Advising::Consultant, me, term)?);
            ids.sort_unstable();
            ids.dedup();
            Ok(web::Json(load_students(c, None, Some(&ids), school, &filter, page, per_page)?))
        })
        .await
}

/// The current term's classes (for class filters and pickers).
#[utoipa::path(
    tag = "settings",
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "Classes by code", body = Vec<ClassRef>),
        (status = 403, description = "A student, or an API key without `read`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/classes")]
pub async fn list_classes(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<ClassRef>>> {
    if let Principal::User(u) = &who {
        if UserKind::parse(&u.user.kind) != Some(UserKind::Staff) {
            return Err(ApiError::with_detail(crate::error::ErrorCode::RoleRequired, "此功能限教職員使用。", "This is for staff."));
        }
    } else {
        who.require(Need::roles(&[]).or_scope(Scope::Read))?;
    }
    let school = who.school_id()?;
    state
        .db
        .read(move |c| {
            let term = terms::require_current(c, school)?;
            Ok(web::Json(term_classes(c, school, term)?))
        })
        .await
}
