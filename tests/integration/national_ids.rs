//! National IDs encrypted at rest (issue #26: 「AES-GCM under a key derived from the secret key, with
//! a keyed hash (blind index) for the lookups that need equality; … a `licheng rotate-key` path
//! re-encrypts; a migration encrypts existing rows」).

use diesel::prelude::*;

use crate::support::{TestApp, TEST_SECRET};
use licheng::national_id;
use licheng::schema::users;
use licheng::secrets::Secrets;

fn nid(stem: &str) -> String {
    licheng::national_id::complete(stem)
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

/// Runs the `licheng` binary on the app's database and data directory: (success, output).
fn cli(app: &TestApp, args: &[&str]) -> (bool, String) {
    let url = match crate::support::backend() {
        "postgres" => format!("{}?sslmode=disable", app.state.config.database_url()),
        _ => app.state.config.database_url(),
    };
    let out = crate::support::blackbox::licheng(app.dir.path(), &url, args);
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[actix_web::test]
async fn only_the_server_and_migrate_convert_rows_stored_in_clear_not_every_command() {
    let app = TestApp::init();
    let school = app.school("074313");
    let id = app.student(&school, "074313_010001", "N226854735");
    app.write(move |c| Ok(diesel::update(users::table.find(id)).set((users::national_id.eq(Some("N226854735")), users::national_id_index.eq(None::<String>))).execute(c)?));
    let run = |args: &[&str]| cli(&app, args).1;
    let out = run(&["check", "--history"]);
    let (_, value, index) = stored(&app).into_iter().find(|r| r.0 == id).unwrap();
    assert_eq!((value.as_str(), index), ("N226854735", None), "a check converted the national IDs (three full scans): {out}");
    let out = run(&["migrate"]);
    let (_, value, index) = stored(&app).into_iter().find(|r| r.0 == id).unwrap();
    assert!(value.starts_with(national_id::PREFIX) && index.is_some(), "{value} {out}");
}

/// Log lines written while `f` runs on this thread.
fn logged(f: impl FnOnce()) -> String {
    #[derive(Clone, Default)]
    struct Buffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
    tracing::subscriber::with_default(subscriber, f);
    let bytes = buffer.0.lock().unwrap().clone();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[actix_web::test]
async fn a_page_of_values_that_cannot_be_decrypted_warns_once_not_once_a_row() {
    let other = Secrets::from_value("another-secret-another-secret-another-01");
    let rows: Vec<String> = (0..25).map(|n| national_id::seal_with(&other, &format!("A1234567{n:02}")).unwrap()).collect();
    let log = logged(|| {
        for row in &rows {
            assert_eq!(national_id::reveal(Some(row)), None);
        }
    });
    let warnings = log.lines().filter(|l| l.contains("WARN")).count();
    assert!(warnings <= 1, "{warnings} warnings for one page:\n{log}");
}

#[actix_web::test]
async fn during_a_rotation_a_server_given_the_previous_key_reads_and_finds_every_row() {
    let app = TestApp::init();
    let school = app.school("074313");
    let a = app.student(&school, "074313_a", "N226854735");
    let b = app.student(&school, "074313_b", "A123456789");
    let (current, old) = (Secrets::from_value(TEST_SECRET), Secrets::from_value("the-old-secret-the-old-secret-the-old-01"));
    // The rows as they were before the secret changed: under the old key.
    national_id::rotate(&app.state.db, &current, &old).unwrap();
    let value = |id: i64| stored(&app).into_iter().find(|r| r.0 == id).unwrap().1;
    assert_eq!(national_id::keys().unwrap().open(&value(a)), None, "the new key alone cannot read them");

    // The servers run with `secret_key` = new and `previous_secret_key` = old; `rotate-key` runs
    // meanwhile and has converted `a` but not yet `b`.
    national_id::install_previous(Some(&old));
    let (sealed, index) = (national_id::seal_with(&current, "N226854735").unwrap(), national_id::index_with(&current, "N226854735"));
    app.write(move |c| Ok(diesel::update(users::table.find(a)).set((users::national_id.eq(Some(sealed)), users::national_id_index.eq(Some(index)))).execute(c)?));
    let keys = national_id::keys().unwrap();
    assert_eq!(keys.open(&value(a)).as_deref(), Some("N226854735"));
    assert_eq!(keys.open(&value(b)).as_deref(), Some("A123456789"));
    let found = app.write(|c| licheng::transfers::students_by_national_id(c, school.id, &["N226854735".to_string(), "a123456789".to_string()]));
    assert_eq!((found.get("N226854735"), found.get("a123456789")), (Some(&a), Some(&b)), "{found:?}");
    // The initial password (the national ID) of a row not converted yet still signs in.
    app.write(move |c| Ok(diesel::update(users::table.find(b)).set(users::password_hash.eq(licheng::accounts::password::INITIAL)).execute(c)?));
    let pair = app.sign_in_pair("074313", "074313_b", "A123456789").await;
    assert!(pair["access_token"].is_string(), "{pair}");

    // The rotation finishes; the previous key is no longer needed.
    assert_eq!(national_id::rotate(&app.state.db, &old, &current).unwrap().users, 1);
    national_id::install_previous(None);
    let found = app.write(|c| licheng::transfers::students_by_national_id(c, school.id, &["A123456789".to_string()]));
    assert_eq!(found.get("A123456789"), Some(&b));
}

#[actix_web::test]
async fn rotate_key_refuses_while_a_server_still_runs_with_the_old_key() {
    use licheng::schema::server_keys as sk;
    let app = TestApp::init();
    let school = app.school("074313");
    app.student(&school, "074313_a", "N226854735");
    let now = app.state.clock.now();
    const OLD: &str = "the-old-secret-the-old-secret-the-old-02";
    let (current, old) = (Secrets::from_value(TEST_SECRET), Secrets::from_value(OLD));
    // A server on the new key is not in the way.
    app.write(|c| national_id::heartbeat(c, "new-server", now));
    assert!(app.write(|c| national_id::servers_not_on(c, &current, now)).is_empty());
    // Another still runs with the old secret.
    let old_id = national_id::Key::new(&old).id;
    app.write(move |c| Ok(diesel::insert_into(sk::table).values((sk::instance.eq("old-server"), sk::key_id.eq(old_id), sk::seen_at.eq(now))).execute(c)?));
    assert_eq!(app.write(|c| national_id::servers_not_on(c, &current, now)), vec!["old-server".to_string()]);

    // The command refuses, naming it, and converts nothing.
    std::fs::create_dir_all(app.dir.path().join("data")).unwrap();
    std::fs::write(app.dir.path().join("data/secret.key"), TEST_SECRET).unwrap();
    std::fs::write(app.dir.path().join("old.key"), OLD).unwrap();
    let before = stored(&app);
    let (ok, out) = cli(&app, &["rotate-key", "--previous-secret-file", "old.key"]);
    assert!(!ok && out.contains("refused") && out.contains("old-server") && !out.contains("new-server"), "{out}");
    assert_eq!(stored(&app), before);
    // Once it has stopped (its entry is older than the limit), the rotation runs.
    let then = now - chrono::Duration::seconds(national_id::ALIVE_SECONDS + 30);
    app.write(move |c| Ok(diesel::update(sk::table.find("old-server")).set(sk::seen_at.eq(then)).execute(c)?));
    let (ok, out) = cli(&app, &["rotate-key", "--previous-secret-file", "old.key"]);
    assert!(ok, "{out}");
}
