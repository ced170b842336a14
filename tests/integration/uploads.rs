//! Student uploads (issue #6): learning results, performances, selections, downloads, and that a
//! refused or broken upload leaves nothing behind. The demo school supplies the people: student
//! 114001 (class 201) takes 國語文 (T001), 英語文 (T002, homeroom of 201), 數學 (T005) and the
//! co-taught 自然科學探究與實作 (T002, T005); T003 consults class 201; T004 counsels 113001/2.

use actix_web::http::Method;
use diesel::prelude::*;
use serde_json::json;

use crate::support::{bytes, TestApp};
use licheng::schema::{learning_results as lr, performances as pf, stored_files as sf};

const S: &str = "999999_114001";

/// The id of the course of `subject` the signed-in student takes this term.
pub(crate) async fn course_id(app: &TestApp, token: &str, subject: &str) -> i64 {
    let courses = app.get_as("/api/v1/me/courses", token).await;
    assert_eq!(courses.status, 200, "{}", courses.text());
    courses.json()["courses"].as_array().unwrap().iter().find(|c| c["subject_name"] == subject).unwrap_or_else(|| panic!("no {subject}"))["id"].as_i64().unwrap()
}

async fn create(app: &TestApp, token: &str, course: i64, description: &str, files: &[(&str, &str, &[u8])]) -> crate::support::Reply {
    let course = course.to_string();
    app.upload(Method::POST, "/api/v1/learning-results", token, &[("course_id", &course), ("description", description)], files).await
}

fn counts(app: &TestApp) -> (i64, i64) {
    app.write(|c| Ok((lr::table.count().get_result(c)?, sf::table.count().get_result(c)?)))
}

#[actix_web::test]
async fn a_student_uploads_edits_submits_and_then_nothing_changes() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    let pdf = bytes::pdf(200_000);
    let created = create(&app, &student, chinese, "閱讀心得：我讀《紅樓夢》的筆記", &[("document", "紅樓夢心得.pdf", &pdf)]).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let r = created.json();
    assert_eq!(r["state"], "editing");
    assert_eq!(r["subject_name"], "國語文");
    assert_eq!(r["document"]["sha256"], bytes::sha256(&pdf));
    assert_eq!(r["document"]["size"], 200_000);
    assert_eq!(r["document"]["kind"], "pdf");
    assert_eq!(r["document"]["name"], "紅樓夢心得.pdf");
    assert!(r["video"].is_null());
    // Durably stored under its content address before the answer.
    let sha = bytes::sha256(&pdf);
    let stored = app.dir.path().join("files").join(&sha[..2]).join(&sha[2..4]).join(&sha);
    assert_eq!(std::fs::read(&stored).unwrap(), pdf);
    assert_eq!(app.temporary_files(), 0);
    let id = r["id"].as_i64().unwrap();

    // Edit: a new description, the document replaced by a png, a video added.
    let png = bytes::png(5_000);
    let mp4 = bytes::mp4(50_000);
    let path = format!("/api/v1/learning-results/{id}");
    let edited = app.upload(Method::PUT, &path, &student, &[("description", "改寫後的心得")], &[("document", "p.png", &png), ("video", "v.mp4", &mp4)]).await;
    assert_eq!(edited.status, 200, "{}", edited.text());
    let e = edited.json();
    assert_eq!(e["description"], "改寫後的心得");
    assert_eq!(e["document"]["kind"], "png");
    assert_eq!(e["video"]["kind"], "mp4");
    // Removing both files is refused: something must remain.
    app.upload(Method::PUT, &path, &student, &[("remove_document", "true"), ("remove_video", "true")], &[]).await.assert_problem(422, "validation_failed");

    let submitted = app.post_as(&format!("{path}/submit"), &student, json!({})).await;
    assert_eq!(submitted.status, 200, "{}", submitted.text());
    assert_eq!(submitted.json()["state"], "submitted");
    assert!(submitted.json()["submitted_at"].as_str().unwrap().ends_with('Z'));

    // Submitted: nobody changes it, not even its owner.
    app.upload(Method::PUT, &path, &student, &[("description", "偷改")], &[]).await.assert_problem(409, "invalid_state");
    app.delete_as(&path, &student).await.assert_problem(409, "invalid_state");
    app.post_as(&format!("{path}/submit"), &student, json!({})).await.assert_problem(409, "invalid_state");
    let detail = app.get_as(&path, &student).await.json();
    assert_eq!(detail["result"]["description"], "改寫後的心得");
    let actions: Vec<&str> = detail["history"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["created", "updated", "submitted"]);
    assert!(detail["history"].as_array().unwrap().iter().all(|h| h["actor_account"] == S && h["at"].as_str().unwrap().ends_with('Z')));

    // The list shows it with filters.
    let list = app.get_as("/api/v1/learning-results?state=submitted&term=1151", &student).await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(app.get_as("/api/v1/learning-results?state=editing", &student).await.json()["total"], 0);
    app.get_as("/api/v1/learning-results?term=11", &student).await.assert_problem(400, "invalid_query");
}

#[actix_web::test]
async fn bad_uploads_are_refused_and_leave_no_file_no_row_and_no_temporary_file() {
    let app = TestApp::with_config(|c| c.max_document_bytes = 100_000);
    app.demo();
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    let exe = b"MZ\x90\x00\x03\x00\x00\x00 this is a program".to_vec();
    // A program named .pdf: the content decides.
    let r = create(&app, &student, chinese, "心得", &[("document", "report.pdf", &exe)]).await;
    r.assert_problem(415, "file_type_not_allowed");
    // A video in the document slot.
    create(&app, &student, chinese, "心得", &[("document", "a.pdf", &bytes::mp4(1000))]).await.assert_problem(415, "file_type_not_allowed");
    create(&app, &student, chinese, "心得", &[("document", "empty.pdf", b"")]).await.assert_problem(422, "file_empty");
    let big = create(&app, &student, chinese, "心得", &[("document", "big.pdf", &bytes::pdf(100_001))]).await.assert_problem(413, "file_too_large");
    assert!(big["detail"].as_str().unwrap().contains("MB"), "{big}");
    create(&app, &student, chinese, &"字".repeat(101), &[("document", "a.pdf", &bytes::pdf(1000))]).await.assert_problem(422, "validation_failed");
    create(&app, &student, chinese, "見 https://example.com", &[("document", "a.pdf", &bytes::pdf(1000))]).await.assert_problem(422, "validation_failed");
    create(&app, &student, chinese, "沒有檔案", &[]).await.assert_problem(422, "validation_failed");
    let grade3 = app.write(|c| {
        Ok(licheng::schema::courses::table.filter(licheng::schema::courses::grade.eq(3)).select(licheng::schema::courses::id).first::<i64>(c)?)
    });
    let not_mine = create(&app, &student, grade3, "別班的課", &[("document", "a.pdf", &bytes::pdf(1000))]).await.assert_problem(422, "validation_failed");
    assert!(not_mine["errors"]["course_id"].is_array(), "{not_mine}");
    // A body cut off in the middle of the file.
    let (ct, body) = crate::support::multipart(&[("course_id", &chinese.to_string()), ("description", "斷線")], &[("document", "a.pdf", &bytes::pdf(50_000))]);
    let truncated = app
        .send(
            actix_web::test::TestRequest::post()
                .uri("/api/v1/learning-results")
                .insert_header(("Authorization", format!("Bearer {student}")))
                .insert_header(("Content-Type", ct))
                .set_payload(body[..30_000].to_vec()),
        )
        .await;
    truncated.assert_problem(400, "multipart_invalid");
    // Not multipart at all.
    app.post_as("/api/v1/learning-results", &student, json!({"course_id": chinese})).await.assert_problem(415, "unsupported_media_type");
    // An unknown field.
    app.upload(Method::POST, "/api/v1/learning-results", &student, &[("course_id", &chinese.to_string()), ("description", "x"), ("state", "certified")], &[])
        .await
        .assert_problem(422, "validation_failed");

    assert_eq!(counts(&app), (0, 0), "no row");
    assert_eq!(app.stored_files(), 0, "no stored file");
    assert_eq!(app.temporary_files(), 0, "no temporary file");

    // Phones send whatever name and type; the content decides (003 #17).
    let photo = bytes::jpg(3000);
    let phone = create(&app, &student, chinese, "手機拍的作品照片", &[("document", "image", &photo)]).await;
    assert_eq!(phone.status, 201, "{}", phone.text());
    assert_eq!(phone.json()["document"]["kind"], "jpg");
    assert_eq!(phone.json()["document"]["name"], "image");
}

#[actix_web::test]
async fn uploading_and_submitting_happen_only_inside_the_students_work_period() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    let created = create(&app, &student, chinese, "期中作業", &[("document", "a.pdf", &bytes::pdf(1000))]).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_i64().unwrap();
    // The demo periods end 60 days from now.
    app.state.clock.advance(70 * 24 * 3600);
    let student = app.demo_token(S).await;
    let late = create(&app, &student, chinese, "太晚了", &[("document", "b.pdf", &bytes::pdf(1000))]).await.assert_problem(403, "period_closed");
    assert!(late["detail"].as_str().unwrap().contains("學生上傳及送出學習成果認證時間"), "{late}");
    app.post_as(&format!("/api/v1/learning-results/{id}/submit"), &student, json!({})).await.assert_problem(403, "period_closed");
    app.upload(Method::PUT, &format!("/api/v1/learning-results/{id}"), &student, &[("description", "改")], &[]).await.assert_problem(403, "period_closed");
    assert_eq!(counts(&app), (1, 1));
    assert_eq!(app.temporary_files(), 0);
}

#[actix_web::test]
async fn per_semester_and_per_subject_counts_are_enforced_and_deleting_frees_a_place() {
    let app = TestApp::init();
    app.demo();
    let admin = app.demo_token("admin").await;
    let mut params = app.get_as("/api/v1/settings/parameters", &admin).await.json()["values"].clone();
    params["results_per_subject"] = json!(2);
    params["results_per_semester"] = json!(6);
    assert_eq!(app.put_as("/api/v1/settings/parameters", &admin, params).await.status, 200);
    let student = app.demo_token(S).await;
    let mut ids = Vec::new();
    for subject in ["國語文", "英語文", "數學"] {
        let course = course_id(&app, &student, subject).await;
        for n in 0..2 {
            let r = create(&app, &student, course, &format!("{subject} {n}"), &[("document", "a.pdf", &bytes::pdf(1000 + n))]).await;
            assert_eq!(r.status, 201, "{}", r.text());
            ids.push(r.json()["id"].as_i64().unwrap());
        }
        let over = create(&app, &student, course, "第三件", &[("document", "a.pdf", &bytes::pdf(900))]).await.assert_problem(409, "limit_reached");
        if subject != "數學" {
            assert!(over["detail"].as_str().unwrap().contains("單科上限 2"), "{over}");
        }
    }
    let science = course_id(&app, &student, "自然科學探究與實作").await;
    let over = create(&app, &student, science, "第七件", &[("document", "a.pdf", &bytes::pdf(900))]).await.assert_problem(409, "limit_reached");
    assert!(over["detail"].as_str().unwrap().contains("上限 6"), "{over}");
    let mine = app.get_as("/api/v1/me/courses", &student).await.json();
    assert_eq!(mine["used"], 6);
    assert_eq!(mine["per_semester_limit"], 6);
    // Deleting an editing one frees its place; the row stays for the record.
    assert_eq!(app.delete_as(&format!("/api/v1/learning-results/{}", ids[0]), &student).await.status, 204);
    assert_eq!(create(&app, &student, science, "第六件", &[("document", "a.pdf", &bytes::pdf(800))]).await.status, 201);
    assert_eq!(app.write(|c| Ok(lr::table.filter(lr::deleted_at.is_not_null()).count().get_result::<i64>(c)?)), 1);
    app.get_as(&format!("/api/v1/learning-results/{}", ids[0]), &student).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_rejected_result_can_be_deleted_and_uploaded_again_but_a_certified_one_never_changes() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    let a = create(&app, &student, chinese, "第一版", &[("document", "a.pdf", &bytes::pdf(1000))]).await.json()["id"].as_i64().unwrap();
    let b = create(&app, &student, chinese, "第二件", &[("document", "b.pdf", &bytes::pdf(1001))]).await.json()["id"].as_i64().unwrap();
    // Teachers decide in issue #7; here the states are set directly.
    app.write(|c| {
        diesel::update(lr::table.find(a)).set((lr::state.eq("rejected"), lr::reject_reason.eq(Some("非本人作品")))).execute(c)?;
        diesel::update(lr::table.find(b)).set(lr::state.eq("certified")).execute(c)?;
        Ok(())
    });
    let shown = app.get_as(&format!("/api/v1/learning-results/{a}"), &student).await.json();
    assert_eq!(shown["result"]["reject_reason"], "非本人作品");
    // A rejected one may also be edited and sent again (seed_checks, FAQ 004 Q12); here it is deleted.
    assert_eq!(app.delete_as(&format!("/api/v1/learning-results/{a}"), &student).await.status, 204);
    app.delete_as(&format!("/api/v1/learning-results/{b}"), &student).await.assert_problem(409, "invalid_state");
    app.upload(Method::PUT, &format!("/api/v1/learning-results/{b}"), &student, &[], &[("document", "x.pdf", &bytes::pdf(10))]).await.assert_problem(409, "invalid_state");
    assert_eq!(create(&app, &student, chinese, "重新上傳", &[("document", "c.pdf", &bytes::pdf(1002))]).await.status, 201);
}

#[actix_web::test]
async fn only_the_student_their_teachers_advisors_and_the_admin_see_an_item() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    let pdf = bytes::pdf(4000);
    let id = create(&app, &student, chinese, "國文報告", &[("document", "r.pdf", &pdf)]).await.json()["id"].as_i64().unwrap();
    let form = [
        ("category", "competition"),
        ("title", "全國科展"),
        ("level", "全國"),
        ("award", "佳作"),
        ("start_date", "2026-10-01"),
        ("description", "物理組"),
    ];
    let perf = app.upload(Method::POST, "/api/v1/performances", &student, &form, &[("document", "award.pdf", &pdf)]).await;
    assert_eq!(perf.status, 201, "{}", perf.text());
    let pid = perf.json()["id"].as_i64().unwrap();

    // (account, sees the result, sees the performance)
    let cases = [
        ("999999_T001", true, false), // teaches 國語文 to 201; not 201's homeroom teacher
        ("999999_T002", true, true),  // homeroom teacher of 201
        ("999999_T003", true, true),  // course consultant of 201
        ("999999_T004", false, false), // counsels 113001/2 only
        ("999999_T005", false, false), // teaches 201 數學, not 國語文
        ("999999_114002", false, false), // a classmate
        ("admin", true, true),
    ];
    for (account, result, performance) in cases {
        let token = app.demo_token(account).await;
        let r = app.get_as(&format!("/api/v1/learning-results/{id}"), &token).await;
        let f = app.get_as(&format!("/api/v1/learning-results/{id}/files/document"), &token).await;
        let p = app.get_as(&format!("/api/v1/performances/{pid}"), &token).await;
        let list = app.get_as("/api/v1/learning-results", &token).await.json();
        let plist = app.get_as("/api/v1/performances", &token).await.json();
        if result {
            assert_eq!(r.status, 200, "{account}: {}", r.text());
            assert_eq!(f.body, pdf, "{account}");
            assert!(list["items"].as_array().unwrap().iter().any(|i| i["id"] == id), "{account}");
        } else {
            r.assert_problem(404, "not_found");
            f.assert_problem(404, "not_found");
            assert!(!list["items"].as_array().unwrap().iter().any(|i| i["id"] == id), "{account}");
        }
        if performance {
            assert_eq!(p.status, 200, "{account}");
            assert_eq!(plist["total"], 1, "{account}");
        } else {
            p.assert_problem(404, "not_found");
            assert!(!plist["items"].as_array().unwrap().iter().any(|i| i["id"] == pid), "{account}");
        }
    }
    // Another school's admin sees nothing of it.
    let other = app.school("074313");
    let other_admin = app.token(&other, "admin").await;
    app.get_as(&format!("/api/v1/learning-results/{id}"), &other_admin).await.assert_problem(404, "not_found");
    app.get_as(&format!("/api/v1/performances/{pid}/files/document"), &other_admin).await.assert_problem(404, "not_found");
    assert_eq!(app.get_as("/api/v1/learning-results", &other_admin).await.json()["total"], 0);
    // Nobody but the student changes it: a teacher is refused by role, a classmate finds nothing.
    let teacher = app.demo_token("999999_T001").await;
    app.upload(Method::PUT, &format!("/api/v1/learning-results/{id}"), &teacher, &[("description", "x")], &[]).await.assert_problem(403, "role_required");
    app.delete_as(&format!("/api/v1/learning-results/{id}"), &teacher).await.assert_problem(403, "role_required");
    app.post_as(&format!("/api/v1/learning-results/{id}/submit"), &teacher, json!({})).await.assert_problem(403, "role_required");
    create(&app, &teacher, chinese, "老師代傳", &[("document", "a.pdf", &pdf)]).await.assert_problem(403, "role_required");
    let classmate = app.demo_token("999999_114002").await;
    app.upload(Method::PUT, &format!("/api/v1/learning-results/{id}"), &classmate, &[("description", "x")], &[]).await.assert_problem(404, "not_found");
    app.delete_as(&format!("/api/v1/learning-results/{id}"), &classmate).await.assert_problem(404, "not_found");
    app.post_as(&format!("/api/v1/learning-results/{id}/submit"), &classmate, json!({})).await.assert_problem(404, "not_found");
    app.delete_as(&format!("/api/v1/performances/{pid}"), &classmate).await.assert_problem(404, "not_found");
    app.upload(Method::PUT, &format!("/api/v1/performances/{pid}"), &classmate, &form, &[]).await.assert_problem(404, "not_found");
    app.upload(Method::PUT, &format!("/api/v1/performances/{pid}"), &teacher, &form, &[]).await.assert_problem(403, "role_required");
    app.delete_as(&format!("/api/v1/performances/{pid}"), &teacher).await.assert_problem(403, "role_required");
    assert_eq!(app.put_as(&format!("/api/v1/me/selections/performances/{pid}"), &student, json!({})).await.status, 200);
    app.delete_as(&format!("/api/v1/me/selections/performances/{pid}"), &classmate).await.assert_problem(404, "not_found");
    app.delete_as(&format!("/api/v1/me/selections/performances/{pid}"), &teacher).await.assert_problem(403, "role_required");
    // A student of another school cannot use this school's course.
    let other_student_id = app.student(&other, "s1", "A123456789");
    let _ = other_student_id;
    let other_student = app.token(&other, "s1").await;
    create(&app, &other_student, chinese, "別校課程", &[("document", "a.pdf", &pdf)]).await.assert_problem(409, "conflict");
    app.get_as(&format!("/api/v1/learning-results/{id}"), &other_student).await.assert_problem(404, "not_found");
    app.put_as(&format!("/api/v1/me/selections/performances/{pid}"), &classmate, json!({})).await.assert_problem(404, "not_found");
    // The student list filters by class and search text.
    let admin = app.demo_token("admin").await;
    assert_eq!(app.get_as("/api/v1/learning-results?class_code=201&q=%E5%9C%8B%E8%AA%9E", &admin).await.json()["total"], 1);
    assert_eq!(app.get_as("/api/v1/learning-results?class_code=101", &admin).await.json()["total"], 0);
    assert_eq!(app.get_as("/api/v1/performances?category=competition&q=%E7%A7%91%E5%B1%95", &admin).await.json()["total"], 1);
    assert_eq!(app.get_as("/api/v1/performances?category=works", &admin).await.json()["total"], 0);
    // Every page of a list tells the same total: a full page counts, a last page that is not full
    // tells it by itself, an empty page past the end counts again.
    for list in ["/api/v1/performances", "/api/v1/learning-results"] {
        let total = app.get_as(list, &admin).await.json()["total"].as_i64().unwrap();
        assert!(total > 0, "{list}");
        for per_page in [2, 3] {
            let last = (total + per_page - 1) / per_page;
            for page in [1, last, last + 1] {
                let got = app.get_as(&format!("{list}?per_page={per_page}&page={page}"), &admin).await.json();
                assert_eq!(got["total"], total, "{list} page {page} of {per_page}");
                let rows = got["items"].as_array().unwrap().len() as i64;
                assert_eq!(rows, (total - (page - 1) * per_page).clamp(0, per_page), "{list} page {page} of {per_page}");
            }
        }
    }
}

#[actix_web::test]
async fn downloads_carry_type_name_etag_and_ranges() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    let mp4 = bytes::mp4(100_000);
    let pdf = bytes::pdf(3000);
    let id = create(&app, &student, chinese, "影片報告", &[("document", "報告.pdf", &pdf), ("video", "影片.mp4", &mp4)]).await.json()["id"].as_i64().unwrap();
    let path = format!("/api/v1/learning-results/{id}/files/video");
    let full = app.get_as(&path, &student).await;
    assert_eq!(full.status, 200);
    assert_eq!(full.body, mp4);
    assert_eq!(full.content_type(), "video/mp4");
    let etag = full.headers.get("etag").unwrap().to_str().unwrap().to_string();
    assert_eq!(etag, format!("\"{}\"", bytes::sha256(&mp4)));
    let disposition = full.headers.get("content-disposition").unwrap().to_str().unwrap().to_string();
    assert!(disposition.starts_with("inline") && disposition.contains("filename*=UTF-8''%E5%BD%B1%E7%89%87.mp4"), "{disposition}");
    assert_eq!(full.headers.get("accept-ranges").unwrap(), "bytes");

    let auth = ("Authorization", format!("Bearer {student}"));
    let range = app.send(actix_web::test::TestRequest::get().uri(&path).insert_header(auth.clone()).insert_header(("Range", "bytes=100-199"))).await;
    assert_eq!(range.status, 206);
    assert_eq!(range.body, mp4[100..200].to_vec());
    assert_eq!(range.headers.get("content-range").unwrap(), "bytes 100-199/100000");
    let cached = app.send(actix_web::test::TestRequest::get().uri(&path).insert_header(auth.clone()).insert_header(("If-None-Match", etag.as_str()))).await;
    assert_eq!(cached.status, 304);
    let doc = app.get_as(&format!("/api/v1/learning-results/{id}/files/document?download=true"), &student).await;
    assert_eq!(doc.content_type(), "application/pdf");
    assert!(doc.headers.get("content-disposition").unwrap().to_str().unwrap().starts_with("attachment"));
    app.get_as(&format!("/api/v1/learning-results/{id}/files/other"), &student).await.assert_problem(404, "not_found");
}

/// RFC 9110 §14.2: a Range that does not parse is ignored (the whole file, 200); one that parses
/// but starts past the end is unsatisfiable (416 with `Content-Range: bytes */size`), never 400.
#[actix_web::test]
async fn unparseable_ranges_are_ignored_and_ranges_past_the_end_answer_416() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let chinese = course_id(&app, &student, "國語文").await;
    let mp4 = bytes::mp4(5000);
    let id = create(&app, &student, chinese, "影片", &[("video", "v.mp4", &mp4)]).await.json()["id"].as_i64().unwrap();
    let path = format!("/api/v1/learning-results/{id}/files/video");
    let auth = ("Authorization", format!("Bearer {student}"));
    let ranged = |value: &'static [u8]| {
        actix_web::test::TestRequest::get()
            .uri(&path)
            .insert_header(auth.clone())
            .insert_header(("Range", actix_web::http::header::HeaderValue::from_bytes(value).unwrap()))
    };
    for value in [&b""[..], b";", b"bytes=", b"bytes=,", b"bytes=abc", b"bytes=5-2", b"bytes=1-2-3", b"bytes=-", b"bytes 0-1", b"items=0-1", b"bytes=0-1,x", b"\xff\xfe"] {
        let r = app.send(ranged(value)).await;
        assert_eq!(r.status, 200, "{:?}: {}", String::from_utf8_lossy(value), r.text());
        assert_eq!(r.body, mp4, "{:?}", String::from_utf8_lossy(value));
        assert!(r.headers.get("content-range").is_none());
    }
    for value in [&b"bytes=5000-"[..], b"bytes=6000-7000", b"bytes=-0", b"bytes=99999999999999999999999-"] {
        let r = app.send(ranged(value)).await;
        assert_eq!(r.status, 416, "{:?}: {}", String::from_utf8_lossy(value), r.text());
        assert_eq!(r.headers.get("content-range").unwrap(), "bytes */5000");
        assert_eq!(r.json()["code"], "range_not_satisfiable");
    }
    let r = app.send(ranged(b"bytes=4990-")).await;
    assert_eq!(r.status, 206);
    assert_eq!(r.body, mp4[4990..].to_vec());
    let r = app.send(ranged(b"BYTES = 0-1 , 4-5")).await;
    assert_eq!(r.status, 200, "a space before `=` is not the grammar: ignored");
}

fn perf_form<'a>(category: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![("category", category), ("description", "內容簡述")];
    v.extend_from_slice(extra);
    v
}

#[actix_web::test]
async fn performances_follow_their_category_fields_dates_links_and_yearly_count() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await; // entered in 114, grade 2, year 115
    let pdf = bytes::pdf(2000);
    let mp4 = bytes::mp4(5000);
    let post = |fields: Vec<(&'static str, &'static str)>, files: Vec<(&'static str, &'static str, Vec<u8>)>| {
        let app = &app;
        let student = student.clone();
        async move {
            let files: Vec<(&str, &str, &[u8])> = files.iter().map(|(a, b, c)| (*a, *b, c.as_slice())).collect();
            app.upload(Method::POST, "/api/v1/performances", &student, &fields, &files).await
        }
    };
    let doc = || vec![("document", "a.pdf", pdf.clone())];
    // Service learning: a range kind, with hours.
    let ok = post(
        perf_form("service_learning", &[("title", "淨灘"), ("organisation", "海洋保育署"), ("hours", "3.5"), ("start_date", "2026-09-01"), ("end_date", "2026-09-02")]),
        doc(),
    )
    .await;
    assert_eq!(ok.status, 201, "{}", ok.text());
    let p = ok.json();
    assert_eq!(p["category_name"], "服務學習紀錄");
    assert_eq!(p["hours"], 3.5);
    assert_eq!(p["end_date"], "2026-09-02");
    // Missing required fields and a field the category does not use.
    let bad = post(perf_form("service_learning", &[("title", "淨灘"), ("award", "金牌"), ("start_date", "2026-09-01"), ("end_date", "2026-09-02")]), doc())
        .await
        .assert_problem(422, "validation_failed");
    assert!(bad["errors"]["organisation"].is_array() && bad["errors"]["hours"].is_array() && bad["errors"]["award"].is_array(), "{bad}");
    // A range kind without its end; a single-date kind with one.
    post(perf_form("service_learning", &[("title", "淨灘"), ("organisation", "署"), ("hours", "2"), ("start_date", "2026-09-01")]), doc()).await.assert_problem(422, "validation_failed");
    post(perf_form("works", &[("title", "作品"), ("start_date", "2026-09-01"), ("end_date", "2026-09-03")]), doc()).await.assert_problem(422, "validation_failed");
    // Before 1 July of the entry year (114 → 2025-07-01), after 31 July of the year's end.
    let early = post(perf_form("works", &[("title", "作品"), ("start_date", "2025-06-30")]), doc()).await.assert_problem(422, "validation_failed");
    assert!(early["errors"]["start_date"][0].as_str().unwrap().contains("114/07/01"), "{early}");
    post(perf_form("works", &[("title", "作品"), ("start_date", "2027-08-01")]), doc()).await.assert_problem(422, "validation_failed");
    assert_eq!(post(perf_form("works", &[("title", "作品"), ("start_date", "2025-07-01")]), doc()).await.status, 201);
    // Range ends may reach 29 August.
    assert_eq!(
        post(perf_form("workplace", &[("kind", "職場體驗"), ("organisation", "工廠"), ("title", "實習"), ("hours", "40"), ("start_date", "2027-07-20"), ("end_date", "2027-08-29")]), doc()).await.status,
        201
    );
    post(perf_form("workplace", &[("kind", "職場體驗"), ("organisation", "工廠"), ("title", "實習"), ("hours", "40"), ("start_date", "2027-07-20"), ("end_date", "2027-08-30")]), doc())
        .await
        .assert_problem(422, "validation_failed");
    // An unknown choice, an unknown category, a bad date.
    post(perf_form("competition", &[("title", "科展"), ("level", "宇宙"), ("award", "金"), ("start_date", "2026-09-01")]), doc()).await.assert_problem(422, "validation_failed");
    post(perf_form("sports", &[("title", "x"), ("start_date", "2026-09-01")]), doc()).await.assert_problem(422, "validation_failed");
    post(perf_form("works", &[("title", "作品"), ("start_date", "115/09/01")]), doc()).await.assert_problem(422, "validation_failed");
    // A link only with a video (FAQ 000 Q3).
    let link = post(perf_form("works", &[("title", "影片作品"), ("start_date", "2026-09-01"), ("external_link", "https://youtu.be/abc")]), doc())
        .await
        .assert_problem(422, "validation_failed");
    assert!(link["errors"]["external_link"].is_array(), "{link}");
    let with_video = post(perf_form("works", &[("title", "影片作品"), ("start_date", "2026-09-01"), ("external_link", "https://youtu.be/abc")]), vec![("video", "v.mp4", mp4.clone())]).await;
    assert_eq!(with_video.status, 201, "{}", with_video.text());
    assert_eq!(with_video.json()["external_link"], "https://youtu.be/abc");
    // Editing may not drop the video while keeping the link.
    let wid = with_video.json()["id"].as_i64().unwrap();
    app.upload(
        Method::PUT,
        &format!("/api/v1/performances/{wid}"),
        &student,
        &perf_form("works", &[("title", "影片作品"), ("start_date", "2026-09-01"), ("external_link", "https://youtu.be/abc"), ("remove_video", "true")]),
        &[("document", "a.pdf", &pdf)],
    )
    .await
    .assert_problem(422, "validation_failed");
    let edited = app
        .upload(Method::PUT, &format!("/api/v1/performances/{wid}"), &student, &perf_form("works", &[("title", "新名稱"), ("start_date", "2026-09-02")]), &[])
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text());
    assert_eq!(edited.json()["title"], "新名稱");
    assert!(edited.json()["video"].is_object());
    // A performance keeps its category; edit-only flags are refused on create and must be booleans.
    app.upload(Method::PUT, &format!("/api/v1/performances/{wid}"), &student, &perf_form("competition", &[("title", "x"), ("start_date", "2026-09-02")]), &[])
        .await
        .assert_problem(422, "validation_failed");
    // "0"/"1" too: the schema says a boolean (schemathesis' negative-data check found "0" accepted).
    for not_a_boolean in ["maybe", "0", "1"] {
        app.upload(Method::PUT, &format!("/api/v1/performances/{wid}"), &student, &perf_form("works", &[("title", "x"), ("start_date", "2026-09-02"), ("remove_video", not_a_boolean)]), &[])
            .await
            .assert_problem(422, "validation_failed");
    }
    post(perf_form("works", &[("title", "作品"), ("start_date", "2026-09-01"), ("remove_document", "true")]), doc()).await.assert_problem(422, "validation_failed");
    // Last year's performance is no longer changed.
    app.write(|c| {
        diesel::update(pf::table.find(wid)).set(pf::academic_year.eq(114)).execute(c)?;
        Ok(())
    });
    app.delete_as(&format!("/api/v1/performances/{wid}"), &student).await.assert_problem(409, "invalid_state");
    app.write(|c| {
        diesel::update(pf::table.find(wid)).set(pf::academic_year.eq(115)).execute(c)?;
        Ok(())
    });

    // The yearly count (parameter 學生多元表現上傳數量, minimum 10).
    let admin = app.demo_token("admin").await;
    let mut params = app.get_as("/api/v1/settings/parameters", &admin).await.json()["values"].clone();
    params["performances_per_year"] = json!(10);
    assert_eq!(app.put_as("/api/v1/settings/parameters", &admin, params).await.status, 200);
    let used = app.get_as("/api/v1/me/performance-limits", &student).await.json();
    assert_eq!(used["used"], 4);
    assert_eq!(used["per_year_limit"], 10);
    assert_eq!(used["earliest"], "2025-07-01");
    assert_eq!(used["latest_end"], "2027-08-29");
    for n in 0..6 {
        let r = post(perf_form("other", &[("title", "其他"), ("start_date", "2026-09-01"), ("end_date", "2026-09-01")]), vec![("document", "a.pdf", bytes::pdf(100 + n))]).await;
        assert_eq!(r.status, 201, "{}", r.text());
    }
    post(perf_form("other", &[("title", "第十一件"), ("start_date", "2026-09-01"), ("end_date", "2026-09-01")]), doc()).await.assert_problem(409, "limit_reached");
    // School cadre records from sync: shown read-only, not counted.
    let cadre = app.get_as("/api/v1/me/cadre-records", &student).await.json();
    assert_eq!(cadre[0]["position"], "班長");
    assert_eq!(app.get_as("/api/v1/me/performance-limits", &student).await.json()["used"], 10);
    assert_eq!(app.write(|c| Ok(pf::table.count().get_result::<i64>(c)?)), 10);
    assert_eq!(app.temporary_files(), 0);
    // The categories with their forms, for clients.
    let categories = app.get_as("/api/v1/performance-categories", &student).await.json();
    assert_eq!(categories.as_array().unwrap().len(), 10);
    assert_eq!(categories[1]["name"], "競賽參與紀錄");
    assert_eq!(categories[1]["dating"], "single");
}

/// Inserts a certified learning result of this year for `student` directly (teachers certify in #7).
fn certified(app: &TestApp, school: i64, student: i64, course: i64, n: i64) -> i64 {
    with_state(app, school, student, course, n, "certified")
}

fn with_state(app: &TestApp, school: i64, student: i64, course: i64, n: i64, state: &str) -> i64 {
    let now = app.state.clock.now();
    app.write(|c| {
        Ok(diesel::insert_into(lr::table)
            .values((
                lr::school_id.eq(school),
                lr::student_id.eq(student),
                lr::course_id.eq(course),
                lr::academic_year.eq(115),
                lr::semester.eq(1),
                lr::description.eq(format!("成果 {n}")),
                lr::state.eq(state),
                lr::created_at.eq(now),
                lr::updated_at.eq(now),
            ))
            .returning(lr::id)
            .get_result::<i64>(c)?)
    })
}

#[actix_web::test]
async fn selections_hold_their_limits_even_under_concurrent_requests() {
    let app = TestApp::init();
    let school = app.demo();
    let student = app.demo_token(S).await;
    let sid = app.get_as("/api/v1/me", &student).await.json()["user"]["id"].as_i64().expect("own id");
    let chinese = course_id(&app, &student, "國語文").await;
    let ids: Vec<i64> = (0..10).map(|n| certified(&app, school, sid, chinese, n)).collect();
    // Ten requests at once for six places.
    let requests = ids.iter().map(|id| {
        let path = format!("/api/v1/me/selections/results/{id}");
        let token = student.clone();
        let app = &app;
        async move { app.put_as(&path, &token, json!({})).await }
    });
    let replies: Vec<crate::support::Reply> = futures_util::future::join_all(requests).await;
    let ok = replies.iter().filter(|r| r.status == 200).count();
    let refused: Vec<&crate::support::Reply> = replies.iter().filter(|r| r.status != 200).collect();
    assert_eq!(ok, 6, "{:?}", refused.iter().map(|r| r.text()).collect::<Vec<_>>());
    for r in refused {
        r.assert_problem(409, "limit_reached");
    }
    let mine = app.get_as("/api/v1/me/selections", &student).await.json();
    assert_eq!(mine["results"]["selected"].as_array().unwrap().len(), 6);
    assert_eq!(mine["results"]["limit"], 6);
    assert_eq!(mine["performances"]["limit"], 10);
    assert!(mine["results"]["period"]["open"].as_bool().unwrap());
    // Selecting again changes nothing; unselecting frees a place.
    let first = mine["results"]["selected"][0].as_i64().unwrap();
    assert_eq!(app.put_as(&format!("/api/v1/me/selections/results/{first}"), &student, json!({})).await.status, 200);
    assert_eq!(app.delete_as(&format!("/api/v1/me/selections/results/{first}"), &student).await.status, 204);
    let spare = ids.iter().find(|i| !mine["results"]["selected"].as_array().unwrap().iter().any(|s| s == *i)).copied().unwrap();
    assert_eq!(app.put_as(&format!("/api/v1/me/selections/results/{spare}"), &student, json!({})).await.status, 200);
    // Only certified results, only the student's own.
    let editing = with_state(&app, school, sid, chinese, 99, "editing");
    app.delete_as(&format!("/api/v1/me/selections/results/{spare}"), &student).await;
    app.put_as(&format!("/api/v1/me/selections/results/{editing}"), &student, json!({})).await.assert_problem(409, "invalid_state");
    let classmate = app.demo_token("999999_114002").await;
    app.put_as(&format!("/api/v1/me/selections/results/{spare}"), &classmate, json!({})).await.assert_problem(404, "not_found");
    app.put_as("/api/v1/me/selections/awards/1", &student, json!({})).await.assert_problem(400, "invalid_path");
    let teacher = app.demo_token("999999_T002").await;
    app.get_as("/api/v1/me/selections", &teacher).await.assert_problem(403, "role_required");
    // The list marks selected items.
    let list = app.get_as("/api/v1/learning-results?state=certified&per_page=50", &student).await.json();
    assert_eq!(list["items"].as_array().unwrap().iter().filter(|i| i["selected"] == true).count(), 5);
    // After the selection period nothing changes.
    app.state.clock.advance(70 * 24 * 3600);
    let student = app.demo_token(S).await;
    app.put_as(&format!("/api/v1/me/selections/results/{spare}"), &student, json!({})).await.assert_problem(403, "period_closed");
    let kept = mine["results"]["selected"][1].as_i64().unwrap();
    app.delete_as(&format!("/api/v1/me/selections/results/{kept}"), &student).await.assert_problem(403, "period_closed");
}

#[actix_web::test]
async fn performance_selection_allows_ten_and_a_selected_performance_is_frozen() {
    let app = TestApp::init();
    app.demo();
    let admin = app.demo_token("admin").await;
    let mut params = app.get_as("/api/v1/settings/parameters", &admin).await.json()["values"].clone();
    params["performances_per_year"] = json!(20);
    app.put_as("/api/v1/settings/parameters", &admin, params).await;
    let student = app.demo_token(S).await;
    let mut ids = Vec::new();
    for n in 0..11 {
        let r = app
            .upload(
                Method::POST,
                "/api/v1/performances",
                &student,
                &perf_form("works", &[("title", "作品"), ("start_date", "2026-09-01")]),
                &[("document", "a.pdf", &bytes::pdf(100 + n))],
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        ids.push(r.json()["id"].as_i64().unwrap());
    }
    for id in &ids[..10] {
        let r = app.put_as(&format!("/api/v1/me/selections/performances/{id}"), &student, json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    app.put_as(&format!("/api/v1/me/selections/performances/{}", ids[10]), &student, json!({})).await.assert_problem(409, "limit_reached");
    app.delete_as(&format!("/api/v1/performances/{}", ids[0]), &student).await.assert_problem(409, "invalid_state");
    assert_eq!(app.delete_as(&format!("/api/v1/performances/{}", ids[10]), &student).await.status, 204);
    assert_eq!(app.get_as("/api/v1/me/selections", &student).await.json()["performances"]["selected"].as_array().unwrap().len(), 10);
}

#[actix_web::test]
async fn wrong_roles_api_keys_and_the_operator_are_refused() {
    let app = TestApp::init();
    app.demo();
    let admin = app.demo_token("admin").await;
    let teacher = app.demo_token("999999_T001").await;
    // Student-only endpoints refuse staff.
    for path in ["/api/v1/me/courses", "/api/v1/me/performance-limits", "/api/v1/me/cadre-records", "/api/v1/me/selections"] {
        app.get_as(path, &admin).await.assert_problem(403, "role_required");
        app.get_as(path, &teacher).await.assert_problem(403, "role_required");
        app.get(path).await.assert_problem(401, "unauthenticated");
    }
    app.upload(Method::POST, "/api/v1/performances", &admin, &perf_form("works", &[("title", "x"), ("start_date", "2026-09-01")]), &[]).await.assert_problem(403, "role_required");
    // An API key (vendors) cannot read students' uploads.
    let key = app.post_as("/api/v1/api-keys", &admin, json!({"name": "vendor", "scopes": ["read", "sync"]})).await;
    assert_eq!(key.status, 201, "{}", key.text());
    let key = key.json()["secret"].as_str().unwrap().to_string();
    let with_key = app.send(actix_web::test::TestRequest::get().uri("/api/v1/learning-results").insert_header(("Authorization", format!("Bearer {key}")))).await;
    with_key.assert_problem(403, "scope_required");
}
