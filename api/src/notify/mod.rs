//! Notifications: mail through the school's own mail server (manual 3.8).

pub mod inbox;
pub mod mail;
pub mod message;
pub mod reminders;
