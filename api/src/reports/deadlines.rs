//! 作業期限檢視 (issue #23 item 4, "the deadline view an admin asks for"): learning results
//! uploaded, submitted for certification and certified (decided) per day over a span, with the
//! term's work periods (作業時間) to draw over it — how the work bunches up before a deadline.
//! School admin only, as the data analysis. Days are Taipei days.

use std::collections::BTreeMap;

use actix_web::{get, web};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::reporting::{resolve_term, TermQuery};
use crate::state::AppState;
use crate::auth::{Need, Principal};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, Problem};
use crate::schema::{learning_results as lr, student_profiles as sp};
use crate::settings::periods::{load_periods, utc_to_taipei, Period};
use crate::terms::Term;

/// The longest span shown at once.
pub const MAX_DAYS: i64 = 400;

/// `?term=1151&grade=2&from=2026-09-01&to=2026-10-31`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// 學年期, e.g. `1151` (default: the school's current term); semester `0`: the whole year.
    #[param(pattern = r"^\s*([0-9]{3}[0-2])?\s*$", example = "1151")]
    pub term: Option<String>,
    /// Only the students of this 年級 (1–3), and only that grade's work periods.
    #[param(minimum = 1, maximum = 3)]
    pub grade: Option<i32>,
    /// First day (`YYYY-MM-DD`, Taipei); default: the first day of the term's work periods.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last day (`YYYY-MM-DD`, Taipei); default: the last day of the term's work periods.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
}

/// One day's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct DeadlineDay {
    #[schema(value_type = String, format = Date)]
    pub day: NaiveDate,
    /// Learning results uploaded (created) that day, still alive.
    pub uploads: i64,
    /// Learning results (last) submitted for certification that day.
    pub submissions: i64,
    /// Learning results certified or rejected that day.
    pub certifications: i64,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[schema(example = json!({
    "term": "1151", "from": "2026-11-18", "to": "2026-11-20",
    "periods": [
        {
            "id": 7, "academic_year": 115, "semester": 1, "grade": 2, "item": "upload_results", "item_name": "學生上傳及送出學習成果認證時間",
            "start_date": "2026-11-02", "start_hour": 8, "end_date": "2026-11-20", "end_hour": 23, "starts_at": "2026-11-02T00:00:00Z",
            "ends_at": "2026-11-20T16:00:00Z", "open": true
        }
    ],
    "days": [
        {"day": "2026-11-18", "uploads": 35, "submissions": 28, "certifications": 12},
        {"day": "2026-11-19", "uploads": 61, "submissions": 54, "certifications": 20},
        {"day": "2026-11-20", "uploads": 97, "submissions": 102, "certifications": 31}
    ]
}))]
pub struct DeadlineView {
    pub term: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    /// Every day from `from` to `to`, zeroes included.
    pub days: Vec<DeadlineDay>,
    /// The term's work periods (of the grade when asked), to draw over the days.
    pub periods: Vec<Period>,
}

/// When one result was uploaded, submitted and decided (Taipei days).
pub type Moments = (Option<NaiveDate>, Option<NaiveDate>, Option<NaiveDate>);

/// Counts per day from `from` to `to` (both included); moments outside are left out.
pub fn per_day(moments: &[Moments], from: NaiveDate, to: NaiveDate) -> Vec<DeadlineDay> {
    let mut days: BTreeMap<NaiveDate, DeadlineDay> = BTreeMap::new();
    let mut d = from;
    while d <= to {
        days.insert(d, DeadlineDay { day: d, ..DeadlineDay::default() });
        match d.succ_opt() {
            Some(next) => d = next,
            None => break,
        }
    }
    for (up, sub, dec) in moments {
        if let Some(x) = up.and_then(|d| days.get_mut(&d)) {
            x.uploads += 1;
        }
        if let Some(x) = sub.and_then(|d| days.get_mut(&d)) {
            x.submissions += 1;
        }
        if let Some(x) = dec.and_then(|d| days.get_mut(&d)) {
            x.certifications += 1;
        }
    }
    days.into_values().collect()
}

fn taipei_day(t: NaiveDateTime) -> NaiveDate {
    utc_to_taipei(t).date()
}

/// The term's live results of the school (of `grade`'s students when given), as moments.
fn moments(c: &mut DbConn, school: i64, term: Term, grade: Option<i32>) -> ApiResult<Vec<Moments>> {
    let mut q = lr::table
        .left_join(sp::table.on(sp::user_id.eq(lr::student_id)))
        .filter(lr::school_id.eq(school))
        .filter(crate::uploads::live::<lr::table>())
        .filter(lr::academic_year.eq(term.academic_year))
        .into_boxed();
    if term.semester != 0 {
        q = q.filter(lr::semester.eq(term.semester));
    }
    if let Some(g) = grade {
        q = q.filter(sp::grade.eq(g));
    }
    let rows: Vec<(NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>)> = q.select((lr::created_at, lr::submitted_at, lr::decided_at)).load(c)?;
    Ok(rows.into_iter().map(|(up, sub, dec)| (Some(taipei_day(up)), sub.map(taipei_day), dec.map(taipei_day))).collect())
}

/// The view of a term: `from`/`to` as asked, else the span of its work periods, else of its
/// activity (its last [`MAX_DAYS`] days when longer); refused (422) when the span is reversed or
/// longer than [`MAX_DAYS`] — an asked span before anything is read.
pub fn view(c: &mut DbConn, school: i64, term: Term, grade: Option<i32>, from: Option<NaiveDate>, to: Option<NaiveDate>, now: NaiveDateTime) -> ApiResult<DeadlineView> {
    let bad = |from: NaiveDate, to: NaiveDate| from > to || (to - from).num_days() >= MAX_DAYS;
    let refusal = || ApiError::validation().field("to", format!("期間須在 {MAX_DAYS} 天內，且不早於開始日。"), format!("The span is at most {MAX_DAYS} days and ends after it starts."));
    if let (Some(f), Some(t)) = (from, to) {
        if bad(f, t) {
            return Err(refusal());
        }
    }
    let periods: Vec<Period> = load_periods(c, school, Some(term.academic_year), now)?
        .into_iter()
        .filter(|p| term.semester == 0 || p.semester == 0 || p.semester == term.semester)
        .filter(|p| grade.is_none_or(|g| p.grade == g))
        .collect();
    let moments = moments(c, school, term, grade)?;
    let activity = moments.iter().flat_map(|(a, b, d)| [*a, *b, *d]).flatten();
    let (lo, hi) = if periods.is_empty() {
        (activity.clone().min(), activity.max())
    } else {
        (periods.iter().map(|p| p.start_date).min(), periods.iter().map(|p| p.end_date).max())
    };
    let (Some(mut start), Some(end)) = (from.or(lo), to.or(hi)) else {
        return Ok(DeadlineView { term: Some(term.code()), periods, ..DeadlineView::default() });
    };
    // Not asked: a long term's activity shows its last MAX_DAYS days rather than a refusal.
    if from.is_none() && start <= end && (end - start).num_days() >= MAX_DAYS {
        start = end - chrono::Duration::days(MAX_DAYS - 1);
    }
    if bad(start, end) {
        return Err(refusal());
    }
    let (from, to) = (start, end);
    Ok(DeadlineView { term: Some(term.code()), from: Some(from), to: Some(to), days: per_day(&moments, from, to), periods })
}

/// 作業期限檢視: uploads, submissions and certifications per day, with the work periods.
#[utoipa::path(
    operation_id = "deadline_view",
    tag = "reports",
    params(DeadlineQuery),
    responses(
        (status = 200, description = "The days and the periods (no days without a term, periods or activity)", body = DeadlineView),
        (status = 400, description = "Malformed term or date", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad grade, a reversed span or one longer than 400 days", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/deadlines")]
pub async fn deadlines(state: web::Data<AppState>, who: Principal, q: web::Query<DeadlineQuery>) -> ApiResult<web::Json<DeadlineView>> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    let q = q.into_inner();
    let asked = TermQuery { term: q.term.clone() }.parsed()?;
    if q.grade.is_some_and(|g| !(1..=3).contains(&g)) {
        return Err(ApiError::validation().field("grade", "年級須為 1 到 3。", "grade is 1 to 3"));
    }
    crate::time::require_dates(&[("from", q.from), ("to", q.to)])?;
    let now = state.clock.now();
    state
        .db
        .read(move |c| {
            let Some(term) = resolve_term(c, school, asked)? else { return Ok(web::Json(DeadlineView::default())) };
            Ok(web::Json(view(c, school, term, q.grade, q.from, q.to, now)?))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_day_with_zero_days_and_leaves_out_the_rest() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let m = [(d("2026-09-01"), d("2026-09-03"), None), (d("2026-09-01"), d("2026-09-03"), d("2026-09-04")), (d("2026-08-31"), None, None)];
        let days = per_day(&m, d("2026-09-01").unwrap(), d("2026-09-04").unwrap());
        let got: Vec<(String, i64, i64, i64)> = days.iter().map(|x| (x.day.to_string(), x.uploads, x.submissions, x.certifications)).collect();
        assert_eq!(
            got,
            [("2026-09-01".into(), 2, 0, 0), ("2026-09-02".into(), 0, 0, 0), ("2026-09-03".into(), 0, 2, 0), ("2026-09-04".into(), 0, 0, 1)]
        );
    }
}
