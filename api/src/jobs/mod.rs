//! Long work as database-backed jobs (issue #17 item 5; DESIGN.md: "Long work … runs as a job
//! with progress the client can poll").
//!
//! A job is a row of `jobs`: its kind, owner, school and parameters (JSON), its state
//! (`queued` → `running` → `succeeded` | `failed`), its progress (`done` of `total`) and, when it
//! succeeded, a result file under the data directory with its SHA-256 and size.
//!
//! Any server instance may run any job: it claims one with a conditional update that only one
//! instance wins and that sets a lease (`claimed_until`, `claim_token`). Progress reports renew the
//! lease; a job whose instance died (or was killed) keeps `running` until its lease passes, then
//! another instance — or the same one after a restart — claims it again and runs it from the
//! start. A failure that may pass (I/O, the database) is retried with back-off up to
//! [`MAX_ATTEMPTS`]; a failure that will not (bad input, a corrupt file) fails the job at once with
//! its reason. A result is only offered once the job has succeeded, so a half-written file is
//! never downloaded.
//!
//! Which code runs a kind of job is not known here: the domains that queue jobs sit above this
//! module, and the app hands the worker a table of [`Handler`]s (`crate::workers::JOBS`). A worker
//! only claims the kinds it has a handler for, and hands a runner the job, its [`Progress`] and a
//! [`Context`] (configuration, database, clock, secrets), never the app's state. The
//! claim/lease/back-off rules are [`lease`]'s, shared with the reminder outbox (`notify::outbox`,
//! above this module).
//!
//! `lock_key` keeps two jobs of the same key (e.g. two exports of one roster) from being open at
//! once: it is unique while set and cleared when the job ends.

pub mod lease;
pub mod routes;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::clock::Clock;
use crate::config::Config;
use crate::db::{Db, DbConn};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::schema::jobs;
use crate::secrets::Secrets;
use crate::state::AppState;

/// Attempts before a job is given up.
pub const MAX_ATTEMPTS: i32 = 3;
/// How long a claim lasts without a progress report before another instance may take the job.
pub const LEASE_SECONDS: i64 = 120;
/// The queue's rules: a lease of [`LEASE_SECONDS`], [`MAX_ATTEMPTS`], back-off of 30 s, 5 min,
/// 30 min.
pub const POLICY: lease::Policy = lease::Policy { lease_seconds: LEASE_SECONDS, max_attempts: MAX_ATTEMPTS, backoff: lease::Backoff(&[30, 300, 1800]), error_chars: 1000 };
/// How often the worker looks for due jobs.
const POLL: Duration = Duration::from_secs(2);

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a worker (also between retries).
    Queued,
    /// Claimed by a server instance.
    Running,
    /// Done; the result can be downloaded.
    Succeeded,
    /// Given up; `error` says why.
    Failed,
}

impl JobState {
    pub const ALL: [JobState; 4] = [JobState::Queued, JobState::Running, JobState::Succeeded, JobState::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
        }
    }

    /// The stored state; anything else is an error, never a default.
    pub fn parse(s: &str) -> ApiResult<JobState> {
        JobState::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| ApiError::internal(format!("unknown job state `{s}`")))
    }
}

/// What a job does; `jobs.kind` takes only these (a CHECK constraint, migration
/// 2026-12-07-000200_job_kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// A roster package (名冊匯出).
    RosterExport,
    /// A transfer package of a student leaving (轉出).
    TransferExport,
    /// A transfer package read in for a student arriving (轉入).
    TransferImport,
    /// A receipt (收訖明細) file read in.
    ReceiptImport,
    /// An analysis report (統計分析) exported.
    AnalysisExport,
}

impl JobKind {
    pub const ALL: [JobKind; 5] = [JobKind::RosterExport, JobKind::TransferExport, JobKind::TransferImport, JobKind::ReceiptImport, JobKind::AnalysisExport];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::RosterExport => "roster_export",
            JobKind::TransferExport => "transfer_export",
            JobKind::TransferImport => "transfer_import",
            JobKind::ReceiptImport => "receipt_import",
            JobKind::AnalysisExport => "analysis_export",
        }
    }

    /// The stored kind; anything else is an error, never a default.
    pub fn parse(s: &str) -> ApiResult<JobKind> {
        JobKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| ApiError::bad_stored("jobs.kind", s))
    }
}

impl std::fmt::Display for JobKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored job.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: i64,
    pub school_id: i64,
    pub owner_id: i64,
    pub kind: String,
    pub params: String,
    pub state: String,
    pub done: i64,
    pub total: i64,
    pub result_path: Option<String>,
    pub result_name: Option<String>,
    pub result_sha256: Option<String>,
    pub result_size: Option<i64>,
    pub error: Option<String>,
    pub attempts: i32,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
}

/// A new job.
#[derive(Debug, Insertable)]
#[diesel(table_name = jobs)]
struct NewJob<'a> {
    school_id: i64,
    owner_id: i64,
    kind: &'static str,
    params: String,
    state: &'static str,
    next_attempt_at: NaiveDateTime,
    lock_key: Option<&'a str>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Queues a job; `lock_key` refuses (409 `conflict`) while another job with that key is open.
pub fn enqueue(
    c: &mut DbConn,
    school: i64,
    owner: i64,
    kind: JobKind,
    params: &serde_json::Value,
    lock_key: Option<&str>,
    now: NaiveDateTime,
) -> ApiResult<i64> {
    let row = NewJob {
        school_id: school,
        owner_id: owner,
        kind: kind.as_str(),
        params: params.to_string(),
        state: JobState::Queued.as_str(),
        next_attempt_at: now,
        lock_key,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(jobs::table).values(&row).returning(jobs::id).get_result(c).map_err(|e| {
        let err = ApiError::from(e);
        if err.code == ErrorCode::Conflict {
            ApiError::with_detail(ErrorCode::Conflict, "同一項工作正在進行中，請等它完成後再試。", "The same job is already queued or running; wait for it to finish.")
        } else {
            err
        }
    })
}

/// Loads a job.
pub fn find(c: &mut DbConn, id: i64) -> ApiResult<Option<JobRow>> {
    Ok(jobs::table.find(id).select(JobRow::as_select()).first(c).optional()?)
}

/// A claimed job, as its runner sees it.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub school_id: i64,
    pub owner_id: i64,
    pub kind: JobKind,
    pub params: serde_json::Value,
    pub attempts: i32,
    token: String,
}

/// The file a job produced: `path` relative to the data directory.
#[derive(Debug, Clone)]
pub struct Output {
    pub path: PathBuf,
    pub name: String,
    pub sha256: String,
    pub size: i64,
}

/// Why a run failed; `retry` when trying again later may help.
#[derive(Debug, Clone)]
pub struct JobError {
    pub message: String,
    pub retry: bool,
}

impl JobError {
    /// A failure that will not pass by itself (bad data, a corrupt file).
    pub fn fatal(message: impl Into<String>) -> JobError {
        JobError { message: message.into(), retry: false }
    }

    /// A failure that may pass (I/O, the database).
    pub fn transient(message: impl Into<String>) -> JobError {
        JobError { message: message.into(), retry: true }
    }
}

impl From<ApiError> for JobError {
    fn from(e: ApiError) -> JobError {
        let retry = matches!(e.code, ErrorCode::DatabaseUnavailable | ErrorCode::InternalError);
        let why = e.internal.clone().or_else(|| e.detail.as_ref().map(|d| d.zh.to_string())).unwrap_or_default();
        JobError { message: format!("{}: {why}", e.code.as_str()), retry }
    }
}

impl From<std::io::Error> for JobError {
    fn from(e: std::io::Error) -> JobError {
        JobError::transient(format!("I/O: {e}"))
    }
}

/// What a job's runner (and its discard) is given besides the job: the configuration (the data
/// directory, the upload limits), the database, the clock and the secrets (sealed passwords).
/// Built from the app's state here, it leaves out what only the web needs (the principal cache):
/// a runner works for no request.
#[derive(Clone)]
pub struct Context {
    pub config: Arc<Config>,
    pub db: Db,
    pub clock: Clock,
    pub secrets: Secrets,
}

impl Context {
    pub fn of(state: &AppState) -> Context {
        Context { config: state.config.clone(), db: state.db.clone(), clock: state.clock.clone(), secrets: state.secrets.clone() }
    }
}

/// Reports progress and renews the lease; fails when the claim was lost (another instance took
/// the job over after the lease passed), so a stale runner stops instead of racing it.
pub struct Progress<'a> {
    db: &'a Db,
    clock: &'a Clock,
    id: i64,
    token: &'a str,
}

impl Progress<'_> {
    pub fn set(&self, done: i64, total: i64) -> Result<(), JobError> {
        let now = self.clock.now();
        let (id, token) = (self.id, self.token.to_string());
        let held = self.db.write_blocking(move |c| {
            Ok(diesel::update(jobs::table.find(id).filter(jobs::claim_token.eq(token)).filter(jobs::state.eq(JobState::Running.as_str())))
                .set((jobs::done.eq(done), jobs::total.eq(total), jobs::claimed_until.eq(Some(POLICY.lease_end(now))), jobs::updated_at.eq(now)))
                .execute(c)?)
        })?;
        if held != 1 {
            return Err(JobError::fatal("the job's claim was lost to another instance"));
        }
        Ok(())
    }
}

/// What runs a job of one kind, on a blocking thread.
pub type Runner = fn(&Context, &Job, &Progress) -> Result<Output, JobError>;

/// What removes the files a job of one kind leaves behind once it has failed for good.
pub type Discard = fn(&Context, &Job);

/// The code of one kind of job, handed to the worker by the app (the domains that run jobs sit
/// above this module).
#[derive(Clone, Copy)]
pub struct Handler {
    pub kind: JobKind,
    pub run: Runner,
    pub discard: Option<Discard>,
}

fn handler(handlers: &[Handler], kind: JobKind) -> Option<&Handler> {
    handlers.iter().find(|h| h.kind == kind)
}

/// Jobs of the `kinds` a worker runs that it may claim now: queued and due, or running with a
/// lapsed lease.
fn due(c: &mut DbConn, now: NaiveDateTime, kinds: &[&'static str]) -> ApiResult<Vec<i64>> {
    Ok(jobs::table
        .filter(jobs::kind.eq_any(kinds.to_vec()))
        .filter(
            (jobs::state.eq(JobState::Queued.as_str()).and(jobs::next_attempt_at.le(now)))
                .or(jobs::state.eq(JobState::Running.as_str()).and(jobs::claimed_until.lt(now))),
        )
        .order(jobs::id.asc())
        .limit(20)
        .select(jobs::id)
        .load(c)?)
}

/// Claims one job for this instance; `None` when another instance won it.
fn claim(c: &mut DbConn, id: i64, now: NaiveDateTime) -> ApiResult<Option<Job>> {
    let token = lease::token();
    let won = diesel::update(
        jobs::table.find(id).filter(
            (jobs::state.eq(JobState::Queued.as_str()).and(jobs::next_attempt_at.le(now)))
                .or(jobs::state.eq(JobState::Running.as_str()).and(jobs::claimed_until.lt(now))),
        ),
    )
    .set((
        jobs::state.eq(JobState::Running.as_str()),
        jobs::claim_token.eq(Some(&token)),
        jobs::claimed_until.eq(Some(POLICY.lease_end(now))),
        jobs::attempts.eq(jobs::attempts + 1),
        jobs::started_at.eq(Some(now)),
        jobs::updated_at.eq(now),
    ))
    .execute(c)?;
    if won != 1 {
        return Ok(None);
    }
    let row = jobs::table.find(id).select(JobRow::as_select()).first(c)?;
    let params = serde_json::from_str(&row.params).unwrap_or(serde_json::Value::Null);
    let kind = JobKind::parse(&row.kind)?;
    Ok(Some(Job { id, school_id: row.school_id, owner_id: row.owner_id, kind, params, attempts: row.attempts, token }))
}

/// Records how a run ended, if this instance still holds the claim (then true).
fn finish(c: &mut DbConn, job: &Job, outcome: &Result<Output, JobError>, now: NaiveDateTime) -> ApiResult<bool> {
    let mine = jobs::table.find(job.id).filter(jobs::claim_token.eq(&job.token)).filter(jobs::state.eq(JobState::Running.as_str()));
    let after = match outcome {
        Ok(_) => None,
        Err(e) => Some(POLICY.after_failure(job.attempts, e.retry, now)),
    };
    let held = match (outcome, after) {
        (Ok(out), _) => diesel::update(mine)
            .set((
                jobs::state.eq(JobState::Succeeded.as_str()),
                jobs::done.eq(jobs::total),
                jobs::result_path.eq(Some(out.path.to_string_lossy().into_owned())),
                jobs::result_name.eq(Some(&out.name)),
                jobs::result_sha256.eq(Some(&out.sha256)),
                jobs::result_size.eq(Some(out.size)),
                jobs::error.eq(None::<String>),
                jobs::claimed_until.eq(None::<NaiveDateTime>),
                jobs::lock_key.eq(None::<String>),
                jobs::finished_at.eq(Some(now)),
                jobs::updated_at.eq(now),
            ))
            .execute(c)?,
        (Err(e), Some(lease::AfterFailure::RetryAt(at))) => diesel::update(mine)
            .set((
                jobs::state.eq(JobState::Queued.as_str()),
                jobs::error.eq(Some(POLICY.error_text(&e.message))),
                jobs::next_attempt_at.eq(at),
                jobs::claimed_until.eq(None::<NaiveDateTime>),
                jobs::updated_at.eq(now),
            ))
            .execute(c)?,
        (Err(e), _) => diesel::update(mine)
            .set((
                jobs::state.eq(JobState::Failed.as_str()),
                jobs::error.eq(Some(POLICY.error_text(&e.message))),
                jobs::claimed_until.eq(None::<NaiveDateTime>),
                jobs::lock_key.eq(None::<String>),
                jobs::finished_at.eq(Some(now)),
                jobs::updated_at.eq(now),
            ))
            .execute(c)?,
    };
    Ok(held == 1)
}

/// Runs one claimed job to its end (on the calling, blocking thread).
fn run_claimed(ctx: &Context, handlers: &[Handler], job: Job) -> ApiResult<()> {
    let outcome = if job.attempts > MAX_ATTEMPTS {
        // Claimed again after its instance died once too often.
        Err(JobError::fatal(format!("gave up after {MAX_ATTEMPTS} attempts")))
    } else {
        match handler(handlers, job.kind) {
            Some(h) => {
                let progress = Progress { db: &ctx.db, clock: &ctx.clock, id: job.id, token: &job.token };
                (h.run)(ctx, &job, &progress)
            }
            None => Err(JobError::fatal(format!("unknown job kind `{}`", job.kind))),
        }
    };
    if let Err(e) = &outcome {
        tracing::warn!(job = job.id, kind = %job.kind, retry = e.retry, error = %e.message, "job failed");
    }
    let now = ctx.clock.now();
    let held = ctx.db.write_blocking(|c| finish(c, &job, &outcome, now))?;
    // Failed for good (as `finish` decided, holding the claim): what the job left on disk goes.
    if held && outcome.as_ref().is_err_and(|e| !e.retry || job.attempts >= MAX_ATTEMPTS) {
        if let Some(discard) = handler(handlers, job.kind).and_then(|h| h.discard) {
            discard(ctx, &job);
        }
    }
    Ok(())
}

fn kinds(handlers: &[Handler]) -> Vec<&'static str> {
    handlers.iter().map(|h| h.kind.as_str()).collect()
}

/// One worker pass: claims and runs every due job of the kinds `handlers` run, in turn; returns
/// how many it ran.
pub async fn run_once(state: &AppState, handlers: &'static [Handler]) -> ApiResult<usize> {
    pass(&Context::of(state), handlers).await
}

async fn pass(ctx: &Context, handlers: &'static [Handler]) -> ApiResult<usize> {
    let now = ctx.clock.now();
    let kinds = kinds(handlers);
    let ids = ctx.db.read(move |c| due(c, now, &kinds)).await?;
    let mut ran = 0;
    for id in ids {
        let now = ctx.clock.now();
        let Some(job) = ctx.db.write(move |c| claim(c, id, now)).await? else { continue };
        let ctx = ctx.clone();
        actix_web::web::block(move || run_claimed(&ctx, handlers, job)).await.map_err(|e| ApiError::internal(format!("job thread failed: {e}")))??;
        ran += 1;
    }
    Ok(ran)
}

/// [`run_once`] on the calling thread (CLI commands and benchmarks, without a runtime).
pub fn run_once_blocking(state: &AppState, handlers: &[Handler]) -> ApiResult<usize> {
    let ctx = Context::of(state);
    let now = ctx.clock.now();
    let kinds = kinds(handlers);
    let ids = ctx.db.read_blocking(|c| due(c, now, &kinds))?;
    let mut ran = 0;
    for id in ids {
        let now = ctx.clock.now();
        let Some(job) = ctx.db.write_blocking(|c| claim(c, id, now))? else { continue };
        run_claimed(&ctx, handlers, job)?;
        ran += 1;
    }
    Ok(ran)
}

/// Starts the worker on the current actix runtime (it keeps the [`Context`] only, not the app's
/// state). Safe on every instance: claims are exclusive.
pub fn spawn(state: &AppState, handlers: &'static [Handler]) {
    let ctx = Context::of(state);
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(POLL);
        loop {
            tick.tick().await;
            if let Err(e) = pass(&ctx, handlers).await {
                tracing::warn!(error = ?e, "job worker pass failed");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_unknown_is_an_error() {
        for s in JobState::ALL {
            assert_eq!(JobState::parse(s.as_str()).unwrap(), s);
        }
        assert!(JobState::parse("done").is_err());
        for k in JobKind::ALL {
            assert_eq!(JobKind::parse(k.as_str()).unwrap(), k);
        }
        assert!(JobKind::parse("no_such_kind").is_err());
    }

    #[test]
    fn retries_back_off() {
        let backoff = |n| POLICY.backoff.after(n);
        assert!(backoff(1) < backoff(2) && backoff(2) < backoff(3));
    }
}
