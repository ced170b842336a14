//! Notifications: the in-app inbox, the texts of reminders and the reminder mail outbox, below the
//! domains: they send through it, and mail goes through the school's own mail server
//! (`crate::mail`, manual 3.8). The reminder planner and runner that ask the domains what is due
//! are `crate::reminders`, above them.

pub mod inbox;
pub mod message;
pub mod outbox;
pub mod reminders;
