//! School-affairs sync (manual 2.1, FAQ 000 Q2): vendors push each school's master data.
//!
//! Every batch is a **full snapshot** of one data kind: for students and staff, the school's
//! whole current roster; for classes, courses, enrolments, teaching assignments and cadre
//! records, everything of the batch's term. What the snapshot holds is inserted or updated;
//! what it no longer holds is marked inactive (never deleted, so uploads that refer to it stay).
//! Sending the same snapshot twice changes nothing. A batch is applied in one transaction, and a
//! batch with any invalid row is refused whole with the errors of every row.

pub mod apply;
pub mod bench;
pub mod routes;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::ValidateEmail;

use crate::error::{ApiError, ErrorCode};

/// The data kinds of the sync API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 學生學籍資料
    Students,
    /// 教職員資料
    Staff,
    /// 班級資料
    Classes,
    /// 開課資料
    Courses,
    /// 學生修課資料
    Enrolments,
    /// 教師授課資料
    TeachingAssignments,
    /// 校內幹部經歷資料
    CadreRecords,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Students,
        Kind::Staff,
        Kind::Classes,
        Kind::Courses,
        Kind::Enrolments,
        Kind::TeachingAssignments,
        Kind::CadreRecords,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Students => "students",
            Kind::Staff => "staff",
            Kind::Classes => "classes",
            Kind::Courses => "courses",
            Kind::Enrolments => "enrolments",
            Kind::TeachingAssignments => "teaching_assignments",
            Kind::CadreRecords => "cadre_records",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Kind::Students => "學生學籍資料",
            Kind::Staff => "教職員資料",
            Kind::Classes => "班級資料",
            Kind::Courses => "開課資料",
            Kind::Enrolments => "學生修課資料",
            Kind::TeachingAssignments => "教師授課資料",
            Kind::CadreRecords => "幹部經歷資料",
        }
    }
}

/// One batch: the vendor's current term and the snapshot's rows.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct Batch<T> {
    /// The vendor's current ROC academic year, e.g. 115.
    #[schema(minimum = 50, maximum = 300)]
    pub academic_year: i32,
    /// The vendor's current semester, 1 or 2.
    #[schema(minimum = 1, maximum = 2)]
    pub semester: i32,
    pub rows: Vec<T>,
}

/// 日間部 or 進修部.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Division {
    /// 日間部
    Day,
    /// 進修部
    Continuing,
}

impl Division {
    pub const ALL: [Division; 2] = [Division::Day, Division::Continuing];

    pub fn as_str(self) -> &'static str {
        match self {
            Division::Day => "day",
            Division::Continuing => "continuing",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({"number": "114001", "national_id": "J100000214", "name": "吳承恩", "birth_date": "2009-01-20",
    "gender": "M", "department": "普通科", "program": null, "division": "day", "entry_year": 114, "grade": 2,
    "class_code": "201", "seat_no": 1, "status": "在學", "email": "s114001@demo.licheng.example"}))]
pub struct StudentRow {
    /// 學號 (the account becomes `{school}_{number}`).
    #[schema(min_length = 1, max_length = 20, pattern = r"^\s*[A-Za-z0-9-]+\s*$")]
    pub number: String,
    /// 身分證統一編號 (the initial password, letter upper-case).
    #[schema(min_length = 10, max_length = 10, pattern = r"^[A-Za-z][A-Za-z0-9][0-9]{8}$")]
    pub national_id: String,
    #[schema(min_length = 1, max_length = 50, pattern = r"\S")]
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    /// `M` or `F`.
    #[schema(max_length = 10)]
    pub gender: Option<String>,
    /// 科別.
    #[schema(max_length = 50)]
    pub department: Option<String>,
    /// 學程.
    #[schema(max_length = 50)]
    pub program: Option<String>,
    pub division: Division,
    /// ROC year of entry (入學年度), e.g. 114.
    #[schema(minimum = 50, maximum = 300)]
    pub entry_year: i32,
    /// 1, 2 or 3.
    #[schema(minimum = 1, maximum = 3)]
    pub grade: i32,
    /// 班級代碼.
    #[schema(max_length = 20)]
    pub class_code: Option<String>,
    /// 座號.
    #[schema(minimum = 1, maximum = 99)]
    pub seat_no: Option<i32>,
    /// 學籍狀態, e.g. 在學, 休學.
    #[schema(min_length = 1, max_length = 20, pattern = r"\S")]
    pub status: String,
    #[schema(format = "email")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({"number": "T002", "national_id": "B200000022", "name": "李美玲", "email": "t002@demo.licheng.example", "active": true}))]
pub struct StaffRow {
    /// 教職員編號 (the account becomes `{school}_{number}`).
    #[schema(min_length = 1, max_length = 20, pattern = r"^\s*[A-Za-z0-9-]+\s*$")]
    pub number: String,
    #[schema(min_length = 10, max_length = 10, pattern = r"^[A-Za-z][A-Za-z0-9][0-9]{8}$")]
    pub national_id: String,
    #[schema(min_length = 1, max_length = 50, pattern = r"\S")]
    pub name: String,
    #[schema(format = "email")]
    pub email: Option<String>,
    /// False for staff who left (the account is deactivated).
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({"code": "201", "name": "二年一班", "grade": 2, "homeroom_teacher": "T002"}))]
pub struct ClassRow {
    #[schema(min_length = 1, max_length = 20, pattern = r"\S")]
    pub code: String,
    #[schema(min_length = 1, max_length = 50, pattern = r"\S")]
    pub name: String,
    #[schema(minimum = 1, maximum = 3)]
    pub grade: i32,
    /// Staff number of the homeroom teacher (導師).
    pub homeroom_teacher: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({"course_code": "108999999V1110201010102", "class_code": "201", "subject_name": "英語文", "grade": 2, "credits": 4}))]
pub struct CourseRow {
    /// The 23-character course code (課程代碼); characters 4–9 are the school code.
    #[schema(min_length = 23, max_length = 23, pattern = r"^[A-Za-z0-9]{23}$")]
    pub course_code: String,
    /// The class it is taught to; null for a mixed-class course (跨班).
    #[schema(max_length = 20)]
    pub class_code: Option<String>,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub subject_name: String,
    #[schema(minimum = 1, maximum = 3)]
    pub grade: i32,
    #[schema(minimum = 0, maximum = 30)]
    pub credits: i32,
}

/// 修課類別.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentKind {
    /// 一般
    Regular,
    /// 重修
    Retake,
    /// 補修
    MakeUp,
}

impl EnrolmentKind {
    pub const ALL: [EnrolmentKind; 3] = [EnrolmentKind::Regular, EnrolmentKind::Retake, EnrolmentKind::MakeUp];

    pub fn as_str(self) -> &'static str {
        match self {
            EnrolmentKind::Regular => "regular",
            EnrolmentKind::Retake => "retake",
            EnrolmentKind::MakeUp => "make_up",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({"student_number": "114001", "course_code": "108999999V1110201010102", "class_code": "201", "kind": "regular"}))]
pub struct EnrolmentRow {
    pub student_number: String,
    pub course_code: String,
    /// As in the course row (null for mixed-class).
    pub class_code: Option<String>,
    /// Default `regular`.
    pub kind: Option<EnrolmentKind>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({"teacher_number": "T002", "course_code": "108999999V1110201010102", "class_code": "201"}))]
pub struct TeachingRow {
    pub teacher_number: String,
    pub course_code: String,
    pub class_code: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({"student_number": "114001", "unit": "二年一班", "position": "班長", "level": "班級", "start_date": "2026-08-30", "end_date": "2027-01-20"}))]
pub struct CadreRow {
    pub student_number: String,
    /// 單位, e.g. a class or club.
    #[schema(min_length = 1, max_length = 50, pattern = r"\S")]
    pub unit: String,
    /// 職稱, e.g. 班長.
    #[schema(min_length = 1, max_length = 50, pattern = r"\S")]
    pub position: String,
    /// 幹部等級.
    #[schema(max_length = 20)]
    pub level: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

/// Row errors collected while checking a batch: `rows[i].field` → messages.
/// At most this many row errors are listed; the rest are counted.
pub const MAX_ROW_ERRORS: usize = 500;

#[derive(Default)]
pub struct RowErrors {
    err: Option<ApiError>,
    count: usize,
}

impl RowErrors {
    pub fn add(&mut self, row: usize, field: &str, zh: impl Into<String>, en: impl Into<String>) {
        self.count += 1;
        let err = self.err.take().unwrap_or_else(|| ApiError::new(ErrorCode::SyncRowsInvalid));
        self.err = Some(if self.count <= MAX_ROW_ERRORS { err.field(format!("rows[{row}].{field}"), zh.into(), en.into()) } else { err });
    }

    pub fn is_empty(&self) -> bool {
        self.err.is_none()
    }

    pub fn into_result(self) -> Result<(), ApiError> {
        match self.err {
            None => Ok(()),
            Some(e) if self.count > MAX_ROW_ERRORS => {
                let more = self.count - MAX_ROW_ERRORS;
                Err(e.field("rows", format!("另有 {more} 個錯誤未列出"), format!("{more} more errors not listed")))
            }
            Some(e) => Err(e),
        }
    }

    /// Text required with `1..=max` characters.
    pub fn text(&mut self, row: usize, field: &str, value: &str, max: usize) {
        let n = value.trim().chars().count();
        if n == 0 || n > max {
            self.add(row, field, format!("須為 1 到 {max} 個字元"), format!("must be 1 to {max} characters"));
        }
    }

    pub fn optional_text(&mut self, row: usize, field: &str, value: Option<&str>, max: usize) {
        if let Some(v) = value {
            if v.chars().count() > max {
                self.add(row, field, format!("最多 {max} 個字元"), format!("at most {max} characters"));
            }
        }
    }

    pub fn range(&mut self, row: usize, field: &str, value: i32, min: i32, max: i32) {
        if !(min..=max).contains(&value) {
            self.add(row, field, format!("須介於 {min} 到 {max}"), format!("must be between {min} and {max}"));
        }
    }

    /// A date in the years a request may carry (1912–2200).
    pub fn date(&mut self, row: usize, field: &str, value: Option<chrono::NaiveDate>) {
        if value.is_some_and(|d| !crate::time::date_in_range(d)) {
            let (min, max) = (crate::time::MIN_YEAR, crate::time::MAX_YEAR);
            self.add(row, field, format!("日期須介於西元 {min} 至 {max} 年"), format!("the date must lie in the years {min}–{max}"));
        }
    }

    pub fn national_id(&mut self, row: usize, field: &str, value: &str) {
        if !crate::national_id::is_valid_national_id(value) {
            self.add(row, field, "身分證統一編號格式或檢查碼錯誤", "not a valid national ID (format or check digit)");
        }
    }

    pub fn email(&mut self, row: usize, field: &str, value: Option<&str>) {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            if !v.trim().validate_email() {
                self.add(row, field, "電子郵件格式不正確", "is not a valid e-mail address");
            }
        }
    }

    /// Refuses a key seen before in the batch.
    pub fn unique<K: std::hash::Hash + Eq>(&mut self, seen: &mut HashSet<K>, key: K, row: usize, field: &str) {
        if !seen.insert(key) {
            self.add(row, field, "與本批前面的列重複", "repeats an earlier row of this batch");
        }
    }
}

/// A course code: 23 letters/digits whose characters 4–9 are the school's code.
pub fn check_course_code(errors: &mut RowErrors, row: usize, code: &str, school_code: &str) {
    if code.len() != 23 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        errors.add(row, "course_code", "課程代碼須為 23 碼英數字", "the course code must be 23 letters or digits");
    } else if &code[3..9] != school_code {
        errors.add(
            row,
            "course_code",
            format!("課程代碼第 4–9 碼應為本校代碼 {school_code}"),
            format!("characters 4–9 of the course code must be the school code {school_code}"),
        );
    }
}

/// Mixed-class courses have no class: `None` and `""` both mean that.
pub fn class_key(class_code: &Option<String>) -> String {
    class_code.as_deref().map(str::trim).unwrap_or("").to_string()
}

/// How a batch ended (狀態代碼):
/// - `00`: applied
/// - `01`: refused: rows invalid (`sync_rows_invalid`)
/// - `02`: refused: the school's term is on hold (`term_on_hold`)
/// - `03`: refused: the batch's term is older than the school's (`stale_term`)
/// - `99`: failed (a server error; send the batch again)
/// - `received`: being applied (receiving log only)
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum SyncStatusCode {
    #[serde(rename = "00")]
    Applied,
    #[serde(rename = "01")]
    RowsInvalid,
    #[serde(rename = "02")]
    TermOnHold,
    #[serde(rename = "03")]
    StaleTerm,
    #[serde(rename = "99")]
    Failed,
    #[serde(rename = "received")]
    Received,
}

impl SyncStatusCode {
    /// Every code; `sync_batches.status_code` takes only these (migration
    /// 2026-12-07-000210_sync_batch_status).
    pub const ALL: [SyncStatusCode; 6] =
        [SyncStatusCode::Applied, SyncStatusCode::RowsInvalid, SyncStatusCode::TermOnHold, SyncStatusCode::StaleTerm, SyncStatusCode::Failed, SyncStatusCode::Received];

    /// The stored (and answered) code.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncStatusCode::Applied => "00",
            SyncStatusCode::RowsInvalid => "01",
            SyncStatusCode::TermOnHold => "02",
            SyncStatusCode::StaleTerm => "03",
            SyncStatusCode::Failed => "99",
            SyncStatusCode::Received => "received",
        }
    }
}

/// What a batch did, as the receiving log shows it (`{"total":9288,"status_code":"00",…}`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct Counts {
    /// Rows received.
    pub total: i64,
    /// 狀態代碼 (see `SyncStatusCode`).
    #[schema(value_type = SyncStatusCode)]
    pub status_code: String,
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub deactivated: i64,
}

/// Lookup of people by their number within a school.
pub type ByNumber = HashMap<String, i64>;
