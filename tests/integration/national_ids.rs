//! National IDs encrypted at rest (issue #26: 「AES-GCM under a key derived from the secret key, with
//! a keyed hash (blind index) for the lookups that need equality; … a `licheng rotate-key` path
//! re-encrypts; a migration encrypts existing rows」).

use diesel::prelude::*;

use crate::support::{TestApp, TEST_SECRET};
use licheng::national_id;
use licheng::schema::users;
use licheng::secrets::Secrets;

fn nid(stem: &str) -> String {
    licheng::demo::national_id(stem)
}

/// Every national-ID value of the accounts as stored: (id, column, blind index).
fn stored(app: &TestApp) -> Vec<(i64, String, Option<String>)> {
    let rows: Vec<(i64, Option<String>, Option<String>)> =
        app.write(|c| Ok(users::table.filter(users::national_id.is_not_null()).order(users::id).select((users::id, users::national_id, users::national_id_index)).load(c)?));
    rows.into_iter().map(|(id, n, i)| (id, n.unwrap(), i)).collect()
}

/// The text of every row of every table (SQLite: the database file and its WAL, byte for byte).
fn raw_database(app: &TestApp) -> String {
    if crate::support::backend() == "postgres" {
        let tables: Vec<String> = app.write(|c| {
            #[derive(QueryableByName)]
            struct T {
                #[diesel(sql_type = diesel::sql_types::Text)]
                name: String,
            }
            let t: Vec<T> = diesel::sql_query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'").load(c)?;
            Ok(t.into_iter().map(|t| t.name).collect())
        });
        let mut out = String::new();
        for table in tables {
            #[derive(QueryableByName)]
            struct R {
                #[diesel(sql_type = diesel::sql_types::Text)]
                row: String,
            }
            let rows: Vec<R> = app.write(|c| Ok(diesel::sql_query(format!("SELECT t::text AS row FROM \"{table}\" t")).load(c)?));
            out.extend(rows.into_iter().map(|r| r.row + "\n"));
        }
        out
    } else {
        let db = app.dir.path().join("test.db");
        let mut bytes = std::fs::read(&db).unwrap();
        bytes.extend(std::fs::read(db.with_extension("db-wal")).unwrap_or_default());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[actix_web::test]
async fn national_ids_are_encrypted_at_rest_and_every_use_still_works() {
    let app = TestApp::init();
    let school = app.school(crate::sync::SCHOOL);
    let key = crate::sync::sync_key(&app, &school, &[licheng::auth::Scope::Sync]);
    crate::sync::load_school(&app, &key).await;
    app.student(&school, "s9", "n226854735");
    let ids = [nid("N22000001"), nid("N22000002"), nid("N12000003"), nid("A10000101"), nid("B20000102"), "N226854735".to_string()];

    // Nothing in the database reads as a national ID.
    let raw = raw_database(&app);
    for id in &ids {
        assert!(!raw.contains(id.as_str()) && !raw.contains(&id.to_lowercase()), "{id} is stored in clear");
    }
    let rows = stored(&app);
    assert_eq!(rows.len(), ids.len());
    assert!(rows.iter().all(|(_, n, i)| n.starts_with(national_id::PREFIX) && i.as_ref().is_some_and(|i| i.len() == 64)), "{rows:?}");

    // The initial password (the national ID) still signs in; a sync batch matches by the index.
    let pair = app.sign_in_pair(crate::sync::SCHOOL, "563401_010001", &nid("N22000001")).await;
    assert_eq!(pair["must_change_password"], true);
    let again = crate::sync::load_school(&app, &key).await;
    assert_eq!(again[1]["updated"], 0, "{:?}", again[1]);
    // Lookups by equality (transfers') find the student in any case.
    let found = app.write(|c| licheng::transfers::students_by_national_id(c, school.id, &[nid("N22000002").to_lowercase(), "A123456789".into()]));
    assert_eq!(found.len(), 1, "{found:?}");
    // The admin sees the mask.
    let admin = app.token(&school, "admin").await;
    let page = app.get_as("/api/v1/accounts?kind=student&q=s9", &admin).await.json();
    assert_eq!(page["items"][0]["national_id_masked"], "N22XXXXX35", "{page}");
}

#[actix_web::test]
async fn rows_stored_in_clear_before_encryption_are_converted_once() {
    let app = TestApp::init();
    let school = app.school("074313");
    let id = app.student(&school, "074313_010001", "N226854735");
    // As the column was before the migration: plain, no index.
    app.write(move |c| Ok(diesel::update(users::table.find(id)).set((users::national_id.eq(Some("N226854735")), users::national_id_index.eq(None::<String>))).execute(c)?));
    let done = national_id::encrypt_existing(&app.state.db).unwrap();
    assert_eq!(done.users, 1);
    let (_, value, index) = stored(&app).into_iter().find(|r| r.0 == id).unwrap();
    assert!(value.starts_with(national_id::PREFIX) && !value.contains("N226854735"), "{value}");
    assert_eq!(index, Some(national_id::index("N226854735").unwrap()));
    assert_eq!(national_id::encrypt_existing(&app.state.db).unwrap(), national_id::Converted::default(), "idempotent");
    assert_eq!(national_id::reveal(Some(&value)).as_deref(), Some("N226854735"));
}

#[actix_web::test]
async fn rotate_key_reencrypts_and_reindexes_and_finishes_after_an_interruption() {
    let app = TestApp::init();
    let school = app.school("074313");
    let a = app.student(&school, "a", "N226854735");
    let b = app.student(&school, "b", "A123456789");
    let (old, new) = (Secrets::from_value(TEST_SECRET), Secrets::from_value("a-new-secret-a-new-secret-a-new-secret-01"));
    let before = stored(&app);

    let done = national_id::rotate(&app.state.db, &old, &new).unwrap();
    assert_eq!((done.users, done.unreadable), (2, 0));
    for (id, value, index) in stored(&app) {
        let plain = national_id::open_with(&new, &value).expect("opens under the new key");
        assert_eq!(national_id::open_with(&old, &value), None, "no longer under the old key");
        assert_eq!(index, Some(national_id::index_with(&new, &plain)));
        assert_eq!(plain, if id == a { "N226854735" } else { "A123456789" });
    }
    assert_eq!(national_id::rotate(&app.state.db, &old, &new).unwrap(), national_id::Converted::default(), "idempotent");

    // Interrupted: one row still under the old key; running it again finishes the job.
    let (_, old_b, old_index) = before.iter().find(|r| r.0 == b).cloned().unwrap();
    app.write(move |c| Ok(diesel::update(users::table.find(b)).set((users::national_id.eq(Some(old_b)), users::national_id_index.eq(old_index))).execute(c)?));
    assert_eq!(national_id::rotate(&app.state.db, &old, &new).unwrap().users, 1);
    // With the wrong previous key nothing is lost: unreadable values are counted and left alone.
    let wrong = Secrets::from_value("wrong-secret-wrong-secret-wrong-secret-01");
    let back = national_id::rotate(&app.state.db, &wrong, &old).unwrap();
    assert_eq!((back.users, back.unreadable), (0, 2));
    // Back under the process's key: lookups work again.
    assert_eq!(national_id::rotate(&app.state.db, &new, &old).unwrap().users, 2);
    let found = app.write(|c| licheng::transfers::students_by_national_id(c, school.id, &["A123456789".to_string()]));
    assert_eq!(found.get("A123456789"), Some(&b));
}
