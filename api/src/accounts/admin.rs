//! The admin's account screens: password reset to the initial password (manual 3.2) and
//! transfer students' temporary accounts (manual 3.7).

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::audit::{self, Event, EventKind};
use crate::accounts::{password, session, NewAccount};
use crate::identity::{Role, User, UserKind};
use crate::state::AppState;
use crate::auth::{client_addr, Need, Principal, Scope};
use crate::error::{ApiError, ApiResult, Problem};
use crate::pagination::{like_pattern, offset, Page, PageQuery};
use crate::schema::{schools, users};
use crate::secrets::random_bytes;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 345, "account": "999999_114001", "display_name": "吳承恩", "kind": "student", "active": true, "email": "s114001@demo.licheng.example",
    "national_id_masked": "J10XXXXX14", "must_change_password": false, "locked_until": null
}))]
pub struct AccountRow {
    pub id: i64,
    /// 登入帳號.
    pub account: String,
    /// 帳號名稱.
    pub display_name: String,
    /// National ID masked, e.g. `N22XXXXX36`: five digits hidden (the manual shows `N22XX33636`,
    /// but two hidden digits and the check digit leave only about ten guesses for the initial
    /// password, which is the full ID). Null for API keys, which never see national IDs.
    pub national_id_masked: Option<String>,
    pub email: Option<String>,
    /// 帳號類別.
    pub kind: UserKind,
    /// Whether the account still has its initial password (to be changed); left out for API
    /// keys, since it says which accounts still open with their national ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub must_change_password: Option<bool>,
    pub active: bool,
    /// Locked after wrong passwords (until `locked_until`).
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub locked_until: Option<NaiveDateTime>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountFilter {
    /// Part of the account or name.
    pub q: Option<String>,
    /// `student`, `staff` or `temporary` (empty: every kind).
    #[param(pattern = r"^(student|staff|temporary)?$")]
    pub kind: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"user_ids": [21, 22]}))]
pub struct ResetRequest {
    /// Accounts to reset to their initial password (the national ID, letter upper-case).
    #[validate(length(min = 1, max = 500))]
    #[schema(min_items = 1, max_items = 500)]
    pub user_ids: Vec<i64>,
}

/// Why an account was not reset.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkipCode {
    /// No such account in this school.
    NotFound,
    /// The admin's own account (use change password).
    OwnAccount,
    /// No national ID, so no initial password.
    NoNationalId,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Skipped {
    pub id: i64,
    pub code: SkipCode,
    /// The reason in the request's language.
    pub reason: String,
}

fn skipped(id: i64, code: SkipCode, lang: crate::error::Lang) -> Skipped {
    let (zh, en) = match code {
        SkipCode::NotFound => ("本校沒有此帳號", "no such account in this school"),
        SkipCode::OwnAccount => ("不可重設自己的密碼，請使用變更密碼", "use change password for your own account"),
        SkipCode::NoNationalId => ("沒有身分證號，無預設密碼", "no national ID, so no initial password"),
    };
    let reason = if lang == crate::error::Lang::En { en } else { zh };
    Skipped { id, code, reason: reason.to_string() }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResetResult {
    /// Accounts now on their initial password; they must change it at the next sign-in.
    pub reset: Vec<i64>,
    /// Accounts that could not be reset, with why.
    pub skipped: Vec<Skipped>,
}

/// List the school's accounts (manual 3.2), searchable and paginated.
#[utoipa::path(
    tag = "accounts",
    params(AccountFilter, PageQuery),
    security(("bearer_jwt" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "One page of accounts by account name", body = Page<AccountRow>),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad paging or kind", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/accounts")]
pub async fn list(
    state: web::Data<AppState>,
    who: Principal,
    filter: web::Query<AccountFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<AccountRow>>> {
    who.require(Need::SCHOOL_ADMIN.or_scope(Scope::Read))?;
    let school = who.school_id()?;
    let (page, per_page) = page.checked()?;
    let filter = filter.into_inner();
    let person = !matches!(who, Principal::ApiKey(_));
    let kind = match filter.kind.as_deref() {
        None | Some("") => None,
        Some(k) => match UserKind::parse(k).filter(|k| *k != UserKind::Operator) {
            Some(k) => Some(k),
            None => return Err(ApiError::validation().field("kind", "須為 student、staff 或 temporary", "must be student, staff or temporary")),
        },
    };
    state
        .db
        .read(move |c| {
            let query = || {
                let mut q = users::table.filter(users::school_id.eq(school)).into_boxed();
                if let Some(k) = kind {
                    q = q.filter(users::kind.eq(k.as_str()));
                }
                if let Some(text) = filter.q.as_deref().filter(|t| !t.trim().is_empty()) {
                    let p = like_pattern(text);
                    q = q.filter(users::account.like(p.clone()).escape('\\').or(users::display_name.like(p).escape('\\')));
                }
                q
            };
            let total: i64 = query().count().get_result(c)?;
            let rows: Vec<User> = query()
                .order(users::account.asc())
                .limit(per_page)
                .offset(offset(page, per_page))
                .select(User::as_select())
                .load(c)?;
            let items = rows
                .into_iter()
                .map(|u| {
                    Ok(AccountRow {
                        id: u.id,
                        national_id_masked: crate::national_id::reveal(u.national_id.as_deref().filter(|_| person)).as_deref().map(password::mask_national_id),
                        kind: UserKind::stored(&u.kind)?,
                        account: u.account,
                        display_name: u.display_name,
                        email: u.email,
                        must_change_password: Some(u.must_change_password).filter(|_| person),
                        active: u.active,
                        locked_until: u.locked_until,
                    })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            Ok(web::Json(Page::new(items, total, page, per_page)))
        })
        .await
}

/// Reset accounts to their initial password (manual 3.2); they must change it at next sign-in.
#[utoipa::path(
    tag = "accounts",
    request_body = ResetRequest,
    responses(
        (status = 200, description = "What was reset and what was skipped", body = ResetResult),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No ids, or too many", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/accounts/reset-password")]
pub async fn reset_passwords(state: web::Data<AppState>, who: Principal, req: HttpRequest, body: crate::http::JsonBody<ResetRequest>) -> ApiResult<web::Json<ResetResult>> {
    who.require(Need::SCHOOL_ADMIN)?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    body.validate()?;
    let school = who.school_id()?;
    let me = who.user_id();
    let mut ids = body.user_ids;
    ids.sort_unstable();
    ids.dedup();
    let found: Vec<(i64, String, Option<String>)> = {
        let ids = ids.clone();
        state
            .db
            .read(move |c| {
                Ok(users::table
                    .filter(users::id.eq_any(&ids))
                    .filter(users::school_id.eq(school))
                    .select((users::id, users::account, users::national_id))
                    .load(c)?)
            })
            .await?
    };
    let lang = crate::http::request_lang(&req);
    let mut skips = Vec::new();
    let mut to_reset = Vec::new();
    for id in &ids {
        match found.iter().find(|(uid, _, _)| uid == id) {
            None => skips.push(skipped(*id, SkipCode::NotFound, lang)),
            Some(_) if Some(*id) == me => skips.push(skipped(*id, SkipCode::OwnAccount, lang)),
            Some((_, _, None)) => skips.push(skipped(*id, SkipCode::NoNationalId, lang)),
            Some((uid, account, Some(_))) => to_reset.push((*uid, account.clone())),
        }
    }
    let now = state.clock.now();
    let (actor, client) = (who.actor(), client_addr(&req));
    let reset = state
        .db
        .write(move |c| {
            let mut done = Vec::new();
            // The initial password is the national ID the row holds: no hash to compute.
            for (id, account) in &to_reset {
                diesel::update(users::table.find(id))
                    .set((
                        users::password_hash.eq(password::INITIAL),
                        users::must_change_password.eq(true),
                        users::password_changed_at.eq(Some(now)),
                        users::failed_logins.eq(0),
                        users::locked_until.eq(None::<NaiveDateTime>),
                        users::updated_at.eq(now),
                    ))
                    .execute(c)?;
                session::revoke_all(c, *id, now)?;
                crate::accounts::cancel_resets(c, *id, now)?;
                audit::record(
                    c,
                    Event { school_id: Some(school), user_id: me, actor: Some(&actor), event: EventKind::PasswordResetByAdmin, detail: Some(account.clone()), client: Some(&client) },
                    now,
                )?;
                done.push(*id);
            }
            Ok(done)
        })
        .await?;
    Ok(web::Json(ResetResult { reset, skipped: skips }))
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"student_id": 41, "valid_days": 30}))]
pub struct NewTemporaryAccount {
    /// The student the temporary account acts for.
    pub student_id: i64,
    /// Days the account stays valid (1–90, default 14).
    #[validate(range(min = 1, max = 90))]
    #[schema(minimum = 1, maximum = 90)]
    pub valid_days: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 502, "account": "999999_tmp0001", "active": true, "student_id": 402, "student_account": "999999_114035", "student_name": "黃子軒",
    "valid_until": "2026-12-20T16:00:00Z", "created_at": "2026-11-20T03:00:00Z"
}))]
pub struct TemporaryAccount {
    pub id: i64,
    pub account: String,
    pub student_id: Option<i64>,
    pub student_account: Option<String>,
    pub student_name: Option<String>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub valid_until: Option<NaiveDateTime>,
    pub active: bool,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTemporaryAccount {
    #[serde(flatten)]
    pub account: TemporaryAccount,
    /// The password, shown only in this response.
    pub password: String,
}

fn temporary_rows(c: &mut crate::db::DbConn, school: i64, only: Option<i64>) -> ApiResult<Vec<TemporaryAccount>> {
    let students = diesel::alias!(users as students);
    let mut q = users::table
        .left_join(students.on(students.field(users::id).nullable().eq(users::linked_user_id)))
        .filter(users::school_id.eq(school))
        .filter(users::kind.eq(UserKind::Temporary.as_str()))
        .into_boxed();
    if let Some(id) = only {
        q = q.filter(users::id.eq(id));
    }
    let rows: Vec<(i64, String, Option<i64>, Option<NaiveDateTime>, bool, NaiveDateTime, Option<String>, Option<String>)> = q
        .order(users::id.desc())
        .select((
            users::id,
            users::account,
            users::linked_user_id,
            users::valid_until,
            users::active,
            users::created_at,
            students.field(users::account).nullable(),
            students.field(users::display_name).nullable(),
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(id, account, student_id, valid_until, active, created_at, student_account, student_name)| TemporaryAccount {
            id,
            account,
            student_id,
            student_account,
            student_name,
            valid_until,
            active,
            created_at,
        })
        .collect())
}

/// The school's temporary accounts, newest first.
#[utoipa::path(
    tag = "accounts",
    responses(
        (status = 200, description = "Temporary accounts", body = Vec<TemporaryAccount>),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/temporary-accounts")]
pub async fn list_temporary(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<TemporaryAccount>>> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    state.db.read(move |c| Ok(web::Json(temporary_rows(c, school, None)?))).await
}

fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes = random_bytes::<10>();
    let mut p: String = bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
    // Letters and digits both, as the strength rule asks.
    p.push(char::from(b'2' + bytes[0] % 8));
    p.push(char::from(b'a' + bytes[1] % 26));
    p
}

/// Create a transfer student's temporary account (manual 3.7): it signs in like the student and
/// can do only what a student can, until it expires.
#[utoipa::path(
    tag = "accounts",
    request_body = NewTemporaryAccount,
    responses(
        (status = 201, description = "Created; the password is shown only here", body = CreatedTemporaryAccount),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such student in this school", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/temporary-accounts")]
pub async fn create_temporary(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: crate::http::JsonBody<NewTemporaryAccount>,
) -> ApiResult<HttpResponse> {
    who.require(Need::SCHOOL_ADMIN)?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    body.validate()?;
    let school = who.school_id()?;
    let now = state.clock.now();
    let valid_until = now + Duration::days(body.valid_days.unwrap_or(14));
    let password = random_password();
    let pw = password.clone();
    let (me, actor, client) = (who.user_id(), who.actor(), client_addr(&req));
    let created = state
        .db
        .write(move |c| {
            let student: User = users::table
                .filter(users::id.eq(body.student_id))
                .filter(users::school_id.eq(school))
                .filter(users::kind.eq(UserKind::Student.as_str()))
                .select(User::as_select())
                .first(c)
                .optional()?
                .ok_or_else(ApiError::not_found)?;
            let code: String = schools::table.find(school).select(schools::code).first(c)?;
            let account = format!("{code}_tmp{}", hex::encode(random_bytes::<3>()));
            let id = crate::accounts::create_account(
                c,
                &NewAccount {
                    school_id: Some(school),
                    account: &account,
                    kind: UserKind::Temporary,
                    display_name: &format!("{}（臨時帳號）", student.display_name),
                    national_id: None,
                    number: student.number.as_deref(),
                    email: None,
                    password: &pw,
                    must_change_password: false,
                    roles: &[Role::Student],
                },
                now,
            )?;
            diesel::update(users::table.find(id))
                .set((users::linked_user_id.eq(Some(student.id)), users::valid_until.eq(Some(valid_until))))
                .execute(c)?;
            audit::record(
                c,
                Event {
                    school_id: Some(school),
                    user_id: me,
                    actor: Some(&actor),
                    event: EventKind::TemporaryAccountCreated,
                    detail: Some(format!("{account} for {} until {valid_until}", student.account)),
                    client: Some(&client),
                },
                now,
            )?;
            temporary_rows(c, school, Some(id))?.pop().ok_or_else(ApiError::not_found)
        })
        .await?;
    Ok(HttpResponse::Created().json(CreatedTemporaryAccount { account: created, password }))
}

/// End a temporary account now.
#[utoipa::path(
    tag = "accounts",
    params(("id" = i64, Path, description = "Temporary account id")),
    responses(
        (status = 204, description = "Deactivated"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such temporary account in this school", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/temporary-accounts/{id}")]
pub async fn revoke_temporary(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    let id = id.into_inner();
    let now = state.clock.now();
    let (me, actor, client) = (who.user_id(), who.actor(), client_addr(&req));
    state
        .db
        .write(move |c| {
            let account: String = users::table
                .filter(users::id.eq(id))
                .filter(users::school_id.eq(school))
                .filter(users::kind.eq(UserKind::Temporary.as_str()))
                .select(users::account)
                .first(c)
                .optional()?
                .ok_or_else(ApiError::not_found)?;
            diesel::update(users::table.find(id)).set((users::active.eq(false), users::updated_at.eq(now))).execute(c)?;
            session::revoke_all(c, id, now)?;
            audit::record(
                c,
                Event { school_id: Some(school), user_id: me, actor: Some(&actor), event: EventKind::TemporaryAccountRevoked, detail: Some(account), client: Some(&client) },
                now,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
