//! 認識學群 (manual 1.3, issue #23): the 18 university fields of study (大學 18 學群) and the 20
//! vocational groups (技職 20 群類) with short descriptions and links to the national guidance
//! sites. Reference data seeded by a migration; the platform operator may correct a name, a
//! description or a link. Public: the sign-in page and the student menu link to it.

pub mod routes;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::schema::study_fields as sf;

/// Which national list a field belongs to (`study_fields.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// 大學學群.
    University,
    /// 技職群類.
    Vocational,
}

impl FieldKind {
    pub const ALL: [FieldKind; 2] = [FieldKind::University, FieldKind::Vocational];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::University => "university",
            FieldKind::Vocational => "vocational",
        }
    }

    /// The stored kind; anything else is an error, never a default.
    pub fn parse(s: &str) -> ApiResult<FieldKind> {
        FieldKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| ApiError::bad_stored("study_fields.kind", s))
    }
}

/// One 學群 or 群類.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "kind": "university", "code": "01", "name": "資訊學群", "description": "以電腦科學為核心，學習程式設計、資料處理與系統開發。", "url": "https://collego.edu.tw/",
    "updated_at": null
}))]
pub struct StudyField {
    pub id: i64,
    pub kind: FieldKind,
    /// Its number in the national list, e.g. `01`.
    pub code: String,
    pub name: String,
    pub description: String,
    /// The national guidance site to read more (https only).
    pub url: String,
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub updated_at: Option<NaiveDateTime>,
}

type Row = (i64, String, String, String, String, String, Option<NaiveDateTime>);

fn field(r: Row) -> ApiResult<StudyField> {
    let (id, kind, code, name, description, url, updated_at) = r;
    let kind = FieldKind::parse(&kind)?;
    Ok(StudyField { id, kind, code, name, description, url, updated_at })
}

/// All fields: university ones first, each kind in its national order.
pub fn all(c: &mut DbConn) -> ApiResult<Vec<StudyField>> {
    let rows: Vec<Row> = sf::table
        .order((sf::kind.asc(), sf::sort_order.asc(), sf::id.asc()))
        .select((sf::id, sf::kind, sf::code, sf::name, sf::description, sf::url, sf::updated_at))
        .load(c)?;
    rows.into_iter().map(field).collect()
}

pub fn one(c: &mut DbConn, id: i64) -> ApiResult<StudyField> {
    let row: Option<Row> = sf::table.find(id).select((sf::id, sf::kind, sf::code, sf::name, sf::description, sf::url, sf::updated_at)).first(c).optional()?;
    row.map(field).ok_or_else(ApiError::not_found)?
}

/// The operator's correction of one field.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(example = json!({"name": "資訊學群", "description": "以電腦科學為核心，學習程式設計、資料處理與系統開發。", "url": "https://collego.edu.tw/"}))]
pub struct StudyFieldInput {
    /// 1–50 characters of plain text.
    pub name: String,
    /// At most 500 characters of plain text.
    pub description: String,
    /// An `https://` address without spaces, at most 300 characters.
    pub url: String,
}

impl StudyFieldInput {
    /// Plain-text name and description, a checked link.
    pub fn check(&self) -> ApiResult<(String, String, String)> {
        let name = crate::news::plain_text(&self.name).replace(['\n', '\t'], " ");
        let description = crate::news::plain_text(&self.description);
        let url = self.url.trim().to_string();
        let mut err = ApiError::validation();
        let mut bad = false;
        if name.is_empty() || name.chars().count() > 50 {
            err = err.field("name", "名稱須為 1 到 50 字。", "1 to 50 characters.");
            bad = true;
        }
        if description.chars().count() > 500 {
            err = err.field("description", "說明最多 500 字。", "At most 500 characters.");
            bad = true;
        }
        let host_ok = url.strip_prefix("https://").is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
        if !host_ok || url.len() > 300 || url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>') {
            err = err.field("url", "連結須為 https:// 開頭的網址。", "The link must be an https:// address.");
            bad = true;
        }
        if bad {
            return Err(err);
        }
        Ok((name, description, url))
    }
}
