//! Stored-file rows and downloads: the row records who uploaded what with its SHA-256; a download
//! streams the content-addressed file with its type, original name, an ETag from the SHA-256 and
//! range requests (for video). Placing a file checks the storage quotas and the upload rate;
//! [`sweep`] removes what nothing live refers to any more.

use actix_files::NamedFile;
use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{NaiveDateTime, Timelike};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{Db, DbConn};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::schema::{learning_results as lr, performances as pf, sdl_plans as sdl, stored_files as sf, transfer_items as tx};
use crate::storage::{FileKind, FileStore, Stored};

use super::form::{Incoming, Quota, Slot};
use crate::config::Config;

/// A file attached to an item.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct FileInfo {
    pub id: i64,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    pub size: i64,
    /// pdf, jpg, png, mp3 or mp4 — from the content.
    pub kind: String,
    /// The name it was uploaded with.
    pub name: String,
}

pub fn columns() -> (sf::id, sf::sha256, sf::size, sf::kind, sf::original_name) {
    (sf::id, sf::sha256, sf::size, sf::kind, sf::original_name)
}

/// How long a file nothing refers to is kept: a placed file's row commits within this time, and
/// the upload rate is counted over it.
pub const GRACE_SECONDS: i64 = 3600;

/// Bytes held by the live (not deleted) items of the school, or of one student in it — learning
/// results, performances, self-directed plans' results, items imported from another school —
/// plus the files this transaction placed so far (created at `now`, not yet referenced); `freed`
/// (a file being replaced) does not count. A file two items share (a performance made from a
/// plan's results) counts once.
fn usage(c: &mut DbConn, school: i64, student: Option<i64>, freed: Option<i64>, now: NaiveDateTime) -> ApiResult<u64> {
    let freed = freed.unwrap_or(-1);
    // The files the items of table `$t` refer to.
    macro_rules! sizes {
        ($t:ident) => {
            $t::table
                .inner_join(sf::table.on(sf::id.nullable().eq($t::document_file_id).or(sf::id.nullable().eq($t::video_file_id))))
                .filter($t::school_id.eq(school))
                .filter(sf::id.ne(freed))
                .select((sf::id, sf::size))
                .into_boxed()
        };
    }
    let mut results = sizes!(lr).filter(crate::uploads::live::<lr::table>());
    let mut performances = sizes!(pf).filter(crate::uploads::live::<pf::table>());
    let mut plans = sizes!(sdl);
    // Items imported from another school (transfers; never deleted) hold their files too.
    let mut imported = sizes!(tx);
    // PostgreSQL keeps microseconds of the nanosecond clock reading.
    let micros = now.with_nanosecond(now.nanosecond() / 1000 * 1000).unwrap_or(now);
    let mut pending = sf::table.filter(sf::school_id.eq(school)).filter(sf::created_at.between(micros, now)).select((sf::id, sf::size)).into_boxed();
    if let Some(s) = student {
        results = results.filter(lr::student_id.eq(s));
        performances = performances.filter(pf::student_id.eq(s));
        plans = plans.filter(sdl::student_id.eq(s));
        imported = imported.filter(tx::student_id.eq(s));
        pending = pending.filter(sf::owner_id.eq(s));
    }
    let mut sizes: std::collections::BTreeMap<i64, i64> = results.load::<(i64, i64)>(c)?.into_iter().collect();
    sizes.extend(performances.load::<(i64, i64)>(c)?);
    sizes.extend(plans.load::<(i64, i64)>(c)?);
    sizes.extend(imported.load::<(i64, i64)>(c)?);
    sizes.extend(pending.load::<(i64, i64)>(c)?);
    Ok(sizes.into_values().map(|s| u64::try_from(s).unwrap_or(0)).fold(0u64, u64::saturating_add))
}

fn quota_error(who_zh: &str, who_en: &str, used: u64, limit: u64) -> ApiError {
    let mb = |b: u64| b.div_ceil(1024 * 1024);
    ApiError::with_detail(
        ErrorCode::QuotaExceeded,
        format!("{who_zh}的儲存空間上限為 {} MB，已使用 {} MB；請先刪除或替換不需要的檔案。", mb(limit), mb(used)),
        format!("The storage quota of {who_en} is {} MB and {} MB are used; delete or replace files you no longer need first.", mb(limit), mb(used)),
    )
}

/// Refuses a file that would pass the owner's upload rate or the student's or school's quota.
fn check_limits(c: &mut DbConn, school: i64, owner: i64, size: u64, freed: Option<i64>, quota: Quota, now: NaiveDateTime) -> ApiResult<()> {
    if quota.uploads_per_hour > 0 {
        let since = now - chrono::Duration::seconds(GRACE_SECONDS);
        let recent: Vec<NaiveDateTime> =
            sf::table.filter(sf::owner_id.eq(owner)).filter(sf::created_at.gt(since)).order(sf::created_at.desc()).select(sf::created_at).limit(i64::from(quota.uploads_per_hour)).load(c)?;
        if recent.len() >= quota.uploads_per_hour as usize {
            let oldest = recent.last().copied().unwrap_or(now);
            let wait = (oldest + chrono::Duration::seconds(GRACE_SECONDS) - now).num_seconds();
            return Err(ApiError::with_detail(
                ErrorCode::RateLimited,
                format!("一小時內最多上傳 {} 個檔案，請稍後再試。", quota.uploads_per_hour),
                format!("At most {} files may be uploaded within an hour; try again later.", quota.uploads_per_hour),
            )
            .retry_after(wait));
        }
    }
    if quota.student_bytes > 0 {
        let used = usage(c, school, Some(owner), freed, now)?;
        if used.saturating_add(size) > quota.student_bytes {
            return Err(quota_error("每位學生", "each student", used, quota.student_bytes));
        }
    }
    if quota.school_bytes > 0 {
        let used = usage(c, school, None, freed, now)?;
        if used.saturating_add(size) > quota.school_bytes {
            return Err(quota_error("學校", "the school", used, quota.school_bytes));
        }
    }
    Ok(())
}

/// Places a sealed upload into the store and records its row — inside the caller's transaction,
/// so the file is visible under its name before the transaction that references it commits.
/// Refused (`quota_exceeded`, `rate_limited`) when it would pass the quotas or the upload rate.
pub fn place(c: &mut DbConn, school: i64, owner: i64, incoming: Incoming, now: NaiveDateTime) -> ApiResult<i64> {
    place_replacing(c, school, owner, incoming, None, now)
}

fn place_replacing(c: &mut DbConn, school: i64, owner: i64, incoming: Incoming, freed: Option<i64>, now: NaiveDateTime) -> ApiResult<i64> {
    check_limits(c, school, owner, incoming.sealed.stored().size, freed, incoming.quota, now)?;
    let name = incoming.original_name;
    let stored: Stored = incoming.sealed.place().map_err(|e| ApiError::internal(format!("file store: {e}")))?;
    let id = diesel::insert_into(sf::table)
        .values((
            sf::school_id.eq(school),
            sf::owner_id.eq(owner),
            sf::sha256.eq(&stored.sha256),
            sf::size.eq(stored.size as i64),
            sf::kind.eq(stored.kind.as_str()),
            sf::original_name.eq(name),
            sf::created_at.eq(now),
        ))
        .returning(sf::id)
        .get_result(c)?;
    Ok(id)
}

/// The file store under the configured data directory.
pub fn store(config: &Config) -> FileStore {
    FileStore::new(&config.data_dir)
}

/// What an edit leaves in one slot: the new upload (placed now), nothing when removed, or the
/// old file.
pub fn keep_or_replace(c: &mut DbConn, school: i64, owner: i64, new: Option<Incoming>, remove: bool, old: Option<i64>, now: NaiveDateTime) -> ApiResult<Option<i64>> {
    match new {
        Some(f) => Ok(Some(place_replacing(c, school, owner, f, old, now)?)),
        None if remove => Ok(None),
        None => Ok(old),
    }
}

/// Serves the `slot` (`document` or `video`) of an item the caller may see.
pub fn serve_slot(req: &HttpRequest, config: &Config, slot: &str, document: Option<FileInfo>, video: Option<FileInfo>, attachment: bool) -> ApiResult<HttpResponse> {
    let file = match Slot::parse(slot).ok_or_else(ApiError::not_found)? {
        Slot::Document => document,
        Slot::Video => video,
    }
    .ok_or_else(ApiError::not_found)?;
    download(req, &store(config), &file, attachment)
}

pub fn load(c: &mut DbConn, ids: &[i64]) -> ApiResult<Vec<FileInfo>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(sf::table.filter(sf::id.eq_any(ids)).select(columns()).load(c)?)
}

pub fn find(files: &[FileInfo], id: Option<i64>) -> Option<FileInfo> {
    id.and_then(|id| files.iter().find(|f| f.id == id).cloned())
}

/// Invisible characters that reorder or hide text (bidi controls, zero-width and other format
/// characters): `報告\u{202E}fdp.exe` would show as `報告exe.pdf`.
fn is_format_char(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// The name a download is offered under: without format characters, and ending in the extension
/// of the type the bytes were detected as (a `.pdf` name for a pdf, whatever the uploader called it).
pub fn download_name(name: &str, kind: Option<FileKind>) -> String {
    let clean: String = name.chars().filter(|c| !is_format_char(*c) && !c.is_control()).collect();
    let clean = clean.trim();
    let Some(kind) = kind else { return clean.to_string() };
    let ext = clean.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let fits = match kind {
        FileKind::Jpg => ext == "jpg" || ext == "jpeg",
        other => ext == other.as_str(),
    };
    match (fits, clean.is_empty()) {
        (true, _) => clean.to_string(),
        (false, true) => format!("file.{}", kind.as_str()),
        (false, false) => format!("{clean}.{}", kind.as_str()),
    }
}

/// Streams a stored file. `?download=1` asks for an attachment; otherwise it is shown inline
/// (previews of pdf, images and video in the page).
pub fn download(req: &HttpRequest, store: &FileStore, file: &FileInfo, attachment: bool) -> ApiResult<HttpResponse> {
    let etag = format!("\"{}\"", file.sha256);
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return Ok(HttpResponse::NotModified().insert_header((header::ETAG, etag)).finish());
    }
    let path = store.path_of(&file.sha256);
    let named = NamedFile::open(&path).map_err(|e| ApiError::internal(format!("stored file {} missing: {e}", file.sha256)))?;
    let kind = FileKind::parse(&file.kind).ok_or_else(|| ApiError::bad_stored("stored_files.kind", &file.kind))?;
    let mime: actix_web::mime::Mime = kind.mime().parse().unwrap_or(actix_web::mime::APPLICATION_OCTET_STREAM);
    let name = download_name(&file.name, Some(kind));
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let disposition = ContentDisposition {
        disposition: if attachment { DispositionType::Attachment } else { DispositionType::Inline },
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue { charset: Charset::Ext("UTF-8".into()), language_tag: None, value: name.as_bytes().to_vec() }),
        ],
    };
    let mut res = named
        .use_etag(false)
        .use_last_modified(false)
        .set_content_type(mime)
        .set_content_disposition(disposition)
        .into_response(req);
    let headers = res.headers_mut();
    if let Ok(v) = header::HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-cache"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, header::HeaderValue::from_static("nosniff"));
    Ok(res)
}

/// What a sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Swept {
    /// File rows nothing live referred to (replaced files, files of deleted items).
    pub rows: usize,
    /// Stored files no row refers to.
    pub files: usize,
    pub bytes: u64,
}

/// Removes what nothing live refers to: the files of deleted items are let go, then file rows
/// no item refers to, then stored files no row refers to. Anything younger than
/// `grace_seconds` stays (its upload's transaction may not have committed yet), and so does
/// every file a row refers to.
pub fn sweep(db: &Db, store: &FileStore, now: NaiveDateTime, grace_seconds: i64) -> ApiResult<Swept> {
    let cut = now - chrono::Duration::seconds(grace_seconds);
    let rows = db.write_blocking(move |c| {
        diesel::update(lr::table.filter(lr::deleted_at.lt(cut)))
            .set((lr::document_file_id.eq(None::<i64>), lr::video_file_id.eq(None::<i64>)))
            .execute(c)?;
        diesel::update(pf::table.filter(pf::deleted_at.lt(cut)))
            .set((pf::document_file_id.eq(None::<i64>), pf::video_file_id.eq(None::<i64>)))
            .execute(c)?;
        let referenced = |c: &mut DbConn| -> ApiResult<std::collections::HashSet<i64>> {
            let mut ids: Vec<(Option<i64>, Option<i64>)> = lr::table.select((lr::document_file_id, lr::video_file_id)).load(c)?;
            ids.extend(pf::table.select((pf::document_file_id, pf::video_file_id)).load::<(Option<i64>, Option<i64>)>(c)?);
            // Imported transfer items (issue #21) keep their files too.
            ids.extend(crate::schema::transfer_items::table.select((crate::schema::transfer_items::document_file_id, crate::schema::transfer_items::video_file_id)).load::<(Option<i64>, Option<i64>)>(c)?);
            // Self-directed learning results (issue #22): without them the delete below broke their
            // foreign key and the whole sweep rolled back on every run.
            ids.extend(crate::schema::sdl_plans::table.select((crate::schema::sdl_plans::document_file_id, crate::schema::sdl_plans::video_file_id)).load::<(Option<i64>, Option<i64>)>(c)?);
            Ok(ids.into_iter().flat_map(|(a, b)| [a, b]).flatten().collect())
        };
        let referenced = referenced(c)?;
        let old: Vec<i64> = sf::table.filter(sf::created_at.lt(cut)).select(sf::id).load(c)?;
        let gone: Vec<i64> = old.into_iter().filter(|id| !referenced.contains(id)).collect();
        for chunk in gone.chunks(500) {
            diesel::delete(sf::table.filter(sf::id.eq_any(chunk))).execute(c)?;
        }
        Ok(gone.len())
    })?;
    let known: std::collections::HashSet<String> = db.read_blocking(|c| Ok(sf::table.select(sf::sha256).distinct().load(c)?))?.into_iter().collect();
    let io = |e: std::io::Error| ApiError::internal(format!("file store: {e}"));
    let mut swept = Swept { rows, ..Swept::default() };
    let young = std::time::Duration::from_secs(u64::try_from(grace_seconds).unwrap_or(0));
    for sha in store.stored_names().map_err(io)? {
        if known.contains(&sha) {
            continue;
        }
        if let Some(bytes) = store.remove_if_older(&sha, young).map_err(io)? {
            swept.files += 1;
            swept.bytes += bytes;
        }
    }
    Ok(swept)
}

/// Sweeps every `orphan_sweep_interval_seconds` on the current actix runtime (off the event loop).
pub fn spawn_sweeper(state: crate::state::AppState) {
    let every = state.config.orphan_sweep_interval_seconds;
    if every == 0 {
        return;
    }
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(std::time::Duration::from_secs(every));
        tick.tick().await;
        loop {
            tick.tick().await;
            let (db, store, now) = (state.db.clone(), store(&state.config), state.clock.now());
            match actix_web::web::block(move || sweep(&db, &store, now, GRACE_SECONDS)).await {
                Ok(Ok(s)) if s.rows + s.files > 0 => tracing::info!(rows = s.rows, files = s.files, bytes = s.bytes, "removed unreferenced files"),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = ?e, "file sweep failed"),
                Err(e) => tracing::warn!(error = %e, "file sweep did not run"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::download_name;
    use crate::storage::FileKind;

    #[test]
    fn download_names_end_in_the_detected_type_without_hidden_characters() {
        assert_eq!(download_name("報告.pdf", Some(FileKind::Pdf)), "報告.pdf");
        assert_eq!(download_name("報告\u{202E}fdp.exe", Some(FileKind::Pdf)), "報告fdp.exe.pdf");
        assert_eq!(download_name("photo.JPEG", Some(FileKind::Jpg)), "photo.JPEG");
        assert_eq!(download_name("clip", Some(FileKind::Mp4)), "clip.mp4");
        assert_eq!(download_name("\u{200B}", Some(FileKind::Png)), "file.png");
        assert_eq!(download_name("a\u{2066}b.mp3", None), "ab.mp3");
    }
}
