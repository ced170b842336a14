//! The background work of a server instance, wired from above the domains (issue #17 items 4
//! and 5): the table of job kinds and the code that runs each (`jobs` itself knows none of the
//! domains that queue jobs), the job worker and the reminder scheduler.

use crate::error::ApiResult;
use crate::jobs::{Handler, JobKind};
use crate::state::AppState;

/// Every kind of job and the code that runs it (and removes what a job that failed for good
/// left on disk).
pub static JOBS: &[Handler] = &[
    Handler { kind: JobKind::RosterExport, run: crate::rosters::package::run, discard: None },
    Handler { kind: JobKind::TransferExport, run: crate::transfers::package::run, discard: Some(crate::transfers::package::discard) },
    Handler { kind: JobKind::TransferImport, run: crate::transfers::package::run_import, discard: Some(crate::transfers::package::discard) },
    Handler { kind: JobKind::ReceiptImport, run: crate::receipts::routes::run_import, discard: None },
    Handler { kind: JobKind::AnalysisExport, run: crate::reports::analysis::run_export, discard: None },
];

/// One job worker pass over every kind (see [`crate::jobs::run_once`]).
pub async fn run_jobs(state: &AppState) -> ApiResult<usize> {
    crate::jobs::run_once(state, JOBS).await
}

/// Starts the job worker and the reminder scheduler on the current actix runtime; safe on every
/// instance (claims are exclusive, with a lease; the outbox keeps each reminder to once a day).
pub fn spawn(state: AppState) {
    crate::reminders::spawn(state.clone());
    crate::jobs::spawn(&state, JOBS);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_handler() {
        for kind in JobKind::ALL {
            assert_eq!(JOBS.iter().filter(|h| h.kind == kind).count(), 1, "{kind}");
        }
        assert_eq!(JOBS.len(), JobKind::ALL.len());
    }
}
