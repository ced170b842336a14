//! Applying one snapshot of each kind: check every row, then insert what is new, update what
//! changed, leave what is equal, and deactivate what the snapshot no longer holds.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{check_course_code, class_key, ByNumber, CadreRow, ClassRow, Counts, CourseRow, EnrolmentKind, EnrolmentRow, RowErrors, StaffRow, StudentRow, TeachingRow};
use crate::audit::{self, Event, EventKind};
use crate::accounts::{password, session};
use crate::identity::{Role, UserKind};
use crate::db::{insert_rows, DbConn};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::schema::{cadre_records, classes, courses, enrolments, schools, student_profiles, teaching_assignments, user_roles, users};
use crate::terms::{self, Term};

/// Rows per INSERT statement.
const CHUNK: usize = 500;

/// The batch's school and term.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub school_id: i64,
    pub school_code: String,
    pub term: Term,
    pub now: NaiveDateTime,
}

fn counts(total: usize) -> Counts {
    Counts { total: total as i64, status_code: super::SyncStatusCode::Applied.as_str().into(), ..Counts::default() }
}

/// Checks the batch's term against the school's: refused while the admin holds a previous
/// term, refused when older than the current term, and a newer term becomes current.
pub fn check_term(c: &mut DbConn, ctx: &Ctx) -> ApiResult<()> {
    let hold: bool = schools::table.find(ctx.school_id).select(schools::term_hold).first(c)?;
    if hold {
        return Err(ApiError::new(ErrorCode::TermOnHold));
    }
    match terms::current(c, ctx.school_id)? {
        Some(current) if ctx.term < current => Err(ApiError::with_detail(
            ErrorCode::StaleTerm,
            format!("此批資料為 {} 學年期，學校目前為 {}，未寫入。", ctx.term.code(), current.code()),
            format!("The batch is for term {}, the school is in {}; nothing was applied.", ctx.term.code(), current.code()),
        )),
        Some(current) if ctx.term == current => Ok(()),
        _ => {
            terms::set_current(c, ctx.school_id, ctx.term, ctx.now)?;
            // Consultants' classes and counselors' students are set again each term.
            terms::derive_advisor_roles(c, ctx.school_id)?;
            terms::derive_teaching_roles(c, ctx.school_id)
        }
    }
}

fn people_by_number(c: &mut DbConn, school_id: i64, kind: UserKind) -> ApiResult<ByNumber> {
    let rows: Vec<(i64, Option<String>)> = users::table
        .filter(users::school_id.eq(school_id))
        .filter(users::kind.eq(kind.as_str()))
        .select((users::id, users::number))
        .load(c)?;
    Ok(rows.into_iter().filter_map(|(id, n)| n.map(|n| (n, id))).collect())
}

fn check_number(errors: &mut RowErrors, row: usize, field: &str, number: &str) {
    errors.text(row, field, number, 20);
    if !number.trim().chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') {
        errors.add(row, field, "只能使用英數字", "letters, digits and '-' only");
    }
}

fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Marks accounts inactive and ends their sessions.
fn deactivate_users(c: &mut DbConn, ids: &[i64], now: NaiveDateTime) -> ApiResult<()> {
    for chunk in ids.chunks(CHUNK) {
        diesel::update(users::table.filter(users::id.eq_any(chunk)))
            .set((users::active.eq(false), users::updated_at.eq(now)))
            .execute(c)?;
    }
    session::revoke_users(c, ids, now)
}

/// Account names that people of `kind` may not take (held by another kind in the school).
fn other_accounts(c: &mut DbConn, school_id: i64, kind: UserKind) -> ApiResult<HashSet<String>> {
    Ok(users::table
        .filter(users::school_id.eq(school_id))
        .filter(users::kind.ne(kind.as_str()))
        .select(users::account)
        .load::<String>(c)?
        .into_iter()
        .collect())
}

/// A person row reduced to what the `users` table keeps.
struct Person<'a> {
    number: &'a str,
    national_id: String,
    name: &'a str,
    email: Option<String>,
    active: bool,
}

/// Inserts and updates people of `kind`; returns (ids by number after the batch, counts, the
/// numbers whose account row changed). Accounts get `{school}_{number}` and the initial
/// password on first sight; a later batch never touches the password (FAQ 000 Q2), nor a primary
/// address the user set themselves. A change of e-mail or national ID is audited per user.
fn upsert_people(c: &mut DbConn, ctx: &Ctx, kind: UserKind, people: &[Person<'_>], role: Option<Role>) -> ApiResult<(ByNumber, Counts, HashSet<String>)> {
    type Row = (i64, Option<String>, String, Option<String>, Option<String>, bool, bool);
    let existing: Vec<Row> = users::table
        .filter(users::school_id.eq(ctx.school_id))
        .filter(users::kind.eq(kind.as_str()))
        .select((users::id, users::number, users::display_name, users::national_id_index, users::email, users::active, users::email_set_by_user))
        .load(c)?;
    let by_number: HashMap<String, &Row> = existing.iter().filter_map(|r| r.1.clone().map(|n| (n, r))).collect();
    let mut result = counts(people.len());
    let mut changed = HashSet::new();
    let mut new_people = Vec::new();
    // The national-ID keys, derived once for the whole batch (not per row).
    let keys = crate::national_id::keys()?;
    for p in people {
        match by_number.get(p.number) {
            Some((id, _, name, nid, email, active, email_set_by_user)) => {
                // The user's own address wins over the school-affairs system's.
                let new_email = if *email_set_by_user { email } else { &p.email };
                // National IDs are compared by their blind index (issue #26).
                // During a key rotation a row may still carry the previous key's index.
                let index = keys.index(&p.national_id);
                let nid_changed = !nid.as_ref().is_some_and(|n| keys.indexes(&p.national_id).contains(n));
                let email_changed = email != new_email;
                if name != p.name || nid_changed || email_changed || *active != p.active {
                    diesel::update(users::table.find(id))
                        .set((
                            users::display_name.eq(p.name),
                            users::national_id.eq(keys.seal(&p.national_id)?),
                            users::national_id_index.eq(&index),
                            users::email.eq(new_email),
                            users::active.eq(p.active),
                            users::updated_at.eq(ctx.now),
                        ))
                        .execute(c)?;
                    for (changed, event, detail) in [
                        (email_changed, EventKind::EmailChangedBySync, "主要電子郵件由校務系統同步變更 (primary e-mail changed by a sync batch)"),
                        (nid_changed && nid.is_some(), EventKind::NationalIdChangedBySync, "身分證統一編號由校務系統同步變更 (national ID changed by a sync batch)"),
                    ] {
                        if changed {
                            let account = format!("{}_{}", ctx.school_code, p.number);
                            audit::record(
                                c,
                                Event { school_id: Some(ctx.school_id), user_id: Some(*id), actor: Some(&account), event, detail: Some(detail.into()), client: None },
                                ctx.now,
                            )?;
                        }
                    }
                    if *active && !p.active {
                        session::revoke_all(c, *id, ctx.now)?;
                    }
                    changed.insert(p.number.to_string());
                }
            }
            None => new_people.push(p),
        }
    }
    for chunk in new_people.chunks(CHUNK) {
        let values: Vec<_> = chunk
            .iter()
            .map(|p| {
                Ok((
                    users::school_id.eq(Some(ctx.school_id)),
                    users::account.eq(format!("{}_{}", ctx.school_code, p.number)),
                    users::kind.eq(kind.as_str()),
                    users::display_name.eq(p.name),
                    users::national_id.eq(Some(keys.seal(&p.national_id)?)),
                    users::national_id_index.eq(Some(keys.index(&p.national_id))),
                    users::number.eq(Some(p.number)),
                    users::email.eq(p.email.clone()),
                    users::password_hash.eq(password::INITIAL),
                    users::must_change_password.eq(true),
                    users::active.eq(p.active),
                    users::failed_logins.eq(0),
                    users::created_at.eq(ctx.now),
                    users::updated_at.eq(ctx.now),
                ))
            })
            .collect::<ApiResult<_>>()?;
        insert_rows!(c, users::table, values)?;
    }
    result.inserted = new_people.len() as i64;
    let ids = people_by_number(c, ctx.school_id, kind)?;
    if let Some(role) = role {
        let roles: Vec<_> = new_people
            .iter()
            .filter_map(|p| ids.get(p.number))
            .map(|id| (user_roles::user_id.eq(*id), user_roles::role_code.eq(role.as_str())))
            .collect();
        for chunk in roles.chunks(CHUNK) {
            insert_rows!(c, user_roles::table, chunk.to_vec())?;
        }
    }
    // Whoever the snapshot no longer holds is deactivated (never deleted).
    let present: HashSet<&str> = people.iter().map(|p| p.number).collect();
    let gone: Vec<i64> = existing
        .iter()
        // Accounts made in Licheng itself (the admin, temporary accounts) have no number and are
        // not the vendor's to deactivate.
        .filter(|r| r.5 && r.1.as_deref().is_some_and(|n| !present.contains(n)))
        .map(|r| r.0)
        .collect();
    deactivate_users(c, &gone, ctx.now)?;
    result.deactivated = gone.len() as i64;
    Ok((ids, result, changed))
}

fn check_people_accounts(c: &mut DbConn, ctx: &Ctx, kind: UserKind, numbers: &[&str], errors: &mut RowErrors) -> ApiResult<()> {
    let taken = other_accounts(c, ctx.school_id, kind)?;
    for (i, n) in numbers.iter().enumerate() {
        if taken.contains(&format!("{}_{}", ctx.school_code, n.trim())) {
            errors.add(i, "number", "此編號的帳號已屬於本校其他類別的使用者", "an account with this number belongs to another kind of user");
        }
    }
    Ok(())
}

type Profile = (Option<NaiveDate>, Option<String>, Option<String>, Option<String>, String, i32, i32, Option<String>, Option<i32>, String);

fn profile_of(r: &StudentRow) -> Profile {
    (
        r.birth_date,
        clean(&r.gender),
        clean(&r.department),
        clean(&r.program),
        r.division.as_str().to_string(),
        r.entry_year,
        r.grade,
        clean(&r.class_code),
        r.seat_no,
        r.status.trim().to_string(),
    )
}

/// 學生學籍資料: the school's whole student roster.
pub fn students(c: &mut DbConn, ctx: &Ctx, rows: &[StudentRow]) -> ApiResult<Counts> {
    let mut errors = RowErrors::default();
    let (mut numbers, mut ids) = (HashSet::new(), HashSet::new());
    for (i, r) in rows.iter().enumerate() {
        check_number(&mut errors, i, "number", &r.number);
        errors.national_id(i, "national_id", &r.national_id);
        errors.text(i, "name", &r.name, 50);
        errors.range(i, "grade", r.grade, 1, 3);
        errors.range(i, "entry_year", r.entry_year, 50, 300);
        errors.date(i, "birth_date", r.birth_date);
        if let Some(seat) = r.seat_no {
            errors.range(i, "seat_no", seat, 1, 99);
        }
        errors.text(i, "status", &r.status, 20);
        errors.email(i, "email", r.email.as_deref());
        errors.optional_text(i, "gender", r.gender.as_deref(), 10);
        errors.optional_text(i, "department", r.department.as_deref(), 50);
        errors.optional_text(i, "program", r.program.as_deref(), 50);
        errors.optional_text(i, "class_code", r.class_code.as_deref(), 20);
        errors.unique(&mut numbers, r.number.trim().to_string(), i, "number");
        errors.unique(&mut ids, r.national_id.trim().to_ascii_uppercase(), i, "national_id");
    }
    let nums: Vec<&str> = rows.iter().map(|r| r.number.as_str()).collect();
    check_people_accounts(c, ctx, UserKind::Student, &nums, &mut errors)?;
    errors.into_result()?;

    let people: Vec<Person<'_>> = rows
        .iter()
        .map(|r| Person {
            number: r.number.trim(),
            national_id: r.national_id.trim().to_ascii_uppercase(),
            name: r.name.trim(),
            email: clean(&r.email),
            active: true,
        })
        .collect();
    let (ids, mut result, changed) = upsert_people(c, ctx, UserKind::Student, &people, Some(Role::Student))?;

    let existing: HashMap<i64, Profile> = student_profiles::table
        .filter(student_profiles::school_id.eq(ctx.school_id))
        .select((
            student_profiles::user_id,
            (
                student_profiles::birth_date,
                student_profiles::gender,
                student_profiles::department,
                student_profiles::program,
                student_profiles::division,
                student_profiles::entry_year,
                student_profiles::grade,
                student_profiles::class_code,
                student_profiles::seat_no,
                student_profiles::status,
            ),
        ))
        .load::<(i64, Profile)>(c)?
        .into_iter()
        .collect();
    let mut new_profiles = Vec::new();
    let mut updated = 0;
    for r in rows {
        let Some(id) = ids.get(r.number.trim()) else { continue };
        let wanted = profile_of(r);
        let profile_changed = match existing.get(id) {
            None => {
                new_profiles.push((*id, wanted));
                false
            }
            Some(have) if *have != wanted => {
                let p = wanted;
                diesel::update(student_profiles::table.find(id))
                    .set((
                        student_profiles::birth_date.eq(p.0),
                        student_profiles::gender.eq(p.1),
                        student_profiles::department.eq(p.2),
                        student_profiles::program.eq(p.3),
                        student_profiles::division.eq(p.4),
                        student_profiles::entry_year.eq(p.5),
                        student_profiles::grade.eq(p.6),
                        student_profiles::class_code.eq(p.7),
                        student_profiles::seat_no.eq(p.8),
                        student_profiles::status.eq(p.9),
                        student_profiles::updated_at.eq(ctx.now),
                    ))
                    .execute(c)?;
                true
            }
            Some(_) => false,
        };
        let is_new = !existing.contains_key(id);
        if !is_new && (profile_changed || changed.contains(r.number.trim())) {
            updated += 1;
        }
    }
    for chunk in new_profiles.chunks(CHUNK) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(id, p)| {
                (
                    student_profiles::user_id.eq(*id),
                    student_profiles::school_id.eq(ctx.school_id),
                    student_profiles::birth_date.eq(p.0),
                    student_profiles::gender.eq(p.1.clone()),
                    student_profiles::department.eq(p.2.clone()),
                    student_profiles::program.eq(p.3.clone()),
                    student_profiles::division.eq(p.4.clone()),
                    student_profiles::entry_year.eq(p.5),
                    student_profiles::grade.eq(p.6),
                    student_profiles::class_code.eq(p.7.clone()),
                    student_profiles::seat_no.eq(p.8),
                    student_profiles::status.eq(p.9.clone()),
                    student_profiles::updated_at.eq(ctx.now),
                )
            })
            .collect();
        insert_rows!(c, student_profiles::table, values)?;
    }
    result.updated = updated;
    result.unchanged = result.total - result.inserted - result.updated;
    Ok(result)
}

/// 教職員資料: the school's whole staff roster.
pub fn staff(c: &mut DbConn, ctx: &Ctx, rows: &[StaffRow]) -> ApiResult<Counts> {
    let mut errors = RowErrors::default();
    let (mut numbers, mut ids) = (HashSet::new(), HashSet::new());
    for (i, r) in rows.iter().enumerate() {
        check_number(&mut errors, i, "number", &r.number);
        errors.national_id(i, "national_id", &r.national_id);
        errors.text(i, "name", &r.name, 50);
        errors.email(i, "email", r.email.as_deref());
        errors.unique(&mut numbers, r.number.trim().to_string(), i, "number");
        errors.unique(&mut ids, r.national_id.trim().to_ascii_uppercase(), i, "national_id");
    }
    let nums: Vec<&str> = rows.iter().map(|r| r.number.as_str()).collect();
    check_people_accounts(c, ctx, UserKind::Staff, &nums, &mut errors)?;
    errors.into_result()?;
    let people: Vec<Person<'_>> = rows
        .iter()
        .map(|r| Person {
            number: r.number.trim(),
            national_id: r.national_id.trim().to_ascii_uppercase(),
            name: r.name.trim(),
            email: clean(&r.email),
            active: r.active,
        })
        .collect();
    let (_, mut result, changed) = upsert_people(c, ctx, UserKind::Staff, &people, None)?;
    result.updated = changed.len() as i64;
    result.unchanged = result.total - result.inserted - result.updated;
    terms::derive_teaching_roles(c, ctx.school_id)?;
    Ok(result)
}

/// 班級資料: the term's classes.
pub fn classes_batch(c: &mut DbConn, ctx: &Ctx, rows: &[ClassRow]) -> ApiResult<Counts> {
    let staff = people_by_number(c, ctx.school_id, UserKind::Staff)?;
    let mut errors = RowErrors::default();
    let mut seen = HashSet::new();
    for (i, r) in rows.iter().enumerate() {
        errors.text(i, "code", &r.code, 20);
        errors.text(i, "name", &r.name, 50);
        errors.range(i, "grade", r.grade, 1, 3);
        errors.unique(&mut seen, r.code.trim().to_string(), i, "code");
        if let Some(t) = clean(&r.homeroom_teacher) {
            if !staff.contains_key(&t) {
                errors.add(i, "homeroom_teacher", format!("找不到教職員編號 {t}"), format!("no staff member numbered {t}"));
            }
        }
    }
    errors.into_result()?;
    type Row = (i64, String, String, i32, Option<i64>, bool);
    let existing: Vec<Row> = classes::table
        .filter(classes::school_id.eq(ctx.school_id))
        .filter(classes::academic_year.eq(ctx.term.academic_year))
        .filter(classes::semester.eq(ctx.term.semester))
        .select((classes::id, classes::code, classes::name, classes::grade, classes::homeroom_user_id, classes::active))
        .load(c)?;
    let by_code: HashMap<&str, &Row> = existing.iter().map(|r| (r.1.as_str(), r)).collect();
    let mut result = counts(rows.len());
    let mut new_rows = Vec::new();
    for r in rows {
        let homeroom = clean(&r.homeroom_teacher).and_then(|t| staff.get(&t).copied());
        let (code, name) = (r.code.trim(), r.name.trim());
        match by_code.get(code) {
            Some((id, _, n, g, h, active)) => {
                if n != name || *g != r.grade || *h != homeroom || !active {
                    diesel::update(classes::table.find(id))
                        .set((
                            classes::name.eq(name),
                            classes::grade.eq(r.grade),
                            classes::homeroom_user_id.eq(homeroom),
                            classes::active.eq(true),
                            classes::updated_at.eq(ctx.now),
                        ))
                        .execute(c)?;
                    result.updated += 1;
                }
            }
            None => new_rows.push((
                classes::school_id.eq(ctx.school_id),
                classes::academic_year.eq(ctx.term.academic_year),
                classes::semester.eq(ctx.term.semester),
                classes::code.eq(code.to_string()),
                classes::name.eq(name.to_string()),
                classes::grade.eq(r.grade),
                classes::homeroom_user_id.eq(homeroom),
                classes::active.eq(true),
                classes::updated_at.eq(ctx.now),
            )),
        }
    }
    result.inserted = new_rows.len() as i64;
    for chunk in new_rows.chunks(CHUNK) {
        insert_rows!(c, classes::table, chunk.to_vec())?;
    }
    let present: HashSet<&str> = rows.iter().map(|r| r.code.trim()).collect();
    let gone: Vec<i64> = existing.iter().filter(|r| r.5 && !present.contains(r.1.as_str())).map(|r| r.0).collect();
    for chunk in gone.chunks(CHUNK) {
        diesel::update(classes::table.filter(classes::id.eq_any(chunk)))
            .set((classes::active.eq(false), classes::updated_at.eq(ctx.now)))
            .execute(c)?;
    }
    result.deactivated = gone.len() as i64;
    result.unchanged = result.total - result.inserted - result.updated;
    terms::derive_teaching_roles(c, ctx.school_id)?;
    Ok(result)
}

/// Courses of a term by (course code, class code).
fn courses_of_term(c: &mut DbConn, ctx: &Ctx) -> ApiResult<HashMap<(String, String), i64>> {
    let rows: Vec<(i64, String, String)> = courses::table
        .filter(courses::school_id.eq(ctx.school_id))
        .filter(courses::academic_year.eq(ctx.term.academic_year))
        .filter(courses::semester.eq(ctx.term.semester))
        .select((courses::id, courses::course_code, courses::class_code))
        .load(c)?;
    Ok(rows.into_iter().map(|(id, code, class)| ((code, class), id)).collect())
}

/// 開課資料: the term's courses.
pub fn courses_batch(c: &mut DbConn, ctx: &Ctx, rows: &[CourseRow]) -> ApiResult<Counts> {
    let mut errors = RowErrors::default();
    let mut seen = HashSet::new();
    for (i, r) in rows.iter().enumerate() {
        check_course_code(&mut errors, i, r.course_code.trim(), &ctx.school_code);
        errors.optional_text(i, "class_code", r.class_code.as_deref(), 20);
        errors.text(i, "subject_name", &r.subject_name, 100);
        errors.range(i, "grade", r.grade, 1, 3);
        errors.range(i, "credits", r.credits, 0, 30);
        errors.unique(&mut seen, (r.course_code.trim().to_string(), class_key(&r.class_code)), i, "course_code");
    }
    errors.into_result()?;
    type Row = (i64, String, String, String, i32, i32, bool);
    let existing: Vec<Row> = courses::table
        .filter(courses::school_id.eq(ctx.school_id))
        .filter(courses::academic_year.eq(ctx.term.academic_year))
        .filter(courses::semester.eq(ctx.term.semester))
        .select((courses::id, courses::course_code, courses::class_code, courses::subject_name, courses::grade, courses::credits, courses::active))
        .load(c)?;
    let by_key: HashMap<(&str, &str), &Row> = existing.iter().map(|r| ((r.1.as_str(), r.2.as_str()), r)).collect();
    let mut result = counts(rows.len());
    let mut new_rows = Vec::new();
    for r in rows {
        let (code, class) = (r.course_code.trim().to_string(), class_key(&r.class_code));
        let subject = r.subject_name.trim();
        match by_key.get(&(code.as_str(), class.as_str())) {
            Some((id, _, _, s, g, cr, active)) => {
                if s != subject || *g != r.grade || *cr != r.credits || !active {
                    diesel::update(courses::table.find(id))
                        .set((
                            courses::subject_name.eq(subject),
                            courses::grade.eq(r.grade),
                            courses::credits.eq(r.credits),
                            courses::active.eq(true),
                            courses::updated_at.eq(ctx.now),
                        ))
                        .execute(c)?;
                    result.updated += 1;
                }
            }
            None => new_rows.push((
                courses::school_id.eq(ctx.school_id),
                courses::academic_year.eq(ctx.term.academic_year),
                courses::semester.eq(ctx.term.semester),
                courses::course_code.eq(code),
                courses::mixed_class.eq(class.is_empty()),
                courses::class_code.eq(class),
                courses::subject_name.eq(subject.to_string()),
                courses::grade.eq(r.grade),
                courses::credits.eq(r.credits),
                courses::active.eq(true),
                courses::updated_at.eq(ctx.now),
            )),
        }
    }
    result.inserted = new_rows.len() as i64;
    for chunk in new_rows.chunks(CHUNK) {
        insert_rows!(c, courses::table, chunk.to_vec())?;
    }
    let present: HashSet<(String, String)> = rows.iter().map(|r| (r.course_code.trim().to_string(), class_key(&r.class_code))).collect();
    let gone: Vec<i64> = existing
        .iter()
        .filter(|r| r.6 && !present.contains(&(r.1.clone(), r.2.clone())))
        .map(|r| r.0)
        .collect();
    for chunk in gone.chunks(CHUNK) {
        diesel::update(courses::table.filter(courses::id.eq_any(chunk)))
            .set((courses::active.eq(false), courses::updated_at.eq(ctx.now)))
            .execute(c)?;
    }
    result.deactivated = gone.len() as i64;
    result.unchanged = result.total - result.inserted - result.updated;
    terms::derive_teaching_roles(c, ctx.school_id)?;
    Ok(result)
}

fn course_ref(errors: &mut RowErrors, i: usize, courses: &HashMap<(String, String), i64>, code: &str, class: &Option<String>) -> Option<i64> {
    let key = (code.trim().to_string(), class_key(class));
    match courses.get(&key) {
        Some(id) => Some(*id),
        None => {
            errors.add(
                i,
                "course_code",
                format!("本學期沒有課程 {}（班級 {}）", key.0, if key.1.is_empty() { "跨班" } else { &key.1 }),
                format!("no course {} (class {}) in this term", key.0, if key.1.is_empty() { "mixed" } else { &key.1 }),
            );
            None
        }
    }
}

fn person_ref(errors: &mut RowErrors, i: usize, field: &str, people: &ByNumber, number: &str, what_zh: &str, what_en: &str) -> Option<i64> {
    match people.get(number.trim()) {
        Some(id) => Some(*id),
        None => {
            errors.add(i, field, format!("找不到{what_zh} {}", number.trim()), format!("no {what_en} numbered {}", number.trim()));
            None
        }
    }
}

/// 學生修課資料: the term's enrolments (student ↔ course).
pub fn enrolments_batch(c: &mut DbConn, ctx: &Ctx, rows: &[EnrolmentRow]) -> ApiResult<Counts> {
    let students = people_by_number(c, ctx.school_id, UserKind::Student)?;
    let courses = courses_of_term(c, ctx)?;
    let mut errors = RowErrors::default();
    let mut seen = HashSet::new();
    let mut wanted: Vec<(i64, i64, &'static str)> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let student = person_ref(&mut errors, i, "student_number", &students, &r.student_number, "學號", "student");
        let course = course_ref(&mut errors, i, &courses, &r.course_code, &r.class_code);
        if let (Some(s), Some(co)) = (student, course) {
            errors.unique(&mut seen, (co, s), i, "student_number");
            wanted.push((co, s, r.kind.unwrap_or(EnrolmentKind::Regular).as_str()));
        }
    }
    errors.into_result()?;
    let existing: Vec<(i64, i64, i64, String, bool)> = enrolments::table
        .inner_join(courses::table)
        .filter(courses::school_id.eq(ctx.school_id))
        .filter(courses::academic_year.eq(ctx.term.academic_year))
        .filter(courses::semester.eq(ctx.term.semester))
        .select((enrolments::id, enrolments::course_id, enrolments::student_id, enrolments::kind, enrolments::active))
        .load(c)?;
    let by_key: HashMap<(i64, i64), &(i64, i64, i64, String, bool)> = existing.iter().map(|r| ((r.1, r.2), r)).collect();
    let mut result = counts(rows.len());
    let mut new_rows = Vec::new();
    for (course, student, kind) in &wanted {
        match by_key.get(&(*course, *student)) {
            Some((id, _, _, k, active)) => {
                if k != kind || !active {
                    diesel::update(enrolments::table.find(id))
                        .set((enrolments::kind.eq(*kind), enrolments::active.eq(true), enrolments::updated_at.eq(ctx.now)))
                        .execute(c)?;
                    result.updated += 1;
                }
            }
            None => new_rows.push((
                enrolments::school_id.eq(ctx.school_id),
                enrolments::course_id.eq(*course),
                enrolments::student_id.eq(*student),
                enrolments::kind.eq(*kind),
                enrolments::active.eq(true),
                enrolments::updated_at.eq(ctx.now),
            )),
        }
    }
    result.inserted = new_rows.len() as i64;
    for chunk in new_rows.chunks(CHUNK * 2) {
        insert_rows!(c, enrolments::table, chunk.to_vec())?;
    }
    let present: HashSet<(i64, i64)> = wanted.iter().map(|(co, s, _)| (*co, *s)).collect();
    let gone: Vec<i64> = existing.iter().filter(|r| r.4 && !present.contains(&(r.1, r.2))).map(|r| r.0).collect();
    for chunk in gone.chunks(CHUNK) {
        diesel::update(enrolments::table.filter(enrolments::id.eq_any(chunk)))
            .set((enrolments::active.eq(false), enrolments::updated_at.eq(ctx.now)))
            .execute(c)?;
    }
    result.deactivated = gone.len() as i64;
    result.unchanged = result.total - result.inserted - result.updated;
    Ok(result)
}

/// 教師授課資料: the term's teaching assignments (teacher ↔ course; several teachers make a
/// co-taught course).
pub fn teaching_batch(c: &mut DbConn, ctx: &Ctx, rows: &[TeachingRow]) -> ApiResult<Counts> {
    let staff = people_by_number(c, ctx.school_id, UserKind::Staff)?;
    let courses = courses_of_term(c, ctx)?;
    let mut errors = RowErrors::default();
    let mut seen = HashSet::new();
    let mut wanted = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let teacher = person_ref(&mut errors, i, "teacher_number", &staff, &r.teacher_number, "教職員編號", "staff member");
        let course = course_ref(&mut errors, i, &courses, &r.course_code, &r.class_code);
        if let (Some(t), Some(co)) = (teacher, course) {
            errors.unique(&mut seen, (co, t), i, "teacher_number");
            wanted.push((co, t));
        }
    }
    errors.into_result()?;
    let existing: Vec<(i64, i64, i64, bool)> = teaching_assignments::table
        .inner_join(courses::table)
        .filter(courses::school_id.eq(ctx.school_id))
        .filter(courses::academic_year.eq(ctx.term.academic_year))
        .filter(courses::semester.eq(ctx.term.semester))
        .select((teaching_assignments::id, teaching_assignments::course_id, teaching_assignments::teacher_id, teaching_assignments::active))
        .load(c)?;
    let by_key: HashMap<(i64, i64), &(i64, i64, i64, bool)> = existing.iter().map(|r| ((r.1, r.2), r)).collect();
    let mut result = counts(rows.len());
    let mut new_rows = Vec::new();
    for (course, teacher) in &wanted {
        match by_key.get(&(*course, *teacher)) {
            Some((id, _, _, active)) => {
                if !active {
                    diesel::update(teaching_assignments::table.find(id))
                        .set((teaching_assignments::active.eq(true), teaching_assignments::updated_at.eq(ctx.now)))
                        .execute(c)?;
                    result.updated += 1;
                }
            }
            None => new_rows.push((
                teaching_assignments::school_id.eq(ctx.school_id),
                teaching_assignments::course_id.eq(*course),
                teaching_assignments::teacher_id.eq(*teacher),
                teaching_assignments::can_certify.eq(true),
                teaching_assignments::active.eq(true),
                teaching_assignments::updated_at.eq(ctx.now),
            )),
        }
    }
    result.inserted = new_rows.len() as i64;
    for chunk in new_rows.chunks(CHUNK) {
        insert_rows!(c, teaching_assignments::table, chunk.to_vec())?;
    }
    let present: HashSet<(i64, i64)> = wanted.iter().copied().collect();
    let gone: Vec<i64> = existing.iter().filter(|r| r.3 && !present.contains(&(r.1, r.2))).map(|r| r.0).collect();
    for chunk in gone.chunks(CHUNK) {
        diesel::update(teaching_assignments::table.filter(teaching_assignments::id.eq_any(chunk)))
            .set((teaching_assignments::active.eq(false), teaching_assignments::updated_at.eq(ctx.now)))
            .execute(c)?;
    }
    result.deactivated = gone.len() as i64;
    result.unchanged = result.total - result.inserted - result.updated;
    terms::derive_teaching_roles(c, ctx.school_id)?;
    Ok(result)
}

/// 幹部經歷資料: the term's school cadre records (read-only for students; FAQ 000 Q5).
pub fn cadre_batch(c: &mut DbConn, ctx: &Ctx, rows: &[CadreRow]) -> ApiResult<Counts> {
    let students = people_by_number(c, ctx.school_id, UserKind::Student)?;
    let mut errors = RowErrors::default();
    let mut seen = HashSet::new();
    let mut wanted = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let student = person_ref(&mut errors, i, "student_number", &students, &r.student_number, "學號", "student");
        errors.text(i, "unit", &r.unit, 50);
        errors.text(i, "position", &r.position, 50);
        errors.optional_text(i, "level", r.level.as_deref(), 20);
        errors.date(i, "start_date", Some(r.start_date));
        errors.date(i, "end_date", r.end_date);
        if r.end_date.is_some_and(|e| e < r.start_date) {
            errors.add(i, "end_date", "結束日期不可早於開始日期", "must not be before the start date");
        }
        if let Some(s) = student {
            errors.unique(&mut seen, (s, r.unit.trim().to_string(), r.position.trim().to_string()), i, "position");
            wanted.push((s, r));
        }
    }
    errors.into_result()?;
    type Row = (i64, i64, String, String, Option<String>, NaiveDate, Option<NaiveDate>, bool);
    let existing: Vec<Row> = cadre_records::table
        .filter(cadre_records::school_id.eq(ctx.school_id))
        .filter(cadre_records::academic_year.eq(ctx.term.academic_year))
        .filter(cadre_records::semester.eq(ctx.term.semester))
        .select((
            cadre_records::id,
            cadre_records::student_id,
            cadre_records::unit,
            cadre_records::position,
            cadre_records::level,
            cadre_records::start_date,
            cadre_records::end_date,
            cadre_records::active,
        ))
        .load(c)?;
    let by_key: HashMap<(i64, &str, &str), &Row> = existing.iter().map(|r| ((r.1, r.2.as_str(), r.3.as_str()), r)).collect();
    let mut result = counts(rows.len());
    let mut new_rows = Vec::new();
    for (student, r) in &wanted {
        let (unit, position, level) = (r.unit.trim(), r.position.trim(), clean(&r.level));
        match by_key.get(&(*student, unit, position)) {
            Some((id, _, _, _, l, s, e, active)) => {
                if *l != level || *s != r.start_date || *e != r.end_date || !active {
                    diesel::update(cadre_records::table.find(id))
                        .set((
                            cadre_records::level.eq(level),
                            cadre_records::start_date.eq(r.start_date),
                            cadre_records::end_date.eq(r.end_date),
                            cadre_records::active.eq(true),
                            cadre_records::updated_at.eq(ctx.now),
                        ))
                        .execute(c)?;
                    result.updated += 1;
                }
            }
            None => new_rows.push((
                cadre_records::school_id.eq(ctx.school_id),
                cadre_records::student_id.eq(*student),
                cadre_records::academic_year.eq(ctx.term.academic_year),
                cadre_records::semester.eq(ctx.term.semester),
                cadre_records::unit.eq(unit.to_string()),
                cadre_records::position.eq(position.to_string()),
                cadre_records::level.eq(level),
                cadre_records::start_date.eq(r.start_date),
                cadre_records::end_date.eq(r.end_date),
                cadre_records::active.eq(true),
                cadre_records::updated_at.eq(ctx.now),
            )),
        }
    }
    result.inserted = new_rows.len() as i64;
    for chunk in new_rows.chunks(CHUNK) {
        insert_rows!(c, cadre_records::table, chunk.to_vec())?;
    }
    let present: HashSet<(i64, &str, &str)> = wanted.iter().map(|(s, r)| (*s, r.unit.trim(), r.position.trim())).collect();
    let gone: Vec<i64> = existing
        .iter()
        .filter(|r| r.7 && !present.contains(&(r.1, r.2.as_str(), r.3.as_str())))
        .map(|r| r.0)
        .collect();
    for chunk in gone.chunks(CHUNK) {
        diesel::update(cadre_records::table.filter(cadre_records::id.eq_any(chunk)))
            .set((cadre_records::active.eq(false), cadre_records::updated_at.eq(ctx.now)))
            .execute(c)?;
    }
    result.deactivated = gone.len() as i64;
    result.unchanged = result.total - result.inserted - result.updated;
    Ok(result)
}
