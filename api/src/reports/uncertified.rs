//! 未認證教師狀況表 (manual 4.4, module S0216S): the teachers who still have learning results
//! waiting for their certification this term, and per teacher the students and courses waiting.
//!
//! A result waits (未認證) while it is live and `submitted`. It waits for every teacher with an
//! active teaching assignment of its course that certifies (`can_certify`; in a co-taught course
//! the teachers the admin marked 否 do not certify, manual 3.5), so in a co-taught course it
//! counts once for each certifying teacher.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use actix_web::{get, web, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::identity::Module;
use crate::reporting::xlsx::{self, Cell, Sheet, XlsxFile};
use crate::reporting::{class_seat_key, file_name, people, resolve_term, Person, TermQuery};
use crate::identity::UserKind;
use crate::state::AppState;
use crate::auth::{Need, Op, Principal, Scope};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, Problem};
use crate::schema::{courses, learning_results as lr, teaching_assignments as ta, users};
use crate::terms::Term;
use crate::uploads::results::ResultState;

/// The module of this report.
pub const MODULE: Module = Module::UncertifiedTeachers;

/// A teacher with results waiting for their certification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"teacher_id": 18, "account": "999999_T002", "name": "李美玲", "waiting": 12, "departed": false, "delegate": null}))]
pub struct UncertifiedTeacher {
    pub teacher_id: i64,
    pub account: String,
    /// 教師姓名.
    pub name: String,
    /// 未認證數量: submitted results in the teacher's certifying courses of the term.
    pub waiting: i64,
    /// The teacher's account is no longer active (left the school, meeting 003 #25): their
    /// waiting results need a delegate certifier.
    pub departed: bool,
    /// The delegate certifier the admin named for this teacher, if any.
    pub delegate: Option<String>,
}

/// One student's results in one course waiting for the teacher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "student_id": 345, "account": "999999_114001", "number": "114001", "name": "吳承恩", "class_code": "201", "seat_no": 1, "course_id": 32,
    "subject_name": "英語文", "waiting": 1
}))]
pub struct UncertifiedStudent {
    pub student_id: i64,
    /// 班級 (the student's class).
    pub class_code: Option<String>,
    /// 座號.
    pub seat_no: Option<i32>,
    pub account: String,
    /// 學號.
    pub number: Option<String>,
    /// 姓名.
    pub name: String,
    pub course_id: i64,
    /// 科目.
    pub subject_name: String,
    /// 待認證數量.
    pub waiting: i64,
}

/// One waiting result as seen by one of its certifying teachers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WaitingRow {
    pub teacher_id: i64,
    pub result_id: i64,
    pub student_id: i64,
    pub course_id: i64,
}

/// The term's waiting results × certifying teachers (of one teacher if given).
pub fn waiting_rows(c: &mut DbConn, school: i64, term: Term, teacher: Option<i64>) -> ApiResult<Vec<WaitingRow>> {
    let mut q = lr::table
        .inner_join(ta::table.on(ta::course_id.eq(lr::course_id)))
        .filter(lr::school_id.eq(school))
        .filter(ta::school_id.eq(school))
        .filter(lr::state.eq(ResultState::Submitted.as_str()))
        .filter(crate::uploads::live::<lr::table>())
        .filter(lr::academic_year.eq(term.academic_year))
        .filter(ta::active.eq(true))
        .filter(ta::can_certify.eq(true))
        .into_boxed();
    if term.semester != 0 {
        q = q.filter(lr::semester.eq(term.semester));
    }
    if let Some(t) = teacher {
        q = q.filter(ta::teacher_id.eq(t));
    }
    let rows: Vec<(i64, i64, i64, i64)> = q.select((ta::teacher_id, lr::id, lr::student_id, lr::course_id)).load(c)?;
    let mut rows: Vec<WaitingRow> = rows.into_iter().map(|(teacher_id, result_id, student_id, course_id)| WaitingRow { teacher_id, result_id, student_id, course_id }).collect();
    // A teacher with two assignments of one course still waits for each result once.
    rows.sort_unstable();
    rows.dedup();
    Ok(rows)
}

/// Waiting results per teacher.
pub fn count_by_teacher(rows: &[WaitingRow]) -> BTreeMap<i64, i64> {
    let unique: BTreeSet<(i64, i64)> = rows.iter().map(|r| (r.teacher_id, r.result_id)).collect();
    let mut out = BTreeMap::new();
    for (teacher, _) in unique {
        *out.entry(teacher).or_default() += 1;
    }
    out
}

/// Waiting results per (teacher, student, course).
pub fn count_by_student_course(rows: &[WaitingRow]) -> BTreeMap<(i64, i64, i64), i64> {
    let unique: BTreeSet<(i64, i64, i64, i64)> = rows.iter().map(|r| (r.teacher_id, r.student_id, r.course_id, r.result_id)).collect();
    let mut out = BTreeMap::new();
    for (teacher, student, course, _) in unique {
        *out.entry((teacher, student, course)).or_default() += 1;
    }
    out
}

fn person(people: &HashMap<i64, Person>, id: i64) -> Person {
    people.get(&id).cloned().unwrap_or(Person { id, ..Person::default() })
}

/// Teachers with waiting results, most waiting first, then by account.
pub fn rank_teachers(counts: &BTreeMap<i64, i64>, people: &HashMap<i64, Person>) -> Vec<UncertifiedTeacher> {
    let mut out: Vec<UncertifiedTeacher> = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(id, n)| {
            let p = person(people, *id);
            UncertifiedTeacher { teacher_id: *id, account: p.account, name: p.name, waiting: *n, departed: false, delegate: None }
        })
        .collect();
    out.sort_by(|a, b| b.waiting.cmp(&a.waiting).then_with(|| a.account.cmp(&b.account)).then_with(|| a.teacher_id.cmp(&b.teacher_id)));
    out
}

/// One teacher's waiting students × courses, by class, seat, account and subject.
pub fn student_rows(teacher: i64, counts: &BTreeMap<(i64, i64, i64), i64>, people: &HashMap<i64, Person>, subjects: &HashMap<i64, String>) -> Vec<UncertifiedStudent> {
    let mut out: Vec<UncertifiedStudent> = counts
        .range((teacher, i64::MIN, i64::MIN)..=(teacher, i64::MAX, i64::MAX))
        .map(|((_, student, course), n)| {
            let p = person(people, *student);
            UncertifiedStudent {
                student_id: *student,
                class_code: p.class_code,
                seat_no: p.seat_no,
                account: p.account,
                number: p.number,
                name: p.name,
                course_id: *course,
                subject_name: subjects.get(course).cloned().unwrap_or_default(),
                waiting: *n,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        class_seat_key(&a.class_code, a.seat_no, &a.account)
            .cmp(&class_seat_key(&b.class_code, b.seat_no, &b.account))
            .then_with(|| a.subject_name.cmp(&b.subject_name))
            .then_with(|| a.course_id.cmp(&b.course_id))
    });
    out
}

/// The whole report of a term: the ranked teachers and each one's students.
#[derive(Debug, Default)]
pub struct Report {
    pub teachers: Vec<UncertifiedTeacher>,
    pub students: HashMap<i64, Vec<UncertifiedStudent>>,
}

pub fn report(c: &mut DbConn, school: i64, term: Term, teacher: Option<i64>) -> ApiResult<Report> {
    let rows = waiting_rows(c, school, term, teacher)?;
    let ids: Vec<i64> = rows.iter().flat_map(|r| [r.teacher_id, r.student_id]).collect();
    let people = people(c, school, &ids)?;
    let course_ids: BTreeSet<i64> = rows.iter().map(|r| r.course_id).collect();
    let subjects: HashMap<i64, String> = if course_ids.is_empty() {
        HashMap::new()
    } else {
        courses::table.filter(courses::id.eq_any(course_ids.into_iter().collect::<Vec<_>>())).select((courses::id, courses::subject_name)).load::<(i64, String)>(c)?.into_iter().collect()
    };
    let mut teachers = rank_teachers(&count_by_teacher(&rows), &people);
    let ids: Vec<i64> = teachers.iter().map(|t| t.teacher_id).collect();
    let departed: Vec<i64> = users::table.filter(users::id.eq_any(&ids)).filter(users::active.eq(false)).select(users::id).load(c)?;
    let delegates = crate::delegates::for_teachers(c, school, &ids)?;
    for t in &mut teachers {
        t.departed = departed.contains(&t.teacher_id);
        t.delegate = delegates.iter().find(|(id, _)| *id == t.teacher_id).map(|(_, name)| name.clone());
    }
    let per_course = count_by_student_course(&rows);
    let students = teachers.iter().map(|t| (t.teacher_id, student_rows(t.teacher_id, &per_course, &people, &subjects))).collect();
    Ok(Report { teachers, students })
}

/// A course whose results wait for nobody (meeting 003 #25: results never wait for nobody): no
/// active teacher of it certifies and no delegate is named for it or for one of its teachers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"course_id": 40, "course_code": "108999999V1110201010109", "subject_name": "自然科學探究與實作", "class_code": "", "waiting": 7}))]
pub struct UncertifiedCourse {
    pub course_id: i64,
    pub course_code: String,
    pub subject_name: String,
    /// The course's class (empty for a mixed-class course).
    pub class_code: String,
    /// Submitted results of the term waiting in the course.
    pub waiting: i64,
}

/// The term's courses with waiting results and nobody to certify them, by class and course code.
pub fn courses_without_certifier(c: &mut DbConn, school: i64, term: Term) -> ApiResult<Vec<UncertifiedCourse>> {
    let mut q = lr::table
        .inner_join(courses::table.on(courses::id.eq(lr::course_id)))
        .filter(lr::school_id.eq(school))
        .filter(lr::state.eq(ResultState::Submitted.as_str()))
        .filter(crate::uploads::live::<lr::table>())
        .filter(lr::academic_year.eq(term.academic_year))
        .into_boxed();
    if term.semester != 0 {
        q = q.filter(lr::semester.eq(term.semester));
    }
    let rows: Vec<(i64, String, String, String)> = q.select((courses::id, courses::course_code, courses::subject_name, courses::class_code)).load(c)?;
    let mut waiting: BTreeMap<(String, String, i64), (String, i64)> = BTreeMap::new();
    for (id, code, subject, class) in rows {
        waiting.entry((class, code, id)).or_insert((subject, 0)).1 += 1;
    }
    let mut out = Vec::new();
    for ((class_code, course_code, course_id), (subject_name, n)) in waiting {
        let certifiers: i64 = ta::table
            .inner_join(users::table.on(users::id.eq(ta::teacher_id)))
            .filter(ta::course_id.eq(course_id))
            .filter(ta::active.eq(true))
            .filter(ta::can_certify.eq(true))
            .filter(users::active.eq(true))
            .count()
            .get_result(c)?;
        if certifiers == 0 && crate::delegates::for_course(c, school, course_id)?.is_empty() {
            out.push(UncertifiedCourse { course_id, course_code, subject_name, class_code, waiting: n });
        }
    }
    Ok(out)
}

/// The two sheets of the download.
pub fn sheets(report: &Report) -> Vec<Sheet> {
    let mut teachers = Sheet::new("未認證教師", vec!["教師帳號", "教師姓名", "未認證數量"]);
    let mut students = Sheet::new("未認證學生清單", vec!["教師姓名", "班級", "座號", "學號", "姓名", "科目", "待認證數量"]);
    for t in &report.teachers {
        teachers.rows.push(vec![Cell::from(t.account.as_str()), Cell::from(t.name.as_str()), Cell::from(t.waiting)]);
        for s in report.students.get(&t.teacher_id).map(Vec::as_slice).unwrap_or_default() {
            students.rows.push(vec![
                Cell::from(t.name.as_str()),
                Cell::from(s.class_code.clone()),
                Cell::from(s.seat_no),
                Cell::from(s.number.clone()),
                Cell::from(s.name.as_str()),
                Cell::from(s.subject_name.as_str()),
                Cell::from(s.waiting),
            ]);
        }
    }
    vec![teachers, students]
}

fn staff_of(c: &mut DbConn, school: i64, teacher: i64) -> ApiResult<()> {
    let found: i64 = users::table
        .filter(users::id.eq(teacher))
        .filter(users::school_id.eq(school))
        .filter(users::kind.eq(UserKind::Staff.as_str()))
        .count()
        .get_result(c)?;
    if found == 0 {
        return Err(ApiError::not_found());
    }
    Ok(())
}

/// 未認證教師狀況表: the teachers with learning results waiting for their certification in the term, most first.
#[utoipa::path(
    tag = "reports",
    params(TermQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "Teachers with waiting results, by waiting count (descending) then account; empty when the school has no term", body = Vec<UncertifiedTeacher>),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0216S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/uncertified-teachers")]
pub async fn uncertified_teachers(state: web::Data<AppState>, who: Principal, query: web::Query<TermQuery>) -> ApiResult<web::Json<Vec<UncertifiedTeacher>>> {
    who.require(Need::module(MODULE, Op::View).or_scope(Scope::Read))?;
    let school = who.school_id()?;
    let asked = query.parsed()?;
    state
        .db
        .read(move |c| {
            let Some(term) = resolve_term(c, school, asked)? else { return Ok(web::Json(Vec::new())) };
            Ok(web::Json(report(c, school, term, None)?.teachers))
        })
        .await
}

/// 無人認證的課程: the term's courses with waiting results that no active teacher certifies and no
/// delegate was named for (meeting 003 #25), so the admin names one.
#[utoipa::path(
    tag = "reports",
    params(TermQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "Courses whose waiting results have nobody to certify them, by class and course code; empty when the school has no term", body = Vec<UncertifiedCourse>),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0216S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/uncertified-courses")]
pub async fn uncertified_courses(state: web::Data<AppState>, who: Principal, query: web::Query<TermQuery>) -> ApiResult<web::Json<Vec<UncertifiedCourse>>> {
    who.require(Need::module(MODULE, Op::View).or_scope(Scope::Read))?;
    let school = who.school_id()?;
    let asked = query.parsed()?;
    state
        .db
        .read(move |c| {
            let Some(term) = resolve_term(c, school, asked)? else { return Ok(web::Json(Vec::new())) };
            Ok(web::Json(courses_without_certifier(c, school, term)?))
        })
        .await
}

/// 未認證學生清單: one teacher's students and courses with results waiting for that teacher in the term.
#[utoipa::path(
    tag = "reports",
    params(("teacher_id" = i64, Path, description = "The teacher (a staff account of the school)"), TermQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "The teacher's waiting results per student and course, by class and seat", body = Vec<UncertifiedStudent>),
        (status = 400, description = "Malformed term or id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0216S", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such staff account in this school", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/uncertified-teachers/{teacher_id}/students")]
pub async fn uncertified_students(state: web::Data<AppState>, who: Principal, path: web::Path<i64>, query: web::Query<TermQuery>) -> ApiResult<web::Json<Vec<UncertifiedStudent>>> {
    who.require(Need::module(MODULE, Op::View).or_scope(Scope::Read))?;
    let school = who.school_id()?;
    let teacher = path.into_inner();
    let asked = query.parsed()?;
    state
        .db
        .read(move |c| {
            staff_of(c, school, teacher)?;
            let Some(term) = resolve_term(c, school, asked)? else { return Ok(web::Json(Vec::new())) };
            let mut report = report(c, school, term, Some(teacher))?;
            Ok(web::Json(report.students.remove(&teacher).unwrap_or_default()))
        })
        .await
}

/// 未認證教師狀況表 as an Excel workbook: sheet 未認證教師 and sheet 未認證學生清單.
#[utoipa::path(
    tag = "reports",
    params(TermQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "The workbook, as an attachment named 未認證教師狀況表_{term}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0216S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/uncertified-teachers.xlsx")]
pub async fn uncertified_xlsx(state: web::Data<AppState>, who: Principal, query: web::Query<TermQuery>) -> ApiResult<HttpResponse> {
    who.require(Need::module(MODULE, Op::View).or_scope(Scope::Read))?;
    let school = who.school_id()?;
    let asked = query.parsed()?;
    let (bytes, term) = state
        .db
        .read(move |c| {
            let term = resolve_term(c, school, asked)?;
            let report = match term {
                Some(t) => report(c, school, t, None)?,
                None => Report::default(),
            };
            Ok((xlsx::workbook(&sheets(&report))?, term))
        })
        .await?;
    let code = term.map(|t| t.code());
    Ok(xlsx::attachment(bytes, &file_name("未認證教師狀況表", code.clone()), &file_name("uncertified-teachers", code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(teacher_id: i64, result_id: i64, student_id: i64, course_id: i64) -> WaitingRow {
        WaitingRow { teacher_id, result_id, student_id, course_id }
    }

    fn p(id: i64, account: &str, class: Option<&str>, seat: Option<i32>) -> (i64, Person) {
        (id, Person { id, account: account.into(), number: None, name: format!("n{id}"), class_code: class.map(String::from), seat_no: seat })
    }

    #[test]
    fn counts_each_result_once_per_certifying_teacher() {
        // Result 10 is in a co-taught course: it waits for both teachers 1 and 2.
        let rows = [w(1, 10, 100, 7), w(2, 10, 100, 7), w(1, 11, 100, 7), w(1, 11, 100, 7), w(1, 12, 101, 8)];
        assert_eq!(count_by_teacher(&rows), BTreeMap::from([(1, 3), (2, 1)]));
        assert_eq!(count_by_student_course(&rows), BTreeMap::from([((1, 100, 7), 2), ((1, 101, 8), 1), ((2, 100, 7), 1)]));
    }

    #[test]
    fn teachers_rank_by_waiting_then_account() {
        let people: HashMap<i64, Person> = [p(1, "t_b", None, None), p(2, "t_a", None, None), p(3, "t_c", None, None)].into_iter().collect();
        let ranked = rank_teachers(&BTreeMap::from([(1, 2), (2, 2), (3, 5), (4, 0)]), &people);
        let order: Vec<(&str, i64)> = ranked.iter().map(|t| (t.account.as_str(), t.waiting)).collect();
        assert_eq!(order, [("t_c", 5), ("t_a", 2), ("t_b", 2)]);
    }

    #[test]
    fn students_sort_by_class_and_seat() {
        let people: HashMap<i64, Person> = [p(100, "s1", Some("201"), Some(2)), p(101, "s2", Some("101"), Some(9)), p(102, "s3", None, None)].into_iter().collect();
        let subjects = HashMap::from([(7, "數學".to_string()), (8, "國語文".to_string())]);
        let counts = BTreeMap::from([((1, 100, 7), 2), ((1, 101, 8), 1), ((1, 102, 8), 1), ((2, 100, 7), 4)]);
        let rows = student_rows(1, &counts, &people, &subjects);
        let got: Vec<(&str, &str, i64)> = rows.iter().map(|r| (r.account.as_str(), r.subject_name.as_str(), r.waiting)).collect();
        assert_eq!(got, [("s2", "國語文", 1), ("s1", "數學", 2), ("s3", "國語文", 1)]);
    }
}
