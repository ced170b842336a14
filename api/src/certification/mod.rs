//! Certification of course learning results (issue #7 §1, §2, §7; manual 3.5; FAQ 000 Q6;
//! FAQ 004 Q11–Q12; 003 #19, #23): a teacher's queue of their courses' results, and decisions —
//! certify, or reject with a reason — one or many at once, inside the teacher's certification
//! period. Only a teacher of the course decides, and in a co-taught course only those the admin
//! marked as certifiers. Every co-teacher sees the same state and history, with who decided.
//! Each decision is recorded in the result's history and in the student's notifications.

pub mod rules;

use std::collections::HashMap;

use actix_web::{get, post, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::identity::Role;
use crate::state::AppState;
use crate::auth::{Need, Principal};
use crate::db::DbConn;
use crate::delegates;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::notify::inbox;
use crate::pagination::{Page, PageQuery};
use crate::schema::{courses, learning_results as lr, selections, student_profiles as sp, teaching_assignments as ta, users};
use crate::settings::periods::{self, Item, Period};
use crate::terms::{self, Term};
use crate::uploads::access::Caller;
use crate::uploads::items::StudentFilter;
use crate::uploads::results::{self, LearningResult, LearningResultDetail, ResultFilter, ResultState, Scope};
use crate::responses::ReadPage;

pub use rules::Decision;

/// Only subject teachers have a certification queue.
const TEACHER: Need = Need::roles(&[Role::SubjectTeacher]);

fn teacher(who: &Principal) -> ApiResult<Caller> {
    who.require(TEACHER)?;
    Caller::of(who)
}

/// A teacher of a course as co-teachers see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseTeacher {
    pub teacher_id: i64,
    pub name: String,
    /// 是否審核 (manual 3.5).
    pub can_certify: bool,
}

/// Counts of one class in a course.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct StateCounts {
    /// 班級 of the students (a mixed-class course has several).
    pub class_code: String,
    /// 認證中: waiting for a decision.
    pub submitted: i64,
    pub certified: i64,
    pub rejected: i64,
}

/// One of the teacher's courses in the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueCourse {
    pub course_id: i64,
    pub course_code: String,
    pub subject_name: String,
    /// The course's class (empty for a mixed-class course).
    pub class_code: String,
    pub grade: i32,
    /// Whether this teacher may decide (false: a co-teacher the admin marked 否).
    pub can_certify: bool,
    /// Every teacher of the course.
    pub teachers: Vec<CourseTeacher>,
    /// Per class of the students, then the course's totals.
    pub classes: Vec<StateCounts>,
    pub submitted: i64,
    pub certified: i64,
    pub rejected: i64,
    /// The certification period for the course's grade, if the school set one.
    pub period: Option<Period>,
    /// Whether this teacher is here as a delegate certifier, not as a teacher of the course.
    pub as_delegate: bool,
    /// Active delegate certifiers of the course (003 #25), for every teacher of it to see.
    pub delegates: Vec<delegates::DelegateNote>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "term": {"academic_year": 115, "semester": 1}, "waiting": 5,
    "courses": [
        {
            "course_id": 31, "course_code": "108999999V1110201010102", "subject_name": "英語文", "class_code": "201", "grade": 2, "as_delegate": false,
            "can_certify": true, "submitted": 5, "certified": 28, "rejected": 2,
            "classes": [{"class_code": "201", "submitted": 5, "certified": 28, "rejected": 2}],
            "teachers": [{"teacher_id": 18, "name": "李美玲", "can_certify": true}], "delegates": [],
            "period": {
                "id": 8, "academic_year": 115, "semester": 1, "grade": 2, "item": "certify_results", "item_name": "老師認證學生學習成果時間",
                "start_date": "2026-11-02", "start_hour": 8, "end_date": "2026-11-30", "end_hour": 23, "starts_at": "2026-11-02T00:00:00Z",
                "ends_at": "2026-11-30T16:00:00Z", "open": true
            }
        }
    ]
}))]
pub struct Queue {
    pub term: Term,
    pub courses: Vec<QueueCourse>,
    /// Waiting results over all the courses this teacher may decide.
    pub waiting: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Term code, e.g. `1151` (default: the current term).
    #[param(pattern = r"^[0-9]{3}[0-2]$", example = "1151")]
    pub term: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"decision": "reject", "reason": "檔案內容與課程無關，請重新上傳本課程的作品。"}))]
pub struct DecisionInput {
    pub decision: Decision,
    /// Required to reject (the student sees it); at most 200 characters.
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"ids": [11, 12, 13], "decision": "certify"}))]
pub struct BatchDecisionInput {
    /// Learning results to decide, 1–200.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_items = 1, max_items = 200)]
    pub ids: Vec<i64>,
    pub decision: Decision,
    /// Required to reject; the same reason for all.
    pub reason: Option<String>,
}

/// Why one result of a batch was not decided.
#[derive(Debug, Serialize, ToSchema)]
pub struct Refusal {
    pub id: i64,
    /// The problem code it would have had alone (`not_found`, `not_certifier`, `invalid_state`, `period_closed`).
    pub code: String,
    pub detail: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionOutcome {
    /// Decided, in the order given.
    pub decided: Vec<i64>,
    pub refused: Vec<Refusal>,
}

/// The teacher's active assignments in `term`: course → can_certify; with the courses of the
/// term they certify as a delegate (003 #25), which they may decide.
fn my_assignments(c: &mut DbConn, me: Caller, term: Term) -> ApiResult<HashMap<i64, bool>> {
    let rows: Vec<(i64, bool)> = ta::table
        .inner_join(courses::table)
        .filter(ta::teacher_id.eq(me.user))
        .filter(ta::school_id.eq(me.school))
        .filter(ta::active.eq(true))
        .filter(courses::academic_year.eq(term.academic_year))
        .filter(courses::semester.eq(term.semester))
        .select((ta::course_id, ta::can_certify))
        .load(c)?;
    let mut mine: HashMap<i64, bool> = rows.into_iter().collect();
    let delegated: Vec<i64> = courses::table
        .filter(courses::id.eq_any(delegates::delegated_courses(c, me.school, me.user)?))
        .filter(courses::academic_year.eq(term.academic_year))
        .filter(courses::semester.eq(term.semester))
        .select(courses::id)
        .load(c)?;
    for course in delegated {
        // A delegate decides even where the school marked them 否 as a co-teacher: naming them is
        // the admin's later, explicit choice (003 #25).
        mine.insert(course, true);
    }
    Ok(mine)
}

fn term_of(c: &mut DbConn, school: i64, code: Option<&str>) -> ApiResult<Option<Term>> {
    match code {
        Some(code) => Ok(Some(results::parse_term(code)?)),
        None => terms::current(c, school),
    }
}

/// The queue overview: the teacher's courses of the term with counts per class and state.
pub fn queue(c: &mut DbConn, me: Caller, term: Term, now: NaiveDateTime) -> ApiResult<Queue> {
    let mine = my_assignments(c, me, term)?;
    let ids: Vec<i64> = mine.keys().copied().collect();
    let taught: Vec<i64> = ta::table.filter(ta::teacher_id.eq(me.user)).filter(ta::course_id.eq_any(&ids)).filter(ta::active.eq(true)).select(ta::course_id).load(c)?;
    let course_rows: Vec<(i64, String, String, String, i32)> = courses::table
        .filter(courses::id.eq_any(&ids))
        .order((courses::class_code.asc(), courses::course_code.asc()))
        .select((courses::id, courses::course_code, courses::subject_name, courses::class_code, courses::grade))
        .load(c)?;
    let teacher_rows: Vec<(i64, i64, String, bool)> = ta::table
        .inner_join(users::table.on(users::id.eq(ta::teacher_id)))
        .filter(ta::course_id.eq_any(&ids))
        .filter(ta::active.eq(true))
        .order(users::account.asc())
        .select((ta::course_id, users::id, users::display_name, ta::can_certify))
        .load(c)?;
    let counts: Vec<(i64, Option<String>, String)> = lr::table
        .left_join(sp::table.on(sp::user_id.eq(lr::student_id)))
        .filter(lr::course_id.eq_any(&ids))
        .filter(crate::uploads::live::<lr::table>())
        .filter(lr::state.ne(ResultState::Editing.as_str()))
        .select((lr::course_id, sp::class_code.nullable(), lr::state))
        .load(c)?;
    let mut out = Vec::new();
    let mut waiting = 0;
    // One period lookup per grade, not per course.
    let mut grade_periods: HashMap<i32, Option<Period>> = HashMap::new();
    for (course_id, course_code, subject_name, class_code, grade) in course_rows {
        let can_certify = mine.get(&course_id).copied().unwrap_or(false);
        let mut classes: Vec<StateCounts> = Vec::new();
        for (_, class, state) in counts.iter().filter(|r| r.0 == course_id) {
            let class = class.clone().unwrap_or_default();
            let idx = match classes.iter().position(|k| k.class_code == class) {
                Some(i) => i,
                None => {
                    classes.push(StateCounts { class_code: class, ..StateCounts::default() });
                    classes.len() - 1
                }
            };
            match ResultState::parse(state)? {
                ResultState::Submitted => classes[idx].submitted += 1,
                ResultState::Certified => classes[idx].certified += 1,
                ResultState::Rejected => classes[idx].rejected += 1,
                ResultState::Editing => {}
            }
        }
        classes.sort_by(|a, b| a.class_code.cmp(&b.class_code));
        let (submitted, certified, rejected) =
            classes.iter().fold((0, 0, 0), |(s, ce, r), k| (s + k.submitted, ce + k.certified, r + k.rejected));
        if can_certify {
            waiting += submitted;
        }
        let teachers = teacher_rows
            .iter()
            .filter(|t| t.0 == course_id)
            .map(|(_, teacher_id, name, can)| CourseTeacher { teacher_id: *teacher_id, name: name.clone(), can_certify: *can })
            .collect();
        let period = match grade_periods.get(&grade) {
            Some(p) => p.clone(),
            None => {
                let p = periods::find(c, me.school, Item::CertifyResults, grade, term, now)?;
                grade_periods.insert(grade, p.clone());
                p
            }
        };
        let as_delegate = !taught.contains(&course_id);
        let delegates = delegates::for_course(c, me.school, course_id)?;
        out.push(QueueCourse { course_id, course_code, subject_name, class_code, grade, can_certify, teachers, classes, submitted, certified, rejected, period, as_delegate, delegates });
    }
    Ok(Queue { term, courses: out, waiting })
}

/// Decides one result as `me`, inside the caller's transaction.
pub fn decide(c: &mut DbConn, me: Caller, id: i64, decision: Decision, reason: Option<&str>, now: NaiveDateTime) -> ApiResult<()> {
    let row: Option<(i64, i64, String, String, i32, i32)> = lr::table
        .inner_join(courses::table.on(courses::id.eq(lr::course_id)))
        .filter(lr::id.eq(id))
        .filter(lr::school_id.eq(me.school))
        .filter(crate::uploads::live::<lr::table>())
        .select((lr::student_id, lr::course_id, lr::state, courses::subject_name, lr::academic_year, lr::semester))
        .first(c)
        .optional()?;
    let (student, course, state, subject, academic_year, semester) = row.ok_or_else(ApiError::not_found)?;
    let assignment: Option<bool> = ta::table
        .filter(ta::course_id.eq(course))
        .filter(ta::teacher_id.eq(me.user))
        .filter(ta::active.eq(true))
        .select(ta::can_certify)
        .first(c)
        .optional()?;
    match assignment {
        Some(true) => {}
        // Named a delegate for the course (or one of its teachers) after being marked 否 (003 #25).
        Some(false) if delegates::is_delegate(c, me.school, me.user, course)? => {}
        Some(false) => {
            return Err(ApiError::with_detail(
                ErrorCode::NotCertifier,
                "學校已將您設定為這門合開課程的「不審核」教師，請由其他授課教師認證。",
                "The school marked you as a non-certifying teacher of this co-taught course.",
            ))
        }
        // A delegate the admin named for the course or for one of its teachers (003 #25).
        None if delegates::is_delegate(c, me.school, me.user, course)? => {}
        None => {
            // Homeroom teachers and advisers may see the result, but only its teachers decide.
            let vis = crate::uploads::access::visible(c, me)?;
            if !vis.result(student, course) {
                return Err(ApiError::not_found());
            }
            return Err(ApiError::new(ErrorCode::NotCertifier));
        }
    }
    let grade: i32 = sp::table.filter(sp::user_id.eq(student)).select(sp::grade).first(c).optional()?.unwrap_or(0);
    // The certification period of the result's own term, also after the school moved on (003 #3).
    periods::require_open_for(c, me.school, Item::CertifyResults, grade, crate::terms::Term { academic_year, semester }, now)?;
    let current = ResultState::parse(&state)?;
    let next = rules::next_state(current, decision).map_err(|(zh, en)| ApiError::with_detail(ErrorCode::InvalidState, zh, en))?;
    let reason = rules::reason(decision, reason).map_err(|(zh, en)| ApiError::validation().field("reason", zh, en))?;
    // Only from the state read above: a co-teacher deciding at the same moment wins or loses whole.
    let changed = diesel::update(lr::table.filter(lr::id.eq(id)).filter(lr::state.eq(current.as_str())))
        .set((
            lr::state.eq(next.as_str()),
            lr::reject_reason.eq(reason.as_deref()),
            lr::decided_at.eq(Some(now)),
            lr::decided_by.eq(Some(me.user)),
            lr::updated_at.eq(now),
        ))
        .execute(c)?;
    if changed != 1 {
        return Err(ApiError::with_detail(ErrorCode::InvalidState, "此學習成果剛被其他教師審核，請重新整理。", "Another teacher just decided this result; reload."));
    }
    let action = match decision {
        Decision::Certify => results::ResultAction::Certified,
        Decision::Reject => results::ResultAction::Rejected,
    };
    results::record(c, id, action, next, me.user, reason.as_deref(), now)?;
    let message = match decision {
        Decision::Certify => inbox::Message::ResultCertified { subject: subject.clone() },
        Decision::Reject => inbox::Message::ResultRejected { subject: subject.clone(), reason: reason.clone().unwrap_or_default() },
    };
    inbox::add(c, inbox::New { school_id: me.school, user_id: student, message, result_id: Some(id) }, now)?;
    if current == ResultState::Certified {
        // A result selected for submission that is no longer certified cannot stay selected.
        let dropped = diesel::delete(selections::table.filter(selections::item_kind.eq(crate::uploads::items::ItemKind::Result.as_str())).filter(selections::item_id.eq(id))).execute(c)?;
        if dropped > 0 {
            results::record(c, id, results::ResultAction::Unselected, next, me.user, None, now)?;
            inbox::add(
                c,
                inbox::New { school_id: me.school, user_id: student, message: inbox::Message::SelectionDropped { subject: subject.clone() }, result_id: Some(id) },
                now,
            )?;
        }
    }
    Ok(())
}

fn refusal(id: i64, e: &ApiError) -> Refusal {
    let detail = e.problem(crate::error::Lang::Zh).detail;
    Refusal { id, code: e.code.as_str().to_string(), detail }
}

/// 認證清單: the teacher's courses this term with counts per class and state.
#[utoipa::path(
    tag = "certification",
    params(QueueQuery),
    responses(
        (status = 200, description = "The teacher's courses with counts and the certification period", body = Queue),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a subject teacher", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/certification/courses")]
pub async fn certification_courses(state: web::Data<AppState>, who: Principal, q: web::Query<QueueQuery>) -> ApiResult<web::Json<Queue>> {
    let me = teacher(&who)?;
    let now = state.clock.now();
    let code = q.into_inner().term;
    state
        .db
        .read(move |c| {
            let term = match term_of(c, me.school, code.as_deref())? {
                Some(t) => t,
                None => terms::require_current(c, me.school)?,
            };
            Ok(web::Json(queue(c, me, term, now)?))
        })
        .await
}

/// 待認證學習成果: results of the teacher's courses (every state but `editing`), filtered by
/// course, class, state (e.g. `submitted`), student; with files and who decided.
#[utoipa::path(
    tag = "certification",
    params(ResultFilter, StudentFilter, PageQuery),
    responses(
        ReadPage,
        (status = 200, description = "One page of the teacher's courses' results", body = Page<LearningResult>),
        (status = 403, description = "Not a subject teacher", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/certification/results")]
pub async fn certification_results(state: web::Data<AppState>, who: Principal, filter: web::Query<ResultFilter>, students: web::Query<StudentFilter>, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<LearningResult>>> {
    let me = teacher(&who)?;
    let (page, per_page) = page.checked()?;
    let (filter, students) = (filter.into_inner(), students.into_inner());
    let totals = state.db.totals();
    state
        .db
        .read(move |c| {
            // The courses they teach, with those they certify as a delegate (003 #25), as
            // subqueries of the one statement. Editing results are the student's drafts: not
            // the teacher's business yet.
            Ok(web::Json(results::list_in(c, Some(&totals), me.school, &Scope::Certifier(me.user), (&filter, &students), false, page, per_page)?))
        })
        .await
}

/// 認證 / 認證失敗: decide one learning result (the course's certifying teacher only, inside the
/// certification period). Rejecting needs a reason; a certified result can be turned into
/// rejected (000 Q6), which also drops it from the student's selection.
#[utoipa::path(
    tag = "certification",
    params(("id" = i64, Path, description = "Learning result id")),
    request_body = DecisionInput,
    responses(
        (status = 200, description = "Decided; the result with its history", body = LearningResultDetail),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a subject teacher (`role_required`), not a certifier of this course (`not_certifier`) or outside the certification period (`period_closed`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such result the teacher may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Its state does not allow the decision (`invalid_state`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing or too long reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/learning-results/{id}/decision")]
pub async fn decide_result(state: web::Data<AppState>, who: Principal, id: web::Path<i64>, body: crate::http::JsonBody<DecisionInput>) -> ApiResult<web::Json<LearningResultDetail>> {
    let me = teacher(&who)?;
    // Read only after the caller is known to be allowed.
    let input = body.read().await?;
    let id = id.into_inner();
    let now = state.clock.now();
    state.db.write(move |c| decide(c, me, id, input.decision, input.reason.as_deref(), now)).await?;
    state
        .db
        .read(move |c| {
            let result = results::load_visible(c, me, id)?;
            let delegates = delegates::for_course(c, me.school, result.course_id)?;
            Ok(web::Json(LearningResultDetail { result, history: results::history(c, id)?, delegates }))
        })
        .await
}

/// 批次認證: decide many results at once with one decision (and one reason to reject). Each is
/// checked as if alone; the ones that cannot be decided are listed with their reason and the
/// others are decided.
#[utoipa::path(
    tag = "certification",
    request_body = BatchDecisionInput,
    responses(
        (status = 200, description = "What was decided and what was refused, with why", body = DecisionOutcome),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a subject teacher", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No ids, more than 200, or a missing/too long reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/certification/decisions")]
pub async fn decide_many(state: web::Data<AppState>, who: Principal, body: crate::http::JsonBody<BatchDecisionInput>) -> ApiResult<web::Json<DecisionOutcome>> {
    let me = teacher(&who)?;
    // Read only after the caller is known to be allowed.
    let input = body.read().await?;
    input.validate()?;
    rules::reason(input.decision, input.reason.as_deref()).map_err(|(zh, en)| ApiError::validation().field("reason", zh, en))?;
    let now = state.clock.now();
    let outcome = state
        .db
        .write(move |c| {
            let mut out = DecisionOutcome { decided: Vec::new(), refused: Vec::new() };
            // Each id once, in the order given (a repeated id is not refused as already decided).
            let mut seen = std::collections::HashSet::new();
            let ids: Vec<i64> = input.ids.iter().copied().filter(|id| seen.insert(*id)).collect();
            for id in ids {
                match decide(c, me, id, input.decision, input.reason.as_deref(), now) {
                    Ok(()) => out.decided.push(id),
                    // Database failures end the whole batch (nothing of it is kept).
                    Err(e) if e.code == ErrorCode::InternalError || e.code == ErrorCode::DatabaseUnavailable => return Err(e),
                    Err(e) => out.refused.push(refusal(id, &e)),
                }
            }
            Ok(out)
        })
        .await?;
    Ok(web::Json(outcome))
}
