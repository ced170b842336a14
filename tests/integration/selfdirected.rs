//! Self-directed learning (issue #22; manual 5.1, 5.2): certifier groups, the certification
//! order, students' plans and results passing the stages with a return and a resubmission, a
//! plan keeping the order it started with, certifiers of other stages and schools refused, and a
//! certified result selected as the 彈性學習時間紀錄 performance within the yearly limit.
//!
//! The demo school supplies the people: student 115001 (class 101, homeroom T001) and 115002
//! (101), 114001 (201, homeroom T002). The fixture adds the subject group 彈性學習 (T002), the
//! custom groups 自主學習計畫審核 (T003) and 圖書館審核 (T004), and the order
//! 導師 → 學科教師 → 自主學習計畫審核.

use actix_web::http::Method;
use calamine::{Data, Reader, Xlsx};
use chrono::Duration;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::support::{bytes, TestApp};
use licheng::schema::{notifications as n, performances as pf, sdl_plans as pl, selections as sel, users, work_periods as wp};

const S1: &str = "999999_115001";
const S2: &str = "999999_115002";

struct Fx {
    app: TestApp,
    admin: String,
    subject: i64,
    review_group: i64,
    library_group: i64,
}

fn user_id(app: &TestApp, account: &str) -> i64 {
    let account = account.to_string();
    app.write(move |c| Ok(users::table.filter(users::account.eq(account)).select(users::id).first(c)?))
}

async fn group(app: &TestApp, admin: &str, kind: &str, name: &str, members: &[&str]) -> i64 {
    let r = app.post_as("/api/v1/self-directed/groups", admin, json!({"kind": kind, "name": name})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let ids: Vec<i64> = members.iter().map(|m| user_id(app, m)).collect();
    let r = app.put_as(&format!("/api/v1/self-directed/groups/{id}/members"), admin, json!({"user_ids": ids})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    id
}

async fn fixture() -> Fx {
    fixture_with(|_| {}).await
}

async fn fixture_with(adjust: impl FnOnce(&mut licheng::config::Config)) -> Fx {
    let app = TestApp::with_config(adjust);
    app.demo();
    let admin = app.demo_token("admin").await;
    let subject = group(&app, &admin, "subject", "彈性學習", &["999999_T002"]).await;
    let review_group = group(&app, &admin, "custom", "自主學習計畫審核", &["999999_T003"]).await;
    let library_group = group(&app, &admin, "custom", "圖書館審核", &["999999_T004"]).await;
    // Manual 5.2: 「可以自行設定自主學習計畫需認證階段例如:導師-學科教師」.
    for stage in [json!({"identity": "homeroom"}), json!({"identity": "subject"}), json!({"identity": "custom", "group_id": review_group})] {
        let r = app.post_as("/api/v1/self-directed/stages", &admin, stage).await;
        assert_eq!(r.status, 201, "{}", r.text());
    }
    Fx { app, admin, subject, review_group, library_group }
}

fn plan_body(fx: &Fx, theme: &str) -> Value {
    let today = fx.app.state.clock.now().date();
    json!({
        "theme": theme,
        "subject_group_id": fx.subject,
        "goals": "認識校園植物並建立圖鑑",
        "content": "每週觀察並拍照記錄，查閱圖書館資料",
        "schedule": [{"week": 1, "activity": "選定觀察區域"}, {"week": 2, "activity": "拍照與記錄"}],
        "expected": "一份校園植物圖鑑",
        "resources": "相機、圖書館",
        "start_date": today.to_string(),
        "end_date": (today + Duration::days(14)).to_string(),
    })
}

async fn new_plan(fx: &Fx, token: &str, theme: &str) -> i64 {
    let r = fx.app.post_as("/api/v1/me/self-directed/plans", token, plan_body(fx, theme)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["id"].as_i64().unwrap()
}

async fn submit(fx: &Fx, token: &str, id: i64) -> Value {
    let r = fx.app.post_as(&format!("/api/v1/me/self-directed/plans/{id}/submit"), token, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

async fn decide(fx: &Fx, token: &str, id: i64, phase: &str, stage: i32, verdict: &str, reason: Option<&str>) -> crate::support::Reply {
    fx.app.post_as(&format!("/api/v1/self-directed/plans/{id}/decisions"), token, json!({"phase": phase, "stage": stage, "verdict": verdict, "reason": reason})).await
}

async fn approve(fx: &Fx, token: &str, id: i64, phase: &str, stage: i32) -> Value {
    let r = decide(fx, token, id, phase, stage, "approve", None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

async fn queue_ids(fx: &Fx, token: &str, state: &str) -> Vec<i64> {
    let r = fx.app.get_as(&format!("/api/v1/self-directed/queue?state={state}"), token).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.json();
    let ids: Vec<i64> = page["items"].as_array().unwrap().iter().map(|e| e["plan"]["id"].as_i64().unwrap()).collect();
    assert_eq!(page["total"].as_i64(), Some(ids.len() as i64), "{page}");
    ids
}

fn notifications(app: &TestApp, student: i64) -> Vec<String> {
    app.write(move |c| Ok(n::table.filter(n::user_id.eq(student)).order(n::id.asc()).select(n::kind).load(c)?))
}

#[actix_web::test]
async fn a_plan_and_its_results_pass_three_stages_with_a_return_and_a_resubmission() {
    let fx = fixture().await;
    let app = &fx.app;
    let student = app.demo_token(S1).await;
    let (t1, t2, t3) = (app.demo_token("999999_T001").await, app.demo_token("999999_T002").await, app.demo_token("999999_T003").await);
    let id = new_plan(&fx, &student, "校園植物觀察").await;
    // A draft waits for nobody.
    assert!(queue_ids(&fx, &t1, "waiting").await.is_empty());
    let sent = submit(&fx, &student, id).await;
    assert_eq!(sent["plan_state"], "in_review");
    assert_eq!(sent["plan_stage"], 1);
    // Stage 1 is the homeroom teacher's: T001 sees it, the subject group's T002 neither sees it waiting nor acts.
    assert_eq!(queue_ids(&fx, &t1, "waiting").await, vec![id]);
    assert!(queue_ids(&fx, &t2, "waiting").await.is_empty());
    decide(&fx, &t2, id, "plan", 1, "approve", None).await.assert_problem(403, "not_certifier");
    // A submitted plan is locked.
    app.put_as(&format!("/api/v1/me/self-directed/plans/{id}"), &student, plan_body(&fx, "改")).await.assert_problem(409, "invalid_state");
    let d = approve(&fx, &t1, id, "plan", 1).await;
    assert_eq!(d["plan"]["plan_stage"], 2);
    // A stale decision (the plan moved on) is refused.
    decide(&fx, &t1, id, "plan", 1, "approve", None).await.assert_problem(409, "invalid_state");
    // The subject stage returns it; a return needs a reason.
    decide(&fx, &t2, id, "plan", 2, "return", Some("  ")).await.assert_problem(422, "validation_failed");
    let d = decide(&fx, &t2, id, "plan", 2, "return", Some("請寫清楚每週的觀察方式")).await;
    assert_eq!(d.status, 200, "{}", d.text());
    assert_eq!(d.json()["plan"]["plan_state"], "returned");
    assert_eq!(d.json()["plan"]["return_reason"], "請寫清楚每週的觀察方式");
    // Submissions and decisions are sealed into the history chain (issue #26).
    let sealed = crate::history::sealed_events(&app, "self_directed_event");
    assert!(sealed.iter().any(|d| d.contains("請寫清楚每週的觀察方式") && d.contains(&format!("\"plan\":{id}"))), "{sealed:?}");
    // The student edits and sends it again: it starts over at the first stage.
    let edited = app.put_as(&format!("/api/v1/me/self-directed/plans/{id}"), &student, plan_body(&fx, "校園植物觀察（修訂）")).await;
    assert_eq!(edited.status, 200, "{}", edited.text());
    assert_eq!(edited.json()["plan_state"], "draft");
    assert_eq!(submit(&fx, &student, id).await["plan_stage"], 1);
    approve(&fx, &t1, id, "plan", 1).await;
    approve(&fx, &t2, id, "plan", 2).await;
    let d = approve(&fx, &t3, id, "plan", 3).await;
    assert_eq!(d["plan"]["plan_state"], "approved");
    // Every decision is kept with who and the stage, and co-members and the student see them.
    let history: Vec<(String, String, Option<String>)> = d["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap().to_string(), e["actor_account"].as_str().unwrap().to_string(), e["stage_label"].as_str().map(str::to_string)))
        .collect();
    let expected: Vec<(&str, &str, Option<&str>)> = vec![
        ("submitted", S1, Some("導師")),
        ("approved", "999999_T001", Some("導師")),
        ("returned", "999999_T002", Some("學科教師")),
        ("submitted", S1, Some("導師")),
        ("approved", "999999_T001", Some("導師")),
        ("approved", "999999_T002", Some("學科教師")),
        ("approved", "999999_T003", Some("自主學習計畫審核")),
    ];
    let expected: Vec<(String, String, Option<String>)> = expected.into_iter().map(|(a, b, c)| (a.into(), b.into(), c.map(str::to_string))).collect();
    assert_eq!(history, expected);
    assert_eq!(queue_ids(&fx, &t2, "decided").await, vec![id]);
    // A co-member of the subject group (T005, added now) sees what T002 decided there.
    let (t2_id, t5_id) = (user_id(app, "999999_T002"), user_id(app, "999999_T005"));
    let r = app.put_as(&format!("/api/v1/self-directed/groups/{}/members", fx.subject), &fx.admin, json!({"user_ids": [t2_id, t5_id]})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let t5 = app.demo_token("999999_T005").await;
    assert_eq!(queue_ids(&fx, &t5, "decided").await, vec![id]);
    let co = app.get_as(&format!("/api/v1/self-directed/plans/{id}"), &t5).await.json();
    assert!(co["history"].as_array().unwrap().iter().any(|e| e["action"] == "returned" && e["actor_account"] == "999999_T002"));
    let seen = app.get_as(&format!("/api/v1/self-directed/plans/{id}"), &student).await;
    assert_eq!(seen.status, 200);
    assert_eq!(seen.json()["history"].as_array().unwrap().len(), 7);
    // The student is told at every step (two approvals, a return, three approvals).
    let s1 = user_id(app, S1);
    assert_eq!(
        notifications(app, s1),
        ["self_directed_plan_approved", "self_directed_plan_returned", "self_directed_plan_approved", "self_directed_plan_approved", "self_directed_plan_certified"]
    );

    // Progress, then results: a document, a reflection, hours.
    let p = app.post_as(&format!("/api/v1/me/self-directed/plans/{id}/progress"), &student, json!({"note": "第一週：選定中庭"})).await;
    assert_eq!(p.status, 201, "{}", p.text());
    let path = format!("/api/v1/me/self-directed/plans/{id}/result");
    // Nothing to submit yet: no file.
    let saved = app.upload(Method::PUT, &path, &student, &[("reflection", "學會了觀察"), ("hours", "18")], &[]).await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    app.post_as(&format!("{path}/submit"), &student, json!({})).await.assert_problem(422, "validation_failed");
    app.upload(Method::PUT, &path, &student, &[("hours", "0.3")], &[]).await.assert_problem(422, "validation_failed");
    let pdf = bytes::pdf(50_000);
    let saved = app.upload(Method::PUT, &path, &student, &[], &[("document", "圖鑑.pdf", &pdf)]).await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(saved.json()["result_state"], "draft");
    assert_eq!(saved.json()["reflection"], "學會了觀察");
    let sent = app.post_as(&format!("{path}/submit"), &student, json!({})).await;
    assert_eq!(sent.status, 200, "{}", sent.text());
    assert_eq!(sent.json()["result_stage"], 1);
    // The certifiers open the file.
    let file = app.get_as(&format!("/api/v1/self-directed/plans/{id}/files/document"), &t3).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.body, pdf);
    approve(&fx, &t1, id, "result", 1).await;
    approve(&fx, &t2, id, "result", 2).await;
    let d = approve(&fx, &t3, id, "result", 3).await;
    assert_eq!(d["plan"]["result_state"], "certified");
    assert_eq!(notifications(app, s1).last().map(String::as_str), Some("self_directed_result_certified"));
    // Certified results do not change.
    app.upload(Method::PUT, &path, &student, &[("reflection", "改")], &[]).await.assert_problem(409, "invalid_state");
    // The file sweep keeps a plan's files (it failed on their foreign key and swept nothing).
    let store = licheng::storage::FileStore::new(&app.state.config.data_dir);
    let later = app.state.clock.now() + chrono::Duration::days(2);
    licheng::uploads::files::sweep(&app.state.db, &store, later, licheng::uploads::files::GRACE_SECONDS).expect("the sweep runs");
    let file = app.get_as(&format!("/api/v1/self-directed/plans/{id}/files/document"), &t3).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.body, pdf);
}

/// Adds `n` performances of the year to the student's, selected for submission when `select`.
fn add_performances(app: &TestApp, student: i64, n: usize, select: bool) {
    let now = app.state.clock.now();
    let school = app.write(move |c| Ok(users::table.find(student).select(users::school_id).first::<Option<i64>>(c)?)).unwrap();
    let year = licheng::terms::Term::for_date(now.date()).academic_year;
    app.write(move |c| {
        for i in 0..n {
            let p: i64 = diesel::insert_into(pf::table)
                .values((
                    pf::school_id.eq(school),
                    pf::student_id.eq(student),
                    pf::academic_year.eq(year),
                    pf::category.eq("other"),
                    pf::title.eq(format!("其他 {i}")),
                    pf::start_date.eq(now.date()),
                    pf::description.eq(""),
                    pf::created_at.eq(now),
                    pf::updated_at.eq(now),
                ))
                .returning(pf::id)
                .get_result(c)?;
            if !select {
                continue;
            }
            diesel::insert_into(sel::table)
                .values((sel::school_id.eq(school), sel::student_id.eq(student), sel::academic_year.eq(year), sel::item_kind.eq("performance"), sel::item_id.eq(p), sel::selected_at.eq(now)))
                .execute(c)?;
        }
        Ok(())
    });
}

/// Takes a plan of `account` through plan and results with one approver per stage.
async fn certified_plan(fx: &Fx, account: &str) -> i64 {
    let app = &fx.app;
    let student = app.demo_token(account).await;
    let id = new_plan(fx, &student, "自主閱讀計畫").await;
    submit(fx, &student, id).await;
    let tokens = [app.demo_token("999999_T001").await, app.demo_token("999999_T002").await, app.demo_token("999999_T003").await];
    for (i, t) in tokens.iter().enumerate() {
        approve(fx, t, id, "plan", i as i32 + 1).await;
    }
    let path = format!("/api/v1/me/self-directed/plans/{id}/result");
    let saved = app.upload(Method::PUT, &path, &student, &[("reflection", "讀完五本書"), ("hours", "18")], &[("document", "心得.pdf", &bytes::pdf(20_000))]).await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(app.post_as(&format!("{path}/submit"), &student, json!({})).await.status, 200);
    for (i, t) in tokens.iter().enumerate() {
        approve(fx, t, id, "result", i as i32 + 1).await;
    }
    id
}

#[actix_web::test]
async fn a_certified_result_becomes_the_flexible_learning_performance_within_the_yearly_limit() {
    let fx = fixture().await;
    let app = &fx.app;
    let student = app.demo_token(S1).await;
    let s1 = user_id(app, S1);
    // Before certification it cannot be selected.
    let draft = new_plan(&fx, &app.demo_token(S2).await, "未完成").await;
    app.post_as(&format!("/api/v1/me/self-directed/plans/{draft}/performance"), &app.demo_token(S2).await, json!({})).await.assert_problem(409, "invalid_state");
    let id = certified_plan(&fx, S1).await;
    // FAQ 000 四 Q2 (DESIGN.md): at most 10 performances a year; the tenth place is taken.
    add_performances(app, s1, 10, true);
    let url = format!("/api/v1/me/self-directed/plans/{id}/performance");
    app.post_as(&url, &student, json!({})).await.assert_problem(409, "limit_reached");
    let made: Option<i64> = app.write(move |c| Ok(pl::table.find(id).select(pl::performance_id).first(c)?));
    assert_eq!(made, None, "nothing is kept when the limit refuses");
    // Free a place: it becomes a selected 彈性學習時間紀錄 (FAQ 004: 「彈性學習時間紀錄 … 例如：自主學習」).
    app.write(move |c| {
        let one: i64 = sel::table.filter(sel::student_id.eq(s1)).select(sel::id).first(c)?;
        Ok(diesel::delete(sel::table.find(one)).execute(c)?)
    });
    let r = app.post_as(&url, &student, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let perf = r.json()["performance_id"].as_i64().unwrap();
    let row: (String, Option<String>, String, Option<f64>, Option<i64>) =
        app.write(move |c| Ok(pf::table.find(perf).select((pf::category, pf::kind, pf::title, pf::hours, pf::document_file_id)).first(c)?));
    assert_eq!((row.0.as_str(), row.1.as_deref(), row.2.as_str(), row.3), ("flexible_learning", Some("自主學習"), "自主閱讀計畫", Some(18.0)));
    assert!(row.4.is_some());
    let mine = app.get_as("/api/v1/me/selections", &student).await.json();
    assert!(mine["performances"]["selected"].as_array().unwrap().iter().any(|v| v.as_i64() == Some(perf)));
    let listed = app.get_as("/api/v1/performances", &student).await;
    assert!(listed.text().contains("自主閱讀計畫"), "{}", listed.text());
    // Asking again selects the same performance; no second one.
    assert_eq!(app.post_as(&url, &student, json!({})).await.json()["performance_id"].as_i64(), Some(perf));
}

#[actix_web::test]
async fn changing_the_order_does_not_disturb_plans_in_progress() {
    let fx = fixture().await;
    let app = &fx.app;
    let s1 = app.demo_token(S1).await;
    let id = new_plan(&fx, &s1, "舊順序").await;
    submit(&fx, &s1, id).await;
    // The admin drops the custom stage, puts the subject stage first and adds the library group.
    let stages = app.get_as("/api/v1/self-directed/stages", &fx.admin).await.json();
    let ids: Vec<i64> = stages.as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect();
    let r = app.delete_as(&format!("/api/v1/self-directed/stages/{}", ids[2]), &fx.admin).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = app.post_as(&format!("/api/v1/self-directed/stages/{}/move", ids[1]), &fx.admin, json!({"direction": "up"})).await;
    let moved = r.json();
    let labels: Vec<&str> = moved.as_array().unwrap().iter().map(|s| s["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["學科教師", "導師"]);
    app.post_as("/api/v1/self-directed/stages", &fx.admin, json!({"identity": "custom", "group_id": fx.library_group})).await;
    // The same identity twice is refused.
    app.post_as("/api/v1/self-directed/stages", &fx.admin, json!({"identity": "homeroom"})).await.assert_problem(409, "conflict");
    app.post_as("/api/v1/self-directed/stages", &fx.admin, json!({"identity": "custom"})).await.assert_problem(422, "validation_failed");
    app.post_as("/api/v1/self-directed/stages", &fx.admin, json!({"identity": "custom", "group_id": fx.subject})).await.assert_problem(422, "validation_failed");
    // The plan in progress keeps 導師 → 學科教師 → 自主學習計畫審核.
    let t1 = app.demo_token("999999_T001").await;
    let d = app.get_as(&format!("/api/v1/self-directed/plans/{id}"), &t1).await.json();
    let kept: Vec<&str> = d["plan_stages"].as_array().unwrap().iter().map(|s| s["label"].as_str().unwrap()).collect();
    assert_eq!(kept, ["導師", "學科教師", "自主學習計畫審核"]);
    approve(&fx, &t1, id, "plan", 1).await;
    approve(&fx, &app.demo_token("999999_T002").await, id, "plan", 2).await;
    // The library group is not one of its stages; the review group still is.
    let t4 = app.demo_token("999999_T004").await;
    decide(&fx, &t4, id, "plan", 3, "approve", None).await.assert_problem(404, "not_found");
    assert_eq!(approve(&fx, &app.demo_token("999999_T003").await, id, "plan", 3).await["plan"]["plan_state"], "approved");
    // A plan submitted now follows the new order: the subject group first.
    let s2 = app.demo_token(S2).await;
    let other = new_plan(&fx, &s2, "新順序").await;
    submit(&fx, &s2, other).await;
    let d = app.get_as(&format!("/api/v1/self-directed/plans/{other}"), &s2).await.json();
    let now: Vec<&str> = d["plan_stages"].as_array().unwrap().iter().map(|s| s["label"].as_str().unwrap()).collect();
    assert_eq!(now, ["學科教師", "導師", "圖書館審核"]);
    assert!(queue_ids(&fx, &t1, "waiting").await.is_empty());
    assert_eq!(queue_ids(&fx, &app.demo_token("999999_T002").await, "waiting").await, vec![other]);
    // A group that a stage or a plan uses is not deleted.
    app.delete_as(&format!("/api/v1/self-directed/groups/{}", fx.review_group), &fx.admin).await.assert_problem(409, "conflict");

    // The report per class and stage: class 101 has one approved plan and one waiting at its first stage (學科教師).
    let report = app.get_as("/api/v1/self-directed/report", &fx.admin).await;
    assert_eq!(report.status, 200, "{}", report.text());
    let rows: Vec<(String, String, String, Option<i64>, Option<String>, i64)> = report.json()["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["class_code"].as_str().unwrap().into(),
                r["phase"].as_str().unwrap().into(),
                r["standing"].as_str().unwrap().into(),
                r["stage"].as_i64(),
                r["stage_label"].as_str().map(str::to_string),
                r["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("101".into(), "plan".into(), "waiting".into(), Some(1), Some("學科教師".into()), 1),
            ("101".into(), "plan".into(), "certified".into(), None, None, 1),
        ]
    );
    let book = app.get_as("/api/v1/self-directed/report.xlsx", &fx.admin).await;
    assert_eq!(book.status, 200);
    let mut xlsx: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(book.body.clone())).unwrap();
    let sheet = xlsx.worksheet_range("自主學習認證統計").unwrap();
    let header: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header, ["班級", "項目", "狀態", "認證階段", "件數"]);
    assert_eq!(sheet.rows().nth(1).unwrap()[3], Data::String("1 學科教師".into()));
    app.get_as("/api/v1/self-directed/report", &s1).await.assert_problem(403, "module_required");
}

#[actix_web::test]
async fn wrong_roles_other_students_and_other_schools_are_refused() {
    let fx = fixture().await;
    let app = &fx.app;
    let s1 = app.demo_token(S1).await;
    let s2 = app.demo_token(S2).await;
    let t1 = app.demo_token("999999_T001").await;
    let id = new_plan(&fx, &s1, "我的計畫").await;
    // Bad input: lengths, dates, links, subjects.
    let mut bad = plan_body(&fx, "");
    app.post_as("/api/v1/me/self-directed/plans", &s2, bad.clone()).await.assert_problem(422, "validation_failed");
    bad["theme"] = json!("主題");
    bad["end_date"] = json!("2000-01-01");
    app.post_as("/api/v1/me/self-directed/plans", &s2, bad.clone()).await.assert_problem(422, "validation_failed");
    let mut linked = plan_body(&fx, "主題");
    linked["goals"] = json!("參考 https://example.com");
    app.post_as("/api/v1/me/self-directed/plans", &s2, linked).await.assert_problem(422, "validation_failed");
    let mut custom_subject = plan_body(&fx, "主題");
    custom_subject["subject_group_id"] = json!(fx.review_group);
    app.post_as("/api/v1/me/self-directed/plans", &s2, custom_subject).await.assert_problem(422, "validation_failed");
    // One plan a semester.
    app.post_as("/api/v1/me/self-directed/plans", &s1, plan_body(&fx, "第二個")).await.assert_problem(409, "conflict");
    // Another student neither sees nor changes it.
    app.get_as(&format!("/api/v1/self-directed/plans/{id}"), &s2).await.assert_problem(404, "not_found");
    app.put_as(&format!("/api/v1/me/self-directed/plans/{id}"), &s2, plan_body(&fx, "搶")).await.assert_problem(404, "not_found");
    app.post_as(&format!("/api/v1/me/self-directed/plans/{id}/submit"), &s2, json!({})).await.assert_problem(404, "not_found");
    for (path, multipart) in [("progress", false), ("result", true), ("result/submit", false), ("performance", false)] {
        let url = format!("/api/v1/me/self-directed/plans/{id}/{path}");
        let (other, teacher) = if multipart {
            (app.upload(Method::PUT, &url, &s2, &[("reflection", "x")], &[]).await, app.upload(Method::PUT, &url, &t1, &[("reflection", "x")], &[]).await)
        } else {
            (app.post_as(&url, &s2, json!({"note": "x"})).await, app.post_as(&url, &t1, json!({"note": "x"})).await)
        };
        other.assert_problem(404, "not_found");
        teacher.assert_problem(403, "role_required");
    }
    app.get_as(&format!("/api/v1/self-directed/plans/{id}/files/document"), &s2).await.assert_problem(404, "not_found");
    app.get_as("/api/v1/self-directed/staff", &s1).await.assert_problem(403, "module_required");
    app.get_as("/api/v1/self-directed/report.xlsx", &t1).await.assert_problem(403, "module_required");
    // Wrong roles: students do not run the admin screens or decide; teachers write no plans.
    app.get_as("/api/v1/self-directed/groups", &s1).await.assert_problem(403, "module_required");
    app.post_as("/api/v1/self-directed/stages", &t1, json!({"identity": "homeroom"})).await.assert_problem(403, "module_required");
    app.get_as("/api/v1/self-directed/queue", &s1).await.assert_problem(403, "role_required");
    app.post_as("/api/v1/me/self-directed/plans", &t1, plan_body(&fx, "老師")).await.assert_problem(403, "role_required");
    submit(&fx, &s1, id).await;
    decide(&fx, &s1, id, "plan", 1, "approve", None).await.assert_problem(403, "role_required");
    // A teacher with no stage of the plan does not see it.
    let t5 = app.demo_token("999999_T005").await;
    app.get_as(&format!("/api/v1/self-directed/plans/{id}"), &t5).await.assert_problem(404, "not_found");
    decide(&fx, &t5, id, "plan", 1, "approve", None).await.assert_problem(404, "not_found");
    // Another school: its admin sees none of these groups and changes none; its teacher reaches no plan.
    let other = app.school("222222");
    app.teacher(&other, "xt");
    let xadmin = app.token(&other, "admin").await;
    let xt = app.token(&other, "xt").await;
    assert_eq!(app.get_as("/api/v1/self-directed/groups", &xadmin).await.json(), json!([]));
    app.put_as(&format!("/api/v1/self-directed/groups/{}/members", fx.subject), &xadmin, json!({"user_ids": []})).await.assert_problem(404, "not_found");
    app.get_as(&format!("/api/v1/self-directed/groups/{}/members", fx.subject), &xadmin).await.assert_problem(404, "not_found");
    app.post_as("/api/v1/self-directed/stages", &xadmin, json!({"identity": "custom", "group_id": fx.review_group})).await.assert_problem(422, "validation_failed");
    app.get_as(&format!("/api/v1/self-directed/plans/{id}"), &xadmin).await.assert_problem(404, "not_found");
    app.put_as(&format!("/api/v1/self-directed/groups/{}", fx.subject), &xadmin, json!({"name": "搶走"})).await.assert_problem(404, "not_found");
    app.delete_as(&format!("/api/v1/self-directed/groups/{}", fx.library_group), &xadmin).await.assert_problem(404, "not_found");
    app.get_as(&format!("/api/v1/self-directed/staff?not_in_group={}", fx.subject), &xadmin).await.assert_problem(404, "not_found");
    let ours = app.get_as("/api/v1/self-directed/stages", &fx.admin).await.json()[0]["id"].as_i64().unwrap();
    app.post_as(&format!("/api/v1/self-directed/stages/{ours}/move"), &xadmin, json!({"direction": "down"})).await.assert_problem(404, "not_found");
    app.delete_as(&format!("/api/v1/self-directed/stages/{ours}"), &xadmin).await.assert_problem(404, "not_found");
    assert_eq!(app.get_as("/api/v1/self-directed/report", &xadmin).await.json()["rows"], json!([]));
    decide(&fx, &xt, id, "plan", 1, "approve", None).await.assert_problem(404, "not_found");
    // Staff of another school are no members.
    let xt_id = user_id(app, "xt");
    app.put_as(&format!("/api/v1/self-directed/groups/{}/members", fx.subject), &fx.admin, json!({"user_ids": [xt_id]})).await.assert_problem(422, "validation_failed");
    assert_eq!(app.get_as("/api/v1/self-directed/stages", &xadmin).await.json(), json!([]));
    // Without an order nothing can be submitted.
    let stages = app.get_as("/api/v1/self-directed/stages", &fx.admin).await.json();
    for s in stages.as_array().unwrap() {
        assert_eq!(app.delete_as(&format!("/api/v1/self-directed/stages/{}", s["id"]), &fx.admin).await.status, 200);
    }
    let other_plan = new_plan(&fx, &s2, "沒有順序").await;
    app.post_as(&format!("/api/v1/me/self-directed/plans/{other_plan}/submit"), &s2, json!({})).await.assert_problem(409, "invalid_state");
}

#[actix_web::test]
async fn plans_and_results_follow_their_work_periods() {
    let fx = fixture().await;
    let app = &fx.app;
    let s1 = app.demo_token(S1).await;
    let id = new_plan(&fx, &s1, "期限").await;
    app.write(|c| Ok(diesel::delete(wp::table.filter(wp::item.eq("self_directed_plans"))).execute(c)?));
    app.post_as(&format!("/api/v1/me/self-directed/plans/{id}/submit"), &s1, json!({})).await.assert_problem(403, "period_closed");
    app.post_as("/api/v1/me/self-directed/plans", &app.demo_token(S2).await, plan_body(&fx, "晚了")).await.assert_problem(403, "period_closed");
    let mine = app.get_as("/api/v1/me/self-directed", &s1).await.json();
    assert!(mine["plan_period"].is_null());
    assert!(mine["result_period"].is_object());
}

/// Two members of one stage deciding at the same moment: exactly one decision is taken; the
/// other is refused with 409 `invalid_state` (it was kept on PostgreSQL too: both wrote).
#[actix_web::test]
async fn two_members_of_a_stage_deciding_at_once_one_wins() {
    use licheng::selfdirected::review::{decide as decide_now, StageDecisionInput};
    use licheng::uploads::access::Caller;
    use std::sync::{Arc, Barrier};
    let fx = fixture().await;
    let app = &fx.app;
    let (t2_id, t5_id) = (user_id(app, "999999_T002"), user_id(app, "999999_T005"));
    let r = app.put_as(&format!("/api/v1/self-directed/groups/{}/members", fx.subject), &fx.admin, json!({"user_ids": [t2_id, t5_id]})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let s1 = app.demo_token(S1).await;
    let id = new_plan(&fx, &s1, "同時決定").await;
    submit(&fx, &s1, id).await;
    approve(&fx, &app.demo_token("999999_T001").await, id, "plan", 1).await;
    let school = app.write(move |c| Ok(users::table.find(t2_id).select(users::school_id).first::<Option<i64>>(c)?)).unwrap();
    let approve_it: StageDecisionInput = serde_json::from_value(json!({"phase": "plan", "stage": 2, "verdict": "approve"})).unwrap();
    let return_it: StageDecisionInput = serde_json::from_value(json!({"phase": "plan", "stage": 2, "verdict": "return", "reason": "再想想"})).unwrap();
    let now = app.state.clock.now();
    let db = app.state.db.clone();
    let barrier = Arc::new(Barrier::new(3));
    let outcomes: Vec<Result<(), licheng::error::ApiError>> = std::thread::scope(|s| {
        // Holds the plan while both read it: a row lock on PostgreSQL (reads pass, updates wait),
        // the write lock on SQLite (the deciders wait whole).
        let holder = s.spawn(|| {
            let hold = |c: &mut licheng::db::DbConn| {
                if db.kind() == licheng::db::BackendKind::Postgres {
                    diesel::sql_query(format!("SELECT id FROM sdl_plans WHERE id = {id} FOR UPDATE")).execute(c)?;
                }
                barrier.wait();
                std::thread::sleep(std::time::Duration::from_millis(800));
                Ok(())
            };
            match db.kind() {
                licheng::db::BackendKind::Postgres => db.get().and_then(|mut c| c.transaction::<(), licheng::error::ApiError, _>(|c| hold(c))),
                _ => db.write_blocking(hold),
            }
        });
        let deciders: Vec<_> = [(t2_id, &approve_it), (t5_id, &return_it)]
            .into_iter()
            .map(|(user, input)| {
                let (db, barrier) = (db.clone(), barrier.clone());
                s.spawn(move || {
                    barrier.wait();
                    db.write_blocking(|c| decide_now(c, Caller { school, user, actor: user, admin: false, student: false }, id, input, now))
                })
            })
            .collect();
        holder.join().expect("holder").expect("held");
        deciders.into_iter().map(|t| t.join().expect("decider")).collect()
    });
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
    let lost = outcomes.into_iter().find_map(Result::err).expect("one refused");
    assert_eq!(lost.code, licheng::error::ErrorCode::InvalidState, "{lost:?}");
    assert_eq!(actix_web::ResponseError::status_code(&lost).as_u16(), 409);
    let d = app.get_as(&format!("/api/v1/self-directed/plans/{id}"), &s1).await.json();
    let at_stage_2 = d["history"].as_array().unwrap().iter().filter(|e| e["position"] == 2).count();
    assert_eq!(at_stage_2, 1, "{d}");
    let state = d["plan"]["plan_state"].as_str().unwrap();
    assert!(state == "returned" || d["plan"]["plan_stage"] == 3, "{d}");
}

/// Every JSON endpoint refuses a wrong role before the body is read: a malformed body from a
/// caller who may not call gets 403, not 400 `invalid_json`.
#[actix_web::test]
async fn a_wrong_role_is_refused_before_the_body_is_read() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S1).await;
    let teacher = app.demo_token("999999_T001").await;
    let (post, put) = (Method::POST, Method::PUT);
    let cases: [(&Method, &str, &str, &str); 9] = [
        (&post, "/api/v1/self-directed/groups", &student, "module_required"),
        (&put, "/api/v1/self-directed/groups/1", &student, "module_required"),
        (&put, "/api/v1/self-directed/groups/1/members", &student, "module_required"),
        (&post, "/api/v1/self-directed/stages", &teacher, "module_required"),
        (&post, "/api/v1/self-directed/stages/1/move", &teacher, "module_required"),
        (&post, "/api/v1/me/self-directed/plans", &teacher, "role_required"),
        (&put, "/api/v1/me/self-directed/plans/1", &teacher, "role_required"),
        (&post, "/api/v1/me/self-directed/plans/1/progress", &teacher, "role_required"),
        (&post, "/api/v1/self-directed/plans/1/decisions", &student, "role_required"),
    ];
    for (method, path, token, code) in cases {
        let req = actix_web::test::TestRequest::default()
            .method(method.clone())
            .uri(path)
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", "application/json"))
            .set_payload("{not json");
        app.send(req).await.assert_problem(403, code);
    }
}

/// 可選教職員 lists the school's active staff only, as the role groups' picker does (a
/// deactivated teacher was offered as a certifier).
#[actix_web::test]
async fn the_member_picker_offers_active_staff_only() {
    let app = TestApp::init();
    app.demo();
    let admin = app.demo_token("admin").await;
    let listed = |v: Value| v["items"].as_array().unwrap().iter().map(|m| m["account"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let r = app.get_as("/api/v1/self-directed/staff?q=T005", &admin).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(listed(r.json()), ["999999_T005"]);
    let t5 = user_id(&app, "999999_T005");
    app.write(move |c| Ok(diesel::update(users::table.find(t5)).set(users::active.eq(false)).execute(c)?));
    let r = app.get_as("/api/v1/self-directed/staff?q=T005", &admin).await.json();
    assert!(listed(r.clone()).is_empty(), "{r}");
    assert_eq!(r["total"], 0);
    assert_eq!(app.get_as("/api/v1/self-directed/staff?q=T005", &admin).await.json(), app.get_as("/api/v1/staff?q=T005", &admin).await.json());
}

/// The performance made from certified results is a new performance like any other: it counts
/// toward the school's yearly upload count (學生多元表現上傳數量, the cap of POST /performances),
/// and once the student deletes it the results can be made into one again.
#[actix_web::test]
async fn a_performance_from_results_counts_toward_the_yearly_uploads_and_can_be_made_again() {
    let fx = fixture().await;
    let app = &fx.app;
    let student = app.demo_token(S1).await;
    let s1 = user_id(app, S1);
    let id = certified_plan(&fx, S1).await;
    let url = format!("/api/v1/me/self-directed/plans/{id}/performance");
    // The school's default: 20 a year, all taken (none selected).
    add_performances(app, s1, 20, false);
    app.post_as(&url, &student, json!({})).await.assert_problem(409, "limit_reached");
    let made: Option<i64> = app.write(move |c| Ok(pl::table.find(id).select(pl::performance_id).first(c)?));
    assert_eq!(made, None);
    let now = app.state.clock.now();
    app.write(move |c| {
        let one: i64 = pf::table.filter(pf::student_id.eq(s1)).select(pf::id).first(c)?;
        Ok(diesel::update(pf::table.find(one)).set(pf::deleted_at.eq(Some(now))).execute(c)?)
    });
    let r = app.post_as(&url, &student, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let first = r.json()["performance_id"].as_i64().unwrap();
    // The student unselects and deletes it (another place frees up first): the results are not stuck.
    app.write(move |c| {
        let other: i64 = pf::table.filter(pf::student_id.eq(s1)).filter(pf::id.ne(first)).filter(pf::deleted_at.is_null()).select(pf::id).first(c)?;
        Ok(diesel::update(pf::table.find(other)).set(pf::deleted_at.eq(Some(now))).execute(c)?)
    });
    assert_eq!(app.delete_as(&format!("/api/v1/me/selections/performances/{first}"), &student).await.status, 204);
    let gone = app.delete_as(&format!("/api/v1/performances/{first}"), &student).await;
    assert_eq!(gone.status, 204, "{}", gone.text());
    let r = app.post_as(&url, &student, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let again = r.json()["performance_id"].as_i64().unwrap();
    assert_ne!(again, first);
    let mine = app.get_as("/api/v1/me/selections", &student).await.json();
    assert!(mine["performances"]["selected"].as_array().unwrap().iter().any(|v| v.as_i64() == Some(again)), "{mine}");
}

/// A plan's results files count toward the student's storage quota like any other upload.
#[actix_web::test]
async fn results_files_count_toward_the_storage_quota() {
    let fx = fixture_with(|c| {
        c.student_quota_bytes = 60_000;
        c.school_quota_bytes = 0;
        c.uploads_per_hour = 0;
    })
    .await;
    let app = &fx.app;
    let student = app.demo_token(S1).await;
    let id = new_plan(&fx, &student, "配額").await;
    submit(&fx, &student, id).await;
    for (i, t) in ["999999_T001", "999999_T002", "999999_T003"].iter().enumerate() {
        approve(&fx, &app.demo_token(t).await, id, "plan", i as i32 + 1).await;
    }
    let path = format!("/api/v1/me/self-directed/plans/{id}/result");
    let saved = app.upload(Method::PUT, &path, &student, &[], &[("document", "a.pdf", &bytes::pdf(40_000))]).await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    app.state.clock.advance(60);
    // 40 000 + 30 000 would pass 60 000.
    app.upload(Method::PUT, &path, &student, &[], &[("video", "v.mp4", &bytes::mp4(30_000))]).await.assert_problem(413, "quota_exceeded");
    // Replacing the document frees its share.
    let replaced = app.upload(Method::PUT, &path, &student, &[], &[("document", "b.pdf", &bytes::pdf(50_000))]).await;
    assert_eq!(replaced.status, 200, "{}", replaced.text());
}

/// A draft never submitted can be deleted by its student (and another written); a submitted
/// plan keeps its history. Another student, a teacher and another school are refused.
#[actix_web::test]
async fn a_draft_never_submitted_can_be_deleted() {
    let fx = fixture().await;
    let app = &fx.app;
    let (s1, s2) = (app.demo_token(S1).await, app.demo_token(S2).await);
    let id = new_plan(&fx, &s1, "草稿").await;
    let url = format!("/api/v1/me/self-directed/plans/{id}");
    app.delete_as(&url, &s2).await.assert_problem(404, "not_found");
    app.delete_as(&url, &app.demo_token("999999_T001").await).await.assert_problem(403, "role_required");
    let other = app.school("222222");
    app.student(&other, "xs", "A123456789");
    app.delete_as(&url, &app.token(&other, "xs").await).await.assert_problem(404, "not_found");
    assert_eq!(app.delete_as(&url, &s1).await.status, 204);
    app.get_as(&format!("/api/v1/self-directed/plans/{id}"), &s1).await.assert_problem(404, "not_found");
    // Another plan for the semester, submitted and returned: it is edited, not deleted.
    let id = new_plan(&fx, &s1, "第二版").await;
    submit(&fx, &s1, id).await;
    let url = format!("/api/v1/me/self-directed/plans/{id}");
    app.delete_as(&url, &s1).await.assert_problem(409, "invalid_state");
    let r = decide(&fx, &app.demo_token("999999_T001").await, id, "plan", 1, "return", Some("請補充")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(app.put_as(&url, &s1, plan_body(&fx, "第二版修訂")).await.status, 200);
    app.delete_as(&url, &s1).await.assert_problem(409, "invalid_state");
    assert_eq!(submit(&fx, &s1, id).await["plan_stage"], 1);
}

/// The queue is filtered and paged by the database (one page style): a certifier sees only what
/// waits at their stage, `per_page` at a time, with the total.
#[actix_web::test]
async fn the_queue_is_paged_and_holds_only_the_callers_stage() {
    let fx = fixture().await;
    let app = &fx.app;
    let (s1, s2) = (app.demo_token(S1).await, app.demo_token(S2).await);
    let first = new_plan(&fx, &s1, "第一份").await;
    submit(&fx, &s1, first).await;
    app.state.clock.advance(60);
    let second = new_plan(&fx, &s2, "第二份").await;
    submit(&fx, &s2, second).await;
    let t1 = app.demo_token("999999_T001").await;
    let page = |n: i64| format!("/api/v1/self-directed/queue?state=waiting&per_page=1&page={n}");
    let one = app.get_as(&page(1), &t1).await.json();
    assert_eq!((one["total"].as_i64(), one["items"][0]["plan"]["id"].as_i64(), one["items"][0]["stage_label"].as_str()), (Some(2), Some(first), Some("導師")), "{one}");
    let two = app.get_as(&page(2), &t1).await.json();
    assert_eq!(two["items"][0]["plan"]["id"].as_i64(), Some(second), "{two}");
    assert_eq!(app.get_as(&page(3), &t1).await.json()["items"], json!([]));
    app.get_as("/api/v1/self-directed/queue?per_page=0", &t1).await.assert_problem(422, "validation_failed");
    // The homeroom teacher of another class and the later stages see nothing waiting yet.
    for other in ["999999_T002", "999999_T003", "999999_T004"] {
        assert!(queue_ids(&fx, &app.demo_token(other).await, "waiting").await.is_empty(), "{other}");
    }
    approve(&fx, &t1, first, "plan", 1).await;
    assert_eq!(queue_ids(&fx, &t1, "waiting").await, vec![second]);
    assert_eq!(queue_ids(&fx, &t1, "decided").await, vec![first]);
    assert_eq!(queue_ids(&fx, &app.demo_token("999999_T002").await, "waiting").await, vec![first]);
}
