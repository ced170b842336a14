//! What learning results ([`super::results`]) and multiple performances ([`super::performances`])
//! share, written once (issue #17): the soft-delete filter, the owner check, the file download,
//! a student's write on an own item, the kind of a student's item as the selections, rosters and
//! transfers store it, the edit flags, the count refusal and the student search of
//! their lists.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use diesel::dsl;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Principal;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::pagination::like_pattern;
use crate::schema::{learning_results as lr, performances as pf, users};
use crate::state::AppState;

use super::access::Caller;
use super::files::{self, FileInfo};
use super::form::{Form, Incoming, Slot};

// Here, below `selections`, `rosters` and `transfers`, which all store it.
/// What a roster records (`roster_export_items.item_kind`) and a transfer package carries
/// (`transfer_items.item_kind`); an imported item is recorded under its own kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Result,
    Performance,
    Cadre,
}

impl ItemKind {
    pub const ALL: [ItemKind; 3] = [ItemKind::Result, ItemKind::Performance, ItemKind::Cadre];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Result => "result",
            ItemKind::Performance => "performance",
            ItemKind::Cadre => "cadre",
        }
    }

    /// The kind stored in `column` (`roster_export_items.item_kind` or
    /// `transfer_items.item_kind`); anything else is an error, never a default.
    pub fn parse(column: &str, s: &str) -> ApiResult<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| ApiError::bad_stored(column, s))
    }
}

/// A table whose rows are deleted softly: `deleted_at` is set and the row stays for the history
/// (and the counts, lists and selections leave it out).
pub trait SoftDeleted: Table {
    type DeletedAt: Column<Table = Self> + Default + ExpressionMethods;
}

impl SoftDeleted for lr::table {
    type DeletedAt = lr::deleted_at;
}

impl SoftDeleted for pf::table {
    type DeletedAt = pf::deleted_at;
}

/// `deleted_at IS NULL`: the rows of `T` that are not deleted.
pub fn live<T: SoftDeleted>() -> dsl::IsNull<T::DeletedAt> {
    T::DeletedAt::default().is_null()
}

/// The caller's own item from its row `(student, rest)`: 404 when there is none or it is
/// another student's (so that existence does not leak).
pub fn own<T>(row: Option<(i64, T)>, me: Caller) -> ApiResult<T> {
    match row {
        Some((student, rest)) if student == me.user => Ok(rest),
        _ => Err(ApiError::not_found()),
    }
}

/// Whose item it is, as both kinds' responses show it (flattened into them).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Owner {
    pub student_id: i64,
    pub student_account: String,
    pub student_name: String,
    pub class_code: Option<String>,
    pub seat_no: Option<i32>,
}

impl Owner {
    /// The student `id` with their account, name, class and seat as the lists select them.
    pub fn of(id: i64, (account, name, class_code, seat_no): (String, String, Option<String>, Option<i32>)) -> Owner {
        Owner { student_id: id, student_account: account, student_name: name, class_code, seat_no }
    }
}

/// The student filters both kinds' lists (and the certification queue) take beside their own.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StudentFilter {
    pub student_id: Option<i64>,
    pub class_code: Option<String>,
    /// Part of the student's account or name, or of the item's subject (learning results) or
    /// title (performances).
    pub q: Option<String>,
}

/// The files of an upload form (its schema only: the handlers read the parts as they stream). At
/// least one on create; on an edit a new file replaces the old one.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct FileParts {
    /// pdf, jpg or png, at most 4 MB (configurable); on a learning result a PDF with links (link
    /// annotations or URL text) is refused (meeting 003 #32).
    #[schema(value_type = Option<String>, format = Binary)]
    document: Option<Vec<u8>>,
    /// mp3 or mp4, at most 10 MB (configurable).
    #[schema(value_type = Option<String>, format = Binary)]
    video: Option<Vec<u8>>,
}

/// On an edit, the old files to drop (its schema only).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct Removals {
    /// `true` removes the document.
    remove_document: Option<bool>,
    /// `true` removes the video.
    remove_video: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DownloadQuery {
    /// `true`: as an attachment (save) rather than inline (preview).
    pub download: Option<bool>,
}

/// `GET …/{id}/files/{slot}`: the document and video of the item `load` finds for the caller
/// (404 when they may not see it), then the file in `slot`, inline or (`?download=true`) as an
/// attachment.
#[allow(clippy::type_complexity)]
pub async fn download(
    state: &AppState,
    who: &Principal,
    req: &HttpRequest,
    path: web::Path<(i64, String)>,
    q: &DownloadQuery,
    load: fn(&mut DbConn, Caller, i64) -> ApiResult<(Option<FileInfo>, Option<FileInfo>)>,
) -> ApiResult<HttpResponse> {
    let me = Caller::of(who)?;
    let (id, slot) = path.into_inner();
    let (document, video) = state.db.read(move |c| load(c, me, id)).await?;
    files::serve_slot(req, &state.config, &slot, document, video, q.download.unwrap_or(false))
}

/// A student's service on one of their own items (`soft_delete`, `submit`): refuses anyone but a
/// student, then runs `service` in one write at the clock's time; the caller and the item's id for
/// the answer.
pub async fn student_write(state: &AppState, who: &Principal, id: web::Path<i64>, service: fn(&mut DbConn, Caller, i64, NaiveDateTime) -> ApiResult<()>) -> ApiResult<(Caller, i64)> {
    let me = Caller::student(who)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state.db.write(move |c| service(c, me, id, now)).await?;
    Ok((me, id))
}

/// The files of an upload form: a new document and/or video and, on an edit, whether to drop the
/// old ones (`remove_document`, `remove_video`).
pub struct Upload {
    pub document: Option<Incoming>,
    pub video: Option<Incoming>,
    pub remove_document: bool,
    pub remove_video: bool,
}

impl Upload {
    /// Takes the files and the `remove_*` flags out of `form`.
    pub fn take(form: &mut Form) -> ApiResult<Upload> {
        let (remove_document, remove_video) = (flag(form, "remove_document")?, flag(form, "remove_video")?);
        Ok(Upload { document: form.files.remove(&Slot::Document), video: form.files.remove(&Slot::Video), remove_document, remove_video })
    }

    /// Stores the new files as the caller's (on create): the document's and the video's ids.
    pub fn place(self, c: &mut DbConn, me: Caller, now: NaiveDateTime) -> ApiResult<(Option<i64>, Option<i64>)> {
        let document = self.document.map(|f| files::place(c, me.school, me.user, f, now)).transpose()?;
        let video = self.video.map(|f| files::place(c, me.school, me.user, f, now)).transpose()?;
        Ok((document, video))
    }

    /// Keeps, replaces or drops the `old` document and video (on an edit): the ids after.
    pub fn apply(self, c: &mut DbConn, me: Caller, old: (Option<i64>, Option<i64>), now: NaiveDateTime) -> ApiResult<(Option<i64>, Option<i64>)> {
        let document = files::keep_or_replace(c, me.school, me.user, self.document, self.remove_document, old.0, now)?;
        let video = files::keep_or_replace(c, me.school, me.user, self.video, self.remove_video, old.1, now)?;
        Ok((document, video))
    }
}

/// A boolean form field (`remove_document`, `remove_video`).
pub fn flag(form: &Form, name: &str) -> ApiResult<bool> {
    match form.text(name).map(str::trim) {
        // What the schema says (a boolean written out): absent is false; "0"/"1" are refused.
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::validation().field(name.to_string(), "須為 true 或 false", "must be true or false")),
    }
}

/// Refuses (`limit_reached`) once `used` has reached the school's `limit`; `said` words it (zh-TW,
/// English) from the two numbers.
pub fn within(used: i64, limit: i32, said: impl FnOnce(i64, i32) -> (String, String)) -> ApiResult<()> {
    if used < limit as i64 {
        return Ok(());
    }
    let (zh, en) = said(used, limit);
    Err(ApiError::with_detail(ErrorCode::LimitReached, zh, en))
}

/// A list's `class_code` filter, trimmed (`None` when blank).
pub fn class_code(code: &Option<String>) -> Option<String> {
    code.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// A list's `q` filter as a LIKE pattern (`None` when blank).
pub fn pattern(q: &Option<String>) -> Option<String> {
    q.as_deref().filter(|s| !s.trim().is_empty()).map(like_pattern)
}

/// The [`StudentFilter`] `$f` on the boxed query `$q` of items whose student column is `$student`:
/// `student_id`, `class_code`, and `q` over the student's account and name or `$also`.
macro_rules! student_filters {
    ($q:ident, $f:expr, $student:expr, $also:expr) => {
        if let Some(id) = $f.student_id {
            $q = $q.filter($student.eq(id));
        }
        if let Some(code) = $crate::uploads::items::class_code(&$f.class_code) {
            $q = $q.filter($crate::schema::student_profiles::class_code.eq(code));
        }
        if let Some(p) = $crate::uploads::items::pattern(&$f.q) {
            $q = $q.filter($crate::uploads::items::student_like(&p).or($also.like(p).escape('\\')));
        }
    };
}
pub(crate) use student_filters;

/// The student's account or name matches the LIKE pattern `p` (of [`pattern`]).
#[allow(clippy::type_complexity)]
pub fn student_like(p: &str) -> dsl::Or<dsl::Escape<dsl::Like<users::account, String>>, dsl::Escape<dsl::Like<users::display_name, String>>> {
    users::account.like(p.to_string()).escape('\\').or(users::display_name.like(p.to_string()).escape('\\'))
}
