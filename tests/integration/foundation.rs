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
    for role in licheng::identity::Role::ALL {
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
