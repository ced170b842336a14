//! Selection for submission (勾選; FAQ 000 四 Q2, DESIGN.md): inside the selection period for the
//! student's grade, at most 6 certified learning results and at most 10 performances per academic
//! year. The limits hold under concurrent requests: each student's selections are serialised.

use actix_web::{delete, get, put, web, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::audit::EventKind;
use crate::state::AppState;
use crate::auth::Principal;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::schema::{learning_results as lr, performances as pf, selections as sel};
use crate::settings::periods::{self, Item, Period};
use crate::terms::Term;
use crate::uploads::access::{self, Caller};

/// Learning results a student may select per academic year (FAQ 000 四 Q2).
pub const RESULTS_PER_YEAR: i64 = 6;
/// Performances a student may select per academic year.
pub const PERFORMANCES_PER_YEAR: i64 = 10;

/// What is selected:
/// - `results`: certified learning results (學習成果), at most 6 a year
/// - `performances`: multiple performances (多元表現), at most 10 a year
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = SelectionKind)]
pub enum Kind {
    Results,
    Performances,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Results, Kind::Performances];

    /// Every value `selections.item_kind` holds: each kind's own items and its imported ones.
    pub fn stored_item_kinds() -> Vec<&'static str> {
        Kind::ALL.into_iter().flat_map(|k| [k.item_kind(), k.imported_kind()]).collect()
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "results" => Some(Kind::Results),
            "performances" => Some(Kind::Performances),
            _ => None,
        }
    }

    /// The kind of item selected.
    pub fn item(self) -> ItemKind {
        match self {
            Kind::Results => ItemKind::Result,
            Kind::Performances => ItemKind::Performance,
        }
    }

    /// The value stored in `selections.item_kind`.
    pub fn item_kind(self) -> &'static str {
        self.item().as_str()
    }

    /// The value stored in `selections.item_kind` for an item imported from another school
    /// (`transfer_items`, issue #21): it counts toward the same limit.
    pub fn imported_kind(self) -> &'static str {
        match self {
            Kind::Results => "transfer_result",
            Kind::Performances => "transfer_performance",
        }
    }

    pub fn limit(self) -> i64 {
        match self {
            Kind::Results => RESULTS_PER_YEAR,
            Kind::Performances => PERFORMANCES_PER_YEAR,
        }
    }

    pub fn period_item(self) -> Item {
        match self {
            Kind::Results => Item::SelectResults,
            Kind::Performances => Item::SelectPerformances,
        }
    }

    fn name_zh(self) -> &'static str {
        match self {
            Kind::Results => "學習成果",
            Kind::Performances => "多元表現",
        }
    }
}

/// One kind's selection this academic year.
#[derive(Debug, Serialize, ToSchema)]
pub struct SelectionSet {
    /// 6 learning results or 10 performances.
    pub limit: i64,
    /// Ids of the selected items.
    pub selected: Vec<i64>,
    /// Ids of the selected items imported from another school (`/transfers/items`); they count
    /// toward `limit` with `selected`.
    pub imported: Vec<i64>,
    /// The selection period for the student's grade, if set.
    pub period: Option<Period>,
}

/// Which academic year's selections: the current one (default) or the previous one, whose
/// selections are finished while its period is open (meeting 003 #3).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SelectionsQuery {
    /// 學年度, e.g. `114`: the current year (default) or the year before.
    pub academic_year: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "academic_year": 115,
    "results": {
        "limit": 6, "selected": [88, 93], "imported": [],
        "period": {
            "id": 12, "academic_year": 115, "semester": 0, "grade": 2, "item": "select_results", "item_name": "學生勾選學習成果時間",
            "start_date": "2027-07-01", "start_hour": 8, "end_date": "2027-07-31", "end_hour": 23, "starts_at": "2027-07-01T00:00:00Z",
            "ends_at": "2027-07-31T16:00:00Z", "open": false
        }
    },
    "performances": {
        "limit": 10, "selected": [64], "imported": [],
        "period": {
            "id": 13, "academic_year": 115, "semester": 0, "grade": 2, "item": "select_performances", "item_name": "學生勾選多元表現時間",
            "start_date": "2027-07-01", "start_hour": 8, "end_date": "2027-07-31", "end_hour": 23, "starts_at": "2027-07-01T00:00:00Z",
            "ends_at": "2027-07-31T16:00:00Z", "open": false
        }
    }
}))]
pub struct MySelections {
    pub academic_year: i32,
    pub results: SelectionSet,
    pub performances: SelectionSet,
}

pub use crate::uploads::items::ItemKind;

pub fn selected_ids(c: &mut DbConn, student: i64, academic_year: i32, kind: Kind) -> ApiResult<Vec<i64>> {
    stored_ids(c, student, academic_year, kind.item_kind())
}

fn stored_ids(c: &mut DbConn, student: i64, academic_year: i32, item_kind: &str) -> ApiResult<Vec<i64>> {
    Ok(sel::table
        .filter(sel::student_id.eq(student))
        .filter(sel::academic_year.eq(academic_year))
        .filter(sel::item_kind.eq(item_kind))
        .order(sel::selected_at.asc())
        .select(sel::item_id)
        .load(c)?)
}

/// Checks that `item` is the student's and selectable (a certified result); returns its academic
/// year, whose selection period and limit apply.
fn check_item(c: &mut DbConn, me: Caller, kind: Kind, item: i64) -> ApiResult<i32> {
    let found: Option<(i64, i32, Option<String>)> = match kind {
        Kind::Results => lr::table
            .filter(lr::id.eq(item))
            .filter(lr::school_id.eq(me.school))
            .filter(crate::uploads::live::<lr::table>())
            .select((lr::student_id, lr::academic_year, lr::state.nullable()))
            .first(c)
            .optional()?,
        Kind::Performances => pf::table
            .filter(pf::id.eq(item))
            .filter(pf::school_id.eq(me.school))
            .filter(crate::uploads::live::<pf::table>())
            .select((pf::student_id, pf::academic_year, diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>("NULL")))
            .first(c)
            .optional()?,
    };
    let (student, year, state) = found.ok_or_else(ApiError::not_found)?;
    if student != me.user {
        return Err(ApiError::not_found());
    }
    if kind == Kind::Results && state.as_deref() != Some("certified") {
        return Err(ApiError::with_detail(ErrorCode::InvalidState, "只能勾選認證成功的學習成果。", "Only certified learning results can be selected."));
    }
    Ok(year)
}

/// Selects one item: the period must be open and the year's limit not reached. Selecting an item
/// already selected changes nothing.
pub fn select(c: &mut DbConn, me: Caller, kind: Kind, item: i64, now: NaiveDateTime) -> ApiResult<()> {
    let facts = access::student_facts(c, me.school, me.user)?;
    let academic_year = check_item(c, me, kind, item)?;
    add(c, me, facts.grade, kind, kind.item_kind(), item, academic_year, now)
}

/// Selects an item imported from another school (`transfer_items`, issue #21): the student's own,
/// a certified learning result or a performance; it counts toward the year's limit with the
/// student's own items.
pub fn select_imported(c: &mut DbConn, me: Caller, item: i64, now: NaiveDateTime) -> ApiResult<()> {
    let facts = access::student_facts(c, me.school, me.user)?;
    let (kind, academic_year) = check_imported(c, me, item)?;
    add(c, me, facts.grade, kind, kind.imported_kind(), item, academic_year, now)
}

fn check_imported(c: &mut DbConn, me: Caller, item: i64) -> ApiResult<(Kind, i32)> {
    use crate::schema::transfer_items as tx;
    let found: Option<(i64, String, i32, Option<String>)> =
        tx::table.filter(tx::id.eq(item)).filter(tx::school_id.eq(me.school)).select((tx::student_id, tx::item_kind, tx::academic_year, tx::state)).first(c).optional()?;
    let (_, item_kind, year, state) = found.filter(|f| f.0 == me.user).ok_or_else(ApiError::not_found)?;
    let kind = match ItemKind::parse("transfer_items.item_kind", &item_kind)? {
        ItemKind::Result => Kind::Results,
        ItemKind::Performance => Kind::Performances,
        ItemKind::Cadre => return Err(ApiError::with_detail(ErrorCode::InvalidState, "校內幹部經歷不需勾選。", "School cadre records are not selected.")),
    };
    if kind == Kind::Results && state.as_deref() != Some("certified") {
        return Err(ApiError::with_detail(ErrorCode::InvalidState, "只能勾選認證成功的學習成果。", "Only certified learning results can be selected."));
    }
    Ok((kind, year))
}

/// Adds a selection: the period of the item's year must be open and the year's limit — own and
/// imported items together — not reached. Selecting an item already selected changes nothing.
#[allow(clippy::too_many_arguments)]
fn add(c: &mut DbConn, me: Caller, grade: i32, kind: Kind, item_kind: &'static str, item: i64, academic_year: i32, now: NaiveDateTime) -> ApiResult<()> {
    // The item's own year's selection period (meeting 003 #3: the old year's selections are
    // finished after the term moved on); another year's period does not open it.
    periods::require_open_for(c, me.school, kind.period_item(), grade, Term { academic_year, semester: 0 }, now)?;
    access::lock_student(c, me.user)?;
    let ids = stored_ids(c, me.user, academic_year, item_kind)?;
    if ids.contains(&item) {
        return Ok(());
    }
    let other = if item_kind == kind.item_kind() { kind.imported_kind() } else { kind.item_kind() };
    let count = ids.len() + stored_ids(c, me.user, academic_year, other)?.len();
    if count as i64 >= kind.limit() {
        return Err(ApiError::with_detail(
            ErrorCode::LimitReached,
            format!("每學年最多勾選 {} 件{}，已勾選 {} 件；請先取消其他項目。", kind.limit(), kind.name_zh(), count),
            format!("At most {} items of this kind a year; {} are selected. Unselect one first.", kind.limit(), count),
        ));
    }
    diesel::insert_into(sel::table)
        .values((
            sel::school_id.eq(me.school),
            sel::student_id.eq(me.user),
            sel::academic_year.eq(academic_year),
            sel::item_kind.eq(item_kind),
            sel::item_id.eq(item),
            sel::selected_at.eq(now),
        ))
        .execute(c)?;
    access::record_on_behalf(c, me, EventKind::SelectionAdded, format!("{item_kind} {item}"), now)?;
    seal(c, me, "selected", item_kind, item, academic_year, now)
}

/// Every selection change goes into the school's history chain (issue #26), whoever made it.
fn seal(c: &mut DbConn, me: Caller, action: &str, item_kind: &str, item: i64, academic_year: i32, now: NaiveDateTime) -> ApiResult<()> {
    let detail = serde_json::json!({"student": me.user, "action": action, "item_kind": item_kind, "item": item, "academic_year": academic_year});
    crate::history::note(c, me.school, Some(me.actor), EventKind::SelectionChanged, detail, now)
}

pub fn unselect(c: &mut DbConn, me: Caller, kind: Kind, item: i64, now: NaiveDateTime) -> ApiResult<()> {
    remove(c, me, kind, kind.item_kind(), item, now)
}

/// Unselects an imported item (`transfer_items`), inside the selection period.
pub fn unselect_imported(c: &mut DbConn, me: Caller, item: i64, now: NaiveDateTime) -> ApiResult<()> {
    let kind: Option<String> = sel::table
        .filter(sel::student_id.eq(me.user))
        .filter(sel::item_kind.eq_any([Kind::Results.imported_kind(), Kind::Performances.imported_kind()]))
        .filter(sel::item_id.eq(item))
        .select(sel::item_kind)
        .first(c)
        .optional()?;
    let kind = match kind.as_deref() {
        Some(k) if k == Kind::Results.imported_kind() => Kind::Results,
        Some(_) => Kind::Performances,
        None => return Err(ApiError::not_found()),
    };
    remove(c, me, kind, kind.imported_kind(), item, now)
}

fn remove(c: &mut DbConn, me: Caller, kind: Kind, item_kind: &'static str, item: i64, now: NaiveDateTime) -> ApiResult<()> {
    let facts = access::student_facts(c, me.school, me.user)?;
    let mine = sel::table.filter(sel::student_id.eq(me.user)).filter(sel::item_kind.eq(item_kind)).filter(sel::item_id.eq(item));
    let academic_year: i32 = mine.select(sel::academic_year).first(c).optional()?.ok_or_else(ApiError::not_found)?;
    periods::require_open_for(c, me.school, kind.period_item(), facts.grade, Term { academic_year, semester: 0 }, now)?;
    diesel::delete(mine).execute(c)?;
    access::record_on_behalf(c, me, EventKind::SelectionRemoved, format!("{item_kind} {item}"), now)?;
    seal(c, me, "unselected", item_kind, item, academic_year, now)
}

/// The caller's selections of the current academic year (or `year`: the current or the previous).
pub fn load(c: &mut DbConn, me: Caller, year: Option<i32>, now: NaiveDateTime) -> ApiResult<MySelections> {
    let current = crate::terms::require_current(c, me.school)?;
    let facts = access::student_facts(c, me.school, me.user)?;
    let years_back = match year {
        None => 0,
        Some(y) if y == current.academic_year || y == current.academic_year - 1 => current.academic_year - y,
        Some(_) => {
            return Err(ApiError::validation().field(
                "academic_year",
                format!("只能查看 {} 或 {} 學年度", current.academic_year, current.academic_year - 1),
                format!("only academic year {} or {}", current.academic_year, current.academic_year - 1),
            ))
        }
    };
    // The previous year's period is the one of the grade the student had then.
    let term = Term { academic_year: current.academic_year - years_back, semester: current.semester };
    let grade = (facts.grade - years_back).max(1);
    let set = |c: &mut DbConn, kind: Kind| -> ApiResult<SelectionSet> {
        Ok(SelectionSet {
            limit: kind.limit(),
            selected: selected_ids(c, me.user, term.academic_year, kind)?,
            imported: stored_ids(c, me.user, term.academic_year, kind.imported_kind())?,
            period: periods::find(c, me.school, kind.period_item(), grade, term, now)?,
        })
    };
    let results = set(c, Kind::Results)?;
    let performances = set(c, Kind::Performances)?;
    Ok(MySelections { academic_year: term.academic_year, results, performances })
}

fn kind_of(s: &str) -> ApiResult<Kind> {
    Kind::parse(s).ok_or_else(|| ApiError::new(ErrorCode::InvalidPath).field("kind", "須為 results 或 performances", "must be results or performances"))
}

/// 我的勾選: this academic year's (or the previous one's, `academic_year`) selected learning
/// results and performances with the limits and selection periods.
#[utoipa::path(
    tag = "selections",
    params(SelectionsQuery),
    responses(
        (status = 200, description = "Selections of the academic year", body = MySelections),
        (status = 400, description = "Malformed academic_year", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No term or no student record yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither the current nor the previous academic year", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/selections")]
pub async fn my_selections(state: web::Data<AppState>, who: Principal, q: web::Query<SelectionsQuery>) -> ApiResult<web::Json<MySelections>> {
    let me = Caller::student(&who)?;
    let now = state.clock.now();
    let year = q.into_inner().academic_year;
    Ok(web::Json(state.db.read(move |c| load(c, me, year, now)).await?))
}

/// 勾選: selects a certified learning result (`results`) or a performance (`performances`),
/// inside the selection period of the item's own academic year (the previous year's items too,
/// while that year's period is open).
#[utoipa::path(
    tag = "selections",
    params(("kind" = inline(Kind), Path, description = "`results` or `performances`"), ("item_id" = i64, Path, description = "The item's id")),
    responses(
        (status = 200, description = "Selected (also when it already was)", body = MySelections),
        (status = 400, description = "Malformed kind or id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student, or outside the selection period", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The limit is reached (`limit_reached`), or the item is not selectable (`invalid_state`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/me/selections/{kind}/{item_id}")]
pub async fn select_item(state: web::Data<AppState>, who: Principal, path: web::Path<(String, i64)>) -> ApiResult<web::Json<MySelections>> {
    let me = Caller::student(&who)?;
    let (kind, item) = path.into_inner();
    let kind = kind_of(&kind)?;
    let now = state.clock.now();
    state.db.write(move |c| select(c, me, kind, item, now)).await?;
    Ok(web::Json(state.db.read(move |c| load(c, me, None, now)).await?))
}

/// 取消勾選, inside the selection period.
#[utoipa::path(
    tag = "selections",
    params(("kind" = inline(Kind), Path, description = "`results` or `performances`"), ("item_id" = i64, Path, description = "The item's id")),
    responses(
        (status = 204, description = "Unselected"),
        (status = 400, description = "Malformed kind or id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student, or outside the selection period", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not selected", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/selections/{kind}/{item_id}")]
pub async fn unselect_item(state: web::Data<AppState>, who: Principal, path: web::Path<(String, i64)>) -> ApiResult<HttpResponse> {
    let me = Caller::student(&who)?;
    let (kind, item) = path.into_inner();
    let kind = kind_of(&kind)?;
    let now = state.clock.now();
    state.db.write(move |c| unselect(c, me, kind, item, now)).await?;
    Ok(HttpResponse::NoContent().finish())
}
