//! `licheng bench-rosters`: one roster of a whole school exported as a job, against a plain copy
//! of the same files with SHA-256 measured in the same run (scripts/bench/rosters).

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::state::AppState;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::schema::{courses, jobs, learning_results as lr, selections as sel, stored_files as sf, users};
use crate::storage::FileStore;
use crate::sync::apply;
use crate::sync::routes::run_batch;
use crate::sync::{Batch, CourseRow, Division, Kind, StudentRow};
use crate::terms::Term;

const SCHOOL: &str = "990002";

/// What one run measured.
pub struct Report {
    pub students: usize,
    pub files: usize,
    pub bytes: u64,
    /// A plain copy of the same files into one file, hashing each.
    pub baseline_seconds: f64,
    /// The export job, from claim to the renamed package.
    pub export_seconds: f64,
    /// From the job's start to its first progress report.
    pub first_progress_seconds: f64,
    /// Peak resident memory of the process during the export (kB; VmHWM after a reset).
    pub peak_rss_kb: Option<u64>,
    pub package_bytes: i64,
}

macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConn::Sqlite(conn) => diesel::insert_into($table).values($rows).execute(conn),
            DbConn::Postgresql(conn) => diesel::insert_into($table).values($rows).execute(conn),
        }
    };
}

fn national_id(i: usize) -> String {
    crate::national_id::complete(&format!("B1{:07}", i % 10_000_000))
}

/// A distinct pdf of `size` bytes for each (student, item).
fn pdf(i: usize, item: usize, size: usize) -> Vec<u8> {
    let mut v = format!("%PDF-1.7\n% licheng bench {i} {item}\n").into_bytes();
    let mut x: u32 = (i * 31 + item * 7 + 1) as u32;
    while v.len() < size {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.push((x & 0xff) as u8);
    }
    v
}

/// `n` day-school students of grades 1–3 in 30 classes, as a sync batch carries them (also the
/// receipts benchmark's school).
pub fn student_rows(n: usize, national_id: fn(usize) -> String) -> Vec<StudentRow> {
    (0..n)
        .map(|i| StudentRow {
            number: format!("S{i:06}"),
            national_id: national_id(i),
            name: format!("學生{i}"),
            birth_date: NaiveDate::from_ymd_opt(2009, 1 + (i % 12) as u32, 1 + (i % 28) as u32),
            gender: None,
            department: None,
            program: None,
            division: Division::Day,
            entry_year: 115 - (i % 3) as i32,
            grade: 1 + (i % 3) as i32,
            class_code: Some(format!("{}{:02}", 1 + i % 3, i % 30)),
            seat_no: Some((i % 40) as i32 + 1),
            status: crate::rosters::ENROLLED.into(),
            email: None,
        })
        .collect()
}

/// Loads a school of `students` (grades 1–3, day school) through the sync path, each with
/// `items` certified, selected learning results carrying a pdf of `file_size` bytes.
fn seed(state: &AppState, students: usize, items: usize, file_size: usize, now: NaiveDateTime) -> ApiResult<i64> {
    let db = &state.db;
    let school = db.write_blocking(|c| {
        let (id, _) = crate::schools::create_with_admin(c, SCHOOL, "名冊效能測試高中", "admin", "bench-Password1", now)?;
        crate::terms::set_current(c, id, Term { academic_year: 115, semester: 1 }, now)?;
        Ok(id)
    })?;
    let rows = student_rows(students, national_id);
    run_batch(db, school, None, Kind::Students, &Batch { academic_year: 115, semester: 1, rows }, now, apply::students)?;
    let course_rows: Vec<CourseRow> = (0..30)
        .map(|i| CourseRow { course_code: format!("108{SCHOOL}V11105010101{i:02}"), class_code: None, subject_name: format!("科目{i}"), grade: 1 + i % 3, credits: 2 })
        .collect();
    run_batch(db, school, None, Kind::Courses, &Batch { academic_year: 115, semester: 1, rows: course_rows }, now, apply::courses_batch)?;
    let ids: Vec<(i64, String)> = db.read_blocking(|c| Ok(users::table.filter(users::school_id.eq(school)).filter(users::kind.eq("student")).order(users::id).select((users::id, users::account)).load(c)?))?;
    let course_ids: Vec<i64> = db.read_blocking(|c| Ok(courses::table.filter(courses::school_id.eq(school)).order(courses::id).select(courses::id).load(c)?))?;
    let store = FileStore::new(&state.config.data_dir);
    for (chunk_no, chunk) in ids.chunks(500).enumerate() {
        let mut files = Vec::new();
        for (k, (student, _)) in chunk.iter().enumerate() {
            let i = chunk_no * 500 + k;
            for item in 0..items {
                let data = pdf(i, item, file_size);
                let sha = hex::encode(Sha256::digest(&data));
                let path = store.path_of(&sha);
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| ApiError::internal(e.to_string()))?;
                }
                std::fs::write(&path, &data).map_err(|e| ApiError::internal(e.to_string()))?;
                files.push((*student, i, sha, data.len() as i64));
            }
        }
        db.write_blocking(|c| {
            for (student, i, sha, size) in &files {
                let file: i64 = diesel::insert_into(sf::table)
                    .values((sf::school_id.eq(school), sf::owner_id.eq(student), sf::sha256.eq(sha), sf::size.eq(size), sf::kind.eq("pdf"), sf::original_name.eq("成果.pdf"), sf::created_at.eq(now)))
                    .returning(sf::id)
                    .get_result(c)?;
                let grade = i % 3;
                let course = course_ids.iter().skip(grade).step_by(3).nth(i % 10).copied().unwrap_or(course_ids[0]);
                let result: i64 = diesel::insert_into(lr::table)
                    .values((
                        lr::school_id.eq(school),
                        lr::student_id.eq(student),
                        lr::course_id.eq(course),
                        lr::academic_year.eq(115),
                        lr::semester.eq(1),
                        lr::description.eq("我的學習成果"),
                        lr::document_file_id.eq(Some(file)),
                        lr::state.eq("certified"),
                        lr::created_at.eq(now),
                        lr::updated_at.eq(now),
                    ))
                    .returning(lr::id)
                    .get_result(c)?;
                insert_rows!(c, sel::table, (sel::school_id.eq(school), sel::student_id.eq(student), sel::academic_year.eq(115), sel::item_kind.eq(crate::selections::Kind::Results.item_kind()), sel::item_id.eq(result), sel::selected_at.eq(now)))?;
            }
            Ok(())
        })?;
    }
    Ok(school)
}

/// Resident memory peak of this process since the last reset (kB).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Seeds, measures the baseline copy, then exports roster 26 (grades 1–3) as a job.
pub fn run(state: &AppState, students: usize, items: usize, file_size: usize) -> ApiResult<Report> {
    let now = state.clock.now();
    let school = seed(state, students, items, file_size, now)?;
    let admin: i64 = state.db.read_blocking(|c| Ok(users::table.filter(users::school_id.eq(school)).filter(users::account.eq("admin")).select(users::id).first(c)?))?;
    let shas: Vec<String> = state.db.read_blocking(|c| Ok(sf::table.filter(sf::school_id.eq(school)).order(sf::id).select(sf::sha256).load(c)?))?;
    let store = FileStore::new(&state.config.data_dir);

    // Baseline: every file read, hashed and appended to one output file and synced. Run twice
    // (the first run also flushes the seeded files to disk), timed the second time.
    let out_path = state.config.data_dir.join("baseline.bin");
    let mut started = Instant::now();
    let mut bytes = 0u64;
    for _ in 0..2 {
        started = Instant::now();
        bytes = 0;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&out_path).map_err(|e| ApiError::internal(e.to_string()))?);
        let mut buf = vec![0u8; 256 * 1024];
        for sha in &shas {
            let mut f = std::fs::File::open(store.path_of(sha)).map_err(|e| ApiError::internal(e.to_string()))?;
            let mut hasher = Sha256::new();
            loop {
                let n = f.read(&mut buf).map_err(|e| ApiError::internal(e.to_string()))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                out.write_all(&buf[..n]).map_err(|e| ApiError::internal(e.to_string()))?;
                bytes += n as u64;
            }
            if hex::encode(hasher.finalize()) != *sha {
                return Err(ApiError::internal(format!("baseline: {sha} corrupt")));
            }
        }
        let file = out.into_inner().map_err(|e| ApiError::internal(e.to_string()))?;
        file.sync_all().map_err(|e| ApiError::internal(e.to_string()))?;
    }
    let baseline_seconds = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&out_path);

    // The export, as the API starts it.
    let (_, spec) = super::Spec::new("26", Some("1-3"), None, Term { academic_year: 115, semester: 1 })?;
    let job = state.db.write_blocking(|c| {
        let job = crate::jobs::enqueue(c, school, admin, super::JOB_KIND, &serde_json::json!({}), Some(&spec.lock_key(school)), now)?;
        let export_id: i64 = diesel::insert_into(crate::schema::roster_exports::table)
            .values((
                crate::schema::roster_exports::school_id.eq(school),
                crate::schema::roster_exports::job_id.eq(job),
                crate::schema::roster_exports::roster.eq(spec.roster.as_str()),
                crate::schema::roster_exports::grades.eq(spec.grades.as_str()),
                crate::schema::roster_exports::division.eq(spec.division.as_str()),
                crate::schema::roster_exports::academic_year.eq(115),
                crate::schema::roster_exports::semester.eq(1),
                crate::schema::roster_exports::exported_by.eq(admin),
                crate::schema::roster_exports::file_name.eq("bench"),
                crate::schema::roster_exports::created_at.eq(now),
            ))
            .returning(crate::schema::roster_exports::id)
            .get_result(c)?;
        let params = serde_json::to_string(&super::package::Params { export_id, spec: spec.clone() }).map_err(|e| ApiError::internal(e.to_string()))?;
        diesel::update(jobs::table.find(job)).set(jobs::params.eq(params)).execute(c)?;
        Ok(job)
    })?;
    // Reset the peak-memory mark so that it measures the export only (Linux: clear_refs 5).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let watcher = {
        let db = state.db.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(600) {
                let total: i64 = db.read_blocking(|c| Ok(jobs::table.find(job).select(jobs::total).first(c)?)).unwrap_or(0);
                if total > 0 {
                    return Some(started.elapsed().as_secs_f64());
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            None
        })
    };
    let started = Instant::now();
    // Only this bench's kind: its own runner, without the app's table of every kind.
    crate::jobs::run_once_blocking(state, &[crate::jobs::Handler { kind: super::JOB_KIND, run: super::package::run, discard: None }])?;
    let export_seconds = started.elapsed().as_secs_f64();
    let peak_rss_kb = peak_rss_kb();
    let first_progress_seconds = watcher.join().ok().flatten().unwrap_or(f64::NAN);
    let row = crate::jobs::find(&mut *state.db.get()?, job)?.ok_or_else(ApiError::not_found)?;
    if row.state != "succeeded" {
        return Err(ApiError::internal(format!("export {}: {:?}", row.state, row.error)));
    }
    Ok(Report { students, files: shas.len(), bytes, baseline_seconds, export_seconds, first_progress_seconds, peak_rss_kb, package_bytes: row.result_size.unwrap_or(0) })
}
