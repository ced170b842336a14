//! A performance's fields and the course code's length, as the rosters for the central database
//! and the transfer packages both carry them.

/// The length of a course code (課程代碼) the central database accepts.
pub const COURSE_CODE_LEN: usize = 23;

/// Every field a performance has (the upload domain's one list of its columns).
pub use super::performances::PerformanceFields;
