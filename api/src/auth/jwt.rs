//! Access tokens: HS256 JWTs signed with a key derived from the master secret. Expiry is checked
//! against the application clock.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use chrono::NaiveDateTime;

use crate::secrets::Secrets;
use crate::error::{ApiError, ApiResult, ErrorCode};

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The user's school (absent for the platform operator).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sch: Option<i64>,
    /// Session family (shared with the refresh tokens of this sign-in).
    pub fam: String,
    /// The password version (when the password was last set, in microseconds): a token of an
    /// older password is refused.
    pub pwv: i64,
    pub iat: i64,
    pub exp: i64,
}

impl Claims {
    pub fn user_id(&self) -> ApiResult<i64> {
        self.sub.parse().map_err(|_| ApiError::new(ErrorCode::InvalidToken))
    }
}

/// Signs an access token for `user`, valid `lifetime` seconds from `now`; returns it with its
/// lifetime.
pub fn issue(secrets: &Secrets, lifetime: i64, now: NaiveDateTime, user: &crate::identity::User, family: &str) -> ApiResult<(String, i64)> {
    let now = now.and_utc().timestamp();
    let claims = Claims {
        sub: user.id.to_string(),
        sch: user.school_id,
        fam: family.to_string(),
        pwv: password_version(user),
        iat: now,
        exp: now + lifetime,
    };
    let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secrets.access_token_key()))
        .map_err(|e| ApiError::internal(format!("jwt encode: {e}")))?;
    Ok((token, lifetime))
}

pub fn password_version(user: &crate::identity::User) -> i64 {
    user.password_changed_at.map(|t| t.and_utc().timestamp_micros()).unwrap_or(0)
}

/// Verifies signature and expiry (at `now`).
pub fn decode(secrets: &Secrets, now: NaiveDateTime, token: &str) -> ApiResult<Claims> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.leeway = 0;
    let data = jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(secrets.access_token_key()), &validation)
        .map_err(|_| ApiError::new(ErrorCode::InvalidToken))?;
    if data.claims.exp <= now.and_utc().timestamp() {
        return Err(ApiError::new(ErrorCode::TokenExpired));
    }
    Ok(data.claims)
}
