//! Notifications: the in-app inbox and reminder mails, sent through the school's own mail server
//! (`crate::mail`, manual 3.8).

pub mod inbox;
pub mod message;
pub mod reminders;

// The school's mail server lives below the domains (`crate::mail`); reminders send through it.
use crate::mail;
