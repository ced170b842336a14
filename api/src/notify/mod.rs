//! Notifications: mail through the school's own mail server (manual 3.8) and the in-app inbox.
//! Below the domains: they send through it; the reminder planner and outbox that ask them what
//! is due are `crate::reminders`, above them.

pub mod inbox;
pub mod mail;
pub mod message;
pub mod reminders;
