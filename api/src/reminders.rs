//! Reminder mails (issue #7 §6; manual 3.3, 3.8): a scheduler inside the server
//! - mails every teacher with uncertified results a daily reminder at the school's hour
//!   (count per course, link to the queue), while their certification period is open;
//! - N days before a selection period ends, mails the students who have something to select and
//!   selected nothing (learning results and performances separately);
//! - N days before the upload-and-submit period ends, mails the students with results still in
//!   `editing`.
//!
//! Each reminder is first planned into the mail outbox ([`crate::notify::outbox`]), whose unique
//! key (user, reason, Taipei day) makes it happen at most once per day and reason however many
//! server instances run; then it is claimed (a conditional update only one instance wins), sent
//! through the school's mail server, and on failure retried with back-off, its last error kept
//! for the admin (`GET /reminders/log`). A crash between sending and recording could send one
//! mail twice — the only way to rule that out would be to never retry, which loses reminders
//! instead.
//!
//! This module plans, runs the passes and serves the admin's pages; the outbox's statements,
//! states and claim/lease/back-off rules (the jobs', [`crate::jobs::lease`]) are
//! [`crate::notify::outbox`]'s. It sits above the domains it asks for what is due (certification,
//! receipts, selections, uploads); the words those domains share with it (`Reason`, `Planned`,
//! the Taipei calendar) are [`crate::notify::reminders`], below them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use actix_web::{get, post, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;
use crate::auth::{Need, Principal};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::notify::outbox::{self, MailLog, MailLogFilter};
pub use crate::notify::reminders::{address, in_last_days, taipei, Planned, Reason};
use crate::mail;
use crate::pagination::PageQuery;
use crate::schema::{
    courses, learning_results as lr, mail_settings, performances as pf, schools, selections as sel, student_profiles as sp,
    teaching_assignments as ta, users,
};
use crate::settings::parameters;
use crate::settings::periods::{self, Item};
use crate::terms::{self, Term};
use crate::uploads::results::ResultState;

/// Everything due for `school` at `now` (Taipei day and hour), by the school's parameters and
/// work periods. `link` is the web app's address.
pub fn plan(c: &mut DbConn, school: i64, now: NaiveDateTime, link: &str) -> ApiResult<Vec<Planned>> {
    let receipts = crate::receipts::due_reminders(c, school, now)?;
    plan_with(c, school, now, link, &receipts)
}

/// [`plan`] with the students the receipts remind already found.
fn plan_with(c: &mut DbConn, school: i64, now: NaiveDateTime, link: &str, receipts: &crate::receipts::DueReminders) -> ApiResult<Vec<Planned>> {
    let Some(term) = terms::current(c, school)? else { return Ok(Vec::new()) };
    let (params, _) = parameters::load(c, school)?;
    let (today, hour) = taipei(now);
    let mut out = Vec::new();
    if let Some(h) = params.teacher_reminder_hour {
        if hour >= h.max(0) as u32 {
            out.extend(teachers(c, school, term, now, link)?);
        }
    }
    out.extend(crate::receipts::reminders_of(c, receipts, link)?);
    for grade in 1..=3 {
        if let Some(p) = periods::find(c, school, Item::UploadResults, grade, term, now)? {
            if p.open && in_last_days(today, p.end_date, params.remind_submit_days) {
                out.extend(editing_students(c, school, term, grade, &p, link)?);
            }
        }
        for (item, reason, days) in [
            (Item::SelectResults, Reason::SelectResults, params.remind_results_selection_days),
            (Item::SelectPerformances, Reason::SelectPerformances, params.remind_performances_selection_days),
        ] {
            if let Some(p) = periods::find(c, school, item, grade, term, now)? {
                if p.open && in_last_days(today, p.end_date, days) {
                    out.extend(unselected_students(c, school, term, grade, reason, &p, link)?);
                }
            }
        }
    }
    Ok(out)
}

fn deadline(p: &periods::Period) -> String {
    format!("{} {} 時", crate::time::roc_date(p.end_date), p.end_hour)
}

/// Teachers with submitted results in courses they certify whose grade's period is open.
fn teachers(c: &mut DbConn, school: i64, term: Term, now: NaiveDateTime, link: &str) -> ApiResult<Vec<Planned>> {
    let rows: Vec<(i64, String, String, i32, i64)> = lr::table
        .inner_join(courses::table.on(courses::id.eq(lr::course_id)))
        .inner_join(ta::table.on(ta::course_id.eq(courses::id)))
        .filter(lr::school_id.eq(school))
        .filter(lr::state.eq(ResultState::Submitted.as_str()))
        .filter(lr::deleted_at.is_null())
        .filter(courses::academic_year.eq(term.academic_year))
        .filter(courses::semester.eq(term.semester))
        .filter(ta::active.eq(true))
        .filter(ta::can_certify.eq(true))
        .select((ta::teacher_id, courses::subject_name, courses::class_code, courses::grade, lr::id))
        .load(c)?;
    let mut open: HashMap<i32, bool> = HashMap::new();
    let mut per_teacher: HashMap<i64, Vec<(String, i64)>> = HashMap::new();
    for (teacher, subject, class, grade, _) in rows {
        let is_open = match open.get(&grade) {
            Some(v) => *v,
            None => {
                let v = periods::find(c, school, Item::CertifyResults, grade, term, now)?.is_some_and(|p| p.open);
                open.insert(grade, v);
                v
            }
        };
        if !is_open {
            continue;
        }
        let label = if class.is_empty() { subject } else { format!("{subject}（{class}）") };
        let list = per_teacher.entry(teacher).or_default();
        match list.iter_mut().find(|(l, _)| *l == label) {
            Some(entry) => entry.1 += 1,
            None => list.push((label, 1)),
        }
    }
    let ids: Vec<i64> = per_teacher.keys().copied().collect();
    let people: Vec<(i64, String, Option<String>, Option<String>)> = users::table
        .filter(users::id.eq_any(&ids))
        .filter(users::active.eq(true))
        .select((users::id, users::display_name, users::email, users::backup_email))
        .load(c)?;
    let mut out = Vec::new();
    for (id, name, email, backup) in people {
        let Some(recipient) = address(email, backup) else { continue };
        let mut courses = per_teacher.remove(&id).unwrap_or_default();
        courses.sort();
        let total: i64 = courses.iter().map(|(_, n)| n).sum();
        let lines: String = courses.iter().map(|(l, n)| format!("  {l}：{n} 件\n")).collect();
        out.push(Planned {
            user_id: id,
            recipient,
            reason: Reason::TeacherUncertified,
            subject: format!("【學習歷程】您有 {total} 件學習成果待認證"),
            body: format!("{name} 老師您好：\n\n您授課的課程尚有 {total} 件學生課程學習成果等待認證：\n{lines}\n請登入認證：{link}/teacher/certification\n\n提醒您：{}\n\n（此為系統自動寄送的提醒信，每日一次。）", crate::certification::rules::MEANING_ZH),
        });
    }
    out.sort_by_key(|p| p.user_id);
    Ok(out)
}

fn grade_students(c: &mut DbConn, school: i64, grade: i32) -> ApiResult<Vec<(i64, String, Option<String>, Option<String>)>> {
    Ok(sp::table
        .inner_join(users::table.on(users::id.eq(sp::user_id)))
        .filter(sp::school_id.eq(school))
        .filter(sp::grade.eq(grade))
        .filter(users::active.eq(true))
        .order(sp::user_id.asc())
        .select((users::id, users::display_name, users::email, users::backup_email))
        .load(c)?)
}

fn editing_students(c: &mut DbConn, school: i64, term: Term, grade: i32, p: &periods::Period, link: &str) -> ApiResult<Vec<Planned>> {
    let editing_of: Vec<i64> = lr::table
        .inner_join(sp::table.on(sp::user_id.eq(lr::student_id)))
        .filter(lr::school_id.eq(school))
        .filter(sp::grade.eq(grade))
        .filter(lr::academic_year.eq(term.academic_year))
        .filter(lr::semester.eq(term.semester))
        .filter(lr::state.eq(ResultState::Editing.as_str()))
        .filter(lr::deleted_at.is_null())
        .select(lr::student_id)
        .load(c)?;
    let mut editing: HashMap<i64, usize> = HashMap::new();
    for s in editing_of {
        *editing.entry(s).or_default() += 1;
    }
    let mut out = Vec::new();
    for (id, name, email, backup) in grade_students(c, school, grade)? {
        let n = editing.get(&id).copied().unwrap_or(0);
        let Some(recipient) = address(email, backup) else { continue };
        if n == 0 {
            continue;
        }
        out.push(Planned {
            user_id: id,
            recipient,
            reason: Reason::SubmitResults,
            subject: "【學習歷程】學習成果尚未送出認證".into(),
            body: format!(
                "{name} 同學您好：\n\n您有 {n} 件課程學習成果仍在「編輯中」，尚未送出認證。上傳及送出認證的截止時間為 {}。\n逾期未送出的學習成果無法認證。\n\n請登入：{link}/student/results\n\n（此為系統自動寄送的提醒信。）",
                deadline(p)
            ),
        });
    }
    Ok(out)
}

fn unselected_students(c: &mut DbConn, school: i64, term: Term, grade: i32, reason: Reason, p: &periods::Period, link: &str) -> ApiResult<Vec<Planned>> {
    use crate::schema::transfer_items as tx;
    use crate::selections::Kind;
    let (kind, what, path) = match reason {
        Reason::SelectPerformances => (Kind::Performances, "多元表現", "performances"),
        _ => (Kind::Results, "課程學習成果", "selections"),
    };
    // Items imported from another school (issue #21) are selected and selectable as the
    // student's own.
    let selected: HashSet<i64> = sel::table
        .filter(sel::school_id.eq(school))
        .filter(sel::academic_year.eq(term.academic_year))
        .filter(sel::item_kind.eq_any([kind.item_kind(), kind.imported_kind()]))
        .select(sel::student_id)
        .load::<i64>(c)?
        .into_iter()
        .collect();
    let mut imported = tx::table.filter(tx::school_id.eq(school)).filter(tx::academic_year.eq(term.academic_year)).filter(tx::item_kind.eq(kind.item_kind())).select(tx::student_id).into_boxed();
    if kind == Kind::Results {
        imported = imported.filter(tx::state.eq(ResultState::Certified.as_str()));
    }
    let imported: Vec<i64> = imported.load(c)?;
    // Only students who have something to select: a certified result, or a performance.
    let mut available: HashSet<i64> = if reason == Reason::SelectPerformances {
        pf::table
            .filter(pf::school_id.eq(school))
            .filter(pf::academic_year.eq(term.academic_year))
            .filter(pf::deleted_at.is_null())
            .select(pf::student_id)
            .load::<i64>(c)?
            .into_iter()
            .collect()
    } else {
        lr::table
            .filter(lr::school_id.eq(school))
            .filter(lr::academic_year.eq(term.academic_year))
            .filter(lr::state.eq(ResultState::Certified.as_str()))
            .filter(lr::deleted_at.is_null())
            .select(lr::student_id)
            .load::<i64>(c)?
            .into_iter()
            .collect()
    };
    available.extend(imported);
    let mut out = Vec::new();
    for (id, name, email, backup) in grade_students(c, school, grade)? {
        if selected.contains(&id) || !available.contains(&id) {
            continue;
        }
        let Some(recipient) = address(email, backup) else { continue };
        out.push(Planned {
            user_id: id,
            recipient,
            reason,
            subject: format!("【學習歷程】請勾選要提交的{what}"),
            body: format!(
                "{name} 同學您好：\n\n您本學年尚未勾選要提交到中央資料庫的{what}。勾選截止時間為 {}，逾期將無法提交。\n\n請登入勾選：{link}/student/{path}\n\n（此為系統自動寄送的提醒信。）",
                deadline(p)
            ),
        });
    }
    Ok(out)
}

/// What one run did.
#[derive(Debug, Default, Clone, Serialize, ToSchema)]
pub struct RunReport {
    /// Reminders newly planned into the outbox.
    pub planned: usize,
    /// Mails the mail server accepted.
    pub sent: usize,
    /// Mails that failed this time (to be retried unless out of attempts).
    pub failed: usize,
}

/// One scheduler pass: plan today's reminders of every school with a mail server (or only
/// `school`), then send what is due.
pub async fn run_once(state: &AppState, school: Option<i64>) -> ApiResult<RunReport> {
    let now = state.clock.now();
    let (day, _) = taipei(now);
    let link = state.config.public_url();
    // Every active school (or only `school`), and whether it has a mail server.
    let all: Vec<(i64, Option<i64>)> = state
        .db
        .read(move |c| {
            let mut q = schools::table
                .left_join(mail_settings::table.on(mail_settings::school_id.eq(schools::id)))
                .filter(schools::active.eq(true))
                .select((schools::id, mail_settings::school_id.nullable()))
                .order(schools::id.asc())
                .into_boxed();
            if let Some(s) = school {
                q = q.filter(schools::id.eq(s));
            }
            Ok(q.load(c)?)
        })
        .await?;
    let mut report = RunReport::default();
    for (id, mail_server) in all {
        let link = link.clone();
        // The students the receipts remind, found once: in-app reminders (every active school,
        // no mail server needed; added in a write only when some are due) and mails.
        let (receipts, in_app, planned) = state
            .db
            .read(move |c| {
                let receipts = crate::receipts::due_reminders(c, id, now)?;
                let in_app = crate::receipts::in_app_reminders_of(c, id, now, &receipts, false)?;
                let planned = if mail_server.is_some() { plan_with(c, id, now, &link, &receipts)? } else { Vec::new() };
                Ok((receipts, in_app, planned))
            })
            .await?;
        if in_app > 0 {
            state.db.write(move |c| crate::receipts::in_app_reminders_of(c, id, now, &receipts, true)).await?;
        }
        if planned.is_empty() {
            continue;
        }
        match state.db.write(move |c| outbox::enqueue(c, id, day, &planned, now)).await {
            Ok(n) => report.planned += n,
            // Another instance planned the same reminders in the same moment.
            Err(e) if e.code == ErrorCode::Conflict => tracing::debug!(school = id, "reminders planned by another instance"),
            Err(e) => return Err(e),
        }
    }
    let due = state.db.read(move |c| outbox::due(c, now, school)).await?;
    let mut by_school: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (id, school_id) in due {
        by_school.entry(school_id).or_default().push(id);
    }
    // Each school's server gets its own task and time budget, so a slow one only delays its own
    // school's mail.
    let budget = Duration::from_secs(state.config.mail_school_budget_seconds);
    let runs = by_school.into_iter().map(|(school_id, ids)| send_school(state, school_id, ids, budget));
    for outcome in futures_util::future::join_all(runs).await {
        let (sent, failed) = outcome?;
        report.sent += sent;
        report.failed += failed;
    }
    Ok(report)
}

/// Sends one school's due mails until they are done or `budget` has passed (the rest stays due
/// for the next pass); returns how many were sent and how many failed.
async fn send_school(state: &AppState, school_id: i64, ids: Vec<i64>, budget: Duration) -> ApiResult<(usize, usize)> {
    let started = std::time::Instant::now();
    let policy = mail::MailPolicy::from_config(&state.config);
    let secrets = state.secrets.clone();
    let mailer = state.db.read(move |c| mail::mailer(c, &secrets, school_id)).await?;
    let (mut sent, mut failed) = (0, 0);
    for id in ids {
        if started.elapsed() >= budget {
            tracing::info!(school = school_id, "mail budget of this pass used up; the rest waits for the next pass");
            break;
        }
        // The lease runs from the claim, not from the start of the pass: a pass that has spent
        // its time on a slow server must not claim a mail with a lease already over.
        let claimed_at = state.clock.now();
        let Some((_, to, subject, body, token)) = state.db.write(move |c| outbox::claim(c, id, claimed_at)).await? else { continue };
        let outcome = match &mailer {
            Some(m) => mail::send(&policy, m, &to, &subject, &body).await.map_err(|e| e.to_string()),
            None => Err("學校尚未設定郵件伺服器 (no mail server set)".to_string()),
        };
        if outcome.is_ok() {
            sent += 1;
        } else {
            failed += 1;
            tracing::warn!(mail = id, error = ?outcome.as_ref().err(), "reminder mail failed");
        }
        let done = state.clock.now();
        if !state.db.write(move |c| outbox::finish(c, id, &token, &outcome, done)).await? {
            tracing::warn!(mail = id, "the mail's claim ran out and another instance took it; its outcome is theirs to record");
        }
    }
    Ok((sent, failed))
}

/// Starts the scheduler on the current actix runtime (every `reminder_interval_seconds`).
pub fn spawn(state: AppState) {
    let every = state.config.reminder_interval_seconds;
    if every == 0 {
        return;
    }
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(Duration::from_secs(every));
        loop {
            tick.tick().await;
            match run_once(&state, None).await {
                Ok(r) if r.planned + r.sent + r.failed > 0 => tracing::info!(planned = r.planned, sent = r.sent, failed = r.failed, "reminders"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "reminder run failed"),
            }
        }
    });
}


/// 提醒信紀錄: the school's reminder mails, newest first, with failures and their errors.
#[utoipa::path(
    tag = "accounts",
    params(MailLogFilter, PageQuery),
    responses(
        (status = 200, description = "One page of reminder mails and the failed count", body = MailLog),
        (status = 400, description = "Malformed filter", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad paging", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reminders/log")]
pub async fn reminder_log(state: web::Data<AppState>, who: Principal, filter: web::Query<MailLogFilter>, page: web::Query<PageQuery>) -> ApiResult<web::Json<MailLog>> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    let (page, per_page) = page.checked()?;
    let f = filter.into_inner();
    state.db.read(move |c| Ok(web::Json(outbox::log(c, school, &f, page, per_page)?))).await
}

/// Run the school's reminders now (plan what is due today, send what is due, retry failures
/// whose time has come) — e.g. after fixing the mail server. Never sends a reminder twice a day.
#[utoipa::path(
    tag = "accounts",
    responses(
        (status = 200, description = "What the run planned, sent and failed", body = RunReport),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No mail server is set", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reminders/run")]
pub async fn run_reminders(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<RunReport>> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    let configured: bool = state
        .db
        .read(move |c| Ok(mail_settings::table.find(school).select(mail_settings::school_id).first::<i64>(c).optional()?.is_some()))
        .await?;
    if !configured {
        return Err(ApiError::new(ErrorCode::MailNotConfigured));
    }
    Ok(web::Json(run_once(&state, Some(school)).await?))
}
