//! Crash safety of uploads with the real binary (issue #6): a client that breaks off mid-upload
//! leaves nothing; a server killed with SIGKILL mid-upload loses no acknowledged file, shows no
//! half-written one, and `licheng check` finds every file with its SHA-256 after the restart —
//! and reports a corrupted one.

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::support::blackbox::{licheng, Server};
use crate::support::{backend, bytes, multipart, PgDatabase};

fn sign_in(server: &Server, account: &str) -> String {
    let body = serde_json::json!({"school": "999999", "account": account, "password": "demo2026"}).to_string();
    let r = server.request("POST", "/api/v1/auth/sign-in", &[("Content-Type", "application/json")], Some(body.as_bytes())).expect("sign in");
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["access_token"].as_str().unwrap().to_string()
}

/// Sends the head and the first `send` bytes of a multipart upload, and returns the open socket.
fn partial_upload(server: &Server, token: &str, course: i64, total: usize, send: usize) -> TcpStream {
    let (ct, body) = multipart(&[("course_id", &course.to_string()), ("description", "中斷")], &[("document", "big.pdf", &bytes::pdf(total))]);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    let head = format!(
        "POST /api/v1/learning-results HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body[..send]).unwrap();
    stream.flush().unwrap();
    stream
}

fn temporary(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir.join("data/files/tmp")).map(|d| d.count()).unwrap_or(0)
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn acknowledged_uploads_survive_sigkill_and_broken_uploads_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pg = (backend() == "postgres").then(PgDatabase::create);
    let url = match &pg {
        // Loopback needs no TLS; without it no libpq thread is inside OpenSSL when a one-shot
        // `licheng check` exits.
        Some(pg) => format!("{}?sslmode=disable", pg.url),
        None => format!("sqlite://{}", dir.path().join("data/licheng.db").display()),
    };
    let vars = [("LICHENG_CAPTCHA", "false")];
    let server = Server::start_with(dir.path(), &url, &["--demo"], &vars);
    let token = sign_in(&server, "999999_114001");
    let auth = format!("Bearer {token}");
    let courses = server.request("GET", "/api/v1/me/courses", &[("Authorization", &auth)], None).unwrap().json();
    let course_ids: Vec<i64> = courses["courses"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();

    // Five acknowledged uploads.
    let mut acknowledged = Vec::new();
    for n in 0..5 {
        let pdf = bytes::pdf(300_000 + n);
        let (ct, body) = multipart(&[("course_id", &course_ids[n % 3].to_string()), ("description", &format!("成果 {n}"))], &[("document", "r.pdf", &pdf)]);
        let r = server.request("POST", "/api/v1/learning-results", &[("Authorization", &auth), ("Content-Type", &ct)], Some(&body)).unwrap();
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
        acknowledged.push((r.json()["id"].as_i64().unwrap(), bytes::sha256(&pdf)));
    }

    // A client that breaks off mid-file: its temporary file goes, no row appears.
    let stream = partial_upload(&server, &token, course_ids[0], 2_000_000, 700_000);
    wait_until("the partial upload is being written", || temporary(dir.path()) == 1);
    drop(stream);
    wait_until("the broken upload is cleaned up", || temporary(dir.path()) == 0);
    let list = server.request("GET", "/api/v1/learning-results", &[("Authorization", &auth)], None).unwrap().json();
    assert_eq!(list["total"], 5);

    // The server killed in the middle of another upload.
    let _stream = partial_upload(&server, &token, course_ids[1], 2_000_000, 900_000);
    wait_until("the second partial upload is being written", || temporary(dir.path()) == 1);
    server.kill();

    // After the restart: the abandoned temporary file is gone, every acknowledged file is there.
    let server = Server::start_with(dir.path(), &url, &[], &vars);
    assert_eq!(temporary(dir.path()), 0, "start-up removes the dead process's temporary file");
    let token = sign_in(&server, "999999_114001");
    let auth = format!("Bearer {token}");
    let list = server.request("GET", "/api/v1/learning-results", &[("Authorization", &auth)], None).unwrap().json();
    assert_eq!(list["total"], 5, "no half upload became a row");
    for (id, sha) in &acknowledged {
        let file = server.request("GET", &format!("/api/v1/learning-results/{id}/files/document"), &[("Authorization", &auth)], None).unwrap();
        assert_eq!(file.status, 200);
        assert_eq!(&bytes::sha256(&file.body), sha);
    }
    drop(server);
    let check = licheng(dir.path(), &url, &["check", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&check.stdout)));
    assert!(check.status.success(), "{report} {:?}: {}", check.status, String::from_utf8_lossy(&check.stderr));
    assert_eq!(report["checked"], 5);
    assert_eq!(report["missing"].as_array().unwrap().len(), 0);
    assert_eq!(report["corrupt"].as_array().unwrap().len(), 0);

    // A stored file damaged on disk, another one lost: `licheng check` says so and fails.
    let (_, bad) = &acknowledged[0];
    let (_, gone) = &acknowledged[1];
    let path = |sha: &str| dir.path().join("data/files").join(&sha[..2]).join(&sha[2..4]).join(sha);
    std::fs::write(path(bad), b"%PDF-1.7 tampered").unwrap();
    std::fs::remove_file(path(gone)).unwrap();
    let check = licheng(dir.path(), &url, &["check"]);
    let out = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{out} {}", String::from_utf8_lossy(&check.stderr));
    assert!(out.contains(&format!("corrupt {bad}")) && out.contains(&format!("missing {gone}")) && out.contains("PROBLEMS FOUND"), "{out}");
}
