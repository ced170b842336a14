//! Every operation of the API in one table (issue #17 item 3): each line registers the handler
//! with actix and its `#[utoipa::path]` with the OpenAPI document, so the two cannot drift. A new
//! endpoint is its handler (the actix method attribute and `#[utoipa::path]`) plus one line here.
//!
//! The order is actix's matching order within a scope: a literal path (`/news/manage`) is listed
//! before a template it would also match (`/news/{id}`).

use actix_web::web;

/// The scope of the API (`app::build` mounts [`v1`] here).
pub const V1: &str = "/api/v1";
/// The scope of the school-affairs vendors' batches (`app::build` mounts [`sync`] here).
pub const SYNC: &str = "/api/v1/sync";

/// Emits, from the three lists, the actix registration of each scope and [`operations`], the
/// OpenAPI paths of all of them. Each path is a `::`-separated list of identifiers (not a `path`
/// fragment, which the derive would receive as one opaque token).
macro_rules! operations {
    (
        unscoped: [$($($u:ident)::+),* $(,)?],
        sync: [$($($s:ident)::+),* $(,)?],
        v1: [$($($v:ident)::+),* $(,)?],
        served: [$($kind:ident => $($r:ident)::+),* $(,)?] $(,)?
    ) => {
        /// Outside `/api`: health, readiness and metrics.
        pub fn unscoped(cfg: &mut web::ServiceConfig) {
            $( cfg.service($($u)::+); )*
        }

        /// Under `/api/v1/sync` (the school-affairs vendors' batches, with their own body limit).
        pub fn sync(cfg: &mut web::ServiceConfig) {
            $( cfg.service($($s)::+); )*
        }

        /// Under `/api/v1`, with the students' items ([`crate::uploads::served`]).
        pub fn v1(cfg: &mut web::ServiceConfig) {
            $( cfg.service($($v)::+); )*
            $( crate::uploads::served::register::<$($r)::+>(cfg, crate::uploads::items::ItemKind::$kind); )*
        }

        /// The OpenAPI paths of the operations outside `/api`.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($($u)::+,)*))]
        struct UnscopedOperations;

        /// The OpenAPI paths of the operations under [`SYNC`], as written on their handlers.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($($s)::+,)*))]
        struct SyncOperations;

        /// The OpenAPI paths of the operations under [`V1`], as written on their handlers.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($($v)::+,)*))]
        struct V1Operations;

        /// The OpenAPI paths of every registered operation, each under its scope's prefix, with the
        /// schemas they use (merged into the document by `openapi::document`). A handler states
        /// its path once, in its actix method attribute (`#[get("/news/{id}")]`);
        /// `#[utoipa::path]` reads it from there (checked by
        /// `openapi_contract::annotations_do_not_repeat_the_route_path`).
        pub fn operations() -> utoipa::openapi::OpenApi {
            use utoipa::OpenApi;
            let mut all = UnscopedOperations::openapi();
            let mut v1 = V1Operations::openapi();
            $( served(&mut v1, crate::uploads::served::operations::<$($r)::+>(crate::uploads::items::ItemKind::$kind)); )*
            for (prefix, mut scope) in [(SYNC, SyncOperations::openapi()), (V1, v1)] {
                scope.paths.paths = std::mem::take(&mut scope.paths.paths).into_iter().map(|(path, item)| (format!("{prefix}{path}"), item)).collect();
                all.merge(scope);
            }
            all
        }
    };
}

/// Adds a kind of students' items ([`crate::uploads::served::operations`]) to `scope`'s paths and
/// schemas.
fn served(scope: &mut utoipa::openapi::OpenApi, (paths, schemas): crate::uploads::served::Operations) {
    scope.paths.paths.extend(paths);
    scope.components.get_or_insert_with(Default::default).schemas.extend(schemas);
}

operations! {
    unscoped: [
        crate::ops::healthz,
        crate::ops::readyz,
        crate::ops::metrics,
    ],
    sync: [
        crate::sync::routes::students,
        crate::sync::routes::staff,
        crate::sync::routes::classes,
        crate::sync::routes::courses,
        crate::sync::routes::enrolments,
        crate::sync::routes::teaching_assignments,
        crate::sync::routes::cadre_records,
        crate::sync::routes::receiving_log,
    ],
    v1: [
        crate::accounts::routes::options,
        crate::accounts::routes::new_captcha,
        crate::accounts::routes::sign_in,
        crate::accounts::routes::refresh,
        crate::accounts::routes::sign_out,
        crate::accounts::routes::forgot_password,
        crate::accounts::routes::reset_password,
        crate::accounts::routes::get_me,
        crate::accounts::routes::change_password,
        crate::accounts::routes::update_email,
        crate::accounts::routes::lookup_schools,
        crate::schools::routes::list,
        crate::schools::routes::create,
        crate::accounts::groups::list,
        crate::accounts::groups::create,
        crate::accounts::groups::update,
        crate::accounts::groups::remove,
        crate::accounts::groups::list_modules,
        crate::accounts::groups::get_modules,
        crate::accounts::groups::put_modules,
        crate::accounts::groups::get_members,
        crate::accounts::groups::put_members,
        crate::accounts::groups::list_staff,
        crate::accounts::admin::list,
        crate::accounts::admin::reset_passwords,
        crate::accounts::admin::list_temporary,
        crate::accounts::admin::create_temporary,
        crate::accounts::admin::revoke_temporary,
        crate::accounts::apikeys::list,
        crate::accounts::apikeys::create_key,
        crate::accounts::apikeys::revoke,
        crate::mail::get_settings,
        crate::mail::put_settings,
        crate::mail::test_mail,
        crate::accounts::audit::list,
        crate::terms::routes::list,
        crate::terms::routes::get_current,
        crate::terms::routes::switch,
        crate::settings::parameters::get_parameters,
        crate::settings::parameters::put_parameters,
        crate::settings::periods::list_windows,
        crate::settings::periods::put_window,
        crate::settings::periods::list_periods,
        crate::settings::periods::create_period,
        crate::settings::periods::update_period,
        crate::settings::periods::delete_period,
        crate::settings::periods::my_periods,
        crate::settings::cotaught::list_co_taught,
        crate::settings::cotaught::put_co_taught,
        crate::settings::advisors::list_consultants,
        crate::settings::advisors::get_consultant_classes,
        crate::settings::advisors::put_consultant_classes,
        crate::settings::advisors::get_consultant_students,
        crate::settings::advisors::put_consultant_students,
        crate::settings::advisors::list_students,
        crate::settings::advisors::list_counselors,
        crate::settings::advisors::get_counselor_students,
        crate::settings::advisors::put_counselor_students,
        crate::settings::advisors::my_advisees,
        crate::settings::advisors::list_classes,
        crate::uploads::results::my_courses,
        crate::uploads::results::submit_result,
        crate::uploads::performances::list_categories,
        crate::uploads::performances::my_limits,
        crate::uploads::performances::my_cadre_records,
        crate::selections::my_selections,
        crate::selections::select_item,
        crate::selections::unselect_item,
        crate::certification::certification_courses,
        crate::certification::certification_results,
        crate::certification::decide_result,
        crate::certification::decide_many,
        crate::delegates::list_delegates,
        crate::delegates::create_delegate,
        crate::delegates::end_delegate,
        crate::notify::inbox::my_notifications,
        crate::notify::inbox::read_all_notifications,
        crate::notify::inbox::read_notification,
        crate::reminders::reminder_log,
        crate::reminders::run_reminders,
        crate::reports::uncertified_teachers,
        crate::reports::uncertified_courses,
        crate::reports::uncertified_students,
        crate::reports::uncertified_xlsx,
        crate::reports::selection_status,
        crate::reports::selection_status_xlsx,
        crate::reports::usage_report,
        crate::reports::usage_xlsx,
        crate::jobs::routes::get_job,
        crate::jobs::routes::get_job_result,
        crate::rosters::routes::roster_table,
        crate::rosters::routes::roster_check,
        crate::rosters::routes::start_export,
        crate::rosters::routes::export_history,
        crate::rosters::routes::download_export,
        crate::history::routes::chain_head,
        crate::transfers::routes::transfer_students,
        crate::transfers::routes::start_transfer_export,
        crate::transfers::routes::transfer_exports,
        crate::transfers::routes::download_transfer_export,
        crate::transfers::routes::import_transfer,
        crate::transfers::routes::transfer_imports,
        crate::transfers::routes::transfer_items,
        crate::transfers::routes::select_transfer_item,
        crate::transfers::routes::unselect_transfer_item,
        crate::transfers::routes::transfer_item_file,
        crate::news::routes::public_news,
        crate::news::routes::my_news,
        crate::news::routes::read_news,
        crate::news::routes::manage_news,
        crate::news::routes::create_news,
        crate::news::routes::update_news,
        crate::news::routes::delete_news,
        crate::fields::routes::list_study_fields,
        crate::fields::routes::update_study_field,
        crate::reports::confirmation::confirmation_sheets,
        crate::reports::confirmation::confirmation_sheets_xlsx,
        crate::reports::confirmation::my_confirmation_sheet,
        crate::reports::stats::upload_stats_report,
        crate::reports::stats::upload_stats_xlsx,
        crate::reports::stats::usage_counts_report,
        crate::reports::stats::usage_counts_xlsx,
        crate::reports::stats::teacher_certifications,
        crate::reports::stats::teacher_certifications_xlsx,
        crate::reports::analysis::analysis,
        crate::reports::analysis::analysis_xlsx,
        crate::reports::analysis::analysis_export,
        crate::reports::deadlines::deadlines,
        crate::consultations::routes::list_consultations,
        crate::consultations::routes::consultations_xlsx,
        crate::consultations::routes::create_consultation,
        crate::consultations::routes::update_consultation,
        crate::consultations::routes::delete_consultation,
        crate::consultations::routes::consultation_stats,
        crate::consultations::routes::consultation_stats_xlsx,
        crate::consultations::routes::my_consultations,
        crate::selfdirected::groups::list_groups,
        crate::selfdirected::groups::create_group,
        crate::selfdirected::groups::rename_group,
        crate::selfdirected::groups::delete_group,
        crate::selfdirected::groups::get_group_members,
        crate::selfdirected::groups::put_group_members,
        crate::selfdirected::groups::list_certifier_staff,
        crate::selfdirected::groups::list_stages,
        crate::selfdirected::groups::add_stage,
        crate::selfdirected::groups::move_stage,
        crate::selfdirected::groups::remove_stage,
        crate::selfdirected::plans::my_self_directed,
        crate::selfdirected::plans::create_plan,
        crate::selfdirected::plans::update_plan,
        crate::selfdirected::plans::delete_plan,
        crate::selfdirected::plans::submit_plan,
        crate::selfdirected::plans::add_progress,
        crate::selfdirected::plans::save_result,
        crate::selfdirected::plans::submit_outcome,
        crate::selfdirected::plans::select_as_performance,
        crate::selfdirected::review::get_plan,
        crate::selfdirected::review::download_file,
        crate::selfdirected::review::my_queue,
        crate::selfdirected::review::decide_plan,
        crate::selfdirected::report::standing_report,
        crate::selfdirected::report::standing_report_xlsx,
        crate::receipts::routes::import_receipt,
        crate::receipts::routes::list_imports,
        crate::receipts::routes::student_receipt,
        crate::receipts::routes::list_reports,
        crate::receipts::routes::reports_xlsx,
        crate::receipts::routes::set_remark,
        crate::receipts::routes::statistics,
        crate::receipts::routes::statistics_xlsx,
        crate::receipts::routes::differences,
        crate::receipts::routes::differences_xlsx,
        crate::receipts::routes::my_receipt,
        crate::receipts::routes::answer,
    ],
    // The students' items, each served as its kind (path, operation ids) by the six handlers of
    // `uploads::served` (create, list, read, edit, delete, download), registered and documented
    // here from its `Resource` impl.
    served: [
        Result => crate::uploads::results::LearningResult,
        Performance => crate::uploads::performances::Performance,
    ],
}
