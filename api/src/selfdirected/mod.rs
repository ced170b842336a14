//! Self-directed learning (自主學習; issue #22, manual 5.1 S0301S, 5.2 S0302S; DESIGN.md).
//!
//! - [`groups`]: certifier groups (學科 / 自訂群組, 5.1) with staff members, and the school's
//!   certification order (5.2): ordered stages, each the student's homeroom teacher (導師), the
//!   subject group of the plan's subject (學科教師) or a custom group.
//! - [`plans`]: a student's plan per semester (a draft until submitted), progress notes once it is
//!   approved, then results (document and/or video, reflection, hours) submitted in turn.
//! - [`review`]: each stage's certifiers see what waits at their stage, approve (next stage; the
//!   last approval certifies) or return it with a reason; every decision is kept.
//!
//! A plan (or its results) keeps the order it started with: the school's stages are copied into
//! `sdl_flow_stages` at the first submission of each phase. A returned plan sent again starts
//! over at the first stage of that same copy.

pub mod groups;
pub mod plans;
pub mod report;
pub mod review;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::identity::Module;
use crate::error::{ApiError, ApiResult};

/// 類別 of a certifier group (manual 5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// 學科: e.g. 國文, 數學, 彈性學習; a plan names one as its subject.
    Subject,
    /// 自訂群組: e.g. 自主學習計畫審核, 圖書館審核.
    Custom,
}

impl GroupKind {
    pub const ALL: [GroupKind; 2] = [GroupKind::Subject, GroupKind::Custom];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::Subject => "subject",
            GroupKind::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> ApiResult<GroupKind> {
        match s {
            "subject" => Ok(GroupKind::Subject),
            "custom" => Ok(GroupKind::Custom),
            other => Err(ApiError::bad_stored("sdl_groups.kind", other)),
        }
    }
}

/// 認證身分 of a stage (manual 5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// 導師: the homeroom teacher of the student's class in the plan's term.
    Homeroom,
    /// 學科教師: any member of the subject group the plan names.
    Subject,
    /// A custom group (自訂群組): any of its members.
    Custom,
}

impl Identity {
    pub const ALL: [Identity; 3] = [Identity::Homeroom, Identity::Subject, Identity::Custom];

    pub fn as_str(self) -> &'static str {
        match self {
            Identity::Homeroom => "homeroom",
            Identity::Subject => "subject",
            Identity::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> ApiResult<Identity> {
        match s {
            "homeroom" => Ok(Identity::Homeroom),
            "subject" => Ok(Identity::Subject),
            "custom" => Ok(Identity::Custom),
            other => Err(ApiError::bad_stored("stage identity", other)),
        }
    }

    /// The stage's name: 導師, 學科教師, or the custom group's name.
    pub fn label(self, group_name: Option<&str>) -> String {
        match self {
            Identity::Homeroom => "導師".into(),
            Identity::Subject => "學科教師".into(),
            Identity::Custom => group_name.unwrap_or("自訂群組").to_string(),
        }
    }
}

/// What passes the stages: the plan, then (once the plan is approved) its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Plan,
    Result,
}

impl Phase {
    pub const ALL: [Phase; 2] = [Phase::Plan, Phase::Result];

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Plan => "plan",
            Phase::Result => "result",
        }
    }

    pub fn parse(s: &str) -> ApiResult<Phase> {
        match s {
            "plan" => Ok(Phase::Plan),
            "result" => Ok(Phase::Result),
            other => Err(ApiError::bad_stored("self-directed phase", other)),
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Phase::Plan => "自主學習計畫",
            Phase::Result => "自主學習成果",
        }
    }
}

/// 計畫狀態.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    /// 草稿: the student may edit and submit it.
    Draft,
    /// 認證中: waiting at a stage.
    InReview,
    /// 退回: a certifier returned it with a reason; the student may edit and submit it again.
    Returned,
    /// 計畫通過: every stage approved; the student carries it out and submits results.
    Approved,
}

impl PlanState {
    pub const ALL: [PlanState; 4] = [PlanState::Draft, PlanState::InReview, PlanState::Returned, PlanState::Approved];

    pub fn as_str(self) -> &'static str {
        match self {
            PlanState::Draft => "draft",
            PlanState::InReview => "in_review",
            PlanState::Returned => "returned",
            PlanState::Approved => "approved",
        }
    }

    pub fn parse(s: &str) -> ApiResult<PlanState> {
        match s {
            "draft" => Ok(PlanState::Draft),
            "in_review" => Ok(PlanState::InReview),
            "returned" => Ok(PlanState::Returned),
            "approved" => Ok(PlanState::Approved),
            other => Err(ApiError::bad_stored("sdl_plans.plan_state", other)),
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            PlanState::Draft => "草稿",
            PlanState::InReview => "認證中",
            PlanState::Returned => "退回",
            PlanState::Approved => "計畫通過",
        }
    }
}

/// 成果狀態.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeState {
    /// Nothing uploaded yet.
    None,
    /// 草稿.
    Draft,
    /// 認證中.
    InReview,
    /// 退回.
    Returned,
    /// 認證成功: selectable as the 彈性學習時間紀錄 performance.
    Certified,
}

impl OutcomeState {
    pub const ALL: [OutcomeState; 5] = [OutcomeState::None, OutcomeState::Draft, OutcomeState::InReview, OutcomeState::Returned, OutcomeState::Certified];

    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeState::None => "none",
            OutcomeState::Draft => "draft",
            OutcomeState::InReview => "in_review",
            OutcomeState::Returned => "returned",
            OutcomeState::Certified => "certified",
        }
    }

    pub fn parse(s: &str) -> ApiResult<OutcomeState> {
        match s {
            "none" => Ok(OutcomeState::None),
            "draft" => Ok(OutcomeState::Draft),
            "in_review" => Ok(OutcomeState::InReview),
            "returned" => Ok(OutcomeState::Returned),
            "certified" => Ok(OutcomeState::Certified),
            other => Err(ApiError::bad_stored("sdl_plans.result_state", other)),
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            OutcomeState::None => "未上傳",
            OutcomeState::Draft => "草稿",
            OutcomeState::InReview => "認證中",
            OutcomeState::Returned => "退回",
            OutcomeState::Certified => "認證成功",
        }
    }
}

/// The function modules of the admin's screens.
pub const MODULE_GROUPS: Module = Module::SubjectCertifiers;
pub const MODULE_ORDER: Module = Module::CertificationOrder;
