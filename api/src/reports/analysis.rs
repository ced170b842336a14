//! 數據分析模組 (manual 9.1, 「查詢目前在學習歷程上的所有資料」; issue #23 item 4, first part): count
//! one subject — learning results, certifications (decided results), performances or selections —
//! grouped by one or two dimensions (term, grade, class, subject/category/kind, state, teacher,
//! day), as JSON for a table and as an .xlsx workbook, or, when large, as a job (`POST
//! /reports/analysis/exports`, polled at `GET /jobs/{id}`). Self-directed learning plans
//! (`self_directed`) count too. School admin only (the manual names no module for it).

use std::collections::{BTreeMap, HashMap, HashSet};

use actix_web::{get, post, web, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::reporting::xlsx::{self, Cell, Sheet, XlsxFile};
use crate::reporting::{file_name, people, resolve_term, TermQuery};
use crate::state::AppState;
use crate::auth::{Need, Principal};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::schema::{courses, learning_results as lr, performances as pf, sdl_groups as sg, sdl_plans as sdl, selections as sel, student_profiles as sp};
use crate::selfdirected::PlanState;
use crate::settings::periods::utc_to_taipei;
use crate::terms::Term;
use crate::uploads::results::ResultState;
use crate::uploads::rules::Category;

/// The subjects that can be counted.
pub const SUBJECTS: [&str; 5] = ["results", "certifications", "performances", "selections", "self_directed"];

/// The dimensions a count may be grouped by.
pub const DIMENSIONS: [&str; 7] = ["term", "grade", "class", "subject", "state", "teacher", "day"];

/// What is counted:
/// - `results`: learning results (學習成果)
/// - `certifications`: decided learning results (認證)
/// - `performances`: multiple performances (多元表現)
/// - `selections`: items selected for submission (勾選)
/// - `self_directed`: self-directed learning plans (自主學習計畫: subject = 學科, state = 計畫狀態)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnalysisSubject {
    Results,
    Certifications,
    Performances,
    Selections,
    SelfDirected,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnalysisQuery {
    /// What is counted: `results` (學習成果), `certifications` (decided results), `performances`
    /// (多元表現), `selections` (勾選) or `self_directed` (自主學習計畫).
    #[param(required = true, value_type = AnalysisSubject, inline)]
    pub subject: Option<String>,
    /// One or two different dimensions of `term`, `grade`, `class`, `subject` (科目 / 類別 /
    /// kind), `state`, `teacher`, `day`, comma-separated, e.g. `grade,state` (the same one twice
    /// counts once).
    #[param(required = true, pattern = r"^\s*(term|grade|class|subject|state|teacher|day)\s*(,\s*(term|grade|class|subject|state|teacher|day)\s*)?$", example = "grade,state")]
    pub by: Option<String>,
    /// 學年期, e.g. `1151` (default: the school's current term); semester `0`: the whole year.
    #[param(pattern = r"^\s*([0-9]{3}[0-2])?\s*$", example = "1151")]
    pub term: Option<String>,
}

/// One counted item with its values per dimension.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fact {
    pub term: String,
    pub grade: Option<i32>,
    pub class: Option<String>,
    pub subject: Option<String>,
    pub state: Option<String>,
    pub teacher: Option<String>,
    pub day: Option<NaiveDate>,
}

impl Fact {
    fn value(&self, dim: &str) -> String {
        let v = match dim {
            "term" => Some(self.term.clone()),
            "grade" => self.grade.map(|g| g.to_string()),
            "class" => self.class.clone(),
            "subject" => self.subject.clone(),
            "state" => self.state.clone(),
            "teacher" => self.teacher.clone(),
            "day" => self.day.map(crate::time::roc_date),
            _ => None,
        };
        v.filter(|s| !s.is_empty()).unwrap_or_else(|| "（無）".into())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AnalysisRow {
    /// The group's values, one per dimension of `by` (`（無）` for none; days in ROC).
    pub keys: Vec<String>,
    pub count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "subject": "results", "term": "1151", "by": ["grade", "state"],
    "rows": [{"keys": ["2", "認證成功"], "count": 412}, {"keys": ["2", "認證中"], "count": 57}], "total": 469
}))]
pub struct Analysis {
    pub term: Option<String>,
    pub subject: String,
    pub by: Vec<String>,
    /// Groups in key order.
    pub rows: Vec<AnalysisRow>,
    pub total: i64,
}

/// Checked subject and dimensions: exactly what the parameters' schema says (a subject of
/// [`SUBJECTS`]; one or two dimensions, comma-separated, blanks around them allowed; the same
/// one twice counts once).
pub fn checked(q: &AnalysisQuery) -> ApiResult<(String, Vec<String>)> {
    let subject = q.subject.as_deref().unwrap_or_default();
    if !SUBJECTS.contains(&subject) {
        return Err(ApiError::new(ErrorCode::InvalidQuery).field(
            "subject",
            "請指定 results、certifications、performances、selections 或 self_directed。",
            "subject is results, certifications, performances, selections or self_directed",
        ));
    }
    let mut by: Vec<String> = q.by.as_deref().unwrap_or_default().split(',').map(|s| s.trim().to_string()).collect();
    if by.len() > 2 || by.iter().any(|d| !DIMENSIONS.contains(&d.as_str())) {
        return Err(ApiError::new(ErrorCode::InvalidQuery).field("by", "請選擇一到兩個分組欄位。", "by is one or two of term, grade, class, subject, state, teacher, day"));
    }
    by.dedup();
    Ok((subject.to_string(), by))
}

/// Counts per combination of the dimensions' values, in key order.
pub fn group(facts: &[Fact], by: &[String]) -> Vec<AnalysisRow> {
    let mut groups: BTreeMap<Vec<String>, i64> = BTreeMap::new();
    for f in facts {
        *groups.entry(by.iter().map(|d| f.value(d)).collect()).or_default() += 1;
    }
    groups.into_iter().map(|(keys, count)| AnalysisRow { keys, count }).collect()
}

fn day(t: NaiveDateTime) -> NaiveDate {
    utc_to_taipei(t).date()
}

/// The subject's items of the school in `term`.
pub fn facts(c: &mut DbConn, school: i64, term: Term, subject: &str) -> ApiResult<Vec<Fact>> {
    let code = |year: i32, semester: i32| Term { academic_year: year, semester }.code();
    match subject {
        "results" | "certifications" => {
            let mut q = lr::table
                .inner_join(courses::table.on(courses::id.eq(lr::course_id)))
                .left_join(sp::table.on(sp::user_id.eq(lr::student_id)))
                .filter(lr::school_id.eq(school))
                .filter(crate::uploads::live::<lr::table>())
                .filter(lr::academic_year.eq(term.academic_year))
                .into_boxed();
            if term.semester != 0 {
                q = q.filter(lr::semester.eq(term.semester));
            }
            if subject == "certifications" {
                q = q.filter(lr::decided_at.is_not_null()).filter(lr::state.eq_any([ResultState::Certified.as_str(), ResultState::Rejected.as_str()]));
            }
            let rows: Vec<(i32, i32, String, Option<i64>, NaiveDateTime, Option<NaiveDateTime>, String, Option<i32>, Option<String>)> = q
                .select((lr::academic_year, lr::semester, lr::state, lr::decided_by, lr::created_at, lr::decided_at, courses::subject_name, sp::grade.nullable(), sp::class_code.nullable()))
                .load(c)?;
            let teachers: Vec<i64> = rows.iter().filter_map(|r| r.3).collect();
            let names = people(c, school, &teachers)?;
            rows.into_iter()
                .map(|(y, s, state, by, created, decided, subject_name, grade, class)| {
                    Ok(Fact {
                        term: code(y, s),
                        grade,
                        class,
                        subject: Some(subject_name),
                        state: Some(ResultState::parse(&state)?.name_zh().to_string()),
                        teacher: by.and_then(|t| names.get(&t)).map(|p| p.name.clone()),
                        day: Some(day(if subject == "certifications" { decided.unwrap_or(created) } else { created })),
                    })
                })
                .collect()
        }
        "performances" => {
            let rows: Vec<(i32, String, NaiveDateTime, Option<i32>, Option<String>)> = pf::table
                .left_join(sp::table.on(sp::user_id.eq(pf::student_id)))
                .filter(pf::school_id.eq(school))
                .filter(crate::uploads::live::<pf::table>())
                .filter(pf::academic_year.eq(term.academic_year))
                .select((pf::academic_year, pf::category, pf::created_at, sp::grade.nullable(), sp::class_code.nullable()))
                .load(c)?;
            rows.into_iter()
                .map(|(y, category, created, grade, class)| {
                    let category = Category::parse(&category).ok_or_else(|| ApiError::bad_stored("performances.category", &category))?;
                    Ok(Fact { term: code(y, 0), grade, class, subject: Some(category.name_zh().to_string()), day: Some(day(created)), ..Fact::default() })
                })
                .collect()
        }
        "self_directed" => {
            // 自主學習計畫 of the term (a draft counts too: its state says so).
            let mut q = sdl::table
                .inner_join(sg::table.on(sg::id.eq(sdl::subject_group_id)))
                .left_join(sp::table.on(sp::user_id.eq(sdl::student_id)))
                .filter(sdl::school_id.eq(school))
                .filter(sdl::academic_year.eq(term.academic_year))
                .into_boxed();
            if term.semester != 0 {
                q = q.filter(sdl::semester.eq(term.semester));
            }
            let rows: Vec<(i32, i32, String, NaiveDateTime, String, Option<i32>, Option<String>)> =
                q.select((sdl::academic_year, sdl::semester, sdl::plan_state, sdl::created_at, sg::name, sp::grade.nullable(), sp::class_code.nullable())).load(c)?;
            rows.into_iter()
                .map(|(y, s, state, created, group, grade, class)| {
                    Ok(Fact {
                        term: code(y, s),
                        grade,
                        class,
                        subject: Some(group),
                        state: Some(PlanState::parse(&state)?.name_zh().to_string()),
                        day: Some(day(created)),
                        ..Fact::default()
                    })
                })
                .collect()
        }
        _ => {
            // Selections of items still alive (a deleted item's selection counts nowhere).
            let live_results: HashSet<i64> =
                lr::table.filter(lr::school_id.eq(school)).filter(crate::uploads::live::<lr::table>()).filter(lr::academic_year.eq(term.academic_year)).select(lr::id).load::<i64>(c)?.into_iter().collect();
            let live_perfs: HashSet<i64> =
                pf::table.filter(pf::school_id.eq(school)).filter(crate::uploads::live::<pf::table>()).filter(pf::academic_year.eq(term.academic_year)).select(pf::id).load::<i64>(c)?.into_iter().collect();
            let rows: Vec<(i32, String, i64, NaiveDateTime, Option<i32>, Option<String>)> = sel::table
                .left_join(sp::table.on(sp::user_id.eq(sel::student_id)))
                .filter(sel::school_id.eq(school))
                .filter(sel::academic_year.eq(term.academic_year))
                .select((sel::academic_year, sel::item_kind, sel::item_id, sel::selected_at, sp::grade.nullable(), sp::class_code.nullable()))
                .load(c)?;
            // Items imported from another school (issue #21) are selected as the school's own.
            let labels: HashMap<&str, &str> = HashMap::from([("result", "課程學習成果"), ("performance", "多元表現"), ("transfer_result", "課程學習成果"), ("transfer_performance", "多元表現")]);
            Ok(rows
                .into_iter()
                .filter(|(_, kind, item, ..)| match kind.as_str() {
                    "result" => live_results.contains(item),
                    "performance" => live_perfs.contains(item),
                    "transfer_result" | "transfer_performance" => true,
                    _ => false,
                })
                .map(|(y, kind, _, at, grade, class)| Fact {
                    term: code(y, 0),
                    grade,
                    class,
                    subject: Some(labels.get(kind.as_str()).copied().unwrap_or(kind.as_str()).to_string()),
                    day: Some(day(at)),
                    ..Fact::default()
                })
                .collect())
        }
    }
}

/// The analysis of the school (the handlers' and the export job's).
pub fn compute(c: &mut DbConn, school: i64, asked: Option<Term>, subject: String, by: Vec<String>) -> ApiResult<Analysis> {
    let Some(term) = resolve_term(c, school, asked)? else { return Ok(Analysis { subject, by, ..Analysis::default() }) };
    let facts = facts(c, school, term, &subject)?;
    let rows = group(&facts, &by);
    Ok(Analysis { term: Some(term.code()), subject, by, total: facts.len() as i64, rows })
}

async fn load(state: &AppState, who: &Principal, q: AnalysisQuery) -> ApiResult<Analysis> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    let (subject, by) = checked(&q)?;
    let asked = TermQuery { term: q.term.clone() }.parsed()?;
    state.db.read(move |c| compute(c, school, asked, subject, by)).await
}

/// 數據分析: counts of one subject grouped by one or two dimensions (school admin).
#[utoipa::path(
    operation_id = "analyze_data",
    tag = "reports",
    params(AnalysisQuery),
    responses(
        (status = 200, description = "The groups and the total", body = Analysis),
        (status = 400, description = "Unknown subject, dimensions or term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/analysis")]
pub async fn analysis(state: web::Data<AppState>, who: Principal, q: web::Query<AnalysisQuery>) -> ApiResult<web::Json<Analysis>> {
    Ok(web::Json(load(&state, &who, q.into_inner()).await?))
}

/// The same as an Excel workbook: one column per dimension, then 筆數; a 合計 row.
#[utoipa::path(
    tag = "reports",
    params(AnalysisQuery),
    responses(
        (status = 200, description = "The workbook, named 數據分析_{term}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Unknown subject, dimensions or term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/analysis.xlsx")]
pub async fn analysis_xlsx(state: web::Data<AppState>, who: Principal, q: web::Query<AnalysisQuery>) -> ApiResult<HttpResponse> {
    let a = load(&state, &who, q.into_inner()).await?;
    let bytes = workbook(&a)?;
    Ok(xlsx::attachment(bytes, &file_name("數據分析", a.term.clone()), &file_name("analysis", a.term)))
}

/// The workbook: one column per dimension, then 筆數; a 合計 row.
pub fn workbook(a: &Analysis) -> ApiResult<Vec<u8>> {
    let label = |d: &str| match d {
        "term" => "學年期",
        "grade" => "年級",
        "class" => "班級",
        "subject" => "科目／類別",
        "state" => "狀態",
        "teacher" => "教師",
        _ => "日期",
    };
    let mut header: Vec<&'static str> = a.by.iter().map(|d| label(d)).collect();
    header.push("筆數");
    let mut sheet = Sheet::new("數據分析", header);
    for r in &a.rows {
        let mut row: Vec<Cell> = r.keys.iter().map(|k| Cell::from(k.as_str())).collect();
        row.push(Cell::from(r.count));
        sheet.rows.push(row);
    }
    let mut total: Vec<Cell> = vec![Cell::from("合計")];
    total.extend((1..a.by.len()).map(|_| Cell::Empty));
    total.push(Cell::from(a.total));
    sheet.rows.push(total);
    xlsx::workbook(&[sheet])
}

// ---------------------------------------------------------------------------------------------
// The export as a job (large analyses: the request returns at once, the SPA polls the job).

/// The kind of job that writes an analysis workbook.
pub const JOB_KIND: crate::jobs::JobKind = crate::jobs::JobKind::AnalysisExport;

/// The export job's parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportParams {
    pub subject: String,
    pub by: Vec<String>,
    pub term: Option<String>,
}

/// A queued export.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnalysisExport {
    /// Poll `GET /jobs/{job_id}`; once `succeeded`, download its `result.url`.
    pub job_id: i64,
}

/// Runs an export job: counts and groups (steps 1–2 of 3) and writes the workbook (3).
pub fn run_export(ctx: &crate::jobs::Context, job: &crate::jobs::Job, progress: &crate::jobs::Progress) -> Result<crate::jobs::Output, crate::jobs::JobError> {
    use crate::jobs::{JobError, Output};
    let p: ExportParams = serde_json::from_value(job.params.clone()).map_err(|e| JobError::fatal(format!("bad parameters: {e}")))?;
    let (subject, by) = checked(&AnalysisQuery { subject: Some(p.subject.clone()), by: Some(p.by.join(",")), term: p.term.clone() })?;
    let asked = TermQuery { term: p.term.clone() }.parsed()?;
    progress.set(0, 3)?;
    let school = job.school_id;
    // The same computation as the page's (counted and grouped), then the workbook.
    let a = ctx.db.read_blocking(move |c| compute(c, school, asked, subject, by))?;
    progress.set(2, 3)?;
    let bytes = workbook(&a)?;
    let dir = crate::rosters::package::job_dir(job.id);
    std::fs::create_dir_all(ctx.config.data_dir.join(&dir))?;
    let name = file_name("數據分析", a.term.clone());
    let rel = dir.join(file_name("analysis", a.term.clone()));
    let part = ctx.config.data_dir.join(dir.join("analysis.xlsx.part"));
    std::fs::write(&part, &bytes)?;
    std::fs::rename(&part, ctx.config.data_dir.join(&rel))?;
    progress.set(3, 3)?;
    Ok(Output { path: rel, name, sha256: crate::secrets::sha256_hex(&bytes), size: bytes.len() as i64 })
}

/// 數據分析 as an Excel workbook made by a job (for large analyses): 202 with the job to poll.
#[utoipa::path(
    tag = "reports",
    params(AnalysisQuery),
    responses(
        (status = 202, description = "Queued; poll `GET /jobs/{job_id}`, then download `result.url`", body = AnalysisExport),
        (status = 400, description = "Unknown subject, dimensions or term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The same export is already queued or running", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports/analysis/exports")]
pub async fn analysis_export(state: web::Data<AppState>, who: Principal, q: web::Query<AnalysisQuery>) -> ApiResult<HttpResponse> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    let me = who.user()?.user.id;
    let q = q.into_inner();
    let (subject, by) = checked(&q)?;
    let term = TermQuery { term: q.term.clone() }.parsed()?.map(|t| t.code());
    let params = serde_json::to_value(ExportParams { subject: subject.clone(), by: by.clone(), term: term.clone() }).map_err(|e| ApiError::internal(e.to_string()))?;
    let lock = format!("{JOB_KIND}:{school}:{me}:{subject}:{}:{}", by.join(","), term.unwrap_or_default());
    let now = state.clock.now();
    let job_id = state.db.write(move |c| crate::jobs::enqueue(c, school, me, JOB_KIND, &params, Some(&lock), now)).await?;
    Ok(HttpResponse::Accepted().json(AnalysisExport { job_id }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_two_dimensions_and_refuses_others() {
        let f = |grade: i32, state: &str| Fact { grade: Some(grade), state: Some(state.into()), ..Fact::default() };
        let facts = [f(1, "編輯中"), f(1, "編輯中"), f(2, "認證成功"), Fact::default()];
        let rows = group(&facts, &["grade".into(), "state".into()]);
        let got: Vec<(Vec<String>, i64)> = rows.into_iter().map(|r| (r.keys, r.count)).collect();
        assert_eq!(got[0], (vec!["1".to_string(), "編輯中".to_string()], 2));
        assert_eq!(got.len(), 3);
        let bad = |subject: &str, by: &str| checked(&AnalysisQuery { subject: Some(subject.into()), by: Some(by.into()), term: None }).is_err();
        assert!(bad("results", ""));
        assert!(bad("results", "grade,state,day"));
        // The schema's pattern allows a dimension twice: it counts once.
        assert_eq!(checked(&AnalysisQuery { subject: Some("results".into()), by: Some("grade, grade".into()), term: None }).unwrap().1, vec!["grade".to_string()]);
        assert!(bad(" results", "grade"));
        assert!(bad("results", "colour"));
        assert!(bad("votes", "grade"));
        assert!(!bad("selections", "class, day"));
    }
}
