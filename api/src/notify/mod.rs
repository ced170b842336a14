//! Notifications: the in-app inbox and the texts of reminders, below the domains: they send
//! through it, and mail goes through the school's own mail server (`crate::mail`, manual 3.8).
//! The reminder planner and outbox that ask the domains what is due are `crate::reminders`, above them.

pub mod inbox;
pub mod message;
pub mod reminders;
