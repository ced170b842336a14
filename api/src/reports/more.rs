//! Registration of the reports added for issue #23 (學生上傳及勾選情形確認單 and the statistics
//! screens), kept apart from the older reports' registrations in `routes_v1`.

use actix_web::web;

/// Registers the issue-#23 report handlers.
pub fn configure(cfg: &mut web::ServiceConfig) {
    use super::{analysis, confirmation, deadlines, stats};
    cfg.service(confirmation::confirmation_sheets)
        .service(confirmation::confirmation_sheets_xlsx)
        .service(confirmation::my_confirmation_sheet)
        .service(stats::upload_stats_report)
        .service(stats::upload_stats_xlsx)
        .service(stats::usage_counts_report)
        .service(stats::usage_counts_xlsx)
        .service(stats::teacher_certifications)
        .service(stats::teacher_certifications_xlsx)
        .service(analysis::analysis)
        .service(analysis::analysis_xlsx)
        .service(analysis::analysis_export)
        .service(deadlines::deadlines);
}
