//! Typed configuration: documented defaults, then an optional TOML file, then `LICHENG_*`
//! environment variables (highest precedence).

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Every setting with its default. The TOML file uses the same names as the fields;
/// each environment variable is `LICHENG_` + the field name in upper case.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://PATH`, a plain path (SQLite) or `postgres://…` (PostgreSQL).
    /// Default: `sqlite://{data_dir}/licheng.db`.
    pub database_url: Option<String>,
    /// Directory for the SQLite database, uploaded files and the generated secret key.
    pub data_dir: PathBuf,
    /// Address the HTTP server listens on.
    pub bind: String,
    /// Directory with the built SPA (`frontend/dist`), served at `/`.
    pub frontend_dir: PathBuf,
    /// Public base URL used in links sent by mail; default `http://{bind}`.
    pub public_url: Option<String>,
    /// Connections in the database pool.
    pub pool_size: u32,
    /// HTTP worker threads; 0 = one per core.
    pub workers: usize,
    /// Largest JSON request body in bytes.
    pub max_json_bytes: usize,
    /// Largest sync batch body in bytes (a school's whole enrolment snapshot).
    pub max_sync_bytes: usize,
    /// Largest uploaded document (pdf, jpg, png) in bytes (FAQ 004: 4 MB).
    pub max_document_bytes: u64,
    /// Largest uploaded video or audio file (mp3, mp4) in bytes (FAQ 004: 10 MB).
    pub max_video_bytes: u64,
    /// Bytes the live items (learning results and performances) of one student may hold;
    /// 0 = no limit. Replaced and deleted items' files do not count.
    pub student_quota_bytes: u64,
    /// Bytes the live items of one school may hold; 0 = no limit.
    pub school_quota_bytes: u64,
    /// Files one user may upload within an hour (replacements included); 0 = no limit.
    pub uploads_per_hour: u32,
    /// How often stored files nothing live refers to (replaced, or of deleted items) are removed,
    /// in seconds; 0 turns it off (`licheng check --remove-orphans` does the same by hand).
    pub orphan_sweep_interval_seconds: u64,
    /// How often the reminder scheduler looks for reminders due and mails to (re)send, in
    /// seconds; 0 turns it off (e.g. on extra instances, though running it on all is safe).
    pub reminder_interval_seconds: u64,
    /// Master secret (at least 32 characters) from which the token-signing and encryption keys
    /// are derived. When unset, a random one is generated once into `{data_dir}/secret.key`;
    /// several instances sharing one database must share this value.
    pub secret_key: Option<String>,
    /// During a key rotation (README "Changing the secret key"): the secret used before
    /// `secret_key`. National IDs not re-encrypted yet are read with it, so servers keep working
    /// while `licheng rotate-key` runs; remove it once the rotation has finished.
    pub previous_secret_key: Option<String>,
    /// Whether sign-in and forgot-password require a captcha (machine clients use API keys).
    pub captcha: bool,
    /// Access-token lifetime in seconds.
    pub access_token_seconds: i64,
    /// Refresh-token lifetime in seconds.
    pub refresh_token_seconds: i64,
    /// Longest a session (a refresh-token family) lasts from its sign-in, however often it is
    /// refreshed, in seconds; then the user signs in again.
    pub refresh_family_max_seconds: i64,
    /// Failed sign-ins from one client address (any account) within
    /// `sign_in_client_window_seconds` after which that address must solve a captcha for every
    /// further attempt — never a hard refusal, since a whole school may share one NAT address.
    /// Successful sign-ins do not count.
    pub sign_in_client_limit: i64,
    /// Failed sign-ins for one account name from one client address within the window after
    /// which further attempts for that account from that address are refused (`rate_limited`).
    pub sign_in_account_client_limit: i64,
    pub sign_in_client_window_seconds: i64,
    /// Addresses or CIDR ranges of the reverse proxies / load balancers in front of Licheng.
    /// Only from these is `Forwarded` / `X-Forwarded-For` believed for the client's address
    /// (sign-in throttling, the audit log); from anyone else the TCP peer counts.
    pub trusted_proxies: Vec<String>,
    /// When set, `GET /metrics` needs `Authorization: Bearer <metrics_token>`.
    pub metrics_token: Option<String>,
    /// When set, `/metrics` is served on this address only (e.g. `127.0.0.1:9090`), not on `bind`.
    pub metrics_bind: Option<String>,
    /// `Strict-Transport-Security` max-age in seconds, sent when Licheng is served over TLS
    /// (behind a TLS-terminating proxy); 0 sends none.
    pub hsts_seconds: u64,
    /// Address ranges (CIDR, e.g. `10.0.0.25/32`) a school's mail server may resolve to although
    /// they are internal (loopback, private, link-local, unique-local); for an on-premises relay.
    /// Every other internal address is refused, so mail settings cannot probe the server's network.
    pub mail_allowed_networks: Vec<String>,
    /// Ports a school's mail server may use.
    pub mail_allowed_ports: Vec<u16>,
    /// Longest one mail may take (connecting, the server's greeting, every command), in seconds.
    pub mail_timeout_seconds: u64,
    /// Longest one scheduler pass spends sending one school's mail, in seconds; what is left waits
    /// for the next pass. Schools are sent concurrently, so a slow server only delays its own school.
    pub mail_school_budget_seconds: u64,
    /// How long an authenticated user's roles and modules are reused by this process without
    /// reloading them, in seconds (`identity::cache`); changes made through another process take
    /// effect within it. 0 reloads them on every request.
    pub principal_cache_seconds: u64,
    /// Periodic backups (`licheng backup`) into this folder while the server runs; none when unset.
    pub backup_dir: Option<PathBuf>,
    /// Seconds between periodic backups (0: none). Each backup copies only files not yet backed up.
    pub backup_interval_seconds: u64,
    /// Complete snapshots kept by periodic backups; older ones and the files only they named are removed.
    pub backup_keep: usize,
    /// `text` or `json` log lines.
    pub log_format: String,
    /// Log filter in `tracing` syntax, e.g. `info` or `licheng=debug,actix_web=info`.
    pub log_level: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: None,
            data_dir: PathBuf::from("data"),
            bind: "127.0.0.1:8080".into(),
            frontend_dir: PathBuf::from("frontend/dist"),
            public_url: None,
            pool_size: 16,
            workers: 0,
            max_json_bytes: 1024 * 1024,
            max_sync_bytes: 64 * 1024 * 1024,
            max_document_bytes: 4 * 1024 * 1024,
            max_video_bytes: 10 * 1024 * 1024,
            student_quota_bytes: 200 * 1024 * 1024,
            school_quota_bytes: 100 * 1024 * 1024 * 1024,
            uploads_per_hour: 60,
            orphan_sweep_interval_seconds: 3600,
            reminder_interval_seconds: 60,
            secret_key: None,
            previous_secret_key: None,
            captcha: true,
            access_token_seconds: 15 * 60,
            refresh_token_seconds: 14 * 24 * 3600,
            refresh_family_max_seconds: 30 * 24 * 3600,
            sign_in_client_limit: 50,
            sign_in_account_client_limit: 10,
            sign_in_client_window_seconds: 600,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            metrics_bind: None,
            hsts_seconds: 0,
            mail_allowed_networks: Vec::new(),
            mail_allowed_ports: vec![25, 465, 587],
            mail_timeout_seconds: 20,
            mail_school_budget_seconds: 120,
            principal_cache_seconds: 5,
            backup_dir: None,
            backup_interval_seconds: 0,
            backup_keep: 7,
            log_format: "text".into(),
            log_level: "info".into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("invalid configuration file {path}: {source}")]
    Parse { path: PathBuf, source: Box<toml::de::Error> },
    #[error("invalid value for {name}: {message}")]
    Value { name: &'static str, message: String },
}

impl Config {
    /// Loads defaults, then `file` (or `$LICHENG_CONFIG`, or `licheng.toml` if it exists), then the
    /// environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| lookup(&env, "LICHENG_CONFIG").map(PathBuf::from))
            .or_else(|| {
                let p = PathBuf::from("licheng.toml");
                p.exists().then_some(p)
            });
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|source| ConfigError::Read { path: path.clone(), source })?;
                toml::from_str(&text)
                    .map_err(|source| ConfigError::Parse { path, source: Box::new(source) })?
            }
            None => Config::default(),
        };
        config.apply_env(&env)?;
        config.check()?;
        Ok(config)
    }

    /// Applies `LICHENG_*` variables from `env` over the current values.
    pub fn apply_env(&mut self, env: &[(String, String)]) -> Result<(), ConfigError> {
        if let Some(v) = lookup(env, "LICHENG_DATABASE_URL") {
            self.database_url = Some(v.to_string());
        }
        if let Some(v) = lookup(env, "LICHENG_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = lookup(env, "LICHENG_BIND") {
            self.bind = v.to_string();
        }
        if let Some(v) = lookup(env, "LICHENG_FRONTEND_DIR") {
            self.frontend_dir = PathBuf::from(v);
        }
        if let Some(v) = lookup(env, "LICHENG_PUBLIC_URL") {
            self.public_url = Some(v.to_string());
        }
        if let Some(v) = lookup(env, "LICHENG_POOL_SIZE") {
            self.pool_size = parse_num("LICHENG_POOL_SIZE", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_WORKERS") {
            self.workers = parse_num("LICHENG_WORKERS", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_MAX_JSON_BYTES") {
            self.max_json_bytes = parse_num("LICHENG_MAX_JSON_BYTES", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_MAX_SYNC_BYTES") {
            self.max_sync_bytes = parse_num("LICHENG_MAX_SYNC_BYTES", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_MAX_DOCUMENT_BYTES") {
            self.max_document_bytes = parse_num("LICHENG_MAX_DOCUMENT_BYTES", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_MAX_VIDEO_BYTES") {
            self.max_video_bytes = parse_num("LICHENG_MAX_VIDEO_BYTES", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_STUDENT_QUOTA_BYTES") {
            self.student_quota_bytes = parse_num("LICHENG_STUDENT_QUOTA_BYTES", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_SCHOOL_QUOTA_BYTES") {
            self.school_quota_bytes = parse_num("LICHENG_SCHOOL_QUOTA_BYTES", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_UPLOADS_PER_HOUR") {
            self.uploads_per_hour = parse_num("LICHENG_UPLOADS_PER_HOUR", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_ORPHAN_SWEEP_INTERVAL_SECONDS") {
            self.orphan_sweep_interval_seconds = parse_num("LICHENG_ORPHAN_SWEEP_INTERVAL_SECONDS", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_REMINDER_INTERVAL_SECONDS") {
            self.reminder_interval_seconds = parse_num("LICHENG_REMINDER_INTERVAL_SECONDS", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_BACKUP_DIR") {
            self.backup_dir = Some(PathBuf::from(v));
        }
        if let Some(v) = lookup(env, "LICHENG_BACKUP_INTERVAL_SECONDS") {
            self.backup_interval_seconds = parse_num("LICHENG_BACKUP_INTERVAL_SECONDS", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_BACKUP_KEEP") {
            self.backup_keep = parse_num("LICHENG_BACKUP_KEEP", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_SECRET_KEY") {
            self.secret_key = Some(v.to_string());
        }
        if let Some(v) = lookup(env, "LICHENG_PREVIOUS_SECRET_KEY") {
            self.previous_secret_key = Some(v.to_string());
        }
        if let Some(v) = lookup(env, "LICHENG_CAPTCHA") {
            self.captcha = parse_bool("LICHENG_CAPTCHA", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_ACCESS_TOKEN_SECONDS") {
            self.access_token_seconds = parse_num("LICHENG_ACCESS_TOKEN_SECONDS", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_REFRESH_TOKEN_SECONDS") {
            self.refresh_token_seconds = parse_num("LICHENG_REFRESH_TOKEN_SECONDS", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_REFRESH_FAMILY_MAX_SECONDS") {
            self.refresh_family_max_seconds = parse_num("LICHENG_REFRESH_FAMILY_MAX_SECONDS", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_SIGN_IN_CLIENT_LIMIT") {
            self.sign_in_client_limit = parse_num("LICHENG_SIGN_IN_CLIENT_LIMIT", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_SIGN_IN_ACCOUNT_CLIENT_LIMIT") {
            self.sign_in_account_client_limit = parse_num("LICHENG_SIGN_IN_ACCOUNT_CLIENT_LIMIT", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_TRUSTED_PROXIES") {
            self.trusted_proxies = v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        }
        if let Some(v) = lookup(env, "LICHENG_METRICS_TOKEN") {
            self.metrics_token = Some(v.to_string());
        }
        if let Some(v) = lookup(env, "LICHENG_METRICS_BIND") {
            self.metrics_bind = Some(v.to_string());
        }
        if let Some(v) = lookup(env, "LICHENG_PRINCIPAL_CACHE_SECONDS") {
            self.principal_cache_seconds = parse_num("LICHENG_PRINCIPAL_CACHE_SECONDS", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_HSTS_SECONDS") {
            self.hsts_seconds = parse_num("LICHENG_HSTS_SECONDS", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_SIGN_IN_CLIENT_WINDOW_SECONDS") {
            self.sign_in_client_window_seconds = parse_num("LICHENG_SIGN_IN_CLIENT_WINDOW_SECONDS", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_MAIL_ALLOWED_NETWORKS") {
            self.mail_allowed_networks = v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
        }
        if let Some(v) = lookup(env, "LICHENG_MAIL_ALLOWED_PORTS") {
            self.mail_allowed_ports =
                v.split(',').filter(|s| !s.trim().is_empty()).map(|p| parse_num("LICHENG_MAIL_ALLOWED_PORTS", p)).collect::<Result<_, _>>()?;
        }
        if let Some(v) = lookup(env, "LICHENG_MAIL_TIMEOUT_SECONDS") {
            self.mail_timeout_seconds = parse_num("LICHENG_MAIL_TIMEOUT_SECONDS", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_MAIL_SCHOOL_BUDGET_SECONDS") {
            self.mail_school_budget_seconds = parse_num("LICHENG_MAIL_SCHOOL_BUDGET_SECONDS", v)?;
        }
        if let Some(v) = lookup(env, "LICHENG_LOG_FORMAT") {
            self.log_format = v.to_string();
        }
        if let Some(v) = lookup(env, "LICHENG_LOG_LEVEL") {
            self.log_level = v.to_string();
        }
        Ok(())
    }

    fn check(&self) -> Result<(), ConfigError> {
        if self.pool_size == 0 {
            return Err(value("pool_size", "must be at least 1"));
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return Err(value("log_format", "must be `text` or `json`"));
        }
        if let Some(secret) = &self.secret_key {
            if secret.chars().count() < 32 {
                return Err(value("secret_key", "must be at least 32 characters"));
            }
        }
        if self.previous_secret_key.as_ref().is_some_and(|s| s.chars().count() < 32) {
            return Err(value("previous_secret_key", "must be at least 32 characters"));
        }
        if self.access_token_seconds < 30 || self.refresh_token_seconds < self.access_token_seconds {
            return Err(value(
                "access_token_seconds",
                "must be at least 30 and not longer than refresh_token_seconds",
            ));
        }
        crate::net::parse_list(self.trusted_proxies.iter().map(String::as_str)).map_err(|message| ConfigError::Value { name: "trusted_proxies", message })?;
        if self.metrics_token.as_deref().is_some_and(|t| t.chars().count() < 16) {
            return Err(value("metrics_token", "must be at least 16 characters"));
        }
        if self.refresh_family_max_seconds < self.access_token_seconds {
            return Err(value("refresh_family_max_seconds", "must not be shorter than access_token_seconds"));
        }
        crate::net::parse_list(self.mail_allowed_networks.iter().map(String::as_str))
            .map_err(|message| ConfigError::Value { name: "mail_allowed_networks", message })?;
        if self.mail_timeout_seconds == 0 {
            return Err(value("mail_timeout_seconds", "must be at least 1"));
        }
        crate::db::DatabaseUrl::parse(&self.database_url())
            .map_err(|message| ConfigError::Value { name: "database_url", message })?;
        Ok(())
    }

    /// The trusted proxies as ranges (entries that do not parse were refused at load).
    pub fn trusted_proxy_nets(&self) -> Vec<crate::net::Cidr> {
        self.trusted_proxies.iter().filter_map(|s| s.parse().ok()).collect()
    }

    /// The database URL, defaulting to the SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("licheng.db").display()),
        }
    }

    /// `mail_allowed_networks`, parsed (`check` refuses a configuration where this fails).
    pub fn mail_allowed_networks(&self) -> Vec<crate::net::Cidr> {
        self.mail_allowed_networks.iter().filter_map(|s| s.parse().ok()).collect()
    }

    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.bind),
        }
    }
}

fn lookup<'a>(env: &'a [(String, String)], name: &str) -> Option<&'a str> {
    env.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

fn value(name: &'static str, message: &str) -> ConfigError {
    ConfigError::Value { name, message: message.to_string() }
}

fn parse_num<T: std::str::FromStr>(name: &'static str, v: &str) -> Result<T, ConfigError> {
    v.trim().parse().map_err(|_| ConfigError::Value { name, message: format!("`{v}` is not a number") })
}

fn parse_bool(name: &'static str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::Value { name, message: format!("`{v}` is not true/false") }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_are_documented_values() {
        let c = Config::default();
        assert_eq!(c.bind, "127.0.0.1:8080");
        assert_eq!(c.data_dir, PathBuf::from("data"));
        assert_eq!(c.database_url(), "sqlite://data/licheng.db");
        assert!(c.captcha);
    }

    #[test]
    fn environment_overrides_file_values() {
        let mut c: Config = toml::from_str("bind = \"0.0.0.0:9000\"\ncaptcha = true\n").unwrap();
        c.apply_env(&env(&[("LICHENG_CAPTCHA", "off"), ("LICHENG_DATA_DIR", "/tmp/x")])).unwrap();
        assert_eq!(c.bind, "0.0.0.0:9000");
        assert!(!c.captcha);
        assert_eq!(c.database_url(), "sqlite:///tmp/x/licheng.db");
    }

    #[test]
    fn bad_values_are_refused() {
        let mut c = Config::default();
        assert!(c.apply_env(&env(&[("LICHENG_POOL_SIZE", "many")])).is_err());
        assert!(toml::from_str::<Config>("no_such_setting = 1").is_err());
        let c = Config { database_url: Some("mysql://x".into()), ..Config::default() };
        assert!(c.check().is_err());
        let c = Config { secret_key: Some("short".into()), ..Config::default() };
        assert!(c.check().is_err());
        let c = Config { mail_allowed_networks: vec!["10.0.0.0/40".into()], ..Config::default() };
        assert!(c.check().is_err());
        let mut c = Config::default();
        c.apply_env(&env(&[("LICHENG_MAIL_ALLOWED_NETWORKS", "10.0.0.25/32, 127.0.0.1"), ("LICHENG_MAIL_ALLOWED_PORTS", "25,2525")])).unwrap();
        assert_eq!(c.mail_allowed_networks().len(), 2);
        assert_eq!(c.mail_allowed_ports, vec![25, 2525]);
    }
}
