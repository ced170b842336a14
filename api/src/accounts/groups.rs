//! Role groups (manual 3.1): the admin creates groups (code, name, in use, remark), grants them
//! function modules with create/update/delete flags, and adds staff as members.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::audit::{self, Event, EventKind};
use crate::identity::UserKind;
use crate::state::AppState;
use crate::auth::{client_addr, Need, Principal};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, Problem};
use crate::pagination::{like_pattern, offset, Page, PageQuery};
use crate::schema::{function_modules, role_group_members, role_group_modules, role_groups, users};
use crate::responses::ReadPage;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 2, "code": "R01", "name": "教務處", "in_use": true, "remark": "負責名冊匯出", "member_count": 3, "module_count": 4,
    "updated_at": "2026-09-01T03:00:00Z"
}))]
pub struct RoleGroup {
    pub id: i64,
    /// 角色編號， e.g. `001`.
    pub code: String,
    /// 角色名稱， e.g. 學習成果提交人員.
    pub name: String,
    /// 是否使用： a group not in use grants nothing.
    pub in_use: bool,
    /// 備註.
    pub remark: Option<String>,
    pub member_count: i64,
    pub module_count: i64,
    #[serde(serialize_with = "crate::time::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"code": "R01", "name": "教務處", "in_use": true, "remark": "負責名冊匯出"}))]
pub struct RoleGroupInput {
    /// 1–10 letters or digits, unique in the school.
    #[validate(length(min = 1, max = 10), custom(function = "alphanumeric"))]
    #[schema(min_length = 1, max_length = 10, pattern = r"^[A-Za-z0-9]+$")]
    pub code: String,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    #[serde(default = "yes")]
    pub in_use: bool,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub remark: Option<String>,
}

fn yes() -> bool {
    true
}

fn alphanumeric(code: &str) -> Result<(), validator::ValidationError> {
    if code.trim().chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("alphanumeric").with_message("只能使用英數字|letters and digits only".into()))
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"code": "S0207S", "name": "提交學習成果至中央資料庫", "name_en": "Submit learning results"}))]
pub struct FunctionModule {
    /// e.g. `S0203S1`.
    pub code: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Clone)]
#[schema(example = json!({"code": "S0207S", "can_create": true, "can_update": true, "can_delete": false}))]
pub struct ModuleGrantInput {
    pub code: String,
    #[serde(default = "yes")]
    pub can_create: bool,
    #[serde(default = "yes")]
    pub can_update: bool,
    #[serde(default = "yes")]
    pub can_delete: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"modules": [{"code": "S0207S", "can_create": true, "can_update": true, "can_delete": false}]}))]
pub struct ModuleGrants {
    /// The group's whole set of modules (replaces the previous set).
    pub modules: Vec<ModuleGrantInput>,
}

#[derive(Debug, Serialize, ToSchema, Queryable)]
#[schema(example = json!({"id": 17, "account": "999999_T001", "display_name": "林老師"}))]
pub struct StaffMember {
    pub id: i64,
    /// 登入帳號.
    pub account: String,
    /// 姓名.
    pub display_name: String,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"user_ids": [11, 12]}))]
pub struct Members {
    /// The group's whole member list (replaces the previous one); staff of this school only,
    /// at most 2,000.
    #[validate(length(max = 2000))]
    #[schema(max_items = 2000)]
    pub user_ids: Vec<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffFilter {
    /// Part of the account or name (輸入帳號篩選).
    pub q: Option<String>,
    /// Leave out the members of this group (the "available" list of the picker).
    pub not_in_group: Option<i64>,
}

/// The group, if it belongs to `school`.
fn owned_group(conn: &mut DbConn, school: i64, id: i64) -> ApiResult<(String, String)> {
    role_groups::table
        .filter(role_groups::id.eq(id))
        .filter(role_groups::school_id.eq(school))
        .select((role_groups::code, role_groups::name))
        .first(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

fn load_groups(conn: &mut DbConn, school: i64, only: Option<i64>) -> ApiResult<Vec<RoleGroup>> {
    let mut q = role_groups::table.filter(role_groups::school_id.eq(school)).into_boxed();
    if let Some(id) = only {
        q = q.filter(role_groups::id.eq(id));
    }
    let rows: Vec<(i64, String, String, bool, Option<String>, NaiveDateTime)> = q
        .order(role_groups::code.asc())
        .select((role_groups::id, role_groups::code, role_groups::name, role_groups::in_use, role_groups::remark, role_groups::updated_at))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let members: Vec<i64> = role_group_members::table
        .filter(role_group_members::group_id.eq_any(&ids))
        .select(role_group_members::group_id)
        .load(conn)?;
    let modules: Vec<i64> = role_group_modules::table
        .filter(role_group_modules::group_id.eq_any(&ids))
        .select(role_group_modules::group_id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name, in_use, remark, updated_at)| RoleGroup {
            id,
            code,
            name,
            in_use,
            remark,
            member_count: members.iter().filter(|g| **g == id).count() as i64,
            module_count: modules.iter().filter(|g| **g == id).count() as i64,
            updated_at,
        })
        .collect())
}

/// Who changes a school's settings, for the audit log (built before entering the database
/// thread); shared by the settings screens that keep groups (role groups, certifier groups).
pub struct Actor {
    pub school: i64,
    user_id: Option<i64>,
    name: String,
    client: String,
}

impl Actor {
    pub fn of(who: &Principal, req: &HttpRequest) -> ApiResult<Actor> {
        Ok(Actor { school: who.school_id()?, user_id: who.user_id(), name: who.actor(), client: client_addr(req) })
    }

    pub fn record(&self, conn: &mut DbConn, event: EventKind, detail: String, now: NaiveDateTime) -> ApiResult<()> {
        audit::record(
            conn,
            Event { school_id: Some(self.school), user_id: self.user_id, actor: Some(&self.name), event, detail: Some(detail), client: Some(&self.client) },
            now,
        )
    }
}

/// List the school's role groups.
#[utoipa::path(
    tag = "role groups",
    responses(
        (status = 200, description = "Groups by code", body = Vec<RoleGroup>),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/role-groups")]
pub async fn list(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<RoleGroup>>> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    state.db.read(move |c| Ok(web::Json(load_groups(c, school, None)?))).await
}

/// Create a role group (manual 3.1.1).
#[utoipa::path(
    operation_id = "create_role_group",
    tag = "role groups",
    request_body = RoleGroupInput,
    responses(
        (status = 201, description = "Created", body = RoleGroup),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/role-groups")]
pub async fn create(state: web::Data<AppState>, who: Principal, req: HttpRequest, body: crate::http::JsonBody<RoleGroupInput>) -> ApiResult<HttpResponse> {
    who.require(Need::SCHOOL_ADMIN)?;
    // Read only after the caller is known to be allowed.
    let input = body.read().await?;
    input.validate()?;
    let actor = Actor::of(&who, &req)?;
    let now = state.clock.now();
    let group = state
        .db
        .write(move |c| {
            ensure_code_free(c, actor.school, &input.code, None)?;
            let id: i64 = diesel::insert_into(role_groups::table)
                .values((
                    role_groups::school_id.eq(actor.school),
                    role_groups::code.eq(input.code.trim()),
                    role_groups::name.eq(input.name.trim()),
                    role_groups::in_use.eq(input.in_use),
                    role_groups::remark.eq(input.remark.as_deref().map(str::trim).filter(|s| !s.is_empty())),
                    role_groups::created_at.eq(now),
                    role_groups::updated_at.eq(now),
                ))
                .returning(role_groups::id)
                .get_result(c)?;
            actor.record(c, EventKind::RoleGroupCreated, format!("{} {}", input.code, input.name), now)?;
            load_groups(c, actor.school, Some(id))?.pop().ok_or_else(ApiError::not_found)
        })
        .await?;
    Ok(HttpResponse::Created().json(group))
}

fn ensure_code_free(c: &mut DbConn, school: i64, code: &str, except: Option<i64>) -> ApiResult<()> {
    let mut q = role_groups::table.filter(role_groups::school_id.eq(school)).filter(role_groups::code.eq(code.trim())).into_boxed();
    if let Some(id) = except {
        q = q.filter(role_groups::id.ne(id));
    }
    if q.count().get_result::<i64>(c)? > 0 {
        return Err(ApiError::conflict(format!("角色編號 {code} 已存在。"), format!("Role group code {code} already exists."))
            .field("code", "角色編號已存在", "already exists"));
    }
    Ok(())
}

/// Change a role group.
#[utoipa::path(
    operation_id = "update_role_group",
    tag = "role groups",
    params(("id" = i64, Path, description = "Group id")),
    request_body = RoleGroupInput,
    responses(
        (status = 200, description = "Saved", body = RoleGroup),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group in this school", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/role-groups/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
    body: crate::http::JsonBody<RoleGroupInput>,
) -> ApiResult<web::Json<RoleGroup>> {
    who.require(Need::SCHOOL_ADMIN)?;
    // Read only after the caller is known to be allowed.
    let input = body.read().await?;
    input.validate()?;
    let actor = Actor::of(&who, &req)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            owned_group(c, actor.school, id)?;
            ensure_code_free(c, actor.school, &input.code, Some(id))?;
            let (code, name, in_use): (String, String, bool) = role_groups::table.find(id).select((role_groups::code, role_groups::name, role_groups::in_use)).first(c)?;
            diesel::update(role_groups::table.find(id))
                .set((
                    role_groups::code.eq(input.code.trim()),
                    role_groups::name.eq(input.name.trim()),
                    role_groups::in_use.eq(input.in_use),
                    role_groups::remark.eq(input.remark.as_deref().map(str::trim).filter(|s| !s.is_empty())),
                    role_groups::updated_at.eq(now),
                ))
                .execute(c)?;
            // The sealed detail says what it was too (issue #26: before and after).
            actor.record(c, EventKind::RoleGroupUpdated, format!("{} {} in_use={}{}{code} {name} in_use={in_use}", input.code.trim(), input.name.trim(), input.in_use, crate::audit::BEFORE), now)?;
            Ok(web::Json(load_groups(c, actor.school, Some(id))?.pop().ok_or_else(ApiError::not_found)?))
        })
        .await
}

/// Delete a role group with its grants and memberships.
#[utoipa::path(
    operation_id = "delete_role_group",
    tag = "role groups",
    params(("id" = i64, Path, description = "Group id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group in this school", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/role-groups/{id}")]
pub async fn remove(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    who.require(Need::SCHOOL_ADMIN)?;
    let actor = Actor::of(&who, &req)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            let (code, name) = owned_group(c, actor.school, id)?;
            diesel::delete(role_group_members::table.filter(role_group_members::group_id.eq(id))).execute(c)?;
            diesel::delete(role_group_modules::table.filter(role_group_modules::group_id.eq(id))).execute(c)?;
            diesel::delete(role_groups::table.find(id)).execute(c)?;
            actor.record(c, EventKind::RoleGroupDeleted, format!("{code} {name}"), now)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Every function module that can be granted (待選功能模組).
#[utoipa::path(
    operation_id = "list_function_modules",
    tag = "role groups",
    responses(
        (status = 200, description = "All modules", body = Vec<FunctionModule>),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/function-modules")]
pub async fn list_modules(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<FunctionModule>>> {
    who.require(Need::SCHOOL_ADMIN)?;
    state
        .db
        .read(|c| {
            let rows: Vec<(String, String, String)> = function_modules::table
                .order(function_modules::sort_order.asc())
                .select((function_modules::code, function_modules::name_zh, function_modules::name_en))
                .load(c)?;
            Ok(web::Json(rows.into_iter().map(|(code, name, name_en)| FunctionModule { code, name, name_en }).collect()))
        })
        .await
}

fn group_modules(c: &mut DbConn, id: i64) -> ApiResult<Vec<ModuleGrantInput>> {
    let rows: Vec<(String, bool, bool, bool)> = role_group_modules::table
        .inner_join(function_modules::table.on(function_modules::code.eq(role_group_modules::module_code)))
        .filter(role_group_modules::group_id.eq(id))
        .order(function_modules::sort_order.asc())
        .select((role_group_modules::module_code, role_group_modules::can_create, role_group_modules::can_update, role_group_modules::can_delete))
        .load(c)?;
    Ok(rows.into_iter().map(|(code, can_create, can_update, can_delete)| ModuleGrantInput { code, can_create, can_update, can_delete }).collect())
}

/// The modules granted to a group (manual 3.1.2).
#[utoipa::path(
    operation_id = "get_role_group_modules",
    tag = "role groups",
    params(("id" = i64, Path, description = "Group id")),
    responses(
        (status = 200, description = "Granted modules", body = Vec<ModuleGrantInput>),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group in this school", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/role-groups/{id}/modules")]
pub async fn get_modules(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<web::Json<Vec<ModuleGrantInput>>> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    let id = id.into_inner();
    state
        .db
        .read(move |c| {
            owned_group(c, school, id)?;
            Ok(web::Json(group_modules(c, id)?))
        })
        .await
}

/// Replace the modules granted to a group.
#[utoipa::path(
    operation_id = "put_role_group_modules",
    tag = "role groups",
    params(("id" = i64, Path, description = "Group id")),
    request_body = ModuleGrants,
    responses(
        (status = 200, description = "The new grants", body = Vec<ModuleGrantInput>),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group in this school", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown module code", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/role-groups/{id}/modules")]
pub async fn put_modules(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
    body: crate::http::JsonBody<ModuleGrants>,
) -> ApiResult<web::Json<Vec<ModuleGrantInput>>> {
    who.require(Need::SCHOOL_ADMIN)?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    let actor = Actor::of(&who, &req)?;
    let id = id.into_inner();
    let now = state.clock.now();
    let grants = body.modules;
    state
        .db
        .write(move |c| {
            let (code, _) = owned_group(c, actor.school, id)?;
            let known: Vec<String> = function_modules::table.select(function_modules::code).load(c)?;
            let mut err = ApiError::validation();
            for (i, g) in grants.iter().enumerate() {
                if !known.contains(&g.code) {
                    err = err.field(format!("modules[{i}].code"), format!("沒有功能模組 {}", g.code), format!("no function module {}", g.code));
                }
            }
            if !err.fields.is_empty() {
                return Err(err);
            }
            let before: Vec<String> = role_group_modules::table.filter(role_group_modules::group_id.eq(id)).order(role_group_modules::module_code.asc()).select(role_group_modules::module_code).load(c)?;
            diesel::delete(role_group_modules::table.filter(role_group_modules::group_id.eq(id))).execute(c)?;
            let mut seen = std::collections::HashSet::new();
            for g in grants.iter().filter(|g| seen.insert(g.code.clone())) {
                diesel::insert_into(role_group_modules::table)
                    .values((
                        role_group_modules::group_id.eq(id),
                        role_group_modules::module_code.eq(&g.code),
                        role_group_modules::can_create.eq(g.can_create),
                        role_group_modules::can_update.eq(g.can_update),
                        role_group_modules::can_delete.eq(g.can_delete),
                    ))
                    .execute(c)?;
            }
            let summary: Vec<&str> = grants.iter().map(|g| g.code.as_str()).collect();
            actor.record(c, EventKind::RoleGroupModulesChanged, format!("{code}: {}{}{}", summary.join(","), audit::BEFORE, before.join(",")), now)?;
            Ok(web::Json(group_modules(c, id)?))
        })
        .await
}

/// Refuses (422, `user_ids[i]`) any id that is not staff of `school`.
pub fn require_staff(c: &mut DbConn, school: i64, ids: &[i64]) -> ApiResult<()> {
    let staff: Vec<i64> = users::table
        .filter(users::id.eq_any(ids))
        .filter(users::school_id.eq(school))
        .filter(users::kind.eq(UserKind::Staff.as_str()))
        .select(users::id)
        .load(c)?;
    let mut err = ApiError::validation();
    for (i, uid) in ids.iter().enumerate() {
        if !staff.contains(uid) {
            err = err.field(format!("user_ids[{i}]"), format!("{uid} 不是本校教職員"), format!("{uid} is not staff of this school"));
        }
    }
    if err.fields.is_empty() {
        Ok(())
    } else {
        Err(err)
    }
}

fn group_members(c: &mut DbConn, id: i64) -> ApiResult<Vec<StaffMember>> {
    Ok(role_group_members::table
        .inner_join(users::table.on(users::id.eq(role_group_members::user_id)))
        .filter(role_group_members::group_id.eq(id))
        .order(users::account.asc())
        .select((users::id, users::account, users::display_name))
        .load(c)?)
}

/// The members of a group (所屬人員).
#[utoipa::path(
    operation_id = "get_role_group_members",
    tag = "role groups",
    params(("id" = i64, Path, description = "Group id")),
    responses(
        (status = 200, description = "Members by account", body = Vec<StaffMember>),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group in this school", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/role-groups/{id}/members")]
pub async fn get_members(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<web::Json<Vec<StaffMember>>> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    let id = id.into_inner();
    state
        .db
        .read(move |c| {
            owned_group(c, school, id)?;
            Ok(web::Json(group_members(c, id)?))
        })
        .await
}

/// Replace the members of a group (manual 3.1.3); only staff of this school can be members.
#[utoipa::path(
    operation_id = "put_role_group_members",
    tag = "role groups",
    params(("id" = i64, Path, description = "Group id")),
    request_body = Members,
    responses(
        (status = 200, description = "The new members", body = Vec<StaffMember>),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group in this school", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A user is not staff of this school", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/role-groups/{id}/members")]
pub async fn put_members(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
    body: crate::http::JsonBody<Members>,
) -> ApiResult<web::Json<Vec<StaffMember>>> {
    who.require(Need::SCHOOL_ADMIN)?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    body.validate()?;
    let actor = Actor::of(&who, &req)?;
    let id = id.into_inner();
    let now = state.clock.now();
    let mut ids = body.user_ids;
    ids.sort_unstable();
    ids.dedup();
    state
        .db
        .write(move |c| {
            let (code, _) = owned_group(c, actor.school, id)?;
            require_staff(c, actor.school, &ids)?;
            let before: Vec<i64> = role_group_members::table.filter(role_group_members::group_id.eq(id)).order(role_group_members::user_id.asc()).select(role_group_members::user_id).load(c)?;
            diesel::delete(role_group_members::table.filter(role_group_members::group_id.eq(id))).execute(c)?;
            for uid in &ids {
                diesel::insert_into(role_group_members::table)
                    .values((role_group_members::group_id.eq(id), role_group_members::user_id.eq(uid)))
                    .execute(c)?;
            }
            let joined = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            actor.record(c, EventKind::RoleGroupMembersChanged, format!("{code}: {} members ({}){}{} members ({})", ids.len(), joined(&ids), audit::BEFORE, before.len(), joined(&before)), now)?;
            Ok(web::Json(group_members(c, id)?))
        })
        .await
}

/// One page of the school's active staff by account, `text` in the account or name, without
/// `excluded` (待選人員 of the member pickers: role groups, certifier groups).
pub fn staff_page(c: &mut DbConn, school: i64, text: Option<&str>, excluded: Vec<i64>, page: i64, per_page: i64) -> ApiResult<Page<StaffMember>> {
    let query = || {
        let mut q = users::table
            .filter(users::school_id.eq(school))
            .filter(users::kind.eq(UserKind::Staff.as_str()))
            .filter(users::active.eq(true))
            .filter(users::id.ne_all(excluded.clone()))
            .into_boxed();
        if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
            let p = like_pattern(text);
            q = q.filter(users::account.like(p.clone()).escape('\\').or(users::display_name.like(p).escape('\\')));
        }
        q
    };
    let total: i64 = query().count().get_result(c)?;
    let items: Vec<StaffMember> = query().order(users::account.asc()).limit(per_page).offset(offset(page, per_page)).select((users::id, users::account, users::display_name)).load(c)?;
    Ok(Page::new(items, total, page, per_page))
}

/// Staff of the school, searchable (待選人員 of the member picker).
#[utoipa::path(
    tag = "role groups",
    params(StaffFilter, PageQuery),
    responses(
        ReadPage,
        (status = 200, description = "One page of staff", body = Page<StaffMember>),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such role group (`not_in_group`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/staff")]
pub async fn list_staff(
    state: web::Data<AppState>,
    who: Principal,
    filter: web::Query<StaffFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<StaffMember>>> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    let (page, per_page) = page.checked()?;
    let filter = filter.into_inner();
    state
        .db
        .read(move |c| {
            let excluded: Vec<i64> = match filter.not_in_group {
                Some(g) => {
                    owned_group(c, school, g)?;
                    role_group_members::table.filter(role_group_members::group_id.eq(g)).select(role_group_members::user_id).load(c)?
                }
                None => Vec::new(),
            };
            Ok(web::Json(staff_page(c, school, filter.q.as_deref(), excluded, page, per_page)?))
        })
        .await
}
