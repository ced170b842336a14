//! The transfer package (docs/transfers.md): written by the export job, checked and applied by
//! the import. Every entry is AES-256 encrypted with the package's password.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use md5::Md5;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use zip::write::SimpleFileOptions;
use zip::{AesMode, CompressionMethod};

use super::{FileEntry, FileRef, Manifest, SourceSchool, StudentRecord, FORMAT, PASSWORD_PURPOSE, READS, VERSION};
use crate::audit::EventKind;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::jobs::{Context, Job, JobError, Output, Progress};
use crate::uploads::items::ItemKind;
use crate::schema::{schools, transfer_exports as te, transfer_imports as ti, transfer_items as tx};
use crate::storage::{FileKind, FileStore};
use crate::uploads::form::{Incoming, Quota};

/// Most entries in a package.
pub const MAX_ENTRIES: usize = 20_000;
/// Most bytes one entry may expand to.
pub const MAX_ENTRY_BYTES: u64 = 2 << 30;
/// Most bytes the whole package may expand to.
pub const MAX_TOTAL_BYTES: u64 = 8 << 30;
/// An entry over 1 MiB expanding more than this many times its compressed size is a bomb
/// (documents and videos barely compress).
pub const MAX_RATIO: u64 = 200;
/// Most bytes of `manifest.json`.
pub const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// Parameters of an export job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Params {
    pub export_id: i64,
}

/// Lower-case hex MD5 and SHA-256 of a file.
pub fn digests(path: &Path) -> std::io::Result<(String, String, u64)> {
    let mut f = File::open(path)?;
    let (mut md5, mut sha) = (Md5::new(), Sha256::new());
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        md5.update(&buf[..n]);
        sha.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(md5.finalize()), hex::encode(sha.finalize()), size))
}

fn zip_err(e: zip::result::ZipError) -> JobError {
    JobError::transient(format!("zip: {e}"))
}

/// Copies a stored file into the open entry, hashing it on the way; a missing or corrupt file
/// fails the export, named (never left out silently).
fn copy_verified(store: &FileStore, file: &FileRef, who: &str, out: &mut impl Write) -> Result<(), JobError> {
    let mut src = File::open(store.path_of(&file.sha256)).map_err(|e| JobError::fatal(format!("{who} 的檔案 {}（{}）不存在，未匯出 (missing: {e})", file.original_name, file.sha256)))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])?;
    }
    let got = hex::encode(hasher.finalize());
    if got != file.sha256 {
        return Err(JobError::fatal(format!("{who} 的檔案 {}（{}）內容與 SHA-256 不符，檔案已毀損，未匯出 (corrupt: read {got})", file.original_name, file.sha256)));
    }
    Ok(())
}

/// The export job: reads the students again, refuses what cannot go, writes the encrypted zip,
/// keeps its MD5.
pub fn run(ctx: &Context, job: &Job, progress: &Progress) -> Result<Output, JobError> {
    let params: Params = serde_json::from_value(job.params.clone()).map_err(|e| JobError::fatal(format!("bad parameters: {e}")))?;
    let school = job.school_id;
    let (code, name, file_name, sealed, created_at, snap) = ctx.db.read_blocking(|c| {
        let (code, name): (String, String) = schools::table.find(school).select((schools::code, schools::name)).first(c)?;
        let (file_name, ids, sealed, at): (String, String, String, NaiveDateTime) =
            te::table.find(params.export_id).filter(te::school_id.eq(school)).select((te::file_name, te::student_ids, te::password_encrypted, te::created_at)).first(c)?;
        let ids: Vec<i64> = serde_json::from_str(&ids).map_err(|e| ApiError::internal(format!("student ids: {e}")))?;
        let snap = super::snapshot(c, school, &ids)?;
        Ok((code, name, file_name, sealed, at, snap))
    })?;
    if let Some(refusal) = snap.refusal() {
        return Err(JobError::fatal(refusal.detail.map(|d| d.zh.to_string()).unwrap_or_default()));
    }
    let password = ctx.secrets.open(PASSWORD_PURPOSE, &sealed).ok_or_else(|| JobError::fatal("the package password cannot be opened (was the secret key changed?)"))?;
    let files = snap.files();
    let total = files.len() as i64 + 1;
    progress.set(0, total)?;

    let store = FileStore::new(&ctx.config.data_dir);
    let dir = PathBuf::from("jobs").join(job.id.to_string());
    std::fs::create_dir_all(ctx.config.data_dir.join(&dir))?;
    let final_rel = dir.join(&file_name);
    let part = ctx.config.data_dir.join(dir.join(format!("{file_name}.part")));
    let mut zip = zip::ZipWriter::new(BufWriter::with_capacity(1 << 20, File::create(&part)?));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored).with_aes_encryption(AesMode::Aes256, &password);
    let mut done = 0i64;
    let mut seen = HashSet::new();
    for (_, student) in &snap.students {
        let items = student.learning_results.iter().flat_map(|r| r.document.iter().chain(r.video.iter())).chain(student.performances.iter().flat_map(|p| p.document.iter().chain(p.video.iter())));
        for file in items {
            if !seen.insert(file.path.clone()) {
                continue;
            }
            zip.start_file(file.path.as_str(), stored.large_file(file.size >= u32::MAX as i64)).map_err(zip_err)?;
            copy_verified(&store, file, &student.name, &mut zip)?;
            done += 1;
            progress.set(done, total)?;
        }
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        exported_at: crate::time::rfc3339(&created_at),
        source_school: SourceSchool { code, name },
        files: {
            let mut listed = HashSet::new();
            files.iter().filter(|f| listed.insert(f.path.clone())).map(|f| FileEntry { path: f.path.clone(), sha256: f.sha256.clone(), size: f.size }).collect()
        },
        students: snap.students.into_iter().map(|(_, s)| s).collect(),
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| JobError::fatal(format!("manifest: {e}")))?;
    zip.start_file("manifest.json", SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).with_aes_encryption(AesMode::Aes256, &password)).map_err(zip_err)?;
    zip.write_all(&json)?;
    let file = zip.finish().map_err(zip_err)?.into_inner().map_err(|e| JobError::transient(format!("flush: {e}")))?;
    file.sync_all()?;
    drop(file);
    let (md5, sha256, size) = digests(&part)?;
    std::fs::rename(&part, ctx.config.data_dir.join(&final_rel))?;
    let export_id = params.export_id;
    ctx.db.write_blocking(move |c| {
        diesel::update(te::table.find(export_id)).set(te::md5.eq(Some(md5))).execute(c)?;
        Ok(())
    })?;
    progress.set(total, total)?;
    Ok(Output { path: final_rel, name: file_name, sha256, size: size as i64 })
}

// ---------------------------------------------------------------------------------------------
// Import

fn refused(zh: impl Into<String>, en: impl Into<String>) -> ApiError {
    let (zh, en) = (zh.into(), en.into());
    ApiError::with_detail(ErrorCode::PackageInvalid, format!("{zh}，未匯入任何資料。"), format!("{en}; nothing was imported."))
}

/// A package checked through: the manifest and each file, verified, waiting in the temporary
/// area of the store.
pub struct Checked {
    pub manifest: Manifest,
    pub md5: String,
    /// path in the package → the sealed file.
    pub files: HashMap<String, crate::storage::Sealed>,
}

/// Checks a received package in the order docs/transfers.md gives, before anything is stored:
/// MD5, readable zip, hostile entries, encryption and password, manifest, every file's SHA-256.
/// The checks of an import up to its files (MD5, readable zip, hostile entries, encryption and
/// password, manifest): the request makes them before queueing the job, so most refusals come
/// back at once.
pub fn inspect(path: &Path, md5_given: &str, password: &str) -> ApiResult<()> {
    open(path, md5_given, password).map(|_| ())
}

type Opened = (zip::ZipArchive<std::io::BufReader<File>>, Manifest, String);

fn open(path: &Path, md5_given: &str, password: &str) -> ApiResult<Opened> {
    let (md5, _, _) = digests(path).map_err(|e| ApiError::internal(format!("package: {e}")))?;
    if !md5.eq_ignore_ascii_case(md5_given.trim()) {
        return Err(ApiError::new(ErrorCode::PackageChecksumMismatch));
    }
    let file = File::open(path).map_err(|e| ApiError::internal(format!("package: {e}")))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| refused("壓縮檔毀損，無法開啟", format!("The package is corrupt ({e})")))?;
    if zip.has_duplicate_names() {
        return Err(refused("壓縮檔內有重複的檔名", "The package has two entries of one name"));
    }
    if zip.len() > MAX_ENTRIES {
        return Err(refused(format!("壓縮檔內的檔案超過 {MAX_ENTRIES} 個"), format!("The package has more than {MAX_ENTRIES} entries")));
    }
    let mut names = Vec::with_capacity(zip.len());
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| refused("壓縮檔毀損，無法開啟", format!("The package is corrupt ({e})")))?;
        let name = entry.name().map_err(|_| refused("壓縮檔內有無法辨識的檔名", "An entry's name cannot be read"))?.to_string();
        if crate::storage::hostile_name(&name) || entry.enclosed_name().is_none() || name.split('/').any(|p| p == ".") {
            return Err(refused(format!("壓縮檔內有不安全的路徑「{name}」"), format!("The entry `{name}` has an unsafe path (zip-slip)")));
        }
        let (size, packed) = (entry.size(), entry.compressed_size());
        total = total.saturating_add(size);
        if size > MAX_ENTRY_BYTES || total > MAX_TOTAL_BYTES || (size > 1 << 20 && size / packed.max(1) > MAX_RATIO) {
            return Err(refused(format!("壓縮檔內的「{name}」解壓後過大（壓縮炸彈）"), format!("The entry `{name}` expands too far (expansion bomb)")));
        }
        if !entry.encrypted() {
            return Err(refused(format!("壓縮檔內的「{name}」沒有加密"), format!("The entry `{name}` is not encrypted")));
        }
        names.push((name, size));
    }
    let manifest_bytes = {
        let mut entry = zip.by_name_decrypt("manifest.json", password.as_bytes()).map_err(|e| match e {
            zip::result::ZipError::InvalidPassword => ApiError::new(ErrorCode::PackagePasswordWrong),
            zip::result::ZipError::FileNotFound => refused("壓縮檔內沒有 manifest.json", "The package has no manifest.json"),
            other => refused("壓縮檔毀損，無法讀取 manifest.json", format!("manifest.json cannot be read ({other})")),
        })?;
        let mut data = Vec::new();
        (&mut entry).take(MAX_MANIFEST_BYTES + 1).read_to_end(&mut data).map_err(|e| refused("manifest.json 毀損或密碼錯誤", format!("manifest.json is corrupt or the password is wrong ({e})")))?;
        if data.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(refused("manifest.json 過大", "manifest.json is too large"));
        }
        data
    };
    let value: serde_json::Value = serde_json::from_slice(&manifest_bytes).map_err(|e| refused("manifest.json 不是有效的 JSON", format!("manifest.json is not JSON ({e})")))?;
    if value.get("format").and_then(|v| v.as_str()) != Some(FORMAT) {
        return Err(refused("manifest.json 不是轉學資料格式", "manifest.json is not a transfer manifest"));
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if READS.iter().any(|r| u64::from(*r) == v) => {}
        other => {
            let v = other.map(|v| v.to_string()).unwrap_or_else(|| "?".into());
            return Err(refused(format!("不支援的資料格式版本 {v}"), format!("Unknown manifest version {v}")));
        }
    }
    let manifest: Manifest = serde_json::from_value(value).map_err(|e| refused("manifest.json 內容不符格式", format!("manifest.json does not follow the format ({e})")))?;

    // The archive holds exactly the manifest's files; each item's reference is one of them.
    let listed: HashMap<&str, &FileEntry> = manifest.files.iter().map(|f| (f.path.as_str(), f)).collect();
    if listed.len() != manifest.files.len() {
        return Err(refused("manifest.json 重複列出檔案", "manifest.json lists a file twice"));
    }
    let present: HashSet<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
    for (name, _) in &names {
        if name != "manifest.json" && !listed.contains_key(name.as_str()) {
            return Err(refused(format!("壓縮檔內的「{name}」不在 manifest.json 中"), format!("The entry `{name}` is not in manifest.json")));
        }
    }
    for f in &manifest.files {
        if !present.contains(f.path.as_str()) {
            return Err(refused(format!("manifest.json 列出的「{}」不在壓縮檔內", f.path), format!("`{}` is listed but not in the package", f.path)));
        }
    }
    // Each file is one item's: a file referred to twice would be stored for two items.
    let mut referred = HashSet::new();
    for s in &manifest.students {
        let refs = s.learning_results.iter().flat_map(|r| r.document.iter().chain(r.video.iter())).chain(s.performances.iter().flat_map(|p| p.document.iter().chain(p.video.iter())));
        for r in refs {
            if !referred.insert(r.path.as_str()) {
                return Err(refused(format!("manifest.json 中「{}」被多個項目引用", r.path), format!("`{}` is referred to by more than one item", r.path)));
            }
            match listed.get(r.path.as_str()) {
                Some(f) if f.sha256 == r.sha256 && f.size == r.size && FileKind::parse(&r.kind).is_some() => {}
                _ => return Err(refused(format!("manifest.json 中「{}」的檔案資訊不一致", r.path), format!("The reference to `{}` disagrees with files[]", r.path))),
            }
        }
    }
    Ok((zip, manifest, md5))
}

/// [`inspect`], then every file read, checked against its SHA-256 and kept sealed in the store's
/// temporary area; `on_file(done, total)` after each.
pub fn check(path: &Path, md5_given: &str, password: &str, store: &FileStore, on_file: &mut dyn FnMut(usize, usize) -> ApiResult<()>) -> ApiResult<Checked> {
    let (mut zip, manifest, md5) = open(path, md5_given, password)?;
    let mut files = HashMap::new();
    let total = manifest.files.len();
    for (done, f) in manifest.files.iter().enumerate() {
        on_file(done, total)?;
        let mut entry = zip.by_name_decrypt(&f.path, password.as_bytes()).map_err(|e| match e {
            zip::result::ZipError::InvalidPassword => ApiError::new(ErrorCode::PackagePasswordWrong),
            other => refused(format!("「{}」無法讀取", f.path), format!("`{}` cannot be read ({other})", f.path)),
        })?;
        let limit = u64::try_from(f.size).unwrap_or(0);
        let mut upload = store.begin(limit).map_err(|e| ApiError::internal(format!("file store: {e}")))?;
        let mut buf = vec![0u8; 256 * 1024];
        let mut read = 0u64;
        loop {
            let n = entry.read(&mut buf).map_err(|e| refused(format!("「{}」毀損", f.path), format!("`{}` is corrupt ({e})", f.path)))?;
            if n == 0 {
                break;
            }
            read += n as u64;
            if read > limit {
                return Err(refused(format!("「{}」的大小與 manifest.json 不符", f.path), format!("`{}` is larger than manifest.json says", f.path)));
            }
            upload.write(&buf[..n]).map_err(|e| ApiError::internal(format!("file store: {e}")))?;
        }
        let sealed = upload.seal(&[FileKind::Pdf, FileKind::Jpg, FileKind::Png, FileKind::Mp3, FileKind::Mp4]).map_err(|_| refused(format!("「{}」不是允許的檔案類型", f.path), format!("`{}` is not an allowed file type", f.path)))?;
        if sealed.stored().sha256 != f.sha256 || sealed.stored().size != limit {
            return Err(refused(format!("「{}」的 SHA-256 與 manifest.json 不符", f.path), format!("`{}` does not match its SHA-256", f.path)));
        }
        files.insert(f.path.clone(), sealed);
    }
    Ok(Checked { manifest, md5, files })
}

/// One student of an import, as 明細 shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TransferStudentOutcome {
    /// Masked (`F13XX51101`).
    pub national_id: String,
    pub name: String,
    /// Found among the school's students (by national ID).
    pub matched: bool,
    pub student_id: Option<i64>,
    /// Items imported now.
    pub added: i32,
    /// Items that were already imported before (left as they are).
    pub already: i32,
}

/// What one item becomes in `transfer_items`.
struct Item<'a> {
    kind: ItemKind,
    origin_id: i64,
    academic_year: i32,
    semester: Option<i32>,
    course_code: Option<String>,
    title: String,
    state: Option<String>,
    record: String,
    document: Option<&'a FileRef>,
    video: Option<&'a FileRef>,
}

fn items_of(s: &StudentRecord) -> ApiResult<Vec<Item<'_>>> {
    let mut out = Vec::new();
    for r in &s.learning_results {
        if crate::uploads::results::ResultState::parse(&r.state).is_err() {
            return Err(refused(format!("學習成果 {} 的狀態「{}」不明", r.id, r.state), format!("learning result {} has an unknown state `{}`", r.id, r.state)));
        }
        out.push(Item {
            kind: ItemKind::Result,
            origin_id: r.id,
            academic_year: r.academic_year,
            semester: Some(r.semester),
            course_code: Some(r.course_code.clone()),
            title: r.subject.clone(),
            state: Some(r.state.clone()),
            record: json(r)?,
            document: r.document.as_ref(),
            video: r.video.as_ref(),
        });
    }
    for p in &s.performances {
        out.push(Item { kind: ItemKind::Performance, origin_id: p.id, academic_year: p.fields.academic_year, semester: None, course_code: None, title: p.fields.title.clone(), state: None, record: json(p)?, document: p.document.as_ref(), video: p.video.as_ref() });
    }
    for c in &s.cadre_records {
        out.push(Item {
            kind: ItemKind::Cadre,
            origin_id: c.id,
            academic_year: c.academic_year,
            semester: Some(c.semester),
            course_code: None,
            title: format!("{} {}", c.unit, c.position),
            state: None,
            record: json(c)?,
            document: None,
            video: None,
        });
    }
    Ok(out)
}

/// The JSON kept in `transfer_items.record`: the item exactly as the manifest has it.
fn json<T: Serialize>(v: &T) -> ApiResult<String> {
    serde_json::to_string(v).map_err(|e| ApiError::internal(format!("record: {e}")))
}

/// Applies a checked package inside one transaction: matches students by national ID, adds
/// what was not imported before, records the import. Returns the import's id.
pub fn apply(c: &mut DbConn, school: i64, by: i64, file_name: &str, checked: Checked, quota: Quota, now: NaiveDateTime) -> ApiResult<i64> {
    let Checked { manifest, md5, mut files } = checked;
    // The school's storage quotas hold for imported files as for uploads; the hourly upload rate
    // is a student's, not an import's.
    let quota = Quota { uploads_per_hour: 0, ..quota };
    let nids: Vec<String> = manifest.students.iter().map(|s| s.national_id.trim().to_string()).collect();
    let matched = super::students_by_national_id(c, school, &nids)?;
    let origin = &manifest.source_school;
    let import_id: i64 = diesel::insert_into(ti::table)
        .values((
            ti::school_id.eq(school),
            ti::imported_by.eq(by),
            ti::file_name.eq(file_name),
            ti::md5.eq(&md5),
            ti::source_school_code.eq(&origin.code),
            ti::source_school_name.eq(&origin.name),
            ti::students_total.eq(manifest.students.len() as i32),
            ti::students_matched.eq(0),
            ti::items_added.eq(0),
            ti::detail.eq("[]"),
            ti::created_at.eq(now),
        ))
        .returning(ti::id)
        .get_result(c)?;
    // What was imported before from this school for these students, in one query (chunked).
    let students: Vec<i64> = matched.values().copied().collect();
    let mut before: HashSet<(i64, ItemKind, i64)> = HashSet::new();
    for chunk in students.chunks(500) {
        let rows: Vec<(i64, String, i64)> = tx::table
            .filter(tx::school_id.eq(school))
            .filter(tx::student_id.eq_any(chunk.to_vec()))
            .filter(tx::origin_school_code.eq(&origin.code))
            .select((tx::student_id, tx::item_kind, tx::origin_id))
            .load(c)?;
        for (student, kind, origin_id) in rows {
            before.insert((student, ItemKind::parse("transfer_items.item_kind", &kind)?, origin_id));
        }
    }
    let mut outcomes = Vec::new();
    let (mut n_matched, mut n_added) = (0, 0);
    for s in &manifest.students {
        let nid = s.national_id.trim().to_string();
        let student = matched.get(&nid).copied();
        let mut outcome = TransferStudentOutcome { national_id: super::mask_national_id(&nid), name: s.name.clone(), matched: student.is_some(), student_id: student, added: 0, already: 0 };
        if let Some(student) = student {
            n_matched += 1;
            for item in items_of(s)? {
                if !before.insert((student, item.kind, item.origin_id)) {
                    outcome.already += 1;
                    continue;
                }
                // Placed as an upload is: the quotas checked, the row recorded (each file is one
                // item's, `check` made sure).
                let mut file_id = |r: Option<&FileRef>| -> ApiResult<Option<i64>> {
                    let Some(r) = r else { return Ok(None) };
                    let sealed = files.remove(&r.path).ok_or_else(|| ApiError::internal(format!("{} was not received", r.path)))?;
                    Ok(Some(crate::uploads::files::place(c, school, student, Incoming { sealed, original_name: r.original_name.clone(), quota }, now)?))
                };
                let (doc, video) = (file_id(item.document)?, file_id(item.video)?);
                diesel::insert_into(tx::table)
                    .values((
                        tx::school_id.eq(school),
                        tx::import_id.eq(import_id),
                        tx::student_id.eq(student),
                        tx::origin_school_code.eq(&origin.code),
                        tx::origin_school_name.eq(&origin.name),
                        tx::item_kind.eq(item.kind.as_str()),
                        tx::origin_id.eq(item.origin_id),
                        tx::academic_year.eq(item.academic_year),
                        tx::semester.eq(item.semester),
                        tx::course_code.eq(item.course_code),
                        tx::title.eq(item.title),
                        tx::state.eq(item.state),
                        tx::record.eq(item.record),
                        tx::document_file_id.eq(doc),
                        tx::video_file_id.eq(video),
                        tx::created_at.eq(now),
                    ))
                    .execute(c)?;
                outcome.added += 1;
                n_added += 1;
            }
        }
        outcomes.push(outcome);
    }
    let detail = serde_json::to_string(&outcomes).map_err(|e| ApiError::internal(format!("detail: {e}")))?;
    diesel::update(ti::table.find(import_id)).set((ti::students_matched.eq(n_matched), ti::items_added.eq(n_added), ti::detail.eq(detail))).execute(c)?;
    // Sealed into the school's history chain with the package's MD5 (issue #26).
    let sealed = serde_json::json!({"transfer_import": import_id, "md5": md5, "source_school": origin.code, "students_matched": n_matched, "items_added": n_added});
    crate::history::note(c, school, Some(by), EventKind::TransferImported, sealed, now)?;
    Ok(import_id)
}

/// Parameters of an import job: the received package (under the data directory), its MD5 and
/// the password (sealed, as the export's are).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportParams {
    pub package: String,
    pub file_name: String,
    pub md5: String,
    pub password_sealed: String,
}

/// What an import job leaves as its result (`GET /jobs/{id}/result`): the import record's id
/// (`GET /transfers/imports`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportDone {
    pub import_id: i64,
}

/// The import job: checks every file of the received package against its SHA-256 (progress per
/// file), then applies it in one transaction. A refusal (`package_invalid`, `quota_exceeded`, …)
/// fails the job with its reason and imports nothing. The package is removed once imported; a
/// job that fails for good (or is given up before it runs) is cleaned up by [`discard`] (kept
/// for a retry after a passing failure).
pub fn run_import(ctx: &Context, job: &Job, progress: &Progress) -> Result<Output, JobError> {
    let params: ImportParams = serde_json::from_value(job.params.clone()).map_err(|e| JobError::fatal(format!("bad parameters: {e}")))?;
    let package = ctx.config.data_dir.join(&params.package);
    let outcome = import_package(ctx, job, progress, &params, &package);
    if outcome.is_ok() {
        let _ = std::fs::remove_file(&package);
    }
    outcome
}

/// Where received packages wait for their import job (under the data directory).
pub fn received_dir() -> PathBuf {
    PathBuf::from("jobs").join("transfer-imports")
}

/// Removes what a transfer job that failed for good, or was given up before it ran, leaves on
/// disk: its own directory (an export's unfinished `.part`) and an import's received package.
pub fn discard(ctx: &Context, job: &Job) {
    let _ = std::fs::remove_dir_all(ctx.config.data_dir.join("jobs").join(job.id.to_string()));
    if let Ok(params) = serde_json::from_value::<ImportParams>(job.params.clone()) {
        let package = PathBuf::from(&params.package);
        // Only a package this server placed (never a path elsewhere, whatever the params say).
        let placed = package.parent() == Some(received_dir().as_path()) && package.file_name().is_some();
        if placed {
            let _ = std::fs::remove_file(ctx.config.data_dir.join(package));
        }
    }
}

fn import_package(ctx: &Context, job: &Job, progress: &Progress, params: &ImportParams, package: &Path) -> Result<Output, JobError> {
    let password = ctx.secrets.open(PASSWORD_PURPOSE, &params.password_sealed).ok_or_else(|| JobError::fatal("the package password cannot be opened (was the secret key changed?)"))?;
    let store = FileStore::new(&ctx.config.data_dir);
    let mut on_file = |done: usize, total: usize| progress.set(done as i64, total as i64 + 1).map_err(|e| ApiError::internal(e.message));
    let checked = check(package, &params.md5, &password, &store, &mut on_file)?;
    let total = checked.manifest.files.len() as i64 + 1;
    progress.set(total - 1, total)?;
    let (school, by, file_name, now) = (job.school_id, job.owner_id, params.file_name.clone(), ctx.clock.now());
    let quota = crate::uploads::form::Quota::of(&ctx.config);
    let import_id = ctx.db.write_blocking(move |c| apply(c, school, by, &file_name, checked, quota, now))?;
    let dir = PathBuf::from("jobs").join(job.id.to_string());
    std::fs::create_dir_all(ctx.config.data_dir.join(&dir))?;
    let rel = dir.join("import.json");
    let json = serde_json::to_vec(&ImportDone { import_id }).map_err(|e| JobError::fatal(format!("result: {e}")))?;
    std::fs::write(ctx.config.data_dir.join(&rel), &json)?;
    let (_, sha256, size) = digests(&ctx.config.data_dir.join(&rel))?;
    Ok(Output { path: rel, name: "import.json".into(), sha256, size: size as i64 })
}

/// Receives the upload into the store's temporary area (size limited), as a plain file.
pub fn temp_path(store: &FileStore) -> PathBuf {
    store.tmp_dir().join(format!("{}-{}.transfer", std::process::id(), uuid::Uuid::new_v4()))
}
