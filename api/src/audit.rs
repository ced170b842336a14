//! Recording security events in the audit log (listed by `accounts::audit`). Below every
//! domain: imports only infrastructure and `identity` (a recorded change of who may do what
//! invalidates the cached principals).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::error::{ApiResult, Lang};
use crate::schema::audit_events;

/// One security event to record.
pub struct Event<'a> {
    pub school_id: Option<i64>,
    pub user_id: Option<i64>,
    pub actor: Option<&'a str>,
    pub event: &'a str,
    pub detail: Option<String>,
    pub client: Option<&'a str>,
}

/// Events that do not change who may do what; every other recorded event invalidates the
/// process's cached principals (role groups, accounts, passwords, terms, keys …).
const ROUTINE: &[&str] = &[
    "sign_in_failed",
    "sign_in_succeeded",
    "password_reset_requested",
    "mail_settings_changed",
    "parameters_changed",
    "national_window_set",
    "consultation_created",
    "consultation_updated",
    "consultation_deleted",
    "roster_exported",
    "receipt_answered",
    "self_directed_event",
    "performance_changed",
    "transfer_imported",
    "selection_changed",
];

pub fn record(conn: &mut DbConn, e: Event<'_>, now: NaiveDateTime) -> ApiResult<()> {
    if !ROUTINE.contains(&e.event) {
        crate::identity::cache::invalidate_all();
    }
    record_routine(conn, e, now)
}

/// Records an event that by its kind never changes who may do what (a note in the history, an
/// action on a student's behalf), whatever its name: the cached principals stay.
pub fn record_routine(conn: &mut DbConn, e: Event<'_>, now: NaiveDateTime) -> ApiResult<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::school_id.eq(e.school_id),
            audit_events::user_id.eq(e.user_id),
            audit_events::actor.eq(e.actor),
            audit_events::event.eq(e.event),
            audit_events::detail.eq(e.detail),
            audit_events::client_addr.eq(e.client),
            audit_events::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// What an update's detail says it was before (issue #26: the sealed content carries before and
/// after): `<after>` + [`BEFORE`] + `<before>`.
pub const BEFORE: &str = " ⟵ was: ";

/// The text in `lang` (shared: receipts use it too).
pub fn tr(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}
