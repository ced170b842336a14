//! Recording security events in the audit log (listed by `accounts::audit`). Below every
//! domain: imports only infrastructure and `identity` (a recorded change of who may do what
//! invalidates the cached principals).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, Lang};
use crate::schema::audit_events;

/// One security event to record.
pub struct Event<'a> {
    pub school_id: Option<i64>,
    pub user_id: Option<i64>,
    pub actor: Option<&'a str>,
    pub event: EventKind,
    pub detail: Option<String>,
    pub client: Option<&'a str>,
}

/// What an audit event records: the server records these kinds and no other (`audit_events.event`
/// takes only these: a CHECK constraint, migration 2026-12-07-000300_audit_event_kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = AuditEventKind)]
pub enum EventKind {
    // Sign-ins and passwords (`accounts`).
    /// A sign-in.
    SignInSucceeded,
    /// A wrong password, or an unknown school or account.
    SignInFailed,
    /// Too many wrong passwords in a row: the account is locked for a while.
    AccountLocked,
    /// A spent refresh token was presented again: its session is revoked.
    RefreshTokenReused,
    /// A reset link was asked for (mailed, or not when no mail server is set up).
    PasswordResetRequested,
    /// A new password set with a reset link.
    PasswordResetCompleted,
    /// Someone changed their own password.
    PasswordChanged,
    /// Someone changed their own e-mail.
    EmailChanged,
    // Accounts the school admin manages.
    /// The school admin reset an account's password.
    PasswordResetByAdmin,
    /// A temporary account for a (transfer) student.
    TemporaryAccountCreated,
    /// A temporary account ended.
    TemporaryAccountRevoked,
    ApiKeyCreated,
    ApiKeyRevoked,
    RoleGroupCreated,
    RoleGroupUpdated,
    RoleGroupDeleted,
    /// The function modules a role group grants.
    RoleGroupModulesChanged,
    RoleGroupMembersChanged,
    /// A sync batch changed an account's primary e-mail.
    EmailChangedBySync,
    /// A sync batch changed a student's national ID.
    NationalIdChangedBySync,
    // School settings.
    /// The school's mail server.
    MailSettingsChanged,
    SchoolCreated,
    /// The current term switched by hand.
    TermSwitched,
    /// The school's function parameters.
    ParametersChanged,
    /// The national selection window of a year.
    NationalWindowSet,
    WorkPeriodCreated,
    WorkPeriodUpdated,
    WorkPeriodDeleted,
    /// Which teachers of a co-taught course may certify.
    CoTaughtCertifiersChanged,
    /// The classes a course consultant advises.
    ConsultantClassesChanged,
    /// The students a course consultant advises.
    ConsultantStudentsChanged,
    /// The students a counselor advises.
    CounselorStudentsChanged,
    /// A teacher named to certify for another.
    CertificationDelegateNamed,
    CertificationDelegateEnded,
    /// A self-directed learning certifier group.
    SdlGroupCreated,
    SdlGroupRenamed,
    SdlGroupDeleted,
    SdlGroupMembersChanged,
    /// The stages a self-directed plan passes.
    SdlOrderChanged,
    // Course consultation records.
    ConsultationCreated,
    ConsultationUpdated,
    ConsultationDeleted,
    // Notes in the history of domains without an audit row of their own (`history::note`; detail: JSON).
    RosterExported,
    TransferImported,
    ReceiptAnswered,
    /// A self-directed plan's step (submitted, approved, returned …).
    SelfDirectedEvent,
    /// A performance created, updated or deleted, with its fields before and after.
    PerformanceChanged,
    SelectionChanged,
    // A temporary account acting on its student's behalf (`uploads::access::record_on_behalf`).
    PerformanceCreated,
    PerformanceUpdated,
    PerformanceDeleted,
    SelectionAdded,
    SelectionRemoved,
    SelfDirectedPlanCreated,
    SelfDirectedPlanUpdated,
    SelfDirectedPlanDeleted,
    SelfDirectedSubmitted,
    SelfDirectedResultSaved,
    ReceiptConfirmed,
    /// A problem with the receipt reported.
    ReceiptReported,
}

impl EventKind {
    pub const ALL: [EventKind; 60] = [
        EventKind::SignInSucceeded,
        EventKind::SignInFailed,
        EventKind::AccountLocked,
        EventKind::RefreshTokenReused,
        EventKind::PasswordResetRequested,
        EventKind::PasswordResetCompleted,
        EventKind::PasswordChanged,
        EventKind::EmailChanged,
        EventKind::PasswordResetByAdmin,
        EventKind::TemporaryAccountCreated,
        EventKind::TemporaryAccountRevoked,
        EventKind::ApiKeyCreated,
        EventKind::ApiKeyRevoked,
        EventKind::RoleGroupCreated,
        EventKind::RoleGroupUpdated,
        EventKind::RoleGroupDeleted,
        EventKind::RoleGroupModulesChanged,
        EventKind::RoleGroupMembersChanged,
        EventKind::EmailChangedBySync,
        EventKind::NationalIdChangedBySync,
        EventKind::MailSettingsChanged,
        EventKind::SchoolCreated,
        EventKind::TermSwitched,
        EventKind::ParametersChanged,
        EventKind::NationalWindowSet,
        EventKind::WorkPeriodCreated,
        EventKind::WorkPeriodUpdated,
        EventKind::WorkPeriodDeleted,
        EventKind::CoTaughtCertifiersChanged,
        EventKind::ConsultantClassesChanged,
        EventKind::ConsultantStudentsChanged,
        EventKind::CounselorStudentsChanged,
        EventKind::CertificationDelegateNamed,
        EventKind::CertificationDelegateEnded,
        EventKind::SdlGroupCreated,
        EventKind::SdlGroupRenamed,
        EventKind::SdlGroupDeleted,
        EventKind::SdlGroupMembersChanged,
        EventKind::SdlOrderChanged,
        EventKind::ConsultationCreated,
        EventKind::ConsultationUpdated,
        EventKind::ConsultationDeleted,
        EventKind::RosterExported,
        EventKind::TransferImported,
        EventKind::ReceiptAnswered,
        EventKind::SelfDirectedEvent,
        EventKind::PerformanceChanged,
        EventKind::SelectionChanged,
        EventKind::PerformanceCreated,
        EventKind::PerformanceUpdated,
        EventKind::PerformanceDeleted,
        EventKind::SelectionAdded,
        EventKind::SelectionRemoved,
        EventKind::SelfDirectedPlanCreated,
        EventKind::SelfDirectedPlanUpdated,
        EventKind::SelfDirectedPlanDeleted,
        EventKind::SelfDirectedSubmitted,
        EventKind::SelfDirectedResultSaved,
        EventKind::ReceiptConfirmed,
        EventKind::ReceiptReported,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::SignInSucceeded => "sign_in_succeeded",
            EventKind::SignInFailed => "sign_in_failed",
            EventKind::AccountLocked => "account_locked",
            EventKind::RefreshTokenReused => "refresh_token_reused",
            EventKind::PasswordResetRequested => "password_reset_requested",
            EventKind::PasswordResetCompleted => "password_reset_completed",
            EventKind::PasswordChanged => "password_changed",
            EventKind::EmailChanged => "email_changed",
            EventKind::PasswordResetByAdmin => "password_reset_by_admin",
            EventKind::TemporaryAccountCreated => "temporary_account_created",
            EventKind::TemporaryAccountRevoked => "temporary_account_revoked",
            EventKind::ApiKeyCreated => "api_key_created",
            EventKind::ApiKeyRevoked => "api_key_revoked",
            EventKind::RoleGroupCreated => "role_group_created",
            EventKind::RoleGroupUpdated => "role_group_updated",
            EventKind::RoleGroupDeleted => "role_group_deleted",
            EventKind::RoleGroupModulesChanged => "role_group_modules_changed",
            EventKind::RoleGroupMembersChanged => "role_group_members_changed",
            EventKind::EmailChangedBySync => "email_changed_by_sync",
            EventKind::NationalIdChangedBySync => "national_id_changed_by_sync",
            EventKind::MailSettingsChanged => "mail_settings_changed",
            EventKind::SchoolCreated => "school_created",
            EventKind::TermSwitched => "term_switched",
            EventKind::ParametersChanged => "parameters_changed",
            EventKind::NationalWindowSet => "national_window_set",
            EventKind::WorkPeriodCreated => "work_period_created",
            EventKind::WorkPeriodUpdated => "work_period_updated",
            EventKind::WorkPeriodDeleted => "work_period_deleted",
            EventKind::CoTaughtCertifiersChanged => "co_taught_certifiers_changed",
            EventKind::ConsultantClassesChanged => "consultant_classes_changed",
            EventKind::ConsultantStudentsChanged => "consultant_students_changed",
            EventKind::CounselorStudentsChanged => "counselor_students_changed",
            EventKind::CertificationDelegateNamed => "certification_delegate_named",
            EventKind::CertificationDelegateEnded => "certification_delegate_ended",
            EventKind::SdlGroupCreated => "sdl_group_created",
            EventKind::SdlGroupRenamed => "sdl_group_renamed",
            EventKind::SdlGroupDeleted => "sdl_group_deleted",
            EventKind::SdlGroupMembersChanged => "sdl_group_members_changed",
            EventKind::SdlOrderChanged => "sdl_order_changed",
            EventKind::ConsultationCreated => "consultation_created",
            EventKind::ConsultationUpdated => "consultation_updated",
            EventKind::ConsultationDeleted => "consultation_deleted",
            EventKind::RosterExported => "roster_exported",
            EventKind::TransferImported => "transfer_imported",
            EventKind::ReceiptAnswered => "receipt_answered",
            EventKind::SelfDirectedEvent => "self_directed_event",
            EventKind::PerformanceChanged => "performance_changed",
            EventKind::SelectionChanged => "selection_changed",
            EventKind::PerformanceCreated => "performance_created",
            EventKind::PerformanceUpdated => "performance_updated",
            EventKind::PerformanceDeleted => "performance_deleted",
            EventKind::SelectionAdded => "selection_added",
            EventKind::SelectionRemoved => "selection_removed",
            EventKind::SelfDirectedPlanCreated => "self_directed_plan_created",
            EventKind::SelfDirectedPlanUpdated => "self_directed_plan_updated",
            EventKind::SelfDirectedPlanDeleted => "self_directed_plan_deleted",
            EventKind::SelfDirectedSubmitted => "self_directed_submitted",
            EventKind::SelfDirectedResultSaved => "self_directed_result_saved",
            EventKind::ReceiptConfirmed => "receipt_confirmed",
            EventKind::ReceiptReported => "receipt_reported",
        }
    }

    /// The stored kind; anything else is an error, never a default.
    pub fn parse(s: &str) -> ApiResult<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| ApiError::bad_stored("audit_events.event", s))
    }

    /// Whether the event never changes who may do what; [`record`] invalidates the process's cached
    /// principals (role groups, accounts, passwords, terms, keys …) for every other kind. No
    /// wildcard: a new kind is placed here on purpose (a mistyped name can no longer fall out).
    pub fn routine(self) -> bool {
        use EventKind::*;
        match self {
            SignInSucceeded
            | SignInFailed
            | PasswordResetRequested
            | MailSettingsChanged
            | ParametersChanged
            | NationalWindowSet
            | ConsultationCreated
            | ConsultationUpdated
            | ConsultationDeleted
            | RosterExported
            | TransferImported
            | ReceiptAnswered
            | SelfDirectedEvent
            | PerformanceChanged
            | SelectionChanged => true,
            AccountLocked
            | RefreshTokenReused
            | PasswordResetCompleted
            | PasswordChanged
            | EmailChanged
            | PasswordResetByAdmin
            | TemporaryAccountCreated
            | TemporaryAccountRevoked
            | ApiKeyCreated
            | ApiKeyRevoked
            | RoleGroupCreated
            | RoleGroupUpdated
            | RoleGroupDeleted
            | RoleGroupModulesChanged
            | RoleGroupMembersChanged
            | EmailChangedBySync
            | NationalIdChangedBySync
            | SchoolCreated
            | TermSwitched
            | WorkPeriodCreated
            | WorkPeriodUpdated
            | WorkPeriodDeleted
            | CoTaughtCertifiersChanged
            | ConsultantClassesChanged
            | ConsultantStudentsChanged
            | CounselorStudentsChanged
            | CertificationDelegateNamed
            | CertificationDelegateEnded
            | SdlGroupCreated
            | SdlGroupRenamed
            | SdlGroupDeleted
            | SdlGroupMembersChanged
            | SdlOrderChanged
            | PerformanceCreated
            | PerformanceUpdated
            | PerformanceDeleted
            | SelectionAdded
            | SelectionRemoved
            | SelfDirectedPlanCreated
            | SelfDirectedPlanUpdated
            | SelfDirectedPlanDeleted
            | SelfDirectedSubmitted
            | SelfDirectedResultSaved
            | ReceiptConfirmed
            | ReceiptReported => false,
        }
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub fn record(conn: &mut DbConn, e: Event<'_>, now: NaiveDateTime) -> ApiResult<()> {
    if !e.event.routine() {
        crate::identity::cache::invalidate_all();
    }
    record_routine(conn, e, now)
}

/// Records an event that by its kind never changes who may do what (a note in the history, an
/// action on a student's behalf), whatever [`EventKind::routine`] says: the cached principals stay.
pub fn record_routine(conn: &mut DbConn, e: Event<'_>, now: NaiveDateTime) -> ApiResult<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::school_id.eq(e.school_id),
            audit_events::user_id.eq(e.user_id),
            audit_events::actor.eq(e.actor),
            audit_events::event.eq(e.event.as_str()),
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
