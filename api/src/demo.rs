//! The demo school `999999` with accounts of every role and known passwords, for `make run`,
//! training and manual testing. Its master data arrives the way a real school's does: through
//! the sync batches a school-affairs vendor sends (staff, students, classes, courses,
//! enrolments, teaching assignments, cadre records). Seeding is idempotent: an existing demo
//! school is left alone.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::{self, password, NewAccount};
use crate::identity::{Role, UserKind};
use crate::db::Db;
use crate::error::ApiResult;
use crate::schema::users;
use crate::schools;
use crate::sync::routes::run_batch;
use crate::sync::{apply, Batch, CadreRow, ClassRow, CourseRow, Division, EnrolmentKind, EnrolmentRow, Kind, StaffRow, StudentRow, TeachingRow};
use crate::terms::Term;

pub const SCHOOL_CODE: &str = "999999";
pub const SCHOOL_NAME: &str = "示範高級中學";
/// Every demo account's password (printed on start; the demo is not for real data).
pub const PASSWORD: &str = "demo2026";
/// The platform operator created with the demo (belongs to no school).
pub const OPERATOR_ACCOUNT: &str = "operator";

/// Staff: number, name, national-ID stem.
const STAFF: &[(&str, &str, &str)] = &[
    ("T001", "王大明", "A10000001"),
    ("T002", "李美玲", "B20000002"),
    ("T003", "陳志強", "C10000003"),
    ("T004", "林淑芬", "D20000004"),
    ("T005", "黃建國", "E10000005"),
];

/// Classes: code, name, grade, homeroom teacher.
const CLASSES: &[(&str, &str, i32, &str)] = &[("101", "一年一班", 1, "T001"), ("201", "二年一班", 2, "T002"), ("301", "三年一班", 3, "T005")];

/// Students: number, name, national-ID stem, class.
const STUDENTS: &[(&str, &str, &str, &str)] = &[
    ("115001", "林小華", "F20000011", "101"),
    ("115002", "張家豪", "G10000012", "101"),
    ("115003", "黃詩涵", "H20000013", "101"),
    ("114001", "吳承恩", "J10000021", "201"),
    ("114002", "蔡依林", "K20000022", "201"),
    ("114003", "劉德華", "L10000023", "201"),
    ("113001", "周杰倫", "M10000031", "301"),
    ("113002", "鄧紫棋", "N20000032", "301"),
];

/// Subjects taught to every class: serial, name, credits, teacher.
const SUBJECTS: &[(&str, &str, i32, &str)] = &[("01", "國語文", 4, "T001"), ("02", "英語文", 4, "T002"), ("03", "數學", 4, "T005")];

/// The accounts printed on start: account, name, what they show.
pub const SHOWN: &[(&str, &str, &str)] = &[
    ("admin", "示範校管理者", "校管理者 school_admin"),
    ("999999_T001", "王大明", "任課教師、導師 (101)"),
    ("999999_T002", "李美玲", "任課教師、導師 (201)；合開課程"),
    ("999999_T003", "陳志強", "課程諮詢教師 course_consultant"),
    ("999999_T004", "林淑芬", "科主任/輔導老師 counselor"),
    ("999999_115001", "林小華", "學生 (101)"),
    ("999999_114001", "吳承恩", "學生 (201)"),
    ("999999_113001", "周杰倫", "學生 (301)"),
];

fn course_code(class_grade: i32, serial: &str) -> String {
    format!("108{SCHOOL_CODE}V1110{class_grade}010101{serial}")
}

fn batch<T>(term: Term, rows: Vec<T>) -> Batch<T> {
    Batch { academic_year: term.academic_year, semester: term.semester, rows }
}

/// Seeds the demo school; returns false when it already existed.
pub fn seed(db: &Db, now: NaiveDateTime) -> ApiResult<bool> {
    let created = db.write_blocking(|c| {
        if schools::find_by_code(c, SCHOOL_CODE)?.is_some() {
            return Ok(None);
        }
        let (school_id, admin_id) = schools::create_with_admin(c, SCHOOL_CODE, SCHOOL_NAME, "admin", PASSWORD, now)?;
        diesel::update(users::table.find(admin_id))
            .set((users::must_change_password.eq(false), users::display_name.eq("示範校管理者")))
            .execute(c)?;
        accounts::create_account(
            c,
            &NewAccount {
                school_id: None,
                account: OPERATOR_ACCOUNT,
                kind: UserKind::Operator,
                display_name: "平臺管理者",
                national_id: None,
                number: None,
                email: None,
                password: PASSWORD,
                // The operator creates schools for the whole deployment: its well-known demo
                // password is an initial one, changed at the first sign-in.
                must_change_password: true,
                roles: &[Role::PlatformOperator],
            },
            now,
        )?;
        Ok(Some(school_id))
    })?;
    let Some(school_id) = created else { return Ok(false) };
    let term = Term::for_date(now.date());

    let staff: Vec<StaffRow> = STAFF
        .iter()
        .map(|(number, name, stem)| StaffRow {
            number: number.to_string(),
            national_id: crate::national_id::complete(stem),
            name: name.to_string(),
            email: Some(format!("{}@demo.licheng.example", number.to_lowercase())),
            active: true,
        })
        .collect();
    run_batch(db, school_id, None, Kind::Staff, &batch(term, staff), now, apply::staff)?;

    let students: Vec<StudentRow> = STUDENTS
        .iter()
        .enumerate()
        .map(|(i, (number, name, stem, class))| {
            let grade = class[..1].parse().unwrap_or(1);
            StudentRow {
                number: number.to_string(),
                national_id: crate::national_id::complete(stem),
                name: name.to_string(),
                birth_date: None,
                gender: Some(if stem.as_bytes()[1] == b'1' { "M" } else { "F" }.to_string()),
                department: Some("普通科".into()),
                program: None,
                division: Division::Day,
                entry_year: term.academic_year - grade + 1,
                grade,
                class_code: Some(class.to_string()),
                seat_no: Some((i % 3) as i32 + 1),
                status: "在學".into(),
                email: None,
            }
        })
        .collect();
    run_batch(db, school_id, None, Kind::Students, &batch(term, students), now, apply::students)?;

    let classes: Vec<ClassRow> = CLASSES
        .iter()
        .map(|(code, name, grade, homeroom)| ClassRow {
            code: code.to_string(),
            name: name.to_string(),
            grade: *grade,
            homeroom_teacher: Some(homeroom.to_string()),
        })
        .collect();
    run_batch(db, school_id, None, Kind::Classes, &batch(term, classes), now, apply::classes_batch)?;

    let mut courses = Vec::new();
    let mut teaching = Vec::new();
    for (class, _, grade, _) in CLASSES {
        for (serial, subject, credits, teacher) in SUBJECTS {
            let code = course_code(*grade, serial);
            courses.push(CourseRow { course_code: code.clone(), class_code: Some(class.to_string()), subject_name: subject.to_string(), grade: *grade, credits: *credits });
            teaching.push(TeachingRow { teacher_number: teacher.to_string(), course_code: code, class_code: Some(class.to_string()) });
        }
    }
    // A mixed-class, co-taught course for grade 2.
    let mixed = course_code(2, "09");
    courses.push(CourseRow { course_code: mixed.clone(), class_code: None, subject_name: "自然科學探究與實作".into(), grade: 2, credits: 2 });
    for teacher in ["T002", "T005"] {
        teaching.push(TeachingRow { teacher_number: teacher.into(), course_code: mixed.clone(), class_code: None });
    }
    run_batch(db, school_id, None, Kind::Courses, &batch(term, courses), now, apply::courses_batch)?;

    let mut enrolments = Vec::new();
    for (number, _, _, class) in STUDENTS {
        let grade: i32 = class[..1].parse().unwrap_or(1);
        for (serial, _, _, _) in SUBJECTS {
            enrolments.push(EnrolmentRow {
                student_number: number.to_string(),
                course_code: course_code(grade, serial),
                class_code: Some(class.to_string()),
                kind: Some(EnrolmentKind::Regular),
            });
        }
        if grade == 2 {
            enrolments.push(EnrolmentRow { student_number: number.to_string(), course_code: mixed.clone(), class_code: None, kind: None });
        }
    }
    run_batch(db, school_id, None, Kind::Enrolments, &batch(term, enrolments), now, apply::enrolments_batch)?;
    run_batch(db, school_id, None, Kind::TeachingAssignments, &batch(term, teaching), now, apply::teaching_batch)?;

    let start = chrono::NaiveDate::from_ymd_opt(term.academic_year + 1911, 9, 1).unwrap_or(now.date());
    let cadre = vec![
        CadreRow { student_number: "114001".into(), unit: "二年一班".into(), position: "班長".into(), level: Some("班級".into()), start_date: start, end_date: None },
        CadreRow { student_number: "115002".into(), unit: "學生會".into(), position: "活動長".into(), level: Some("校級".into()), start_date: start, end_date: None },
    ];
    run_batch(db, school_id, None, Kind::CadreRecords, &batch(term, cadre), now, apply::cadre_batch)?;

    // Demo conveniences: one known password, no forced change, and the two roles that the
    // admin assigns by hand in a real school.
    let hash = password::hash(PASSWORD)?;
    db.write_blocking(|c| {
        diesel::update(users::table.filter(users::school_id.eq(school_id)).filter(users::number.is_not_null()))
            .set((users::password_hash.eq(&hash), users::must_change_password.eq(false)))
            .execute(c)?;
        let id_of = |c: &mut crate::db::DbConn, number: &str| -> ApiResult<i64> {
            Ok(users::table.filter(users::school_id.eq(school_id)).filter(users::number.eq(number)).select(users::id).first(c)?)
        };
        // T003 consults class 201; T004 counsels the grade-3 students.
        let consultant = id_of(c, "T003")?;
        let class_id: i64 = crate::schema::classes::table
            .filter(crate::schema::classes::school_id.eq(school_id))
            .filter(crate::schema::classes::code.eq("201"))
            .select(crate::schema::classes::id)
            .first(c)?;
        diesel::insert_into(crate::schema::consultant_classes::table)
            .values((
                crate::schema::consultant_classes::school_id.eq(school_id),
                crate::schema::consultant_classes::academic_year.eq(term.academic_year),
                crate::schema::consultant_classes::semester.eq(term.semester),
                crate::schema::consultant_classes::teacher_id.eq(consultant),
                crate::schema::consultant_classes::class_id.eq(class_id),
            ))
            .execute(c)?;
        let counselor = id_of(c, "T004")?;
        for number in ["113001", "113002"] {
            let student = id_of(c, number)?;
            diesel::insert_into(crate::schema::counselor_students::table)
                .values((
                    crate::schema::counselor_students::school_id.eq(school_id),
                    crate::schema::counselor_students::academic_year.eq(term.academic_year),
                    crate::schema::counselor_students::semester.eq(term.semester),
                    crate::schema::counselor_students::teacher_id.eq(counselor),
                    crate::schema::counselor_students::student_id.eq(student),
                ))
                .execute(c)?;
        }
        crate::terms::derive_advisor_roles(c, school_id)
    })?;
    seed_periods(db, school_id, term, now)?;
    Ok(true)
}

/// The year's national window (if the operator has not set one) and work periods that are open
/// around today, so every screen of the demo has something to show.
fn seed_periods(db: &Db, school_id: i64, term: Term, now: NaiveDateTime) -> ApiResult<()> {
    use crate::schema::{national_windows as nw, work_periods as wp};
    use crate::settings::periods::{bounds, Item};
    let year = term.academic_year + 1911;
    let (from, to) = (
        chrono::NaiveDate::from_ymd_opt(year, 8, 1).unwrap_or(now.date()),
        chrono::NaiveDate::from_ymd_opt(year + 1, 11, 30).unwrap_or(now.date()),
    );
    let start = (now.date() - chrono::Duration::days(7)).max(from);
    let end = (now.date() + chrono::Duration::days(60)).min(to);
    db.write_blocking(|c| {
        if crate::settings::periods::window(c, term.academic_year)?.is_none() {
            diesel::insert_into(nw::table)
                .values((
                    nw::academic_year.eq(term.academic_year),
                    nw::results_start.eq(from),
                    nw::results_end.eq(to),
                    nw::performances_start.eq(from),
                    nw::performances_end.eq(to),
                    nw::updated_at.eq(now),
                ))
                .execute(c)?;
        }
        let (starts_at, ends_at) = bounds(start, 0, end, 23);
        for grade in 1..=3 {
            for item in Item::ALL {
                let semester = if item.whole_year() { 0 } else { term.semester };
                diesel::insert_into(wp::table)
                    .values((
                        wp::school_id.eq(school_id),
                        wp::academic_year.eq(term.academic_year),
                        wp::semester.eq(semester),
                        wp::grade.eq(grade),
                        wp::item.eq(item.as_str()),
                        wp::starts_at.eq(starts_at),
                        wp::ends_at.eq(ends_at),
                        wp::created_at.eq(now),
                        wp::updated_at.eq(now),
                    ))
                    .execute(c)?;
            }
        }
        Ok(())
    })
}

/// The text printed on start with `--demo`.
pub fn banner(public_url: &str) -> String {
    let mut s = format!("\n示範資料 Demo data — 學校代碼 school code {SCHOOL_CODE}（{SCHOOL_NAME}），所有帳號密碼 password: {PASSWORD}\n");
    for (account, name, what) in SHOWN {
        s.push_str(&format!("  {account:<16} {name:<6} {what}\n"));
    }
    s.push_str(&format!("  {OPERATOR_ACCOUNT:<16} 平臺管理者 platform operator（學校欄留空 leave the school empty；首次登入須變更密碼 change the password at first sign-in）\n"));
    s.push_str(&format!("\n  Web app: {public_url}/   API docs: {public_url}/api/docs/\n"));
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_national_ids_and_course_codes_are_valid() {
        for (_, _, stem) in super::STAFF {
            assert!(crate::national_id::is_valid_national_id(&crate::national_id::complete(stem)), "{stem}");
        }
        for (_, _, stem, _) in super::STUDENTS {
            assert!(crate::national_id::is_valid_national_id(&crate::national_id::complete(stem)), "{stem}");
        }
        assert_eq!(super::course_code(2, "01").len(), 23);
    }
}
