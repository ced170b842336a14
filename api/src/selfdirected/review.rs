//! The certifiers' side: who certifies a stage (the homeroom teacher of the student's class in
//! the plan's term; any member of the plan's subject group; any member of the custom group), the
//! queue of what waits at the caller's stages, approving (the next stage; the last approval
//! certifies) or returning with a reason (back to the student), and every decision kept with
//! who, when and the stage — visible to the student, the co-members and the admin.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::plans::{self, load_plan, load_plans, Plan, ProgressNote};
use super::{Identity, OutcomeState, Phase, PlanState};
use crate::state::AppState;
use crate::auth::Principal;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::notify::inbox;
use crate::pagination::{offset, Page, PageQuery};
use crate::schema::{classes, sdl_events as ev, sdl_flow_stages as fs, sdl_group_members as gm, sdl_groups as g, sdl_plans as pl, student_profiles as sp, users};
use crate::uploads::access::Caller;
use crate::uploads::files;
use crate::uploads::items::DownloadQuery;
use crate::responses::{Download, ReadOne};

/// One stage of the order a plan (or its results) started with.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FlowStage {
    /// 1 for the first stage.
    pub position: i32,
    pub identity: Identity,
    pub group_id: Option<i64>,
    /// 導師, 學科教師 or the custom group's name.
    pub label: String,
}

/// What a self-directed plan's history entry records (the SPA names each in zh-TW and English):
/// - `submitted`: the student submitted the plan or its results (送出)
/// - `approved`: a stage approved it (通過)
/// - `returned`: a stage returned it, with the reason (退回)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageAction {
    Submitted,
    Approved,
    Returned,
}

impl StageAction {
    pub const ALL: [StageAction; 3] = [StageAction::Submitted, StageAction::Approved, StageAction::Returned];

    /// As `sdl_events.action` stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            StageAction::Submitted => "submitted",
            StageAction::Approved => "approved",
            StageAction::Returned => "returned",
        }
    }

    /// The stored action; anything else is an error, never a default.
    pub fn parse(s: &str) -> ApiResult<StageAction> {
        StageAction::ALL.into_iter().find(|a| a.as_str() == s).ok_or_else(|| ApiError::bad_stored("sdl_events.action", s))
    }
}

/// One submission or decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageDecision {
    pub phase: Phase,
    pub action: StageAction,
    /// The stage (1 = first) it was at.
    pub position: Option<i32>,
    pub stage_label: Option<String>,
    pub actor_account: String,
    pub actor_name: String,
    pub reason: Option<String>,
    #[serde(serialize_with = "crate::time::utc")]
    pub at: NaiveDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "plan": {
        "id": 23, "student_id": 345, "student_account": "999999_114001", "student_name": "吳承恩", "class_code": "201", "seat_no": 1,
        "academic_year": 115, "semester": 1, "term": "1151", "theme": "校園植物觀察", "subject_group_id": 3, "subject_name": "自然科學領域",
        "goals": "認識校園常見植物並建立圖鑑", "content": "每週觀察、拍照與記錄", "schedule": [{"week": 1, "activity": "蒐集資料"}, {"week": 2, "activity": "實地觀察"}],
        "expected": "完成校園植物圖鑑一份", "resources": "圖書館植物圖鑑", "start_date": "2026-09-14", "end_date": "2026-12-25", "plan_state": "approved",
        "plan_stage": null, "result_state": "in_review", "result_stage": 2, "return_reason": null, "reflection": "學會有系統地記錄觀察，並與同學分享成果。", "hours": 18,
        "document": {
            "id": 502, "kind": "pdf", "name": "校園植物圖鑑.pdf", "sha256": "3b7e1f0a9c2d4e6f8a0b1c3d5e7f9a2b4c6d8e0f1a3b5c7d9e2f4a6b8c0d2e4f",
            "size": 1834021
        },
        "video": null, "performance_id": null, "created_at": "2026-09-10T07:20:00Z", "updated_at": "2026-12-28T03:05:00Z"
    },
    "can_decide": "result",
    "plan_stages": [
        {"position": 1, "identity": "homeroom", "group_id": null, "label": "導師"},
        {"position": 2, "identity": "subject", "group_id": 3, "label": "自然科學領域"}
    ],
    "result_stages": [
        {"position": 1, "identity": "homeroom", "group_id": null, "label": "導師"},
        {"position": 2, "identity": "subject", "group_id": 3, "label": "自然科學領域"}
    ],
    "history": [
        {
            "phase": "plan", "action": "submitted", "position": null, "stage_label": null, "actor_account": "999999_114001", "actor_name": "吳承恩",
            "reason": null, "at": "2026-09-12T08:00:00Z"
        },
        {
            "phase": "plan", "action": "approved", "position": 1, "stage_label": "導師", "actor_account": "999999_T002", "actor_name": "李美玲",
            "reason": null, "at": "2026-09-13T01:30:00Z"
        }
    ],
    "progress": [{"id": 5, "note": "第三週：完成 12 種植物的照片與記錄。", "actor_name": "吳承恩", "at": "2026-10-02T09:00:00Z"}]
}))]
pub struct PlanDetail {
    pub plan: Plan,
    /// The order the plan started with (empty until first submitted).
    pub plan_stages: Vec<FlowStage>,
    /// The order the results started with (empty until first submitted).
    pub result_stages: Vec<FlowStage>,
    /// Every submission and decision, oldest first.
    pub history: Vec<StageDecision>,
    pub progress: Vec<ProgressNote>,
    /// Whether the caller may decide now, and on what.
    pub can_decide: Option<Phase>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 通過: on to the next stage; at the last stage the plan is approved / the results certified.
    Approve,
    /// 退回: back to the student with the reason.
    Return,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"phase": "plan", "stage": 1, "verdict": "return", "reason": "請補充每週的預計進度。"}))]
pub struct StageDecisionInput {
    pub phase: Phase,
    /// The stage (1 = first) the caller saw it at: a decision on a plan that has moved on is refused.
    pub stage: i32,
    pub verdict: Verdict,
    /// 退回原因 (required to return), at most 200 characters.
    #[validate(length(max = 200))]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum QueueState {
    /// 待認證: waiting at one of the caller's stages.
    #[default]
    Waiting,
    /// 已認證: decided (by the caller or a co-member) at one of the caller's stages.
    Decided,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `waiting` (default) or `decided`.
    #[param(inline)]
    pub state: Option<QueueState>,
}

/// One entry of the queue.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "phase": "result", "stage": 2, "stage_label": "自然科學領域",
    "plan": {
        "id": 23, "student_id": 345, "student_account": "999999_114001", "student_name": "吳承恩", "class_code": "201", "seat_no": 1,
        "academic_year": 115, "semester": 1, "term": "1151", "theme": "校園植物觀察", "subject_group_id": 3, "subject_name": "自然科學領域",
        "goals": "認識校園常見植物並建立圖鑑", "content": "每週觀察、拍照與記錄", "schedule": [{"week": 1, "activity": "蒐集資料"}, {"week": 2, "activity": "實地觀察"}],
        "expected": "完成校園植物圖鑑一份", "resources": "圖書館植物圖鑑", "start_date": "2026-09-14", "end_date": "2026-12-25", "plan_state": "approved",
        "plan_stage": null, "result_state": "in_review", "result_stage": 2, "return_reason": null, "reflection": "學會有系統地記錄觀察，並與同學分享成果。", "hours": 18,
        "document": {
            "id": 502, "kind": "pdf", "name": "校園植物圖鑑.pdf", "sha256": "3b7e1f0a9c2d4e6f8a0b1c3d5e7f9a2b4c6d8e0f1a3b5c7d9e2f4a6b8c0d2e4f",
            "size": 1834021
        },
        "video": null, "performance_id": null, "created_at": "2026-09-10T07:20:00Z", "updated_at": "2026-12-28T03:05:00Z"
    }
}))]
pub struct QueueEntry {
    pub plan: Plan,
    pub phase: Phase,
    /// The stage (1 = first) it waits at (`waiting`) or the caller's stage it passed (`decided`).
    pub stage: i32,
    pub stage_label: String,
}

/// What a certifier is, as the stage rules need it.
pub struct Certifier {
    pub user: i64,
    /// (academic year, semester, class code) of the classes they are homeroom teacher of.
    homeroom: Vec<(i32, i32, String)>,
    /// Certifier groups they belong to.
    groups: Vec<i64>,
}

pub fn certifier(c: &mut DbConn, school: i64, user: i64) -> ApiResult<Certifier> {
    let homeroom: Vec<(i32, i32, String)> = classes::table
        .filter(classes::school_id.eq(school))
        .filter(classes::homeroom_user_id.eq(user))
        .select((classes::academic_year, classes::semester, classes::code))
        .load(c)?;
    let groups: Vec<i64> = gm::table.inner_join(g::table.on(g::id.eq(gm::group_id))).filter(g::school_id.eq(school)).filter(gm::user_id.eq(user)).select(gm::group_id).load(c)?;
    Ok(Certifier { user, homeroom, groups })
}

/// What a plan's stages are judged against.
#[derive(Debug, Clone)]
pub struct PlanFacts {
    pub academic_year: i32,
    pub semester: i32,
    pub class_code: Option<String>,
    pub subject_group_id: i64,
}

/// Whether `who` certifies `stage` of a plan with `facts`.
pub fn certifies(who: &Certifier, stage: &FlowStage, facts: &PlanFacts) -> bool {
    match stage.identity {
        Identity::Homeroom => facts
            .class_code
            .as_deref()
            .is_some_and(|code| who.homeroom.iter().any(|(y, s, c)| *y == facts.academic_year && *s == facts.semester && c == code)),
        Identity::Subject => who.groups.contains(&facts.subject_group_id),
        Identity::Custom => stage.group_id.is_some_and(|g| who.groups.contains(&g)),
    }
}

/// The stages of the plans `ids`, per (plan, phase), first first.
fn flows(c: &mut DbConn, ids: &[i64]) -> ApiResult<Vec<(i64, Phase, FlowStage)>> {
    let rows: Vec<(i64, String, i32, String, Option<i64>, Option<String>)> = fs::table
        .left_join(g::table.on(g::id.nullable().eq(fs::group_id)))
        .filter(fs::plan_id.eq_any(ids))
        .order((fs::plan_id.asc(), fs::phase.asc(), fs::position.asc()))
        .select((fs::plan_id, fs::phase, fs::position, fs::identity, fs::group_id, g::name.nullable()))
        .load(c)?;
    rows.into_iter()
        .map(|(plan, phase, position, identity, group_id, name)| {
            let identity = Identity::parse(&identity)?;
            Ok((plan, Phase::parse(&phase)?, FlowStage { position: position + 1, identity, group_id, label: identity.label(name.as_deref()) }))
        })
        .collect()
}

fn facts_of(p: &Plan) -> PlanFacts {
    PlanFacts { academic_year: p.academic_year, semester: p.semester, class_code: p.class_code.clone(), subject_group_id: p.subject_group_id }
}

/// Where a plan waits now: (phase, stage position 1-based).
fn waiting(p: &Plan) -> Option<(Phase, i32)> {
    if p.plan_state == PlanState::InReview {
        return p.plan_stage.map(|s| (Phase::Plan, s));
    }
    if p.result_state == OutcomeState::InReview {
        return p.result_stage.map(|s| (Phase::Result, s));
    }
    None
}

fn stage_at<'a>(all: &'a [(i64, Phase, FlowStage)], plan: i64, phase: Phase, position: i32) -> Option<&'a FlowStage> {
    all.iter().find(|(p, ph, s)| *p == plan && *ph == phase && s.position == position).map(|(_, _, s)| s)
}

/// Whether the caller sees the plan: the student (or their temporary account), the admin, or a
/// certifier of one of its stages.
fn may_see(me: Caller, who: &Certifier, plan: &Plan, stages: &[(i64, Phase, FlowStage)]) -> bool {
    if me.admin || (me.student && me.user == plan.student_id) {
        return true;
    }
    let facts = facts_of(plan);
    stages.iter().any(|(p, _, s)| *p == plan.id && certifies(who, s, &facts))
}

fn history(c: &mut DbConn, plan: i64, stages: &[(i64, Phase, FlowStage)]) -> ApiResult<Vec<StageDecision>> {
    type EventRow = (String, String, Option<i32>, String, String, Option<String>, NaiveDateTime);
    let rows: Vec<EventRow> = ev::table
        .inner_join(users::table.on(users::id.eq(ev::actor_id)))
        .filter(ev::plan_id.eq(plan))
        .order(ev::id.asc())
        .select((ev::phase, ev::action, ev::position, users::account, users::display_name, ev::reason, ev::at))
        .load(c)?;
    rows.into_iter()
        .map(|(phase, action, position, actor_account, actor_name, reason, at)| {
            let phase = Phase::parse(&phase)?;
            let action = StageAction::parse(&action)?;
            let position = position.map(|p| p + 1);
            let stage_label = position.and_then(|p| stage_at(stages, plan, phase, p)).map(|s| s.label.clone());
            Ok(StageDecision { phase, action, position, stage_label, actor_account, actor_name, reason, at })
        })
        .collect()
}

/// One plan with its stages and history, if the caller may see it (404 otherwise).
fn detail(c: &mut DbConn, me: Caller, id: i64) -> ApiResult<PlanDetail> {
    let plan = load_plan(c, me.school, id)?;
    let who = certifier(c, me.school, me.user)?;
    let stages = flows(c, &[id])?;
    if !may_see(me, &who, &plan, &stages) {
        return Err(ApiError::not_found());
    }
    let can_decide = waiting(&plan)
        .filter(|(phase, pos)| !me.student && stage_at(&stages, id, *phase, *pos).is_some_and(|s| certifies(&who, s, &facts_of(&plan))))
        .map(|(phase, _)| phase);
    let pick = |phase: Phase| stages.iter().filter(|(_, ph, _)| *ph == phase).map(|(_, _, s)| s.clone()).collect::<Vec<_>>();
    let (plan_stages, result_stages) = (pick(Phase::Plan), pick(Phase::Result));
    let history = history(c, id, &stages)?;
    let progress = plans::progress_of(c, id)?;
    Ok(PlanDetail { plan, plan_stages, result_stages, history, progress, can_decide })
}

/// A plan with its stages, history and progress notes.
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Plan id")),
    responses(
        ReadOne,
        (status = 200, description = "The plan", body = PlanDetail),
    )
)]
#[get("/self-directed/plans/{id}")]
pub async fn get_plan(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<web::Json<PlanDetail>> {
    let me = Caller::of(&who)?;
    let id = id.into_inner();
    Ok(web::Json(state.db.read(move |c| detail(c, me, id)).await?))
}

/// A plan's results file, `document` or `video` (inline, or `?download=true`).
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Plan id"), ("slot" = String, Path, description = "`document` or `video`"), DownloadQuery),
    responses(
        Download,
    )
)]
#[get("/self-directed/plans/{id}/files/{slot}")]
pub async fn download_file(state: web::Data<AppState>, who: Principal, req: HttpRequest, path: web::Path<(i64, String)>, q: web::Query<DownloadQuery>) -> ApiResult<HttpResponse> {
    let me = Caller::of(&who)?;
    let (id, slot) = path.into_inner();
    let d = state.db.read(move |c| detail(c, me, id)).await?;
    files::serve_slot(&req, &state.config, &slot, d.plan.document, d.plan.video, q.download.unwrap_or(false))
}

/// The SQL condition "the caller certifies this flow stage" over `sdl_flow_stages`, `sdl_plans`
/// and `student_profiles` — what [`certifies`] says, for the database to filter and page.
fn certifies_sql(who: &Certifier) -> String {
    let list = |ids: &[i64]| if ids.is_empty() { "NULL".to_string() } else { ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",") };
    let groups = list(&who.groups);
    let homeroom: Vec<String> = who
        .homeroom
        .iter()
        .map(|(y, s, code)| format!("(sdl_plans.academic_year = {y} AND sdl_plans.semester = {s} AND student_profiles.class_code = '{}')", code.replace('\'', "''")))
        .collect();
    let homeroom = if homeroom.is_empty() { "1 = 0".to_string() } else { homeroom.join(" OR ") };
    format!(
        "((sdl_flow_stages.identity = 'subject' AND sdl_plans.subject_group_id IN ({groups})) \
         OR (sdl_flow_stages.identity = 'custom' AND sdl_flow_stages.group_id IN ({groups})) \
         OR (sdl_flow_stages.identity = 'homeroom' AND ({homeroom})))"
    )
}

/// The queue, one page: what waits at one of the caller's stages (`waiting`, oldest first), or
/// what was decided at one of them by the caller or a co-member (`decided`, latest first). The
/// database filters and pages; only the page is shaped.
pub fn queue(c: &mut DbConn, me: Caller, which: QueueState, page: i64, per_page: i64) -> ApiResult<Page<QueueEntry>> {
    use diesel::dsl::{count, sql};
    use diesel::sql_types::Bool;
    let who = certifier(c, me.school, me.user)?;
    if who.homeroom.is_empty() && who.groups.is_empty() {
        return Ok(Page::new(vec![], 0, page, per_page));
    }
    let mine = certifies_sql(&who);
    let (ids, total): (Vec<i64>, i64) = match which {
        QueueState::Waiting => {
            let at = format!(
                "((sdl_plans.plan_state = '{ir}' AND sdl_flow_stages.phase = 'plan' AND sdl_flow_stages.position = sdl_plans.plan_stage) \
                 OR (sdl_plans.plan_state <> '{ir}' AND sdl_plans.result_state = '{ir}' AND sdl_flow_stages.phase = 'result' AND sdl_flow_stages.position = sdl_plans.result_stage)) AND {mine}",
                ir = PlanState::InReview.as_str()
            );
            macro_rules! waiting_here {
                () => {
                    pl::table
                        .inner_join(fs::table.on(fs::plan_id.eq(pl::id)))
                        .left_join(sp::table.on(sp::user_id.eq(pl::student_id)))
                        .filter(pl::school_id.eq(me.school))
                        .filter(sql::<Bool>(&at))
                };
            }
            let total: i64 = waiting_here!().count().get_result(c)?;
            let ids: Vec<i64> = waiting_here!().order((pl::updated_at.asc(), pl::id.asc())).select(pl::id).limit(per_page).offset(offset(page, per_page)).load(c)?;
            (ids, total)
        }
        QueueState::Decided => {
            let at = format!("sdl_flow_stages.phase = sdl_events.phase AND sdl_flow_stages.position = sdl_events.position AND {mine}");
            macro_rules! decided_here {
                () => {
                    ev::table
                        .inner_join(pl::table.on(pl::id.eq(ev::plan_id)))
                        .inner_join(fs::table.on(fs::plan_id.eq(ev::plan_id)))
                        .left_join(sp::table.on(sp::user_id.eq(pl::student_id)))
                        .filter(pl::school_id.eq(me.school))
                        .filter(ev::action.ne(StageAction::Submitted.as_str()))
                        .filter(sql::<Bool>(&at))
                };
            }
            let total: i64 = decided_here!().select(count(pl::id).aggregate_distinct()).first(c)?;
            let rows: Vec<(NaiveDateTime, i64)> = decided_here!()
                .select((pl::updated_at, pl::id))
                .distinct()
                .order((pl::updated_at.desc(), pl::id.desc()))
                .limit(per_page)
                .offset(offset(page, per_page))
                .load(c)?;
            (rows.into_iter().map(|(_, id)| id).collect(), total)
        }
    };
    let found = load_plans(c, me.school, &ids)?;
    let stages = flows(c, &ids)?;
    let mut out = Vec::new();
    match which {
        QueueState::Waiting => {
            for p in found {
                let Some((phase, pos)) = waiting(&p) else { continue };
                if let Some(s) = stage_at(&stages, p.id, phase, pos).filter(|s| certifies(&who, s, &facts_of(&p))) {
                    let stage_label = s.label.clone();
                    out.push(QueueEntry { plan: p, phase, stage: pos, stage_label });
                }
            }
        }
        QueueState::Decided => {
            let decided: Vec<(i64, String, Option<i32>)> =
                ev::table.filter(ev::plan_id.eq_any(&ids)).filter(ev::action.ne(StageAction::Submitted.as_str())).order(ev::id.desc()).select((ev::plan_id, ev::phase, ev::position)).load(c)?;
            let decided: Vec<(i64, Phase, Option<i32>)> = decided.into_iter().map(|(id, phase, pos)| Ok((id, Phase::parse(&phase)?, pos))).collect::<ApiResult<_>>()?;
            for p in found {
                let facts = facts_of(&p);
                let mine = decided.iter().filter(|(id, _, _)| *id == p.id).find_map(|&(_, phase, pos)| {
                    let s = stage_at(&stages, p.id, phase, pos? + 1)?;
                    certifies(&who, s, &facts).then(|| (phase, s.position, s.label.clone()))
                });
                if let Some((phase, stage, stage_label)) = mine {
                    out.push(QueueEntry { plan: p, phase, stage, stage_label });
                }
            }
        }
    }
    Ok(Page::new(out, total, page, per_page))
}

/// 待認證 / 已認證: the caller's queue.
#[utoipa::path(
    tag = "self-directed",
    params(QueueQuery, PageQuery),
    responses(
        (status = 200, description = "One page of plans and results at the caller's stages", body = Page<QueueEntry>),
        (status = 400, description = "Malformed state", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad paging", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A student, an API key or the platform operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/self-directed/queue")]
pub async fn my_queue(state: web::Data<AppState>, who: Principal, q: web::Query<QueueQuery>, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<QueueEntry>>> {
    let me = staff(&who)?;
    let which = q.state.unwrap_or_default();
    let (page, per_page) = page.checked()?;
    Ok(web::Json(state.db.read(move |c| queue(c, me, which, page, per_page)).await?))
}

fn staff(who: &Principal) -> ApiResult<Caller> {
    let me = Caller::of(who)?;
    if me.student || me.on_behalf() {
        return Err(ApiError::with_detail(ErrorCode::RoleRequired, "自主學習的認證限學校教職員。", "Only staff certify self-directed learning."));
    }
    Ok(me)
}

/// Refuses the decision that lost a race: the row was no longer where it was read.
fn decided_first(changed: usize) -> ApiResult<()> {
    if changed == 1 {
        return Ok(());
    }
    Err(ApiError::with_detail(ErrorCode::InvalidState, "此項目剛被同一階段的其他認證者決定，請重新整理。", "Another certifier of this stage just decided it; reload."))
}

/// Approves or returns at the stage the caller certifies; tells the student.
pub fn decide(c: &mut DbConn, me: Caller, id: i64, input: &StageDecisionInput, now: NaiveDateTime) -> ApiResult<()> {
    let plan = load_plan(c, me.school, id)?;
    let who = certifier(c, me.school, me.user)?;
    let stages = flows(c, &[id])?;
    if !may_see(me, &who, &plan, &stages) {
        return Err(ApiError::not_found());
    }
    let Some((phase, pos)) = waiting(&plan).filter(|(ph, _)| *ph == input.phase) else {
        return Err(ApiError::with_detail(ErrorCode::InvalidState, format!("此{}目前不在認證中。", input.phase.name_zh()), "It is not waiting for certification."));
    };
    if pos != input.stage {
        return Err(ApiError::with_detail(ErrorCode::InvalidState, "此項目已移到其他認證階段，請重新整理。", "It has moved to another stage; reload."));
    }
    let stage = stage_at(&stages, id, phase, pos).cloned().ok_or_else(|| ApiError::internal(format!("plan {id} has no stage {pos}")))?;
    if !certifies(&who, &stage, &facts_of(&plan)) {
        return Err(ApiError::with_detail(
            ErrorCode::NotCertifier,
            format!("此{}正在「{}」階段，您不是這個階段的認證者。", phase.name_zh(), stage.label),
            format!("It waits at the {} stage, which you do not certify.", stage.identity.as_str()),
        ));
    }
    let last = !stages.iter().any(|(_, ph, s)| *ph == phase && s.position > pos);
    // Only the row still waiting where it was read: two certifiers of the stage deciding at the
    // same moment, one wins whole and the other is told (as `certification::decide` does).
    macro_rules! waiting_row {
        (Phase::Plan) => {
            pl::table.filter(pl::id.eq(id)).filter(pl::plan_state.eq(PlanState::InReview.as_str())).filter(pl::plan_stage.eq(pos - 1))
        };
        (Phase::Result) => {
            pl::table.filter(pl::id.eq(id)).filter(pl::result_state.eq(OutcomeState::InReview.as_str())).filter(pl::result_stage.eq(pos - 1))
        };
    }
    let sd_phase = match phase {
        Phase::Plan => inbox::SdPhase::Plan,
        Phase::Result => inbox::SdPhase::Result,
    };
    let named = |s: &FlowStage| inbox::StageName { identity: s.identity.as_str().to_string(), label: s.label.clone() };
    let theme = plan.theme.clone();
    let message = match input.verdict {
        Verdict::Return => {
            let reason = input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
            let Some(reason) = reason else {
                return Err(ApiError::validation().field("reason", "退回時請填寫原因", "a reason is required to return"));
            };
            let changed = match phase {
                Phase::Plan => diesel::update(waiting_row!(Phase::Plan))
                    .set((pl::plan_state.eq(PlanState::Returned.as_str()), pl::plan_stage.eq(None::<i32>), pl::return_reason.eq(Some(reason)), pl::updated_at.eq(now)))
                    .execute(c)?,
                Phase::Result => diesel::update(waiting_row!(Phase::Result))
                    .set((pl::result_state.eq(OutcomeState::Returned.as_str()), pl::result_stage.eq(None::<i32>), pl::return_reason.eq(Some(reason)), pl::updated_at.eq(now)))
                    .execute(c)?,
            };
            decided_first(changed)?;
            plans::record(c, id, phase, StageAction::Returned, Some(pos - 1), Some(stage.identity.as_str()), me.user, Some(reason), now)?;
            inbox::Message::SelfDirectedReturned { phase: sd_phase, theme, stage: named(&stage), reason: reason.to_string() }
        }
        Verdict::Approve => {
            let next = if last { None } else { Some(pos) };
            let changed = match (phase, last) {
                (Phase::Plan, true) => diesel::update(waiting_row!(Phase::Plan)).set((pl::plan_state.eq(PlanState::Approved.as_str()), pl::plan_stage.eq(None::<i32>), pl::updated_at.eq(now))).execute(c)?,
                (Phase::Result, true) => diesel::update(waiting_row!(Phase::Result))
                    .set((pl::result_state.eq(OutcomeState::Certified.as_str()), pl::result_stage.eq(None::<i32>), pl::updated_at.eq(now)))
                    .execute(c)?,
                (Phase::Plan, false) => diesel::update(waiting_row!(Phase::Plan)).set((pl::plan_stage.eq(next), pl::updated_at.eq(now))).execute(c)?,
                (Phase::Result, false) => diesel::update(waiting_row!(Phase::Result)).set((pl::result_stage.eq(next), pl::updated_at.eq(now))).execute(c)?,
            };
            decided_first(changed)?;
            plans::record(c, id, phase, StageAction::Approved, Some(pos - 1), Some(stage.identity.as_str()), me.user, None, now)?;
            if last {
                inbox::Message::SelfDirectedCertified { phase: sd_phase, theme }
            } else {
                let next = stage_at(&stages, id, phase, pos + 1).map(named).unwrap_or_else(|| inbox::StageName { identity: String::new(), label: String::new() });
                inbox::Message::SelfDirectedApproved { phase: sd_phase, theme, stage: named(&stage), next }
            }
        }
    };
    inbox::add(c, inbox::New { school_id: me.school, user_id: plan.student_id, message, result_id: None }, now)
}

/// 通過 / 退回: a decision at the stage the plan (or its results) waits at.
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Plan id")),
    request_body = StageDecisionInput,
    responses(
        (status = 200, description = "Decided; the plan as it is now", body = PlanDetail),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A student (`role_required`), or not a certifier of the stage it waits at (`not_certifier`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not waiting, moved to another stage, or just decided by another certifier of the stage (`invalid_state`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A return without a reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/self-directed/plans/{id}/decisions")]
pub async fn decide_plan(state: web::Data<AppState>, who: Principal, id: web::Path<i64>, body: crate::http::JsonBody<StageDecisionInput>) -> ApiResult<web::Json<PlanDetail>> {
    let me = staff(&who)?;
    // Read only after the caller is known to be allowed.
    let input = body.read().await?;
    input.validate()?;
    let id = id.into_inner();
    let now = state.clock.now();
    state.db.write(move |c| decide(c, me, id, &input, now)).await?;
    Ok(web::Json(state.db.read(move |c| detail(c, me, id)).await?))
}
