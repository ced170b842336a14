//! Function parameters, national windows and work periods.

use serde_json::{json, Value};

use crate::support::{TestApp, PASSWORD};
use licheng::identity::{Role, UserKind};

async fn operator(app: &TestApp) -> String {
    app.operator().await
}

fn window_115() -> Value {
    json!({"results_start": "2026-08-01", "results_end": "2027-11-30", "performances_start": "2026-08-01", "performances_end": "2027-11-30"})
}

fn period(item: &str, semester: i32, grade: i32, start: (&str, i32), end: (&str, i32)) -> Value {
    json!({"academic_year": 115, "semester": semester, "grade": grade, "item": item,
           "start_date": start.0, "start_hour": start.1, "end_date": end.0, "end_hour": end.1})
}

#[actix_web::test]
async fn function_parameters_have_defaults_units_and_the_national_minimum() {
    let app = TestApp::init();
    let school = app.school("074313");
    let admin = app.token(&school, "admin").await;
    let view = app.get_as("/api/v1/settings/parameters", &admin).await;
    assert_eq!(view.status, 200, "{}", view.text());
    let view = view.json();
    assert_eq!(view["values"]["results_per_semester"], 6);
    assert_eq!(view["values"]["remind_submit_days"], 3);
    assert!(view["updated_at"].is_null());
    let first = &view["items"][0];
    assert_eq!(first["label"], "學生學習成果上傳數量");
    assert_eq!(first["unit"], "件");
    assert!(first["explanation"].as_str().unwrap().contains("不可低於 6 件"));

    let mut values = view["values"].clone();
    values["results_per_semester"] = json!(5);
    values["teacher_reminder_hour"] = json!(24);
    let refused = app.put_as("/api/v1/settings/parameters", &admin, values.clone()).await.assert_problem(422, "validation_failed");
    assert!(refused["errors"]["results_per_semester"].is_array() && refused["errors"]["teacher_reminder_hour"].is_array(), "{refused}");
    values["results_per_semester"] = json!(8);
    values["teacher_reminder_hour"] = json!(16);
    let saved = app.put_as("/api/v1/settings/parameters", &admin, values.clone()).await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    let read = app.get_as("/api/v1/settings/parameters", &admin).await.json();
    assert_eq!(read["values"]["results_per_semester"], 8);
    assert_eq!(read["values"]["teacher_reminder_hour"], 16);
    values["teacher_reminder_hour"] = Value::Null;
    let cleared = app.put_as("/api/v1/settings/parameters", &admin, values).await.json();
    assert!(cleared["values"]["teacher_reminder_hour"].is_null());

    // Per school: another school still has the defaults.
    let other = app.school("074314");
    let other_admin = app.token(&other, "admin").await;
    assert_eq!(app.get_as("/api/v1/settings/parameters", &other_admin).await.json()["values"]["results_per_semester"], 6);
    // A teacher without module S0203S1 is refused; a group grant lets one read but not write.
    let tid = app.teacher(&school, "t1");
    let teacher = app.token(&school, "t1").await;
    app.get_as("/api/v1/settings/parameters", &teacher).await.assert_problem(403, "module_required");
    let gid = app.post_as("/api/v1/role-groups", &admin, json!({"code": "P", "name": "參數"})).await.json()["id"].as_i64().unwrap();
    app.put_as(&format!("/api/v1/role-groups/{gid}/modules"), &admin, json!({"modules": [{"code": "S0203S1", "can_create": false, "can_update": false, "can_delete": false}]})).await;
    app.put_as(&format!("/api/v1/role-groups/{gid}/members"), &admin, json!({"user_ids": [tid]})).await;
    assert_eq!(app.get_as("/api/v1/settings/parameters", &teacher).await.status, 200);
    app.put_as("/api/v1/settings/parameters", &teacher, read["values"].clone()).await.assert_problem(403, "module_required");
}

#[actix_web::test]
async fn the_operator_sets_national_windows_and_admins_read_them() {
    let app = TestApp::init();
    let school = app.school("074313");
    let admin = app.token(&school, "admin").await;
    let op = operator(&app).await;
    app.put_as("/api/v1/national-windows/115", &admin, window_115()).await.assert_problem(403, "role_required");
    let saved = app.put_as("/api/v1/national-windows/115", &op, window_115()).await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    let mut bad = window_115();
    bad["results_end"] = json!("2026-07-01");
    app.put_as("/api/v1/national-windows/115", &op, bad).await.assert_problem(422, "validation_failed");
    let list = app.get_as("/api/v1/national-windows", &admin).await.json();
    assert_eq!(list[0]["academic_year"], 115);
    assert_eq!(list[0]["results_end"], "2027-11-30");
}

#[actix_web::test]
async fn work_periods_obey_their_rules() {
    let app = TestApp::init();
    let school = app.school("074313");
    let admin = app.token(&school, "admin").await;
    let upload = period("upload_results", 1, 2, ("2026-09-01", 8), ("2027-01-20", 23));
    // No national window yet.
    let body = app.post_as("/api/v1/work-periods", &admin, upload.clone()).await.assert_problem(422, "validation_failed");
    assert!(body["errors"]["academic_year"].is_array());
    let op = operator(&app).await;
    app.put_as("/api/v1/national-windows/115", &op, window_115()).await;

    let created = app.post_as("/api/v1/work-periods", &admin, upload.clone()).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let created = created.json();
    assert_eq!(created["starts_at"], "2026-09-01T00:00:00Z");
    assert_eq!(created["ends_at"], "2027-01-20T16:00:00Z");
    assert_eq!((created["end_date"].as_str(), created["end_hour"].as_i64()), (Some("2027-01-20"), Some(23)));
    app.post_as("/api/v1/work-periods", &admin, upload.clone()).await.assert_problem(409, "conflict");

    for (bad, field) in [
        (period("select_results", 1, 2, ("2026-09-01", 8), ("2027-01-20", 23)), "semester"),
        (period("certify_results", 0, 2, ("2026-09-01", 8), ("2027-01-20", 23)), "semester"),
        (period("upload_results", 2, 2, ("2027-03-01", 8), ("2027-02-01", 8)), "end_date"),
        (period("upload_results", 2, 2, ("2026-07-31", 8), ("2027-02-01", 8)), "start_date"),
        (period("select_performances", 0, 2, ("2026-09-01", 8), ("2027-12-01", 0)), "start_date"),
        (period("upload_results", 1, 4, ("2026-09-01", 8), ("2027-01-20", 23)), "grade"),
        (period("upload_results", 1, 1, ("2026-09-01", 24), ("2027-01-20", 23)), "start_hour"),
    ] {
        let body = app.post_as("/api/v1/work-periods", &admin, bad.clone()).await.assert_problem(422, "validation_failed");
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let bad_item = json!({"academic_year": 115, "semester": 1, "grade": 1, "item": "dance", "start_date": "2026-09-01", "start_hour": 8, "end_date": "2027-01-20", "end_hour": 23});
    app.post_as("/api/v1/work-periods", &admin, bad_item).await.assert_problem(400, "invalid_json");

    // Edit, list, delete.
    let id = created["id"].as_i64().unwrap();
    let mut changed = upload.clone();
    changed["end_hour"] = json!(17);
    let updated = app.put_as(&format!("/api/v1/work-periods/{id}"), &admin, changed).await;
    assert_eq!(updated.status, 200, "{}", updated.text());
    assert_eq!(updated.json()["ends_at"], "2027-01-20T10:00:00Z");
    let second = app.post_as("/api/v1/work-periods", &admin, period("upload_results", 1, 3, ("2026-09-01", 8), ("2027-01-20", 23))).await.json();
    let mut clash = upload.clone();
    clash["grade"] = json!(3);
    app.put_as(&format!("/api/v1/work-periods/{id}"), &admin, clash).await.assert_problem(409, "conflict");
    let list = app.get_as("/api/v1/work-periods?academic_year=115", &admin).await.json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(app.delete_as(&format!("/api/v1/work-periods/{}", second["id"]), &admin).await.status, 204);
    assert_eq!(app.get_as("/api/v1/work-periods", &admin).await.json().as_array().unwrap().len(), 1);

    // Another school cannot see or touch it.
    let other = app.school("074314");
    let other_admin = app.token(&other, "admin").await;
    assert_eq!(app.get_as("/api/v1/work-periods", &other_admin).await.json(), json!([]));
    app.put_as(&format!("/api/v1/work-periods/{id}"), &other_admin, upload).await.assert_problem(404, "not_found");
    app.delete_as(&format!("/api/v1/work-periods/{id}"), &other_admin).await.assert_problem(404, "not_found");
    // Teachers without module S0203S are refused.
    app.teacher(&school, "t1");
    let teacher = app.token(&school, "t1").await;
    app.get_as("/api/v1/work-periods", &teacher).await.assert_problem(403, "module_required");
    app.delete_as(&format!("/api/v1/work-periods/{id}"), &teacher).await.assert_problem(403, "module_required");
}

#[actix_web::test]
async fn an_action_is_refused_just_before_allowed_inside_and_refused_just_after_its_period() {
    let app = TestApp::init();
    let school = app.school("074313");
    let admin = app.token(&school, "admin").await;
    let op = operator(&app).await;
    app.put_as("/api/v1/national-windows/115", &op, window_115()).await;
    // A period that starts in one hour and lasts two (Taipei hours).
    let now = app.state.clock.now();
    let taipei = now + chrono::Duration::hours(8);
    use chrono::Timelike;
    let start = taipei + chrono::Duration::hours(1);
    let end = start + chrono::Duration::hours(1);
    let body = json!({"academic_year": 115, "semester": 1, "grade": 2, "item": "upload_results",
        "start_date": start.date().to_string(), "start_hour": start.hour(), "end_date": end.date().to_string(), "end_hour": end.hour()});
    let created = app.post_as("/api/v1/work-periods", &admin, body).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let starts_at = chrono::DateTime::parse_from_rfc3339(created.json()["starts_at"].as_str().unwrap()).unwrap().naive_utc();
    let ends_at = starts_at + chrono::Duration::hours(2);
    let check = |at: chrono::NaiveDateTime| app.state.db.read_blocking(|c| licheng::settings::periods::require_open(c, school.id, licheng::settings::periods::Item::UploadResults, 2, at));
    let second = chrono::Duration::seconds(1);
    let err = check(starts_at - second).unwrap_err();
    assert_eq!(err.code, licheng::error::ErrorCode::PeriodClosed);
    assert!(check(starts_at).is_ok());
    assert!(check(ends_at - second).is_ok());
    assert_eq!(check(ends_at).unwrap_err().code, licheng::error::ErrorCode::PeriodClosed);
    // Other grades and items have no period.
    assert!(app.state.db.read_blocking(|c| licheng::settings::periods::require_open(c, school.id, licheng::settings::periods::Item::UploadResults, 1, starts_at)).is_err());

    // The student's own view shows the same, moving the clock: closed, open, closed.
    let now = app.state.clock.now();
    app.write(|c| {
        licheng::accounts::create_account(
            c,
            &licheng::accounts::NewAccount {
                school_id: Some(school.id),
                account: "s1",
                kind: UserKind::Student,
                display_name: "學生",
                national_id: Some("A123456789"),
                number: Some("1"),
                email: None,
                password: PASSWORD,
                must_change_password: false,
                roles: &[Role::Student],
            },
            now,
        )
    });
    let sid: i64 = app.state.db.read_blocking(|c| {
        use diesel::prelude::*;
        Ok(licheng::schema::users::table.filter(licheng::schema::users::account.eq("s1")).select(licheng::schema::users::id).first(c)?)
    }).unwrap();
    app.write(|c| {
        use diesel::prelude::*;
        diesel::insert_into(licheng::schema::student_profiles::table)
            .values((
                licheng::schema::student_profiles::user_id.eq(sid),
                licheng::schema::student_profiles::school_id.eq(school.id),
                licheng::schema::student_profiles::division.eq("day"),
                licheng::schema::student_profiles::entry_year.eq(114),
                licheng::schema::student_profiles::grade.eq(2),
                licheng::schema::student_profiles::status.eq("在學"),
                licheng::schema::student_profiles::updated_at.eq(now),
            ))
            .execute(c)?;
        Ok(())
    });
    let student = app.token(&school, "s1").await;
    let open_now = |v: Value| v.as_array().unwrap().iter().find(|p| p["item"] == "upload_results").map(|p| p["open"].as_bool().unwrap());
    assert_eq!(open_now(app.get_as("/api/v1/me/periods", &student).await.json()), Some(false));
    app.state.clock.advance(3600 + 60);
    let student = app.token(&school, "s1").await;
    assert_eq!(open_now(app.get_as("/api/v1/me/periods", &student).await.json()), Some(true));
    app.state.clock.advance(2 * 3600);
    let student = app.token(&school, "s1").await;
    assert_eq!(open_now(app.get_as("/api/v1/me/periods", &student).await.json()), Some(false));
}

#[actix_web::test]
async fn co_taught_certifiers_default_to_yes_and_change_many_at_once() {
    let app = TestApp::init();
    let school = app.school(crate::sync::SCHOOL);
    let key = crate::sync::sync_key(&app, &school, &[licheng::auth::Scope::Sync]);
    crate::sync::load_school(&app, &key).await;
    let admin = app.token(&school, "admin").await;
    let list = app.get_as("/api/v1/co-taught", &admin).await;
    assert_eq!(list.status, 200, "{}", list.text());
    let list = list.json();
    // Only the course with two teachers is listed, one row per teacher, certifying by default.
    assert_eq!(list["total"], 2);
    assert!(list["items"].as_array().unwrap().iter().all(|r| r["can_certify"] == true && r["subject_name"] == "探究與實作"));
    let chen = app.get_as("/api/v1/co-taught?q=%E9%99%B3", &admin).await.json();
    assert_eq!(chen["total"], 1);
    let chen_id = chen["items"][0]["assignment_id"].as_i64().unwrap();
    let lin_id = list["items"].as_array().unwrap().iter().find(|r| r["assignment_id"] != chen_id).unwrap()["assignment_id"].as_i64().unwrap();

    let changed = app
        .put_as("/api/v1/co-taught", &admin, json!({"changes": [{"assignment_id": chen_id, "can_certify": false}, {"assignment_id": lin_id, "can_certify": true}]}))
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(changed.json().as_array().unwrap().len(), 2);
    let after = app.get_as("/api/v1/co-taught?q=%E9%99%B3", &admin).await.json();
    assert_eq!(after["items"][0]["can_certify"], false);
    // A resync of the same assignments keeps the admin's choice.
    crate::sync::push_ok(&app, &key, "teaching-assignments", (115, 1), crate::sync::teaching_rows()).await;
    assert_eq!(app.get_as("/api/v1/co-taught?q=%E9%99%B3", &admin).await.json()["items"][0]["can_certify"], false);

    // A single-teacher course's assignment, or another school's, is refused; nothing changes.
    let all_ids: Vec<i64> = app.state.db.read_blocking(|c| {
        use diesel::prelude::*;
        Ok(licheng::schema::teaching_assignments::table.select(licheng::schema::teaching_assignments::id).load(c)?)
    }).unwrap();
    let single = all_ids.into_iter().find(|id| *id != chen_id && *id != lin_id).unwrap();
    let refused = app
        .put_as("/api/v1/co-taught", &admin, json!({"changes": [{"assignment_id": chen_id, "can_certify": true}, {"assignment_id": single, "can_certify": false}]}))
        .await
        .assert_problem(422, "validation_failed");
    assert!(refused["errors"]["changes[1].assignment_id"].is_array());
    assert_eq!(app.get_as("/api/v1/co-taught?q=%E9%99%B3", &admin).await.json()["items"][0]["can_certify"], false);
    let other = app.school("074314");
    let other_admin = app.token(&other, "admin").await;
    assert_eq!(app.get_as("/api/v1/co-taught", &other_admin).await.json()["total"], 0);
    app.put_as("/api/v1/co-taught", &other_admin, json!({"changes": [{"assignment_id": chen_id, "can_certify": true}]}))
        .await
        .assert_problem(422, "validation_failed");
    app.teacher(&school, "plain");
    let teacher = app.token(&school, "plain").await;
    app.get_as("/api/v1/co-taught", &teacher).await.assert_problem(403, "module_required");
}

#[actix_web::test]
async fn consultants_get_classes_and_counselors_get_students_each_term() {
    let app = TestApp::init();
    let school = app.school(crate::sync::SCHOOL);
    let key = crate::sync::sync_key(&app, &school, &[licheng::auth::Scope::Sync]);
    crate::sync::load_school(&app, &key).await;
    let admin = app.token(&school, "admin").await;
    // The term's classes, for staff pickers; students are refused.
    let list = app.get_as("/api/v1/classes", &admin).await;
    assert_eq!(list.status, 200, "{}", list.text());
    assert_eq!(list.json()[0]["code"], "201");
    let student = app.sign_in_pair(crate::sync::SCHOOL, "563401_010001", &licheng::national_id::complete("N22000001")).await;
    let student = app
        .post_as("/api/v1/me/password", student["access_token"].as_str().unwrap(), json!({"old_password": licheng::national_id::complete("N22000001"), "new_password": "Student-2026"}))
        .await
        .json()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    app.get_as("/api/v1/classes", &student).await.assert_problem(403, "role_required");
    let teachers = app.get_as("/api/v1/consultants?q=T001", &admin).await;
    assert_eq!(teachers.status, 200, "{}", teachers.text());
    let t1 = teachers.json()["items"][0]["id"].as_i64().unwrap();
    // The school's 管理者 account teaches nothing: it is no teacher to pick (issue #24).
    for list in ["/api/v1/consultants?q=admin", "/api/v1/counselors?q=admin"] {
        let found = app.get_as(list, &admin).await.json();
        assert!(found["items"].as_array().unwrap().iter().all(|t| !t["account"].as_str().unwrap_or("").ends_with("admin")), "{list}: {found}");
    }
    let classes = app.get_as(&format!("/api/v1/consultants/{t1}/classes"), &admin).await.json();
    assert_eq!(classes["assigned"], json!([]));
    let class_id = classes["assignable"][0]["id"].as_i64().unwrap();
    let saved = app.put_as(&format!("/api/v1/consultants/{t1}/classes"), &admin, json!({"class_ids": [class_id]})).await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(saved.json()["assigned"][0]["code"], "201");
    assert_eq!(app.get_as("/api/v1/consultants?q=T001", &admin).await.json()["items"][0]["assigned"], 1);
    app.put_as(&format!("/api/v1/consultants/{t1}/classes"), &admin, json!({"class_ids": [999999]})).await.assert_problem(422, "validation_failed");

    // The consultant now has the role and sees the students of the class.
    let pair = app.sign_in_pair(crate::sync::SCHOOL, "563401_T001", &licheng::national_id::complete("A10000101")).await;
    let token = app
        .post_as("/api/v1/me/password", pair["access_token"].as_str().unwrap(), json!({"old_password": licheng::national_id::complete("A10000101"), "new_password": "Teacher-2026"}))
        .await
        .json()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(app.get_as("/api/v1/me", &token).await.json()["roles"], json!(["subject_teacher", "course_consultant"]));
    let advisees = app.get_as("/api/v1/me/advisees", &token).await.json();
    assert_eq!(advisees["total"], 3);
    assert_eq!(advisees["items"][0]["class_code"], "201");

    // Counselors get students; a student of another school is refused.
    let t2 = app.get_as("/api/v1/counselors?q=T002", &admin).await.json()["items"][0]["id"].as_i64().unwrap();
    let students = app.get_as("/api/v1/students?class_code=201", &admin).await.json();
    assert_eq!(students["total"], 3);
    let first = students["items"][0]["id"].as_i64().unwrap();
    let saved = app.put_as(&format!("/api/v1/counselors/{t2}/students"), &admin, json!({"student_ids": [first]})).await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(app.get_as(&format!("/api/v1/counselors/{t2}/students"), &admin).await.json().as_array().unwrap().len(), 1);
    let other = app.school("074314");
    let outsider = app.student(&other, "x1", "A123456789");
    app.put_as(&format!("/api/v1/counselors/{t2}/students"), &admin, json!({"student_ids": [outsider]})).await.assert_problem(422, "validation_failed");
    let other_admin = app.token(&other, "admin").await;
    app.get_as(&format!("/api/v1/consultants/{t1}/classes"), &other_admin).await.assert_problem(404, "not_found");
    app.put_as(&format!("/api/v1/counselors/{t2}/students"), &other_admin, json!({"student_ids": []})).await.assert_problem(404, "not_found");
    // A plain teacher has no advisees and no access to the settings.
    app.teacher(&school, "plain");
    let plain = app.token(&school, "plain").await;
    app.get_as("/api/v1/me/advisees", &plain).await.assert_problem(403, "role_required");
    app.get_as("/api/v1/consultants", &plain).await.assert_problem(403, "module_required");

    // A new term starts without assignments: both are set again each term.
    crate::sync::push_ok(&app, &key, "classes", (115, 2), json!([{"code": "201", "name": "二年一班", "grade": 2, "homeroom_teacher": null}])).await;
    let token = app.sign_in_pair(crate::sync::SCHOOL, "563401_T001", "Teacher-2026").await["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.get_as("/api/v1/me", &token).await.json()["roles"], json!([]));
    assert_eq!(app.get_as(&format!("/api/v1/consultants/{t1}/classes"), &admin).await.json()["assigned"], json!([]));
    assert_eq!(app.get_as(&format!("/api/v1/counselors/{t2}/students"), &admin).await.json(), json!([]));
}

/// A list's total (issue #25) is not counted again on every page: a page that is not full tells
/// it, and a counted one is reused — but never past a write of this process, and for at most
/// `principal_cache_seconds` after a write of another process (here a second connection pool).
#[actix_web::test]
async fn list_totals_follow_every_change() {
    use diesel::prelude::*;
    use licheng::schema::users;
    let app = TestApp::with_config(|c| c.principal_cache_seconds = 1);
    app.demo();
    let admin = app.demo_token("admin").await;
    let total = |v: &Value| v["total"].as_i64().expect("total");
    let all = app.get_as("/api/v1/students?per_page=200", &admin).await.json();
    let n = total(&all);
    assert!(n >= 3 && all["items"].as_array().map(Vec::len) == Some(n as usize), "{all}");
    // Full pages need the count; the last page and a page past the end agree with it.
    assert_eq!(total(&app.get_as("/api/v1/students?per_page=1", &admin).await.json()), n);
    assert_eq!(total(&app.get_as(&format!("/api/v1/students?per_page=1&page={n}"), &admin).await.json()), n);
    assert_eq!(total(&app.get_as(&format!("/api/v1/students?per_page=1&page={}", n + 5), &admin).await.json()), n);
    // A write through this process: the next page counts again.
    let first = all["items"][0]["id"].as_i64().expect("id");
    app.write(|c| {
        diesel::update(users::table.find(first)).set(users::active.eq(false)).execute(c)?;
        Ok(())
    });
    assert_eq!(total(&app.get_as("/api/v1/students?per_page=1", &admin).await.json()), n - 1);
    assert_eq!(total(&app.get_as(&format!("/api/v1/students?per_page=1&page={}", n + 5), &admin).await.json()), n - 1);
    // A write of another process shows within the lifetime.
    let other = licheng::db::Db::connect(&app.state.config.database_url(), 2).expect("second pool");
    other
        .write_blocking(|c| {
            diesel::update(users::table.find(first)).set(users::active.eq(true)).execute(c)?;
            Ok(())
        })
        .expect("write");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(total(&app.get_as("/api/v1/students?per_page=1", &admin).await.json()), n);
}

/// Background writes to tables no list counts — a server's heartbeat, sealing the history — leave
/// the counted totals in use (issue #25: they ran every few seconds and made every page count the
/// school again); any other write of this process still discards them.
#[actix_web::test]
async fn housekeeping_writes_keep_the_list_totals() {
    use diesel::prelude::*;
    use licheng::schema::users;
    let app = TestApp::with_config(|c| c.principal_cache_seconds = 600);
    app.demo();
    let admin = app.demo_token("admin").await;
    let total = |v: &Value| v["total"].as_i64().expect("total");
    let all = app.get_as("/api/v1/students?per_page=200", &admin).await.json();
    let n = total(&all);
    assert_eq!(total(&app.get_as("/api/v1/students?per_page=1", &admin).await.json()), n);
    // Another process deactivates a student: this process keeps its counted total for now.
    let first = all["items"][0]["id"].as_i64().expect("id");
    let other = licheng::db::Db::connect(&app.state.config.database_url(), 2).expect("second pool");
    other
        .write_blocking(|c| {
            diesel::update(users::table.find(first)).set(users::active.eq(false)).execute(c)?;
            Ok(())
        })
        .expect("write");
    assert_eq!(total(&app.get_as("/api/v1/students?per_page=1", &admin).await.json()), n, "counted once, reused");
    let now = app.state.clock.now();
    licheng::national_id::report(&app.state.db, "test-instance", now).expect("heartbeat");
    licheng::history::seal(&app.state.db, now).expect("seal");
    assert_eq!(total(&app.get_as("/api/v1/students?per_page=1", &admin).await.json()), n, "housekeeping keeps the totals");
    // A write of this process (even one that changes nothing a list counts) counts again.
    app.write(|c| {
        diesel::update(users::table.find(first)).set(users::active.eq(false)).execute(c)?;
        Ok(())
    });
    assert_eq!(total(&app.get_as("/api/v1/students?per_page=1", &admin).await.json()), n - 1);
}
