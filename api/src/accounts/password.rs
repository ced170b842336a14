//! Password rules: argon2id hashing, the initial password, and the strength check.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;

use crate::error::{ApiError, ErrorCode};

/// Argon2 needs 19 MiB per hash. Run on whatever thread asked, a sign-in surge would hold that
/// much per concurrent request (and the allocator keeps a copy per thread arena afterwards), so
/// every hash runs on a small fixed pool — one thread per core: memory stays bounded, the CPU is
/// not oversubscribed, and waiting requests are served in order.
mod pool {
    use std::sync::mpsc::{self, Sender};
    use std::sync::{Mutex, OnceLock};

    type Job = Box<dyn FnOnce() + Send>;

    /// Hashing threads: one per core, at most 8.
    pub fn threads() -> usize {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(1, 8)
    }

    fn sender() -> &'static Mutex<Option<Sender<Job>>> {
        static POOL: OnceLock<Mutex<Option<Sender<Job>>>> = OnceLock::new();
        POOL.get_or_init(|| {
            let (tx, rx) = mpsc::channel::<Job>();
            let rx = std::sync::Arc::new(Mutex::new(rx));
            let threads = threads();
            let mut started = 0;
            for i in 0..threads {
                let rx = rx.clone();
                let spawned = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || loop {
                    let job = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
                if spawned.is_ok() {
                    started += 1;
                }
            }
            Mutex::new((started > 0).then_some(tx))
        })
    }

    /// Runs `f` on the pool and waits for it (on the calling, blocking thread). Runs it here
    /// when the pool is unavailable; `None` only if a pool thread died while running it.
    pub fn run<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (tx, rx) = mpsc::sync_channel(1);
        let job = std::sync::Arc::new(Mutex::new(Some(f)));
        let for_pool = job.clone();
        let sent = sender().lock().ok().and_then(|s| {
            s.as_ref().map(|s| {
                s.send(Box::new(move || {
                    let f = for_pool.lock().ok().and_then(|mut f| f.take());
                    if let Some(f) = f {
                        let _ = tx.send(f());
                    }
                }))
            })
        });
        if let Some(Ok(())) = sent {
            if let Ok(value) = rx.recv() {
                return Some(value);
            }
        }
        let f = job.lock().ok().and_then(|mut f| f.take());
        f.map(|f| f())
    }
}

/// An argon2id PHC string for `password`.
pub fn hash(password: &str) -> Result<String, ApiError> {
    let password = password.to_string();
    pool::run(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ApiError::internal(format!("argon2: {e}")))
    })
    .unwrap_or_else(|| Err(ApiError::internal("argon2 worker failed")))
}

/// Stored instead of a hash while an account still has its initial password (the national ID):
/// syncing thousands of new accounts then costs no hashing, and the check below compares with
/// the national ID the account row already holds.
pub const INITIAL: &str = "!initial";

/// A hash of nothing in particular, made once with the same parameters as real ones.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("licheng-dummy-password").unwrap_or_default())
}

/// Spends what a real verification costs, for a name that is no account: an unknown account
/// then takes as long to refuse as a known one with a wrong password.
pub fn verify_dummy(password: &str) {
    let _ = verify(password, dummy_hash());
}

/// Whether `password` signs in to an account with `stored` hash and `national_id`. An account
/// still on its initial password costs one (dummy) hash too, so timing does not tell it apart.
pub fn verify_account(password: &str, stored: &str, national_id: Option<&str>) -> bool {
    if stored == INITIAL {
        verify_dummy(password);
        return national_id.is_some_and(|id| {
            let expected = initial_password(id);
            !expected.is_empty()
                && expected.len() == password.len()
                && expected.bytes().zip(password.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
        });
    }
    verify(password, stored)
}

/// Whether `password` matches the stored PHC string; a malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    let (password, stored) = (password.to_string(), stored.to_string());
    pool::run(move || match PasswordHash::new(&stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    })
    .unwrap_or(false)
}

/// What [`bench`] measured.
pub struct Bench {
    pub verifications: u64,
    pub seconds: f64,
    pub threads: usize,
    pub callers: usize,
}

/// The argon2 ceiling: correct-password verifications through the hashing pool for `span`,
/// from twice as many callers as it has threads (so it is never idle).
pub fn bench(span: std::time::Duration) -> Result<Bench, ApiError> {
    let stored = hash("bench-argon2-password")?;
    let threads = pool::threads();
    let callers = threads * 2;
    let done = std::sync::atomic::AtomicU64::new(0);
    let start = std::time::Instant::now();
    std::thread::scope(|s| {
        for _ in 0..callers {
            s.spawn(|| {
                while start.elapsed() < span {
                    if verify("bench-argon2-password", &stored) {
                        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
        }
    });
    Ok(Bench { verifications: done.into_inner(), seconds: start.elapsed().as_secs_f64(), threads, callers })
}

/// The initial password (FAQ 004 Q3): the national ID with its letter in upper case.
pub fn initial_password(national_id: &str) -> String {
    national_id.trim().to_ascii_uppercase()
}

/// Masks a national ID in the manual's style but hiding five digits, not two: `N223233636` →
/// `N22XXXXX36`. With two hidden the check digit leaves about ten candidates for the initial
/// password (which is the ID); with five, ten thousand.
pub fn mask_national_id(id: &str) -> String {
    id.chars().enumerate().map(|(i, c)| if (3..8).contains(&i) { 'X' } else { c }).collect()
}

/// The minimum strength for a new password: 8 to 64 characters, letters and digits, and not the
/// account name, the national ID or the initial password.
pub fn check_strength(password: &str, account: &str, national_id: Option<&str>) -> Result<(), ApiError> {
    let len = password.chars().count();
    let has_letter = password.chars().any(|c| c.is_ascii_alphabetic());
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    let lower = password.to_ascii_lowercase();
    let same_as_account = lower == account.to_ascii_lowercase();
    let same_as_id = national_id.is_some_and(|id| lower == id.trim().to_ascii_lowercase());
    if !(8..=64).contains(&len) || !has_letter || !has_digit || same_as_account || same_as_id {
        let mut err = ApiError::new(ErrorCode::WeakPassword);
        if !(8..=64).contains(&len) {
            err = err.field("new_password", "長度須為 8 到 64 個字元", "must be 8 to 64 characters");
        }
        if !has_letter || !has_digit {
            err = err.field("new_password", "須同時包含英文字母與數字", "must contain letters and digits");
        }
        if same_as_account || same_as_id {
            err = err.field("new_password", "不可與帳號或身分證號相同", "must differ from the account and national ID");
        }
        return Err(err);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted() {
        let a = hash("Secret123").unwrap();
        let b = hash("Secret123").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(verify("Secret123", &a));
        assert!(!verify("secret123", &a));
        assert!(!verify("Secret123", "not-a-hash"));
    }

    #[test]
    fn initial_marker_checks_the_national_id() {
        assert!(verify_account("A123456789", INITIAL, Some("a123456789")));
        assert!(!verify_account("a123456789", INITIAL, Some("a123456789")));
        assert!(!verify_account("A123456789", INITIAL, None));
        assert!(!verify_account("", INITIAL, Some("")));
        assert!(!verify_account(INITIAL, INITIAL, Some("A123456789")));
    }

    #[test]
    fn national_ids() {
        assert_eq!(initial_password(" a123456789 "), "A123456789");
        assert_eq!(mask_national_id("N223233636"), "N22XXXXX36");
    }

    #[test]
    fn strength() {
        assert!(check_strength("abc12345", "s1", None).is_ok());
        assert_eq!(check_strength("short1", "s1", None).unwrap_err().code, ErrorCode::WeakPassword);
        assert!(check_strength("abcdefgh", "s1", None).is_err());
        assert!(check_strength("12345678", "s1", None).is_err());
        assert!(check_strength("A123456789", "s1", Some("a123456789")).is_err());
        assert!(check_strength("teacher01", "Teacher01", None).is_err());
    }
}
