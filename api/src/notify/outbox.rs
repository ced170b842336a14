//! The reminder mail outbox (issue #7 §6, issue #17 item 5): the table `mail_outbox`, its states
//! and its rules. A planned reminder is put in once ([`enqueue`]): the unique key (user, reason,
//! Taipei day) makes it happen at most once per day and reason however many server instances run.
//! A mail that is [`due`] is [`claim`]ed by a conditional update only one instance wins, with a
//! lease and a token; after the sending, [`finish`] records how it ended if this instance still
//! holds the claim, and a failure is retried with back-off until [`MAX_ATTEMPTS`], its last error
//! kept for the admin. The claim/lease/back-off rules are the jobs' ([`crate::jobs::lease`]).
//!
//! The admin's log of the outbox ([`log`], `GET /reminders/log`) reads it here too. What is
//! planned and how a mail is sent are not known here: the planner and the runner that ask the
//! domains what is due and send through the school's mail server are `crate::reminders`, above
//! the domains.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::reminders::{Planned, Reason};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::jobs::lease;
use crate::pagination::{offset, Page};
use crate::schema::{mail_outbox as mo, users};

/// Attempts before a reminder is given up (and stays `failed` in the log).
pub const MAX_ATTEMPTS: i32 = 5;
/// The outbox's rules: one instance holds a claimed mail for 5 minutes before another may take
/// it over; [`MAX_ATTEMPTS`]; back-off of 1, 5, 15, then 60 minutes.
pub const POLICY: lease::Policy = lease::Policy { lease_seconds: 300, max_attempts: MAX_ATTEMPTS, backoff: lease::Backoff(&[60, 300, 900, 3600]), error_chars: 500 };

/// A mail's place in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    /// Planned, not sent yet.
    Pending,
    /// Claimed by a server instance that is sending it.
    Sending,
    Sent,
    /// The last attempt failed; retried later unless `attempts` reached the maximum.
    Failed,
}

impl MailStatus {
    pub const ALL: [MailStatus; 4] = [MailStatus::Pending, MailStatus::Sending, MailStatus::Sent, MailStatus::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            MailStatus::Pending => "pending",
            MailStatus::Sending => "sending",
            MailStatus::Sent => "sent",
            MailStatus::Failed => "failed",
        }
    }

    /// The stored status (`mail_outbox.status`); anything else is an error, never a default.
    pub fn parse(s: &str) -> ApiResult<MailStatus> {
        MailStatus::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| ApiError::bad_stored("mail_outbox.status", s))
    }
}


/// Puts the planned reminders of `day` into the outbox, skipping those already there. Returns
/// how many were added. Another instance adding the same ones at the same moment makes this
/// transaction fail on the unique key: nothing is lost, they are there already.
pub fn enqueue(c: &mut DbConn, school: i64, day: NaiveDate, planned: &[Planned], now: NaiveDateTime) -> ApiResult<usize> {
    let existing: Vec<(i64, String)> = mo::table.filter(mo::school_id.eq(school)).filter(mo::day.eq(day)).select((mo::user_id, mo::reason)).load(c)?;
    let mut added = 0;
    for p in planned {
        if existing.iter().any(|(u, r)| *u == p.user_id && r == p.reason.as_str()) {
            continue;
        }
        diesel::insert_into(mo::table)
            .values((
                mo::school_id.eq(school),
                mo::user_id.eq(p.user_id),
                mo::reason.eq(p.reason.as_str()),
                mo::day.eq(day),
                mo::recipient.eq(&p.recipient),
                mo::subject.eq(&p.subject),
                mo::body.eq(&p.body),
                mo::status.eq(MailStatus::Pending.as_str()),
                mo::attempts.eq(0),
                mo::next_attempt_at.eq(now),
                mo::created_at.eq(now),
            ))
            .execute(c)?;
        added += 1;
    }
    Ok(added)
}

/// Mails that may be sent now (not sent, attempts left, due, not claimed by a live instance).
pub fn due(c: &mut DbConn, now: NaiveDateTime, school: Option<i64>) -> ApiResult<Vec<(i64, i64)>> {
    let mut q = mo::table
        .filter(mo::status.ne(MailStatus::Sent.as_str()))
        .filter(mo::attempts.lt(MAX_ATTEMPTS))
        .filter(mo::next_attempt_at.le(now))
        .filter(mo::claimed_until.is_null().or(mo::claimed_until.lt(now)))
        .order(mo::id.asc())
        .limit(200)
        .select((mo::id, mo::school_id))
        .into_boxed();
    if let Some(s) = school {
        q = q.filter(mo::school_id.eq(s));
    }
    Ok(q.load(c)?)
}

/// A claimed mail: its school, recipient, subject and body, and the claim's token.
pub type Claimed = (i64, String, String, String, String);

/// Claims one mail for this instance with a lease and a token, as a job is claimed
/// ([`crate::jobs::lease`]); `None` when another instance has it.
pub fn claim(c: &mut DbConn, id: i64, now: NaiveDateTime) -> ApiResult<Option<Claimed>> {
    let token = lease::token();
    let claimed = diesel::update(
        mo::table
            .filter(mo::id.eq(id))
            .filter(mo::status.ne(MailStatus::Sent.as_str()))
            .filter(mo::attempts.lt(MAX_ATTEMPTS))
            .filter(mo::claimed_until.is_null().or(mo::claimed_until.lt(now))),
    )
    .set((mo::status.eq(MailStatus::Sending.as_str()), mo::claimed_until.eq(Some(POLICY.lease_end(now))), mo::claim_token.eq(Some(&token))))
    .execute(c)?;
    if claimed != 1 {
        return Ok(None);
    }
    let (school, to, subject, body) = mo::table.find(id).select((mo::school_id, mo::recipient, mo::subject, mo::body)).first(c)?;
    Ok(Some((school, to, subject, body, token)))
}

/// Records how the sending ended, if this instance still holds the claim (`token`): an instance
/// whose lease ran out and whose mail another instance claimed again records nothing.
pub fn finish(c: &mut DbConn, id: i64, token: &str, outcome: &Result<(), String>, now: NaiveDateTime) -> ApiResult<bool> {
    let mine = mo::table.find(id).filter(mo::claim_token.eq(token));
    let Some(attempts) = mine.select(mo::attempts).first::<i32>(c).optional()? else { return Ok(false) };
    let attempts = attempts + 1;
    match outcome {
        Ok(()) => diesel::update(mine)
            .set((
                mo::status.eq(MailStatus::Sent.as_str()),
                mo::attempts.eq(attempts),
                mo::sent_at.eq(Some(now)),
                mo::last_error.eq(None::<String>),
                mo::claimed_until.eq(None::<NaiveDateTime>),
                mo::claim_token.eq(None::<String>),
            ))
            .execute(c)?,
        // Out of attempts, it stays `failed` and is no longer due (`due` skips it).
        Err(e) => diesel::update(mine)
            .set((
                mo::status.eq(MailStatus::Failed.as_str()),
                mo::attempts.eq(attempts),
                mo::last_error.eq(Some(POLICY.error_text(e))),
                mo::next_attempt_at.eq(match POLICY.after_failure(attempts, true, now) {
                    lease::AfterFailure::RetryAt(at) => at,
                    lease::AfterFailure::GiveUp => now,
                }),
                mo::claimed_until.eq(None::<NaiveDateTime>),
                mo::claim_token.eq(None::<String>),
            ))
            .execute(c)?,
    };
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off() {
        let backoff = |n| POLICY.backoff.after(n);
        assert!(backoff(1) < backoff(2) && backoff(2) < backoff(3) && backoff(3) < backoff(4));
        assert_eq!(backoff(9), chrono::Duration::minutes(60));
    }
}

/// One mail of the log, as the admin sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailLogRow {
    pub id: i64,
    pub reason: Reason,
    /// The Taipei day it was planned for.
    pub day: NaiveDate,
    pub user_id: i64,
    pub account: String,
    pub name: String,
    pub recipient: String,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i32,
    /// The mail server's answer on the last failure.
    pub last_error: Option<String>,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub sent_at: Option<NaiveDateTime>,
    /// When a failed mail is tried again (none when out of attempts or sent).
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub next_attempt_at: Option<NaiveDateTime>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "id": 77, "user_id": 17, "account": "999999_T001", "name": "王大明", "recipient": "t001@demo.licheng.example",
            "reason": "teacher_uncertified", "subject": "學習歷程檔案：尚有 4 件學習成果待認證", "day": "2026-11-25", "status": "failed", "attempts": 3,
            "last_error": "550 5.1.1 mailbox unavailable", "next_attempt_at": null, "sent_at": null, "created_at": "2026-11-25T08:00:00Z"
        }
    ],
    "total": 1, "page": 1, "per_page": 30, "failed": 1
}))]
pub struct MailLog {
    pub items: Vec<MailLogRow>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Failed mails of the school (all days) — shown to the admin as a warning.
    pub failed: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MailLogFilter {
    pub status: Option<MailStatus>,
    pub reason: Option<Reason>,
    /// Only this Taipei day (YYYY-MM-DD).
    pub day: Option<NaiveDate>,
}


/// A mail's columns as the log shows them (besides its recipient's account and name).
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = mo)]
struct Logged {
    id: i64,
    reason: String,
    day: NaiveDate,
    user_id: i64,
    recipient: String,
    subject: String,
    status: String,
    attempts: i32,
    last_error: Option<String>,
    created_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
    next_attempt_at: NaiveDateTime,
}

/// One page of `school`'s reminder mails, newest first, filtered, with the school's failed count
/// (`GET /reminders/log`); an unknown stored status or reason is an error.
pub fn log(c: &mut DbConn, school: i64, f: &MailLogFilter, page: i64, per_page: i64) -> ApiResult<MailLog> {
    let filtered = || {
        let mut q = mo::table.inner_join(users::table.on(users::id.eq(mo::user_id))).filter(mo::school_id.eq(school)).into_boxed();
        if let Some(s) = f.status {
            q = q.filter(mo::status.eq(s.as_str()));
        }
        if let Some(r) = f.reason {
            q = q.filter(mo::reason.eq(r.as_str()));
        }
        if let Some(d) = f.day {
            q = q.filter(mo::day.eq(d));
        }
        q
    };
    let total: i64 = filtered().count().get_result(c)?;
    let failed: i64 = mo::table.filter(mo::school_id.eq(school)).filter(mo::status.eq(MailStatus::Failed.as_str())).count().get_result(c)?;
    let rows: Vec<(Logged, (String, String))> =
        filtered().order(mo::id.desc()).limit(per_page).offset(offset(page, per_page)).select((Logged::as_select(), (users::account, users::display_name))).load(c)?;
    let items = rows
        .into_iter()
        .map(|(m, (account, name))| {
            let status = MailStatus::parse(&m.status)?;
            let retry = status != MailStatus::Sent && m.attempts < MAX_ATTEMPTS;
            Ok(MailLogRow {
                id: m.id,
                reason: Reason::parse(&m.reason).ok_or_else(|| ApiError::bad_stored("mail_outbox.reason", &m.reason))?,
                day: m.day,
                user_id: m.user_id,
                account,
                name,
                recipient: m.recipient,
                subject: m.subject,
                status,
                attempts: m.attempts,
                last_error: m.last_error,
                created_at: m.created_at,
                sent_at: m.sent_at,
                next_attempt_at: retry.then_some(m.next_attempt_at),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let page = Page::new(items, total, page, per_page);
    Ok(MailLog { items: page.items, total: page.total, page: page.page, per_page: page.per_page, failed })
}
