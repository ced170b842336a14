//! `licheng bench-sync`: how fast a batch of enrolments is applied, against a plain bulk insert
//! of the same rows measured in the same run on the same database.

use std::time::Instant;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::apply;
use super::routes::run_batch;
use super::{Batch, CourseRow, Division, EnrolmentRow, Kind, StaffRow, StudentRow};
use crate::db::{Db, DbConn};
use crate::error::ApiResult;
use crate::schema::{courses, enrolments, users};

const SCHOOL: &str = "990001";

/// One measured step.
pub struct Step {
    pub name: &'static str,
    pub rows: usize,
    pub seconds: f64,
}

impl Step {
    pub fn rows_per_second(&self) -> f64 {
        self.rows as f64 / self.seconds.max(1e-9)
    }
}

fn national_id(i: usize) -> String {
    crate::national_id::complete(&format!("A1{:07}", i % 10_000_000))
}

/// Loads a school with enough students and courses for `rows` enrolments (five per student),
/// then measures: a plain multi-row INSERT of the rows (baseline), the sync batch applying them
/// (first load), and the same batch again (no changes).
pub fn run(db: &Db, rows: usize, now: NaiveDateTime) -> ApiResult<Vec<Step>> {
    let per_student = 5;
    let students = rows.div_ceil(per_student);
    let course_count = 50;
    let school_id = db.write_blocking(|c| Ok(crate::schools::create_with_admin(c, SCHOOL, "效能測試高中", "admin", "bench-Password1", now)?.0))?;
    let batch = |rows| Batch { academic_year: 115, semester: 1, rows };
    let staff = vec![StaffRow { number: "T1".into(), national_id: national_id(9_999_999), name: "老師".into(), email: None, active: true }];
    run_batch(db, school_id, None, Kind::Staff, &batch(staff), now, apply::staff)?;
    let student_rows: Vec<StudentRow> = (0..students)
        .map(|i| StudentRow {
            number: format!("S{i:06}"),
            national_id: national_id(i),
            name: format!("學生{i}"),
            birth_date: None,
            gender: None,
            department: None,
            program: None,
            division: Division::Day,
            entry_year: 114,
            grade: 2,
            class_code: Some(format!("2{:02}", i % 30)),
            seat_no: Some((i % 40) as i32 + 1),
            status: "在學".into(),
            email: None,
        })
        .collect();
    run_batch(db, school_id, None, Kind::Students, &Batch { academic_year: 115, semester: 1, rows: student_rows }, now, apply::students)?;
    let course_rows: Vec<CourseRow> = (0..course_count)
        .map(|i| CourseRow { course_code: format!("108{SCHOOL}V11105010101{i:02}"), class_code: None, subject_name: format!("科目{i}"), grade: 2, credits: 2 })
        .collect();
    run_batch(db, school_id, None, Kind::Courses, &Batch { academic_year: 115, semester: 1, rows: course_rows }, now, apply::courses_batch)?;
    let enrolment_rows: Vec<EnrolmentRow> = (0..rows)
        .map(|i| {
            let student = i / per_student;
            let course = (student * 7 + i % per_student * 11) % course_count;
            EnrolmentRow { student_number: format!("S{student:06}"), course_code: format!("108{SCHOOL}V11105010101{course:02}"), class_code: None, kind: None }
        })
        .collect();
    // The pairs must be unique for both the baseline and the batch.
    let mut seen = std::collections::HashSet::new();
    let enrolment_rows: Vec<EnrolmentRow> = enrolment_rows.into_iter().filter(|r| seen.insert((r.student_number.clone(), r.course_code.clone()))).collect();
    let n = enrolment_rows.len();

    // Baseline: the same rows, ids already resolved, as chunked multi-row INSERTs in one
    // transaction — the least any way of storing them can cost here.
    let resolved: Vec<(i64, i64)> = db.read_blocking(|c| resolve(c, school_id, &enrolment_rows))?;
    // Run once untimed to warm caches and indexes, then timed.
    let mut baseline = 0.0;
    for _ in 0..2 {
        let started = Instant::now();
        db.write_blocking(|c| {
            for chunk in resolved.chunks(1000) {
                let values: Vec<_> = chunk
                    .iter()
                    .map(|(course, student)| {
                        (
                            enrolments::school_id.eq(school_id),
                            enrolments::course_id.eq(*course),
                            enrolments::student_id.eq(*student),
                            enrolments::kind.eq("regular"),
                            enrolments::active.eq(true),
                            enrolments::updated_at.eq(now),
                        )
                    })
                    .collect();
                match c {
                    DbConn::Sqlite(conn) => diesel::insert_into(enrolments::table).values(values).execute(conn)?,
                    DbConn::Postgresql(conn) => diesel::insert_into(enrolments::table).values(values).execute(conn)?,
                };
            }
            Ok(())
        })?;
        baseline = started.elapsed().as_secs_f64();
        db.write_blocking(|c| {
            diesel::delete(enrolments::table.filter(enrolments::school_id.eq(school_id))).execute(c)?;
            Ok(())
        })?;
    }

    let batch = Batch { academic_year: 115, semester: 1, rows: enrolment_rows };
    let started = Instant::now();
    let first = run_batch(db, school_id, None, Kind::Enrolments, &batch, now, apply::enrolments_batch)?;
    let first_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let again = run_batch(db, school_id, None, Kind::Enrolments, &batch, now, apply::enrolments_batch)?;
    let again_seconds = started.elapsed().as_secs_f64();
    debug_assert_eq!(first.result.inserted as usize, n);
    debug_assert_eq!(again.result.unchanged as usize, n);
    Ok(vec![
        Step { name: "baseline: plain multi-row INSERT", rows: n, seconds: baseline },
        Step { name: "sync batch, first load (validate + insert)", rows: first.result.inserted as usize, seconds: first_seconds },
        Step { name: "sync batch, replay (validate, nothing changes)", rows: again.result.unchanged as usize, seconds: again_seconds },
    ])
}

fn resolve(c: &mut DbConn, school_id: i64, rows: &[EnrolmentRow]) -> ApiResult<Vec<(i64, i64)>> {
    let students: std::collections::HashMap<String, i64> = users::table
        .filter(users::school_id.eq(school_id))
        .select((users::number.assume_not_null(), users::id))
        .filter(users::number.is_not_null())
        .load::<(String, i64)>(c)?
        .into_iter()
        .collect();
    let courses: std::collections::HashMap<String, i64> = courses::table
        .filter(courses::school_id.eq(school_id))
        .select((courses::course_code, courses::id))
        .load::<(String, i64)>(c)?
        .into_iter()
        .collect();
    Ok(rows
        .iter()
        .filter_map(|r| Some((*courses.get(&r.course_code)?, *students.get(&r.student_number)?)))
        .collect())
}
