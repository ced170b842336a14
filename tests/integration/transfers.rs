//! Transfer export and import (issue #21; manual 6.1, 6.2; FAQ 000 五 Q1–Q3): school A exports
//! students as an AES-256 zip with a password and MD5, school B imports it; items, files and
//! history arrive byte for byte, a second import changes nothing, every refusal imports nothing,
//! and only the school admin or the modules' role groups of the right school may do any of it.
//!
//! Fixture: school A (710001) with s1 (a learning result in every state — editing, submitted,
//! certified after a rejection, rejected — and performances of three categories), s2 (one certified
//! result, one performance), s3 (no counterpart in B), each with a cadre record; teacher ta decides.
//! School B (710002) has b1 and b2 with s1's and s2's national IDs.

use std::collections::HashMap;
use std::io::{Read, Write};

use actix_web::http::Method;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::support::{bytes, School, TestApp};
use licheng::schema::{
    cadre_records as cr, courses, learning_result_events as ev, learning_results as lr, performances as pf, role_group_members as rgm, role_group_modules as rgmod, role_groups as rg,
    stored_files as sf, student_profiles as sp, transfer_imports as ti, transfer_items as tx, users,
};

const CODE23: &str = "115710001H11101C1010001";

struct Fx {
    a: School,
    b: School,
    a_admin: String,
    b_admin: String,
    /// account → user id (both schools).
    ids: HashMap<&'static str, i64>,
    /// sha256 → the bytes stored in A.
    blobs: HashMap<String, Vec<u8>>,
}

fn store(app: &TestApp, school: i64, owner: i64, data: &[u8], kind: &str, name: &str) -> i64 {
    let sha = bytes::sha256(data);
    let path = licheng::storage::FileStore::new(app.dir.path()).path_of(&sha);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, data).unwrap();
    let now = app.state.clock.now();
    let (kind, size, name) = (kind.to_string(), data.len() as i64, name.to_string());
    app.write(move |c| {
        Ok(diesel::insert_into(sf::table)
            .values((sf::school_id.eq(school), sf::owner_id.eq(owner), sf::sha256.eq(sha), sf::size.eq(size), sf::kind.eq(kind), sf::original_name.eq(name), sf::created_at.eq(now)))
            .returning(sf::id)
            .get_result(c)?)
    })
}

fn student(app: &TestApp, school: &School, account: &'static str, nid: &str, number: &str) -> i64 {
    let id = app.student(school, account, nid);
    let now = app.state.clock.now();
    let (sid, number) = (school.id, number.to_string());
    app.write(move |c| {
        diesel::insert_into(sp::table)
            .values((
                sp::user_id.eq(id),
                sp::school_id.eq(sid),
                sp::birth_date.eq(Some(NaiveDate::from_ymd_opt(2009, 9, 23).unwrap())),
                sp::division.eq("day"),
                sp::entry_year.eq(114),
                sp::grade.eq(2),
                sp::class_code.eq(Some("201")),
                sp::seat_no.eq(Some(7)),
                sp::status.eq("在學"),
                sp::updated_at.eq(now),
            ))
            .execute(c)?;
        diesel::update(users::table.find(id)).set(users::number.eq(Some(number))).execute(c)?;
        Ok(())
    });
    id
}

fn course(app: &TestApp, school: i64, code: &str, subject: &str) -> i64 {
    let now = app.state.clock.now();
    let (code, subject) = (code.to_string(), subject.to_string());
    app.write(move |c| {
        Ok(diesel::insert_into(courses::table)
            .values((
                courses::school_id.eq(school),
                courses::academic_year.eq(115),
                courses::semester.eq(1),
                courses::course_code.eq(code),
                courses::class_code.eq("201"),
                courses::subject_name.eq(subject),
                courses::grade.eq(2),
                courses::credits.eq(4),
                courses::mixed_class.eq(false),
                courses::active.eq(true),
                courses::updated_at.eq(now),
            ))
            .returning(courses::id)
            .get_result(c)?)
    })
}

/// A learning result in `state` with the events that led there (`ta` decides).
#[allow(clippy::too_many_arguments)]
fn result(app: &TestApp, school: i64, student: i64, course: i64, state: &'static str, teacher: i64, doc: Option<i64>, video: Option<i64>) -> i64 {
    let now = app.state.clock.now();
    app.write(move |c| {
        let id: i64 = diesel::insert_into(lr::table)
            .values((
                lr::school_id.eq(school),
                lr::student_id.eq(student),
                lr::course_id.eq(course),
                lr::academic_year.eq(115),
                lr::semester.eq(1),
                lr::description.eq(format!("{state} 的成果")),
                lr::document_file_id.eq(doc),
                lr::video_file_id.eq(video),
                lr::state.eq(state),
                lr::reject_reason.eq((state == "rejected").then_some("檔案不清楚")),
                lr::created_at.eq(now),
                lr::updated_at.eq(now),
                lr::submitted_at.eq((state != "editing").then_some(now)),
                lr::decided_at.eq(matches!(state, "certified" | "rejected").then_some(now)),
                lr::decided_by.eq(matches!(state, "certified" | "rejected").then_some(teacher)),
            ))
            .returning(lr::id)
            .get_result(c)?;
        let mut events: Vec<(&str, &str, i64, Option<&str>)> = vec![("created", "editing", student, None)];
        if state != "editing" {
            events.push(("submitted", "submitted", student, None));
        }
        if state == "certified" {
            events.push(("rejected", "rejected", teacher, Some("請補上心得")));
            events.push(("submitted", "submitted", student, None));
            events.push(("certified", "certified", teacher, None));
        }
        if state == "rejected" {
            events.push(("rejected", "rejected", teacher, Some("檔案不清楚")));
        }
        for (i, (action, st, actor, reason)) in events.into_iter().enumerate() {
            diesel::insert_into(ev::table)
                .values((ev::result_id.eq(id), ev::action.eq(action), ev::state.eq(st), ev::actor_id.eq(Some(actor)), ev::reason.eq(reason), ev::at.eq(now + chrono::Duration::minutes(i as i64))))
                .execute(c)?;
        }
        Ok(id)
    })
}

fn performance(app: &TestApp, school: i64, student: i64, category: &'static str, title: &'static str, doc: Option<i64>) -> i64 {
    let now = app.state.clock.now();
    app.write(move |c| {
        Ok(diesel::insert_into(pf::table)
            .values((
                pf::school_id.eq(school),
                pf::student_id.eq(student),
                pf::academic_year.eq(115),
                pf::category.eq(category),
                pf::title.eq(title),
                pf::organisation.eq(Some("教育部")),
                pf::level.eq(Some("全國")),
                pf::award.eq((category == "competition").then_some("第一名")),
                pf::hours.eq((category == "service_learning").then_some(12.5)),
                pf::start_date.eq(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()),
                pf::end_date.eq(Some(NaiveDate::from_ymd_opt(2026, 10, 3).unwrap())),
                pf::description.eq("說明"),
                pf::document_file_id.eq(doc),
                pf::created_at.eq(now),
                pf::updated_at.eq(now),
            ))
            .returning(pf::id)
            .get_result(c)?)
    })
}

fn cadre(app: &TestApp, school: i64, student: i64) {
    let now = app.state.clock.now();
    app.write(move |c| {
        diesel::insert_into(cr::table)
            .values((
                cr::school_id.eq(school),
                cr::student_id.eq(student),
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
}

async fn fixture(app: &TestApp) -> Fx {
    let a = app.school("710001");
    let b = app.school("710002");
    let mut ids = HashMap::new();
    let mut blobs = HashMap::new();
    let ta = app.teacher(&a, "ta");
    ids.insert("ta", ta);
    let chinese = course(app, a.id, CODE23, "國語文");
    for (account, nid, number) in [("s1", "F131151101", "71001"), ("s2", "J122207715", "71002"), ("s3", "N222233636", "71003")] {
        let id = student(app, &a, account, nid, number);
        ids.insert(account, id);
        cadre(app, a.id, id);
    }
    let mut file = |owner: i64, data: Vec<u8>, kind: &str, name: &str| {
        let id = store(app, a.id, owner, &data, kind, name);
        blobs.insert(bytes::sha256(&data), data);
        id
    };
    let s1 = ids["s1"];
    for (i, state) in ["editing", "submitted", "certified", "rejected"].into_iter().enumerate() {
        let doc = file(s1, bytes::pdf(2000 + i), "pdf", &format!("成果{i}.pdf"));
        let video = (state == "certified").then(|| file(s1, bytes::mp4(4000), "mp4", "影片.mp4"));
        result(app, a.id, s1, chinese, state, ta, Some(doc), video);
    }
    // s1 selected the certified result (勾選) at A.
    let now = app.state.clock.now();
    let (aid, sid) = (a.id, s1);
    app.write(move |c| {
        let certified: i64 = lr::table.filter(lr::student_id.eq(sid)).filter(lr::state.eq("certified")).select(lr::id).first(c)?;
        diesel::insert_into(licheng::schema::selections::table)
            .values((
                licheng::schema::selections::school_id.eq(aid),
                licheng::schema::selections::student_id.eq(sid),
                licheng::schema::selections::academic_year.eq(115),
                licheng::schema::selections::item_kind.eq("result"),
                licheng::schema::selections::item_id.eq(certified),
                licheng::schema::selections::selected_at.eq(now),
            ))
            .execute(c)?;
        Ok(())
    });
    for (i, (category, title)) in [("competition", "全國科展"), ("certificate", "英檢中級"), ("service_learning", "淨灘")].into_iter().enumerate() {
        let doc = file(s1, bytes::png(1500 + i), "png", "獎狀.png");
        performance(app, a.id, s1, category, title, Some(doc));
    }
    let s2 = ids["s2"];
    let doc = file(s2, bytes::jpg(1800), "jpg", "作品.jpg");
    result(app, a.id, s2, chinese, "certified", ta, Some(doc), None);
    performance(app, a.id, s2, "group_activity", "管樂社", None);
    ids.insert("b1", student(app, &b, "b1", "F131151101", "81001"));
    ids.insert("b2", student(app, &b, "b2", "J122207715", "81002"));
    let a_admin = app.token(&a, "admin").await;
    let b_admin = app.token(&b, "admin").await;
    Fx { a, b, a_admin, b_admin, ids, blobs }
}

/// Gives a new staff account a role group granted `module` (with 新增); returns its token.
async fn staff_with(app: &TestApp, school: &School, account: &str, module: &str) -> String {
    staff_granted(app, school, account, module, true).await
}

/// Gives a new staff account a role group granted `module`, with 新增 when `create`.
async fn staff_granted(app: &TestApp, school: &School, account: &str, module: &str, create: bool) -> String {
    let user = app.teacher(school, account);
    let now = app.state.clock.now();
    let (sid, module, code) = (school.id, module.to_string(), format!("9{}", &module[3..5]));
    app.write(move |c| {
        let group: i64 = diesel::insert_into(rg::table)
            .values((rg::school_id.eq(sid), rg::code.eq(code), rg::name.eq("轉學"), rg::in_use.eq(true), rg::created_at.eq(now), rg::updated_at.eq(now)))
            .returning(rg::id)
            .get_result(c)?;
        diesel::insert_into(rgmod::table)
            .values((rgmod::group_id.eq(group), rgmod::module_code.eq(module), rgmod::can_create.eq(create), rgmod::can_update.eq(false), rgmod::can_delete.eq(false)))
            .execute(c)?;
        diesel::insert_into(rgm::table).values((rgm::group_id.eq(group), rgm::user_id.eq(user))).execute(c)?;
        Ok(())
    });
    app.token(school, account).await
}

/// Exports `students` as `token`, runs the job; returns (the record, the package).
async fn export(app: &TestApp, token: &str, students: &[i64]) -> (Value, Vec<u8>) {
    let r = app.post_as("/api/v1/transfers/exports", token, json!({ "student_ids": students })).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let view = r.json();
    assert!(licheng::workers::run_jobs(&app.state).await.expect("worker") >= 1);
    let list = app.get_as("/api/v1/transfers/exports", token).await.json();
    let rec = list.as_array().unwrap().iter().find(|e| e["id"] == view["id"]).unwrap().clone();
    assert_eq!(rec["state"], "succeeded", "{rec}");
    let package = app.get_as(rec["download_url"].as_str().unwrap(), token).await;
    assert_eq!(package.status, 200, "{}", package.text());
    (rec, package.body)
}

fn md5(data: &[u8]) -> String {
    use md5::Digest;
    hex::encode(md5::Md5::digest(data))
}

/// Every entry, decrypted with `password`.
fn unzip(data: &[u8], password: &str) -> HashMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(data.to_vec())).expect("a zip");
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    names
        .into_iter()
        .map(|n| {
            let mut out = Vec::new();
            zip.by_name_decrypt(&n, password.as_bytes()).unwrap().read_to_end(&mut out).unwrap();
            (n, out)
        })
        .collect()
}

/// A package of `entries` (each AES-256 with `password`; deflated when `deflate`).
fn pack(entries: &[(&str, &[u8], bool)], password: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data, deflate) in entries {
        let method = if *deflate { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
        let options = zip::write::SimpleFileOptions::default().compression_method(method).with_aes_encryption(zip::AesMode::Aes256, password);
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

async fn import(app: &TestApp, token: &str, package: &[u8], md5: &str, password: &str) -> crate::support::Reply {
    app.upload(Method::POST, "/api/v1/transfers/imports", token, &[("md5", md5), ("password", password)], &[("package", "710001_2026_12_06_11_38_07.zip", package)]).await
}

/// Imports as `token`: the request queues a job (202); the job runs; returns the job as
/// `GET /jobs/{id}` shows it after the run.
async fn import_job(app: &TestApp, token: &str, package: &[u8], md5: &str, password: &str) -> Value {
    let r = import(app, token, package, md5, password).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let job = r.json()["job_id"].as_i64().unwrap();
    assert!(licheng::workers::run_jobs(&app.state).await.expect("worker") >= 1);
    let j = app.get_as(&format!("/api/v1/jobs/{job}"), token).await;
    assert_eq!(j.status, 200, "{}", j.text());
    j.json()
}

/// Imports and returns the import record (資料匯入紀錄) the job made.
async fn imported(app: &TestApp, token: &str, package: &[u8], md5: &str, password: &str) -> Value {
    let j = import_job(app, token, package, md5, password).await;
    assert_eq!(j["state"], "succeeded", "{j}");
    assert_eq!(j["done"], j["total"]);
    let done = app.get_as(&format!("/api/v1/jobs/{}/result", j["id"]), token).await.json();
    let list = app.get_as("/api/v1/transfers/imports", token).await.json();
    list.as_array().unwrap().iter().find(|i| i["id"] == done["import_id"]).unwrap_or_else(|| panic!("{done} not in {list}")).clone()
}

/// Imports a package the job refuses; returns the job's error.
async fn import_refused(app: &TestApp, token: &str, package: &[u8], md5: &str, password: &str) -> String {
    let j = import_job(app, token, package, md5, password).await;
    assert_eq!(j["state"], "failed", "{j}");
    j["error"].as_str().unwrap().to_string()
}

fn counts(app: &TestApp, school: i64) -> (i64, i64, i64) {
    app.write(move |c| {
        Ok((
            tx::table.filter(tx::school_id.eq(school)).count().get_result(c)?,
            ti::table.filter(ti::school_id.eq(school)).count().get_result(c)?,
            sf::table.filter(sf::school_id.eq(school)).count().get_result(c)?,
        ))
    })
}

#[actix_web::test]
async fn a_package_carries_two_students_to_the_new_school_byte_for_byte() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    // A link (written `link` in the column, `external_link` in the API and the package).
    let s1 = fx.ids["s1"];
    app.write(move |c| {
        let first = pf::table.filter(pf::student_id.eq(s1)).order(pf::id.asc()).select(pf::id).first::<i64>(c)?;
        Ok(diesel::update(pf::table.find(first)).set(pf::link.eq(Some("https://youtu.be/transfer"))).execute(c)?)
    });

    // 6.1 選擇匯出學生: by number, by name, by national ID; the ID shown masked ("F13XX51101 王○翔").
    for q in ["71001", "使用者s1", "F131151101"] {
        let hits = app.get_as(&format!("/api/v1/transfers/students?q={}", urlencode(q)), &fx.a_admin).await;
        assert_eq!(hits.status, 200, "{}", hits.text());
        let hits = hits.json();
        assert_eq!(hits.as_array().unwrap().len(), 1, "{q}: {hits}");
        assert_eq!(hits[0]["id"], fx.ids["s1"]);
        assert_eq!(hits[0]["national_id"], "F13XX51101");
        assert_eq!(hits[0]["birth_date"], "2009-09-23");
    }
    // Another school's student is never found.
    let none = app.get_as("/api/v1/transfers/students?q=81001", &fx.a_admin).await.json();
    assert_eq!(none.as_array().unwrap().len(), 0);
    // No search text (none, blank or longer than any number, name or ID): nobody, not a 400.
    let long = "7".repeat(51);
    for q in ["", "q=", "q=%20", &format!("q={long}")] {
        let r = app.get_as(&format!("/api/v1/transfers/students?{q}"), &fx.a_admin).await;
        assert_eq!((r.status.as_u16(), r.json()), (200, serde_json::json!([])), "{q}");
    }

    let (rec, package) = export(&app, &fx.a_admin, &[fx.ids["s1"], fx.ids["s2"], fx.ids["s3"]]).await;
    // Manual 6.1 檔案資訊: "檔案名稱：666666_2022_02_25_11_38_07.zip 檔案大小：2967 壓縮密碼：c9cc0e47-… MD5值：016fc8b5…".
    let name = rec["file_name"].as_str().unwrap();
    assert!(name.starts_with("710001_") && name.ends_with(".zip") && name.len() == "710001_2022_02_25_11_38_07.zip".len(), "{name}");
    assert_eq!(rec["size"].as_i64().unwrap(), package.len() as i64);
    assert_eq!(rec["md5"].as_str().unwrap(), md5(&package));
    let password = rec["password"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&password).is_ok_and(|u| u.get_version_num() == 4), "{password}");
    assert_eq!(rec["students"].as_array().unwrap().len(), 3);
    assert_eq!(rec["students"][0]["national_id"], "F13XX51101");
    // The password is kept encrypted, never in the clear.
    let stored: String = app.write(|c| Ok(licheng::schema::transfer_exports::table.select(licheng::schema::transfer_exports::password_encrypted).first(c)?));
    assert!(!stored.contains(&password));

    // AES-256: nothing opens without the password.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(package.clone())).unwrap();
    assert!(zip.by_name("manifest.json").is_err(), "an entry opened without the password");
    drop(zip);
    let entries = unzip(&package, &password);
    let manifest: Value = serde_json::from_slice(&entries["manifest.json"]).unwrap();
    assert_eq!(manifest["format"], "licheng-transfer");
    // Version 3: a performance's link is named as the API names it (`external_link`).
    assert_eq!(manifest["version"], 3);
    assert_eq!(manifest["source_school"]["code"], "710001");
    // AES covers the contents, not the entry names: no national ID (nor number) in any name.
    for name in entries.keys() {
        for nid in ["F131151101", "J122207715", "N222233636", "71001", "71002"] {
            assert!(!name.contains(nid), "{name} names a student");
        }
    }
    let s1 = &manifest["students"][0];
    assert_eq!(s1["national_id"], "F131151101");
    assert_eq!(s1["birth_date"], "2009-09-23");
    let states: Vec<&str> = s1["learning_results"].as_array().unwrap().iter().map(|r| r["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["editing", "submitted", "certified", "rejected"]);
    let certified = &s1["learning_results"][2];
    assert_eq!(certified["course_code"], CODE23);
    assert_eq!(certified["decisions"].as_array().unwrap().len(), 2, "{certified}");
    assert_eq!(certified["decisions"][0]["state"], "rejected");
    assert_eq!(certified["decisions"][1]["teacher_account"], "ta");
    assert_eq!(certified["history"].as_array().unwrap().len(), 5);
    assert_eq!(certified["selected"], true, "the selection (勾選) travels with the result");
    assert_eq!(s1["learning_results"][0]["selected"], false);
    assert!(certified["video"]["path"].as_str().unwrap().ends_with(".mp4"));
    let categories: Vec<&str> = s1["performances"].as_array().unwrap().iter().map(|p| p["category"].as_str().unwrap()).collect();
    assert_eq!(categories, ["competition", "certificate", "service_learning"]);
    assert_eq!(s1["performances"][2]["hours"], 12.5);
    assert_eq!(s1["performances"][0]["external_link"], "https://youtu.be/transfer", "{}", s1["performances"][0]);
    assert!(s1["performances"][0].get("link").is_none(), "{}", s1["performances"][0]);
    assert_eq!(s1["cadre_records"][0]["position"], "班長");
    // Every file: in files[] with its SHA-256, and the bytes are A's.
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len(), 9);
    assert_eq!(entries.len(), files.len() + 1);
    for f in files {
        let data = &entries[f["path"].as_str().unwrap()];
        assert_eq!(bytes::sha256(data), f["sha256"].as_str().unwrap());
        assert_eq!(&fx.blobs[f["sha256"].as_str().unwrap()], data);
    }

    // 6.2: B imports with the MD5 and password.
    let view = imported(&app, &fx.b_admin, &package, rec["md5"].as_str().unwrap(), &password).await;
    // Manual 6.2: "匯入1人，完成1人"; the unmatched student (s3) is reported, not created.
    assert_eq!(view["result"], "匯入3人，完成2人");
    assert_eq!(view["message"], "匯入完畢，更新2位學生");
    assert_eq!(view["file_name"], "710001_2026_12_06_11_38_07.zip");
    // The import is sealed into the new school's history chain with the package's MD5 (#26).
    let sealed = crate::history::sealed_events(&app, "transfer_imported");
    assert_eq!(sealed.len(), 1, "{sealed:?}");
    assert!(sealed[0].contains(rec["md5"].as_str().unwrap()) && sealed[0].contains("\"items_added\""), "{}", sealed[0]);
    // The audit log says it in words, not as the sealed JSON.
    let log = app.get_as("/api/v1/audit-events?event=transfer_imported", &fx.b_admin).await.json();
    let summary = log["items"][0]["summary"].as_str().unwrap_or_default().to_string();
    assert!(summary.starts_with("匯入轉學生資料（來源學校 710001）：比對到 2 位學生"), "{log}");
    let detail = view["students"].as_array().unwrap();
    assert_eq!(detail.iter().filter(|s| s["matched"] == true).count(), 2);
    let s3 = detail.iter().find(|s| s["matched"] == false).unwrap();
    assert_eq!(s3["national_id"], "N22XX33636");
    let b_students: i64 = app.write(|c| Ok(users::table.filter(users::school_id.eq(fx.b.id)).filter(users::kind.eq("student")).count().get_result(c)?));
    assert_eq!(b_students, 2, "nobody is created");
    let records = app.get_as("/api/v1/transfers/imports", &fx.b_admin).await.json();
    assert_eq!(records[0]["result"], "匯入3人，完成2人");

    // b1's items: each as the package carried it, with its origin, and its files byte for byte.
    let items = app.get_as(&format!("/api/v1/transfers/items?student_id={}", fx.ids["b1"]), &fx.b_admin).await;
    assert_eq!(items.status, 200, "{}", items.text());
    let items = items.json();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 4 + 3 + 1);
    for item in items {
        assert_eq!(item["origin_school_code"], "710001");
        assert_eq!(item["origin_school_name"], "測試高中710001");
        assert_eq!(item["read_only"], true);
        let list = match item["kind"].as_str().unwrap() {
            "result" => "learning_results",
            "performance" => "performances",
            _ => "cadre_records",
        };
        let original = s1[list].as_array().unwrap().iter().find(|o| o["id"] == item["record"]["id"]).unwrap();
        assert_eq!(&item["record"], original, "the item as exported");
        for slot in ["document", "video"] {
            if item[slot].is_null() {
                assert!(original[slot].is_null());
                continue;
            }
            let got = app.get_as(item[slot]["url"].as_str().unwrap(), &fx.b_admin).await;
            assert_eq!(got.status, 200);
            assert_eq!(&got.body, &fx.blobs[original[slot]["sha256"].as_str().unwrap()]);
        }
    }
    let certified_item = items.iter().find(|i| i["record"]["state"] == "certified").unwrap();
    assert_eq!(certified_item["course_code"], CODE23);
    assert_eq!(certified_item["state"], "certified");

    // The student sees them, marked with the original school; never another student's.
    let b1 = app.token(&fx.b, "b1").await;
    let mine = app.get_as("/api/v1/transfers/items", &b1).await;
    assert_eq!(mine.status, 200, "{}", mine.text());
    assert_eq!(mine.json().as_array().unwrap().len(), 8);
    app.get_as(&format!("/api/v1/transfers/items?student_id={}", fx.ids["b2"]), &b1).await.assert_problem(404, "not_found");
    let other = app.get_as(&format!("/api/v1/transfers/items?student_id={}", fx.ids["b2"]), &fx.b_admin).await.json();
    // Staff naming no student: no items (not a 400; the schema cannot say "required for staff").
    let r = app.get_as("/api/v1/transfers/items", &fx.b_admin).await;
    assert_eq!((r.status.as_u16(), r.json()), (200, serde_json::json!([])));
    let url = other.as_array().unwrap().iter().find_map(|i| i["document"]["url"].as_str()).unwrap().to_string();
    app.get_as(&url, &b1).await.assert_problem(404, "not_found");
    // Read-only: no way to change or delete them; they are not in the student's own results
    // nor in any teacher's certification queue.
    let id = items[0]["id"].as_i64().unwrap();
    let del = app.delete_as(&format!("/api/v1/transfers/items/{id}"), &b1).await;
    assert!(del.status == 404 || del.status == 405, "{}", del.status);
    let own: i64 = app.write(|c| Ok(lr::table.filter(lr::school_id.eq(fx.b.id)).count().get_result(c)?));
    assert_eq!(own, 0);

    // The same package again changes nothing.
    let before = counts(&app, fx.b.id);
    let again = imported(&app, &fx.b_admin, &package, rec["md5"].as_str().unwrap(), &password).await;
    assert_eq!(again["items_added"], 0);
    assert!(again["students"].as_array().unwrap().iter().filter(|s| s["matched"] == true).all(|s| s["added"] == 0 && s["already"].as_i64().unwrap() > 0));
    let after = counts(&app, fx.b.id);
    assert_eq!((before.0, before.2), (after.0, after.2), "no item and no file added");
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[actix_web::test]
async fn every_refusal_imports_nothing() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let (rec, package) = export(&app, &fx.a_admin, &[fx.ids["s2"]]).await;
    let (sum, password) = (rec["md5"].as_str().unwrap().to_string(), rec["password"].as_str().unwrap().to_string());
    let entries = unzip(&package, &password);
    let manifest: Value = serde_json::from_slice(&entries["manifest.json"]).unwrap();
    let file_path = manifest["files"][0]["path"].as_str().unwrap().to_string();
    let file_data = entries[&file_path].clone();
    let manifest_bytes = serde_json::to_vec(&manifest).unwrap();
    let refused = |r: crate::support::Reply, code: &str| {
        let body = r.assert_problem(400, code);
        body["detail"].as_str().unwrap().to_string()
    };

    // "將轉學生原學校的 MD5 值、解壓縮密碼，並選到壓縮檔後，按下匯入" (6.2): the MD5 first.
    refused(import(&app, &fx.b_admin, &package, &md5(b"other"), &password).await, "package_checksum_mismatch");
    refused(import(&app, &fx.b_admin, &package, &sum, "c9cc0e47-84bf-4291-ba3f-f30f8614eb04").await, "package_password_wrong");
    // Corrupt: cut short.
    let cut = &package[..package.len() / 2];
    refused(import(&app, &fx.b_admin, cut, &md5(cut), &password).await, "package_invalid");
    // Zip-slip.
    let slip_path = format!("../{file_path}");
    let mut slip_manifest = manifest.clone();
    slip_manifest["files"][0]["path"] = json!(slip_path);
    let slip = pack(&[("manifest.json", &serde_json::to_vec(&slip_manifest).unwrap(), true), (&slip_path, &file_data, false)], &password);
    let d = refused(import(&app, &fx.b_admin, &slip, &md5(&slip), &password).await, "package_invalid");
    assert!(d.contains("不安全的路徑"), "{d}");
    // Expansion bomb: 8 MiB of zeros deflated.
    let zeros = vec![0u8; 8 << 20];
    let bomb = pack(&[("manifest.json", &manifest_bytes, true), (&file_path, &file_data, false), ("files/bomb.pdf", &zeros, true)], &password);
    let d = refused(import(&app, &fx.b_admin, &bomb, &md5(&bomb), &password).await, "package_invalid");
    assert!(d.contains("壓縮炸彈"), "{d}");
    // Duplicate entries: two names made one in the bytes.
    let twin = file_path.replacen("files/", "filez/", 1);
    let mut dup = pack(&[("manifest.json", &manifest_bytes, true), (&file_path, &file_data, false), (&twin, &file_data, false)], &password);
    replace_all(&mut dup, twin.as_bytes(), file_path.as_bytes());
    let d = refused(import(&app, &fx.b_admin, &dup, &md5(&dup), &password).await, "package_invalid");
    assert!(d.contains("重複"), "{d}");
    // Unknown manifest version.
    let mut v4 = manifest.clone();
    v4["version"] = json!(4);
    let p = pack(&[("manifest.json", &serde_json::to_vec(&v4).unwrap(), true), (&file_path, &file_data, false)], &password);
    let d = refused(import(&app, &fx.b_admin, &p, &md5(&p), &password).await, "package_invalid");
    assert!(d.contains("版本 4"), "{d}");
    // A file whose SHA-256 does not match.
    let mut tampered = file_data.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let p = pack(&[("manifest.json", &manifest_bytes, true), (&file_path, &tampered, false)], &password);
    // Checked by the job, file by file: the job fails naming it.
    let d = import_refused(&app, &fx.b_admin, &p, &md5(&p), &password).await;
    assert!(d.starts_with("package_invalid") && d.contains("SHA-256") && d.contains(&file_path), "{d}");
    // An entry the manifest does not name.
    let p = pack(&[("manifest.json", &manifest_bytes, true), (&file_path, &file_data, false), ("files/extra.pdf", &bytes::pdf(100), false)], &password);
    refused(import(&app, &fx.b_admin, &p, &md5(&p), &password).await, "package_invalid");
    // Not encrypted.
    let mut plain = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    plain.start_file("manifest.json", zip::write::SimpleFileOptions::default()).unwrap();
    plain.write_all(&manifest_bytes).unwrap();
    let plain = plain.finish().unwrap().into_inner();
    refused(import(&app, &fx.b_admin, &plain, &md5(&plain), &password).await, "package_invalid");
    // One file referred to by two items (it would be stored for both).
    let mut shared = manifest.clone();
    shared["students"][0]["performances"][0]["document"] = shared["students"][0]["learning_results"][0]["document"].clone();
    let p = pack(&[("manifest.json", &serde_json::to_vec(&shared).unwrap(), true), (&file_path, &file_data, false)], &password);
    let d = refused(import(&app, &fx.b_admin, &p, &md5(&p), &password).await, "package_invalid");
    assert!(d.contains("被多個項目引用") && d.contains(&file_path), "{d}");
    // Missing fields.
    let r = app.upload(Method::POST, "/api/v1/transfers/imports", &fx.b_admin, &[("password", &password)], &[("package", "x.zip", &package)]).await;
    r.assert_problem(422, "validation_failed");

    assert_eq!(counts(&app, fx.b.id), (0, 0, 0), "nothing was imported");
    // The genuine package still imports (the refusals left nothing behind that blocks it).
    let ok = imported(&app, &fx.b_admin, &package, &sum, &password).await;
    assert_eq!(ok["result"], "匯入1人，完成1人");
}

fn replace_all(data: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut i = 0;
    while i + from.len() <= data.len() {
        if &data[i..i + from.len()] == from {
            data[i..i + from.len()].copy_from_slice(to);
            i += from.len();
        } else {
            i += 1;
        }
    }
}

#[actix_web::test]
async fn exports_refuse_what_cannot_go_and_name_it() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    // FAQ 000 五 Q3: "校管理者匯出轉學生檔案出現「因缺少新版課程代碼(23碼)，無法匯出」".
    let old = course(&app, fx.a.id, "H11101", "數學");
    result(&app, fx.a.id, fx.ids["s3"], old, "certified", fx.ids["ta"], None, None);
    let r = app.post_as("/api/v1/transfers/exports", &fx.a_admin, json!({ "student_ids": [fx.ids["s3"]] })).await;
    let body = r.assert_problem(409, "course_code_missing");
    let d = body["detail"].as_str().unwrap();
    assert!(d.starts_with("因缺少新版課程代碼(23碼)，無法匯出") && d.contains("數學") && d.contains("H11101"), "{d}");
    let jobs: i64 = app.write(|c| Ok(licheng::schema::jobs::table.count().get_result(c)?));
    assert_eq!(jobs, 0, "no job for a refused export");

    // A missing file fails the job, named — never silently left out.
    let sha: String = app.write(|c| {
        Ok(sf::table
            .inner_join(lr::table.on(lr::document_file_id.eq(sf::id.nullable())))
            .filter(lr::student_id.eq(fx.ids["s2"]))
            .select(sf::sha256)
            .first(c)?)
    });
    std::fs::remove_file(licheng::storage::FileStore::new(app.dir.path()).path_of(&sha)).unwrap();
    let r = app.post_as("/api/v1/transfers/exports", &fx.a_admin, json!({ "student_ids": [fx.ids["s2"]] })).await;
    assert_eq!(r.status, 202, "{}", r.text());
    licheng::workers::run_jobs(&app.state).await.unwrap();
    let list = app.get_as("/api/v1/transfers/exports", &fx.a_admin).await.json();
    assert_eq!(list[0]["state"], "failed");
    let error = list[0]["error"].as_str().unwrap();
    assert!(error.contains("作品.jpg") && error.contains("不存在"), "{error}");
    assert!(list[0]["download_url"].is_null() && list[0]["md5"].is_null());

    // Students of another school, or none.
    app.post_as("/api/v1/transfers/exports", &fx.a_admin, json!({ "student_ids": [fx.ids["b1"]] })).await.assert_problem(422, "validation_failed");
    app.post_as("/api/v1/transfers/exports", &fx.a_admin, json!({ "student_ids": [] })).await.assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn only_the_admin_or_the_modules_of_the_same_school_may() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let teacher = app.token(&fx.a, "ta").await;
    let student = app.token(&fx.a, "s1").await;
    let (rec, package) = export(&app, &fx.a_admin, &[fx.ids["s2"]]).await;
    let (sum, password) = (rec["md5"].as_str().unwrap().to_string(), rec["password"].as_str().unwrap().to_string());
    let id = rec["id"].as_i64().unwrap();
    for token in [&teacher, &student] {
        app.get_as("/api/v1/transfers/students?q=71001", token).await.assert_problem(403, "module_required");
        app.post_as("/api/v1/transfers/exports", token, json!({ "student_ids": [fx.ids["s2"]] })).await.assert_problem(403, "module_required");
        app.get_as("/api/v1/transfers/exports", token).await.assert_problem(403, "module_required");
        app.get_as(&format!("/api/v1/transfers/exports/{id}/download"), token).await.assert_problem(403, "module_required");
        import(&app, token, &package, &sum, &password).await.assert_problem(403, "module_required");
        app.get_as("/api/v1/transfers/imports", token).await.assert_problem(403, "module_required");
    }
    app.get_as(&format!("/api/v1/transfers/items?student_id={}", fx.ids["s2"]), &teacher).await.assert_problem(403, "module_required");

    // A role group with S0601S exports, and sees no password (only the school's admins do).
    let exporter = staff_with(&app, &fx.a, "ex1", "S0601S").await;
    let list = app.get_as("/api/v1/transfers/exports", &exporter).await;
    assert_eq!(list.status, 200, "{}", list.text());
    assert!(list.json()[0]["password"].is_null());
    assert_eq!(list.json()[0]["md5"], sum.as_str());
    import(&app, &exporter, &package, &sum, &password).await.assert_problem(403, "module_required");

    // Another school: A's package record does not exist for B.
    app.get_as(&format!("/api/v1/transfers/exports/{id}/download"), &fx.b_admin).await.assert_problem(404, "not_found");
    assert_eq!(app.get_as("/api/v1/transfers/exports", &fx.b_admin).await.json().as_array().unwrap().len(), 0);

    // A role group with S0602S imports; B's records are not A's.
    let importer = staff_with(&app, &fx.b, "im1", "S0602S").await;
    imported(&app, &importer, &package, &sum, &password).await;
    assert_eq!(app.get_as("/api/v1/transfers/imports", &fx.a_admin).await.json().as_array().unwrap().len(), 0);
    // A's admin cannot read B's imported items.
    let items = app.get_as(&format!("/api/v1/transfers/items?student_id={}", fx.ids["b2"]), &fx.a_admin).await.json();
    assert_eq!(items.as_array().unwrap().len(), 0);
    let b_items = app.get_as(&format!("/api/v1/transfers/items?student_id={}", fx.ids["b2"]), &importer).await.json();
    let url = b_items.as_array().unwrap().iter().find_map(|i| i["document"]["url"].as_str()).unwrap().to_string();
    app.get_as(&url, &fx.a_admin).await.assert_problem(404, "not_found");
}

/// Signs in a temporary account the admin made for `student` (manual 3.7).
async fn temporary_for(app: &TestApp, school: &School, admin: &str, student: i64) -> String {
    let created = app.post_as("/api/v1/temporary-accounts", admin, json!({"student_id": student, "valid_days": 7})).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let created = created.json();
    let pair = app.sign_in_pair(&school.code, created["account"].as_str().unwrap(), created["password"].as_str().unwrap()).await;
    pair["access_token"].as_str().unwrap_or_else(|| panic!("{pair}")).to_string()
}

#[actix_web::test]
async fn a_temporary_account_sees_its_students_imported_items() {
    // DESIGN: a transfer student's temporary account acts as its student (manual 3.7).
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let (rec, package) = export(&app, &fx.a_admin, &[fx.ids["s2"]]).await;
    imported(&app, &fx.b_admin, &package, rec["md5"].as_str().unwrap(), rec["password"].as_str().unwrap()).await;
    let temp = temporary_for(&app, &fx.b, &fx.b_admin, fx.ids["b2"]).await;
    let items = app.get_as("/api/v1/transfers/items", &temp).await;
    assert_eq!(items.status, 200, "{}", items.text());
    let items = items.json();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 3, "b2's result, performance and cadre record: {items:?}");
    assert!(items.iter().all(|i| i["student_id"] == fx.ids["b2"]));
    let url = items.iter().find_map(|i| i["document"]["url"].as_str()).unwrap().to_string();
    assert_eq!(app.get_as(&url, &temp).await.status, 200);
    // Never another student's.
    app.get_as(&format!("/api/v1/transfers/items?student_id={}", fx.ids["b1"]), &temp).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn exporting_and_importing_need_the_create_grant_not_only_view() {
    // Receipts: importing needs 新增 (Op::Create); so do the transfer export and import.
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let (rec, package) = export(&app, &fx.a_admin, &[fx.ids["s2"]]).await;
    let (sum, password) = (rec["md5"].as_str().unwrap().to_string(), rec["password"].as_str().unwrap().to_string());
    let viewer = staff_granted(&app, &fx.a, "ev1", "S0601S", false).await;
    let list = app.get_as("/api/v1/transfers/exports", &viewer).await;
    assert_eq!(list.status, 200, "{}", list.text());
    app.post_as("/api/v1/transfers/exports", &viewer, json!({ "student_ids": [fx.ids["s2"]] })).await.assert_problem(403, "module_required");
    let viewer_b = staff_granted(&app, &fx.b, "iv1", "S0602S", false).await;
    assert_eq!(app.get_as("/api/v1/transfers/imports", &viewer_b).await.status, 200);
    import(&app, &viewer_b, &package, &sum, &password).await.assert_problem(403, "module_required");
    assert_eq!(counts(&app, fx.b.id), (0, 0, 0));
}

#[actix_web::test]
async fn an_import_over_the_storage_quota_is_refused_and_imports_nothing() {
    // uploads::files: "Placing a file checks the storage quotas"; an import places files too.
    let app = TestApp::with_config(|c| {
        c.student_quota_bytes = 0;
        c.school_quota_bytes = 1_000;
        c.uploads_per_hour = 0;
    });
    let fx = fixture(&app).await;
    let (rec, package) = export(&app, &fx.a_admin, &[fx.ids["s2"]]).await;
    let error = import_refused(&app, &fx.b_admin, &package, rec["md5"].as_str().unwrap(), rec["password"].as_str().unwrap()).await;
    assert!(error.starts_with("quota_exceeded"), "{error}");
    assert_eq!(counts(&app, fx.b.id), (0, 0, 0), "nothing was imported");
}

fn open_selection(app: &TestApp, school: i64, item: &'static str) {
    open_selection_for(app, school, item, chrono::Duration::days(30));
}

/// Opens `item`'s selection period of 115 for grade 2 from yesterday until `left` from now.
fn open_selection_for(app: &TestApp, school: i64, item: &'static str, left: chrono::Duration) {
    let now = app.state.clock.now();
    app.write(move |c| {
        use licheng::schema::work_periods as wp;
        diesel::insert_into(wp::table)
            .values((
                wp::school_id.eq(school),
                wp::academic_year.eq(115),
                wp::semester.eq(0),
                wp::grade.eq(2),
                wp::item.eq(item),
                wp::starts_at.eq(now - chrono::Duration::days(1)),
                wp::ends_at.eq(now + left),
                wp::created_at.eq(now),
                wp::updated_at.eq(now),
            ))
            .execute(c)?;
        Ok(())
    });
}

#[actix_web::test]
async fn an_imported_performance_is_selectable_counts_toward_the_limit_and_goes_in_the_roster() {
    // Issue #21: imported items "count for the student's selections of that academic year as the
    // rules allow" and "reports and rosters include them where the rules say so".
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let (rec, package) = export(&app, &fx.a_admin, &[fx.ids["s1"]]).await;
    imported(&app, &fx.b_admin, &package, rec["md5"].as_str().unwrap(), rec["password"].as_str().unwrap()).await;
    open_selection(&app, fx.b.id, "select_performances");
    let b1 = fx.ids["b1"];
    // b1 has 9 performances of their own selected already (the limit is 10 a year).
    let own: Vec<i64> = (0..10).map(|_| performance(&app, fx.b.id, b1, "group_activity", "社團", None)).collect();
    let token = app.token(&fx.b, "b1").await;
    for id in &own[..9] {
        let r = app.put_as(&format!("/api/v1/me/selections/performances/{id}"), &token, json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let items = app.get_as("/api/v1/transfers/items", &token).await.json();
    let imported = items.as_array().unwrap().iter().find(|i| i["kind"] == "performance" && i["title"] == "全國科展").unwrap()["id"].as_i64().unwrap();
    let r = app.put_as(&format!("/api/v1/transfers/items/{imported}/selection"), &token, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let mine = app.get_as("/api/v1/me/selections", &token).await.json();
    assert_eq!(mine["performances"]["imported"], json!([imported]), "{mine}");
    // The imported one counts: the 10th own performance is over the limit.
    app.put_as(&format!("/api/v1/me/selections/performances/{}", own[9]), &token, json!({})).await.assert_problem(409, "limit_reached");
    // An imported result that is not certified cannot be selected; nor can a cadre record.
    let editing = items.as_array().unwrap().iter().find(|i| i["kind"] == "result" && i["state"] == "editing").unwrap()["id"].as_i64().unwrap();
    open_selection(&app, fx.b.id, "select_results");
    app.put_as(&format!("/api/v1/transfers/items/{editing}/selection"), &token, json!({})).await.assert_problem(409, "invalid_state");
    let cadre = items.as_array().unwrap().iter().find(|i| i["kind"] == "cadre").unwrap()["id"].as_i64().unwrap();
    app.put_as(&format!("/api/v1/transfers/items/{cadre}/selection"), &token, json!({})).await.assert_problem(409, "invalid_state");
    // Nobody else selects it for b1.
    let b2 = app.token(&fx.b, "b2").await;
    app.put_as(&format!("/api/v1/transfers/items/{imported}/selection"), &b2, json!({})).await.assert_problem(404, "not_found");

    // Roster 25 (多元表現) of B carries it, with its file.
    let r = app.post_as("/api/v1/rosters/exports", &fx.b_admin, json!({"roster": "25", "grades": "1-3"})).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let job = r.json()["job_id"].as_i64().unwrap();
    assert!(licheng::workers::run_jobs(&app.state).await.unwrap() >= 1);
    let j = app.get_as(&format!("/api/v1/jobs/{job}"), &fx.b_admin).await.json();
    assert_eq!(j["state"], "succeeded", "{j}");
    let zip = app.get_as(&format!("/api/v1/jobs/{job}/result"), &fx.b_admin).await.body;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    let book = names.iter().find(|n| n.ends_with(".xlsx")).unwrap().clone();
    let mut data = Vec::new();
    zip.by_name(&book).unwrap().read_to_end(&mut data).unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(data)).unwrap();
    let rows: Vec<String> = wb.worksheet_range("多元表現").unwrap().rows().map(|r| r.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("|")).collect();
    assert_eq!(rows.len(), 1 + 10, "{rows:?}");
    assert!(rows.iter().any(|r| r.contains("全國科展") && r.contains("F131151101")), "{rows:?}");
    // What the roster contained tells the imported item from an own item of the same id.
    let recorded: Vec<(String, i64, bool)> = app.write(|c| {
        use licheng::schema::roster_export_items as rei;
        Ok(rei::table.order(rei::id.asc()).select((rei::item_kind, rei::item_id, rei::imported)).load(c)?)
    });
    assert_eq!(recorded.len(), 10, "{recorded:?}");
    assert_eq!(recorded.iter().filter(|r| r.2).collect::<Vec<_>>(), vec![&("performance".to_string(), imported, true)], "{recorded:?}");
    // Unselected, it leaves the count.
    let del = app.delete_as(&format!("/api/v1/transfers/items/{imported}/selection"), &token).await;
    assert_eq!(del.status, 204, "{}", del.text());
    let r = app.put_as(&format!("/api/v1/me/selections/performances/{}", own[9]), &token, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[actix_web::test]
async fn an_import_runs_as_a_job_with_progress_and_leaves_no_package_behind() {
    // DESIGN.md: long work runs as a job with progress the client can poll.
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let (rec, package) = export(&app, &fx.a_admin, &[fx.ids["s1"]]).await;
    let r = import(&app, &fx.b_admin, &package, rec["md5"].as_str().unwrap(), rec["password"].as_str().unwrap()).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let job = r.json()["job_id"].as_i64().unwrap();
    let queued = app.get_as(&format!("/api/v1/jobs/{job}"), &fx.b_admin).await.json();
    assert_eq!(queued["state"], "queued");
    assert_eq!(counts(&app, fx.b.id).0, 0, "nothing imported before the job runs");
    // The password is not kept in the clear with the job.
    let params: String = app.write(move |c| Ok(licheng::schema::jobs::table.find(job).select(licheng::schema::jobs::params).first(c)?));
    assert!(!params.contains(rec["password"].as_str().unwrap()), "{params}");
    licheng::workers::run_jobs(&app.state).await.unwrap();
    let done = app.get_as(&format!("/api/v1/jobs/{job}"), &fx.b_admin).await.json();
    assert_eq!(done["state"], "succeeded", "{done}");
    // s1's 4 + 1 + 3 files, then the transaction.
    assert_eq!(done["total"], 9);
    assert_eq!(counts(&app, fx.b.id).0, 8);
    let kept = app.dir.path().join("jobs").join("transfer-imports");
    assert_eq!(std::fs::read_dir(&kept).map(|d| d.count()).unwrap_or(0), 0, "the received package is removed");
    assert_eq!(app.temporary_files(), 0);
}

/// Imports s1's package into B and returns b1's token and imported items (by title).
async fn b1_with_imports(app: &TestApp, fx: &Fx) -> (String, HashMap<String, i64>) {
    let (rec, package) = export(app, &fx.a_admin, &[fx.ids["s1"]]).await;
    imported(app, &fx.b_admin, &package, rec["md5"].as_str().unwrap(), rec["password"].as_str().unwrap()).await;
    let token = app.token(&fx.b, "b1").await;
    let items = app.get_as("/api/v1/transfers/items", &token).await.json();
    let by_title = items
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] != "cadre")
        .map(|i| (format!("{}{}", i["title"].as_str().unwrap(), i["state"].as_str().map(|s| format!(" {s}")).unwrap_or_default()), i["id"].as_i64().unwrap()))
        .collect();
    (token, by_title)
}

#[actix_web::test]
async fn the_confirmation_sheet_and_the_selection_reports_list_imported_items_with_their_school() {
    // Issue #21: "The student sees the imported items marked with their original school; ...
    // reports and rosters include them where the rules say so."
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let (token, items) = b1_with_imports(&app, &fx).await;
    open_selection(&app, fx.b.id, "select_results");
    open_selection(&app, fx.b.id, "select_performances");
    for title in ["國語文 certified", "全國科展"] {
        let r = app.put_as(&format!("/api/v1/transfers/items/{}/selection", items[title]), &token, json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let origin: String = {
        let aid = fx.a.id;
        app.write(move |c| Ok(licheng::schema::schools::table.find(aid).select(licheng::schema::schools::name).first(c)?))
    };
    let b1 = fx.ids["b1"];
    for sheets in [
        app.get_as(&format!("/api/v1/reports/confirmation-sheets?student_id={b1}&term=1151"), &fx.b_admin).await.json(),
        app.get_as("/api/v1/me/confirmation-sheet?term=1151", &token).await.json(),
    ] {
        let sheet = &sheets["students"][0];
        let results = sheet["results"].as_array().unwrap();
        assert_eq!(results.len(), 4, "s1's four results at A: {sheet}");
        assert!(results.iter().all(|r| r["origin_school"] == origin.as_str()), "{sheet}");
        let certified = results.iter().find(|r| r["state"] == "certified").unwrap();
        assert_eq!(certified["selected"], true, "{sheet}");
        assert_eq!(certified["id"], items["國語文 certified"]);
        assert!(certified["decided_on"].is_string(), "{sheet}");
        let perfs = sheet["performances"].as_array().unwrap();
        assert_eq!(perfs.len(), 3, "{sheet}");
        assert!(perfs.iter().all(|p| p["origin_school"] == origin.as_str()), "{sheet}");
        assert_eq!(perfs.iter().filter(|p| p["selected"] == true).count(), 1, "{sheet}");
        assert_eq!((sheet["selected_results"].as_i64(), sheet["selected_performances"].as_i64()), (Some(1), Some(1)), "{sheet}");
    }
    // The workbook marks them too.
    let book = app.get_as(&format!("/api/v1/reports/confirmation-sheets.xlsx?student_id={b1}&term=1151"), &fx.b_admin).await;
    assert_eq!(book.status, 200, "{}", book.text());
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(book.body)).unwrap();
    let rows: Vec<String> = wb.worksheet_range("上傳及勾選確認單").unwrap().rows().map(|r| r.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("|")).collect();
    assert!(rows.iter().any(|r| r.contains("全國科展") && r.contains(&origin)), "{rows:?}");

    // 查詢學生學習成果／多元表現勾選情形: selected and selectable, own and imported together.
    for (kind, selected, available) in [("results", 1, 1), ("performances", 1, 3)] {
        let page = app.get_as(&format!("/api/v1/reports/selection-status?kind={kind}&academic_year=115"), &fx.b_admin).await.json();
        let row = page["items"].as_array().unwrap().iter().find(|r| r["student_id"] == b1).unwrap_or_else(|| panic!("{page}")).clone();
        assert_eq!((row["selected"].as_i64(), row["available"].as_i64()), (Some(selected), Some(available)), "{kind}: {row}");
    }
    // The analysis of selections counts them.
    let analysis = app.get_as("/api/v1/reports/analysis?subject=selections&by=subject&term=1151", &fx.b_admin).await.json();
    assert_eq!(analysis["total"], 2, "{analysis}");
}

#[actix_web::test]
async fn selection_reminders_count_imported_items() {
    // Issue #21: imported items "count for the student's selections of that academic year".
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let (token, items) = b1_with_imports(&app, &fx).await;
    let b1 = fx.ids["b1"];
    app.write(move |c| {
        diesel::update(users::table.find(b1)).set(users::email.eq(Some("b1@example.tw"))).execute(c)?;
        Ok(())
    });
    // The selection periods end tomorrow: the last days, when the reminders go.
    open_selection_for(&app, fx.b.id, "select_results", chrono::Duration::hours(30));
    open_selection_for(&app, fx.b.id, "select_performances", chrono::Duration::hours(30));
    let plan = |app: &TestApp| {
        let (school, now) = (fx.b.id, app.state.clock.now());
        let planned = app.write(move |c| licheng::reminders::plan(c, school, now, "https://licheng.test"));
        planned.into_iter().filter(|p| p.user_id == b1).map(|p| p.reason.as_str().to_string()).collect::<Vec<_>>()
    };
    // b1 has nothing of their own, but imported items to select: reminded of both.
    let mut reasons = plan(&app);
    reasons.sort();
    assert_eq!(reasons, vec!["select_performances".to_string(), "select_results".to_string()]);
    // Selected (imported ones), nothing to remind of.
    for title in ["國語文 certified", "全國科展"] {
        let r = app.put_as(&format!("/api/v1/transfers/items/{}/selection", items[title]), &token, json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    assert_eq!(plan(&app), Vec::<String>::new());
}

#[actix_web::test]
async fn a_transfer_job_given_up_or_failed_for_good_leaves_no_package_on_disk() {
    let app = TestApp::init();
    let fx = fixture(&app).await;
    let (rec, package) = export(&app, &fx.a_admin, &[fx.ids["s1"]]).await;
    let received = app.dir.path().join("jobs").join("transfer-imports");
    let waiting = || std::fs::read_dir(&received).map(|d| d.count()).unwrap_or(0);
    // An import whose job is given up before it runs (its instance died once too often).
    let r = import(&app, &fx.b_admin, &package, rec["md5"].as_str().unwrap(), rec["password"].as_str().unwrap()).await;
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(waiting(), 1, "the package waits for its job");
    let job = r.json()["job_id"].as_i64().unwrap();
    app.write(move |c| {
        use licheng::schema::jobs;
        diesel::update(jobs::table.find(job)).set(jobs::attempts.eq(licheng::jobs::MAX_ATTEMPTS)).execute(c)?;
        Ok(())
    });
    licheng::workers::run_jobs(&app.state).await.unwrap();
    let j = app.get_as(&format!("/api/v1/jobs/{job}"), &fx.b_admin).await.json();
    assert_eq!(j["state"], "failed", "{j}");
    assert!(j["error"].as_str().unwrap().contains("gave up"), "{j}");
    assert_eq!(waiting(), 0, "the given-up job's package is removed");
    assert_eq!(counts(&app, fx.b.id), (0, 0, 0));

    // An export that fails for good part way (s2's file is gone from disk) leaves no unfinished
    // package behind.
    let gone = bytes::sha256(&bytes::jpg(1800));
    std::fs::remove_file(licheng::storage::FileStore::new(app.dir.path()).path_of(&gone)).unwrap();
    let r = app.post_as("/api/v1/transfers/exports", &fx.a_admin, json!({ "student_ids": [fx.ids["s2"]] })).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let job = r.json()["job_id"].as_i64().unwrap();
    licheng::workers::run_jobs(&app.state).await.unwrap();
    let j = app.get_as(&format!("/api/v1/jobs/{job}"), &fx.a_admin).await.json();
    assert_eq!(j["state"], "failed", "{j}");
    assert!(j["error"].as_str().unwrap().contains("作品.jpg"), "named: {j}");
    let dir = app.dir.path().join("jobs").join(job.to_string());
    let left: Vec<_> = std::fs::read_dir(&dir).map(|d| d.map(|e| e.unwrap().file_name()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// Packages of version 2 (and 1) named a performance's link `link`, as its column; version 3
/// names it as the API does. The older name is still read, and the record is kept under the new.
#[test]
fn a_version_2_performance_names_its_link_link_and_is_still_read() {
    let v2 = json!({
        "id": 7, "academic_year": 115, "category": "works", "title": "影片作品", "item": null, "organisation": null, "position": null, "level": null,
        "award": null, "kind": null, "score": null, "certificate_no": null, "participation": null, "hours": null, "credits": null,
        "start_date": "2026-09-01", "end_date": null, "description": "說明", "link": "https://youtu.be/abc", "created_at": "2026-09-02T00:00:00Z",
        "selected": false, "document": null, "video": null
    });
    let read: licheng::transfers::PerformanceRecord = serde_json::from_value(v2).unwrap();
    assert_eq!(read.fields.link.as_deref(), Some("https://youtu.be/abc"));
    let written = serde_json::to_value(&read).unwrap();
    assert_eq!(written["external_link"], "https://youtu.be/abc");
    assert!(written.get("link").is_none(), "{written}");
}
