//! The real binary, started as a newcomer would: health, readiness, spec, docs and a problem.

use crate::support::blackbox::Server;
use crate::support::{backend, PgDatabase};

#[test]
fn real_binary_serves_health_spec_docs_and_problems() {
    let dir = tempfile::tempdir().unwrap();
    let pg = (backend() == "postgres").then(PgDatabase::create);
    let url = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", dir.path().join("data/licheng.db").display()),
    };
    let server = Server::start(dir.path(), &url, &["--demo"]);

    assert_eq!(server.get("/healthz").status, 200);
    let ready = server.get("/readyz");
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["database"], backend());

    let spec = server.get("/api/openapi.json");
    assert_eq!(spec.status, 200);
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(spec.json(), committed, "the running server serves the committed spec");

    let docs = server.get("/api/docs/");
    assert_eq!(docs.status, 200);
    let html = String::from_utf8_lossy(&docs.body);
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(!html.contains("https://"), "the docs page must load nothing from the internet");
    let init = server.get("/api/docs/swagger-initializer.js");
    assert_eq!(init.status, 200);
    let init = String::from_utf8_lossy(&init.body).into_owned();
    assert!(init.contains("/api/openapi.json"), "{init}");
    assert!(init.contains("\"validatorUrl\": \"none\""), "no request to the public validator: {init}");

    let problem = server.request("GET", "/api/v1/missing", &[("Accept-Language", "en")], None).unwrap();
    assert_eq!(problem.status, 404);
    assert!(problem.header("content-type").unwrap().starts_with("application/problem+json"));
    assert_eq!(problem.json()["code"], "route_not_found");
    assert!(problem.header("x-request-id").is_some());

    // The demo school was seeded on a fresh database and a SQLite file was created where asked.
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(log.contains("999999"), "{log}");
    if pg.is_none() {
        assert!(dir.path().join("data/licheng.db").exists());
        assert!(dir.path().join("data/secret.key").exists());
    }
}

#[test]
fn unknown_database_scheme_is_a_clear_startup_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_licheng"))
        .arg("migrate")
        .current_dir(dir.path())
        .env("LICHENG_DATABASE_URL", "mysql://root@127.0.0.1/x")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unsupported database scheme"), "{err}");
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "no file may be created");
}
