//! Reports (manual 4.1, 4.2, 4.4, and the usage statistics of module S0215S): who still has
//! learning results waiting for certification, how far students have selected items for
//! submission, and how the term's learning results stand by class, subject and teacher. Every
//! report is JSON and, for the admin's files, an .xlsx workbook.
//!
//! The rules live in plain functions over loaded rows (`aggregate…`, `rank…`), the handlers only
//! check permissions, load and shape.

pub mod selection;
pub mod uncertified;
pub mod usage;
pub mod confirmation;
pub mod stats;
pub mod analysis;
pub mod deadlines;

// The handlers (and their OpenAPI path types) as `reports::…` for `router`.
pub use selection::{__path_selection_status, __path_selection_status_xlsx, selection_status, selection_status_xlsx};
pub use uncertified::{__path_uncertified_courses, __path_uncertified_students, uncertified_courses, __path_uncertified_teachers, __path_uncertified_xlsx, uncertified_students, uncertified_teachers, uncertified_xlsx};
pub use usage::{__path_usage_report, __path_usage_xlsx, usage_report, usage_xlsx};
