//! 學生上傳及勾選情形確認單 (manual 4 查詢 menu; issue #23 item 2): per student — or a whole
//! class at once, one student per printed A4 page — the term's learning results with their
//! states and the academic year's items selected for submission, with ROC dates, for the
//! student and a parent to sign. JSON for the print-ready page and an .xlsx workbook. The school
//! admin and module S0205S (查詢學生學習成果勾選情形) see any student of the school; a student
//! sees their own (`/me/confirmation-sheet`).

use std::collections::{HashMap, HashSet};

use actix_web::{get, web, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::identity::Module;
use crate::reporting::xlsx::{self, Cell, Sheet, XlsxFile};
use crate::reporting::{class_seat_key, file_name, resolve_term};
use crate::identity::UserKind;
use crate::state::AppState;
use crate::auth::{Need, Op, Principal};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::schema::{courses, learning_results as lr, performances as pf, selections as sel, student_profiles as sp, users};
use crate::selections::Kind;
use crate::settings::periods::utc_to_taipei;
use crate::terms::Term;
use crate::time::roc_date;
use crate::uploads::access::Caller;
use crate::uploads::results::ResultState;
use crate::uploads::rules::Category;

/// The module that sees every student's sheet.
pub const MODULE: Module = Module::ResultSelections;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SheetQuery {
    /// 學年期, e.g. `1151` (default: the school's current term); semester `0`: the whole year.
    #[param(pattern = r"^\s*([0-9]{3}[0-2])?\s*$", example = "1151")]
    pub term: Option<String>,
    /// 班級: every active student of the class, one per page. Neither a class nor a student:
    /// every active student of the school.
    pub class_code: Option<String>,
    /// One student (user id).
    pub student_id: Option<i64>,
}

/// One learning result of the term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SheetResult {
    pub id: i64,
    /// 科目.
    pub subject_name: String,
    /// 學期 (1 or 2).
    pub semester: i32,
    /// 內容簡述.
    pub description: String,
    /// `editing`, `submitted`, `certified`, `rejected`.
    pub state: String,
    /// 編輯中, 認證中, 認證成功, 認證失敗.
    pub state_name: String,
    /// 上傳日期 (ROC, Taipei), e.g. `115/03/02`.
    pub uploaded_on: String,
    /// 認證日期 (ROC), when decided.
    pub decided_on: Option<String>,
    /// 已勾選提交.
    pub selected: bool,
    /// 原學校: the school it was imported from (issue #21; its id is the imported item's, read
    /// only); null for the school's own.
    pub origin_school: Option<String>,
}

/// One performance of the academic year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SheetPerformance {
    pub id: i64,
    /// 類別 (e.g. 競賽參與紀錄).
    pub category_name: String,
    pub title: String,
    /// 日期 (ROC).
    pub date: String,
    pub selected: bool,
    /// 原學校: the school it was imported from (issue #21); null for the school's own.
    pub origin_school: Option<String>,
}

/// One student's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StudentSheet {
    pub student_id: i64,
    pub account: String,
    /// 學號.
    pub number: Option<String>,
    /// 姓名.
    pub name: String,
    /// 班級.
    pub class_code: Option<String>,
    /// 座號.
    pub seat_no: Option<i32>,
    /// The term's learning results (deleted ones left out), by subject.
    pub results: Vec<SheetResult>,
    /// The academic year's performances (deleted ones left out), by date.
    pub performances: Vec<SheetPerformance>,
    /// 學習成果 selected this academic year (of any term) / the yearly limit.
    pub selected_results: i64,
    pub result_limit: i64,
    /// 多元表現 selected this academic year / the yearly limit.
    pub selected_performances: i64,
    pub performance_limit: i64,
}

/// The sheets of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "term": "1151", "academic_year": 115, "printed_on": "115/12/20",
    "students": [
        {
            "student_id": 345, "account": "999999_114001", "number": "114001", "name": "吳承恩", "class_code": "201", "seat_no": 1,
            "results": [
                {
                    "id": 88, "semester": 1, "subject_name": "國語文", "description": "閱讀心得：〈背影〉中的父子情", "uploaded_on": "115/09/30", "state": "certified",
                    "state_name": "認證成功", "decided_on": "115/10/05", "selected": true, "origin_school": null
                }
            ],
            "performances": [
                {"id": 64, "category_name": "競賽參與紀錄", "title": "全國中小學科學展覽會", "date": "115/10/18", "selected": true, "origin_school": null}
            ],
            "selected_results": 1, "result_limit": 6, "selected_performances": 1, "performance_limit": 10
        }
    ]
}))]
pub struct ConfirmationSheets {
    /// The term, e.g. `1151`; null when the school has no term yet.
    pub term: Option<String>,
    /// 學年度 (ROC).
    pub academic_year: Option<i32>,
    /// 列印日期 (ROC, Taipei).
    pub printed_on: String,
    pub students: Vec<StudentSheet>,
}

fn roc_day(t: NaiveDateTime) -> String {
    roc_date(utc_to_taipei(t).date())
}

type StudentRow = (i64, String, Option<String>, String, Option<String>, Option<i32>);

/// The sheets of the given students (ids of the school; others are left out) for `term`.
pub fn sheets(c: &mut DbConn, school: i64, term: Term, ids: &[i64], now: NaiveDateTime) -> ApiResult<ConfirmationSheets> {
    let mut students: Vec<StudentRow> = users::table
        .inner_join(sp::table.on(sp::user_id.eq(users::id)))
        .filter(users::school_id.eq(school))
        .filter(users::id.eq_any(ids.to_vec()))
        .select((users::id, users::account, users::number, users::display_name, sp::class_code, sp::seat_no))
        .load(c)?;
    students.sort_by_key(|r| class_seat_key(&r.4, r.5, &r.1));
    let ids: Vec<i64> = students.iter().map(|s| s.0).collect();
    let year = term.academic_year;

    let selected: Vec<(i64, String, i64)> = sel::table
        .filter(sel::school_id.eq(school))
        .filter(sel::academic_year.eq(year))
        .filter(sel::student_id.eq_any(ids.clone()))
        .select((sel::student_id, sel::item_kind, sel::item_id))
        .load(c)?;
    let selected_items: HashSet<(String, i64)> = selected.iter().map(|(_, k, i)| (k.clone(), *i)).collect();

    let mut rq = lr::table
        .inner_join(courses::table.on(courses::id.eq(lr::course_id)))
        .filter(lr::school_id.eq(school))
        .filter(lr::student_id.eq_any(ids.clone()))
        .filter(crate::uploads::live::<lr::table>())
        .filter(lr::academic_year.eq(year))
        .into_boxed();
    if term.semester != 0 {
        rq = rq.filter(lr::semester.eq(term.semester));
    }
    let results: Vec<(i64, i64, String, i32, String, String, NaiveDateTime, Option<NaiveDateTime>)> = rq
        .order((lr::semester.asc(), courses::subject_name.asc(), lr::id.asc()))
        .select((lr::id, lr::student_id, courses::subject_name, lr::semester, lr::description, lr::state, lr::created_at, lr::decided_at))
        .load(c)?;
    let perfs: Vec<(i64, i64, String, String, NaiveDate)> = pf::table
        .filter(pf::school_id.eq(school))
        .filter(pf::student_id.eq_any(ids.clone()))
        .filter(crate::uploads::live::<pf::table>())
        .filter(pf::academic_year.eq(year))
        .order((pf::start_date.asc(), pf::id.asc()))
        .select((pf::id, pf::student_id, pf::category, pf::title, pf::start_date))
        .load(c)?;
    // Selected items still alive (a deleted item's selection counts nowhere).
    let live_results: HashSet<i64> = lr::table
        .filter(lr::school_id.eq(school))
        .filter(lr::student_id.eq_any(ids.clone()))
        .filter(crate::uploads::live::<lr::table>())
        .filter(lr::academic_year.eq(year))
        .select(lr::id)
        .load::<i64>(c)?
        .into_iter()
        .collect();
    let live_perfs: HashSet<i64> = perfs.iter().map(|p| p.0).collect();

    let mut by_student: HashMap<i64, StudentSheet> = students
        .iter()
        .map(|(id, account, number, name, class_code, seat_no)| {
            (
                *id,
                StudentSheet {
                    student_id: *id,
                    account: account.clone(),
                    number: number.clone(),
                    name: name.clone(),
                    class_code: class_code.clone(),
                    seat_no: *seat_no,
                    results: Vec::new(),
                    performances: Vec::new(),
                    selected_results: 0,
                    result_limit: Kind::Results.limit(),
                    selected_performances: 0,
                    performance_limit: Kind::Performances.limit(),
                },
            )
        })
        .collect();
    for (student, kind, item) in &selected {
        if let Some(s) = by_student.get_mut(student) {
            if kind == Kind::Results.item_kind() && live_results.contains(item) {
                s.selected_results += 1;
            } else if kind == Kind::Performances.item_kind() && live_perfs.contains(item) {
                s.selected_performances += 1;
            }
        }
    }
    for (id, student, subject_name, semester, description, state, created_at, decided_at) in results {
        if let Some(s) = by_student.get_mut(&student) {
            let st = ResultState::parse(&state)?;
            s.results.push(SheetResult {
                id,
                subject_name,
                semester,
                description,
                state: st.as_str().to_string(),
                state_name: st.name_zh().to_string(),
                uploaded_on: roc_day(created_at),
                decided_on: decided_at.filter(|_| matches!(st, ResultState::Certified | ResultState::Rejected)).map(roc_day),
                selected: selected_items.contains(&(Kind::Results.item_kind().to_string(), id)),
                origin_school: None,
            });
        }
    }
    for (id, student, category, title, start_date) in perfs {
        if let Some(s) = by_student.get_mut(&student) {
            s.performances.push(SheetPerformance {
                id,
                category_name: Category::parse(&category).ok_or_else(|| ApiError::bad_stored("performances.category", &category))?.name_zh().to_string(),
                title,
                date: roc_date(start_date),
                selected: selected_items.contains(&(Kind::Performances.item_kind().to_string(), id)),
                origin_school: None,
            });
        }
    }
    // Items imported from another school (issue #21), marked with it: the term's results, the
    // year's performances (cadre records are not listed, as the school's own are not).
    for item in crate::transfers::imported_items(c, school, &ids, year)? {
        let Some(s) = by_student.get_mut(&item.student_id) else { continue };
        let selected = selected_items.contains(&(item.kind.imported_kind().to_string(), item.id));
        match &item.record {
            crate::transfers::ImportedRecord::Result(r) => {
                // Selected, it counts for the year; listed with the term's results.
                if selected {
                    s.selected_results += 1;
                }
                if term.semester != 0 && r.semester != term.semester {
                    continue;
                }
                let st = ResultState::parse(&r.state)?;
                let day = |t: Option<&str>| t.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).map(|t| roc_day(t.naive_utc()));
                s.results.push(SheetResult {
                    id: item.id,
                    subject_name: r.subject.clone(),
                    semester: r.semester,
                    description: r.description.clone(),
                    state: st.as_str().to_string(),
                    state_name: st.name_zh().to_string(),
                    uploaded_on: day(Some(&r.created_at)).unwrap_or_default(),
                    decided_on: day(r.decided_at.as_deref()).filter(|_| matches!(st, ResultState::Certified | ResultState::Rejected)),
                    selected,
                    origin_school: Some(item.origin_school_name.clone()),
                });
            }
            crate::transfers::ImportedRecord::Performance(p) => {
                if selected {
                    s.selected_performances += 1;
                }
                s.performances.push(SheetPerformance {
                    id: item.id,
                    category_name: Category::parse(&p.fields.category).ok_or_else(|| ApiError::bad_stored("imported performance category", &p.fields.category))?.name_zh().to_string(),
                    title: p.fields.title.clone(),
                    date: roc_date(p.fields.start_date),
                    selected,
                    origin_school: Some(item.origin_school_name.clone()),
                });
            }
        }
    }
    for s in by_student.values_mut() {
        // Code-point order on every backend (a database's collation may differ).
        s.results.sort_by(|a, b| (a.semester, &a.subject_name, a.origin_school.is_some(), a.id).cmp(&(b.semester, &b.subject_name, b.origin_school.is_some(), b.id)));
        s.performances.sort_by(|a, b| (&a.date, a.origin_school.is_some(), a.id).cmp(&(&b.date, b.origin_school.is_some(), b.id)));
    }
    let students = ids.iter().filter_map(|id| by_student.remove(id)).collect();
    Ok(ConfirmationSheets { term: Some(term.code()), academic_year: Some(year), printed_on: roc_day(now), students })
}

/// The students a staff request asks for: one student, a class, or neither given, the whole
/// school (active students only, for a class or the school).
fn asked_students(c: &mut DbConn, school: i64, q: &SheetQuery) -> ApiResult<Vec<i64>> {
    let class = q.class_code.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let mut query = users::table
        .inner_join(sp::table.on(sp::user_id.eq(users::id)))
        .filter(users::school_id.eq(school))
        .filter(users::kind.eq(UserKind::Student.as_str()))
        .into_boxed();
    if let Some(class) = class {
        query = query.filter(sp::class_code.eq(class.to_string()));
    }
    if class.is_some() || q.student_id.is_none() {
        query = query.filter(users::active.eq(true));
    }
    if let Some(id) = q.student_id {
        query = query.filter(users::id.eq(id));
    }
    let ids: Vec<i64> = query.select(users::id).load(c)?;
    if ids.is_empty() && q.student_id.is_some() {
        // Another school's student, or nobody: the same answer.
        return Err(ApiError::not_found());
    }
    Ok(ids)
}

fn parse_term(q: &SheetQuery) -> ApiResult<Option<Term>> {
    crate::reporting::TermQuery { term: q.term.clone() }.parsed()
}

fn no_term() -> ApiError {
    ApiError::with_detail(ErrorCode::InvalidState, "學校尚未設定目前學年期。", "The school has no current term yet.")
}

/// An item's 項目, with the school it was imported from (issue #21).
fn transferred(what: &str, origin: &Option<String>) -> String {
    match origin {
        Some(school) => format!("{what}（轉入，原學校：{school}）"),
        None => what.to_string(),
    }
}

/// The workbook: one sheet, a row per item, students one after another.
pub fn workbook_sheets(s: &ConfirmationSheets) -> Vec<Sheet> {
    let mut sheet = Sheet::new("上傳及勾選確認單", vec!["班級", "座號", "學號", "姓名", "項目", "科目／類別", "內容", "狀態", "日期", "已勾選提交"]);
    for st in &s.students {
        let who = |sheet: &mut Sheet, cells: Vec<Cell>| {
            let mut row = vec![Cell::from(st.class_code.clone()), Cell::from(st.seat_no), Cell::from(st.number.clone()), Cell::from(st.name.as_str())];
            row.extend(cells);
            sheet.rows.push(row);
        };
        for r in &st.results {
            who(
                &mut sheet,
                vec![
                    Cell::from(transferred("課程學習成果", &r.origin_school)),
                    Cell::from(r.subject_name.as_str()),
                    Cell::from(r.description.as_str()),
                    Cell::from(r.state_name.as_str()),
                    Cell::from(r.uploaded_on.as_str()),
                    Cell::from(if r.selected { "是" } else { "否" }),
                ],
            );
        }
        for p in &st.performances {
            who(
                &mut sheet,
                vec![
                    Cell::from(transferred("多元表現", &p.origin_school)),
                    Cell::from(p.category_name.as_str()),
                    Cell::from(p.title.as_str()),
                    Cell::Empty,
                    Cell::from(p.date.as_str()),
                    Cell::from(if p.selected { "是" } else { "否" }),
                ],
            );
        }
        who(
            &mut sheet,
            vec![
                Cell::from("勾選合計"),
                Cell::Empty,
                Cell::from(format!("學習成果 {}/{}、多元表現 {}/{}", st.selected_results, st.result_limit, st.selected_performances, st.performance_limit)),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ],
        );
    }
    vec![sheet]
}

async fn staff_sheets(state: &AppState, who: &Principal, q: SheetQuery) -> ApiResult<ConfirmationSheets> {
    who.require(Need::module(MODULE, Op::View))?;
    let school = who.school_id()?;
    let asked = parse_term(&q)?;
    let now = state.clock.now();
    state
        .db
        .read(move |c| {
            let term = resolve_term(c, school, asked)?.ok_or_else(no_term)?;
            let ids = asked_students(c, school, &q)?;
            sheets(c, school, term, &ids, now)
        })
        .await
}

/// 學生上傳及勾選情形確認單 of one student, a whole class or, neither given, the whole school (school admin, module S0205S).
#[utoipa::path(
    tag = "reports",
    params(SheetQuery),
    responses(
        (status = 200, description = "One page per student, by class and seat", body = ConfirmationSheets),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0205S", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such student in the school", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/confirmation-sheets")]
pub async fn confirmation_sheets(state: web::Data<AppState>, who: Principal, q: web::Query<SheetQuery>) -> ApiResult<web::Json<ConfirmationSheets>> {
    Ok(web::Json(staff_sheets(&state, &who, q.into_inner()).await?))
}

/// The same as an Excel workbook (one row per item, a 勾選合計 row per student).
#[utoipa::path(
    tag = "reports",
    params(SheetQuery),
    responses(
        (status = 200, description = "The workbook, named 上傳及勾選確認單_{term}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0205S", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such student in the school", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/confirmation-sheets.xlsx")]
pub async fn confirmation_sheets_xlsx(state: web::Data<AppState>, who: Principal, q: web::Query<SheetQuery>) -> ApiResult<HttpResponse> {
    let s = staff_sheets(&state, &who, q.into_inner()).await?;
    let bytes = xlsx::workbook(&workbook_sheets(&s))?;
    Ok(xlsx::attachment(bytes, &file_name("上傳及勾選確認單", s.term.clone()), &file_name("confirmation", s.term)))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MySheetQuery {
    /// 學年期, e.g. `1151` (default: the school's current term); semester `0`: the whole year.
    #[param(pattern = r"^\s*([0-9]{3}[0-2])?\s*$", example = "1151")]
    pub term: Option<String>,
}

/// The signed-in student's own 確認單 (a temporary account: its student's).
#[utoipa::path(
    tag = "reports",
    params(MySheetQuery),
    responses(
        (status = 200, description = "The student's own page", body = ConfirmationSheets),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/confirmation-sheet")]
pub async fn my_confirmation_sheet(state: web::Data<AppState>, who: Principal, q: web::Query<MySheetQuery>) -> ApiResult<web::Json<ConfirmationSheets>> {
    who.require(Need::roles(&[crate::identity::Role::Student]))?;
    let me = Caller::of(&who)?;
    let asked = parse_term(&SheetQuery { term: q.term.clone(), ..SheetQuery::default() })?;
    let now = state.clock.now();
    state
        .db
        .read(move |c| {
            let term = resolve_term(c, me.school, asked)?.ok_or_else(no_term)?;
            Ok(web::Json(sheets(c, me.school, term, &[me.user], now)?))
        })
        .await
}
