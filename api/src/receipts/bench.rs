//! `licheng bench-receipts`: importing a receipt of a whole school (students × 4 categories), then
//! a new version in which `changed` students' rows differ — the time of each, and that exactly
//! those students were reset (issue #20 item 8).

use std::time::Instant;

use diesel::prelude::*;

use super::{Category, CategoryPart, Manifest, RosterInfo, StudentRows, SCHEMA_VERSION};
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::schema::receipt_answers as ra;
use crate::sync::apply;
use crate::sync::routes::run_batch;
use crate::sync::{Batch, Kind};
use crate::terms::Term;

const SCHOOL: &str = "990020";

pub struct Report {
    pub students: usize,
    pub rows: usize,
    pub import_seconds: f64,
    pub reimport_seconds: f64,
    pub changed: usize,
    pub reset: usize,
    /// Answers left after the re-import (every student had confirmed every category).
    pub answers_kept: i64,
}

fn national_id(i: usize) -> String {
    crate::national_id::complete(&format!("C1{:07}", i % 10_000_000))
}

fn manifest(students: usize, version: i32, changed: usize) -> Manifest {
    let categories = Category::ALL
        .iter()
        .map(|cat| CategoryPart {
            category: *cat,
            rosters: vec![RosterInfo { roster: cat.as_str().into(), name: cat.name_zh().into(), file_name: format!("{SCHOOL}_115_1_{}", cat.as_str()), version, sha256: "0".repeat(64) }],
            columns: vec!["名稱".into(), "內容".into()],
            students: (0..students)
                .map(|i| {
                    let tweak = if *cat == Category::Results && i < changed { "（改）" } else { "" };
                    StudentRows { national_id: national_id(i), birth_date: None, rows: vec![vec![format!("項目{i}-1"), format!("內容{tweak}")], vec![format!("項目{i}-2"), "內容".into()]] }
                })
                .collect(),
        })
        .collect();
    Manifest { schema_version: SCHEMA_VERSION, school_code: SCHOOL.into(), academic_year: 115, semester: 1, generated_at: None, categories }
}

/// Runs the benchmark on a fresh school of `students` in `db`.
pub fn run(db: &Db, students: usize, changed: usize, now: chrono::NaiveDateTime) -> ApiResult<Report> {
    let (school, admin) = db.write_blocking(|c| {
        let (id, admin) = crate::schools::create_with_admin(c, SCHOOL, "收訖效能測試高中", "admin", "bench-Password1", now)?;
        crate::terms::set_current(c, id, Term { academic_year: 115, semester: 1 }, now)?;
        Ok((id, admin))
    })?;
    let rows = crate::rosters::bench::student_rows(students, national_id);
    run_batch(db, school, None, Kind::Students, &Batch { academic_year: 115, semester: 1, rows }, now, apply::students)?;
    // Learning results and performances of 115-1 are imported in 115-2 (manual 8.1.1).
    db.write_blocking(|c| crate::terms::set_current(c, school, Term { academic_year: 115, semester: 2 }, now))?;
    let term = Term { academic_year: 115, semester: 1 };
    let window = super::default_window(now);
    let none = std::collections::HashMap::new();
    let v1 = manifest(students, 1, 0);
    let started = Instant::now();
    let current = db.read_blocking(|c| crate::terms::current(c, school))?;
    super::check_import_term(current, term, &Category::ALL)?;
    let plans = db.write_blocking(|c| super::routes::plan_import(c, school, term, &v1, &Category::ALL, &none, window, Some((admin, "bench-v1.zip", now)), crate::error::Lang::Zh))?;
    let import_seconds = started.elapsed().as_secs_f64();
    let matched: usize = plans.iter().map(|p| p.students).sum();
    if matched != students * 4 {
        return Err(ApiError::internal(format!("matched {matched} of {}", students * 4)));
    }
    // Every student confirms every category.
    db.write_blocking(|c| {
        let ids: Vec<i64> = crate::schema::users::table.filter(crate::schema::users::school_id.eq(school)).filter(crate::schema::users::kind.eq("student")).select(crate::schema::users::id).load(c)?;
        for cat in Category::ALL {
            for chunk in ids.chunks(1000) {
                let values: Vec<_> = chunk
                    .iter()
                    .map(|s| (ra::school_id.eq(school), ra::student_id.eq(*s), ra::academic_year.eq(115), ra::semester.eq(1), ra::category.eq(cat.as_str()), ra::state.eq("confirmed"), ra::answered_at.eq(now)))
                    .collect();
                match c {
                    crate::db::DbConn::Sqlite(conn) => diesel::insert_into(ra::table).values(values).execute(conn)?,
                    crate::db::DbConn::Postgresql(conn) => diesel::insert_into(ra::table).values(values).execute(conn)?,
                };
            }
        }
        Ok(())
    })?;
    let v2 = manifest(students, 2, changed);
    let started = Instant::now();
    let plans = db.write_blocking(|c| super::routes::plan_import(c, school, term, &v2, &Category::ALL, &none, window, Some((admin, "bench-v2.zip", now)), crate::error::Lang::Zh))?;
    let reimport_seconds = started.elapsed().as_secs_f64();
    let reset: usize = plans.iter().map(|p| p.reset).sum();
    let answers_kept: i64 = db.read_blocking(|c| Ok(ra::table.filter(ra::school_id.eq(school)).count().get_result(c)?))?;
    Ok(Report { students, rows: students * 4 * 2, import_seconds, reimport_seconds, changed, reset, answers_kept })
}
