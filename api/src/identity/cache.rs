//! A short-lived, per-process cache of authenticated users (roles, modules, school state), so
//! an authenticated read does not load them on every request (issue #25).
//!
//! Keyed by the access token's user, session and password version: a password change makes a
//! new key. Entries live `principal_cache_seconds` (default 5; 0 turns the cache off). Anything
//! that changes who may do what — a sign-out or revoked session, a password change or reset, a
//! deactivation, a role-group or account change recorded in the audit log — invalidates every
//! entry of this process at once; another process sees the change within the lifetime.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{Duration, NaiveDateTime};

use super::UserPrincipal;

/// Bumped to invalidate every cache of this process (each app state has its own map).
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Most entries kept; past it the map starts over.
const MAX_ENTRIES: usize = 100_000;

/// Invalidates every cached principal of this process.
pub fn invalidate_all() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

type Key = (i64, String, i64);

pub struct PrincipalCache {
    ttl: Duration,
    entries: Mutex<HashMap<Key, (NaiveDateTime, u64, Arc<UserPrincipal>)>>,
}

impl PrincipalCache {
    pub fn new(ttl_seconds: u64) -> PrincipalCache {
        PrincipalCache { ttl: Duration::seconds(i64::try_from(ttl_seconds).unwrap_or(0)), entries: Mutex::new(HashMap::new()) }
    }

    pub fn enabled(&self) -> bool {
        self.ttl > Duration::zero()
    }

    /// The cached principal of this token, if loaded less than the lifetime ago and nothing was
    /// invalidated since.
    pub fn get(&self, user: i64, session: &str, password_version: i64, now: NaiveDateTime) -> Option<Arc<UserPrincipal>> {
        if !self.enabled() {
            return None;
        }
        let generation = GENERATION.load(Ordering::SeqCst);
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (loaded, gen, principal) = entries.get(&(user, session.to_string(), password_version))?;
        (*gen == generation && now >= *loaded && now - *loaded < self.ttl).then(|| principal.clone())
    }

    /// Keeps a principal loaded at `now` under the generation read before it was loaded.
    pub fn put(&self, password_version: i64, principal: &Arc<UserPrincipal>, generation: u64, now: NaiveDateTime) {
        if !self.enabled() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert((principal.user.id, principal.session.clone(), password_version), (now, generation, principal.clone()));
    }

    /// The generation to pass to [`PrincipalCache::put`]: read it before loading, so a change
    /// made while loading is not hidden behind a stale entry.
    pub fn generation(&self) -> u64 {
        GENERATION.load(Ordering::SeqCst)
    }
}
