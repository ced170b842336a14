//! Access tokens: HS256 JWTs signed with a key derived from the master secret. Expiry is checked
//! against the application clock.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
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
    pub iat: i64,
    pub exp: i64,
}

impl Claims {
    pub fn user_id(&self) -> ApiResult<i64> {
        self.sub.parse().map_err(|_| ApiError::new(ErrorCode::InvalidToken))
    }
}

fn key(state: &AppState) -> [u8; 32] {
    state.secrets.derive("access-token")
}

/// Signs an access token for `user_id`; returns it with its lifetime in seconds.
pub fn issue(state: &AppState, user_id: i64, school_id: Option<i64>, family: &str) -> ApiResult<(String, i64)> {
    let now = state.clock.now_utc().timestamp();
    let lifetime = state.config.access_token_seconds;
    let claims = Claims { sub: user_id.to_string(), sch: school_id, fam: family.to_string(), iat: now, exp: now + lifetime };
    let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(&key(state)))
        .map_err(|e| ApiError::internal(format!("jwt encode: {e}")))?;
    Ok((token, lifetime))
}

/// Verifies signature and expiry.
pub fn decode(state: &AppState, token: &str) -> ApiResult<Claims> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.leeway = 0;
    let data = jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(&key(state)), &validation)
        .map_err(|_| ApiError::new(ErrorCode::InvalidToken))?;
    if data.claims.exp <= state.clock.now_utc().timestamp() {
        return Err(ApiError::new(ErrorCode::TokenExpired));
    }
    Ok(data.claims)
}
