//! National windows and the school's work periods (manual 3.6, module S0203S), and the one
//! function that answers "is action X open for this student or teacher now?".
//!
//! Times are Asia/Taipei (UTC+8, no daylight saving) on input and stored in UTC. A period runs
//! from `start_date start_hour:00` up to the end of `end_hour` on `end_date`, e.g. 2022-02-28
//! hour 23 means until 23:59:59 that day.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::identity::Module;
use crate::audit::{self, Event, EventKind};
use crate::identity::{Role, UserKind};
use crate::state::AppState;
use crate::auth::{client_addr, Need, Op, Principal, Scope};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::schema::{national_windows as nw, student_profiles, work_periods as wp};
use crate::terms::{self, Term};

const TAIPEI_OFFSET_HOURS: i64 = 8;

/// What a work period opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    /// 學生上傳及送出學習成果認證 (per semester).
    UploadResults,
    /// 教師認證學習成果 (per semester).
    CertifyResults,
    /// 學生勾選學習成果 (whole year: semester 0).
    SelectResults,
    /// 學生勾選多元表現 (whole year: semester 0).
    SelectPerformances,
    /// 學生上傳多元表現 (whole year: semester 0; FAQ 000 四 Q1: 「系統管理-多元表現設定」 adjusts
    /// the upload time; FAQ 004 Q13: 「多元表現的上傳是全學年開放的」).
    UploadPerformances,
    /// 學生撰寫及送出自主學習計畫 (per semester; issue #22).
    SelfDirectedPlans,
    /// 學生上傳及送出自主學習成果 (per semester; issue #22).
    SelfDirectedResults,
}

impl Item {
    pub const ALL: [Item; 7] = [
        Item::UploadResults,
        Item::CertifyResults,
        Item::SelectResults,
        Item::SelectPerformances,
        Item::UploadPerformances,
        Item::SelfDirectedPlans,
        Item::SelfDirectedResults,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Item::UploadResults => "upload_results",
            Item::CertifyResults => "certify_results",
            Item::SelectResults => "select_results",
            Item::SelectPerformances => "select_performances",
            Item::UploadPerformances => "upload_performances",
            Item::SelfDirectedPlans => "self_directed_plans",
            Item::SelfDirectedResults => "self_directed_results",
        }
    }

    pub fn parse(s: &str) -> Option<Item> {
        Item::ALL.into_iter().find(|i| i.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Item::UploadResults => "學生上傳及送出學習成果認證時間",
            Item::CertifyResults => "老師認證學生學習成果時間",
            Item::SelectResults => "學生勾選學習成果時間",
            Item::SelectPerformances => "學生勾選多元表現時間",
            Item::UploadPerformances => "學生上傳多元表現時間",
            Item::SelfDirectedPlans => "學生送出自主學習計畫時間",
            Item::SelfDirectedResults => "學生送出自主學習成果時間",
        }
    }

    /// Selection and performance uploads run over the whole academic year (semester 0).
    pub fn whole_year(self) -> bool {
        matches!(self, Item::SelectResults | Item::SelectPerformances | Item::UploadPerformances)
    }
}

/// `t + d`, held at the ends of chrono's range instead of panicking (request dates are checked
/// to lie in 1912–2200 before they get here; this keeps a missed one from taking the process down).
fn shift(t: NaiveDateTime, d: Duration) -> NaiveDateTime {
    t.checked_add_signed(d).unwrap_or(if d < Duration::zero() { NaiveDateTime::MIN } else { NaiveDateTime::MAX })
}

/// Taipei date and hour → the UTC instant the hour begins.
pub fn taipei_to_utc(date: NaiveDate, hour: u32) -> NaiveDateTime {
    shift(date.and_time(NaiveTime::from_hms_opt(hour.min(23), 0, 0).unwrap_or(NaiveTime::MIN)), Duration::hours(-TAIPEI_OFFSET_HOURS))
}

/// UTC instant → Taipei wall time.
pub fn utc_to_taipei(t: NaiveDateTime) -> NaiveDateTime {
    shift(t, Duration::hours(TAIPEI_OFFSET_HOURS))
}

/// A period's bounds in UTC: from the start hour, up to the end of the end hour (exclusive).
pub fn bounds(start_date: NaiveDate, start_hour: u32, end_date: NaiveDate, end_hour: u32) -> (NaiveDateTime, NaiveDateTime) {
    (taipei_to_utc(start_date, start_hour), shift(taipei_to_utc(end_date, end_hour), Duration::hours(1)))
}

/// Whether `now` is inside `[starts_at, ends_at)`.
pub fn is_open(starts_at: NaiveDateTime, ends_at: NaiveDateTime, now: NaiveDateTime) -> bool {
    starts_at <= now && now < ends_at
}

/// The national window of one academic year (dates inclusive, Taipei).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"academic_year": 110, "results_start": "2021-08-01", "results_end": "2022-11-30",
    "performances_start": "2021-08-01", "performances_end": "2022-11-30"}))]
pub struct NationalWindow {
    pub academic_year: i32,
    pub results_start: NaiveDate,
    pub results_end: NaiveDate,
    pub performances_start: NaiveDate,
    pub performances_end: NaiveDate,
}

impl NationalWindow {
    /// The UTC span of the window that applies to `item`.
    pub fn span(&self, item: Item) -> (NaiveDateTime, NaiveDateTime) {
        let (from, to) = match item {
            Item::SelectPerformances | Item::UploadPerformances => (self.performances_start, self.performances_end),
            _ => (self.results_start, self.results_end),
        };
        (taipei_to_utc(from, 0), shift(taipei_to_utc(to, 0), Duration::days(1)))
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(example = json!({"results_start": "2021-08-01", "results_end": "2022-11-30", "performances_start": "2021-08-01", "performances_end": "2022-11-30"}))]
pub struct WindowInput {
    pub results_start: NaiveDate,
    pub results_end: NaiveDate,
    pub performances_start: NaiveDate,
    pub performances_end: NaiveDate,
}

/// A work period as entered (Taipei dates and hours).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
#[schema(example = json!({"academic_year": 115, "semester": 1, "grade": 2, "item": "upload_results",
    "start_date": "2026-09-01", "start_hour": 8, "end_date": "2027-01-20", "end_hour": 23}))]
pub struct PeriodInput {
    #[validate(range(min = 50, max = 300))]
    #[schema(minimum = 50, maximum = 300)]
    pub academic_year: i32,
    /// 1 or 2 for learning-result upload and certification; 0 (the whole year) for the two
    /// selections and for performance uploads.
    #[validate(range(min = 0, max = 2))]
    #[schema(minimum = 0, maximum = 2)]
    pub semester: i32,
    #[validate(range(min = 1, max = 3))]
    #[schema(minimum = 1, maximum = 3)]
    pub grade: i32,
    pub item: Item,
    pub start_date: NaiveDate,
    #[validate(range(min = 0, max = 23))]
    #[schema(minimum = 0, maximum = 23)]
    pub start_hour: u32,
    pub end_date: NaiveDate,
    /// The period lasts until the end of this hour.
    #[validate(range(min = 0, max = 23))]
    #[schema(minimum = 0, maximum = 23)]
    pub end_hour: u32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!(example(Item::UploadResults)))]
pub struct Period {
    pub id: i64,
    pub academic_year: i32,
    pub semester: i32,
    pub grade: i32,
    pub item: Item,
    /// 項目.
    pub item_name: String,
    pub start_date: NaiveDate,
    pub start_hour: u32,
    pub end_date: NaiveDate,
    pub end_hour: u32,
    #[serde(serialize_with = "crate::time::utc")]
    pub starts_at: NaiveDateTime,
    /// Exclusive end.
    #[serde(serialize_with = "crate::time::utc")]
    pub ends_at: NaiveDateTime,
    /// Open right now.
    pub open: bool,
}

/// A student's upload period of `item` (`UploadResults`, a semester's; or `UploadPerformances`, a
/// year's) as the document's examples show it.
pub fn example(item: Item) -> serde_json::Value {
    let (id, semester, (start, end), (starts_at, ends_at)) = match item {
        Item::UploadPerformances => (11, 0, ("2026-08-01", "2027-07-31"), ("2026-08-01T00:00:00Z", "2027-07-31T16:00:00Z")),
        _ => (7, 1, ("2026-11-02", "2026-11-20"), ("2026-11-02T00:00:00Z", "2026-11-20T16:00:00Z")),
    };
    serde_json::json!({
        "id": id, "academic_year": 115, "semester": semester, "grade": 2, "item": item.as_str(), "item_name": item.name_zh(), "start_date": start,
        "start_hour": 8, "end_date": end, "end_hour": 23, "starts_at": starts_at, "ends_at": ends_at, "open": true
    })
}

type Row = (i64, i32, i32, i32, String, NaiveDateTime, NaiveDateTime);

/// A stored period; an item outside `Item::ALL` is an error, never skipped.
fn to_period(row: Row, now: NaiveDateTime) -> ApiResult<Period> {
    let (id, academic_year, semester, grade, item, starts_at, ends_at) = row;
    let item = Item::parse(&item).ok_or_else(|| ApiError::bad_stored("work_periods.item", &item))?;
    let start = utc_to_taipei(starts_at);
    let last_hour = utc_to_taipei(shift(ends_at, Duration::hours(-1)));
    Ok(Period {
        id,
        academic_year,
        semester,
        grade,
        item,
        item_name: item.name_zh().to_string(),
        start_date: start.date(),
        start_hour: start.hour(),
        end_date: last_hour.date(),
        end_hour: last_hour.hour(),
        starts_at,
        ends_at,
        open: is_open(starts_at, ends_at, now),
    })
}

fn columns() -> (wp::id, wp::academic_year, wp::semester, wp::grade, wp::item, wp::starts_at, wp::ends_at) {
    (wp::id, wp::academic_year, wp::semester, wp::grade, wp::item, wp::starts_at, wp::ends_at)
}

pub fn window(c: &mut DbConn, academic_year: i32) -> ApiResult<Option<NationalWindow>> {
    Ok(nw::table
        .find(academic_year)
        .select((nw::academic_year, nw::results_start, nw::results_end, nw::performances_start, nw::performances_end))
        .first::<(i32, NaiveDate, NaiveDate, NaiveDate, NaiveDate)>(c)
        .optional()?
        .map(|(academic_year, results_start, results_end, performances_start, performances_end)| NationalWindow {
            academic_year,
            results_start,
            results_end,
            performances_start,
            performances_end,
        }))
}

/// The rules of a period: semester 0 exactly for the selections, an end after the start, inside
/// the year's national window. Returns its UTC bounds.
pub fn check(input: &PeriodInput, national: Option<&NationalWindow>) -> ApiResult<(NaiveDateTime, NaiveDateTime)> {
    input.validate()?;
    crate::time::require_dates(&[("start_date", Some(input.start_date)), ("end_date", Some(input.end_date))])?;
    let mut err = ApiError::validation();
    if input.item.whole_year() && input.semester != 0 {
        err = err.field("semester", "勾選及多元表現上傳時間以學年設定，學期須為 0", "selection and performance upload periods are set per year: semester must be 0");
    }
    if !input.item.whole_year() && input.semester == 0 {
        err = err.field("semester", "學習成果上傳與認證時間須指定學期 1 或 2", "learning-result upload and certification periods need semester 1 or 2");
    }
    let (starts_at, ends_at) = bounds(input.start_date, input.start_hour, input.end_date, input.end_hour);
    if ends_at <= starts_at {
        err = err.field("end_date", "結束時間須晚於開始時間", "the end must be after the start");
    }
    match national {
        None => {
            err = err.field(
                "academic_year",
                format!("{} 學年度尚未設定國教署作業期間，請洽平臺管理者", input.academic_year),
                format!("no national window is set for academic year {}", input.academic_year),
            );
        }
        Some(w) => {
            let (from, to) = w.span(input.item);
            if starts_at < from || ends_at > to {
                let (a, b) = match input.item {
                    Item::SelectPerformances | Item::UploadPerformances => (w.performances_start, w.performances_end),
                    _ => (w.results_start, w.results_end),
                };
                err = err.field(
                    "start_date",
                    format!("須在國教署作業期間 {} ~ {} 之內", crate::time::roc_date(a), crate::time::roc_date(b)),
                    format!("must lie inside the national window {a} – {b}"),
                );
            }
        }
    }
    if err.fields.is_empty() {
        Ok((starts_at, ends_at))
    } else {
        Err(err)
    }
}

/// The period of `item` for `grade` in `term` (semester 0 for the selections), if set.
pub fn find(c: &mut DbConn, school_id: i64, item: Item, grade: i32, term: Term, now: NaiveDateTime) -> ApiResult<Option<Period>> {
    let semester = if item.whole_year() { 0 } else { term.semester };
    let row: Option<Row> = wp::table
        .filter(wp::school_id.eq(school_id))
        .filter(wp::academic_year.eq(term.academic_year))
        .filter(wp::semester.eq(semester))
        .filter(wp::grade.eq(grade))
        .filter(wp::item.eq(item.as_str()))
        .select(columns())
        .first(c)
        .optional()?;
    row.map(|r| to_period(r, now)).transpose()
}

/// The one check every period-bound write calls: is `item` open for `grade` in the school's
/// current term now? Refuses with `period_closed` saying when it is (or that none is set).
pub fn require_open(c: &mut DbConn, school_id: i64, item: Item, grade: i32, now: NaiveDateTime) -> ApiResult<Period> {
    let term = terms::current(c, school_id)?.ok_or_else(|| ApiError::with_detail(ErrorCode::PeriodClosed, "學校尚無學年期。", "The school has no term yet."))?;
    require_open_in(c, school_id, item, grade, term, now)
}

/// [`require_open`] for the period of a given `term` (an item belongs to its term: FAQ 004 Q5,
/// meeting 003 #11), which need not be the school's current one.
pub fn require_open_in(c: &mut DbConn, school_id: i64, item: Item, grade: i32, term: Term, now: NaiveDateTime) -> ApiResult<Period> {
    match find(c, school_id, item, grade, term, now)? {
        Some(p) if p.open => Ok(p),
        Some(p) => Err(ApiError::with_detail(
            ErrorCode::PeriodClosed,
            format!(
                "{}（{} 年級）為 {} {} 時至 {} {} 時，現在不在期間內。",
                item.name_zh(),
                grade,
                crate::time::roc_date(p.start_date),
                p.start_hour,
                crate::time::roc_date(p.end_date),
                p.end_hour
            ),
            format!("{} for grade {grade} runs {} {}:00 – {} {}:59; it is not open now.", item.as_str(), p.start_date, p.start_hour, p.end_date, p.end_hour),
        )),
        None => Err(ApiError::with_detail(
            ErrorCode::PeriodClosed,
            format!("學校尚未設定{}（{} 年級）。", item.name_zh(), grade),
            format!("The school has not set the period {} for grade {grade}.", item.as_str()),
        )),
    }
}

/// The period of `item` for an item of `term` — which may be before the school's current term
/// (meeting 003 #3: schools finish the old year's uploads and selections after the term has moved
/// on) — for the grade the student had then (`grade_now` less the years since). A refusal for an
/// earlier term names it.
pub fn require_open_for(c: &mut DbConn, school_id: i64, item: Item, grade_now: i32, term: Term, now: NaiveDateTime) -> ApiResult<Period> {
    let current = terms::current(c, school_id)?;
    let years_since = current.map_or(0, |t| t.academic_year - term.academic_year);
    let grade = (grade_now - years_since).max(1);
    require_open_in(c, school_id, item, grade, term, now).map_err(|e| {
        let same = current.is_some_and(|t| t.academic_year == term.academic_year && (item.whole_year() || t.semester == term.semester));
        if same || e.code != ErrorCode::PeriodClosed {
            return e;
        }
        let (zh, en) = e.detail.map(|d| (d.zh.into_owned(), d.en.into_owned())).unwrap_or_default();
        let (label_zh, label_en) = if term.semester == 0 {
            (format!("{} 學年度", term.academic_year), format!("academic year {}", term.academic_year))
        } else {
            (format!("{} 學年度第 {} 學期", term.academic_year, term.semester), format!("term {}", term.code()))
        };
        ApiError::with_detail(
            ErrorCode::PeriodClosed,
            format!("此項目屬於 {label_zh}，依該學年期的{}辦理。{zh}", item.name_zh()),
            format!("This item belongs to {label_en}; that {}'s period applies. {en}", if term.semester == 0 { "year" } else { "term" }),
        )
    })
}

pub fn load_periods(c: &mut DbConn, school_id: i64, academic_year: Option<i32>, now: NaiveDateTime) -> ApiResult<Vec<Period>> {
    let mut q = wp::table.filter(wp::school_id.eq(school_id)).into_boxed();
    if let Some(y) = academic_year {
        q = q.filter(wp::academic_year.eq(y));
    }
    let rows: Vec<Row> = q.order((wp::academic_year.desc(), wp::semester.asc(), wp::item.asc(), wp::grade.asc())).select(columns()).load(c)?;
    rows.into_iter().map(|r| to_period(r, now)).collect()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodFilter {
    /// Only this academic year.
    pub academic_year: Option<i32>,
}

/// Every academic year's national window (set by the platform operator).
#[utoipa::path(
    tag = "settings",
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "Windows by year, newest first", body = Vec<NationalWindow>),
        (status = 403, description = "An API key without `read`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/national-windows")]
pub async fn list_windows(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<NationalWindow>>> {
    if who.require(Need::OPERATOR).is_err() {
        who.require(Need::any_user_or_scope(Scope::Read))?;
    }
    state
        .db
        .read(|c| {
            let rows: Vec<(i32, NaiveDate, NaiveDate, NaiveDate, NaiveDate)> = nw::table
                .order(nw::academic_year.desc())
                .select((nw::academic_year, nw::results_start, nw::results_end, nw::performances_start, nw::performances_end))
                .load(c)?;
            Ok(web::Json(
                rows.into_iter()
                    .map(|(academic_year, results_start, results_end, performances_start, performances_end)| NationalWindow {
                        academic_year,
                        results_start,
                        results_end,
                        performances_start,
                        performances_end,
                    })
                    .collect(),
            ))
        })
        .await
}

/// Set an academic year's national window (platform operator).
#[utoipa::path(
    tag = "settings",
    params(("academic_year" = i32, Path, minimum = 50, maximum = 300, description = "ROC academic year, e.g. 110 (50–300)")),
    request_body = WindowInput,
    responses(
        (status = 200, description = "Saved", body = NationalWindow),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the platform operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Never: a year without a window gets one", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An end before its start, or a year out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/national-windows/{academic_year}")]
pub async fn put_window(state: web::Data<AppState>, who: Principal, req: HttpRequest, year: web::Path<i32>, body: crate::http::JsonBody<WindowInput>) -> ApiResult<web::Json<NationalWindow>> {
    who.require(Need::OPERATOR)?;
    // Read only after the caller is known to be allowed.
    let w = body.read().await?;
    let year = year.into_inner();
    let mut err = crate::time::check_dates(
        ApiError::validation(),
        &[
            ("results_start", Some(w.results_start)),
            ("results_end", Some(w.results_end)),
            ("performances_start", Some(w.performances_start)),
            ("performances_end", Some(w.performances_end)),
        ],
    );
    if !(50..=300).contains(&year) {
        err = err.field("academic_year", "學年度須介於 50 到 300", "must be between 50 and 300");
    }
    if w.results_end < w.results_start {
        err = err.field("results_end", "結束日期不可早於開始日期", "must not be before the start");
    }
    if w.performances_end < w.performances_start {
        err = err.field("performances_end", "結束日期不可早於開始日期", "must not be before the start");
    }
    if !err.fields.is_empty() {
        return Err(err);
    }
    let now = state.clock.now();
    let (me, actor, client) = (who.user_id(), who.actor(), client_addr(&req));
    state
        .db
        .write(move |c| {
            let values = (
                nw::results_start.eq(w.results_start),
                nw::results_end.eq(w.results_end),
                nw::performances_start.eq(w.performances_start),
                nw::performances_end.eq(w.performances_end),
                nw::updated_at.eq(now),
            );
            if window(c, year)?.is_some() {
                diesel::update(nw::table.find(year)).set(values).execute(c)?;
            } else {
                diesel::insert_into(nw::table).values((nw::academic_year.eq(year), values)).execute(c)?;
            }
            audit::record(c, Event { school_id: None, user_id: me, actor: Some(&actor), event: EventKind::NationalWindowSet, detail: Some(year.to_string()), client: Some(&client) }, now)?;
            window(c, year)?.map(web::Json).ok_or_else(ApiError::not_found)
        })
        .await
}

/// The school's work periods (manual 3.6), by year.
#[utoipa::path(
    tag = "settings",
    params(PeriodFilter),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "Periods with their Taipei dates and hours, UTC bounds and whether open now", body = Vec<Period>),
        (status = 400, description = "Malformed filter", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0203S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/work-periods")]
pub async fn list_periods(state: web::Data<AppState>, who: Principal, filter: web::Query<PeriodFilter>) -> ApiResult<web::Json<Vec<Period>>> {
    who.require(Need::module(Module::WorkPeriods, Op::View).or_scope(Scope::Read))?;
    let school = who.school_id()?;
    let now = state.clock.now();
    let year = filter.academic_year;
    state.db.read(move |c| Ok(web::Json(load_periods(c, school, year, now)?))).await
}

fn save(c: &mut DbConn, school: i64, id: Option<i64>, input: &PeriodInput, now: NaiveDateTime) -> ApiResult<Period> {
    let national = window(c, input.academic_year)?;
    let (starts_at, ends_at) = check(input, national.as_ref())?;
    let mut dup = wp::table
        .filter(wp::school_id.eq(school))
        .filter(wp::academic_year.eq(input.academic_year))
        .filter(wp::semester.eq(input.semester))
        .filter(wp::grade.eq(input.grade))
        .filter(wp::item.eq(input.item.as_str()))
        .into_boxed();
    if let Some(id) = id {
        dup = dup.filter(wp::id.ne(id));
    }
    if dup.count().get_result::<i64>(c)? > 0 {
        let semester = if input.semester == 0 { "全學年".to_string() } else { format!("第 {} 學期", input.semester) };
        return Err(ApiError::conflict(
            format!("{} 學年度{} {} 年級已有「{}」。", input.academic_year, semester, input.grade, input.item.name_zh()),
            format!("A period {} for {}-{} grade {} exists already.", input.item.as_str(), input.academic_year, input.semester, input.grade),
        )
        .field("item", "同學年期、年級已有此項目", "this item exists for the same term and grade"));
    }
    let values = (
        wp::academic_year.eq(input.academic_year),
        wp::semester.eq(input.semester),
        wp::grade.eq(input.grade),
        wp::item.eq(input.item.as_str()),
        wp::starts_at.eq(starts_at),
        wp::ends_at.eq(ends_at),
        wp::updated_at.eq(now),
    );
    let id = match id {
        Some(id) => {
            diesel::update(wp::table.filter(wp::id.eq(id)).filter(wp::school_id.eq(school))).set(values).execute(c)?;
            id
        }
        None => diesel::insert_into(wp::table)
            .values((wp::school_id.eq(school), wp::created_at.eq(now), values))
            .returning(wp::id)
            .get_result(c)?,
    };
    let row: Row = wp::table.find(id).select(columns()).first(c)?;
    to_period(row, now)
}

fn owned(c: &mut DbConn, school: i64, id: i64) -> ApiResult<()> {
    let n: i64 = wp::table.filter(wp::id.eq(id)).filter(wp::school_id.eq(school)).count().get_result(c)?;
    if n == 0 {
        return Err(ApiError::not_found());
    }
    Ok(())
}

fn facts(p: &Period) -> String {
    format!("{} {}-{} grade {} {} ~ {}", p.item.as_str(), p.academic_year, p.semester, p.grade, crate::time::rfc3339(&p.starts_at), crate::time::rfc3339(&p.ends_at))
}

/// Audits a period change (sealed into the history chain); an update also says what it was.
fn record(c: &mut DbConn, who: &(i64, Option<i64>, String, String), event: EventKind, p: &Period, before: Option<&Period>, now: NaiveDateTime) -> ApiResult<()> {
    let detail = match before {
        Some(b) => format!("{}{}{}", facts(p), audit::BEFORE, facts(b)),
        None => facts(p),
    };
    audit::record(c, Event { school_id: Some(who.0), user_id: who.1, actor: Some(&who.2), event, detail: Some(detail), client: Some(&who.3) }, now)
}

/// Add a work period.
#[utoipa::path(
    tag = "settings",
    request_body = PeriodInput,
    responses(
        (status = 201, description = "Created", body = Period),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0203S with create", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The same year, semester, grade and item exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Outside the national window, end before start, wrong semester for the item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/work-periods")]
pub async fn create_period(state: web::Data<AppState>, who: Principal, req: HttpRequest, body: crate::http::JsonBody<PeriodInput>) -> ApiResult<HttpResponse> {
    who.require(Need::module(Module::WorkPeriods, Op::Create))?;
    // Read only after the caller is known to be allowed.
    let input = body.read().await?;
    let actor = (who.school_id()?, who.user_id(), who.actor(), client_addr(&req));
    let now = state.clock.now();
    let p = state
        .db
        .write(move |c| {
            let p = save(c, actor.0, None, &input, now)?;
            record(c, &actor, EventKind::WorkPeriodCreated, &p, None, now)?;
            Ok(p)
        })
        .await?;
    Ok(HttpResponse::Created().json(p))
}

/// Change a work period.
#[utoipa::path(
    tag = "settings",
    params(("id" = i64, Path, description = "Period id")),
    request_body = PeriodInput,
    responses(
        (status = 200, description = "Saved", body = Period),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0203S with update", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such period in this school", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another period has the same year, semester, grade and item", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Breaks a period rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/work-periods/{id}")]
pub async fn update_period(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>, body: crate::http::JsonBody<PeriodInput>) -> ApiResult<web::Json<Period>> {
    who.require(Need::module(Module::WorkPeriods, Op::Update))?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    let actor = (who.school_id()?, who.user_id(), who.actor(), client_addr(&req));
    let now = state.clock.now();
    let (id, input) = (id.into_inner(), body);
    state
        .db
        .write(move |c| {
            owned(c, actor.0, id)?;
            // What it was, for the sealed audit detail: this one row, not the school's periods.
            let before = wp::table.find(id).select(columns()).first::<Row>(c).optional()?.map(|r| to_period(r, now)).transpose()?;
            let p = save(c, actor.0, Some(id), &input, now)?;
            record(c, &actor, EventKind::WorkPeriodUpdated, &p, before.as_ref(), now)?;
            Ok(web::Json(p))
        })
        .await
}

/// Delete a work period.
#[utoipa::path(
    tag = "settings",
    params(("id" = i64, Path, description = "Period id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Neither the school admin nor granted module S0203S with delete", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such period in this school", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/work-periods/{id}")]
pub async fn delete_period(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    who.require(Need::module(Module::WorkPeriods, Op::Delete))?;
    let actor = (who.school_id()?, who.user_id(), who.actor(), client_addr(&req));
    let now = state.clock.now();
    let id = id.into_inner();
    state
        .db
        .write(move |c| {
            owned(c, actor.0, id)?;
            let row: Row = wp::table.find(id).select(columns()).first(c)?;
            diesel::delete(wp::table.find(id)).execute(c)?;
            let p = to_period(row, now)?;
            record(c, &actor, EventKind::WorkPeriodDeleted, &p, None, now)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The current term's periods that concern the caller, with whether each is open now: a
/// student's for their grade; a teacher's certification periods for every grade.
#[utoipa::path(
    tag = "settings",
    responses(
        (status = 200, description = "Periods that concern the caller", body = Vec<Period>),
        (status = 403, description = "Not a user of a school", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/periods")]
pub async fn my_periods(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<Period>>> {
    let user = who.user()?.clone();
    let school = who.school_id()?;
    let now = state.clock.now();
    state
        .db
        .read(move |c| {
            let Some(term) = terms::current(c, school)? else { return Ok(web::Json(Vec::new())) };
            let is_student = user.roles.contains(&Role::Student);
            let student_id = if UserKind::parse(&user.user.kind) == Some(UserKind::Temporary) { user.user.linked_user_id } else { Some(user.user.id) };
            let mut out = Vec::new();
            if is_student {
                let grade: Option<i32> = match student_id {
                    Some(id) => student_profiles::table.find(id).select(student_profiles::grade).first(c).optional()?,
                    None => None,
                };
                if let Some(grade) = grade {
                    for item in [Item::UploadResults, Item::SelectResults, Item::SelectPerformances] {
                        out.extend(find(c, school, item, grade, term, now)?);
                    }
                }
            }
            if user.roles.contains(&Role::SubjectTeacher) {
                for grade in 1..=3 {
                    out.extend(find(c, school, Item::CertifyResults, grade, term, now)?);
                }
            }
            Ok(web::Json(out))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn window() -> NationalWindow {
        NationalWindow { academic_year: 110, results_start: d(2021, 8, 1), results_end: d(2022, 11, 30), performances_start: d(2021, 8, 1), performances_end: d(2022, 11, 30) }
    }

    fn input(item: Item, semester: i32, start: NaiveDate, end: NaiveDate) -> PeriodInput {
        PeriodInput { academic_year: 110, semester, grade: 1, item, start_date: start, start_hour: 8, end_date: end, end_hour: 17 }
    }

    #[test]
    fn taipei_hours_become_utc_and_the_end_hour_is_inclusive() {
        let (s, e) = bounds(d(2022, 2, 1), 8, d(2022, 2, 28), 23);
        assert_eq!(s, d(2022, 2, 1).and_hms_opt(0, 0, 0).unwrap());
        assert_eq!(e, d(2022, 2, 28).and_hms_opt(16, 0, 0).unwrap());
        assert!(!is_open(s, e, s - Duration::seconds(1)));
        assert!(is_open(s, e, s));
        assert!(is_open(s, e, e - Duration::seconds(1)));
        assert!(!is_open(s, e, e));
    }

    #[test]
    fn period_rules() {
        let w = window();
        assert!(check(&input(Item::UploadResults, 1, d(2021, 9, 1), d(2022, 1, 20)), Some(&w)).is_ok());
        // Selections are per year (semester 0), uploads per semester.
        assert!(check(&input(Item::SelectResults, 1, d(2021, 9, 1), d(2022, 1, 20)), Some(&w)).is_err());
        assert!(check(&input(Item::SelectResults, 0, d(2021, 9, 1), d(2022, 1, 20)), Some(&w)).is_ok());
        assert!(check(&input(Item::CertifyResults, 0, d(2021, 9, 1), d(2022, 1, 20)), Some(&w)).is_err());
        // End before start; outside the window; no window.
        assert!(check(&input(Item::UploadResults, 1, d(2022, 1, 20), d(2021, 9, 1)), Some(&w)).is_err());
        assert!(check(&input(Item::UploadResults, 1, d(2021, 7, 31), d(2022, 1, 20)), Some(&w)).is_err());
        assert!(check(&input(Item::UploadResults, 2, d(2022, 2, 1), d(2022, 12, 1)), Some(&w)).is_err());
        assert!(check(&input(Item::UploadResults, 2, d(2022, 2, 1), d(2022, 11, 30)), Some(&w)).is_ok());
        assert!(check(&input(Item::UploadResults, 1, d(2021, 9, 1), d(2022, 1, 20)), None).is_err());
    }
}
