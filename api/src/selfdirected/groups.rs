//! 5.1 設定學科/領域認證老師 (S0301S): certifier groups of two kinds with staff members, chosen
//! with the two-list picker; 5.2 設定認證順序 (S0302S): the school's ordered stages.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{GroupKind, Identity, MODULE_GROUPS, MODULE_ORDER};
use crate::audit::EventKind;
use crate::accounts::groups::{staff_page, Actor, StaffMember};
use crate::state::AppState;
use crate::auth::{Need, Op, Principal};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, Problem};
use crate::pagination::{Page, PageQuery};
use crate::schema::{sdl_flow_stages as fs, sdl_group_members as gm, sdl_groups as g, sdl_plans as pl, sdl_stages as st, users};
use crate::responses::{ReadOne, ReadPage};

/// A certifier group as the lists show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "kind": "subject", "name": "自然科學領域", "member_count": 2}))]
pub struct CertifierGroup {
    pub id: i64,
    pub kind: GroupKind,
    /// 名稱, e.g. 國文 or 圖書館審核.
    pub name: String,
    pub member_count: i64,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"kind": "subject", "name": "自然科學領域"}))]
pub struct GroupInput {
    pub kind: GroupKind,
    /// 1–30 characters, unique among the school's groups of this kind.
    #[validate(length(min = 1, max = 30))]
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"name": "自然科學領域（含探究與實作）"}))]
pub struct GroupRename {
    #[validate(length(min = 1, max = 30))]
    pub name: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupFilter {
    /// `subject` or `custom` (default: both).
    #[param(inline)]
    pub kind: Option<GroupKind>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"user_ids": [11, 12]}))]
pub struct GroupMembers {
    /// The group's whole member list (replaces the previous one): staff of this school, at most 2,000.
    #[validate(length(max = 2000))]
    pub user_ids: Vec<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    /// Part of the account or name.
    pub q: Option<String>,
    /// Leave out this group's members (可選教職員).
    pub not_in_group: Option<i64>,
}

/// One stage of the school's order.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 2, "position": 1, "identity": "homeroom", "group_id": null, "label": "導師"}))]
pub struct Stage {
    pub id: i64,
    /// 1 for the first stage.
    pub position: i32,
    pub identity: Identity,
    /// The custom group (identity `custom`).
    pub group_id: Option<i64>,
    /// 導師, 學科教師 or the custom group's name.
    pub label: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"identity": "subject", "group_id": 3}))]
pub struct StageInput {
    pub identity: Identity,
    /// Required for `custom`: one of the school's custom groups; left out otherwise.
    pub group_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageDirection {
    Up,
    Down,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"direction": "up"}))]
pub struct MoveInput {
    pub direction: StageDirection,
}

fn load_groups(c: &mut DbConn, school: i64, kind: Option<GroupKind>, only: Option<i64>) -> ApiResult<Vec<CertifierGroup>> {
    let mut q = g::table.filter(g::school_id.eq(school)).into_boxed();
    if let Some(k) = kind {
        q = q.filter(g::kind.eq(k.as_str()));
    }
    if let Some(id) = only {
        q = q.filter(g::id.eq(id));
    }
    let rows: Vec<(i64, String, String)> = q.order((g::kind.desc(), g::name.asc())).select((g::id, g::kind, g::name)).load(c)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let members: Vec<i64> = gm::table.filter(gm::group_id.eq_any(&ids)).select(gm::group_id).load(c)?;
    rows.into_iter()
        .map(|(id, kind, name)| Ok(CertifierGroup { id, kind: GroupKind::parse(&kind)?, name, member_count: members.iter().filter(|m| **m == id).count() as i64 }))
        .collect()
}

/// The group if it belongs to `school`: (kind, name).
pub fn owned_group(c: &mut DbConn, school: i64, id: i64) -> ApiResult<(GroupKind, String)> {
    let row: Option<(String, String)> = g::table.filter(g::id.eq(id)).filter(g::school_id.eq(school)).select((g::kind, g::name)).first(c).optional()?;
    let (kind, name) = row.ok_or_else(ApiError::not_found)?;
    Ok((GroupKind::parse(&kind)?, name))
}

fn ensure_name_free(c: &mut DbConn, school: i64, kind: GroupKind, name: &str, except: Option<i64>) -> ApiResult<()> {
    let mut q = g::table.filter(g::school_id.eq(school)).filter(g::kind.eq(kind.as_str())).filter(g::name.eq(name)).into_boxed();
    if let Some(id) = except {
        q = q.filter(g::id.ne(id));
    }
    if q.count().get_result::<i64>(c)? > 0 {
        return Err(ApiError::conflict(format!("已有名稱為「{name}」的群組。"), format!("A group named {name} already exists.")).field("name", "名稱已存在", "already exists"));
    }
    Ok(())
}

/// 學科清單 / 自訂群組清單.
#[utoipa::path(
    tag = "self-directed",
    params(GroupFilter),
    responses(
        (status = 200, description = "The school's certifier groups", body = Vec<CertifierGroup>),
        (status = 400, description = "Malformed kind", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted S0301S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/self-directed/groups")]
pub async fn list_groups(state: web::Data<AppState>, who: Principal, q: web::Query<GroupFilter>) -> ApiResult<web::Json<Vec<CertifierGroup>>> {
    who.user()?;
    who.require(Need::module(MODULE_GROUPS, Op::View))?;
    let school = who.school_id()?;
    let kind = q.kind;
    state.db.read(move |c| Ok(web::Json(load_groups(c, school, kind, None)?))).await
}

/// 新增記錄: a subject or custom group.
#[utoipa::path(
    tag = "self-directed",
    request_body = GroupInput,
    responses(
        (status = 201, description = "Created", body = CertifierGroup),
        (status = 403, description = "Neither the school admin nor granted S0301S with create", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/self-directed/groups")]
pub async fn create_group(state: web::Data<AppState>, who: Principal, req: HttpRequest, body: crate::http::JsonBody<GroupInput>) -> ApiResult<HttpResponse> {
    who.user()?;
    who.require(Need::module(MODULE_GROUPS, Op::Create))?;
    // Read only after the caller is known to be allowed.
    let input = body.read().await?;
    input.validate()?;
    let school = who.school_id()?;
    let actor = Actor::of(&who, &req)?;
    let now = state.clock.now();
    let name = input.name.trim().to_string();
    if name.is_empty() {
        return Err(ApiError::validation().field("name", "請輸入名稱", "the name is required"));
    }
    let group = state
        .db
        .write(move |c| {
            ensure_name_free(c, school, input.kind, &name, None)?;
            let id: i64 = diesel::insert_into(g::table)
                .values((g::school_id.eq(school), g::kind.eq(input.kind.as_str()), g::name.eq(&name), g::created_at.eq(now), g::updated_at.eq(now)))
                .returning(g::id)
                .get_result(c)?;
            actor.record(c, EventKind::SdlGroupCreated, format!("{} {name}", input.kind.as_str()), now)?;
            load_groups(c, school, None, Some(id))?.pop().ok_or_else(ApiError::not_found)
        })
        .await?;
    Ok(HttpResponse::Created().json(group))
}

/// Renames a group.
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Group id")),
    request_body = GroupRename,
    responses(
        (status = 200, description = "Saved", body = CertifierGroup),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted S0301S with update", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group in this school", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/self-directed/groups/{id}")]
pub async fn rename_group(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>, body: crate::http::JsonBody<GroupRename>) -> ApiResult<web::Json<CertifierGroup>> {
    who.user()?;
    who.require(Need::module(MODULE_GROUPS, Op::Update))?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    body.validate()?;
    let school = who.school_id()?;
    let actor = Actor::of(&who, &req)?;
    let id = id.into_inner();
    let now = state.clock.now();
    let name = body.name.trim().to_string();
    if name.is_empty() {
        return Err(ApiError::validation().field("name", "請輸入名稱", "the name is required"));
    }
    state
        .db
        .write(move |c| {
            let (kind, old) = owned_group(c, school, id)?;
            ensure_name_free(c, school, kind, &name, Some(id))?;
            diesel::update(g::table.find(id)).set((g::name.eq(&name), g::updated_at.eq(now))).execute(c)?;
            actor.record(c, EventKind::SdlGroupRenamed, format!("{old} → {name}"), now)?;
            Ok(web::Json(load_groups(c, school, None, Some(id))?.pop().ok_or_else(ApiError::not_found)?))
        })
        .await
}

/// Deletes a group that no stage and no plan uses.
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Group id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted S0301S with delete", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group in this school", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A stage or a plan uses the group (`conflict`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/self-directed/groups/{id}")]
pub async fn delete_group(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    who.user()?;
    who.require(Need::module(MODULE_GROUPS, Op::Delete))?;
    let school = who.school_id()?;
    let actor = Actor::of(&who, &req)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            let (_, name) = owned_group(c, school, id)?;
            let stages: i64 = st::table.filter(st::group_id.eq(id)).count().get_result(c)?;
            let flows: i64 = fs::table.filter(fs::group_id.eq(id)).count().get_result(c)?;
            let plans: i64 = pl::table.filter(pl::subject_group_id.eq(id)).count().get_result(c)?;
            if stages + flows + plans > 0 {
                return Err(ApiError::conflict(
                    format!("「{name}」已用於認證順序或學生的自主學習計畫，不能刪除。"),
                    format!("{name} is used by the certification order or by students' plans; it cannot be deleted."),
                ));
            }
            diesel::delete(gm::table.filter(gm::group_id.eq(id))).execute(c)?;
            diesel::delete(g::table.find(id)).execute(c)?;
            actor.record(c, EventKind::SdlGroupDeleted, name, now)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn members_of(c: &mut DbConn, id: i64) -> ApiResult<Vec<StaffMember>> {
    Ok(gm::table
        .inner_join(users::table.on(users::id.eq(gm::user_id)))
        .filter(gm::group_id.eq(id))
        .order(users::account.asc())
        .select((users::id, users::account, users::display_name))
        .load(c)?)
}

/// 已選教職員: a group's members.
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Group id")),
    responses(
        ReadOne,
        (status = 200, description = "Members by account", body = Vec<StaffMember>),
        (status = 403, description = "Neither the school admin nor granted S0301S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/self-directed/groups/{id}/members")]
pub async fn get_group_members(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<web::Json<Vec<StaffMember>>> {
    who.user()?;
    who.require(Need::module(MODULE_GROUPS, Op::View))?;
    let school = who.school_id()?;
    let id = id.into_inner();
    state
        .db
        .read(move |c| {
            owned_group(c, school, id)?;
            Ok(web::Json(members_of(c, id)?))
        })
        .await
}

/// Replaces a group's members (staff of this school only).
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Group id")),
    request_body = GroupMembers,
    responses(
        (status = 200, description = "The new members", body = Vec<StaffMember>),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted S0301S with update", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group in this school", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A user is not staff of this school", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/self-directed/groups/{id}/members")]
pub async fn put_group_members(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>, body: crate::http::JsonBody<GroupMembers>) -> ApiResult<web::Json<Vec<StaffMember>>> {
    who.user()?;
    who.require(Need::module(MODULE_GROUPS, Op::Update))?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    body.validate()?;
    let school = who.school_id()?;
    let actor = Actor::of(&who, &req)?;
    let id = id.into_inner();
    let now = state.clock.now();
    let mut ids = body.user_ids;
    ids.sort_unstable();
    ids.dedup();
    state
        .db
        .write(move |c| {
            let (_, name) = owned_group(c, school, id)?;
            crate::accounts::groups::require_staff(c, school, &ids)?;
            diesel::delete(gm::table.filter(gm::group_id.eq(id))).execute(c)?;
            for uid in &ids {
                diesel::insert_into(gm::table).values((gm::group_id.eq(id), gm::user_id.eq(uid))).execute(c)?;
            }
            diesel::update(g::table.find(id)).set(g::updated_at.eq(now)).execute(c)?;
            actor.record(c, EventKind::SdlGroupMembersChanged, format!("{name}: {} members", ids.len()), now)?;
            Ok(web::Json(members_of(c, id)?))
        })
        .await
}

/// 可選教職員: the school's staff, searchable, without a group's members.
#[utoipa::path(
    tag = "self-directed",
    params(StaffQuery, PageQuery),
    responses(
        ReadPage,
        (status = 200, description = "One page of staff", body = Page<StaffMember>),
        (status = 403, description = "Neither the school admin nor granted S0301S", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_in_group` is no group of this school", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/self-directed/staff")]
pub async fn list_certifier_staff(state: web::Data<AppState>, who: Principal, q: web::Query<StaffQuery>, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<StaffMember>>> {
    who.user()?;
    who.require(Need::module(MODULE_GROUPS, Op::View))?;
    let school = who.school_id()?;
    let (page, per_page) = page.checked()?;
    let q = q.into_inner();
    state
        .db
        .read(move |c| {
            let exclude: Vec<i64> = match q.not_in_group {
                Some(id) => {
                    owned_group(c, school, id)?;
                    gm::table.filter(gm::group_id.eq(id)).select(gm::user_id).load(c)?
                }
                None => vec![],
            };
            Ok(web::Json(staff_page(c, school, q.q.as_deref(), exclude, page, per_page)?))
        })
        .await
}

/// The school's order, first stage first.
pub fn load_stages(c: &mut DbConn, school: i64) -> ApiResult<Vec<Stage>> {
    let rows: Vec<(i64, i32, String, Option<i64>, Option<String>)> = st::table
        .left_join(g::table.on(g::id.nullable().eq(st::group_id)))
        .filter(st::school_id.eq(school))
        .order((st::position.asc(), st::id.asc()))
        .select((st::id, st::position, st::identity, st::group_id, g::name.nullable()))
        .load(c)?;
    rows.into_iter()
        .enumerate()
        .map(|(i, (id, _, identity, group_id, name))| {
            let identity = Identity::parse(&identity)?;
            Ok(Stage { id, position: i as i32 + 1, identity, group_id, label: identity.label(name.as_deref()) })
        })
        .collect()
}

/// Writes positions 1, 2, … in the given order.
fn renumber(c: &mut DbConn, ids: &[i64]) -> ApiResult<()> {
    for (i, id) in ids.iter().enumerate() {
        diesel::update(st::table.find(id)).set(st::position.eq(i as i32 + 1)).execute(c)?;
    }
    Ok(())
}

/// 設定認證順序: the school's stages in order.
#[utoipa::path(
    tag = "self-directed",
    responses(
        (status = 200, description = "The stages, first first", body = Vec<Stage>),
        (status = 403, description = "Neither the school admin nor granted S0302S", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/self-directed/stages")]
pub async fn list_stages(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<Stage>>> {
    who.user()?;
    who.require(Need::module(MODULE_ORDER, Op::View))?;
    let school = who.school_id()?;
    state.db.read(move |c| Ok(web::Json(load_stages(c, school)?))).await
}

/// 建立認證階段: adds a stage at the end. The same identity (or custom group) appears once.
/// Plans and results already submitted keep the order they started with.
#[utoipa::path(
    tag = "self-directed",
    request_body = StageInput,
    responses(
        (status = 201, description = "The new order", body = Vec<Stage>),
        (status = 403, description = "Neither the school admin nor granted S0302S with create", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already in the order (`conflict`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A custom stage without one of the school's custom groups, or a group given to another identity", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/self-directed/stages")]
pub async fn add_stage(state: web::Data<AppState>, who: Principal, req: HttpRequest, body: crate::http::JsonBody<StageInput>) -> ApiResult<HttpResponse> {
    who.user()?;
    who.require(Need::module(MODULE_ORDER, Op::Create))?;
    // Read only after the caller is known to be allowed.
    let input = body.read().await?;
    let school = who.school_id()?;
    let actor = Actor::of(&who, &req)?;
    let now = state.clock.now();
    let stages = state
        .db
        .write(move |c| {
            let group_id = match (input.identity, input.group_id) {
                (Identity::Custom, Some(id)) => {
                    let found = owned_group(c, school, id).ok().filter(|(k, _)| *k == GroupKind::Custom);
                    if found.is_none() {
                        return Err(ApiError::validation().field("group_id", "請選擇本校的自訂群組", "choose one of the school's custom groups"));
                    }
                    Some(id)
                }
                (Identity::Custom, None) => return Err(ApiError::validation().field("group_id", "請選擇自訂群組", "choose a custom group")),
                (_, Some(_)) => return Err(ApiError::validation().field("group_id", "只有自訂群組需要指定群組", "only a custom stage names a group")),
                (_, None) => None,
            };
            let current = load_stages(c, school)?;
            if current.iter().any(|s| s.identity == input.identity && s.group_id == group_id) {
                return Err(ApiError::conflict("此認證身分已在認證順序中。", "This identity is already in the order."));
            }
            diesel::insert_into(st::table)
                .values((st::school_id.eq(school), st::position.eq(current.len() as i32 + 1), st::identity.eq(input.identity.as_str()), st::group_id.eq(group_id), st::created_at.eq(now)))
                .execute(c)?;
            let stages = load_stages(c, school)?;
            actor.record(c, EventKind::SdlOrderChanged, order_text(&stages), now)?;
            Ok(stages)
        })
        .await?;
    Ok(HttpResponse::Created().json(stages))
}

fn order_text(stages: &[Stage]) -> String {
    stages.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join(" → ")
}

/// 上移 / 下移 a stage.
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Stage id")),
    request_body = MoveInput,
    responses(
        (status = 200, description = "The new order (unchanged when the stage is already first or last)", body = Vec<Stage>),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the school admin nor granted S0302S with update", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such stage in this school", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/self-directed/stages/{id}/move")]
pub async fn move_stage(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>, body: crate::http::JsonBody<MoveInput>) -> ApiResult<web::Json<Vec<Stage>>> {
    who.user()?;
    who.require(Need::module(MODULE_ORDER, Op::Update))?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    let school = who.school_id()?;
    let actor = Actor::of(&who, &req)?;
    let id = id.into_inner();
    let direction = body.direction;
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            let mut ids: Vec<i64> = load_stages(c, school)?.into_iter().map(|s| s.id).collect();
            let i = ids.iter().position(|s| *s == id).ok_or_else(ApiError::not_found)?;
            let j = match direction {
                StageDirection::Up => i.checked_sub(1),
                StageDirection::Down => Some(i + 1).filter(|j| *j < ids.len()),
            };
            if let Some(j) = j {
                ids.swap(i, j);
                renumber(c, &ids)?;
            }
            let stages = load_stages(c, school)?;
            actor.record(c, EventKind::SdlOrderChanged, order_text(&stages), now)?;
            Ok(web::Json(stages))
        })
        .await
}

/// 移除此認證身分.
#[utoipa::path(
    tag = "self-directed",
    params(("id" = i64, Path, description = "Stage id")),
    responses(
        ReadOne,
        (status = 200, description = "The new order", body = Vec<Stage>),
        (status = 403, description = "Neither the school admin nor granted S0302S with delete", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/self-directed/stages/{id}")]
pub async fn remove_stage(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>) -> ApiResult<web::Json<Vec<Stage>>> {
    who.user()?;
    who.require(Need::module(MODULE_ORDER, Op::Delete))?;
    let school = who.school_id()?;
    let actor = Actor::of(&who, &req)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            let mut ids: Vec<i64> = load_stages(c, school)?.into_iter().map(|s| s.id).collect();
            let i = ids.iter().position(|s| *s == id).ok_or_else(ApiError::not_found)?;
            ids.remove(i);
            diesel::delete(st::table.find(id)).execute(c)?;
            renumber(c, &ids)?;
            let stages = load_stages(c, school)?;
            actor.record(c, EventKind::SdlOrderChanged, order_text(&stages), now)?;
            Ok(web::Json(stages))
        })
        .await
}
