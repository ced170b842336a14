//! Operations endpoints, problem responses, request ids, metrics, schema and seeding.

use actix_web::test::TestRequest;
use diesel::prelude::*;

use crate::support::{backend, TestApp};
use licheng::schema::{self as s, schools, terms, user_roles, users};

#[actix_web::test]
async fn health_and_readiness() {
    let app = TestApp::init();
    let r = app.get("/healthz").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), serde_json::json!({"status": "ok"}));
    let r = app.get("/readyz").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["database"], backend());
    assert_eq!(body["migrations"], "applied");
}

#[actix_web::test]
async fn unknown_routes_are_problems_in_both_languages() {
    let app = TestApp::init();
    let zh = app.get("/api/v1/no-such-thing").await.assert_problem(404, "route_not_found");
    assert_eq!(zh["title"], "找不到此路徑");
    let en = app
        .send(TestRequest::get().uri("/api/v1/no-such-thing").insert_header(("Accept-Language", "en-US,en;q=0.9")))
        .await;
    let en = en.assert_problem(404, "route_not_found");
    assert_eq!(en["title"], "Route not found");
    // Outside /api, with no SPA built, the root explains what is missing instead of an HTML page.
    app.get("/").await.assert_problem(404, "frontend_not_built");
}

#[actix_web::test]
async fn method_not_allowed_is_a_problem() {
    let app = TestApp::init();
    let r = app.send(TestRequest::delete().uri("/api/docs/")).await;
    assert!(r.status.is_client_error());
    assert!(r.content_type().starts_with("application/problem+json"), "{}", r.content_type());
}

#[actix_web::test]
async fn request_ids_are_echoed_or_made() {
    let app = TestApp::init();
    let r = app.send(TestRequest::get().uri("/healthz").insert_header(("X-Request-Id", "abc-123"))).await;
    assert_eq!(r.headers.get("x-request-id").unwrap(), "abc-123");
    let r = app.send(TestRequest::get().uri("/healthz").insert_header(("X-Request-Id", "bad id with spaces"))).await;
    let id = r.headers.get("x-request-id").unwrap().to_str().unwrap().to_string();
    assert_eq!(id.len(), 36, "a fresh UUID replaces an unusable id: {id}");
}

#[actix_web::test]
async fn metrics_count_requests_by_route() {
    let app = TestApp::init();
    app.get("/healthz").await;
    app.get("/healthz").await;
    app.get("/api/v1/nope").await;
    let r = app.get("/metrics").await;
    assert_eq!(r.status, 200);
    assert!(r.content_type().starts_with("text/plain"));
    let text = r.text();
    assert!(text.contains("licheng_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"), "{text}");
    assert!(text.contains("status=\"404\""), "{text}");
    assert!(text.contains("licheng_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"+Inf\"} 2"));
}

#[actix_web::test]
async fn demo_seed_is_idempotent_and_has_every_role() {
    let app = TestApp::init();
    let now = app.state.clock.now();
    assert!(licheng::demo::seed(&app.state.db, now).unwrap());
    assert!(!licheng::demo::seed(&app.state.db, now).unwrap());
    let roles: Vec<String> = app
        .state
        .db
        .read_blocking(|c| Ok(user_roles::table.select(user_roles::role_code).distinct().load(c)?))
        .unwrap();
    for role in licheng::accounts::Role::ALL {
        assert!(roles.iter().any(|r| r == role.as_str()), "demo lacks {}", role.as_str());
    }
    let current: Vec<(i32, i32)> = app
        .state
        .db
        .read_blocking(|c| Ok(terms::table.filter(terms::is_current.eq(true)).select((terms::academic_year, terms::semester)).load(c)?))
        .unwrap();
    assert_eq!(current.len(), 1);
    // The demo's master data came through the sync path: seven applied batches in the log.
    let statuses: Vec<String> = app
        .state
        .db
        .read_blocking(|c| Ok(s::sync_batches::table.select(s::sync_batches::status_code).load(c)?))
        .unwrap();
    assert_eq!(statuses.len(), 7);
    assert!(statuses.iter().all(|s| s == "00"), "{statuses:?}");
    let pair = app.sign_in_pair("999999", "999999_T002", licheng::demo::PASSWORD).await;
    let me = app.get_as("/api/v1/me", pair["access_token"].as_str().unwrap()).await.json();
    assert_eq!(me["roles"], serde_json::json!(["subject_teacher", "homeroom_teacher"]));
    let student = app.sign_in_pair("999999", "999999_115001", licheng::demo::PASSWORD).await;
    // Its work periods are open around today.
    let periods = app.get_as("/api/v1/me/periods", student["access_token"].as_str().unwrap()).await.json();
    assert_eq!(periods.as_array().unwrap().len(), 3, "{periods}");
    assert!(periods.as_array().unwrap().iter().all(|p| p["open"] == true), "{periods}");
    let consultant = app.sign_in_pair("999999", "999999_T003", licheng::demo::PASSWORD).await;
    let advisees = app.get_as("/api/v1/me/advisees", consultant["access_token"].as_str().unwrap()).await.json();
    assert_eq!(advisees["total"], 3);
}

#[actix_web::test]
async fn schools_need_unique_six_digit_codes() {
    let app = TestApp::init();
    let now = app.state.clock.now();
    let bad = app.state.db.write_blocking(|c| licheng::schools::create_with_admin(c, "12345", "X", "admin", "pw123456", now));
    assert_eq!(bad.unwrap_err().code, licheng::error::ErrorCode::ValidationFailed);
    app.write(|c| licheng::schools::create_with_admin(c, "074313", "國立示範高中", "admin", "pw123456", now));
    let dup = app.state.db.write_blocking(|c| licheng::schools::create_with_admin(c, "074313", "Y", "admin", "pw123456", now));
    assert_eq!(dup.unwrap_err().code, licheng::error::ErrorCode::Conflict);
    // A failed write leaves nothing behind: exactly one school and one admin.
    let (n_schools, n_users): (i64, i64) = app
        .state
        .db
        .read_blocking(|c| Ok((schools::table.count().get_result(c)?, users::table.count().get_result(c)?)))
        .unwrap();
    assert_eq!((n_schools, n_users), (1, 1));
}

/// Column names of a table as the database has them.
fn db_columns(app: &TestApp, table: &str) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let sql = if backend() == "postgres" {
        format!("SELECT column_name AS name FROM information_schema.columns WHERE table_name = '{table}' AND table_schema = 'public'")
    } else {
        format!("SELECT name FROM pragma_table_info('{table}')")
    };
    let mut names: Vec<String> = app
        .state
        .db
        .read_blocking(|c| Ok(diesel::sql_query(sql).load::<Name>(c)?))
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect();
    names.sort();
    names
}

/// Column names of a table as `schema.rs` declares them (read from the SQL diesel generates).
fn schema_columns<T>(query: T) -> Vec<String>
where
    T: diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite>,
{
    let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&query).to_string();
    let select = sql.split(" FROM ").next().unwrap_or("");
    let mut names: Vec<String> = select
        .split(',')
        .filter_map(|part| part.rsplit('.').next())
        .map(|c| c.trim().trim_matches('`').trim_matches('"').to_string())
        .collect();
    names.sort();
    names
}

#[actix_web::test]
async fn schema_rs_matches_the_migrations() {
    let app = TestApp::init();
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("schools", schema_columns(schools::table.select(schools::all_columns))),
        ("roles", schema_columns(licheng::schema::roles::table.select(licheng::schema::roles::all_columns))),
        ("users", schema_columns(users::table.select(users::all_columns))),
        ("user_roles", schema_columns(user_roles::table.select(user_roles::all_columns))),
        ("terms", schema_columns(terms::table.select(terms::all_columns))),
        ("refresh_tokens", schema_columns(s::refresh_tokens::table.select(s::refresh_tokens::all_columns))),
        ("captchas", schema_columns(s::captchas::table.select(s::captchas::all_columns))),
        ("sign_in_failures", schema_columns(s::sign_in_failures::table.select(s::sign_in_failures::all_columns))),
        ("password_resets", schema_columns(s::password_resets::table.select(s::password_resets::all_columns))),
        ("function_modules", schema_columns(s::function_modules::table.select(s::function_modules::all_columns))),
        ("role_groups", schema_columns(s::role_groups::table.select(s::role_groups::all_columns))),
        ("role_group_modules", schema_columns(s::role_group_modules::table.select(s::role_group_modules::all_columns))),
        ("role_group_members", schema_columns(s::role_group_members::table.select(s::role_group_members::all_columns))),
        ("mail_settings", schema_columns(s::mail_settings::table.select(s::mail_settings::all_columns))),
        ("api_keys", schema_columns(s::api_keys::table.select(s::api_keys::all_columns))),
        ("audit_events", schema_columns(s::audit_events::table.select(s::audit_events::all_columns))),
        ("student_profiles", schema_columns(s::student_profiles::table.select(s::student_profiles::all_columns))),
        ("classes", schema_columns(s::classes::table.select(s::classes::all_columns))),
        ("courses", schema_columns(s::courses::table.select(s::courses::all_columns))),
        ("enrolments", schema_columns(s::enrolments::table.select(s::enrolments::all_columns))),
        ("teaching_assignments", schema_columns(s::teaching_assignments::table.select(s::teaching_assignments::all_columns))),
        ("cadre_records", schema_columns(s::cadre_records::table.select(s::cadre_records::all_columns))),
        ("sync_batches", schema_columns(s::sync_batches::table.select(s::sync_batches::all_columns))),
        ("function_parameters", schema_columns(s::function_parameters::table.select(s::function_parameters::all_columns))),
        ("national_windows", schema_columns(s::national_windows::table.select(s::national_windows::all_columns))),
        ("work_periods", schema_columns(s::work_periods::table.select(s::work_periods::all_columns))),
        ("consultant_classes", schema_columns(s::consultant_classes::table.select(s::consultant_classes::all_columns))),
        ("counselor_students", schema_columns(s::counselor_students::table.select(s::counselor_students::all_columns))),
        ("stored_files", schema_columns(s::stored_files::table.select(s::stored_files::all_columns))),
        ("learning_results", schema_columns(s::learning_results::table.select(s::learning_results::all_columns))),
        ("learning_result_events", schema_columns(s::learning_result_events::table.select(s::learning_result_events::all_columns))),
        ("performances", schema_columns(s::performances::table.select(s::performances::all_columns))),
        ("selections", schema_columns(s::selections::table.select(s::selections::all_columns))),
        ("notifications", schema_columns(s::notifications::table.select(s::notifications::all_columns))),
        ("mail_outbox", schema_columns(s::mail_outbox::table.select(s::mail_outbox::all_columns))),
        ("transfer_exports", schema_columns(s::transfer_exports::table.select(s::transfer_exports::all_columns))),
        ("transfer_imports", schema_columns(s::transfer_imports::table.select(s::transfer_imports::all_columns))),
        ("transfer_items", schema_columns(s::transfer_items::table.select(s::transfer_items::all_columns))),
    ];
    for (table, declared) in cases {
        assert_eq!(db_columns(&app, table), declared, "table {table}");
    }
}

#[actix_web::test]
async fn the_spa_is_served_at_the_root_with_deep_links() {
    let app = TestApp::with_config(|c| {
        let dist = c.data_dir.join("dist");
        std::fs::create_dir_all(dist.join("assets")).unwrap();
        std::fs::write(dist.join("index.html"), "<!doctype html><div id=\"root\"></div>").unwrap();
        std::fs::write(dist.join("assets/app.js"), "console.log(1)").unwrap();
        c.frontend_dir = dist;
    });
    let root = app.get("/").await;
    assert_eq!(root.status, 200);
    assert!(root.text().contains("id=\"root\""));
    assert_eq!(app.get("/assets/app.js").await.text(), "console.log(1)");
    // Client-side routes get index.html; a missing asset and unknown API routes do not.
    let deep = app.get("/student/results/3").await;
    assert_eq!(deep.status, 200);
    assert!(deep.text().contains("id=\"root\""));
    app.get("/assets/missing.js").await.assert_problem(404, "route_not_found");
    app.get("/api/v1/nothing").await.assert_problem(404, "route_not_found");
}
