//! Course consultation records and 課程諮詢紀錄統計 (issue #23; FAQ 000 三 Q2: 「設定課程諮詢教師的
//! 對應學生」 — a consultant's students are those of their assigned classes and those assigned one
//! by one).
//!
//! School 230021, term 115-1: students a1, a2 (class 101), b1 (201), c1 (301). Consultant k1 has
//! class 101 and the student c1; consultant k2 has class 201. A plain teacher t1.

use std::collections::HashMap;

use calamine::{Data, Reader, Xlsx};
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::support::{School, TestApp};
use licheng::identity::{Role, UserKind};
use licheng::schema::{classes, consultant_classes as cc, consultant_students as cst, student_profiles as sp};

struct Fx {
    school: School,
    ids: HashMap<&'static str, i64>,
    admin: String,
    k1: String,
    k2: String,
}

fn student(app: &TestApp, school: &School, account: &str, class: &str) -> i64 {
    let id = app.student(school, account, &format!("C2{:08}", account.len() * 1000 + account.as_bytes()[0] as usize + account.as_bytes()[1] as usize));
    let now = app.state.clock.now();
    let (sid, class) = (school.id, class.to_string());
    let grade: i32 = class[..1].parse().unwrap();
    app.write(move |c| {
        diesel::insert_into(sp::table)
            .values((
                sp::user_id.eq(id),
                sp::school_id.eq(sid),
                sp::division.eq("day"),
                sp::entry_year.eq(115 - grade + 1),
                sp::grade.eq(grade),
                sp::class_code.eq(Some(class)),
                sp::seat_no.eq(Some(1)),
                sp::status.eq("在學"),
                sp::updated_at.eq(now),
            ))
            .execute(c)?;
        Ok(())
    });
    id
}

fn assign_class(app: &TestApp, school: i64, teacher: i64, code: &str) {
    let now = app.state.clock.now();
    let code = code.to_string();
    app.write(move |c| {
        let grade: i32 = code[..1].parse().unwrap_or(1);
        let class: i64 = diesel::insert_into(classes::table)
            .values((
                classes::school_id.eq(school),
                classes::academic_year.eq(115),
                classes::semester.eq(1),
                classes::code.eq(&code),
                classes::name.eq(format!("{code}班")),
                classes::grade.eq(grade),
                classes::active.eq(true),
                classes::updated_at.eq(now),
            ))
            .returning(classes::id)
            .get_result(c)?;
        diesel::insert_into(cc::table)
            .values((cc::school_id.eq(school), cc::academic_year.eq(115), cc::semester.eq(1), cc::teacher_id.eq(teacher), cc::class_id.eq(class)))
            .execute(c)?;
        Ok(())
    });
}

fn assign_student(app: &TestApp, school: i64, teacher: i64, student: i64) {
    app.write(move |c| {
        diesel::insert_into(cst::table)
            .values((cst::school_id.eq(school), cst::academic_year.eq(115), cst::semester.eq(1), cst::teacher_id.eq(teacher), cst::student_id.eq(student)))
            .execute(c)?;
        Ok(())
    });
}

async fn fixture(app: &TestApp) -> Fx {
    let school = app.school("230021");
    let mut ids = HashMap::new();
    for (account, class) in [("a1", "101"), ("a2", "101"), ("b1", "201"), ("c1", "301")] {
        ids.insert(account, student(app, &school, account, class));
    }
    for k in ["k1", "k2"] {
        ids.insert(k, app.user(&school, k, UserKind::Staff, &[Role::SubjectTeacher, Role::CourseConsultant], None));
    }
    ids.insert("t1", app.teacher(&school, "t1"));
    assign_class(app, school.id, ids["k1"], "101");
    assign_student(app, school.id, ids["k1"], ids["c1"]);
    assign_class(app, school.id, ids["k2"], "201");
    let admin = app.token(&school, "admin").await;
    let k1 = app.token(&school, "k1").await;
    let k2 = app.token(&school, "k2").await;
    Fx { school, ids, admin, k1, k2 }
}

fn body(kind: &str, day: &str, students: &[i64], topic: &str) -> Value {
    json!({"kind": kind, "held_on": day, "student_ids": students, "topic": topic, "content": "討論選課", "follow_up": "下週追蹤"})
}

async fn record(app: &TestApp, token: &str, b: Value) -> Value {
    let r = app.post_as("/api/v1/consultations", token, b).await;
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()
}

fn sheet_rows(bytes: &[u8], sheet: usize) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    let name = book.sheet_names()[sheet].clone();
    let range = book.worksheet_range(&name).expect("sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::Empty => String::new(),
                    Data::Float(f) => format!("{f}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[actix_web::test]
async fn consultants_record_their_students_and_the_admin_counts_them() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let id = |k: &str| fx.ids[k];

    // FAQ 000 三 Q2: the consultant's students are the class 101 (a1, a2) and c1.
    let group = record(&app, &fx.k1, body("group", "2026-09-10", &[id("a1"), id("a2")], "選課說明")).await;
    assert_eq!(group["student_count"], 2);
    assert_eq!((group["academic_year"].as_i64(), group["semester"].as_i64()), (Some(115), Some(1)));
    record(&app, &fx.k1, body("individual", "2026-10-01", &[id("c1")], "<b>升學</b>規劃")).await;
    record(&app, &fx.k2, body("individual", "2026-10-02", &[id("b1")], "轉組")).await;

    // Refused, nothing written: a student not assigned to k1; two students in an individual
    // consultation; no topic; no students; a bad date; a teacher who is no consultant.
    let p = app.post_as("/api/v1/consultations", &fx.k1, body("individual", "2026-10-01", &[id("b1")], "x")).await.assert_problem(422, "validation_failed");
    assert!(p["errors"]["student_ids"].is_array(), "{p}");
    app.post_as("/api/v1/consultations", &fx.k1, body("individual", "2026-10-01", &[id("a1"), id("a2")], "x")).await.assert_problem(422, "validation_failed");
    app.post_as("/api/v1/consultations", &fx.k1, body("group", "2026-10-01", &[id("a1")], " ")).await.assert_problem(422, "validation_failed");
    app.post_as("/api/v1/consultations", &fx.k1, body("group", "2026-10-01", &[], "x")).await.assert_problem(422, "validation_failed");
    app.post_as("/api/v1/consultations", &fx.k1, body("group", "2026-13-01", &[id("a1")], "x")).await.assert_problem(400, "invalid_json");
    app.post_as("/api/v1/consultations", &fx.k1, json!({"kind": "chat", "held_on": "2026-10-01", "student_ids": [id("a1")], "topic": "x"})).await.assert_problem(400, "invalid_json");
    let t1 = app.token(&fx.school, "t1").await;
    app.post_as("/api/v1/consultations", &t1, body("group", "2026-10-01", &[id("a1")], "x")).await.assert_problem(403, "role_required");

    // Each consultant lists their own; the admin all, by class and month too.
    let k1_list = app.get_as("/api/v1/consultations", &fx.k1).await.json();
    assert_eq!(k1_list["total"], 2);
    let topics: Vec<&str> = k1_list["items"].as_array().unwrap().iter().map(|r| r["topic"].as_str().unwrap()).collect();
    assert_eq!(topics, ["升學規劃", "選課說明"], "newest date first, tags removed");
    assert_eq!(app.get_as("/api/v1/consultations?consultant_id=0", &fx.k2).await.json()["items"].as_array().unwrap().len(), 1, "a consultant sees only their own");
    assert_eq!(app.get_as("/api/v1/consultations", &fx.admin).await.json()["items"].as_array().unwrap().len(), 3);
    assert_eq!(app.get_as("/api/v1/consultations?class_code=101", &fx.admin).await.json()["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.get_as("/api/v1/consultations?month=2026-10", &fx.admin).await.json()["items"].as_array().unwrap().len(), 2);
    app.get_as("/api/v1/consultations?month=2026-1x", &fx.admin).await.assert_problem(400, "invalid_query");

    // Only the author changes or deletes a record.
    let gid = group["id"].as_i64().unwrap();
    app.put_as(&format!("/api/v1/consultations/{gid}"), &fx.k2, body("group", "2026-09-10", &[id("b1")], "改")).await.assert_problem(404, "not_found");
    app.delete_as(&format!("/api/v1/consultations/{gid}"), &fx.k2).await.assert_problem(404, "not_found");
    app.delete_as(&format!("/api/v1/consultations/{gid}"), &fx.admin).await.assert_problem(403, "role_required");
    let changed = app.put_as(&format!("/api/v1/consultations/{gid}"), &fx.k1, body("group", "2026-09-11", &[id("a1"), id("a2")], "選課說明（續）")).await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(changed.json()["held_on"], "2026-09-11");

    // Students see the records that concern them, without the other students of a group.
    let a1 = app.token(&fx.school, "a1").await;
    let mine = app.get_as("/api/v1/me/consultations", &a1).await;
    assert_eq!(mine.status, 200, "{}", mine.text());
    let mine = mine.json()["items"].clone();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["student_count"], 2);
    assert_eq!(mine[0]["students"].as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["students"][0]["account"], "a1");
    app.get_as("/api/v1/consultations", &a1).await.assert_problem(403, "role_required");
    app.get_as("/api/v1/me/consultations", &fx.k1).await.assert_problem(403, "role_required");

    // 課程諮詢紀錄統計 — by hand: k1 1 group + 1 individual, 3 students; k2 1 individual;
    // class 101: the group (2 students), 201 and 301 one individual each; 2026-09: 1, 2026-10: 2.
    let stats = app.get_as("/api/v1/reports/consultations", &fx.admin).await;
    assert_eq!(stats.status, 200, "{}", stats.text());
    let stats = stats.json();
    let by: Vec<(String, i64, i64, i64)> = stats["by_consultant"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["account"].as_str().unwrap().into(), r["group"].as_i64().unwrap(), r["individual"].as_i64().unwrap(), r["students"].as_i64().unwrap()))
        .collect();
    assert_eq!(by, [("k1".into(), 1, 1, 3), ("k2".into(), 0, 1, 1)]);
    let by_class: Vec<(String, i64, i64, i64)> = stats["by_class"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].as_str().unwrap().into(), r["group"].as_i64().unwrap(), r["individual"].as_i64().unwrap(), r["students"].as_i64().unwrap()))
        .collect();
    assert_eq!(by_class, [("101".into(), 1, 0, 2), ("201".into(), 0, 1, 1), ("301".into(), 0, 1, 1)]);
    let by_month: Vec<(String, i64)> = stats["by_month"].as_array().unwrap().iter().map(|r| (r["key"].as_str().unwrap().into(), r["records"].as_i64().unwrap())).collect();
    assert_eq!(by_month, [("2026-09".into(), 1), ("2026-10".into(), 2)]);
    assert_eq!((stats["total"]["records"].as_i64(), stats["total"]["students"].as_i64()), (Some(3), Some(4)));

    // The workbooks, opened.
    let x = app.get_as("/api/v1/reports/consultations.xlsx", &fx.admin).await;
    assert_eq!(x.status, 200, "{}", x.text());
    let teachers = sheet_rows(&x.body, 0);
    assert_eq!(teachers[0], ["諮詢教師", "團體諮詢", "個別諮詢", "紀錄數", "學生數"]);
    assert_eq!(teachers.len(), 4, "header, k1, k2, 合計");
    assert_eq!(teachers[3], ["合計", "1", "2", "3", "4"]);
    let x = app.get_as("/api/v1/consultations.xlsx", &fx.k1).await;
    assert_eq!(x.status, 200, "{}", x.text());
    let rows = sheet_rows(&x.body, 0);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2][..5], ["115/09/11", "使用者k1", "團體諮詢", "101", "使用者a1、使用者a2"]);

    // Permissions of the statistics; another school sees nothing of this one.
    app.get_as("/api/v1/reports/consultations", &fx.k1).await.assert_problem(403, "module_required");
    app.get_as("/api/v1/reports/consultations.xlsx", &a1).await.assert_problem(403, "module_required");
    let other = app.school("230022");
    let other_admin = app.token(&other, "admin").await;
    assert_eq!(app.get_as("/api/v1/consultations", &other_admin).await.json()["items"], json!([]));
    assert_eq!(app.get_as("/api/v1/reports/consultations", &other_admin).await.json()["total"]["records"], 0);
    app.user(&other, "k9", UserKind::Staff, &[Role::CourseConsultant], None);
    let k9 = app.token(&other, "k9").await;
    app.post_as("/api/v1/consultations", &k9, body("individual", "2026-10-01", &[id("a1")], "x")).await.assert_problem(422, "validation_failed");

    // Deleting removes the record for its student too.
    assert_eq!(app.delete_as(&format!("/api/v1/consultations/{gid}"), &fx.k1).await.status, 204);
    assert_eq!(app.get_as("/api/v1/me/consultations", &a1).await.json()["items"], json!([]));
}

#[actix_web::test]
async fn consultation_lists_are_paged_and_filtered() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let id = |k: &str| fx.ids[k];
    for day in 1..=5 {
        record(&app, &fx.k1, body("individual", &format!("2026-10-0{day}"), &[id("a1")], &format!("第{day}次"))).await;
    }
    record(&app, &fx.k1, body("group", "2026-09-01", &[id("a1"), id("a2")], "選課說明")).await;

    // The project's page style: `?page=&per_page=`, `total` over all pages, newest date first.
    let first = app.get_as("/api/v1/consultations?per_page=2", &fx.k1).await;
    assert_eq!(first.status, 200, "{}", first.text());
    let first = first.json();
    assert_eq!((first["total"].as_i64(), first["page"].as_i64(), first["per_page"].as_i64()), (Some(6), Some(1), Some(2)));
    let topics = |v: &Value| v["items"].as_array().unwrap().iter().map(|r| r["topic"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(topics(&first), ["第5次", "第4次"]);
    let third = app.get_as("/api/v1/consultations?per_page=2&page=3", &fx.k1).await.json();
    assert_eq!(topics(&third), ["第1次", "選課說明"]);
    assert_eq!(app.get_as("/api/v1/consultations?page=9", &fx.k1).await.json()["items"], json!([]));
    // Filters with the pages: the topic, the month.
    let found = app.get_as("/api/v1/consultations?q=%E9%81%B8%E8%AA%B2", &fx.admin).await.json();
    assert_eq!((found["total"].as_i64(), topics(&found)), (Some(1), vec!["選課說明".to_string()]));
    assert_eq!(app.get_as("/api/v1/consultations?q=100%25", &fx.admin).await.json()["total"], 0, "a wildcard is a character");
    assert_eq!(app.get_as("/api/v1/consultations?month=2026-10&per_page=1", &fx.admin).await.json()["total"], 5);
    app.get_as("/api/v1/consultations?per_page=0", &fx.k1).await.assert_problem(422, "validation_failed");
    app.get_as("/api/v1/consultations?page=0", &fx.admin).await.assert_problem(422, "validation_failed");

    // The student's own list is paged too.
    let a1 = app.token(&fx.school, "a1").await;
    let mine = app.get_as("/api/v1/me/consultations?per_page=4", &a1).await.json();
    assert_eq!((mine["total"].as_i64(), mine["items"].as_array().unwrap().len()), (Some(6), 4));
    let a2 = app.token(&fx.school, "a2").await;
    assert_eq!(app.get_as("/api/v1/me/consultations", &a2).await.json()["total"], 1);
    app.get_as("/api/v1/me/consultations?per_page=500", &a1).await.assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn another_schools_student_is_refused_even_when_wrongly_assigned() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let other = app.school("230023");
    let stranger = student(&app, &other, "z9", "301");
    // A stray assignment row of this school naming the other school's student (an import gone
    // wrong): the consultant's list of students must not reach across schools.
    assign_student(&app, fx.school.id, fx.ids["k1"], stranger);
    let p = app.post_as("/api/v1/consultations", &fx.k1, body("individual", "2026-10-01", &[stranger], "跨校")).await.assert_problem(422, "validation_failed");
    assert!(p["errors"]["student_ids"].is_array(), "{p}");
    let p = app.post_as("/api/v1/consultations", &fx.k1, body("group", "2026-10-01", &[fx.ids["a1"], stranger], "跨校")).await.assert_problem(422, "validation_failed");
    assert!(p["errors"]["student_ids"].is_array(), "{p}");
    assert_eq!(app.get_as("/api/v1/consultations", &fx.admin).await.json()["total"], 0, "nothing written");
    // A record of the school shows only the school's people.
    let rec = record(&app, &fx.k1, body("individual", "2026-10-01", &[fx.ids["a1"]], "本校")).await;
    let rid = rec["id"].as_i64().unwrap();
    let p = app.put_as(&format!("/api/v1/consultations/{rid}"), &fx.k1, body("individual", "2026-10-01", &[stranger], "改成他校")).await.assert_problem(422, "validation_failed");
    assert!(p["errors"]["student_ids"].is_array(), "{p}");
    let z9 = app.token(&other, "z9").await;
    assert_eq!(app.get_as("/api/v1/me/consultations", &z9).await.json()["items"], json!([]));
}

#[actix_web::test]
async fn far_too_long_texts_are_refused_before_cleaning() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let a1 = fx.ids["a1"];
    // Raw bytes beyond 8 a character allowed: 413 `payload_too_large`, naming the field.
    let mut b = body("individual", "2026-10-01", &[a1], "x");
    b["content"] = json!("<b>".repeat(2000 * 8 / 3 + 1));
    let p = app.post_as("/api/v1/consultations", &fx.k1, b).await.assert_problem(413, "payload_too_large");
    assert!(p["errors"]["content"].is_array(), "{p}");
    let mut b = body("individual", "2026-10-01", &[a1], &"主".repeat(100 * 8 / 3 + 1));
    b["follow_up"] = json!("");
    app.post_as("/api/v1/consultations", &fx.k1, b).await.assert_problem(413, "payload_too_large");
    // Within the raw bound, markup that cleans down to the limit is fine; past it after cleaning, 422.
    let mut b = body("individual", "2026-10-01", &[a1], "ok");
    b["content"] = json!(format!("{}{}", "<i></i>".repeat(100), "字".repeat(2000)));
    assert_eq!(app.post_as("/api/v1/consultations", &fx.k1, b).await.status, 201);
    let mut b = body("individual", "2026-10-01", &[a1], "ok");
    b["content"] = json!("字".repeat(2001));
    app.post_as("/api/v1/consultations", &fx.k1, b).await.assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn consultation_changes_are_in_the_audit_log() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let rec = record(&app, &fx.k1, body("group", "2026-09-10", &[fx.ids["a1"], fx.ids["a2"]], "選課說明")).await;
    let rid = rec["id"].as_i64().unwrap();
    assert_eq!(app.put_as(&format!("/api/v1/consultations/{rid}"), &fx.k1, body("individual", "2026-09-11", &[fx.ids["a1"]], "改")).await.status, 200);
    assert_eq!(app.delete_as(&format!("/api/v1/consultations/{rid}"), &fx.k1).await.status, 204);
    // A refused change leaves no entry.
    app.delete_as(&format!("/api/v1/consultations/{rid}"), &fx.k2).await.assert_problem(404, "not_found");

    let log = app.get_as("/api/v1/audit-events?per_page=50", &fx.admin).await;
    assert_eq!(log.status, 200, "{}", log.text());
    let log = log.json();
    let mine: Vec<(String, String, String)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"].as_str().unwrap().starts_with("consultation_"))
        .map(|e| (e["event"].as_str().unwrap().into(), e["actor"].as_str().unwrap_or("").into(), e["detail"].as_str().unwrap_or("").into()))
        .collect();
    let events: Vec<&str> = mine.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(events, ["consultation_deleted", "consultation_updated", "consultation_created"], "newest first: {mine:?}");
    assert!(mine.iter().all(|e| e.1 == "k1"), "{mine:?}");
    assert!(mine[2].2.contains(&format!("record={rid}")) && mine[2].2.contains("kind=group") && mine[2].2.contains("held_on=2026-09-10"), "{mine:?}");
    assert!(mine[1].2.contains(&format!("students={}", fx.ids["a1"])), "{mine:?}");
    let only = app.get_as("/api/v1/audit-events?event=consultation_updated", &fx.admin).await.json();
    assert_eq!(only["total"], 1);
}

#[actix_web::test]
async fn every_consultation_endpoint_refuses_the_wrong_role_and_other_schools() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let rec = record(&app, &fx.k1, body("individual", "2026-10-01", &[fx.ids["a1"]], "本校")).await;
    let rid = rec["id"].as_i64().unwrap();
    let a1 = app.token(&fx.school, "a1").await;
    let t1 = app.token(&fx.school, "t1").await;
    let b = body("individual", "2026-10-01", &[fx.ids["a1"]], "改");
    for token in [&a1, &t1] {
        app.get_as("/api/v1/consultations", token).await.assert_problem(403, "role_required");
        app.get_as("/api/v1/consultations.xlsx", token).await.assert_problem(403, "role_required");
        app.post_as("/api/v1/consultations", token, b.clone()).await.assert_problem(403, "role_required");
        app.put_as(&format!("/api/v1/consultations/{rid}"), token, b.clone()).await.assert_problem(403, "role_required");
        app.delete_as(&format!("/api/v1/consultations/{rid}"), token).await.assert_problem(403, "role_required");
        app.get_as("/api/v1/reports/consultations", token).await.assert_problem(403, "module_required");
        app.get_as("/api/v1/reports/consultations.xlsx", token).await.assert_problem(403, "module_required");
    }
    app.get_as("/api/v1/me/consultations", &t1).await.assert_problem(403, "role_required");
    app.put_as(&format!("/api/v1/consultations/{rid}"), &fx.admin, b.clone()).await.assert_problem(403, "role_required");
    for path in ["/api/v1/consultations", "/api/v1/consultations.xlsx", "/api/v1/me/consultations", "/api/v1/reports/consultations"] {
        app.get(path).await.assert_problem(401, "unauthenticated");
    }
    // Another student of the school does not see a1's record.
    let a2 = app.token(&fx.school, "a2").await;
    assert_eq!(app.get_as("/api/v1/me/consultations", &a2).await.json()["total"], 0);
    // Another school: its consultant cannot change or delete the record, its admin sees none.
    let other = app.school("230024");
    app.user(&other, "k8", UserKind::Staff, &[Role::CourseConsultant], None);
    let k8 = app.token(&other, "k8").await;
    app.put_as(&format!("/api/v1/consultations/{rid}"), &k8, b.clone()).await.assert_problem(404, "not_found");
    app.delete_as(&format!("/api/v1/consultations/{rid}"), &k8).await.assert_problem(404, "not_found");
    let other_admin = app.token(&other, "admin").await;
    let x = app.get_as("/api/v1/consultations.xlsx", &other_admin).await;
    assert_eq!(x.status, 200, "{}", x.text());
    assert_eq!(sheet_rows(&x.body, 0).len(), 1, "the header only");
    assert_eq!(app.get_as("/api/v1/consultations", &fx.admin).await.json()["total"], 1, "still there");
}

/// The record workbook (issue #17: written with rust_xlsxwriter): the header row stays frozen,
/// the date is in the ROC calendar, and a topic that looks like a formula stays a text cell.
#[actix_web::test]
async fn the_record_workbook_keeps_a_formula_looking_topic_as_text_under_a_frozen_header() {
    use std::io::Read;
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let topic = "=cmd|' /C calc'!A0";
    record(&app, &fx.k1, body("group", "2026-09-10", &[fx.ids["a1"]], topic)).await;
    let x = app.get_as("/api/v1/consultations.xlsx", &fx.k1).await;
    assert_eq!(x.status, 200, "{}", x.text());
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(x.body.to_vec())).expect("xlsx");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("sheet");
    assert_eq!(range.get((0, 5)), Some(&Data::String("主題".into())));
    assert_eq!(range.get((1, 0)), Some(&Data::String("115/09/10".into())), "the date in the ROC calendar");
    assert_eq!(range.get((1, 5)), Some(&Data::String(topic.into())), "a formula-looking text stays a string");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(x.body.to_vec())).expect("a zip");
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").expect("the first sheet").read_to_string(&mut xml).expect("xml");
    assert!(xml.contains("ySplit=\"1\"") && xml.contains("state=\"frozen\""), "the header row is frozen: {xml}");
    assert!(xml.contains("customWidth=\"1\""), "columns have widths");
    assert!(!xml.contains("<f>"), "no formula in the sheet");
}
