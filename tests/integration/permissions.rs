//! Every endpoint refuses the wrong role, and no user of school A can read or change anything of
//! school B.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::support::{TestApp, PASSWORD};
use licheng::identity::{Role, UserKind};

/// (method, path, body) of every school-admin endpoint, with `{g}` a group, `{k}` a key and
/// `{t}` a temporary account of the caller's own school.
fn admin_endpoints() -> Vec<(Method, &'static str, Value)> {
    vec![
        (Method::GET, "/api/v1/role-groups", Value::Null),
        (Method::POST, "/api/v1/role-groups", json!({"code": "900", "name": "x"})),
        (Method::PUT, "/api/v1/role-groups/{g}", json!({"code": "900", "name": "x"})),
        (Method::DELETE, "/api/v1/role-groups/{g}", Value::Null),
        (Method::GET, "/api/v1/function-modules", Value::Null),
        (Method::GET, "/api/v1/role-groups/{g}/modules", Value::Null),
        (Method::PUT, "/api/v1/role-groups/{g}/modules", json!({"modules": []})),
        (Method::GET, "/api/v1/role-groups/{g}/members", Value::Null),
        (Method::PUT, "/api/v1/role-groups/{g}/members", json!({"user_ids": []})),
        (Method::GET, "/api/v1/staff", Value::Null),
        (Method::GET, "/api/v1/accounts", Value::Null),
        (Method::POST, "/api/v1/accounts/reset-password", json!({"user_ids": [1]})),
        (Method::GET, "/api/v1/temporary-accounts", Value::Null),
        (Method::POST, "/api/v1/temporary-accounts", json!({"student_id": 1})),
        (Method::DELETE, "/api/v1/temporary-accounts/{t}", Value::Null),
        (Method::GET, "/api/v1/api-keys", Value::Null),
        (Method::POST, "/api/v1/api-keys", json!({"name": "k", "scopes": ["read"]})),
        (Method::DELETE, "/api/v1/api-keys/{k}", Value::Null),
        (Method::GET, "/api/v1/mail-settings", Value::Null),
        (Method::PUT, "/api/v1/mail-settings", json!({"host": "h", "port": 25, "encryption": "none", "sender_address": "a@b.example"})),
        (Method::POST, "/api/v1/mail-settings/test", json!({"to": "a@b.example"})),
        (Method::GET, "/api/v1/audit-events", Value::Null),
        (Method::GET, "/api/v1/sync/batches", Value::Null),
        (Method::POST, "/api/v1/terms/switch", json!({"to": "previous"})),
        (Method::GET, "/api/v1/settings/parameters", Value::Null),
        (Method::PUT, "/api/v1/settings/parameters", json!({"results_per_semester": 6, "results_per_subject": 3, "teacher_reminder_hour": null,
            "remind_results_selection_days": 3, "remind_performances_selection_days": 3, "remind_submit_days": 3, "performances_per_year": 20})),
        (Method::GET, "/api/v1/work-periods", Value::Null),
        (Method::POST, "/api/v1/work-periods", json!({"academic_year": 115, "semester": 1, "grade": 1, "item": "upload_results",
            "start_date": "2026-09-01", "start_hour": 8, "end_date": "2027-01-20", "end_hour": 23})),
        (Method::PUT, "/api/v1/work-periods/{p}", json!({"academic_year": 115, "semester": 1, "grade": 1, "item": "upload_results",
            "start_date": "2026-09-01", "start_hour": 8, "end_date": "2027-01-20", "end_hour": 23})),
        (Method::DELETE, "/api/v1/work-periods/{p}", Value::Null),
        (Method::GET, "/api/v1/co-taught", Value::Null),
        (Method::PUT, "/api/v1/co-taught", json!({"changes": []})),
        (Method::GET, "/api/v1/consultants", Value::Null),
        (Method::GET, "/api/v1/consultants/{s}/classes", Value::Null),
        (Method::PUT, "/api/v1/consultants/{s}/classes", json!({"class_ids": []})),
        (Method::GET, "/api/v1/counselors", Value::Null),
        (Method::GET, "/api/v1/counselors/{s}/students", Value::Null),
        (Method::PUT, "/api/v1/counselors/{s}/students", json!({"student_ids": []})),
        (Method::GET, "/api/v1/students", Value::Null),
        (Method::GET, "/api/v1/reminders/log", Value::Null),
        (Method::POST, "/api/v1/reminders/run", json!({})),
    ]
}

fn operator_endpoints() -> Vec<(Method, &'static str, Value)> {
    vec![
        (Method::GET, "/api/v1/schools", Value::Null),
        (Method::POST, "/api/v1/schools", json!({"code": "654321", "name": "x"})),
        (Method::PUT, "/api/v1/national-windows/115", json!({"results_start": "2026-08-01", "results_end": "2027-11-30", "performances_start": "2026-08-01", "performances_end": "2027-11-30"})),
    ]
}

async fn call(app: &TestApp, method: &Method, path: &str, token: Option<&str>, body: &Value) -> crate::support::Reply {
    let mut req = TestRequest::default().method(method.clone()).uri(path);
    if !body.is_null() {
        req = req.set_json(body);
    }
    if let Some(token) = token {
        req = req.insert_header(("Authorization", format!("Bearer {token}")));
    }
    app.send(req).await
}

/// A school with one of everything an id can point at.
struct Fixture {
    school: crate::support::School,
    admin: String,
    group: i64,
    key: i64,
    temp: i64,
    period: i64,
    staff: i64,
    student: i64,
}

async fn fixture(app: &TestApp, code: &str) -> Fixture {
    let school = app.school(code);
    let staff = app.teacher(&school, &format!("{code}_T1"));
    let student = app.student(&school, &format!("{code}_S1"), "A123456789");
    let admin = app.token(&school, "admin").await;
    let group = app.post_as("/api/v1/role-groups", &admin, json!({"code": "001", "name": format!("群組{code}")})).await.json()["id"]
        .as_i64()
        .unwrap();
    app.put_as(&format!("/api/v1/role-groups/{group}/members"), &admin, json!({"user_ids": [staff]})).await;
    let key = app.post_as("/api/v1/api-keys", &admin, json!({"name": "k", "scopes": ["read"]})).await.json()["id"].as_i64().unwrap();
    let temp = app.post_as("/api/v1/temporary-accounts", &admin, json!({"student_id": student})).await.json()["id"].as_i64().unwrap();
    let now = app.state.clock.now();
    app.write(|c| {
        use diesel::prelude::*;
        if licheng::settings::periods::window(c, 115)?.is_none() {
            let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
            diesel::insert_into(licheng::schema::national_windows::table)
                .values((
                    licheng::schema::national_windows::academic_year.eq(115),
                    licheng::schema::national_windows::results_start.eq(d(2026, 8, 1)),
                    licheng::schema::national_windows::results_end.eq(d(2027, 11, 30)),
                    licheng::schema::national_windows::performances_start.eq(d(2026, 8, 1)),
                    licheng::schema::national_windows::performances_end.eq(d(2027, 11, 30)),
                    licheng::schema::national_windows::updated_at.eq(now),
                ))
                .execute(c)?;
        }
        Ok(())
    });
    let period = app
        .post_as("/api/v1/work-periods", &admin, json!({"academic_year": 115, "semester": 2, "grade": 3, "item": "upload_results",
            "start_date": "2027-02-01", "start_hour": 8, "end_date": "2027-06-30", "end_hour": 23}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    Fixture { school, admin, group, key, temp, period, staff, student }
}

fn fill(path: &str, f: &Fixture) -> String {
    path.replace("{g}", &f.group.to_string())
        .replace("{k}", &f.key.to_string())
        .replace("{t}", &f.temp.to_string())
        .replace("{p}", &f.period.to_string())
        .replace("{s}", &f.staff.to_string())
}

#[actix_web::test]
async fn every_admin_endpoint_refuses_other_roles_and_anonymous_callers() {
    let app = TestApp::init();
    let now = app.state.clock.now();
    licheng::demo::seed(&app.state.db, now).unwrap();
    let f = fixture(&app, "074313").await;
    app.user(&f.school, "hr", UserKind::Staff, &[Role::HomeroomTeacher, Role::CourseConsultant, Role::Counselor], None);
    let teacher = app.token(&f.school, "074313_T1").await;
    let student = app.token(&f.school, "074313_S1").await;
    let homeroom = app.token(&f.school, "hr").await;
    let operator = app.demo_operator().await;

    for (method, path, body) in admin_endpoints() {
        let path = fill(path, &f);
        let module_bound = ["/sync/batches", "/terms/switch", "/settings/parameters", "/work-periods", "/co-taught", "/consultants", "/counselors", "/students"];
        let expected = if module_bound.iter().any(|m| path.contains(m)) { "module_required" } else { "role_required" };
        for (who, token) in [("teacher", &teacher), ("student", &student), ("homeroom", &homeroom)] {
            let r = call(&app, &method, &path, Some(token), &body).await;
            assert_eq!(r.status.as_u16(), 403, "{who} {method} {path}: {}", r.text());
            assert_eq!(r.json()["code"], expected, "{who} {method} {path}");
        }
        let r = call(&app, &method, &path, Some(&operator), &body).await;
        assert_eq!(r.status.as_u16(), 403, "operator {method} {path}: {}", r.text());
        call(&app, &method, &path, None, &body).await.assert_problem(401, "unauthenticated");
    }
    for (method, path, body) in operator_endpoints() {
        for token in [&f.admin, &teacher, &student] {
            call(&app, &method, path, Some(token), &body).await.assert_problem(403, "role_required");
        }
        call(&app, &method, path, None, &body).await.assert_problem(401, "unauthenticated");
    }
    // The own-account endpoints need a signed-in user.
    for (method, path, body) in [
        (Method::GET, "/api/v1/me", Value::Null),
        (Method::POST, "/api/v1/me/password", json!({"old_password": "a", "new_password": "b"})),
        (Method::PUT, "/api/v1/me/email", json!({"email": null, "backup_email": null, "current_password": "x"})),
    ] {
        call(&app, &method, path, None, &body).await.assert_problem(401, "unauthenticated");
    }
}

#[actix_web::test]
async fn school_a_can_neither_read_nor_change_school_b() {
    let app = TestApp::init();
    let a = fixture(&app, "111111").await;
    let b = fixture(&app, "222222").await;

    // Every id-bearing endpoint with B's ids answers 404 to A's admin.
    for (method, path, body) in admin_endpoints().into_iter().filter(|(_, p, _)| p.contains('{')) {
        let path = fill(path, &b);
        let r = call(&app, &method, &path, Some(&a.admin), &body).await;
        r.assert_problem(404, "not_found");
    }
    // Creating against B's student, resetting B's accounts, adding B's staff: refused.
    app.post_as("/api/v1/temporary-accounts", &a.admin, json!({"student_id": b.student})).await.assert_problem(404, "not_found");
    let reset = app.post_as("/api/v1/accounts/reset-password", &a.admin, json!({"user_ids": [b.student, b.staff]})).await.json();
    assert_eq!(reset["reset"], json!([]));
    app.put_as(&format!("/api/v1/role-groups/{}/members", a.group), &a.admin, json!({"user_ids": [b.staff]}))
        .await
        .assert_problem(422, "validation_failed");

    // Lists show only A's own rows.
    let accounts = app.get_as("/api/v1/accounts?per_page=200", &a.admin).await.text();
    assert!(accounts.contains("111111_S1") && !accounts.contains("222222"), "{accounts}");
    let staff = app.get_as("/api/v1/staff", &a.admin).await.text();
    assert!(!staff.contains("222222"));
    let groups = app.get_as("/api/v1/role-groups", &a.admin).await.json();
    assert_eq!(groups.as_array().unwrap().len(), 1);
    assert_eq!(groups[0]["name"], "群組111111");
    assert_eq!(app.get_as("/api/v1/api-keys", &a.admin).await.json().as_array().unwrap().len(), 1);
    let temps = app.get_as("/api/v1/temporary-accounts", &a.admin).await.text();
    assert!(!temps.contains("222222"));
    let audit = app.get_as("/api/v1/audit-events?per_page=200", &a.admin).await.text();
    assert!(!audit.contains("222222"), "{audit}");

    // Nothing of B changed: its group, key, temporary account and passwords are intact.
    let b_groups = app.get_as("/api/v1/role-groups", &b.admin).await.json();
    assert_eq!(b_groups[0]["name"], "群組222222");
    assert_eq!(b_groups[0]["member_count"], 1);
    let b_keys = app.get_as("/api/v1/api-keys", &b.admin).await.json();
    assert!(b_keys[0]["revoked_at"].is_null());
    let b_temps = app.get_as("/api/v1/temporary-accounts", &b.admin).await.json();
    assert_eq!(b_temps[0]["active"], true);
    app.sign_in_pair("222222", "222222_S1", PASSWORD).await;
    // A's account names do not sign in at B.
    app.post("/api/v1/auth/sign-in", json!({"school": "222222", "account": "111111_S1", "password": PASSWORD}))
        .await
        .assert_problem(401, "invalid_credentials");
    // An API key of B reads B only.
    let key_b = app.post_as("/api/v1/api-keys", &b.admin, json!({"name": "r", "scopes": ["read"]})).await.json();
    let via_key = app.get_as("/api/v1/accounts?per_page=200", key_b["secret"].as_str().unwrap()).await.text();
    assert!(via_key.contains("222222_S1") && !via_key.contains("111111"));
}
