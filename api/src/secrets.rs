//! The master secret and the keys derived from it (token signing, encryption at rest).

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct Secrets {
    master: Vec<u8>,
    /// The access tokens' signing key, derived once: every signed-in request checks a token.
    access_token_key: [u8; 32],
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(…)")
    }
}

impl Secrets {
    pub fn from_value(value: &str) -> Secrets {
        let master = value.as_bytes().to_vec();
        let access_token_key = derive_from(&master, "access-token");
        Secrets { master, access_token_key }
    }

    /// The key access tokens are signed with (`derive("access-token")`, kept).
    pub fn access_token_key(&self) -> &[u8; 32] {
        &self.access_token_key
    }

    /// Uses `configured` when given; otherwise reads `{data_dir}/secret.key`, creating it with a
    /// random value (mode 0600) the first time.
    pub fn load_or_create(configured: Option<&str>, data_dir: &Path) -> std::io::Result<Secrets> {
        if let Some(value) = configured {
            return Ok(Secrets::from_value(value));
        }
        let path = data_dir.join("secret.key");
        match std::fs::read_to_string(&path) {
            Ok(text) if text.trim().len() >= 32 => return Ok(Secrets::from_value(text.trim())),
            Ok(_) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} is shorter than 32 characters", path.display()),
                ))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        std::fs::create_dir_all(data_dir)?;
        let value = hex::encode(random_bytes::<32>());
        let tmp = data_dir.join(format!("secret.key.{}", std::process::id()));
        {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(&tmp)?;
            file.write_all(value.as_bytes())?;
            file.sync_all()?;
        }
        // Another instance may have created it meanwhile: the first one wins.
        if std::fs::hard_link(&tmp, &path).is_err() {
            std::fs::remove_file(&tmp)?;
            return Secrets::load_or_create(None, data_dir);
        }
        std::fs::remove_file(&tmp)?;
        Ok(Secrets::from_value(&value))
    }

    /// A 32-byte key for one purpose, derived from the master secret.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        derive_from(&self.master, purpose)
    }
}

fn derive_from(master: &[u8], purpose: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"licheng-key-v1\0");
    h.update(purpose.as_bytes());
    h.update(b"\0");
    h.update(master);
    h.finalize().into()
}

impl Secrets {
    /// Encrypts `plain` at rest with AES-256-GCM under the key derived for `purpose`: base64 of
    /// the 12-byte nonce followed by the sealed bytes.
    pub fn seal(&self, purpose: &str, plain: &str) -> Option<String> {
        use aes_gcm::aead::{Aead, KeyInit};
        use base64::Engine;
        let nonce_bytes = random_bytes::<12>();
        let cipher = aes_gcm::Aes256Gcm::new(&self.derive(purpose).into());
        let sealed = cipher.encrypt(&aes_gcm::Nonce::from(nonce_bytes), plain.as_bytes()).ok()?;
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&sealed);
        Some(base64::engine::general_purpose::STANDARD.encode(out))
    }

    /// Opens what [`Secrets::seal`] made for `purpose`; `None` when it cannot (another key, or
    /// tampered with).
    pub fn open(&self, purpose: &str, stored: &str) -> Option<String> {
        use aes_gcm::aead::{Aead, KeyInit};
        use base64::Engine;
        let raw = base64::engine::general_purpose::STANDARD.decode(stored).ok()?;
        if raw.len() < 12 {
            return None;
        }
        let (nonce, sealed) = raw.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        let cipher = aes_gcm::Aes256Gcm::new(&self.derive(purpose).into());
        String::from_utf8(cipher.decrypt(&aes_gcm::Nonce::from(nonce), sealed).ok()?).ok()
    }
}

/// Cryptographically secure random bytes.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    rand::fill(&mut out);
    out
}

/// SHA-256 of `data` as lower-case hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}
