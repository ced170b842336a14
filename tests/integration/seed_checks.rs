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

/// Sets the demo school's upload period of `term` for grade 2 (student 114001's) to open now or
/// closed (ended an hour ago), creating it when missing.
fn upload_period(app: &TestApp, school: i64, academic_year: i32, semester: i32, open: bool) {
    use licheng::schema::work_periods as wp;
    let now = app.state.clock.now();
    let (starts_at, ends_at) = if open { (now - chrono::Duration::days(1), now + chrono::Duration::days(30)) } else { (now - chrono::Duration::days(30), now - chrono::Duration::hours(1)) };
    app.write(|c| {
        let row = wp::table
            .filter(wp::school_id.eq(school))
            .filter(wp::academic_year.eq(academic_year))
            .filter(wp::semester.eq(semester))
            .filter(wp::grade.eq(2))
            .filter(wp::item.eq("upload_results"));
        if diesel::update(row).set((wp::starts_at.eq(starts_at), wp::ends_at.eq(ends_at))).execute(c)? == 0 {
            diesel::insert_into(wp::table)
                .values((
                    wp::school_id.eq(school),
                    wp::academic_year.eq(academic_year),
                    wp::semester.eq(semester),
                    wp::grade.eq(2),
                    wp::item.eq("upload_results"),
                    wp::starts_at.eq(starts_at),
                    wp::ends_at.eq(ends_at),
                    wp::created_at.eq(now),
                    wp::updated_at.eq(now),
                ))
                .execute(c)?;
        }
        Ok(())
    });
}

async fn create(app: &TestApp, token: &str, course: i64, description: &str, n: usize) -> i64 {
    let course = course.to_string();
    let r = app.upload(Method::POST, "/api/v1/learning-results", token, &[("course_id", &course), ("description", description)], &[("document", "a.pdf", &bytes::pdf(1000 + n))]).await;
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["id"].as_i64().unwrap()
}

#[actix_web::test]
async fn a_result_is_edited_submitted_and_deleted_only_in_its_own_terms_upload_period() {
    // FAQ 004 Q5: 「課程學習成果」…每學期上傳; meeting 003 #11: a result belongs to its term —
    // only that term's upload period allows edit, submit and delete.
    let app = TestApp::init();
    let school = app.demo();
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    let a = create(&app, &student, chinese, "上學期的作業", 0).await;
    let b = create(&app, &student, chinese, "另一件", 1).await;
    // The school moves on to 1152, whose upload period is open; 1151's has closed.
    upload_period(&app, school, 115, 1, false);
    upload_period(&app, school, 115, 2, true);
    app.write(|c| licheng::terms::set_current(c, school, licheng::terms::Term { academic_year: 115, semester: 2 }, app.state.clock.now()));
    let path = format!("/api/v1/learning-results/{a}");
    let edit = app.upload(Method::PUT, &path, &student, &[("description", "下學期才改")], &[]).await.assert_problem(403, "period_closed");
    assert!(edit["detail"].as_str().unwrap().contains("115 學年度第 1 學期"), "{edit}");
    app.post_as(&format!("{path}/submit"), &student, json!({})).await.assert_problem(403, "period_closed");
    app.delete_as(&path, &student).await.assert_problem(403, "period_closed");
    // Its own term's period (reopened by the school) still governs it after the term moved on.
    upload_period(&app, school, 115, 1, true);
    assert_eq!(app.upload(Method::PUT, &path, &student, &[("description", "補交前修改")], &[]).await.status, 200);
    assert_eq!(app.post_as(&format!("{path}/submit"), &student, json!({})).await.status, 200);
    // Outside every period, deleting is refused too.
    upload_period(&app, school, 115, 1, false);
    assert_eq!(app.write(|c| Ok(lr::table.find(b).select(lr::state).first::<String>(c)?)), "editing");
    app.delete_as(&format!("/api/v1/learning-results/{b}"), &student).await.assert_problem(403, "period_closed");
    let en = app
        .send(
            actix_web::test::TestRequest::delete()
                .uri(&format!("/api/v1/learning-results/{b}"))
                .insert_header(("Authorization", format!("Bearer {student}")))
                .insert_header(("Accept-Language", "en")),
        )
        .await
        .assert_problem(403, "period_closed");
    assert!(en["detail"].as_str().unwrap().contains("term 1151"), "{en}");
    assert_eq!(app.write(|c| Ok(lr::table.filter(lr::deleted_at.is_not_null()).count().get_result::<i64>(c)?)), 0);
}

#[actix_web::test]
async fn a_rejected_result_is_edited_and_sent_again_and_its_history_keeps_the_rejection() {
    // FAQ 004 Q12: 認證失敗後「就可以再重新編輯，重新上傳認證資料」.
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    let id = create(&app, &student, chinese, "第一版", 0).await;
    let path = format!("/api/v1/learning-results/{id}");
    assert_eq!(app.post_as(&format!("{path}/submit"), &student, json!({})).await.status, 200);
    let t001 = app.demo_token("999999_T001").await;
    let rejected = app.post_as(&format!("{path}/decision"), &t001, json!({"decision": "reject", "reason": "檔案無法開啟"})).await;
    assert_eq!(rejected.json()["result"]["state"], "rejected", "{}", rejected.text());
    // Sending it again unchanged is not the way: it is edited first.
    app.post_as(&format!("{path}/submit"), &student, json!({})).await.assert_problem(409, "invalid_state");
    let edited = app.upload(Method::PUT, &path, &student, &[("description", "第二版")], &[("document", "fixed.pdf", &bytes::pdf(3000))]).await;
    assert_eq!(edited.status, 200, "{}", edited.text());
    assert_eq!(edited.json()["state"], "editing");
    assert_eq!(edited.json()["document"]["name"], "fixed.pdf");
    let again = app.post_as(&format!("{path}/submit"), &student, json!({})).await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["state"], "submitted");
    assert!(again.json()["reject_reason"].is_null() && again.json()["decided_by"].is_null(), "{}", again.text());
    // The teacher sees it waiting again and may certify it now.
    let certified = app.post_as(&format!("{path}/decision"), &t001, json!({"decision": "certify"})).await;
    assert_eq!(certified.json()["result"]["state"], "certified", "{}", certified.text());
    let detail = app.get_as(&path, &student).await.json();
    let history: Vec<(&str, &str, Option<&str>)> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["action"].as_str().unwrap(), h["state"].as_str().unwrap(), h["reason"].as_str()))
        .collect();
    assert_eq!(
        history,
        [
            ("created", "editing", None),
            ("submitted", "submitted", None),
            ("rejected", "rejected", Some("檔案無法開啟")),
            ("updated", "editing", None),
            ("submitted", "submitted", None),
            ("certified", "certified", None),
        ]
    );
    // The student was told both ways are open.
    let inbox = app.get_as("/api/v1/me/notifications", &student).await;
    assert!(inbox.text().contains("重新編輯後再送出認證"), "{}", inbox.text());
    // Certified, it never changes again.
    app.upload(Method::PUT, &path, &student, &[("description", "第三版")], &[]).await.assert_problem(409, "invalid_state");
}

#[actix_web::test]
async fn the_reminder_mail_tells_teachers_that_certification_checks_authenticity_not_quality() {
    // Meeting 003 #23: 「教師應是認證『真偽』而非好壞」; 「課程學習成果教師認證目的在於確認課程
    // 學習成果作品是否為上傳學生本人」.
    use crate::certification::{mail_server, rcpt};
    let smtp = crate::support::smtp::SmtpServer::start();
    let app = TestApp::init();
    app.demo();
    let admin = app.demo_token("admin").await;
    mail_server(&app, &admin, smtp.port).await;
    let mut params = app.get_as("/api/v1/settings/parameters", &admin).await.json()["values"].clone();
    params["teacher_reminder_hour"] = json!(0);
    assert_eq!(app.put_as("/api/v1/settings/parameters", &admin, params).await.status, 200);
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    let id = create(&app, &student, chinese, "待認證", 0).await;
    assert_eq!(app.post_as(&format!("/api/v1/learning-results/{id}/submit"), &student, json!({})).await.status, 200);
    let run = licheng::notify::reminders::run_once(&app.state, None).await.expect("run");
    assert_eq!(run.sent, 1, "{run:?}");
    let mails = smtp.wait_for(1).await;
    assert_eq!(rcpt(&mails[0]), "t001@demo.licheng.example");
    let text = mails[0].text();
    assert!(text.contains("確為學生本人的作品（真偽），不是評定作品的好壞"), "{text}");
    assert!(text.contains(licheng::certification::rules::MEANING_ZH), "{text}");
}

#[actix_web::test]
async fn before_the_initial_password_is_changed_the_server_readme_and_openapi_say_the_same() {
    // DESIGN (000 Q3 / 004 Q3): the initial password is the national ID — Licheng must force a
    // change at first login. What answers meanwhile is written once and checked everywhere.
    let app = TestApp::init();
    app.demo();
    let pair = app.sign_in_pair(licheng::demo::SCHOOL_CODE, S, licheng::demo::PASSWORD).await;
    let student = licheng::schema::users::table.filter(licheng::schema::users::account.eq(S));
    app.write(|c| Ok(diesel::update(student).set(licheng::schema::users::must_change_password.eq(true)).execute(c)?));
    let pair_pending = app.sign_in_pair(licheng::demo::SCHOOL_CODE, S, licheng::demo::PASSWORD).await;
    assert_eq!(pair_pending["must_change_password"], true);
    let token = pair_pending["access_token"].as_str().unwrap().to_string();
    drop(pair);

    // GET /me answers, saying the change is pending; refresh keeps the pending state.
    let me = app.get_as("/api/v1/me", &token).await;
    assert_eq!(me.status, 200, "{}", me.text());
    assert_eq!(me.json()["user"]["must_change_password"], true);
    let refreshed = app.post("/api/v1/auth/refresh", json!({"refresh_token": pair_pending["refresh_token"]})).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text());
    assert_eq!(refreshed.json()["must_change_password"], true);
    let token = refreshed.json()["access_token"].as_str().unwrap().to_string();

    // Every other operation for signed-in users answers 403 password_change_required, and the
    // OpenAPI document says so on each of them.
    let doc: serde_json::Value = serde_json::from_str(&licheng::openapi::to_pretty_json()).unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !op["security"].to_string().contains("bearer_jwt") {
                continue;
            }
            let forbidden = op["responses"]["403"]["description"].as_str().unwrap_or("");
            if licheng::openapi::PENDING_PASSWORD_ALLOWED.contains(&(method.as_str(), path.as_str())) {
                assert!(!forbidden.contains("password_change_required"), "{method} {path}: {forbidden}");
                continue;
            }
            assert!(forbidden.contains("password_change_required"), "OpenAPI {method} {path} 403: {forbidden:?}");
            let uri: Vec<&str> = path
                .split('/')
                .map(|segment| match segment {
                    "{slot}" => "document",
                    "{kind}" => "results",
                    s if s.starts_with('{') => "1",
                    s => s,
                })
                .collect();
            let uri = uri.join("/");
            let m = actix_web::http::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            // A handler may refuse an empty body before it has looked the caller up (the
            // extractors run side by side); otherwise the pending change answers, never the
            // operation itself.
            let reply = app.json(m, &uri, Some(&token), json!({})).await;
            let body_first = ["invalid_json", "validation_failed", "unsupported_media_type", "multipart_invalid"];
            if [400, 415, 422].contains(&reply.status.as_u16()) && body_first.contains(&reply.json()["code"].as_str().unwrap_or("")) {
                continue;
            }
            reply.assert_problem(403, "password_change_required");
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked} operations checked");
    let out = app.post("/api/v1/auth/sign-out", json!({"refresh_token": refreshed.json()["refresh_token"]})).await;
    assert_eq!(out.status, 204, "{}", out.text());

    // The README says exactly this.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        readme.contains(
            "Until an initial or reset password is changed, only `GET /api/v1/me` (with `user.must_change_password: true`), \
             `POST /api/v1/me/password`, `POST /api/v1/auth/refresh` and `POST /api/v1/auth/sign-out` answer; every other \
             endpoint answers `403 password_change_required` (a malformed body may be refused first)."
        ),
        "README"
    );
}
