//! The receipt generator (docs/receipts.md "The generator"): turns exported roster packages
//! (docs/rosters.md) into the receipt the central database would return, adds course records for
//! the school's students from the term's enrolments and courses, and drops, adds or alters rows of
//! chosen students so that discrepancies can be rehearsed. For tests, the demo and training.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::{CategoryPart, Manifest, RosterInfo, StudentRows, COURSE_COLUMNS, SCHEMA_VERSION};
use crate::db::DbConn;
use crate::error::ApiResult;
use crate::rosters::{RosterKind, RosterType};
use crate::schema::{courses, enrolments as en, users};
use crate::terms::Term;

use super::Category;

/// What to do to a student's rows of a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Remove the student's first row (資料有少).
    Drop,
    /// Append a copy of the first row with 「（多）」 in its second column (資料有多).
    Add,
    /// Append 「（誤）」 to the second column of the first row (資料有誤).
    Alter,
}

/// A change for one student (by national ID) in one category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tweak {
    pub national_id: String,
    pub category: Category,
    pub action: Action,
}

impl Tweak {
    /// `NATIONAL_ID:category`, as the command line writes it.
    pub fn parse(action: Action, s: &str) -> Result<Tweak, String> {
        let (nid, cat) = s.split_once(':').ok_or_else(|| format!("`{s}`: expected NATIONAL_ID:category"))?;
        let category = Category::parse(cat).ok_or_else(|| format!("`{cat}`: the category is course_records, results, performances or cadre"))?;
        Ok(Tweak { national_id: nid.trim().to_string(), category, action })
    }
}

/// A roster package read back: its roster type, term, school, name and SHA-256, and per student
/// (national ID, birth date) the record columns and rows.
#[derive(Debug, Clone)]
pub struct Package {
    pub school_code: String,
    pub term: Term,
    pub roster: RosterType,
    pub stem: String,
    pub sha256: String,
    pub columns: Vec<String>,
    /// national ID → (birth date, rows), in the workbook's order.
    pub students: Vec<(String, String, Vec<Vec<String>>)>,
}

/// The key columns every roster row begins with (docs/rosters.md "The workbook").
const KEY_COLUMNS: usize = 7;

fn cell(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// Reads a roster package: `file_name` is the package's name (`{school}_{year}_{semester}_{roster}_{time}.zip`).
pub fn read_package(file_name: &str, bytes: &[u8]) -> Result<Package, String> {
    let base = std::path::Path::new(file_name).file_name().and_then(|n| n.to_str()).unwrap_or(file_name);
    let stem = base.strip_suffix(".zip").unwrap_or(base).to_string();
    let parts: Vec<&str> = stem.split('_').collect();
    if parts.len() < 4 {
        return Err(format!("{file_name}: not a roster package name ({{school}}_{{year}}_{{semester}}_{{roster}}_…)"));
    }
    let academic_year: i32 = parts[1].parse().map_err(|_| format!("{file_name}: the year is not a number"))?;
    let semester: i32 = parts[2].parse().map_err(|_| format!("{file_name}: the semester is not a number"))?;
    let roster = RosterType::find(parts[3]).ok_or_else(|| format!("{file_name}: unknown roster {}", parts[3]))?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("{file_name}: {e}"))?;
    let book_name = format!("{stem}.xlsx");
    let mut book_bytes = Vec::new();
    zip.by_name(&book_name).map_err(|e| format!("{file_name}: no {book_name}: {e}"))?.read_to_end(&mut book_bytes).map_err(|e| e.to_string())?;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(book_bytes)).map_err(|e| format!("{book_name}: {e}"))?;
    let sheet = match roster.kind {
        RosterKind::Results => "學習成果",
        RosterKind::Performances => "多元表現",
        RosterKind::Cadre => "幹部經歷",
    };
    let range = book.worksheet_range(sheet).map_err(|e| format!("{book_name}: sheet {sheet}: {e}"))?;
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().map(|r| r.iter().map(cell).collect()).unwrap_or_default();
    if header.len() <= KEY_COLUMNS {
        return Err(format!("{book_name}: sheet {sheet} has no record columns"));
    }
    let columns = header[KEY_COLUMNS..].to_vec();
    let mut students: Vec<(String, String, Vec<Vec<String>>)> = Vec::new();
    for r in rows {
        let values: Vec<String> = r.iter().map(cell).collect();
        let (Some(nid), Some(birth)) = (values.first(), values.get(1)) else { continue };
        let mut rec: Vec<String> = values.get(KEY_COLUMNS..).map(|v| v.to_vec()).unwrap_or_default();
        rec.resize(columns.len(), String::new());
        match students.last_mut() {
            Some((n, _, rows)) if n == nid => rows.push(rec),
            _ => students.push((nid.clone(), birth.clone(), vec![rec])),
        }
    }
    Ok(Package {
        school_code: parts[0].to_string(),
        term: Term { academic_year, semester },
        roster,
        stem: stem.clone(),
        sha256: hex::encode(Sha256::digest(bytes)),
        columns,
        students,
    })
}

fn category_of(kind: RosterKind) -> Category {
    match kind {
        RosterKind::Results => Category::Results,
        RosterKind::Performances => Category::Performances,
        RosterKind::Cadre => Category::Cadre,
    }
}

/// The manifest of the packages (all of one school and term; rosters of one category merge).
pub fn from_packages(packages: &[Package], version: i32, school_code: &str, term: Term) -> Result<Manifest, String> {
    let mut parts: BTreeMap<Category, CategoryPart> = BTreeMap::new();
    for p in packages {
        if p.school_code != school_code || p.term != term {
            return Err(format!("{}: another school or term than {school_code} {}{}", p.stem, term.academic_year, term.semester));
        }
        let category = category_of(p.roster.kind);
        let part = parts.entry(category).or_insert_with(|| CategoryPart { category, rosters: Vec::new(), columns: p.columns.clone(), students: Vec::new() });
        if part.columns != p.columns {
            return Err(format!("{}: columns differ from the other {} roster", p.stem, category.as_str()));
        }
        part.rosters.push(RosterInfo { roster: p.roster.code.to_string(), name: p.roster.name_zh.to_string(), file_name: p.stem.clone(), version, sha256: p.sha256.clone() });
        for (nid, birth, rows) in &p.students {
            match part.students.iter_mut().find(|s| &s.national_id == nid) {
                Some(s) => s.rows.extend(rows.iter().cloned()),
                None => part.students.push(StudentRows { national_id: nid.clone(), birth_date: Some(birth.clone()).filter(|b| !b.is_empty()), rows: rows.clone() }),
            }
        }
    }
    Ok(Manifest {
        schema_version: SCHEMA_VERSION,
        school_code: school_code.to_string(),
        academic_year: term.academic_year,
        semester: term.semester,
        generated_at: None,
        categories: parts.into_values().collect(),
    })
}

/// A stable pseudo-score 60–99 of a student and course (Licheng keeps no grades).
fn score(nid: &str, code: &str) -> u8 {
    60 + Sha256::digest(format!("{nid}:{code}").as_bytes())[0] % 40
}

/// Course records (學生成績名冊) of the school's students: the term's active enrolments in active
/// courses, with the columns of manual 8.1.2.
pub fn course_records(c: &mut DbConn, school: i64, term: Term, version: i32, school_code: &str) -> ApiResult<CategoryPart> {
    type R = (Option<String>, String, String, i32, i32);
    let rows: Vec<R> = en::table
        .inner_join(courses::table.on(courses::id.eq(en::course_id)))
        .inner_join(users::table.on(users::id.eq(en::student_id)))
        .filter(en::school_id.eq(school))
        .filter(en::active.eq(true))
        .filter(courses::active.eq(true))
        .filter(courses::academic_year.eq(term.academic_year))
        .filter(courses::semester.eq(term.semester))
        .order((courses::course_code.asc(), courses::id.asc()))
        .select((users::national_id, courses::course_code, courses::subject_name, courses::grade, courses::credits))
        .load(c)?;
    // National IDs are encrypted at rest: ordered by them here (a stable sort keeps the courses' order).
    // A stored ID that does not open means the wrong secret key: refuse rather than write a receipt
    // without those students.
    let sealed = rows.iter().filter(|r| r.0.as_deref().is_some_and(|n| !n.trim().is_empty())).count();
    let mut rows: Vec<R> = rows.into_iter().map(|(nid, code, subject, grade, credits)| (crate::national_id::reveal(nid.as_deref()), code, subject, grade, credits)).collect();
    let opened = rows.iter().filter(|r| r.0.is_some()).count();
    if opened < sealed {
        return Err(crate::error::ApiError::with_detail(
            crate::error::ErrorCode::InvalidState,
            format!("有 {} 筆身分證字號無法解密：請以伺服器的金鑰（LICHENG_SECRET_KEY 或資料目錄的 secret.key）執行。", sealed - opened),
            format!("{} national IDs cannot be decrypted: run with the server's secret key (LICHENG_SECRET_KEY or the data directory's secret.key).", sealed - opened),
        ));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let mut students: Vec<StudentRows> = Vec::new();
    let mut line = 0;
    for (nid, code, subject, grade, credits) in rows {
        let Some(nid) = nid.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()) else { continue };
        line += 1;
        let s = score(&nid, &code);
        let row = vec![
            code.trim().to_string(),
            subject,
            grade.to_string(),
            credits.to_string(),
            s.to_string(),
            "及格".to_string(),
            "無成績".to_string(),
            "無成績".to_string(),
            "採計學分".to_string(),
            "-".to_string(),
            line.to_string(),
        ];
        match students.last_mut() {
            Some(last) if last.national_id == nid => last.rows.push(row),
            _ => students.push(StudentRows { national_id: nid, birth_date: None, rows: vec![row] }),
        }
    }
    let canonical = serde_json::to_vec(&students).unwrap_or_default();
    Ok(CategoryPart {
        category: Category::CourseRecords,
        rosters: vec![RosterInfo {
            roster: "CR".into(),
            name: "學生成績名冊".into(),
            file_name: format!("{school_code}_{}_{}_CR", term.academic_year, term.semester),
            version,
            sha256: hex::encode(Sha256::digest(&canonical)),
        }],
        columns: COURSE_COLUMNS.iter().map(|s| s.to_string()).collect(),
        students,
    })
}

/// Applies the tweaks; a tweak for a student or category not in the manifest is an error.
pub fn apply(manifest: &mut Manifest, tweaks: &[Tweak]) -> Result<(), String> {
    for t in tweaks {
        let part = manifest.categories.iter_mut().find(|p| p.category == t.category).ok_or_else(|| format!("the receipt has no {}", t.category.as_str()))?;
        let s = part.students.iter_mut().find(|s| s.national_id == t.national_id).ok_or_else(|| format!("{} has no rows in {}", t.national_id, t.category.as_str()))?;
        let Some(first) = s.rows.first().cloned() else { return Err(format!("{} has no rows in {}", t.national_id, t.category.as_str())) };
        match t.action {
            Action::Drop => {
                s.rows.remove(0);
            }
            Action::Add => {
                let mut extra = first;
                if let Some(v) = extra.get_mut(1) {
                    v.push_str("（多）");
                }
                s.rows.push(extra);
            }
            Action::Alter => {
                if let Some(v) = s.rows[0].get_mut(1) {
                    v.push_str("（誤）");
                }
            }
        }
    }
    Ok(())
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub version: i32,
    pub course_records: bool,
    pub tweaks: Vec<Tweak>,
    /// Defaults: the packages' school and term.
    pub school_code: Option<String>,
    pub term: Option<Term>,
}

/// The whole generator: packages (name, bytes) → manifest, with course records of `school` (the
/// database id of the school whose code the packages carry) and the tweaks applied.
pub fn generate(c: &mut DbConn, packages: &[(String, Vec<u8>)], opts: &Options) -> Result<Manifest, String> {
    let read: Vec<Package> = packages.iter().map(|(n, b)| read_package(n, b)).collect::<Result<_, _>>()?;
    let school_code = opts.school_code.clone().or_else(|| read.first().map(|p| p.school_code.clone())).ok_or("give --school or at least one package")?;
    let term = opts.term.or_else(|| read.first().map(|p| p.term)).ok_or("give --term or at least one package")?;
    let mut manifest = from_packages(&read, opts.version, &school_code, term)?;
    if opts.course_records {
        let code = school_code.clone();
        let school: i64 = crate::schema::schools::table
            .filter(crate::schema::schools::code.eq(&code))
            .select(crate::schema::schools::id)
            .first(c)
            .map_err(|e| format!("school {code}: {e}"))?;
        let part = course_records(c, school, term, opts.version, &school_code).map_err(|e| e.to_string())?;
        manifest.categories.insert(0, part);
    }
    apply(&mut manifest, &opts.tweaks)?;
    Ok(manifest)
}
