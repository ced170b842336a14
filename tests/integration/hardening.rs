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
