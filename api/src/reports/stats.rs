//! The three statistics of the manual's 查詢 menu as their own screens (issue #23 item 3; module
//! S0215S, as the usage report that folds them into one, which stays):
//! - 學習成果上傳統計: the term's live learning results by the student's grade, class and the
//!   subject, by state, with how many students uploaded them;
//! - 學習成果使用人數統計表: per grade and class the students, those with at least one live result
//!   (使用人數) and the results, with grade subtotals and the school's total;
//! - 教師學習成果認證統計表: per teacher the results they certified and rejected and those waiting
//!   for them.
//!
//! Each is filterable by term, grade and class (the student's), and has an .xlsx download.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use actix_web::{get, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::uncertified::{count_by_teacher, waiting_rows};
use super::usage::{by_teacher, certifiers, UsageTeacher, MODULE};
use crate::reporting::xlsx::{self, Cell, Sheet, XlsxFile};
use crate::reporting::{file_name, people, resolve_term, TermQuery};
use crate::identity::UserKind;
use crate::state::AppState;
use crate::auth::{Need, Op, Principal, Scope};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::schema::{courses, learning_results as lr, student_profiles as sp, users};
use crate::terms::Term;
use crate::uploads::results::ResultState;

/// `?term=1151&grade=2&class_code=201`.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// 學年期, e.g. `1151` (default: the school's current term); semester `0`: the whole year.
    #[param(pattern = r"^\s*([0-9]{3}[0-2])?\s*$", example = "1151")]
    pub term: Option<String>,
    /// 年級 of the students (1–3).
    #[param(minimum = 1, maximum = 3)]
    pub grade: Option<i32>,
    /// 班級 of the students, exactly.
    pub class_code: Option<String>,
}

/// A checked filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub grade: Option<i32>,
    pub class_code: Option<String>,
}

impl StatsQuery {
    pub fn checked(&self) -> ApiResult<(Option<Term>, Filter)> {
        let term = TermQuery { term: self.term.clone() }.parsed()?;
        if let Some(g) = self.grade {
            if !(1..=3).contains(&g) {
                return Err(ApiError::new(ErrorCode::InvalidQuery).field("grade", "年級須為 1 到 3。", "grade is 1 to 3"));
            }
        }
        let class_code = self.class_code.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
        Ok((term, Filter { grade: self.grade, class_code }))
    }
}

/// One live result of the term with its subject and its student's grade and class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatRow {
    pub result_id: i64,
    pub student_id: i64,
    pub state: ResultState,
    pub decided_by: Option<i64>,
    pub subject_name: String,
    pub grade: i32,
    pub class_code: String,
}

/// The term's live learning results of students matching the filter.
pub fn stat_rows(c: &mut DbConn, school: i64, term: Term, f: &Filter) -> ApiResult<Vec<StatRow>> {
    let mut q = lr::table
        .inner_join(courses::table.on(courses::id.eq(lr::course_id)))
        .inner_join(sp::table.on(sp::user_id.eq(lr::student_id)))
        .filter(lr::school_id.eq(school))
        .filter(crate::uploads::live::<lr::table>())
        .filter(lr::academic_year.eq(term.academic_year))
        .into_boxed();
    if term.semester != 0 {
        q = q.filter(lr::semester.eq(term.semester));
    }
    if let Some(g) = f.grade {
        q = q.filter(sp::grade.eq(g));
    }
    if let Some(class) = &f.class_code {
        q = q.filter(sp::class_code.eq(class.clone()));
    }
    let rows: Vec<(i64, i64, String, Option<i64>, String, i32, Option<String>)> =
        q.select((lr::id, lr::student_id, lr::state, lr::decided_by, courses::subject_name, sp::grade, sp::class_code)).load(c)?;
    rows.into_iter()
        .map(|(result_id, student_id, state, decided_by, subject_name, grade, class_code)| {
            Ok(StatRow {
                result_id,
                student_id,
                state: ResultState::parse(&state)?,
                decided_by,
                subject_name,
                grade,
                class_code: class_code.unwrap_or_default(),
            })
        })
        .collect()
}

/// Active students of the school matching the filter: (id, grade, class).
pub fn student_rows(c: &mut DbConn, school: i64, f: &Filter) -> ApiResult<Vec<(i64, i32, String)>> {
    let mut q = users::table
        .inner_join(sp::table.on(sp::user_id.eq(users::id)))
        .filter(users::school_id.eq(school))
        .filter(users::kind.eq(UserKind::Student.as_str()))
        .filter(users::active.eq(true))
        .into_boxed();
    if let Some(g) = f.grade {
        q = q.filter(sp::grade.eq(g));
    }
    if let Some(class) = &f.class_code {
        q = q.filter(sp::class_code.eq(class.clone()));
    }
    let rows: Vec<(i64, i32, Option<String>)> = q.select((users::id, sp::grade, sp::class_code)).load(c)?;
    Ok(rows.into_iter().map(|(id, g, class)| (id, g, class.unwrap_or_default())).collect())
}

// ---------------------------------------------------------------------------------------------
// 學習成果上傳統計

/// Results of one class and subject by state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct UploadStat {
    /// 年級 (of the students).
    pub grade: i32,
    /// 班級 (of the students).
    pub class_code: String,
    /// 科目.
    pub subject_name: String,
    /// 上傳人數: students with a live result here.
    pub students: i64,
    pub editing: i64,
    pub submitted: i64,
    pub certified: i64,
    pub rejected: i64,
    pub total: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "term": "1151",
    "rows": [
        {
            "grade": 2, "class_code": "201", "subject_name": "國語文", "students": 31, "editing": 3, "submitted": 5, "certified": 28, "rejected": 2,
            "total": 38
        }
    ],
    "total": {
        "grade": 0, "class_code": "", "subject_name": "", "students": 31, "editing": 3, "submitted": 5, "certified": 28, "rejected": 2, "total": 38
    }
}))]
pub struct UploadStats {
    pub term: Option<String>,
    /// By grade, class and subject.
    pub rows: Vec<UploadStat>,
    /// All rows together (`students`: distinct students).
    pub total: UploadStat,
}

fn count_state(s: &mut UploadStat, state: ResultState) {
    match state {
        ResultState::Editing => s.editing += 1,
        ResultState::Submitted => s.submitted += 1,
        ResultState::Certified => s.certified += 1,
        ResultState::Rejected => s.rejected += 1,
    }
    s.total += 1;
}

pub fn upload_stats(rows: &[StatRow]) -> (Vec<UploadStat>, UploadStat) {
    let mut groups: BTreeMap<(i32, &str, &str), (UploadStat, BTreeSet<i64>)> = BTreeMap::new();
    let mut total = UploadStat::default();
    let mut everyone = BTreeSet::new();
    for r in rows {
        let (s, students) = groups.entry((r.grade, r.class_code.as_str(), r.subject_name.as_str())).or_default();
        count_state(s, r.state);
        students.insert(r.student_id);
        count_state(&mut total, r.state);
        everyone.insert(r.student_id);
    }
    total.students = everyone.len() as i64;
    let out = groups
        .into_iter()
        .map(|((grade, class_code, subject_name), (s, students))| UploadStat {
            grade,
            class_code: class_code.to_string(),
            subject_name: subject_name.to_string(),
            students: students.len() as i64,
            ..s
        })
        .collect();
    (out, total)
}

fn upload_sheet(r: &UploadStats) -> Vec<Sheet> {
    let mut sheet = Sheet::new("學習成果上傳統計", vec!["年級", "班級", "科目", "上傳人數", "編輯中", "認證中", "認證成功", "認證失敗", "合計"]);
    let line = |s: &UploadStat, grade: Cell, class: Cell, subject: Cell| {
        vec![grade, class, subject, Cell::from(s.students), Cell::from(s.editing), Cell::from(s.submitted), Cell::from(s.certified), Cell::from(s.rejected), Cell::from(s.total)]
    };
    for s in &r.rows {
        sheet.rows.push(line(s, Cell::from(s.grade), Cell::from(s.class_code.as_str()), Cell::from(s.subject_name.as_str())));
    }
    sheet.rows.push(line(&r.total, Cell::from("合計"), Cell::Empty, Cell::Empty));
    vec![sheet]
}

// ---------------------------------------------------------------------------------------------
// 學習成果使用人數統計表

/// One class (or, with no class, a grade subtotal or the total).
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct UsageCount {
    /// 年級; null in the total.
    pub grade: Option<i32>,
    /// 班級; null in subtotals and the total.
    pub class_code: Option<String>,
    /// 學生數: active students.
    pub students: i64,
    /// 使用人數: students with at least one live learning result in the term.
    pub students_uploading: i64,
    /// 使用率 in percent (one decimal), 0 without students.
    pub rate: f64,
    /// Live learning results.
    pub results: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({
    "term": "1151", "by_class": [{"class_code": "201", "grade": 2, "students": 36, "students_uploading": 31, "results": 38, "rate": 86.1}],
    "by_grade": [{"class_code": null, "grade": 2, "students": 36, "students_uploading": 31, "results": 38, "rate": 86.1}],
    "total": {"class_code": null, "grade": null, "students": 36, "students_uploading": 31, "results": 38, "rate": 86.1}
}))]
pub struct UsageCounts {
    pub term: Option<String>,
    /// By grade and class.
    pub by_class: Vec<UsageCount>,
    /// By grade.
    pub by_grade: Vec<UsageCount>,
    pub total: UsageCount,
}

fn rate(uploading: i64, students: i64) -> f64 {
    if students == 0 {
        0.0
    } else {
        ((uploading as f64) * 1000.0 / (students as f64)).round() / 10.0
    }
}

/// Per class, grade and in total. A student uploading counts where their class is now; one
/// with results but no longer active counts as uploading, not as a student.
pub fn usage_counts(students: &[(i64, i32, String)], rows: &[StatRow]) -> (Vec<UsageCount>, Vec<UsageCount>, UsageCount) {
    #[derive(Default)]
    struct Acc {
        students: HashSet<i64>,
        uploading: HashSet<i64>,
        results: i64,
    }
    let mut classes: BTreeMap<(i32, String), Acc> = BTreeMap::new();
    for (id, grade, class) in students {
        classes.entry((*grade, class.clone())).or_default().students.insert(*id);
    }
    for r in rows {
        let a = classes.entry((r.grade, r.class_code.clone())).or_default();
        a.uploading.insert(r.student_id);
        a.results += 1;
    }
    let mut grades: BTreeMap<i32, UsageCount> = BTreeMap::new();
    let mut total = UsageCount::default();
    let mut by_class = Vec::new();
    for ((grade, class), a) in classes {
        let (s, u) = (a.students.len() as i64, a.uploading.len() as i64);
        by_class.push(UsageCount { grade: Some(grade), class_code: Some(class), students: s, students_uploading: u, rate: rate(u, s), results: a.results });
        let g = grades.entry(grade).or_insert_with(|| UsageCount { grade: Some(grade), ..UsageCount::default() });
        for t in [g, &mut total] {
            t.students += s;
            t.students_uploading += u;
            t.results += a.results;
        }
    }
    let mut by_grade: Vec<UsageCount> = grades.into_values().collect();
    for g in &mut by_grade {
        g.rate = rate(g.students_uploading, g.students);
    }
    total.rate = rate(total.students_uploading, total.students);
    (by_class, by_grade, total)
}

fn usage_count_sheet(r: &UsageCounts) -> Vec<Sheet> {
    let mut sheet = Sheet::new("學習成果使用人數統計表", vec!["年級", "班級", "學生數", "使用人數", "使用率", "學習成果數"]);
    let line = |u: &UsageCount, grade: Cell, class: Cell| vec![grade, class, Cell::from(u.students), Cell::from(u.students_uploading), Cell::from(format!("{:.1}%", u.rate)), Cell::from(u.results)];
    for u in &r.by_class {
        sheet.rows.push(line(u, Cell::from(u.grade), Cell::from(u.class_code.clone())));
    }
    for u in &r.by_grade {
        sheet.rows.push(line(u, Cell::from(u.grade), Cell::from("小計")));
    }
    sheet.rows.push(line(&r.total, Cell::from("合計"), Cell::Empty));
    vec![sheet]
}

// ---------------------------------------------------------------------------------------------
// 教師學習成果認證統計表

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "term": "1151", "teachers": [{"teacher_id": 17, "account": "999999_T001", "name": "王大明", "waiting": 4, "certified": 52, "rejected": 3}]
}))]
pub struct TeacherStats {
    pub term: Option<String>,
    /// By account.
    pub teachers: Vec<UsageTeacher>,
}

fn teacher_sheet(r: &TeacherStats) -> Vec<Sheet> {
    let mut sheet = Sheet::new("教師學習成果認證統計表", vec!["教師帳號", "教師姓名", "認證成功", "認證失敗", "未認證", "合計"]);
    for t in &r.teachers {
        sheet.rows.push(vec![
            Cell::from(t.account.as_str()),
            Cell::from(t.name.as_str()),
            Cell::from(t.certified),
            Cell::from(t.rejected),
            Cell::from(t.waiting),
            Cell::from(t.certified + t.rejected + t.waiting),
        ]);
    }
    vec![sheet]
}

// ---------------------------------------------------------------------------------------------
// Loading and handlers

fn load_uploads(c: &mut DbConn, school: i64, term: Option<Term>, f: &Filter) -> ApiResult<UploadStats> {
    let Some(term) = term else { return Ok(UploadStats::default()) };
    let (rows, total) = upload_stats(&stat_rows(c, school, term, f)?);
    Ok(UploadStats { term: Some(term.code()), rows, total })
}

fn load_usage_counts(c: &mut DbConn, school: i64, term: Option<Term>, f: &Filter) -> ApiResult<UsageCounts> {
    let Some(term) = term else { return Ok(UsageCounts::default()) };
    let (by_class, by_grade, total) = usage_counts(&student_rows(c, school, f)?, &stat_rows(c, school, term, f)?);
    Ok(UsageCounts { term: Some(term.code()), by_class, by_grade, total })
}

fn load_teachers(c: &mut DbConn, school: i64, term: Option<Term>, f: &Filter) -> ApiResult<TeacherStats> {
    let Some(term) = term else { return Ok(TeacherStats::default()) };
    let rows = stat_rows(c, school, term, f)?;
    let filtered = f.grade.is_some() || f.class_code.is_some();
    let mut waiting = waiting_rows(c, school, term, None)?;
    let everyone = if filtered {
        let in_filter: HashSet<i64> = student_rows(c, school, f)?.into_iter().map(|s| s.0).chain(rows.iter().map(|r| r.student_id)).collect();
        waiting.retain(|w| in_filter.contains(&w.student_id));
        Vec::new()
    } else {
        certifiers(c, school, term)?
    };
    let waiting = count_by_teacher(&waiting);
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.decided_by).chain(waiting.keys().copied()).chain(everyone.iter().copied()).collect();
    let people = people(c, school, &ids)?;
    Ok(TeacherStats { term: Some(term.code()), teachers: by_teacher(rows.iter().map(|r| (r.decided_by, r.state)), &waiting, &everyone, &people) })
}

const NEED: Need = Need::module(MODULE, Op::View).or_scope(Scope::Read);

async fn load<T: Send + 'static>(
    state: &AppState,
    who: &Principal,
    q: &StatsQuery,
    f: fn(&mut DbConn, i64, Option<Term>, &Filter) -> ApiResult<T>,
) -> ApiResult<T> {
    who.require(NEED)?;
    let school = who.school_id()?;
    let (asked, filter) = q.checked()?;
    state
        .db
        .read(move |c| {
            let term = resolve_term(c, school, asked)?;
            f(c, school, term, &filter)
        })
        .await
}

/// 學習成果上傳統計: live learning results by grade, class and subject, by state.
#[utoipa::path(
    tag = "reports",
    params(StatsQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "The statistics (empty without a term)", body = UploadStats),
        (status = 400, description = "Malformed term or grade", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0215S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/upload-stats")]
pub async fn upload_stats_report(state: web::Data<AppState>, who: Principal, q: web::Query<StatsQuery>) -> ApiResult<web::Json<UploadStats>> {
    Ok(web::Json(load(&state, &who, &q, load_uploads).await?))
}

/// 學習成果上傳統計 as an Excel workbook (with a 合計 row).
#[utoipa::path(
    tag = "reports",
    params(StatsQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "The workbook, named 學習成果上傳統計_{term}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Malformed term or grade", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0215S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/upload-stats.xlsx")]
pub async fn upload_stats_xlsx(state: web::Data<AppState>, who: Principal, q: web::Query<StatsQuery>) -> ApiResult<HttpResponse> {
    let r = load(&state, &who, &q, load_uploads).await?;
    let bytes = xlsx::workbook(&upload_sheet(&r))?;
    Ok(xlsx::attachment(bytes, &file_name("學習成果上傳統計", r.term.clone()), &file_name("upload-stats", r.term)))
}

/// 學習成果使用人數統計表: students and uploading students by grade and class.
#[utoipa::path(
    tag = "reports",
    params(StatsQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "The counts (empty without a term)", body = UsageCounts),
        (status = 400, description = "Malformed term or grade", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0215S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/usage-counts")]
pub async fn usage_counts_report(state: web::Data<AppState>, who: Principal, q: web::Query<StatsQuery>) -> ApiResult<web::Json<UsageCounts>> {
    Ok(web::Json(load(&state, &who, &q, load_usage_counts).await?))
}

/// 學習成果使用人數統計表 as an Excel workbook (classes, 小計 rows per grade, a 合計 row).
#[utoipa::path(
    tag = "reports",
    params(StatsQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "The workbook, named 學習成果使用人數統計表_{term}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Malformed term or grade", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0215S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/usage-counts.xlsx")]
pub async fn usage_counts_xlsx(state: web::Data<AppState>, who: Principal, q: web::Query<StatsQuery>) -> ApiResult<HttpResponse> {
    let r = load(&state, &who, &q, load_usage_counts).await?;
    let bytes = xlsx::workbook(&usage_count_sheet(&r))?;
    Ok(xlsx::attachment(bytes, &file_name("學習成果使用人數統計表", r.term.clone()), &file_name("usage-counts", r.term)))
}

/// 教師學習成果認證統計表: per teacher certified, rejected and waiting results.
#[utoipa::path(
    tag = "reports",
    params(StatsQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "Per teacher, by account (every certifier of the term when unfiltered)", body = TeacherStats),
        (status = 400, description = "Malformed term or grade", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0215S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/teacher-certifications")]
pub async fn teacher_certifications(state: web::Data<AppState>, who: Principal, q: web::Query<StatsQuery>) -> ApiResult<web::Json<TeacherStats>> {
    Ok(web::Json(load(&state, &who, &q, load_teachers).await?))
}

/// 教師學習成果認證統計表 as an Excel workbook.
#[utoipa::path(
    tag = "reports",
    params(StatsQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "The workbook, named 教師學習成果認證統計表_{term}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Malformed term or grade", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0215S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/teacher-certifications.xlsx")]
pub async fn teacher_certifications_xlsx(state: web::Data<AppState>, who: Principal, q: web::Query<StatsQuery>) -> ApiResult<HttpResponse> {
    let r = load(&state, &who, &q, load_teachers).await?;
    let bytes = xlsx::workbook(&teacher_sheet(&r))?;
    Ok(xlsx::attachment(bytes, &file_name("教師學習成果認證統計表", r.term.clone()), &file_name("teacher-certifications", r.term)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, student: i64, state: ResultState, by: Option<i64>, class: &str, subject: &str) -> StatRow {
        StatRow { result_id: id, student_id: student, state, decided_by: by, subject_name: subject.into(), grade: class[..1].parse().unwrap(), class_code: class.into() }
    }

    #[test]
    fn usage_counts_add_up_by_class_grade_and_total() {
        use ResultState::*;
        let students = [(1, 2, "201".to_string()), (2, 2, "201".to_string()), (3, 2, "202".to_string()), (4, 1, "101".to_string())];
        let rows = [row(10, 1, Editing, None, "201", "數學"), row(11, 1, Certified, Some(9), "201", "國語文"), row(12, 3, Submitted, None, "202", "數學")];
        let (by_class, by_grade, total) = usage_counts(&students, &rows);
        let got: Vec<(Option<String>, i64, i64, f64, i64)> = by_class.iter().map(|u| (u.class_code.clone(), u.students, u.students_uploading, u.rate, u.results)).collect();
        assert_eq!(
            got,
            [(Some("101".into()), 1, 0, 0.0, 0), (Some("201".into()), 2, 1, 50.0, 2), (Some("202".into()), 1, 1, 100.0, 1)]
        );
        assert_eq!(by_grade.iter().map(|g| (g.grade, g.students, g.students_uploading)).collect::<Vec<_>>(), [(Some(1), 1, 0), (Some(2), 3, 2)]);
        assert_eq!((total.students, total.students_uploading, total.results, total.rate), (4, 2, 3, 50.0));
        assert_eq!(rate(1, 3), 33.3);

        let (stats, all) = upload_stats(&rows);
        assert_eq!(stats.iter().map(|s| (s.class_code.as_str(), s.subject_name.as_str(), s.students, s.total)).collect::<Vec<_>>(), [("201", "國語文", 1, 1), ("201", "數學", 1, 1), ("202", "數學", 1, 1)]);
        assert_eq!((all.students, all.editing, all.submitted, all.certified, all.total), (2, 1, 1, 1, 3));
    }
}
