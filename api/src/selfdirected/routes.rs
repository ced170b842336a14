//! Registers the self-directed learning endpoints.

use actix_web::web;

use super::{groups, plans, report, review};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(groups::list_groups)
        .service(groups::create_group)
        .service(groups::rename_group)
        .service(groups::delete_group)
        .service(groups::get_group_members)
        .service(groups::put_group_members)
        .service(groups::list_certifier_staff)
        .service(groups::list_stages)
        .service(groups::add_stage)
        .service(groups::move_stage)
        .service(groups::remove_stage)
        .service(plans::my_self_directed)
        .service(plans::create_plan)
        .service(plans::update_plan)
        .service(plans::delete_plan)
        .service(plans::submit_plan)
        .service(plans::add_progress)
        .service(plans::save_result)
        .service(plans::submit_outcome)
        .service(plans::select_as_performance)
        .service(review::get_plan)
        .service(review::download_file)
        .service(review::my_queue)
        .service(review::decide_plan)
        .service(report::standing_report)
        .service(report::standing_report_xlsx);
}
