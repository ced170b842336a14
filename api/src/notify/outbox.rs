//! The reminder mail outbox (issue #7 §6, issue #17 item 5): the table `mail_outbox`, its states
//! and its rules. A planned reminder is put in once ([`enqueue`]): the unique key (user, reason,
//! Taipei day) makes it happen at most once per day and reason however many server instances run.
//! A mail that is [`due`] is [`claim`]ed by a conditional update only one instance wins, with a
//! lease and a token; after the sending, [`finish`] records how it ended if this instance still
//! holds the claim, and a failure is retried with back-off until [`MAX_ATTEMPTS`], its last error
//! kept for the admin. The claim/lease/back-off rules are the jobs' ([`crate::jobs::lease`]).
//!
//! What is planned and how a mail is sent are not known here: the planner and the runner that
//! ask the domains what is due and send through the school's mail server are `crate::reminders`,
//! above the domains.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::reminders::Planned;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::jobs::lease;
use crate::schema::mail_outbox as mo;

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
