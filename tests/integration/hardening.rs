//! Hardening (issue #15): one bad request never hurts anyone else.

use diesel::prelude::*;
use licheng::schema::sign_in_failures as f;
use serde_json::json;

use crate::support::TestApp;

fn rows(conn: &mut licheng::db::DbConn, client: &str) -> i64 {
    f::table.filter(f::client.eq(client)).count().get_result(conn).expect("count")
}

/// A panic inside `Db::write` must not give its connection back to the pool with the transaction
/// (and on SQLite the write lock) still open: every later write on every pooled connection has
/// to commit and be visible to another connection.
#[actix_web::test]
async fn a_panic_mid_transaction_poisons_no_connection() {
    let app = TestApp::with_config(|c| c.pool_size = 3);
    let now = app.state.clock.now();
    let outcome = app
        .state
        .db
        .write(move |c| {
            diesel::insert_into(f::table).values((f::client.eq("panicked"), f::failed_at.eq(now))).execute(c)?;
            if now.and_utc().timestamp() != 0 {
                panic!("a handler panics in the middle of its transaction");
            }
            Ok(())
        })
        .await;
    let err = outcome.expect_err("the panic is an error, not a success");
    assert_eq!(err.code.as_str(), "internal_error");

    // Hold every connection of the pool at once, so the one the panic used is among them, and
    // write on each.
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(app.state.db.get().expect("a pooled connection"));
    }
    for (i, conn) in held.iter_mut().enumerate() {
        let client = format!("after-{i}");
        let conn: &mut licheng::db::DbConn = conn;
        conn.transaction::<_, diesel::result::Error, _>(|c| {
            diesel::insert_into(f::table).values((f::client.eq(&client), f::failed_at.eq(now))).execute(c)?;
            Ok(())
        })
        .expect("write commits");
    }
    // Another connection, outside the pool, sees each of them and nothing of the panicked one.
    let other = licheng::db::Db::connect(&app.state.config.database_url(), 1).expect("second pool");
    let mut conn = other.get().expect("connection");
    for i in 0..3 {
        assert_eq!(rows(&mut conn, &format!("after-{i}")), 1, "write on pooled connection {i} was lost");
    }
    assert_eq!(rows(&mut conn, "panicked"), 0, "the panicked transaction must roll back");
    drop(conn);
    drop(held);
    // And the application itself keeps working: a write through the normal path commits.
    app.state
        .db
        .write(move |c| {
            diesel::insert_into(f::table).values((f::client.eq("later"), f::failed_at.eq(now))).execute(c)?;
            Ok(())
        })
        .await
        .expect("later write");
    let mut conn = other.get().expect("connection");
    assert_eq!(rows(&mut conn, "later"), 1);
}

fn window(start: &str, end: &str) -> serde_json::Value {
    serde_json::json!({"results_start": start, "results_end": end, "performances_start": start, "performances_end": end})
}

/// Dates from requests are range-checked (1912–2200) with a 422 naming the field before any
/// arithmetic touches them: the absurd date that once panicked inside a write transaction.
#[actix_web::test]
async fn absurd_dates_are_named_refusals_and_hurt_no_later_write() {
    let app = TestApp::init();
    let school = app.school("074313");
    let admin = app.token(&school, "admin").await;
    let op = app.operator().await;

    let far = app.put_as("/api/v1/national-windows/115", &op, window("2026-08-01", "+262142-12-31")).await;
    let body = far.assert_problem(422, "validation_failed");
    assert!(body["errors"]["results_end"].is_array() && body["errors"]["performances_end"].is_array(), "{body}");
    assert!(body["errors"].get("results_start").is_none(), "{body}");
    let early = app.put_as("/api/v1/national-windows/115", &op, window("1900-01-01", "2027-11-30")).await;
    assert!(early.assert_problem(422, "validation_failed")["errors"]["results_start"].is_array());
    app.put_as("/api/v1/national-windows/115", &op, window("2026-08-01", "2027-11-30")).await;

    let period = |start: &str, end: &str| {
        serde_json::json!({"academic_year": 115, "semester": 1, "grade": 1, "item": "upload_results",
            "start_date": start, "start_hour": 8, "end_date": end, "end_hour": 23})
    };
    for (start, end, field) in [
        ("2026-09-01", "+262142-12-31", "end_date"),
        ("-262000-01-01", "2026-12-31", "start_date"),
        ("2201-01-01", "2026-12-31", "start_date"),
    ] {
        let r = app.post_as("/api/v1/work-periods", &admin, period(start, end)).await;
        let body = r.assert_problem(422, "validation_failed");
        assert!(body["errors"][field].is_array(), "{start}..{end}: {body}");
    }
    // A filter of a read endpoint too.
    let r = app.get_as("/api/v1/sync/batches?from=%2B262142-12-31", &admin).await;
    assert!(r.assert_problem(422, "validation_failed")["errors"]["from"].is_array());

    // A window stored before these checks with an absurd end (legacy data) makes a period save a
    // plain refusal, not a panic; a normal save still works afterwards.
    let stored = chrono::NaiveDate::from_ymd_opt(262_142, 12, 31).expect("date");
    app.write(|c| {
        diesel::update(licheng::schema::national_windows::table.find(115))
            .set(licheng::schema::national_windows::results_end.eq(stored))
            .execute(c)?;
        Ok(())
    });
    let r = app.post_as("/api/v1/work-periods", &admin, period("2026-09-01", "2026-12-31")).await;
    assert!(r.status.as_u16() < 500, "{}", r.text());
    app.put_as("/api/v1/national-windows/115", &op, window("2026-08-01", "2027-11-30")).await;
    let saved = app.post_as("/api/v1/work-periods", &admin, period("2026-09-02", "2026-12-31")).await;
    assert!(saved.status.is_success() || saved.status.as_u16() == 409, "{}", saved.text());
    // Sign-ins still commit (they write) after all of it.
    app.token(&school, "admin").await;
}

async fn sign_in_from(app: &TestApp, addr: &str, body: serde_json::Value) -> crate::support::Reply {
    app.send(actix_web::test::TestRequest::post().uri("/api/v1/auth/sign-in").peer_addr(addr.parse().expect("addr")).set_json(body)).await
}

fn audit_count(app: &TestApp, event: &str, actor: &str) -> i64 {
    use licheng::schema::audit_events as a;
    let (event, actor) = (event.to_string(), actor.to_string());
    app.write(move |c| Ok(a::table.filter(a::event.eq(event)).filter(a::actor.eq(actor)).count().get_result(c)?))
}

/// 25 wrong passwords at once for one account check at most 5 hashes before the lock (each
/// checked hash is one `sign_in_failed` event), and the account is locked afterwards.
#[actix_web::test]
async fn concurrent_wrong_passwords_check_at_most_five_hashes() {
    let app = TestApp::with_config(|c| {
        c.pool_size = 8;
        c.sign_in_account_client_limit = 100;
    });
    let school = app.school("074313");
    app.teacher(&school, "t1");
    let attempts = (0..25).map(|i| {
        let app = &app;
        async move {
            sign_in_from(app, &format!("10.9.0.{}:4000", i + 1), json!({"school": "074313", "account": "t1", "password": "wrong-password"})).await
        }
    });
    let replies = futures_util::future::join_all(attempts).await;
    let mut statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    statuses.sort();
    assert!(statuses.iter().all(|s| *s == 401 || *s == 423), "{statuses:?}");
    let hashed = audit_count(&app, "sign_in_failed", "t1");
    assert!((1..=5).contains(&hashed), "{hashed} passwords were checked");
    assert_eq!(audit_count(&app, "account_locked", "t1"), 1);
    app.post("/api/v1/auth/sign-in", json!({"school": "074313", "account": "t1", "password": crate::support::PASSWORD}))
        .await
        .assert_problem(423, "account_locked");
}

/// A name that is no account gets the answers a real one would, lock included.
#[actix_web::test]
async fn unknown_accounts_answer_like_known_ones_even_when_locked() {
    let app = TestApp::init();
    let school = app.school("074313");
    app.teacher(&school, "t1");
    let mut real = Vec::new();
    let mut ghost = Vec::new();
    for _ in 0..6 {
        real.push(app.post("/api/v1/auth/sign-in", json!({"school": "074313", "account": "t1", "password": "nope"})).await);
        ghost.push(app.post("/api/v1/auth/sign-in", json!({"school": "074313", "account": "nobody", "password": "nope"})).await);
    }
    for (i, (r, g)) in real.iter().zip(&ghost).enumerate() {
        assert_eq!(r.status, g.status, "attempt {i}: {} vs {}", r.text(), g.text());
        assert_eq!(r.json()["code"], g.json()["code"], "attempt {i}");
        assert_eq!(r.headers.get("retry-after").is_some(), g.headers.get("retry-after").is_some(), "attempt {i}");
    }
    assert_eq!(real[4].json()["code"], "account_locked");
    assert_eq!(real[0].json()["code"], "invalid_credentials");
}

/// Two schools behind one address: one school's typos do not refuse the other's students; past
/// the address-wide limit a captcha is asked for, and solving it lets them in.
#[actix_web::test]
async fn one_address_shared_by_two_schools() {
    let app = TestApp::with_config(|c| {
        c.sign_in_client_limit = 4;
        c.sign_in_account_client_limit = 3;
    });
    let a = app.school("074313");
    let b = app.school("074314");
    app.teacher(&a, "ta");
    app.teacher(&b, "tb");
    let nat = "203.0.113.7:1000";
    for _ in 0..3 {
        sign_in_from(&app, nat, json!({"school": "074313", "account": "ta", "password": "typo"})).await.assert_problem(401, "invalid_credentials");
    }
    // School B's teacher, same address: signs in (3 failures < the address limit of 4).
    let ok = sign_in_from(&app, nat, json!({"school": "074314", "account": "tb", "password": crate::support::PASSWORD})).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    sign_in_from(&app, nat, json!({"school": "074314", "account": "tb", "password": "typo"})).await.assert_problem(401, "invalid_credentials");
    // The address has failed 4 times: B's teacher is asked for a captcha, not refused.
    let asked = sign_in_from(&app, nat, json!({"school": "074314", "account": "tb", "password": crate::support::PASSWORD})).await;
    asked.assert_problem(429, "captcha_required");
    let now = app.state.clock.now();
    let id = licheng::auth::captcha::issue(&app.state.secrets, "12345", now);
    let solved = sign_in_from(
        &app,
        nat,
        json!({"school": "074314", "account": "tb", "password": crate::support::PASSWORD, "captcha_id": id, "captcha_answer": "12345"}),
    )
    .await;
    assert_eq!(solved.status, 200, "{}", solved.text());
}

/// A refresh token or a reset token used by several requests at once works once: eight threads
/// released together each spend it in their own transaction.
#[actix_web::test]
async fn parallel_use_of_one_token_succeeds_once() {
    let app = TestApp::with_config(|c| c.pool_size = 8);
    let school = app.school("074313");
    let teacher = app.teacher(&school, "t1");
    let pair = app.sign_in_pair("074313", "t1", crate::support::PASSWORD).await;
    let refresh = pair["refresh_token"].as_str().expect("refresh").to_string();
    let now = app.state.clock.now();
    let reset = app.write(|c| licheng::accounts::session::create_reset(c, teacher, now));

    let race = |f: std::sync::Arc<dyn Fn(&mut licheng::db::DbConn) -> bool + Send + Sync>| {
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (db, barrier, f) = (app.state.db.clone(), barrier.clone(), f.clone());
                std::thread::spawn(move || {
                    let mut conn = db.get().expect("connection");
                    barrier.wait();
                    conn.transaction::<bool, licheng::error::ApiError, _>(|c| Ok(f(c))).unwrap_or(false)
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().expect("thread")).filter(|ok| *ok).count()
    };
    let state = app.state.clone();
    let won = race(std::sync::Arc::new(move |c| {
        matches!(
            licheng::accounts::session::refresh(&state.secrets, &state.config, c, &refresh, "test", now),
            Ok(licheng::accounts::session::RefreshOutcome::Rotated(_))
        )
    }));
    assert_eq!(won, 1, "the refresh token was spent {won} times");
    let won = race(std::sync::Arc::new(move |c| licheng::accounts::session::take_reset(c, &reset, now).is_ok()));
    assert_eq!(won, 1, "the reset token was spent {won} times");
}

async fn sign_in_via(app: &TestApp, peer: &str, forwarded_for: &str, account: &str) -> crate::support::Reply {
    app.send(
        actix_web::test::TestRequest::post()
            .uri("/api/v1/auth/sign-in")
            .peer_addr(peer.parse().expect("addr"))
            .insert_header(("X-Forwarded-For", forwarded_for))
            .set_json(json!({"school": "074313", "account": account, "password": "typo"})),
    )
    .await
}

/// `X-Forwarded-For` is believed only from a trusted proxy: behind the load balancer each client
/// counts on its own; a client talking to us directly cannot dodge its limit by inventing one.
#[actix_web::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let app = TestApp::with_config(|c| {
        c.trusted_proxies = vec!["10.0.0.0/8".into()];
        c.sign_in_account_client_limit = 2;
    });
    app.school("074313");
    for _ in 0..2 {
        sign_in_via(&app, "10.0.0.2:443", "198.51.100.1", "ghost").await.assert_problem(401, "invalid_credentials");
    }
    sign_in_via(&app, "10.0.0.2:443", "198.51.100.1", "ghost").await.assert_problem(429, "rate_limited");
    // Another client behind the same balancer is not limited by the first one's attempts.
    sign_in_via(&app, "10.0.0.3:443", "198.51.100.2", "ghost").await.assert_problem(401, "invalid_credentials");
    // A forged chain from a trusted hop: the nearest untrusted entry counts, not the leftmost.
    sign_in_via(&app, "10.0.0.2:443", "7.7.7.7, 198.51.100.1", "ghost").await.assert_problem(429, "rate_limited");

    // Directly from an untrusted address, the header is ignored.
    sign_in_via(&app, "203.0.113.5:1", "1.1.1.1", "ghost2").await.assert_problem(401, "invalid_credentials");
    sign_in_via(&app, "203.0.113.5:1", "2.2.2.2", "ghost2").await.assert_problem(401, "invalid_credentials");
    sign_in_via(&app, "203.0.113.5:1", "3.3.3.3", "ghost2").await.assert_problem(429, "rate_limited");

    let clients: Vec<String> = app.write(|c| {
        use licheng::schema::audit_events as a;
        Ok(a::table.filter(a::event.eq("sign_in_failed")).select(a::client_addr).load::<Option<String>>(c)?.into_iter().flatten().collect())
    });
    assert!(clients.iter().any(|c| c == "198.51.100.1") && clients.iter().any(|c| c == "203.0.113.5"), "{clients:?}");
    assert!(!clients.iter().any(|c| c == "1.1.1.1" || c == "7.7.7.7"), "{clients:?}");
}

/// A known path asked with a method it does not answer: `405` with `Allow`, not `404`.
#[actix_web::test]
async fn wrong_methods_get_405_with_allow() {
    let app = TestApp::init();
    let r = app.send(actix_web::test::TestRequest::delete().uri("/api/v1/auth/sign-in")).await;
    r.assert_problem(405, "method_not_allowed");
    assert_eq!(r.headers.get("allow").and_then(|v| v.to_str().ok()), Some("POST"));
    let r = app.send(actix_web::test::TestRequest::patch().uri("/api/v1/work-periods/12")).await;
    r.assert_problem(405, "method_not_allowed");
    let allow = r.headers.get("allow").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(allow.contains("PUT") && allow.contains("DELETE"), "{allow}");
    let r = app.send(actix_web::test::TestRequest::post().uri("/api/v1/sync/batches")).await;
    r.assert_problem(405, "method_not_allowed");
    // The students' items, registered by `uploads::served` with a guard a method, fall through
    // to the same answer.
    let r = app.send(actix_web::test::TestRequest::patch().uri("/api/v1/performances/12")).await;
    r.assert_problem(405, "method_not_allowed");
    assert_eq!(r.headers.get("allow").and_then(|v| v.to_str().ok()), Some("GET, PUT, DELETE"));
    let r = app.send(actix_web::test::TestRequest::delete().uri("/api/v1/learning-results")).await;
    r.assert_problem(405, "method_not_allowed");
    assert_eq!(r.headers.get("allow").and_then(|v| v.to_str().ok()), Some("GET, POST"));
    let r = app.send(actix_web::test::TestRequest::post().uri("/healthz")).await;
    r.assert_problem(405, "method_not_allowed");
    assert_eq!(r.headers.get("allow").and_then(|v| v.to_str().ok()), Some("GET"));
    // A literal path beside a template (`/news/manage` beside `/news/{id}`) is itself (schemathesis ST204).
    let r = app.send(actix_web::test::TestRequest::put().uri("/api/v1/news/manage")).await;
    r.assert_problem(405, "method_not_allowed");
    assert_eq!(r.headers.get("allow").and_then(|v| v.to_str().ok()), Some("GET"));
    // A template with more literal segments is the resource (`…/{id}/selection` beside
    // `…/{id}/{slot}`): its methods, not the sibling's (schemathesis ST205).
    let r = app.send(actix_web::test::TestRequest::default().method(actix_web::http::Method::OPTIONS).uri("/api/v1/transfers/items/5/selection")).await;
    r.assert_problem(405, "method_not_allowed");
    assert_eq!(r.headers.get("allow").and_then(|v| v.to_str().ok()), Some("PUT, DELETE"));
    // Unknown paths stay 404.
    app.send(actix_web::test::TestRequest::delete().uri("/api/v1/no-such-thing")).await.assert_problem(404, "route_not_found");
}

/// Security headers on every response: API answers, errors and the operations endpoints.
#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::with_config(|c| c.hsts_seconds = 31_536_000);
    let school = app.school("074313");
    let admin = app.token(&school, "admin").await;
    for r in [
        app.get("/healthz").await,
        app.get_as("/api/v1/me", &admin).await,
        app.get("/api/v1/me").await,
        app.get("/api/v1/nothing-here").await,
    ] {
        let h = |name: &str| r.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert_eq!(h("x-content-type-options"), "nosniff");
        assert_eq!(h("referrer-policy"), "no-referrer");
        assert_eq!(h("x-frame-options"), "DENY");
        let csp = h("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self';"), "{csp}");
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
        assert_eq!(h("strict-transport-security"), "max-age=31536000; includeSubDomains");
    }
    let me = app.get_as("/api/v1/me", &admin).await;
    assert_eq!(me.headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    // Without the setting, no HSTS (plain-HTTP deployments would be broken by it).
    let plain = TestApp::init();
    assert!(plain.get("/healthz").await.headers.get("strict-transport-security").is_none());
}

/// Metrics labels come from closed sets, and the endpoint can require a token.
#[actix_web::test]
async fn metrics_labels_are_bounded_and_the_endpoint_can_need_a_token() {
    let app = TestApp::with_config(|c| c.metrics_token = Some("metrics-token-0123456789".into()));
    for i in 0..20 {
        let method = actix_web::http::Method::from_bytes(format!("INVENTED{i}").as_bytes()).expect("method");
        app.send(actix_web::test::TestRequest::default().method(method).uri(&format!("/api/v1/random-{i}"))).await;
    }
    app.get("/metrics").await.assert_problem(401, "unauthenticated");
    let text = app
        .send(actix_web::test::TestRequest::get().uri("/metrics").insert_header(("Authorization", "Bearer metrics-token-0123456789")))
        .await
        .text();
    assert!(!text.contains("INVENTED") && !text.contains("random-"), "{text}");
    assert!(text.contains("method=\"OTHER\""), "{text}");
}

/// Signing out ends the session's access tokens at once, not when they expire.
#[actix_web::test]
async fn sign_out_ends_the_access_tokens_of_its_session() {
    let app = TestApp::init();
    let school = app.school("074313");
    let pair = app.sign_in_pair("074313", "admin", crate::support::PASSWORD).await;
    let other = app.token(&school, "admin").await;
    let access = pair["access_token"].as_str().expect("access").to_string();
    assert_eq!(app.get_as("/api/v1/me", &access).await.status, 200);
    let out = app.post("/api/v1/auth/sign-out", json!({"refresh_token": pair["refresh_token"]})).await;
    assert_eq!(out.status, 204);
    app.get_as("/api/v1/me", &access).await.assert_problem(401, "invalid_token");
    // Another session of the same user goes on.
    assert_eq!(app.get_as("/api/v1/me", &other).await.status, 200);
}

/// A school the operator deactivated: its sessions and API keys stop working.
#[actix_web::test]
async fn an_inactive_schools_sessions_and_keys_stop_working() {
    let app = TestApp::init();
    let school = app.school("074313");
    let admin = app.token(&school, "admin").await;
    let key = app.post_as("/api/v1/api-keys", &admin, json!({"name": "vendor", "scopes": ["read"]})).await;
    assert_eq!(key.status, 201, "{}", key.text());
    let key = key.json()["secret"].as_str().expect("secret").to_string();
    assert_eq!(app.get_as("/api/v1/terms", &key).await.status, 200);
    app.write(|c| {
        diesel::update(licheng::schema::schools::table.find(school.id)).set(licheng::schema::schools::active.eq(false)).execute(c)?;
        Ok(())
    });
    // The operator's change reaches every process within the principal-cache lifetime.
    app.state.clock.advance(app.state.config.principal_cache_seconds as i64 + 1);
    app.get_as("/api/v1/me", &admin).await.assert_problem(403, "account_inactive");
    app.get_as("/api/v1/terms", &key).await.assert_problem(403, "account_inactive");
}

/// Sign-in by school name when two schools share it asks for the code; new schools cannot take
/// a name already in use; the demo operator changes its initial password first.
#[actix_web::test]
async fn school_names_for_sign_in_are_unambiguous() {
    let app = TestApp::init();
    let a = app.school("074313");
    let b = app.school("074314");
    app.write(|c| {
        diesel::update(licheng::schema::schools::table.find(b.id)).set(licheng::schema::schools::name.eq(format!("測試高中{}", a.code))).execute(c)?;
        Ok(())
    });
    let r = app.post("/api/v1/auth/sign-in", json!({"school": "測試高中074313", "account": "admin", "password": crate::support::PASSWORD})).await;
    assert!(r.assert_problem(422, "validation_failed")["errors"]["school"].is_array());
    app.sign_in_pair("074314", "admin", crate::support::PASSWORD).await;

    licheng::demo::seed(&app.state.db, app.state.clock.now()).expect("demo");
    let first = app.sign_in_pair("", "operator", licheng::demo::PASSWORD).await;
    assert_eq!(first["must_change_password"], true);
    let op = first["access_token"].as_str().expect("token").to_string();
    app.get_as("/api/v1/schools", &op).await.assert_problem(403, "password_change_required");
    let op = app.demo_operator().await;
    let dup = app.post_as("/api/v1/schools", &op, json!({"code": "123456", "name": "測試高中074313"})).await;
    dup.assert_problem(409, "conflict");
}

/// Oversized id arrays are a 422 naming the field, never a database error.
#[actix_web::test]
async fn oversized_id_arrays_are_refused() {
    let app = TestApp::init();
    let school = app.school("074313");
    let teacher = app.teacher(&school, "t1");
    let admin = app.token(&school, "admin").await;
    let many: Vec<i64> = (1..=40_000).collect();
    for (path, field) in [
        (format!("/api/v1/consultants/{teacher}/classes"), "class_ids"),
        (format!("/api/v1/counselors/{teacher}/students"), "student_ids"),
        ("/api/v1/role-groups/1/members".to_string(), "user_ids"),
    ] {
        let r = app.put_as(&path, &admin, json!({ field: many })).await;
        assert!(r.assert_problem(422, "validation_failed")["errors"][field].is_array(), "{path}");
    }
}

/// A download is offered under the extension of the type its bytes were detected as, without
/// the invisible characters that would disguise it (`報告` + U+202E + `fdp.exe` shows as `報告exe.pdf`).
#[actix_web::test]
async fn download_names_end_in_the_detected_type() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token("999999_114001").await;
    let course = crate::uploads::course_id(&app, &student, "國語文").await.to_string();
    let pdf = crate::support::bytes::pdf(2000);
    let created = app
        .upload(
            actix_web::http::Method::POST,
            "/api/v1/learning-results",
            &student,
            &[("course_id", &course), ("description", "報告")],
            &[("document", "報告\u{202E}fdp.exe", &pdf)],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_i64().expect("id");
    let doc = app.get_as(&format!("/api/v1/learning-results/{id}/files/document?download=true"), &student).await;
    let disposition = doc.headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(disposition.ends_with("fdp.exe.pdf"), "{disposition}");
    assert!(!disposition.contains("%E2%80%AE"), "the bidi override is gone: {disposition}");
}

/// What a script did to the old SVG captcha: read each digit's strokes off the markup. Returns
/// the digits it could read, or `None` when the image has no strokes to read.
fn stroke_solver(data_url: &str) -> Option<String> {
    use base64::Engine;
    let b64 = data_url.split_once("base64,")?.1;
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let paths: Vec<&str> = text.split("<path d=\"").skip(1).filter_map(|p| p.split('"').next()).collect();
    if paths.is_empty() {
        return None;
    }
    Some(paths.iter().map(|p| char::from(b'0' + (p.matches('L').count() % 10) as u8)).collect())
}

/// The captcha is a raster a stroke-reading script cannot read, issued without a database write,
/// single use across instances.
#[actix_web::test]
async fn captchas_are_rasters_issued_without_writes_and_used_once() {
    let app = TestApp::with_config(|c| c.captcha = true);
    let school = app.school("074313");
    app.teacher(&school, "t1");
    let mut solved = 0;
    for _ in 0..50 {
        let c = app.get("/api/v1/auth/captcha").await.json();
        let image = c["image"].as_str().expect("image");
        assert!(image.starts_with("data:image/png;base64,"), "{}", &image[..40.min(image.len())]);
        if stroke_solver(image).is_some() {
            solved += 1;
        }
    }
    assert_eq!(solved, 0, "the stroke solver read {solved} of 50");
    let stored: i64 = app.write(|c| Ok(licheng::schema::captchas::table.count().get_result(c)?));
    assert_eq!(stored, 0, "issuing a captcha writes nothing");

    let now = app.state.clock.now();
    let id = licheng::auth::captcha::issue(&app.state.secrets, "24680", now);
    let body = json!({"school": "074313", "account": "t1", "password": crate::support::PASSWORD, "captcha_id": id, "captcha_answer": "24680"});
    assert_eq!(app.post("/api/v1/auth/sign-in", body.clone()).await.status, 200);
    app.post("/api/v1/auth/sign-in", body).await.assert_problem(400, "captcha_invalid");
    // Spent in the database, so another instance (another process's memory) refuses it too.
    let id = licheng::auth::captcha::issue(&app.state.secrets, "13579", now);
    let solved = licheng::auth::captcha::verify(&app.state.secrets, Some(&id), Some("13579"), now).expect("right answer");
    app.write(|c| licheng::auth::captcha::spend(c, &solved, now));
    let again = app.state.db.write_blocking(|c| licheng::auth::captcha::spend(c, &solved, now));
    assert_eq!(again.expect_err("spent").code.as_str(), "captcha_invalid");
    // A tampered id is refused.
    // (One character inside the MAC changed to another: the last character would carry padding
    // bits and could decode to the same bytes.)
    let issued = licheng::auth::captcha::issue(&app.state.secrets, "11111", now);
    let forged: String = issued.char_indices().map(|(i, c)| if i == 50 { if c == 'A' { 'B' } else { 'A' } } else { c }).collect();
    assert_ne!(forged, issued);
    let body = json!({"school": "074313", "account": "t1", "password": crate::support::PASSWORD, "captcha_id": forged, "captcha_answer": "11111"});
    app.post("/api/v1/auth/sign-in", body).await.assert_problem(400, "captcha_invalid");
}

/// Someone holding a signed-in session cannot guess the current password through the password
/// or e-mail change: wrong answers count like sign-ins and lock the account.
#[actix_web::test]
async fn current_password_checks_count_toward_the_lock() {
    let app = TestApp::init();
    let school = app.school("074313");
    app.teacher(&school, "t1");
    let token = app.token(&school, "t1").await;
    for i in 0..4 {
        let r = app.post_as("/api/v1/me/password", &token, json!({"old_password": format!("guess-{i}"), "new_password": "Another-pass-9Zq"})).await;
        r.assert_problem(422, "old_password_incorrect");
    }
    let r = app.put_as("/api/v1/me/email", &token, json!({"email": "t1@example.edu.tw", "current_password": "guess-5"})).await;
    r.assert_problem(423, "account_locked");
    // Locked: even the right password is refused, here and at sign-in.
    let r = app.post_as("/api/v1/me/password", &token, json!({"old_password": crate::support::PASSWORD, "new_password": "Another-pass-9Zq"})).await;
    r.assert_problem(423, "account_locked");
    app.post("/api/v1/auth/sign-in", json!({"school": "074313", "account": "t1", "password": crate::support::PASSWORD}))
        .await
        .assert_problem(423, "account_locked");
}

/// Anonymous requests never wait for the write lock: a captcha is issued and an unknown API key
/// refused while another connection holds the database's write lock (SQLite) or an exclusive
/// lock on the tables they would write (PostgreSQL).
#[actix_web::test]
async fn anonymous_requests_take_no_write_lock() {
    let app = TestApp::init();
    app.school("074313");
    let url = app.state.config.database_url();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let other = licheng::db::Db::connect(&url, 1).expect("pool");
        let mut conn = other.get().expect("connection");
        let conn: &mut licheng::db::DbConn = &mut conn;
        let lock = match conn {
            licheng::db::DbConn::Sqlite(_) => "BEGIN IMMEDIATE",
            licheng::db::DbConn::Postgresql(_) => "BEGIN; LOCK TABLE api_keys, captchas IN EXCLUSIVE MODE",
        };
        diesel::connection::SimpleConnection::batch_execute(conn, lock).expect("lock");
        locked_tx.send(()).expect("send");
        let _ = release_rx.recv_timeout(std::time::Duration::from_secs(60));
        diesel::connection::SimpleConnection::batch_execute(conn, "ROLLBACK").expect("rollback");
    });
    locked_rx.recv().expect("locked");
    let started = std::time::Instant::now();
    let captcha = app.get("/api/v1/auth/captcha").await;
    assert_eq!(captcha.status, 200, "{}", captcha.text());
    app.get_as("/api/v1/terms", "lc_unknown_0123456789abcdef").await.assert_problem(401, "invalid_token");
    let waited = started.elapsed();
    release_tx.send(()).expect("release");
    holder.join().expect("holder");
    assert!(waited < std::time::Duration::from_secs(5), "anonymous requests waited {waited:?} for the write lock");
}

/// Refusals name roles as people call them, not by their codes (issue #24).
#[actix_web::test]
async fn role_refusals_use_role_names() {
    let app = TestApp::init();
    let school = app.school("074313");
    app.teacher(&school, "t1");
    let teacher = app.token(&school, "t1").await;
    let r = app.get_as("/api/v1/api-keys", &teacher).await;
    let body = r.assert_problem(403, "role_required");
    assert_eq!(body["detail"], "此功能限校管理者使用。");
    let en = app
        .send(actix_web::test::TestRequest::get().uri("/api/v1/api-keys").insert_header(("Authorization", format!("Bearer {teacher}"))).insert_header(("Accept-Language", "en")))
        .await;
    assert_eq!(en.json()["detail"], "Only a school administrator may use this.");
}

/// The principal cache (issue #25): an authenticated user's roles are reused for at most
/// `principal_cache_seconds`, and a change made through this process takes effect at once.
#[actix_web::test]
async fn cached_principals_are_bounded_in_age_and_invalidated_by_changes() {
    let app = TestApp::with_config(|c| c.principal_cache_seconds = 5);
    let school = app.school("074313");
    let admin_id = school.admin_id;
    let admin = app.token(&school, "admin").await;
    assert_eq!(app.get_as("/api/v1/api-keys", &admin).await.status, 200);
    // A change behind the application's back (as another process would make): served from the
    // cache until its lifetime is over, then refused.
    app.write(|c| {
        diesel::delete(licheng::schema::user_roles::table.filter(licheng::schema::user_roles::user_id.eq(admin_id))).execute(c)?;
        Ok(())
    });
    assert_eq!(app.get_as("/api/v1/api-keys", &admin).await.status, 200, "served from the cache");
    app.state.clock.advance(6);
    app.get_as("/api/v1/api-keys", &admin).await.assert_problem(403, "role_required");

    // A change through this process (a password change) takes effect at once.
    let other = TestApp::with_config(|c| c.principal_cache_seconds = 60);
    let s = other.school("074313");
    other.teacher(&s, "t1");
    let pair = other.sign_in_pair("074313", "t1", crate::support::PASSWORD).await;
    let old = pair["access_token"].as_str().expect("token").to_string();
    assert_eq!(other.get_as("/api/v1/me", &old).await.status, 200);
    let changed = other.post_as("/api/v1/me/password", &old, json!({"old_password": crate::support::PASSWORD, "new_password": "Brand-new-pass-7Qz"})).await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    other.get_as("/api/v1/me", &old).await.assert_problem(401, "invalid_token");
}
