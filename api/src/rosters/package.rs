//! The roster package (docs/rosters.md): a zip streamed to disk with the workbook, every attached
//! file (its SHA-256 verified while it is copied) and a manifest; kept with its own SHA-256. Runs
//! as a job ([`crate::jobs`]); what the package contained is recorded in `roster_export_items`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use super::{Attachment, Contents, Item, ItemKind, RosterKind, RosterType, Row, Spec, Student};
use crate::audit::EventKind;
use crate::db::DbConn;
use crate::jobs::{Context, Job, JobError, Output, Progress};
use crate::schema::{roster_export_items as rei, roster_exports as re, schools, users};
use crate::storage::FileStore;

/// A date as the rosters write it: ROC year, month, day in 7 digits (2009-05-01 → `0980501`).
pub fn roc7(d: NaiveDate) -> String {
    format!("{:03}{:02}{:02}", d.year() - 1911, d.month(), d.day())
}

/// A time as the cover shows it, in Taipei: `115/03/02 14:05:09`.
fn roc_time(t: NaiveDateTime) -> String {
    let local = t + chrono::Duration::hours(8);
    format!("{} {}", crate::time::roc_date(local.date()), local.format("%H:%M:%S"))
}

/// `{school}_{year}_{semester}_{roster}_{yyyyMMdd_HH_mm_ss}` (Taipei time).
pub fn package_stem(school_code: &str, spec: &Spec, at: NaiveDateTime) -> String {
    let local = at + chrono::Duration::hours(8);
    format!("{school_code}_{}_{}_{}_{}", spec.academic_year, spec.semester, spec.roster.code, local.format("%Y%m%d_%H_%M_%S"))
}

/// The name of an attachment in the package: one folder per student, the item's kind and id and
/// the slot, so a row points to exactly one file.
fn attachment_name(national_id: &str, item: &Item, slot: &str, file: &Attachment) -> String {
    let prefix = match item {
        Item::Result { imported: false, .. } => "R",
        Item::Result { imported: true, .. } => "TR",
        Item::Performance { imported: false, .. } => "P",
        Item::Performance { imported: true, .. } => "TP",
        Item::Cadre { .. } => "C",
    };
    format!("files/{national_id}/{prefix}{}_{slot}.{}", item.id(), file.kind)
}

/// The cover's facts.
pub struct Cover<'a> {
    pub school_code: &'a str,
    pub school_name: &'a str,
    pub roster: RosterType,
    pub spec: &'a Spec,
    pub exported_at: NaiveDateTime,
    pub exported_by: &'a str,
    /// The school's history chain head when exported (`#seq hash`, issue #26): a copy kept with
    /// the roster pins the history up to it.
    pub history_head: &'a str,
}

const BASE: [(&str, f64); 7] = [("身分證統一編號", 14.0), ("出生日期", 10.0), ("學號", 10.0), ("姓名", 12.0), ("年級", 6.0), ("班級", 8.0), ("座號", 6.0)];
const RESULT_COLUMNS: [(&str, f64); 10] =
    [("學年度", 8.0), ("學期", 6.0), ("課程代碼", 26.0), ("科目名稱", 16.0), ("學分數", 8.0), ("成果簡述", 40.0), ("文件檔名", 36.0), ("文件SHA-256", 66.0), ("影音檔名", 36.0), ("影音SHA-256", 66.0)];
const PERFORMANCE_COLUMNS: [(&str, f64); 23] = [
    ("學年度", 8.0),
    ("類別代碼", 18.0),
    ("類別", 24.0),
    ("名稱", 24.0),
    ("項目", 16.0),
    ("主辦單位", 20.0),
    ("職位", 12.0),
    ("等級", 10.0),
    ("獎項", 12.0),
    ("類型", 10.0),
    ("成績", 10.0),
    ("證照字號", 16.0),
    ("參與方式", 10.0),
    ("時數", 8.0),
    ("學分數", 8.0),
    ("開始日期", 10.0),
    ("結束日期", 10.0),
    ("內容簡述", 40.0),
    ("連結", 30.0),
    ("文件檔名", 36.0),
    ("文件SHA-256", 66.0),
    ("影音檔名", 36.0),
    ("影音SHA-256", 66.0),
];
const CADRE_COLUMNS: [(&str, f64); 7] = [("學年度", 8.0), ("學期", 6.0), ("單位名稱", 20.0), ("職務名稱", 16.0), ("幹部等級", 10.0), ("開始日期", 10.0), ("結束日期", 10.0)];

/// The sheet of a roster kind and its columns after the student's.
fn layout(kind: RosterKind) -> (&'static str, &'static [(&'static str, f64)]) {
    match kind {
        RosterKind::Results => ("學習成果", &RESULT_COLUMNS),
        RosterKind::Performances => ("多元表現", &PERFORMANCE_COLUMNS),
        RosterKind::Cadre => ("幹部經歷", &CADRE_COLUMNS),
    }
}

fn header(sheet: &mut Worksheet, columns: &[(&str, f64)], bold: &Format) -> Result<(), XlsxError> {
    for (i, (name, width)) in columns.iter().enumerate() {
        let col = i as u16;
        sheet.write_string_with_format(0, col, *name, bold)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// The values of one row, every one a string (numbers too: no cell is ever a formula).
fn values(student: &Student, row: &Row, names: &(Option<String>, Option<String>)) -> Result<Vec<String>, XlsxError> {
    let mut v = vec![
        student.national_id.clone().unwrap_or_default(),
        student.birth_date.map(roc7).unwrap_or_default(),
        opt(&student.number),
        student.name.clone(),
        student.grade.to_string(),
        opt(&student.class_code),
        student.seat_no.map(|s| s.to_string()).unwrap_or_default(),
    ];
    let files = |v: &mut Vec<String>| {
        v.push(opt(&names.0));
        v.push(row.document.as_ref().map(|f| f.sha256.clone()).unwrap_or_default());
        v.push(opt(&names.1));
        v.push(row.video.as_ref().map(|f| f.sha256.clone()).unwrap_or_default());
    };
    match &row.item {
        Item::Result { course_code, subject, credits, academic_year, semester, description, .. } => {
            v.extend([academic_year.to_string(), semester.to_string(), course_code.trim().to_string(), subject.clone(), credits.to_string(), description.clone()]);
            files(&mut v);
        }
        Item::Performance { fields: f, .. } => {
            // A stored category outside the enum fails the export, never an empty cell.
            let category = crate::uploads::rules::Category::parse(&f.category)
                .ok_or_else(|| XlsxError::CustomError(format!("unknown performances.category `{}` in the database", f.category)))?
                .name_zh()
                .to_string();
            v.extend([
                f.academic_year.to_string(),
                f.category.clone(),
                category,
                f.title.clone(),
                opt(&f.item),
                opt(&f.organisation),
                opt(&f.position),
                opt(&f.level),
                opt(&f.award),
                opt(&f.kind),
                opt(&f.score),
                opt(&f.certificate_no),
                opt(&f.participation),
                f.hours.map(|h| h.to_string()).unwrap_or_default(),
                f.credits.map(|c| c.to_string()).unwrap_or_default(),
                roc7(f.start_date),
                f.end_date.map(roc7).unwrap_or_default(),
                f.description.clone(),
                opt(&f.link),
            ]);
            files(&mut v);
        }
        Item::Cadre { academic_year, semester, unit, position, level, start_date, end_date, .. } => {
            v.extend([academic_year.to_string(), semester.to_string(), unit.clone(), position.clone(), opt(level), roc7(*start_date), end_date.map(roc7).unwrap_or_default()]);
        }
    }
    Ok(v)
}

/// The workbook: a cover sheet, then one sheet of the roster's record kind, one row per item,
/// streamed into `out`. `names` are the attachments' names in the package, per row. The record
/// sheet is written in constant-memory mode (rows go to a temporary file under `tmp`), so memory
/// stays flat whatever the number of rows.
pub fn workbook<W: Write + Send>(out: W, tmp: &Path, cover: &Cover, contents: &Contents, names: &[(Option<String>, Option<String>)]) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    book.set_tempdir(tmp)?;
    let bold = Format::new().set_bold();
    let students: std::collections::HashSet<i64> = contents.rows.iter().map(|r| r.student_id).collect();
    let sheet = book.add_worksheet();
    sheet.set_name("封面")?;
    let rows: [(&str, String); 12] = [
        ("學校代碼", cover.school_code.to_string()),
        ("學校名稱", cover.school_name.to_string()),
        ("學年度", cover.spec.academic_year.to_string()),
        ("學期", cover.spec.semester.to_string()),
        ("名冊別", cover.roster.code.to_string()),
        ("名冊名稱", cover.roster.name_zh.to_string()),
        ("匯出年級", cover.spec.grades.as_str().to_string()),
        ("部別", super::division_zh(cover.spec.division).to_string()),
        ("學生數", students.len().to_string()),
        ("項目數", contents.rows.len().to_string()),
        ("附件數", contents.attachments().to_string()),
        ("匯出時間", roc_time(cover.exported_at)),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        sheet.write_string_with_format(i as u32, 0, *k, &bold)?;
        sheet.write_string(i as u32, 1, v.as_str())?;
    }
    sheet.write_string_with_format(rows.len() as u32, 0, "匯出者", &bold)?;
    sheet.write_string(rows.len() as u32, 1, cover.exported_by)?;
    sheet.write_string_with_format(rows.len() as u32 + 1, 0, "歷程紀錄鏈", &bold)?;
    sheet.write_string(rows.len() as u32 + 1, 1, cover.history_head)?;
    sheet.set_column_width(0, 12)?;
    sheet.set_column_width(1, 36)?;

    let (name, columns) = layout(cover.roster.kind);
    let all: Vec<(&str, f64)> = BASE.iter().chain(columns.iter()).copied().collect();
    let sheet = book.add_worksheet_with_constant_memory()?;
    sheet.set_name(name)?;
    header(sheet, &all, &bold)?;
    for (i, row) in contents.rows.iter().enumerate() {
        let Some(student) = contents.students.get(&row.student_id) else { continue };
        let empty = (None, None);
        for (col, value) in values(student, row, names.get(i).unwrap_or(&empty))?.into_iter().enumerate() {
            sheet.write_string(i as u32 + 1, col as u16, value)?;
        }
    }
    book.save_to_writer(out)
}

/// Parameters of a roster export job.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Params {
    pub export_id: i64,
    #[serde(flatten)]
    pub spec: Spec,
}

/// Where a job's files go, relative to the data directory.
pub fn job_dir(job: i64) -> PathBuf {
    PathBuf::from("jobs").join(job.to_string())
}

/// A writer that hashes what passes through.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
    size: u64,
}

impl<W: Write> Hashing<W> {
    fn new(inner: W) -> Self {
        Hashing { inner, hasher: Sha256::new(), size: 0 }
    }

    fn digest(self) -> (String, u64) {
        (hex::encode(self.hasher.finalize()), self.size)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Copies a stored file into the open zip entry, hashing it on the way.
fn copy_verified(store: &FileStore, file: &Attachment, out: &mut impl Write) -> Result<(), JobError> {
    let mut src = File::open(store.path_of(&file.sha256)).map_err(|e| JobError::fatal(format!("附件 {} 不存在 (missing): {e}", file.sha256)))?;
    let mut sink = Hashing::new(out);
    std::io::copy(&mut src, &mut sink)?;
    let (got, _) = sink.digest();
    if got != file.sha256 {
        return Err(JobError::fatal(format!("附件 {} 的 SHA-256 不符，檔案已毀損 (corrupt: read {got})", file.sha256)));
    }
    Ok(())
}

fn zip_err(e: zip::result::ZipError) -> JobError {
    JobError::transient(format!("zip: {e}"))
}

/// The job: checks again, writes the package to `jobs/{id}/{name}.zip.part`, verifies every file
/// while copying it, renames the package into place and records what it contained.
pub fn run(ctx: &Context, job: &Job, progress: &Progress) -> Result<Output, JobError> {
    let params: Params = serde_json::from_value(job.params.clone()).map_err(|e| JobError::fatal(format!("bad parameters: {e}")))?;
    let (school, export_id, spec) = (job.school_id, params.export_id, params.spec);
    let roster = spec.roster;
    // The events up to now sealed, so that the cover names the head that covers them.
    crate::history::seal(&ctx.db, ctx.clock.now())?;
    let (code, school_name, exported_by, created_at, contents) = ctx.db.read_blocking(|c| {
        let (code, name): (String, String) = schools::table.find(school).select((schools::code, schools::name)).first(c)?;
        let by: String = users::table.find(job.owner_id).select(users::display_name).first(c)?;
        let at: NaiveDateTime = re::table.find(export_id).select(re::created_at).first(c)?;
        Ok((code, name, by, at, super::load(c, school, &spec)?))
    })?;
    // Sync may have changed a student since the operator's check: the export checks again on the
    // snapshot it writes and refuses rather than drop a row.
    let issues = super::check(&contents, super::Files::Skip, crate::error::Lang::Zh);
    if let Some(first) = issues.first() {
        return Err(JobError::fatal(format!("名冊檢查有 {} 個問題，未匯出；第一個：{} {}（{}）", issues.len(), first.account, first.name, first.message)));
    }
    let total = contents.attachments() as i64 + 1;
    progress.set(0, total)?;

    let store = FileStore::new(&ctx.config.data_dir);
    let stem = package_stem(&code, &spec, created_at);
    let dir = job_dir(job.id);
    std::fs::create_dir_all(ctx.config.data_dir.join(&dir))?;
    let final_rel = dir.join(format!("{stem}.zip"));
    let part = ctx.config.data_dir.join(dir.join(format!("{stem}.zip.part")));
    // A run interrupted before (a killed process) left its part behind: start over.
    // Streamed (no seeking back), so the package is hashed as it is written, not read again.
    let mut zip = zip::ZipWriter::new_stream(Hashing::new(BufWriter::with_capacity(1 << 20, File::create(&part)?)));
    let mut names = Vec::with_capacity(contents.rows.len());
    for row in &contents.rows {
        let nid = contents.students.get(&row.student_id).and_then(|s| s.national_id.clone()).unwrap_or_default();
        names.push((
            row.document.as_ref().map(|f| attachment_name(&nid, &row.item, "document", f)),
            row.video.as_ref().map(|f| attachment_name(&nid, &row.item, "video", f)),
        ));
    }
    let (seq, hash) = ctx.db.read_blocking(move |c| crate::history::head(c, school))?;
    let history_head = format!("#{seq} {hash}");
    let cover = Cover { school_code: &code, school_name: &school_name, roster, spec: &spec, exported_at: created_at, exported_by: &exported_by, history_head: &history_head };
    let mut manifest = String::from("path,sha256,size\n");
    let book_name = format!("{stem}.xlsx");
    // The workbook is already compressed: stored as it is.
    zip.start_file(book_name.as_str(), SimpleFileOptions::default().compression_method(CompressionMethod::Stored).large_file(true)).map_err(zip_err)?;
    let tmp = ctx.config.data_dir.join(&dir);
    let mut sink = Hashing::new(&mut zip);
    workbook(&mut sink, &tmp, &cover, &contents, &names).map_err(|e| JobError::transient(format!("workbook: {e}")))?;
    let (book_sha, book_size) = sink.digest();
    manifest.push_str(&format!("{book_name},{book_sha},{book_size}\n"));
    let mut done = 1i64;
    progress.set(done, total)?;
    let mut last_report = std::time::Instant::now();
    for (row, (doc_name, video_name)) in contents.rows.iter().zip(&names) {
        for (file, name) in [(&row.document, doc_name), (&row.video, video_name)] {
            let (Some(file), Some(name)) = (file, name) else { continue };
            let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored).large_file(file.size >= u32::MAX as i64);
            zip.start_file(name.as_str(), options).map_err(zip_err)?;
            copy_verified(&store, file, &mut zip)?;
            manifest.push_str(&format!("{name},{},{}\n", file.sha256, file.size));
            done += 1;
            if last_report.elapsed() >= std::time::Duration::from_millis(500) || done == total {
                progress.set(done, total)?;
                last_report = std::time::Instant::now();
            }
        }
    }
    zip.start_file("manifest.csv", SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)).map_err(zip_err)?;
    zip.write_all(manifest.as_bytes())?;
    let out = zip.finish().map_err(zip_err)?.into_inner();
    let (sha256, size) = (hex::encode(out.hasher.finalize()), out.size as i64);
    let file = out.inner.into_inner().map_err(|e| JobError::transient(format!("flush: {e}")))?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&part, ctx.config.data_dir.join(&final_rel))?;

    record(ctx, export_id, &contents, &names, &sha256)?;
    progress.set(total, total)?;
    Ok(Output { path: final_rel, name: format!("{stem}.zip"), sha256, size })
}

/// Records what the package contained (replacing what an interrupted run may have left).
fn record(ctx: &Context, export_id: i64, contents: &Contents, names: &[(Option<String>, Option<String>)], sha256: &str) -> Result<(), JobError> {
    let sha256 = sha256.to_string();
    let students: std::collections::HashSet<i64> = contents.rows.iter().map(|r| r.student_id).collect();
    let (n_students, n_items, n_files) = (students.len() as i32, contents.rows.len() as i32, contents.attachments() as i32);
    type ItemRow = (i64, String, ItemKind, i64, bool, Option<String>, Option<String>, Option<String>, Option<String>);
    let items: Vec<ItemRow> = contents
        .rows
        .iter()
        .zip(names)
        .map(|(r, (dn, vn))| {
            // Kept encrypted, like the accounts' column (issue #26).
            let nid = contents.students.get(&r.student_id).and_then(|s| s.national_id.as_deref()).map(crate::national_id::seal).transpose()?.unwrap_or_default();
            Ok((r.student_id, nid, r.item.kind(), r.item.id(), r.item.imported(), dn.clone(), r.document.as_ref().map(|f| f.sha256.clone()), vn.clone(), r.video.as_ref().map(|f| f.sha256.clone())))
        })
        .collect::<crate::error::ApiResult<_>>()?;
    ctx.db.write_blocking(move |c| {
        diesel::delete(rei::table.filter(rei::export_id.eq(export_id))).execute(c)?;
        for chunk in items.chunks(500) {
            let values: Vec<_> = chunk
                .iter()
                .map(|(student, nid, kind, id, imported, dn, ds, vn, vs)| {
                    (
                        rei::export_id.eq(export_id),
                        rei::student_id.eq(*student),
                        rei::national_id.eq(nid.clone()),
                        rei::item_kind.eq(kind.as_str()),
                        rei::item_id.eq(*id),
                        rei::imported.eq(*imported),
                        rei::document_name.eq(dn.clone()),
                        rei::document_sha256.eq(ds.clone()),
                        rei::video_name.eq(vn.clone()),
                        rei::video_sha256.eq(vs.clone()),
                    )
                })
                .collect();
            // Batch inserts need the concrete backend (as sync's `insert_rows!` does).
            match c {
                DbConn::Sqlite(conn) => diesel::insert_into(rei::table).values(values).execute(conn)?,
                DbConn::Postgresql(conn) => diesel::insert_into(rei::table).values(values).execute(conn)?,
            };
        }
        diesel::update(re::table.find(export_id)).set((re::students.eq(n_students), re::items.eq(n_items), re::files.eq(n_files))).execute(c)?;
        // Sealed into the school's history chain (issue #26).
        let (school, roster, by, name): (i64, String, i64, String) = re::table.find(export_id).select((re::school_id, re::roster, re::exported_by, re::file_name)).first(c)?;
        let detail = serde_json::json!({"export": export_id, "roster": roster, "file_name": name, "package_sha256": sha256, "students": n_students, "items": n_items, "files": n_files});
        crate::history::note(c, school, Some(by), EventKind::RosterExported, detail, ctx.clock.now())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rosters::GradeSet;

    #[test]
    fn roc_dates_have_seven_digits() {
        assert_eq!(roc7(NaiveDate::from_ymd_opt(2009, 5, 1).unwrap()), "0980501");
        assert_eq!(roc7(NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()), "1151206");
    }

    #[test]
    fn package_names_follow_the_manual() {
        let spec = Spec { roster: RosterType::parse("26").unwrap(), grades: GradeSet::OneToThree, division: super::super::Division::Day, academic_year: 115, semester: 1 };
        let at = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap().and_hms_opt(3, 4, 5).unwrap();
        assert_eq!(package_stem("999999", &spec, at), "999999_115_1_26_20261206_11_04_05");
    }
}
