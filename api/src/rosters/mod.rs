//! Submission rosters (提交名冊, manual 7.1, 7.2; issue #19): what the school uploads to the
//! national learning-portfolio database each term. The roster types and their grade sets, what
//! goes into each (only what the rules allow), the pre-export check, and the export as a job
//! ([`package`]) whose contents are recorded. The package format is documented in
//! `docs/rosters.md`.

pub mod bench;
pub mod package;
pub mod routes;

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::identity::Module;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::schema::{cadre_records as cr, courses, learning_results as lr, performances as pf, selections as sel, stored_files as sf, student_profiles as sp, users};
use crate::selections::Kind;
use crate::storage::FileStore;
use crate::terms::Term;
use crate::uploads::fields::{PerformanceFields, COURSE_CODE_LEN};
use crate::uploads::results::ResultState;

/// The job kind of a roster export.
pub const JOB_KIND: crate::jobs::JobKind = crate::jobs::JobKind::RosterExport;
/// The status of a student still at school, as sync stores it.
pub const ENROLLED: &str = "在學";

/// What a roster carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RosterKind {
    /// 課程學習成果 (module S0207S).
    Results,
    /// 多元表現 (module S0208S).
    Performances,
    /// 校內幹部經歷 (module S0218S).
    Cadre,
}

impl RosterKind {
    /// The function module that exports it (the school admin holds every module).
    pub fn module(self) -> Module {
        match self {
            RosterKind::Results => Module::SubmitResults,
            RosterKind::Performances => Module::SubmitPerformances,
            RosterKind::Cadre => Module::SubmitCadres,
        }
    }
}

pub use crate::sync::Division;

/// `day` or `continuing`, as the API and `roster_exports.division` write it.
pub fn parse_division(s: &str) -> Option<Division> {
    Division::ALL.into_iter().find(|d| d.as_str() == s)
}

/// 日間部 or 進修部.
pub fn division_zh(d: Division) -> &'static str {
    match d {
        Division::Day => "日間部",
        Division::Continuing => "進修部",
    }
}

/// One roster type of the manual's tables (名冊別).
#[derive(Debug, Clone, Copy)]
pub struct RosterType {
    /// 名冊別 code, e.g. `26`.
    pub code: &'static str,
    pub kind: RosterKind,
    /// Fixed for learning-result rosters (26/36 day, 28/38 進修部); chosen for the others.
    pub division: Option<Division>,
    /// 匯出年級 allowed in semester 1 and in semester 2.
    pub grades_s1: &'static [GradeSet],
    pub grades_s2: &'static [GradeSet],
    pub name_zh: &'static str,
    pub name_en: &'static str,
}

/// The roster types (manual 7.1, 7.2; DESIGN.md "Submission rosters": "learning results 26 (day) /
/// 28 (continuing-education 進修部) for grades 1–3 or 1–2, 36/38 for grade 3; performances 25
/// (1–3, 1–2) and 35 (3); cadre 24 (semester 1, all grades; semester 2, grades 1–2) and 34
/// (semester 2, grade 3)").
pub const TYPES: [RosterType; 8] = [
    RosterType { code: "26", kind: RosterKind::Results, division: Some(Division::Day), grades_s1: &[GradeSet::OneToThree, GradeSet::OneToTwo], grades_s2: &[GradeSet::OneToThree, GradeSet::OneToTwo], name_zh: "課程學習成果（日間部）", name_en: "Learning results (day school)" },
    RosterType { code: "28", kind: RosterKind::Results, division: Some(Division::Continuing), grades_s1: &[GradeSet::OneToThree, GradeSet::OneToTwo], grades_s2: &[GradeSet::OneToThree, GradeSet::OneToTwo], name_zh: "課程學習成果（進修部）", name_en: "Learning results (continuing education)" },
    RosterType { code: "36", kind: RosterKind::Results, division: Some(Division::Day), grades_s1: &[GradeSet::Three], grades_s2: &[GradeSet::Three], name_zh: "課程學習成果（日間部三年級）", name_en: "Learning results (day school, grade 3)" },
    RosterType { code: "38", kind: RosterKind::Results, division: Some(Division::Continuing), grades_s1: &[GradeSet::Three], grades_s2: &[GradeSet::Three], name_zh: "課程學習成果（進修部三年級）", name_en: "Learning results (continuing education, grade 3)" },
    RosterType { code: "25", kind: RosterKind::Performances, division: None, grades_s1: &[GradeSet::OneToThree, GradeSet::OneToTwo], grades_s2: &[GradeSet::OneToThree, GradeSet::OneToTwo], name_zh: "多元表現", name_en: "Performances" },
    RosterType { code: "35", kind: RosterKind::Performances, division: None, grades_s1: &[GradeSet::Three], grades_s2: &[GradeSet::Three], name_zh: "多元表現（三年級）", name_en: "Performances (grade 3)" },
    RosterType { code: "24", kind: RosterKind::Cadre, division: None, grades_s1: &[GradeSet::OneToThree], grades_s2: &[GradeSet::OneToTwo], name_zh: "校內幹部經歷", name_en: "School cadre records" },
    RosterType { code: "34", kind: RosterKind::Cadre, division: None, grades_s1: &[], grades_s2: &[GradeSet::Three], name_zh: "校內幹部經歷（三年級）", name_en: "School cadre records (grade 3)" },
];

impl RosterType {
    /// Every roster type: `roster_exports.roster` takes only their codes (its CHECK; compared by
    /// tests/integration/value_checks.rs).
    pub const ALL: [RosterType; 8] = TYPES;

    pub fn find(code: &str) -> Option<RosterType> {
        TYPES.into_iter().find(|t| t.code == code)
    }

    /// The code, as `roster_exports.roster` stores it.
    pub fn as_str(self) -> &'static str {
        self.code
    }

    /// The stored code; anything else is an error, never a default.
    pub fn parse(s: &str) -> ApiResult<RosterType> {
        RosterType::find(s).ok_or_else(|| ApiError::bad_stored("roster_exports.roster", s))
    }

    pub fn grade_sets(&self, semester: i32) -> &'static [GradeSet] {
        if semester == 2 {
            self.grades_s2
        } else {
            self.grades_s1
        }
    }
}

/// In job parameters a roster is its code (`"26"`).
impl Serialize for RosterType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for RosterType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        RosterType::find(&code).ok_or_else(|| serde::de::Error::custom(format!("unknown roster {code}")))
    }
}

/// 匯出年級: a roster's grade set (`roster_exports.grades`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum GradeSet {
    #[serde(rename = "1-3")]
    OneToThree,
    #[serde(rename = "1-2")]
    OneToTwo,
    #[serde(rename = "3")]
    Three,
}

impl GradeSet {
    pub const ALL: [GradeSet; 3] = [GradeSet::OneToThree, GradeSet::OneToTwo, GradeSet::Three];

    pub fn as_str(self) -> &'static str {
        match self {
            GradeSet::OneToThree => "1-3",
            GradeSet::OneToTwo => "1-2",
            GradeSet::Three => "3",
        }
    }

    /// The stored set; anything else is an error, never a default.
    pub fn parse(s: &str) -> ApiResult<GradeSet> {
        GradeSet::ALL.into_iter().find(|g| g.as_str() == s).ok_or_else(|| ApiError::bad_stored("roster_exports.grades", s))
    }

    /// The grades it holds.
    pub fn grades(self) -> &'static [i32] {
        match self {
            GradeSet::OneToThree => &[1, 2, 3],
            GradeSet::OneToTwo => &[1, 2],
            GradeSet::Three => &[3],
        }
    }
}

/// What a roster records (`roster_export_items.item_kind`): defined with the uploads, below the
/// selections, rosters and transfers, which all store it.
pub use crate::uploads::items::ItemKind;

/// A roster asked for: type, grade set, division and term, each checked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Spec {
    pub roster: RosterType,
    pub grades: GradeSet,
    pub division: Division,
    pub academic_year: i32,
    pub semester: i32,
}

impl Spec {
    /// Checks the combination (400 `invalid_query` naming the field).
    pub fn new(roster: &str, grades: Option<&str>, division: Option<&str>, term: Term) -> ApiResult<(RosterType, Spec)> {
        let t = RosterType::find(roster.trim()).ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidQuery).field("roster", "名冊別須為 24、25、26、28、34、35、36 或 38", "roster is one of 24, 25, 26, 28, 34, 35, 36, 38")
        })?;
        let sets = t.grade_sets(term.semester);
        if sets.is_empty() {
            return Err(ApiError::new(ErrorCode::InvalidQuery).field("roster", "此名冊只在第二學期匯出", "this roster is exported in semester 2 only"));
        }
        let grades = match grades.map(str::trim).filter(|g| !g.is_empty()) {
            None => sets[0],
            Some(g) => *sets.iter().find(|s| s.as_str() == g).ok_or_else(|| {
                let sets: Vec<&str> = sets.iter().map(|s| s.as_str()).collect();
                ApiError::new(ErrorCode::InvalidQuery).field("grades", format!("此名冊本學期可匯出的年級：{}", sets.join("、")), format!("grade sets of this roster this semester: {}", sets.join(", ")))
            })?,
        };
        let asked = match division.map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => Some(parse_division(d).ok_or_else(|| ApiError::new(ErrorCode::InvalidQuery).field("division", "部別須為 day 或 continuing", "division is day or continuing"))?),
        };
        let division = match (t.division, asked) {
            (Some(fixed), Some(d)) if fixed != d => {
                return Err(ApiError::new(ErrorCode::InvalidQuery).field("division", format!("名冊 {} 只含{}", t.code, division_zh(fixed)), format!("roster {} is for the {} division only", t.code, fixed.as_str())))
            }
            (Some(fixed), _) => fixed,
            (None, d) => d.unwrap_or(Division::Day),
        };
        Ok((t, Spec { roster: t, grades, division, academic_year: term.academic_year, semester: term.semester }))
    }

    /// Two exports of one roster cannot run at once.
    pub fn lock_key(&self, school: i64) -> String {
        format!("roster:{school}:{}:{}:{}{}", self.roster.code, self.division.as_str(), self.academic_year, self.semester)
    }
}

/// A student as the roster keys them.
#[derive(Debug, Clone)]
pub struct Student {
    pub id: i64,
    pub account: String,
    pub number: Option<String>,
    pub name: String,
    pub national_id: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub grade: i32,
    pub class_code: Option<String>,
    pub seat_no: Option<i32>,
    pub status: String,
    pub active: bool,
}

impl Student {
    pub fn left(&self) -> bool {
        !self.active || self.status.trim() != ENROLLED
    }
}

/// An attached file of an item.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub sha256: String,
    pub size: i64,
    pub kind: String,
}

/// One row of a roster.
#[derive(Debug, Clone)]
pub enum Item {
    Result {
        id: i64,
        course_code: String,
        subject: String,
        credits: i32,
        academic_year: i32,
        semester: i32,
        description: String,
        state: String,
        deleted: bool,
        /// Imported from another school (`transfer_items`, issue #21): `id` is the imported item's.
        imported: bool,
    },
    Performance {
        id: i64,
        fields: Box<PerformanceFields>,
        deleted: bool,
        /// Imported from another school (`transfer_items`): `id` is the imported item's.
        imported: bool,
    },
    Cadre {
        id: i64,
        academic_year: i32,
        semester: i32,
        unit: String,
        position: String,
        level: Option<String>,
        start_date: NaiveDate,
        end_date: Option<NaiveDate>,
    },
}

impl Item {
    pub fn id(&self) -> i64 {
        match self {
            Item::Result { id, .. } | Item::Performance { id, .. } | Item::Cadre { id, .. } => *id,
        }
    }

    /// As recorded in `roster_export_items`: an imported item is recorded under its kind with
    /// the imported item's id and `imported` set, [`Item::imported`].
    pub fn kind(&self) -> ItemKind {
        match self {
            Item::Result { .. } => ItemKind::Result,
            Item::Performance { .. } => ItemKind::Performance,
            Item::Cadre { .. } => ItemKind::Cadre,
        }
    }

    /// Imported from another school (`transfer_items`, issue #21): the id is the imported item's.
    pub fn imported(&self) -> bool {
        matches!(self, Item::Result { imported: true, .. } | Item::Performance { imported: true, .. })
    }
}

/// An item with its student and attachments.
#[derive(Debug, Clone)]
pub struct Row {
    pub student_id: i64,
    pub item: Item,
    pub document: Option<Attachment>,
    pub video: Option<Attachment>,
}

/// Everything one roster would contain, read in one go (a snapshot: what sync changes later does
/// not reach a running export).
#[derive(Debug, Clone, Default)]
pub struct Contents {
    pub students: HashMap<i64, Student>,
    pub rows: Vec<Row>,
}

impl Contents {
    pub fn attachments(&self) -> usize {
        self.rows.iter().map(|r| usize::from(r.document.is_some()) + usize::from(r.video.is_some())).sum()
    }
}

/// The school's students of the roster's division and grades.
fn students(c: &mut DbConn, school: i64, spec: &Spec) -> ApiResult<HashMap<i64, Student>> {
    type R = (i64, String, Option<String>, String, Option<String>, bool, Option<NaiveDate>, i32, Option<String>, Option<i32>, String);
    let rows: Vec<R> = users::table
        .inner_join(sp::table.on(sp::user_id.eq(users::id)))
        .filter(users::school_id.eq(school))
        .filter(sp::division.eq(spec.division.as_str()))
        .filter(sp::grade.eq_any(spec.grades.grades().to_vec()))
        .select((users::id, users::account, users::number, users::display_name, users::national_id, users::active, sp::birth_date, sp::grade, sp::class_code, sp::seat_no, sp::status))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(id, account, number, name, national_id, active, birth_date, grade, class_code, seat_no, status)| {
            let national_id = crate::national_id::reveal(national_id.as_deref());
            (id, Student { id, account, number, name, national_id, birth_date, grade, class_code, seat_no, status, active })
        })
        .collect())
}

/// Reads what the roster contains: the students' selected items of the academic year (results of
/// the roster's semester, certified or not — the check says which cannot go), or their cadre
/// records from sync (no selection needed, FAQ 000 四 Q5).
pub fn load(c: &mut DbConn, school: i64, spec: &Spec) -> ApiResult<Contents> {
    let t = spec.roster;
    let students = students(c, school, spec)?;
    let ids: Vec<i64> = students.keys().copied().collect();
    let mut rows = Vec::new();
    let mut file_ids: Vec<(usize, Option<i64>, Option<i64>)> = Vec::new();
    for chunk in ids.chunks(5000) {
        match t.kind {
            RosterKind::Results => {
                type R = (i64, i64, String, String, i32, i32, i32, String, String, Option<NaiveDateTimeAlias>, Option<i64>, Option<i64>);
                let found: Vec<R> = sel::table
                    .inner_join(lr::table.on(lr::id.eq(sel::item_id)))
                    .inner_join(courses::table.on(courses::id.eq(lr::course_id)))
                    .filter(sel::school_id.eq(school))
                    .filter(sel::item_kind.eq(Kind::Results.item_kind()))
                    .filter(sel::academic_year.eq(spec.academic_year))
                    .filter(sel::student_id.eq_any(chunk.to_vec()))
                    .filter(lr::student_id.eq(sel::student_id))
                    .filter(lr::academic_year.eq(spec.academic_year))
                    .filter(lr::semester.eq(spec.semester))
                    .order((sel::student_id.asc(), lr::id.asc()))
                    .select((lr::id, lr::student_id, courses::course_code, courses::subject_name, courses::credits, lr::academic_year, lr::semester, lr::description, lr::state, lr::deleted_at, lr::document_file_id, lr::video_file_id))
                    .load(c)?;
                for (id, student_id, course_code, subject, credits, academic_year, semester, description, state, deleted_at, doc, video) in found {
                    file_ids.push((rows.len(), doc, video));
                    let item = Item::Result { id, course_code, subject, credits, academic_year, semester, description, state, deleted: deleted_at.is_some(), imported: false };
                    rows.push(Row { student_id, item, document: None, video: None });
                }
                for (id, student_id, record, doc, video) in imported(c, school, spec, chunk, Kind::Results)? {
                    let r: crate::transfers::ResultRecord = serde_json::from_str(&record).map_err(|e| ApiError::internal(format!("imported record {id}: {e}")))?;
                    file_ids.push((rows.len(), doc, video));
                    let item = Item::Result {
                        id,
                        course_code: r.course_code,
                        subject: r.subject,
                        credits: r.credits,
                        academic_year: r.academic_year,
                        semester: r.semester,
                        description: r.description,
                        state: r.state,
                        deleted: false,
                        imported: true,
                    };
                    rows.push(Row { student_id, item, document: None, video: None });
                }
            }
            RosterKind::Performances => {
                let found: Vec<(i64, i64, Option<NaiveDateTimeAlias>, Option<i64>, Option<i64>, PerformanceFields)> = sel::table
                    .inner_join(pf::table.on(pf::id.eq(sel::item_id)))
                    .filter(sel::school_id.eq(school))
                    .filter(sel::item_kind.eq(Kind::Performances.item_kind()))
                    .filter(sel::academic_year.eq(spec.academic_year))
                    .filter(sel::student_id.eq_any(chunk.to_vec()))
                    .filter(pf::student_id.eq(sel::student_id))
                    .order((sel::student_id.asc(), pf::id.asc()))
                    .select((
                        pf::id,
                        pf::student_id,
                        pf::deleted_at,
                        pf::document_file_id,
                        pf::video_file_id,
                        PerformanceFields::as_select(),
                    ))
                    .load(c)?;
                for (id, student_id, deleted_at, doc, video, fields) in found {
                    file_ids.push((rows.len(), doc, video));
                    rows.push(Row { student_id, item: Item::Performance { id, fields: Box::new(fields), deleted: deleted_at.is_some(), imported: false }, document: None, video: None });
                }
                for (id, student_id, record, doc, video) in imported(c, school, spec, chunk, Kind::Performances)? {
                    let p: crate::transfers::PerformanceRecord = serde_json::from_str(&record).map_err(|e| ApiError::internal(format!("imported record {id}: {e}")))?;
                    let fields = p.fields;
                    file_ids.push((rows.len(), doc, video));
                    rows.push(Row { student_id, item: Item::Performance { id, fields: Box::new(fields), deleted: false, imported: true }, document: None, video: None });
                }
            }
            RosterKind::Cadre => {
                type R = (i64, i64, i32, i32, String, String, Option<String>, NaiveDate, Option<NaiveDate>);
                let found: Vec<R> = cr::table
                    .filter(cr::school_id.eq(school))
                    .filter(cr::active.eq(true))
                    .filter(cr::academic_year.eq(spec.academic_year))
                    .filter(cr::semester.eq(spec.semester))
                    .filter(cr::student_id.eq_any(chunk.to_vec()))
                    .order((cr::student_id.asc(), cr::id.asc()))
                    .select((cr::id, cr::student_id, cr::academic_year, cr::semester, cr::unit, cr::position, cr::level, cr::start_date, cr::end_date))
                    .load(c)?;
                for (id, student_id, academic_year, semester, unit, position, level, start_date, end_date) in found {
                    rows.push(Row { student_id, item: Item::Cadre { id, academic_year, semester, unit, position, level, start_date, end_date }, document: None, video: None });
                }
            }
        }
    }
    let wanted: Vec<i64> = file_ids.iter().flat_map(|(_, d, v)| [*d, *v]).flatten().collect();
    let mut files: HashMap<i64, Attachment> = HashMap::new();
    for chunk in wanted.chunks(5000) {
        let found: Vec<(i64, String, i64, String)> = sf::table.filter(sf::id.eq_any(chunk.to_vec())).select((sf::id, sf::sha256, sf::size, sf::kind)).load(c)?;
        files.extend(found.into_iter().map(|(id, sha256, size, kind)| (id, Attachment { sha256, size, kind })));
    }
    for (i, doc, video) in file_ids {
        rows[i].document = doc.and_then(|d| files.get(&d).cloned());
        rows[i].video = video.and_then(|v| files.get(&v).cloned());
    }
    rows.sort_by_key(|r| {
        let s = students.get(&r.student_id);
        (s.map(|s| (s.grade, s.class_code.clone(), s.seat_no)), r.student_id, r.item.id())
    });
    Ok(Contents { students, rows })
}

type NaiveDateTimeAlias = chrono::NaiveDateTime;

/// The selected items of `students` imported from another school (`transfer_items`, issue #21)
/// for the roster's year (and, for results, its semester): (id, student, record, document, video).
#[allow(clippy::type_complexity)]
fn imported(c: &mut DbConn, school: i64, spec: &Spec, students: &[i64], kind: Kind) -> ApiResult<Vec<(i64, i64, String, Option<i64>, Option<i64>)>> {
    use crate::schema::transfer_items as tx;
    let mut q = sel::table
        .inner_join(tx::table.on(tx::id.eq(sel::item_id)))
        .filter(sel::school_id.eq(school))
        .filter(sel::item_kind.eq(kind.imported_kind()))
        .filter(sel::academic_year.eq(spec.academic_year))
        .filter(sel::student_id.eq_any(students.to_vec()))
        .filter(tx::student_id.eq(sel::student_id))
        .filter(tx::academic_year.eq(spec.academic_year))
        .order((sel::student_id.asc(), tx::id.asc()))
        .select((tx::id, tx::student_id, tx::record, tx::document_file_id, tx::video_file_id))
        .into_boxed();
    if kind == Kind::Results {
        q = q.filter(tx::semester.eq(spec.semester));
    }
    Ok(q.load(c)?)
}

/// Why a row cannot be submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IssueReason {
    /// 學生缺身分證統一編號.
    MissingNationalId,
    /// 學生缺出生日期.
    MissingBirthDate,
    /// 課程代碼不是 23 碼.
    CourseCodeInvalid,
    /// The selected item is no longer certified, or was deleted.
    NotSubmittable,
    /// 附件檔案不存在.
    FileMissing,
    /// 附件的 SHA-256 與紀錄不符.
    FileCorrupt,
    /// The student left the school (status other than 在學, or the account is inactive).
    StudentLeft,
}

impl IssueReason {
    pub fn text(self) -> (&'static str, &'static str) {
        match self {
            IssueReason::MissingNationalId => ("學生沒有身分證統一編號", "the student has no national ID"),
            IssueReason::MissingBirthDate => ("學生沒有出生日期", "the student has no birth date"),
            IssueReason::CourseCodeInvalid => ("課程代碼不是 23 碼", "the course code is not 23 characters"),
            IssueReason::NotSubmittable => ("勾選的項目已非認證通過或已刪除", "the selected item is no longer certified, or was deleted"),
            IssueReason::FileMissing => ("附件檔案不存在", "the attached file is missing"),
            IssueReason::FileCorrupt => ("附件檔案內容與 SHA-256 不符（檔案毀損）", "the attached file no longer matches its SHA-256 (corrupt)"),
            IssueReason::StudentLeft => ("學生已不在學", "the student has left the school"),
        }
    }
}

/// One problem the check found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Issue {
    pub reason: IssueReason,
    /// The reason in words (zh-TW, or English on `Accept-Language: en`).
    pub message: String,
    pub student_id: i64,
    pub account: String,
    pub name: String,
    pub class_code: Option<String>,
    pub seat_no: Option<i32>,
    /// `result`, `performance` or `cadre`; none for a problem of the student alone.
    pub item_kind: Option<ItemKind>,
    pub item_id: Option<i64>,
}

/// How far the check looks at attachments.
#[derive(Debug, Clone, Copy)]
pub enum Files<'a> {
    /// Not at all (the export verifies every file while copying it).
    Skip,
    /// Whether each is in the store (cheap: when an export is asked for).
    Exist(&'a FileStore),
    /// Each hashed again against its SHA-256 (the operator's check).
    Verify(&'a FileStore),
}

/// The check before an export: every student without a national ID or birth date, every course
/// code of the wrong length, every selected item that is no longer submittable, every student who
/// left, and — as `files` asks — every attachment missing or no longer matching its SHA-256.
pub fn check(contents: &Contents, files: Files, lang: crate::error::Lang) -> Vec<Issue> {
    let mut out = Vec::new();
    let mut seen_students = std::collections::HashSet::new();
    let push = |out: &mut Vec<Issue>, s: &Student, reason: IssueReason, item: Option<&Item>| {
        let (zh, en) = reason.text();
        out.push(Issue {
            reason,
            message: if lang == crate::error::Lang::En { en.to_string() } else { zh.to_string() },
            student_id: s.id,
            account: s.account.clone(),
            name: s.name.clone(),
            class_code: s.class_code.clone(),
            seat_no: s.seat_no,
            item_kind: item.map(|i| i.kind()),
            item_id: item.map(Item::id),
        });
    };
    for row in &contents.rows {
        let Some(s) = contents.students.get(&row.student_id) else { continue };
        if seen_students.insert(s.id) {
            if s.national_id.is_none() {
                push(&mut out, s, IssueReason::MissingNationalId, None);
            }
            if s.birth_date.is_none() {
                push(&mut out, s, IssueReason::MissingBirthDate, None);
            }
        }
        if s.left() {
            push(&mut out, s, IssueReason::StudentLeft, Some(&row.item));
        }
        match &row.item {
            Item::Result { course_code, state, deleted, .. } => {
                if course_code.trim().chars().count() != COURSE_CODE_LEN {
                    push(&mut out, s, IssueReason::CourseCodeInvalid, Some(&row.item));
                }
                if *deleted || state != ResultState::Certified.as_str() {
                    push(&mut out, s, IssueReason::NotSubmittable, Some(&row.item));
                }
            }
            Item::Performance { deleted: true, .. } => push(&mut out, s, IssueReason::NotSubmittable, Some(&row.item)),
            _ => {}
        }
        for file in [&row.document, &row.video].into_iter().flatten() {
            let found = match files {
                Files::Skip => continue,
                Files::Exist(store) => Ok(store.exists(&file.sha256).then_some(true)),
                Files::Verify(store) => store.verify(&file.sha256).map(Some),
            };
            match found {
                Ok(Some(true)) => {}
                Ok(Some(false)) => push(&mut out, s, IssueReason::FileCorrupt, Some(&row.item)),
                Ok(None) | Err(_) => push(&mut out, s, IssueReason::FileMissing, Some(&row.item)),
            }
        }
    }
    out
}
