//! Who may see a student's items (issue #6 §5): the student; the teachers of the course (learning
//! results only); the student's homeroom teacher, assigned course consultants and counselors this
//! term; the school admin. Nobody else — and never across schools.

use diesel::prelude::*;

use crate::audit::{self, Event, EventKind};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::schema::{certification_delegates as cd, classes, consultant_classes as cc, student_profiles as sp, teaching_assignments as ta, users};
use crate::settings::advisors::{assigned_student_ids, Advising};
use crate::terms;

/// Who acts and whose items (kept in `auth`, below the domains, so the inbox shares it).
pub use crate::auth::Caller;

/// What part of the school's items a caller sees.
#[derive(Debug, Clone)]
pub enum Visible {
    /// The whole school (the admin).
    All,
    /// These students' items, and (for learning results) those of these courses.
    Some { students: Vec<i64>, courses: Vec<i64> },
}

impl Visible {
    pub fn student(&self, id: i64) -> bool {
        match self {
            Visible::All => true,
            Visible::Some { students, .. } => students.contains(&id),
        }
    }

    pub fn result(&self, student: i64, course: i64) -> bool {
        match self {
            Visible::All => true,
            Visible::Some { students, courses } => students.contains(&student) || courses.contains(&course),
        }
    }
}

/// The students and courses `me` may see.
pub fn visible(c: &mut DbConn, me: Caller) -> ApiResult<Visible> {
    if me.admin {
        return Ok(Visible::All);
    }
    if me.student {
        return Ok(Visible::Some { students: vec![me.user], courses: vec![] });
    }
    let mut students = Vec::new();
    let mut courses: Vec<i64> = ta::table
        .filter(ta::teacher_id.eq(me.user))
        .filter(ta::school_id.eq(me.school))
        .filter(ta::active.eq(true))
        .select(ta::course_id)
        .load(c)?;
    // A delegate certifier (003 #25) sees the results they may decide: the courses named to
    // them, and every course of a teacher they stand in for.
    let named: Vec<(Option<i64>, Option<i64>)> = cd::table
        .filter(cd::school_id.eq(me.school))
        .filter(cd::delegate_id.eq(me.user))
        .filter(cd::ended_at.is_null())
        .select((cd::course_id, cd::teacher_id))
        .load(c)?;
    if !named.is_empty() {
        courses.extend(named.iter().filter_map(|(course, _)| *course));
        let teachers: Vec<i64> = named.iter().filter_map(|(_, teacher)| *teacher).collect();
        if !teachers.is_empty() {
            courses.extend(
                ta::table
                    .filter(ta::school_id.eq(me.school))
                    .filter(ta::teacher_id.eq_any(teachers))
                    .select(ta::course_id)
                    .load::<i64>(c)?,
            );
        }
        courses.sort_unstable();
        courses.dedup();
    }
    if let Some(term) = terms::current(c, me.school)? {
        // Homeroom classes and consultants' classes this term: their students.
        let mut class_codes: Vec<String> = classes::table
            .filter(classes::school_id.eq(me.school))
            .filter(classes::academic_year.eq(term.academic_year))
            .filter(classes::semester.eq(term.semester))
            .filter(classes::homeroom_user_id.eq(me.user))
            .select(classes::code)
            .load(c)?;
        class_codes.extend(
            cc::table
                .inner_join(classes::table)
                .filter(cc::teacher_id.eq(me.user))
                .filter(cc::academic_year.eq(term.academic_year))
                .filter(cc::semester.eq(term.semester))
                .select(classes::code)
                .load::<String>(c)?,
        );
        if !class_codes.is_empty() {
            students.extend(sp::table.filter(sp::school_id.eq(me.school)).filter(sp::class_code.eq_any(class_codes)).select(sp::user_id).load::<i64>(c)?);
        }
        // Counselors' students, and consultants' students assigned one by one (FAQ 000 三 Q2).
        for which in [Advising::Counselor, Advising::Consultant] {
            students.extend(assigned_student_ids(c, which, me.user, term)?);
        }
    }
    students.sort_unstable();
    students.dedup();
    Ok(Visible::Some { students, courses })
}

/// A student's profile facts the rules need.
#[derive(Debug, Clone, Queryable)]
pub struct StudentFacts {
    pub id: i64,
    pub account: String,
    pub name: String,
    pub grade: i32,
    pub entry_year: i32,
    pub class_code: Option<String>,
    pub seat_no: Option<i32>,
}

pub fn student_facts(c: &mut DbConn, school: i64, id: i64) -> ApiResult<StudentFacts> {
    sp::table
        .inner_join(users::table.on(users::id.eq(sp::user_id)))
        .filter(sp::user_id.eq(id))
        .filter(sp::school_id.eq(school))
        .select((users::id, users::account, users::display_name, sp::grade, sp::entry_year, sp::class_code, sp::seat_no))
        .first(c)
        .optional()?
        .ok_or_else(|| ApiError::with_detail(ErrorCode::Conflict, "找不到您的學籍資料（尚未由校務系統同步），請洽學校。", "No student record has been synced for you yet."))
}

/// Serialises a student's counted writes (creating items, selecting): on PostgreSQL with a
/// transaction-scoped advisory lock, so two concurrent requests cannot both pass a limit; SQLite
/// runs one writer at a time anyway.
pub fn lock_student(c: &mut DbConn, student: i64) -> ApiResult<()> {
    if let DbConn::Postgresql(pg) = c {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>((1i64 << 48) | student)
            .execute(pg)?;
    }
    Ok(())
}

/// Records a change a temporary account made on its student's behalf in the school's audit log
/// (`event` e.g. `performance_created`, `detail` what changed); nothing for anyone else, whose
/// changes are their own.
pub fn record_on_behalf(c: &mut DbConn, me: Caller, event: EventKind, detail: String, now: chrono::NaiveDateTime) -> ApiResult<()> {
    if !me.on_behalf() {
        return Ok(());
    }
    let accounts: Vec<(i64, String)> = users::table.filter(users::id.eq_any([me.actor, me.user])).select((users::id, users::account)).load(c)?;
    let account = |id: i64| accounts.iter().find(|(i, _)| *i == id).map(|(_, a)| a.clone()).unwrap_or_default();
    let actor = account(me.actor);
    // An action on a student's behalf (a selection, an upload …) changes nobody's rights.
    audit::record_routine(
        c,
        Event {
            school_id: Some(me.school),
            user_id: Some(me.actor),
            actor: Some(&actor),
            event,
            detail: Some(format!("{detail} on behalf of {}", account(me.user))),
            client: None,
        },
        now,
    )
}
