//! Tamper-evident history (issue #26; meeting 003 #11: 「學習歷程最重要的就是歷程和時點紀錄」).
//!
//! Every learning-result event (upload, edit, submit, certify, reject, select, …, with the SHA-256
//! of the result's files at that moment) and every audit event (role, period, term, account
//! changes, …) is *sealed* into a per-school hash chain: chain entry `n` stores the SHA-256 of the
//! event's canonical content and `hash_n = SHA-256(hash_{n-1} ‖ content_hash_n)`, starting from
//! a fixed genesis value. Editing an event, deleting it, or editing, removing or reordering chain
//! entries breaks the chain at that point, which [`verify`] names.
//!
//! Sealing runs after the event's own transaction (a few seconds later, on every instance; see
//! [`spawn`]), so recording an event never waits on a per-school lock. Two instances sealing at the
//! same moment cannot both append entry `n`: `(school_id, seq)` and `(source, source_id)` are
//! unique, and the loser's transaction rolls back whole and tries again later. The chain's head
//! (`GET /api/v1/history/head`) is shown to the admin; a copy kept elsewhere pins the history up
//! to it.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{Db, DbConn};
use crate::error::ApiResult;
use crate::schema::{audit_events as ae, history_chain as hc, learning_result_events as ev, learning_results as lr};

/// The hash before a chain's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Events sealed per school and pass (more wait for the next pass).
const BATCH: i64 = 500;

/// What a chain entry seals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    ResultEvent,
    Audit,
}

impl Source {
    pub const ALL: [Source; 2] = [Source::ResultEvent, Source::Audit];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::ResultEvent => "learning_result_events",
            Source::Audit => "audit_events",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `SHA-256(prev ‖ content_hash)`, both as lowercase hex text.
pub fn link(prev: &str, content_hash: &str) -> String {
    sha256_hex(format!("{prev}{content_hash}").as_bytes())
}

fn time(t: NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Ids per query when events are read in batches (below every backend's bound on parameters).
const CHUNK: usize = 500;

/// The canonical content of learning-result events, by id: their school and their fields as JSON
/// with sorted keys. One query per [`CHUNK`] ids.
#[allow(clippy::type_complexity)]
fn result_event_contents(c: &mut DbConn, ids: &[i64]) -> ApiResult<HashMap<i64, (i64, String)>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<(i64, i64, i64, String, String, Option<i64>, Option<String>, NaiveDateTime, Option<String>, Option<String>, Option<String>)> = ev::table
            .inner_join(lr::table.on(lr::id.eq(ev::result_id)))
            .filter(ev::id.eq_any(chunk))
            .select((ev::id, lr::school_id, ev::result_id, ev::action, ev::state, ev::actor_id, ev::reason, ev::at, ev::document_sha256, ev::video_sha256, ev::detail))
            .load(c)?;
        for (id, school, result, action, state, actor, reason, at, document, video, detail) in rows {
            let mut content: BTreeMap<&str, serde_json::Value> = BTreeMap::from([
                ("source", Source::ResultEvent.as_str().into()),
                ("id", id.into()),
                ("school_id", school.into()),
                ("result_id", result.into()),
                ("action", action.into()),
                ("state", state.into()),
                ("actor_id", actor.into()),
                ("reason", reason.into()),
                ("at", time(at).into()),
                ("document_sha256", document.into()),
                ("video_sha256", video.into()),
            ]);
            // The fields before and after an edit, as recorded (only when there are: the content
            // of events sealed before the column existed stays what it was).
            if let Some(detail) = detail {
                content.insert("detail", detail.into());
            }
            out.insert(id, (school, serde_json::to_string(&content).unwrap_or_default()));
        }
    }
    Ok(out)
}

/// The canonical content of audit events, by id (one query per [`CHUNK`] ids).
#[allow(clippy::type_complexity)]
fn audit_contents(c: &mut DbConn, ids: &[i64]) -> ApiResult<HashMap<i64, (i64, String)>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<(i64, Option<i64>, Option<i64>, Option<String>, String, Option<String>, NaiveDateTime)> = ae::table
            .filter(ae::id.eq_any(chunk))
            .select((ae::id, ae::school_id, ae::user_id, ae::actor, ae::event, ae::detail, ae::created_at))
            .load(c)?;
        for (id, school, user, actor, event, detail, at) in rows {
            let content: BTreeMap<&str, serde_json::Value> = BTreeMap::from([
                ("source", Source::Audit.as_str().into()),
                ("id", id.into()),
                ("school_id", school.into()),
                ("user_id", user.into()),
                ("actor", actor.into()),
                ("event", event.into()),
                ("detail", detail.into()),
                ("at", time(at).into()),
            ]);
            out.insert(id, (school.unwrap_or(0), serde_json::to_string(&content).unwrap_or_default()));
        }
    }
    Ok(out)
}

/// The canonical contents of the events `wanted` (source, id), read in batches per source.
fn contents_of(c: &mut DbConn, wanted: &[(Source, i64)]) -> ApiResult<HashMap<(&'static str, i64), (i64, String)>> {
    let ids = |kind: Source| wanted.iter().filter(|(s, _)| *s == kind).map(|(_, id)| *id).collect::<Vec<i64>>();
    let mut out = HashMap::with_capacity(wanted.len());
    for (kind, found) in [(Source::ResultEvent, result_event_contents(c, &ids(Source::ResultEvent))?), (Source::Audit, audit_contents(c, &ids(Source::Audit))?)] {
        out.extend(found.into_iter().map(|(id, v)| ((kind.as_str(), id), v)));
    }
    Ok(out)
}

/// The SHA-256 of stored files by id, in one query (`None` stays `None`), for the facts an event
/// seals.
pub fn file_sha256s<const N: usize>(c: &mut DbConn, ids: [Option<i64>; N]) -> ApiResult<[Option<String>; N]> {
    use crate::schema::stored_files as sf;
    let wanted: Vec<i64> = ids.iter().flatten().copied().collect();
    let found: HashMap<i64, String> = if wanted.is_empty() { HashMap::new() } else { sf::table.filter(sf::id.eq_any(&wanted)).select((sf::id, sf::sha256)).load::<(i64, String)>(c)?.into_iter().collect() };
    Ok(ids.map(|id| id.and_then(|id| found.get(&id).cloned())))
}

/// Records an event of a domain that keeps no audit row of its own (roster exports, receipt
/// answers, self-directed decisions, performance changes) in the audit log, through the audit
/// function, so that the chain seals it like any other. `detail`: what happened, as JSON (ids,
/// states, file SHA-256s, the fields before and after a change); `user`: who did it. A note never
/// changes who may do what, so it leaves the cached principals alone (no list to keep by hand).
pub fn note(c: &mut DbConn, school: i64, user: Option<i64>, event: crate::audit::EventKind, detail: serde_json::Value, now: NaiveDateTime) -> ApiResult<()> {
    let event = crate::audit::Event { school_id: Some(school), user_id: user, actor: None, event, detail: Some(detail.to_string()), client: None };
    crate::audit::record_routine(c, event, now)
}

/// How far below the highest sealed id of a source a routine pass looks for events not sealed yet:
/// ids are taken before commit, so an event can commit after later ones; a window of ids finds it
/// without scanning the whole history every few seconds. A full pass (hourly, [`seal`]) finds any
/// other.
const WINDOW: i64 = 10_000;

/// The id above which a pass looks for unsealed events of `source` (0: everything).
fn floor(c: &mut DbConn, source: Source, full: bool) -> ApiResult<i64> {
    if full {
        return Ok(0);
    }
    let top: Option<i64> = hc::table.filter(hc::source.eq(source.as_str())).select(diesel::dsl::max(hc::source_id)).first(c)?;
    Ok(top.map_or(0, |t| (t - WINDOW).max(0)))
}

/// Events not yet sealed, oldest first: (source, id).
fn unsealed(c: &mut DbConn, limit: i64, full: bool) -> ApiResult<Vec<(Source, i64)>> {
    let (results_floor, audits_floor) = (floor(c, Source::ResultEvent, full)?, floor(c, Source::Audit, full)?);
    let results: Vec<i64> = ev::table
        .filter(ev::id.gt(results_floor))
        .filter(diesel::dsl::not(diesel::dsl::exists(hc::table.filter(hc::source.eq(Source::ResultEvent.as_str())).filter(hc::source_id.eq(ev::id)))))
        .order(ev::id)
        .limit(limit)
        .select(ev::id)
        .load(c)?;
    let audits: Vec<i64> = ae::table
        .filter(ae::id.gt(audits_floor))
        .filter(diesel::dsl::not(diesel::dsl::exists(hc::table.filter(hc::source.eq(Source::Audit.as_str())).filter(hc::source_id.eq(ae::id)))))
        .order(ae::id)
        .limit(limit)
        .select(ae::id)
        .load(c)?;
    Ok(results.into_iter().map(|id| (Source::ResultEvent, id)).chain(audits.into_iter().map(|id| (Source::Audit, id))).collect())
}

fn count_unsealed(c: &mut DbConn) -> ApiResult<usize> {
    let results: i64 = ev::table
        .filter(diesel::dsl::not(diesel::dsl::exists(hc::table.filter(hc::source.eq(Source::ResultEvent.as_str())).filter(hc::source_id.eq(ev::id)))))
        .count()
        .get_result(c)?;
    let audits: i64 = ae::table
        .filter(diesel::dsl::not(diesel::dsl::exists(hc::table.filter(hc::source.eq(Source::Audit.as_str())).filter(hc::source_id.eq(ae::id)))))
        .count()
        .get_result(c)?;
    Ok((results + audits) as usize)
}

/// The head of a school's chain (`0` for the platform): its last sequence number and hash.
pub fn head(c: &mut DbConn, school: i64) -> ApiResult<(i64, String)> {
    let row: Option<(i64, String)> = hc::table.filter(hc::school_id.eq(school)).order(hc::seq.desc()).select((hc::seq, hc::hash)).first(c).optional()?;
    Ok(row.unwrap_or_else(|| (0, GENESIS.to_string())))
}

/// Seals everything not sealed yet, in one transaction per batch; returns how many were sealed. A
/// batch that loses a race with another instance rolls back and leaves the work to the next one.
pub fn seal(db: &Db, now: NaiveDateTime) -> ApiResult<usize> {
    seal_pass(db, now, true)
}

/// Seals the events near the newest sealed ones ([`WINDOW`]): the routine pass.
pub fn seal_recent(db: &Db, now: NaiveDateTime) -> ApiResult<usize> {
    seal_pass(db, now, false)
}

/// `full`: look through every event; else only near the newest sealed ones ([`WINDOW`]).
fn seal_pass(db: &Db, now: NaiveDateTime, full: bool) -> ApiResult<usize> {
    let mut total = 0;
    loop {
        // Sealing fills in the chain of events already counted: the list totals stay.
        let sealed = db.housekeeping_blocking(move |c| seal_batch(c, now, full))?;
        total += sealed;
        if sealed == 0 || sealed < BATCH as usize {
            return Ok(total);
        }
    }
}

/// Seals one batch of unsealed events (at most [`BATCH`]) on `c`, inside the caller's transaction;
/// returns how many. The events are read a chunk at a time, not one query each.
pub fn seal_batch(c: &mut DbConn, now: NaiveDateTime, full: bool) -> ApiResult<usize> {
    let todo = unsealed(c, BATCH, full)?;
    let contents = contents_of(c, &todo)?;
    let mut heads: BTreeMap<i64, (i64, String)> = BTreeMap::new();
    let mut n = 0;
    for (source, id) in todo {
        let Some((school, content)) = contents.get(&(source.as_str(), id)) else { continue };
        let head = match heads.get(school) {
            Some(h) => h.clone(),
            None => head(c, *school)?,
        };
        let content_hash = sha256_hex(content.as_bytes());
        let hash = link(&head.1, &content_hash);
        // One insert per entry: batch inserts do not build through the two-backend connection.
        diesel::insert_into(hc::table)
            .values((
                hc::school_id.eq(*school),
                hc::seq.eq(head.0 + 1),
                hc::source.eq(source.as_str()),
                hc::source_id.eq(id),
                hc::content_hash.eq(&content_hash),
                hc::prev_hash.eq(&head.1),
                hc::hash.eq(&hash),
                hc::sealed_at.eq(now),
            ))
            .execute(c)?;
        heads.insert(*school, (head.0 + 1, hash));
        n += 1;
    }
    Ok(n)
}

/// A break in a chain: the first entry of a school's chain that does not hold.
#[derive(Debug, Clone, Serialize)]
pub struct Break {
    pub school_id: i64,
    pub seq: i64,
    pub source: String,
    pub source_id: i64,
    pub problem: String,
}

/// What [`verify`] found.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub chains: usize,
    pub entries: usize,
    /// The first broken entry of each broken chain.
    pub breaks: Vec<Break>,
    /// Events not sealed yet (recorded in the last seconds, or while no server ran).
    pub unsealed: usize,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.breaks.is_empty()
    }
}

/// Walks every chain from its start: each entry must follow the one before it, its hash must be
/// the link of the two, and its event must still have the content it was sealed with.
pub fn verify(db: &Db) -> ApiResult<Report> {
    db.read_blocking(verify_with)
}

/// [`verify`] on one connection: entries are read a page at a time and their events a chunk at a
/// time (a constant number of queries per [`CHUNK`] entries, not one per entry).
#[allow(clippy::type_complexity)]
pub fn verify_with(c: &mut DbConn) -> ApiResult<Report> {
    let schools: Vec<i64> = hc::table.select(hc::school_id).distinct().order(hc::school_id).load(c)?;
    let mut report = Report { chains: schools.len(), ..Report::default() };
    for school in schools {
        let mut prev = GENESIS.to_string();
        let mut expected_seq = 1;
        'chain: loop {
            let rows: Vec<(i64, String, i64, String, String, String)> = hc::table
                .filter(hc::school_id.eq(school))
                .filter(hc::seq.ge(expected_seq))
                .order(hc::seq)
                .limit(CHUNK as i64)
                .select((hc::seq, hc::source, hc::source_id, hc::content_hash, hc::prev_hash, hc::hash))
                .load(c)?;
            if rows.is_empty() {
                break;
            }
            let wanted: Vec<(Source, i64)> = rows.iter().filter_map(|r| Source::parse(&r.1).map(|k| (k, r.2))).collect();
            let contents = contents_of(c, &wanted)?;
            for (seq, source, source_id, content_hash, prev_hash, hash) in rows {
                report.entries += 1;
                let problem = if seq != expected_seq {
                    Some(format!("entry {expected_seq} is missing (the chain jumps to {seq})"))
                } else if prev_hash != prev {
                    Some("does not follow the entry before it (prev_hash differs)".to_string())
                } else if hash != link(&prev_hash, &content_hash) {
                    Some("its hash is not the link of the hashes before it".to_string())
                } else {
                    match Source::parse(&source) {
                        None => Some(format!("unknown source {source}")),
                        Some(kind) => match contents.get(&(kind.as_str(), source_id)) {
                            None => Some(format!("the event {source} {source_id} is gone")),
                            Some((owner, _)) if *owner != school => Some(format!("the event {source} {source_id} now belongs to school {owner}")),
                            Some((_, content)) if sha256_hex(content.as_bytes()) != content_hash => {
                                Some(format!("the event {source} {source_id} was changed after it was sealed"))
                            }
                            Some(_) => None,
                        },
                    }
                };
                if let Some(problem) = problem {
                    report.breaks.push(Break { school_id: school, seq, source, source_id, problem });
                    break 'chain;
                }
                prev = hash;
                expected_seq += 1;
            }
        }
    }
    report.unsealed = count_unsealed(c)?;
    Ok(report)
}

/// Seals every few seconds on every instance (races are harmless, see the module): near the newest
/// events, and through the whole history once an hour (and at start).
pub fn spawn(db: Db, clock: crate::clock::Clock, interval_seconds: u64) {
    if interval_seconds == 0 {
        return;
    }
    let full_every = (3600 / interval_seconds).max(1);
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(std::time::Duration::from_secs(interval_seconds));
        let mut n: u64 = 0;
        loop {
            tick.tick().await;
            let (db, now, full) = (db.clone(), clock.now(), n % full_every == 0);
            n = n.wrapping_add(1);
            let sealed = actix_web::rt::task::spawn_blocking(move || seal_pass(&db, now, full)).await;
            match sealed {
                Ok(Ok(n)) if n > 0 => tracing::debug!(sealed = n, "history sealed"),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::debug!(error = ?e, "history sealing deferred"),
                Err(e) => tracing::warn!(error = %e, "history sealing panicked"),
            }
        }
    });
}

/// The head of the signed-in admin's school chain.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(example = json!({"seq": 1873, "hash": "5e0f3a9b1c7d2e4f6a8b0c1d3e5f7a9b2c4d6e8f0a1b3c5d7e9f2a4b6c8d0e1f"}))]
pub struct ChainHead {
    /// Events sealed so far (the last entry's number; 0 before the first).
    pub seq: i64,
    /// The last entry's hash (lowercase hex SHA-256; all zeros before the first). A copy of it kept
    /// elsewhere (it is printed on every roster cover sheet) pins the history up to it.
    pub hash: String,
}

pub mod routes {
    use actix_web::{get, web};

    use super::ChainHead;
    use crate::state::AppState;
    use crate::auth::{Need, Principal};
    use crate::error::{ApiResult, Problem};

    /// 歷程紀錄鏈: the head of the school's tamper-evident history chain (issue #26).
    #[utoipa::path(
        tag = "accounts",
        responses(
            (status = 200, description = "The chain's head", body = ChainHead),
            (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        )
    )]
    #[get("/history/head")]
    pub async fn chain_head(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<ChainHead>> {
        who.require(Need::SCHOOL_ADMIN)?;
        let school = who.school_id()?;
        state.db.read(move |c| super::head(c, school).map(|(seq, hash)| web::Json(ChainHead { seq, hash }))).await
    }
}
