//! The test harness: `TestApp` builds the whole application in process against a fresh
//! database — SQLite by default, PostgreSQL when `LICHENG_TEST_BACKEND=postgres` (each test in
//! its own database on `LICHENG_TEST_POSTGRES_URL`, so tests run in parallel).

#![allow(dead_code)]

pub mod blackbox;
pub mod smtp;

use actix_web::http::header::{HeaderMap, CONTENT_TYPE};
use actix_web::http::{Method, StatusCode};
use actix_web::test::{self, TestRequest};
use actix_web::web;
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::Value;

use diesel::{ExpressionMethods, QueryDsl};
use licheng::accounts::NewAccount;
use licheng::identity::{Role, UserKind};
use licheng::app;
use licheng::state::AppState;
use licheng::config::Config;
use licheng::db::Db;
use licheng::http::Metrics;
use licheng::secrets::Secrets;

/// The password of every account the fixtures create.
pub const PASSWORD: &str = "Passw0rd-test";

/// A school made by [`TestApp::school`].
#[derive(Debug, Clone)]
pub struct School {
    pub id: i64,
    pub code: String,
    pub admin_id: i64,
}

pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// Which database the suite runs on.
pub fn backend() -> &'static str {
    match std::env::var("LICHENG_TEST_BACKEND").as_deref() {
        Ok("postgres") => "postgres",
        _ => "sqlite",
    }
}

/// A PostgreSQL database made for one test and dropped after it.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub fn create() -> PgDatabase {
        let admin_url = std::env::var("LICHENG_TEST_POSTGRES_URL").expect(
            "LICHENG_TEST_BACKEND=postgres needs LICHENG_TEST_POSTGRES_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres",
        );
        let name = format!("licheng_t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::establish(&admin_url).expect("connect to the test PostgreSQL");
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).expect("create test database");
        let after_scheme = admin_url.find("://").map(|i| i + 3).unwrap_or(0);
        let base = match admin_url[after_scheme..].find('/') {
            Some(i) => &admin_url[..after_scheme + i],
            None => admin_url.as_str(),
        };
        let url = format!("{base}/{name}");
        PgDatabase { admin_url, name, url }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).execute(&mut conn);
        }
    }
}

/// A whole application on a fresh database and data directory.
pub struct TestApp {
    pub state: AppState,
    pub metrics: web::Data<Metrics>,
    pub dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

/// What a request returned.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn content_type(&self) -> String {
        self.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
    }

    /// Asserts a problem+json response with `status` and `code`, and returns its body.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "status; body: {}", self.text());
        assert!(self.content_type().starts_with("application/problem+json"), "content type {}", self.content_type());
        let body = self.json();
        assert_eq!(body["code"], code, "code; body: {body}");
        assert_eq!(body["status"], status);
        assert_eq!(body["type"], format!("urn:licheng:problem:{code}"));
        assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(body["detail"].as_str().is_some_and(|t| !t.is_empty()));
        body
    }
}

impl TestApp {
    pub fn init() -> TestApp {
        Self::with_config(|_| {})
    }

    /// A fresh app whose configuration `adjust` may change (before the database is opened).
    pub fn with_config(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let pg = (backend() == "postgres").then(PgDatabase::create);
        let mut config = Config {
            data_dir: dir.path().to_path_buf(),
            frontend_dir: dir.path().join("no-frontend"),
            database_url: Some(match &pg {
                Some(pg) => pg.url.clone(),
                None => format!("sqlite://{}", dir.path().join("test.db").display()),
            }),
            secret_key: Some(TEST_SECRET.into()),
            captcha: false,
            pool_size: 4,
            // Tests that change the database behind the application's back expect the change at
            // once; the principal cache has its own tests (hardening, scale_out), which turn it on.
            principal_cache_seconds: 0,
            ..Config::default()
        };
        adjust(&mut config);
        let db = Db::connect(&config.database_url(), config.pool_size).expect("connect");
        db.migrate().expect("migrate");
        let state = AppState::new(config, db, Secrets::from_value(TEST_SECRET));
        TestApp { state, metrics: web::Data::new(Metrics::default()), dir, _pg: pg }
    }

    /// Sends one request through the whole app (middleware, routing, handlers).
    pub async fn send(&self, req: TestRequest) -> Reply {
        let service = test::init_service(app::build(self.state.clone(), self.metrics.clone())).await;
        let res = test::call_service(&service, req.to_request()).await;
        let status = res.status();
        let headers = res.headers().clone();
        let body = test::read_body(res).await.to_vec();
        Reply { status, headers, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(TestRequest::get().uri(path)).await
    }

    pub async fn get_as(&self, path: &str, token: &str) -> Reply {
        self.send(TestRequest::get().uri(path).insert_header(("Authorization", format!("Bearer {token}")))).await
    }

    pub async fn json(&self, method: Method, path: &str, token: Option<&str>, body: Value) -> Reply {
        let mut req = TestRequest::default().method(method).uri(path).set_json(body);
        if let Some(token) = token {
            req = req.insert_header(("Authorization", format!("Bearer {token}")));
        }
        self.send(req).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.json(Method::POST, path, None, body).await
    }

    pub async fn post_as(&self, path: &str, token: &str, body: Value) -> Reply {
        self.json(Method::POST, path, Some(token), body).await
    }

    /// Creates a school with an admin `admin` (password [`PASSWORD`], no change pending).
    pub fn school(&self, code: &str) -> School {
        let now = self.state.clock.now();
        let (id, admin_id) = self.write(|c| licheng::schools::create_with_admin(c, code, &format!("測試高中{code}"), "admin", PASSWORD, now));
        self.write(|c| {
            diesel::update(licheng::schema::users::table.find(admin_id))
                .set(licheng::schema::users::must_change_password.eq(false))
                .execute(c)?;
            licheng::terms::set_current(c, id, licheng::terms::Term { academic_year: 115, semester: 1 }, now)
        });
        School { id, code: code.to_string(), admin_id }
    }

    /// Creates an account in `school` with password [`PASSWORD`] (no change pending).
    pub fn user(&self, school: &School, account: &str, kind: UserKind, roles: &[Role], national_id: Option<&str>) -> i64 {
        let now = self.state.clock.now();
        self.write(|c| {
            licheng::accounts::create_account(
                c,
                &NewAccount {
                    school_id: Some(school.id),
                    account,
                    kind,
                    display_name: &format!("使用者{account}"),
                    national_id,
                    number: None,
                    email: None,
                    password: PASSWORD,
                    must_change_password: false,
                    roles,
                },
                now,
            )
        })
    }

    pub fn teacher(&self, school: &School, account: &str) -> i64 {
        self.user(school, account, UserKind::Staff, &[Role::SubjectTeacher], None)
    }

    pub fn student(&self, school: &School, account: &str, national_id: &str) -> i64 {
        self.user(school, account, UserKind::Student, &[Role::Student], Some(national_id))
    }

    /// Creates the platform operator `op` (once) and signs it in.
    pub async fn operator(&self) -> String {
        let now = self.state.clock.now();
        let exists = self.write(|c| Ok(licheng::accounts::session::find_account(c, "", "op")?.is_some()));
        if !exists {
            self.write(|c| {
                licheng::accounts::create_account(
                    c,
                    &NewAccount {
                        school_id: None,
                        account: "op",
                        kind: UserKind::Operator,
                        display_name: "平臺",
                        national_id: None,
                        number: None,
                        email: None,
                        password: PASSWORD,
                        must_change_password: false,
                        roles: &[Role::PlatformOperator],
                    },
                    now,
                )
            });
        }
        self.sign_in_pair("", "op", PASSWORD).await["access_token"].as_str().unwrap().to_string()
    }

    /// Signs in the demo's platform operator, changing its initial password first (once).
    pub async fn demo_operator(&self) -> String {
        const CHANGED: &str = "Operator-changed-9Xq";
        let first = self.post("/api/v1/auth/sign-in", serde_json::json!({"school": "", "account": "operator", "password": licheng::demo::PASSWORD})).await;
        if first.status == 200 {
            let pair = first.json();
            assert_eq!(pair["must_change_password"], true, "the demo operator must change its password");
            let token = pair["access_token"].as_str().unwrap().to_string();
            let changed = self.post_as("/api/v1/me/password", &token, serde_json::json!({"old_password": licheng::demo::PASSWORD, "new_password": CHANGED})).await;
            assert_eq!(changed.status, 200, "{}", changed.text());
        }
        self.sign_in_pair("", "operator", CHANGED).await["access_token"].as_str().unwrap().to_string()
    }

    /// Signs in and returns the whole token pair.
    pub async fn sign_in_pair(&self, school: &str, account: &str, password: &str) -> Value {
        let r = self.post("/api/v1/auth/sign-in", serde_json::json!({"school": school, "account": account, "password": password})).await;
        assert_eq!(r.status, 200, "sign-in of {account}: {}", r.text());
        r.json()
    }

    /// Signs in and returns the access token.
    pub async fn token(&self, school: &School, account: &str) -> String {
        self.sign_in_pair(&school.code, account, PASSWORD).await["access_token"].as_str().unwrap().to_string()
    }

    pub async fn put_as(&self, path: &str, token: &str, body: Value) -> Reply {
        self.json(Method::PUT, path, Some(token), body).await
    }

    pub async fn delete_as(&self, path: &str, token: &str) -> Reply {
        self.send(TestRequest::delete().uri(path).insert_header(("Authorization", format!("Bearer {token}")))).await
    }

    /// Runs `f` in a write transaction, as the CLI and seeding do.
    pub fn write<T>(&self, f: impl FnOnce(&mut licheng::db::DbConn) -> licheng::error::ApiResult<T>) -> T {
        self.state.db.write_blocking(f).expect("database write")
    }
}

/// A `multipart/form-data` body: text fields first, then files `(field, filename, bytes)`.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----licheng-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    for (name, filename, data) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Test file contents of each kind (the magic bytes, then filler).
pub mod bytes {
    pub fn pdf(n: usize) -> Vec<u8> {
        let mut v = b"%PDF-1.7\n".to_vec();
        v.resize(n, b'p');
        v
    }
    pub fn png(n: usize) -> Vec<u8> {
        let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
        v.resize(n, b'g');
        v
    }
    pub fn jpg(n: usize) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
        v.resize(n, b'j');
        v
    }
    pub fn mp4(n: usize) -> Vec<u8> {
        let mut v = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00".to_vec();
        v.resize(n, b'v');
        v
    }
    pub fn sha256(data: &[u8]) -> String {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(data))
    }
}

impl TestApp {
    /// Sends a multipart form (`method` POST or PUT) as `token`.
    pub async fn upload(&self, method: Method, path: &str, token: &str, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Reply {
        let (content_type, body) = multipart(fields, files);
        self.send(
            TestRequest::default()
                .method(method)
                .uri(path)
                .insert_header(("Authorization", format!("Bearer {token}")))
                .insert_header(("Content-Type", content_type))
                .set_payload(body),
        )
        .await
    }

    /// Seeds the demo school (999999: classes 101/201/301, teachers T001–T005, students, open
    /// work periods) and returns its id.
    pub fn demo(&self) -> i64 {
        licheng::demo::seed(&self.state.db, self.state.clock.now()).expect("demo seed");
        self.write(|c| Ok(licheng::schools::find_by_code(c, licheng::demo::SCHOOL_CODE)?.map(|s| s.id).unwrap_or_default()))
    }

    /// Signs in a demo account (`999999_T001`, `999999_115001`, `admin`).
    pub async fn demo_token(&self, account: &str) -> String {
        self.sign_in_pair(licheng::demo::SCHOOL_CODE, account, licheng::demo::PASSWORD).await["access_token"].as_str().unwrap().to_string()
    }

    /// Files under `data/files/tmp` (uploads in progress or left behind).
    pub fn temporary_files(&self) -> usize {
        std::fs::read_dir(self.dir.path().join("files/tmp")).map(|d| d.count()).unwrap_or(0)
    }

    /// Stored files under `data/files/ab/cd/`.
    pub fn stored_files(&self) -> usize {
        licheng::storage::FileStore::new(self.dir.path()).stored_names().map(|v| v.len()).unwrap_or(0)
    }
}
