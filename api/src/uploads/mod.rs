//! Student uploads (issue #6): course learning results and multiple performances, streamed into
//! the content-addressed [`crate::storage`], with the rules in [`rules`] as plain functions.

pub mod access;
pub mod check;
pub mod fields;
pub mod files;
pub mod form;
pub mod items;
pub mod links;
pub mod performances;
pub mod results;
pub mod rules;
pub mod served;

pub use items::live;
