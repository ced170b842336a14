//! Schools (tenants) and their creation with a first administrator.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts::{self, NewAccount};
use crate::identity::{Role, UserKind};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::schema::schools;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = schools)]
pub struct School {
    pub id: i64,
    /// The 6-digit school code (學校代碼), e.g. `074313`.
    pub code: String,
    pub name: String,
    pub active: bool,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc")]
    pub updated_at: NaiveDateTime,
}

/// A school code is six digits (the Ministry's 學校代碼).
pub fn check_code(code: &str) -> ApiResult<()> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ApiError::validation().field("code", "學校代碼須為 6 位數字", "the school code must be 6 digits"))
    }
}

pub fn find_by_code(conn: &mut DbConn, code: &str) -> ApiResult<Option<School>> {
    Ok(schools::table
        .filter(schools::code.eq(code))
        .select(School::as_select())
        .first(conn)
        .optional()?)
}

/// Creates a school and its first administrator account (`must_change_password` set, so the
/// first sign-in asks for a new password). Returns the school id and the admin's user id.
pub fn create_with_admin(
    conn: &mut DbConn,
    code: &str,
    name: &str,
    admin_account: &str,
    admin_password: &str,
    now: NaiveDateTime,
) -> ApiResult<(i64, i64)> {
    check_code(code)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::validation().field("name", "校名須為 1 到 100 個字元", "the name must be 1 to 100 characters"));
    }
    if find_by_code(conn, code)?.is_some() {
        return Err(ApiError::conflict(format!("學校代碼 {code} 已存在。"), format!("School {code} already exists.")));
    }
    // Users may sign in with the school's name: names are unique too.
    let same_name: i64 = schools::table.filter(schools::name.eq(name)).count().get_result(conn)?;
    if same_name > 0 {
        return Err(ApiError::conflict(format!("已有學校名為「{name}」，請使用不同的校名。"), format!("A school named “{name}” already exists.")));
    }
    let school_id: i64 = diesel::insert_into(schools::table)
        .values((
            schools::code.eq(code),
            schools::name.eq(name),
            schools::active.eq(true),
            schools::created_at.eq(now),
            schools::updated_at.eq(now),
        ))
        .returning(schools::id)
        .get_result(conn)?;
    let admin_id = accounts::create_account(
        conn,
        &NewAccount {
            school_id: Some(school_id),
            account: admin_account,
            kind: UserKind::Staff,
            display_name: "校管理者",
            national_id: None,
            number: None,
            email: None,
            password: admin_password,
            must_change_password: true,
            roles: &[Role::SchoolAdmin],
        },
        now,
    )?;
    Ok((school_id, admin_id))
}

/// Platform-operator endpoints: the schools of this deployment.
pub mod routes {
    use actix_web::{get, post, web, HttpRequest, HttpResponse};
    use diesel::prelude::*;
    use serde::{Deserialize, Serialize};
    use utoipa::ToSchema;
    use validator::Validate;

    use super::School;
    use crate::audit::{self, Event, EventKind};
    use crate::state::AppState;
    use crate::auth::{client_addr, Need, Principal};
    use crate::error::{ApiResult, Problem};
    use crate::schema::{schools, users};
    use crate::secrets::random_bytes;

    #[derive(Debug, Deserialize, ToSchema, Validate)]
    #[schema(example = json!({"code": "074313", "name": "示範高級中學", "admin_account": "admin"}))]
    pub struct NewSchool {
        /// The 6-digit school code.
        #[validate(length(equal = 6))]
        #[schema(min_length = 6, max_length = 6)]
        pub code: String,
        #[validate(length(min = 1, max = 100))]
        #[schema(min_length = 1, max_length = 100)]
        pub name: String,
        /// The first administrator's account name (default `admin`).
        #[validate(length(min = 1, max = 50))]
        #[schema(min_length = 1, max_length = 50)]
        pub admin_account: Option<String>,
    }

    #[derive(Debug, Serialize, ToSchema)]
    pub struct CreatedSchool {
        pub school: School,
        pub admin_account: String,
        /// The administrator's first password, shown only here; it must be changed at first sign-in.
        pub admin_password: String,
    }

    #[derive(Debug, Serialize, ToSchema)]
    #[schema(example = json!({
        "id": 1, "code": "999999", "name": "示範高級中學", "active": true, "users": 1342, "created_at": "2026-08-01T00:00:00Z",
        "updated_at": "2026-08-01T00:00:00Z"
    }))]
    pub struct SchoolSummary {
        #[serde(flatten)]
        pub school: School,
        pub users: i64,
    }

    /// Every school of the deployment with its number of accounts (platform operator).
    #[utoipa::path(
        tag = "platform",
        responses(
            (status = 200, description = "Schools by code", body = Vec<SchoolSummary>),
            (status = 403, description = "Not the platform operator", body = Problem, content_type = "application/problem+json"),
        )
    )]
    #[get("/schools")]
    pub async fn list(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<SchoolSummary>>> {
        who.require(Need::OPERATOR)?;
        state
            .db
            .read(|c| {
                let all: Vec<School> = schools::table.order(schools::code.asc()).select(School::as_select()).load(c)?;
                let counts: Vec<Option<i64>> = users::table.filter(users::school_id.is_not_null()).select(users::school_id).load(c)?;
                Ok(web::Json(
                    all.into_iter()
                        .map(|s| {
                            let n = counts.iter().filter(|id| **id == Some(s.id)).count() as i64;
                            SchoolSummary { school: s, users: n }
                        })
                        .collect(),
                ))
            })
            .await
    }

    /// Create a school and its first administrator (platform operator).
    #[utoipa::path(
    operation_id = "create_school",
        tag = "platform",
        request_body = NewSchool,
        responses(
            (status = 201, description = "Created", body = CreatedSchool),
            (status = 403, description = "Not the platform operator", body = Problem, content_type = "application/problem+json"),
            (status = 409, description = "The code exists", body = Problem, content_type = "application/problem+json"),
            (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        )
    )]
    #[post("/schools")]
    pub async fn create(state: web::Data<AppState>, who: Principal, req: HttpRequest, body: crate::http::JsonBody<NewSchool>) -> ApiResult<HttpResponse> {
        who.require(Need::OPERATOR)?;
        // Read only after the caller is known to be allowed.
        let body = body.read().await?;
        body.validate()?;
        let admin_account = body.admin_account.clone().unwrap_or_else(|| "admin".into());
        let password = format!("Lc{}", hex::encode(random_bytes::<6>()));
        let now = state.clock.now();
        let (me, actor, client) = (who.user_id(), who.actor(), client_addr(&req));
        let (pw, account) = (password.clone(), admin_account.clone());
        let school = state
            .db
            .write(move |c| {
                let (id, _) = super::create_with_admin(c, &body.code, &body.name, &account, &pw, now)?;
                audit::record(
                    c,
                    Event { school_id: Some(id), user_id: me, actor: Some(&actor), event: EventKind::SchoolCreated, detail: Some(format!("{} {}", body.code, body.name)), client: Some(&client) },
                    now,
                )?;
                Ok(schools::table.find(id).select(School::as_select()).first(c)?)
            })
            .await?;
        Ok(HttpResponse::Created().json(CreatedSchool { school, admin_account, admin_password: password }))
    }
}
