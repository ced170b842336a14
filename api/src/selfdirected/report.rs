//! 自主學習認證統計: per class, for plans and for results, how many are drafts, wait at each stage,
//! are returned, or are approved / certified — on screen and as an Excel workbook. For the
//! school admin and staff granted S0302S.

use std::collections::BTreeMap;

use actix_web::{get, web, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::plans::load_plans;
use super::{OutcomeState, Phase, PlanState, MODULE_ORDER};
use crate::state::AppState;
use crate::auth::{Need, Op, Principal};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::reporting::xlsx::{self, Cell, Sheet, XlsxFile};
use crate::reporting::{file_name, resolve_term, TermQuery};
use crate::schema::{sdl_flow_stages as fs, sdl_groups as g, sdl_plans as pl};
use crate::terms::Term;

/// Where a plan or its results stand, as the report counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StandingKind {
    /// 草稿 (not yet submitted).
    Draft,
    /// 待認證 at a stage.
    Waiting,
    /// 退回.
    Returned,
    /// 計畫通過 / 認證成功.
    Certified,
}

impl StandingKind {
    fn name_zh(self, phase: Phase) -> &'static str {
        match (self, phase) {
            (StandingKind::Draft, _) => "草稿",
            (StandingKind::Waiting, _) => "待認證",
            (StandingKind::Returned, _) => "退回",
            (StandingKind::Certified, Phase::Plan) => "計畫通過",
            (StandingKind::Certified, Phase::Result) => "認證成功",
        }
    }
}

/// One line: a class, plans or results, a standing (and the stage they wait at), how many.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StandingRow {
    pub class_code: String,
    pub phase: Phase,
    pub standing: StandingKind,
    /// The stage (1 = first) they wait at, for `waiting`.
    pub stage: Option<i32>,
    pub stage_label: Option<String>,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "term": "1151",
    "rows": [
        {"class_code": "201", "phase": "plan", "standing": "waiting", "stage": 1, "stage_label": "導師", "count": 4},
        {"class_code": "201", "phase": "result", "standing": "certified", "stage": null, "stage_label": null, "count": 9}
    ]
}))]
pub struct StandingReport {
    /// e.g. `1151`.
    pub term: String,
    pub rows: Vec<StandingRow>,
}

fn report(c: &mut DbConn, school: i64, term: Term) -> ApiResult<StandingReport> {
    let ids: Vec<i64> = pl::table
        .filter(pl::school_id.eq(school))
        .filter(pl::academic_year.eq(term.academic_year))
        .filter(pl::semester.eq(term.semester))
        .select(pl::id)
        .load(c)?;
    let plans = load_plans(c, school, &ids)?;
    let stages: Vec<(i64, String, i32, String, Option<String>)> = fs::table
        .left_join(g::table.on(g::id.nullable().eq(fs::group_id)))
        .filter(fs::plan_id.eq_any(&ids))
        .select((fs::plan_id, fs::phase, fs::position, fs::identity, g::name.nullable()))
        .load(c)?;
    let label = |plan: i64, phase: Phase, stage: i32| -> ApiResult<Option<String>> {
        match stages.iter().find(|(p, ph, pos, _, _)| *p == plan && ph == phase.as_str() && *pos + 1 == stage) {
            Some((_, _, _, identity, name)) => Ok(Some(super::Identity::parse(identity)?.label(name.as_deref()))),
            None => Ok(None),
        }
    };
    let mut counts: BTreeMap<(String, &'static str, StandingKind, Option<i32>), (Phase, Option<String>, i64)> = BTreeMap::new();
    for p in &plans {
        let class = p.class_code.clone().unwrap_or_default();
        let plan_standing = match p.plan_state {
            PlanState::Draft => (StandingKind::Draft, None),
            PlanState::InReview => (StandingKind::Waiting, p.plan_stage),
            PlanState::Returned => (StandingKind::Returned, None),
            PlanState::Approved => (StandingKind::Certified, None),
        };
        let result_standing = match p.result_state {
            OutcomeState::None => None,
            OutcomeState::Draft => Some((StandingKind::Draft, None)),
            OutcomeState::InReview => Some((StandingKind::Waiting, p.result_stage)),
            OutcomeState::Returned => Some((StandingKind::Returned, None)),
            OutcomeState::Certified => Some((StandingKind::Certified, None)),
        };
        for (phase, standing) in [(Phase::Plan, Some(plan_standing)), (Phase::Result, result_standing)] {
            let Some((kind, stage)) = standing else { continue };
            let stage_label = match stage {
                Some(s) => label(p.id, phase, s)?,
                None => None,
            };
            let entry = counts.entry((class.clone(), phase.as_str(), kind, stage)).or_insert((phase, stage_label, 0));
            entry.2 += 1;
        }
    }
    let rows = counts
        .into_iter()
        .map(|((class_code, _, standing, stage), (phase, stage_label, count))| StandingRow { class_code, phase, standing, stage, stage_label, count })
        .collect();
    Ok(StandingReport { term: term.code(), rows })
}

async fn load(state: &AppState, who: &Principal, q: &TermQuery) -> ApiResult<StandingReport> {
    who.user()?;
    who.require(Need::module(MODULE_ORDER, Op::View))?;
    let school = who.school_id()?;
    let asked = q.parsed()?;
    state
        .db
        .read(move |c| {
            let term = resolve_term(c, school, asked)?
                .ok_or_else(|| ApiError::with_detail(ErrorCode::InvalidState, "學校尚未設定目前學年期。", "The school has no current term yet."))?;
            report(c, school, term)
        })
        .await
}

/// 自主學習認證統計: per class, plans and results by standing and stage.
#[utoipa::path(
    tag = "self-directed",
    params(TermQuery),
    responses(
        (status = 200, description = "The counts", body = StandingReport),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted S0302S", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/self-directed/report")]
pub async fn standing_report(state: web::Data<AppState>, who: Principal, q: web::Query<TermQuery>) -> ApiResult<web::Json<StandingReport>> {
    Ok(web::Json(load(&state, &who, &q).await?))
}

/// The same as an Excel workbook (a frozen header row: 班級, 項目, 狀態, 認證階段, 件數).
#[utoipa::path(
    tag = "self-directed",
    params(TermQuery),
    responses(
        (status = 200, description = "The workbook, as an attachment named 自主學習認證統計_{term}.xlsx", body = XlsxFile, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted S0302S", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The school has no term yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/self-directed/report.xlsx")]
pub async fn standing_report_xlsx(state: web::Data<AppState>, who: Principal, q: web::Query<TermQuery>) -> ApiResult<HttpResponse> {
    let report = load(&state, &who, &q).await?;
    let mut sheet = Sheet::new("自主學習認證統計", vec!["班級", "項目", "狀態", "認證階段", "件數"]);
    for r in &report.rows {
        let stage = r.stage.map(|s| format!("{s} {}", r.stage_label.clone().unwrap_or_default()));
        sheet.rows.push(vec![Cell::from(r.class_code.as_str()), Cell::from(r.phase.name_zh()), Cell::from(r.standing.name_zh(r.phase)), Cell::from(stage), Cell::from(r.count)]);
    }
    let bytes = xlsx::workbook(&[sheet])?;
    Ok(xlsx::attachment(bytes, &file_name("自主學習認證統計", Some(report.term.clone())), &file_name("self-directed", Some(report.term))))
}
