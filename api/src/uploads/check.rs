//! `licheng check`: every recorded file is present with its SHA-256; stored files nothing refers
//! to (left by a crash between the rename and the commit) and abandoned temporary files are
//! reported, and removed on request.

use std::collections::BTreeSet;

use diesel::prelude::*;
use serde::Serialize;

use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::schema::stored_files as sf;
use crate::storage::FileStore;

#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// Distinct recorded contents checked.
    pub checked: usize,
    pub bytes: u64,
    /// Recorded but absent from the store.
    pub missing: Vec<String>,
    /// Present but no longer matching their SHA-256 (or their recorded size).
    pub corrupt: Vec<String>,
    /// In the store but recorded nowhere.
    pub orphans: Vec<String>,
    /// Temporary files of uploads in progress or abandoned.
    pub temporary: usize,
    /// What `--remove-orphans` removed before the check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<crate::uploads::files::Swept>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.corrupt.is_empty()
    }
}

/// Verifies the store against the database.
pub fn run(db: &Db, store: &FileStore) -> ApiResult<Report> {
    let recorded: Vec<(String, i64)> = db.read_blocking(|c| Ok(sf::table.select((sf::sha256, sf::size)).distinct().load(c)?))?;
    let io = |e: std::io::Error| ApiError::internal(format!("file store: {e}"));
    let mut report = Report::default();
    let mut known = BTreeSet::new();
    for (sha, size) in recorded {
        if !known.insert(sha.clone()) {
            continue;
        }
        report.checked += 1;
        let path = store.path_of(&sha);
        match std::fs::metadata(&path) {
            Err(_) => report.missing.push(sha),
            Ok(meta) => {
                report.bytes += meta.len();
                if meta.len() != size as u64 || !store.verify(&sha).map_err(io)? {
                    report.corrupt.push(sha);
                }
            }
        }
    }
    report.orphans = store.stored_names().map_err(io)?.into_iter().filter(|n| !known.contains(n)).collect();
    report.temporary = store.temporary_files().map_err(io)?.len();
    Ok(report)
}
