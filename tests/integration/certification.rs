//! Certification, notifications and reminders (issue #7 §1, §2, §6, §7) on the demo school:
//! student 114001 (class 201) takes 國語文 (T001), 英語文 (T002, homeroom of 201), 數學 (T005)
//! and the co-taught 自然科學探究與實作 (T002, T005); T003 consults class 201.

use actix_web::http::Method;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::support::smtp::{local_mail, silent_server, SmtpServer};
use crate::uploads::course_id;
use crate::support::{bytes, TestApp};
use licheng::state::AppState;
use licheng::reminders;
use licheng::schema::{learning_results as lr, mail_outbox as mo, users};

const S: &str = "999999_114001";

/// A new learning result of `subject`; submitted when `submit`.
async fn result(app: &TestApp, token: &str, subject: &str, text: &str, submit: bool) -> i64 {
    let course = course_id(app, token, subject).await.to_string();
    let created = app.upload(Method::POST, "/api/v1/learning-results", token, &[("course_id", &course), ("description", text)], &[("document", "a.pdf", &bytes::pdf(2000))]).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_i64().unwrap();
    if submit {
        let s = app.post_as(&format!("/api/v1/learning-results/{id}/submit"), token, json!({})).await;
        assert_eq!(s.status, 200, "{}", s.text());
    }
    id
}

async fn decide(app: &TestApp, token: &str, id: i64, body: Value) -> crate::support::Reply {
    app.post_as(&format!("/api/v1/learning-results/{id}/decision"), token, body).await
}

fn actions(detail: &Value) -> Vec<(String, String)> {
    detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["action"].as_str().unwrap().to_string(), h["actor_account"].as_str().unwrap_or("").to_string()))
        .collect()
}

#[actix_web::test]
async fn a_teacher_certifies_and_rejects_and_the_student_is_told() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let a = result(&app, &student, "國語文", "閱讀心得", true).await;
    let b = result(&app, &student, "國語文", "作文", true).await;
    let draft = result(&app, &student, "國語文", "草稿", false).await;
    let t001 = app.demo_token("999999_T001").await;

    // The queue: 國語文 of class 201 with two waiting; the draft is nobody's business yet.
    let queue = app.get_as("/api/v1/certification/courses", &t001).await;
    assert_eq!(queue.status, 200, "{}", queue.text());
    let queue = queue.json();
    assert_eq!(queue["waiting"], 2);
    let chinese = queue["courses"].as_array().unwrap().iter().find(|c| c["subject_name"] == "國語文" && c["class_code"] == "201").unwrap();
    assert_eq!(chinese["can_certify"], true);
    assert_eq!(chinese["submitted"], 2);
    assert_eq!(chinese["classes"], json!([{"class_code": "201", "submitted": 2, "certified": 0, "rejected": 0}]));
    assert_eq!(chinese["period"]["open"], true);
    let course = chinese["course_id"].as_i64().unwrap();
    let list = app.get_as(&format!("/api/v1/certification/results?course_id={course}&state=submitted"), &t001).await.json();
    assert_eq!(list["total"], 2);
    let ids: Vec<i64> = list["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&a) && ids.contains(&b) && !ids.contains(&draft));
    assert_eq!(app.get_as(&format!("/api/v1/certification/results?course_id={course}"), &t001).await.json()["total"], 2);
    // The teacher opens the file.
    assert_eq!(app.get_as(&format!("/api/v1/learning-results/{a}/files/document"), &t001).await.status, 200);

    let certified = decide(&app, &t001, a, json!({"decision": "certify"})).await;
    assert_eq!(certified.status, 200, "{}", certified.text());
    let c = certified.json();
    assert_eq!(c["result"]["state"], "certified");
    assert_eq!(c["result"]["decided_by"], "王大明");
    assert!(c["result"]["reject_reason"].is_null());
    assert_eq!(actions(&c).last().unwrap(), &("certified".to_string(), "999999_T001".to_string()));

    decide(&app, &t001, b, json!({"decision": "reject"})).await.assert_problem(422, "validation_failed");
    decide(&app, &t001, b, json!({"decision": "reject", "reason": "字".repeat(201)})).await.assert_problem(422, "validation_failed");
    let rejected = decide(&app, &t001, b, json!({"decision": "reject", "reason": "檔案與課程無關"})).await;
    assert_eq!(rejected.status, 200, "{}", rejected.text());
    assert_eq!(rejected.json()["result"]["state"], "rejected");
    assert_eq!(rejected.json()["result"]["reject_reason"], "檔案與課程無關");

    // Decided ones cannot be decided the same way again; drafts cannot be decided at all.
    decide(&app, &t001, a, json!({"decision": "certify"})).await.assert_problem(409, "invalid_state");
    decide(&app, &t001, b, json!({"decision": "certify"})).await.assert_problem(409, "invalid_state");
    decide(&app, &t001, draft, json!({"decision": "certify"})).await.assert_problem(409, "invalid_state");

    // The student sees the state and the reason, and two notifications.
    let mine = app.get_as(&format!("/api/v1/learning-results/{b}"), &student).await.json();
    assert_eq!(mine["result"]["reject_reason"], "檔案與課程無關");
    let inbox = app.get_as("/api/v1/me/notifications", &student).await;
    assert_eq!(inbox.status, 200, "{}", inbox.text());
    let inbox = inbox.json();
    assert_eq!((inbox["total"].as_i64(), inbox["unread"].as_i64()), (Some(2), Some(2)));
    assert_eq!(inbox["items"][0]["kind"], "result_rejected");
    assert!(inbox["items"][0]["body"].as_str().unwrap().contains("檔案與課程無關"));
    assert_eq!(inbox["items"][0]["result_id"], b);
    assert_eq!(inbox["items"][1]["kind"], "result_certified");
    assert!(inbox["items"][1]["title"].as_str().unwrap().contains("國語文"));
    let first = inbox["items"][0]["id"].as_i64().unwrap();
    assert_eq!(app.post_as(&format!("/api/v1/me/notifications/{first}/read"), &student, json!({})).await.status, 204);
    let unread = app.get_as("/api/v1/me/notifications?unread=true", &student).await.json();
    assert_eq!((unread["total"].as_i64(), unread["unread"].as_i64()), (Some(1), Some(1)));
    // Another user's notification is not theirs to mark.
    app.post_as(&format!("/api/v1/me/notifications/{first}/read"), &t001, json!({})).await.assert_problem(404, "not_found");
    assert_eq!(app.post_as("/api/v1/me/notifications/read-all", &student, json!({})).await.status, 204);
    assert_eq!(app.get_as("/api/v1/me/notifications", &student).await.json()["unread"], 0);
    app.get("/api/v1/me/notifications").await.assert_problem(401, "unauthenticated");

    // The queue counts moved.
    let queue = app.get_as("/api/v1/certification/courses", &t001).await.json();
    assert_eq!(queue["waiting"], 0);
    let chinese = queue["courses"].as_array().unwrap().iter().find(|c| c["subject_name"] == "國語文" && c["class_code"] == "201").unwrap();
    assert_eq!(chinese["classes"], json!([{"class_code": "201", "submitted": 0, "certified": 1, "rejected": 1}]));
}

#[actix_web::test]
async fn only_a_certifying_teacher_of_the_course_decides_inside_the_period() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let a = result(&app, &student, "國語文", "報告", true).await;
    let body = json!({"decision": "certify"});
    // Not the admin, not the student, not another course's teacher, not the homeroom teacher.
    decide(&app, &app.demo_token("admin").await, a, body.clone()).await.assert_problem(403, "role_required");
    decide(&app, &student, a, body.clone()).await.assert_problem(403, "role_required");
    decide(&app, &app.demo_token("999999_T005").await, a, body.clone()).await.assert_problem(404, "not_found");
    decide(&app, &app.demo_token("999999_T002").await, a, body.clone()).await.assert_problem(403, "not_certifier");
    app.get("/api/v1/certification/courses").await.assert_problem(401, "unauthenticated");
    app.get_as("/api/v1/certification/courses", &student).await.assert_problem(403, "role_required");
    app.get_as("/api/v1/certification/results", &app.demo_token("admin").await).await.assert_problem(403, "role_required");
    app.post_as("/api/v1/certification/decisions", &student, json!({"ids": [a], "decision": "certify"})).await.assert_problem(403, "role_required");
    decide(&app, &app.demo_token("999999_T001").await, 999_999, body.clone()).await.assert_problem(404, "not_found");
    // A vendor's API key decides nothing and reads no queue.
    let admin = app.demo_token("admin").await;
    let key = app.post_as("/api/v1/api-keys", &admin, json!({"name": "vendor", "scopes": ["read", "sync"]})).await.json()["secret"].as_str().unwrap().to_string();
    app.get_as("/api/v1/certification/courses", &key).await.assert_problem(403, "scope_required");
    decide(&app, &key, a, body.clone()).await.assert_problem(403, "scope_required");
    app.get_as("/api/v1/me/notifications", &key).await.assert_problem(403, "scope_required");

    // Another school's teacher sees nothing of this school.
    let other = app.school("074313");
    app.teacher(&other, "T9");
    let stranger = app.token(&other, "T9").await;
    decide(&app, &stranger, a, body.clone()).await.assert_problem(404, "not_found");
    assert_eq!(app.get_as("/api/v1/certification/results", &stranger).await.json()["total"], 0);
    let stranger_queue = app.get_as("/api/v1/certification/courses", &stranger).await.json();
    assert_eq!(stranger_queue["courses"], json!([]));

    // Outside the certification period (the demo's ends in 60 days).
    app.state.clock.advance(70 * 24 * 3600);
    let t001 = app.demo_token("999999_T001").await;
    decide(&app, &t001, a, body.clone()).await.assert_problem(403, "period_closed");
    let state: String = app.write(|c| Ok(lr::table.find(a).select(lr::state).first(c)?));
    assert_eq!(state, "submitted");
}

#[actix_web::test]
async fn co_teachers_see_each_others_decisions_and_a_no_co_teacher_cannot_decide() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let id = result(&app, &student, "自然科學探究與實作", "實驗報告", true).await;
    let admin = app.demo_token("admin").await;
    // The admin marks T005 as not certifying this co-taught course (manual 3.5).
    let rows = app.get_as("/api/v1/co-taught", &admin).await.json();
    let t005 = rows["items"].as_array().unwrap().iter().find(|r| r["teacher_account"] == "999999_T005").unwrap()["assignment_id"].as_i64().unwrap();
    let put = app.put_as("/api/v1/co-taught", &admin, json!({"changes": [{"assignment_id": t005, "can_certify": false}]})).await;
    assert_eq!(put.status, 200, "{}", put.text());

    let t005_token = app.demo_token("999999_T005").await;
    let t002 = app.demo_token("999999_T002").await;
    let queue = app.get_as("/api/v1/certification/courses", &t005_token).await.json();
    let course = queue["courses"].as_array().unwrap().iter().find(|c| c["subject_name"] == "自然科學探究與實作").unwrap();
    assert_eq!(course["can_certify"], false);
    assert_eq!(course["teachers"].as_array().unwrap().len(), 2);
    assert_eq!(queue["waiting"], 0, "a non-certifying co-teacher has nothing waiting");
    assert_eq!(app.get_as("/api/v1/certification/courses", &t002).await.json()["waiting"], 1);
    decide(&app, &t005_token, id, json!({"decision": "certify"})).await.assert_problem(403, "not_certifier");

    let rejected = decide(&app, &t002, id, json!({"decision": "reject", "reason": "請附上實驗數據"})).await;
    assert_eq!(rejected.status, 200, "{}", rejected.text());
    // 003 #19: the other co-teacher sees the rejection, who made it and why.
    let seen = app.get_as(&format!("/api/v1/learning-results/{id}"), &t005_token).await;
    assert_eq!(seen.status, 200, "{}", seen.text());
    let seen = seen.json();
    assert_eq!(seen["result"]["state"], "rejected");
    assert_eq!(seen["result"]["decided_by"], "李美玲");
    assert_eq!(seen["result"]["reject_reason"], "請附上實驗數據");
    let last = seen["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["action"].as_str(), last["actor_account"].as_str(), last["reason"].as_str()), (Some("rejected"), Some("999999_T002"), Some("請附上實驗數據")));
    let listed = app.get_as("/api/v1/certification/results?state=rejected", &t005_token).await.json();
    assert_eq!(listed["total"], 1);
}

#[actix_web::test]
async fn a_certified_result_turned_rejected_leaves_the_selection() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let id = result(&app, &student, "國語文", "專題", true).await;
    let t001 = app.demo_token("999999_T001").await;
    assert_eq!(decide(&app, &t001, id, json!({"decision": "certify"})).await.status, 200);
    let selected = app.put_as(&format!("/api/v1/me/selections/results/{id}"), &student, json!({})).await;
    assert!(selected.status.is_success(), "{}", selected.text());
    assert_eq!(app.get_as(&format!("/api/v1/learning-results/{id}"), &student).await.json()["result"]["selected"], true);

    // FAQ 000 Q6: a certified result can be turned into rejected, with a reason.
    decide(&app, &t001, id, json!({"decision": "reject"})).await.assert_problem(422, "validation_failed");
    let reversed = decide(&app, &t001, id, json!({"decision": "reject", "reason": "發現非本人作品"})).await;
    assert_eq!(reversed.status, 200, "{}", reversed.text());
    let r = reversed.json();
    assert_eq!(r["result"]["state"], "rejected");
    assert_eq!(r["result"]["selected"], false);
    let acts: Vec<String> = actions(&r).into_iter().map(|(a, _)| a).collect();
    assert_eq!(acts, ["created", "submitted", "certified", "rejected", "unselected"]);
    let mine = app.get_as("/api/v1/me/selections", &student).await;
    assert!(!mine.text().contains(&format!("\"id\":{id},")), "{}", mine.text());
    let kinds: Vec<String> = app.get_as("/api/v1/me/notifications", &student).await.json()["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap().to_string()).collect();
    assert_eq!(kinds, ["selection_dropped", "result_rejected", "result_certified"]);
    // The student may now delete it and upload again.
    assert_eq!(app.delete_as(&format!("/api/v1/learning-results/{id}"), &student).await.status, 204);
}

#[actix_web::test]
async fn many_at_once_decides_what_it_can_and_says_why_not_for_the_rest() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let a = result(&app, &student, "國語文", "一", true).await;
    let b = result(&app, &student, "國語文", "二", true).await;
    let draft = result(&app, &student, "國語文", "三", false).await;
    let english = result(&app, &student, "英語文", "英文", true).await;
    let t001 = app.demo_token("999999_T001").await;
    let out = app.post_as("/api/v1/certification/decisions", &t001, json!({"ids": [a, b, draft, a, english, 987_654, b], "decision": "certify"})).await;
    assert_eq!(out.status, 200, "{}", out.text());
    let out = out.json();
    // An id named twice is decided once, not refused the second time (#17 item 8).
    assert_eq!(out["decided"], json!([a, b]));
    let refused: Vec<(i64, String)> = out["refused"].as_array().unwrap().iter().map(|r| (r["id"].as_i64().unwrap(), r["code"].as_str().unwrap().to_string())).collect();
    assert_eq!(refused, [(draft, "invalid_state".to_string()), (english, "not_found".to_string()), (987_654, "not_found".to_string())]);
    assert!(out["refused"][0]["detail"].as_str().unwrap().contains("尚未送出"));
    for (id, state) in [(a, "certified"), (b, "certified"), (draft, "editing"), (english, "submitted")] {
        let s: String = app.write(|c| Ok(lr::table.find(id).select(lr::state).first(c)?));
        assert_eq!(s, state, "result {id}");
    }
    // A batch rejection needs its reason before anything happens; empty and oversized batches are refused.
    app.post_as("/api/v1/certification/decisions", &t001, json!({"ids": [a], "decision": "reject"})).await.assert_problem(422, "validation_failed");
    app.post_as("/api/v1/certification/decisions", &t001, json!({"ids": [], "decision": "certify"})).await.assert_problem(422, "validation_failed");
    let many: Vec<i64> = (1..=201).collect();
    app.post_as("/api/v1/certification/decisions", &t001, json!({"ids": many, "decision": "certify"})).await.assert_problem(422, "validation_failed");
    app.post_as("/api/v1/certification/decisions", &t001, json!({"ids": [a], "decision": "maybe"})).await.assert_problem(400, "invalid_json");
    let s: String = app.write(|c| Ok(lr::table.find(a).select(lr::state).first(c)?));
    assert_eq!(s, "certified");
}

// ---------------------------------------------------------------- reminders

pub(crate) fn rcpt(m: &crate::support::smtp::Mail) -> String {
    m.to.first().map(|t| t.trim_matches(|c| c == '<' || c == '>').to_string()).unwrap_or_default()
}

fn set_email(app: &TestApp, account: &str, email: &str) {
    app.write(|c| {
        diesel::update(users::table.filter(users::account.eq(account))).set(users::email.eq(Some(email))).execute(c)?;
        Ok(())
    });
}

async fn mail_server(app: &TestApp, admin: &str, port: u16) {
    let saved = app
        .put_as(
            "/api/v1/mail-settings",
            admin,
            json!({"host": "127.0.0.1", "port": port, "encryption": "none", "sender_address": "portfolio@demo.example", "sender_name": "學習歷程"}),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text());
}

/// The demo school's mail server at `port` and the teachers' daily reminder from hour 0 (so it
/// is due at once); returns the admin's token.
pub(crate) async fn daily_mail_from_hour_0(app: &TestApp, port: u16) -> String {
    let admin = app.demo_token("admin").await;
    mail_server(app, &admin, port).await;
    let mut params = app.get_as("/api/v1/settings/parameters", &admin).await.json()["values"].clone();
    params["teacher_reminder_hour"] = json!(0);
    let put = app.put_as("/api/v1/settings/parameters", &admin, params).await;
    assert_eq!(put.status, 200, "{}", put.text());
    admin
}

/// A second server instance on the same database (its own connection pool), sharing the clock.
fn second_instance(app: &TestApp) -> AppState {
    let db = licheng::db::Db::connect(&app.state.config.database_url(), 4).expect("second pool");
    AppState {
        config: app.state.config.clone(),
        db,
        clock: app.state.clock.clone(),
        secrets: app.state.secrets.clone(),
        principals: std::sync::Arc::new(licheng::identity::cache::PrincipalCache::new(app.state.config.principal_cache_seconds)),
    }
}

fn outbox(app: &TestApp) -> Vec<(String, String, String)> {
    let mut rows: Vec<(String, String, String)> = app.write(|c| {
        Ok(mo::table.inner_join(users::table.on(users::id.eq(mo::user_id))).select((users::account, mo::reason, mo::status)).load(c)?)
    });
    rows.sort();
    rows
}

#[actix_web::test]
async fn reminders_arrive_once_per_day_and_reason_even_from_two_instances() {
    let smtp = SmtpServer::start();
    let app = TestApp::with_config(local_mail);
    let school = app.demo();
    daily_mail_from_hour_0(&app, smtp.port).await;
    // 114001: one result waiting for T001, one still being edited. 114002: a certified result
    // not selected. 114003: a performance not selected. 115001 (grade 1): nothing to do.
    let student = app.demo_token(S).await;
    result(&app, &student, "國語文", "待認證", true).await;
    result(&app, &student, "數學", "還在寫", false).await;
    let s2 = app.write(|c| Ok(users::table.filter(users::account.eq("999999_114002")).select(users::id).first::<i64>(c)?));
    let chinese = course_id(&app, &student, "國語文").await;
    let now = app.state.clock.now();
    app.write(|c| {
        diesel::insert_into(lr::table)
            .values((
                lr::school_id.eq(school),
                lr::student_id.eq(s2),
                lr::course_id.eq(chinese),
                lr::academic_year.eq(115),
                lr::semester.eq(1),
                lr::description.eq("已認證"),
                lr::state.eq("certified"),
                lr::created_at.eq(now),
                lr::updated_at.eq(now),
            ))
            .execute(c)?;
        Ok(())
    });
    let s3 = app.demo_token("999999_114003").await;
    let perf = app
        .upload(
            Method::POST,
            "/api/v1/performances",
            &s3,
            &[("category", "works"), ("title", "個人作品集"), ("start_date", "2026-10-01"), ("description", "攝影")],
            &[("document", "w.pdf", &bytes::pdf(1000))],
        )
        .await;
    assert_eq!(perf.status, 201, "{}", perf.text());
    for (account, email) in [("999999_114001", "s1@demo.example"), ("999999_114002", "s2@demo.example"), ("999999_114003", "s3@demo.example"), ("999999_115001", "s4@demo.example")] {
        set_email(&app, account, email);
    }

    // Today the teacher's daily mail is due; the students' deadlines are 60 days away.
    let first = reminders::run_once(&app.state, None).await.expect("run");
    assert_eq!((first.planned, first.sent, first.failed), (1, 1, 0));
    let mails = smtp.wait_for(1).await;
    assert_eq!(rcpt(&mails[0]), "t001@demo.licheng.example");
    let text = mails[0].text();
    assert!(text.contains("國語文（201）：1 件"), "{text}");
    assert!(text.contains("/teacher/certification"), "{text}");

    // Two days before the deadlines: two instances run at the same moment.
    app.state.clock.advance(58 * 24 * 3600);
    let other = second_instance(&app);
    let (x, y) = futures_util::join!(reminders::run_once(&app.state, None), reminders::run_once(&other, None));
    let (x, y) = (x.expect("first instance"), y.expect("second instance"));
    assert_eq!(x.sent + y.sent, 4, "{x:?} {y:?}");
    let mails = smtp.wait_for(5).await;
    assert_eq!(mails.len(), 5);
    let mut day2: Vec<String> = mails[1..].iter().map(rcpt).collect();
    day2.sort();
    assert_eq!(day2, ["s1@demo.example", "s2@demo.example", "s3@demo.example", "t001@demo.licheng.example"]);
    let to_s1 = mails.iter().find(|m| rcpt(m) == "s1@demo.example").unwrap().text();
    assert!(to_s1.contains("1 件課程學習成果仍在「編輯中」"), "{to_s1}");
    assert!(mails.iter().find(|m| rcpt(m) == "s3@demo.example").unwrap().text().contains("多元表現"));

    // Again the same day, from either instance: nothing new.
    let again = reminders::run_once(&other, None).await.expect("run");
    assert_eq!((again.planned, again.sent), (0, 0));
    assert_eq!(reminders::run_once(&app.state, None).await.expect("run").sent, 0);
    actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(smtp.mails().len(), 5);
    let rows = outbox(&app);
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|(_, _, status)| status == "sent"));
    let reasons: Vec<&str> = rows.iter().map(|(_, r, _)| r.as_str()).collect();
    assert_eq!(reasons.iter().filter(|r| **r == "teacher_uncertified").count(), 2);
    assert!(reasons.contains(&"submit_results") && reasons.contains(&"select_results") && reasons.contains(&"select_performances"));
}

#[actix_web::test]
async fn a_mail_server_that_is_down_is_retried_and_the_admin_sees_the_failure() {
    let app = TestApp::with_config(local_mail);
    app.demo();
    let admin = app.demo_token("admin").await;
    let dead = crate::support::blackbox::free_port();
    mail_server(&app, &admin, dead).await;
    let mut params = app.get_as("/api/v1/settings/parameters", &admin).await.json()["values"].clone();
    params["teacher_reminder_hour"] = json!(0);
    assert_eq!(app.put_as("/api/v1/settings/parameters", &admin, params).await.status, 200);
    let student = app.demo_token(S).await;
    result(&app, &student, "國語文", "待認證", true).await;

    let run = app.post_as("/api/v1/reminders/run", &admin, json!({})).await;
    assert_eq!(run.status, 200, "{}", run.text());
    assert_eq!((run.json()["planned"].as_i64(), run.json()["failed"].as_i64()), (Some(1), Some(1)));
    let log = app.get_as("/api/v1/reminders/log?status=failed", &admin).await;
    assert_eq!(log.status, 200, "{}", log.text());
    let log = log.json();
    assert_eq!(log["failed"], 1);
    assert_eq!(log["items"][0]["reason"], "teacher_uncertified");
    assert_eq!(log["items"][0]["account"], "999999_T001");
    assert_eq!(log["items"][0]["attempts"], 1);
    assert!(log["items"][0]["last_error"].as_str().is_some_and(|e| !e.is_empty()));
    assert!(log["items"][0]["next_attempt_at"].is_string());
    // Not retried before its time.
    assert_eq!(app.post_as("/api/v1/reminders/run", &admin, json!({})).await.json()["failed"], 0);

    // The admin fixes the mail server; the retry goes out once its time comes.
    let smtp = SmtpServer::start();
    mail_server(&app, &admin, smtp.port).await;
    app.state.clock.advance(120);
    let admin = app.demo_token("admin").await;
    let run = app.post_as("/api/v1/reminders/run", &admin, json!({})).await.json();
    assert_eq!((run["planned"].as_i64(), run["sent"].as_i64()), (Some(0), Some(1)));
    assert_eq!(smtp.wait_for(1).await.len(), 1);
    let log = app.get_as("/api/v1/reminders/log", &admin).await.json();
    assert_eq!(log["failed"], 0);
    assert_eq!(log["items"][0]["status"], "sent");
    assert_eq!(log["items"][0]["attempts"], 2);
    assert!(log["items"][0]["last_error"].is_null());

    // Only the admin reads the log or runs reminders; a school without a mail server cannot run.
    let t001 = app.demo_token("999999_T001").await;
    app.get_as("/api/v1/reminders/log", &t001).await.assert_problem(403, "role_required");
    app.post_as("/api/v1/reminders/run", &t001, json!({})).await.assert_problem(403, "role_required");
    app.get("/api/v1/reminders/log").await.assert_problem(401, "unauthenticated");
    let other = app.school("074313");
    let other_admin = app.token(&other, "admin").await;
    app.post_as("/api/v1/reminders/run", &other_admin, json!({})).await.assert_problem(409, "mail_not_configured");
    assert_eq!(app.get_as("/api/v1/reminders/log", &other_admin).await.json()["total"], 0);
}

#[actix_web::test]
async fn the_scheduler_in_the_server_sends_on_its_own() {
    let smtp = SmtpServer::start();
    let app = TestApp::with_config(|c| {
        c.reminder_interval_seconds = 1;
        local_mail(c);
    });
    app.demo();
    daily_mail_from_hour_0(&app, smtp.port).await;
    let student = app.demo_token(S).await;
    result(&app, &student, "國語文", "待認證", true).await;
    reminders::spawn(app.state.clone());
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails.len(), 1, "the scheduler sent the daily mail");
    actix_web::rt::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(smtp.mails().len(), 1, "and only once that day");
}

/// Puts a due reminder for `user` of `school` straight into the outbox.
fn queue_mail(app: &TestApp, school: i64, user: i64, to: &str) {
    let now = app.state.clock.now();
    app.write(|c| {
        diesel::insert_into(mo::table)
            .values((
                mo::school_id.eq(school),
                mo::user_id.eq(user),
                mo::reason.eq("teacher_uncertified"),
                mo::day.eq(now.date()),
                mo::recipient.eq(to),
                mo::subject.eq("提醒"),
                mo::body.eq("請完成認證"),
                mo::status.eq("pending"),
                mo::attempts.eq(0),
                mo::next_attempt_at.eq(now),
                mo::created_at.eq(now),
            ))
            .execute(c)?;
        Ok(())
    });
}

#[actix_web::test]
async fn a_silent_mail_server_does_not_delay_other_schools_mail() {
    let smtp = SmtpServer::start();
    let silent = silent_server();
    let app = TestApp::with_config(|c| {
        local_mail(c);
        c.mail_timeout_seconds = 3;
        c.mail_school_budget_seconds = 1;
    });
    let slow = app.school("074313");
    let fine = app.school("074314");
    let slow_teachers: Vec<i64> = ["t1", "t2", "t3"].iter().map(|t| app.teacher(&slow, t)).collect();
    let fine_teacher = app.teacher(&fine, "t1");
    mail_server(&app, &app.token(&slow, "admin").await, silent).await;
    mail_server(&app, &app.token(&fine, "admin").await, smtp.port).await;
    // The silent school's mails are older, so a pass that sends in order meets them first.
    for t in slow_teachers {
        queue_mail(&app, slow.id, t, "teacher@slow.example");
    }
    queue_mail(&app, fine.id, fine_teacher, "t1@fine.example");

    let state = app.state.clone();
    let started = std::time::Instant::now();
    let pass = actix_web::rt::spawn(async move { reminders::run_once(&state, None).await });
    let mails = smtp.wait_for(1).await;
    let waited = started.elapsed();
    assert_eq!(mails.len(), 1);
    assert!(waited < std::time::Duration::from_millis(2500), "the other school's mail waited {waited:?} for the silent server");
    let report = pass.await.expect("the pass ran").expect("the pass succeeded");
    assert_eq!((report.sent, report.failed), (1, 1), "the silent school's budget ends its pass after one timed-out mail");
    assert!(started.elapsed() < std::time::Duration::from_secs(8), "bounded time per school: {:?}", started.elapsed());
    let waiting: i64 = app.write(|c| Ok(mo::table.filter(mo::school_id.eq(slow.id)).filter(mo::status.eq("pending")).count().get_result(c)?));
    assert_eq!(waiting, 2, "the rest waits for the next pass");
}

/// `probe` every 50 ms for up to 10 s, until it finds something.
async fn poll<T>(mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    for _ in 0..200 {
        if let Some(found) = probe() {
            return Some(found);
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    None
}

/// A mail is claimed with a lease from the moment of its claim: a pass that spent its time on a
/// slow server (here the clock moves past the lease while the first mail waits) does not claim the
/// next one with a lease already over, which another instance would take and send again.
#[actix_web::test]
async fn a_late_claim_in_a_long_pass_holds_a_full_lease() {
    let silent = silent_server();
    let app = TestApp::with_config(|c| {
        local_mail(c);
        c.mail_timeout_seconds = 2;
        c.mail_school_budget_seconds = 60;
    });
    let school = app.school("074313");
    let teachers: Vec<i64> = ["t1", "t2"].iter().map(|t| app.teacher(&school, t)).collect();
    mail_server(&app, &app.token(&school, "admin").await, silent).await;
    for t in &teachers {
        queue_mail(&app, school.id, *t, "teacher@slow.example");
    }
    let state = app.state.clone();
    let pass = actix_web::rt::spawn(async move { reminders::run_once(&state, None).await });
    // Wait for the first mail to be claimed, then move the clock past its lease.
    let sending = || -> Vec<(i64, Option<chrono::NaiveDateTime>)> {
        app.write(|c| Ok(mo::table.filter(mo::status.eq("sending")).select((mo::id, mo::claimed_until)).order(mo::id.asc()).load(c)?))
    };
    let first = poll(|| sending().first().map(|r| r.0)).await.expect("the first mail is claimed");
    app.state.clock.advance(400);
    // The first mail times out; the pass goes on to the second.
    let (_, until) = poll(|| sending().into_iter().find(|r| r.0 != first)).await.expect("the second mail is claimed in the same pass");
    let now = app.state.clock.now();
    let until = until.expect("a claimed mail has a lease");
    assert!(until > now, "the second mail was claimed with a lease ending {until}, before now ({now})");
    let report = pass.await.expect("the pass ran").expect("the pass succeeded");
    assert_eq!((report.sent, report.failed), (0, 2));
}

/// A mail's claim carries a token, as a job's does: when an instance's lease runs out and another
/// instance claims the mail again, only the holder of the claim records how the sending ended (one
/// attempt, not two).
#[actix_web::test]
async fn only_the_instance_holding_a_mail_records_its_outcome() {
    let silent = silent_server();
    let app = TestApp::with_config(|c| {
        local_mail(c);
        c.mail_timeout_seconds = 3;
    });
    let school = app.school("074313");
    let teacher = app.teacher(&school, "t1");
    mail_server(&app, &app.token(&school, "admin").await, silent).await;
    queue_mail(&app, school.id, teacher, "teacher@slow.example");
    let state = app.state.clone();
    let first = actix_web::rt::spawn(async move { reminders::run_once(&state, None).await });
    let sending = || -> i64 { app.write(|c| Ok(mo::table.filter(mo::status.eq("sending")).count().get_result(c)?)) };
    poll(|| (sending() == 1).then_some(())).await.expect("the first instance claimed the mail");
    // Its lease runs out while the server stays silent; another instance claims the mail again.
    app.state.clock.advance(400);
    let other = second_instance(&app);
    let second = actix_web::rt::spawn(async move { reminders::run_once(&other, None).await });
    let (a, b) = (first.await.expect("ran").expect("first pass"), second.await.expect("ran").expect("second pass"));
    assert_eq!((a.failed, b.failed), (1, 1), "both tried");
    let (status, attempts): (String, i32) = app.write(|c| Ok(mo::table.select((mo::status, mo::attempts)).first(c)?));
    assert_eq!((status.as_str(), attempts), ("failed", 1), "only the holder's outcome is recorded");
}

/// The authenticated reads of issue #25 reuse their prepared statements: a student's own results,
/// a teacher's certification queue, the admin's student list and `GET /me`, asked again and
/// again, run no statement that has to be prepared anew (no variable-length `IN (…)` list, no raw
/// SQL, no check on checkout) — and still show the files, the selection and who decided.
#[actix_web::test]
async fn the_reads_reuse_their_prepared_statements() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let a = result(&app, &student, "國語文", "閱讀心得", true).await;
    let b = result(&app, &student, "國語文", "作文", true).await;
    let t001 = app.demo_token("999999_T001").await;
    assert_eq!(decide(&app, &t001, a, json!({"decision": "certify"})).await.status, 200);
    let admin = app.demo_token("admin").await;
    let statements = app.state.db.statements();
    statements.count(true);
    let reads = [
        ("/api/v1/learning-results", &student),
        ("/api/v1/certification/results?state=submitted", &t001),
        ("/api/v1/certification/results", &t001),
        ("/api/v1/students?per_page=2", &admin),
        ("/api/v1/me", &student),
    ];
    for _ in 0..3 {
        for (path, token) in reads {
            let r = app.get_as(path, token).await;
            assert_eq!(r.status, 200, "{path}: {}", r.text());
        }
    }
    statements.count(false);
    assert_eq!(statements.uncached(), 0, "statements prepared anew: {:#?}", statements.uncached_sql());
    // Nor are the cached ones planned again on SQLite (every `LIMIT ?` was, before the query
    // planner stability guarantee).
    assert_eq!(statements.reprepared(), 0);

    // The joined columns are those of the result.
    let own = app.get_as("/api/v1/learning-results", &student).await.json();
    let item = |id: i64| own["items"].as_array().unwrap().iter().find(|r| r["id"] == id).cloned().unwrap();
    assert_eq!((item(a)["state"].clone(), item(a)["decided_by"].clone(), item(a)["selected"].clone()), (json!("certified"), json!("王大明"), json!(false)));
    assert_eq!(item(b)["document"]["sha256"], bytes::sha256(&bytes::pdf(2000)));
    assert!(item(b)["video"].is_null() && item(b)["decided_by"].is_null());
    let queue = app.get_as("/api/v1/certification/results?state=submitted", &t001).await.json();
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["items"][0]["id"], b);
    assert_eq!(queue["items"][0]["document"]["name"], "a.pdf");
}

/// Without SQLite's query planner stability guarantee, a statement with a `LIMIT ?` (a page,
/// `.first()`) is prepared again every time a value is bound: the counter of the test above sees it.
#[actix_web::test]
async fn without_the_plan_guarantee_sqlite_prepares_again() {
    if crate::support::backend() != "sqlite" {
        return;
    }
    let app = TestApp::with_config(|c| {
        let url = c.database_url();
        licheng::db::without_sqlite_plan_guarantee(std::path::Path::new(url.trim_start_matches("sqlite://")));
    });
    app.demo();
    let student = app.demo_token(S).await;
    let statements = app.state.db.statements();
    statements.count(true);
    for _ in 0..3 {
        assert_eq!(app.get_as("/api/v1/me", &student).await.status, 200);
    }
    statements.count(false);
    assert!(statements.reprepared() >= 3, "{}", statements.reprepared());
}
