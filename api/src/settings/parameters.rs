//! Function parameters (manual 3.3, module S0203S1): upload limits, reminder hour and days.

use actix_web::{get, put, web, HttpRequest};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::identity::Module;
use crate::audit::{self, Event, EventKind};
use crate::state::AppState;
use crate::auth::{client_addr, Need, Op, Principal, Scope};
use crate::db::DbConn;
use crate::error::{ApiResult, Problem};
use crate::schema::function_parameters as fp;

/// The national minimum of learning results a student may upload per semester (003 #30: at
/// least 12 a year).
pub const MIN_RESULTS_PER_SEMESTER: i32 = 6;

/// A school's function parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"results_per_semester": 6, "results_per_subject": 3, "teacher_reminder_hour": 16,
    "remind_results_selection_days": 3, "remind_performances_selection_days": 3, "remind_submit_days": 3, "performances_per_year": 20}))]
pub struct Parameters {
    /// 學生學習成果上傳數量 (件/學期): never below 6.
    #[validate(range(min = 6, max = 100, message = "須介於 6 到 100（國教署規定不可低於 6 件）|must be between 6 and 100 (the national minimum is 6)"))]
    #[schema(minimum = 6, maximum = 100)]
    pub results_per_semester: i32,
    /// 學生單科學習成果上傳數量 (件/學期).
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub results_per_subject: i32,
    /// 學生未認證學習成果 Email 通知教師時間: hour 0–23, or null for no mail.
    #[validate(range(min = 0, max = 23))]
    #[schema(minimum = 0, maximum = 23)]
    pub teacher_reminder_hour: Option<i32>,
    /// 通知學生勾選學習成果 (days before the selection deadline).
    #[validate(range(min = 0, max = 60))]
    #[schema(minimum = 0, maximum = 60)]
    pub remind_results_selection_days: i32,
    /// 通知學生勾選多元表現 (days before the selection deadline).
    #[validate(range(min = 0, max = 60))]
    #[schema(minimum = 0, maximum = 60)]
    pub remind_performances_selection_days: i32,
    /// 通知學生學習成果送出認證截止日 (days before the submit-for-certification deadline).
    #[validate(range(min = 0, max = 60))]
    #[schema(minimum = 0, maximum = 60)]
    pub remind_submit_days: i32,
    /// 學生多元表現上傳數量 (件/學年).
    #[validate(range(min = 10, max = 200, message = "須介於 10 到 200（每學年可勾選 10 件）|must be between 10 and 200 (10 may be selected a year)"))]
    #[schema(minimum = 10, maximum = 200)]
    pub performances_per_year: i32,
}

impl Default for Parameters {
    fn default() -> Parameters {
        Parameters {
            results_per_semester: MIN_RESULTS_PER_SEMESTER,
            results_per_subject: 3,
            teacher_reminder_hour: None,
            remind_results_selection_days: 3,
            remind_performances_selection_days: 3,
            remind_submit_days: 3,
            performances_per_year: 20,
        }
    }
}

/// One row of the manual's table: 項目, 數量, 單位, 說明.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParameterItem {
    /// The field name in [`Parameters`].
    pub key: String,
    /// 項目.
    pub label: String,
    /// 數量 (null: not set).
    pub value: Option<i32>,
    /// 單位.
    pub unit: String,
    /// 說明.
    pub explanation: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "values": {
        "performances_per_year": 20, "remind_performances_selection_days": 3, "remind_results_selection_days": 3, "remind_submit_days": 3,
        "results_per_semester": 6, "results_per_subject": 3, "teacher_reminder_hour": 16
    },
    "updated_at": "2026-09-01T03:00:00Z",
    "items": [
        {
            "key": "results_per_semester", "label": "學生學習成果上傳數量", "value": 6, "unit": "件",
            "explanation": "學生於每學期最多上傳的學習成果件數，供授課教師認證。學生每學年僅能勾選 6 件提交中央資料庫；國教署規定不可低於 6 件。"
        },
        {
            "key": "teacher_reminder_hour", "label": "學生未認證學習成果 Email 通知教師時間", "value": 16, "unit": "時",
            "explanation": "每天幾點寄信提醒教師登入認證尚未認證的學習成果；0~23 的整數，空白表示不寄送通知。"
        }
    ]
}))]
pub struct ParametersView {
    pub values: Parameters,
    /// The same values with labels, units and explanations, in the manual's order.
    pub items: Vec<ParameterItem>,
    /// Null while the school uses the defaults.
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub updated_at: Option<NaiveDateTime>,
}

fn items(p: &Parameters) -> Vec<ParameterItem> {
    let item = |key: &str, label: &str, value: Option<i32>, unit: &str, explanation: &str| ParameterItem {
        key: key.into(),
        label: label.into(),
        value,
        unit: unit.into(),
        explanation: explanation.into(),
    };
    vec![
        item("results_per_semester", "學生學習成果上傳數量", Some(p.results_per_semester), "件",
            "學生於每學期最多上傳的學習成果件數，供授課教師認證。學生每學年僅能勾選 6 件提交中央資料庫；國教署規定不可低於 6 件。"),
        item("results_per_subject", "學生單科學習成果上傳數量", Some(p.results_per_subject), "件", "學生於每學期單一科目最多上傳的學習成果件數。"),
        item("teacher_reminder_hour", "學生未認證學習成果 Email 通知教師時間", p.teacher_reminder_hour, "時",
            "每天幾點寄信提醒教師登入認證尚未認證的學習成果；0~23 的整數，空白表示不寄送通知。"),
        item("remind_results_selection_days", "通知學生勾選學習成果", Some(p.remind_results_selection_days), "天",
            "於學習成果勾選結束日前幾天通知尚未勾選的學生，預設 3 天。"),
        item("remind_performances_selection_days", "通知學生勾選多元表現", Some(p.remind_performances_selection_days), "天",
            "於多元表現勾選結束日前幾天通知尚未勾選的學生，預設 3 天。"),
        item("remind_submit_days", "通知學生學習成果送出認證截止日", Some(p.remind_submit_days), "天",
            "於送出認證截止日前幾天通知仍有編輯中學習成果的學生，預設 3 天。"),
        item("performances_per_year", "學生多元表現上傳數量", Some(p.performances_per_year), "件",
            "學生於每學年最多上傳的多元表現件數；每學年至多勾選 10 件提交中央資料庫。"),
    ]
}

/// The school's parameters (defaults until the admin saves).
pub fn load(c: &mut DbConn, school_id: i64) -> ApiResult<(Parameters, Option<NaiveDateTime>)> {
    let row: Option<(i32, i32, Option<i32>, i32, i32, i32, i32, NaiveDateTime)> = fp::table
        .find(school_id)
        .select((
            fp::results_per_semester,
            fp::results_per_subject,
            fp::teacher_reminder_hour,
            fp::remind_results_selection_days,
            fp::remind_performances_selection_days,
            fp::remind_submit_days,
            fp::performances_per_year,
            fp::updated_at,
        ))
        .first(c)
        .optional()?;
    Ok(match row {
        Some((a, b, h, d1, d2, d3, p, at)) => (
            Parameters {
                results_per_semester: a,
                results_per_subject: b,
                teacher_reminder_hour: h,
                remind_results_selection_days: d1,
                remind_performances_selection_days: d2,
                remind_submit_days: d3,
                performances_per_year: p,
            },
            Some(at),
        ),
        None => (Parameters::default(), None),
    })
}

fn view(values: Parameters, updated_at: Option<NaiveDateTime>) -> ParametersView {
    ParametersView { items: items(&values), values, updated_at }
}

/// The school's function parameters with labels, units and explanations.
#[utoipa::path(
    tag = "settings",
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "Current parameters", body = ParametersView),
        (status = 403, description = "Neither the school admin nor granted module S0203S1", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/settings/parameters")]
pub async fn get_parameters(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<ParametersView>> {
    who.require(Need::module(Module::Parameters, Op::View).or_scope(Scope::Read))?;
    let school = who.school_id()?;
    state.db.read(move |c| load(c, school).map(|(p, at)| web::Json(view(p, at)))).await
}

/// Save the function parameters (module S0203S1 with update).
#[utoipa::path(
    tag = "settings",
    request_body = Parameters,
    responses(
        (status = 200, description = "Saved", body = ParametersView),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted module S0203S1 with update", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A value out of range (e.g. fewer than 6 results a semester)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/settings/parameters")]
pub async fn put_parameters(state: web::Data<AppState>, who: Principal, req: HttpRequest, body: crate::http::JsonBody<Parameters>) -> ApiResult<web::Json<ParametersView>> {
    who.require(Need::module(Module::Parameters, Op::Update))?;
    // Read only after the caller is known to be allowed.
    let p = body.read().await?;
    p.validate()?;
    let school = who.school_id()?;
    let now = state.clock.now();
    let (me, actor, client) = (who.user_id(), who.actor(), client_addr(&req));
    state
        .db
        .write(move |c| {
            let values = (
                fp::results_per_semester.eq(p.results_per_semester),
                fp::results_per_subject.eq(p.results_per_subject),
                fp::teacher_reminder_hour.eq(p.teacher_reminder_hour),
                fp::remind_results_selection_days.eq(p.remind_results_selection_days),
                fp::remind_performances_selection_days.eq(p.remind_performances_selection_days),
                fp::remind_submit_days.eq(p.remind_submit_days),
                fp::performances_per_year.eq(p.performances_per_year),
                fp::updated_at.eq(now),
            );
            if load(c, school)?.1.is_some() {
                diesel::update(fp::table.find(school)).set(values).execute(c)?;
            } else {
                diesel::insert_into(fp::table).values((fp::school_id.eq(school), values)).execute(c)?;
            }
            audit::record(
                c,
                Event { school_id: Some(school), user_id: me, actor: Some(&actor), event: EventKind::ParametersChanged, detail: serde_json::to_string(&p).ok(), client: Some(&client) },
                now,
            )?;
            Ok(web::Json(view(p, Some(now))))
        })
        .await
}
