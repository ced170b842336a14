//! Transfer export and import (轉學生學習歷程資料匯出/匯入; manual 6.1, 6.2; FAQ 000 五 Q1–Q3;
//! issue #21). The old school exports students' learning results, performances and cadre records
//! as an AES-256 zip with a manifest ([`Manifest`], format in `docs/transfers.md`), made by a job
//! ([`package::run`]); the new school imports it with its MD5 and password ([`package::import`]).
//! Imported items live in `transfer_items`, apart from the school's own results and performances:
//! read-only by construction (no teacher's queue and no student's edit reaches them).

pub mod package;
pub mod routes;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::identity::Module;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::schema::{cadre_records as cr, courses, learning_result_events as ev, learning_results as lr, performances as pf, selections as sel, stored_files as sf, student_profiles as sp, users};

/// The job kind of a transfer export.
pub const JOB_KIND: crate::jobs::JobKind = crate::jobs::JobKind::TransferExport;
/// The job kind of a transfer import.
pub const IMPORT_JOB_KIND: crate::jobs::JobKind = crate::jobs::JobKind::TransferImport;
/// The function module of 6.1 匯出學生學習歷程資料.
pub const EXPORT_MODULE: Module = Module::TransferExport;
/// The function module of 6.2 匯入學生學習歷程資料.
pub const IMPORT_MODULE: Module = Module::TransferImport;
/// `format` of every manifest.
pub const FORMAT: &str = "licheng-transfer";
/// The manifest version this server writes. Version 1 (entries named `files/{national ID}/…`) and
/// version 2 (a performance's link written `link`, as the column, not `external_link`, as the API)
/// are still read: the importer follows the manifest's paths whatever they are, and takes either
/// name of the link.
pub const VERSION: u32 = 3;
/// Every manifest version this server reads.
pub const READS: [u32; 3] = [1, 2, 3];
/// The key purpose the packages' passwords are sealed under.
pub const PASSWORD_PURPOSE: &str = "transfer-package-password";

// ---------------------------------------------------------------------------------------------
// National-ID lookups. Every query of this module that compares a national ID goes through these
// two functions, so encrypting national IDs at rest changes only them.

/// The students of `school` whose national ID is one of `ids`: national ID → user id.
/// National IDs are encrypted at rest: matched by their blind index (issue #26).
pub fn students_by_national_id(c: &mut DbConn, school: i64, ids: &[String]) -> ApiResult<HashMap<String, i64>> {
    crate::national_id::students_by_index(c, school, ids)
}

/// A student's national ID from its stored (encrypted) form (`None` when blank).
pub fn national_id_of(stored: Option<String>) -> Option<String> {
    crate::national_id::reveal(stored.as_deref())
}
// ---------------------------------------------------------------------------------------------

/// A national ID as the screens show it (manual 6.1: `F13XX51101`): the 4th and 5th characters
/// hidden.
pub fn mask_national_id(nid: &str) -> String {
    nid.chars().enumerate().map(|(i, ch)| if i == 3 || i == 4 { 'X' } else { ch }).collect()
}

/// `{school}_{yyyy_MM_dd_HH_mm_ss}.zip`, Taipei time (manual 6.1: `666666_2022_02_25_11_38_07.zip`).
pub fn package_name(school_code: &str, at: NaiveDateTime) -> String {
    let local = at + chrono::Duration::hours(8);
    format!("{school_code}_{}.zip", local.format("%Y_%m_%d_%H_%M_%S"))
}

fn iso(t: NaiveDateTime) -> String {
    crate::time::rfc3339(&t)
}

/// The manifest (docs/transfers.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub exported_at: String,
    pub source_school: SourceSchool,
    pub students: Vec<StudentRecord>,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SourceSchool {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StudentRecord {
    pub national_id: String,
    pub birth_date: Option<NaiveDate>,
    pub number: Option<String>,
    pub name: String,
    pub grade: Option<i32>,
    pub class_code: Option<String>,
    pub seat_no: Option<i32>,
    pub learning_results: Vec<ResultRecord>,
    pub performances: Vec<PerformanceRecord>,
    pub cadre_records: Vec<CadreRecord>,
}

/// A file of an item.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileRef {
    pub path: String,
    pub sha256: String,
    pub size: i64,
    pub kind: String,
    pub original_name: String,
}

/// One entry of `files[]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub size: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Decision {
    pub state: String,
    pub teacher: Option<String>,
    pub teacher_account: Option<String>,
    pub reason: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Event {
    pub action: String,
    pub state: String,
    pub actor: Option<String>,
    pub actor_account: Option<String>,
    pub reason: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ResultRecord {
    pub id: i64,
    pub course_code: String,
    pub subject: String,
    pub credits: i32,
    pub academic_year: i32,
    pub semester: i32,
    pub description: String,
    pub state: String,
    pub reject_reason: Option<String>,
    pub created_at: String,
    pub submitted_at: Option<String>,
    pub decided_at: Option<String>,
    /// Selected (勾選) for submission at the old school, for its academic year.
    #[serde(default)]
    pub selected: bool,
    pub decisions: Vec<Decision>,
    pub history: Vec<Event>,
    pub document: Option<FileRef>,
    pub video: Option<FileRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PerformanceRecord {
    pub id: i64,
    /// The performance's fields, under the same names as its columns (`docs/transfers.md`).
    #[serde(flatten)]
    pub fields: crate::uploads::fields::PerformanceFields,
    pub created_at: String,
    /// Selected (勾選) for submission at the old school, for its academic year.
    #[serde(default)]
    pub selected: bool,
    pub document: Option<FileRef>,
    pub video: Option<FileRef>,
}

/// A school cadre record as the student's school has it (the same fields in the package).
pub use crate::uploads::performances::CadreRecord;

/// A result whose course lacks its 23-character code (FAQ 000 五 Q3).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MissingCode {
    pub student_id: i64,
    pub student_name: String,
    pub subject: String,
    pub course_code: String,
    pub academic_year: i32,
    pub semester: i32,
}

impl MissingCode {
    /// The refusal's entry for a result whose course code is not the 23-character one (FAQ 000 五
    /// Q3); `None` when it is. [`precheck`] and [`snapshot`] both decide through it.
    fn of(student_id: i64, student_name: &str, subject: &str, course_code: &str, academic_year: i32, semester: i32) -> Option<MissingCode> {
        (course_code.trim().chars().count() != crate::uploads::fields::COURSE_CODE_LEN).then(|| MissingCode {
            student_id,
            student_name: student_name.to_string(),
            subject: subject.to_string(),
            course_code: course_code.to_string(),
            academic_year,
            semester,
        })
    }
}

/// What an export contains, read in one go.
pub struct Snapshot {
    pub students: Vec<(i64, StudentRecord)>,
    /// Students without a national ID (the receiving school could not match them).
    pub without_national_id: Vec<String>,
    pub missing_codes: Vec<MissingCode>,
}

/// A file's entry in the package: `files/{n}.{kind}`, numbered in the order the manifest refers to
/// them. AES covers the entries' contents, not their names: a name carries nothing of the student
/// (version 1 named them by national ID).
fn file_ref(files: &HashMap<i64, (String, i64, String, String)>, id: Option<i64>, next: &mut usize) -> Option<FileRef> {
    let (sha256, size, kind, original_name) = files.get(&id?)?.clone();
    *next += 1;
    Some(FileRef { path: format!("files/{:05}.{kind}", *next), sha256, size, kind, original_name })
}

type ResultRow = (i64, i64, String, String, i32, i32, i32, String, String, Option<String>, NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>, Option<i64>, Option<i64>);

fn all_found(found: usize, ids: &[i64]) -> ApiResult<()> {
    if found != ids.iter().collect::<std::collections::HashSet<_>>().len() {
        return Err(ApiError::validation().field("student_ids", "有學生不存在或不屬於本校", "a student does not exist in this school"));
    }
    Ok(())
}

/// The refusal an export of `ids` would meet ([`Snapshot::refusal`]), read from the few columns it
/// needs (the students' national IDs, the course codes of their results) rather than the whole
/// snapshot: the request checks it before queueing the job, which reads the snapshot once.
pub fn precheck(c: &mut DbConn, school: i64, ids: &[i64]) -> ApiResult<Option<ApiError>> {
    let found: Vec<(i64, String, Option<String>)> = users::table
        .filter(users::school_id.eq(school))
        .filter(users::kind.eq("student"))
        .filter(users::id.eq_any(ids.to_vec()))
        .order(users::id.asc())
        .select((users::id, users::display_name, users::national_id))
        .load(c)?;
    all_found(found.len(), ids)?;
    let names: HashMap<i64, String> = found.iter().map(|(id, name, _)| (*id, name.clone())).collect();
    let codes: Vec<(i64, String, String, i32, i32)> = lr::table
        .inner_join(courses::table.on(courses::id.eq(lr::course_id)))
        .filter(lr::school_id.eq(school))
        .filter(lr::student_id.eq_any(ids.to_vec()))
        .filter(crate::uploads::live::<lr::table>())
        .order(lr::id.asc())
        .select((lr::student_id, courses::subject_name, courses::course_code, lr::academic_year, lr::semester))
        .load(c)?;
    let snap = Snapshot {
        students: Vec::new(),
        without_national_id: found.into_iter().filter(|(_, _, nid)| national_id_of(nid.clone()).is_none()).map(|(_, name, _)| name).collect(),
        missing_codes: codes
            .into_iter()
            .filter_map(|(student_id, subject, course_code, academic_year, semester)| {
                MissingCode::of(student_id, names.get(&student_id).map_or("", String::as_str), &subject, &course_code, academic_year, semester)
            })
            .collect(),
    };
    Ok(snap.refusal())
}

/// Reads the students of `school` in `ids` with everything the package carries: results not
/// deleted (every state) with their decisions and history, performances not deleted, cadre
/// records. Unknown ids (or another school's) are an error naming none of them.
pub fn snapshot(c: &mut DbConn, school: i64, ids: &[i64]) -> ApiResult<Snapshot> {
    type S = (i64, Option<String>, String, Option<String>, Option<NaiveDate>, Option<i32>, Option<String>, Option<i32>);
    let found: Vec<S> = users::table
        .left_join(sp::table.on(sp::user_id.eq(users::id)))
        .filter(users::school_id.eq(school))
        .filter(users::kind.eq("student"))
        .filter(users::id.eq_any(ids.to_vec()))
        .order(users::id.asc())
        .select((users::id, users::number, users::display_name, users::national_id, sp::birth_date.nullable(), sp::grade.nullable(), sp::class_code.nullable(), sp::seat_no.nullable()))
        .load(c)?;
    all_found(found.len(), ids)?;
    let results: Vec<ResultRow> = lr::table
        .inner_join(courses::table.on(courses::id.eq(lr::course_id)))
        .filter(lr::school_id.eq(school))
        .filter(lr::student_id.eq_any(ids.to_vec()))
        .filter(crate::uploads::live::<lr::table>())
        .order(lr::id.asc())
        .select((
            lr::id,
            lr::student_id,
            courses::course_code,
            courses::subject_name,
            courses::credits,
            lr::academic_year,
            lr::semester,
            lr::description,
            lr::state,
            lr::reject_reason,
            lr::created_at,
            lr::submitted_at,
            lr::decided_at,
            lr::document_file_id,
            lr::video_file_id,
        ))
        .load(c)?;
    let result_ids: Vec<i64> = results.iter().map(|r| r.0).collect();
    type E = (i64, String, String, Option<String>, Option<String>, Option<String>, NaiveDateTime);
    let mut events: Vec<E> = Vec::new();
    for chunk in result_ids.chunks(500) {
        events.extend(
            ev::table
                .left_join(users::table.on(users::id.nullable().eq(ev::actor_id)))
                .filter(ev::result_id.eq_any(chunk.to_vec()))
                .order((ev::at.asc(), ev::id.asc()))
                .select((ev::result_id, ev::action, ev::state, users::display_name.nullable(), users::account.nullable(), ev::reason, ev::at))
                .load::<E>(c)?,
        );
    }
    let performances: Vec<(i64, i64, NaiveDateTime, Option<i64>, Option<i64>, crate::uploads::fields::PerformanceFields)> = pf::table
        .filter(pf::school_id.eq(school))
        .filter(pf::student_id.eq_any(ids.to_vec()))
        .filter(crate::uploads::live::<pf::table>())
        .order(pf::id.asc())
        .select((
            pf::id,
            pf::student_id,
            pf::created_at,
            pf::document_file_id,
            pf::video_file_id,
            crate::uploads::fields::PerformanceFields::as_select(),
        ))
        .load(c)?;
    type C = (i64, i64, i32, i32, String, String, Option<String>, NaiveDate, Option<NaiveDate>);
    let cadres: Vec<C> = cr::table
        .filter(cr::school_id.eq(school))
        .filter(cr::active.eq(true))
        .filter(cr::student_id.eq_any(ids.to_vec()))
        .order(cr::id.asc())
        .select((cr::id, cr::student_id, cr::academic_year, cr::semester, cr::unit, cr::position, cr::level, cr::start_date, cr::end_date))
        .load(c)?;
    let selected: std::collections::HashSet<(String, i64)> = sel::table
        .filter(sel::school_id.eq(school))
        .filter(sel::student_id.eq_any(ids.to_vec()))
        .select((sel::item_kind, sel::item_id))
        .load::<(String, i64)>(c)?
        .into_iter()
        .collect();
    let is_selected = |kind: crate::selections::Kind, id: i64| selected.contains(&(kind.item_kind().to_string(), id));
    let file_ids: Vec<i64> = results.iter().flat_map(|r| [r.13, r.14]).chain(performances.iter().flat_map(|p| [p.3, p.4])).flatten().collect();
    let mut files: HashMap<i64, (String, i64, String, String)> = HashMap::new();
    for chunk in file_ids.chunks(500) {
        let rows: Vec<(i64, String, i64, String, String)> = sf::table.filter(sf::id.eq_any(chunk.to_vec())).select((sf::id, sf::sha256, sf::size, sf::kind, sf::original_name)).load(c)?;
        files.extend(rows.into_iter().map(|(id, a, b, k, n)| (id, (a, b, k, n))));
    }

    let mut out = Snapshot { students: Vec::new(), without_national_id: Vec::new(), missing_codes: Vec::new() };
    let mut next_file = 0usize;
    for (id, number, name, nid, birth_date, grade, class_code, seat_no) in found {
        let Some(nid) = national_id_of(nid) else {
            out.without_national_id.push(name);
            continue;
        };
        let mut rec = StudentRecord { national_id: nid, birth_date, number, name: name.clone(), grade, class_code, seat_no, learning_results: Vec::new(), performances: Vec::new(), cadre_records: Vec::new() };
        for r in results.iter().filter(|r| r.1 == id) {
            let (rid, _, code, subject, credits, year, semester, description, state, reject_reason, created_at, submitted_at, decided_at, doc, video) = r.clone();
            out.missing_codes.extend(MissingCode::of(id, &name, &subject, &code, year, semester));
            let history: Vec<Event> = events
                .iter()
                .filter(|e| e.0 == rid)
                .map(|(_, action, state, actor, account, reason, at)| Event { action: action.clone(), state: state.clone(), actor: actor.clone(), actor_account: account.clone(), reason: reason.clone(), at: iso(*at) })
                .collect();
            let decisions = history
                .iter()
                .filter(|e| e.action == crate::uploads::results::ResultAction::Certified.as_str() || e.action == crate::uploads::results::ResultAction::Rejected.as_str())
                .map(|e| Decision { state: e.action.clone(), teacher: e.actor.clone(), teacher_account: e.actor_account.clone(), reason: e.reason.clone(), at: e.at.clone() })
                .collect();
            rec.learning_results.push(ResultRecord {
                id: rid,
                course_code: code.trim().to_string(),
                subject,
                credits,
                academic_year: year,
                semester,
                description,
                state,
                reject_reason,
                created_at: iso(created_at),
                submitted_at: submitted_at.map(iso),
                decided_at: decided_at.map(iso),
                selected: is_selected(crate::selections::Kind::Results, rid),
                decisions,
                history,
                document: file_ref(&files, doc, &mut next_file),
                video: file_ref(&files, video, &mut next_file),
            });
        }
        for (pid, _, created_at, doc, video, f) in performances.iter().filter(|p| p.1 == id).cloned() {
            rec.performances.push(PerformanceRecord {
                id: pid,
                fields: f,
                created_at: iso(created_at),
                selected: is_selected(crate::selections::Kind::Performances, pid),
                document: file_ref(&files, doc, &mut next_file),
                video: file_ref(&files, video, &mut next_file),
            });
        }
        for (cid, _, academic_year, semester, unit, position, level, start_date, end_date) in cadres.iter().filter(|c| c.1 == id).cloned() {
            rec.cadre_records.push(CadreRecord { id: cid, academic_year, semester, unit, position, level, start_date, end_date });
        }
        out.students.push((id, rec));
    }
    Ok(out)
}

/// An imported learning result's or performance's record, as the package carried it.
#[derive(Debug, Clone)]
pub enum ImportedRecord {
    Result(ResultRecord),
    Performance(PerformanceRecord),
}

/// A learning result or performance imported from another school (`transfer_items`), as the
/// reports list it next to the school's own items.
#[derive(Debug, Clone)]
pub struct ImportedItem {
    pub id: i64,
    pub student_id: i64,
    pub kind: crate::selections::Kind,
    pub origin_school_code: String,
    pub origin_school_name: String,
    pub record: ImportedRecord,
}

/// The learning results and performances of `students` imported into `school` for
/// `academic_year` (cadre records left out), by student and id.
pub fn imported_items(c: &mut DbConn, school: i64, students: &[i64], academic_year: i32) -> ApiResult<Vec<ImportedItem>> {
    use crate::schema::transfer_items as tx;
    use crate::uploads::items::ItemKind;
    use crate::selections::Kind;
    let mut out = Vec::new();
    for chunk in students.chunks(500) {
        let rows: Vec<(i64, i64, String, String, String, String)> = tx::table
            .filter(tx::school_id.eq(school))
            .filter(tx::student_id.eq_any(chunk.to_vec()))
            .filter(tx::academic_year.eq(academic_year))
            .filter(tx::item_kind.eq_any([ItemKind::Result.as_str(), ItemKind::Performance.as_str()]))
            .order((tx::student_id.asc(), tx::id.asc()))
            .select((tx::id, tx::student_id, tx::item_kind, tx::origin_school_code, tx::origin_school_name, tx::record))
            .load(c)?;
        for (id, student_id, kind, origin_school_code, origin_school_name, record) in rows {
            let bad = |e: serde_json::Error| ApiError::internal(format!("imported record {id}: {e}"));
            let (kind, record) = match ItemKind::parse("transfer_items.item_kind", &kind)? {
                ItemKind::Result => (Kind::Results, ImportedRecord::Result(serde_json::from_str(&record).map_err(bad)?)),
                ItemKind::Performance => (Kind::Performances, ImportedRecord::Performance(serde_json::from_str(&record).map_err(bad)?)),
                ItemKind::Cadre => return Err(ApiError::internal(format!("imported record {id}: a cadre record among the results and performances"))),
            };
            out.push(ImportedItem { id, student_id, kind, origin_school_code, origin_school_name, record });
        }
    }
    Ok(out)
}

impl Snapshot {
    /// The refusal of an export that cannot be made: a course without its 23-character code
    /// (FAQ 000 五 Q3, listing the courses), or a student without a national ID.
    pub fn refusal(&self) -> Option<ApiError> {
        if !self.missing_codes.is_empty() {
            let list: Vec<String> = self.missing_codes.iter().map(|m| format!("{} {}（{}-{}，課程代碼「{}」）", m.student_name, m.subject, m.academic_year, m.semester, m.course_code)).collect();
            let list_en: Vec<String> = self.missing_codes.iter().map(|m| format!("{} {} ({}-{}, course code `{}`)", m.student_name, m.subject, m.academic_year, m.semester, m.course_code)).collect();
            return Some(ApiError::with_detail(
                ErrorCode::CourseCodeMissing,
                format!("因缺少新版課程代碼(23碼)，無法匯出：{}", list.join("、")),
                format!("A course lacks its 23-character course code; cannot export: {}", list_en.join("; ")),
            ));
        }
        if !self.without_national_id.is_empty() {
            return Some(ApiError::with_detail(
                ErrorCode::InvalidState,
                format!("學生沒有身分證統一編號，轉入學校無法比對，無法匯出：{}", self.without_national_id.join("、")),
                format!("Students without a national ID cannot be matched by the receiving school: {}", self.without_national_id.join(", ")),
            ));
        }
        None
    }

    /// Every file the package holds, once per path.
    pub fn files(&self) -> Vec<FileRef> {
        let mut out = Vec::new();
        for (_, s) in &self.students {
            for r in &s.learning_results {
                out.extend(r.document.iter().chain(r.video.iter()).cloned());
            }
            for p in &s.performances {
                out.extend(p.document.iter().chain(p.video.iter()).cloned());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_ids_are_masked_as_the_manual_shows() {
        // Manual 6.1: "F13XX51101 王○翔".
        assert_eq!(mask_national_id("F131151101"), "F13XX51101");
        assert_eq!(mask_national_id("A1"), "A1");
    }

    #[test]
    fn package_names_follow_the_manual() {
        // Manual 6.1: "檔案名稱：666666_2022_02_25_11_38_07.zip" (Taipei time).
        let at = NaiveDate::from_ymd_opt(2022, 2, 25).unwrap().and_hms_opt(3, 38, 7).unwrap();
        assert_eq!(package_name("666666", at), "666666_2022_02_25_11_38_07.zip");
    }
}
