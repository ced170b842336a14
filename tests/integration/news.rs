//! News (manual 1.2 最新消息) and 認識學群 (manual 1.3), issue #23.
//!
//! Fixture: schools N1 and N2, each with its admin; N1 also a student and a teacher; the platform
//! operator. The operator posts platform news, each admin their school's.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::support::{School, TestApp};
use licheng::identity::{Role, UserKind};

struct Fx {
    n1: School,
    n2: School,
    op: String,
    admin1: String,
    admin2: String,
    student1: String,
    teacher1: String,
}

async fn fixture(app: &TestApp) -> Fx {
    let n1 = app.school("230001");
    let n2 = app.school("230002");
    app.student(&n1, "s1", "A123456789");
    app.user(&n1, "t1", UserKind::Staff, &[Role::SubjectTeacher, Role::HomeroomTeacher], None);
    let op = app.operator().await;
    let admin1 = app.token(&n1, "admin").await;
    let admin2 = app.token(&n2, "admin").await;
    let student1 = app.token(&n1, "s1").await;
    let teacher1 = app.token(&n1, "t1").await;
    Fx { n1, n2, op, admin1, admin2, student1, teacher1 }
}

async fn post(app: &TestApp, token: &str, body: Value) -> Value {
    let r = app.post_as("/api/v1/news", token, body).await;
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()
}

fn titles(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_string()).collect()
}

fn rfc3339(t: chrono::NaiveDateTime) -> String {
    t.and_utc().to_rfc3339()
}

#[actix_web::test]
async fn platform_and_school_news_reach_their_readers_in_order_with_read_marks() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let now = app.state.clock.now();
    let hour = chrono::Duration::hours(1);

    // manual 1.2: "MORE 鈕可展開最新消息。" — newest first; pinned ones lead.
    post(&app, &fx.op, json!({"title": "版本更新消息", "body": "新版上線", "published_at": rfc3339(now - hour * 3)})).await;
    post(&app, &fx.op, json!({"title": "設定 TLS1.2 方式", "body": "說明", "published_at": rfc3339(now - hour * 5), "pinned": true})).await;
    post(&app, &fx.op, json!({"title": "平臺明日公告", "body": "尚未發布", "published_at": rfc3339(now + hour)})).await;
    post(&app, &fx.admin1, json!({"title": "本校選課說明", "body": "請於週五前完成", "published_at": rfc3339(now - hour)})).await;
    post(&app, &fx.admin2, json!({"title": "他校消息", "body": "只給 N2"})).await;

    // The sign-in page: only the platform's published news, pinned first, no future one.
    let public = app.get("/api/v1/news/public").await;
    assert_eq!(public.status, 200, "{}", public.text());
    assert_eq!(titles(&public.json()), ["設定 TLS1.2 方式", "版本更新消息"]);

    // The home page of N1's student: platform + own school, never N2's, never the unpublished.
    let home = app.get_as("/api/v1/news", &fx.student1).await;
    assert_eq!(home.status, 200, "{}", home.text());
    let home = home.json();
    assert_eq!(titles(&home["items"]), ["設定 TLS1.2 方式", "本校選課說明", "版本更新消息"]);
    assert_eq!(home["unread"], 3);
    let school_item = home["items"].as_array().unwrap().iter().find(|i| i["title"] == "本校選課說明").unwrap().clone();
    assert_eq!(school_item["scope"], "school");

    // Read marks are per user.
    let id = school_item["id"].as_i64().unwrap();
    let r = app.post_as(&format!("/api/v1/news/{id}/read"), &fx.student1, json!({})).await;
    assert_eq!(r.status, 204, "{}", r.text());
    let again = app.post_as(&format!("/api/v1/news/{id}/read"), &fx.student1, json!({})).await;
    assert_eq!(again.status, 204);
    let home = app.get_as("/api/v1/news", &fx.student1).await.json();
    assert_eq!(home["unread"], 2);
    assert_eq!(home["items"][1]["read"], true);
    let teacher = app.get_as("/api/v1/news", &fx.teacher1).await.json();
    assert_eq!(teacher["unread"], 3, "another user's read mark is theirs alone");

    // N2's admin sees N2's news, and cannot read-mark N1's.
    let n2 = app.get_as("/api/v1/news", &fx.admin2).await.json();
    assert_eq!(titles(&n2["items"]), ["設定 TLS1.2 方式", "他校消息", "版本更新消息"]);
    app.post_as(&format!("/api/v1/news/{id}/read"), &fx.admin2, json!({})).await.assert_problem(404, "not_found");

    // The unpublished one is hidden from readers and cannot be marked read, but its editor sees it.
    let manage = app.get_as("/api/v1/news/manage", &fx.op).await;
    assert_eq!(manage.status, 200, "{}", manage.text());
    let manage = manage.json()["items"].clone();
    assert_eq!(titles(&manage), ["設定 TLS1.2 方式", "平臺明日公告", "版本更新消息"]);
    let future = manage.as_array().unwrap().iter().find(|i| i["title"] == "平臺明日公告").unwrap();
    assert_eq!(future["scheduled"], true);
    let future_id = future["id"].as_i64().unwrap();
    app.post_as(&format!("/api/v1/news/{future_id}/read"), &fx.student1, json!({})).await.assert_problem(404, "not_found");
    let admin_list = app.get_as("/api/v1/news/manage", &fx.admin1).await.json()["items"].clone();
    assert_eq!(titles(&admin_list), ["本校選課說明"], "a school admin edits only the school's news");

    // The public list takes no token and is bounded.
    app.get("/api/v1/news/public?limit=0").await.assert_problem(422, "validation_failed");
    let one = app.get("/api/v1/news/public?limit=1").await.json();
    assert_eq!(titles(&one), ["設定 TLS1.2 方式"]);
}

#[actix_web::test]
async fn only_the_owner_edits_news_and_bodies_are_plain_text() {
    let app = TestApp::init();
    let fx = fixture(&app).await;

    // Sanitised: tags and scripts are removed; what remains is plain text.
    let item = post(&app, &fx.admin1, json!({"title": "<b>段考</b>公告", "body": "<script>alert('x')</script>請<img src=x onerror=alert(1)>注意\r\n第二行 a < b"})).await;
    assert_eq!(item["title"], "段考公告");
    assert_eq!(item["body"], "請注意\n第二行 a < b");
    let id = item["id"].as_i64().unwrap();

    // Another school's admin: not found (no side effect); teachers and students: role required.
    app.put_as(&format!("/api/v1/news/{id}"), &fx.admin2, json!({"title": "改", "body": ""})).await.assert_problem(404, "not_found");
    app.delete_as(&format!("/api/v1/news/{id}"), &fx.admin2).await.assert_problem(404, "not_found");
    // The operator edits the platform's news, not a school's.
    app.put_as(&format!("/api/v1/news/{id}"), &fx.op, json!({"title": "改", "body": ""})).await.assert_problem(404, "not_found");
    app.post_as("/api/v1/news", &fx.student1, json!({"title": "x", "body": ""})).await.assert_problem(403, "role_required");
    app.post_as("/api/v1/news", &fx.teacher1, json!({"title": "x", "body": ""})).await.assert_problem(403, "role_required");
    app.get_as("/api/v1/news/manage", &fx.student1).await.assert_problem(403, "role_required");
    app.delete_as(&format!("/api/v1/news/{id}"), &fx.teacher1).await.assert_problem(403, "role_required");
    let still = app.get_as("/api/v1/news/manage", &fx.admin1).await.json()["items"].clone();
    assert_eq!(titles(&still), ["段考公告"]);

    // Bad input: a title that is empty once tags are gone, a too long one; in English on request.
    let empty = app.post_as("/api/v1/news", &fx.admin1, json!({"title": "<i></i>", "body": "x"})).await;
    let problem = empty.assert_problem(422, "validation_failed");
    assert!(problem["errors"]["title"].is_array(), "{problem}");
    let long = "長".repeat(201);
    app.post_as("/api/v1/news", &fx.admin1, json!({"title": long, "body": "x"})).await.assert_problem(422, "validation_failed");
    let en = app
        .send(
            TestRequest::default()
                .method(Method::POST)
                .uri("/api/v1/news")
                .insert_header(("Authorization", format!("Bearer {}", fx.admin1)))
                .insert_header(("Accept-Language", "en"))
                .set_json(json!({"title": "", "body": ""})),
        )
        .await;
    let problem = en.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"]["title"][0], "The title is required.");
    app.post_as("/api/v1/news", &fx.admin1, json!({"title": 5})).await.assert_problem(400, "invalid_json");
    assert_eq!(titles(&app.get_as("/api/v1/news/manage", &fx.admin1).await.json()["items"]), ["段考公告"], "refused input wrote nothing");

    // The owner edits (pin) and deletes; the read marks go with it.
    let pinned = app.put_as(&format!("/api/v1/news/{id}"), &fx.admin1, json!({"title": "段考公告", "body": "改期", "pinned": true})).await;
    assert_eq!(pinned.status, 200, "{}", pinned.text());
    assert_eq!(pinned.json()["pinned"], true);
    assert_eq!(app.post_as(&format!("/api/v1/news/{id}/read"), &fx.student1, json!({})).await.status, 204);
    assert_eq!(app.delete_as(&format!("/api/v1/news/{id}"), &fx.admin1).await.status, 204);
    assert_eq!(app.get_as("/api/v1/news", &fx.student1).await.json()["items"], json!([]));
    app.delete_as(&format!("/api/v1/news/{id}"), &fx.admin1).await.assert_problem(404, "not_found");
    // Not signed in.
    app.get("/api/v1/news").await.assert_problem(401, "unauthenticated");
    let _ = (&fx.n1, &fx.n2);
}

#[actix_web::test]
async fn study_fields_are_public_reference_data_the_operator_corrects() {
    let app = TestApp::init();
    let fx = fixture(&app).await;

    // manual 1.3: "大學 18 學群", "技職 20 群類".
    let list = app.get("/api/v1/study-fields").await;
    assert_eq!(list.status, 200, "{}", list.text());
    let list = list.json();
    let items = list.as_array().unwrap();
    assert_eq!(items.iter().filter(|f| f["kind"] == "university").count(), 18);
    assert_eq!(items.iter().filter(|f| f["kind"] == "vocational").count(), 20);
    assert_eq!(items[0]["name"], "資訊學群");
    assert_eq!(items[0]["url"], "https://collego.edu.tw");
    assert_eq!(items[18]["kind"], "vocational");
    assert!(items.iter().all(|f| f["url"].as_str().unwrap().starts_with("https://") && !f["description"].as_str().unwrap().is_empty()));
    let id = items[0]["id"].as_i64().unwrap();

    // Only the operator corrects; a school admin, a student: role required; nothing changed.
    let body = json!({"name": "資訊學群", "description": "<b>程式</b>與資料", "url": "https://collego.edu.tw/Highschool/"});
    app.put_as(&format!("/api/v1/study-fields/{id}"), &fx.admin1, body.clone()).await.assert_problem(403, "role_required");
    app.put_as(&format!("/api/v1/study-fields/{id}"), &fx.student1, body.clone()).await.assert_problem(403, "role_required");
    for bad in ["javascript:alert(1)", "http://collego.edu.tw", "https://", "https://a b"] {
        let r = app.put_as(&format!("/api/v1/study-fields/{id}"), &fx.op, json!({"name": "資訊學群", "description": "x", "url": bad})).await;
        let p = r.assert_problem(422, "validation_failed");
        assert!(p["errors"]["url"].is_array(), "{bad}: {p}");
    }
    app.put_as("/api/v1/study-fields/999999", &fx.op, body.clone()).await.assert_problem(404, "not_found");
    let unchanged = app.get("/api/v1/study-fields").await.json();
    assert_eq!(unchanged[0]["description"], items[0]["description"]);

    let ok = app.put_as(&format!("/api/v1/study-fields/{id}"), &fx.op, body).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["description"], "程式與資料");
    assert_eq!(app.get("/api/v1/study-fields").await.json()[0]["url"], "https://collego.edu.tw/Highschool/");
    app.put_as(&format!("/api/v1/study-fields/{id}"), &fx.op, json!({"name": "x"})).await.assert_problem(400, "invalid_json");
}

#[actix_web::test]
async fn the_editors_list_is_paged_and_the_unread_count_counts_every_news_item() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let now = app.state.clock.now();
    let minute = chrono::Duration::minutes(1);
    for i in 1..=25 {
        post(&app, &fx.admin1, json!({"title": format!("公告{i:02}"), "body": "x", "published_at": rfc3339(now - minute * (100 - i))})).await;
    }
    post(&app, &fx.admin1, json!({"title": "置頂 100% 重要", "body": "x", "published_at": rfc3339(now - minute * 200), "pinned": true})).await;

    // The editors' list: the project's pages (`total` over all), pinned first, then newest.
    let page = app.get_as("/api/v1/news/manage?per_page=10", &fx.admin1).await;
    assert_eq!(page.status, 200, "{}", page.text());
    let page = page.json();
    assert_eq!((page["total"].as_i64(), page["page"].as_i64(), page["per_page"].as_i64()), (Some(26), Some(1), Some(10)));
    let first = titles(&page["items"]);
    assert_eq!(first.len(), 10);
    assert_eq!(first[..3], ["置頂 100% 重要", "公告25", "公告24"]);
    let last = app.get_as("/api/v1/news/manage?per_page=10&page=3", &fx.admin1).await.json();
    assert_eq!(titles(&last["items"]), ["公告06", "公告05", "公告04", "公告03", "公告02", "公告01"]);
    // The title filter (wildcards are characters).
    let found = app.get_as("/api/v1/news/manage?q=%E5%85%AC%E5%91%8A1", &fx.admin1).await.json();
    assert_eq!(found["total"], 10, "公告10 … 公告19");
    assert_eq!(titles(&app.get_as("/api/v1/news/manage?q=100%25", &fx.admin1).await.json()["items"]), ["置頂 100% 重要"]);
    assert_eq!(app.get_as("/api/v1/news/manage?q=_", &fx.admin1).await.json()["total"], 0);
    app.get_as("/api/v1/news/manage?per_page=0", &fx.admin1).await.assert_problem(422, "validation_failed");
    app.get_as("/api/v1/news/manage?page=0", &fx.op).await.assert_problem(422, "validation_failed");
    app.get_as("/api/v1/news/manage?per_page=10", &fx.teacher1).await.assert_problem(403, "role_required");
    assert_eq!(app.get_as("/api/v1/news/manage", &fx.admin2).await.json()["total"], 0, "another school's admin: their own news only");

    // The home page shows a few, but `unread` counts every unread news item (was: of those shown).
    let home = app.get_as("/api/v1/news?limit=5", &fx.student1).await.json();
    assert_eq!(home["items"].as_array().unwrap().len(), 5);
    assert_eq!(home["unread"], 26);
    let id = home["items"][0]["id"].as_i64().unwrap();
    assert_eq!(app.post_as(&format!("/api/v1/news/{id}/read"), &fx.student1, json!({})).await.status, 204);
    assert_eq!(app.get_as("/api/v1/news?limit=1", &fx.student1).await.json()["unread"], 25);
    assert_eq!(app.get_as("/api/v1/news?limit=1", &fx.teacher1).await.json()["unread"], 26);
    assert_eq!(app.get_as("/api/v1/news", &fx.admin2).await.json()["unread"], 0, "N1's news are not N2's to read");
}

#[actix_web::test]
async fn marking_read_twice_at_once_is_fine() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push(post(&app, &fx.admin1, json!({"title": format!("消息{i}"), "body": "x"})).await["id"].as_i64().unwrap());
    }
    // A double click: two marks of the same news item at once. Both answer 204 (a count-then-
    // insert let both through to the insert, and PostgreSQL answered the second 409).
    for id in &ids {
        let path = format!("/api/v1/news/{id}/read");
        let (a, b) = futures_util::join!(app.post_as(&path, &fx.student1, json!({})), app.post_as(&path, &fx.student1, json!({})));
        assert_eq!((a.status.as_u16(), b.status.as_u16()), (204, 204), "{} / {}", a.text(), b.text());
    }
    assert_eq!(app.get_as("/api/v1/news", &fx.student1).await.json()["unread"], 0);
}

#[actix_web::test]
async fn far_too_long_news_is_refused_before_cleaning() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    // manual 1.2: 最新消息 — a title of 200 characters at most, a body of 10,000; a raw input far
    // beyond (8 bytes a character) is refused at once with 413 `payload_too_large`.
    let r = app.post_as("/api/v1/news", &fx.admin1, json!({"title": "<b></b>".repeat(229), "body": "x"})).await;
    let p = r.assert_problem(413, "payload_too_large");
    assert!(p["errors"]["title"].is_array(), "{p}");
    let p = app.post_as("/api/v1/news", &fx.admin1, json!({"title": "x", "body": "<p>".repeat(26_667)})).await.assert_problem(413, "payload_too_large");
    assert!(p["errors"]["body"].is_array(), "{p}");
    let id = post(&app, &fx.admin1, json!({"title": "x", "body": "y"})).await["id"].as_i64().unwrap();
    app.put_as(&format!("/api/v1/news/{id}"), &fx.admin1, json!({"title": "x", "body": "<p>".repeat(26_667)})).await.assert_problem(413, "payload_too_large");
    // Markup within the bound that cleans down to the limits is kept.
    let ok = post(&app, &fx.admin1, json!({"title": format!("{}{}", "<b></b>".repeat(20), "題".repeat(200)), "body": "x"})).await;
    assert_eq!(ok["title"].as_str().unwrap().chars().count(), 200);
    assert_eq!(app.get_as("/api/v1/news/manage", &fx.admin1).await.json()["total"], 2, "refused input wrote nothing");
}

#[actix_web::test]
async fn every_news_endpoint_refuses_the_wrong_role_and_other_schools() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let id = post(&app, &fx.admin1, json!({"title": "本校", "body": "x"})).await["id"].as_i64().unwrap();
    let b = json!({"title": "改", "body": ""});
    for token in [&fx.student1, &fx.teacher1] {
        app.get_as("/api/v1/news/manage", token).await.assert_problem(403, "role_required");
        app.post_as("/api/v1/news", token, b.clone()).await.assert_problem(403, "role_required");
        app.put_as(&format!("/api/v1/news/{id}"), token, b.clone()).await.assert_problem(403, "role_required");
        app.delete_as(&format!("/api/v1/news/{id}"), token).await.assert_problem(403, "role_required");
    }
    // The role is checked before the body is read: a student's malformed body is still 403.
    app.post_as("/api/v1/news", &fx.student1, json!({"title": 5})).await.assert_problem(403, "role_required");
    for path in ["/api/v1/news", "/api/v1/news/manage"] {
        app.get(path).await.assert_problem(401, "unauthenticated");
    }
    app.post("/api/v1/news", b.clone()).await.assert_problem(401, "unauthenticated");
    app.post(&format!("/api/v1/news/{id}/read"), json!({})).await.assert_problem(401, "unauthenticated");
    // Another school: N2's admin neither sees, edits, deletes nor reads N1's news.
    assert_eq!(app.get_as("/api/v1/news/manage", &fx.admin2).await.json()["total"], 0);
    app.put_as(&format!("/api/v1/news/{id}"), &fx.admin2, b.clone()).await.assert_problem(404, "not_found");
    app.delete_as(&format!("/api/v1/news/{id}"), &fx.admin2).await.assert_problem(404, "not_found");
    app.post_as(&format!("/api/v1/news/{id}/read"), &fx.admin2, json!({})).await.assert_problem(404, "not_found");
    // 認識學群: only the operator changes; another role, not signed in: refused.
    let fields = app.get("/api/v1/study-fields").await.json();
    let fid = fields[0]["id"].as_i64().unwrap();
    let fb = json!({"name": "資訊學群", "description": "x", "url": "https://collego.edu.tw"});
    app.put_as(&format!("/api/v1/study-fields/{fid}"), &fx.teacher1, fb.clone()).await.assert_problem(403, "role_required");
    app.put_as(&format!("/api/v1/study-fields/{fid}"), &fx.admin2, fb.clone()).await.assert_problem(403, "role_required");
    app.json(Method::PUT, &format!("/api/v1/study-fields/{fid}"), None, fb).await.assert_problem(401, "unauthenticated");
    let _ = (&fx.n1, &fx.n2);
}
