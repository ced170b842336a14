//! The claim/lease/back-off rules every database-backed queue follows (the jobs of this module and
//! the reminder outbox `notify::outbox`, issue #17 item 5): a row is claimed by a conditional
//! update that only one instance wins and that sets a lease; a claim whose lease passed may be
//! taken over (its instance died); a failure that may pass is retried after a back-off that grows
//! with the attempts, until the queue's maximum; then it is given up and kept with its last error.
//!
//! The tables differ in their columns and states, so each queue writes its own three statements
//! (due, claim, finish); what they decide — lease ends, the claim token, when a failure is tried
//! again or given up, how much of an error is kept — comes from here.

use chrono::NaiveDateTime;

/// How long to wait after each failed attempt: the n-th failure waits `seconds[n - 1]`; the last
/// step repeats.
#[derive(Debug, Clone, Copy)]
pub struct Backoff(pub &'static [i64]);

impl Backoff {
    pub fn after(&self, attempts: i32) -> chrono::Duration {
        let step = usize::try_from(attempts.max(1) - 1).unwrap_or(0).min(self.0.len().saturating_sub(1));
        chrono::Duration::seconds(self.0.get(step).copied().unwrap_or(0))
    }
}

/// What a failed attempt leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Due again at this time.
    RetryAt(NaiveDateTime),
    /// Out of attempts, or a failure that will not pass: given up.
    GiveUp,
}

/// One queue's rules.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// How long a claim lasts without being renewed before another instance may take it over.
    pub lease_seconds: i64,
    /// Attempts before a row is given up.
    pub max_attempts: i32,
    pub backoff: Backoff,
    /// How many characters of an error are stored.
    pub error_chars: usize,
}

impl Policy {
    /// Until when a claim made (or renewed) at `now` holds.
    pub fn lease_end(&self, now: NaiveDateTime) -> NaiveDateTime {
        now + chrono::Duration::seconds(self.lease_seconds)
    }

    /// After the `attempts`-th attempt failed (`retry`: a failure that may pass), what happens.
    pub fn after_failure(&self, attempts: i32, retry: bool, now: NaiveDateTime) -> AfterFailure {
        if retry && attempts < self.max_attempts {
            AfterFailure::RetryAt(now + self.backoff.after(attempts))
        } else {
            AfterFailure::GiveUp
        }
    }

    /// Whether a row already tried `attempts` times may still be tried.
    pub fn attempts_left(&self, attempts: i32) -> bool {
        attempts < self.max_attempts
    }

    /// The part of `error` that is stored.
    pub fn error_text(&self, error: &str) -> String {
        error.chars().take(self.error_chars).collect()
    }
}

/// A fresh claim token: a claimer's later updates only apply while the row still carries it.
pub fn token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Policy = Policy { lease_seconds: 60, max_attempts: 3, backoff: Backoff(&[10, 100]), error_chars: 4 };

    #[test]
    fn backs_off_by_steps_then_gives_up() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap().and_hms_opt(0, 0, 0).unwrap();
        assert_eq!(P.backoff.after(0), chrono::Duration::seconds(10));
        assert_eq!(P.backoff.after(1), chrono::Duration::seconds(10));
        assert_eq!(P.backoff.after(2), chrono::Duration::seconds(100));
        assert_eq!(P.backoff.after(9), chrono::Duration::seconds(100));
        assert_eq!(P.after_failure(2, true, now), AfterFailure::RetryAt(now + chrono::Duration::seconds(100)));
        assert_eq!(P.after_failure(3, true, now), AfterFailure::GiveUp);
        assert_eq!(P.after_failure(1, false, now), AfterFailure::GiveUp);
        assert_eq!(P.lease_end(now), now + chrono::Duration::seconds(60));
        assert_eq!(P.error_text("abcdef"), "abcd");
        assert!(P.attempts_left(2) && !P.attempts_left(3));
    }
}
