//! 學習成果使用統計 (module S0215S; the manual's 學習成果上傳統計, 學習成果使用人數統計表 and
//! 教師學習成果認證統計表): the term's live learning results by class and subject and state, per
//! teacher what they certified, rejected and still have waiting, and the school's totals.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use actix_web::{get, web, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::uncertified::{count_by_teacher, waiting_rows};
use crate::identity::Module;
use crate::reporting::xlsx::{self, Cell, Sheet, XlsxFile};
use crate::reporting::{file_name, people, resolve_term, Person, TermQuery};
use crate::state::AppState;
use crate::auth::{Need, Op, Principal, Scope};
use crate::db::DbConn;
use crate::error::{ApiResult, Problem};
use crate::schema::{courses, learning_results as lr, teaching_assignments as ta};
use crate::terms::Term;
use crate::uploads::results::ResultState;

/// The module of this report.
pub const MODULE: Module = Module::Usage;

/// Live learning results of one class and subject, by state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct UsageClassSubject {
    /// 年級 of the course.
    pub grade: i32,
    /// 班級 of the course (empty for a mixed-class course).
    pub class_code: String,
    /// 科目.
    pub subject_name: String,
    /// 編輯中.
    pub editing: i64,
    /// 認證中 (waiting).
    pub submitted: i64,
    /// 認證成功.
    pub certified: i64,
    /// 認證失敗.
    pub rejected: i64,
    pub total: i64,
}

/// One teacher's certification work in the term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct UsageTeacher {
    pub teacher_id: i64,
    pub account: String,
    /// 教師姓名.
    pub name: String,
    /// Results this teacher decided that are now certified.
    pub certified: i64,
    /// Results this teacher decided that are now rejected.
    pub rejected: i64,
    /// Submitted results in the teacher's certifying courses (as in the uncertified-teacher report).
    pub waiting: i64,
}

/// The school's live learning results of the term.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct UsageTotals {
    pub editing: i64,
    pub submitted: i64,
    pub certified: i64,
    pub rejected: i64,
    pub total: i64,
    /// 使用人數: students with at least one live result in the term.
    pub students_uploading: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "term": "1151", "totals": {"students_uploading": 31, "editing": 3, "submitted": 5, "certified": 28, "rejected": 2, "total": 38},
    "by_class_subject": [
        {"grade": 2, "class_code": "201", "subject_name": "國語文", "editing": 3, "submitted": 5, "certified": 28, "rejected": 2, "total": 38}
    ],
    "by_teacher": [{"teacher_id": 17, "account": "999999_T001", "name": "王大明", "waiting": 4, "certified": 52, "rejected": 3}]
}))]
pub struct UsageReport {
    /// The term reported, e.g. `1151`; null when the school has no term yet.
    pub term: Option<String>,
    /// By grade, class and subject.
    pub by_class_subject: Vec<UsageClassSubject>,
    /// Teachers who certify a course of the term or decided or await results, by account.
    pub by_teacher: Vec<UsageTeacher>,
    pub totals: UsageTotals,
}

/// One live result of the term with its course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    pub student_id: i64,
    pub state: ResultState,
    pub decided_by: Option<i64>,
    pub grade: i32,
    pub class_code: String,
    pub subject_name: String,
}

pub fn usage_rows(c: &mut DbConn, school: i64, term: Term) -> ApiResult<Vec<UsageRow>> {
    let mut q = lr::table
        .inner_join(courses::table.on(courses::id.eq(lr::course_id)))
        .filter(lr::school_id.eq(school))
        .filter(crate::uploads::live::<lr::table>())
        .filter(lr::academic_year.eq(term.academic_year))
        .into_boxed();
    if term.semester != 0 {
        q = q.filter(lr::semester.eq(term.semester));
    }
    let rows: Vec<(i64, String, Option<i64>, i32, String, String)> =
        q.select((lr::student_id, lr::state, lr::decided_by, courses::grade, courses::class_code, courses::subject_name)).load(c)?;
    rows.into_iter()
        .map(|(student_id, state, decided_by, grade, class_code, subject_name)| Ok(UsageRow { student_id, state: ResultState::parse(&state)?, decided_by, grade, class_code, subject_name }))
        .collect()
}

/// Teachers with an active certifying assignment of a course of the term.
pub fn certifiers(c: &mut DbConn, school: i64, term: Term) -> ApiResult<Vec<i64>> {
    let mut q = ta::table
        .inner_join(courses::table.on(courses::id.eq(ta::course_id)))
        .filter(ta::school_id.eq(school))
        .filter(ta::active.eq(true))
        .filter(ta::can_certify.eq(true))
        .filter(courses::active.eq(true))
        .filter(courses::academic_year.eq(term.academic_year))
        .into_boxed();
    if term.semester != 0 {
        q = q.filter(courses::semester.eq(term.semester));
    }
    Ok(q.select(ta::teacher_id).distinct().load(c)?)
}

/// Editing, submitted, certified and rejected.
type StateCounts = (i64, i64, i64, i64);

fn add(counts: &mut StateCounts, state: ResultState) {
    match state {
        ResultState::Editing => counts.0 += 1,
        ResultState::Submitted => counts.1 += 1,
        ResultState::Certified => counts.2 += 1,
        ResultState::Rejected => counts.3 += 1,
    }
}

/// Results by (grade, class, subject) and state, sorted by grade, class and subject.
pub fn by_class_subject(rows: &[UsageRow]) -> Vec<UsageClassSubject> {
    let mut groups: BTreeMap<(i32, &str, &str), StateCounts> = BTreeMap::new();
    for r in rows {
        add(groups.entry((r.grade, r.class_code.as_str(), r.subject_name.as_str())).or_default(), r.state);
    }
    groups
        .into_iter()
        .map(|((grade, class_code, subject_name), (editing, submitted, certified, rejected))| UsageClassSubject {
            grade,
            class_code: class_code.to_string(),
            subject_name: subject_name.to_string(),
            editing,
            submitted,
            certified,
            rejected,
            total: editing + submitted + certified + rejected,
        })
        .collect()
}

pub fn totals(rows: &[UsageRow]) -> UsageTotals {
    let mut counts = (0, 0, 0, 0);
    for r in rows {
        add(&mut counts, r.state);
    }
    let students: BTreeSet<i64> = rows.iter().map(|r| r.student_id).collect();
    let (editing, submitted, certified, rejected) = counts;
    UsageTotals { editing, submitted, certified, rejected, total: editing + submitted + certified + rejected, students_uploading: students.len() as i64 }
}

/// Per teacher: decided results by their current state (`results`: who decided each live
/// result and its state), and waiting ones; every certifier of the term appears (with zeroes),
/// sorted by account. Shared by this report and 教師學習成果認證統計表 (`stats`).
pub fn by_teacher(
    results: impl IntoIterator<Item = (Option<i64>, ResultState)>,
    waiting: &BTreeMap<i64, i64>,
    certifiers: &[i64],
    people: &HashMap<i64, Person>,
) -> Vec<UsageTeacher> {
    let mut decided: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for (decided_by, state) in results {
        if let Some(t) = decided_by {
            match state {
                ResultState::Certified => decided.entry(t).or_default().0 += 1,
                ResultState::Rejected => decided.entry(t).or_default().1 += 1,
                _ => {}
            }
        }
    }
    let ids: BTreeSet<i64> = decided.keys().chain(waiting.keys()).chain(certifiers.iter()).copied().collect();
    let mut out: Vec<UsageTeacher> = ids
        .into_iter()
        .map(|id| {
            let p = people.get(&id).cloned().unwrap_or(Person { id, ..Person::default() });
            let (certified, rejected) = decided.get(&id).copied().unwrap_or_default();
            UsageTeacher { teacher_id: id, account: p.account, name: p.name, certified, rejected, waiting: waiting.get(&id).copied().unwrap_or(0) }
        })
        .collect();
    out.sort_by(|a, b| a.account.cmp(&b.account).then_with(|| a.teacher_id.cmp(&b.teacher_id)));
    out
}

/// The report of a term (an empty one without a term).
pub fn report(c: &mut DbConn, school: i64, term: Option<Term>) -> ApiResult<UsageReport> {
    let Some(term) = term else { return Ok(UsageReport::default()) };
    let rows = usage_rows(c, school, term)?;
    let waiting = count_by_teacher(&waiting_rows(c, school, term, None)?);
    let certifiers = certifiers(c, school, term)?;
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.decided_by).chain(waiting.keys().copied()).chain(certifiers.iter().copied()).collect();
    let people = people(c, school, &ids)?;
    Ok(UsageReport {
        term: Some(term.code()),
        by_class_subject: by_class_subject(&rows),
        by_teacher: by_teacher(rows.iter().map(|r| (r.decided_by, r.state)), &waiting, &certifiers, &people),
        totals: totals(&rows),
    })
}

/// The two sheets of the download.
pub fn sheets(report: &UsageReport) -> Vec<Sheet> {
    let mut classes = Sheet::new("班級科目統計", vec!["年級", "班級", "科目", "編輯中", "認證中", "認證成功", "認證失敗", "合計"]);
    for r in &report.by_class_subject {
        classes.rows.push(vec![
            Cell::from(r.grade),
            Cell::from(r.class_code.as_str()),
            Cell::from(r.subject_name.as_str()),
            Cell::from(r.editing),
            Cell::from(r.submitted),
            Cell::from(r.certified),
            Cell::from(r.rejected),
            Cell::from(r.total),
        ]);
    }
    let t = &report.totals;
    classes.rows.push(vec![
        Cell::from("合計"),
        Cell::Empty,
        Cell::from(format!("上傳人數 {}", t.students_uploading)),
        Cell::from(t.editing),
        Cell::from(t.submitted),
        Cell::from(t.certified),
        Cell::from(t.rejected),
        Cell::from(t.total),
    ]);
    let mut teachers = Sheet::new("教師認證統計", vec!["教師帳號", "教師姓名", "認證成功", "認證失敗", "未認證"]);
    for r in &report.by_teacher {
        teachers.rows.push(vec![Cell::from(r.account.as_str()), Cell::from(r.name.as_str()), Cell::from(r.certified), Cell::from(r.rejected), Cell::from(r.waiting)]);
    }
    vec![classes, teachers]
}

/// 學習成果使用統計: the term's learning results by class and subject, per teacher, and in total.
#[utoipa::path(
    tag = "reports",
    params(TermQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "The term's statistics (empty lists and zeroes when the school has no term)", body = UsageReport),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0215S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/usage")]
pub async fn usage_report(state: web::Data<AppState>, who: Principal, query: web::Query<TermQuery>) -> ApiResult<web::Json<UsageReport>> {
    who.require(Need::module(MODULE, Op::View).or_scope(Scope::Read))?;
    let school = who.school_id()?;
    let asked = query.parsed()?;
    state
        .db
        .read(move |c| {
            let term = resolve_term(c, school, asked)?;
            Ok(web::Json(report(c, school, term)?))
        })
        .await
}

/// 學習成果使用統計 as an Excel workbook: sheet 班級科目統計 (with a 合計 row) and sheet 教師認證統計.
#[utoipa::path(
    tag = "reports",
    params(TermQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "The workbook, as an attachment named 學習成果使用統計_{term}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0215S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/usage.xlsx")]
pub async fn usage_xlsx(state: web::Data<AppState>, who: Principal, query: web::Query<TermQuery>) -> ApiResult<HttpResponse> {
    who.require(Need::module(MODULE, Op::View).or_scope(Scope::Read))?;
    let school = who.school_id()?;
    let asked = query.parsed()?;
    let (bytes, code) = state
        .db
        .read(move |c| {
            let term = resolve_term(c, school, asked)?;
            let report = report(c, school, term)?;
            Ok((xlsx::workbook(&sheets(&report))?, report.term))
        })
        .await?;
    Ok(xlsx::attachment(bytes, &file_name("學習成果使用統計", code.clone()), &file_name("usage", code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(student_id: i64, state: ResultState, decided_by: Option<i64>, class_code: &str, subject: &str) -> UsageRow {
        UsageRow { student_id, state, decided_by, grade: class_code[..1].parse().unwrap(), class_code: class_code.into(), subject_name: subject.into() }
    }

    #[test]
    fn aggregates_by_class_subject_teacher_and_total() {
        use ResultState::*;
        let rows = [
            row(1, Editing, None, "201", "數學"),
            row(1, Submitted, None, "201", "國語文"),
            row(2, Certified, Some(10), "201", "國語文"),
            row(2, Rejected, Some(10), "201", "國語文"),
            row(3, Certified, Some(11), "101", "國語文"),
        ];
        let groups = by_class_subject(&rows);
        let got: Vec<(&str, &str, i64, i64, i64, i64, i64)> =
            groups.iter().map(|g| (g.class_code.as_str(), g.subject_name.as_str(), g.editing, g.submitted, g.certified, g.rejected, g.total)).collect();
        assert_eq!(got, [("101", "國語文", 0, 0, 1, 0, 1), ("201", "國語文", 0, 1, 1, 1, 3), ("201", "數學", 1, 0, 0, 0, 1)]);
        assert_eq!(totals(&rows), UsageTotals { editing: 1, submitted: 1, certified: 2, rejected: 1, total: 5, students_uploading: 3 });

        let people: HashMap<i64, Person> = [(10, "t_b"), (11, "t_a"), (12, "t_c")]
            .into_iter()
            .map(|(id, account)| (id, Person { id, account: account.into(), ..Person::default() }))
            .collect();
        let teachers = by_teacher(rows.iter().map(|r| (r.decided_by, r.state)), &BTreeMap::from([(10, 1)]), &[12], &people);
        let got: Vec<(&str, i64, i64, i64)> = teachers.iter().map(|t| (t.account.as_str(), t.certified, t.rejected, t.waiting)).collect();
        assert_eq!(got, [("t_a", 1, 0, 0), ("t_b", 1, 1, 1), ("t_c", 0, 0, 0)]);
    }
}
