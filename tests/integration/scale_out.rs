//! Two `licheng serve` processes on one database and one data directory (issue #9 §2): what one
//! process knows, the other knows too — tokens, refresh-token reuse, the sign-in lockout, stored
//! files — and both write at the same time without "database is locked", also on SQLite.

use std::thread;

use crate::support::blackbox::{HttpReply, Server};
use crate::support::{backend, bytes, multipart, PgDatabase};

const SECRET: &str = "scale-out-test-secret-0123456789abcdef0123";

fn json_post(server: &Server, path: &str, token: Option<&str>, body: serde_json::Value) -> HttpReply {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(a) = &auth {
        headers.push(("Authorization", a.as_str()));
    }
    server.request("POST", path, &headers, Some(body.to_string().as_bytes())).expect("request")
}

fn sign_in(server: &Server, account: &str, password: &str) -> HttpReply {
    json_post(server, "/api/v1/auth/sign-in", None, serde_json::json!({"school": "999999", "account": account, "password": password}))
}

fn get(server: &Server, path: &str, token: &str) -> HttpReply {
    let auth = format!("Bearer {token}");
    server.request("GET", path, &[("Authorization", &auth)], None).expect("request")
}

#[test]
fn two_processes_share_sessions_lockouts_files_and_writes() {
    let dir = tempfile::tempdir().unwrap();
    let pg = (backend() == "postgres").then(PgDatabase::create);
    let url = match &pg {
        Some(pg) => format!("{}?sslmode=disable", pg.url),
        None => format!("sqlite://{}", dir.path().join("data/licheng.db").display()),
    };
    let vars = [
        ("LICHENG_CAPTCHA", "false"),
        ("LICHENG_SECRET_KEY", SECRET),
        ("LICHENG_REMINDER_INTERVAL_SECONDS", "0"),
        ("LICHENG_PRINCIPAL_CACHE_SECONDS", "2"),
    ];
    let a = Server::start_with(dir.path(), &url, &["--demo"], &vars);
    let b = Server::start_with(dir.path(), &url, &[], &vars);

    // A token from A works on B; a refresh token rotated on B is reused on A: detected.
    let pair = sign_in(&a, "999999_114001", "demo2026");
    assert_eq!(pair.status, 200, "{}", String::from_utf8_lossy(&pair.body));
    let pair = pair.json();
    let token = pair["access_token"].as_str().unwrap().to_string();
    assert_eq!(get(&b, "/api/v1/me", &token).status, 200);
    let refresh = pair["refresh_token"].as_str().unwrap();
    let rotated = json_post(&b, "/api/v1/auth/refresh", None, serde_json::json!({"refresh_token": refresh}));
    assert_eq!(rotated.status, 200);
    let reused = json_post(&a, "/api/v1/auth/refresh", None, serde_json::json!({"refresh_token": refresh}));
    assert_eq!((reused.status, reused.json()["code"].as_str().map(str::to_string)), (401, Some("refresh_token_reused".into())));

    // Signing out on A ends the session on B too, within B's principal-cache lifetime (2 s here):
    // A forgets at once, B may still answer from its cache for at most that long.
    let session = sign_in(&a, "999999_114001", "demo2026").json();
    let access = session["access_token"].as_str().unwrap().to_string();
    assert_eq!(get(&b, "/api/v1/me", &access).status, 200);
    let out = json_post(&a, "/api/v1/auth/sign-out", None, serde_json::json!({"refresh_token": session["refresh_token"]}));
    assert_eq!(out.status, 204);
    assert_eq!(get(&a, "/api/v1/me", &access).status, 401, "the signing-out process forgets at once");
    let started = std::time::Instant::now();
    while get(&b, "/api/v1/me", &access).status == 200 {
        assert!(started.elapsed() < std::time::Duration::from_secs(4), "B still accepts a signed-out session after 4 s");
        thread::sleep(std::time::Duration::from_millis(200));
    }

    // Wrong passwords spread over both processes lock the account after five in all.
    for i in 0..5 {
        let server = if i % 2 == 0 { &a } else { &b };
        let expected = if i < 4 { 401 } else { 423 };
        assert_eq!(sign_in(server, "999999_115002", "wrong-password").status, expected, "wrong password {}", i + 1);
    }
    let locked = sign_in(&b, "999999_115002", "demo2026");
    assert_eq!((locked.status, locked.json()["code"].as_str().map(str::to_string)), (423, Some("account_locked".into())));

    // Uploads through both at once: all acknowledged, each readable through the other process.
    let fresh = sign_in(&a, "999999_114001", "demo2026").json()["access_token"].as_str().unwrap().to_string();
    let courses = get(&a, "/api/v1/me/courses", &fresh).json();
    let course = courses["courses"].as_array().unwrap().iter().find(|c| c["subject_name"] == "國語文").unwrap()["id"].as_i64().unwrap();
    // Room for the uploads: the school allows 6 a semester and 3 a subject by default.
    let admin = sign_in(&a, "admin", "demo2026").json()["access_token"].as_str().unwrap().to_string();
    let params = serde_json::json!({"results_per_semester": 20, "results_per_subject": 20, "teacher_reminder_hour": null,
        "remind_results_selection_days": 3, "remind_performances_selection_days": 3, "remind_submit_days": 3, "performances_per_year": 20});
    let auth = format!("Bearer {admin}");
    let put = b.request("PUT", "/api/v1/settings/parameters", &[("Authorization", &auth), ("Content-Type", "application/json")], Some(params.to_string().as_bytes())).unwrap();
    assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.body));
    let servers = [&a, &b];
    let uploaded: Vec<(i64, Vec<u8>, usize)> = thread::scope(|s| {
        let handles: Vec<_> = (0..12)
            .map(|i| {
                let server = servers[i % 2];
                let token = fresh.clone();
                s.spawn(move || {
                    let mut pdf = bytes::pdf(50_000);
                    pdf.extend_from_slice(format!("upload {i}").as_bytes());
                    let (ct, body) = multipart(&[("course_id", &course.to_string()), ("description", &format!("第 {i} 件"))], &[("document", "r.pdf", &pdf)]);
                    let auth = format!("Bearer {token}");
                    let r = server.request("POST", "/api/v1/learning-results", &[("Authorization", &auth), ("Content-Type", &ct)], Some(&body)).expect("upload");
                    assert_eq!(r.status, 201, "upload {i}: {}", String::from_utf8_lossy(&r.body));
                    (r.json()["id"].as_i64().unwrap(), pdf, i % 2)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("upload thread")).collect()
    });
    assert_eq!(uploaded.len(), 12);
    for (id, pdf, via) in uploaded {
        let other = servers[1 - via];
        let file = get(other, &format!("/api/v1/learning-results/{id}/files/document"), &fresh);
        assert_eq!(file.status, 200);
        assert_eq!(file.body, pdf, "result {id} read back through the other process");
    }
    a.kill();
    b.kill();
}
