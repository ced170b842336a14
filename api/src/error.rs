//! One error type for the whole API, rendered as RFC 9457 `application/problem+json`.
//!
//! Every error has a stable snake_case [`ErrorCode`]; one table (`error_codes!` below) gives each
//! code its HTTP status and its default title and detail in Traditional Chinese and English, and
//! from it the enum (hence the OpenAPI enum), [`ErrorCode::ALL`] and
//! [`ErrorCode::spec`] are written.
//! Responses are written in zh-TW; [`crate::http`] re-renders them in English when the request
//! asks for it with `Accept-Language: en`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// Status, titles and default details of one code.
pub struct CodeSpec {
    /// The stable snake_case code, as serialized and shown in `type`.
    pub code: &'static str,
    pub status: u16,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub detail_zh: &'static str,
    pub detail_en: &'static str,
}

/// Writes [`ErrorCode`] (hence the OpenAPI enum), [`ErrorCode::ALL`] and
/// [`ErrorCode::spec`] from one table: a line per code.
macro_rules! error_codes {
    ($($variant:ident = $code:literal, $status:literal, $title_zh:literal, $title_en:literal, $detail_zh:literal, $detail_en:literal;)*) => {
        /// Stable machine-readable error codes. Clients branch on these, never on the text.
        /// Serialized (and documented) as the variant's name in snake_case, which the table's
        /// code repeats (checked by a test).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            /// All codes, for documentation and tests.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code's status, titles and default details.
            pub fn spec(self) -> CodeSpec {
                match self {
                    $(ErrorCode::$variant => CodeSpec {
                        code: $code,
                        status: $status,
                        title_zh: $title_zh,
                        title_en: $title_en,
                        detail_zh: $detail_zh,
                        detail_en: $detail_en,
                    },)*
                }
            }
        }
    };
}

// The one table: variant = code, status, title (zh-TW, English), default detail (zh-TW, English).
// A new code is one line appended at the end.
error_codes! {
    BadRequest = "bad_request", 400, "請求有誤", "Bad request", "請求內容有誤。", "The request is malformed.";
    InvalidJson = "invalid_json", 400, "JSON 格式錯誤", "Invalid JSON", "請求內容不是正確的 JSON,或欄位型別不符。", "The body is not valid JSON or a field has the wrong type.";
    InvalidQuery = "invalid_query", 400, "查詢參數錯誤", "Invalid query", "查詢參數格式錯誤。", "A query parameter is malformed.";
    InvalidPath = "invalid_path", 400, "路徑參數錯誤", "Invalid path", "網址中的參數格式錯誤。", "A path parameter is malformed.";
    UnsupportedMediaType = "unsupported_media_type", 415, "不支援的內容類型", "Unsupported media type", "請以 Content-Type: application/json 傳送。", "Send the body with Content-Type: application/json.";
    PayloadTooLarge = "payload_too_large", 413, "內容過大", "Payload too large", "請求內容超過允許的大小。", "The request body exceeds the allowed size.";
    ValidationFailed = "validation_failed", 422, "資料驗證失敗", "Validation failed", "部分欄位內容不正確，請依欄位說明修正。", "Some fields are invalid; see the field errors.";
    RouteNotFound = "route_not_found", 404, "找不到此路徑", "Route not found", "沒有這個 API 路徑。", "There is no such API route.";
    MethodNotAllowed = "method_not_allowed", 405, "不允許的方法", "Method not allowed", "此路徑不支援這個 HTTP 方法。", "This route does not support the HTTP method.";
    NotFound = "not_found", 404, "找不到資料", "Not found", "找不到指定的資料。", "The requested resource does not exist.";
    Conflict = "conflict", 409, "資料衝突", "Conflict", "資料已存在或狀態不允許此操作。", "The resource already exists or its state does not allow this.";
    Unauthenticated = "unauthenticated", 401, "尚未登入", "Authentication required", "請先登入。", "Sign in first.";
    InvalidToken = "invalid_token", 401, "憑證無效", "Invalid token", "登入憑證無效，請重新登入。", "The access token is invalid; sign in again.";
    TokenExpired = "token_expired", 401, "憑證已過期", "Token expired", "登入憑證已過期，請重新整理或重新登入。", "The access token has expired; refresh it or sign in again.";
    Forbidden = "forbidden", 403, "沒有權限", "Forbidden", "您沒有執行此操作的權限。", "You are not allowed to do this.";
    RoleRequired = "role_required", 403, "角色不符", "Role required", "此功能需要特定角色。", "This function requires a role you do not have.";
    ModuleRequired = "module_required", 403, "未授權此功能模組", "Function module required", "您的角色群組未被授予此功能模組。", "Your role groups are not granted this function module.";
    ScopeRequired = "scope_required", 403, "API 金鑰權限不足", "Scope required", "此 API 金鑰沒有所需的範圍。", "The API key lacks the required scope.";
    PasswordChangeRequired = "password_change_required", 403, "請先變更密碼", "Password change required", "您使用的是初始或重設後的密碼，請先變更密碼。", "You are using an initial or reset password; change it first.";
    CaptchaInvalid = "captcha_invalid", 400, "驗證碼錯誤", "Invalid captcha", "驗證碼錯誤或已過期，請重新輸入。", "The captcha is wrong or expired; try again.";
    InvalidCredentials = "invalid_credentials", 401, "帳號或密碼錯誤", "Invalid credentials", "學校、帳號或密碼錯誤。", "School, account or password is incorrect.";
    AccountLocked = "account_locked", 423, "帳號已鎖定", "Account locked", "密碼錯誤次數過多，帳號暫時鎖定，請稍後再試。", "Too many wrong passwords; the account is locked for a while.";
    AccountInactive = "account_inactive", 403, "帳號已停用", "Account inactive", "此帳號已停用，請洽學校管理者。", "This account is inactive; contact the school administrator.";
    AccountExpired = "account_expired", 403, "帳號已過期", "Account expired", "此臨時帳號已超過有效期限。", "This temporary account has expired.";
    RateLimited = "rate_limited", 429, "嘗試次數過多", "Too many requests", "嘗試次數過多，請稍後再試。", "Too many attempts; try again later.";
    WeakPassword = "weak_password", 422, "密碼強度不足", "Weak password", "新密碼至少 8 個字元，並須包含英文字母與數字，且不可與帳號或身分證號相同。", "The new password needs at least 8 characters with letters and digits, and must differ from the account and national ID.";
    OldPasswordIncorrect = "old_password_incorrect", 422, "舊密碼錯誤", "Old password incorrect", "目前的密碼不正確。", "The current password is incorrect.";
    RefreshTokenInvalid = "refresh_token_invalid", 401, "登入狀態已失效", "Refresh token invalid", "登入狀態已失效，請重新登入。", "The refresh token is invalid or expired; sign in again.";
    RefreshTokenReused = "refresh_token_reused", 401, "登入狀態異常", "Refresh token reused", "偵測到重複使用的登入憑證，已登出所有相關工作階段，請重新登入。", "A used refresh token was presented again; its sessions were revoked. Sign in again.";
    ResetTokenInvalid = "reset_token_invalid", 400, "重設連結無效", "Reset link invalid", "密碼重設連結無效、已使用或已過期。", "The password-reset link is invalid, used or expired.";
    MailNotConfigured = "mail_not_configured", 409, "尚未設定郵件伺服器", "Mail server not configured", "學校尚未設定郵件寄送伺服器。", "The school has not configured its mail server.";
    MailDeliveryFailed = "mail_delivery_failed", 502, "郵件寄送失敗", "Mail delivery failed", "郵件伺服器無法寄出郵件。", "The mail server could not send the message.";
    SyncRowsInvalid = "sync_rows_invalid", 422, "同步資料有誤", "Sync rows invalid", "同步資料有錯誤的列，整批未寫入；請依各列錯誤修正後重送。", "Some rows are invalid; nothing of the batch was applied. Fix the listed rows and send it again.";
    PeriodClosed = "period_closed", 403, "不在作業期間內", "Outside the work period", "現在不在學校設定的作業期間內。", "This is outside the school's work period.";
    TermOnHold = "term_on_hold", 409, "學年期切換中", "Term on hold", "學校已切回前一學期，暫停接收校務資料；待校管理者切回目前學期後再同步。", "The school switched back to the previous term; sync is paused until the admin switches forward.";
    StaleTerm = "stale_term", 409, "學年期過舊", "Stale term", "此批資料的學年期早於學校目前的學年期，未寫入。", "The batch's term is older than the school's current term; nothing was applied.";
    MultipartInvalid = "multipart_invalid", 400, "上傳內容不完整", "Invalid upload", "上傳的內容不完整或格式錯誤（可能是連線中斷），請重新上傳。", "The multipart body is incomplete or malformed (perhaps the connection broke); upload again.";
    FileTooLarge = "file_too_large", 413, "檔案過大", "File too large", "檔案超過允許的大小。", "The file exceeds its size limit.";
    FileTypeNotAllowed = "file_type_not_allowed", 415, "檔案格式不符", "File type not allowed", "檔案格式不符：文件限 pdf、jpg、png，影音限 mp3、mp4（依檔案內容判斷，不看副檔名）。", "Wrong file type: documents must be pdf, jpg or png and videos mp3 or mp4 (judged by content, not by name).";
    FileEmpty = "file_empty", 422, "檔案是空的", "Empty file", "上傳的檔案沒有內容。", "The uploaded file is empty.";
    LimitReached = "limit_reached", 409, "已達數量上限", "Limit reached", "已達學校設定的數量上限。", "The limit set by the school has been reached.";
    InvalidState = "invalid_state", 409, "狀態不允許此操作", "Invalid state", "此項目目前的狀態不允許這個操作。", "The item's current state does not allow this.";
    NotCertifier = "not_certifier", 403, "非認證教師", "Not a certifier", "只有這門課程的授課教師可以認證；合開課程只有學校設定為「審核」的教師可以認證。", "Only a teacher of the course certifies; in a co-taught course only the teachers the school marked as certifiers.";
    FrontendNotBuilt = "frontend_not_built", 404, "網頁尚未建置", "Frontend not built", "前端網頁尚未建置，請執行 make run 或 make frontend。", "The web app is not built; run `make run` or `make frontend`.";
    NotReady = "not_ready", 503, "服務尚未就緒", "Not ready", "服務尚未就緒。", "The service is not ready.";
    DatabaseUnavailable = "database_unavailable", 503, "資料庫無法連線", "Database unavailable", "暫時無法連線資料庫，請稍後再試。", "The database is unreachable; try again later.";
    InternalError = "internal_error", 500, "系統錯誤", "Internal error", "系統發生錯誤，請稍後再試;若持續發生請提供請求編號給管理者。", "Something went wrong; if it persists, report the request id.";
    CaptchaRequired = "captcha_required", 429, "請輸入驗證碼", "Captcha required", "此來源登入失敗次數過多，請輸入驗證碼後再試。", "Too many failed sign-ins from this address: solve the captcha and try again.";
    QuotaExceeded = "quota_exceeded", 413, "儲存空間已滿", "Quota exceeded", "檔案會超過可用的儲存空間；請先刪除或替換不需要的檔案。", "The file would exceed the storage quota; delete or replace files you no longer need first.";
    PackageChecksumMismatch = "package_checksum_mismatch", 400, "MD5 值不符", "MD5 mismatch", "壓縮檔的 MD5 值與輸入的不符，未匯入任何資料；請向原學校確認檔案與 MD5 值。", "The package's MD5 does not match the one given; nothing was imported.";
    PackagePasswordWrong = "package_password_wrong", 400, "壓縮檔密碼錯誤", "Wrong package password", "壓縮檔密碼錯誤，未匯入任何資料。", "The package password is wrong; nothing was imported.";
    PackageInvalid = "package_invalid", 400, "壓縮檔無法匯入", "Package refused", "壓縮檔毀損或內容不符格式，未匯入任何資料。", "The package is corrupt or does not follow the format; nothing was imported.";
    CourseCodeMissing = "course_code_missing", 409, "缺少新版課程代碼", "Course code missing", "因缺少新版課程代碼(23碼)，無法匯出。", "A course lacks its 23-character course code; the student cannot be exported.";
    ReceiptInvalid = "receipt_invalid", 400, "收訖明細無法讀取", "Receipt rejected", "收訖明細檔案無效、已損毀或不安全，未匯入任何資料。", "The receipt file is invalid, corrupt or unsafe; nothing was imported.";
    ReceiptPassword = "receipt_password", 400, "解壓縮密碼錯誤", "Wrong password", "收訖明細的解壓縮密碼錯誤，未匯入任何資料。", "The receipt's password is wrong; nothing was imported.";
    RangeNotSatisfiable = "range_not_satisfiable", 416, "範圍超出檔案", "Range not satisfiable", "要求的位元組範圍超出檔案大小（檔案大小見 Content-Range）。", "The requested byte range starts past the end of the file (its size is in Content-Range).";
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        self.spec().code
    }

    pub fn status(self) -> StatusCode {
        StatusCode::from_u16(self.spec().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The code a bare status maps to, for responses produced outside our handlers.
    pub fn from_status(status: StatusCode) -> ErrorCode {
        match status.as_u16() {
            401 => ErrorCode::Unauthenticated,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::RouteNotFound,
            405 => ErrorCode::MethodNotAllowed,
            409 => ErrorCode::Conflict,
            413 => ErrorCode::PayloadTooLarge,
            415 => ErrorCode::UnsupportedMediaType,
            416 => ErrorCode::RangeNotSatisfiable,
            422 => ErrorCode::ValidationFailed,
            429 => ErrorCode::RateLimited,
            503 => ErrorCode::NotReady,
            s if (400..500).contains(&s) => ErrorCode::BadRequest,
            _ => ErrorCode::InternalError,
        }
    }
}

/// The response language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// Traditional Chinese unless the highest-weighted supported language in
    /// `Accept-Language` is English.
    pub fn from_accept_language(value: Option<&str>) -> Lang {
        let Some(value) = value else { return Lang::Zh };
        let mut best: Option<(f32, Lang)> = None;
        for part in value.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag.starts_with("en") {
                Lang::En
            } else if tag.starts_with("zh") {
                Lang::Zh
            } else {
                continue;
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::Zh)
    }
}

/// A text in both languages.
#[derive(Debug, Clone)]
pub struct Text {
    pub zh: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Text {
    pub fn new(zh: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Text {
        Text { zh: zh.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// The API error: a code, an optional specific detail, per-field messages, and an internal
/// cause that is logged but never shown.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub detail: Option<Text>,
    pub fields: Vec<(String, Text)>,
    pub internal: Option<String>,
    /// Seconds for a `Retry-After` header (lockout, rate limit).
    pub retry_after: Option<i64>,
    /// The `Allow` header of a `405`.
    pub allow: Option<String>,
}

/// The RFC 9457 body every error response carries.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:licheng:problem:validation_failed",
    "title": "資料驗證失敗",
    "status": 422,
    "detail": "部分欄位內容不正確，請依欄位說明修正。",
    "code": "validation_failed",
    "errors": {"description": ["長度須介於 1 到 100 個字元"]}
}))]
pub struct Problem {
    /// `urn:licheng:problem:{code}`.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: ErrorCode,
    /// Messages per field (validation errors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> ApiError {
        ApiError { code, detail: None, fields: Vec::new(), internal: None, retry_after: None, allow: None }
    }

    pub fn with_detail(
        code: ErrorCode,
        zh: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> ApiError {
        ApiError { detail: Some(Text::new(zh, en)), ..ApiError::new(code) }
    }

    /// Adds a message for one field.
    pub fn field(
        mut self,
        name: impl Into<String>,
        zh: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> ApiError {
        self.fields.push((name.into(), Text::new(zh, en)));
        self
    }

    pub fn allow(mut self, methods: impl Into<String>) -> ApiError {
        self.allow = Some(methods.into());
        self
    }

    pub fn retry_after(mut self, seconds: i64) -> ApiError {
        self.retry_after = Some(seconds.max(1));
        self
    }

    pub fn validation() -> ApiError {
        ApiError::new(ErrorCode::ValidationFailed)
    }

    pub fn not_found() -> ApiError {
        ApiError::new(ErrorCode::NotFound)
    }

    pub fn forbidden() -> ApiError {
        ApiError::new(ErrorCode::Forbidden)
    }

    pub fn conflict(zh: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> ApiError {
        ApiError::with_detail(ErrorCode::Conflict, zh, en)
    }

    pub fn internal(cause: impl Into<String>) -> ApiError {
        ApiError { internal: Some(cause.into()), ..ApiError::new(ErrorCode::InternalError) }
    }

    /// A stored state, kind or category outside its enum (`what` = `table.column`): an internal
    /// error naming the bad value, never a default (issue #17 item 1).
    pub fn bad_stored(what: &str, value: &str) -> ApiError {
        ApiError::internal(format!("unknown {what} `{value}` in the database"))
    }

    pub fn database_unavailable(cause: impl std::fmt::Display) -> ApiError {
        ApiError {
            internal: Some(cause.to_string()),
            ..ApiError::new(ErrorCode::DatabaseUnavailable)
        }
    }

    pub fn problem(&self, lang: Lang) -> Problem {
        let spec = self.code.spec();
        let (title, default_detail) = match lang {
            Lang::Zh => (spec.title_zh, spec.detail_zh),
            Lang::En => (spec.title_en, spec.detail_en),
        };
        let errors = if self.fields.is_empty() {
            None
        } else {
            let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (name, text) in &self.fields {
                map.entry(name.clone()).or_default().push(text.get(lang).to_string());
            }
            Some(map)
        };
        Problem {
            type_: format!("urn:licheng:problem:{}", self.code.as_str()),
            title: title.to_string(),
            status: spec.status,
            detail: self.detail.as_ref().map(|d| d.get(lang)).unwrap_or(default_detail).to_string(),
            code: self.code,
            errors,
        }
    }

    pub fn render(&self, lang: Lang) -> HttpResponse {
        let body = serde_json::to_vec(&self.problem(lang)).unwrap_or_default();
        let mut builder = HttpResponse::build(self.code.status());
        builder
            .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
            .insert_header((header::CONTENT_LANGUAGE, lang_tag(lang)));
        if let Some(seconds) = self.retry_after {
            builder.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if let Some(allow) = &self.allow {
            builder.insert_header((header::ALLOW, allow.clone()));
        }
        let mut res = builder.body(body);
        res.extensions_mut().insert(self.clone());
        res
    }
}

pub const PROBLEM_JSON: &str = "application/problem+json";

pub fn lang_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh-TW",
        Lang::En => "en",
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code.as_str())?;
        let problem = self.problem(Lang::En);
        write!(f, ": {}", problem.detail)?;
        for (name, messages) in problem.errors.iter().flatten() {
            write!(f, "; {name}: {}", messages.join(", "))?;
        }
        if let Some(internal) = &self.internal {
            write!(f, ": {internal}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(internal) = &self.internal {
            if self.code.status().is_server_error() {
                tracing::error!(code = self.code.as_str(), cause = %internal, "request failed");
            } else {
                tracing::info!(code = self.code.as_str(), cause = %internal, "request refused");
            }
        }
        self.render(Lang::Zh)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> ApiError {
        use diesel::result::{DatabaseErrorKind, Error};
        match &e {
            Error::NotFound => ApiError::not_found(),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => ApiError {
                internal: Some(e.to_string()),
                ..ApiError::new(ErrorCode::Conflict)
            },
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                ApiError::database_unavailable(e)
            }
            _ => ApiError::internal(format!("database: {e}")),
        }
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> ApiError {
        let mut out = ApiError::validation();
        collect_validation("", &errors, &mut out.fields);
        out.fields.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

fn collect_validation(prefix: &str, errors: &validator::ValidationErrors, out: &mut Vec<(String, Text)>) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errors.errors() {
        let name = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for err in list {
                    out.push((name.clone(), validation_message(err)));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect_validation(&name, inner, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect_validation(&format!("{name}[{index}]"), inner, out);
                }
            }
        }
    }
}

/// A message for one `validator` error in both languages: the attribute's own message (written
/// as `zh|en`) when given, otherwise one derived from the error code and its parameters.
pub fn validation_message(err: &validator::ValidationError) -> Text {
    if let Some(message) = &err.message {
        return match message.split_once('|') {
            Some((zh, en)) => Text::new(zh.to_string(), en.to_string()),
            None => Text::new(message.to_string(), message.to_string()),
        };
    }
    let param = |name: &str| err.params.get(name).map(|v| v.to_string().trim_matches('"').to_string());
    match err.code.as_ref() {
        "length" => match (param("min"), param("max"), param("equal")) {
            (_, _, Some(eq)) => Text::new(format!("長度須為 {eq} 個字元"), format!("must be exactly {eq} characters")),
            (Some(min), Some(max), _) => Text::new(
                format!("長度須介於 {min} 到 {max} 個字元"),
                format!("length must be between {min} and {max}"),
            ),
            (Some(min), None, _) => Text::new(format!("長度至少 {min} 個字元"), format!("must be at least {min} characters")),
            (None, Some(max), _) => Text::new(format!("長度最多 {max} 個字元"), format!("must be at most {max} characters")),
            _ => Text::new("長度不符", "invalid length"),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => Text::new(format!("須介於 {min} 到 {max}"), format!("must be between {min} and {max}")),
            (Some(min), None) => Text::new(format!("不可小於 {min}"), format!("must be at least {min}")),
            (None, Some(max)) => Text::new(format!("不可大於 {max}"), format!("must be at most {max}")),
            _ => Text::new("超出範圍", "out of range"),
        },
        "email" => Text::new("電子郵件格式不正確", "is not a valid e-mail address"),
        "required" => Text::new("此欄位必填", "is required"),
        "regex" => Text::new("格式不正確", "has an invalid format"),
        other => Text::new(format!("不正確({other})"), format!("is invalid ({other})")),
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_serialize_as_their_name() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate {s}");
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{s}");
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(s));
            let spec = code.spec();
            assert!((400..600).contains(&spec.status));
            assert!(!spec.title_zh.is_empty() && !spec.detail_en.is_empty());
            // The code is the variant's name in snake_case (a typo in the table shows here).
            let snake: String = format!("{code:?}")
                .chars()
                .enumerate()
                .flat_map(|(i, c)| if c.is_ascii_uppercase() && i > 0 { vec!['_', c.to_ascii_lowercase()] } else { vec![c.to_ascii_lowercase()] })
                .collect();
            assert_eq!(snake, s);
        }
    }

    #[test]
    fn accept_language_picks_english_only_when_preferred() {
        assert_eq!(Lang::from_accept_language(None), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("en")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("zh-TW,zh;q=0.9,en;q=0.8")), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("fr, en;q=0.5")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("fr")), Lang::Zh);
    }

    #[test]
    fn problem_lists_field_errors_in_the_language() {
        let err = ApiError::validation().field("code", "必填", "required").field("code", "太短", "too short");
        let p = err.problem(Lang::En);
        assert_eq!(p.status, 422);
        assert_eq!(p.type_, "urn:licheng:problem:validation_failed");
        assert_eq!(p.errors.unwrap()["code"], vec!["required", "too short"]);
        let p = err.problem(Lang::Zh);
        assert_eq!(p.title, "資料驗證失敗");
    }
}
