//! Tamper-evident history (issue #26; meeting 003 #11: 「學習歷程最重要的就是歷程和時點紀錄」): the
//! events of learning results and the audit log are sealed into a per-school hash chain; an edit
//! made directly in the database afterwards is reported with the first broken entry.

use actix_web::http::Method;
use diesel::prelude::*;
use serde_json::json;

use crate::support::{bytes, TestApp};
use licheng::schema::{history_chain as hc, learning_result_events as ev};

async fn certified_result(app: &TestApp) -> i64 {
    let student = app.demo_token("999999_114001").await;
    let course = crate::uploads::course_id(app, &student, "國語文").await.to_string();
    let r = app.upload(Method::POST, "/api/v1/learning-results", &student, &[("course_id", &course)], &[("document", "a.pdf", &bytes::pdf(1200))]).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(app.post_as(&format!("/api/v1/learning-results/{id}/submit"), &student, json!({})).await.status, 200);
    let teacher = app.demo_token("999999_T001").await;
    assert_eq!(app.post_as(&format!("/api/v1/learning-results/{id}/decision"), &teacher, json!({"decision": "certify"})).await.status, 200);
    id
}

fn seal(app: &TestApp) -> usize {
    licheng::history::seal(&app.state.db, app.state.clock.now()).expect("seal")
}

#[actix_web::test]
async fn every_event_is_sealed_and_an_edit_in_the_database_is_reported() {
    let app = TestApp::init();
    let school = app.demo();
    let id = certified_result(&app).await;
    assert!(seal(&app) >= 3);
    assert_eq!(seal(&app), 0, "nothing is sealed twice");
    // The routine pass (near the newest sealed events) finds what is new.
    let now = app.state.clock.now();
    app.write(move |c| {
        let event = licheng::audit::Event { school_id: Some(school), user_id: None, actor: Some("test"), event: licheng::audit::EventKind::ParametersChanged, detail: None, client: None };
        licheng::audit::record(c, event, now)
    });
    assert_eq!(licheng::history::seal_recent(&app.state.db, now).unwrap(), 1);
    assert_eq!(seal(&app), 0);
    let report = licheng::history::verify(&app.state.db).unwrap();
    assert!(report.ok() && report.unsealed == 0 && report.entries >= 3, "{report:?}");
    // An event records the file its result had then.
    let sha: Option<String> = app.write(move |c| Ok(ev::table.filter(ev::result_id.eq(id)).order(ev::id).select(ev::document_sha256).first(c)?));
    assert_eq!(sha.as_deref(), Some(bytes::sha256(&bytes::pdf(1200)).as_str()));

    // The admin sees the head; nobody else, and each school only its own.
    let admin = app.demo_token("admin").await;
    let head = app.get_as("/api/v1/history/head", &admin).await.json();
    let (seq, hash): (i64, String) = app.write(move |c| Ok(licheng::history::head(c, school)?));
    assert_eq!((head["seq"].as_i64(), head["hash"].as_str()), (Some(seq), Some(hash.as_str())), "{head}");
    app.get_as("/api/v1/history/head", &app.demo_token("999999_T001").await).await.assert_problem(403, "role_required");
    app.get_as("/api/v1/history/head", &app.demo_token("999999_114001").await).await.assert_problem(403, "role_required");
    let other = app.school("074314");
    let other_head = app.get_as("/api/v1/history/head", &app.token(&other, "admin").await).await.json();
    assert_ne!(other_head["hash"], head["hash"], "{other_head}");

    // Someone changes who certified the result, directly in the database: reported, with the event.
    let decision: i64 = app.write(move |c| Ok(ev::table.filter(ev::result_id.eq(id)).filter(ev::action.eq("certified")).select(ev::id).first(c)?));
    let actor: Option<i64> = app.write(move |c| Ok(ev::table.find(decision).select(ev::actor_id).first(c)?));
    app.write(move |c| Ok(diesel::update(ev::table.find(decision)).set(ev::actor_id.eq(Some(1))).execute(c)?));
    let report = licheng::history::verify(&app.state.db).unwrap();
    let broken = report.breaks.iter().find(|b| b.school_id == school).cloned().expect("the demo school's chain is broken");
    assert_eq!((broken.source.as_str(), broken.source_id), ("learning_result_events", decision), "{report:?}");
    assert!(broken.problem.contains("changed after it was sealed"), "{report:?}");
    app.write(move |c| Ok(diesel::update(ev::table.find(decision)).set(ev::actor_id.eq(actor)).execute(c)?));
    assert!(licheng::history::verify(&app.state.db).unwrap().ok());

    // A chain entry removed from the middle (with its event) is named as missing.
    let middle: (i64, i64) = app.write(move |c| Ok(hc::table.filter(hc::school_id.eq(school)).filter(hc::seq.eq(2)).select((hc::id, hc::source_id)).first(c)?));
    app.write(move |c| Ok(diesel::delete(hc::table.find(middle.0)).execute(c)?));
    let report = licheng::history::verify(&app.state.db).unwrap();
    let broken = report.breaks.iter().find(|b| b.school_id == school).cloned().expect("broken");
    assert!(broken.seq == 3 && broken.problem.contains("entry 2 is missing"), "{report:?}");
}

#[actix_web::test]
async fn two_sealers_at_once_build_one_unbroken_chain() {
    let app = TestApp::init();
    app.demo();
    certified_result(&app).await;
    let school = app.demo();
    let now = app.state.clock.now();
    app.write(move |c| {
        for n in 0..40 {
            let detail = Some(format!("第 {n} 筆"));
            let event = licheng::audit::Event { school_id: Some(school), user_id: None, actor: Some("test"), event: licheng::audit::EventKind::ParametersChanged, detail, client: None };
            licheng::audit::record(c, event, now)?;
        }
        Ok(())
    });
    // Two instances' sealers race: each pass commits whole or not at all.
    let (db, now) = (app.state.db.clone(), app.state.clock.now());
    std::thread::scope(|s| {
        let a = s.spawn(|| licheng::history::seal(&db, now));
        let b = s.spawn(|| licheng::history::seal(&db, now));
        let _ = (a.join(), b.join());
    });
    seal(&app);
    let report = licheng::history::verify(&app.state.db).unwrap();
    assert!(report.ok() && report.unsealed == 0, "{report:?}");
    let sealed: i64 = app.write(|c| Ok(hc::table.count().get_result(c)?));
    assert_eq!(sealed as usize, report.entries);
    assert!(report.entries >= 43, "{report:?}");
}

/// Counts the reads (SELECT statements) a connection runs.
fn counting(conn: &mut licheng::db::DbConn) -> std::sync::Arc<std::sync::atomic::AtomicUsize> {
    use diesel::connection::{Connection, InstrumentationEvent};
    let n = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = n.clone();
    conn.set_instrumentation(move |e: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = e {
            if !query.to_string().trim_start().to_ascii_uppercase().starts_with("SELECT") {
                return;
            }
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    n
}

#[actix_web::test]
async fn sealing_and_verifying_read_the_events_in_batches() {
    let app = TestApp::init();
    let school = app.demo();
    seal(&app);
    let now = app.state.clock.now();
    app.write(move |c| {
        for n in 0..300 {
            let detail = Some(format!("第 {n} 筆"));
            let event = licheng::audit::Event { school_id: Some(school), user_id: None, actor: Some("test"), event: licheng::audit::EventKind::ParametersChanged, detail, client: None };
            licheng::audit::record(c, event, now)?;
        }
        Ok(())
    });
    let mut conn = app.state.db.get().unwrap();
    let queries = counting(&mut conn);
    assert_eq!(licheng::history::seal_batch(&mut conn, now, true).unwrap(), 300);
    let sealing = queries.swap(0, std::sync::atomic::Ordering::SeqCst);
    assert!(sealing < 20, "sealing 300 events ran {sealing} reads (one per event?)");
    let report = licheng::history::verify_with(&mut conn).unwrap();
    let verifying = queries.swap(0, std::sync::atomic::Ordering::SeqCst);
    assert!(report.ok() && report.entries >= 300, "{report:?}");
    assert!(verifying < 20, "verifying {} entries ran {verifying} reads (one per entry?)", report.entries);
    diesel::connection::Connection::set_instrumentation(&mut *conn, |_: diesel::connection::InstrumentationEvent<'_>| {});
}

/// Seals what is pending and returns the details of the sealed audit events named `event`.
pub fn sealed_events(app: &TestApp, event: &'static str) -> Vec<String> {
    use licheng::schema::audit_events as ae;
    seal(app);
    app.write(move |c| {
        Ok(ae::table
            .inner_join(hc::table.on(hc::source_id.eq(ae::id).and(hc::source.eq("audit_events"))))
            .filter(ae::event.eq(event))
            .order(ae::id)
            .select(ae::detail)
            .load::<Option<String>>(c)?
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect())
    })
}

#[actix_web::test]
async fn performance_changes_are_sealed() {
    let app = TestApp::init();
    app.demo();
    let student = app.demo_token("999999_114003").await;
    let fields = [("category", "works"), ("title", "個人作品集"), ("start_date", "2026-10-01"), ("description", "攝影")];
    let perf = app.upload(Method::POST, "/api/v1/performances", &student, &fields, &[("document", "w.pdf", &bytes::pdf(1000))]).await;
    assert_eq!(perf.status, 201, "{}", perf.text());
    let id = perf.json()["id"].as_i64().unwrap();
    // A student's own selections are sealed too, not only a temporary account's.
    assert_eq!(app.put_as(&format!("/api/v1/me/selections/performances/{id}"), &student, serde_json::json!({})).await.status, 200);
    assert_eq!(app.delete_as(&format!("/api/v1/me/selections/performances/{id}"), &student).await.status, 204);
    assert_eq!(app.delete_as(&format!("/api/v1/performances/{id}"), &student).await.status, 204);
    let selections = sealed_events(&app, "selection_changed");
    assert_eq!(selections.len(), 2, "{selections:?}");
    assert!(selections[0].contains("\"selected\"") && selections[0].contains(&format!("\"item\":{id}")), "{selections:?}");
    assert!(selections[1].contains("\"unselected\""), "{selections:?}");
    let sealed = sealed_events(&app, "performance_changed");
    assert_eq!(sealed.len(), 2, "{sealed:?}");
    assert!(sealed[0].contains(&format!("\"performance\":{id}")) && sealed[0].contains("created"), "{sealed:?}");
    // With the SHA-256 of its file, as learning-result events have.
    assert!(sealed[0].contains(&format!("\"document_sha256\":\"{}\"", bytes::sha256(&bytes::pdf(1000)))), "{sealed:?}");
    assert!(sealed[1].contains("deleted"), "{sealed:?}");
    assert!(licheng::history::verify(&app.state.db).unwrap().ok());
}

#[actix_web::test]
async fn a_performance_edit_seals_its_fields_before_and_after_and_tampering_with_them_is_reported() {
    use licheng::schema::audit_events as ae;
    let app = TestApp::init();
    let school = app.demo();
    let student = app.demo_token("999999_114003").await;
    let fields = [("category", "works"), ("title", "個人作品集"), ("start_date", "2026-10-01"), ("description", "攝影")];
    let perf = app.upload(Method::POST, "/api/v1/performances", &student, &fields, &[("document", "w.pdf", &bytes::pdf(1000))]).await;
    assert_eq!(perf.status, 201, "{}", perf.text());
    let id = perf.json()["id"].as_i64().unwrap();
    let edit = [("category", "works"), ("title", "攝影作品集"), ("start_date", "2026-10-01"), ("description", "黑白攝影")];
    let r = app.upload(Method::PUT, &format!("/api/v1/performances/{id}"), &student, &edit, &[]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(app.delete_as(&format!("/api/v1/performances/{id}"), &student).await.status, 204);

    let sealed: Vec<serde_json::Value> = sealed_events(&app, "performance_changed").iter().map(|d| serde_json::from_str(d).unwrap()).collect();
    assert_eq!(sealed.len(), 3, "{sealed:?}");
    let (created, updated, deleted) = (&sealed[0], &sealed[1], &sealed[2]);
    assert!(created["before"].is_null() && created["after"]["title"] == "個人作品集", "{created}");
    assert_eq!((updated["before"]["title"].as_str(), updated["after"]["title"].as_str()), (Some("個人作品集"), Some("攝影作品集")), "{updated}");
    assert_eq!((updated["before"]["description"].as_str(), updated["after"]["description"].as_str()), (Some("攝影"), Some("黑白攝影")), "{updated}");
    let sha = bytes::sha256(&bytes::pdf(1000));
    assert_eq!(updated["after"]["document_sha256"].as_str(), Some(sha.as_str()), "{updated}");
    assert!(deleted["after"].is_null() && deleted["before"]["title"] == "攝影作品集", "{deleted}");

    // Someone rewrites what the title was before the edit, directly in the database: reported.
    let event: (i64, Option<String>) = app.write(move |c| {
        Ok(ae::table.filter(ae::event.eq("performance_changed")).filter(ae::detail.like("%\"updated\"%")).select((ae::id, ae::detail)).first(c)?)
    });
    let forged = event.1.clone().unwrap().replacen("個人作品集", "全國科展金牌", 1);
    app.write(move |c| Ok(diesel::update(ae::table.find(event.0)).set(ae::detail.eq(Some(forged))).execute(c)?));
    let report = licheng::history::verify(&app.state.db).unwrap();
    let broken = report.breaks.iter().find(|b| b.school_id == school).cloned().expect("the demo school's chain is broken");
    assert_eq!((broken.source.as_str(), broken.source_id), ("audit_events", event.0), "{report:?}");
    assert!(broken.problem.contains("changed after it was sealed"), "{report:?}");
}

#[actix_web::test]
async fn a_history_note_or_an_action_on_behalf_does_not_invalidate_the_cached_principals() {
    let app = TestApp::init();
    let school = app.school("074313");
    let student = app.student(&school, "074313_010001", "N226854735");
    let helper = app.teacher(&school, "t1");
    let now = app.state.clock.now();
    let on_behalf = licheng::uploads::access::Caller { school: school.id, user: student, actor: helper, admin: false, student: true };
    // Other tests of this process may invalidate at any moment: one quiet try of each is enough.
    let quiet = |f: &dyn Fn(&mut licheng::db::DbConn) -> licheng::error::ApiResult<()>| {
        (0..30).any(|_| {
            let before = app.state.principals.generation();
            app.write(f);
            app.state.principals.generation() == before
        })
    };
    // A kind that `audit::record` would take for a change of rights: a note keeps the cache all the same.
    let (not_routine, added) = (licheng::audit::EventKind::SelectionRemoved, licheng::audit::EventKind::SelectionAdded);
    assert!(!not_routine.routine() && !added.routine());
    assert!(quiet(&|c: &mut licheng::db::DbConn| licheng::history::note(c, school.id, Some(student), not_routine, serde_json::json!({"n": 1}), now)), "every note invalidated the cache");
    assert!(quiet(&|c: &mut licheng::db::DbConn| licheng::uploads::access::record_on_behalf(c, on_behalf, added, "performance 1".into(), now)), "every selection on behalf invalidated the cache");
}

#[actix_web::test]
async fn a_result_edit_seals_its_description_before_and_after_and_tampering_with_them_is_reported() {
    let app = TestApp::init();
    let school = app.demo();
    let student = app.demo_token("999999_114001").await;
    let course = crate::uploads::course_id(&app, &student, "國語文").await.to_string();
    let r = app.upload(Method::POST, "/api/v1/learning-results", &student, &[("course_id", &course), ("description", "初稿")], &[("document", "a.pdf", &bytes::pdf(1200))]).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let r = app.upload(Method::PUT, &format!("/api/v1/learning-results/{id}"), &student, &[("description", "定稿")], &[("document", "b.pdf", &bytes::pdf(1300))]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    seal(&app);
    let (event, detail): (i64, Option<String>) = app.write(move |c| Ok(ev::table.filter(ev::result_id.eq(id)).filter(ev::action.eq("updated")).select((ev::id, ev::detail)).first(c)?));
    let detail: serde_json::Value = serde_json::from_str(&detail.expect("the edit records its fields")).unwrap();
    assert_eq!((detail["before"]["description"].as_str(), detail["after"]["description"].as_str()), (Some("初稿"), Some("定稿")), "{detail}");
    let (old, new) = (bytes::sha256(&bytes::pdf(1200)), bytes::sha256(&bytes::pdf(1300)));
    assert_eq!((detail["before"]["document_sha256"].as_str(), detail["after"]["document_sha256"].as_str()), (Some(old.as_str()), Some(new.as_str())), "{detail}");
    assert!(licheng::history::verify(&app.state.db).unwrap().ok());

    let forged = detail.to_string().replacen("初稿", "另一份稿", 1);
    app.write(move |c| Ok(diesel::update(ev::table.find(event)).set(ev::detail.eq(Some(forged))).execute(c)?));
    let report = licheng::history::verify(&app.state.db).unwrap();
    let broken = report.breaks.iter().find(|b| b.school_id == school).cloned().expect("the demo school's chain is broken");
    assert_eq!((broken.source.as_str(), broken.source_id), ("learning_result_events", event), "{report:?}");
}

/// Issue #26 item 1: role and period changes are sealed with what they were before, not only what
/// they became — and rewriting the "before" afterwards is reported like any other edit.
#[actix_web::test]
async fn role_group_and_period_updates_seal_what_they_were_before() {
    use licheng::schema::audit_events as ae;
    let app = TestApp::init();
    let school = app.demo();
    let admin = app.demo_token("admin").await;
    let g = app.post_as("/api/v1/role-groups", &admin, json!({"code": "REG", "name": "註冊組"})).await;
    assert_eq!(g.status, 201, "{}", g.text());
    let id = g.json()["id"].as_i64().unwrap();
    let r = app.put_as(&format!("/api/v1/role-groups/{id}"), &admin, json!({"code": "REG", "name": "註冊組（停用）", "in_use": false})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = app.put_as(&format!("/api/v1/role-groups/{id}/modules"), &admin, json!({"modules": [{"code": "S0203S"}]})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = app.put_as(&format!("/api/v1/role-groups/{id}/modules"), &admin, json!({"modules": [{"code": "S0207S"}]})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let periods = app.get_as("/api/v1/work-periods", &admin).await.json();
    let p = periods.as_array().and_then(|a| a.first()).cloned().expect("the demo school has work periods");
    let end: chrono::NaiveDate = p["end_date"].as_str().unwrap().parse().unwrap();
    let moved = json!({
        "academic_year": p["academic_year"], "semester": p["semester"], "grade": p["grade"], "item": p["item"],
        "start_date": p["start_date"], "start_hour": p["start_hour"], "end_date": (end + chrono::Duration::days(1)).to_string(), "end_hour": p["end_hour"],
    });
    let r = app.put_as(&format!("/api/v1/work-periods/{}", p["id"]), &admin, moved).await;
    assert_eq!(r.status, 200, "{}", r.text());

    let updated = sealed_events(&app, "role_group_updated");
    assert!(updated.iter().any(|d| d.contains("註冊組（停用） in_use=false") && d.ends_with("REG 註冊組 in_use=true")), "{updated:?}");
    let modules = sealed_events(&app, "role_group_modules_changed");
    assert!(modules.iter().any(|d| d.starts_with("REG: S0207S") && d.ends_with("S0203S")), "{modules:?}");
    let period = sealed_events(&app, "work_period_updated");
    let period = period.last().expect("the period update is sealed").clone();
    let (after, before) = period.split_once(licheng::audit::BEFORE).expect("the period update says what it was");
    assert_ne!(after, before, "{period}");
    // The audit log reads it in words: 「…；原為 …」.
    let log = app.get_as("/api/v1/audit-events?event=work_period_updated", &admin).await;
    assert!(log.text().contains("；原為"), "{}", log.text());

    // Someone rewrites what the period was before, directly in the database: reported.
    let event: i64 = app.write(move |c| Ok(ae::table.filter(ae::event.eq("work_period_updated")).order(ae::id.desc()).select(ae::id).first(c)?));
    let forged = format!("{after}{}{after}", licheng::audit::BEFORE);
    app.write(move |c| Ok(diesel::update(ae::table.find(event)).set(ae::detail.eq(Some(forged))).execute(c)?));
    let report = licheng::history::verify(&app.state.db).unwrap();
    let broken = report.breaks.iter().find(|b| b.school_id == school).cloned().expect("the demo school's chain is broken");
    assert_eq!((broken.source.as_str(), broken.source_id), ("audit_events", event), "{report:?}");
}
