//! A performance's fields and the course code's length, as the rosters for the central database
//! and the transfer packages both carry them.

use chrono::NaiveDate;
use diesel::prelude::*;

/// The length of a course code (課程代碼) the central database accepts.
pub const COURSE_CODE_LEN: usize = 23;

/// Every field a performance has.
#[derive(Debug, Clone, Queryable)]
pub struct PerformanceFields {
    pub academic_year: i32,
    pub category: String,
    pub title: String,
    pub item: Option<String>,
    pub organisation: Option<String>,
    pub position: Option<String>,
    pub level: Option<String>,
    pub award: Option<String>,
    pub kind: Option<String>,
    pub score: Option<String>,
    pub certificate_no: Option<String>,
    pub participation: Option<String>,
    pub hours: Option<f64>,
    pub credits: Option<i32>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub description: String,
    pub link: Option<String>,
}
