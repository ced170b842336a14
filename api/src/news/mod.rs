//! 最新消息 (manual 1.2, issue #23): news the platform operator posts for every school (no
//! school) and a school admin posts for their own school. Title and body are plain text: HTML
//! tags are removed on the way in (a `<script>` or `<style>` block with its content), so no
//! client ever renders markup from here. A news item stays hidden until its publish time. The
//! sign-in page shows the platform's news (public), the home page both the platform's and the
//! school's, pinned first, then newest first; each user's reads are recorded.

pub mod routes;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::schema::{news, news_reads};

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 10_000;

/// Raw bytes a text field may carry before cleaning, per character allowed after it: a UTF-8
/// character is at most 4 bytes, and as much again is left for markup that cleaning removes.
pub const RAW_BYTES_PER_CHAR: usize = 8;

/// The cheap check before cleaning: a raw `text` far longer than `max_chars` could ever clean
/// down to is refused at once (413 `payload_too_large`, naming the field), without scanning it.
pub fn raw_limit(field: &str, text: &str, max_chars: usize) -> ApiResult<()> {
    if text.len() > max_chars.saturating_mul(RAW_BYTES_PER_CHAR) {
        return Err(ApiError::new(crate::error::ErrorCode::PayloadTooLarge).field(
            field,
            format!("內容過長（最多 {max_chars} 字）。"),
            format!("Far too long (at most {max_chars} characters)."),
        ));
    }
    Ok(())
}

/// Plain text from what may contain HTML: tags are dropped, the content of `<script>` and
/// `<style>` blocks too, a lone `<` that opens no tag stays; line ends become `\n`; control
/// characters other than newline and tab are dropped; leading and trailing blanks trimmed.
pub fn plain_text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        let opens_tag = ch == '<' && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic() || *n == '/' || *n == '!' || *n == '?');
        if opens_tag {
            let rest: String = chars[i + 1..].iter().take(7).collect::<String>().to_ascii_lowercase();
            let block = ["script", "style"].into_iter().find(|b| rest.starts_with(b) && !chars.get(i + 1 + b.len()).is_some_and(|c| c.is_ascii_alphanumeric()));
            if let Some(block) = block {
                // Skip to the end of the closing tag, or drop the rest when it never closes. The
                // search runs on the characters from here (it copied and lowercased the whole rest
                // of the input at every opening: quadratic on `<style></style>` repeated).
                let close: Vec<char> = format!("</{block}").chars().collect();
                let found = chars[i..].windows(close.len()).position(|w| w.iter().zip(&close).all(|(a, b)| a.to_ascii_lowercase() == *b));
                match found {
                    Some(at) => {
                        let at = i + at;
                        i = chars[at..].iter().position(|c| *c == '>').map_or(chars.len(), |g| at + g + 1);
                    }
                    None => break,
                }
                continue;
            }
            match chars[i..].iter().position(|c| *c == '>') {
                Some(g) => i += g + 1,
                None => break,
            }
            continue;
        }
        match ch {
            '\r' => {
                out.push('\n');
                if chars.get(i + 1) == Some(&'\n') {
                    i += 1;
                }
            }
            '\n' | '\t' => out.push(ch),
            c if c.is_control() => {}
            c => out.push(c),
        }
        i += 1;
    }
    out.trim().to_string()
}

/// A news item to write, as the client sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(example = json!({"title": "115學年度第1學期課程學習成果上傳期間", "body": "請於 115/11/02 至 115/11/20 上傳並送出認證。", "published_at": "2026-11-01T00:00:00Z", "pinned": true}))]
pub struct NewsInput {
    /// 標題 (plain text, 1–200 characters after tags are removed).
    pub title: String,
    /// 內容 (plain text; HTML tags are removed; at most 10,000 characters).
    pub body: String,
    /// 發布時間 (RFC 3339); hidden before it. Default: now.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    /// 置頂.
    #[serde(default)]
    pub pinned: bool,
}

/// A checked news item: plain title and body, a publish time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub title: String,
    pub body: String,
    pub published_at: NaiveDateTime,
    pub pinned: bool,
}

impl NewsInput {
    pub fn check(&self, now: NaiveDateTime) -> ApiResult<Checked> {
        raw_limit("title", &self.title, TITLE_MAX)?;
        raw_limit("body", &self.body, BODY_MAX)?;
        let title = plain_text(&self.title).replace(['\n', '\t'], " ");
        let body = plain_text(&self.body);
        let mut err = ApiError::validation();
        let mut bad = false;
        if title.is_empty() {
            err = err.field("title", "標題不可空白。", "The title is required.");
            bad = true;
        } else if title.chars().count() > TITLE_MAX {
            err = err.field("title", format!("標題最多 {TITLE_MAX} 字。"), format!("At most {TITLE_MAX} characters."));
            bad = true;
        }
        if body.chars().count() > BODY_MAX {
            err = err.field("body", format!("內容最多 {BODY_MAX} 字。"), format!("At most {BODY_MAX} characters."));
            bad = true;
        }
        let published_at = self.published_at.map(|t| t.naive_utc()).unwrap_or(now);
        if !(crate::time::MIN_YEAR..=2200).contains(&chrono::Datelike::year(&published_at)) {
            err = err.field("published_at", "發布時間不合理。", "The publish time is out of range.");
            bad = true;
        }
        if bad {
            return Err(err);
        }
        Ok(Checked { title, body, published_at, pinned: self.pinned })
    }
}

/// A news item as readers and editors see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 7, "title": "115學年度第1學期課程學習成果上傳期間", "body": "請於 115/11/02 至 115/11/20 上傳並送出認證。", "published_at": "2026-11-01T00:00:00Z", "pinned": true,
    "scope": "school", "read": false, "scheduled": false
}))]
pub struct NewsItem {
    pub id: i64,
    /// `platform` (for every school) or `school`.
    pub scope: String,
    pub title: String,
    /// Plain text; line breaks are `\n`.
    pub body: String,
    #[serde(serialize_with = "crate::time::utc")]
    pub published_at: NaiveDateTime,
    pub pinned: bool,
    /// Whether the signed-in user has read it (always false on the public list).
    pub read: bool,
    /// Not yet visible to readers (publish time in the future); editors' lists only.
    pub scheduled: bool,
}

type Row = (i64, Option<i64>, String, String, NaiveDateTime, bool);

fn columns() -> (news::id, news::school_id, news::title, news::body, news::published_at, news::pinned) {
    (news::id, news::school_id, news::title, news::body, news::published_at, news::pinned)
}

fn item(r: Row, read: bool, now: NaiveDateTime) -> NewsItem {
    let (id, school_id, title, body, published_at, pinned) = r;
    NewsItem { id, scope: if school_id.is_some() { "school" } else { "platform" }.into(), title, body, published_at, pinned, read, scheduled: published_at > now }
}

/// Pinned first, then newest publish time first, then newest id.
pub fn order(items: &mut [NewsItem]) {
    items.sort_by(|a, b| b.pinned.cmp(&a.pinned).then(b.published_at.cmp(&a.published_at)).then(b.id.cmp(&a.id)));
}

/// Published news a reader of `school` sees (the platform's, plus the school's when given),
/// with the reads of `user`.
pub fn visible(c: &mut DbConn, school: Option<i64>, user: Option<i64>, now: NaiveDateTime, limit: i64) -> ApiResult<Vec<NewsItem>> {
    let mut q = news::table.filter(news::published_at.le(now)).into_boxed();
    q = match school {
        Some(s) => q.filter(news::school_id.is_null().or(news::school_id.eq(s))),
        None => q.filter(news::school_id.is_null()),
    };
    let rows: Vec<Row> = q.order((news::pinned.desc(), news::published_at.desc(), news::id.desc())).limit(limit).select(columns()).load(c)?;
    let read: std::collections::HashSet<i64> = match user {
        Some(u) if !rows.is_empty() => news_reads::table
            .filter(news_reads::user_id.eq(u))
            .filter(news_reads::news_id.eq_any(rows.iter().map(|r| r.0).collect::<Vec<_>>()))
            .select(news_reads::news_id)
            .load::<i64>(c)?
            .into_iter()
            .collect(),
        _ => Default::default(),
    };
    let mut items: Vec<NewsItem> = rows.into_iter().map(|r| { let is_read = read.contains(&r.0); item(r, is_read, now) }).collect();
    order(&mut items);
    Ok(items)
}

/// How many published news a reader of `school` sees that `user` has not read (all of them,
/// not only those of the page shown).
pub fn unread_count(c: &mut DbConn, school: Option<i64>, user: i64, now: NaiveDateTime) -> ApiResult<i64> {
    let mut q = news::table.filter(news::published_at.le(now)).into_boxed();
    q = match school {
        Some(s) => q.filter(news::school_id.is_null().or(news::school_id.eq(s))),
        None => q.filter(news::school_id.is_null()),
    };
    let read = news_reads::table.filter(news_reads::user_id.eq(user)).select(news_reads::news_id);
    Ok(q.filter(diesel::dsl::not(news::id.eq_any(read))).count().get_result(c)?)
}

/// One page of the news of one owner (`None` = the platform's), scheduled ones too, for its
/// editors, pinned first, then newest; `text` filters the titles. With the total.
pub fn owned(c: &mut DbConn, owner: Option<i64>, text: Option<&str>, now: NaiveDateTime, page: i64, per_page: i64) -> ApiResult<(Vec<NewsItem>, i64)> {
    let filtered = || {
        let q = news::table.into_boxed();
        let q = match owner {
            Some(s) => q.filter(news::school_id.eq(s)),
            None => q.filter(news::school_id.is_null()),
        };
        match text {
            Some(t) => q.filter(news::title.like(crate::pagination::like_pattern(t)).escape('\\')),
            None => q,
        }
    };
    let total: i64 = filtered().count().get_result(c)?;
    let rows: Vec<Row> = filtered()
        .order((news::pinned.desc(), news::published_at.desc(), news::id.desc()))
        .offset(crate::pagination::offset(page, per_page))
        .limit(per_page)
        .select(columns())
        .load(c)?;
    Ok((rows.into_iter().map(|r| item(r, false, now)).collect(), total))
}

/// The news item `id` when `owner` owns it (another owner's is "not found").
pub fn find_owned(c: &mut DbConn, owner: Option<i64>, id: i64, now: NaiveDateTime) -> ApiResult<NewsItem> {
    let q = news::table.filter(news::id.eq(id)).into_boxed();
    let q = match owner {
        Some(s) => q.filter(news::school_id.eq(s)),
        None => q.filter(news::school_id.is_null()),
    };
    let row: Option<Row> = q.select(columns()).first(c).optional()?;
    row.map(|r| item(r, false, now)).ok_or_else(ApiError::not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_scripts_are_removed() {
        assert_eq!(plain_text("<script>alert(1)</script>Hello <b>world</b>"), "Hello world");
        assert_eq!(plain_text("a < b and 3<4"), "a < b and 3<4");
        assert_eq!(plain_text("x<SCRIPT src=y>bad()</ScRiPt >y"), "xy");
        assert_eq!(plain_text("<img src=x onerror=alert(1)>ok"), "ok");
        assert_eq!(plain_text("ok<script>never closed"), "ok");
        assert_eq!(plain_text("ok <a href='x'"), "ok");
        assert_eq!(plain_text("<scripts>kept</scripts>"), "kept");
        assert_eq!(plain_text("  line1\r\nline2\u{0007}  "), "line1\nline2");
        assert_eq!(plain_text("<style>p{}</style>版本更新"), "版本更新");
        // A body of the largest JSON size made of blocks (was quadratic: minutes of a worker).
        assert_eq!(plain_text(&format!("{}完", "<style></style>".repeat(70_000))), "完");
    }
}
