//! Issue #23 reports: 學生上傳及勾選情形確認單 and the three statistics screens (學習成果上傳統計,
//! 學習成果使用人數統計表, 教師學習成果認證統計表), JSON and .xlsx, on a fixture school counted by hand.
//!
//! School Q1, term 115-1. Students a1, a2, a3 (grade 1, class 101, seats 1–3), b1 (grade 2, 201).
//! Courses of 115-1: 國語文 101 (tA certifies), 數學 101 (tB), 國語文 201 (tB); 英語文 101 of 115-2.
//! Learning results:
//! - a1: 國語文 certified by tA (selected), 數學 submitted (waits for tB), 英語文 of 115-2 editing;
//! - a2: 國語文 rejected by tA, 數學 editing, a deleted submitted 國語文 (counts nowhere);
//! - a3: none; b1: 國語文 201 certified by tB.
//!
//! Performances of 115: a1 a live competition (selected) and a deleted one (selected).

use std::collections::HashMap;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::Value;

use crate::support::{School, TestApp};
use licheng::schema::{
    courses, learning_results as lr, performances as pf, role_group_members as rgm, role_group_modules as rgmod, role_groups as rg, selections as sel,
    student_profiles as sp, teaching_assignments as ta, users,
};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

struct Fx {
    school: School,
    admin: String,
    ids: HashMap<&'static str, i64>,
}

fn student(app: &TestApp, school: &School, account: &str, nid: &str, grade: i32, class: &str, seat: i32) -> i64 {
    let id = app.student(school, account, nid);
    let now = app.state.clock.now();
    let (sid, class, number) = (school.id, class.to_string(), format!("N{account}"));
    app.write(move |c| {
        diesel::insert_into(sp::table)
            .values((
                sp::user_id.eq(id),
                sp::school_id.eq(sid),
                sp::division.eq("day"),
                sp::entry_year.eq(115 - grade + 1),
                sp::grade.eq(grade),
                sp::class_code.eq(Some(class)),
                sp::seat_no.eq(Some(seat)),
                sp::status.eq("在學"),
                sp::updated_at.eq(now),
            ))
            .execute(c)?;
        diesel::update(users::table.find(id)).set(users::number.eq(Some(number))).execute(c)?;
        Ok(())
    });
    id
}

fn course(app: &TestApp, school: i64, semester: i32, grade: i32, class: &str, subject: &str, certifier: i64) -> i64 {
    let now = app.state.clock.now();
    // A 23-character course code, one per class and subject.
    let code = format!("1155000001{class}{:0>10}", subject.chars().map(|c| c as u32 % 10).map(|d| d.to_string()).collect::<String>());
    let (class, subject) = (class.to_string(), subject.to_string());
    app.write(move |c| {
        let id: i64 = diesel::insert_into(courses::table)
            .values((
                courses::school_id.eq(school),
                courses::academic_year.eq(115),
                courses::semester.eq(semester),
                courses::course_code.eq(code),
                courses::class_code.eq(class),
                courses::subject_name.eq(subject),
                courses::grade.eq(grade),
                courses::credits.eq(2),
                courses::mixed_class.eq(false),
                courses::active.eq(true),
                courses::updated_at.eq(now),
            ))
            .returning(courses::id)
            .get_result(c)?;
        diesel::insert_into(ta::table)
            .values((ta::school_id.eq(school), ta::course_id.eq(id), ta::teacher_id.eq(certifier), ta::can_certify.eq(true), ta::active.eq(true), ta::updated_at.eq(now)))
            .execute(c)?;
        Ok(id)
    })
}

#[allow(clippy::too_many_arguments)]
fn result(app: &TestApp, school: i64, student: i64, course: i64, semester: i32, state: &str, by: Option<i64>, deleted: bool, selected: bool) -> i64 {
    let now = app.state.clock.now();
    let state = state.to_string();
    app.write(move |c| {
        let id: i64 = diesel::insert_into(lr::table)
            .values((
                lr::school_id.eq(school),
                lr::student_id.eq(student),
                lr::course_id.eq(course),
                lr::academic_year.eq(115),
                lr::semester.eq(semester),
                lr::description.eq("成果"),
                lr::state.eq(state),
                lr::decided_by.eq(by),
                lr::decided_at.eq(by.map(|_| now)),
                lr::created_at.eq(now),
                lr::updated_at.eq(now),
                lr::deleted_at.eq(deleted.then_some(now)),
            ))
            .returning(lr::id)
            .get_result(c)?;
        if selected {
            diesel::insert_into(sel::table)
                .values((sel::school_id.eq(school), sel::student_id.eq(student), sel::academic_year.eq(115), sel::item_kind.eq("result"), sel::item_id.eq(id), sel::selected_at.eq(now)))
                .execute(c)?;
        }
        Ok(id)
    })
}

fn performance(app: &TestApp, school: i64, student: i64, deleted: bool) -> i64 {
    let now = app.state.clock.now();
    app.write(move |c| {
        let id: i64 = diesel::insert_into(pf::table)
            .values((
                pf::school_id.eq(school),
                pf::student_id.eq(student),
                pf::academic_year.eq(115),
                pf::category.eq("competition"),
                pf::title.eq("全國科展"),
                pf::start_date.eq(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()),
                pf::description.eq("說明"),
                pf::created_at.eq(now),
                pf::updated_at.eq(now),
                pf::deleted_at.eq(deleted.then_some(now)),
            ))
            .returning(pf::id)
            .get_result(c)?;
        diesel::insert_into(sel::table)
            .values((sel::school_id.eq(school), sel::student_id.eq(student), sel::academic_year.eq(115), sel::item_kind.eq("performance"), sel::item_id.eq(id), sel::selected_at.eq(now)))
            .execute(c)?;
        Ok(id)
    })
}

/// Gives `user` a role group granted `module` (view only).
fn grant(app: &TestApp, school: i64, user: i64, module: &str) {
    let now = app.state.clock.now();
    let module = module.to_string();
    app.write(move |c| {
        let group: i64 = diesel::insert_into(rg::table)
            .values((rg::school_id.eq(school), rg::code.eq(format!("7{}", &module[3..5])), rg::name.eq("報表"), rg::in_use.eq(true), rg::created_at.eq(now), rg::updated_at.eq(now)))
            .returning(rg::id)
            .get_result(c)?;
        diesel::insert_into(rgmod::table)
            .values((rgmod::group_id.eq(group), rgmod::module_code.eq(module), rgmod::can_create.eq(false), rgmod::can_update.eq(false), rgmod::can_delete.eq(false)))
            .execute(c)?;
        diesel::insert_into(rgm::table).values((rgm::group_id.eq(group), rgm::user_id.eq(user))).execute(c)?;
        Ok(())
    });
}

async fn fixture(app: &TestApp) -> Fx {
    let school = app.school("230011");
    let s = school.id;
    let mut ids = HashMap::new();
    for (account, nid, grade, class, seat) in
        [("a1", "A200000001", 1, "101", 1), ("a2", "A200000002", 1, "101", 2), ("a3", "A200000003", 1, "101", 3), ("b1", "A200000004", 2, "201", 1)]
    {
        ids.insert(account, student(app, &school, account, nid, grade, class, seat));
    }
    let ta_id = app.teacher(&school, "tA");
    let tb_id = app.teacher(&school, "tB");
    ids.insert("tA", ta_id);
    ids.insert("tB", tb_id);
    let chinese = course(app, s, 1, 1, "101", "國語文", ta_id);
    let math = course(app, s, 1, 1, "101", "數學", tb_id);
    let chinese2 = course(app, s, 1, 2, "201", "國語文", tb_id);
    let english = course(app, s, 2, 1, "101", "英語文", ta_id);
    result(app, s, ids["a1"], chinese, 1, "certified", Some(ta_id), false, true);
    result(app, s, ids["a1"], math, 1, "submitted", None, false, false);
    result(app, s, ids["a1"], english, 2, "editing", None, false, false);
    result(app, s, ids["a2"], chinese, 1, "rejected", Some(ta_id), false, false);
    result(app, s, ids["a2"], math, 1, "editing", None, false, false);
    result(app, s, ids["a2"], chinese, 1, "submitted", None, true, false);
    result(app, s, ids["b1"], chinese2, 1, "certified", Some(tb_id), false, false);
    performance(app, s, ids["a1"], false);
    performance(app, s, ids["a1"], true);
    let admin = app.token(&school, "admin").await;
    Fx { school, admin, ids }
}

fn rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::Empty => String::new(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => format!("{i}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

async fn xlsx(app: &TestApp, path: &str, token: &str) -> Vec<Vec<String>> {
    let r = app.get_as(path, token).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.content_type(), XLSX);
    rows(&r.body)
}

#[actix_web::test]
async fn statistics_count_by_grade_class_subject_and_teacher() {
    let app = TestApp::init();
    let fx = fixture(&app).await;

    // 學習成果上傳統計 — by hand: 101 國語文 = a1 certified + a2 rejected (2 students);
    // 101 數學 = a1 submitted + a2 editing; 201 國語文 = b1 certified; 英語文 is 115-2; the deleted
    // one counts nowhere.
    let up = app.get_as("/api/v1/reports/upload-stats", &fx.admin).await;
    assert_eq!(up.status, 200, "{}", up.text());
    let up = up.json();
    assert_eq!(up["term"], "1151");
    let got: Vec<(i64, String, String, i64, i64, i64, i64, i64, i64)> = up["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].as_i64().unwrap();
            (n("grade"), r["class_code"].as_str().unwrap().into(), r["subject_name"].as_str().unwrap().into(), n("students"), n("editing"), n("submitted"), n("certified"), n("rejected"), n("total"))
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, "101".into(), "國語文".into(), 2, 0, 0, 1, 1, 2),
            (1, "101".into(), "數學".into(), 2, 1, 1, 0, 0, 2),
            (2, "201".into(), "國語文".into(), 1, 0, 0, 1, 0, 1),
        ]
    );
    assert_eq!((up["total"]["students"].as_i64(), up["total"]["total"].as_i64()), (Some(3), Some(5)));
    let grade2 = app.get_as("/api/v1/reports/upload-stats?grade=2", &fx.admin).await.json();
    assert_eq!(grade2["rows"].as_array().unwrap().len(), 1);
    assert_eq!(grade2["total"]["total"], 1);
    let class101 = app.get_as("/api/v1/reports/upload-stats?class_code=101", &fx.admin).await.json();
    assert_eq!(class101["total"]["total"], 4);
    // The whole year (term 1150) takes a1's 英語文 of semester 2 in too.
    let year = app.get_as("/api/v1/reports/upload-stats?term=1150", &fx.admin).await.json();
    assert_eq!(year["total"]["total"], 6);
    let sheet = xlsx(&app, "/api/v1/reports/upload-stats.xlsx", &fx.admin).await;
    assert_eq!(sheet[0][..4], ["年級", "班級", "科目", "上傳人數"]);
    assert_eq!(sheet.len(), 5, "header, three rows, 合計");
    assert_eq!(sheet[4], ["合計", "", "", "3", "1", "1", "2", "1", "5"]);

    // 學習成果使用人數統計表 — by hand: 101 has a1, a2, a3 (a1 and a2 upload: 66.7%, 4 results);
    // 201 has b1 (uploads: 100%, 1 result); grade 1: 3/2, grade 2: 1/1; school: 4/3 = 75%.
    let counts = app.get_as("/api/v1/reports/usage-counts", &fx.admin).await;
    assert_eq!(counts.status, 200, "{}", counts.text());
    let counts = counts.json();
    let by_class: Vec<(String, i64, i64, f64, i64)> = counts["by_class"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["class_code"].as_str().unwrap().into(), u["students"].as_i64().unwrap(), u["students_uploading"].as_i64().unwrap(), u["rate"].as_f64().unwrap(), u["results"].as_i64().unwrap()))
        .collect();
    assert_eq!(by_class, [("101".into(), 3, 2, 66.7, 4), ("201".into(), 1, 1, 100.0, 1)]);
    let by_grade: Vec<(i64, i64, i64)> = counts["by_grade"].as_array().unwrap().iter().map(|u| (u["grade"].as_i64().unwrap(), u["students"].as_i64().unwrap(), u["students_uploading"].as_i64().unwrap())).collect();
    assert_eq!(by_grade, [(1, 3, 2), (2, 1, 1)]);
    assert_eq!((counts["total"]["students"].as_i64(), counts["total"]["students_uploading"].as_i64(), counts["total"]["rate"].as_f64()), (Some(4), Some(3), Some(75.0)));
    let only201 = app.get_as("/api/v1/reports/usage-counts?class_code=201", &fx.admin).await.json();
    assert_eq!((only201["total"]["students"].as_i64(), only201["total"]["students_uploading"].as_i64()), (Some(1), Some(1)));
    let sheet = xlsx(&app, "/api/v1/reports/usage-counts.xlsx", &fx.admin).await;
    assert_eq!(sheet.len(), 6, "header, 2 classes, 2 小計, 合計");
    assert_eq!(sheet[1], ["1", "101", "3", "2", "66.7%", "4"]);
    assert_eq!(sheet[5], ["合計", "", "4", "3", "75.0%", "5"]);

    // 教師學習成果認證統計表 — by hand: tA certified a1's 國語文, rejected a2's, nothing waits;
    // tB certified b1's 國語文 and a1's 數學 waits for tB.
    let teachers = app.get_as("/api/v1/reports/teacher-certifications", &fx.admin).await;
    assert_eq!(teachers.status, 200, "{}", teachers.text());
    let got: Vec<(String, i64, i64, i64)> = teachers.json()["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["account"].as_str().unwrap().into(), t["certified"].as_i64().unwrap(), t["rejected"].as_i64().unwrap(), t["waiting"].as_i64().unwrap()))
        .collect();
    assert_eq!(got, [("tA".into(), 1, 1, 0), ("tB".into(), 1, 0, 1)]);
    let class201 = app.get_as("/api/v1/reports/teacher-certifications?class_code=201", &fx.admin).await.json();
    let got: Vec<(String, i64, i64)> = class201["teachers"].as_array().unwrap().iter().map(|t| (t["account"].as_str().unwrap().into(), t["certified"].as_i64().unwrap(), t["waiting"].as_i64().unwrap())).collect();
    assert_eq!(got, [("tB".into(), 1, 0)], "the filter takes the students' class");
    let sheet = xlsx(&app, "/api/v1/reports/teacher-certifications.xlsx", &fx.admin).await;
    assert_eq!(sheet[2][..6], ["tB", "使用者tB", "1", "0", "1", "2"]);

    // The old usage report (which folds the three) still answers.
    let usage = app.get_as("/api/v1/reports/usage", &fx.admin).await;
    assert_eq!(usage.status, 200, "{}", usage.text());
    assert_eq!(usage.json()["totals"]["total"], 5);

    // Bad filters: 400 with the field named, in English on request.
    app.get_as("/api/v1/reports/usage-counts?grade=4", &fx.admin).await.assert_problem(400, "invalid_query");
    app.get_as("/api/v1/reports/upload-stats?term=115-1", &fx.admin).await.assert_problem(400, "invalid_query");
    app.get_as("/api/v1/reports/teacher-certifications?grade=x", &fx.admin).await.assert_problem(400, "invalid_query");
}

#[actix_web::test]
async fn statistics_are_for_the_admin_and_module_s0215s_of_the_same_school() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let student = app.token(&fx.school, "a1").await;
    let teacher = app.token(&fx.school, "tA").await;
    for path in ["/api/v1/reports/upload-stats", "/api/v1/reports/usage-counts.xlsx", "/api/v1/reports/teacher-certifications"] {
        app.get_as(path, &student).await.assert_problem(403, "module_required");
        app.get_as(path, &teacher).await.assert_problem(403, "module_required");
        assert_eq!(app.get(path).await.status, 401);
    }
    grant(&app, fx.school.id, fx.ids["tA"], "S0215S");
    let teacher = app.token(&fx.school, "tA").await;
    assert_eq!(app.get_as("/api/v1/reports/usage-counts", &teacher).await.json()["total"]["students"], 4);

    // Another school's admin sees only their own school (nothing here).
    let other = app.school("230012");
    let other_admin = app.token(&other, "admin").await;
    let theirs = app.get_as("/api/v1/reports/usage-counts", &other_admin).await.json();
    assert_eq!((theirs["total"]["students"].as_i64(), theirs["total"]["results"].as_i64()), (Some(0), Some(0)));
    let theirs = app.get_as("/api/v1/reports/teacher-certifications", &other_admin).await.json();
    assert_eq!(theirs["teachers"], Value::Array(vec![]));
}

#[actix_web::test]
async fn confirmation_sheets_per_class_and_student_with_the_students_own() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let now = app.state.clock.now();
    let today = licheng::time::roc_date(licheng::settings::periods::utc_to_taipei(now).date());

    // A whole class: one page per student by seat, students without uploads too.
    let class = app.get_as("/api/v1/reports/confirmation-sheets?class_code=101", &fx.admin).await;
    assert_eq!(class.status, 200, "{}", class.text());
    let class = class.json();
    assert_eq!(class["term"], "1151");
    assert_eq!(class["printed_on"], today.as_str());
    let names: Vec<&str> = class["students"].as_array().unwrap().iter().map(|s| s["account"].as_str().unwrap()).collect();
    assert_eq!(names, ["a1", "a2", "a3"]);
    let a1 = &class["students"][0];
    let results: Vec<(&str, &str, bool)> =
        a1["results"].as_array().unwrap().iter().map(|r| (r["subject_name"].as_str().unwrap(), r["state_name"].as_str().unwrap(), r["selected"].as_bool().unwrap())).collect();
    // The term's uploads only (英語文 is 115-2), with their states and whether selected.
    assert_eq!(results, [("國語文", "認證成功", true), ("數學", "認證中", false)]);
    assert_eq!(a1["results"][0]["uploaded_on"], today.as_str());
    assert_eq!(a1["results"][0]["decided_on"], today.as_str());
    assert_eq!(a1["results"][1]["decided_on"], Value::Null);
    // The year's selections: the deleted performance's selection counts nowhere.
    assert_eq!(a1["performances"].as_array().unwrap().len(), 1);
    assert_eq!(a1["performances"][0]["date"], "115/10/01");
    assert_eq!(a1["performances"][0]["category_name"], "競賽參與紀錄");
    assert_eq!((a1["selected_results"].as_i64(), a1["result_limit"].as_i64()), (Some(1), Some(6)));
    assert_eq!((a1["selected_performances"].as_i64(), a1["performance_limit"].as_i64()), (Some(1), Some(10)));
    let a2 = &class["students"][1];
    assert_eq!(a2["results"].as_array().unwrap().len(), 2, "a2's deleted result is left out");
    assert_eq!(class["students"][2]["results"], Value::Array(vec![]));

    // One student; the student's own page is the same page.
    let one = app.get_as(&format!("/api/v1/reports/confirmation-sheets?student_id={}", fx.ids["a1"]), &fx.admin).await.json();
    assert_eq!(one["students"].as_array().unwrap().len(), 1);
    let student = app.token(&fx.school, "a1").await;
    let own = app.get_as("/api/v1/me/confirmation-sheet", &student).await;
    assert_eq!(own.status, 200, "{}", own.text());
    assert_eq!(own.json()["students"], one["students"]);

    // The workbook: a row per item and a 勾選合計 row per student.
    let sheet = xlsx(&app, "/api/v1/reports/confirmation-sheets.xlsx?class_code=101", &fx.admin).await;
    assert_eq!(sheet[0], ["班級", "座號", "學號", "姓名", "項目", "科目／類別", "內容", "狀態", "日期", "已勾選提交"]);
    assert_eq!(sheet.len(), 1 + 4 + 3 + 1, "a1: 2 results, 1 performance, total; a2: 2 results, total; a3: total");
    assert_eq!(sheet[1][..10], ["101", "1", "Na1", "使用者a1", "課程學習成果", "國語文", "成果", "認證成功", today.as_str(), "是"]);
    assert_eq!(sheet[4][6], "學習成果 1/6、多元表現 1/10");

    // Neither class nor student: the whole school's active students (the schema cannot say "one
    // of two"), the class's among them.
    let school = app.get_as("/api/v1/reports/confirmation-sheets", &fx.admin).await;
    assert_eq!(school.status, 200, "{}", school.text());
    let school = school.json();
    let ids = |v: &Value| v["students"].as_array().unwrap().iter().map(|s| s["student_id"].clone()).collect::<Vec<_>>();
    assert!(ids(&school).len() > ids(&class).len(), "{school}");
    assert!(ids(&class).iter().all(|id| ids(&school).contains(id)));

    // Refused: a student or teacher asking for the school's sheets;
    // another school's student; the student endpoint for staff.
    app.get_as("/api/v1/reports/confirmation-sheets?class_code=101", &student).await.assert_problem(403, "module_required");
    let teacher = app.token(&fx.school, "tA").await;
    app.get_as("/api/v1/reports/confirmation-sheets.xlsx?class_code=101", &teacher).await.assert_problem(403, "module_required");
    app.get_as("/api/v1/me/confirmation-sheet", &teacher).await.assert_problem(403, "role_required");
    let other = app.school("230013");
    let stranger = app.student(&other, "z1", "B100000001");
    app.get_as(&format!("/api/v1/reports/confirmation-sheets?student_id={stranger}"), &fx.admin).await.assert_problem(404, "not_found");
    let other_admin = app.token(&other, "admin").await;
    app.get_as(&format!("/api/v1/reports/confirmation-sheets?student_id={}", fx.ids["a1"]), &other_admin).await.assert_problem(404, "not_found");
    // Module S0205S opens it to staff.
    grant(&app, fx.school.id, fx.ids["tB"], "S0205S");
    let tb = app.token(&fx.school, "tB").await;
    assert_eq!(app.get_as("/api/v1/reports/confirmation-sheets?class_code=201", &tb).await.json()["students"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn data_analysis_groups_match_a_direct_count() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let get = |path: &str| {
        let (app, token, path) = (&app, fx.admin.clone(), path.to_string());
        async move {
            let r = app.get_as(&path, &token).await;
            assert_eq!(r.status, 200, "{path}: {}", r.text());
            r.json()
        }
    };
    let pairs = |v: &Value| -> Vec<(Vec<String>, i64)> {
        v["rows"].as_array().unwrap().iter().map(|r| (r["keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_string()).collect(), r["count"].as_i64().unwrap())).collect()
    };
    let k = |a: &str, b: &str| vec![a.to_string(), b.to_string()];

    // manual 9.1: 「此功能是可以查詢目前在學習歷程上的所有資料。」 — learning results of 115-1 by grade and state.
    let results = get("/api/v1/reports/analysis?subject=results&by=grade,state").await;
    assert_eq!(pairs(&results), [(k("1", "編輯中"), 1), (k("1", "認證中"), 1), (k("1", "認證失敗"), 1), (k("1", "認證成功"), 1), (k("2", "認證成功"), 1)]);
    // The direct count: live results of 115-1 in the database.
    let school = fx.school.id;
    let direct: i64 = app.write(move |c| {
        Ok(lr::table.filter(lr::school_id.eq(school)).filter(lr::deleted_at.is_null()).filter(lr::academic_year.eq(115)).filter(lr::semester.eq(1)).count().get_result(c)?)
    });
    assert_eq!(results["total"].as_i64(), Some(direct));
    assert_eq!(pairs(&results).iter().map(|p| p.1).sum::<i64>(), direct);

    let decided = get("/api/v1/reports/analysis?subject=certifications&by=teacher").await;
    assert_eq!(pairs(&decided), [(vec!["使用者tA".to_string()], 2), (vec!["使用者tB".to_string()], 1)]);
    let perf = get("/api/v1/reports/analysis?subject=performances&by=subject").await;
    assert_eq!(pairs(&perf), [(vec!["競賽參與紀錄".to_string()], 1)], "the deleted one is left out");
    let selections = get("/api/v1/reports/analysis?subject=selections&by=class,subject").await;
    assert_eq!(pairs(&selections), [(k("101", "多元表現"), 1), (k("101", "課程學習成果"), 1)], "a deleted item's selection counts nowhere");

    let sheet = xlsx(&app, "/api/v1/reports/analysis.xlsx?subject=results&by=grade,state", &fx.admin).await;
    assert_eq!(sheet[0], ["年級", "狀態", "筆數"]);
    assert_eq!(sheet.last().unwrap(), &["合計", "", "5"]);

    app.get_as("/api/v1/reports/analysis?subject=results&by=grade,state,day", &fx.admin).await.assert_problem(400, "invalid_query");
    app.get_as("/api/v1/reports/analysis?subject=votes&by=grade", &fx.admin).await.assert_problem(400, "invalid_query");
    let student = app.token(&fx.school, "a1").await;
    app.get_as("/api/v1/reports/analysis?subject=results&by=grade", &student).await.assert_problem(403, "role_required");
    let teacher = app.token(&fx.school, "tA").await;
    app.get_as("/api/v1/reports/analysis.xlsx?subject=results&by=grade", &teacher).await.assert_problem(403, "role_required");
}

fn utc(s: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
}

/// A work period of 115 stored as the settings screen stores it (UTC bounds, end exclusive).
fn work_period(app: &TestApp, school: i64, item: &str, semester: i32, grade: i32, starts: &str, ends: &str) {
    use licheng::schema::work_periods as wp;
    let now = app.state.clock.now();
    let (item, starts, ends) = (item.to_string(), utc(starts), utc(ends));
    app.write(move |c| {
        diesel::insert_into(wp::table)
            .values((
                wp::school_id.eq(school),
                wp::academic_year.eq(115),
                wp::semester.eq(semester),
                wp::grade.eq(grade),
                wp::item.eq(item),
                wp::starts_at.eq(starts),
                wp::ends_at.eq(ends),
                wp::created_at.eq(now),
                wp::updated_at.eq(now),
            ))
            .execute(c)?;
        Ok(())
    });
}

#[actix_web::test]
async fn the_deadline_view_counts_per_taipei_day_against_the_work_periods() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let s = fx.school.id;
    // The fixture's results, placed in time (UTC; Taipei is UTC+8): every one uploaded on
    // 09-01 10:00 Taipei; a1's 數學 submitted 09-03 23:30 Taipei; the decided ones submitted
    // 09-04 00:30 Taipei (still 09-03 in UTC) and decided 09-04 09:00 Taipei.
    app.write(move |c| {
        diesel::update(lr::table.filter(lr::school_id.eq(s))).set(lr::created_at.eq(utc("2026-09-01T02:00"))).execute(c)?;
        diesel::update(lr::table.filter(lr::school_id.eq(s)).filter(lr::state.eq("submitted"))).set(lr::submitted_at.eq(Some(utc("2026-09-03T15:30")))).execute(c)?;
        diesel::update(lr::table.filter(lr::school_id.eq(s)).filter(lr::state.eq_any(["certified", "rejected"])))
            .set((lr::submitted_at.eq(Some(utc("2026-09-03T16:30"))), lr::decided_at.eq(Some(utc("2026-09-04T01:00")))))
            .execute(c)?;
        Ok(())
    });
    // 學生上傳及送出學習成果認證時間 for grade 1: 09-01 00:00 to 09-04 24:00 Taipei; grade 2's later.
    work_period(&app, s, "upload_results", 1, 1, "2026-08-31T16:00", "2026-09-04T16:00");
    work_period(&app, s, "upload_results", 1, 2, "2026-09-05T16:00", "2026-09-06T16:00");
    work_period(&app, s, "upload_results", 2, 1, "2027-02-01T16:00", "2027-02-10T16:00");

    let r = app.get_as("/api/v1/reports/deadlines?grade=1", &fx.admin).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!((v["term"].as_str(), v["from"].as_str(), v["to"].as_str()), (Some("1151"), Some("2026-09-01"), Some("2026-09-04")), "the span of grade 1's period of 115-1");
    let days: Vec<(String, i64, i64, i64)> = v["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["day"].as_str().unwrap().into(), d["uploads"].as_i64().unwrap(), d["submissions"].as_i64().unwrap(), d["certifications"].as_i64().unwrap()))
        .collect();
    // By hand, grade 1 of 115-1 (a2's deleted one and a1's 115-2 one left out): four uploads;
    // one submission on 09-03, two on 09-04 (Taipei); two decisions on 09-04.
    assert_eq!(
        days,
        [("2026-09-01".into(), 4, 0, 0), ("2026-09-02".into(), 0, 0, 0), ("2026-09-03".into(), 0, 1, 0), ("2026-09-04".into(), 0, 2, 2)]
    );
    let periods = v["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 1, "{periods:?}");
    assert_eq!((periods[0]["item"].as_str(), periods[0]["start_date"].as_str(), periods[0]["end_date"].as_str()), (Some("upload_results"), Some("2026-09-01"), Some("2026-09-04")));

    // The whole school: both grades' periods, the span to grade 2's last day; b1's counted.
    let all = app.get_as("/api/v1/reports/deadlines", &fx.admin).await.json();
    assert_eq!((all["from"].as_str(), all["to"].as_str()), (Some("2026-09-01"), Some("2026-09-06")));
    assert_eq!(all["periods"].as_array().unwrap().len(), 2);
    let sum = |k: &str| all["days"].as_array().unwrap().iter().map(|d| d[k].as_i64().unwrap()).sum::<i64>();
    assert_eq!((sum("uploads"), sum("submissions"), sum("certifications")), (5, 4, 3));
    // The direct count of the uploads.
    let direct: i64 = app.write(move |c| Ok(lr::table.filter(lr::school_id.eq(s)).filter(lr::deleted_at.is_null()).filter(lr::semester.eq(1)).count().get_result(c)?));
    assert_eq!(sum("uploads"), direct);
    // A span asked for.
    let asked = app.get_as("/api/v1/reports/deadlines?from=2026-09-03&to=2026-09-03", &fx.admin).await.json();
    assert_eq!(asked["days"].as_array().unwrap().len(), 1);
    assert_eq!(asked["days"][0]["submissions"], 1);

    // Refused: a reversed or too long span, a bad grade or date, other roles; another school sees nothing.
    app.get_as("/api/v1/reports/deadlines?from=2026-09-05&to=2026-09-01", &fx.admin).await.assert_problem(422, "validation_failed");
    app.get_as("/api/v1/reports/deadlines?from=2025-01-01&to=2026-09-01", &fx.admin).await.assert_problem(422, "validation_failed");
    app.get_as("/api/v1/reports/deadlines?grade=4", &fx.admin).await.assert_problem(422, "validation_failed");
    app.get_as("/api/v1/reports/deadlines?from=2026-13-01", &fx.admin).await.assert_problem(400, "invalid_query");
    app.get_as("/api/v1/reports/deadlines?term=11x", &fx.admin).await.assert_problem(400, "invalid_query");
    let student = app.token(&fx.school, "a1").await;
    let teacher = app.token(&fx.school, "tA").await;
    app.get_as("/api/v1/reports/deadlines", &student).await.assert_problem(403, "role_required");
    app.get_as("/api/v1/reports/deadlines", &teacher).await.assert_problem(403, "role_required");
    app.get("/api/v1/reports/deadlines").await.assert_problem(401, "unauthenticated");
    let other = app.school("230013");
    let other_admin = app.token(&other, "admin").await;
    let theirs = app.get_as("/api/v1/reports/deadlines", &other_admin).await.json();
    assert_eq!((theirs["days"].as_array().unwrap().len(), theirs["periods"].as_array().unwrap().len()), (0, 0));
}

#[actix_web::test]
async fn a_large_analysis_is_exported_by_a_job_with_progress() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let r = app.post_as("/api/v1/reports/analysis/exports?subject=results&by=grade,state", &fx.admin, Value::Null).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let job = r.json()["job_id"].as_i64().unwrap();
    // The same export while it is open: refused; another one is fine.
    app.post_as("/api/v1/reports/analysis/exports?subject=results&by=grade,state", &fx.admin, Value::Null).await.assert_problem(409, "conflict");
    let queued = app.get_as(&format!("/api/v1/jobs/{job}"), &fx.admin).await.json();
    assert_eq!(queued["state"], "queued");
    assert_eq!(queued["kind"], "analysis_export");

    assert!(licheng::workers::run_jobs(&app.state).await.expect("run") >= 1);
    let done = app.get_as(&format!("/api/v1/jobs/{job}"), &fx.admin).await.json();
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!((done["done"].as_i64(), done["total"].as_i64()), (Some(3), Some(3)));
    assert_eq!(done["result"]["name"], "數據分析_115學年度第1學期.xlsx");
    let file = app.get_as(done["result"]["url"].as_str().unwrap(), &fx.admin).await;
    assert_eq!(file.status, 200, "{}", file.text());
    let sheet = rows(&file.body);
    // The same as the direct download.
    assert_eq!(sheet, xlsx(&app, "/api/v1/reports/analysis.xlsx?subject=results&by=grade,state", &fx.admin).await);
    assert_eq!(sheet.last().unwrap(), &["合計", "", "5"]);
    // Open again once the first ended.
    assert_eq!(app.post_as("/api/v1/reports/analysis/exports?subject=results&by=grade,state", &fx.admin, Value::Null).await.status, 202);

    // Refused: bad subject or dimensions, other roles; another school cannot see the job.
    app.post_as("/api/v1/reports/analysis/exports?subject=votes&by=grade", &fx.admin, Value::Null).await.assert_problem(400, "invalid_query");
    app.post_as("/api/v1/reports/analysis/exports?subject=results&by=", &fx.admin, Value::Null).await.assert_problem(400, "invalid_query");
    let student = app.token(&fx.school, "a1").await;
    let teacher = app.token(&fx.school, "tA").await;
    app.post_as("/api/v1/reports/analysis/exports?subject=results&by=grade", &student, Value::Null).await.assert_problem(403, "role_required");
    app.post_as("/api/v1/reports/analysis/exports?subject=results&by=grade", &teacher, Value::Null).await.assert_problem(403, "role_required");
    app.get_as(&format!("/api/v1/jobs/{job}"), &student).await.assert_problem(404, "not_found");
    let other = app.school("230014");
    let other_admin = app.token(&other, "admin").await;
    app.get_as(&format!("/api/v1/jobs/{job}"), &other_admin).await.assert_problem(404, "not_found");
    app.get_as(&format!("/api/v1/jobs/{job}/result"), &other_admin).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn self_directed_learning_plans_are_an_analysis_subject() {
    use licheng::schema::{sdl_groups as sg, sdl_plans as sdl};
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let (s, a1, b1, a2) = (fx.school.id, fx.ids["a1"], fx.ids["b1"], fx.ids["a2"]);
    let now = app.state.clock.now();
    app.write(move |c| {
        let group = |c: &mut licheng::db::DbConn, name: &str| -> licheng::error::ApiResult<i64> {
            Ok(diesel::insert_into(sg::table)
                .values((sg::school_id.eq(s), sg::kind.eq("subject"), sg::name.eq(name), sg::created_at.eq(now), sg::updated_at.eq(now)))
                .returning(sg::id)
                .get_result(c)?)
        };
        let (math, art) = (group(c, "數學")?, group(c, "藝術")?);
        let day = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        for (student, semester, subject, state) in [(a1, 1, math, "approved"), (b1, 1, math, "draft"), (a2, 1, art, "in_review"), (a1, 2, art, "draft")] {
            diesel::insert_into(sdl::table)
                .values((
                    sdl::school_id.eq(s),
                    sdl::student_id.eq(student),
                    sdl::academic_year.eq(115),
                    sdl::semester.eq(semester),
                    sdl::theme.eq("主題"),
                    sdl::subject_group_id.eq(subject),
                    sdl::goals.eq(""),
                    sdl::content.eq(""),
                    sdl::schedule.eq(""),
                    sdl::expected.eq(""),
                    sdl::resources.eq(""),
                    sdl::start_date.eq(day),
                    sdl::end_date.eq(day),
                    sdl::plan_state.eq(state),
                    sdl::result_state.eq("none"),
                    sdl::created_at.eq(now),
                    sdl::updated_at.eq(now),
                ))
                .execute(c)?;
        }
        Ok(())
    });
    let r = app.get_as("/api/v1/reports/analysis?subject=self_directed&by=subject,state", &fx.admin).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let got: Vec<(Vec<String>, i64)> =
        v["rows"].as_array().unwrap().iter().map(|r| (r["keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_string()).collect(), r["count"].as_i64().unwrap())).collect();
    // By hand, 115-1: 數學 approved (a1) and draft (b1), 藝術 in review (a2); a1's 115-2 plan left out.
    let k = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
    assert_eq!(got, [(k("數學", "草稿"), 1), (k("數學", "計畫通過"), 1), (k("藝術", "認證中"), 1)]);
    assert_eq!(v["total"], 3);
    let year = app.get_as("/api/v1/reports/analysis?subject=self_directed&by=term&term=1150", &fx.admin).await.json();
    assert_eq!(year["rows"].as_array().unwrap().len(), 2, "{year}");
    let by_class = app.get_as("/api/v1/reports/analysis?subject=self_directed&by=class", &fx.admin).await.json();
    assert_eq!(by_class["rows"][0]["keys"][0], "101");
    assert_eq!(by_class["rows"][0]["count"], 2);
    let other = app.school("230015");
    let other_admin = app.token(&other, "admin").await;
    assert_eq!(app.get_as("/api/v1/reports/analysis?subject=self_directed&by=class", &other_admin).await.json()["total"], 0);
}

#[actix_web::test]
async fn every_statistics_and_analysis_endpoint_refuses_the_wrong_role_and_other_schools() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let student = app.token(&fx.school, "a1").await;
    let teacher = app.token(&fx.school, "tA").await;
    let stats = [
        "/api/v1/reports/upload-stats",
        "/api/v1/reports/upload-stats.xlsx",
        "/api/v1/reports/usage-counts",
        "/api/v1/reports/usage-counts.xlsx",
        "/api/v1/reports/teacher-certifications",
        "/api/v1/reports/teacher-certifications.xlsx",
    ];
    for path in stats {
        app.get_as(path, &student).await.assert_problem(403, "module_required");
        app.get_as(path, &teacher).await.assert_problem(403, "module_required");
        app.get(path).await.assert_problem(401, "unauthenticated");
    }
    for path in ["/api/v1/reports/analysis?subject=results&by=grade", "/api/v1/reports/analysis.xlsx?subject=results&by=grade", "/api/v1/reports/deadlines"] {
        app.get_as(path, &student).await.assert_problem(403, "role_required");
        app.get_as(path, &teacher).await.assert_problem(403, "role_required");
        app.get(path).await.assert_problem(401, "unauthenticated");
    }
    // A module holder of the statistics is no admin of the analysis.
    grant(&app, fx.school.id, fx.ids["tA"], "S0215S");
    let holder = app.token(&fx.school, "tA").await;
    assert_eq!(app.get_as("/api/v1/reports/upload-stats", &holder).await.status, 200);
    app.get_as("/api/v1/reports/analysis?subject=results&by=grade", &holder).await.assert_problem(403, "role_required");
    // Another school's admin: every figure is of their own (empty) school.
    let other = app.school("230016");
    let other_admin = app.token(&other, "admin").await;
    assert_eq!(app.get_as("/api/v1/reports/upload-stats", &other_admin).await.json()["total"]["total"], 0);
    assert_eq!(app.get_as("/api/v1/reports/analysis?subject=results&by=grade", &other_admin).await.json()["total"], 0);
    assert_eq!(app.get_as("/api/v1/reports/analysis?subject=selections&by=class", &other_admin).await.json()["total"], 0);
    let sheet = xlsx(&app, "/api/v1/reports/upload-stats.xlsx", &other_admin).await;
    assert_eq!(sheet.len(), 2, "header and 合計 only: {sheet:?}");
    let sheet = xlsx(&app, "/api/v1/reports/teacher-certifications.xlsx", &other_admin).await;
    assert_eq!(sheet.len(), 1, "{sheet:?}");
}
