//! Receipts (收訖明細, manual 8.1, 8.2; issue #20): what the central database says it received.
//! The format (an AES-256 zip with `manifest.json`) is documented in `docs/receipts.md`; this
//! module reads it with every refusal (password, corrupt or hostile archive, schema version), sets
//! the confirmation windows (manual defaults, the national minimum), stores each import as a
//! version and resets exactly the students whose received rows changed, and keeps the students'
//! answers and problem reports. [`generator`] writes receipts from roster packages.

pub mod bench;
pub mod generator;
pub mod routes;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Cursor, Read};

use chrono::{Duration, NaiveDateTime, Timelike};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::identity::Module;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::schema::{receipt_answers as ra, receipt_imports as ri, receipt_students as rs, users};
use crate::terms::Term;

/// The function module of the receipts (Licheng's choice: the manual lists none; its menu calls
/// the function 維護收訖明細模組).
pub const MODULE: Module = Module::Receipts;
/// The manifest's schema version this build reads.
pub const SCHEMA_VERSION: i32 = 1;
/// The manifest's entry name.
pub const MANIFEST: &str = "manifest.json";
/// Largest upload accepted.
pub const MAX_UPLOAD: usize = 32 << 20;
/// Largest expanded entry.
pub const MAX_EXPANDED: u64 = 64 << 20;
/// Largest expansion ratio of an entry (zip bombs reach thousands).
pub const MAX_RATIO: u64 = 200;
/// Most entries in an archive.
pub const MAX_ENTRIES: usize = 1000;
/// The window covers at least this many Taipei dates (national rule "at least 3 days"; see
/// docs/receipts.md for why dates and not hours).
pub const MIN_WINDOW_DATES: i64 = 3;
/// Most problem reports a student files per category and term (a clear 409 `limit_reached`
/// beyond): the admin answers each one, so a runaway client must not bury the list.
pub const MAX_REPORTS_PER_CATEGORY: i64 = 20;

// The enum itself is `notify::message`'s (in-app reminders name the categories, below this
// module); what receipts add to it is here.
pub use crate::notify::message::Category;

impl Category {
    /// The short name of the statistics ("修課紀錄 2已確認/共362人, 學習成果 …, 幹部經歷 …").
    pub fn short_zh(self) -> &'static str {
        match self {
            Category::CourseRecords => "修課紀錄",
            Category::Results => "學習成果",
            Category::Performances => "多元表現",
            Category::Cadre => "幹部經歷",
        }
    }


    /// Whether the category of a term's receipt is imported only in a later term (manual 8.1.1:
    /// "修課紀錄、幹部經歷為每學期匯入", "學習成果、多元表現則為下學期才會進行匯入").
    pub fn next_semester_only(self) -> bool {
        matches!(self, Category::Results | Category::Performances)
    }

    /// The module an operator needs besides [`MODULE`] to import this category ("此區會依據角色群組權限提供可匯入之類別").
    pub fn import_module(self) -> Module {
        match self {
            Category::CourseRecords => MODULE,
            Category::Results => Module::SubmitResults,
            Category::Performances => Module::SubmitPerformances,
            Category::Cadre => Module::SubmitCadres,
        }
    }
}

/// The columns of course records (manual 8.1.2).
pub const COURSE_COLUMNS: [&str; 11] = ["課程代碼", "科目名稱", "開課年級", "修課學分", "學期學業成績", "成績及格", "補考成績", "補考及格", "是否採計學分", "質性文字描述", "行數"];

/// One roster the central database received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReceiptRosterInfo)]
pub struct RosterInfo {
    /// 名冊別 (`CR` for course records).
    pub roster: String,
    pub name: String,
    pub file_name: String,
    pub version: i32,
    /// The package's SHA-256 (lower-case hex).
    pub sha256: String,
}

/// One student's received rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudentRows {
    pub national_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    pub rows: Vec<Vec<String>>,
}

/// One category of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryPart {
    pub category: Category,
    pub rosters: Vec<RosterInfo>,
    pub columns: Vec<String>,
    pub students: Vec<StudentRows>,
}

/// `manifest.json` (docs/receipt-manifest.schema.json).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub schema_version: i32,
    pub school_code: String,
    pub academic_year: i32,
    pub semester: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<String>,
    pub categories: Vec<CategoryPart>,
}

fn invalid(zh: impl Into<std::borrow::Cow<'static, str>>, en: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    ApiError::with_detail(ErrorCode::ReceiptInvalid, zh, en)
}

/// Opens a receipt: checks every entry's name (zip-slip, duplicates), size and expansion ratio,
/// decrypts `manifest.json` with `password` and parses it. Every refusal is a clear error and
/// reads nothing further.
pub fn open(bytes: &[u8], password: &str) -> ApiResult<Manifest> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| invalid("檔案不是有效的 zip 壓縮檔（可能已損毀）。", format!("The file is not a valid zip archive (corrupt?): {e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(invalid("壓縮檔內的檔案過多。", "The archive has too many entries."));
    }
    let mut seen = HashSet::new();
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| invalid("壓縮檔已損毀。", format!("The archive is corrupt: {e}")))?;
        let name = f.name().map(|n| n.to_string()).map_err(|_| invalid("壓縮檔內有無法辨識的檔名。", "The archive has an unreadable entry name."))?;
        if crate::storage::hostile_name(&name) {
            return Err(invalid(format!("壓縮檔內有不安全的路徑：{name}"), format!("The archive has an unsafe entry name: {name}")));
        }
        if !seen.insert(name.to_lowercase()) {
            return Err(invalid(format!("壓縮檔內有重複的檔名：{name}"), format!("The archive has a duplicate entry: {name}")));
        }
        if f.size() > MAX_EXPANDED || f.size() > f.compressed_size().max(1).saturating_mul(MAX_RATIO) {
            return Err(invalid(format!("壓縮檔內的 {name} 解壓後過大（疑似壓縮炸彈）。"), format!("{name} expands too much (a zip bomb?).")));
        }
    }
    if !seen.contains(MANIFEST) {
        return Err(invalid("壓縮檔內沒有 manifest.json。", "The archive has no manifest.json."));
    }
    let mut data = Vec::new();
    {
        let entry = match zip.by_name_decrypt(MANIFEST, password.as_bytes()) {
            Ok(e) => e,
            Err(zip::result::ZipError::InvalidPassword) => {
                return Err(ApiError::with_detail(ErrorCode::ReceiptPassword, "解壓縮密碼錯誤。", "The password is wrong."));
            }
            Err(e) => return Err(invalid("壓縮檔已損毀。", format!("The archive is corrupt: {e}"))),
        };
        if !entry.encrypted() {
            return Err(invalid("收訖明細必須以密碼加密（AES-256）。", "A receipt must be encrypted (AES-256)."));
        }
        // The declared size was checked; the actual one is bounded too (a lying header).
        entry.take(MAX_EXPANDED + 1).read_to_end(&mut data).map_err(|e| {
            if e.to_string().to_lowercase().contains("password") || e.to_string().contains("HMAC") {
                ApiError::with_detail(ErrorCode::ReceiptPassword, "解壓縮密碼錯誤。", "The password is wrong.")
            } else {
                invalid("壓縮檔已損毀。", format!("The archive is corrupt: {e}"))
            }
        })?;
    }
    if data.len() as u64 > MAX_EXPANDED {
        return Err(invalid("manifest.json 解壓後過大（疑似壓縮炸彈）。", "manifest.json expands too much (a zip bomb?)."));
    }
    // The version first, with a probe that skips everything else without building it (a
    // `serde_json::Value` of a 64 MB manifest takes about ten times its size), then the manifest
    // straight into its types.
    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        schema_version: Option<serde_json::Value>,
    }
    let probe: Probe = serde_json::from_slice(&data).map_err(|e| invalid("manifest.json 不是有效的 JSON。", format!("manifest.json is not valid JSON: {e}")))?;
    let version = probe.schema_version.as_ref().and_then(|v| v.as_i64());
    if version != Some(SCHEMA_VERSION as i64) {
        let shown = probe.schema_version.map(|v| v.to_string().chars().take(20).collect::<String>()).unwrap_or_else(|| "（無）".into());
        return Err(invalid(format!("不支援的收訖明細格式版本：{shown}（本系統讀取版本 {SCHEMA_VERSION}）。"), format!("Unsupported receipt schema version {shown} (this system reads {SCHEMA_VERSION}).")));
    }
    let manifest: Manifest = serde_json::from_slice(&data).map_err(|e| invalid("manifest.json 的內容不符格式。", format!("manifest.json does not match the schema: {e}")))?;
    drop(data);
    let mut cats = HashSet::new();
    for part in &manifest.categories {
        if !cats.insert(part.category) {
            return Err(invalid(format!("類別 {} 出現兩次。", part.category.name_zh()), format!("Category {} appears twice.", part.category.as_str())));
        }
        if part.rosters.is_empty() || part.columns.is_empty() {
            return Err(invalid(format!("類別 {} 沒有名冊或欄位。", part.category.name_zh()), format!("Category {} has no rosters or columns.", part.category.as_str())));
        }
        if part.rosters.iter().any(|r| r.sha256.len() != 64 || !r.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))) {
            return Err(invalid("名冊的 SHA-256 格式不正確。", "A roster's SHA-256 is malformed."));
        }
        let mut nids = HashSet::new();
        for s in &part.students {
            if !nids.insert(s.national_id.trim().to_uppercase()) {
                return Err(invalid(format!("類別 {} 的學生 {} 出現兩次。", part.category.name_zh(), s.national_id), format!("A student appears twice in {}.", part.category.as_str())));
            }
            if s.rows.iter().any(|r| r.len() != part.columns.len()) {
                return Err(invalid(format!("類別 {} 有欄位數不符的資料列。", part.category.name_zh()), format!("A row of {} has the wrong number of columns.", part.category.as_str())));
            }
        }
    }
    Ok(manifest)
}

/// Writes a receipt archive: `manifest.json`, AES-256 encrypted with `password`.
pub fn write_archive(manifest: &Manifest, password: &str) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).with_aes_encryption(zip::AesMode::Aes256, password);
    zip.start_file(MANIFEST, options).map_err(|e| e.to_string())?;
    let json = serde_json::to_vec_pretty(manifest).map_err(|e| e.to_string())?;
    zip.write_all(&json).map_err(|e| e.to_string())?;
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}

/// The SHA-256 of a student's rows (canonical JSON), to tell a changed student.
pub fn digest(rows: &[Vec<String>]) -> String {
    let json = serde_json::to_vec(rows).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

/// The key of a set of rosters: each one's 名冊別, version and SHA-256, sorted. The same key is
/// 無異動; any other is 新版本.
pub fn rosters_key(rosters: &[RosterInfo]) -> String {
    let mut keys: Vec<String> = rosters.iter().map(|r| format!("{}:{}:{}", r.roster, r.version, r.sha256)).collect();
    keys.sort_unstable();
    keys.join(",")
}

/// The manual's default window for an import at `now` (UTC): start at the next whole hour one day
/// later, end at the whole hour three days later (Taipei; "3/25 10:27 系統將預設 3/26 11:00",
/// "… 3/28 11:00"). The hour is the same in UTC, Taipei being a whole-hour offset.
pub fn default_window(now: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
    let hour = now.with_minute(0).and_then(|t| t.with_second(0)).and_then(|t| t.with_nanosecond(0)).unwrap_or(now) + Duration::hours(1);
    (hour + Duration::days(1), hour + Duration::days(3))
}

/// The Taipei date of a UTC time.
pub fn taipei_date(t: NaiveDateTime) -> chrono::NaiveDate {
    crate::notify::reminders::taipei(t).0
}

/// The national minimum: the end after the start, and the window covering at least
/// [`MIN_WINDOW_DATES`] Taipei dates.
pub fn check_window(start: NaiveDateTime, end: NaiveDateTime) -> Result<(), (String, String)> {
    if end <= start {
        return Err(("截止時間必須晚於開始時間".into(), "the end must be after the start".into()));
    }
    if (taipei_date(end) - taipei_date(start)).num_days() + 1 < MIN_WINDOW_DATES {
        return Err((format!("收訖明細確認期間至少需 {MIN_WINDOW_DATES} 天（國教署規定）"), format!("the confirmation window lasts at least {MIN_WINDOW_DATES} days (national rule)")));
    }
    Ok(())
}

/// What an import did (or, dry, would do) for a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ReceiptImportOutcome)]
pub enum Outcome {
    /// The first import of the category this term.
    New,
    /// 新版本: the rosters changed; `reset` students must confirm again.
    NewVersion,
    /// 無異動: the same rosters; nothing was imported (the window is updated when given).
    Unchanged,
}

/// A stored import (the category's current one is the newest).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ri)]
pub struct ImportRow {
    pub id: i64,
    pub school_id: i64,
    pub academic_year: i32,
    pub semester: i32,
    pub category: String,
    pub file_name: String,
    pub schema_version: i32,
    pub rosters: String,
    pub rosters_key: String,
    pub column_names: String,
    pub uploaded_by: i64,
    pub window_start: NaiveDateTime,
    pub window_end: NaiveDateTime,
    pub students: i32,
    pub unmatched: i32,
    pub reset_students: i32,
    pub created_at: NaiveDateTime,
}

impl ImportRow {
    pub fn rosters(&self) -> Vec<RosterInfo> {
        serde_json::from_str(&self.rosters).unwrap_or_default()
    }

    pub fn columns(&self) -> Vec<String> {
        serde_json::from_str(&self.column_names).unwrap_or_default()
    }

    pub fn category(&self) -> ApiResult<Category> {
        Category::parse(&self.category).ok_or_else(|| ApiError::internal(format!("unknown receipt category {}", self.category)))
    }
}

/// The current imports of a term, per category.
pub fn current_imports(c: &mut DbConn, school: i64, term: Term) -> ApiResult<BTreeMap<Category, ImportRow>> {
    let rows: Vec<ImportRow> = ri::table
        .filter(ri::school_id.eq(school))
        .filter(ri::academic_year.eq(term.academic_year))
        .filter(ri::semester.eq(term.semester))
        .order(ri::id.asc())
        .select(ImportRow::as_select())
        .load(c)?;
    let mut out = BTreeMap::new();
    for r in rows {
        out.insert(r.category()?, r);
    }
    Ok(out)
}

/// The term after `t` (semester 1 → 2 of the same year, 2 → 1 of the next).
pub fn next_term(t: Term) -> Term {
    if t.semester >= 2 {
        Term { academic_year: t.academic_year + 1, semester: 1 }
    } else {
        Term { academic_year: t.academic_year, semester: 2 }
    }
}

/// Manual 8.1.1: "修課紀錄、幹部經歷為每學期匯入", "學習成果、多元表現則為下學期才會進行匯入" — the
/// learning results and performances of the receipt's term go in only once the school's current
/// term is a later one; course records and cadre in any term. Refused with 409 `invalid_state`
/// naming the held-back categories and the term from which they go in.
pub fn check_import_term(current: Option<Term>, receipt: Term, chosen: &[Category]) -> ApiResult<()> {
    let held: Vec<Category> = chosen.iter().copied().filter(|c| c.next_semester_only()).collect();
    if held.is_empty() {
        return Ok(());
    }
    let zh: Vec<&str> = held.iter().map(|c| c.name_zh()).collect();
    let en: Vec<&str> = held.iter().map(|c| c.name_en()).collect();
    let from = next_term(receipt).code();
    match current {
        Some(now) if now > receipt => Ok(()),
        Some(now) => Err(ApiError::with_detail(
            ErrorCode::InvalidState,
            format!("學習成果、多元表現則為下學期才會進行匯入：{} 學期收訖明細的{}須於下學期（{from}）起匯入，本校目前為 {}；本學期可先匯入修課紀錄、幹部經歷。", receipt.code(), zh.join("、"), now.code()),
            format!("Learning results and performances are imported in the next semester: the {} of the {} receipt can be imported from {from} on; the school is in {}. Course records and cadre can be imported now.", en.join(" and "), receipt.code(), now.code()),
        )),
        None => Err(ApiError::with_detail(
            ErrorCode::InvalidState,
            format!("學校尚未設定目前學年期，無法確認是否已到下學期（{}須於下學期匯入）。", zh.join("、")),
            format!("The school has no current term yet, so it cannot be told whether the next semester has come ({} are imported in the next semester).", en.join(" and ")),
        )),
    }
}

/// The school's students matched by blind index (`national_id::students_by_index`; no decryption)
/// to the national IDs of `parts`: upper-case national ID → student.
pub fn students_of(c: &mut DbConn, school: i64, parts: &[&CategoryPart]) -> ApiResult<HashMap<String, i64>> {
    let nids: HashSet<String> = parts.iter().flat_map(|p| p.students.iter().map(|s| s.national_id.trim().to_uppercase())).collect();
    let nids: Vec<String> = nids.into_iter().collect();
    crate::national_id::students_by_index(c, school, &nids)
}

/// A student's rows of an import: student → (rows json, digest, count).
pub fn import_students(c: &mut DbConn, import: i64) -> ApiResult<HashMap<i64, (String, String, i32)>> {
    let rows: Vec<(i64, String, String, i32)> = rs::table.filter(rs::import_id.eq(import)).select((rs::student_id, rs::rows_json, rs::digest, rs::row_count)).load(c)?;
    Ok(rows.into_iter().map(|(s, j, d, n)| (s, (j, d, n))).collect())
}

/// The plan of one category: what importing it would do.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = ReceiptCategoryPlan)]
pub struct CategoryPlan {
    pub category: Category,
    pub outcome: Outcome,
    pub rosters: Vec<RosterInfo>,
    /// Students of this school in the receipt.
    pub students: usize,
    /// National IDs of the receipt that match no student of this school.
    pub unmatched: usize,
    /// 新版本: students whose received rows changed, appeared or disappeared (their answers are reset).
    pub reset: usize,
    #[serde(serialize_with = "crate::time::utc")]
    pub window_start: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc")]
    pub window_end: NaiveDateTime,
    /// 新版本 / 無異動 in words.
    pub message: String,
    /// Dry run only: why this category cannot be imported yet (manual 8.1.1: 學習成果、多元表現則為
    /// 下學期才會進行匯入 — an import naming it is refused with 409 `invalid_state`); null when it can.
    pub held: Option<String>,
}

/// A category matched against the school: student → (national ID, rows).
pub struct Matched<'a> {
    pub part: &'a CategoryPart,
    pub students: BTreeMap<i64, (&'a str, &'a Vec<Vec<String>>)>,
    pub unmatched: usize,
}

pub fn match_students<'a>(part: &'a CategoryPart, ids: &HashMap<String, i64>) -> Matched<'a> {
    let mut students = BTreeMap::new();
    let mut unmatched = 0;
    for s in &part.students {
        match ids.get(&s.national_id.trim().to_uppercase()) {
            Some(id) => {
                students.insert(*id, (s.national_id.as_str(), &s.rows));
            }
            None => unmatched += 1,
        }
    }
    Matched { part, students, unmatched }
}

/// Students whose rows differ between the previous import and the new one (changed, new or gone).
pub fn changed_students(previous: &HashMap<i64, (String, String, i32)>, next: &BTreeMap<i64, (&str, &Vec<Vec<String>>)>) -> Vec<i64> {
    let mut out: Vec<i64> = next.iter().filter(|(id, (_, rows))| previous.get(id).map(|p| p.1.as_str()) != Some(digest(rows).as_str())).map(|(id, _)| *id).collect();
    out.extend(previous.keys().filter(|id| !next.contains_key(id)).copied());
    out.sort_unstable();
    out.dedup();
    out
}

/// Resets the answers of `students` in a category of a term (they must confirm again).
pub fn reset_answers(c: &mut DbConn, school: i64, term: Term, category: Category, students: &[i64]) -> ApiResult<usize> {
    let mut n = 0;
    for chunk in students.chunks(1000) {
        n += diesel::delete(
            ra::table
                .filter(ra::school_id.eq(school))
                .filter(ra::academic_year.eq(term.academic_year))
                .filter(ra::semester.eq(term.semester))
                .filter(ra::category.eq(category.as_str()))
                .filter(ra::student_id.eq_any(chunk.to_vec())),
        )
        .execute(c)?;
    }
    Ok(n)
}

/// A student's answer state in a category: 待確認, 已確認 or 錯誤回報.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ReceiptAnswerState)]
pub enum AnswerState {
    Pending,
    Confirmed,
    Reported,
}

impl AnswerState {
    pub const ALL: [AnswerState; 3] = [AnswerState::Pending, AnswerState::Confirmed, AnswerState::Reported];
    /// The states a `receipt_answers` row holds: `pending` is the absence of a row.
    pub const STORED: [AnswerState; 2] = [AnswerState::Confirmed, AnswerState::Reported];

    /// The stored and wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerState::Pending => "pending",
            AnswerState::Confirmed => "confirmed",
            AnswerState::Reported => "reported",
        }
    }

    /// The stored state (`receipt_answers.state`); anything else is an error, never `pending`.
    pub fn parse(s: &str) -> ApiResult<AnswerState> {
        AnswerState::STORED.into_iter().find(|st| st.as_str() == s).ok_or_else(|| ApiError::bad_stored("receipt_answers.state", s))
    }

    pub fn zh(self) -> &'static str {
        match self {
            AnswerState::Pending => "待確認",
            AnswerState::Confirmed => "已確認",
            AnswerState::Reported => "錯誤回報",
        }
    }
}

/// The answers of a term: (category, student) → state; of one student only when given (filtered
/// in SQL: a student's page does not load the school's answers).
pub fn answers(c: &mut DbConn, school: i64, term: Term, student: Option<i64>) -> ApiResult<HashMap<(Category, i64), AnswerState>> {
    let mut q = ra::table
        .filter(ra::school_id.eq(school))
        .filter(ra::academic_year.eq(term.academic_year))
        .filter(ra::semester.eq(term.semester))
        .select((ra::category, ra::student_id, ra::state))
        .into_boxed();
    if let Some(s) = student {
        q = q.filter(ra::student_id.eq(s));
    }
    let rows: Vec<(String, i64, String)> = q.load(c)?;
    rows.into_iter()
        .map(|(cat, s, st)| {
            let cat = Category::parse(&cat).ok_or_else(|| ApiError::bad_stored("receipt_answers.category", &cat))?;
            Ok(((cat, s), AnswerState::parse(&st)?))
        })
        .collect()
}

/// Per student, the terms and categories to remind of with their window's end ([`due_reminders`]).
pub type DueReminders = BTreeMap<i64, Vec<(Term, Category, NaiveDateTime)>>;

/// The students to remind at `now`: every student in a category's receipt who has not answered,
/// on the (Taipei) day the window opens and within its last 24 hours; per student the terms and
/// categories with their window's end. Every term with a window open now counts, not only the
/// current one: learning results and performances of a term are imported — and answered — in the
/// next (manual 8.1.1).
pub fn due_reminders(c: &mut DbConn, school: i64, now: NaiveDateTime) -> ApiResult<DueReminders> {
    let open_terms: Vec<(i32, i32)> =
        ri::table.filter(ri::school_id.eq(school)).filter(ri::window_start.le(now)).filter(ri::window_end.gt(now)).select((ri::academic_year, ri::semester)).distinct().load(c)?;
    let mut due: BTreeMap<i64, Vec<(Term, Category, NaiveDateTime)>> = BTreeMap::new();
    for (academic_year, semester) in open_terms {
        let term = Term { academic_year, semester };
        let imports = current_imports(c, school, term)?;
        let answered = answers(c, school, term, None)?;
        for (cat, imp) in &imports {
            let open = imp.window_start <= now && now < imp.window_end;
            let opening = taipei_date(now) == taipei_date(imp.window_start);
            let closing = imp.window_end - now <= Duration::days(1);
            if !open || !(opening || closing) {
                continue;
            }
            let students: Vec<i64> = rs::table.filter(rs::import_id.eq(imp.id)).select(rs::student_id).load(c)?;
            for s in students.into_iter().filter(|s| !answered.contains_key(&(*cat, *s))) {
                due.entry(s).or_default().push((term, *cat, imp.window_end));
            }
        }
    }
    Ok(due)
}

/// One line per term and category: `・1151 修課紀錄（確認期限 115/12/09 11:00）`.
fn reminder_lines(items: &[(Term, Category, NaiveDateTime)]) -> Vec<String> {
    items
        .iter()
        .map(|(term, cat, end)| {
            let local = crate::settings::periods::utc_to_taipei(*end);
            format!("・{} {}（確認期限 {} {}）", term.code(), cat.name_zh(), crate::time::roc_date(local.date()), local.format("%H:%M"))
        })
        .collect()
}

/// Reminder mails (issue #20 item 4): see [`due_reminders`]; one mail per student and day (the
/// outbox's key) naming every such category.
pub fn reminders(c: &mut DbConn, school: i64, now: NaiveDateTime, link: &str) -> ApiResult<Vec<crate::notify::reminders::Planned>> {
    let due = due_reminders(c, school, now)?;
    reminders_of(c, &due, link)
}

/// [`reminders`] of students already found due (the scheduler finds them once per pass).
pub fn reminders_of(c: &mut DbConn, due: &DueReminders, link: &str) -> ApiResult<Vec<crate::notify::reminders::Planned>> {
    let ids: Vec<i64> = due.keys().copied().collect();
    let mut out = Vec::new();
    for chunk in ids.chunks(5000) {
        let people: Vec<(i64, String, Option<String>, Option<String>)> =
            users::table.filter(users::id.eq_any(chunk.to_vec())).filter(users::active.eq(true)).select((users::id, users::display_name, users::email, users::backup_email)).load(c)?;
        for (id, name, email, backup) in people {
            let Some(recipient) = crate::notify::reminders::address(email, backup) else { continue };
            let Some(items) = due.get(&id) else { continue };
            let lines = reminder_lines(items);
            out.push(crate::notify::reminders::Planned {
                user_id: id,
                recipient,
                reason: crate::notify::reminders::Reason::ReceiptPending,
                subject: "【學習歷程】請確認收訖明細".into(),
                body: format!(
                    "{name} 同學您好：\n\n中央資料庫已回傳您的收訖明細，請在期限內確認資料正確或回報問題：\n{}\n\n請登入確認：{link}/student/receipts\n\n（此為系統自動寄送的提醒信。）",
                    lines.join("\n")
                ),
            });
        }
    }
    Ok(out)
}

/// In-app reminders (issue #20 item 4, "mail and in-app"): the same students and days as the
/// mails, whether or not they have a mail address or the school a mail server; at most one a
/// Taipei day per student. Returns how many are due; with `add` it also adds them (the scheduler
/// counts in a read and adds in a write only when some are due).
pub fn in_app_reminders(c: &mut DbConn, school: i64, now: NaiveDateTime, add: bool) -> ApiResult<usize> {
    let due = due_reminders(c, school, now)?;
    in_app_reminders_of(c, school, now, &due, add)
}

/// [`in_app_reminders`] of students already found due (the scheduler finds them once per pass;
/// those reminded since are skipped here).
pub fn in_app_reminders_of(c: &mut DbConn, school: i64, now: NaiveDateTime, due: &DueReminders, add: bool) -> ApiResult<usize> {
    use crate::schema::notifications as n;
    if due.is_empty() {
        return Ok(0);
    }
    let day_start = crate::settings::periods::taipei_to_utc(taipei_date(now), 0);
    let ids: Vec<i64> = due.keys().copied().collect();
    let mut done: HashSet<i64> = HashSet::new();
    for chunk in ids.chunks(5000) {
        done.extend(
            n::table
                .filter(n::school_id.eq(school))
                .filter(n::kind.eq(crate::notify::inbox::NotificationKind::ReceiptPending.as_str()))
                .filter(n::created_at.ge(day_start))
                .filter(n::user_id.eq_any(chunk.to_vec()))
                .select(n::user_id)
                .load::<i64>(c)?,
        );
        done.extend(users::table.filter(users::id.eq_any(chunk.to_vec())).filter(users::active.eq(false)).select(users::id).load::<i64>(c)?);
    }
    let mut added = 0;
    for (student, items) in due.iter().filter(|(s, _)| !done.contains(s)) {
        if add {
            let due = items.iter().map(|(term, cat, end)| crate::notify::inbox::ReceiptDue { term: term.code(), category: cat.as_str().to_string(), end: *end }).collect();
            crate::notify::inbox::add(c, crate::notify::inbox::New { school_id: school, user_id: *student, message: crate::notify::inbox::Message::ReceiptPending { due }, result_id: None }, now)?;
        }
        added += 1;
    }
    Ok(added)
}

/// A problem report's kind (錯誤類別).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ReceiptReportKind)]
pub enum ReportKind {
    /// 資料有多.
    Extra,
    /// 資料有少.
    Missing,
    /// 資料有誤.
    Wrong,
}

impl ReportKind {
    pub const ALL: [ReportKind; 3] = [ReportKind::Extra, ReportKind::Missing, ReportKind::Wrong];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Extra => "extra",
            ReportKind::Missing => "missing",
            ReportKind::Wrong => "wrong",
        }
    }

    pub fn parse(s: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            ReportKind::Extra => "資料有多",
            ReportKind::Missing => "資料有少",
            ReportKind::Wrong => "資料有誤",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn t(d: u32, h: u32, m: u32) -> NaiveDateTime {
        // Taipei → UTC.
        NaiveDate::from_ymd_opt(2021, 3, d).unwrap().and_hms_opt(h, m, 0).unwrap() - Duration::hours(8)
    }

    #[test]
    fn default_window_is_the_manuals() {
        // 備註說明 A: "開始時間預設為隔天整點，例如:3/25 10:27 系統將預設 3/26 11:00"
        // 備註說明 B: "結束時間預設為三天後整點，例如 3/25 10:27 系統將預設 3/28 11:00"
        let (s, e) = default_window(t(25, 10, 27));
        assert_eq!((s, e), (t(26, 11, 0), t(28, 11, 0)));
        assert!(check_window(s, e).is_ok());
    }

    #[test]
    fn window_shorter_than_three_days_is_refused() {
        assert!(check_window(t(26, 11, 0), t(27, 23, 0)).is_err());
        assert!(check_window(t(26, 11, 0), t(26, 10, 0)).is_err());
        assert!(check_window(t(26, 0, 0), t(28, 0, 30)).is_ok());
    }

    #[test]
    fn results_and_performances_wait_for_the_next_semester() {
        // Manual 8.1.1: "修課紀錄、幹部經歷為每學期匯入", "學習成果、多元表現則為下學期才會進行匯入".
        let t = |academic_year, semester| Term { academic_year, semester };
        assert!(check_import_term(Some(t(115, 1)), t(115, 1), &[Category::CourseRecords, Category::Cadre]).is_ok());
        assert!(check_import_term(Some(t(115, 1)), t(115, 1), &Category::ALL).is_err());
        assert!(check_import_term(Some(t(115, 1)), t(115, 2), &[Category::Results]).is_err());
        assert!(check_import_term(Some(t(115, 2)), t(115, 1), &Category::ALL).is_ok());
        assert!(check_import_term(Some(t(116, 1)), t(115, 2), &[Category::Performances]).is_ok());
        assert!(check_import_term(None, t(115, 1), &[Category::Results]).is_err());
        assert!(check_import_term(None, t(115, 1), &[Category::CourseRecords]).is_ok());
        assert_eq!((next_term(t(115, 1)), next_term(t(115, 2))), (t(115, 2), t(116, 1)));
    }
}
