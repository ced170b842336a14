//! Reports (issue #7 items 3–5): the uncertified-teacher report with its drill-down, the
//! selection status of learning results and performances, and the usage statistics — JSON and
//! .xlsx, on the demo school's data. The fixture (term = the demo's current term):
//!
//! - 114001 (201, seat 1): 國語文 ×2 submitted, 英語文 ×1 submitted, 數學 ×1 editing, and the
//!   co-taught 自然科學探究與實作 ×1 submitted (T002 certifies, T005 is marked 否);
//! - 114002 (201, seat 2): 國語文 certified by T001 (selected), 數學 rejected by T005, and one
//!   deleted submitted 國語文 that counts nowhere;
//! - 115001 (101, seat 1): 國語文 ×1 submitted;
//! - 113001 (301, seat 1): two live performances (one selected) and a deleted one (selected).
//!
//! So T001 waits for 3 (115001 ×1, 114001 ×2), T002 for 2 (114001 英語文, 自然), T005 for none.

use actix_web::http::Method;
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::support::{bytes, TestApp};
use licheng::schema::{
    learning_results as lr, performances as pf, role_group_members as rgm, role_group_modules as rgmod, role_groups as rg, selections as sel,
    teaching_assignments as ta, terms, users,
};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn user_id(app: &TestApp, account: &str) -> i64 {
    let account = account.to_string();
    app.write(move |c| Ok(users::table.filter(users::account.eq(account)).select(users::id).first(c)?))
}

fn term_code(app: &TestApp, school: i64) -> String {
    app.write(|c| Ok(licheng::terms::current(c, school)?.map(|t| t.code()).unwrap()))
}

async fn course_id(app: &TestApp, token: &str, subject: &str) -> i64 {
    let courses = app.get_as("/api/v1/me/courses", token).await;
    assert_eq!(courses.status, 200, "{}", courses.text());
    courses.json()["courses"].as_array().unwrap().iter().find(|c| c["subject_name"] == subject).unwrap_or_else(|| panic!("no {subject}"))["id"].as_i64().unwrap()
}

/// Uploads a result for `subject` as `token` and submits it when asked; returns its id.
async fn result(app: &TestApp, token: &str, subject: &str, submit: bool) -> i64 {
    let course = course_id(app, token, subject).await.to_string();
    let r = app
        .upload(Method::POST, "/api/v1/learning-results", token, &[("course_id", &course), ("description", "學習成果")], &[("document", "a.pdf", &bytes::pdf(1000))])
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    if submit {
        let s = app.post_as(&format!("/api/v1/learning-results/{id}/submit"), token, json!({})).await;
        assert_eq!(s.status, 200, "{}", s.text());
    }
    id
}

fn decide(app: &TestApp, id: i64, state: &str, by: i64) {
    let now = app.state.clock.now();
    let state = state.to_string();
    app.write(move |c| {
        diesel::update(lr::table.find(id)).set((lr::state.eq(state), lr::decided_by.eq(Some(by)), lr::decided_at.eq(Some(now)))).execute(c)?;
        Ok(())
    });
}

fn select(app: &TestApp, school: i64, student: i64, year: i32, kind: &str, item: i64) {
    let now = app.state.clock.now();
    let kind = kind.to_string();
    app.write(move |c| {
        diesel::insert_into(sel::table)
            .values((sel::school_id.eq(school), sel::student_id.eq(student), sel::academic_year.eq(year), sel::item_kind.eq(kind), sel::item_id.eq(item), sel::selected_at.eq(now)))
            .execute(c)?;
        Ok(())
    });
}

fn performance(app: &TestApp, school: i64, student: i64, year: i32, deleted: bool) -> i64 {
    let now = app.state.clock.now();
    app.write(move |c| {
        Ok(diesel::insert_into(pf::table)
            .values((
                pf::school_id.eq(school),
                pf::student_id.eq(student),
                pf::academic_year.eq(year),
                pf::category.eq("competition"),
                pf::title.eq("科展"),
                pf::start_date.eq(NaiveDate::from_ymd_opt(year + 1911, 10, 1).unwrap()),
                pf::description.eq("說明"),
                pf::created_at.eq(now),
                pf::updated_at.eq(now),
                pf::deleted_at.eq(deleted.then_some(now)),
            ))
            .returning(pf::id)
            .get_result(c)?)
    })
}

/// Gives `account` a role group granted `module` (view only).
fn grant(app: &TestApp, school: i64, account: &str, module: &str) {
    let user = user_id(app, account);
    let now = app.state.clock.now();
    let module = module.to_string();
    app.write(move |c| {
        let group: i64 = diesel::insert_into(rg::table)
            .values((rg::school_id.eq(school), rg::code.eq(format!("9{}", &module[3..5])), rg::name.eq("報表"), rg::in_use.eq(true), rg::created_at.eq(now), rg::updated_at.eq(now)))
            .returning(rg::id)
            .get_result(c)?;
        diesel::insert_into(rgmod::table)
            .values((rgmod::group_id.eq(group), rgmod::module_code.eq(module), rgmod::can_create.eq(false), rgmod::can_update.eq(false), rgmod::can_delete.eq(false)))
            .execute(c)?;
        diesel::insert_into(rgm::table).values((rgm::group_id.eq(group), rgm::user_id.eq(user))).execute(c)?;
        Ok(())
    });
}

struct Fixture {
    school: i64,
    year: i32,
    term: String,
    admin: String,
}

async fn fixture(app: &TestApp) -> Fixture {
    let school = app.demo();
    let term = term_code(app, school);
    let year: i32 = term[..3].parse().unwrap();
    let s1 = app.demo_token("999999_114001").await;
    let s2 = app.demo_token("999999_114002").await;
    let s3 = app.demo_token("999999_115001").await;
    result(app, &s1, "國語文", true).await;
    result(app, &s1, "國語文", true).await;
    result(app, &s1, "英語文", true).await;
    result(app, &s1, "數學", false).await;
    let science = result(app, &s1, "自然科學探究與實作", true).await;
    let certified = result(app, &s2, "國語文", true).await;
    let rejected = result(app, &s2, "數學", true).await;
    let deleted = result(app, &s2, "國語文", true).await;
    result(app, &s3, "國語文", true).await;

    let (t001, t005) = (user_id(app, "999999_T001"), user_id(app, "999999_T005"));
    decide(app, certified, "certified", t001);
    decide(app, rejected, "rejected", t005);
    let now = app.state.clock.now();
    app.write(move |c| {
        diesel::update(lr::table.find(deleted)).set(lr::deleted_at.eq(Some(now))).execute(c)?;
        // The co-taught course: T005 does not certify (manual 3.5).
        let course: i64 = lr::table.find(science).select(lr::course_id).first(c)?;
        diesel::update(ta::table.filter(ta::course_id.eq(course)).filter(ta::teacher_id.eq(t005))).set(ta::can_certify.eq(false)).execute(c)?;
        Ok(())
    });
    let student2 = user_id(app, "999999_114002");
    select(app, school, student2, year, "result", certified);
    let student3 = user_id(app, "999999_113001");
    let live = performance(app, school, student3, year, false);
    performance(app, school, student3, year, false);
    let gone = performance(app, school, student3, year, true);
    select(app, school, student3, year, "performance", live);
    select(app, school, student3, year, "performance", gone);
    Fixture { school, year, term, admin: app.demo_token("admin").await }
}

fn rows(v: &Value, fields: &[&str]) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| fields.iter().map(|f| match &r[*f] { Value::String(s) => s.clone(), other => other.to_string() }).collect::<Vec<_>>().join("|"))
        .collect()
}

fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    let range = book.worksheet_range(name).unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn sheet_names(bytes: &[u8]) -> Vec<String> {
    let book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    book.sheet_names()
}

fn strs(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect()
}

#[actix_web::test]
async fn uncertified_teachers_count_waiting_results_of_certifying_teachers() {
    let app = TestApp::init();
    let f = fixture(&app).await;
    let r = app.get_as("/api/v1/reports/uncertified-teachers", &f.admin).await;
    assert_eq!(r.status, 200, "{}", r.text());
    // T005 certifies neither the co-taught course nor any waiting 數學 result: not listed.
    assert_eq!(rows(&r.json(), &["account", "name", "waiting"]), ["999999_T001|王大明|3", "999999_T002|李美玲|2"]);
    let t001 = user_id(&app, "999999_T001");
    assert_eq!(r.json()[0]["teacher_id"], t001);

    // The same with the term written out; another term has nothing.
    let same = app.get_as(&format!("/api/v1/reports/uncertified-teachers?term={}", f.term), &f.admin).await;
    assert_eq!(same.json(), r.json());
    let before = app.get_as("/api/v1/reports/uncertified-teachers?term=1001", &f.admin).await;
    assert_eq!(before.json(), json!([]));

    // Drill-down: by class and seat.
    let d = app.get_as(&format!("/api/v1/reports/uncertified-teachers/{t001}/students"), &f.admin).await;
    assert_eq!(d.status, 200, "{}", d.text());
    assert_eq!(
        rows(&d.json(), &["class_code", "seat_no", "account", "number", "name", "subject_name", "waiting"]),
        ["101|1|999999_115001|115001|林小華|國語文|1", "201|1|999999_114001|114001|吳承恩|國語文|2"]
    );
    let t002 = user_id(&app, "999999_T002");
    let d = app.get_as(&format!("/api/v1/reports/uncertified-teachers/{t002}/students"), &f.admin).await;
    assert_eq!(rows(&d.json(), &["account", "subject_name", "waiting"]), ["999999_114001|自然科學探究與實作|1", "999999_114001|英語文|1"]);
    let t005 = user_id(&app, "999999_T005");
    let d = app.get_as(&format!("/api/v1/reports/uncertified-teachers/{t005}/students"), &f.admin).await;
    assert_eq!(d.json(), json!([]));

    // Marking T005 as a certifier again counts the co-taught result for both teachers.
    app.write(move |c| {
        diesel::update(ta::table.filter(ta::teacher_id.eq(t005))).set(ta::can_certify.eq(true)).execute(c)?;
        Ok(())
    });
    let r = app.get_as("/api/v1/reports/uncertified-teachers", &f.admin).await;
    assert_eq!(rows(&r.json(), &["account", "waiting"]), ["999999_T001|3", "999999_T002|2", "999999_T005|1"]);

    // A student id, an unknown id and a malformed id.
    let student = user_id(&app, "999999_114001");
    app.get_as(&format!("/api/v1/reports/uncertified-teachers/{student}/students"), &f.admin).await.assert_problem(404, "not_found");
    app.get_as("/api/v1/reports/uncertified-teachers/999999999/students", &f.admin).await.assert_problem(404, "not_found");
    app.get_as("/api/v1/reports/uncertified-teachers/abc/students", &f.admin).await.assert_problem(400, "invalid_path");
}

#[actix_web::test]
async fn uncertified_teachers_download_as_xlsx() {
    let app = TestApp::init();
    let f = fixture(&app).await;
    let r = app.get_as("/api/v1/reports/uncertified-teachers.xlsx", &f.admin).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.content_type(), XLSX);
    let disposition = r.headers.get("content-disposition").unwrap().to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    // The term in words, not as its code (issue #24: `…_1151.xlsx`).
    let (year, semester) = (f.term[..3].trim_start_matches('0'), &f.term[3..]);
    assert!(disposition.contains(&format!("filename=\"uncertified-teachers_AY{year}-{semester}.xlsx\"")), "{disposition}");
    // 未認證教師狀況表_115學年度第1學期.xlsx, percent-encoded.
    let encoded: String = format!("未認證教師狀況表_{year}學年度第{semester}學期.xlsx")
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    assert!(disposition.contains(&format!("filename*=UTF-8''{encoded}")), "{disposition}");

    assert_eq!(sheet_names(&r.body), ["未認證教師", "未認證學生清單"]);
    assert_eq!(sheet(&r.body, "未認證教師"), strs(&[&["教師帳號", "教師姓名", "未認證數量"], &["999999_T001", "王大明", "3"], &["999999_T002", "李美玲", "2"]]));
    assert_eq!(
        sheet(&r.body, "未認證學生清單"),
        strs(&[
            &["教師姓名", "班級", "座號", "學號", "姓名", "科目", "待認證數量"],
            &["王大明", "101", "1", "115001", "林小華", "國語文", "1"],
            &["王大明", "201", "1", "114001", "吳承恩", "國語文", "2"],
            &["李美玲", "201", "1", "114001", "吳承恩", "自然科學探究與實作", "1"],
            &["李美玲", "201", "1", "114001", "吳承恩", "英語文", "1"],
        ])
    );
    // Another term: the headers only.
    let r = app.get_as("/api/v1/reports/uncertified-teachers.xlsx?term=1001", &f.admin).await;
    assert_eq!(r.status, 200);
    assert_eq!(sheet(&r.body, "未認證教師"), strs(&[&["教師帳號", "教師姓名", "未認證數量"]]));
    assert!(r.headers.get("content-disposition").unwrap().to_str().unwrap().contains("uncertified-teachers_AY100-1.xlsx"));
}

#[actix_web::test]
async fn selection_status_counts_selected_and_selectable_items() {
    let app = TestApp::init();
    let f = fixture(&app).await;
    let r = app.get_as("/api/v1/reports/selection-status?kind=results", &f.admin).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.json();
    assert_eq!((page["total"].as_i64(), page["page"].as_i64(), page["per_page"].as_i64()), (Some(8), Some(1), Some(30)));
    assert_eq!(
        rows(&page["items"], &["class_code", "seat_no", "number", "account", "name", "selected", "available"]),
        [
            "101|1|115001|999999_115001|林小華|0|0",
            "101|2|115002|999999_115002|張家豪|0|0",
            "101|3|115003|999999_115003|黃詩涵|0|0",
            "201|1|114001|999999_114001|吳承恩|0|0",
            "201|2|114002|999999_114002|蔡依林|1|1",
            "201|3|114003|999999_114003|劉德華|0|0",
            "301|1|113001|999999_113001|周杰倫|0|0",
            "301|2|113002|999999_113002|鄧紫棋|0|0",
        ]
    );
    assert_eq!(page["items"][4]["student_id"], user_id(&app, "999999_114002"));

    // Performances: the deleted one counts neither as selected nor as selectable.
    let r = app.get_as(&format!("/api/v1/reports/selection-status?kind=performances&academic_year={}&class_code=301", f.year), &f.admin).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(rows(&r.json()["items"], &["account", "selected", "available"]), ["999999_113001|1|2", "999999_113002|0|0"]);
    // Another year has nothing selected.
    let r = app.get_as(&format!("/api/v1/reports/selection-status?kind=performances&academic_year={}&class_code=301", f.year - 1), &f.admin).await;
    assert_eq!(rows(&r.json()["items"], &["account", "selected", "available"]), ["999999_113001|0|0", "999999_113002|0|0"]);

    // Filters: class, part of the account, number or name.
    let by = |q: &str| format!("/api/v1/reports/selection-status?kind=results&{q}");
    let r = app.get_as(&by("class_code=201"), &f.admin).await.json();
    assert_eq!(r["total"], 3);
    assert_eq!(rows(&r["items"], &["account"]), ["999999_114001", "999999_114002", "999999_114003"]);
    assert_eq!(rows(&app.get_as(&by("q=%E5%90%B3"), &f.admin).await.json()["items"], &["account"]), ["999999_114001"]); // 吳
    assert_eq!(rows(&app.get_as(&by("q=115003"), &f.admin).await.json()["items"], &["account"]), ["999999_115003"]);
    assert_eq!(app.get_as(&by("q=_1140"), &f.admin).await.json()["total"], 3);
    assert_eq!(app.get_as(&by("q=%25"), &f.admin).await.json()["total"], 0);
    assert_eq!(app.get_as(&by("class_code=999"), &f.admin).await.json()["total"], 0);
    assert_eq!(rows(&app.get_as(&by("class_code=201&seat_no=2"), &f.admin).await.json()["items"], &["account", "seat_no"]), ["999999_114002|2"]);

    // Pagination.
    let p2 = app.get_as(&by("per_page=3&page=2"), &f.admin).await.json();
    assert_eq!((p2["total"].as_i64(), p2["page"].as_i64(), p2["per_page"].as_i64()), (Some(8), Some(2), Some(3)));
    assert_eq!(rows(&p2["items"], &["account", "selected"]), ["999999_114001|0", "999999_114002|1", "999999_114003|0"]);
    let p3 = app.get_as(&by("per_page=3&page=3"), &f.admin).await.json();
    assert_eq!(rows(&p3["items"], &["account"]), ["999999_113001", "999999_113002"]);
    app.get_as(&by("per_page=0"), &f.admin).await.assert_problem(422, "validation_failed");

    // The kind is required and known; the year is a number.
    let bad = app.get_as("/api/v1/reports/selection-status?kind=cadre", &f.admin).await.assert_problem(400, "invalid_query");
    assert!(bad["errors"]["kind"].is_array(), "{bad}");
    app.get_as("/api/v1/reports/selection-status", &f.admin).await.assert_problem(400, "invalid_query");
    app.get_as("/api/v1/reports/selection-status?kind=results&academic_year=abc", &f.admin).await.assert_problem(400, "invalid_query");
    app.get_as("/api/v1/reports/selection-status?kind=results&academic_year=0", &f.admin).await.assert_problem(400, "invalid_query");
    app.get_as("/api/v1/reports/selection-status.xlsx?kind=x", &f.admin).await.assert_problem(400, "invalid_query");

    // The download: every matching row, no paging.
    let x = app.get_as("/api/v1/reports/selection-status.xlsx?kind=results&class_code=201", &f.admin).await;
    assert_eq!(x.status, 200, "{}", x.text());
    assert_eq!(x.content_type(), XLSX);
    assert!(x.headers.get("content-disposition").unwrap().to_str().unwrap().contains(&format!("selection-status-results_AY{}.xlsx", f.year)));
    assert_eq!(
        sheet(&x.body, "學習成果勾選情形"),
        strs(&[
            &["班級", "座號", "學號", "姓名", "勾選數量", "可勾選數量"],
            &["201", "1", "114001", "吳承恩", "0", "0"],
            &["201", "2", "114002", "蔡依林", "1", "1"],
            &["201", "3", "114003", "劉德華", "0", "0"],
        ])
    );
    let x = app.get_as("/api/v1/reports/selection-status.xlsx?kind=performances", &f.admin).await;
    let all = sheet(&x.body, "多元表現勾選情形");
    assert_eq!(all.len(), 9);
    assert_eq!(all[7], ["301", "1", "113001", "周杰倫", "1", "2"]);
}

#[actix_web::test]
async fn usage_report_by_class_subject_teacher_and_totals() {
    let app = TestApp::init();
    let f = fixture(&app).await;
    let r = app.get_as("/api/v1/reports/usage", &f.admin).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let u = r.json();
    assert_eq!(u["term"], f.term.as_str());
    assert_eq!(
        rows(&u["by_class_subject"], &["grade", "class_code", "subject_name", "editing", "submitted", "certified", "rejected", "total"]),
        [
            "1|101|國語文|0|1|0|0|1",
            "2||自然科學探究與實作|0|1|0|0|1",
            "2|201|國語文|0|2|1|0|3",
            "2|201|數學|1|0|0|1|2",
            "2|201|英語文|0|1|0|0|1",
        ]
    );
    // Every certifier of the term, by account; T005 decided the rejection.
    assert_eq!(
        rows(&u["by_teacher"], &["account", "name", "certified", "rejected", "waiting"]),
        ["999999_T001|王大明|1|0|3", "999999_T002|李美玲|0|0|2", "999999_T005|黃建國|0|1|0"]
    );
    assert_eq!(u["totals"], json!({"editing": 1, "submitted": 5, "certified": 1, "rejected": 1, "total": 8, "students_uploading": 3}));

    // Another term: empty.
    let other = app.get_as("/api/v1/reports/usage?term=1001", &f.admin).await.json();
    assert_eq!(other["term"], "1001");
    assert_eq!(other["by_class_subject"], json!([]));
    assert_eq!(other["totals"]["total"], 0);

    let x = app.get_as("/api/v1/reports/usage.xlsx", &f.admin).await;
    assert_eq!(x.status, 200, "{}", x.text());
    assert_eq!(x.content_type(), XLSX);
    assert!(x.headers.get("content-disposition").unwrap().to_str().unwrap().contains(&format!("filename=\"usage_AY{}-{}.xlsx\"", f.term[..3].trim_start_matches('0'), &f.term[3..])));
    assert_eq!(sheet_names(&x.body), ["班級科目統計", "教師認證統計"]);
    assert_eq!(
        sheet(&x.body, "班級科目統計"),
        strs(&[
            &["年級", "班級", "科目", "編輯中", "認證中", "認證成功", "認證失敗", "合計"],
            &["1", "101", "國語文", "0", "1", "0", "0", "1"],
            &["2", "", "自然科學探究與實作", "0", "1", "0", "0", "1"],
            &["2", "201", "國語文", "0", "2", "1", "0", "3"],
            &["2", "201", "數學", "1", "0", "0", "1", "2"],
            &["2", "201", "英語文", "0", "1", "0", "0", "1"],
            &["合計", "", "上傳人數 3", "1", "5", "1", "1", "8"],
        ])
    );
    assert_eq!(
        sheet(&x.body, "教師認證統計"),
        strs(&[
            &["教師帳號", "教師姓名", "認證成功", "認證失敗", "未認證"],
            &["999999_T001", "王大明", "1", "0", "3"],
            &["999999_T002", "李美玲", "0", "0", "2"],
            &["999999_T005", "黃建國", "0", "1", "0"],
        ])
    );
}

#[actix_web::test]
async fn reports_need_their_module_and_stay_inside_the_school() {
    let app = TestApp::init();
    let f = fixture(&app).await;
    let all = [
        "/api/v1/reports/uncertified-teachers",
        "/api/v1/reports/uncertified-teachers.xlsx",
        "/api/v1/reports/selection-status?kind=results",
        "/api/v1/reports/selection-status?kind=performances",
        "/api/v1/reports/selection-status.xlsx?kind=results",
        "/api/v1/reports/usage",
        "/api/v1/reports/usage.xlsx",
    ];
    let t001 = user_id(&app, "999999_T001");
    let drill = format!("/api/v1/reports/uncertified-teachers/{t001}/students");
    let student = app.demo_token("999999_114001").await;
    let teacher = app.demo_token("999999_T001").await;
    for path in all.iter().copied().chain([drill.as_str()]) {
        app.get(path).await.assert_problem(401, "unauthenticated");
        app.get_as(path, &student).await.assert_problem(403, "module_required");
        app.get_as(path, &teacher).await.assert_problem(403, "module_required");
    }

    // A teacher granted S0216S sees that report only.
    grant(&app, f.school, "999999_T003", "S0216S");
    let t003 = app.demo_token("999999_T003").await;
    assert_eq!(app.get_as("/api/v1/reports/uncertified-teachers", &t003).await.status, 200);
    assert_eq!(app.get_as(&drill, &t003).await.status, 200);
    assert_eq!(app.get_as("/api/v1/reports/uncertified-teachers.xlsx", &t003).await.status, 200);
    app.get_as("/api/v1/reports/selection-status?kind=results", &t003).await.assert_problem(403, "module_required");
    app.get_as("/api/v1/reports/usage", &t003).await.assert_problem(403, "module_required");
    // S0206S opens the performances' selection status, not the results'.
    grant(&app, f.school, "999999_T004", "S0206S");
    let t004 = app.demo_token("999999_T004").await;
    assert_eq!(app.get_as("/api/v1/reports/selection-status?kind=performances", &t004).await.status, 200);
    app.get_as("/api/v1/reports/selection-status?kind=results", &t004).await.assert_problem(403, "module_required");

    // Another school's admin sees nothing of the demo school.
    let other = app.school("074313");
    let admin = app.token(&other, "admin").await;
    assert_eq!(app.get_as("/api/v1/reports/uncertified-teachers", &admin).await.json(), json!([]));
    app.get_as(&drill, &admin).await.assert_problem(404, "not_found");
    let s = app.get_as("/api/v1/reports/selection-status?kind=results", &admin).await.json();
    assert_eq!((s["total"].as_i64(), s["items"].as_array().map(Vec::len)), (Some(0), Some(0)));
    let u = app.get_as(&format!("/api/v1/reports/usage?term={}", f.term), &admin).await.json();
    assert_eq!(u["totals"], json!({"editing": 0, "submitted": 0, "certified": 0, "rejected": 0, "total": 0, "students_uploading": 0}));
    assert_eq!(u["by_teacher"], json!([]));
    let x = app.get_as("/api/v1/reports/uncertified-teachers.xlsx", &admin).await;
    assert_eq!(sheet(&x.body, "未認證學生清單").len(), 1);

    // A school without a term: empty reports, no error.
    let other_id = other.id;
    app.write(move |c| {
        diesel::delete(terms::table.filter(terms::school_id.eq(other_id))).execute(c)?;
        Ok(())
    });
    assert_eq!(app.get_as("/api/v1/reports/uncertified-teachers", &admin).await.json(), json!([]));
    let u = app.get_as("/api/v1/reports/usage", &admin).await.json();
    assert!(u["term"].is_null());
    assert_eq!(app.get_as("/api/v1/reports/selection-status?kind=performances", &admin).await.json()["total"], 0);
    let x = app.get_as("/api/v1/reports/usage.xlsx", &admin).await;
    assert!(x.headers.get("content-disposition").unwrap().to_str().unwrap().contains("filename=\"usage.xlsx\""));

    // Malformed terms.
    for path in ["/api/v1/reports/uncertified-teachers", "/api/v1/reports/uncertified-teachers.xlsx", "/api/v1/reports/usage", "/api/v1/reports/usage.xlsx", drill.as_str()] {
        for bad in ["11", "115a", "1153", "%E4%B8%80%E4%B8%80%E4%B8%80%E4%B8%80"] {
            let p = app.get_as(&format!("{path}?term={bad}"), &f.admin).await.assert_problem(400, "invalid_query");
            assert!(p["errors"]["term"].is_array(), "{p}");
        }
    }
}
