//! Licheng (學習歷程): the school-side platform of Taiwan's senior-high Student Learning Portfolio.

pub mod accounts;
pub mod app;
pub mod auth;
pub mod backup;
pub mod certification;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod history;
pub mod http;
pub mod net;
pub mod openapi;
pub mod notify;
pub mod ops;
pub mod pagination;
pub mod reports;
pub mod schema;
pub mod schools;
pub mod secrets;
pub mod selections;
pub mod settings;
pub mod storage;
pub mod sync;
pub mod terms;
pub mod time;
pub mod uploads;
pub mod jobs;
pub mod rosters;
pub mod transfers;
pub mod selfdirected;
pub mod news;
pub mod fields;
pub mod consultations;
pub mod receipts;
pub mod national_id;

use actix_web::web;

/// Routes under `/api/v1`.
pub fn routes_v1(cfg: &mut web::ServiceConfig) {
    use accounts::{admin, apikeys, audit, groups, routes as auth};
    cfg.service(auth::options)
        .service(auth::new_captcha)
        .service(auth::sign_in)
        .service(auth::refresh)
        .service(auth::sign_out)
        .service(auth::forgot_password)
        .service(auth::reset_password)
        .service(auth::get_me)
        .service(auth::change_password)
        .service(auth::update_email)
        .service(auth::lookup_schools)
        .service(schools::routes::list)
        .service(schools::routes::create)
        .service(groups::list)
        .service(groups::create)
        .service(groups::update)
        .service(groups::remove)
        .service(groups::list_modules)
        .service(groups::get_modules)
        .service(groups::put_modules)
        .service(groups::get_members)
        .service(groups::put_members)
        .service(groups::list_staff)
        .service(admin::list)
        .service(admin::reset_passwords)
        .service(admin::list_temporary)
        .service(admin::create_temporary)
        .service(admin::revoke_temporary)
        .service(apikeys::list)
        .service(apikeys::create_key)
        .service(apikeys::revoke)
        .service(notify::mail::get_settings)
        .service(notify::mail::put_settings)
        .service(notify::mail::test_mail)
        .service(audit::list)
        .service(terms::routes::list)
        .service(terms::routes::get_current)
        .service(terms::routes::switch)
        .service(settings::parameters::get_parameters)
        .service(settings::parameters::put_parameters)
        .service(settings::periods::list_windows)
        .service(settings::periods::put_window)
        .service(settings::periods::list_periods)
        .service(settings::periods::create_period)
        .service(settings::periods::update_period)
        .service(settings::periods::delete_period)
        .service(settings::periods::my_periods)
        .service(settings::cotaught::list_co_taught)
        .service(settings::cotaught::put_co_taught)
        .service(settings::advisors::list_consultants)
        .service(settings::advisors::get_consultant_classes)
        .service(settings::advisors::put_consultant_classes)
        .service(settings::advisors::get_consultant_students)
        .service(settings::advisors::put_consultant_students)
        .service(settings::advisors::list_students)
        .service(settings::advisors::list_counselors)
        .service(settings::advisors::get_counselor_students)
        .service(settings::advisors::put_counselor_students)
        .service(settings::advisors::my_advisees)
        .service(settings::advisors::list_classes)
        .service(uploads::results::my_courses)
        .service(uploads::results::create_result)
        .service(uploads::results::list_results)
        .service(uploads::results::get_result)
        .service(uploads::results::update_result)
        .service(uploads::results::delete_result)
        .service(uploads::results::submit_result)
        .service(uploads::results::download_result_file)
        .service(uploads::performances::list_categories)
        .service(uploads::performances::my_limits)
        .service(uploads::performances::my_cadre_records)
        .service(uploads::performances::create_performance)
        .service(uploads::performances::list_performances)
        .service(uploads::performances::get_performance)
        .service(uploads::performances::update_performance)
        .service(uploads::performances::delete_performance)
        .service(uploads::performances::download_performance_file)
        .service(selections::my_selections)
        .service(selections::select_item)
        .service(selections::unselect_item)
        .service(certification::certification_courses)
        .service(certification::certification_results)
        .service(certification::decide_result)
        .service(certification::decide_many)
        .service(certification::delegates::list_delegates)
        .service(certification::delegates::create_delegate)
        .service(certification::delegates::end_delegate)
        .service(notify::inbox::my_notifications)
        .service(notify::inbox::read_all_notifications)
        .service(notify::inbox::read_notification)
        .service(notify::reminders::reminder_log)
        .service(notify::reminders::run_reminders)
        .service(reports::uncertified_teachers)
        .service(reports::uncertified_courses)
        .service(reports::uncertified_students)
        .service(reports::uncertified_xlsx)
        .service(reports::selection_status)
        .service(reports::selection_status_xlsx)
        .service(reports::usage_report)
        .service(reports::usage_xlsx)
        .service(jobs::routes::get_job)
        .service(jobs::routes::get_job_result)
        .service(rosters::routes::roster_table)
        .service(rosters::routes::roster_check)
        .service(rosters::routes::start_export)
        .service(rosters::routes::export_history)
        .service(rosters::routes::download_export)
        .service(history::routes::chain_head)
        // transfers
        .configure(transfers::routes::configure)
        .configure(news::routes::configure) // news
        .configure(fields::routes::configure) // study fields
        .configure(reports::more::configure) // reports (#23)
        .configure(consultations::routes::configure); // consultations
    selfdirected::routes::configure(cfg); // selfdirected
    receipts::routes::configure(cfg); // receipts
}
