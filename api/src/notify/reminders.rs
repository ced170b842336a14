//! The words of reminders (issue #7 §6, issue #20 item 4): why one is sent, what a planned one
//! says, and the Taipei calendar they follow. Domains that plan reminders (receipts) use these;
//! the outbox that queues them is [`super::outbox`]; the planner, the runner that sends them and
//! their admin pages are `crate::reminders`, above the domains.

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why a reminder is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// To a teacher: results waiting for certification.
    TeacherUncertified,
    /// To a student: results still being edited before the submit deadline.
    SubmitResults,
    /// To a student: no learning result selected before the selection deadline.
    SelectResults,
    /// To a student: no performance selected before the selection deadline.
    SelectPerformances,
    /// To a student: a receipt (收訖明細) to confirm, on the day its window opens and in its last day.
    ReceiptPending,
}

impl Reason {
    pub const ALL: [Reason; 5] = [Reason::TeacherUncertified, Reason::SubmitResults, Reason::SelectResults, Reason::SelectPerformances, Reason::ReceiptPending];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::TeacherUncertified => "teacher_uncertified",
            Reason::SubmitResults => "submit_results",
            Reason::SelectResults => "select_results",
            Reason::SelectPerformances => "select_performances",
            Reason::ReceiptPending => "receipt_pending",
        }
    }

    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// One reminder to plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub user_id: i64,
    pub recipient: String,
    pub reason: Reason,
    pub subject: String,
    pub body: String,
}

/// The Taipei calendar day and hour of a UTC instant.
pub fn taipei(now: NaiveDateTime) -> (NaiveDate, u32) {
    let local = now + chrono::Duration::hours(8);
    (local.date(), local.hour())
}

/// Whether a period ending on `end` is in its last `days` days on `today` (0 = only the last day).
pub fn in_last_days(today: NaiveDate, end: NaiveDate, days: i32) -> bool {
    let left = (end - today).num_days();
    left >= 0 && left <= i64::from(days.max(0))
}

/// A user's mail address: the main one, else the backup one; none without an `@`.
pub fn address(email: Option<String>, backup: Option<String>) -> Option<String> {
    email.or(backup).map(|e| e.trim().to_string()).filter(|e| e.contains('@'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn days_before_a_deadline_count_the_last_day() {
        assert!(in_last_days(d(11, 20), d(11, 22), 3));
        assert!(in_last_days(d(11, 19), d(11, 22), 3));
        assert!(!in_last_days(d(11, 18), d(11, 22), 3));
        assert!(in_last_days(d(11, 22), d(11, 22), 0));
        assert!(!in_last_days(d(11, 23), d(11, 22), 3));
    }

    #[test]
    fn taipei_days_begin_at_16_utc() {
        let t = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap().and_hms_opt(15, 59, 0).unwrap();
        assert_eq!(taipei(t), (d(11, 22), 23));
        assert_eq!(taipei(t + chrono::Duration::minutes(1)), (d(11, 23), 0));
    }

    #[test]
    fn an_address_needs_an_at() {
        assert_eq!(address(None, Some(" a@b.tw ".into())), Some("a@b.tw".into()));
        assert_eq!(address(Some("nope".into()), None), None);
    }
}
