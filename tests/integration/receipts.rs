//! Receipts (收訖明細; issue #20; manual 8.1.1–8.1.4, 8.2): roster export → generator → import
//! (dry and real, windows, 無異動 / 新版本) → students confirm and report → the admin remarks →
//! statistics and differences with their workbooks → a new version resets exactly the changed
//! students; the refusals of hostile or wrong archives (nothing changes), windows shorter than the
//! national minimum, and permissions (wrong role, module, another student, another school).
//!
//! The fixture school (term 115-1): s1 (class 101 seat 1), s2 (101 seat 2), s3 (201 seat 1), each
//! with one certified, selected learning result of 115-1 (no files), one cadre record of 115-1 and
//! one enrolment in a course of 115-1.

use std::collections::HashMap;
use std::io::{Cursor, Write};

use actix_web::http::Method;
use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::support::{School, TestApp};
use licheng::receipts::generator::{self, Action, Options, Tweak};
use licheng::receipts::{self, Category, Manifest};
use licheng::schema::{
    cadre_records as cr, courses, enrolments as en, learning_results as lr, receipt_answers as ra, receipt_imports as ri, receipt_reports as rr, role_group_members as rgm, role_group_modules as rgmod,
    role_groups as rg, selections as sel, student_profiles as sp,
};

const CODE23: &str = "123456789012345678901AB";
const PASSWORD: &str = "收訖-3f9c2a7e-密碼";

struct Fx {
    school: School,
    admin: String,
    /// account → (user id, national id).
    students: HashMap<&'static str, (i64, &'static str)>,
}

fn student(app: &TestApp, school: &School, account: &'static str, nid: &'static str, class: &str, seat: i32) -> i64 {
    let id = app.student(school, account, nid);
    let now = app.state.clock.now();
    let (sid, class) = (school.id, class.to_string());
    let grade = if class.starts_with('1') { 1 } else { 2 };
    app.write(move |c| {
        diesel::insert_into(sp::table)
            .values((
                sp::user_id.eq(id),
                sp::school_id.eq(sid),
                sp::birth_date.eq(NaiveDate::from_ymd_opt(2009, 5, 1)),
                sp::division.eq("day"),
                sp::entry_year.eq(115 - grade + 1),
                sp::grade.eq(grade),
                sp::class_code.eq(Some(class.clone())),
                sp::seat_no.eq(Some(seat)),
                sp::status.eq("在學"),
                sp::updated_at.eq(now),
            ))
            .execute(c)?;
        let existing: Option<i64> = courses::table.filter(courses::school_id.eq(sid)).filter(courses::class_code.eq(&class)).select(courses::id).first(c).optional()?;
        let course: i64 = match existing {
            Some(id) => id,
            None => diesel::insert_into(courses::table)
            .values((
                courses::school_id.eq(sid),
                courses::academic_year.eq(115),
                courses::semester.eq(1),
                courses::course_code.eq(CODE23),
                courses::class_code.eq(class),
                courses::subject_name.eq("國語文"),
                courses::grade.eq(grade),
                courses::credits.eq(4),
                courses::mixed_class.eq(false),
                courses::active.eq(true),
                courses::updated_at.eq(now),
            ))
            .returning(courses::id)
            .get_result(c)?,
        };
        diesel::insert_into(en::table)
            .values((en::school_id.eq(sid), en::course_id.eq(course), en::student_id.eq(id), en::kind.eq("regular"), en::active.eq(true), en::updated_at.eq(now)))
            .execute(c)?;
        let result: i64 = diesel::insert_into(lr::table)
            .values((
                lr::school_id.eq(sid),
                lr::student_id.eq(id),
                lr::course_id.eq(course),
                lr::academic_year.eq(115),
                lr::semester.eq(1),
                lr::description.eq("我的成果"),
                lr::state.eq("certified"),
                lr::created_at.eq(now),
                lr::updated_at.eq(now),
            ))
            .returning(lr::id)
            .get_result(c)?;
        diesel::insert_into(sel::table)
            .values((sel::school_id.eq(sid), sel::student_id.eq(id), sel::academic_year.eq(115), sel::item_kind.eq("result"), sel::item_id.eq(result), sel::selected_at.eq(now)))
            .execute(c)?;
        diesel::insert_into(cr::table)
            .values((
                cr::school_id.eq(sid),
                cr::student_id.eq(id),
                cr::academic_year.eq(115),
                cr::semester.eq(1),
                cr::unit.eq("班級"),
                cr::position.eq("班長"),
                cr::level.eq(Some("班級幹部")),
                cr::start_date.eq(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()),
                cr::active.eq(true),
                cr::updated_at.eq(now),
            ))
            .execute(c)?;
        Ok(())
    });
    id
}

async fn fixture(app: &TestApp, code: &str) -> Fx {
    let school = app.school(code);
    let mut students = HashMap::new();
    let prefix = &code[5..6];
    for (account, nid, class, seat) in [("s1", "A10000000", "101", 1), ("s2", "A10000001", "101", 2), ("s3", "A10000002", "201", 1)] {
        let nid: &'static str = Box::leak(format!("{nid}{prefix}").into_boxed_str());
        students.insert(account, (student(app, &school, account, nid, class, seat), nid));
    }
    let admin = app.token(&school, "admin").await;
    Fx { school, admin, students }
}

/// Exports a roster as the admin, runs the job and returns (package name, bytes).
async fn export(app: &TestApp, token: &str, roster: &str) -> (String, Vec<u8>) {
    let r = app.post_as("/api/v1/rosters/exports", token, json!({"roster": roster})).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let view = r.json();
    licheng::workers::run_jobs(&app.state).await.expect("worker pass");
    let package = app.get_as(&format!("/api/v1/jobs/{}/result", view["job_id"]), token).await;
    assert_eq!(package.status, 200, "{}", package.text());
    (format!("{}.zip", view["file_name"].as_str().unwrap()), package.body)
}

fn generate(app: &TestApp, school: &School, packages: &[(String, Vec<u8>)], version: i32, tweaks: Vec<Tweak>) -> (Manifest, Vec<u8>) {
    let term = licheng::terms::Term { academic_year: 115, semester: 1 };
    let opts = Options { version, course_records: true, tweaks, school_code: Some(school.code.clone()), term: Some(term) };
    let packages = packages.to_vec();
    let manifest = app.write(move |c| Ok(generator::generate(c, &packages, &opts).expect("generated")));
    let bytes = receipts::write_archive(&manifest, PASSWORD).expect("written");
    (manifest, bytes)
}

/// Makes `year`-`semester` the school's current term (the next semester comes).
fn set_term(app: &TestApp, school: i64, year: i32, semester: i32) {
    let now = app.state.clock.now();
    app.write(move |c| licheng::terms::set_current(c, school, licheng::terms::Term { academic_year: year, semester }, now));
}

fn taipei(t: NaiveDateTime) -> String {
    (t + Duration::hours(8)).format("%Y-%m-%dT%H:%M:%S+08:00").to_string()
}

/// Windows open now (an hour ago) for three days, for every category.
fn open_windows(app: &TestApp) -> String {
    let now = app.state.clock.now();
    let list: Vec<Value> = Category::ALL.iter().map(|c| json!({"category": c.as_str(), "start": taipei(now - Duration::hours(1)), "end": taipei(now + Duration::days(3))})).collect();
    Value::Array(list).to_string()
}

async fn import(app: &TestApp, token: &str, bytes: &[u8], fields: &[(&str, &str)]) -> crate::support::Reply {
    let mut all = vec![("term", "1151"), ("password", PASSWORD)];
    all.extend_from_slice(fields);
    let r = app.upload(Method::POST, "/api/v1/receipts/imports", token, &all, &[("file", "1151_20261206120000收訖明細.zip", bytes)]).await;
    if r.status != 202 {
        return r;
    }
    // A real import is a job: run the worker and answer with its result.
    let id = r.json()["job_id"].as_i64().expect("a job id");
    licheng::workers::run_jobs(&app.state).await.expect("worker pass");
    let job = app.get_as(&format!("/api/v1/jobs/{id}"), token).await.json();
    assert_eq!(job["state"], "succeeded", "{job}");
    app.get_as(&format!("/api/v1/jobs/{id}/result"), token).await
}

fn outcome(r: &Value, cat: &str) -> Value {
    r["categories"].as_array().unwrap().iter().find(|c| c["category"] == cat).cloned().unwrap_or_else(|| panic!("no {cat} in {r}"))
}

fn category<'a>(receipt: &'a Value, cat: &str) -> &'a Value {
    receipt["categories"].as_array().unwrap().iter().find(|c| c["category"] == cat).unwrap_or_else(|| panic!("no {cat} in {receipt}"))
}

fn imports_count(app: &TestApp, school: i64) -> i64 {
    app.write(move |c| Ok(ri::table.filter(ri::school_id.eq(school)).count().get_result(c)?))
}

fn sheet(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an xlsx");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range.rows().map(|r| r.iter().map(|d| if let Data::Empty = d { String::new() } else { d.to_string() }).collect()).collect()
}

/// A staff account whose role group is granted `modules` (create/update/delete too).
async fn staff_with(app: &TestApp, school: &School, account: &str, modules: &[&str]) -> String {
    let user = app.teacher(school, account);
    let now = app.state.clock.now();
    let (sid, code) = (school.id, format!("R{account}"));
    let modules: Vec<String> = modules.iter().map(|m| m.to_string()).collect();
    app.write(move |c| {
        let group: i64 = diesel::insert_into(rg::table)
            .values((rg::school_id.eq(sid), rg::code.eq(code), rg::name.eq("收訖"), rg::in_use.eq(true), rg::created_at.eq(now), rg::updated_at.eq(now)))
            .returning(rg::id)
            .get_result(c)?;
        for m in modules {
            diesel::insert_into(rgmod::table).values((rgmod::group_id.eq(group), rgmod::module_code.eq(m))).execute(c)?;
        }
        diesel::insert_into(rgm::table).values((rgm::group_id.eq(group), rgm::user_id.eq(user))).execute(c)?;
        Ok(())
    });
    app.token(school, account).await
}

#[actix_web::test]
async fn roster_export_to_receipt_confirmations_statistics_and_a_new_version() {
    let app = TestApp::init();
    let fx = fixture(&app, "720001").await;
    let results = export(&app, &fx.admin, "26").await;
    let cadre = export(&app, &fx.admin, "24").await;
    let packages = vec![results.clone(), cadre.clone()];
    let (s1, s2, s3) = (fx.students["s1"], fx.students["s2"], fx.students["s3"]);
    // Rehearsed discrepancy: the central database lists an extra cadre row for s3.
    let (manifest, v1) = generate(&app, &fx.school, &packages, 1, vec![Tweak { national_id: s3.1.into(), category: Category::Cadre, action: Action::Add }]);
    let cats: Vec<Category> = manifest.categories.iter().map(|p| p.category).collect();
    assert_eq!(cats, [Category::CourseRecords, Category::Results, Category::Cadre]);
    // Manual 8.1.2: "課程代碼 科目名稱 開課年級 修課學分 學期學業成績 成績及格 補考成績 補考及格 是否採計學分 質性文字描述 行數".
    assert_eq!(manifest.categories[0].columns, receipts::COURSE_COLUMNS.map(String::from).to_vec());
    let results_part = &manifest.categories[1];
    assert_eq!(results_part.rosters[0].sha256, crate::support::bytes::sha256(&results.1), "the roster's SHA-256 is the package's");
    assert_eq!(results_part.rosters[0].roster, "26");
    assert_eq!(results_part.students.len(), 3);
    let i = results_part.columns.iter().position(|c| c == "課程代碼").unwrap();
    assert_eq!(results_part.students[0].rows[0][i], CODE23);

    // Manual 8.1.1 "學習成果、多元表現則為下學期才會進行匯入": the receipt of 115-1 with learning results
    // is imported once the school is in 115-2; the students answer for 115-1 then.
    set_term(&app, fx.school.id, 115, 2);

    // The manual's confirmation screen first: a dry run stores nothing.
    let dry = import(&app, &fx.admin, &v1, &[("dry_run", "true")]).await;
    assert_eq!(dry.status, 200, "{}", dry.text());
    let dry = dry.json();
    assert_eq!(dry["dry_run"], true);
    assert_eq!(outcome(&dry, "results")["outcome"], "new");
    assert_eq!(outcome(&dry, "results")["students"], 3);
    // Defaults, 備註說明 A/B: "3/25 10:27 系統將預設 3/26 11:00" … "3/28 11:00".
    let (start, end) = receipts::default_window(app.state.clock.now());
    assert_eq!(outcome(&dry, "cadre")["window_start"], licheng::time::rfc3339(&start));
    assert_eq!(outcome(&dry, "cadre")["window_end"], licheng::time::rfc3339(&end));
    assert_eq!(imports_count(&app, fx.school.id), 0, "a dry run stores nothing");

    let windows = open_windows(&app);
    let r = import(&app, &fx.admin, &v1, &[("windows", &windows)]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = r.json();
    for cat in ["course_records", "results", "cadre"] {
        assert_eq!(outcome(&r, cat)["outcome"], "new", "{cat}");
        assert_eq!(outcome(&r, cat)["students"], 3, "{cat}");
    }
    // 備註說明 C: "【無異動】則不會做任何匯入更新，略過處理".
    let again = import(&app, &fx.admin, &v1, &[]).await.json();
    for cat in ["course_records", "results", "cadre"] {
        assert_eq!(outcome(&again, cat)["outcome"], "unchanged", "{cat}");
        assert_eq!(outcome(&again, cat)["message"], "無異動");
    }
    assert_eq!(imports_count(&app, fx.school.id), 3, "an unchanged receipt adds no import");

    // Students see their rows and answer inside the window.
    let t1 = app.token(&fx.school, "s1").await;
    let t2 = app.token(&fx.school, "s2").await;
    let t3 = app.token(&fx.school, "s3").await;
    let mine = app.get_as("/api/v1/receipts/mine?term=1151", &t1).await;
    assert_eq!(mine.status, 200, "{}", mine.text());
    let mine = mine.json();
    let res = category(&mine, "results");
    assert_eq!(res["open"], true);
    assert_eq!(res["state"], "pending");
    assert_eq!(res["rows"].as_array().unwrap().len(), 1);
    assert_eq!(category(&mine, "course_records")["rows"][0][0], CODE23);
    let ok = app.post_as("/api/v1/receipts/mine/answers", &t1, json!({"term": "1151", "category": "results", "answer": "correct"})).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(category(&ok.json(), "results")["state"], "confirmed");
    let ok = app.post_as("/api/v1/receipts/mine/answers", &t1, json!({"term": "1151", "category": "course_records", "answer": "correct"})).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let rep = app.post_as("/api/v1/receipts/mine/answers", &t2, json!({"term": "1151", "category": "results", "answer": "missing", "description": "少了一份成果"})).await;
    assert_eq!(rep.status, 200, "{}", rep.text());
    assert_eq!(category(&rep.json(), "results")["state"], "reported");
    let rep = app.post_as("/api/v1/receipts/mine/answers", &t3, json!({"term": "1151", "category": "cadre", "answer": "extra", "description": "多了一筆幹部"})).await;
    assert_eq!(rep.status, 200, "{}", rep.text());
    let no_text = app.post_as("/api/v1/receipts/mine/answers", &t3, json!({"term": "1151", "category": "cadre", "answer": "wrong"})).await;
    no_text.assert_problem(422, "validation_failed");
    // The answers are sealed into the history chain (issue #26).
    let sealed = crate::history::sealed_events(&app, "receipt_answered");
    assert_eq!(sealed.len(), 4, "{sealed:?}");
    assert!(sealed[2].contains("\"state\":\"reported\"") && sealed[2].contains("missing"), "{sealed:?}");

    // 8.1.3: the reports list, a remark the student sees.
    let list = app.get_as("/api/v1/receipts/reports?term=1151", &fx.admin).await;
    assert_eq!(list.status, 200, "{}", list.text());
    let list = list.json();
    assert_eq!((list["total"].as_i64(), list["page"].as_i64(), list["per_page"].as_i64()), (Some(2), Some(1), Some(30)), "{list}");
    // The project's one page style: a page of one, the total over all pages.
    let one = app.get_as("/api/v1/receipts/reports?term=1151&per_page=1&page=2", &fx.admin).await.json();
    assert_eq!((one["items"].as_array().map(Vec::len), one["total"].as_i64()), (Some(1), Some(2)), "{one}");
    app.get_as("/api/v1/receipts/reports?per_page=0", &fx.admin).await.assert_problem(422, "validation_failed");
    let list = list["items"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let r2 = list.iter().find(|r| r["student_id"] == s2.0).unwrap();
    assert_eq!((r2["term"].as_str(), r2["class_code"].as_str(), r2["seat_no"].as_i64()), (Some("1151"), Some("101"), Some(2)));
    assert_eq!((r2["kind"].as_str(), r2["kind_name"].as_str(), r2["category_name"].as_str()), (Some("missing"), Some("資料有少"), Some("課程學習成果")));
    let id = r2["id"].as_i64().unwrap();
    let remark = app.put_as(&format!("/api/v1/receipts/reports/{id}/remark"), &fx.admin, json!({"remark": "已請任課老師補傳"})).await;
    assert_eq!(remark.status, 200, "{}", remark.text());
    let seen = app.get_as("/api/v1/receipts/mine?term=1151", &t2).await.json();
    assert_eq!(category(&seen, "results")["reports"][0]["remark"], "已請任課老師補傳", "the student sees the admin's remark");
    let xlsx = app.get_as("/api/v1/receipts/reports.xlsx?term=1151", &fx.admin).await;
    assert_eq!(xlsx.status, 200);
    let rows = sheet(&xlsx.body);
    assert_eq!(rows[0], ["問題單號", "收訖明細之學期", "學生姓名", "學生班級", "學生座號", "資料類別", "錯誤類別", "問題描述", "回報日期", "備註"]);
    assert!(rows.iter().any(|r| r[9] == "已請任課老師補傳" && r[6] == "資料有少"));

    // 8.1.2: a student's receipt by class and seat, with the rosters' SHA-256 and uploader.
    let view = app.get_as("/api/v1/receipts/students?term=1151&class=201&seat=1", &fx.admin).await;
    assert_eq!(view.status, 200, "{}", view.text());
    let view = view.json();
    assert_eq!(view["student_id"], s3.0);
    let c = category(&view, "cadre");
    assert_eq!(c["rosters"][0]["sha256"], crate::support::bytes::sha256(&cadre.1));
    assert_eq!(c["rows"].as_array().unwrap().len(), 2, "the generator's extra row");
    assert_eq!(c["state"], "reported");

    // 8.1.4: "修課紀錄 2已確認/共362人" — for the school, per class, per student.
    let st = app.get_as("/api/v1/receipts/statistics?term=1151", &fx.admin).await;
    assert_eq!(st.status, 200, "{}", st.text());
    let st = st.json();
    let texts: Vec<&str> = st["totals"].as_array().unwrap().iter().map(|t| t["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["修課紀錄 1已確認/共3人", "學習成果 1已確認/共3人", "幹部經歷 0已確認/共3人"]);
    let class101 = st["classes"].as_array().unwrap().iter().find(|c| c["class_code"] == "101").unwrap().clone();
    assert_eq!(class101["students"], 2);
    assert_eq!(class101["counts"][1]["reported"], 1);
    let cl = app.get_as("/api/v1/receipts/statistics?term=1151&class=101", &fx.admin).await.json();
    let states: Vec<(String, String)> = cl["students"].as_array().unwrap().iter().map(|s| (s["name"].as_str().unwrap().to_string(), s["states"]["results"].as_str().unwrap().to_string())).collect();
    assert_eq!(states, [("使用者s1".to_string(), "confirmed".to_string()), ("使用者s2".to_string(), "reported".to_string())]);
    let x = app.get_as("/api/v1/receipts/statistics.xlsx?term=1151&class=101", &fx.admin).await;
    assert_eq!(x.status, 200);
    let rows = sheet(&x.body);
    assert_eq!(rows[0], ["班級", "座號", "學號", "姓名", "修課紀錄", "學習成果", "幹部經歷"]);
    assert_eq!(rows[2][5], "錯誤回報");
    assert_eq!(rows[2][4], "待確認");

    // 8.2: items in Licheng against the receipt; s3's extra cadre row is a difference.
    let admin = app.token(&fx.school, "admin").await; // the clock moved on: a fresh session
    let d = app.get_as("/api/v1/receipts/differences?year=115", &admin).await;
    assert_eq!(d.status, 200, "{}", d.text());
    let d = d.json();
    let row3 = d.as_array().unwrap().iter().find(|r| r["student_id"] == s3.0).unwrap().clone();
    let cadre_count = row3["counts"].as_array().unwrap().iter().find(|c| c["category"] == "cadre").unwrap().clone();
    assert_eq!((cadre_count["licheng"].as_i64(), cadre_count["receipt"].as_i64(), cadre_count["differs"].as_bool()), (Some(1), Some(2), Some(true)));
    let row1 = d.as_array().unwrap().iter().find(|r| r["student_id"] == s1.0).unwrap().clone();
    assert_eq!(row1["differs"], false, "{row1}");
    let only = app.get_as("/api/v1/receipts/differences?year=115&only_differences=true", &fx.admin).await.json();
    assert_eq!(only.as_array().unwrap().len(), 1);
    let x = app.get_as("/api/v1/receipts/differences.xlsx?year=115", &fx.admin).await;
    assert_eq!(x.status, 200);
    assert!(sheet(&x.body).iter().any(|r| r.last().is_some_and(|v| v == "＊幹部經歷")));

    // 備註說明 C: "【新版本】系統會比對上一版本資料後進行差異學生的確認紐重置" — version 2 alters s1's
    // result only: s1 is reset, s2 keeps their report, course records change for nobody.
    let (_, v2) = generate(
        &app,
        &fx.school,
        &packages,
        2,
        vec![Tweak { national_id: s3.1.into(), category: Category::Cadre, action: Action::Add }, Tweak { national_id: s1.1.into(), category: Category::Results, action: Action::Alter }],
    );
    let r = import(&app, &fx.admin, &v2, &[]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = r.json();
    assert_eq!(outcome(&r, "results")["outcome"], "new_version");
    assert_eq!(outcome(&r, "results")["reset"], 1);
    assert_eq!(outcome(&r, "results")["message"], "新版本，1 位學生需重新確認");
    assert_eq!(outcome(&r, "course_records")["reset"], 0);
    assert_eq!(outcome(&r, "cadre")["reset"], 0);
    let after = app.get_as("/api/v1/receipts/mine?term=1151", &t1).await.json();
    assert_eq!(category(&after, "results")["state"], "pending", "s1's rows changed: confirm again");
    // The new version got the default window (from tomorrow): the rows wait for it.
    assert_eq!(category(&after, "results")["open"], false);
    assert!(category(&after, "results")["rows"].as_array().unwrap().is_empty());
    // "若確認後需要重新調整收訖明細確認時間，請重新匯入檔案": the same file with a window moves it.
    let moved = import(&app, &fx.admin, &v2, &[("windows", &open_windows(&app))]).await.json();
    assert_eq!(outcome(&moved, "results")["outcome"], "unchanged");
    let after = app.get_as("/api/v1/receipts/mine?term=1151", &t1).await.json();
    assert_eq!(category(&after, "results")["open"], true);
    assert!(category(&after, "results")["rows"][0].as_array().unwrap().iter().any(|v| v.as_str().unwrap().ends_with("（誤）")));
    assert_eq!(category(&after, "course_records")["state"], "confirmed", "s1's course records did not change");
    assert_eq!(category(&app.get_as("/api/v1/receipts/mine?term=1151", &t2).await.json(), "results")["state"], "reported");
    assert_eq!(category(&app.get_as("/api/v1/receipts/mine?term=1151", &t3).await.json(), "cadre")["state"], "reported");

    // After the window: answers are refused.
    app.state.clock.advance(4 * 86_400);
    let t1 = app.token(&fx.school, "s1").await;
    let late = app.post_as("/api/v1/receipts/mine/answers", &t1, json!({"term": "1151", "category": "results", "answer": "correct"})).await;
    late.assert_problem(409, "invalid_state");
    // A student enrolled in Licheng with nothing selected and no row in the receipt is a
    // difference too (Licheng 1 course, the receipt 0) — review: such students were left out.
    let s4 = app.student(&fx.school, "s4", "B123456789");
    let sid = fx.school.id;
    app.write(move |c| {
        let course: i64 = courses::table.filter(courses::school_id.eq(sid)).filter(courses::class_code.eq("101")).select(courses::id).first(c)?;
        diesel::insert_into(en::table)
            .values((en::school_id.eq(sid), en::course_id.eq(course), en::student_id.eq(s4), en::kind.eq("regular"), en::active.eq(true), en::updated_at.eq(chrono::Utc::now().naive_utc())))
            .execute(c)?;
        Ok(())
    });
    let admin = app.token(&fx.school, "admin").await; // the clock moved on: a fresh session
    let d = app.get_as("/api/v1/receipts/differences?year=115", &admin).await;
    assert_eq!(d.status, 200, "{}", d.text());
    let d = d.json();
    let row4 = d.as_array().unwrap().iter().find(|r| r["student_id"] == s4).cloned();
    assert!(row4.as_ref().is_some_and(|r| r["differs"] == true), "{d}");
    // An item imported from the student's former school and selected goes into the rosters
    // (issue #21), so it counts on Licheng's side of 8.2 too — review: only own selections counted.
    let count = |d: &Value, student: i64, cat: &str| -> i64 {
        let row = d.as_array().unwrap().iter().find(|r| r["student_id"] == student).unwrap();
        row["counts"].as_array().unwrap().iter().find(|c| c["category"] == cat).unwrap()["licheng"].as_i64().unwrap()
    };
    let before = count(&d, s1.0, "results");
    let (sid, student) = (fx.school.id, s1.0);
    app.write(move |c| {
        diesel::insert_into(licheng::schema::selections::table)
            .values((
                licheng::schema::selections::school_id.eq(sid),
                licheng::schema::selections::student_id.eq(student),
                licheng::schema::selections::academic_year.eq(115),
                licheng::schema::selections::item_kind.eq(licheng::selections::Kind::Results.imported_kind()),
                licheng::schema::selections::item_id.eq(987_654),
                licheng::schema::selections::selected_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .execute(c)?;
        Ok(())
    });
    let d = app.get_as("/api/v1/receipts/differences?year=115", &admin).await.json();
    assert_eq!(count(&d, s1.0, "results"), before + 1, "{d}");
}

/// A zip with raw entries `(name, bytes, aes)`; names are written as given.
fn raw_zip(entries: &[(&str, Vec<u8>, bool)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data, aes) in entries {
        let mut o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        if *aes {
            o = o.with_aes_encryption(zip::AesMode::Aes256, PASSWORD);
        }
        zip.start_file(*name, o).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[actix_web::test]
async fn hostile_or_wrong_receipts_are_refused_and_change_nothing() {
    let app = TestApp::init();
    let fx = fixture(&app, "720002").await;
    let (manifest, good) = generate(&app, &fx.school, &[], 1, Vec::new());
    let json = serde_json::to_vec(&manifest).unwrap();
    let mut v2 = serde_json::to_value(&manifest).unwrap();
    v2["schema_version"] = json!(2);
    let mut other = manifest.clone();
    other.school_code = "720099".into();

    let cases: Vec<(&str, Vec<u8>, &str, u16, &str)> = vec![
        ("wrong password", good.clone(), "not-the-password", 400, "receipt_password"),
        ("not a zip", b"PK\x03\x04 this is not a zip at all".to_vec(), PASSWORD, 400, "receipt_invalid"),
        ("truncated", good[..good.len() / 2].to_vec(), PASSWORD, 400, "receipt_invalid"),
        ("zip-slip", raw_zip(&[("../../etc/cron.d/x", b"x".to_vec(), false), ("manifest.json", json.clone(), true)]), PASSWORD, 400, "receipt_invalid"),
        ("absolute path", raw_zip(&[("/tmp/x", b"x".to_vec(), false), ("manifest.json", json.clone(), true)]), PASSWORD, 400, "receipt_invalid"),
        ("expansion bomb", raw_zip(&[("manifest.json", json.clone(), true), ("zeros.bin", vec![0u8; 8 << 20], false)]), PASSWORD, 400, "receipt_invalid"),
        ("duplicate names", raw_zip(&[("manifest.json", json.clone(), true), ("MANIFEST.JSON", json.clone(), false)]), PASSWORD, 400, "receipt_invalid"),
        ("unencrypted", raw_zip(&[("manifest.json", json.clone(), false)]), PASSWORD, 400, "receipt_invalid"),
        ("unknown schema version", raw_zip(&[("manifest.json", serde_json::to_vec(&v2).unwrap(), true)]), PASSWORD, 400, "receipt_invalid"),
        ("another school", receipts::write_archive(&other, PASSWORD).unwrap(), PASSWORD, 400, "receipt_invalid"),
    ];
    for (what, bytes, password, status, code) in cases {
        let r = app
            .upload(Method::POST, "/api/v1/receipts/imports", &fx.admin, &[("term", "1151"), ("password", password)], &[("file", "r.zip", &bytes)])
            .await;
        let p = r.assert_problem(status, code);
        assert!(!p["detail"].as_str().unwrap_or("").is_empty(), "{what}: a zh-TW detail");
        if what == "unknown schema version" {
            assert!(p["detail"].as_str().unwrap().contains("版本"), "{p}");
        }
        assert_eq!(imports_count(&app, fx.school.id), 0, "{what}: nothing changed");
    }
    // English on Accept-Language: en.
    let (ct, body) = crate::support::multipart(&[("term", "1151"), ("password", "nope")], &[("file", "r.zip", &good)]);
    let r = app
        .send(
            actix_web::test::TestRequest::post()
                .uri("/api/v1/receipts/imports")
                .insert_header(("Authorization", format!("Bearer {}", fx.admin)))
                .insert_header(("Content-Type", ct))
                .insert_header(("Accept-Language", "en"))
                .set_payload(body),
        )
        .await;
    let p = r.assert_problem(400, "receipt_password");
    assert!(p["detail"].as_str().unwrap().contains("password"), "{p}");

    // Another term than the chosen one.
    let r = app.upload(Method::POST, "/api/v1/receipts/imports", &fx.admin, &[("term", "1152"), ("password", PASSWORD)], &[("file", "r.zip", &good)]).await;
    r.assert_problem(400, "receipt_invalid");
    // National rule: the window lasts at least 3 days.
    let now = app.state.clock.now();
    let short = json!([{"category": "course_records", "start": taipei(now + Duration::days(1)), "end": taipei(now + Duration::days(2))}]).to_string();
    let r = import(&app, &fx.admin, &good, &[("windows", &short)]).await;
    let p = r.assert_problem(422, "validation_failed");
    assert!(p.to_string().contains("3 天"), "{p}");
    let backwards = json!([{"category": "course_records", "start": taipei(now + Duration::days(5)), "end": taipei(now + Duration::days(1))}]).to_string();
    import(&app, &fx.admin, &good, &[("windows", &backwards)]).await.assert_problem(422, "validation_failed");
    assert_eq!(imports_count(&app, fx.school.id), 0);
    // Then the good one goes in.
    let r = import(&app, &fx.admin, &good, &[]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(imports_count(&app, fx.school.id), 1);
}

#[actix_web::test]
async fn roles_modules_other_students_and_other_schools_are_refused() {
    let app = TestApp::init();
    let fx = fixture(&app, "720003").await;
    let other = fixture(&app, "720004").await;
    let cadre = export(&app, &fx.admin, "24").await;
    let (_, receipt) = generate(&app, &fx.school, &[cadre], 1, Vec::new());
    let windows = open_windows(&app);

    // Wrong role: a teacher without the module, a student; S0207S alone is not the receipts module.
    let teacher = staff_with(&app, &fx.school, "t1", &[]).await;
    let submitter = staff_with(&app, &fx.school, "t2", &["S0207S"]).await;
    let t1 = app.token(&fx.school, "s1").await;
    for (who, token, code) in [("teacher", &teacher, "module_required"), ("S0207S", &submitter, "module_required"), ("student", &t1, "module_required")] {
        import(&app, token, &receipt, &[]).await.assert_problem(403, code);
        for path in ["/api/v1/receipts/imports", "/api/v1/receipts/reports", "/api/v1/receipts/reports.xlsx", "/api/v1/receipts/statistics", "/api/v1/receipts/statistics.xlsx", "/api/v1/receipts/differences", "/api/v1/receipts/differences.xlsx", "/api/v1/receipts/students?class=101&seat=1"] {
            app.get_as(path, token).await.assert_problem(403, code);
        }
        assert_eq!(imports_count(&app, fx.school.id), 0, "{who}");
    }
    // "此區會依據角色群組權限提供可匯入之類別": S0219S without S0218S imports course records, not cadre.
    let clerk = staff_with(&app, &fx.school, "t3", &["S0219S"]).await;
    import(&app, &clerk, &receipt, &[("categories", "cadre")]).await.assert_problem(403, "module_required");
    import(&app, &clerk, &receipt, &[]).await.assert_problem(403, "module_required");
    let r = import(&app, &clerk, &receipt, &[("categories", "course_records"), ("windows", &windows)]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = import(&app, &fx.admin, &receipt, &[("windows", &windows)]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(outcome(&r.json(), "course_records")["outcome"], "unchanged");

    // Staff and admins have no own receipt; a student answers only their own.
    app.get_as("/api/v1/receipts/mine", &fx.admin).await.assert_problem(403, "role_required");
    app.post_as("/api/v1/receipts/mine/answers", &teacher, json!({"category": "cadre", "answer": "correct"})).await.assert_problem(403, "role_required");
    let t2 = app.token(&fx.school, "s2").await;
    let rep = app.post_as("/api/v1/receipts/mine/answers", &t2, json!({"category": "cadre", "answer": "wrong", "description": "職稱錯誤"})).await;
    assert_eq!(rep.status, 200, "{}", rep.text());
    let mine = app.get_as("/api/v1/receipts/mine", &t1).await.json();
    assert_eq!(category(&mine, "cadre")["state"], "pending", "s2's answer is not s1's");
    assert!(category(&mine, "cadre")["reports"].as_array().unwrap().is_empty(), "s1 does not see s2's reports");
    let report: i64 = {
        let sid = fx.school.id;
        app.write(move |c| Ok(rr::table.filter(rr::school_id.eq(sid)).select(rr::id).first(c)?))
    };
    app.put_as(&format!("/api/v1/receipts/reports/{report}/remark"), &t1, json!({"remark": "x"})).await.assert_problem(403, "module_required");
    // A member granted S0219S view only cannot write remarks.
    let viewer = {
        staff_with(&app, &fx.school, "t4", &["S0219S"]).await;
        let sid = fx.school.id;
        app.write(move |c| {
            let g: i64 = rg::table.filter(rg::school_id.eq(sid)).filter(rg::code.eq("Rt4")).select(rg::id).first(c)?;
            diesel::update(rgmod::table.filter(rgmod::group_id.eq(g))).set((rgmod::can_create.eq(false), rgmod::can_update.eq(false), rgmod::can_delete.eq(false))).execute(c)?;
            Ok(())
        });
        app.token(&fx.school, "t4").await
    };
    assert_eq!(app.get_as("/api/v1/receipts/reports", &viewer).await.status, 200);
    app.put_as(&format!("/api/v1/receipts/reports/{report}/remark"), &viewer, json!({"remark": "x"})).await.assert_problem(403, "module_required");
    import(&app, &viewer, &receipt, &[]).await.assert_problem(403, "module_required");

    // Another school: its admin sees none of it and cannot touch it.
    let s1 = fx.students["s1"].0;
    app.get_as(&format!("/api/v1/receipts/students?student_id={s1}"), &other.admin).await.assert_problem(404, "not_found");
    app.put_as(&format!("/api/v1/receipts/reports/{report}/remark"), &other.admin, json!({"remark": "x"})).await.assert_problem(404, "not_found");
    assert_eq!(app.get_as("/api/v1/receipts/reports", &other.admin).await.json()["total"], 0);
    assert!(app.get_as("/api/v1/receipts/statistics", &other.admin).await.json()["totals"].as_array().unwrap().is_empty());
    // The other school's student has no receipt here.
    let o1 = app.token(&other.school, "s1").await;
    assert!(app.get_as("/api/v1/receipts/mine", &o1).await.json()["categories"].as_array().unwrap().is_empty());
    app.post_as("/api/v1/receipts/mine/answers", &o1, json!({"category": "cadre", "answer": "correct"})).await.assert_problem(404, "not_found");
    let answers: i64 = app.write(|c| Ok(ra::table.count().get_result(c)?));
    assert_eq!(answers, 1, "only s2's answer was stored");
}

#[actix_web::test]
async fn reminders_go_to_students_who_have_not_answered_when_a_window_opens_and_closes() {
    use licheng::reminders::{plan, Reason};
    let app = TestApp::init();
    let fx = fixture(&app, "720005").await;
    let (_, receipt) = generate(&app, &fx.school, &[], 1, Vec::new());
    let now = app.state.clock.now();
    let start = now - Duration::seconds(i64::from(chrono::Timelike::second(&now)));
    let windows = json!([{"category": "course_records", "start": taipei(start), "end": taipei(start + Duration::days(3))}]).to_string();
    let r = import(&app, &fx.admin, &receipt, &[("windows", &windows)]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    for account in ["s1", "s2"] {
        let id = fx.students[account].0;
        app.write(move |c| Ok(diesel::update(licheng::schema::users::table.find(id)).set(licheng::schema::users::email.eq(Some(format!("{id}@example.edu.tw")))).execute(c)?));
    }
    let t1 = app.token(&fx.school, "s1").await;
    assert_eq!(app.post_as("/api/v1/receipts/mine/answers", &t1, json!({"category": "course_records", "answer": "correct"})).await.status, 200);
    let school = fx.school.id;
    let due = |app: &TestApp| {
        let now = app.state.clock.now();
        app.write(move |c| plan(c, school, now, "https://licheng.example")).into_iter().filter(|p| p.reason == Reason::ReceiptPending).collect::<Vec<_>>()
    };
    // The day the window opens: s2 (no answer, a mail address); not s1 (confirmed), not s3 (no address).
    let first = due(&app);
    assert_eq!(first.iter().map(|p| p.user_id).collect::<Vec<_>>(), [fx.students["s2"].0]);
    assert!(first[0].body.contains("修課紀錄") && first[0].body.contains("/student/receipts"), "{}", first[0].body);
    // A middle day: nothing.
    app.state.clock.advance(86_400 + 3_600);
    assert!(due(&app).is_empty());
    // Its last 24 hours: s2 again.
    app.state.clock.advance(86_400);
    assert_eq!(due(&app).iter().map(|p| p.user_id).collect::<Vec<_>>(), [fx.students["s2"].0]);
}

/// Issue #20 review 1: a transfer student's temporary account (manual 3.7) acts as its student — it
/// sees the student's receipt and answers for them, recorded as made on their behalf.
#[actix_web::test]
async fn a_temporary_account_sees_and_answers_its_students_receipt() {
    let app = TestApp::init();
    let fx = fixture(&app, "720006").await;
    let (_, receipt) = generate(&app, &fx.school, &[], 1, Vec::new());
    let r = import(&app, &fx.admin, &receipt, &[("windows", &open_windows(&app))]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let s1 = fx.students["s1"].0;
    let created = app.post_as("/api/v1/temporary-accounts", &fx.admin, json!({"student_id": s1, "valid_days": 7})).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let created = created.json();
    let (account, password) = (created["account"].as_str().unwrap().to_string(), created["password"].as_str().unwrap().to_string());
    let pair = app.sign_in_pair(&fx.school.code, &account, &password).await;
    let temp = pair["access_token"].as_str().unwrap().to_string();

    let mine = app.get_as("/api/v1/receipts/mine", &temp).await;
    assert_eq!(mine.status, 200, "{}", mine.text());
    let mine = mine.json();
    assert_eq!(mine["student_id"], s1, "the student's receipt, not the temporary account's");
    let cr = category(&mine, "course_records");
    assert_eq!((cr["received"].as_bool(), cr["rows"].as_array().map(Vec::len)), (Some(true), Some(1)), "{cr}");
    let ok = app.post_as("/api/v1/receipts/mine/answers", &temp, json!({"category": "course_records", "answer": "missing", "description": "少一門課"})).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let t1 = app.token(&fx.school, "s1").await;
    let seen = app.get_as("/api/v1/receipts/mine", &t1).await.json();
    assert_eq!(category(&seen, "course_records")["state"], "reported", "stored as the student's answer");
    assert_eq!(category(&seen, "course_records")["reports"][0]["student_id"], s1);
    let sid = fx.school.id;
    let recorded: Vec<(String, Option<String>)> = app.write(move |c| {
        use licheng::schema::audit_events as ae;
        Ok(ae::table.filter(ae::school_id.eq(sid)).filter(ae::event.like("receipt_%")).select((ae::event, ae::detail)).load(c)?)
    });
    // The answer is recorded on the student's behalf, and sealed as the chain's fact (#26).
    let on_behalf: Vec<&(String, Option<String>)> = recorded.iter().filter(|(e, _)| e != "receipt_answered").collect();
    assert_eq!(on_behalf.len(), 1, "{recorded:?}");
    assert_eq!(on_behalf[0].0, "receipt_reported");
    assert!(on_behalf[0].1.as_deref().unwrap_or("").contains("on behalf of s1"), "{recorded:?}");
    assert_eq!(recorded.iter().filter(|(e, _)| e == "receipt_answered").count(), 1, "{recorded:?}");
}

/// Review 4: a student's reports are capped per category (a clear 409 `limit_reached`); a
/// confirmation is still taken.
#[actix_web::test]
async fn problem_reports_are_capped_per_student_and_category() {
    let app = TestApp::init();
    let fx = fixture(&app, "720007").await;
    let (_, receipt) = generate(&app, &fx.school, &[], 1, Vec::new());
    assert_eq!(import(&app, &fx.admin, &receipt, &[("windows", &open_windows(&app))]).await.status, 200);
    let t2 = app.token(&fx.school, "s2").await;
    for i in 0..20 {
        let r = app.post_as("/api/v1/receipts/mine/answers", &t2, json!({"category": "course_records", "answer": "wrong", "description": format!("第 {i} 筆")})).await;
        assert_eq!(r.status, 200, "{i}: {}", r.text());
    }
    let over = app.post_as("/api/v1/receipts/mine/answers", &t2, json!({"category": "course_records", "answer": "wrong", "description": "再一筆"})).await;
    let p = over.assert_problem(409, "limit_reached");
    assert!(p["detail"].as_str().unwrap_or("").contains(&"20"), "{p}");
    let ok = app.post_as("/api/v1/receipts/mine/answers", &t2, json!({"category": "course_records", "answer": "correct"})).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let list = app.get_as("/api/v1/receipts/reports", &fx.admin).await.json();
    assert_eq!(list["total"].as_i64(), Some(20));
}

/// Review 5, 8 and 9: absurd window dates name the field; the body is read after the role check;
/// an oversized upload, semester 0, answers before the window and malformed manifests are refused.
#[actix_web::test]
async fn refusals_of_dates_bodies_sizes_terms_windows_and_manifest_shapes() {
    let app = TestApp::init();
    let fx = fixture(&app, "720008").await;
    let (manifest, good) = generate(&app, &fx.school, &[], 1, Vec::new());
    // time::require_dates: 1912–2200.
    for (start, end) in [("1800-01-01T11:00:00+08:00", "1800-01-05T11:00:00+08:00"), ("9999-01-01T11:00:00+08:00", "9999-01-05T11:00:00+08:00")] {
        let w = json!([{"category": "course_records", "start": start, "end": end}]).to_string();
        let p = import(&app, &fx.admin, &good, &[("windows", &w)]).await.assert_problem(422, "validation_failed");
        assert!(p["errors"]["windows.course_records"].is_array(), "{p}");
    }
    // The body after the role check: a teacher's or a student's malformed body is still a 403.
    let teacher = staff_with(&app, &fx.school, "t1", &[]).await;
    app.post_as("/api/v1/receipts/mine/answers", &teacher, json!({"category": "nope"})).await.assert_problem(403, "role_required");
    let t1 = app.token(&fx.school, "s1").await;
    app.put_as("/api/v1/receipts/reports/1/remark", &t1, json!({"remark": 5})).await.assert_problem(403, "module_required");
    // 413 over 32 MB.
    let big = vec![0u8; receipts::MAX_UPLOAD + 1];
    app.upload(Method::POST, "/api/v1/receipts/imports", &fx.admin, &[("term", "1151"), ("password", PASSWORD)], &[("file", "big.zip", &big)]).await.assert_problem(413, "payload_too_large");
    // Semester 0 (a whole year) is no receipt's term.
    let p = app.upload(Method::POST, "/api/v1/receipts/imports", &fx.admin, &[("term", "1150"), ("password", PASSWORD)], &[("file", "r.zip", &good)]).await.assert_problem(400, "invalid_query");
    assert!(p["errors"]["term"].is_array(), "{p}");
    app.get_as("/api/v1/receipts/mine?term=1150", &t1).await.assert_problem(400, "invalid_query");
    app.get_as("/api/v1/receipts/reports?term=1150", &fx.admin).await.assert_problem(400, "invalid_query");
    assert_eq!(imports_count(&app, fx.school.id), 0);

    // Manifest shapes.
    let mut dup_cat = manifest.clone();
    dup_cat.categories.push(manifest.categories[0].clone());
    let mut no_rosters = manifest.clone();
    no_rosters.categories[0].rosters.clear();
    let mut bad_sha = manifest.clone();
    bad_sha.categories[0].rosters[0].sha256 = "XYZ".into();
    let mut dup_student = manifest.clone();
    let first = dup_student.categories[0].students[0].clone();
    dup_student.categories[0].students.push(first);
    let mut short_row = manifest.clone();
    short_row.categories[0].students[0].rows[0].pop();
    let mut unknown_field = serde_json::to_value(&manifest).unwrap();
    unknown_field["extra"] = json!(1);
    let mut no_school = serde_json::to_value(&manifest).unwrap();
    no_school.as_object_mut().unwrap().remove("school_code");
    let mut no_version = serde_json::to_value(&manifest).unwrap();
    no_version.as_object_mut().unwrap().remove("schema_version");
    let mut text_version = serde_json::to_value(&manifest).unwrap();
    text_version["schema_version"] = json!("1");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("a category twice", serde_json::to_vec(&dup_cat).unwrap(), "出現兩次"),
        ("no rosters", serde_json::to_vec(&no_rosters).unwrap(), "沒有名冊"),
        ("bad SHA-256", serde_json::to_vec(&bad_sha).unwrap(), "SHA-256"),
        ("a student twice", serde_json::to_vec(&dup_student).unwrap(), "出現兩次"),
        ("a short row", serde_json::to_vec(&short_row).unwrap(), "欄位數"),
        ("an unknown field", serde_json::to_vec(&unknown_field).unwrap(), "不符格式"),
        ("no school code", serde_json::to_vec(&no_school).unwrap(), "不符格式"),
        ("no schema version", serde_json::to_vec(&no_version).unwrap(), "版本"),
        ("a text schema version", serde_json::to_vec(&text_version).unwrap(), "版本"),
        ("not JSON", b"{\"schema_version\": 1, ".to_vec(), "JSON"),
    ];
    for (what, json, says) in cases {
        let bytes = raw_zip(&[("manifest.json", json, true)]);
        let p = import(&app, &fx.admin, &bytes, &[]).await.assert_problem(400, "receipt_invalid");
        assert!(p["detail"].as_str().unwrap_or("").contains(says), "{what}: {p}");
    }
    assert_eq!(imports_count(&app, fx.school.id), 0);

    // Before the window opens (the default: tomorrow): no answers, no rows.
    assert_eq!(import(&app, &fx.admin, &good, &[]).await.status, 200);
    app.post_as("/api/v1/receipts/mine/answers", &t1, json!({"category": "course_records", "answer": "correct"})).await.assert_problem(409, "invalid_state");
    let mine = app.get_as("/api/v1/receipts/mine", &t1).await.json();
    assert_eq!(category(&mine, "course_records")["open"], false);
    assert!(category(&mine, "course_records")["rows"].as_array().unwrap().is_empty());
}

/// Review 7: in-app reminders besides mail (the school needs no mail server for them): the day a
/// window opens and in its last 24 hours, once a day, to students who have not answered.
#[actix_web::test]
async fn in_app_reminders_when_a_window_opens_and_before_it_closes() {
    let app = TestApp::init();
    let fx = fixture(&app, "720009").await;
    let (_, receipt) = generate(&app, &fx.school, &[], 1, Vec::new());
    let now = app.state.clock.now();
    let start = now - Duration::seconds(i64::from(chrono::Timelike::second(&now)));
    let windows = json!([{"category": "course_records", "start": taipei(start), "end": taipei(start + Duration::days(3))}]).to_string();
    assert_eq!(import(&app, &fx.admin, &receipt, &[("windows", &windows)]).await.status, 200);
    let t1 = app.token(&fx.school, "s1").await;
    assert_eq!(app.post_as("/api/v1/receipts/mine/answers", &t1, json!({"category": "course_records", "answer": "correct"})).await.status, 200);
    let school = fx.school.id;
    let inbox = |token: String| {
        let app = &app;
        async move {
            let page = app.get_as("/api/v1/me/notifications", &token).await;
            assert_eq!(page.status, 200, "{}", page.text());
            page.json()["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "receipt_pending").cloned().collect::<Vec<_>>()
        }
    };
    licheng::reminders::run_once(&app.state, Some(school)).await.expect("a pass");
    licheng::reminders::run_once(&app.state, Some(school)).await.expect("a second pass the same day");
    let t3 = app.token(&fx.school, "s3").await;
    let got = inbox(t3.clone()).await;
    assert_eq!(got.len(), 1, "once a day: {got:?}");
    assert!(got[0]["body"].as_str().unwrap().contains("修課紀錄"), "{got:?}");
    // In the reader's language (issue #17 item 7).
    let en = app.send(actix_web::test::TestRequest::get().uri("/api/v1/me/notifications").insert_header(("Authorization", format!("Bearer {t3}"))).insert_header(("Accept-Language", "en"))).await.json();
    let en = en["items"].as_array().unwrap().iter().find(|n| n["kind"] == "receipt_pending").cloned().unwrap();
    assert_eq!(en["title"], "Please confirm your receipt");
    assert!(en["body"].as_str().unwrap().contains("• 1151 Course records (confirm by "), "{en}");
    assert!(inbox(t1.clone()).await.is_empty(), "s1 confirmed");
    // A middle day: nothing new; its last 24 hours: again.
    app.state.clock.advance(86_400 + 3_600);
    licheng::reminders::run_once(&app.state, Some(school)).await.expect("a pass");
    let t3 = app.token(&fx.school, "s3").await;
    assert_eq!(inbox(t3.clone()).await.len(), 1);
    app.state.clock.advance(86_400);
    licheng::reminders::run_once(&app.state, Some(school)).await.expect("a pass");
    let t3 = app.token(&fx.school, "s3").await;
    assert_eq!(inbox(t3).await.len(), 2);
}

/// Review 6: a real import is a job (the request checks everything and answers 202 with the job;
/// the worker imports category by category with progress); a second import of the school waits
/// for the first (409); the uploaded archive is removed once imported.
#[actix_web::test]
async fn a_real_import_is_a_job_with_progress() {
    let app = TestApp::init();
    let fx = fixture(&app, "720010").await;
    let cadre = export(&app, &fx.admin, "24").await;
    let (_, receipt) = generate(&app, &fx.school, &[cadre], 1, Vec::new());
    let fields = [("term", "1151"), ("password", PASSWORD)];
    let r = app.upload(Method::POST, "/api/v1/receipts/imports", &fx.admin, &fields, &[("file", "r.zip", &receipt)]).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let id = r.json()["job_id"].as_i64().expect("a job id");
    assert_eq!(imports_count(&app, fx.school.id), 0, "nothing before the worker runs");
    let queued = app.get_as(&format!("/api/v1/jobs/{id}"), &fx.admin).await.json();
    assert_eq!((queued["state"].as_str(), queued["kind"].as_str()), (Some("queued"), Some("receipt_import")), "{queued}");
    // One import of a school at a time.
    let again = app.upload(Method::POST, "/api/v1/receipts/imports", &fx.admin, &fields, &[("file", "r.zip", &receipt)]).await;
    again.assert_problem(409, "conflict");
    // A dry run still answers at once.
    let dry = app.upload(Method::POST, "/api/v1/receipts/imports", &fx.admin, &[("term", "1151"), ("password", PASSWORD), ("dry_run", "true")], &[("file", "r.zip", &receipt)]).await;
    assert_eq!(dry.status, 200, "{}", dry.text());
    licheng::workers::run_jobs(&app.state).await.expect("worker pass");
    let done = app.get_as(&format!("/api/v1/jobs/{id}"), &fx.admin).await.json();
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!((done["done"].as_i64(), done["total"].as_i64()), (Some(2), Some(2)), "one step per category: {done}");
    let result = app.get_as(&format!("/api/v1/jobs/{id}/result"), &fx.admin).await;
    assert_eq!(result.status, 200, "{}", result.text());
    let result = result.json();
    assert_eq!(outcome(&result, "cadre")["outcome"], "new");
    assert_eq!(outcome(&result, "course_records")["students"], 3);
    assert_eq!(imports_count(&app, fx.school.id), 2);
    let left = walkdir_count(&app.state.config.data_dir.join("receipts"));
    assert_eq!(left, 0, "the uploaded archive is removed once imported");
    // Another school's admin does not see the job.
    let other = fixture(&app, "720011").await;
    app.get_as(&format!("/api/v1/jobs/{id}"), &other.admin).await.assert_problem(404, "not_found");
}

fn walkdir_count(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries.flatten().map(|e| if e.path().is_dir() { walkdir_count(&e.path()) } else { 1 }).sum()
}

/// Manual 8.1.1: "修課紀錄、幹部經歷為每學期匯入" and "學習成果、多元表現則為下學期才會進行匯入" — a
/// receipt's learning results and performances go in only once the school is in a later term than
/// the receipt's; course records and cadre in the term itself. The refusal (409 `invalid_state`,
/// naming the categories and the term to wait for) comes on a dry run and a real import alike, and
/// before the archive is opened when the categories are chosen; nothing changes.
#[actix_web::test]
async fn learning_results_and_performances_are_imported_in_the_next_semester() {
    let app = TestApp::init();
    let fx = fixture(&app, "720012").await;
    let results = export(&app, &fx.admin, "26").await;
    let (mut manifest, _) = generate(&app, &fx.school, &[results], 1, Vec::new());
    let mut performances = manifest.categories.iter().find(|p| p.category == Category::Results).expect("results").clone();
    performances.category = Category::Performances;
    manifest.categories.push(performances);
    let receipt = receipts::write_archive(&manifest, PASSWORD).unwrap();

    // In 115-1 itself: importing every category of the receipt (the default) is refused.
    let p = import(&app, &fx.admin, &receipt, &[("dry_run", "false")]).await.assert_problem(409, "invalid_state");
    let detail = p["detail"].as_str().unwrap_or("");
    assert!(detail.contains("課程學習成果") && detail.contains("多元表現") && detail.contains("下學期"), "{p}");
    assert!(detail.contains("本學期可先匯入修課紀錄"), "course records are not held back: {p}");
    // The dry run (the screen's first read) shows every category, the held-back ones with the
    // reason, so the admin can go on with course records and cadre — review: it refused the whole
    // receipt, and the screen could import nothing of it this semester.
    let plan = import(&app, &fx.admin, &receipt, &[("dry_run", "true")]).await;
    assert_eq!(plan.status, 200, "{}", plan.text());
    let plan = plan.json();
    for (cat, is_held) in [("course_records", false), ("results", true), ("performances", true)] {
        let o = outcome(&plan, cat);
        let held = &o["held"];
        assert_eq!(held.is_string(), is_held, "{cat}: {plan}");
        if is_held {
            assert!(held.as_str().unwrap_or("").contains("下學期"), "{plan}");
        }
    }
    for cats in ["results", "performances", "course_records,performances"] {
        import(&app, &fx.admin, &receipt, &[("categories", cats)]).await.assert_problem(409, "invalid_state");
    }
    // Chosen categories are checked before the archive is read: the (wrong) password is not tried.
    let r = app
        .upload(Method::POST, "/api/v1/receipts/imports", &fx.admin, &[("term", "1151"), ("password", "not-the-password"), ("categories", "results")], &[("file", "r.zip", &receipt)])
        .await;
    r.assert_problem(409, "invalid_state");
    assert_eq!(imports_count(&app, fx.school.id), 0, "nothing changed");
    // "修課紀錄、幹部經歷為每學期匯入": course records go in during the term.
    let r = import(&app, &fx.admin, &receipt, &[("categories", "course_records")]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(imports_count(&app, fx.school.id), 1);
    // Without a current term the next semester cannot be told: refused too.
    let sid = fx.school.id;
    app.write(move |c| Ok(diesel::update(licheng::schema::terms::table.filter(licheng::schema::terms::school_id.eq(sid))).set(licheng::schema::terms::is_current.eq(false)).execute(c)?));
    let p = import(&app, &fx.admin, &receipt, &[("categories", "results")]).await.assert_problem(409, "invalid_state");
    assert!(p["detail"].as_str().unwrap_or("").contains("學年期"), "{p}");
    // In 115-2, the next semester: the learning results and performances of 115-1 go in.
    set_term(&app, fx.school.id, 115, 2);
    let r = import(&app, &fx.admin, &receipt, &[]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = r.json();
    assert_eq!((outcome(&r, "results")["outcome"].as_str(), outcome(&r, "performances")["outcome"].as_str()), (Some("new"), Some("new")), "{r}");
    assert_eq!(outcome(&r, "course_records")["outcome"], "unchanged");
    assert_eq!(imports_count(&app, fx.school.id), 3);
    // The reminders follow the open windows, not the current term: 115-1's receipt, answered in
    // 115-2, is reminded of the day its windows open (the default: from tomorrow's next hour).
    app.state.clock.advance(86_400 + 3_600);
    let now = app.state.clock.now();
    let due = app.write(move |c| licheng::receipts::in_app_reminders(c, sid, now, false));
    assert_eq!(due, 3, "s1–s3 have answered nothing of 115-1");
}

/// Review leftovers: the refusals of queries, bodies and forms not yet covered — each a
/// problem+json with a stable code that changes nothing.
#[actix_web::test]
async fn refusals_of_years_categories_queries_lengths_forms_and_terms() {
    let app = TestApp::init();
    let fx = fixture(&app, "720013").await;
    let (_, good) = generate(&app, &fx.school, &[], 1, Vec::new());
    // 學年度 outside 1–999.
    for year in ["0", "1000", "-5"] {
        for path in ["/api/v1/receipts/differences", "/api/v1/receipts/differences.xlsx"] {
            let p = app.get_as(&format!("{path}?year={year}"), &fx.admin).await.assert_problem(400, "invalid_query");
            assert!(p["errors"]["year"].is_array(), "{year}: {p}");
        }
    }
    // An unknown category in a query.
    for path in ["/api/v1/receipts/reports?category=grades", "/api/v1/receipts/reports.xlsx?category=grades"] {
        let p = app.get_as(path, &fx.admin).await.assert_problem(400, "invalid_query");
        assert!(p["errors"]["category"].is_array(), "{p}");
    }
    // /receipts/students names a student by class and seat, or by id: without them nobody is
    // named, as a seat nobody has (404; the schema cannot say "one of two").
    for path in ["/api/v1/receipts/students", "/api/v1/receipts/students?class=101", "/api/v1/receipts/students?seat=1", "/api/v1/receipts/students?class=%20&seat=1"] {
        app.get_as(path, &fx.admin).await.assert_problem(404, "not_found");
    }
    // A receipt is per semester: semester 0 is refused here as the schema's pattern says.
    app.get_as("/api/v1/receipts/students?term=1150&class=101&seat=1", &fx.admin).await.assert_problem(400, "invalid_query");
    app.get_as("/api/v1/receipts/statistics?term=1150", &fx.admin).await.assert_problem(400, "invalid_query");
    app.get_as("/api/v1/receipts/students?class=101&seat=99", &fx.admin).await.assert_problem(404, "not_found");

    // Remarks and descriptions over 500 characters.
    assert_eq!(import(&app, &fx.admin, &good, &[("windows", &open_windows(&app))]).await.status, 200);
    let t1 = app.token(&fx.school, "s1").await;
    let long = "長".repeat(501);
    let p = app.post_as("/api/v1/receipts/mine/answers", &t1, json!({"category": "course_records", "answer": "wrong", "description": long})).await.assert_problem(422, "validation_failed");
    assert!(p["errors"]["description"].is_array(), "{p}");
    let ok = app.post_as("/api/v1/receipts/mine/answers", &t1, json!({"category": "course_records", "answer": "wrong", "description": "長".repeat(500)})).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let report = ok.json()["categories"][0]["reports"][0]["id"].as_i64().expect("a report");
    let p = app.put_as(&format!("/api/v1/receipts/reports/{report}/remark"), &fx.admin, json!({"remark": long})).await.assert_problem(422, "validation_failed");
    assert!(p["errors"]["remark"].is_array(), "{p}");
    let sid = fx.school.id;
    let remarks: Vec<Option<String>> = app.write(move |c| Ok(rr::table.filter(rr::school_id.eq(sid)).select(rr::remark).load(c)?));
    assert_eq!(remarks, [None], "the long remark was not stored");

    let before = imports_count(&app, fx.school.id);
    // More than 12 form parts.
    let mut fields: Vec<(&str, &str)> = vec![("term", "1151"), ("password", PASSWORD)];
    fields.extend(std::iter::repeat(("x", "1")).take(11));
    let p = app.upload(Method::POST, "/api/v1/receipts/imports", &fx.admin, &fields, &[("file", "r.zip", &good)]).await.assert_problem(400, "multipart_invalid");
    assert!(p["detail"].as_str().unwrap_or("").contains("過多"), "{p}");
    // A form field that is not UTF-8.
    let p = app
        .upload(Method::POST, "/api/v1/receipts/imports", &fx.admin, &[("term", "1151")], &[("password", "p.txt", &[0xff, 0xfe, 0x41]), ("file", "r.zip", &good)])
        .await
        .assert_problem(400, "multipart_invalid");
    assert!(p["detail"].as_str().unwrap_or("").contains("UTF-8"), "{p}");
    // No file, an empty file, no password.
    let p = app.upload(Method::POST, "/api/v1/receipts/imports", &fx.admin, &[("term", "1151"), ("password", PASSWORD)], &[]).await.assert_problem(422, "validation_failed");
    assert!(p["errors"]["file"].is_array(), "{p}");
    app.upload(Method::POST, "/api/v1/receipts/imports", &fx.admin, &[("term", "1151"), ("password", PASSWORD)], &[("file", "r.zip", &[])]).await.assert_problem(422, "validation_failed");
    let p = app.upload(Method::POST, "/api/v1/receipts/imports", &fx.admin, &[("term", "1151")], &[("file", "r.zip", &good)]).await.assert_problem(422, "validation_failed");
    assert!(p["errors"]["password"].is_array(), "{p}");
    // A category the receipt does not have (it has course records only), or no category at all.
    for cats in ["cadre", "course_records,grades"] {
        let p = import(&app, &fx.admin, &good, &[("categories", cats)]).await.assert_problem(422, "validation_failed");
        assert!(p["errors"]["categories"].is_array(), "{cats}: {p}");
    }
    assert_eq!(imports_count(&app, fx.school.id), before, "nothing changed");

    // No current term: the pages that default to it say so.
    app.write(move |c| Ok(diesel::update(licheng::schema::terms::table.filter(licheng::schema::terms::school_id.eq(sid))).set(licheng::schema::terms::is_current.eq(false)).execute(c)?));
    for path in ["/api/v1/receipts/imports", "/api/v1/receipts/reports", "/api/v1/receipts/statistics", "/api/v1/receipts/differences", "/api/v1/receipts/students?class=101&seat=1"] {
        app.get_as(path, &fx.admin).await.assert_problem(409, "invalid_state");
    }
    app.get_as("/api/v1/receipts/mine", &t1).await.assert_problem(409, "invalid_state");
    app.post_as("/api/v1/receipts/mine/answers", &t1, json!({"category": "course_records", "answer": "correct"})).await.assert_problem(409, "invalid_state");
    app.upload(Method::POST, "/api/v1/receipts/imports", &fx.admin, &[("password", PASSWORD)], &[("file", "r.zip", &good)]).await.assert_problem(409, "invalid_state");
    // An asked term still answers.
    assert_eq!(app.get_as("/api/v1/receipts/statistics?term=1151", &fx.admin).await.status, 200);
}

/// Review: the per-category module is checked before the upload is decrypted — an operator without
/// it learns nothing about the archive (not even whether the password is right).
#[actix_web::test]
async fn a_chosen_categorys_module_is_checked_before_the_archive_is_opened() {
    let app = TestApp::init();
    let fx = fixture(&app, "720014").await;
    let (_, good) = generate(&app, &fx.school, &[], 1, Vec::new());
    let clerk = staff_with(&app, &fx.school, "t1", &["S0219S"]).await;
    for cats in ["cadre", "results", "performances"] {
        let r = app.upload(Method::POST, "/api/v1/receipts/imports", &clerk, &[("term", "1151"), ("password", "not-the-password"), ("categories", cats)], &[("file", "r.zip", &good)]).await;
        r.assert_problem(403, "module_required");
        let r = app.upload(Method::POST, "/api/v1/receipts/imports", &clerk, &[("term", "1151"), ("password", PASSWORD), ("categories", cats)], &[("file", "r.zip", b"not a zip")]).await;
        r.assert_problem(403, "module_required");
    }
    assert_eq!(imports_count(&app, fx.school.id), 0);
}
