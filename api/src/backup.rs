//! Backup and restore (issue #26): a consistent copy of the database and of every stored file,
//! taken while the server runs, and a restore into an empty data directory and database that
//! refuses a partial or corrupt backup.
//!
//! A backup directory holds snapshots that share one content-addressed store, so a file already
//! backed up is never copied again (uploads are stored by SHA-256 and never change):
//!
//! ```text
//! DIR/store/ab/cd/abcd…            every stored file and job result, by SHA-256
//! DIR/snapshots/20261206T140102Z/
//!     database.sqlite | database.pgdump
//!     secret.key                   when the server keeps its key in the data directory
//!     manifest.json                written last: a snapshot without it is incomplete
//! ```
//!
//! The database copy comes first (SQLite `VACUUM INTO`, a transactionally consistent copy that
//! does not stop writers; PostgreSQL `pg_dump --format=custom`, one snapshot), the files after:
//! a file is durably stored before the row that names it commits, so every file the copy refers
//! to exists when the files are copied. On SQLite the list of files is read from the copy itself;
//! on PostgreSQL from the live database after the dump (a superset).

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::db::{BackendKind, DatabaseUrl, Db};
use crate::schema::{jobs, stored_files as sf};
use crate::storage::FileStore;

/// The manifest's format version; a restore refuses any other.
pub const MANIFEST_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("database: {0}")]
    Db(String),
    #[error("{0}")]
    Refused(String),
}

impl From<crate::error::ApiError> for BackupError {
    fn from(e: crate::error::ApiError) -> Self {
        BackupError::Db(format!("{e:?}"))
    }
}

impl From<diesel::result::Error> for BackupError {
    fn from(e: diesel::result::Error) -> Self {
        BackupError::Db(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, BackupError>;

/// One file of a snapshot: its SHA-256 (its name in `DIR/store`) and size.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub sha256: String,
    pub size: u64,
}

/// A job's result file (a roster package, …), put back at `path` under the data directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResultEntry {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// UTC, RFC 3339.
    pub created_at: String,
    /// `sqlite` or `postgresql`.
    pub backend: String,
    /// The database copy in the snapshot's folder (`database.sqlite` or `database.pgdump`).
    pub database_file: String,
    pub database: Entry,
    /// The data directory's `secret.key`, when there is one (tokens, encrypted columns).
    pub secret_key: Option<Entry>,
    /// Every stored file the copy refers to.
    pub files: Vec<Entry>,
    pub results: Vec<ResultEntry>,
}

/// What a backup did.
#[derive(Debug, Serialize)]
pub struct BackupReport {
    pub snapshot: PathBuf,
    pub files: usize,
    pub bytes: u64,
    /// Files copied this time (the others were in the store already).
    pub copied: usize,
    pub copied_bytes: u64,
    /// Files the copy refers to that were gone from the data directory (see `licheng check`).
    pub missing: Vec<String>,
    pub seconds: f64,
}

/// What a restore did.
#[derive(Debug, Serialize)]
pub struct RestoreReport {
    pub snapshot: PathBuf,
    pub files: usize,
    pub bytes: u64,
    pub seconds: f64,
}

fn sha256_of(path: &Path) -> std::io::Result<(String, u64)> {
    read_through(path, None)
}

/// Reads `path` whole, hashing it and writing each piece to `copy` when given: its SHA-256 and size.
fn read_through(path: &Path, mut copy: Option<&mut std::fs::File>) -> std::io::Result<(String, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
        if let Some(out) = copy.as_mut() {
            out.write_all(&buf[..n])?;
        }
    }
    Ok((hex::encode(hasher.finalize()), size))
}

fn fsync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Copies `from` to `to` through a temporary file, checking its SHA-256 on the way, with fsync
/// of the file and of its folder. Refuses (and leaves nothing) when the bytes are not `sha256`.
fn copy_verified(from: &Path, to: &Path, sha256: &str) -> Result<u64> {
    let dir = to.parent().ok_or_else(|| BackupError::Refused(format!("no folder for {}", to.display())))?;
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{}.{}.part", to.file_name().and_then(|n| n.to_str()).unwrap_or("file"), std::process::id()));
    let result = (|| -> Result<u64> {
        let mut dst = std::fs::OpenOptions::new().write(true).create(true).truncate(true).open(&tmp)?;
        let (got, size) = read_through(from, Some(&mut dst))?;
        dst.sync_all()?;
        if got != sha256 {
            return Err(BackupError::Refused(format!("{} is corrupt: its SHA-256 is {got}, not {sha256}", from.display())));
        }
        std::fs::rename(&tmp, to)?;
        fsync_dir(dir)?;
        Ok(size)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `DIR/store/ab/cd/abcd…`.
fn store_path(dir: &Path, sha256: &str) -> PathBuf {
    let (a, b) = (sha256.get(0..2).unwrap_or("00"), sha256.get(2..4).unwrap_or("00"));
    dir.join("store").join(a).join(b).join(sha256)
}

fn database_url(config: &Config) -> Result<DatabaseUrl> {
    DatabaseUrl::parse(&config.database_url()).map_err(BackupError::Refused)
}

/// `pg_dump` / `pg_restore` for the database at `url`: the password (in the URL's user part or a
/// `password=` parameter) goes to the child's `PGPASSWORD`, never to its command line, which any
/// local user can read in `ps`. The URL without it is passed as `--dbname`.
fn pg_command(program: &str, url: &str) -> Command {
    let (url, password) = split_password(url);
    let mut cmd = Command::new(program);
    if let Some(password) = password {
        cmd.env("PGPASSWORD", password);
    }
    cmd.arg(format!("--dbname={url}"));
    cmd
}

/// The URL without its password, and the password (percent-decoded).
fn split_password(url: &str) -> (String, Option<String>) {
    let (mut url, mut password) = (url.to_string(), None);
    if let Some(scheme_end) = url.find("://") {
        let rest = scheme_end + 3;
        let authority_end = url[rest..].find(['/', '?']).map_or(url.len(), |i| rest + i);
        if let Some(at) = url[rest..authority_end].rfind('@').map(|i| rest + i) {
            if let Some(colon) = url[rest..at].find(':').map(|i| rest + i) {
                password = Some(percent_decode(&url[colon + 1..at]));
                url.replace_range(colon..at, "");
            }
        }
    }
    if let Some(q) = url.find('?') {
        let (base, query) = url.split_at(q);
        let mut kept = Vec::new();
        for pair in query[1..].split('&') {
            match pair.strip_prefix("password=") {
                Some(p) => password = Some(percent_decode(p)),
                None if !pair.is_empty() => kept.push(pair),
                None => {}
            }
        }
        url = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
    }
    (url, password)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Takes a snapshot into `to` while the server may be running.
pub fn backup(config: &Config, db: &Db, to: &Path, now: NaiveDateTime) -> Result<BackupReport> {
    let started = std::time::Instant::now();
    let snapshots = to.join("snapshots");
    std::fs::create_dir_all(&snapshots)?;
    let mut name = now.format("%Y%m%dT%H%M%SZ").to_string();
    let mut n = 1;
    while snapshots.join(&name).exists() {
        n += 1;
        name = format!("{}-{n}", now.format("%Y%m%dT%H%M%SZ"));
    }
    let snapshot = snapshots.join(&name);
    std::fs::create_dir(&snapshot)?;
    let outcome = take(config, db, to, &snapshot, now);
    match outcome {
        Ok((manifest, copied, copied_bytes, missing)) => {
            let text = serde_json::to_vec_pretty(&manifest).map_err(|e| BackupError::Refused(e.to_string()))?;
            let part = snapshot.join("manifest.json.part");
            let mut f = std::fs::File::create(&part)?;
            f.write_all(&text)?;
            f.sync_all()?;
            std::fs::rename(&part, snapshot.join("manifest.json"))?;
            fsync_dir(&snapshot)?;
            let bytes = manifest.files.iter().map(|f| f.size).sum();
            Ok(BackupReport { snapshot, files: manifest.files.len(), bytes, copied, copied_bytes, missing, seconds: started.elapsed().as_secs_f64() })
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&snapshot);
            Err(e)
        }
    }
}

type Taken = (Manifest, usize, u64, Vec<String>);

fn take(config: &Config, db: &Db, to: &Path, snapshot: &Path, now: NaiveDateTime) -> Result<Taken> {
    let (database_file, files) = match database_url(config)? {
        DatabaseUrl::Sqlite(_) => {
            let file = snapshot.join("database.sqlite");
            let quoted = file.to_string_lossy().replace('\'', "''");
            let mut c = db.get()?;
            diesel::sql_query(format!("VACUUM INTO '{quoted}'")).execute(&mut *c)?;
            drop(c);
            // The files the copy itself refers to.
            let copy = Db::connect(&format!("sqlite://{}", file.display()), 1).map_err(|e| BackupError::Db(e.to_string()))?;
            let files = copy.read_blocking(|c| Ok(sf::table.select((sf::sha256, sf::size)).distinct().load::<(String, i64)>(c)?))?;
            ("database.sqlite", files)
        }
        DatabaseUrl::Postgres(url) => {
            let file = snapshot.join("database.pgdump");
            let out = pg_command("pg_dump", &url).args(["--format=custom", "--no-owner", "--no-privileges", "--file"]).arg(&file).output();
            let out = out.map_err(|e| BackupError::Refused(format!("pg_dump could not run ({e}); install the PostgreSQL client (Debian: postgresql-client)")))?;
            if !out.status.success() {
                return Err(BackupError::Db(format!("pg_dump failed: {}", String::from_utf8_lossy(&out.stderr).trim())));
            }
            std::fs::File::open(&file)?.sync_all()?;
            let files = db.read_blocking(|c| Ok(sf::table.select((sf::sha256, sf::size)).distinct().load::<(String, i64)>(c)?))?;
            ("database.pgdump", files)
        }
    };
    let (db_sha, db_size) = sha256_of(&snapshot.join(database_file))?;
    let secret_key = match std::fs::metadata(config.data_dir.join("secret.key")) {
        Ok(_) => {
            let (sha256, size) = sha256_of(&config.data_dir.join("secret.key"))?;
            copy_verified(&config.data_dir.join("secret.key"), &snapshot.join("secret.key"), &sha256)?;
            Some(Entry { sha256, size })
        }
        Err(_) => None,
    };
    let store = FileStore::new(&config.data_dir);
    let (mut copied, mut copied_bytes, mut missing) = (0usize, 0u64, Vec::new());
    let mut entries = BTreeSet::new();
    let mut put = |sha256: &str, from: &Path, size: u64| -> Result<bool> {
        let target = store_path(to, sha256);
        if std::fs::metadata(&target).is_ok_and(|m| m.len() == size) {
            return Ok(true);
        }
        match std::fs::metadata(from) {
            Err(_) => Ok(false),
            Ok(_) => {
                copied_bytes += copy_verified(from, &target, sha256)?;
                copied += 1;
                Ok(true)
            }
        }
    };
    for (sha256, size) in files {
        if put(&sha256, &store.path_of(&sha256), size as u64)? {
            entries.insert(Entry { sha256, size: size as u64 });
        } else {
            missing.push(sha256);
        }
    }
    let results: Vec<(Option<String>, Option<String>, Option<i64>)> = db.read_blocking(|c| {
        Ok(jobs::table.filter(jobs::state.eq("succeeded")).select((jobs::result_path, jobs::result_sha256, jobs::result_size)).load(c)?)
    })?;
    let mut result_entries = Vec::new();
    for (path, sha256, size) in results {
        let (Some(path), Some(sha256), Some(size)) = (path, sha256, size) else { continue };
        // Only a relative path inside the data directory is put back.
        if Path::new(&path).is_absolute() || Path::new(&path).components().any(|c| matches!(c, std::path::Component::ParentDir)) {
            continue;
        }
        if put(&sha256, &config.data_dir.join(&path), size as u64)? {
            result_entries.push(ResultEntry { path, sha256, size: size as u64 });
        }
    }
    let backend = match db.kind() {
        BackendKind::Sqlite => "sqlite",
        BackendKind::Postgres => "postgresql",
    };
    let manifest = Manifest {
        version: MANIFEST_VERSION,
        created_at: now.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        backend: backend.into(),
        database_file: database_file.into(),
        database: Entry { sha256: db_sha, size: db_size },
        secret_key,
        files: entries.into_iter().collect(),
        results: result_entries,
    };
    Ok((manifest, copied, copied_bytes, missing))
}

/// The snapshot to restore from `from`: a snapshot folder itself, or the newest complete
/// snapshot of a backup directory.
pub fn find_snapshot(from: &Path) -> Result<PathBuf> {
    if from.join("manifest.json").is_file() {
        return Ok(from.to_path_buf());
    }
    let mut names: Vec<PathBuf> = match std::fs::read_dir(from.join("snapshots")) {
        Ok(dir) => dir.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.join("manifest.json").is_file()).collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names.pop().ok_or_else(|| BackupError::Refused(format!("{} holds no complete snapshot (no manifest.json)", from.display())))
}

/// The backup directory that holds `snapshot` (`DIR/snapshots/NAME` → `DIR`).
fn backup_root(snapshot: &Path) -> Result<PathBuf> {
    snapshot
        .parent()
        .and_then(|p| p.parent())
        .map(Path::to_path_buf)
        .ok_or_else(|| BackupError::Refused(format!("{} is not inside a backup directory", snapshot.display())))
}

pub fn read_manifest(snapshot: &Path) -> Result<Manifest> {
    let text = std::fs::read(snapshot.join("manifest.json"))?;
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| BackupError::Refused(format!("manifest.json is not readable: {e}")))?;
    if manifest.version != MANIFEST_VERSION {
        return Err(BackupError::Refused(format!("manifest version {} is not {MANIFEST_VERSION}: use the Licheng version that made it", manifest.version)));
    }
    if !matches!(manifest.database_file.as_str(), "database.sqlite" | "database.pgdump") {
        return Err(BackupError::Refused(format!("unknown database file {}", manifest.database_file)));
    }
    Ok(manifest)
}

/// Checks every byte of a snapshot against its manifest: the database copy, the key, every file.
/// Returns the problems found (empty: the snapshot is whole).
pub fn verify(snapshot: &Path) -> Result<(Manifest, Vec<String>)> {
    let manifest = read_manifest(snapshot)?;
    let root = backup_root(snapshot)?;
    let mut problems = Vec::new();
    let mut check = |path: PathBuf, want: &Entry, what: &str| match sha256_of(&path) {
        Ok((sha, size)) if sha == want.sha256 && size == want.size => {}
        Ok(_) => problems.push(format!("{what} {} is corrupt", path.display())),
        Err(_) => problems.push(format!("{what} {} is missing", path.display())),
    };
    check(snapshot.join(&manifest.database_file), &manifest.database, "database copy");
    if let Some(key) = &manifest.secret_key {
        check(snapshot.join("secret.key"), key, "key");
    }
    for f in &manifest.files {
        check(store_path(&root, &f.sha256), f, "file");
    }
    for r in &manifest.results {
        check(store_path(&root, &r.sha256), &Entry { sha256: r.sha256.clone(), size: r.size }, "job result");
    }
    Ok((manifest, problems))
}

/// Restores the snapshot at `from` (or the newest in a backup directory) into the configured,
/// empty data directory and database. Nothing is written before the whole snapshot is verified.
pub fn restore(config: &Config, from: &Path) -> Result<RestoreReport> {
    let started = std::time::Instant::now();
    let snapshot = find_snapshot(from)?;
    let (manifest, problems) = verify(&snapshot)?;
    if !problems.is_empty() {
        return Err(BackupError::Refused(format!("the backup is incomplete or corrupt; nothing was restored:\n  {}", problems.join("\n  "))));
    }
    let url = database_url(config)?;
    match (&url, manifest.backend.as_str()) {
        (DatabaseUrl::Sqlite(_), "sqlite") | (DatabaseUrl::Postgres(_), "postgresql") => {}
        _ => return Err(BackupError::Refused(format!("the backup is of a {} database; the configured database_url is another kind", manifest.backend))),
    }
    // Only into an empty place: never over a living installation.
    let store = FileStore::new(&config.data_dir);
    let stored = store.stored_names().unwrap_or_default();
    if !stored.is_empty() {
        return Err(BackupError::Refused(format!("{} already holds {} stored files: restore into an empty data directory", config.data_dir.display(), stored.len())));
    }
    if config.secret_key.is_none() && manifest.secret_key.is_some() && config.data_dir.join("secret.key").exists() {
        return Err(BackupError::Refused(format!("{} already has a secret.key: restore into an empty data directory", config.data_dir.display())));
    }
    match &url {
        DatabaseUrl::Sqlite(path) => {
            if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
                return Err(BackupError::Refused(format!("the database {} exists: restore into a new database", path.display())));
            }
        }
        DatabaseUrl::Postgres(_) => {
            let db = Db::connect(&config.database_url(), 1).map_err(|e| BackupError::Db(e.to_string()))?;
            let tables: i64 = db.read_blocking(|c| {
                #[derive(QueryableByName)]
                struct Count {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    n: i64,
                }
                let row: Count = diesel::sql_query("SELECT count(*)::bigint AS n FROM information_schema.tables WHERE table_schema = 'public'").get_result(c)?;
                Ok(row.n)
            })?;
            if tables > 0 {
                return Err(BackupError::Refused("the configured PostgreSQL database has tables: restore into an empty database".into()));
            }
        }
    }
    let root = backup_root(&snapshot)?;
    std::fs::create_dir_all(&config.data_dir)?;
    // Files first, the database last: a restored database never names a file not yet in place.
    let mut bytes = 0u64;
    for f in &manifest.files {
        bytes += copy_verified(&store_path(&root, &f.sha256), &store.path_of(&f.sha256), &f.sha256)?;
    }
    for r in &manifest.results {
        copy_verified(&store_path(&root, &r.sha256), &config.data_dir.join(&r.path), &r.sha256)?;
    }
    if let Some(key) = &manifest.secret_key {
        copy_verified(&snapshot.join("secret.key"), &config.data_dir.join("secret.key"), &key.sha256)?;
    }
    match &url {
        DatabaseUrl::Sqlite(path) => {
            copy_verified(&snapshot.join(&manifest.database_file), path, &manifest.database.sha256)?;
        }
        DatabaseUrl::Postgres(url) => {
            let out = pg_command("pg_restore", url)
                .args(["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"])
                .arg(snapshot.join(&manifest.database_file))
                .output()
                .map_err(|e| BackupError::Refused(format!("pg_restore could not run ({e}); install the PostgreSQL client (Debian: postgresql-client)")))?;
            if !out.status.success() {
                return Err(BackupError::Db(format!("pg_restore failed: {}", String::from_utf8_lossy(&out.stderr).trim())));
            }
        }
    }
    Ok(RestoreReport { snapshot, files: manifest.files.len(), bytes, seconds: started.elapsed().as_secs_f64() })
}

/// Keeps the newest `keep` complete snapshots (and incomplete ones younger than a day, which may
/// be in progress), and removes from the store what no kept snapshot names. Returns the number of
/// snapshots removed.
pub fn prune(dir: &Path, keep: usize) -> Result<usize> {
    let mut complete: Vec<PathBuf> = Vec::new();
    let mut removed = 0;
    if let Ok(entries) = std::fs::read_dir(dir.join("snapshots")) {
        for e in entries.filter_map(|e| e.ok()) {
            let p = e.path();
            if p.join("manifest.json").is_file() {
                complete.push(p);
            } else if e.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() > 86_400)) {
                std::fs::remove_dir_all(&p)?;
                removed += 1;
            }
        }
    }
    complete.sort();
    let cut = complete.len().saturating_sub(keep.max(1));
    for old in complete.drain(..cut) {
        std::fs::remove_dir_all(&old)?;
        removed += 1;
    }
    let mut named = BTreeSet::new();
    for snapshot in &complete {
        let m = read_manifest(snapshot)?;
        named.extend(m.files.into_iter().map(|f| f.sha256));
        named.extend(m.results.into_iter().map(|r| r.sha256));
    }
    for name in stored_in(dir)? {
        if !named.contains(&name) {
            std::fs::remove_file(store_path(dir, &name))?;
        }
    }
    Ok(removed)
}

/// The SHA-256 names in `DIR/store`.
fn stored_in(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let root = dir.join("store");
    let Ok(level1) = std::fs::read_dir(&root) else { return Ok(out) };
    for a in level1.filter_map(|e| e.ok()) {
        let Ok(level2) = std::fs::read_dir(a.path()) else { continue };
        for b in level2.filter_map(|e| e.ok()) {
            let Ok(files) = std::fs::read_dir(b.path()) else { continue };
            for f in files.filter_map(|e| e.ok()) {
                let name = f.file_name().to_string_lossy().into_owned();
                if name.len() == 64 && name.bytes().all(|c| c.is_ascii_hexdigit()) {
                    out.push(name);
                }
            }
        }
    }
    Ok(out)
}

/// Periodic backups (`backup_dir`, `backup_interval_seconds`, `backup_keep`) on a thread of
/// their own; a failed backup is logged and tried again at the next interval.
pub fn spawn(config: Config, db: Db, clock: crate::clock::Clock) {
    let (Some(dir), interval) = (config.backup_dir.clone(), config.backup_interval_seconds) else { return };
    if interval == 0 {
        return;
    }
    let spawned = std::thread::Builder::new().name("backup".into()).spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_secs(interval));
        match backup(&config, &db, &dir, clock.now()) {
            Ok(r) => tracing::info!(snapshot = %r.snapshot.display(), files = r.files, copied = r.copied, seconds = r.seconds, "backup taken"),
            Err(e) => tracing::error!(error = %e, "backup failed"),
        }
        if let Err(e) = prune(&dir, config.backup_keep) {
            tracing::error!(error = %e, "pruning old backups failed");
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the backup thread");
    }
}

#[cfg(test)]
mod pg_command_tests {
    use super::pg_command;

    fn argv_and_password(url: &str) -> (Vec<String>, Option<String>) {
        let cmd = pg_command("pg_dump", url);
        let args = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        let password = cmd.get_envs().find(|(k, _)| *k == "PGPASSWORD").and_then(|(_, v)| v).map(|v| v.to_string_lossy().into_owned());
        (args, password)
    }

    #[test]
    fn the_password_goes_to_the_environment_not_the_command_line() {
        let (args, password) = argv_and_password("postgres://licheng:s3cr%40t!@db.example:5432/licheng?sslmode=require");
        assert_eq!(args, vec!["--dbname=postgres://licheng@db.example:5432/licheng?sslmode=require".to_string()]);
        assert_eq!(password.as_deref(), Some("s3cr@t!"));
        assert!(args.iter().all(|a| !a.contains("s3cr")), "{args:?}");

        let (args, password) = argv_and_password("postgresql://u@h/d?password=hunter2&application_name=x");
        assert_eq!(args, vec!["--dbname=postgresql://u@h/d?application_name=x".to_string()]);
        assert_eq!(password.as_deref(), Some("hunter2"));

        let (args, password) = argv_and_password("postgres://postgres@127.0.0.1:5432/postgres");
        assert_eq!(args, vec!["--dbname=postgres://postgres@127.0.0.1:5432/postgres".to_string()]);
        assert_eq!(password, None);
    }
}
