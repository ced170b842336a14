//! One code path over SQLite (embedded default) and PostgreSQL (scale-out), chosen from the URL
//! scheme. Queries run on the blocking thread pool, never on the async workers.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, IntoSql, PgConnection, RunQueryDsl, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::ApiError;

/// A multi-row INSERT. Diesel's MultiConnection cannot batch (its dialect has no DEFAULT
/// keyword), so the statement runs on the concrete connection inside the same transaction.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite(conn) => diesel::insert_into($table).values($rows).execute(conn),
            $crate::db::DbConn::Postgresql(conn) => diesel::insert_into($table).values($rows).execute(conn),
        }
    };
}
pub(crate) use insert_rows;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// A parsed database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// `sqlite://PATH` or a bare path → SQLite; `postgres://` / `postgresql://` → PostgreSQL;
    /// any other scheme is an error (never silently a file).
    pub fn parse(url: &str) -> Result<DatabaseUrl, String> {
        let url = url.trim();
        if url.is_empty() {
            return Err("the database URL is empty".into());
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("`sqlite://` needs a file path, e.g. sqlite://data/licheng.db".into());
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = url.split_once("://") {
            return Err(format!(
                "unsupported database scheme `{scheme}://`: use sqlite://PATH or postgres://…"
            ));
        }
        if url.contains(':') && !url.starts_with('/') && !url.starts_with('.') {
            return Err(format!(
                "`{url}` is neither a path nor a sqlite:// or postgres:// URL"
            ));
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(url)))
    }

    pub fn kind(&self) -> BackendKind {
        match self {
            DatabaseUrl::Sqlite(_) => BackendKind::Sqlite,
            DatabaseUrl::Postgres(_) => BackendKind::Postgres,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    Sqlite,
    Postgres,
}

impl BackendKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Sqlite => "sqlite",
            BackendKind::Postgres => "postgres",
        }
    }
}

/// SQLite (3.4x and later) plans some statements with the values bound to their parameters —
/// every `LIMIT ?` (a page, diesel's `.first()`) among them — and then prepares such a statement
/// again each time a value is bound there: diesel's cached statements were parsed and planned
/// again on most runs (issue #25; callgrind showed `sqlite3Reprepare` under 46 of 58 steps of the
/// student list). The query planner stability guarantee (QPSG) plans without the values, once.
/// Registered once per process as an auto extension, so every SQLite connection opened
/// afterwards has it; it also counts re-preparations per database file, for the tests.
mod sqlite_plans {
    use std::collections::{HashMap, HashSet};
    use std::ffi::{c_char, c_int, c_uint, c_void, CStr};
    use std::sync::{LazyLock, Mutex, Once};

    use libsqlite3_sys as ffi;

    static REGISTER: Once = Once::new();

    /// Database files whose connections plan without the guarantee (only a test showing what
    /// happens without it names one).
    pub static WITHOUT: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Default::default);

    /// Re-preparations per database file (as SQLite names it).
    static REPREPARED: LazyLock<Mutex<HashMap<String, u64>>> = LazyLock::new(Default::default);

    pub fn register() {
        // SAFETY: `on_open` has the entry point's signature and stays valid for the process.
        REGISTER.call_once(|| unsafe {
            ffi::sqlite3_auto_extension(Some(on_open));
        });
    }

    /// Re-preparations counted for `file` so far.
    pub fn reprepared(file: &str) -> u64 {
        REPREPARED.lock().map(|m| m.get(file).copied().unwrap_or(0)).unwrap_or(0)
    }

    unsafe extern "C" fn on_open(db: *mut ffi::sqlite3, _: *mut *mut c_char, _: *const ffi::sqlite3_api_routines) -> c_int {
        // SAFETY: `db` is the connection being opened; the QPSG option takes an int and an
        // optional int pointer for the new value.
        unsafe {
            if !without(db) {
                ffi::sqlite3_db_config(db, ffi::SQLITE_DBCONFIG_ENABLE_QPSG, 1 as c_int, std::ptr::null_mut::<c_int>());
            }
            ffi::sqlite3_trace_v2(db, ffi::SQLITE_TRACE_STMT, Some(on_statement), std::ptr::null_mut());
        }
        ffi::SQLITE_OK
    }

    fn without(db: *mut ffi::sqlite3) -> bool {
        let Ok(without) = WITHOUT.lock() else { return false };
        if without.is_empty() {
            return false;
        }
        // SAFETY: `db` is open; the name is SQLite's own.
        let file = unsafe { ffi::sqlite3_db_filename(db, c"main".as_ptr()) };
        !file.is_null() && without.contains(unsafe { CStr::from_ptr(file) }.to_string_lossy().as_ref())
    }

    /// At the start of every run of a statement (after any re-preparation): takes its count.
    unsafe extern "C" fn on_statement(_: c_uint, _: *mut c_void, stmt: *mut c_void, _: *mut c_void) -> c_int {
        let stmt = stmt.cast::<ffi::sqlite3_stmt>();
        // SAFETY: for SQLITE_TRACE_STMT the third argument is the running statement.
        let n = unsafe { ffi::sqlite3_stmt_status(stmt, ffi::SQLITE_STMTSTATUS_REPREPARE, 1) };
        if n > 0 {
            // SAFETY: the statement's connection is open while it runs; the name is SQLite's own.
            let file = unsafe { ffi::sqlite3_db_filename(ffi::sqlite3_db_handle(stmt), c"main".as_ptr()) };
            if !file.is_null() {
                let file = unsafe { CStr::from_ptr(file) }.to_string_lossy().into_owned();
                if let Ok(mut counts) = REPREPARED.lock() {
                    *counts.entry(file).or_default() += u64::try_from(n).unwrap_or(0);
                }
            }
        }
        0
    }
}

/// For a test only: connections opened from now on to the SQLite database `file` (absolute) plan
/// without the query planner stability guarantee (see `sqlite_plans`): statements with a
/// `LIMIT ?` are prepared again on every run; nothing else changes.
pub fn without_sqlite_plan_guarantee(file: &std::path::Path) {
    let file = match (file.parent().and_then(|d| std::fs::canonicalize(d).ok()), file.file_name()) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => file.to_path_buf(),
    };
    if let Ok(mut without) = sqlite_plans::WITHOUT.lock() {
        without.insert(file.to_string_lossy().into_owned());
    }
}

/// r2d2 manager that establishes the variant named by the URL and prepares SQLite connections.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
    statements: Arc<Statements>,
}

/// Statements run without a reusable prepared statement (issue #25): prepared, run once and
/// thrown away — a variable-length `IN (?, ?, …)` list on SQLite, raw SQL, `batch_execute`.
/// A read path should have none: diesel keeps every other statement prepared per connection.
/// Counted only while switched on ([`Statements::count`]), because telling them apart formats
/// each query; tests switch it on to show that the reads reuse their statements.
#[derive(Debug, Default)]
pub struct Statements {
    counting: AtomicBool,
    uncached: AtomicU64,
    /// The SQL of the first uncached statements seen while counting.
    seen: Mutex<Vec<String>>,
    /// SQLite: the database file, and its re-preparations when counting started.
    file: Option<PathBuf>,
    reprepared_before: AtomicU64,
}

impl Statements {
    /// Starts (from zero) or stops counting.
    pub fn count(&self, on: bool) {
        if on {
            self.reprepared_before.store(self.reprepared_total(), Ordering::SeqCst);
            self.uncached.store(0, Ordering::SeqCst);
            self.seen.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
        self.counting.store(on, Ordering::SeqCst);
    }

    /// Statements run without a cached prepared statement since counting started.
    pub fn uncached(&self) -> u64 {
        self.uncached.load(Ordering::SeqCst)
    }

    /// SQLite: cached statements prepared again (plan or schema changed) since counting started.
    pub fn reprepared(&self) -> u64 {
        self.reprepared_total().saturating_sub(self.reprepared_before.load(Ordering::SeqCst))
    }

    fn reprepared_total(&self) -> u64 {
        let Some(file) = &self.file else { return 0 };
        let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.clone());
        sqlite_plans::reprepared(&file.to_string_lossy())
    }

    /// Their SQL (the first 20).
    pub fn uncached_sql(&self) -> Vec<String> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Per connection: which SQL diesel put into this connection's statement cache, and whether the
/// running query is one of them.
struct Watch {
    statements: Arc<Statements>,
    cached: HashSet<String>,
    running: Option<String>,
}

impl Instrumentation for Watch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            // Once per statement and connection: the statement is prepared for the cache.
            InstrumentationEvent::CacheQuery { sql, .. } => {
                self.cached.insert(sql.to_string());
            }
            InstrumentationEvent::StartQuery { query, .. } if self.statements.counting.load(Ordering::Relaxed) => {
                let text = query.to_string();
                let sql = text.split_once(" -- binds: ").map_or(text.as_str(), |(sql, _)| sql);
                self.running = Some(sql.to_string());
            }
            InstrumentationEvent::FinishQuery { .. } => {
                if let Some(sql) = self.running.take() {
                    if !self.cached.contains(&sql) {
                        self.statements.uncached.fetch_add(1, Ordering::SeqCst);
                        let mut seen = self.statements.seen.lock().unwrap_or_else(|e| e.into_inner());
                        if seen.len() < 20 {
                            seen.push(sql);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

impl Manager {
    fn watch(&self) -> Watch {
        Watch { statements: self.statements.clone(), cached: HashSet::new(), running: None }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?;
                conn.set_instrumentation(self.watch());
                Ok(DbConn::Postgresql(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                sqlite_plans::register();
                let path = path.to_string_lossy();
                let mut conn =
                    SqliteConnection::establish(&path).map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the one writer; FULL makes every commit durable,
                // because an acknowledged upload must survive a crash or power loss.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 15000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                )
                .map_err(r2d2::Error::QueryError)?;
                conn.set_instrumentation(self.watch());
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    /// Runs on every checkout, so it must be cheap (issue #25): a SQLite connection is a local
    /// file that does not go away, nothing to check; a PostgreSQL connection may have been
    /// dropped by the server, so one round trip with a statement prepared once per connection.
    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        match conn {
            DbConn::Sqlite(_) => Ok(()),
            DbConn::Postgresql(_) => diesel::select(1i32.into_sql::<diesel::sql_types::Integer>())
                .get_result::<i32>(conn)
                .map(|_| ())
                .map_err(r2d2::Error::QueryError),
        }
    }

    /// A connection given back while its thread panics, or with a transaction still open (or
    /// one whose rollback failed), is closed instead of reused: a later request would otherwise
    /// run inside that transaction — on SQLite holding the write lock for every school, and its
    /// "committed" writes never reaching the disk. This is what diesel's own manager does.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// The database handle kept in the application state.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    kind: BackendKind,
    /// SQLite has one writer at a time; writers of this process queue here instead of failing
    /// with `SQLITE_BUSY` when a deferred transaction upgrades to a write.
    write_lock: Arc<Mutex<()>>,
    totals: Arc<Totals>,
    statements: Arc<Statements>,
}

/// Totals of long lists (a school's students, a teacher's queue), so paging through a list does
/// not count the whole school again on every page (issue #25). Keyed by everything the count
/// depends on; an entry is used only while no write of this process has committed since it was
/// counted (every [`Db::write`] moves the generation) and for at most `ttl` (writes of another
/// process show within it; the default 0 turns the cache off). The rows of a page are always read.
#[derive(Default)]
pub struct Totals {
    ttl_ms: AtomicU64,
    generation: AtomicU64,
    entries: Mutex<HashMap<String, (Instant, u64, i64)>>,
}

/// Most totals kept; past it the map starts over.
const MAX_TOTALS: usize = 10_000;

impl Totals {
    /// The total for `key`: cached, or `count` (run and kept).
    pub fn get_or(&self, key: String, count: impl FnOnce() -> Result<i64, ApiError>) -> Result<i64, ApiError> {
        let ttl = Duration::from_millis(self.ttl_ms.load(Ordering::Relaxed));
        if ttl.is_zero() {
            return count();
        }
        // Read before counting: a write committed while counting leaves the entry stale.
        let generation = self.generation.load(Ordering::SeqCst);
        {
            let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((at, g, total)) = entries.get(&key) {
                if *g == generation && at.elapsed() < ttl {
                    return Ok(*total);
                }
            }
        }
        let total = count()?;
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_TOTALS {
            entries.clear();
        }
        entries.insert(key, (Instant::now(), generation, total));
        Ok(total)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0}")]
    Url(String),
    #[error("cannot create directory {path}: {source}")]
    Dir { path: PathBuf, source: std::io::Error },
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] r2d2::PoolError),
    #[error("migrations failed: {0}")]
    Migrate(String),
}

impl Db {
    /// Opens a pool for `url`; for SQLite the parent directory is created.
    pub fn connect(url: &str, pool_size: u32) -> Result<Db, DbError> {
        let parsed = DatabaseUrl::parse(url).map_err(DbError::Url)?;
        if let DatabaseUrl::Sqlite(path) = &parsed {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|source| DbError::Dir { path: dir.to_path_buf(), source })?;
            }
        }
        let kind = parsed.kind();
        let file = match &parsed {
            DatabaseUrl::Sqlite(path) => Some(path.clone()),
            DatabaseUrl::Postgres(_) => None,
        };
        let statements = Arc::new(Statements { file, ..Statements::default() });
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(std::time::Duration::from_secs(15))
            .build(Manager { url: parsed, statements: statements.clone() })?;
        Ok(Db { pool, kind, write_lock: Arc::new(Mutex::new(())), totals: Arc::new(Totals::default()), statements })
    }

    pub fn kind(&self) -> BackendKind {
        self.kind
    }

    /// The list totals cache of this database handle (see [`Totals`]).
    pub fn totals(&self) -> Arc<Totals> {
        self.totals.clone()
    }

    /// The count of statements run without a reusable prepared statement (see [`Statements`]).
    pub fn statements(&self) -> Arc<Statements> {
        self.statements.clone()
    }

    /// How long a list total may be reused (0: never; the server sets `principal_cache_seconds`).
    pub fn set_totals_lifetime(&self, seconds: u64) {
        self.totals.ttl_ms.store(seconds.saturating_mul(1000), Ordering::Relaxed);
    }

    pub fn get(&self) -> Result<PooledConn, ApiError> {
        self.pool.get().map_err(ApiError::database_unavailable)
    }

    /// Applies pending migrations; returns how many ran.
    pub fn migrate(&self) -> Result<usize, DbError> {
        let mut conn = self.pool.get()?;
        let _guard = self.write_lock.lock().unwrap_or_else(|e| e.into_inner());
        run_migrations(&mut conn).map_err(DbError::Migrate)
    }

    /// Number of migrations embedded in the binary that the database has not applied.
    pub fn pending_migrations(&self) -> Result<usize, ApiError> {
        let mut conn = self.get()?;
        let pending = match &mut *conn {
            DbConn::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).map(|m| m.len()),
            DbConn::Postgresql(c) => c.pending_migrations(POSTGRES_MIGRATIONS).map(|m| m.len()),
        };
        pending.map_err(|e| ApiError::internal(format!("migration status: {e}")))
    }

    /// Runs `f` with a connection on the blocking pool (reads; no transaction).
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || {
            let mut conn = db.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?
    }

    /// Runs `f` in one transaction on the blocking pool: all of it commits or none.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.write_blocking(f))
            .await
            .map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?
    }

    /// The synchronous form of [`Db::write`], for CLI commands and background threads.
    pub fn write_blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError>,
    {
        // Whatever the outcome, totals counted before this write are not reused.
        struct Moved<'a>(&'a AtomicU64);
        impl Drop for Moved<'_> {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let _moved = Moved(&self.totals.generation);
        self.transaction(f)
    }

    /// A background write to tables that no cached list total counts (a server's heartbeat,
    /// sealing the history, a job's claim and progress): like [`Db::write_blocking`], but the
    /// totals counted before it stay usable. Anything a list counts goes through `write`.
    pub fn housekeeping_blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError>,
    {
        self.transaction(f)
    }

    /// One transaction, behind this process's SQLite write lock.
    fn transaction<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError>,
    {
        let _guard = match self.kind {
            BackendKind::Sqlite => Some(self.write_lock.lock().unwrap_or_else(|e| e.into_inner())),
            BackendKind::Postgres => None,
        };
        let mut pooled = self.get()?;
        let conn: &mut DbConn = &mut pooled;
        match self.kind {
            // Take SQLite's write lock first, waiting for it like `BEGIN IMMEDIATE`: a transaction
            // that reads first and writes later fails at once ("database is locked") when another
            // process wrote in between, e.g. a second `licheng serve` or a CLI command.
            BackendKind::Sqlite => conn.transaction(|c| {
                diesel::RunQueryDsl::execute(diesel::sql_query("UPDATE schools SET id = id WHERE 0"), c)?;
                f(c)
            }),
            BackendKind::Postgres => conn.transaction(f),
        }
    }

    /// The synchronous form of [`Db::read`].
    pub fn read_blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError>,
    {
        let mut conn = self.get()?;
        f(&mut conn)
    }
}

fn run_migrations(conn: &mut DbConn) -> Result<usize, String> {
    let done = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConn::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
    };
    done.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_chooses_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/licheng.db"),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("data/licheng.db")))
        );
        assert_eq!(
            DatabaseUrl::parse("/var/lib/licheng.db"),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("/var/lib/licheng.db")))
        );
        assert_eq!(
            DatabaseUrl::parse("data/x.db"),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("data/x.db")))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u@127.0.0.1/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(matches!(
            DatabaseUrl::parse("postgresql://u@127.0.0.1/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
    }

    #[test]
    fn unknown_schemes_are_errors_not_files() {
        for bad in ["mysql://root@localhost/db", "", "sqlite://", "redis:foo", "http://x"] {
            assert!(DatabaseUrl::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
