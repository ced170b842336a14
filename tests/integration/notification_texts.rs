//! Server-written texts in the reader's language (issue #17 item 7): notifications are stored as
//! a kind and its parameters and rendered per request (`Accept-Language`: zh-TW by default, `en`).

use actix_web::http::Method;
use actix_web::test::TestRequest;
use diesel::prelude::*;
use licheng::notify::inbox::{self, Message, NotificationKind, ReceiptDue, SdPhase, StageName};
use serde_json::{json, Value};

use crate::support::{bytes, TestApp};
use crate::uploads::course_id;

const S: &str = "999999_114001";

/// The student's notifications, newest first, as `(kind, title, body)`, asked in `lang`
/// (no `Accept-Language` header when `None`).
async fn inbox(app: &TestApp, token: &str, lang: Option<&str>) -> Vec<(String, String, String)> {
    let mut req = TestRequest::get().uri("/api/v1/me/notifications?per_page=100").insert_header(("Authorization", format!("Bearer {token}")));
    if let Some(lang) = lang {
        req = req.insert_header(("Accept-Language", lang));
    }
    let reply = app.send(req).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let page: Value = reply.json();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["kind"].as_str().unwrap().to_string(), n["title"].as_str().unwrap().to_string(), n["body"].as_str().unwrap().to_string()))
        .collect()
}

fn triples(expected: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    expected.iter().map(|(k, t, b)| (k.to_string(), t.to_string(), b.to_string())).collect()
}

#[actix_web::test]
async fn certification_notifications_come_in_the_readers_language() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token(S).await;
    let course = course_id(&app, &student, "國語文").await.to_string();
    let created = app.upload(Method::POST, "/api/v1/learning-results", &student, &[("course_id", &course), ("description", "專題")], &[("document", "a.pdf", &bytes::pdf(2000))]).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_i64().unwrap();
    assert_eq!(app.post_as(&format!("/api/v1/learning-results/{id}/submit"), &student, json!({})).await.status, 200);
    let t001 = app.demo_token("999999_T001").await;
    let decide = |body: Value| {
        let (app, t001) = (&app, &t001);
        async move { app.post_as(&format!("/api/v1/learning-results/{id}/decision"), t001, body).await }
    };
    assert_eq!(decide(json!({"decision": "certify"})).await.status, 200);
    let selected = app.put_as(&format!("/api/v1/me/selections/results/{id}"), &student, json!({})).await;
    assert!(selected.status.is_success(), "{}", selected.text());
    let reversed = decide(json!({"decision": "reject", "reason": "發現非本人作品"})).await;
    assert_eq!(reversed.status, 200, "{}", reversed.text());

    // zh-TW by default, and when asked for.
    let zh = triples(&[
        ("selection_dropped", "「國語文」學習成果已取消勾選", "這件學習成果改為認證失敗，已從您的勾選清單移除。"),
        ("result_rejected", "「國語文」學習成果認證失敗", "原因：發現非本人作品\n您可以重新編輯後再送出認證，或刪除後重新上傳。"),
        ("result_certified", "「國語文」學習成果認證成功", "老師已認證您的課程學習成果，可於勾選期間勾選提交。"),
    ]);
    assert_eq!(inbox(&app, &student, None).await, zh);
    assert_eq!(inbox(&app, &student, Some("zh-TW,zh;q=0.9,en;q=0.8")).await, zh);
    // English when the reader asks for it; what people wrote (the course, the reason) stays as written.
    let en = triples(&[
        ("selection_dropped", "Learning result of 國語文 unselected", "This learning result is no longer certified and was removed from your selections."),
        ("result_rejected", "Learning result of 國語文 not certified", "Reason: 發現非本人作品\nYou can edit it and submit it again, or delete it and upload it again."),
        ("result_certified", "Learning result of 國語文 certified", "Your teacher certified your course learning result; you can select it for submission during the selection period."),
    ]);
    assert_eq!(inbox(&app, &student, Some("en")).await, en);
    assert_eq!(inbox(&app, &student, Some("en-US,en;q=0.9")).await, en);
}

fn student_id(app: &TestApp) -> i64 {
    use licheng::schema::users;
    app.write(|c| Ok(users::table.filter(users::account.eq(S)).select(users::id).first(c)?))
}

fn stage(identity: &str, label: &str) -> StageName {
    StageName { identity: identity.into(), label: label.into() }
}

/// Every kind of notification, with its text in zh-TW and in English (newest first, as listed).
fn every_kind() -> Vec<(Message, [&'static str; 4])> {
    let end = chrono::NaiveDate::from_ymd_opt(2026, 12, 9).and_then(|d| d.and_hms_opt(3, 0, 0)).unwrap();
    let due = vec![
        ReceiptDue { term: "1151".into(), category: "course_records".into(), end },
        ReceiptDue { term: "1142".into(), category: "performances".into(), end },
    ];
    use SdPhase::{Plan, Result};
    vec![
        (
            Message::ResultCertified { subject: "國語文".into() },
            ["「國語文」學習成果認證成功", "老師已認證您的課程學習成果，可於勾選期間勾選提交。", "Learning result of 國語文 certified", "Your teacher certified your course learning result; you can select it for submission during the selection period."],
        ),
        (
            Message::ResultRejected { subject: "數學".into(), reason: "檔案與課程無關".into() },
            ["「數學」學習成果認證失敗", "原因：檔案與課程無關\n您可以重新編輯後再送出認證，或刪除後重新上傳。", "Learning result of 數學 not certified", "Reason: 檔案與課程無關\nYou can edit it and submit it again, or delete it and upload it again."],
        ),
        (
            Message::SelectionDropped { subject: "英語文".into() },
            ["「英語文」學習成果已取消勾選", "這件學習成果改為認證失敗，已從您的勾選清單移除。", "Learning result of 英語文 unselected", "This learning result is no longer certified and was removed from your selections."],
        ),
        (
            Message::ReceiptPending { due },
            [
                "請確認收訖明細",
                "中央資料庫已回傳您的收訖明細，請在期限內確認資料正確或回報問題：\n・1151 修課紀錄（確認期限 115/12/09 11:00）\n・1142 多元表現（確認期限 115/12/09 11:00）",
                "Please confirm your receipt",
                "The central database returned your receipt (收訖明細). Please confirm the data or report a problem before the deadline:\n• 1151 Course records (confirm by 2026-12-09 11:00 Taiwan time)\n• 1142 Performances (confirm by 2026-12-09 11:00 Taiwan time)",
            ],
        ),
        (
            Message::SelfDirectedApproved { phase: Plan, theme: "校園植物觀察".into(), stage: stage("homeroom", "導師"), next: stage("subject", "學科教師") },
            ["自主學習計畫「校園植物觀察」已通過「導師」", "已進入下一個認證階段「學科教師」。", "Self-directed learning plan “校園植物觀察” passed the homeroom teacher stage", "It now waits at the next stage: subject teachers."],
        ),
        (
            Message::SelfDirectedReturned { phase: Plan, theme: "校園植物觀察".into(), stage: stage("subject", "學科教師"), reason: "請寫清楚觀察方式".into() },
            ["自主學習計畫「校園植物觀察」已被退回", "「學科教師」階段退回：請寫清楚觀察方式。請修改後再送出。", "Self-directed learning plan “校園植物觀察” returned", "Returned at the subject teachers stage: 請寫清楚觀察方式. Please revise it and submit it again."],
        ),
        (
            Message::SelfDirectedCertified { phase: Plan, theme: "校園植物觀察".into() },
            ["自主學習計畫「校園植物觀察」已通過認證", "計畫已通過全部認證，可以開始執行並記錄進度。", "Self-directed learning plan “校園植物觀察” certified", "The plan passed every stage; you can carry it out and record your progress."],
        ),
        (
            Message::SelfDirectedApproved { phase: Result, theme: "校園植物觀察".into(), stage: stage("subject", "學科教師"), next: stage("custom", "圖書館審核") },
            ["自主學習成果「校園植物觀察」已通過「學科教師」", "已進入下一個認證階段「圖書館審核」。", "Self-directed learning results “校園植物觀察” passed the subject teachers stage", "It now waits at the next stage: 圖書館審核."],
        ),
        (
            Message::SelfDirectedReturned { phase: Result, theme: "校園植物觀察".into(), stage: stage("custom", "圖書館審核"), reason: "缺少心得".into() },
            ["自主學習成果「校園植物觀察」已被退回", "「圖書館審核」階段退回：缺少心得。請修改後再送出。", "Self-directed learning results “校園植物觀察” returned", "Returned at the 圖書館審核 stage: 缺少心得. Please revise it and submit it again."],
        ),
        (
            Message::SelfDirectedCertified { phase: Result, theme: "校園植物觀察".into() },
            ["自主學習成果「校園植物觀察」已通過認證", "成果已認證成功，可以轉為多元表現並勾選。", "Self-directed learning results “校園植物觀察” certified", "The results passed every stage; you can turn them into a diverse performance and select it."],
        ),
    ]
}

#[actix_web::test]
async fn every_kind_of_notification_comes_in_zh_tw_by_default_and_in_english_when_asked() {
    let app = TestApp::init();
    let school = app.demo();
    let student = app.demo_token(S).await;
    let user = student_id(&app);
    let all = every_kind();
    let kinds: Vec<NotificationKind> = all.iter().map(|(m, _)| m.kind()).collect();
    assert_eq!(kinds, NotificationKind::ALL, "every kind once");
    let now = app.state.clock.now();
    for (message, _) in &all {
        let message = message.clone();
        app.write(move |c| inbox::add(c, inbox::New { school_id: school, user_id: user, message, result_id: None }, now));
    }
    // Newest first.
    let zh: Vec<(String, String, String)> = all.iter().rev().map(|(m, t)| (m.kind().as_str().to_string(), t[0].to_string(), t[1].to_string())).collect();
    let en: Vec<(String, String, String)> = all.iter().rev().map(|(m, t)| (m.kind().as_str().to_string(), t[2].to_string(), t[3].to_string())).collect();
    assert_eq!(inbox(&app, &student, None).await, zh);
    assert_eq!(inbox(&app, &student, Some("zh-TW")).await, zh);
    assert_eq!(inbox(&app, &student, Some("en")).await, en);
    // Stored: the kind, its parameters and the zh-TW text.
    use licheng::schema::notifications as n;
    let stored: Vec<(String, Option<String>)> = app.write(move |c| Ok(n::table.filter(n::user_id.eq(user)).order(n::id.asc()).select((n::title, n::params)).load(c)?));
    assert_eq!(stored.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(), all.iter().map(|(_, t)| t[0]).collect::<Vec<_>>());
    assert!(stored.iter().all(|(_, p)| p.as_deref().is_some_and(|p| p.starts_with('{'))), "{stored:?}");
}

/// Rows written before the parameters: what migration 2026-12-06-002600 converts reads in English
/// afterwards; the rest (a receipt reminder's list) is shown as stored, in both languages.
#[actix_web::test]
async fn notifications_written_before_the_parameters_are_converted_or_shown_as_stored() {
    use licheng::schema::notifications as n;
    let app = TestApp::init();
    let school = app.demo();
    let student = app.demo_token(S).await;
    let user = student_id(&app);
    let all = every_kind();
    let now = app.state.clock.now();
    for (message, texts) in &all {
        let (kind, title, body) = (message.kind().as_str(), texts[0], texts[1]);
        app.write(move |c| {
            diesel::insert_into(n::table)
                .values((n::school_id.eq(school), n::user_id.eq(user), n::kind.eq(kind), n::title.eq(title), n::body.eq(body), n::created_at.eq(now)))
                .execute(c)?;
            Ok(())
        });
    }
    let zh: Vec<(String, String, String)> = all.iter().rev().map(|(m, t)| (m.kind().as_str().to_string(), t[0].to_string(), t[1].to_string())).collect();
    // Without parameters: as stored, whatever the language.
    assert_eq!(inbox(&app, &student, Some("en")).await, zh);
    // The migration's conversion (everything after adding the column), run again on these rows.
    let up = std::fs::read_to_string(format!("{}/../migrations/{}/2026-12-06-002600_notification_params/up.sql", env!("CARGO_MANIFEST_DIR"), crate::support::backend())).unwrap();
    let convert: String = up.lines().filter(|l| !l.starts_with("ALTER TABLE")).collect::<Vec<_>>().join("\n");
    app.write(move |c| Ok(diesel::connection::SimpleConnection::batch_execute(c, &convert)?));
    let en: Vec<(String, String, String)> = all
        .iter()
        .rev()
        .map(|(m, t)| match m {
            // A list of lines: not converted.
            Message::ReceiptPending { .. } => (m.kind().as_str().to_string(), t[0].to_string(), t[1].to_string()),
            _ => (m.kind().as_str().to_string(), t[2].to_string(), t[3].to_string()),
        })
        .collect();
    assert_eq!(inbox(&app, &student, Some("en")).await, en);
    assert_eq!(inbox(&app, &student, None).await, zh);
    // Converted rows hold the same parameters as new ones would.
    let params: Vec<(String, Option<String>)> = app.write(move |c| Ok(n::table.filter(n::user_id.eq(user)).order(n::id.asc()).select((n::kind, n::params)).load(c)?));
    for ((message, _), (kind, stored)) in all.iter().zip(params) {
        match message {
            Message::ReceiptPending { .. } => assert_eq!(stored, None),
            _ => assert_eq!(stored.as_deref().and_then(|p| Message::from_stored(&kind, p)).as_ref(), Some(message), "{kind}"),
        }
    }
}
