//! National IDs at rest (issue #26): every national-ID column holds `nid1:` + AES-256-GCM of the
//! upper-case ID (nonce first, base64) under a key derived from the master secret
//! ([`crate::secrets`]; never in the database or the repository), and `users.national_id_index`
//! holds a keyed hash (HMAC-SHA-256, a *blind index*) of it for the lookups that need equality
//! (sync matching, transfer imports). Nothing in the database reads as a national ID any more.
//!
//! The key is installed once per process ([`install`]: at start, from the same secret that signs
//! the tokens), so the code that reads or writes the column needs no key passed around; the
//! functions ending in `_with` take one explicitly (conversion, key rotation, tests).
//!
//! Rows written before encryption (plain text) are converted by [`encrypt_existing`] right after
//! the migrations (`2026-12-06-001050_national_id_encryption` adds the index column: the SQL
//! cannot encrypt, it has no key). `licheng rotate-key` ([`rotate`]) re-encrypts and re-indexes
//! every row under a new secret, in committed batches: interrupted, it is run again and goes on.

use std::sync::RwLock;

use diesel::prelude::*;
use hmac::{KeyInit, Mac};

use crate::db::{Db, DbConn};
use crate::error::{ApiError, ApiResult};
use crate::schema::{receipt_students as rs, roster_export_items as rei, users};
use crate::secrets::Secrets;

/// What an encrypted value starts with (a plain national ID never does).
pub const PREFIX: &str = "nid1:";
const PURPOSE: &str = "national-id";
const INDEX_PURPOSE: &str = "national-id-index";
/// Rows per converting transaction.
const BATCH: i64 = 500;

static KEY: RwLock<Option<Secrets>> = RwLock::new(None);

/// Makes `secrets` the process's key for national IDs (at start; again with the same secret is
/// harmless).
pub fn install(secrets: &Secrets) {
    if let Ok(mut key) = KEY.write() {
        *key = Some(secrets.clone());
    }
}

fn key() -> ApiResult<Secrets> {
    KEY.read().ok().and_then(|k| k.clone()).ok_or_else(|| ApiError::internal("the national-ID key is not installed"))
}

/// The form every function compares and encrypts: trimmed, upper case.
pub fn normalize(nid: &str) -> String {
    nid.trim().to_ascii_uppercase()
}

/// Whether a stored value is encrypted (else: a row from before encryption).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// The stored form of `nid` under `secrets`.
pub fn seal_with(secrets: &Secrets, nid: &str) -> ApiResult<String> {
    let sealed = secrets.seal(PURPOSE, &normalize(nid)).ok_or_else(|| ApiError::internal("national ID encryption failed"))?;
    Ok(format!("{PREFIX}{sealed}"))
}

/// The national ID in a stored value; `None` when it cannot be opened under `secrets` (another
/// key, or changed). A value from before encryption is read as it is.
pub fn open_with(secrets: &Secrets, stored: &str) -> Option<String> {
    match stored.strip_prefix(PREFIX) {
        Some(sealed) => secrets.open(PURPOSE, sealed),
        None => Some(normalize(stored)).filter(|n| !n.is_empty()),
    }
}

/// The blind index of `nid` under `secrets`: lowercase hex HMAC-SHA-256.
pub fn index_with(secrets: &Secrets, nid: &str) -> String {
    let key = secrets.derive(INDEX_PURPOSE);
    match <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key) {
        Ok(mut mac) => {
            mac.update(normalize(nid).as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        // A 32-byte key always fits HMAC; never reached.
        Err(_) => String::new(),
    }
}

/// The stored form of `nid` under the process's key.
pub fn seal(nid: &str) -> ApiResult<String> {
    seal_with(&key()?, nid)
}

/// The blind index of `nid` under the process's key.
pub fn index(nid: &str) -> ApiResult<String> {
    Ok(index_with(&key()?, nid))
}

/// The national ID in a stored column value (`None` for none, a blank, or a value this key
/// cannot open — logged).
pub fn reveal(stored: Option<&str>) -> Option<String> {
    let stored = stored.filter(|s| !s.trim().is_empty())?;
    let opened = key().ok().and_then(|k| open_with(&k, stored));
    if opened.is_none() {
        tracing::warn!("a stored national ID cannot be decrypted (was the secret key changed without `licheng rotate-key`?)");
    }
    opened
}

/// What [`encrypt_existing`] and [`rotate`] changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Converted {
    pub users: usize,
    pub roster_items: usize,
    pub receipt_students: usize,
    /// Values that open under neither key (left as they are; listed by `licheng rotate-key`).
    pub unreadable: usize,
}

/// Converts the rows written before encryption (plain national IDs, or no blind index) under the
/// process's key; run after the migrations. Idempotent: encrypted rows are left alone.
pub fn encrypt_existing(db: &Db) -> ApiResult<Converted> {
    let key = key()?;
    convert(db, &key, None, false)
}

/// Re-encrypts and re-indexes every national ID under `new`, opening each with `new` or else
/// `previous` (and converting plain ones). Batches commit one by one, so an interrupted rotation
/// is finished by running it again; a row already under `new` is skipped.
pub fn rotate(db: &Db, previous: &Secrets, new: &Secrets) -> ApiResult<Converted> {
    convert(db, new, Some(previous), true)
}

/// What a stored value becomes under `key`: (the value to store, the national ID); the value is
/// the stored one when it is already under `key`. `None`: it opens under neither key.
fn reseal(key: &Secrets, previous: Option<&Secrets>, stored: &str) -> ApiResult<Option<(String, String)>> {
    if !is_sealed(stored) {
        let nid = normalize(stored);
        return Ok(Some((seal_with(key, &nid)?, nid)));
    }
    if let Some(nid) = open_with(key, stored) {
        return Ok(Some((stored.to_string(), nid)));
    }
    match previous.and_then(|p| open_with(p, stored)) {
        Some(nid) => Ok(Some((seal_with(key, &nid)?, nid))),
        None => Ok(None),
    }
}

/// `all`: look at every row (a rotation); else only at plain ones and missing indexes.
fn convert(db: &Db, key: &Secrets, previous: Option<&Secrets>, all: bool) -> ApiResult<Converted> {
    let mut out = Converted::default();
    // users: the column and the blind index, a batch of ids at a time.
    let mut after = 0i64;
    loop {
        let n = db.write_blocking(|c| {
            let mut query = users::table.filter(users::id.gt(after)).filter(users::national_id.is_not_null()).into_boxed();
            if !all {
                query = query.filter(users::national_id.not_like(format!("{PREFIX}%")).or(users::national_id_index.is_null()));
            }
            let rows: Vec<(i64, Option<String>, Option<String>)> =
                query.order(users::id).limit(BATCH).select((users::id, users::national_id, users::national_id_index)).load(c)?;
            for (id, stored, stored_index) in &rows {
                after = *id;
                let Some(stored) = stored.as_deref() else { continue };
                let Some((value, nid)) = reseal(key, previous, stored)? else {
                    out.unreadable += 1;
                    continue;
                };
                let index = index_with(key, &nid);
                if value != stored || stored_index.as_deref() != Some(index.as_str()) {
                    diesel::update(users::table.find(id)).set((users::national_id.eq(&value), users::national_id_index.eq(&index))).execute(c)?;
                    out.users += 1;
                }
            }
            Ok(rows.len())
        })?;
        if n < BATCH as usize {
            break;
        }
    }
    // The copies kept with roster exports and receipts (no index).
    macro_rules! copies {
        ($table:ident, $field:ident) => {{
            let mut after = 0i64;
            loop {
                let n = db.write_blocking(|c| {
                    let mut query = $table::table.filter($table::id.gt(after)).into_boxed();
                    if !all {
                        query = query.filter($table::national_id.not_like(format!("{PREFIX}%")));
                    }
                    let rows: Vec<(i64, String)> = query.order($table::id).limit(BATCH).select(($table::id, $table::national_id)).load(c)?;
                    for (id, stored) in &rows {
                        after = *id;
                        match reseal(key, previous, stored)? {
                            Some((value, _)) if value != *stored => {
                                diesel::update($table::table.find(id)).set($table::national_id.eq(&value)).execute(c)?;
                                out.$field += 1;
                            }
                            Some(_) => {}
                            None => out.unreadable += 1,
                        }
                    }
                    Ok(rows.len())
                })?;
                if n < BATCH as usize {
                    break;
                }
            }
        }};
    }
    copies!(rei, roster_items);
    copies!(rs, receipt_students);
    Ok(out)
}

/// The students of `school` whose blind index is one of `nids`' (matched in any case): the
/// national ID as given (trimmed) → user id.
pub fn students_by_index(c: &mut DbConn, school: i64, nids: &[String]) -> ApiResult<std::collections::HashMap<String, i64>> {
    let key = key()?;
    let by_index: std::collections::HashMap<String, String> = nids.iter().map(|n| (index_with(&key, n), n.trim().to_string())).collect();
    let wanted: Vec<String> = by_index.keys().cloned().collect();
    let mut out = std::collections::HashMap::new();
    for chunk in wanted.chunks(500) {
        let found: Vec<(i64, Option<String>)> = users::table
            .filter(users::school_id.eq(school))
            .filter(users::kind.eq("student"))
            .filter(users::national_id_index.eq_any(chunk))
            .select((users::id, users::national_id_index))
            .load(c)?;
        out.extend(found.into_iter().filter_map(|(id, index)| index.and_then(|i| by_index.get(&i).cloned()).map(|nid| (nid, id))));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_under_their_key_and_never_read_as_the_id() {
        let (a, b) = (Secrets::from_value("a-secret-a-secret-a-secret-a-secret-0"), Secrets::from_value("b-secret-b-secret-b-secret-b-secret-0"));
        let stored = seal_with(&a, " a123456789 ").unwrap();
        assert!(stored.starts_with(PREFIX) && !stored.to_ascii_uppercase().contains("A123456789"), "{stored}");
        assert_ne!(stored, seal_with(&a, "A123456789").unwrap(), "a fresh nonce each time");
        assert_eq!(open_with(&a, &stored).as_deref(), Some("A123456789"));
        assert_eq!(open_with(&b, &stored), None);
        assert_eq!(open_with(&a, "a123456789").as_deref(), Some("A123456789"), "a row from before encryption");
        assert_eq!(index_with(&a, "a123456789 "), index_with(&a, "A123456789"));
        assert_ne!(index_with(&a, "A123456789"), index_with(&b, "A123456789"));
        assert!(!index_with(&a, "A123456789").contains("A123456789"));
        assert_eq!(index_with(&a, "A123456789").len(), 64);
    }
}
