//! Stored-file rows and downloads: the row records who uploaded what with its SHA-256; a download
//! streams the content-addressed file with its type, original name, an ETag from the SHA-256 and
//! range requests (for video).

use actix_files::NamedFile;
use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::schema::stored_files as sf;
use crate::storage::{FileKind, FileStore, Stored};

use super::form::{Incoming, Slot};
use crate::app::AppState;

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

/// Places a sealed upload into the store and records its row — inside the caller's transaction,
/// so the file is visible under its name before the transaction that references it commits.
pub fn place(c: &mut DbConn, school: i64, owner: i64, incoming: Incoming, now: NaiveDateTime) -> ApiResult<i64> {
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
pub fn store(state: &AppState) -> FileStore {
    FileStore::new(&state.config.data_dir)
}

/// What an edit leaves in one slot: the new upload (placed now), nothing when removed, or the
/// old file.
pub fn keep_or_replace(c: &mut DbConn, school: i64, owner: i64, new: Option<Incoming>, remove: bool, old: Option<i64>, now: NaiveDateTime) -> ApiResult<Option<i64>> {
    match new {
        Some(f) => Ok(Some(place(c, school, owner, f, now)?)),
        None if remove => Ok(None),
        None => Ok(old),
    }
}

/// Serves the `slot` (`document` or `video`) of an item the caller may see.
pub fn serve_slot(req: &HttpRequest, state: &AppState, slot: &str, document: Option<FileInfo>, video: Option<FileInfo>, attachment: bool) -> ApiResult<HttpResponse> {
    let file = match Slot::parse(slot).ok_or_else(ApiError::not_found)? {
        Slot::Document => document,
        Slot::Video => video,
    }
    .ok_or_else(ApiError::not_found)?;
    download(req, &store(state), &file, attachment)
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
    let mime: actix_web::mime::Mime =
        FileKind::parse(&file.kind).and_then(|k| k.mime().parse().ok()).unwrap_or(actix_web::mime::APPLICATION_OCTET_STREAM);
    let name = download_name(&file.name, FileKind::parse(&file.kind));
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
