//! 查詢學生學習成果／多元表現勾選情形 (manual 4.1, 4.2; modules S0205S and S0206S): per student
//! of the school, how many items of one kind they selected for submission in an academic year
//! and how many they could select. The items themselves are listed by the existing
//! `GET /learning-results?student_id=` and `GET /performances?student_id=`.

use std::collections::HashMap;

use actix_web::{get, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::identity::Module;
use crate::reporting::xlsx::{self, Cell, Sheet, XlsxFile};
use crate::reporting::class_seat_key;
use crate::identity::UserKind;
use crate::state::AppState;
use crate::auth::{Need, Op, Principal, Scope};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::pagination::{like_pattern, offset, Page, PageQuery};
use crate::schema::{learning_results as lr, performances as pf, selections as sel, student_profiles as sp, users};
use crate::selections::Kind;
use crate::terms;
use crate::uploads::results::ResultState;

/// The module of each kind's report.
pub fn module(kind: Kind) -> Module {
    match kind {
        Kind::Results => Module::ResultSelections,
        Kind::Performances => Module::PerformanceSelections,
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SelectionStatusFilter {
    /// `results` (學習成果, module S0205S) or `performances` (多元表現, module S0206S).
    #[param(required = true, value_type = Kind, inline)]
    pub kind: Option<String>,
    /// ROC academic year, e.g. 115 (default: the year of the school's current term).
    #[param(minimum = 1, maximum = 999)]
    pub academic_year: Option<i32>,
    /// 班級, exactly.
    pub class_code: Option<String>,
    /// 座號, exactly.
    pub seat_no: Option<i32>,
    /// Part of the student's account, number (學號) or name.
    pub q: Option<String>,
}

impl SelectionStatusFilter {
    /// The kind, refused with 400 when missing or unknown.
    pub fn kind(&self) -> ApiResult<Kind> {
        self.kind.as_deref().and_then(Kind::parse).ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidQuery).field("kind", "請指定 results（學習成果）或 performances（多元表現）", "kind is results or performances")
        })
    }
}

/// One student's selection of one kind in the academic year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "student_id": 345, "account": "999999_114001", "number": "114001", "name": "吳承恩", "class_code": "201", "seat_no": 1, "available": 8, "selected": 6
}))]
pub struct SelectionStatusRow {
    pub student_id: i64,
    /// 班級.
    pub class_code: Option<String>,
    /// 座號.
    pub seat_no: Option<i32>,
    /// 學號.
    pub number: Option<String>,
    pub account: String,
    /// 姓名.
    pub name: String,
    /// 勾選數量: items of the kind selected for submission this academic year.
    pub selected: i64,
    /// 可勾選數量: certified learning results, or performances, of the academic year.
    pub available: i64,
}

type StudentRow = (i64, String, Option<String>, String, Option<String>, Option<i32>);

/// The school's active students with a profile matching the filter, by class and seat.
fn students(c: &mut DbConn, school: i64, f: &SelectionStatusFilter) -> ApiResult<Vec<StudentRow>> {
    let mut q = users::table
        .inner_join(sp::table.on(sp::user_id.eq(users::id)))
        .filter(users::school_id.eq(school))
        .filter(users::kind.eq(UserKind::Student.as_str()))
        .filter(users::active.eq(true))
        .into_boxed();
    if let Some(class) = f.class_code.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(sp::class_code.eq(class.to_string()));
    }
    if let Some(seat) = f.seat_no {
        q = q.filter(sp::seat_no.eq(seat));
    }
    if let Some(text) = f.q.as_deref().filter(|t| !t.trim().is_empty()) {
        let p = like_pattern(text);
        q = q.filter(
            users::account
                .like(p.clone())
                .escape('\\')
                .or(users::display_name.like(p.clone()).escape('\\'))
                .or(users::number.like(p).escape('\\').assume_not_null()),
        );
    }
    let mut rows: Vec<StudentRow> = q.select((users::id, users::account, users::number, users::display_name, sp::class_code, sp::seat_no)).load(c)?;
    rows.sort_by_key(|r| class_seat_key(&r.4, r.5, &r.1));
    Ok(rows)
}

/// Counts per student id.
pub fn tally(ids: impl IntoIterator<Item = i64>) -> HashMap<i64, i64> {
    let mut out = HashMap::new();
    for id in ids {
        *out.entry(id).or_default() += 1;
    }
    out
}

/// Selected and selectable items per student of the school in the year (of `only` when given).
fn counts(c: &mut DbConn, school: i64, year: i32, kind: Kind, only: Option<&[i64]>) -> ApiResult<(HashMap<i64, i64>, HashMap<i64, i64>)> {
    let only = only.map(<[i64]>::to_vec);
    let (selected, available): (Vec<i64>, Vec<i64>) = match kind {
        Kind::Results => {
            let mut s = sel::table
                .inner_join(lr::table.on(lr::id.eq(sel::item_id)))
                .filter(sel::school_id.eq(school))
                .filter(sel::academic_year.eq(year))
                .filter(sel::item_kind.eq(kind.item_kind()))
                .filter(crate::uploads::live::<lr::table>())
                .select(sel::student_id)
                .into_boxed();
            let mut a = lr::table
                .filter(lr::school_id.eq(school))
                .filter(lr::academic_year.eq(year))
                .filter(lr::state.eq(ResultState::Certified.as_str()))
                .filter(crate::uploads::live::<lr::table>())
                .select(lr::student_id)
                .into_boxed();
            if let Some(ids) = &only {
                s = s.filter(sel::student_id.eq_any(ids.clone()));
                a = a.filter(lr::student_id.eq_any(ids.clone()));
            }
            (s.load(c)?, a.load(c)?)
        }
        Kind::Performances => {
            let mut s = sel::table
                .inner_join(pf::table.on(pf::id.eq(sel::item_id)))
                .filter(sel::school_id.eq(school))
                .filter(sel::academic_year.eq(year))
                .filter(sel::item_kind.eq(kind.item_kind()))
                .filter(crate::uploads::live::<pf::table>())
                .select(sel::student_id)
                .into_boxed();
            let mut a = pf::table.filter(pf::school_id.eq(school)).filter(pf::academic_year.eq(year)).filter(crate::uploads::live::<pf::table>()).select(pf::student_id).into_boxed();
            if let Some(ids) = &only {
                s = s.filter(sel::student_id.eq_any(ids.clone()));
                a = a.filter(pf::student_id.eq_any(ids.clone()));
            }
            (s.load(c)?, a.load(c)?)
        }
    };
    // Items imported from another school (issue #21) count with the student's own: selected, and
    // selectable (a certified result, a performance).
    use crate::schema::transfer_items as tx;
    let mut s = sel::table
        .inner_join(tx::table.on(tx::id.eq(sel::item_id)))
        .filter(sel::school_id.eq(school))
        .filter(sel::academic_year.eq(year))
        .filter(sel::item_kind.eq(kind.imported_kind()))
        .select(sel::student_id)
        .into_boxed();
    let mut a = tx::table.filter(tx::school_id.eq(school)).filter(tx::academic_year.eq(year)).filter(tx::item_kind.eq(kind.item_kind())).select(tx::student_id).into_boxed();
    if kind == Kind::Results {
        a = a.filter(tx::state.eq(ResultState::Certified.as_str()));
    }
    if let Some(ids) = &only {
        s = s.filter(sel::student_id.eq_any(ids.clone()));
        a = a.filter(tx::student_id.eq_any(ids.clone()));
    }
    let selected = selected.into_iter().chain(s.load::<i64>(c)?);
    let available = available.into_iter().chain(a.load::<i64>(c)?);
    Ok((tally(selected), tally(available)))
}

/// Joins students with their counts (0 when none).
pub fn shape(students: Vec<StudentRow>, selected: &HashMap<i64, i64>, available: &HashMap<i64, i64>) -> Vec<SelectionStatusRow> {
    students
        .into_iter()
        .map(|(student_id, account, number, name, class_code, seat_no)| SelectionStatusRow {
            student_id,
            class_code,
            seat_no,
            number,
            account,
            name,
            selected: selected.get(&student_id).copied().unwrap_or(0),
            available: available.get(&student_id).copied().unwrap_or(0),
        })
        .collect()
}

/// The academic year asked, or the current term's; `None` when the school has no term.
fn year_of(c: &mut DbConn, school: i64, asked: Option<i32>) -> ApiResult<Option<i32>> {
    match asked {
        Some(y) => Ok(Some(y)),
        None => Ok(terms::current(c, school)?.map(|t| t.academic_year)),
    }
}

fn check_year(year: Option<i32>) -> ApiResult<()> {
    if year.is_some_and(|y| !(1..=999).contains(&y)) {
        return Err(ApiError::new(ErrorCode::InvalidQuery).field("academic_year", "學年度為 1 到 999 的民國年，例如 115", "an academic year is an ROC year such as 115"));
    }
    Ok(())
}

/// 查詢學生學習成果／多元表現勾選情形: each student's selected and selectable count of one kind in an academic year.
#[utoipa::path(
    tag = "reports",
    params(SelectionStatusFilter, PageQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "One page of students by class and seat; empty when the school has no term", body = Page<SelectionStatusRow>),
        (status = 400, description = "Missing or unknown kind, or a malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0205S (results) or S0206S (performances)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad paging", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/selection-status")]
pub async fn selection_status(state: web::Data<AppState>, who: Principal, filter: web::Query<SelectionStatusFilter>, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<SelectionStatusRow>>> {
    let filter = filter.into_inner();
    let kind = filter.kind()?;
    who.require(Need::module(module(kind), Op::View).or_scope(Scope::Read))?;
    let school = who.school_id()?;
    let (page, per_page) = page.checked()?;
    check_year(filter.academic_year)?;
    state
        .db
        .read(move |c| {
            let Some(year) = year_of(c, school, filter.academic_year)? else { return Ok(web::Json(Page::new(Vec::new(), 0, page, per_page))) };
            let all = students(c, school, &filter)?;
            let total = all.len() as i64;
            let rows: Vec<StudentRow> = all.into_iter().skip(offset(page, per_page) as usize).take(per_page as usize).collect();
            let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
            let (selected, available) = if ids.is_empty() { Default::default() } else { counts(c, school, year, kind, Some(&ids))? };
            Ok(web::Json(Page::new(shape(rows, &selected, &available), total, page, per_page)))
        })
        .await
}

/// The sheet of the download.
pub fn sheet(kind: Kind, rows: &[SelectionStatusRow]) -> Sheet {
    let name = match kind {
        Kind::Results => "學習成果勾選情形",
        Kind::Performances => "多元表現勾選情形",
    };
    let mut sheet = Sheet::new(name, vec!["班級", "座號", "學號", "姓名", "勾選數量", "可勾選數量"]);
    for r in rows {
        sheet.rows.push(vec![
            Cell::from(r.class_code.clone()),
            Cell::from(r.seat_no),
            Cell::from(r.number.clone()),
            Cell::from(r.name.as_str()),
            Cell::from(r.selected),
            Cell::from(r.available),
        ]);
    }
    sheet
}

/// 勾選情形 as an Excel workbook: every student matching the filters (班級, 座號, 學號, 姓名, 勾選數量, 可勾選數量).
#[utoipa::path(
    tag = "reports",
    params(SelectionStatusFilter),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "The workbook, as an attachment named 學習成果勾選情形_{year}.xlsx or 多元表現勾選情形_{year}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Missing or unknown kind, or a malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0205S (results) or S0206S (performances)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/selection-status.xlsx")]
pub async fn selection_status_xlsx(state: web::Data<AppState>, who: Principal, filter: web::Query<SelectionStatusFilter>) -> ApiResult<HttpResponse> {
    let filter = filter.into_inner();
    let kind = filter.kind()?;
    who.require(Need::module(module(kind), Op::View).or_scope(Scope::Read))?;
    let school = who.school_id()?;
    check_year(filter.academic_year)?;
    let (bytes, year) = state
        .db
        .read(move |c| {
            let year = year_of(c, school, filter.academic_year)?;
            let rows = match year {
                Some(y) => {
                    let all = students(c, school, &filter)?;
                    let (selected, available) = counts(c, school, y, kind, None)?;
                    shape(all, &selected, &available)
                }
                None => Vec::new(),
            };
            Ok((xlsx::workbook(&[sheet(kind, &rows)])?, year))
        })
        .await?;
    let (stem, fallback) = match kind {
        Kind::Results => ("學習成果勾選情形", "selection-status-results"),
        Kind::Performances => ("多元表現勾選情形", "selection-status-performances"),
    };
    let suffix = year.map(|y| format!("{y:03}"));
    Ok(xlsx::attachment(bytes, &crate::reporting::file_name(stem, suffix.clone()), &crate::reporting::file_name(fallback, suffix)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_is_required_and_known() {
        let f = |k: Option<&str>| SelectionStatusFilter { kind: k.map(String::from), ..Default::default() }.kind();
        assert_eq!(f(Some("results")).unwrap(), Kind::Results);
        assert_eq!(f(Some("performances")).unwrap(), Kind::Performances);
        assert_eq!(f(Some("result")).unwrap_err().code, ErrorCode::InvalidQuery);
        assert_eq!(f(None).unwrap_err().fields[0].0, "kind");
        assert_eq!(module(Kind::Results), Module::ResultSelections);
        assert_eq!(module(Kind::Performances), Module::PerformanceSelections);
    }

    #[test]
    fn shape_fills_zeroes() {
        let students = vec![(1, "a".to_string(), Some("1".to_string()), "A".to_string(), Some("101".to_string()), Some(1)), (2, "b".to_string(), None, "B".to_string(), None, None)];
        let rows = shape(students, &tally([1, 1, 1]), &tally([1, 1, 1, 1, 2]));
        assert_eq!((rows[0].selected, rows[0].available), (3, 4));
        assert_eq!((rows[1].selected, rows[1].available), (0, 1));
    }
}
