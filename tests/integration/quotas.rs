//! Storage quotas, the upload rate and the removal of files nothing live refers to (issue #15
//! §5), on the demo school: students 114001 (class 201) and 113001 (class 301).

use std::time::{Duration, SystemTime};

use actix_web::http::Method;
use diesel::prelude::*;

use crate::support::{bytes, TestApp};
use crate::uploads::course_id;
use licheng::schema::{learning_results as lr, stored_files as sf};
use licheng::uploads::files;

const S: &str = "999999_114001";
const S2: &str = "999999_113001";

async fn create(app: &TestApp, token: &str, subject: &str, text: &str, pdf: &[u8]) -> crate::support::Reply {
    let course = course_id(app, token, subject).await.to_string();
    app.upload(Method::POST, "/api/v1/learning-results", token, &[("course_id", &course), ("description", text)], &[("document", "a.pdf", pdf)]).await
}

async fn replace(app: &TestApp, token: &str, id: i64, pdf: &[u8]) -> crate::support::Reply {
    app.upload(Method::PUT, &format!("/api/v1/learning-results/{id}"), token, &[], &[("document", "b.pdf", pdf)]).await
}

fn file_rows(app: &TestApp) -> i64 {
    app.write(|c| Ok(sf::table.count().get_result(c)?))
}

fn quota_app(adjust: impl FnOnce(&mut licheng::config::Config)) -> TestApp {
    TestApp::with_config(|c| {
        c.student_quota_bytes = 0;
        c.school_quota_bytes = 0;
        c.uploads_per_hour = 0;
        adjust(c);
    })
}

#[actix_web::test]
async fn a_students_quota_counts_only_live_items() {
    let app = quota_app(|c| c.student_quota_bytes = 10_000);
    app.demo();
    let student = app.demo_token(S).await;
    let first = create(&app, &student, "國語文", "一", &bytes::pdf(6_000)).await;
    assert_eq!(first.status, 201, "{}", first.text());
    let id = first.json()["id"].as_i64().unwrap();

    // 6 000 + 5 000 bytes would pass 10 000: refused whole, nothing kept.
    let rows = file_rows(&app);
    let over = create(&app, &student, "英語文", "二", &bytes::pdf(5_000)).await.assert_problem(413, "quota_exceeded");
    assert!(over["detail"].as_str().unwrap().contains("MB"), "{over}");
    assert_eq!(file_rows(&app), rows);
    assert_eq!(app.temporary_files(), 0);

    // Two files of one request count together.
    let course = course_id(&app, &student, "數學").await.to_string();
    let both: [(&str, &str, &[u8]); 2] = [("document", "d.pdf", &bytes::pdf(2_500)), ("video", "v.mp4", &bytes::mp4(2_000))];
    let two = app.upload(Method::POST, "/api/v1/learning-results", &student, &[("course_id", &course), ("description", "兩個")], &both).await;
    two.assert_problem(413, "quota_exceeded");
    assert_eq!(file_rows(&app), rows);

    // Replacing a file frees the old one's share; so does deleting an item.
    assert_eq!(replace(&app, &student, id, &bytes::pdf(9_000)).await.status, 200);
    replace(&app, &student, id, &bytes::pdf(10_001)).await.assert_problem(413, "quota_exceeded");
    assert_eq!(app.delete_as(&format!("/api/v1/learning-results/{id}"), &student).await.status, 204);
    assert_eq!(create(&app, &student, "英語文", "三", &bytes::pdf(9_500)).await.status, 201);
}

#[actix_web::test]
async fn a_schools_quota_counts_every_student() {
    let app = quota_app(|c| c.school_quota_bytes = 12_000);
    app.demo();
    let (one, two) = (app.demo_token(S).await, app.demo_token(S2).await);
    let subject = |v: &serde_json::Value| v["courses"][0]["subject_name"].as_str().unwrap().to_string();
    let s2_subject = subject(&app.get_as("/api/v1/me/courses", &two).await.json());
    assert_eq!(create(&app, &one, "國語文", "一", &bytes::pdf(7_000)).await.status, 201);
    let over = create(&app, &two, &s2_subject, "二", &bytes::pdf(6_000)).await.assert_problem(413, "quota_exceeded");
    assert!(over["detail"].as_str().unwrap().contains("學校"), "{over}");
    assert_eq!(create(&app, &two, &s2_subject, "三", &bytes::pdf(4_000)).await.status, 201);
}

#[actix_web::test]
async fn uploads_per_user_and_hour_are_limited() {
    let app = quota_app(|c| c.uploads_per_hour = 3);
    app.demo();
    let student = app.demo_token(S).await;
    let other = app.demo_token(S2).await;
    let id = create(&app, &student, "國語文", "一", &bytes::pdf(1_000)).await.json()["id"].as_i64().unwrap();
    assert_eq!(replace(&app, &student, id, &bytes::pdf(1_001)).await.status, 200);
    assert_eq!(replace(&app, &student, id, &bytes::pdf(1_002)).await.status, 200);
    let limited = replace(&app, &student, id, &bytes::pdf(1_003)).await;
    limited.assert_problem(429, "rate_limited");
    let wait: i64 = limited.headers.get("Retry-After").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0);
    assert!((1..=3600).contains(&wait), "Retry-After {wait}");
    // Another student is not held up.
    let s2_subject = app.get_as("/api/v1/me/courses", &other).await.json()["courses"][0]["subject_name"].as_str().unwrap().to_string();
    assert_eq!(create(&app, &other, &s2_subject, "別人", &bytes::pdf(1_004)).await.status, 201);
    // An hour later it works again.
    app.state.clock.advance(3601);
    let student = app.demo_token(S).await;
    assert_eq!(replace(&app, &student, id, &bytes::pdf(1_005)).await.status, 200);
}

/// Makes a stored file look written two hours ago.
fn age(app: &TestApp, sha: &str) {
    let path = app.dir.path().join("files").join(&sha[..2]).join(&sha[2..4]).join(sha);
    let file = std::fs::File::options().append(true).open(&path).expect("stored file");
    file.set_modified(SystemTime::now() - Duration::from_secs(7200)).expect("set mtime");
}

fn on_disk(app: &TestApp, sha: &str) -> bool {
    app.dir.path().join("files").join(&sha[..2]).join(&sha[2..4]).join(sha).is_file()
}

#[actix_web::test]
async fn unreferenced_files_are_removed_but_never_a_live_or_young_one() {
    let app = quota_app(|_| {});
    app.demo();
    let student = app.demo_token(S).await;
    let (a, b, c) = (bytes::pdf(3_001), bytes::pdf(3_002), bytes::pdf(3_003));
    let kept = create(&app, &student, "國語文", "留下", &a).await.json()["id"].as_i64().unwrap();
    assert_eq!(replace(&app, &student, kept, &b).await.status, 200);
    let gone = create(&app, &student, "英語文", "刪除", &c).await.json()["id"].as_i64().unwrap();
    assert_eq!(app.delete_as(&format!("/api/v1/learning-results/{gone}"), &student).await.status, 204);
    // A stored file no row knows yet: an upload whose transaction has not committed.
    let store = files::store(&app.state.config);
    let in_flight = bytes::pdf(3_004);
    let mut upload = store.begin(1 << 20).unwrap();
    upload.write(&in_flight).unwrap();
    upload.finish(licheng::storage::FileKind::DOCUMENTS).unwrap();
    let shas = [&a, &b, &c, &in_flight].map(|f| bytes::sha256(f));

    // Within the hour nothing goes, whatever the age on disk.
    for sha in &shas[..3] {
        age(&app, sha);
    }
    let now = app.state.clock.now();
    let swept = files::sweep(&app.state.db, &store, now, files::GRACE_SECONDS).unwrap();
    assert_eq!((swept.rows, swept.files), (0, 0));
    assert_eq!(file_rows(&app), 3);

    // An hour later: the replaced file and the deleted item's file go; the live one and the
    // young in-flight one stay.
    app.state.clock.advance(3601);
    let swept = files::sweep(&app.state.db, &store, app.state.clock.now(), files::GRACE_SECONDS).unwrap();
    assert_eq!((swept.rows, swept.files, swept.bytes), (2, 2, 6_004));
    assert_eq!(file_rows(&app), 1);
    assert_eq!([&shas[0], &shas[1], &shas[2], &shas[3]].map(|s| on_disk(&app, s)), [false, true, false, true]);
    let deleted_files: (Option<i64>, Option<i64>) = app.write(|c| Ok(lr::table.find(gone).select((lr::document_file_id, lr::video_file_id)).first(c)?));
    assert_eq!(deleted_files, (None, None));
    let student = app.demo_token(S).await;
    let live = app.get_as(&format!("/api/v1/learning-results/{kept}/files/document"), &student).await;
    assert_eq!(live.status, 200);
    assert_eq!(live.body, b);

    // Once old, the in-flight file that never got its row goes too.
    age(&app, &shas[3]);
    let swept = files::sweep(&app.state.db, &store, app.state.clock.now(), files::GRACE_SECONDS).unwrap();
    assert_eq!((swept.rows, swept.files), (0, 1));
    assert!(on_disk(&app, &shas[1]));
}

/// Stores `content` in the data directory's file store without any row (as a placed upload
/// whose transaction has not committed, or one left by a crash), `old` or just written.
fn stray(data: &std::path::Path, content: &[u8], old: bool) -> std::path::PathBuf {
    let store = licheng::storage::FileStore::new(data);
    let mut upload = store.begin(1 << 20).unwrap();
    upload.write(content).unwrap();
    let stored = upload.finish(licheng::storage::FileKind::DOCUMENTS).unwrap();
    let path = store.path_of(&stored.sha256);
    if old {
        let file = std::fs::File::options().append(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(7200)).unwrap();
    }
    path
}

#[test]
fn licheng_check_remove_orphans_keeps_a_young_file() {
    let dir = tempfile::tempdir().unwrap();
    let pg = (crate::support::backend() == "postgres").then(crate::support::PgDatabase::create);
    let url = match &pg {
        Some(pg) => format!("{}?sslmode=disable", pg.url),
        None => format!("sqlite://{}", dir.path().join("data/licheng.db").display()),
    };
    let migrated = crate::support::blackbox::licheng(dir.path(), &url, &["migrate"]);
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
    let data = dir.path().join("data");
    let old = stray(&data, &bytes::pdf(5_001), true);
    let young = stray(&data, &bytes::pdf(5_002), false);

    let check = crate::support::blackbox::licheng(dir.path(), &url, &["check", "--remove-orphans", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&check.stdout)));
    assert!(check.status.success(), "{report}: {}", String::from_utf8_lossy(&check.stderr));
    assert_eq!(report["removed"]["files"], 1, "{report}");
    assert_eq!(report["removed"]["bytes"], 5_001, "{report}");
    assert!(!old.exists(), "the old unreferenced file is removed");
    assert!(young.exists(), "a young one may belong to an upload about to commit");
    assert_eq!(report["orphans"].as_array().unwrap().len(), 1, "{report}");
}
