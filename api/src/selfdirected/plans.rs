//! The student's side: a plan per semester (theme, subject, goals, content and methods, a weekly
//! schedule, expected results, resources, dates) written as a draft and submitted inside the
//! plan period; once approved, progress notes, then results (document and/or video under the
//! upload limits, a reflection, hours) submitted inside the results period. A returned plan or
//! result is edited and submitted again. A certified result becomes the student's 彈性學習時間紀錄
//! performance (FAQ 004: 彈性學習時間紀錄「例如：自主學習…」) and is selected within the yearly limit.

use actix_multipart::Multipart;
use actix_web::{delete, get, post, put, web, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::review::StageAction;
use super::{GroupKind, OutcomeState, Phase, PlanState};
use crate::audit::EventKind;
use crate::state::AppState;
use crate::auth::Principal;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::schema::{performances as pf, schools, sdl_events as ev, sdl_flow_stages as fs, sdl_groups as g, sdl_plans as pl, sdl_progress as pg, sdl_stages as st, student_profiles as sp, users};
use crate::selections::{self, Kind};
use crate::settings::periods::{self, Item, Period};
use crate::terms::Term;
use crate::uploads::access::{self, Caller};
use crate::uploads::files::{self, FileInfo};
use crate::uploads::form::{self, Slot};
use crate::uploads::rules::{self, Field};
use crate::uploads::{links, performances};

/// One week of the schedule (週次與進度).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
pub struct WeekRow {
    /// 週次, 1–40.
    #[validate(range(min = 1, max = 40))]
    pub week: i32,
    /// What the student does that week, 1–100 characters.
    #[validate(length(min = 1, max = 100))]
    pub activity: String,
}

/// A plan as the student writes it.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"theme": "校園植物觀察", "subject_group_id": 3, "goals": "認識校園常見植物並建立圖鑑", "content": "每週觀察、拍照與記錄", "schedule": [{"week": 1, "activity": "蒐集資料"}, {"week": 2, "activity": "實地觀察"}], "expected": "完成校園植物圖鑑一份", "resources": "圖書館植物圖鑑", "start_date": "2026-09-14", "end_date": "2026-12-25"}))]
pub struct PlanInput {
    /// 自主學習主題, 1–50 characters.
    #[validate(length(min = 1, max = 50))]
    pub theme: String,
    /// 學科/領域: one of the school's subject groups (manual 5.1, 類別 學科).
    pub subject_group_id: i64,
    /// 學習目標, 1–500 characters.
    #[validate(length(min = 1, max = 500))]
    pub goals: String,
    /// 學習內容與方法, 1–1000 characters.
    #[validate(length(min = 1, max = 1000))]
    pub content: String,
    /// 每週進度, 1–40 weeks.
    #[validate(length(min = 1, max = 40), nested)]
    pub schedule: Vec<WeekRow>,
    /// 預期成果, 1–500 characters.
    #[validate(length(min = 1, max = 500))]
    pub expected: String,
    /// 所需資源, at most 500 characters.
    #[validate(length(max = 500))]
    #[serde(default)]
    pub resources: String,
    /// 開始日期.
    pub start_date: NaiveDate,
    /// 結束日期 (not before the start).
    pub end_date: NaiveDate,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"note": "第三週：完成 12 種植物的照片與記錄。"}))]
pub struct ProgressInput {
    /// 進度紀錄, 1–500 characters.
    #[validate(length(min = 1, max = 500))]
    pub note: String,
}

/// The multipart form of the results: fields left out stay as they are.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
#[schema(example = json!({"reflection": "學會有系統地記錄觀察，並與同學分享成果。", "hours": 18}))]
pub struct OutcomeForm {
    /// 學習省思, at most 1000 characters, no links.
    reflection: Option<String>,
    /// 時數 (0.5–2000, in steps of 0.5): the hours the 彈性學習時間紀錄 carries.
    hours: Option<f64>,
    /// pdf, jpg or png under the upload limits; a PDF with links is refused.
    #[schema(value_type = Option<String>, format = Binary)]
    document: Option<Vec<u8>>,
    /// mp3 or mp4 under the upload limits.
    #[schema(value_type = Option<String>, format = Binary)]
    video: Option<Vec<u8>>,
    remove_document: Option<bool>,
    remove_video: Option<bool>,
}

/// A plan with its results, as every list shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Plan {
    pub id: i64,
    pub student_id: i64,
    pub student_account: String,
    pub student_name: String,
    pub class_code: Option<String>,
    pub seat_no: Option<i32>,
    /// e.g. `1151`.
    pub term: String,
    pub academic_year: i32,
    pub semester: i32,
    pub theme: String,
    pub subject_group_id: i64,
    pub subject_name: String,
    pub goals: String,
    pub content: String,
    pub schedule: Vec<WeekRow>,
    pub expected: String,
    pub resources: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub plan_state: PlanState,
    /// The stage (1 = first) the plan waits at, while `in_review`.
    pub plan_stage: Option<i32>,
    pub result_state: OutcomeState,
    /// The stage the results wait at, while `in_review`.
    pub result_stage: Option<i32>,
    pub reflection: String,
    pub hours: Option<f64>,
    pub document: Option<FileInfo>,
    pub video: Option<FileInfo>,
    /// The last return's reason, while returned.
    pub return_reason: Option<String>,
    /// The 彈性學習時間紀錄 performance made from the certified results.
    pub performance_id: Option<i64>,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc")]
    pub updated_at: NaiveDateTime,
}

type Row = (
    (i64, i64, i32, i32, String, i64, String, String, String, String, String),
    (NaiveDate, NaiveDate, String, Option<i32>, String, Option<i32>, String, Option<f64>, Option<i64>, Option<i64>, Option<String>, Option<i64>),
    (NaiveDateTime, NaiveDateTime),
    (String, String, Option<String>, Option<i32>),
    String,
);

macro_rules! plan_query {
    () => {
        pl::table
            .inner_join(users::table.on(users::id.eq(pl::student_id)))
            .left_join(sp::table.on(sp::user_id.eq(pl::student_id)))
            .inner_join(g::table.on(g::id.eq(pl::subject_group_id)))
            .select((
                (pl::id, pl::student_id, pl::academic_year, pl::semester, pl::theme, pl::subject_group_id, pl::goals, pl::content, pl::schedule, pl::expected, pl::resources),
                (
                    pl::start_date,
                    pl::end_date,
                    pl::plan_state,
                    pl::plan_stage,
                    pl::result_state,
                    pl::result_stage,
                    pl::reflection,
                    pl::hours,
                    pl::document_file_id,
                    pl::video_file_id,
                    pl::return_reason,
                    pl::performance_id,
                ),
                (pl::created_at, pl::updated_at),
                (users::account, users::display_name, sp::class_code.nullable(), sp::seat_no.nullable()),
                g::name,
            ))
    };
}

fn shape(c: &mut DbConn, rows: Vec<Row>) -> ApiResult<Vec<Plan>> {
    let file_ids: Vec<i64> = rows.iter().flat_map(|r| [r.1 .8, r.1 .9]).flatten().collect();
    let stored = files::load(c, &file_ids)?;
    rows.into_iter()
        .map(|(a, b, (created_at, updated_at), (account, name, class_code, seat_no), subject_name)| {
            let (id, student_id, academic_year, semester, theme, subject_group_id, goals, content, schedule, expected, resources) = a;
            let (start_date, end_date, plan_state, plan_stage, result_state, result_stage, reflection, hours, doc, video, return_reason, performance_id) = b;
            Ok(Plan {
                id,
                student_id,
                student_account: account,
                student_name: name,
                class_code,
                seat_no,
                term: Term { academic_year, semester }.code(),
                academic_year,
                semester,
                theme,
                subject_group_id,
                subject_name,
                goals,
                content,
                schedule: serde_json::from_str(&schedule).map_err(|e| ApiError::internal(format!("plan {id} schedule: {e}")))?,
                expected,
                resources,
                start_date,
                end_date,
                plan_state: PlanState::parse(&plan_state)?,
                plan_stage: plan_stage.map(|s| s + 1),
                result_state: OutcomeState::parse(&result_state)?,
                result_stage: result_stage.map(|s| s + 1),
                reflection,
                hours,
                document: files::find(&stored, doc),
                video: files::find(&stored, video),
                return_reason,
                performance_id,
                created_at,
                updated_at,
            })
        })
        .collect()
}

/// Plans by id, in the given order (missing ids left out).
pub fn load_plans(c: &mut DbConn, school: i64, ids: &[i64]) -> ApiResult<Vec<Plan>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let rows: Vec<Row> = plan_query!().filter(pl::school_id.eq(school)).filter(pl::id.eq_any(ids)).load(c)?;
    let mut plans = shape(c, rows)?;
    plans.sort_by_key(|p| ids.iter().position(|i| *i == p.id));
    Ok(plans)
}

pub fn load_plan(c: &mut DbConn, school: i64, id: i64) -> ApiResult<Plan> {
    load_plans(c, school, &[id])?.pop().ok_or_else(ApiError::not_found)
}

/// A subject the student may name in a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectOption {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "term": {"academic_year": 115, "semester": 1},
    "plans": [
        {
            "id": 23, "student_id": 345, "student_account": "999999_114001", "student_name": "吳承恩", "class_code": "201", "seat_no": 1,
            "academic_year": 115, "semester": 1, "term": "1151", "theme": "校園植物觀察", "subject_group_id": 3, "subject_name": "自然科學領域",
            "goals": "認識校園常見植物並建立圖鑑", "content": "每週觀察、拍照與記錄", "schedule": [{"week": 1, "activity": "蒐集資料"}, {"week": 2, "activity": "實地觀察"}],
            "expected": "完成校園植物圖鑑一份", "resources": "圖書館植物圖鑑", "start_date": "2026-09-14", "end_date": "2026-12-25", "plan_state": "approved",
            "plan_stage": null, "result_state": "in_review", "result_stage": 2, "return_reason": null, "reflection": "學會有系統地記錄觀察，並與同學分享成果。",
            "hours": 18,
            "document": {
                "id": 502, "kind": "pdf", "name": "校園植物圖鑑.pdf", "sha256": "3b7e1f0a9c2d4e6f8a0b1c3d5e7f9a2b4c6d8e0f1a3b5c7d9e2f4a6b8c0d2e4f",
                "size": 1834021
            },
            "video": null, "performance_id": null, "created_at": "2026-09-10T07:20:00Z", "updated_at": "2026-12-28T03:05:00Z"
        }
    ],
    "subjects": [{"id": 3, "name": "自然科學領域"}, {"id": 4, "name": "國語文"}],
    "plan_period": {
        "id": 14, "academic_year": 115, "semester": 1, "grade": 2, "item": "self_directed_plans", "item_name": "學生送出自主學習計畫時間",
        "start_date": "2026-09-01", "start_hour": 8, "end_date": "2026-09-30", "end_hour": 23, "starts_at": "2026-09-01T00:00:00Z",
        "ends_at": "2026-09-30T16:00:00Z", "open": false
    },
    "result_period": {
        "id": 15, "academic_year": 115, "semester": 1, "grade": 2, "item": "self_directed_results", "item_name": "學生送出自主學習成果時間",
        "start_date": "2026-12-01", "start_hour": 8, "end_date": "2027-01-15", "end_hour": 23, "starts_at": "2026-12-01T00:00:00Z",
        "ends_at": "2027-01-15T16:00:00Z", "open": false
    }
}))]
pub struct MySelfDirected {
    /// The school's current term: a new plan belongs to it.
    pub term: Term,
    /// The student's plans, newest term first.
    pub plans: Vec<Plan>,
    /// The school's subject groups (學科).
    pub subjects: Vec<SubjectOption>,
    /// The plan period of this term for the student's grade, if set.
    pub plan_period: Option<Period>,
    /// The results period of this term for the student's grade, if set.
    pub result_period: Option<Period>,
}

/// Records one submission or decision.
#[allow(clippy::too_many_arguments)]
pub fn record(c: &mut DbConn, plan: i64, phase: Phase, action: StageAction, position: Option<i32>, identity: Option<&str>, actor: i64, reason: Option<&str>, now: NaiveDateTime) -> ApiResult<()> {
    diesel::insert_into(ev::table)
        .values((
            ev::plan_id.eq(plan),
            ev::phase.eq(phase.as_str()),
            ev::action.eq(action.as_str()),
            ev::position.eq(position),
            ev::identity.eq(identity),
            ev::actor_id.eq(actor),
            ev::reason.eq(reason),
            ev::at.eq(now),
        ))
        .execute(c)?;
    let school: i64 = pl::table.find(plan).select(pl::school_id).first(c)?;
    let detail = serde_json::json!({"plan": plan, "phase": phase.as_str(), "action": action.as_str(), "position": position, "identity": identity, "reason": reason});
    crate::history::note(c, school, Some(actor), EventKind::SelfDirectedEvent, detail, now)
}

fn subject_of_school(c: &mut DbConn, school: i64, id: i64) -> ApiResult<()> {
    let kind: Option<String> = g::table.filter(g::id.eq(id)).filter(g::school_id.eq(school)).select(g::kind).first(c).optional()?;
    if kind.as_deref() != Some(GroupKind::Subject.as_str()) {
        return Err(ApiError::validation().field("subject_group_id", "請選擇學校設定的學科", "choose one of the school's subjects"));
    }
    Ok(())
}

/// Trims the texts and checks what `validator` cannot: dates in order, no links, weeks distinct.
fn checked(mut input: PlanInput) -> ApiResult<PlanInput> {
    input.validate()?;
    for s in [&mut input.theme, &mut input.goals, &mut input.content, &mut input.expected, &mut input.resources] {
        *s = s.trim().to_string();
    }
    let mut err = ApiError::validation();
    for (name, text) in [("theme", &input.theme), ("goals", &input.goals), ("content", &input.content), ("expected", &input.expected)] {
        if text.is_empty() {
            err = err.field(name, "此欄位必填", "required");
        }
    }
    if input.end_date < input.start_date {
        err = err.field("end_date", "結束日期不可早於開始日期", "must not be before the start date");
    }
    let mut weeks: Vec<i32> = input.schedule.iter().map(|w| w.week).collect();
    weeks.sort_unstable();
    weeks.dedup();
    if weeks.len() != input.schedule.len() {
        err = err.field("schedule", "週次不可重複", "each week at most once");
    }
    for w in &mut input.schedule {
        w.activity = w.activity.trim().to_string();
    }
    let all = [&input.theme, &input.goals, &input.content, &input.expected, &input.resources];
    if all.iter().any(|t| has_link(t)) || input.schedule.iter().any(|w| has_link(&w.activity)) {
        err = err.field("content", "計畫內容不可包含外部連結", "must not contain external links");
    }
    if err.fields.is_empty() {
        Ok(input)
    } else {
        Err(err)
    }
}

/// An external link (meeting 003 #32 keeps them out of what students write).
fn has_link(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["http://", "https://", "www.", "ftp://"].iter().any(|p| lower.contains(p))
}

fn schedule_json(rows: &[WeekRow]) -> ApiResult<String> {
    serde_json::to_string(rows).map_err(|e| ApiError::internal(format!("schedule: {e}")))
}

/// The student's own plan: (term, plan state, result state, document, video).
struct Own {
    term: Term,
    plan: PlanState,
    result: OutcomeState,
    document: Option<i64>,
    video: Option<i64>,
    performance: Option<i64>,
}

fn own(c: &mut DbConn, me: Caller, id: i64) -> ApiResult<Own> {
    type OwnRow = (i64, i32, i32, String, String, Option<i64>, Option<i64>, Option<i64>);
    let row: Option<OwnRow> = pl::table
        .filter(pl::id.eq(id))
        .filter(pl::school_id.eq(me.school))
        .select((pl::student_id, pl::academic_year, pl::semester, pl::plan_state, pl::result_state, pl::document_file_id, pl::video_file_id, pl::performance_id))
        .first(c)
        .optional()?;
    let (student, academic_year, semester, plan, result, document, video, performance) = row.ok_or_else(ApiError::not_found)?;
    if student != me.user {
        return Err(ApiError::not_found());
    }
    Ok(Own { term: Term { academic_year, semester }, plan: PlanState::parse(&plan)?, result: OutcomeState::parse(&result)?, document, video, performance })
}

fn state_error(what: &str, state_zh: &str) -> ApiError {
    ApiError::with_detail(ErrorCode::InvalidState, format!("此{what}目前為「{state_zh}」，不能這樣修改。"), format!("The {what} cannot be changed in its present state."))
}

/// The period `item` of the plan's own term, for the grade the student had then.
fn require_period(c: &mut DbConn, me: Caller, item: Item, term: Term, now: NaiveDateTime) -> ApiResult<()> {
    let facts = access::student_facts(c, me.school, me.user)?;
    periods::require_open_for(c, me.school, item, facts.grade, term, now)?;
    Ok(())
}

/// Copies the school's order into the plan for `phase`, once: a plan in progress keeps the order
/// it started with. Refused while the school has no stage.
fn snapshot(c: &mut DbConn, school: i64, plan: i64, phase: Phase) -> ApiResult<()> {
    let have: i64 = fs::table.filter(fs::plan_id.eq(plan)).filter(fs::phase.eq(phase.as_str())).count().get_result(c)?;
    if have > 0 {
        return Ok(());
    }
    let stages: Vec<(String, Option<i64>)> = st::table.filter(st::school_id.eq(school)).order((st::position.asc(), st::id.asc())).select((st::identity, st::group_id)).load(c)?;
    if stages.is_empty() {
        return Err(ApiError::with_detail(ErrorCode::InvalidState, "學校尚未設定自主學習的認證順序，請洽學校。", "The school has not set the certification order yet."));
    }
    for (i, (identity, group_id)) in stages.into_iter().enumerate() {
        diesel::insert_into(fs::table)
            .values((fs::plan_id.eq(plan), fs::phase.eq(phase.as_str()), fs::position.eq(i as i32), fs::identity.eq(identity), fs::group_id.eq(group_id)))
            .execute(c)?;
    }
    Ok(())
}

/// 我的自主學習: the student's plans, the subjects to choose from, this term's periods.
#[utoipa::path(
    tag = "self-directed",
    responses(
        (status = 200, description = "Plans, subjects, periods", body = MySelfDirected),
        (status = 403, description = "Not a student", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No term or no student record yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/self-directed")]
pub async fn my_self_directed(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<MySelfDirected>> {
    let me = Caller::student(&who)?;
    let now = state.clock.now();
    state
        .db
        .read(move |c| {
            let term = crate::terms::require_current(c, me.school)?;
            let facts = access::student_facts(c, me.school, me.user)?;
            let ids: Vec<i64> = pl::table
                .filter(pl::student_id.eq(me.user))
                .filter(pl::school_id.eq(me.school))
                .order((pl::academic_year.desc(), pl::semester.desc()))
                .select(pl::id)
                .load(c)?;
            let plans = load_plans(c, me.school, &ids)?;
            let subjects: Vec<(i64, String)> =
                g::table.filter(g::school_id.eq(me.school)).filter(g::kind.eq(GroupKind::Subject.as_str())).order(g::name.asc()).select((g::id, g::name)).load(c)?;
            Ok(web::Json(MySelfDirected {
                term,
                plans,
                subjects: subjects.into_iter().map(|(id, name)| SubjectOption { id, name }).collect(),
                plan_period: periods::find(c, me.school, Item::SelfDirectedPlans, facts.grade, term, now)?,
                result_period: periods::find(c, me.school, Item::SelfDirectedResults, facts.grade, term, now)?,
            }))
        })
        .await
}

/// 撰寫自主學習計畫: a draft for the current term (one plan a semester), inside the plan period.
#[utoipa::path(
    tag = "self-directed",
    request_body = PlanInput,
    responses(
        (status = 201, description = "Created as a draft", body = Plan),
        (status = 403, description = "Not a student, or outside the plan period (`period_closed`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A plan of this semester exists (`conflict`), no term or no student record", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad fields (lengths, dates, links, an unknown subject)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/self-directed/plans")]
pub async fn create_plan(state: web::Data<AppState>, who: Principal, body: crate::http::JsonBody<PlanInput>) -> ApiResult<HttpResponse> {
    let me = Caller::student(&who)?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    let input = checked(body)?;
    let now = state.clock.now();
    let id = state
        .db
        .write(move |c| {
            let term = crate::terms::require_current(c, me.school)?;
            require_period(c, me, Item::SelfDirectedPlans, term, now)?;
            subject_of_school(c, me.school, input.subject_group_id)?;
            access::lock_student(c, me.user)?;
            let taken: i64 = pl::table
                .filter(pl::student_id.eq(me.user))
                .filter(pl::academic_year.eq(term.academic_year))
                .filter(pl::semester.eq(term.semester))
                .count()
                .get_result(c)?;
            if taken > 0 {
                return Err(ApiError::conflict("本學期已有自主學習計畫，請修改原計畫。", "You already have a plan this semester; edit it instead."));
            }
            let id: i64 = diesel::insert_into(pl::table)
                .values((
                    (
                        pl::school_id.eq(me.school),
                        pl::student_id.eq(me.user),
                        pl::academic_year.eq(term.academic_year),
                        pl::semester.eq(term.semester),
                        pl::theme.eq(&input.theme),
                        pl::subject_group_id.eq(input.subject_group_id),
                        pl::goals.eq(&input.goals),
                        pl::content.eq(&input.content),
                        pl::schedule.eq(schedule_json(&input.schedule)?),
                        pl::expected.eq(&input.expected),
                        pl::resources.eq(&input.resources),
                    ),
                    (
                        pl::start_date.eq(input.start_date),
                        pl::end_date.eq(input.end_date),
                        pl::plan_state.eq(PlanState::Draft.as_str()),
                        pl::result_state.eq(OutcomeState::None.as_str()),
                        pl::reflection.eq(""),
                        pl::created_at.eq(now),
                        pl::updated_at.eq(now),
                    ),
                ))
                .returning(pl::id)
                .get_result(c)?;
            access::record_on_behalf(c, me, EventKind::SelfDirectedPlanCreated, format!("plan {id}"), now)?;
            Ok(id)
        })
        .await?;
    let plan = state.db.read(move |c| load_plan(c, me.school, id)).await?;
    Ok(HttpResponse::Created().insert_header(("Location", format!("/api/v1/self-directed/plans/{id}"))).json(plan))
}

/// 修改計畫: a draft or a returned plan (which becomes a draft again), inside the plan period of
/// its term.
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Plan id")),
    request_body = PlanInput,
    responses(
        (status = 200, description = "Saved as a draft", body = Plan),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student, or outside the plan period", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's plan", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "In review or approved (`invalid_state`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/me/self-directed/plans/{id}")]
pub async fn update_plan(state: web::Data<AppState>, who: Principal, id: web::Path<i64>, body: crate::http::JsonBody<PlanInput>) -> ApiResult<web::Json<Plan>> {
    let me = Caller::student(&who)?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    let id = id.into_inner();
    let input = checked(body)?;
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            let own = own(c, me, id)?;
            if !matches!(own.plan, PlanState::Draft | PlanState::Returned) {
                return Err(state_error("計畫", own.plan.name_zh()));
            }
            require_period(c, me, Item::SelfDirectedPlans, own.term, now)?;
            subject_of_school(c, me.school, input.subject_group_id)?;
            diesel::update(pl::table.find(id))
                .set((
                    pl::theme.eq(&input.theme),
                    pl::subject_group_id.eq(input.subject_group_id),
                    pl::goals.eq(&input.goals),
                    pl::content.eq(&input.content),
                    pl::schedule.eq(schedule_json(&input.schedule)?),
                    pl::expected.eq(&input.expected),
                    pl::resources.eq(&input.resources),
                    pl::start_date.eq(input.start_date),
                    pl::end_date.eq(input.end_date),
                    pl::plan_state.eq(PlanState::Draft.as_str()),
                    pl::updated_at.eq(now),
                ))
                .execute(c)?;
            access::record_on_behalf(c, me, EventKind::SelfDirectedPlanUpdated, format!("plan {id}"), now)
        })
        .await?;
    Ok(web::Json(state.db.read(move |c| load_plan(c, me.school, id)).await?))
}

/// 刪除計畫: a draft never submitted, inside the plan period of its term; the student may then
/// write another plan for the semester. A plan once submitted keeps its history: a returned one
/// is edited and submitted again.
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Plan id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student, or outside the plan period", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's plan", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted once (`invalid_state`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/self-directed/plans/{id}")]
pub async fn delete_plan(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let me = Caller::student(&who)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            let own = own(c, me, id)?;
            let submitted: i64 = ev::table.filter(ev::plan_id.eq(id)).count().get_result(c)?;
            if own.plan != PlanState::Draft || submitted > 0 {
                return Err(ApiError::with_detail(
                    ErrorCode::InvalidState,
                    "只能刪除尚未送出過的計畫草稿；已送出的計畫保留認證紀錄，退回後請修改再送出。",
                    "Only a draft never submitted can be deleted; a returned plan is edited and submitted again.",
                ));
            }
            require_period(c, me, Item::SelfDirectedPlans, own.term, now)?;
            diesel::delete(pg::table.filter(pg::plan_id.eq(id))).execute(c)?;
            diesel::delete(fs::table.filter(fs::plan_id.eq(id))).execute(c)?;
            diesel::delete(pl::table.filter(pl::id.eq(id)).filter(pl::plan_state.eq(PlanState::Draft.as_str()))).execute(c)?;
            access::record_on_behalf(c, me, EventKind::SelfDirectedPlanDeleted, format!("plan {id}"), now)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sends a plan or its results to the first stage of the order it started with.
fn send(c: &mut DbConn, me: Caller, id: i64, phase: Phase, now: NaiveDateTime) -> ApiResult<()> {
    snapshot(c, me.school, id, phase)?;
    let first: String = fs::table
        .filter(fs::plan_id.eq(id))
        .filter(fs::phase.eq(phase.as_str()))
        .order(fs::position.asc())
        .select(fs::identity)
        .first(c)?;
    match phase {
        Phase::Plan => diesel::update(pl::table.find(id))
            .set((pl::plan_state.eq(PlanState::InReview.as_str()), pl::plan_stage.eq(Some(0)), pl::return_reason.eq(None::<String>), pl::updated_at.eq(now)))
            .execute(c)?,
        Phase::Result => diesel::update(pl::table.find(id))
            .set((pl::result_state.eq(OutcomeState::InReview.as_str()), pl::result_stage.eq(Some(0)), pl::return_reason.eq(None::<String>), pl::updated_at.eq(now)))
            .execute(c)?,
    };
    record(c, id, phase, StageAction::Submitted, Some(0), Some(&first), me.actor, None, now)?;
    access::record_on_behalf(c, me, EventKind::SelfDirectedSubmitted, format!("{} {id}", phase.as_str()), now)
}

/// 送出計畫: a draft or returned plan goes to the first stage, inside the plan period.
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Plan id")),
    responses(
        (status = 200, description = "Waiting at the first stage", body = Plan),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student, or outside the plan period", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's plan", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "In review or approved, or the school has no order (`invalid_state`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/self-directed/plans/{id}/submit")]
pub async fn submit_plan(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<web::Json<Plan>> {
    let me = Caller::student(&who)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            let own = own(c, me, id)?;
            if !matches!(own.plan, PlanState::Draft | PlanState::Returned) {
                return Err(state_error("計畫", own.plan.name_zh()));
            }
            require_period(c, me, Item::SelfDirectedPlans, own.term, now)?;
            send(c, me, id, Phase::Plan, now)
        })
        .await?;
    Ok(web::Json(state.db.read(move |c| load_plan(c, me.school, id)).await?))
}

/// A progress note.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressNote {
    pub id: i64,
    pub note: String,
    pub actor_name: String,
    #[serde(serialize_with = "crate::time::utc")]
    pub at: NaiveDateTime,
}

pub fn progress_of(c: &mut DbConn, plan: i64) -> ApiResult<Vec<ProgressNote>> {
    let rows: Vec<(i64, String, String, NaiveDateTime)> = pg::table
        .inner_join(users::table.on(users::id.eq(pg::actor_id)))
        .filter(pg::plan_id.eq(plan))
        .order(pg::id.asc())
        .select((pg::id, pg::note, users::display_name, pg::at))
        .load(c)?;
    Ok(rows.into_iter().map(|(id, note, actor_name, at)| ProgressNote { id, note, actor_name, at }).collect())
}

/// 記錄進度: a note on an approved plan whose results are not yet in review or certified.
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Plan id")),
    request_body = ProgressInput,
    responses(
        (status = 201, description = "Every note of the plan, oldest first", body = Vec<ProgressNote>),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's plan", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The plan is not approved, or its results are in review or certified (`invalid_state`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty, too long, or with a link", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/self-directed/plans/{id}/progress")]
pub async fn add_progress(state: web::Data<AppState>, who: Principal, id: web::Path<i64>, body: crate::http::JsonBody<ProgressInput>) -> ApiResult<HttpResponse> {
    let me = Caller::student(&who)?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    body.validate()?;
    let id = id.into_inner();
    let note = body.note.trim().to_string();
    if note.is_empty() || has_link(&note) {
        return Err(ApiError::validation().field("note", "請填寫進度，且不可包含外部連結", "write the progress, without external links"));
    }
    let now = state.clock.now();
    let notes = state
        .db
        .write(move |c| {
            let own = own(c, me, id)?;
            if own.plan != PlanState::Approved || matches!(own.result, OutcomeState::InReview | OutcomeState::Certified) {
                return Err(ApiError::with_detail(ErrorCode::InvalidState, "計畫通過後、成果送出前才能記錄進度。", "Progress is recorded after the plan is approved and before the results are submitted."));
            }
            diesel::insert_into(pg::table).values((pg::plan_id.eq(id), pg::note.eq(&note), pg::actor_id.eq(me.actor), pg::at.eq(now))).execute(c)?;
            progress_of(c, id)
        })
        .await?;
    Ok(HttpResponse::Created().json(notes))
}

fn parse_hours(text: &str) -> ApiResult<f64> {
    let h: f64 = text.trim().parse().map_err(|_| ApiError::validation().field("hours", "時數須為數字", "must be a number"))?;
    if !(0.5..=2000.0).contains(&h) || (h * 2.0).fract() != 0.0 {
        return Err(ApiError::validation().field("hours", "時數須介於 0.5 與 2000 之間，以 0.5 為單位", "0.5 to 2000 in steps of 0.5"));
    }
    Ok(h)
}

/// 上傳成果: multipart (`reflection`, `hours`, `document`, `video`, `remove_document`,
/// `remove_video`) on an approved plan whose results are not in review or certified, inside the
/// results period of the plan's term; the results become a draft.
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Plan id")),
    request_body(content = OutcomeForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Saved as a draft", body = Plan),
        (status = 400, description = "Malformed id or multipart body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student, or outside the results period", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's plan", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The plan is not approved, or the results are in review or certified (`invalid_state`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A file over its limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A file of the wrong type", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad fields or a PDF with links", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/me/self-directed/plans/{id}/result")]
pub async fn save_result(state: web::Data<AppState>, who: Principal, id: web::Path<i64>, payload: Multipart) -> ApiResult<web::Json<Plan>> {
    let me = Caller::student(&who)?;
    let id = id.into_inner();
    let now = state.clock.now();
    let gate = move |c: &mut DbConn| -> ApiResult<Own> {
        let own = own(c, me, id)?;
        if own.plan != PlanState::Approved || matches!(own.result, OutcomeState::InReview | OutcomeState::Certified) {
            return Err(state_error("成果", own.result.name_zh()));
        }
        require_period(c, me, Item::SelfDirectedResults, own.term, now)?;
        Ok(own)
    };
    // Refuse before reading the body.
    state.db.read(gate).await?;
    let mut form = form::read(payload, &state.config, &["reflection", "hours", "remove_document", "remove_video"]).await?;
    let reflection = form.text("reflection").map(|t| t.trim().to_string());
    if let Some(text) = &reflection {
        let n = text.chars().count();
        if n > 1000 || has_link(text) {
            return Err(ApiError::validation().field("reflection", "學習省思最多 1000 字，且不可包含外部連結", "at most 1000 characters, without external links"));
        }
    }
    let hours = form.non_blank("hours").map(|h| parse_hours(&h)).transpose()?;
    links::refuse_in_document(&form).await?;
    let remove_doc = crate::uploads::items::flag(&form, "remove_document")?;
    let remove_video = crate::uploads::items::flag(&form, "remove_video")?;
    let document = form.files.remove(&Slot::Document);
    let video = form.files.remove(&Slot::Video);
    state
        .db
        .write(move |c| {
            let own = gate(c)?;
            let doc_id = files::keep_or_replace(c, me.school, me.user, document, remove_doc, own.document, now)?;
            let video_id = files::keep_or_replace(c, me.school, me.user, video, remove_video, own.video, now)?;
            diesel::update(pl::table.find(id))
                .set((pl::result_state.eq(OutcomeState::Draft.as_str()), pl::document_file_id.eq(doc_id), pl::video_file_id.eq(video_id), pl::updated_at.eq(now)))
                .execute(c)?;
            if let Some(text) = &reflection {
                diesel::update(pl::table.find(id)).set(pl::reflection.eq(text)).execute(c)?;
            }
            if let Some(h) = hours {
                diesel::update(pl::table.find(id)).set(pl::hours.eq(Some(h))).execute(c)?;
            }
            access::record_on_behalf(c, me, EventKind::SelfDirectedResultSaved, format!("plan {id}"), now)
        })
        .await?;
    Ok(web::Json(state.db.read(move |c| load_plan(c, me.school, id)).await?))
}

/// 送出成果: draft or returned results (a reflection, the hours and at least one file) go to the
/// first stage, inside the results period.
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Plan id")),
    responses(
        (status = 200, description = "Waiting at the first stage", body = Plan),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student, or outside the results period", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's plan", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft or returned (`invalid_state`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No file, no reflection or no hours yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/self-directed/plans/{id}/result/submit")]
pub async fn submit_outcome(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<web::Json<Plan>> {
    let me = Caller::student(&who)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            let own = own(c, me, id)?;
            if !matches!(own.result, OutcomeState::Draft | OutcomeState::Returned) {
                return Err(state_error("成果", own.result.name_zh()));
            }
            require_period(c, me, Item::SelfDirectedResults, own.term, now)?;
            let (reflection, hours): (String, Option<f64>) = pl::table.find(id).select((pl::reflection, pl::hours)).first(c)?;
            let mut err = ApiError::validation();
            if own.document.is_none() && own.video.is_none() {
                err = err.field("document", "請上傳文件檔或影音檔（至少一個）", "attach a document and/or a video");
            }
            if reflection.trim().is_empty() {
                err = err.field("reflection", "請填寫學習省思", "write a reflection");
            }
            if hours.is_none() {
                err = err.field("hours", "請填寫時數", "enter the hours");
            }
            if !err.fields.is_empty() {
                return Err(err);
            }
            send(c, me, id, Phase::Result, now)
        })
        .await?;
    Ok(web::Json(state.db.read(move |c| load_plan(c, me.school, id)).await?))
}

/// 轉為多元表現並勾選: the certified results become the student's 彈性學習時間紀錄 performance
/// (kind 自主學習; title the theme; the plan's dates and hours; the same files) and are selected
/// for submission inside the performance selection period and the yearly limit. Done once; asking
/// again selects the same performance.
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan, with its performance", body = Plan),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a student, or outside the performance selection period", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's plan", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Results not certified (`invalid_state`), or the yearly limit reached (`limit_reached`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The plan's dates fall outside the performance date rules", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/self-directed/plans/{id}/performance")]
pub async fn select_as_performance(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<web::Json<Plan>> {
    let me = Caller::student(&who)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            let own = own(c, me, id)?;
            if own.result != OutcomeState::Certified {
                return Err(ApiError::with_detail(ErrorCode::InvalidState, "只有認證成功的自主學習成果可以轉為多元表現。", "Only certified results can become a performance."));
            }
            // The performance made earlier, unless the student has deleted it since: then a new one.
            let made: Option<i64> = match own.performance {
                Some(p) => pf::table.find(p).filter(crate::uploads::live::<pf::table>()).select(pf::id).first(c).optional()?,
                None => None,
            };
            let performance = match made {
                Some(p) => p,
                None => {
                    let plan = load_plan(c, me.school, id)?;
                    let facts = access::student_facts(c, me.school, me.user)?;
                    let category = rules::Category::FlexibleLearning;
                    let school_name: String = schools::table.find(me.school).select(schools::name).first(c)?;
                    let values = vec![
                        (Field::Kind, Some("自主學習".to_string())),
                        (Field::Title, Some(plan.theme.clone())),
                        (Field::Organisation, Some(school_name)),
                        (Field::Hours, plan.hours.map(|h| h.to_string())),
                    ];
                    let description: String = plan.reflection.chars().take(100).collect();
                    let meta = performances::Meta::checked(category, facts.entry_year, plan.academic_year, values, plan.start_date, Some(plan.end_date), description)?;
                    // The yearly upload count (學生多元表現上傳數量) of the plan's year, as any new performance.
                    performances::require_room(c, me, plan.academic_year)?;
                    let p = performances::insert(c, me, plan.academic_year, category, &meta, own.document, own.video, now)?;
                    diesel::update(pl::table.find(id)).set((pl::performance_id.eq(Some(p)), pl::updated_at.eq(now))).execute(c)?;
                    p
                }
            };
            // The yearly limit and the selection period; over the limit nothing above is kept.
            selections::select(c, me, Kind::Performances, performance, now)
        })
        .await?;
    Ok(web::Json(state.db.read(move |c| load_plan(c, me.school, id)).await?))
}
