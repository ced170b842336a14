//! The API contract (issue #18): what the document promises about refusals holds on the wire.

use actix_web::test::TestRequest;
use serde_json::json;

use crate::support::TestApp;

async fn raw(app: &TestApp, method: actix_web::http::Method, path: &str, token: &str, content_type: &str, body: &'static str) -> crate::support::Reply {
    app.send(
        TestRequest::default()
            .method(method)
            .uri(path)
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", content_type))
            .insert_header(("Accept-Language", "en"))
            .set_payload(body),
    )
    .await
}

/// A caller who may not sync is refused before the batch is read: a student sending a
/// malformed or non-JSON body gets `403`, not `400 invalid_json` / `415`.
#[actix_web::test]
async fn sync_refuses_a_caller_before_reading_the_body() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token("999999_115001").await;
    let post = actix_web::http::Method::POST;
    raw(&app, post.clone(), "/api/v1/sync/students", &student, "application/json", "{not json").await.assert_problem(403, "scope_required");
    raw(&app, post.clone(), "/api/v1/sync/classes", &student, "text/plain", "rows").await.assert_problem(403, "scope_required");
    // The same for the school's own settings: a teacher is refused before the body is judged.
    let teacher = app.demo_token("999999_T001").await;
    raw(&app, post.clone(), "/api/v1/role-groups", &teacher, "application/json", "{not json").await.assert_problem(403, "role_required");
    assert_eq!(raw(&app, actix_web::http::Method::PUT, "/api/v1/settings/parameters", &teacher, "text/plain", "x").await.status, 403);
    // An API key with the scope gets the body's own problems.
    let admin = app.demo_token("admin").await;
    let key = app.post_as("/api/v1/api-keys", &admin, json!({"name": "vendor", "scopes": ["sync"]})).await.json()["secret"].as_str().unwrap().to_string();
    raw(&app, post.clone(), "/api/v1/sync/students", &key, "application/json", "{not json").await.assert_problem(400, "invalid_json");
    raw(&app, post, "/api/v1/sync/classes", &key, "text/plain", "rows").await.assert_problem(415, "unsupported_media_type");
}

/// `detail` never carries the parser's text (Rust types, `i64`, overflow wording): a fixed
/// message with where it went wrong, naming a missing field.
#[actix_web::test]
async fn malformed_bodies_paths_and_queries_get_fixed_details() {
    let app = TestApp::init();
    app.demo();
    let admin = app.demo_token("admin").await;
    let post = actix_web::http::Method::POST;
    let body = raw(&app, post.clone(), "/api/v1/accounts/reset-password", &admin, "application/json", r#"{"user_ids": [99999999999999999999999]}"#)
        .await
        .assert_problem(400, "invalid_json");
    let detail = body["detail"].as_str().unwrap();
    // A value of the wrong type is named as such; its position is not known once the document
    // is parsed (integral floats are read as integers first), a syntax error's is.
    assert!(detail.contains("wrong type or value") && !detail.contains("i64") && !detail.contains("u64") && !detail.contains("expected"), "{detail}");
    let body = raw(&app, post.clone(), "/api/v1/accounts/reset-password", &admin, "application/json", "{}").await.assert_problem(400, "invalid_json");
    assert!(body["detail"].as_str().unwrap().contains("`user_ids`"), "{body}");
    let body = raw(&app, post, "/api/v1/accounts/reset-password", &admin, "application/json", r#"{"user_ids": [1,"#).await.assert_problem(400, "invalid_json");
    assert!(body["detail"].as_str().unwrap().contains("not valid JSON") && body["detail"].as_str().unwrap().contains("line 1"), "{body}");
    // As in JSON Schema, a number with no fraction is an integer (issue #18: the server checks
    // nothing the schema does not say).
    let body = raw(&app, actix_web::http::Method::POST, "/api/v1/accounts/reset-password", &admin, "application/json", r#"{"user_ids": [99999999.0]}"#).await;
    assert_ne!(body.status, 400, "an integral float is read as an integer");
    // A number beyond i64 is refused, not rounded into range as a float (schemathesis found it).
    raw(&app, actix_web::http::Method::POST, "/api/v1/accounts/reset-password", &admin, "application/json", r#"{"user_ids": [-9223372036854775809]}"#)
        .await
        .assert_problem(400, "invalid_json");

    let reply = app.send(TestRequest::get().uri("/api/v1/role-groups/99999999999999999999999/members").insert_header(("Authorization", format!("Bearer {admin}")))).await;
    let body = reply.assert_problem(400, "invalid_path");
    assert!(!body["detail"].as_str().unwrap().contains("i64") && !body["detail"].as_str().unwrap().contains("parse"), "{body}");
    let body = app.get_as("/api/v1/students?page=99999999999999999999999", &admin).await.assert_problem(400, "invalid_query");
    assert!(!body["detail"].as_str().unwrap().contains("i64") && !body["detail"].as_str().unwrap().contains("number too large"), "{body}");
}

/// `selection-status` requires `kind` exactly as the document says (no trimming), and `term`
/// filters follow their documented pattern.
#[actix_web::test]
async fn query_values_are_checked_as_documented() {
    let app = TestApp::init();
    app.demo();
    let admin = app.demo_token("admin").await;
    app.get_as("/api/v1/reports/selection-status", &admin).await.assert_problem(400, "invalid_query");
    app.get_as("/api/v1/reports/selection-status?kind=%20results", &admin).await.assert_problem(400, "invalid_query");
    assert_eq!(app.get_as("/api/v1/reports/selection-status?kind=results", &admin).await.status, 200);
    app.get_as("/api/v1/learning-results?term=1153", &admin).await.assert_problem(400, "invalid_query");
    assert_eq!(app.get_as("/api/v1/learning-results?term=1152", &admin).await.status, 200);
    app.get_as("/api/v1/students?per_page=201", &admin).await.assert_problem(422, "validation_failed");
}

/// Every operation that takes a body decides who may call it before it reads the body: an API
/// key with only the `read` scope — refused by every operation that writes — sending a body that is
/// not JSON gets `401`/`403`, never `400 invalid_json`, `415` or `422` (issue #18: a caller
/// without permission learns nothing from the body's problems, and none is parsed for them).
#[actix_web::test]
async fn every_operation_with_a_body_refuses_a_caller_before_reading_it() {
    let app = TestApp::init();
    app.demo();
    let admin = app.demo_token("admin").await;
    let key = app.post_as("/api/v1/api-keys", &admin, json!({"name": "reader", "scopes": ["read"]})).await.json()["secret"].as_str().unwrap().to_string();
    let spec: serde_json::Value = serde_json::from_str(&licheng::openapi::to_pretty_json()).unwrap();
    let mut judged = Vec::new();
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op.get("requestBody").is_none() || op["security"].as_array().is_some_and(|s| s.is_empty()) {
                continue;
            }
            let uri = path.split('/').map(|part| if part.starts_with('{') { "1" } else { part }).collect::<Vec<_>>().join("/");
            let method = actix_web::http::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for (content_type, body) in [("application/json", "{not json"), ("text/plain", "not a form")] {
                let reply = raw(&app, method.clone(), &uri, &key, content_type, body).await;
                checked += 1;
                if ![401, 403].contains(&reply.status.as_u16()) {
                    judged.push(format!("{method} {path} ({content_type}): {} {}", reply.status, reply.text()));
                }
            }
        }
    }
    assert!(checked > 40, "only {checked} requests: the walk found too few operations with a body");
    assert!(judged.is_empty(), "these read (or judged) the body before refusing the caller:\n{}", judged.join("\n"));
}
