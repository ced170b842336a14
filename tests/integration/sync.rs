//! The school-affairs sync API, the receiving log and academic terms.

use serde_json::{json, Value};

use crate::support::{School, TestApp};

pub const SCHOOL: &str = "563401";

fn nid(stem: &str) -> String {
    licheng::national_id::complete(stem)
}

fn course(serial: &str) -> String {
    format!("108{SCHOOL}V11105010101{serial}")
}

/// A sync API key for the school.
pub fn sync_key(app: &TestApp, school: &School, scopes: &[licheng::auth::Scope]) -> String {
    let now = app.state.clock.now();
    let new = licheng::accounts::apikeys::NewApiKey { name: "vendor".into(), scopes: scopes.to_vec(), expires_at: None, allowed_networks: None };
    app.write(|c| licheng::accounts::apikeys::create(c, school.id, None, &new, now)).secret
}

async fn push(app: &TestApp, key: &str, kind: &str, term: (i32, i32), rows: Value) -> crate::support::Reply {
    app.post_as(&format!("/api/v1/sync/{kind}"), key, json!({"academic_year": term.0, "semester": term.1, "rows": rows})).await
}

pub async fn push_ok(app: &TestApp, key: &str, kind: &str, term: (i32, i32), rows: Value) -> Value {
    let r = push(app, key, kind, term, rows).await;
    assert_eq!(r.status, 200, "{kind}: {}", r.text());
    r.json()["result"].clone()
}

fn staff_rows() -> Value {
    json!([
        {"number": "T001", "national_id": nid("A10000101"), "name": "林老師", "email": "t001@school.example"},
        {"number": "T002", "national_id": nid("B20000102"), "name": "陳老師", "email": null},
    ])
}

fn student_rows() -> Value {
    json!([
        {"number": "010001", "national_id": nid("N22000001").to_lowercase(), "name": "王小明", "birth_date": "2009-05-01", "gender": "M",
         "department": "普通科", "program": null, "division": "day", "entry_year": 114, "grade": 2, "class_code": "201", "seat_no": 1, "status": "在學", "email": null},
        {"number": "010002", "national_id": nid("N22000002"), "name": "李小華", "birth_date": null, "gender": "F",
         "department": "普通科", "program": null, "division": "day", "entry_year": 114, "grade": 2, "class_code": "201", "seat_no": 2, "status": "在學", "email": null},
        {"number": "010003", "national_id": nid("N12000003"), "name": "張大同", "birth_date": null, "gender": "M",
         "department": "普通科", "program": null, "division": "continuing", "entry_year": 114, "grade": 2, "class_code": "201", "seat_no": 3, "status": "在學", "email": "s3@school.example"},
    ])
}

fn class_rows() -> Value {
    json!([{"code": "201", "name": "二年一班", "grade": 2, "homeroom_teacher": "T002"}])
}

fn course_rows() -> Value {
    json!([
        {"course_code": course("01"), "class_code": "201", "subject_name": "國語文", "grade": 2, "credits": 4},
        {"course_code": course("02"), "class_code": null, "subject_name": "探究與實作", "grade": 2, "credits": 2},
    ])
}

fn enrolment_rows() -> Value {
    json!([
        {"student_number": "010001", "course_code": course("01"), "class_code": "201", "kind": "regular"},
        {"student_number": "010002", "course_code": course("01"), "class_code": "201"},
        {"student_number": "010003", "course_code": course("01"), "class_code": "201"},
        {"student_number": "010001", "course_code": course("02"), "class_code": null, "kind": "retake"},
    ])
}

pub fn teaching_rows() -> Value {
    json!([
        {"teacher_number": "T001", "course_code": course("01"), "class_code": "201"},
        {"teacher_number": "T001", "course_code": course("02"), "class_code": null},
        {"teacher_number": "T002", "course_code": course("02"), "class_code": null},
    ])
}

fn cadre_rows() -> Value {
    json!([{"student_number": "010001", "unit": "二年一班", "position": "班長", "level": "班級", "start_date": "2026-08-30", "end_date": "2027-01-20"}])
}

/// Pushes a whole school for term 115-1 in the order a vendor must use.
pub async fn load_school(app: &TestApp, key: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for (kind, rows) in [
        ("staff", staff_rows()),
        ("students", student_rows()),
        ("classes", class_rows()),
        ("courses", course_rows()),
        ("enrolments", enrolment_rows()),
        ("teaching-assignments", teaching_rows()),
        ("cadre-records", cadre_rows()),
    ] {
        out.push(push_ok(app, key, kind, (115, 1), rows).await);
    }
    out
}

fn counts(v: &Value) -> (i64, i64, i64, i64) {
    (v["inserted"].as_i64().unwrap(), v["updated"].as_i64().unwrap(), v["unchanged"].as_i64().unwrap(), v["deactivated"].as_i64().unwrap())
}

#[actix_web::test]
async fn a_full_snapshot_creates_accounts_relations_and_roles() {
    let app = TestApp::init();
    let school = app.school(SCHOOL);
    let key = sync_key(&app, &school, &[licheng::auth::Scope::Sync]);
    let results = load_school(&app, &key).await;
    let inserted: Vec<i64> = results.iter().map(|r| r["inserted"].as_i64().unwrap()).collect();
    assert_eq!(inserted, vec![2, 3, 1, 2, 4, 3, 1]);
    assert!(results.iter().all(|r| r["status_code"] == "00"));

    // Students sign in as {school}_{number} with the upper-case national ID and must change it.
    let pair = app.sign_in_pair(SCHOOL, "563401_010001", &nid("N22000001")).await;
    assert_eq!(pair["must_change_password"], true);
    // Teachers get their roles from the term's teaching and classes.
    let t1 = app.sign_in_pair(SCHOOL, "563401_T001", &nid("A10000101")).await;
    let new_pw = json!({"old_password": nid("A10000101"), "new_password": "Teacher-2026"});
    let t1 = app.post_as("/api/v1/me/password", t1["access_token"].as_str().unwrap(), new_pw).await.json();
    let me = app.get_as("/api/v1/me", t1["access_token"].as_str().unwrap()).await.json();
    assert_eq!(me["roles"], json!(["subject_teacher"]));
    assert_eq!(me["current_term"]["code"], "1151");
    assert_eq!(me["user"]["email"], "t001@school.example");
    let t2 = app.sign_in_pair(SCHOOL, "563401_T002", &nid("B20000102")).await;
    let new_pw = json!({"old_password": nid("B20000102"), "new_password": "Teacher-2026"});
    let t2 = app.post_as("/api/v1/me/password", t2["access_token"].as_str().unwrap(), new_pw).await.json();
    let me = app.get_as("/api/v1/me", t2["access_token"].as_str().unwrap()).await.json();
    assert_eq!(me["roles"], json!(["subject_teacher", "homeroom_teacher"]));
}

#[actix_web::test]
async fn replaying_a_batch_changes_nothing_and_passwords_survive_resync() {
    let app = TestApp::init();
    let school = app.school(SCHOOL);
    let key = sync_key(&app, &school, &[licheng::auth::Scope::Sync]);
    load_school(&app, &key).await;
    let again = load_school(&app, &key).await;
    for r in &again {
        let (ins, upd, _, deact) = counts(r);
        assert_eq!((ins, upd, deact), (0, 0, 0), "{r}");
        assert_eq!(r["unchanged"], r["total"]);
    }

    // The student sets a password; a later sync changes the name but never the password.
    let pair = app.sign_in_pair(SCHOOL, "563401_010002", &nid("N22000002")).await;
    let changed = app
        .post_as("/api/v1/me/password", pair["access_token"].as_str().unwrap(), json!({"old_password": nid("N22000002"), "new_password": "Mine-2026x"}))
        .await;
    assert_eq!(changed.status, 200);
    let mut rows = student_rows();
    rows[1]["name"] = json!("李曉華");
    rows[1]["seat_no"] = json!(5);
    let r = push_ok(&app, &key, "students", (115, 1), rows).await;
    assert_eq!(counts(&r), (0, 1, 2, 0));
    let pair = app.sign_in_pair(SCHOOL, "563401_010002", "Mine-2026x").await;
    let me = app.get_as("/api/v1/me", pair["access_token"].as_str().unwrap()).await.json();
    assert_eq!(me["user"]["display_name"], "李曉華");
    app.post("/api/v1/auth/sign-in", json!({"school": SCHOOL, "account": "563401_010002", "password": nid("N22000002")}))
        .await
        .assert_problem(401, "invalid_credentials");
}

#[actix_web::test]
async fn people_missing_from_a_snapshot_are_deactivated_not_deleted() {
    let app = TestApp::init();
    let school = app.school(SCHOOL);
    let key = sync_key(&app, &school, &[licheng::auth::Scope::Sync]);
    load_school(&app, &key).await;
    let session = app.sign_in_pair(SCHOOL, "563401_010003", &nid("N12000003")).await;
    let rows: Vec<Value> = student_rows().as_array().unwrap()[..2].to_vec();
    let r = push_ok(&app, &key, "students", (115, 1), json!(rows)).await;
    assert_eq!(counts(&r), (0, 0, 2, 1));
    app.post("/api/v1/auth/sign-in", json!({"school": SCHOOL, "account": "563401_010003", "password": nid("N12000003")}))
        .await
        .assert_problem(403, "account_inactive");
    app.post("/api/v1/auth/refresh", json!({"refresh_token": session["refresh_token"]})).await.assert_problem(401, "refresh_token_invalid");
    // The account is still there (its enrolments too) and comes back when the student does.
    let admin = app.token(&school, "admin").await;
    let listed = app.get_as("/api/v1/accounts?q=010003", &admin).await.json();
    assert_eq!(listed["items"][0]["active"], false);
    let r = push_ok(&app, &key, "students", (115, 1), student_rows()).await;
    assert_eq!(counts(&r), (0, 1, 2, 0));
    app.sign_in_pair(SCHOOL, "563401_010003", &nid("N12000003")).await;
    // Enrolments and teaching assignments missing from their snapshots are deactivated too.
    let rows: Vec<Value> = enrolment_rows().as_array().unwrap()[..3].to_vec();
    assert_eq!(counts(&push_ok(&app, &key, "enrolments", (115, 1), json!(rows)).await), (0, 0, 3, 1));
    assert_eq!(counts(&push_ok(&app, &key, "enrolments", (115, 1), enrolment_rows()).await), (0, 1, 3, 0));
}

#[actix_web::test]
async fn a_batch_with_invalid_rows_is_refused_whole_with_row_errors() {
    let app = TestApp::init();
    let school = app.school(SCHOOL);
    let key = sync_key(&app, &school, &[licheng::auth::Scope::Sync]);
    let mut rows = student_rows();
    rows[1]["national_id"] = json!("N123456789");
    rows[2]["grade"] = json!(7);
    let r = push(&app, &key, "students", (115, 1), rows).await;
    let body = r.assert_problem(422, "sync_rows_invalid");
    assert!(body["errors"]["rows[1].national_id"].is_array(), "{body}");
    assert!(body["errors"]["rows[2].grade"].is_array(), "{body}");
    assert!(body["errors"].get("rows[0].national_id").is_none());
    // Nothing was written: not even the valid first row.
    let admin = app.token(&school, "admin").await;
    assert_eq!(app.get_as("/api/v1/accounts?kind=student", &admin).await.json()["total"], 0);

    load_school(&app, &key).await;
    let bad_course = json!([{"course_code": "10856340", "class_code": "201", "subject_name": "數學", "grade": 2, "credits": 4},
                            {"course_code": "108999999V1110501010199", "class_code": "201", "subject_name": "數學", "grade": 2, "credits": 4}]);
    let body = push(&app, &key, "courses", (115, 1), bad_course).await.assert_problem(422, "sync_rows_invalid");
    assert!(body["errors"]["rows[0].course_code"].is_array() && body["errors"]["rows[1].course_code"].is_array(), "{body}");
    let unknown = json!([{"student_number": "999999", "course_code": course("01"), "class_code": "201"},
                         {"student_number": "010001", "course_code": course("77"), "class_code": "201"},
                         {"student_number": "010001", "course_code": course("01"), "class_code": "201"},
                         {"student_number": "010001", "course_code": course("01"), "class_code": "201"}]);
    let body = push(&app, &key, "enrolments", (115, 1), unknown).await.assert_problem(422, "sync_rows_invalid");
    for field in ["rows[0].student_number", "rows[1].course_code", "rows[3].student_number"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    // The refused batch left the previous enrolments as they were.
    assert_eq!(counts(&push_ok(&app, &key, "enrolments", (115, 1), enrolment_rows()).await), (0, 0, 4, 0));

    push(&app, &key, "students", (115, 3), student_rows()).await.assert_problem(422, "validation_failed");
    let raw = actix_web::test::TestRequest::post()
        .uri("/api/v1/sync/students")
        .insert_header(("Authorization", format!("Bearer {key}")))
        .insert_header(("Content-Type", "application/json"))
        .set_payload("{\"academic_year\": 115, \"rows\": [");
    app.send(raw).await.assert_problem(400, "invalid_json");
}

#[actix_web::test]
async fn the_receiving_log_records_every_batch() {
    let app = TestApp::init();
    let school = app.school(SCHOOL);
    let key = sync_key(&app, &school, &[licheng::auth::Scope::Sync]);
    push_ok(&app, &key, "staff", (115, 1), staff_rows()).await;
    let mut bad = student_rows();
    bad[0]["national_id"] = json!("bad");
    push(&app, &key, "students", (115, 1), bad).await;
    push_ok(&app, &key, "students", (115, 1), student_rows()).await;
    let admin = app.token(&school, "admin").await;
    let log = app.get_as("/api/v1/sync/batches", &admin).await;
    assert_eq!(log.status, 200, "{}", log.text());
    let log = log.json();
    assert_eq!(log["total"], 3);
    let newest = &log["items"][0];
    assert_eq!(newest["kind"], "students");
    assert_eq!(newest["kind_name"], "學生學籍資料");
    assert_eq!(newest["status_code"], "00");
    assert_eq!(newest["result"]["total"], 3);
    assert_eq!(newest["result"]["status_code"], "00");
    assert_eq!(newest["result"]["inserted"], 3);
    assert!(newest["received_at"].is_string() && newest["finished_at"].is_string());
    let refused = &log["items"][1];
    assert_eq!(refused["status_code"], "01");
    assert_eq!(refused["error"]["code"], "sync_rows_invalid");
    // A refused batch's result holds the rows received and the status only: no counts, not even null.
    assert_eq!(refused["result"], json!({"total": 3, "status_code": "01"}));
    assert_eq!(newest["result"].as_object().unwrap().len(), 6, "an applied batch's result has every count: {}", newest["result"]);
    assert!(refused["error"]["errors"]["rows[0].national_id"].is_array());
    let only_staff = app.get_as("/api/v1/sync/batches?kind=staff", &admin).await.json();
    assert_eq!(only_staff["total"], 1);
    let today = (app.state.clock.now() + chrono::Duration::hours(8)).date();
    let dated = app.get_as(&format!("/api/v1/sync/batches?from={today}&to={today}&per_page=1"), &admin).await.json();
    assert_eq!(dated["total"], 3);
    assert_eq!(dated["items"].as_array().unwrap().len(), 1);
    let yesterday = today.pred_opt().unwrap();
    assert_eq!(app.get_as(&format!("/api/v1/sync/batches?to={yesterday}"), &admin).await.json()["total"], 0);
    app.get_as("/api/v1/sync/batches?kind=nonsense", &admin).await.assert_problem(400, "invalid_query");
}

#[actix_web::test]
async fn a_newer_term_advances_the_school_and_an_older_one_is_refused() {
    let app = TestApp::init();
    let school = app.school(SCHOOL);
    let key = sync_key(&app, &school, &[licheng::auth::Scope::Sync]);
    load_school(&app, &key).await;
    let r = push_ok(&app, &key, "courses", (115, 2), json!([{"course_code": course("03"), "class_code": "201", "subject_name": "數學", "grade": 2, "credits": 4}])).await;
    assert_eq!(r["inserted"], 1);
    let admin = app.token(&school, "admin").await;
    let current = app.get_as("/api/v1/terms/current", &admin).await.json();
    assert_eq!(current["term"]["code"], "1152");
    assert_eq!(current["on_hold"], false);
    let terms = app.get_as("/api/v1/terms", &admin).await.json();
    assert_eq!(terms.as_array().unwrap().len(), 2);
    // Teaching roles follow the new term: none until its assignments arrive.
    let t = app.sign_in_pair(SCHOOL, "563401_T001", &nid("A10000101")).await;
    let t = app
        .post_as("/api/v1/me/password", t["access_token"].as_str().unwrap(), json!({"old_password": nid("A10000101"), "new_password": "Teacher-2026"}))
        .await
        .json();
    let token = t["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.get_as("/api/v1/me", &token).await.json()["roles"], json!([]));
    push_ok(&app, &key, "teaching-assignments", (115, 2), json!([{"teacher_number": "T001", "course_code": course("03"), "class_code": "201"}])).await;
    assert_eq!(app.get_as("/api/v1/me", &token).await.json()["roles"], json!(["subject_teacher"]));
    // Every role reads the terms.
    assert_eq!(app.get_as("/api/v1/terms/current", &token).await.json()["term"]["code"], "1152");

    let stale = push(&app, &key, "courses", (115, 1), course_rows()).await;
    stale.assert_problem(409, "stale_term");
    let log = app.get_as("/api/v1/sync/batches?per_page=1", &admin).await.json();
    assert_eq!(log["items"][0]["status_code"], "03");
}

#[actix_web::test]
async fn switching_back_a_term_pauses_sync_until_the_admin_switches_forward() {
    let app = TestApp::init();
    let school = app.school(SCHOOL);
    let key = sync_key(&app, &school, &[licheng::auth::Scope::Sync]);
    load_school(&app, &key).await;
    push_ok(&app, &key, "courses", (115, 2), course_rows()).await;
    let admin = app.token(&school, "admin").await;
    let teacher_id = app.teacher(&school, "helper");
    let helper = app.token(&school, "helper").await;
    app.post_as("/api/v1/terms/switch", &helper, json!({"to": "previous"})).await.assert_problem(403, "module_required");

    let back = app.post_as("/api/v1/terms/switch", &admin, json!({"to": "previous"})).await;
    assert_eq!(back.status, 200, "{}", back.text());
    let back = back.json();
    assert_eq!(back["term"]["code"], "1151");
    assert_eq!(back["on_hold"], true);
    assert_eq!(back["latest"]["code"], "1152");
    // Every user now sees 1151.
    assert_eq!(app.get_as("/api/v1/me", &helper).await.json()["current_term"]["code"], "1151");
    // Sync of both terms is refused, and nothing advances, also with a newer term.
    for term in [(115, 1), (115, 2), (116, 1)] {
        push(&app, &key, "courses", term, course_rows()).await.assert_problem(409, "term_on_hold");
    }
    let log = app.get_as("/api/v1/sync/batches?per_page=1", &admin).await.json();
    assert_eq!(log["items"][0]["status_code"], "02");
    app.post_as("/api/v1/terms/switch", &admin, json!({"to": "previous"})).await.assert_problem(409, "conflict");

    // A group granted S0213S may switch forward.
    let gid = app.post_as("/api/v1/role-groups", &admin, json!({"code": "010", "name": "學年期"})).await.json()["id"].as_i64().unwrap();
    app.put_as(&format!("/api/v1/role-groups/{gid}/modules"), &admin, json!({"modules": [{"code": "S0213S"}]})).await;
    app.put_as(&format!("/api/v1/role-groups/{gid}/members"), &admin, json!({"user_ids": [teacher_id]})).await;
    let forward = app.post_as("/api/v1/terms/switch", &helper, json!({"to": "latest"})).await;
    assert_eq!(forward.status, 200, "{}", forward.text());
    assert_eq!(forward.json()["term"]["code"], "1152");
    app.post_as("/api/v1/terms/switch", &admin, json!({"to": "latest"})).await.assert_problem(409, "conflict");
    push_ok(&app, &key, "courses", (115, 2), course_rows()).await;
    let events = app.get_as("/api/v1/audit-events?event=term_switched", &admin).await.json();
    assert_eq!(events["total"], 2);
}

#[actix_web::test]
async fn sync_needs_a_sync_key_of_the_school() {
    let app = TestApp::init();
    let a = app.school(SCHOOL);
    let b = app.school("563402");
    let read_key = sync_key(&app, &a, &[licheng::auth::Scope::Read]);
    push(&app, &read_key, "staff", (115, 1), staff_rows()).await.assert_problem(403, "scope_required");
    let admin = app.token(&a, "admin").await;
    push(&app, &admin, "staff", (115, 1), staff_rows()).await.assert_problem(403, "scope_required");
    app.post("/api/v1/sync/staff", json!({"academic_year": 115, "semester": 1, "rows": []})).await.assert_problem(401, "unauthenticated");
    // A read key may read the receiving log.
    assert_eq!(app.get_as("/api/v1/sync/batches", &read_key).await.status, 200);

    // School B's key writes to school B only, and B's log is not A's.
    let key_b = sync_key(&app, &b, &[licheng::auth::Scope::Sync]);
    push_ok(&app, &key_b, "staff", (115, 1), staff_rows()).await;
    assert_eq!(app.get_as("/api/v1/accounts?kind=staff&q=_T00", &admin).await.json()["total"], 0);
    let admin_b = app.token(&b, "admin").await;
    assert_eq!(app.get_as("/api/v1/accounts?kind=staff&q=_T00", &admin_b).await.json()["total"], 2);
    assert_eq!(app.get_as("/api/v1/sync/batches", &admin).await.json()["total"], 0);
    assert_eq!(app.get_as("/api/v1/sync/batches", &admin_b).await.json()["total"], 1);
    // B's course codes carry B's school code: A's codes are refused in B.
    let body = push(&app, &key_b, "courses", (115, 1), course_rows()).await.assert_problem(422, "sync_rows_invalid");
    assert!(body["errors"]["rows[0].course_code"].is_array());
}

#[actix_web::test]
async fn concurrent_batches_for_one_school_are_applied_one_after_the_other() {
    let app = TestApp::init();
    let school = app.school(SCHOOL);
    let key = sync_key(&app, &school, &[licheng::auth::Scope::Sync]);
    let (a, b) = futures_util::future::join(push(&app, &key, "students", (115, 1), student_rows()), push(&app, &key, "students", (115, 1), student_rows())).await;
    assert_eq!((a.status.as_u16(), b.status.as_u16()), (200, 200), "{} / {}", a.text(), b.text());
    let mut inserted = vec![a.json()["result"]["inserted"].as_i64().unwrap(), b.json()["result"]["inserted"].as_i64().unwrap()];
    inserted.sort();
    assert_eq!(inserted, vec![0, 3], "exactly one of them created the accounts");
}
