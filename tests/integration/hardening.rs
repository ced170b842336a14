//! Hardening (issue #15): one bad request never hurts anyone else.

use diesel::prelude::*;
use licheng::schema::sign_in_failures as f;

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
