//! Submission rosters and jobs (issue #19; issue #17 item 5): the roster types with their grade
//! sets, the pre-export check, exports as jobs with their package (workbook, attachments,
//! manifest), history and downloads, permissions per role/module/school, and the faults: a file
//! missing or corrupt, a student changed by sync during the export, two exports at once, a process
//! killed mid-export, a transient failure retried with back-off.
//!
//! The fixture school R1 (term 115-1, then 115-2): day students d1 (grade 1, class 101), d2
//! (grade 2, 201), d3 (grade 3, 301), and a 進修部 student n2 (grade 2, 261). Each has one
//! certified learning result of 115-1 with a pdf (d3 also a video), selected; d1 and d3 one
//! selected performance each; every student a cadre record in semester 1 and in semester 2.

use std::collections::HashMap;
use std::io::Read;

use actix_web::http::Method;
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::support::{bytes, School, TestApp};
use licheng::identity::{Role, UserKind};
use licheng::schema::{
    cadre_records as cr, courses, jobs, learning_results as lr, performances as pf, role_group_members as rgm, role_group_modules as rgmod, role_groups as rg,
    roster_export_items as rei, selections as sel, stored_files as sf, student_profiles as sp, users,
};
use licheng::terms::Term;

const CODE23: &str = "123456789012345678901AB";

struct Fx {
    school: School,
    admin: String,
    /// account → user id.
    ids: HashMap<&'static str, i64>,
    /// account → the learning result's stored document sha256.
    docs: HashMap<&'static str, String>,
}

/// Stores `data` in the file store and records it; returns the stored file id.
fn store(app: &TestApp, school: i64, owner: i64, data: &[u8], kind: &str) -> (i64, String) {
    let sha = bytes::sha256(data);
    let path = licheng::storage::FileStore::new(app.dir.path()).path_of(&sha);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, data).unwrap();
    let now = app.state.clock.now();
    let (kind, sha2, size) = (kind.to_string(), sha.clone(), data.len() as i64);
    let id = app.write(move |c| {
        Ok(diesel::insert_into(sf::table)
            .values((sf::school_id.eq(school), sf::owner_id.eq(owner), sf::sha256.eq(sha2), sf::size.eq(size), sf::kind.eq(kind), sf::original_name.eq("a"), sf::created_at.eq(now)))
            .returning(sf::id)
            .get_result(c)?)
    });
    (id, sha)
}

fn student(app: &TestApp, school: &School, account: &'static str, nid: &str, grade: i32, class: &str, division: &str) -> i64 {
    let id = app.student(school, account, nid);
    let now = app.state.clock.now();
    let (sid, class, division) = (school.id, class.to_string(), division.to_string());
    app.write(move |c| {
        diesel::insert_into(sp::table)
            .values((
                sp::user_id.eq(id),
                sp::school_id.eq(sid),
                sp::birth_date.eq(Some(NaiveDate::from_ymd_opt(2009, 5, 1).unwrap())),
                sp::division.eq(division),
                sp::entry_year.eq(115 - grade + 1),
                sp::grade.eq(grade),
                sp::class_code.eq(Some(class)),
                sp::seat_no.eq(Some(1)),
                sp::status.eq("在學"),
                sp::updated_at.eq(now),
            ))
            .execute(c)?;
        diesel::update(users::table.find(id)).set(users::number.eq(Some(format!("N{account}")))).execute(c)?;
        Ok(())
    });
    id
}

fn result(app: &TestApp, school: i64, student: i64, grade: i32, class: &str, doc: Option<i64>, video: Option<i64>) -> i64 {
    let now = app.state.clock.now();
    let class = class.to_string();
    app.write(move |c| {
        let course: i64 = diesel::insert_into(courses::table)
            .values((
                courses::school_id.eq(school),
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
            .get_result(c)?;
        let id: i64 = diesel::insert_into(lr::table)
            .values((
                lr::school_id.eq(school),
                lr::student_id.eq(student),
                lr::course_id.eq(course),
                lr::academic_year.eq(115),
                lr::semester.eq(1),
                lr::description.eq("=HYPERLINK(\"x\") 我的成果"),
                lr::document_file_id.eq(doc),
                lr::video_file_id.eq(video),
                lr::state.eq("certified"),
                lr::created_at.eq(now),
                lr::updated_at.eq(now),
            ))
            .returning(lr::id)
            .get_result(c)?;
        diesel::insert_into(sel::table)
            .values((sel::school_id.eq(school), sel::student_id.eq(student), sel::academic_year.eq(115), sel::item_kind.eq("result"), sel::item_id.eq(id), sel::selected_at.eq(now)))
            .execute(c)?;
        Ok(id)
    })
}

fn performance(app: &TestApp, school: i64, student: i64, doc: Option<i64>) -> i64 {
    let now = app.state.clock.now();
    app.write(move |c| {
        let id: i64 = diesel::insert_into(pf::table)
            .values((
                pf::school_id.eq(school),
                pf::student_id.eq(student),
                pf::academic_year.eq(115),
                pf::category.eq("competition"),
                pf::title.eq("全國科展"),
                pf::level.eq(Some("全國")),
                pf::award.eq(Some("第一名")),
                pf::start_date.eq(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()),
                pf::description.eq("說明"),
                pf::document_file_id.eq(doc),
                pf::created_at.eq(now),
                pf::updated_at.eq(now),
            ))
            .returning(pf::id)
            .get_result(c)?;
        diesel::insert_into(sel::table)
            .values((sel::school_id.eq(school), sel::student_id.eq(student), sel::academic_year.eq(115), sel::item_kind.eq("performance"), sel::item_id.eq(id), sel::selected_at.eq(now)))
            .execute(c)?;
        Ok(id)
    })
}

fn cadre(app: &TestApp, school: i64, student: i64, semester: i32) {
    let now = app.state.clock.now();
    app.write(move |c| {
        diesel::insert_into(cr::table)
            .values((
                cr::school_id.eq(school),
                cr::student_id.eq(student),
                cr::academic_year.eq(115),
                cr::semester.eq(semester),
                cr::unit.eq("班級"),
                cr::position.eq(if semester == 1 { "班長" } else { "副班長" }),
                cr::level.eq(Some("班級幹部")),
                cr::start_date.eq(NaiveDate::from_ymd_opt(2026, if semester == 1 { 9 } else { 12 }, 1).unwrap()),
                cr::active.eq(true),
                cr::updated_at.eq(now),
            ))
            .execute(c)?;
        Ok(())
    });
}

async fn fixture(app: &TestApp, code: &str) -> Fx {
    let school = app.school(code);
    let mut ids = HashMap::new();
    let mut docs = HashMap::new();
    for (account, nid, grade, class, division) in
        [("d1", "A100000001", 1, "101", "day"), ("d2", "A100000002", 2, "201", "day"), ("d3", "A100000003", 3, "301", "day"), ("n2", "A100000004", 2, "261", "continuing")]
    {
        let id = student(app, &school, account, nid, grade, class, division);
        let (doc, sha) = store(app, school.id, id, &bytes::pdf(3000 + grade as usize * 10 + account.len()), "pdf");
        let video = (account == "d3").then(|| store(app, school.id, id, &bytes::mp4(5000), "mp4").0);
        result(app, school.id, id, grade, class, Some(doc), video);
        if account == "d1" || account == "d3" {
            let (pdoc, _) = store(app, school.id, id, &bytes::png(1200 + grade as usize), "png");
            performance(app, school.id, id, Some(pdoc));
        }
        cadre(app, school.id, id, 1);
        cadre(app, school.id, id, 2);
        ids.insert(account, id);
        docs.insert(account, sha);
    }
    let admin = app.token(&school, "admin").await;
    Fx { school, admin, ids, docs }
}

/// Gives a new staff account a role group granted `module`; returns its token.
async fn staff_with(app: &TestApp, school: &School, account: &str, module: Option<&str>) -> String {
    let user = app.teacher(school, account);
    if let Some(module) = module {
        let now = app.state.clock.now();
        let (sid, module, code) = (school.id, module.to_string(), format!("8{}", account.len() % 10));
        let code = format!("{code}{}", &module[3..6]);
        app.write(move |c| {
            let group: i64 = diesel::insert_into(rg::table)
                .values((rg::school_id.eq(sid), rg::code.eq(code), rg::name.eq("提交"), rg::in_use.eq(true), rg::created_at.eq(now), rg::updated_at.eq(now)))
                .returning(rg::id)
                .get_result(c)?;
            diesel::insert_into(rgmod::table)
                .values((rgmod::group_id.eq(group), rgmod::module_code.eq(module), rgmod::can_create.eq(false), rgmod::can_update.eq(false), rgmod::can_delete.eq(false)))
                .execute(c)?;
            diesel::insert_into(rgm::table).values((rgm::group_id.eq(group), rgm::user_id.eq(user))).execute(c)?;
            Ok(())
        });
    }
    app.token(school, account).await
}

/// Starts an export as `token`; returns the export view.
async fn start(app: &TestApp, token: &str, body: Value) -> Value {
    let r = app.post_as("/api/v1/rosters/exports", token, body).await;
    assert_eq!(r.status, 202, "{}", r.text());
    r.json()
}

async fn run_jobs(app: &TestApp) -> usize {
    licheng::workers::run_jobs(&app.state).await.expect("worker pass")
}

/// The zip's entries by name.
fn unzip(bytes: &[u8]) -> HashMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut out = HashMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        out.insert(f.name().unwrap().to_string(), data);
    }
    out
}

fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    let range = book.worksheet_range(name).unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range.rows().map(|r| r.iter().map(|d| if let Data::Empty = d { String::new() } else { d.to_string() }).collect()).collect()
}

fn is_string_cells(bytes: &[u8], name: &str) -> bool {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    let range = book.worksheet_range(name).unwrap();
    range.rows().flatten().all(|d| matches!(d, Data::String(_) | Data::Empty))
}

/// Exports, runs the job, downloads the package both ways and checks manifest against bytes;
/// returns (the export view after the run, the package's entries).
async fn export_ok(app: &TestApp, token: &str, body: Value) -> (Value, HashMap<String, Vec<u8>>) {
    let view = start(app, token, body).await;
    assert_eq!(view["state"], "queued");
    let job = view["job_id"].as_i64().unwrap();
    assert!(run_jobs(app).await >= 1);
    let j = app.get_as(&format!("/api/v1/jobs/{job}"), token).await;
    assert_eq!(j.status, 200, "{}", j.text());
    let j = j.json();
    assert_eq!(j["state"], "succeeded", "{j}");
    assert_eq!(j["done"], j["total"]);
    let package = app.get_as(&format!("/api/v1/jobs/{job}/result"), token).await;
    assert_eq!(package.status, 200, "{}", package.text());
    assert_eq!(bytes::sha256(&package.body), j["result"]["sha256"].as_str().unwrap(), "the package's SHA-256 is the one kept");
    assert_eq!(package.body.len() as i64, j["result"]["size"].as_i64().unwrap());
    let again = app.get_as(&format!("/api/v1/rosters/exports/{}/download", view["id"]), token).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body, package.body, "the history downloads the same package again");
    let entries = unzip(&package.body);
    let manifest = String::from_utf8(entries["manifest.csv"].clone()).unwrap();
    let mut lines = manifest.lines();
    assert_eq!(lines.next(), Some("path,sha256,size"));
    let mut n = 0;
    for line in lines {
        let parts: Vec<&str> = line.split(',').collect();
        let data = entries.get(parts[0]).unwrap_or_else(|| panic!("manifest names {} which is not in the package", parts[0]));
        assert_eq!(bytes::sha256(data), parts[1], "{}", parts[0]);
        assert_eq!(data.len().to_string(), parts[2]);
        n += 1;
    }
    assert_eq!(n + 1, entries.len(), "every entry but the manifest is in the manifest");
    let history = app.get_as("/api/v1/rosters/exports", token).await.json();
    let done = history.as_array().unwrap().iter().find(|e| e["id"] == view["id"]).unwrap().clone();
    assert_eq!(done["sha256"], j["result"]["sha256"]);
    (done, entries)
}

fn workbook(entries: &HashMap<String, Vec<u8>>) -> Vec<u8> {
    entries.iter().find(|(k, _)| k.ends_with(".xlsx")).map(|(_, v)| v.clone()).expect("a workbook")
}

fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let i = rows[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    rows[1..].iter().map(|r| r[i].clone()).collect()
}

#[actix_web::test]
async fn every_roster_type_exports_its_students_and_items() {
    let app = TestApp::init();
    let fx = fixture(&app, "700001").await;

    let table = app.get_as("/api/v1/rosters", &fx.admin).await;
    assert_eq!(table.status, 200, "{}", table.text());
    let table = table.json();
    assert_eq!(table["upload_url"], "https://ep.cloud.ncnu.edu.tw/");
    let lines: Vec<String> = table["lines"].as_array().unwrap().iter().map(|l| format!("{} {}", l["roster"].as_str().unwrap(), l["grades"].as_str().unwrap())).collect();
    // Manual 7.1/7.2 in semester 1: "24	一、二、三	匯出	第一學期提交用"; 34 is for semester 2 only.
    assert_eq!(lines, ["26 1-3", "26 1-2", "28 1-3", "28 1-2", "36 3", "38 3", "25 1-3", "25 1-2", "35 3", "24 1-3"]);

    // 26, grades 1–3: the day students' results, never the 進修部 student's.
    let (done, entries) = export_ok(&app, &fx.admin, json!({"roster": "26", "grades": "1-3"})).await;
    assert_eq!((done["students"].as_i64(), done["items"].as_i64(), done["files"].as_i64()), (Some(3), Some(3), Some(4)));
    let name = done["file_name"].as_str().unwrap();
    assert!(name.starts_with("700001_115_1_26_") && name.len() == "700001_115_1_26_20261206_11_04_05".len(), "{name}");
    let book = workbook(&entries);
    let cover = sheet(&book, "封面");
    let facts: HashMap<String, String> = cover.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    assert_eq!(facts["學校代碼"], "700001");
    assert_eq!(facts["學年度"], "115");
    assert_eq!(facts["學期"], "1");
    assert_eq!(facts["名冊別"], "26");
    assert_eq!(facts["匯出年級"], "1-3");
    assert_eq!(facts["部別"], "日間部");
    assert_eq!((facts["學生數"].as_str(), facts["項目數"].as_str(), facts["附件數"].as_str()), ("3", "3", "4"));
    assert!(facts["匯出時間"].starts_with("115/") || facts["匯出時間"].starts_with("116/"), "{:?}", facts["匯出時間"]);
    assert_eq!(facts["匯出者"], "校管理者");
    let rows = sheet(&book, "學習成果");
    assert_eq!(column(&rows, "身分證統一編號"), ["A100000001", "A100000002", "A100000003"]);
    assert_eq!(column(&rows, "出生日期"), ["0980501"; 3]);
    assert_eq!(column(&rows, "課程代碼"), [CODE23; 3]);
    assert_eq!(column(&rows, "成果簡述")[0], "=HYPERLINK(\"x\") 我的成果", "a formula-looking text stays text");
    assert!(is_string_cells(&book, "學習成果"), "every cell is a string (no formula injection)");
    // A row points to its files, and the files are the stored bytes.
    let files = column(&rows, "文件檔名");
    let shas = column(&rows, "文件SHA-256");
    for (f, s) in files.iter().zip(&shas) {
        assert_eq!(&bytes::sha256(&entries[f]), s);
    }
    assert_eq!(shas[0], fx.docs["d1"]);
    assert!(column(&rows, "影音檔名")[2].ends_with("_video.mp4"));
    // What the export contained is recorded.
    let export_id = done["id"].as_i64().unwrap();
    let recorded: Vec<(String, String, Option<String>)> =
        app.write(move |c| Ok(rei::table.filter(rei::export_id.eq(export_id)).order(rei::id).select((rei::national_id, rei::item_kind, rei::document_sha256)).load(c)?));
    assert_eq!(recorded.len(), 3);
    // The export is sealed into the history chain, with the package's SHA-256 (issue #26).
    let sealed = crate::history::sealed_events(&app, "roster_exported");
    assert!(sealed.last().is_some_and(|d| d.contains(&format!("\"export\":{export_id}")) && d.contains("package_sha256")), "{sealed:?}");
    // Kept encrypted (issue #26).
    assert!(recorded.iter().all(|r| r.0.starts_with(licheng::national_id::PREFIX)), "{recorded:?}");
    let recorded: Vec<_> = recorded.into_iter().map(|(n, k, d)| (licheng::national_id::reveal(Some(&n)).unwrap_or_default(), k, d)).collect();
    assert_eq!(recorded[1], ("A100000002".to_string(), "result".to_string(), Some(fx.docs["d2"].clone())));

    // 28: only the 進修部 student.
    let (done, entries) = export_ok(&app, &fx.admin, json!({"roster": "28"})).await;
    assert_eq!(done["grades"], "1-3");
    assert_eq!(column(&sheet(&workbook(&entries), "學習成果"), "身分證統一編號"), ["A100000004"]);
    assert_eq!(sheet(&workbook(&entries), "封面")[7][1], "進修部");
    // 36: grade 3 only; 26 with 1–2 leaves grade 3 out.
    let (_, entries) = export_ok(&app, &fx.admin, json!({"roster": "36"})).await;
    assert_eq!(column(&sheet(&workbook(&entries), "學習成果"), "身分證統一編號"), ["A100000003"]);
    let (_, entries) = export_ok(&app, &fx.admin, json!({"roster": "26", "grades": "1-2"})).await;
    assert_eq!(column(&sheet(&workbook(&entries), "學習成果"), "身分證統一編號"), ["A100000001", "A100000002"]);
    // 25: performances with their category's fields.
    let (_, entries) = export_ok(&app, &fx.admin, json!({"roster": "25", "grades": "1-3"})).await;
    let rows = sheet(&workbook(&entries), "多元表現");
    assert_eq!(column(&rows, "身分證統一編號"), ["A100000001", "A100000003"]);
    assert_eq!(column(&rows, "類別")[0], "競賽參與紀錄");
    assert_eq!(column(&rows, "等級")[0], "全國");
    assert_eq!(column(&rows, "開始日期")[0], "1151001");
    let (_, entries) = export_ok(&app, &fx.admin, json!({"roster": "35"})).await;
    assert_eq!(column(&sheet(&workbook(&entries), "多元表現"), "身分證統一編號"), ["A100000003"]);
    // 24 in semester 1: every grade's semester-1 cadre records, no selection needed (FAQ 000 四 Q5).
    let (done, entries) = export_ok(&app, &fx.admin, json!({"roster": "24"})).await;
    assert_eq!(done["files"], 0);
    let rows = sheet(&workbook(&entries), "幹部經歷");
    assert_eq!(column(&rows, "身分證統一編號"), ["A100000001", "A100000002", "A100000003"]);
    assert_eq!(column(&rows, "職務名稱"), ["班長"; 3]);
    // 進修部 cadre records go in their own roster.
    let (_, entries) = export_ok(&app, &fx.admin, json!({"roster": "24", "division": "continuing"})).await;
    assert_eq!(column(&sheet(&workbook(&entries), "幹部經歷"), "身分證統一編號"), ["A100000004"]);

    // Semester 2: 24 is grades 1–2, 34 grade 3, with the semester-2 records.
    let (sid, now) = (fx.school.id, app.state.clock.now());
    app.write(move |c| licheng::terms::set_current(c, sid, Term { academic_year: 115, semester: 2 }, now));
    let table = app.get_as("/api/v1/rosters", &fx.admin).await.json();
    let cadre_lines: Vec<String> = table["lines"].as_array().unwrap().iter().filter(|l| l["kind"] == "cadre").map(|l| format!("{} {}", l["roster"].as_str().unwrap(), l["grades"].as_str().unwrap())).collect();
    assert_eq!(cadre_lines, ["24 1-2", "34 3"]);
    let (_, entries) = export_ok(&app, &fx.admin, json!({"roster": "24"})).await;
    let rows = sheet(&workbook(&entries), "幹部經歷");
    assert_eq!(column(&rows, "身分證統一編號"), ["A100000001", "A100000002"]);
    assert_eq!(column(&rows, "職務名稱"), ["副班長"; 2]);
    let (_, entries) = export_ok(&app, &fx.admin, json!({"roster": "34"})).await;
    assert_eq!(column(&sheet(&workbook(&entries), "幹部經歷"), "身分證統一編號"), ["A100000003"]);
    // The last export is shown per line (最後一次匯出).
    let table = app.get_as("/api/v1/rosters", &fx.admin).await.json();
    let line34 = table["lines"].as_array().unwrap().iter().find(|l| l["roster"] == "34").unwrap().clone();
    assert_eq!(line34["last_export"]["state"], "succeeded");
    assert_eq!(line34["last_export"]["students"], 1);
    // Bad combinations are 400 naming the field.
    app.post_as("/api/v1/rosters/exports", &fx.admin, json!({"roster": "34", "grades": "1-2"})).await.assert_problem(400, "invalid_query");
    app.post_as("/api/v1/rosters/exports", &fx.admin, json!({"roster": "99"})).await.assert_problem(400, "invalid_query");
    app.post_as("/api/v1/rosters/exports", &fx.admin, json!({"roster": "26", "division": "continuing"})).await.assert_problem(400, "invalid_query");
}

#[actix_web::test]
async fn the_check_lists_every_problem_and_the_export_refuses() {
    let app = TestApp::init();
    let fx = fixture(&app, "700002").await;
    let ok = app.get_as("/api/v1/rosters/check?roster=26&grades=1-3", &fx.admin).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["issues"], json!([]));
    assert_eq!(ok.json()["items"], 3);

    let (d1, d2, d3) = (fx.ids["d1"], fx.ids["d2"], fx.ids["d3"]);
    let dir = app.dir.path().to_path_buf();
    let (doc1, doc3) = (fx.docs["d1"].clone(), fx.docs["d3"].clone());
    app.write(move |c| {
        diesel::update(users::table.find(d1)).set(users::national_id.eq(None::<String>)).execute(c)?;
        diesel::update(sp::table.find(d2)).set(sp::birth_date.eq(None::<NaiveDate>)).execute(c)?;
        diesel::update(sp::table.find(d3)).set(sp::status.eq("轉出")).execute(c)?;
        let course: i64 = lr::table.filter(lr::student_id.eq(d2)).select(lr::course_id).first(c)?;
        diesel::update(courses::table.find(course)).set(courses::course_code.eq("12345")).execute(c)?;
        Ok(())
    });
    let fs = licheng::storage::FileStore::new(&dir);
    std::fs::remove_file(fs.path_of(&doc1)).unwrap();
    std::fs::write(fs.path_of(&doc3), b"%PDF-1.7 tampered").unwrap();

    let r = app.get_as("/api/v1/rosters/check?roster=26&grades=1-3", &fx.admin).await.json();
    let mut reasons: Vec<String> = r["issues"].as_array().unwrap().iter().map(|i| format!("{} {}", i["account"].as_str().unwrap(), i["reason"].as_str().unwrap())).collect();
    reasons.sort();
    assert_eq!(reasons, ["d1 file_missing", "d1 missing_national_id", "d2 course_code_invalid", "d2 missing_birth_date", "d3 file_corrupt", "d3 student_left"]);
    assert_eq!(r["issues"][0]["message"].as_str().map(|m| !m.is_empty()), Some(true));
    let en = app.send(actix_web::test::TestRequest::get().uri("/api/v1/rosters/check?roster=26").insert_header(("Authorization", format!("Bearer {}", fx.admin))).insert_header(("Accept-Language", "en"))).await.json();
    assert!(en["issues"].as_array().unwrap().iter().any(|i| i["message"] == "the student has no national ID"));

    let refused = app.post_as("/api/v1/rosters/exports", &fx.admin, json!({"roster": "26"})).await;
    let body = refused.assert_problem(409, "invalid_state");
    // Asking for an export does not hash every file again (the job does, while copying): the
    // corrupt file is not among the five, the missing one is.
    assert!(body["detail"].as_str().unwrap().contains('5'), "{body}");
    assert_eq!(app.get_as("/api/v1/rosters/exports", &fx.admin).await.json(), json!([]), "nothing was exported");
}

#[actix_web::test]
async fn a_file_corrupted_during_the_export_fails_the_job_cleanly() {
    let app = TestApp::init();
    let fx = fixture(&app, "700003").await;
    let view = start(&app, &fx.admin, json!({"roster": "26"})).await;
    let fs = licheng::storage::FileStore::new(app.dir.path());
    std::fs::write(fs.path_of(&fx.docs["d2"]), b"%PDF-1.7 bit rot").unwrap();
    run_jobs(&app).await;
    let job = view["job_id"].as_i64().unwrap();
    let j = app.get_as(&format!("/api/v1/jobs/{job}"), &fx.admin).await.json();
    assert_eq!(j["state"], "failed", "{j}");
    assert!(j["error"].as_str().unwrap().contains(&fx.docs["d2"]), "the error names the file: {j}");
    assert_eq!(j["result"], Value::Null);
    app.get_as(&format!("/api/v1/jobs/{job}/result"), &fx.admin).await.assert_problem(409, "invalid_state");
    app.get_as(&format!("/api/v1/rosters/exports/{}/download", view["id"]), &fx.admin).await.assert_problem(409, "invalid_state");
    let left: Vec<_> = std::fs::read_dir(app.dir.path().join("jobs").join(job.to_string())).unwrap().flatten().filter(|e| e.path().extension().is_some_and(|x| x == "zip")).collect();
    assert!(left.is_empty(), "no finished-looking package is left behind");
    // Not retried: a corrupt file does not heal.
    app.state.clock.advance(600);
    assert_eq!(run_jobs(&app).await, 0);
    // And a file gone after the check likewise (d2's pdf restored for the check, then removed).
    std::fs::write(fs.path_of(&fx.docs["d2"]), bytes::pdf(3022)).unwrap();
    let view = start(&app, &fx.admin, json!({"roster": "26"})).await;
    std::fs::remove_file(fs.path_of(&fx.docs["d2"])).unwrap();
    run_jobs(&app).await;
    let j = app.get_as(&format!("/api/v1/jobs/{}", view["job_id"]), &fx.admin).await.json();
    assert_eq!(j["state"], "failed");
    assert!(j["error"].as_str().unwrap().contains("missing"), "{j}");
}

#[actix_web::test]
async fn a_student_changed_by_sync_before_the_export_runs_stops_it_with_the_reason() {
    let app = TestApp::init();
    let fx = fixture(&app, "700004").await;
    let view = start(&app, &fx.admin, json!({"roster": "24"})).await;
    let d2 = fx.ids["d2"];
    app.write(move |c| Ok(diesel::update(users::table.find(d2)).set(users::national_id.eq(None::<String>)).execute(c)?));
    run_jobs(&app).await;
    let j = app.get_as(&format!("/api/v1/jobs/{}", view["job_id"]), &fx.admin).await.json();
    assert_eq!(j["state"], "failed", "{j}");
    assert!(j["error"].as_str().unwrap().contains("d2"), "{j}");
    // Mended, it exports; the recorded contents are the package's snapshot.
    app.write(move |c| Ok(diesel::update(users::table.find(d2)).set(users::national_id.eq(Some("A100000002"))).execute(c)?));
    let (done, entries) = export_ok(&app, &fx.admin, json!({"roster": "24"})).await;
    let export_id = done["id"].as_i64().unwrap();
    app.write(move |c| Ok(diesel::update(users::table.find(d2)).set(users::national_id.eq(Some("B200000002"))).execute(c)?));
    let recorded: Vec<String> = app.write(move |c| Ok(rei::table.filter(rei::export_id.eq(export_id)).order(rei::id).select(rei::national_id).load(c)?));
    let recorded: Vec<String> = recorded.iter().map(|n| licheng::national_id::reveal(Some(n)).unwrap_or_default()).collect();
    assert_eq!(recorded, column(&sheet(&workbook(&entries), "幹部經歷"), "身分證統一編號"));
}

#[actix_web::test]
async fn two_exports_of_one_roster_at_once_are_refused() {
    let app = TestApp::init();
    let fx = fixture(&app, "700005").await;
    start(&app, &fx.admin, json!({"roster": "26"})).await;
    app.post_as("/api/v1/rosters/exports", &fx.admin, json!({"roster": "26", "grades": "1-2"})).await.assert_problem(409, "conflict");
    // Another roster may run beside it.
    start(&app, &fx.admin, json!({"roster": "25"})).await;
    assert_eq!(run_jobs(&app).await, 2);
    // Once finished, the roster can be exported again.
    start(&app, &fx.admin, json!({"roster": "26"})).await;
    // Several requests at once: exactly one wins.
    let tokens = [fx.admin.clone(), fx.admin.clone(), fx.admin.clone()];
    let replies = futures_util::future::join_all(tokens.iter().map(|t| app.post_as("/api/v1/rosters/exports", t, json!({"roster": "36"})))).await;
    assert_eq!(replies.iter().filter(|r| r.status == 202).count(), 1);
    assert!(replies.iter().filter(|r| r.status != 202).all(|r| r.status == 409));
}

#[actix_web::test]
async fn a_job_whose_process_died_is_taken_over_after_its_lease() {
    let app = TestApp::init();
    let fx = fixture(&app, "700006").await;
    let view = start(&app, &fx.admin, json!({"roster": "26"})).await;
    let job = view["job_id"].as_i64().unwrap();
    // A process claimed it, wrote half a package and was killed.
    let now = app.state.clock.now();
    app.write(move |c| {
        Ok(diesel::update(jobs::table.find(job))
            .set((jobs::state.eq("running"), jobs::attempts.eq(1), jobs::claim_token.eq(Some("dead")), jobs::claimed_until.eq(Some(now + chrono::Duration::seconds(120))), jobs::done.eq(1), jobs::total.eq(5)))
            .execute(c)?)
    });
    let dir = app.dir.path().join("jobs").join(job.to_string());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{}.zip.part", view["file_name"].as_str().unwrap())), b"PK half").unwrap();
    // While the lease lasts nobody takes it, and nothing is offered for download.
    assert_eq!(run_jobs(&app).await, 0);
    let j = app.get_as(&format!("/api/v1/jobs/{job}"), &fx.admin).await.json();
    assert_eq!((j["state"].as_str(), j["done"].as_i64(), j["total"].as_i64()), (Some("running"), Some(1), Some(5)));
    app.get_as(&format!("/api/v1/jobs/{job}/result"), &fx.admin).await.assert_problem(409, "invalid_state");
    // After it, the job runs again from the start and succeeds.
    app.state.clock.advance(121);
    assert_eq!(run_jobs(&app).await, 1);
    let j = app.get_as(&format!("/api/v1/jobs/{job}"), &fx.admin).await.json();
    assert_eq!(j["state"], "succeeded", "{j}");
    assert_eq!(j["attempts"], 2);
    let package = app.get_as(&format!("/api/v1/jobs/{job}/result"), &fx.admin).await;
    assert_eq!(bytes::sha256(&package.body), j["result"]["sha256"].as_str().unwrap());
    assert_eq!(unzip(&package.body).len(), 1 + 4 + 1, "workbook, four files, manifest");
    // The stale instance cannot overwrite the outcome.
    app.write(move |c| Ok(diesel::update(jobs::table.find(job).filter(jobs::claim_token.eq("dead"))).set(jobs::state.eq("failed")).execute(c)?));
    assert_eq!(app.get_as(&format!("/api/v1/jobs/{job}"), &fx.admin).await.json()["state"], "succeeded");
}

#[actix_web::test]
async fn a_transient_failure_is_retried_with_back_off() {
    let app = TestApp::init();
    let fx = fixture(&app, "700007").await;
    // The jobs directory cannot be created: an I/O failure that may pass.
    std::fs::write(app.dir.path().join("jobs"), b"in the way").unwrap();
    let view = start(&app, &fx.admin, json!({"roster": "24"})).await;
    let job = view["job_id"].as_i64().unwrap();
    assert_eq!(run_jobs(&app).await, 1);
    let j = app.get_as(&format!("/api/v1/jobs/{job}"), &fx.admin).await.json();
    assert_eq!(j["state"], "queued", "{j}");
    assert!(j["error"].as_str().unwrap().contains("I/O"), "{j}");
    // Not before its back-off.
    assert_eq!(run_jobs(&app).await, 0);
    std::fs::remove_file(app.dir.path().join("jobs")).unwrap();
    app.state.clock.advance(31);
    assert_eq!(run_jobs(&app).await, 1);
    let j = app.get_as(&format!("/api/v1/jobs/{job}"), &fx.admin).await.json();
    assert_eq!(j["state"], "succeeded", "{j}");
    assert_eq!(j["attempts"], 2);
    // A worker without code for a kind (`jobs` knows no kinds; the app hands it their code)
    // leaves its jobs queued for one that has it; the database refuses an unknown kind.
    let again = start(&app, &fx.admin, json!({"roster": "24"})).await["job_id"].as_i64().unwrap();
    assert_eq!(licheng::jobs::run_once(&app.state, &[]).await.expect("a pass"), 0);
    assert_eq!(app.get_as(&format!("/api/v1/jobs/{again}"), &fx.admin).await.json()["state"], "queued");
    assert_eq!(run_jobs(&app).await, 1);
    assert_eq!(app.get_as(&format!("/api/v1/jobs/{again}"), &fx.admin).await.json()["state"], "succeeded");
    let (sid, owner, now) = (fx.school.id, fx.school.admin_id, app.state.clock.now());
    let odd = app.state.db.write_blocking(move |c| {
        Ok(diesel::insert_into(jobs::table)
            .values((
                jobs::school_id.eq(sid),
                jobs::owner_id.eq(owner),
                jobs::kind.eq("no_such_kind"),
                jobs::params.eq("{}"),
                jobs::state.eq("queued"),
                jobs::next_attempt_at.eq(now),
                jobs::created_at.eq(now),
                jobs::updated_at.eq(now),
            ))
            .execute(c)?)
    });
    assert!(odd.is_err(), "a job of an unknown kind was stored");
}

#[actix_web::test]
async fn rosters_are_for_their_module_or_the_admin_and_jobs_for_their_owner() {
    let app = TestApp::init();
    let fx = fixture(&app, "700008").await;
    let results = staff_with(&app, &fx.school, "m207", Some("S0207S")).await;
    let perf = staff_with(&app, &fx.school, "m208", Some("S0208S")).await;
    let cadre = staff_with(&app, &fx.school, "m218", Some("S0218S")).await;
    let teacher = staff_with(&app, &fx.school, "t1", None).await;
    let student = app.token(&fx.school, "d1").await;

    let kinds = |v: Value| -> Vec<String> {
        let mut k: Vec<String> = v["lines"].as_array().unwrap().iter().map(|l| l["kind"].as_str().unwrap().to_string()).collect();
        k.dedup();
        k
    };
    assert_eq!(kinds(app.get_as("/api/v1/rosters", &results).await.json()), ["results"]);
    assert_eq!(kinds(app.get_as("/api/v1/rosters", &perf).await.json()), ["performances"]);
    assert_eq!(kinds(app.get_as("/api/v1/rosters", &cadre).await.json()), ["cadre"]);
    for (token, allowed) in [(&results, ["26", "28", "36", "38"].as_slice()), (&perf, &["25", "35"]), (&cadre, &["24"])] {
        for roster in ["26", "28", "36", "38", "25", "35", "24"] {
            let r = app.get_as(&format!("/api/v1/rosters/check?roster={roster}"), token).await;
            if allowed.contains(&roster) {
                assert_eq!(r.status, 200, "{roster}: {}", r.text());
            } else {
                r.assert_problem(403, "module_required");
                app.post_as("/api/v1/rosters/exports", token, json!({"roster": roster})).await.assert_problem(403, "module_required");
            }
        }
    }
    for token in [&teacher, &student] {
        app.get_as("/api/v1/rosters", token).await.assert_problem(403, "module_required");
        app.get_as("/api/v1/rosters/check?roster=26", token).await.assert_problem(403, "module_required");
        app.get_as("/api/v1/rosters/exports", token).await.assert_problem(403, "module_required");
        app.post_as("/api/v1/rosters/exports", token, json!({"roster": "26"})).await.assert_problem(403, "module_required");
    }
    app.get("/api/v1/rosters").await.assert_problem(401, "unauthenticated");

    // The module holder exports; the admin sees the job too; another holder of the same module
    // sees the export in the history but not the job; the other modules see neither.
    let view = start(&app, &results, json!({"roster": "26"})).await;
    run_jobs(&app).await;
    let (job, export) = (view["job_id"].as_i64().unwrap(), view["id"].as_i64().unwrap());
    assert_eq!(app.get_as(&format!("/api/v1/jobs/{job}"), &results).await.status, 200);
    assert_eq!(app.get_as(&format!("/api/v1/jobs/{job}"), &fx.admin).await.status, 200);
    let results2 = staff_with(&app, &fx.school, "m207b", Some("S0207S")).await;
    app.get_as(&format!("/api/v1/jobs/{job}"), &results2).await.assert_problem(404, "not_found");
    app.get_as(&format!("/api/v1/jobs/{job}/result"), &results2).await.assert_problem(404, "not_found");
    assert_eq!(app.get_as(&format!("/api/v1/rosters/exports/{export}/download"), &results2).await.status, 200);
    app.get_as(&format!("/api/v1/rosters/exports/{export}/download"), &perf).await.assert_problem(403, "module_required");
    assert_eq!(app.get_as("/api/v1/rosters/exports", &perf).await.json(), json!([]));
    app.get_as(&format!("/api/v1/jobs/{job}"), &student).await.assert_problem(404, "not_found");

    // Another school sees nothing of it.
    let other = app.school("700009");
    let other_admin = app.token(&other, "admin").await;
    app.get_as(&format!("/api/v1/jobs/{job}"), &other_admin).await.assert_problem(404, "not_found");
    app.get_as(&format!("/api/v1/jobs/{job}/result"), &other_admin).await.assert_problem(404, "not_found");
    app.get_as(&format!("/api/v1/rosters/exports/{export}/download"), &other_admin).await.assert_problem(404, "not_found");
    assert_eq!(app.get_as("/api/v1/rosters/exports", &other_admin).await.json(), json!([]));
    // The other school's export check sees only its own (no) students.
    assert_eq!(app.get_as("/api/v1/rosters/check?roster=26", &other_admin).await.json()["items"], 0);
    // The platform operator belongs to no school.
    let op = app.operator().await;
    assert_eq!(app.get_as(&format!("/api/v1/jobs/{job}"), &op).await.status, 403);
    let _ = (Method::GET, UserKind::Staff, Role::Student);
}
