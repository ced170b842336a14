//! Backup and restore with the real binary (issue #26): a backup taken while uploads run restores
//! into an empty data directory and database with every upload acknowledged before it began, byte
//! for byte; backups are incremental; a partial or corrupt backup is refused and restores nothing.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::support::blackbox::{licheng, Client, Server};
use crate::support::{backend, bytes, multipart, PgDatabase};

fn sign_in(server: &Server, account: &str) -> String {
    let body = serde_json::json!({"school": "999999", "account": account, "password": "demo2026"}).to_string();
    let r = server.request("POST", "/api/v1/auth/sign-in", &[("Content-Type", "application/json")], Some(body.as_bytes())).expect("sign in");
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    format!("Bearer {}", r.json()["access_token"].as_str().unwrap())
}

fn course_ids(server: &Server, auth: &str) -> Vec<i64> {
    let courses = server.request("GET", "/api/v1/me/courses", &[("Authorization", auth)], None).unwrap().json();
    courses["courses"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
}

/// Uploads a learning result with a pdf of `size` bytes; its id and the pdf when acknowledged.
fn upload(server: &Client, auth: &str, course: i64, size: usize) -> Option<(i64, Vec<u8>)> {
    let pdf = bytes::pdf(size);
    let (ct, body) = multipart(&[("course_id", &course.to_string())], &[("document", "r.pdf", &pdf)]);
    let r = server.request("POST", "/api/v1/learning-results", &[("Authorization", auth), ("Content-Type", &ct)], Some(&body)).ok()?;
    (r.status == 201).then(|| (r.json()["id"].as_i64().unwrap_or_default(), pdf))
}

/// A fresh database for a restore target (SQLite inside `dir`, or a new PostgreSQL database).
fn target(dir: &Path) -> (Option<PgDatabase>, String) {
    let pg = (backend() == "postgres").then(PgDatabase::create);
    let url = match &pg {
        Some(pg) => format!("{}?sslmode=disable", pg.url),
        None => format!("sqlite://{}", dir.join("data/licheng.db").display()),
    };
    (pg, url)
}

fn text(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn stored_files(dir: &Path) -> usize {
    walk(&dir.join("data/files"))
}

fn walk(p: &Path) -> usize {
    match std::fs::read_dir(p) {
        Ok(d) => d.filter_map(|e| e.ok()).map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum(),
        Err(_) => 0,
    }
}

#[test]
fn a_backup_taken_while_uploads_run_restores_every_acknowledged_upload() {
    let live = tempfile::tempdir().unwrap();
    let (_pg_live, live_url) = target(live.path());
    let server = Server::start_with(live.path(), &live_url, &["--demo"], &[("LICHENG_CAPTCHA", "false")]);
    let auth = sign_in(&server, "999999_114001");
    let courses = course_ids(&server, &auth);
    let acknowledged: Vec<(i64, Vec<u8>)> = (0..4).map(|n| upload(&server.client(), &auth, courses[n % courses.len()], 200_000 + n).expect("upload")).collect();

    // Another student keeps uploading while the backup runs.
    let other = sign_in(&server, "999999_114002");
    let other_courses = course_ids(&server, &other);
    let stop = Arc::new(AtomicBool::new(false));
    let (client, flag) = (server.client(), stop.clone());
    let busy = std::thread::spawn(move || {
        let mut n = 0;
        while !flag.load(Ordering::Relaxed) && n < 40 {
            let _ = upload(&client, &other, other_courses[n % other_courses.len()], 150_000 + n);
            n += 1;
        }
    });
    let backups = tempfile::tempdir().unwrap();
    let to = backups.path().to_string_lossy().into_owned();
    let out = licheng(live.path(), &live_url, &["backup", "--to", &to]);
    stop.store(true, Ordering::Relaxed);
    busy.join().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("snapshot "), "{}", text(&out));

    // Incremental: a second backup copies only what is new, a third nothing.
    let second = licheng(live.path(), &live_url, &["backup", "--to", &to]);
    assert!(second.status.success(), "{}", text(&second));
    let third = licheng(live.path(), &live_url, &["backup", "--to", &to, "--keep", "2"]);
    assert!(text(&third).contains("copied now: 0 (0 bytes)"), "{}", text(&third));
    assert!(text(&third).contains("snapshots removed: 1"), "{}", text(&third));
    drop(server);

    // Restored elsewhere: every acknowledged upload is there, byte for byte, and the check is clean.
    let restored = tempfile::tempdir().unwrap();
    let (_pg_restored, restored_url) = target(restored.path());
    let out = licheng(restored.path(), &restored_url, &["restore", "--from", &to]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("missing: 0; corrupt: 0"), "{}", text(&out));
    let check = licheng(restored.path(), &restored_url, &["check"]);
    assert!(check.status.success(), "{}", text(&check));
    let server = Server::start_with(restored.path(), &restored_url, &[], &[("LICHENG_CAPTCHA", "false")]);
    let auth = sign_in(&server, "999999_114001");
    for (id, pdf) in &acknowledged {
        let r = server.request("GET", &format!("/api/v1/learning-results/{id}/files/document"), &[("Authorization", &auth)], None).unwrap();
        assert_eq!(r.status, 200, "result {id}");
        assert!(r.body == *pdf, "result {id}'s file differs after the restore");
    }
    drop(server);

    // Never over a living installation.
    let again = licheng(restored.path(), &restored_url, &["restore", "--from", &to]);
    assert!(!again.status.success(), "{}", text(&again));

    // A corrupt file in the backup: verify says so, and a restore writes nothing.
    let store = backups.path().join("store");
    let victim = std::fs::read_dir(&store).unwrap().filter_map(|e| e.ok()).flat_map(|a| std::fs::read_dir(a.path()).unwrap().filter_map(|e| e.ok())).flat_map(|b| std::fs::read_dir(b.path()).unwrap().filter_map(|e| e.ok())).next().unwrap().path();
    let mut bytes_of = std::fs::read(&victim).unwrap();
    bytes_of[100] ^= 0xff;
    std::fs::write(&victim, &bytes_of).unwrap();
    let verify = licheng(restored.path(), &restored_url, &["restore", "--from", &to, "--verify-only"]);
    assert!(!verify.status.success() && text(&verify).contains("is corrupt"), "{}", text(&verify));
    let empty = tempfile::tempdir().unwrap();
    let (_pg_empty, empty_url) = target(empty.path());
    let refused = licheng(empty.path(), &empty_url, &["restore", "--from", &to]);
    assert!(!refused.status.success() && text(&refused).contains("nothing was restored"), "{}", text(&refused));
    assert_eq!(stored_files(empty.path()), 0);
    assert!(!empty.path().join("data/licheng.db").exists());

    // A snapshot without its manifest (a backup cut off) is not a backup.
    let cut = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(cut.path().join("snapshots/20261206T000000Z")).unwrap();
    let refused = licheng(empty.path(), &empty_url, &["restore", "--from", &cut.path().to_string_lossy()]);
    assert!(!refused.status.success() && text(&refused).contains("no complete snapshot"), "{}", text(&refused));
}
