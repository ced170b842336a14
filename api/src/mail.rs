//! The school's mail server (manual 3.8) and sending mail through it with lettre. The password
//! is stored encrypted (AES-256-GCM, key derived from the master secret) and never returned.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;
use utoipa::ToSchema;
use validator::Validate;

use crate::audit::{self, Event, EventKind};
use crate::state::AppState;
use crate::auth::{client_addr, Need, Principal};
use crate::config::Config;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::net::{self, Cidr};
use crate::schema::mail_settings;
use crate::secrets::Secrets;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Encryption {
    /// Plain SMTP (only for a relay on a trusted network).
    None,
    /// SMTP upgraded with STARTTLS (usually port 587).
    Starttls,
    /// SMTP over TLS (usually port 465).
    Ssl,
}

impl Encryption {
    pub const ALL: [Encryption; 3] = [Encryption::None, Encryption::Starttls, Encryption::Ssl];

    pub fn as_str(self) -> &'static str {
        match self {
            Encryption::None => "none",
            Encryption::Starttls => "starttls",
            Encryption::Ssl => "ssl",
        }
    }

    /// The stored value (`mail_settings.encryption`); anything else is an error, never plain SMTP.
    pub fn parse(s: &str) -> ApiResult<Encryption> {
        Encryption::ALL.into_iter().find(|e| e.as_str() == s).ok_or_else(|| ApiError::bad_stored("mail_settings.encryption", s))
    }
}

/// Settings with the password decrypted, for sending.
#[derive(Debug, Clone)]
pub struct Mailer {
    pub host: String,
    pub port: u16,
    pub encryption: Encryption,
    pub username: Option<String>,
    pub password: Option<String>,
    pub sender_address: String,
    pub sender_name: Option<String>,
}

/// What the admin sees: the password only as "set, ends in ***16".
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "configured": true, "host": "smtp.school.example", "port": 587, "encryption": "starttls", "username": "licheng", "password_set": true,
    "password_hint": "***rd", "sender_address": "licheng@school.example", "sender_name": "學習歷程檔案", "updated_at": "2026-09-01T03:00:00Z"
}))]
pub struct MailSettingsView {
    pub configured: bool,
    pub host: String,
    pub port: i32,
    pub encryption: Encryption,
    /// Sender account (寄件帳號).
    pub username: Option<String>,
    pub password_set: bool,
    /// e.g. `***16`: the last two characters of the stored password.
    pub password_hint: Option<String>,
    /// Sender address (寄件者).
    pub sender_address: String,
    /// Sender display name (寄件者名稱).
    pub sender_name: Option<String>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"host": "smtp.school.example", "port": 587, "encryption": "starttls", "username": "licheng", "password": "app-password", "clear_password": false, "sender_address": "licheng@school.example", "sender_name": "學習歷程檔案"}))]
pub struct MailSettingsInput {
    /// Mail server host, e.g. `smtp.gmail.com`.
    #[validate(length(min = 1, max = 255))]
    #[schema(min_length = 1, max_length = 255)]
    pub host: String,
    #[validate(range(min = 1, max = 65535))]
    #[schema(minimum = 1, maximum = 65535)]
    pub port: i32,
    pub encryption: Encryption,
    #[validate(length(max = 255))]
    #[schema(max_length = 255)]
    pub username: Option<String>,
    /// A new password; omit (or null) to keep the stored one.
    #[validate(length(min = 1, max = 255))]
    #[schema(min_length = 1, max_length = 255)]
    pub password: Option<String>,
    /// Remove the stored password (清空密碼).
    #[serde(default)]
    pub clear_password: bool,
    #[validate(email)]
    #[schema(format = "email")]
    pub sender_address: String,
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub sender_name: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[schema(example = json!({"to": "admin@school.example"}))]
pub struct TestMailInput {
    /// Where to send the test mail.
    #[validate(email)]
    #[schema(format = "email")]
    pub to: String,
}

pub fn encrypt(secrets: &Secrets, plain: &str) -> ApiResult<String> {
    secrets.seal("mail-password", plain).ok_or_else(|| ApiError::internal("mail password encryption failed"))
}

pub fn decrypt(secrets: &Secrets, stored: &str) -> ApiResult<String> {
    secrets.open("mail-password", stored).ok_or_else(|| ApiError::internal("the stored mail password cannot be decrypted (was the secret key changed?)"))
}

type Row = (String, i32, String, Option<String>, Option<String>, Option<String>, String, Option<String>, NaiveDateTime);

fn load_row(conn: &mut DbConn, school_id: i64) -> ApiResult<Option<Row>> {
    Ok(mail_settings::table
        .find(school_id)
        .select((
            mail_settings::host,
            mail_settings::port,
            mail_settings::encryption,
            mail_settings::username,
            mail_settings::password_encrypted,
            mail_settings::password_hint,
            mail_settings::sender_address,
            mail_settings::sender_name,
            mail_settings::updated_at,
        ))
        .first(conn)
        .optional()?)
}

/// The school's mailer, or `None` when no mail server is set.
pub fn mailer(conn: &mut DbConn, secrets: &Secrets, school_id: i64) -> ApiResult<Option<Mailer>> {
    let Some((host, port, encryption, username, password, _, sender_address, sender_name, _)) = load_row(conn, school_id)? else {
        return Ok(None);
    };
    let password = password.map(|p| decrypt(secrets, &p)).transpose()?;
    Ok(Some(Mailer {
        host,
        port: u16::try_from(port).unwrap_or(25),
        encryption: Encryption::parse(&encryption)?,
        username,
        password,
        sender_address,
        sender_name,
    }))
}

fn view(row: Option<Row>) -> ApiResult<MailSettingsView> {
    Ok(match row {
        Some((host, port, encryption, username, password, hint, sender_address, sender_name, updated_at)) => MailSettingsView {
            configured: true,
            host,
            port,
            encryption: Encryption::parse(&encryption)?,
            username,
            password_set: password.is_some(),
            password_hint: hint.filter(|_| password.is_some()),
            sender_address,
            sender_name,
            updated_at: Some(updated_at),
        },
        None => MailSettingsView {
            configured: false,
            host: String::new(),
            port: 587,
            encryption: Encryption::Starttls,
            username: None,
            password_set: false,
            password_hint: None,
            sender_address: String::new(),
            sender_name: None,
            updated_at: None,
        },
    })
}

/// Where a school's mail may go and how long it may take, from the configuration.
#[derive(Debug, Clone)]
pub struct MailPolicy {
    /// Internal ranges that are allowed anyway (an on-premises relay).
    pub allowed_networks: Vec<Cidr>,
    pub allowed_ports: Vec<u16>,
    /// The whole conversation: resolving, connecting, the greeting, every command.
    pub timeout: Duration,
}

impl MailPolicy {
    pub fn from_config(config: &Config) -> MailPolicy {
        MailPolicy {
            allowed_networks: config.mail_allowed_networks(),
            allowed_ports: config.mail_allowed_ports.clone(),
            timeout: Duration::from_secs(config.mail_timeout_seconds.max(1)),
        }
    }

    fn port_allowed(&self, port: u16) -> bool {
        self.allowed_ports.contains(&port)
    }

    /// An internal address (loopback, private, link-local such as the cloud metadata address,
    /// unique-local, unspecified) is allowed only inside a configured range.
    fn address_allowed(&self, ip: IpAddr) -> bool {
        !net::is_internal(ip) || self.allowed_networks.iter().any(|n| n.contains(ip))
    }
}

/// Why a mail was not sent, in words safe to show anyone: the mail server's own reply and the
/// addresses a host resolved to go only to the server log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailError {
    /// The sender or recipient address cannot be used.
    Address,
    /// The host resolves to an internal address that is not allowed, or the port is not allowed.
    NotAllowed,
    /// A password is set but the connection would not be encrypted.
    AuthUnencrypted,
    /// The host could not be resolved or reached.
    Unreachable,
    /// The conversation took longer than `mail_timeout_seconds`.
    Timeout,
    /// The mail server refused the message or the sign-in.
    Refused,
}

impl MailError {
    pub fn text(self) -> (&'static str, &'static str) {
        match self {
            MailError::Address => ("寄件者或收件者地址無法使用", "the sender or recipient address cannot be used"),
            MailError::NotAllowed => ("郵件伺服器位址或連接埠不在允許範圍內", "the mail server's address or port is not allowed"),
            MailError::AuthUnencrypted => ("未加密的連線不能傳送密碼，請改用 STARTTLS 或 SSL", "a password is never sent over an unencrypted connection; use STARTTLS or SSL"),
            MailError::Unreachable => ("無法連線郵件伺服器", "the mail server could not be reached"),
            MailError::Timeout => ("郵件伺服器未在時限內回應", "the mail server did not answer in time"),
            MailError::Refused => ("郵件伺服器拒絕寄送或登入", "the mail server refused the message or the sign-in"),
        }
    }
}

impl std::fmt::Display for MailError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (zh, en) = self.text();
        write!(f, "{zh} ({en})")
    }
}

/// The host's addresses, every one of them allowed by `policy`.
async fn resolve(policy: &MailPolicy, host: &str, port: u16) -> Result<Vec<SocketAddr>, MailError> {
    let target = (host.to_string(), port);
    let addrs: Vec<SocketAddr> = tokio::task::spawn_blocking(move || target.to_socket_addrs().map(Iterator::collect))
        .await
        .map_err(|_| MailError::Unreachable)?
        .map_err(|e| {
            tracing::warn!(host, error = %e, "mail server host does not resolve");
            MailError::Unreachable
        })?;
    if addrs.is_empty() {
        return Err(MailError::Unreachable);
    }
    if let Some(bad) = addrs.iter().find(|a| !policy.address_allowed(a.ip())) {
        tracing::warn!(host, address = %bad.ip(), "mail server refused: it resolves to an internal address outside mail_allowed_networks");
        return Err(MailError::NotAllowed);
    }
    Ok(addrs)
}

/// Sends one plain-text mail through the school's server, within `policy`. The connection goes
/// to the address that was checked (so DNS cannot answer differently between check and use);
/// TLS still verifies the certificate against the configured host name.
pub async fn send(policy: &MailPolicy, mailer: &Mailer, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
    let from_addr = mailer.sender_address.parse().map_err(|_| MailError::Address)?;
    let from = Mailbox::new(mailer.sender_name.clone().filter(|n| !n.is_empty()), from_addr);
    let to: Mailbox = to.parse().map_err(|_| MailError::Address)?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_string())
        .map_err(|_| MailError::Address)?;
    if !policy.port_allowed(mailer.port) {
        tracing::warn!(port = mailer.port, "mail server refused: port outside mail_allowed_ports");
        return Err(MailError::NotAllowed);
    }
    let credentials = match (&mailer.username, &mailer.password) {
        (Some(user), Some(pass)) => Some(Credentials::new(user.clone(), pass.clone())),
        _ => None,
    };
    if credentials.is_some() && mailer.encryption == Encryption::None {
        return Err(MailError::AuthUnencrypted);
    }
    let conversation = async {
        let addrs = resolve(policy, &mailer.host, mailer.port).await?;
        let tls = |f: fn(TlsParameters) -> Tls| {
            TlsParameters::new(mailer.host.clone()).map(f).map_err(|e| {
                tracing::warn!(host = %mailer.host, error = %e, "mail TLS parameters");
                MailError::Unreachable
            })
        };
        let tls = match mailer.encryption {
            Encryption::None => Tls::None,
            Encryption::Starttls => tls(Tls::Required)?,
            Encryption::Ssl => tls(Tls::Wrapper)?,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(addrs[0].ip().to_string())
            .port(mailer.port)
            .tls(tls)
            .timeout(Some(policy.timeout));
        if let Some(c) = credentials {
            builder = builder.credentials(c);
        }
        builder.build().send(message).await.map(|_| ()).map_err(|e| {
            tracing::warn!(host = %mailer.host, error = %e, "mail server refused or failed");
            if e.is_timeout() { MailError::Timeout } else if e.is_permanent() || e.is_transient() { MailError::Refused } else { MailError::Unreachable }
        })
    };
    match tokio::time::timeout(policy.timeout, conversation).await {
        Ok(outcome) => outcome,
        Err(_) => {
            tracing::warn!(host = %mailer.host, seconds = policy.timeout.as_secs(), "mail server did not finish in time");
            Err(MailError::Timeout)
        }
    }
}

/// Checks of the settings that need no network: the port, a literal internal address, and no
/// password over an unencrypted connection.
fn check_settings(policy: &MailPolicy, host: &str, port: i32, encryption: Encryption, password_set: bool) -> ApiResult<()> {
    let mut err = ApiError::validation();
    let mut bad = false;
    if !u16::try_from(port).is_ok_and(|p| policy.port_allowed(p)) {
        let ports = policy.allowed_ports.iter().map(u16::to_string).collect::<Vec<_>>().join("、");
        err = err.field("port", format!("連接埠限 {ports}"), format!("the port must be one of {ports}"));
        bad = true;
    }
    let literal = host.trim().trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().ok();
    if literal.is_some_and(|ip| !policy.address_allowed(ip)) || host.trim().eq_ignore_ascii_case("localhost") {
        err = err.field("host", "不能使用內部網路位址", "an internal address is not allowed");
        bad = true;
    }
    if password_set && encryption == Encryption::None {
        let (zh, en) = MailError::AuthUnencrypted.text();
        err = err.field("encryption", zh, en);
        bad = true;
    }
    if bad {
        Err(err)
    } else {
        Ok(())
    }
}

/// The school's mail server settings (the password is never returned).
#[utoipa::path(
    operation_id = "get_mail_settings",
    tag = "accounts",
    responses(
        (status = 200, description = "Current settings; `configured` is false when none are set", body = MailSettingsView),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mail-settings")]
pub async fn get_settings(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<MailSettingsView>> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    state.db.read(move |c| Ok(web::Json(view(load_row(c, school)?)?))).await
}

/// Save the mail server settings.
#[utoipa::path(
    operation_id = "put_mail_settings",
    tag = "accounts",
    request_body = MailSettingsInput,
    responses(
        (status = 200, description = "Saved", body = MailSettingsView),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, a port outside `mail_allowed_ports`, an internal address, or a password with `encryption: none`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/mail-settings")]
pub async fn put_settings(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: crate::http::JsonBody<MailSettingsInput>,
) -> ApiResult<web::Json<MailSettingsView>> {
    who.require(Need::SCHOOL_ADMIN)?;
    // Read only after the caller is known to be allowed.
    let input = body.read().await?;
    input.validate()?;
    let school = who.school_id()?;
    let now = state.clock.now();
    let new_password = match &input.password {
        Some(p) if !input.clear_password => Some((encrypt(&state.secrets, p)?, hint(p))),
        _ => None,
    };
    let (user_id, actor, client) = (who.user_id(), who.actor(), client_addr(&req));
    let policy = MailPolicy::from_config(&state.config);
    state
        .db
        .write(move |c| {
            let existing = load_row(c, school)?;
            let (password, password_hint) = match (new_password, input.clear_password, &existing) {
                (Some((enc, h)), _, _) => (Some(enc), Some(h)),
                (None, true, _) => (None, None),
                (None, false, Some(row)) => (row.4.clone(), row.5.clone()),
                (None, false, None) => (None, None),
            };
            check_settings(&policy, &input.host, input.port, input.encryption, password.is_some())?;
            let values = (
                mail_settings::host.eq(input.host.trim()),
                mail_settings::port.eq(input.port),
                mail_settings::encryption.eq(input.encryption.as_str()),
                mail_settings::username.eq(input.username.as_deref().map(str::trim).filter(|s| !s.is_empty())),
                mail_settings::password_encrypted.eq(password),
                mail_settings::password_hint.eq(password_hint),
                mail_settings::sender_address.eq(input.sender_address.trim()),
                mail_settings::sender_name.eq(input.sender_name.as_deref().map(str::trim).filter(|s| !s.is_empty())),
                mail_settings::updated_at.eq(now),
            );
            if existing.is_some() {
                diesel::update(mail_settings::table.find(school)).set(values).execute(c)?;
            } else {
                diesel::insert_into(mail_settings::table).values((mail_settings::school_id.eq(school), values)).execute(c)?;
            }
            audit::record(
                c,
                Event { school_id: Some(school), user_id, actor: Some(&actor), event: EventKind::MailSettingsChanged, detail: None, client: Some(&client) },
                now,
            )?;
            Ok(web::Json(view(load_row(c, school)?)?))
        })
        .await
}

fn hint(password: &str) -> String {
    let tail: String = password.chars().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect();
    format!("***{tail}")
}

/// Send a test mail through the saved settings.
#[utoipa::path(
    operation_id = "send_test_mail",
    tag = "accounts",
    request_body = TestMailInput,
    responses(
        (status = 204, description = "The mail server accepted the message"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No mail server is set", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid address", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The mail server refused, could not be reached in time, or is not allowed; `detail` says which in general words (the server's own reply is only logged)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/mail-settings/test")]
pub async fn test_mail(state: web::Data<AppState>, who: Principal, body: crate::http::JsonBody<TestMailInput>) -> ApiResult<HttpResponse> {
    who.require(Need::SCHOOL_ADMIN)?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    body.validate()?;
    let school = who.school_id()?;
    let secrets = state.secrets.clone();
    let mailer = state
        .db
        .read(move |c| mailer(c, &secrets, school))
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::MailNotConfigured))?;
    send(
        &MailPolicy::from_config(&state.config),
        &mailer,
        &body.to,
        "學習歷程檔案平臺測試郵件 Licheng test mail",
        "這是一封測試郵件：學校的郵件寄送伺服器設定正確。\nThis is a test mail: the school's mail server works.",
    )
    .await
    .map_err(|e| {
        let (zh, en) = e.text();
        ApiError::with_detail(ErrorCode::MailDeliveryFailed, format!("郵件寄送失敗：{zh}。"), format!("Sending failed: {en}."))
    })?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip_and_depend_on_the_secret() {
        let a = Secrets::from_value("a-secret-a-secret-a-secret-a-secret-00");
        let b = Secrets::from_value("b-secret-b-secret-b-secret-b-secret-00");
        let sealed = encrypt(&a, "mail-pass-16").unwrap();
        assert!(!sealed.contains("mail-pass"));
        assert_eq!(decrypt(&a, &sealed).unwrap(), "mail-pass-16");
        assert!(decrypt(&b, &sealed).is_err());
        assert_ne!(encrypt(&a, "x").unwrap(), encrypt(&a, "x").unwrap());
        assert_eq!(hint("abcd16"), "***16");
    }
}
