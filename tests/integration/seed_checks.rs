//! Issue #16: what the first screens got wrong against the seeds. Each test quotes the seed line
//! it follows. The demo school supplies the people (see `uploads.rs`).

use actix_web::http::Method;
use diesel::prelude::*;
use serde_json::json;

use crate::support::{bytes, TestApp};
use crate::uploads::course_id;
use licheng::schema::learning_results as lr;

const S: &str = "999999_114001";

#[actix_web::test]
async fn a_learning_result_needs_no_description_but_one_given_keeps_its_limits() {
    // FAQ 004 Q10: 「文字描述 100 字」非必填.
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    let course = chinese.to_string();
    let without = app.upload(Method::POST, "/api/v1/learning-results", &student, &[("course_id", &course)], &[("document", "a.pdf", &bytes::pdf(1000))]).await;
    assert_eq!(without.status, 201, "{}", without.text());
    assert_eq!(without.json()["description"], "");
    let blank = app.upload(Method::POST, "/api/v1/learning-results", &student, &[("course_id", &course), ("description", "  ")], &[("document", "b.pdf", &bytes::pdf(1001))]).await;
    assert_eq!(blank.status, 201, "{}", blank.text());
    // Given, it keeps the 100-character limit and the no-links rule (003 #32).
    for bad in ["字".repeat(101), "見 https://example.com".to_string()] {
        app.upload(Method::POST, "/api/v1/learning-results", &student, &[("course_id", &course), ("description", &bad)], &[("document", "c.pdf", &bytes::pdf(1002))])
            .await
            .assert_problem(422, "validation_failed");
    }
    // An edit may write one and clear it again; a file is still required.
    let path = format!("/api/v1/learning-results/{}", without.json()["id"]);
    let written = app.upload(Method::PUT, &path, &student, &[("description", "補上簡述")], &[]).await;
    assert_eq!(written.json()["description"], "補上簡述", "{}", written.text());
    let cleared = app.upload(Method::PUT, &path, &student, &[("description", "")], &[]).await;
    assert_eq!(cleared.status, 200, "{}", cleared.text());
    assert_eq!(cleared.json()["description"], "");
    app.upload(Method::POST, "/api/v1/learning-results", &student, &[("course_id", &course)], &[]).await.assert_problem(422, "validation_failed");
    assert_eq!(app.post_as(&format!("{path}/submit"), &student, json!({})).await.status, 200);
    assert_eq!(app.write(|c| Ok(lr::table.count().get_result::<i64>(c)?)), 2);
}
