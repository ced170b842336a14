//! Student uploads: course learning results and multiple performances (issue #6). So far the
//! rules as plain functions; the endpoints build on them and on [`crate::storage`].

pub mod rules;
