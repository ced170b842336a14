//! Reading a `multipart/form-data` upload: text fields into a map, files streamed chunk by chunk
//! into the file store (SHA-256 and size limit on the way, cut off at the limit), then sealed —
//! fsynced but not yet visible — until the caller's transaction places them. Whatever goes wrong,
//! the dropped uploads remove their temporary files, so a refused request leaves nothing behind.

use std::collections::BTreeMap;

use actix_multipart::{Multipart, MultipartError};
use futures_util::StreamExt;

use crate::config::Config;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::storage::{FileKind, Sealed, StoreError};

/// The two file slots an item has (FAQ 004):
/// - `document`: pdf, jpg or png, up to 4 MB
/// - `video`: mp3 or mp4, up to 10 MB
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    Document,
    Video,
}

impl Slot {
    pub fn field(self) -> &'static str {
        match self {
            Slot::Document => "document",
            Slot::Video => "video",
        }
    }

    pub fn parse(s: &str) -> Option<Slot> {
        match s {
            "document" => Some(Slot::Document),
            "video" => Some(Slot::Video),
            _ => None,
        }
    }

    pub fn allowed(self) -> &'static [FileKind] {
        match self {
            Slot::Document => FileKind::DOCUMENTS,
            Slot::Video => FileKind::VIDEOS,
        }
    }

    pub fn limit(self, config: &Config) -> u64 {
        match self {
            Slot::Document => config.max_document_bytes,
            Slot::Video => config.max_video_bytes,
        }
    }

    fn name_zh(self) -> &'static str {
        match self {
            Slot::Document => "文件檔",
            Slot::Video => "影音檔",
        }
    }
}

/// Storage limits checked when a received file is placed (see `files::place`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Bytes one student's live items may hold; 0 = no limit.
    pub student_bytes: u64,
    /// Bytes a school's live items may hold; 0 = no limit.
    pub school_bytes: u64,
    /// Files one user may upload within an hour; 0 = no limit.
    pub uploads_per_hour: u32,
}

impl Quota {
    pub fn of(config: &Config) -> Quota {
        Quota { student_bytes: config.student_quota_bytes, school_bytes: config.school_quota_bytes, uploads_per_hour: config.uploads_per_hour }
    }
}

/// A received file: complete and durable in the temporary area.
pub struct Incoming {
    pub sealed: Sealed,
    /// The name the client gave (for `Content-Disposition` on download), cleaned.
    pub original_name: String,
    pub quota: Quota,
}

/// A read form.
#[derive(Default)]
pub struct Form {
    pub fields: BTreeMap<String, String>,
    pub files: BTreeMap<Slot, Incoming>,
}

impl Form {
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(|s| s.as_str())
    }

    /// A text field that is present and not blank.
    pub fn non_blank(&self, name: &str) -> Option<String> {
        self.text(name).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
    }
}

/// Most parts in one form, and most bytes in one text field.
const MAX_PARTS: usize = 40;
const MAX_TEXT: usize = 4096;

/// Reads the whole form. Text fields named in `text_fields` are kept; file parts go to their slot.
pub async fn read(mut payload: Multipart, config: &Config, text_fields: &[&str]) -> ApiResult<Form> {
    let store = &super::files::store(config);
    let mut form = Form::default();
    let mut parts = 0usize;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(multipart_error)?;
        parts += 1;
        if parts > MAX_PARTS {
            return Err(ApiError::with_detail(ErrorCode::MultipartInvalid, "上傳內容的欄位過多。", "The form has too many parts."));
        }
        let name = field.name().unwrap_or_default().to_string();
        let filename = field.content_disposition().and_then(|d| d.get_filename()).map(clean_name);
        if let Some(slot) = Slot::parse(&name) {
            if form.files.contains_key(&slot) {
                return Err(ApiError::validation().field(slot.field(), format!("{}只能上傳一個", slot.name_zh()), "only one file per slot"));
            }
            let limit = slot.limit(config);
            let mut upload = store.begin(limit).map_err(|e| store_error(e, slot, limit))?;
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(multipart_error)?;
                let mut rest = upload.accept(&chunk).map_err(|e| store_error(e, slot, limit))?;
                loop {
                    if upload.wants_flush() {
                        // Writing to the disk blocks (direct I/O): off the event loop.
                        upload = actix_web::web::block(move || upload.flush().map(|()| upload))
                            .await
                            .map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?
                            .map_err(|e| store_error(e, slot, limit))?;
                    }
                    if rest.is_empty() {
                        break;
                    }
                    rest = upload.take(rest);
                }
            }
            // The browser sends an empty part for an empty file input: treat it as "no file".
            if upload.is_empty() && filename.as_deref().is_none_or(str::is_empty) {
                continue;
            }
            let sealed = actix_web::web::block(move || upload.seal(slot.allowed()))
                .await
                .map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?
                .map_err(|e| store_error(e, slot, limit))?;
            let original_name = filename.filter(|n| !n.is_empty()).unwrap_or_else(|| format!("{}.{}", slot.field(), sealed.stored().kind.as_str()));
            form.files.insert(slot, Incoming { sealed, original_name, quota: Quota::of(config) });
        } else if text_fields.contains(&name.as_str()) {
            let mut bytes = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(multipart_error)?;
                if bytes.len() + chunk.len() > MAX_TEXT {
                    return Err(ApiError::validation().field(name.clone(), "內容過長", "too long"));
                }
                bytes.extend_from_slice(&chunk);
            }
            let text = String::from_utf8(bytes).map_err(|_| ApiError::validation().field(name.clone(), "須為 UTF-8 文字", "must be UTF-8 text"))?;
            form.fields.insert(name, text);
        } else {
            return Err(ApiError::validation().field(
                if name.is_empty() { "form".to_string() } else { name.clone() },
                "不認得的欄位",
                "unknown field",
            ));
        }
    }
    Ok(form)
}

fn multipart_error(e: MultipartError) -> ApiError {
    match e {
        MultipartError::ContentTypeMissing | MultipartError::ContentTypeParse | MultipartError::ContentTypeIncompatible | MultipartError::BoundaryMissing => {
            ApiError::with_detail(ErrorCode::UnsupportedMediaType, "請以 multipart/form-data 上傳。", "Send the upload as multipart/form-data.")
        }
        other => ApiError::with_detail(
            ErrorCode::MultipartInvalid,
            "上傳內容不完整或格式錯誤（可能是連線中斷），請重新上傳。",
            format!("The multipart body is incomplete or malformed: {other}."),
        ),
    }
}

fn store_error(e: StoreError, slot: Slot, limit: u64) -> ApiError {
    let mb = limit as f64 / (1024.0 * 1024.0);
    match e {
        StoreError::TooLarge { .. } => ApiError::with_detail(
            ErrorCode::FileTooLarge,
            format!("{}不可超過 {mb:.0} MB。", slot.name_zh()),
            format!("The {} must not exceed {mb:.0} MB.", slot.field()),
        ),
        StoreError::Empty => ApiError::with_detail(ErrorCode::FileEmpty, format!("{}沒有內容。", slot.name_zh()), format!("The {} is empty.", slot.field())),
        StoreError::WrongType { found } => {
            let allowed: Vec<&str> = slot.allowed().iter().map(|k| k.as_str()).collect();
            let found = found.map(|k| k.as_str()).unwrap_or("unknown");
            ApiError::with_detail(
                ErrorCode::FileTypeNotAllowed,
                format!("{}限 {} 格式（依檔案內容判斷，此檔為 {found}）。", slot.name_zh(), allowed.join("、")),
                format!("The {} must be {} (judged by content; this is {found}).", slot.field(), allowed.join(", ")),
            )
        }
        StoreError::Io(e) => ApiError::internal(format!("file store: {e}")),
    }
}

/// Keeps the last path component, drops control characters and caps the length.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars().filter(|c| !c.is_control() && *c != '"').take(120).collect::<String>().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn names_keep_only_the_base_without_quotes_or_controls() {
        assert_eq!(clean_name("C:\\Users\\me\\報告.pdf"), "報告.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\"b\r\n.pdf"), "ab.pdf");
    }
}
