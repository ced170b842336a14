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

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use diesel::prelude::*;
use hmac::{KeyInit, Mac};

use crate::db::{Db, DbConn};
use crate::error::{ApiError, ApiResult};
use crate::schema::{receipt_students as rs, roster_export_items as rei, server_keys as sk, users};
use crate::secrets::Secrets;

/// What an encrypted value starts with (a plain national ID never does).
pub const PREFIX: &str = "nid1:";
const PURPOSE: &str = "national-id";
const INDEX_PURPOSE: &str = "national-id-index";
const KEY_ID_PURPOSE: &str = "national-id-key-id";
/// Rows per converting transaction.
const BATCH: i64 = 500;

/// The keys of one secret, derived once: the cipher and the blind index's MAC.
#[derive(Clone)]
pub struct Key {
    /// Names the key without revealing it (what the running servers report, [`heartbeat`]).
    pub id: String,
    cipher: aes_gcm::Aes256Gcm,
    mac: hmac::Hmac<sha2::Sha256>,
}

impl Key {
    pub fn new(secrets: &Secrets) -> Key {
        let cipher = <aes_gcm::Aes256Gcm as aes_gcm::aead::KeyInit>::new(&secrets.derive(PURPOSE).into());
        // A 32-byte key always fits HMAC.
        let mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&secrets.derive(INDEX_PURPOSE)).unwrap_or_else(|_| unreachable!());
        Key { id: hex::encode(&secrets.derive(KEY_ID_PURPOSE)[..8]), cipher, mac }
    }

    /// The stored form of `nid`: [`PREFIX`] + base64 of the nonce and the sealed bytes.
    pub fn seal(&self, nid: &str) -> ApiResult<String> {
        use aes_gcm::aead::Aead;
        use base64::Engine;
        let nonce = crate::secrets::random_bytes::<12>();
        let sealed = self.cipher.encrypt(&aes_gcm::Nonce::from(nonce), normalize(nid).as_bytes()).map_err(|_| ApiError::internal("national ID encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(out)))
    }

    /// The national ID in a stored value; `None` when this key cannot open it (another key, or
    /// changed). A value from before encryption is read as it is.
    pub fn open(&self, stored: &str) -> Option<String> {
        use aes_gcm::aead::Aead;
        use base64::Engine;
        let Some(sealed) = stored.strip_prefix(PREFIX) else {
            return Some(normalize(stored)).filter(|n| !n.is_empty());
        };
        let raw = base64::engine::general_purpose::STANDARD.decode(sealed).ok()?;
        let (nonce, sealed) = raw.split_at_checked(12)?;
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        String::from_utf8(self.cipher.decrypt(&aes_gcm::Nonce::from(nonce), sealed).ok()?).ok()
    }

    /// The blind index of `nid`: lowercase hex HMAC-SHA-256.
    pub fn index(&self, nid: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(normalize(nid).as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// The process's keys: the current one (every value written), and during a key rotation the
/// previous one (`previous_secret_key`), with which values not re-encrypted yet still open and
/// their blind indexes still match. Fetch them once per batch ([`keys`]), not per row.
#[derive(Clone)]
pub struct Keys {
    pub current: Key,
    pub previous: Option<Key>,
}

impl Keys {
    pub fn seal(&self, nid: &str) -> ApiResult<String> {
        self.current.seal(nid)
    }

    /// The blind index to store (under the current key).
    pub fn index(&self, nid: &str) -> String {
        self.current.index(nid)
    }

    /// The blind indexes a stored row of `nid` may have: the current key's, then the previous one's.
    pub fn indexes(&self, nid: &str) -> Vec<String> {
        std::iter::once(&self.current).chain(&self.previous).map(|k| k.index(nid)).collect()
    }

    /// The national ID in a stored value, under the current key or else the previous one.
    pub fn open(&self, stored: &str) -> Option<String> {
        self.current.open(stored).or_else(|| self.previous.as_ref().and_then(|k| k.open(stored)))
    }
}

static KEY: RwLock<Option<Arc<Keys>>> = RwLock::new(None);

/// Makes `secrets` the process's key for national IDs (at start; again with the same secret is
/// harmless). A previous key installed by [`install_previous`] is kept.
pub fn install(secrets: &Secrets) {
    if let Ok(mut key) = KEY.write() {
        let previous = key.as_ref().and_then(|k| k.previous.clone());
        *key = Some(Arc::new(Keys { current: Key::new(secrets), previous }));
    }
}

/// During a key rotation: the previous secret, whose values this process still reads (`None`:
/// none). After [`install`].
pub fn install_previous(previous: Option<&Secrets>) {
    if let Ok(mut key) = KEY.write() {
        if let Some(k) = key.as_mut() {
            *k = Arc::new(Keys { current: k.current.clone(), previous: previous.map(Key::new) });
        }
    }
}

/// The process's keys (derived at [`install`]); fetch them once for a batch of rows.
pub fn keys() -> ApiResult<Arc<Keys>> {
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
    Key::new(secrets).seal(nid)
}

/// The national ID in a stored value; `None` when it cannot be opened under `secrets` (another
/// key, or changed). A value from before encryption is read as it is.
pub fn open_with(secrets: &Secrets, stored: &str) -> Option<String> {
    Key::new(secrets).open(stored)
}

/// The blind index of `nid` under `secrets`: lowercase hex HMAC-SHA-256.
pub fn index_with(secrets: &Secrets, nid: &str) -> String {
    Key::new(secrets).index(nid)
}

/// The stored form of `nid` under the process's key.
pub fn seal(nid: &str) -> ApiResult<String> {
    keys()?.seal(nid)
}

/// The blind index of `nid` under the process's key.
pub fn index(nid: &str) -> ApiResult<String> {
    Ok(keys()?.index(nid))
}

/// Values that could not be decrypted since the last warning, and when it was (Unix seconds).
static UNREADABLE: AtomicUsize = AtomicUsize::new(0);
static LAST_WARNING: AtomicI64 = AtomicI64::new(i64::MIN);
/// Seconds between two warnings about values that cannot be decrypted.
const WARN_EVERY_SECONDS: i64 = 60;

/// The national ID in a stored column value (`None` for none, a blank, or a value neither key
/// can open). Values that cannot be opened are logged at most once a minute, with their count
/// (a list page after a key change would otherwise log one warning per row).
pub fn reveal(stored: Option<&str>) -> Option<String> {
    let stored = stored.filter(|s| !s.trim().is_empty())?;
    let opened = keys().ok().and_then(|k| k.open(stored));
    if opened.is_none() {
        UNREADABLE.fetch_add(1, Ordering::SeqCst);
        let now = chrono::Utc::now().timestamp();
        let last = LAST_WARNING.load(Ordering::SeqCst);
        if now.saturating_sub(last) >= WARN_EVERY_SECONDS && LAST_WARNING.compare_exchange(last, now, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
            let unreadable = UNREADABLE.swap(0, Ordering::SeqCst);
            tracing::warn!(unreadable, "stored national IDs cannot be decrypted (was the secret key changed without `previous_secret_key` and `licheng rotate-key`?)");
        }
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
    let keys = keys()?;
    convert(db, &keys.current, keys.previous.as_ref(), false)
}

/// Re-encrypts and re-indexes every national ID under `new`, opening each with `new` or else
/// `previous` (and converting plain ones). Batches commit one by one, so an interrupted rotation
/// is finished by running it again; a row already under `new` is skipped.
pub fn rotate(db: &Db, previous: &Secrets, new: &Secrets) -> ApiResult<Converted> {
    convert(db, &Key::new(new), Some(&Key::new(previous)), true)
}

/// What a stored value becomes under `key`: (the value to store, the national ID); the value is
/// the stored one when it is already under `key`. `None`: it opens under neither key.
fn reseal(key: &Key, previous: Option<&Key>, stored: &str) -> ApiResult<Option<(String, String)>> {
    if !is_sealed(stored) {
        let nid = normalize(stored);
        return Ok(Some((key.seal(&nid)?, nid)));
    }
    if let Some(nid) = key.open(stored) {
        return Ok(Some((stored.to_string(), nid)));
    }
    match previous.and_then(|p| p.open(stored)) {
        Some(nid) => Ok(Some((key.seal(&nid)?, nid))),
        None => Ok(None),
    }
}

/// `all`: look at every row (a rotation); else only at plain ones and missing indexes.
fn convert(db: &Db, key: &Key, previous: Option<&Key>, all: bool) -> ApiResult<Converted> {
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
                let index = key.index(&nid);
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
    let keys = keys()?;
    // During a rotation a row may still carry the previous key's index.
    let by_index: std::collections::HashMap<String, String> = nids.iter().flat_map(|n| keys.indexes(n).into_iter().map(move |i| (i, n.trim().to_string()))).collect();
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

/// A server's row in `server_keys` older than this (seconds) counts it as stopped.
pub const ALIVE_SECONDS: i64 = 90;
/// Seconds between a server's reports of its keys.
const HEARTBEAT_SECONDS: u64 = 30;

/// Records that the server `instance` runs with the process's keys (every half minute, [`spawn`]).
pub fn heartbeat(c: &mut DbConn, instance: &str, now: chrono::NaiveDateTime) -> ApiResult<()> {
    let keys = keys()?;
    diesel::delete(sk::table.find(instance)).execute(c)?;
    diesel::insert_into(sk::table)
        .values((sk::instance.eq(instance), sk::key_id.eq(&keys.current.id), sk::previous_key_id.eq(keys.previous.as_ref().map(|k| k.id.clone())), sk::seen_at.eq(now)))
        .execute(c)?;
    Ok(())
}

/// [`heartbeat`] in its own transaction; it leaves the list totals counted (see `Db::housekeeping_blocking`).
pub fn report(db: &Db, instance: &str, now: chrono::NaiveDateTime) -> ApiResult<()> {
    db.housekeeping_blocking(|c| heartbeat(c, instance, now))
}

/// Removes a stopping server's row.
pub fn forget(c: &mut DbConn, instance: &str) -> ApiResult<()> {
    diesel::delete(sk::table.find(instance)).execute(c)?;
    Ok(())
}

/// The servers seen running in the last [`ALIVE_SECONDS`] whose key is not `new`'s: re-encrypting
/// under `new` now would leave them unable to read the converted rows or to match them by their
/// index, and they would go on writing under their old key. `licheng rotate-key` refuses while
/// there is any.
pub fn servers_not_on(c: &mut DbConn, new: &Secrets, now: chrono::NaiveDateTime) -> ApiResult<Vec<String>> {
    Ok(sk::table
        .filter(sk::seen_at.gt(now - chrono::Duration::seconds(ALIVE_SECONDS)))
        .filter(sk::key_id.ne(Key::new(new).id))
        .order(sk::instance)
        .select(sk::instance)
        .load(c)?)
}

/// This server's name in `server_keys`: host, process and a random part.
pub fn instance_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
    format!("{}:{}:{}", if host.is_empty() { "host" } else { &host }, std::process::id(), hex::encode(crate::secrets::random_bytes::<3>()))
}

/// Reports the server's keys every half minute (see [`servers_not_on`]).
pub fn spawn(db: Db, clock: crate::clock::Clock, instance: String) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(std::time::Duration::from_secs(HEARTBEAT_SECONDS));
        loop {
            tick.tick().await;
            let (db, now, instance) = (db.clone(), clock.now(), instance.clone());
            match actix_web::rt::task::spawn_blocking(move || report(&db, &instance, now)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = ?e, "could not report this server's national-ID key"),
                Err(e) => tracing::warn!(error = %e, "reporting this server's national-ID key panicked"),
            }
        }
    });
}

/// A Taiwanese national ID (or resident certificate number): a letter, then 9 characters whose
/// first is 1, 2 (citizens) or 8, 9 / A–D (residents), ending in digits, with a valid checksum.
pub fn is_valid_national_id(id: &str) -> bool {
    let id = id.trim().to_ascii_uppercase();
    let bytes = id.as_bytes();
    if bytes.len() != 10 || !bytes[0].is_ascii_uppercase() {
        return false;
    }
    // Letter values per the Ministry of the Interior: A=10 … with I, O, W, X, Y, Z irregular.
    const ORDER: &[u8; 26] = b"ABCDEFGHJKLMNPQRSTUVXYWZIO";
    let Some(pos) = ORDER.iter().position(|&c| c == bytes[0]) else { return false };
    let letter_value = pos as u32 + 10;
    let second = match bytes[1] {
        b'1' | b'2' | b'8' | b'9' => (bytes[1] - b'0') as u32,
        // Old-style resident certificates use a second letter; its value's last digit counts.
        c @ b'A'..=b'D' => {
            let Some(p) = ORDER.iter().position(|&x| x == c) else { return false };
            (p as u32 + 10) % 10
        }
        _ => return false,
    };
    if !bytes[2..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let digits: Vec<u32> = bytes[2..].iter().map(|b| (b - b'0') as u32).collect();
    let mut sum = letter_value / 10 + (letter_value % 10) * 9 + second * 8;
    for (i, d) in digits.iter().take(7).enumerate() {
        sum += d * (7 - i as u32);
    }
    sum += digits[7];
    sum % 10 == 0
}

/// A national ID from a 9-character stem with its check digit appended.
pub fn complete(stem: &str) -> String {
    (0..10)
        .map(|d| format!("{stem}{d}"))
        .find(|id| is_valid_national_id(id))
        .unwrap_or_else(|| format!("{stem}0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_ids() {
        assert!(is_valid_national_id("A123456789"));
        assert!(is_valid_national_id("a123456789"));
        assert!(!is_valid_national_id("A123456788"));
        assert!(!is_valid_national_id("A12345678"));
        assert!(!is_valid_national_id("1123456789"));
        assert!(!is_valid_national_id("A323456789"));
    }

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
