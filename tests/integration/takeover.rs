//! Account takeover paths (issue #15 §7): e-mail changes, sync and user-set addresses, API key
//! expiry and address ranges, what a `read` key sees, reset links after a password change, and
//! the absolute lifetime of a session.

use actix_web::test::TestRequest;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::support::smtp::{local_mail, SmtpServer};
use crate::support::{TestApp, PASSWORD};
use crate::sync::{push_ok, sync_key, SCHOOL};
use licheng::accounts::session;
use licheng::schema::users;

const NID: &str = "A123456789";

fn email_body(email: &str, backup: Value, password: Option<&str>) -> Value {
    let mut body = json!({"email": email, "backup_email": backup});
    if let Some(p) = password {
        body["current_password"] = json!(p);
    }
    body
}

async fn configure_mail(app: &TestApp, admin: &str, port: u16) {
    let r = app
        .put_as(
            "/api/v1/mail-settings",
            admin,
            json!({"host": "127.0.0.1", "port": port, "encryption": "none", "sender_address": "noreply@school.example"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[actix_web::test]
async fn changing_the_email_needs_the_password_and_tells_the_old_addresses() {
    let smtp = SmtpServer::start();
    let app = TestApp::with_config(local_mail);
    let school = app.school("074313");
    let sid = app.student(&school, "s1", NID);
    let admin = app.token(&school, "admin").await;
    configure_mail(&app, &admin, smtp.port).await;
    app.write(|c| {
        diesel::update(users::table.find(sid))
            .set((users::email.eq(Some("old@example.com")), users::backup_email.eq(Some("parent@example.com"))))
            .execute(c)?;
        Ok(())
    });
    let token = app.token(&school, "s1").await;

    // Someone holding only the session (a stolen token, an unlocked screen) cannot redirect
    // the forgot-password mail.
    let path = "/api/v1/me/email";
    app.put_as(path, &token, email_body("thief@example.com", json!(null), None)).await.assert_problem(400, "invalid_json");
    let wrong = app.put_as(path, &token, email_body("thief@example.com", json!(null), Some("guess-1234"))).await.assert_problem(422, "old_password_incorrect");
    assert!(wrong["errors"]["current_password"].is_array(), "{wrong}");
    let me = app.get_as("/api/v1/me", &token).await.json();
    assert_eq!(me["user"]["email"], "old@example.com");

    let ok = app.put_as(path, &token, email_body("new@example.com", json!("parent@example.com"), Some(PASSWORD))).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["user"]["email"], "new@example.com");
    // Both previous addresses are told, not the new one.
    let mails = smtp.wait_for(2).await;
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(to, vec!["<old@example.com>", "<parent@example.com>"], "{to:?}");
    assert!(mails[0].text().contains("電子郵件剛剛變更"), "{}", mails[0].text());
    let set_by_user: bool = app.write(|c| Ok(users::table.find(sid).select(users::email_set_by_user).first(c)?));
    assert!(set_by_user);
}

#[actix_web::test]
async fn a_sync_batch_keeps_an_address_the_user_set_and_audits_email_and_id_changes() {
    let app = TestApp::init();
    let school = app.school(SCHOOL);
    let key = sync_key(&app, &school, &[licheng::auth::Scope::Sync]);
    let admin = app.token(&school, "admin").await;
    let id1 = licheng::national_id::complete("N22000001");
    let id2 = licheng::national_id::complete("N22000002");
    let row = |number: &str, nid: &str, email: &str| {
        json!({"number": number, "national_id": nid, "name": "王小明", "birth_date": null, "gender": "M", "department": "普通科",
               "program": null, "division": "day", "entry_year": 114, "grade": 2, "class_code": "201", "seat_no": 1, "status": "在學", "email": email})
    };
    push_ok(&app, &key, "students", (115, 1), json!([row("010001", &id1, "school1@example.com"), row("010002", &id2, "school2@example.com")])).await;

    // Student 010001 sets an own address (after the first password change).
    let account = format!("{SCHOOL}_010001");
    let first = app.sign_in_pair(SCHOOL, &account, &id1).await;
    let changed = app
        .post_as("/api/v1/me/password", first["access_token"].as_str().unwrap(), json!({"old_password": id1, "new_password": "Own-pass-2026"}))
        .await
        .json();
    let token = changed["access_token"].as_str().unwrap().to_string();
    let own = app.put_as("/api/v1/me/email", &token, email_body("mine@example.com", json!(null), Some("Own-pass-2026"))).await;
    assert_eq!(own.status, 200, "{}", own.text());

    // The next batch carries new addresses for both and a corrected ID for 010002.
    let id2_fixed = licheng::national_id::complete("N22000012");
    push_ok(&app, &key, "students", (115, 1), json!([row("010001", &id1, "school1-new@example.com"), row("010002", &id2_fixed, "school2-new@example.com")])).await;
    let emails: Vec<(String, Option<String>)> = app.write(|c| {
        Ok(users::table.filter(users::school_id.eq(school.id)).filter(users::number.is_not_null()).order(users::number).select((users::account, users::email)).load(c)?)
    });
    assert_eq!(emails[0].1.as_deref(), Some("mine@example.com"), "the user's own address stays");
    assert_eq!(emails[1].1.as_deref(), Some("school2-new@example.com"), "a school-given address follows the school");

    // Each sync change of an address or national ID is in the audit log under its account.
    let events = app.get_as("/api/v1/audit-events?per_page=100", &admin).await.json();
    let sync_events: Vec<(String, String)> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"].as_str().is_some_and(|k| k.ends_with("_by_sync")))
        .map(|e| (e["event"].as_str().unwrap().to_string(), e["actor"].as_str().unwrap_or("").to_string()))
        .collect();
    let mut sync_events = sync_events;
    sync_events.sort();
    let other = format!("{SCHOOL}_010002");
    assert_eq!(sync_events, vec![("email_changed_by_sync".to_string(), other.clone()), ("national_id_changed_by_sync".to_string(), other)]);
    assert!(!events.to_string().contains(&id2_fixed), "no national ID in the audit log");
}

/// A GET with an API key from a given client address.
async fn get_from(app: &TestApp, path: &str, key: &str, peer: Option<&str>) -> crate::support::Reply {
    let mut req = TestRequest::get().uri(path).insert_header(("Authorization", format!("Bearer {key}")));
    if let Some(peer) = peer {
        req = req.peer_addr(peer.parse().unwrap());
    }
    app.send(req).await
}

#[actix_web::test]
async fn api_keys_expire_and_can_be_limited_to_address_ranges() {
    let app = TestApp::init();
    let school = app.school("074313");
    let admin = app.token(&school, "admin").await;
    let now = app.state.clock.now_utc();
    let at = |seconds: i64| (now + chrono::Duration::seconds(seconds)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let create = |body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { app.post_as("/api/v1/api-keys", &admin, body).await }
    };

    // Expiry: in the future, at most five years ahead.
    for bad in [at(-60), at(6 * 366 * 24 * 3600)] {
        let p = create(json!({"name": "k", "scopes": ["read"], "expires_at": bad})).await.assert_problem(422, "validation_failed");
        assert!(p["errors"]["expires_at"].is_array(), "{p}");
    }
    let expiring = create(json!({"name": "短期", "scopes": ["read"], "expires_at": at(3600)})).await;
    assert_eq!(expiring.status, 201, "{}", expiring.text());
    let expiring = expiring.json();
    assert_eq!(expiring["expires_at"], at(3600));
    let secret = expiring["secret"].as_str().unwrap();
    assert_eq!(get_from(&app, "/api/v1/terms", secret, None).await.status, 200);
    app.state.clock.advance(3601);
    get_from(&app, "/api/v1/terms", secret, None).await.assert_problem(401, "token_expired");

    // Address ranges.
    let admin = app.token(&school, "admin").await;
    for bad in [json!(["10.0.0.0/33"]), json!(["school.example"]), json!([]), json!(vec!["10.0.0.1"; 21])] {
        let body = json!({"name": "k", "scopes": ["read"], "allowed_networks": bad});
        let p = app.post_as("/api/v1/api-keys", &admin, body).await.assert_problem(422, "validation_failed");
        assert!(p["errors"]["allowed_networks"].is_array(), "{bad}: {p}");
        if bad == json!([]) {
            assert!(p["errors"]["allowed_networks"][0].as_str().unwrap().contains("至少"), "{p}");
        }
    }
    let ranged = app.post_as("/api/v1/api-keys", &admin, json!({"name": "廠商", "scopes": ["read"], "allowed_networks": ["203.0.113.0/24", "2001:db8::/32"]})).await;
    assert_eq!(ranged.status, 201, "{}", ranged.text());
    let ranged = ranged.json();
    assert_eq!(ranged["allowed_networks"], json!(["203.0.113.0/24", "2001:db8::/32"]));
    let secret = ranged["secret"].as_str().unwrap();
    assert_eq!(get_from(&app, "/api/v1/terms", secret, Some("203.0.113.9:40000")).await.status, 200);
    assert_eq!(get_from(&app, "/api/v1/terms", secret, Some("[2001:db8::7]:40000")).await.status, 200);
    get_from(&app, "/api/v1/terms", secret, Some("198.51.100.7:40000")).await.assert_problem(403, "forbidden");
    get_from(&app, "/api/v1/terms", secret, None).await.assert_problem(403, "forbidden");
    let listed = app.get_as("/api/v1/api-keys", &admin).await.json();
    assert!(listed.as_array().unwrap().iter().any(|k| k["allowed_networks"] == json!(["203.0.113.0/24", "2001:db8::/32"])));
}

#[actix_web::test]
async fn read_keys_see_neither_national_ids_nor_pending_password_changes() {
    let app = TestApp::init();
    let school = app.school("074313");
    app.student(&school, "s1", NID);
    let admin = app.token(&school, "admin").await;
    let key = app.post_as("/api/v1/api-keys", &admin, json!({"name": "reader", "scopes": ["read"]})).await.json();
    let key = key["secret"].as_str().unwrap();

    let seen = app.get_as("/api/v1/accounts?kind=student", key).await;
    assert_eq!(seen.status, 200, "{}", seen.text());
    let seen = seen.json();
    let row = &seen["items"][0];
    assert_eq!(row["account"], "s1");
    assert!(row["national_id_masked"].is_null(), "{row}");
    assert!(row.get("must_change_password").is_none(), "{row}");
    assert!(!seen.to_string().contains("A12"), "no part of the ID: {seen}");
    // The admin sees the masked ID, five characters hidden.
    let by_admin = app.get_as("/api/v1/accounts?kind=student", &admin).await.json();
    let masked = by_admin["items"][0]["national_id_masked"].as_str().unwrap().to_string();
    assert_eq!(masked.chars().filter(|c| *c == 'X').count(), 5, "{masked}");
    assert_eq!(by_admin["items"][0]["must_change_password"], false);
}

#[actix_web::test]
async fn a_password_change_or_reset_cancels_outstanding_reset_links() {
    let app = TestApp::init();
    let school = app.school("074313");
    let sid = app.student(&school, "s1", NID);
    let now = app.state.clock.now();
    let reset = |token: &str, password: &str| json!({"token": token, "new_password": password});

    // Links asked for before a password change no longer work after it.
    let before = app.write(|c| session::create_reset(c, sid, now));
    let token = app.token(&school, "s1").await;
    let changed = app.post_as("/api/v1/me/password", &token, json!({"old_password": PASSWORD, "new_password": "Changed-2026"})).await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    app.post("/api/v1/auth/reset-password", reset(&before, "Attacker-2026")).await.assert_problem(400, "reset_token_invalid");

    // Of two links, using one spends the other.
    let (a, b) = app.write(|c| Ok((session::create_reset(c, sid, now)?, session::create_reset(c, sid, now)?)));
    assert_eq!(app.post("/api/v1/auth/reset-password", reset(&a, "Reset-one-2026")).await.status, 204);
    app.post("/api/v1/auth/reset-password", reset(&b, "Reset-two-2026")).await.assert_problem(400, "reset_token_invalid");

    // The admin's reset to the initial password spends them too.
    let c_token = app.write(|c| session::create_reset(c, sid, now));
    let admin = app.token(&school, "admin").await;
    assert_eq!(app.post_as("/api/v1/accounts/reset-password", &admin, json!({"user_ids": [sid]})).await.status, 200);
    app.post("/api/v1/auth/reset-password", reset(&c_token, "Reset-three-2026")).await.assert_problem(400, "reset_token_invalid");
}

#[actix_web::test]
async fn a_session_ends_after_its_absolute_lifetime_however_often_it_is_refreshed() {
    let app = TestApp::with_config(|c| {
        c.refresh_token_seconds = 3000;
        c.refresh_family_max_seconds = 3600;
    });
    let school = app.school("074313");
    app.teacher(&school, "t1");
    let mut pair = app.sign_in_pair("074313", "t1", PASSWORD).await;
    let refresh = |pair: &Value| json!({"refresh_token": pair["refresh_token"]});
    // Refreshed within each token's own lifetime...
    app.state.clock.advance(2000);
    let next = app.post("/api/v1/auth/refresh", refresh(&pair)).await;
    assert_eq!(next.status, 200, "{}", next.text());
    pair = next.json();
    app.state.clock.advance(1500);
    let next = app.post("/api/v1/auth/refresh", refresh(&pair)).await;
    assert_eq!(next.status, 200, "{}", next.text());
    pair = next.json();
    // ...but not past an hour from the sign-in.
    app.state.clock.advance(200);
    app.post("/api/v1/auth/refresh", refresh(&pair)).await.assert_problem(401, "refresh_token_invalid");
    // A new sign-in starts a new session.
    let again = app.sign_in_pair("074313", "t1", PASSWORD).await;
    assert_eq!(app.post("/api/v1/auth/refresh", refresh(&again)).await.status, 200);
}
