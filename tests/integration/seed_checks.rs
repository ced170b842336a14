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
    use crate::certification::{daily_mail_from_hour_0, rcpt};
    let smtp = crate::support::smtp::SmtpServer::start();
    let app = TestApp::with_config(crate::support::smtp::local_mail);
    app.demo();
    daily_mail_from_hour_0(&app, smtp.port).await;
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    let id = create(&app, &student, chinese, "待認證", 0).await;
    assert_eq!(app.post_as(&format!("/api/v1/learning-results/{id}/submit"), &student, json!({})).await.status, 200);
    let run = licheng::reminders::run_once(&app.state, None).await.expect("run");
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

/// A small PDF: a page whose content stream shows `shown` (FlateDecode-compressed when `packed`),
/// plus `extra` objects.
fn pdf_with(shown: &str, packed: bool, extra: &str) -> Vec<u8> {
    use std::io::Write;
    let content = format!("BT /F1 12 Tf 72 700 Td {shown} ET");
    let (filter, data) = if packed {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(content.as_bytes()).unwrap();
        (" /Filter /FlateDecode", e.finish().unwrap())
    } else {
        ("", content.into_bytes())
    };
    let mut pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n".to_vec();
    pdf.extend(format!("3 0 obj\n<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>\nendobj\n4 0 obj\n<< /Length {}{filter} >>\nstream\n", data.len()).as_bytes());
    pdf.extend(data);
    pdf.extend(b"\nendstream\nendobj\n");
    pdf.extend(extra.as_bytes());
    pdf.extend(b"6 0 obj\n<< /Producer (PDFsharp 1.50 \\(www.pdfsharp.com\\)) >>\nendobj\n%%EOF\n");
    pdf
}

#[actix_web::test]
async fn a_pdf_with_links_is_refused_naming_them_and_images_and_videos_are_not_read() {
    // Meeting 003 #32: 「課程學習成果的文件中，不允許有連結」.
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let course = course_id(&app, &student, "國語文").await.to_string();
    let post = |files: Vec<(&'static str, &'static str, Vec<u8>)>| {
        let (app, student, course) = (&app, &student, &course);
        async move {
            let files: Vec<(&str, &str, &[u8])> = files.iter().map(|(s, n, b)| (*s, *n, b.as_slice())).collect();
            app.upload(Method::POST, "/api/v1/learning-results", student, &[("course_id", course)], &files).await
        }
    };
    // A link annotation.
    let annot = "5 0 obj\n<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://example.com/my-blog) >> >>\nendobj\n";
    let r = post(vec![("document", "a.pdf", pdf_with("(Reading notes) Tj", false, annot))]).await.assert_problem(422, "validation_failed");
    assert!(r["detail"].as_str().unwrap().contains("https://example.com/my-blog"), "{r}");
    assert!(r["errors"]["document"][0].as_str().unwrap().contains("https://example.com/my-blog"), "{r}");
    // A launch action, and URL text split over kerned pieces inside a compressed stream.
    let launch = "5 0 obj\n<< /Type /Annot /Subtype /Link /A << /S /Launch /F (game.exe) >> >>\nendobj\n";
    let r = post(vec![("document", "b.pdf", pdf_with("[(my page: htt) -20 (p://x.tw/~me)] TJ", true, launch))]).await.assert_problem(422, "validation_failed");
    let detail = r["detail"].as_str().unwrap();
    assert!(detail.contains("http://x.tw/~me") && detail.contains("Launch") && detail.contains("2 個連結"), "{r}");
    let r = post(vec![("document", "c.pdf", pdf_with("(see www.moe.gov.tw) Tj", true, ""))]).await.assert_problem(422, "validation_failed");
    assert!(r["detail"].as_str().unwrap().contains("www.moe.gov.tw"), "{r}");
    assert_eq!(app.write(|c| Ok(lr::table.count().get_result::<i64>(c)?)), 0);
    assert_eq!((app.stored_files(), app.temporary_files()), (0, 0), "a refused upload leaves no file");

    // Without links (the producer's own address is metadata, not the student's text) it is taken;
    // images and videos are not read for links.
    let clean = post(vec![("document", "d.pdf", pdf_with("(Reading notes, chapter 3) Tj", true, ""))]).await;
    assert_eq!(clean.status, 201, "{}", clean.text());
    let mut jpg = bytes::jpg(2000);
    jpg.extend(b"http://in.a.photo/");
    let mut mp4 = bytes::mp4(3000);
    mp4.extend(b"/URI (https://in.a.video) /Launch");
    let media = post(vec![("document", "p.jpg", jpg), ("video", "v.mp4", mp4)]).await;
    assert_eq!(media.status, 201, "{}", media.text());

    // An edit is checked the same way, in English on request.
    let path = format!("/api/v1/learning-results/{}", clean.json()["id"]);
    let (ct, body) = crate::support::multipart(&[], &[("document", "e.pdf", &pdf_with("(x) Tj", false, annot))]);
    let en = app
        .send(
            actix_web::test::TestRequest::put()
                .uri(&path)
                .insert_header(("Authorization", format!("Bearer {student}")))
                .insert_header(("Content-Type", ct))
                .insert_header(("Accept-Language", "en"))
                .set_payload(body),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert!(en["detail"].as_str().unwrap().contains("must not contain links") && en["detail"].as_str().unwrap().contains("https://example.com/my-blog"), "{en}");
    assert_eq!(app.get_as(&path, &student).await.json()["result"]["document"]["name"], "d.pdf");
}

async fn new_performance(app: &TestApp, token: &str, title: &str) -> crate::support::Reply {
    app.upload(
        Method::POST,
        "/api/v1/performances",
        token,
        &[("category", "works"), ("title", title), ("start_date", "2026-10-01"), ("description", "攝影")],
        &[("document", "w.pdf", &bytes::pdf(1000))],
    )
    .await
}

#[actix_web::test]
async fn performances_are_uploaded_changed_and_deleted_only_in_the_schools_performance_upload_period() {
    // FAQ 000 四 Q1: 校管理者可於「系統管理-多元表現設定」功能中調整學習歷程檔案上傳時間;
    // FAQ 004 Q13: 「多元表現的上傳是全學年開放的」 — a whole-year period per grade.
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let created = new_performance(&app, &student, "作品集").await;
    assert_eq!(created.status, 201, "{}", created.text());
    let path = format!("/api/v1/performances/{}", created.json()["id"]);
    let limits = app.get_as("/api/v1/me/performance-limits", &student).await.json();
    assert_eq!(limits["upload_period"]["item"], "upload_performances", "{limits}");
    assert_eq!(limits["upload_period"]["semester"], 0);
    assert_eq!(limits["upload_period"]["open"], true);

    // The demo periods end 60 days from now.
    app.state.clock.advance(70 * 24 * 3600);
    let student = app.demo_token(S).await;
    let late = new_performance(&app, &student, "太晚了").await.assert_problem(403, "period_closed");
    assert!(late["detail"].as_str().unwrap().contains("學生上傳多元表現時間（2 年級）"), "{late}");
    let form = [("title", "改"), ("start_date", "2026-10-01"), ("description", "攝影")];
    app.upload(Method::PUT, &path, &student, &form, &[]).await.assert_problem(403, "period_closed");
    app.delete_as(&path, &student).await.assert_problem(403, "period_closed");
    assert_eq!(app.get_as("/api/v1/me/performance-limits", &student).await.json()["upload_period"]["open"], false);

    // The admin sets it per grade for the whole year (semester 0), inside the national window.
    let admin = app.demo_token("admin").await;
    let today = licheng::settings::periods::utc_to_taipei(app.state.clock.now()).date();
    let body = |semester: i32| {
        json!({"academic_year": 115, "semester": semester, "grade": 2, "item": "upload_performances",
            "start_date": today.to_string(), "start_hour": 0, "end_date": (today + chrono::Duration::days(30)).to_string(), "end_hour": 23})
    };
    app.post_as("/api/v1/work-periods", &admin, body(1)).await.assert_problem(422, "validation_failed");
    let periods = app.get_as("/api/v1/work-periods?academic_year=115", &admin).await.json();
    let id = periods.as_array().or(periods["items"].as_array()).unwrap().iter().find(|p| p["item"] == "upload_performances" && p["grade"] == 2).unwrap()["id"].clone();
    let put = app.put_as(&format!("/api/v1/work-periods/{id}"), &admin, body(0)).await;
    assert_eq!(put.status, 200, "{}", put.text());
    assert_eq!(put.json()["item_name"], "學生上傳多元表現時間");
    assert_eq!(new_performance(&app, &student, "期間內").await.status, 201);
    assert_eq!(app.upload(Method::PUT, &path, &student, &form, &[]).await.status, 200);
    assert_eq!(app.delete_as(&path, &student).await.status, 204);
}

#[actix_web::test]
async fn a_temporary_account_acts_as_its_student_and_every_change_says_who_acted() {
    // Manual 3.7 / DESIGN: temporary accounts act as their student — everything a student may
    // do, recorded as done by the temporary account on the student's behalf — until they expire
    // or are ended.
    let app = TestApp::init();
    let school = app.demo();
    let admin = app.demo_token("admin").await;
    let sid = app.write(|c| Ok(licheng::schema::users::table.filter(licheng::schema::users::account.eq(S)).select(licheng::schema::users::id).first::<i64>(c)?));
    let created = app.post_as("/api/v1/temporary-accounts", &admin, json!({"student_id": sid, "valid_days": 7})).await.json();
    let (account, password) = (created["account"].as_str().unwrap().to_string(), created["password"].as_str().unwrap().to_string());
    let pair = app.sign_in_pair(licheng::demo::SCHOOL_CODE, &account, &password).await;
    let temp = pair["access_token"].as_str().unwrap().to_string();

    // The student's courses, and uploading, submitting and selecting as the student.
    let chinese = course_id(&app, &temp, "國語文").await;
    let id = create(&app, &temp, chinese, "轉學前的作業", 0).await;
    let path = format!("/api/v1/learning-results/{id}");
    assert_eq!(app.post_as(&format!("{path}/submit"), &temp, json!({})).await.status, 200);
    let detail = app.get_as(&path, &temp).await.json();
    assert_eq!(detail["result"]["student_id"], sid);
    for h in detail["history"].as_array().unwrap() {
        assert_eq!(h["actor_account"], account.as_str(), "{h}");
        assert_eq!(h["on_behalf_of"], S, "{h}");
    }
    // The student sees the same result, with who acted.
    let student = app.demo_token(S).await;
    let theirs = app.get_as(&path, &student).await.json();
    assert_eq!(theirs["history"][0]["on_behalf_of"], S);
    let perf = new_performance(&app, &temp, "轉學前的作品").await;
    assert_eq!(perf.status, 201, "{}", perf.text());
    assert_eq!(perf.json()["student_id"], sid);
    let t001 = app.demo_token("999999_T001").await;
    assert_eq!(app.post_as(&format!("{path}/decision"), &t001, json!({"decision": "certify"})).await.status, 200);
    let select = app.put_as(&format!("/api/v1/me/selections/results/{id}"), &temp, json!({})).await;
    assert!(select.status.is_success(), "{}", select.text());
    let mine = app.get_as("/api/v1/me/selections", &temp).await;
    assert_eq!(mine.json()["results"]["selected"], json!([id]), "{}", mine.text());
    assert_eq!(app.get_as("/api/v1/learning-results", &student).await.json()["items"][0]["selected"], true);
    // Performances and selections, which keep no history of their own, are in the audit log.
    let audit = app.get_as(&format!("/api/v1/audit-events?actor={account}"), &admin).await;
    assert_eq!(audit.status, 200, "{}", audit.text());
    for event in ["performance_created", "selection_added"] {
        assert!(audit.text().contains(event) && audit.text().contains(&format!("on behalf of {S}")), "{event}: {}", audit.text());
    }
    // Still only the student's own items, never another student's.
    let other = app.demo_token("999999_114002").await;
    let other_course = course_id(&app, &other, "國語文").await;
    let theirs = create(&app, &other, other_course, "別人的", 1).await;
    app.get_as(&format!("/api/v1/learning-results/{theirs}"), &temp).await.assert_problem(404, "not_found");
    app.get_as("/api/v1/accounts", &temp).await.assert_problem(403, "role_required");
    let _ = school;

    // Ended: nothing more.
    let tid = created["id"].as_i64().unwrap();
    assert_eq!(app.delete_as(&format!("/api/v1/temporary-accounts/{tid}"), &admin).await.status, 204);
    app.get_as("/api/v1/me/courses", &temp).await.assert_problem(403, "account_inactive");
}

#[actix_web::test]
async fn the_previous_years_periods_keep_working_after_the_school_moves_on() {
    // Meeting 003 #3: schools must finish the old year's uploads and selections after the
    // school-affairs system has moved on; actions on the previous year's items follow that
    // year's periods.
    use licheng::schema::{student_profiles as sp, work_periods as wp};
    let app = TestApp::init();
    let school = app.demo();
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    let id = create(&app, &student, chinese, "上學年的作業", 0).await;
    let path = format!("/api/v1/learning-results/{id}");
    assert_eq!(app.post_as(&format!("{path}/submit"), &student, json!({})).await.status, 200);
    // Sync moves the school to 1161 and the student to grade 3; year 115's periods are still on.
    let now = app.state.clock.now();
    app.write(|c| {
        licheng::terms::set_current(c, school, licheng::terms::Term { academic_year: 116, semester: 1 }, now)?;
        diesel::update(sp::table.filter(sp::school_id.eq(school))).set(sp::grade.eq(sp::grade + 1)).execute(c)?;
        Ok(())
    });
    let t001 = app.demo_token("999999_T001").await;
    let certified = app.post_as(&format!("{path}/decision"), &t001, json!({"decision": "certify"})).await;
    assert_eq!(certified.status, 200, "{}", certified.text());
    let selected = app.put_as(&format!("/api/v1/me/selections/results/{id}"), &student, json!({})).await;
    assert_eq!(selected.status, 200, "{}", selected.text());
    assert_eq!(app.write(|c| Ok(licheng::schema::selections::table.select(licheng::schema::selections::academic_year).first::<i32>(c)?)), 115);
    // Year 116's period does not open year 115's items: with 115's closed, they wait.
    app.write(|c| {
        let year_116 = (wp::school_id.eq(school), wp::academic_year.eq(116), wp::semester.eq(0), wp::grade.eq(3), wp::item.eq("select_results"));
        diesel::insert_into(wp::table).values((year_116, wp::starts_at.eq(now - chrono::Duration::days(1)), wp::ends_at.eq(now + chrono::Duration::days(9)), wp::created_at.eq(now), wp::updated_at.eq(now))).execute(c)?;
        diesel::update(wp::table.filter(wp::school_id.eq(school)).filter(wp::academic_year.eq(115)).filter(wp::item.eq("select_results")))
            .set(wp::ends_at.eq(now - chrono::Duration::hours(1)))
            .execute(c)?;
        Ok(())
    });
    let closed = app.delete_as(&format!("/api/v1/me/selections/results/{id}"), &student).await.assert_problem(403, "period_closed");
    assert!(closed["detail"].as_str().unwrap().contains("115 學年度"), "{closed}");
}

#[actix_web::test]
async fn the_teachers_queue_of_the_previous_term_is_reached_with_its_term() {
    // Meeting 003 #3: the old term's certification is finished after the school moved on; the
    // queue takes `term` (default the current one) and shows that term's period.
    use licheng::schema::student_profiles as sp;
    let app = TestApp::init();
    let school = app.demo();
    let student = app.demo_token(S).await;
    let teacher = app.demo_token("999999_T001").await;
    let chinese = course_id(&app, &student, "國語文").await;
    let id = create(&app, &student, chinese, "上學期的作業", 0).await;
    assert_eq!(app.post_as(&format!("/api/v1/learning-results/{id}/submit"), &student, json!({})).await.status, 200);
    let before = app.get_as("/api/v1/certification/courses", &teacher).await.json();
    let term = format!("{}{}", before["term"]["academic_year"], before["term"]["semester"]);
    let now = app.state.clock.now();
    let year: i32 = before["term"]["academic_year"].as_i64().unwrap_or_default() as i32;
    app.write(|c| {
        licheng::terms::set_current(c, school, licheng::terms::Term { academic_year: year + 1, semester: 1 }, now)?;
        diesel::update(sp::table.filter(sp::school_id.eq(school))).set(sp::grade.eq(sp::grade + 1)).execute(c)?;
        Ok(())
    });
    let current = app.get_as("/api/v1/certification/courses", &teacher).await.json();
    assert!(!current["courses"].as_array().unwrap().iter().any(|k| k["course_id"] == chinese), "{current}");
    let previous = app.get_as(&format!("/api/v1/certification/courses?term={term}"), &teacher).await.json();
    let course = previous["courses"].as_array().unwrap().iter().find(|k| k["course_id"] == chinese).cloned().unwrap_or_default();
    assert_eq!((course["submitted"].as_i64(), course["period"]["open"].as_bool()), (Some(1), Some(true)), "{previous}");
    let page = app.get_as(&format!("/api/v1/certification/results?term={term}&state=submitted"), &teacher).await.json();
    assert!(page["items"].as_array().unwrap().iter().any(|r| r["id"] == id), "{page}");
    app.get_as("/api/v1/certification/courses?term=abc", &teacher).await.assert_problem(400, "invalid_query");
}

#[actix_web::test]
async fn the_previous_years_selections_are_listed_on_request() {
    // Meeting 003 #3: the old year's selections are finished after the school moved on, so the
    // student must reach them: GET /me/selections?academic_year= the previous year.
    use licheng::schema::student_profiles as sp;
    let app = TestApp::init();
    let school = app.demo();
    let student = app.demo_token(S).await;
    let teacher = app.demo_token("999999_T001").await;
    let chinese = course_id(&app, &student, "國語文").await;
    let id = create(&app, &student, chinese, "上學年的作業", 0).await;
    assert_eq!(app.post_as(&format!("/api/v1/learning-results/{id}/submit"), &student, json!({})).await.status, 200);
    assert_eq!(app.post_as(&format!("/api/v1/learning-results/{id}/decision"), &teacher, json!({"decision": "certify"})).await.status, 200);
    assert_eq!(app.put_as(&format!("/api/v1/me/selections/results/{id}"), &student, json!({})).await.status, 200);
    let before = app.get_as("/api/v1/me/selections", &student).await.json();
    let (year, period) = (before["academic_year"].as_i64().unwrap(), before["results"]["period"].clone());
    assert!(period.is_object(), "{before}");
    // Sync moves the school to the next year and the student up a grade.
    let now = app.state.clock.now();
    app.write(|c| {
        licheng::terms::set_current(c, school, licheng::terms::Term { academic_year: year as i32 + 1, semester: 1 }, now)?;
        diesel::update(sp::table.filter(sp::school_id.eq(school))).set(sp::grade.eq(sp::grade + 1)).execute(c)?;
        Ok(())
    });
    let current = app.get_as("/api/v1/me/selections", &student).await.json();
    assert_eq!((current["academic_year"].as_i64(), current["results"]["selected"].clone()), (Some(year + 1), json!([])), "{current}");
    // The previous year: its selection, and its period for the grade the student had then.
    let previous = app.get_as(&format!("/api/v1/me/selections?academic_year={year}"), &student).await.json();
    assert_eq!((previous["academic_year"].as_i64(), previous["results"]["selected"].clone()), (Some(year), json!([id])), "{previous}");
    assert_eq!(previous["results"]["period"], period, "{previous}");
    // Only the current and the previous year; not a number; not another role.
    app.get_as(&format!("/api/v1/me/selections?academic_year={}", year - 1), &student).await.assert_problem(422, "validation_failed");
    app.get_as("/api/v1/me/selections?academic_year=abc", &student).await.assert_problem(400, "invalid_query");
    app.get_as(&format!("/api/v1/me/selections?academic_year={year}"), &teacher).await.assert_problem(403, "role_required");
}

#[actix_web::test]
async fn course_consultants_are_given_students_too_and_see_them() {
    // FAQ 000 三 Q2: 如何設定課程諮詢教師的對應學生? …「設定學生對應關係」…勾選好要選取的學生後
    // 點選「確認儲存」.
    use licheng::schema::users;
    let app = TestApp::init();
    let school = app.demo();
    let admin = app.demo_token("admin").await;
    let id_of = |account: &'static str| app.write(move |c| Ok(users::table.filter(users::account.eq(account)).select(users::id).first::<i64>(c)?));
    let (t001, s113) = (id_of("999999_T001"), id_of("999999_113001"));
    // 113001 keeps a performance, which only advisers (not subject teachers) see.
    let s113_token = app.demo_token("999999_113001").await;
    let perf = new_performance(&app, &s113_token, "作品集").await;
    assert_eq!(perf.status, 201, "{}", perf.text());
    let perf_path = format!("/api/v1/performances/{}", perf.json()["id"]);
    let teacher = app.demo_token("999999_T001").await;
    app.get_as(&perf_path, &teacher).await.assert_problem(404, "not_found");

    let path = format!("/api/v1/consultants/{t001}/students");
    assert_eq!(app.get_as(&path, &admin).await.json(), json!([]));
    let saved = app.put_as(&path, &admin, json!({"student_ids": [s113, s113]})).await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(saved.json().as_array().unwrap().len(), 1);
    assert_eq!(app.get_as(&path, &admin).await.json()[0]["id"], s113);
    // The consultant has the role, lists the student among the advisees and sees their items.
    let teacher = app.demo_token("999999_T001").await;
    assert!(app.get_as("/api/v1/me", &teacher).await.json()["roles"].as_array().unwrap().contains(&json!("course_consultant")));
    let advisees = app.get_as("/api/v1/me/advisees", &teacher).await.json();
    assert!(advisees["items"].as_array().unwrap().iter().any(|s| s["id"] == s113), "{advisees}");
    assert_eq!(app.get_as(&perf_path, &teacher).await.status, 200);
    // Only this school's students, only the admin (or module S0204S), only this school's teachers.
    app.put_as(&path, &admin, json!({"student_ids": [t001]})).await.assert_problem(422, "validation_failed");
    app.put_as(&path, &teacher, json!({"student_ids": []})).await.assert_problem(403, "module_required");
    app.get_as(&path, &s113_token).await.assert_problem(403, "module_required");
    let other = app.school("074314");
    let other_admin = app.token(&other, "admin").await;
    app.put_as(&path, &other_admin, json!({"student_ids": []})).await.assert_problem(404, "not_found");
    // Cleared, the student is no longer theirs.
    assert_eq!(app.put_as(&path, &admin, json!({"student_ids": []})).await.status, 200);
    app.get_as(&perf_path, &teacher).await.assert_problem(404, "not_found");
    let _ = school;
}

#[actix_web::test]
async fn a_departed_teachers_results_are_flagged_and_a_named_delegate_certifies_them() {
    // Meeting 003 #25: 已離職教師要如何認證？…學校應擬定教師離職檢核標準作業流程，以保障學生權益;
    // the national rules require a 代理人機制.
    use licheng::schema::users;
    let app = TestApp::init();
    app.demo();
    let admin = app.demo_token("admin").await;
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    let mut waiting = Vec::new();
    for n in 0..2 {
        let id = create(&app, &student, chinese, "待認證", n).await;
        assert_eq!(app.post_as(&format!("/api/v1/learning-results/{id}/submit"), &student, json!({})).await.status, 200);
        waiting.push(id);
    }
    let id_of = |account: &'static str| app.write(move |c| Ok(users::table.filter(users::account.eq(account)).select(users::id).first::<i64>(c)?));
    let (t001, t002, s1) = (id_of("999999_T001"), id_of("999999_T002"), id_of(S));
    let t002_token = app.demo_token("999999_T002").await;
    // T001 leaves (sync marks the account inactive): the report flags the results waiting for them.
    app.write(|c| Ok(diesel::update(users::table.find(t001)).set(users::active.eq(false)).execute(c)?));
    let report = app.get_as("/api/v1/reports/uncertified-teachers", &admin).await.json();
    let row = report.as_array().unwrap().iter().find(|t| t["teacher_id"] == t001).cloned().unwrap_or_default();
    assert_eq!((row["waiting"].clone(), row["departed"].clone(), row["delegate"].clone()), (json!(2), json!(true), json!(null)), "{report}");
    let decide = |id: i64| format!("/api/v1/learning-results/{id}/decision");
    app.post_as(&decide(waiting[0]), &t002_token, json!({"decision": "certify"})).await.assert_problem(403, "not_certifier");

    // The admin names T002 for T001; only exactly one of course and teacher, only this school's
    // active staff, only the admin.
    app.post_as("/api/v1/certification-delegates", &admin, json!({"course_id": chinese, "teacher_id": t001, "delegate_id": t002})).await.assert_problem(422, "validation_failed");
    app.post_as("/api/v1/certification-delegates", &admin, json!({"teacher_id": t001, "delegate_id": s1})).await.assert_problem(422, "validation_failed");
    app.post_as("/api/v1/certification-delegates", &t002_token, json!({"teacher_id": t001, "delegate_id": t002})).await.assert_problem(403, "role_required");
    let named = app.post_as("/api/v1/certification-delegates", &admin, json!({"teacher_id": t001, "delegate_id": t002})).await;
    assert_eq!(named.status, 201, "{}", named.text());
    assert_eq!(named.json()["teacher_departed"], true);
    let naming = named.json()["id"].as_i64().unwrap();
    assert_eq!(app.get_as("/api/v1/certification-delegates", &admin).await.json().as_array().unwrap().len(), 1);
    let report = app.get_as("/api/v1/reports/uncertified-teachers", &admin).await.json();
    let t002_name = app.write(|c| Ok(users::table.find(t002).select(users::display_name).first::<String>(c)?));
    let row = report.as_array().unwrap().iter().find(|t| t["teacher_id"] == t001).cloned().unwrap_or_default();
    assert_eq!(row["delegate"], t002_name.as_str(), "{report}");

    // The delegate certifies; the decision carries their name for the student and co-teachers.
    let done = app.post_as(&decide(waiting[0]), &t002_token, json!({"decision": "certify"})).await;
    assert_eq!(done.status, 200, "{}", done.text());
    let seen = app.get_as(&format!("/api/v1/learning-results/{}", waiting[0]), &student).await.json();
    assert_eq!(seen["result"]["state"], "certified");
    assert_eq!(seen["history"].as_array().unwrap().last().unwrap()["actor_account"], "999999_T002");
    // Ended, the naming no longer lets them decide; another school's admin cannot end it.
    let other = app.school("074314");
    let other_admin = app.token(&other, "admin").await;
    app.delete_as(&format!("/api/v1/certification-delegates/{naming}"), &other_admin).await.assert_problem(404, "not_found");
    assert_eq!(app.delete_as(&format!("/api/v1/certification-delegates/{naming}"), &admin).await.status, 204);
    app.post_as(&decide(waiting[1]), &t002_token, json!({"decision": "certify"})).await.assert_problem(403, "not_certifier");
}

/// The demo school with one of the student's 國語文 results waiting for certification: the admin's
/// and the student's tokens, the course and the result.
async fn waiting_in_chinese(app: &TestApp) -> (String, String, i64, i64) {
    app.demo();
    let admin = app.demo_token("admin").await;
    let student = app.demo_token(S).await;
    let chinese = course_id(app, &student, "國語文").await;
    let id = create(app, &student, chinese, "待認證", 0).await;
    assert_eq!(app.post_as(&format!("/api/v1/learning-results/{id}/submit"), &student, json!({})).await.status, 200);
    (admin, student, chinese, id)
}

#[actix_web::test]
async fn a_delegates_queue_lists_the_delegated_courses_and_the_naming_is_shown() {
    // Meeting 003 #25 (代理人機制): results never wait for nobody — the delegate finds them in their
    // certification screens, and the student and co-teachers see who certifies in whose place.
    use licheng::schema::users;
    let app = TestApp::init();
    let (admin, student, chinese, id) = waiting_in_chinese(&app).await;
    let id_of = |account: &'static str| app.write(move |c| Ok(users::table.filter(users::account.eq(account)).select((users::id, users::display_name)).first::<(i64, String)>(c)?));
    let ((t001, t001_name), (t002, t002_name)) = (id_of("999999_T001"), id_of("999999_T002"));
    let t002_token = app.demo_token("999999_T002").await;
    let queued = |q: serde_json::Value| q["courses"].as_array().unwrap().iter().find(|k| k["course_id"] == chinese).cloned();
    assert_eq!(queued(app.get_as("/api/v1/certification/courses", &t002_token).await.json()), None);
    let detail = app.get_as(&format!("/api/v1/learning-results/{id}"), &student).await.json();
    assert_eq!(detail["delegates"], json!([]), "{detail}");

    let named = app.post_as("/api/v1/certification-delegates", &admin, json!({"teacher_id": t001, "delegate_id": t002})).await;
    assert_eq!(named.status, 201, "{}", named.text());
    let naming = named.json()["id"].as_i64().unwrap();
    // The delegate's queue and results list the course, marked as delegated and decidable.
    let course = queued(app.get_as("/api/v1/certification/courses", &t002_token).await.json()).expect("the delegated course is in the queue");
    assert_eq!((course["as_delegate"].clone(), course["can_certify"].clone(), course["submitted"].clone()), (json!(true), json!(true), json!(1)), "{course}");
    assert_eq!(course["delegates"][0]["name"], t002_name.as_str(), "{course}");
    let page = app.get_as(&format!("/api/v1/certification/results?course_id={chinese}&state=submitted"), &t002_token).await.json();
    assert!(page["items"].as_array().unwrap().iter().any(|r| r["id"] == id), "{page}");
    // The student sees the naming on the result: who, for whom, since when.
    let detail = app.get_as(&format!("/api/v1/learning-results/{id}"), &student).await.json();
    let note = &detail["delegates"][0];
    assert_eq!((note["name"].as_str(), note["for_teacher"].as_str()), (Some(t002_name.as_str()), Some(t001_name.as_str())), "{detail}");
    assert!(note["since"].as_str().is_some_and(|s| s.ends_with('Z')), "{detail}");
    // Ended, the course leaves the delegate's screens.
    assert_eq!(app.delete_as(&format!("/api/v1/certification-delegates/{naming}"), &admin).await.status, 204);
    assert_eq!(queued(app.get_as("/api/v1/certification/courses", &t002_token).await.json()), None);
    let page = app.get_as(&format!("/api/v1/certification/results?course_id={chinese}"), &t002_token).await.json();
    assert!(!page["items"].as_array().unwrap().iter().any(|r| r["id"] == id), "{page}");
}

#[actix_web::test]
async fn a_course_whose_results_wait_for_nobody_is_flagged_until_a_delegate_is_named() {
    // Meeting 003 #25 (代理人機制): results never wait for nobody — a course whose only certifying
    // teacher left is listed for the admin until a delegate is named.
    use licheng::schema::users;
    let app = TestApp::init();
    let (admin, student, chinese, _) = waiting_in_chinese(&app).await;
    let id_of = |account: &'static str| app.write(move |c| Ok(users::table.filter(users::account.eq(account)).select(users::id).first::<i64>(c)?));
    let (t001, t002) = (id_of("999999_T001"), id_of("999999_T002"));
    let path = "/api/v1/reports/uncertified-courses";
    let flagged = |body: serde_json::Value| body.as_array().unwrap().iter().find(|k| k["course_id"] == chinese).cloned();
    assert_eq!(flagged(app.get_as(path, &admin).await.json()), None, "T001 still certifies");
    app.write(|c| Ok(diesel::update(users::table.find(t001)).set(users::active.eq(false)).execute(c)?));
    let row = flagged(app.get_as(path, &admin).await.json()).expect("the course waits for nobody");
    assert_eq!((row["subject_name"].as_str(), row["waiting"].as_i64()), (Some("國語文"), Some(1)), "{row}");
    // Only the admin (or module S0216S) of this school.
    app.get_as(path, &student).await.assert_problem(403, "module_required");
    let other = app.school("074314");
    let other_admin = app.token(&other, "admin").await;
    assert_eq!(flagged(app.get_as(path, &other_admin).await.json()), None);
    app.get_as(&format!("{path}?term=abc"), &admin).await.assert_problem(400, "invalid_query");
    // A delegate named for the course: no longer flagged.
    let named = app.post_as("/api/v1/certification-delegates", &admin, json!({"course_id": chinese, "delegate_id": t002})).await;
    assert_eq!(named.status, 201, "{}", named.text());
    assert_eq!(flagged(app.get_as(path, &admin).await.json()), None);
}

#[actix_web::test]
async fn a_delegate_with_no_other_tie_to_the_student_sees_what_they_decide() {
    // Meeting 003 #25 (代理人機制): the delegate must be able to open the result and its files to
    // certify it, although they teach, advise or counsel nobody involved.
    let app = TestApp::init();
    let (admin, _student, chinese, id) = waiting_in_chinese(&app).await;
    let demo = app.write(|c| Ok(licheng::schools::find_by_code(c, licheng::demo::SCHOOL_CODE)?.map(|s| s.id).unwrap_or_default()));
    let school = crate::support::School { id: demo, code: licheng::demo::SCHOOL_CODE.into(), admin_id: 0 };
    let stranger = app.teacher(&school, "999999_T900");
    let token = app.token(&school, "999999_T900").await;
    let detail = format!("/api/v1/learning-results/{id}");
    let file = format!("/api/v1/learning-results/{id}/files/document");
    app.get_as(&detail, &token).await.assert_problem(404, "not_found");
    let named = app.post_as("/api/v1/certification-delegates", &admin, json!({"course_id": chinese, "delegate_id": stranger})).await;
    assert_eq!(named.status, 201, "{}", named.text());
    assert_eq!(app.get_as(&detail, &token).await.status, 200);
    assert_eq!(app.get_as(&file, &token).await.status, 200);
    let decided = app.post_as(&format!("/api/v1/learning-results/{id}/decision"), &token, json!({"decision": "certify"})).await;
    assert_eq!(decided.status, 200, "{}", decided.text());
}

#[actix_web::test]
async fn a_co_teacher_marked_no_who_is_named_delegate_certifies() {
    // Meeting 003 #25 (代理人機制): the admin's later naming of a delegate is what counts — a co-teacher
    // the school marked 否 (manual 3.5) decides once named delegate for the course.
    use licheng::schema::{teaching_assignments as ta, users};
    let app = TestApp::init();
    let (admin, _student, chinese, id) = waiting_in_chinese(&app).await;
    let t002 = app.write(|c| Ok(users::table.filter(users::account.eq("999999_T002")).select((users::id, users::school_id)).first::<(i64, Option<i64>)>(c)?));
    let t002 = (t002.0, t002.1.unwrap_or_default());
    app.write(move |c| {
        Ok(diesel::insert_into(ta::table)
            .values((ta::school_id.eq(t002.1), ta::course_id.eq(chinese), ta::teacher_id.eq(t002.0), ta::can_certify.eq(false), ta::active.eq(true), ta::updated_at.eq(chrono::Utc::now().naive_utc())))
            .execute(c)?)
    });
    let token = app.demo_token("999999_T002").await;
    let decide = format!("/api/v1/learning-results/{id}/decision");
    app.post_as(&decide, &token, json!({"decision": "certify"})).await.assert_problem(403, "not_certifier");
    let named = app.post_as("/api/v1/certification-delegates", &admin, json!({"course_id": chinese, "delegate_id": t002.0})).await;
    assert_eq!(named.status, 201, "{}", named.text());
    let queue = app.get_as("/api/v1/certification/courses", &token).await.json();
    let course = queue["courses"].as_array().unwrap().iter().find(|k| k["course_id"] == chinese).cloned().unwrap_or_default();
    assert_eq!(course["can_certify"], json!(true), "{queue}");
    let decided = app.post_as(&decide, &token, json!({"decision": "certify"})).await;
    assert_eq!(decided.status, 200, "{}", decided.text());
}

#[actix_web::test]
async fn a_new_result_for_the_previous_years_course_is_created_in_that_terms_period() {
    // Meeting 003 #3: schools must finish the old year's uploads after the school-affairs system has
    // moved on — a result belongs to its course's term (FAQ 004 Q5), also when it is new.
    use licheng::schema::student_profiles as sp;
    let app = TestApp::init();
    let school = app.demo();
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    upload_period(&app, school, 115, 1, true);
    let now = app.state.clock.now();
    app.write(|c| {
        licheng::terms::set_current(c, school, licheng::terms::Term { academic_year: 116, semester: 1 }, now)?;
        diesel::update(sp::table.filter(sp::school_id.eq(school))).set(sp::grade.eq(sp::grade + 1)).execute(c)?;
        Ok(())
    });
    // The old term's courses are listed on request, with that term's (grade 2's) period.
    let old = app.get_as("/api/v1/me/courses?term=1151", &student).await;
    assert_eq!(old.status, 200, "{}", old.text());
    let old = old.json();
    assert!(old["courses"].as_array().unwrap().iter().any(|k| k["id"] == chinese), "{old}");
    assert_eq!(old["upload_period"]["open"], json!(true), "{old}");
    // A later term is a rule over the current term (409), not a malformed query; semester 0 is
    // not a term of courses (the schema's pattern says 1 or 2).
    app.get_as("/api/v1/me/courses?term=1171", &student).await.assert_problem(409, "invalid_state");
    app.get_as("/api/v1/me/courses?term=1150", &student).await.assert_problem(400, "invalid_query");
    app.get_as("/api/v1/me/courses?term=abc", &student).await.assert_problem(400, "invalid_query");
    // A new result for it is created in term 1151.
    let id = create(&app, &student, chinese, "上學年補傳", 0).await;
    let term = app.write(move |c| Ok(lr::table.find(id).select((lr::academic_year, lr::semester)).first::<(i32, i32)>(c)?));
    assert_eq!(term, (115, 1));
    // With 1151's period closed, it is refused and the refusal names the term.
    upload_period(&app, school, 115, 1, false);
    let course = chinese.to_string();
    let refused = app
        .upload(Method::POST, "/api/v1/learning-results", &student, &[("course_id", &course)], &[("document", "a.pdf", &bytes::pdf(900))])
        .await
        .assert_problem(403, "period_closed");
    assert!(refused["detail"].as_str().is_some(), "{refused}");
}

#[actix_web::test]
async fn a_new_result_for_the_previous_semesters_course_is_created_after_the_term_advances() {
    // Meeting 003 #3: 「學校必須規劃原學年度多元表現成果上傳、課程學習成果…之時程」 after the platform
    // moved on; FAQ 000 二 Q2: 「已切換成新學期(如 1091)，但學校判斷確有需要修改上一學期(1082)資料」.
    // Semester 1 → 2 of the same year: the old term's own upload period decides, not the new one's.
    let app = TestApp::init();
    let school = app.demo();
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    upload_period(&app, school, 115, 1, true);
    upload_period(&app, school, 115, 2, false);
    app.write(|c| licheng::terms::set_current(c, school, licheng::terms::Term { academic_year: 115, semester: 2 }, app.state.clock.now()));
    let old = app.get_as("/api/v1/me/courses?term=1151", &student).await.json();
    assert!(old["courses"].as_array().unwrap().iter().any(|k| k["id"] == chinese), "{old}");
    assert_eq!(old["upload_period"]["open"], json!(true), "{old}");
    // New term's period closed, old term's open: a new result for the old term's course is made.
    let id = create(&app, &student, chinese, "上學期補傳", 0).await;
    let term = app.write(move |c| Ok(lr::table.find(id).select((lr::academic_year, lr::semester)).first::<(i32, i32)>(c)?));
    assert_eq!(term, (115, 1));
    // The new term's period does not open the old term's course.
    upload_period(&app, school, 115, 1, false);
    upload_period(&app, school, 115, 2, true);
    let course = chinese.to_string();
    let refused = app
        .upload(Method::POST, "/api/v1/learning-results", &student, &[("course_id", &course)], &[("document", "b.pdf", &bytes::pdf(901))])
        .await
        .assert_problem(403, "period_closed");
    assert!(refused["detail"].as_str().unwrap_or_default().contains("115 學年度第 1 學期"), "{refused}");
}
