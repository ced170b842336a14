//! Sign-in, session and own-account endpoints.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::audit::{self, Event, EventKind};
use crate::accounts::session::{self, RefreshOutcome, TokenPair};
use crate::accounts::password;
use crate::identity::{Role, User, UserKind};
use crate::state::AppState;
use crate::auth::{captcha, client_addr, PendingPrincipal, Principal};
use crate::identity::ModuleGrant;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::schema::{schools, users};
use crate::terms;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"captcha_required": true}))]
pub struct AuthOptions {
    /// Whether sign-in and forgot-password need a captcha.
    pub captcha_required: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "c_4fQ9xL2mT7",
    "image": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==",
    "expires_in": 300
}))]
pub struct Captcha {
    pub id: String,
    /// A PNG image as a `data:` URL.
    pub image: String,
    /// Seconds the captcha stays valid.
    pub expires_in: i64,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"school": "999999", "account": "admin", "password": "demo2026"}))]
pub struct SignIn {
    /// School code (e.g. `074313`) or the school's name; empty for the platform operator.
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub school: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub account: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub password: String,
    pub captcha_id: Option<String>,
    pub captcha_answer: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"refresh_token": "rt_8mJ2kQ0vX3cN5pL7sD9fG1hB4wE6yA0z"}))]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"school": "999999", "account": "999999_115001", "email": "student@demo.licheng.example"}))]
pub struct ForgotPassword {
    /// School code or name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub school: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub account: String,
    /// The account's primary or backup e-mail.
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
    pub captcha_id: Option<String>,
    pub captcha_answer: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    pub message: String,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"token": "pr_Zk3nV8qW1xR5tY7uI9oP2aS4dF6gH0jL", "new_password": "Spring-Tea-Mountain-2026"}))]
pub struct ResetPassword {
    /// The token from the mailed link.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub token: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"old_password": "Autumn-Rain-Valley-2025", "new_password": "Spring-Tea-Mountain-2026"}))]
pub struct ChangePassword {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub old_password: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"email": "t001@demo.licheng.example", "backup_email": null, "current_password": "demo2026"}))]
pub struct EmailUpdate {
    /// Primary e-mail (null to remove).
    #[validate(email(message = "電子郵件格式不正確|is not a valid e-mail address"))]
    #[schema(format = "email")]
    pub email: Option<String>,
    /// Backup e-mail (null to remove).
    #[validate(email(message = "電子郵件格式不正確|is not a valid e-mail address"))]
    #[schema(format = "email")]
    pub backup_email: Option<String>,
    /// The current password: whoever holds only a stolen session cannot redirect the
    /// forgot-password mail to themselves.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub current_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeUser {
    pub id: i64,
    pub account: String,
    pub display_name: String,
    pub kind: UserKind,
    pub email: Option<String>,
    pub backup_email: Option<String>,
    pub must_change_password: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TermView {
    pub academic_year: i32,
    pub semester: i32,
    /// e.g. `1151`.
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "user": {
        "id": 17, "account": "999999_T001", "display_name": "王大明", "kind": "staff", "email": "t001@demo.licheng.example", "backup_email": null,
        "must_change_password": false
    },
    "roles": ["subject_teacher", "homeroom_teacher"],
    "modules": [{"code": "S0207S", "name": "提交學習成果至中央資料庫", "can_create": true, "can_update": true, "can_delete": false}],
    "school": {"id": 1, "code": "999999", "name": "示範高級中學"}, "current_term": {"academic_year": 115, "semester": 1, "code": "1151"},
    "needs_backup_email": true
}))]
pub struct Me {
    pub user: MeUser,
    pub school: Option<SchoolRef>,
    pub roles: Vec<Role>,
    /// Function modules granted through role groups (the school admin holds all implicitly).
    pub modules: Vec<ModuleGrant>,
    pub current_term: Option<TermView>,
    pub needs_backup_email: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"code": "999999", "name": "示範高級中學"}))]
pub struct SchoolSuggestion {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// Start of a school code, or part of a name.
    pub q: Option<String>,
}

/// Whether a captcha is needed.
#[utoipa::path(
    security(()),
    operation_id = "get_sign_in_options",tag = "auth", responses((status = 200, description = "Sign-in options", body = AuthOptions)))]
#[get("/auth/options")]
pub async fn options(state: web::Data<AppState>) -> web::Json<AuthOptions> {
    web::Json(AuthOptions { captcha_required: state.config.captcha })
}

/// A new captcha image (manual 1.1).
#[utoipa::path(
    security(()),
    tag = "auth",
    responses(
        (status = 200, description = "A captcha, valid five minutes, usable once", body = Captcha),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/auth/captcha")]
pub async fn new_captcha(state: web::Data<AppState>) -> ApiResult<web::Json<Captcha>> {
    let now = state.clock.now();
    let (id, answer) = captcha::create(&state.secrets, now);
    let image = web::block(move || captcha::render_data_url(&answer)).await.map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?;
    Ok(web::Json(Captcha { id, image, expires_in: captcha::LIFETIME_SECONDS }))
}

/// Consumes the captcha in its own transaction (a wrong answer spends it too).
async fn check_captcha(state: &AppState, id: Option<String>, answer: Option<String>) -> ApiResult<()> {
    if !state.config.captcha {
        return Ok(());
    }
    solve_captcha(state, id, answer).await
}

/// The address as a whole: past `sign_in_client_limit` failures within the window it is not
/// refused (a school behind one NAT address would be, for someone else's typos) but must solve a
/// captcha, even where captchas are otherwise off. Below it, the configured captcha rule.
async fn gate_client(state: &AppState, client: &str, id: Option<String>, answer: Option<String>) -> ApiResult<()> {
    let (limit, window, now) = (state.config.sign_in_client_limit, state.config.sign_in_client_window_seconds, state.clock.now());
    let client = client.to_string();
    let failures = state.db.read(move |c| session::client_failures(c, &client, window, now)).await?;
    if failures < limit {
        return check_captcha(state, id, answer).await;
    }
    if id.as_deref().unwrap_or("").is_empty() || answer.as_deref().unwrap_or("").is_empty() {
        return Err(ApiError::new(ErrorCode::CaptchaRequired));
    }
    solve_captcha(state, id, answer).await
}

async fn solve_captcha(state: &AppState, id: Option<String>, answer: Option<String>) -> ApiResult<()> {
    let now = state.clock.now();
    let solved = captcha::verify(&state.secrets, id.as_deref(), answer.as_deref(), now)?;
    state.db.write(move |c| captcha::spend(c, &solved, now)).await
}

/// Sign in with school, account, password and captcha.
#[utoipa::path(
    security(()),
    tag = "auth",
    request_body = SignIn,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 400, description = "Wrong or missing captcha (`captcha_invalid`), malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown school or account, or wrong password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Account inactive or expired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Locked after 5 wrong passwords, for 15 minutes (`account_locked`, with Retry-After)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins from this address (`rate_limited`, with Retry-After)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/sign-in")]
pub async fn sign_in(state: web::Data<AppState>, req: HttpRequest, body: web::Json<SignIn>) -> ApiResult<web::Json<TokenPair>> {
    body.validate()?;
    let body = body.into_inner();
    let client = client_addr(&req);
    let now = state.clock.now();
    let key = session::account_key(&body.school, &body.account);
    gate_client(&state, &client, body.captcha_id.clone(), body.captcha_answer.clone()).await?;
    let (limit, window) = (state.config.sign_in_account_client_limit, state.config.sign_in_client_window_seconds);
    let reservation = {
        let (client, key) = (client.clone(), key.clone());
        state.db.write(move |c| session::reserve_attempt(c, &client, &key, limit, window, now)).await?
    };

    let (school, account) = (body.school.clone(), body.account.clone());
    let user = state.db.read(move |c| session::find_account(c, &school, &account)).await?;
    let Some(user) = user else {
        // No such account: the same answers, at the same cost, as a real one.
        let phantom = {
            let key = key.clone();
            state.db.read(move |c| session::phantom_lock(c, &key, now)).await?
        };
        if let Some(until) = phantom.before {
            return Err(session::locked_error(until, now));
        }
        let given = body.password.clone();
        web::block(move || password::verify_dummy(&given)).await.map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?;
        let (client, account) = (client.clone(), body.account.clone());
        state
            .db
            .write(move |c| {
                audit::record(
                    c,
                    Event { school_id: None, user_id: None, actor: Some(&account), event: EventKind::SignInFailed, detail: Some("unknown school or account".into()), client: Some(&client) },
                    now,
                )
            })
            .await?;
        return Err(match phantom.after {
            Some(until) => session::locked_error(until, now),
            None => ApiError::new(ErrorCode::InvalidCredentials),
        });
    };
    let user_id = user.id;
    let reserved = state.db.write(move |c| session::reserve_account_attempt(c, user_id, now)).await?;
    if reserved.is_none() {
        let until = user.locked_until.filter(|u| *u > now).unwrap_or(now + chrono::Duration::seconds(session::LOCK_SECONDS));
        return Err(session::locked_error(until, now));
    }
    let (given, hash, nid) = (body.password.clone(), user.password_hash.clone(), crate::national_id::reveal(user.national_id.as_deref()));
    let ok = web::block(move || password::verify_account(&given, &hash, nid.as_deref()))
        .await
        .map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?;
    if !ok {
        let (client, u) = (client.clone(), user.clone());
        let locked = state.db.write(move |c| session::note_wrong_password(c, &u, &client, now)).await?;
        return Err(match locked {
            Some(until) => session::locked_error(until, now),
            None => ApiError::new(ErrorCode::InvalidCredentials),
        });
    }
    if let Err(e) = crate::identity::check_usable(&user, now) {
        state.db.write(move |c| session::release_attempt(c, reservation)).await?;
        return Err(e);
    }
    let st = state.clone();
    let pair = state
        .db
        .write(move |c| {
            session::release_attempt(c, reservation)?;
            session::start_session(&st.secrets, &st.config, c, &user, &client, now)
        })
        .await?;
    Ok(web::Json(pair))
}

/// Checks a signed-in user's current password (to change it or the e-mail): counted like a
/// sign-in attempt, so a stolen session cannot guess it — five wrong ones lock the account.
async fn confirm_password(state: &AppState, user: &User, given: &str, client: &str, field: &'static str) -> ApiResult<()> {
    let (now, user_id) = (state.clock.now(), user.id);
    if state.db.write(move |c| session::reserve_account_attempt(c, user_id, now)).await?.is_none() {
        let until = user.locked_until.filter(|u| *u > now).unwrap_or(now + chrono::Duration::seconds(session::LOCK_SECONDS));
        return Err(session::locked_error(until, now));
    }
    let (given, stored, nid) = (given.to_string(), user.password_hash.clone(), crate::national_id::reveal(user.national_id.as_deref()));
    let ok = web::block(move || password::verify_account(&given, &stored, nid.as_deref())).await.map_err(|e| ApiError::internal(e.to_string()))?;
    if ok {
        state
            .db
            .write(move |c| {
                diesel::update(users::table.find(user_id)).set(users::failed_logins.eq(0)).execute(c)?;
                Ok(())
            })
            .await?;
        return Ok(());
    }
    let (u, client) = (user.clone(), client.to_string());
    match state.db.write(move |c| session::note_wrong_password(c, &u, &client, now)).await? {
        Some(until) => Err(session::locked_error(until, now)),
        None => Err(ApiError::new(ErrorCode::OldPasswordIncorrect).field(field, "目前的密碼不正確", "the current password is incorrect")),
    }
}

/// Exchange a refresh token for a new pair (the old one is spent).
#[utoipa::path(
    security(()),
    operation_id = "refresh_session",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair", body = TokenPair),
        (status = 401, description = "Unknown, expired or revoked (`refresh_token_invalid`); or already used, which revokes its session (`refresh_token_reused`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Account inactive or expired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(state: web::Data<AppState>, req: HttpRequest, body: web::Json<RefreshRequest>) -> ApiResult<web::Json<TokenPair>> {
    body.validate()?;
    let now = state.clock.now();
    let client = client_addr(&req);
    let st = state.clone();
    let token = body.into_inner().refresh_token;
    match state.db.write(move |c| session::refresh(&st.secrets, &st.config, c, &token, &client, now)).await? {
        RefreshOutcome::Rotated(pair) => Ok(web::Json(pair)),
        RefreshOutcome::Refused(e) => Err(e),
    }
}

/// Sign out: the session of this refresh token ends.
#[utoipa::path(
    security(()),
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out"),
        (status = 422, description = "Missing token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/sign-out")]
pub async fn sign_out(state: web::Data<AppState>, body: web::Json<RefreshRequest>) -> ApiResult<HttpResponse> {
    body.validate()?;
    let now = state.clock.now();
    let token = body.into_inner().refresh_token;
    state.db.write(move |c| session::sign_out(c, &token, now)).await?;
    Ok(HttpResponse::NoContent().finish())
}

const FORGOT_REPLY_ZH: &str = "若帳號與電子郵件相符，密碼重設連結已寄出，30 分鐘內有效。";

/// Forgot password (FAQ 000 Q1): mails a single-use reset link valid 30 minutes to the
/// account's primary or backup address. The reply is the same whether or not they match.
#[utoipa::path(
    security(()),
    tag = "auth",
    request_body = ForgotPassword,
    responses(
        (status = 202, description = "Accepted (says nothing about whether the account exists)", body = Accepted),
        (status = 400, description = "Wrong or missing captcha", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts from this address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/forgot-password")]
pub async fn forgot_password(state: web::Data<AppState>, req: HttpRequest, body: web::Json<ForgotPassword>) -> ApiResult<HttpResponse> {
    body.validate()?;
    let body = body.into_inner();
    let client = client_addr(&req);
    let now = state.clock.now();
    let key = session::account_key(&body.school, &body.account);
    gate_client(&state, &client, body.captcha_id.clone(), body.captcha_answer.clone()).await?;
    let (limit, window) = (state.config.sign_in_account_client_limit, state.config.sign_in_client_window_seconds);
    let reservation = {
        let (client, key) = (client.clone(), key.clone());
        state.db.write(move |c| session::reserve_attempt(c, &client, &key, limit, window, now)).await?
    };
    let secrets = state.secrets.clone();
    let (school, account, email) = (body.school.clone(), body.account.clone(), body.email.clone());
    let found = state
        .db
        .write(move |c| {
            let user = session::find_account(c, &school, &account)?.filter(|u| u.active && session::email_matches(u, &email));
            let Some(user) = user else {
                return Ok(None);
            };
            session::release_attempt(c, reservation)?;
            let mailer = match user.school_id {
                Some(school_id) => crate::mail::mailer(c, &secrets, school_id)?,
                None => None,
            };
            let token = session::create_reset(c, user.id, now)?;
            audit::record(
                c,
                Event {
                    school_id: user.school_id,
                    user_id: Some(user.id),
                    actor: Some(&user.account),
                    event: EventKind::PasswordResetRequested,
                    detail: Some(if mailer.is_some() { "reset link mailed".into() } else { "no mail server configured: nothing sent".into() }),
                    client: Some(&client),
                },
                now,
            )?;
            Ok(mailer.map(|m| (m, token, user.display_name.clone(), user.account.clone())))
        })
        .await?;
    if let Some((mailer, token, name, account)) = found {
        let link = format!("{}/reset-password?token={token}", state.config.public_url());
        let to = body.email.trim().to_string();
        let text = format!(
            "{name} 您好：\n\n有人為學習歷程檔案平臺帳號 {account} 申請重設密碼。請於 30 分鐘內開啟以下連結設定新密碼（連結只能使用一次）:\n\n{link}\n\n若不是您本人申請，請忽略此信，您的密碼不會改變。\n\nSomeone asked to reset the password of Licheng account {account}. Open the link above within 30 minutes to set a new one; ignore this mail if it was not you."
        );
        let policy = crate::mail::MailPolicy::from_config(&state.config);
        actix_web::rt::spawn(async move {
            if let Err(e) = crate::mail::send(&policy, &mailer, &to, "學習歷程檔案平臺：重設密碼 Password reset", &text).await {
                tracing::warn!(error = %e, "password-reset mail was not sent");
            }
        });
    }
    Ok(HttpResponse::Accepted().json(Accepted { message: FORGOT_REPLY_ZH.into() }))
}

/// Set a new password with a reset link's token (single use, 30 minutes).
#[utoipa::path(
    security(()),
    tag = "auth",
    request_body = ResetPassword,
    responses(
        (status = 204, description = "Password set; every session of the account ended"),
        (status = 400, description = "Invalid, used or expired token (`reset_token_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Weak password (`weak_password`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/reset-password")]
pub async fn reset_password(state: web::Data<AppState>, req: HttpRequest, body: web::Json<ResetPassword>) -> ApiResult<HttpResponse> {
    body.validate()?;
    let body = body.into_inner();
    let now = state.clock.now();
    let client = client_addr(&req);
    // The token is checked (not spent) first so a weak password does not burn the link.
    let token = body.token.clone();
    let user = state
        .db
        .read(move |c| {
            use crate::schema::password_resets as pr;
            let row: Option<(i64, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> = pr::table
                .filter(pr::token_hash.eq(crate::secrets::sha256_hex(token.trim().as_bytes())))
                .select((pr::user_id, pr::expires_at, pr::used_at))
                .first(c)
                .optional()?;
            match row {
                Some((user_id, expires, None)) if expires > now => Ok(users::table.find(user_id).select(User::as_select()).first(c)?),
                _ => Err(ApiError::new(ErrorCode::ResetTokenInvalid)),
            }
        })
        .await?;
    password::check_strength(&body.new_password, &user.account, crate::national_id::reveal(user.national_id.as_deref()).as_deref())?;
    let new = body.new_password.clone();
    let hash = web::block(move || password::hash(&new)).await.map_err(|e| ApiError::internal(e.to_string()))??;
    state
        .db
        .write(move |c| {
            let user = session::take_reset(c, &body.token, now)?;
            session::set_password(c, user.id, &hash, now)?;
            crate::accounts::cancel_resets(c, user.id, now)?;
            audit::record(
                c,
                Event { school_id: user.school_id, user_id: Some(user.id), actor: Some(&user.account), event: EventKind::PasswordResetCompleted, detail: None, client: Some(&client) },
                now,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user: account, school, roles, granted function modules and current term.
/// Answers also while a password change is pending.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API key (not a user)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, who: PendingPrincipal) -> ApiResult<web::Json<Me>> {
    let principal = who.0.shared_user()?;
    let me = state.db.read(move |c| build_me(c, &principal)).await?;
    Ok(web::Json(me))
}

fn build_me(c: &mut crate::db::DbConn, p: &crate::identity::UserPrincipal) -> ApiResult<Me> {
    let user = &p.user;
    let school = match user.school_id {
        Some(id) => Some(
            schools::table
                .find(id)
                .select((schools::id, schools::code, schools::name))
                .first::<(i64, String, String)>(c)
                .map(|(id, code, name)| SchoolRef { id, code, name })?,
        ),
        None => None,
    };
    let current_term = match user.school_id {
        Some(id) => terms::current(c, id)?.map(|t| TermView { academic_year: t.academic_year, semester: t.semester, code: t.code() }),
        None => None,
    };
    Ok(Me {
        needs_backup_email: session::needs_backup_email(user),
        user: MeUser {
            id: user.id,
            account: user.account.clone(),
            display_name: user.display_name.clone(),
            kind: UserKind::stored(&user.kind)?,
            email: user.email.clone(),
            backup_email: user.backup_email.clone(),
            must_change_password: user.must_change_password,
        },
        school,
        roles: p.roles.clone(),
        modules: p.modules.clone(),
        current_term,
    })
}

/// Change the own password (also when it must be changed). Every other session ends; the
/// response carries a new session.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePassword,
    responses(
        (status = 200, description = "Changed; a fresh token pair", body = TokenPair),
        (status = 403, description = "An API key (not a user)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Old password wrong (`old_password_incorrect`) or new one weak (`weak_password`)", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Too many wrong old passwords: the account is locked for a while (`account_locked`, with `Retry-After`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    who: PendingPrincipal,
    req: HttpRequest,
    body: crate::http::JsonBody<ChangePassword>,
) -> ApiResult<web::Json<TokenPair>> {
    let user = who.0.user()?.user.clone();
    let body = body.read().await?;
    body.validate()?;
    confirm_password(&state, &user, &body.old_password, &client_addr(&req), "old_password").await?;
    password::check_strength(&body.new_password, &user.account, crate::national_id::reveal(user.national_id.as_deref()).as_deref())?;
    if body.new_password == body.old_password {
        return Err(ApiError::new(ErrorCode::WeakPassword).field("new_password", "新密碼不可與目前密碼相同", "must differ from the current password"));
    }
    let new = body.new_password.clone();
    let hash = web::block(move || password::hash(&new)).await.map_err(|e| ApiError::internal(e.to_string()))??;
    let now = state.clock.now();
    let client = client_addr(&req);
    let st = state.clone();
    let pair = state
        .db
        .write(move |c| {
            session::set_password(c, user.id, &hash, now)?;
            crate::accounts::cancel_resets(c, user.id, now)?;
            audit::record(
                c,
                Event { school_id: user.school_id, user_id: Some(user.id), actor: Some(&user.account), event: EventKind::PasswordChanged, detail: None, client: Some(&client) },
                now,
            )?;
            session::session_after_change(&st.secrets, &st.config, c, user.id, now)
        })
        .await?;
    Ok(web::Json(pair))
}

/// Set the own primary and backup e-mail (used by forgot-password). Needs the current password;
/// when an address changes, the previous addresses are told by mail (if the school has a mail
/// server), and a later sync batch no longer overwrites the primary address.
#[utoipa::path(
    tag = "auth",
    request_body = EmailUpdate,
    responses(
        (status = 200, description = "Saved", body = Me),
        (status = 403, description = "Password change pending, or an API key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid address, or the current password is wrong (`old_password_incorrect`)", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Too many wrong current passwords: the account is locked for a while (`account_locked`, with `Retry-After`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/me/email")]
pub async fn update_email(state: web::Data<AppState>, who: Principal, req: HttpRequest, body: crate::http::JsonBody<EmailUpdate>) -> ApiResult<web::Json<Me>> {
    let principal = who.user()?.clone();
    let body = body.read().await?;
    body.validate()?;
    let now = state.clock.now();
    let client = client_addr(&req);
    confirm_password(&state, &principal.user, &body.current_password, &client, "current_password").await?;
    let clean = |e: Option<String>| e.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let (email, backup) = (clean(body.email), clean(body.backup_email));
    let secrets = state.secrets.clone();
    let (me, notice) = state
        .db
        .write(move |c| {
            let id = principal.user.id;
            let old = (principal.user.email.clone(), principal.user.backup_email.clone());
            let same = |a: &Option<String>, b: &Option<String>| a.as_deref().map(str::to_lowercase) == b.as_deref().map(str::to_lowercase);
            let primary_changed = !same(&old.0, &email);
            let changed = primary_changed || !same(&old.1, &backup);
            let mut set_by_user = principal.user.email_set_by_user;
            if primary_changed {
                set_by_user = email.is_some();
            }
            diesel::update(users::table.find(id))
                .set((users::email.eq(&email), users::backup_email.eq(&backup), users::email_set_by_user.eq(set_by_user), users::updated_at.eq(now)))
                .execute(c)?;
            audit::record(
                c,
                Event { school_id: principal.user.school_id, user_id: Some(id), actor: Some(&principal.user.account), event: EventKind::EmailChanged, detail: None, client: Some(&client) },
                now,
            )?;
            // The previous addresses learn of the change (an attacker's change is then noticed).
            let mut tell: Vec<String> = [old.0, old.1].into_iter().flatten().collect();
            tell.sort_by_key(|a| a.to_lowercase());
            tell.dedup_by_key(|a| a.to_lowercase());
            let mailer = match principal.user.school_id {
                Some(school) if changed && !tell.is_empty() => crate::mail::mailer(c, &secrets, school)?,
                _ => None,
            };
            let notice = mailer.map(|m| (m, tell, principal.user.account.clone(), principal.user.display_name.clone()));
            let user: User = users::table.find(id).select(User::as_select()).first(c)?;
            Ok((build_me(c, &crate::identity::UserPrincipal { user, ..principal })?, notice))
        })
        .await?;
    if let Some((mailer, tell, account, name)) = notice {
        let policy = crate::mail::MailPolicy::from_config(&state.config);
        let text = format!(
            "{name} 您好：\n\n學習歷程檔案平臺帳號 {account} 的電子郵件剛剛變更了。若不是您本人變更，請立即聯絡學校的系統管理者。\n\nThe e-mail address of Licheng account {account} was just changed. If you did not change it, contact your school's administrator at once."
        );
        actix_web::rt::spawn(async move {
            for to in tell {
                if let Err(e) = crate::mail::send(&policy, &mailer, &to, "學習歷程檔案平臺：電子郵件已變更 E-mail changed", &text).await {
                    tracing::warn!(error = %e, "e-mail change notice was not sent");
                }
            }
        });
    }
    Ok(web::Json(me))
}

/// School suggestions for the sign-in form (by code prefix or part of the name).
#[utoipa::path(
    security(()),
    tag = "auth",
    params(LookupQuery),
    responses(
        (status = 200, description = "Up to 10 schools", body = Vec<SchoolSuggestion>),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/schools/lookup")]
pub async fn lookup_schools(state: web::Data<AppState>, q: web::Query<LookupQuery>) -> ApiResult<web::Json<Vec<SchoolSuggestion>>> {
    let q = q.into_inner().q.unwrap_or_default().trim().to_string();
    if q.is_empty() {
        return Ok(web::Json(Vec::new()));
    }
    let rows = state
        .db
        .read(move |c| {
            // Digits match the start of a code; any text matches part of a name.
            let name_pattern = crate::pagination::like_pattern(&q);
            let mut query = schools::table.filter(schools::active.eq(true)).into_boxed();
            query = if q.bytes().all(|b| b.is_ascii_digit()) {
                query.filter(schools::code.like(format!("{q}%")).or(schools::name.like(name_pattern).escape('\\')))
            } else {
                query.filter(schools::name.like(name_pattern).escape('\\'))
            };
            Ok(query
                .order(schools::code.asc())
                .limit(10)
                .select((schools::code, schools::name))
                .load::<(String, String)>(c)?)
        })
        .await?;
    Ok(web::Json(rows.into_iter().map(|(code, name)| SchoolSuggestion { code, name }).collect()))
}
