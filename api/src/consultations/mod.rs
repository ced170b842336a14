//! 課程諮詢紀錄 (issue #23; FAQ 000 三 Q2: a course consultant's students are those of their
//! assigned classes and those assigned one by one, per term): a consultant records group
//! (團體諮詢) and individual (個別諮詢) consultations — date, students, topic, content, follow-up —
//! and lists, edits, deletes and exports their own. The admin (or module S0204S 設定課程諮詢教師)
//! sees every record and the 課程諮詢紀錄統計 per consultant, class and month. A student sees the
//! records that concern them (with the other students of a group left out).

pub mod routes;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::identity::Module;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::schema::{classes, consultant_classes as cc, consultation_records as cr, consultation_students as cs, student_profiles as sp};
use crate::settings::advisors::{assigned_student_ids, Advising};
use crate::terms::Term;

/// The module whose holders see every record and the statistics.
pub const MODULE: Module = Module::CourseConsultants;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsultationKind {
    /// 團體諮詢.
    Group,
    /// 個別諮詢.
    Individual,
}

impl ConsultationKind {
    pub const ALL: [ConsultationKind; 2] = [ConsultationKind::Group, ConsultationKind::Individual];

    pub fn as_str(self) -> &'static str {
        match self {
            ConsultationKind::Group => "group",
            ConsultationKind::Individual => "individual",
        }
    }

    pub fn parse(s: &str) -> Option<ConsultationKind> {
        ConsultationKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ConsultationKind::Group => "團體諮詢",
            ConsultationKind::Individual => "個別諮詢",
        }
    }
}

/// A record as the consultant writes it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(example = json!({"kind": "individual", "held_on": "2026-11-20", "student_ids": [41], "topic": "選課諮詢：二年級加深加廣選修", "content": "討論自然組選修規劃與大學學群的關係。", "follow_up": "下學期初再確認選課結果。"}))]
pub struct ConsultationInput {
    pub kind: ConsultationKind,
    /// 諮詢日期 (`YYYY-MM-DD`).
    #[schema(value_type = String, format = Date)]
    pub held_on: NaiveDate,
    /// The students (user ids) it concerns: one for an individual consultation, at least one for a group.
    pub student_ids: Vec<i64>,
    /// 主題 (1–100 characters).
    pub topic: String,
    /// 內容 (at most 2,000 characters).
    #[serde(default)]
    pub content: String,
    /// 後續追蹤 (at most 1,000 characters).
    #[serde(default)]
    pub follow_up: String,
}

pub const TOPIC_MAX: usize = 100;
pub const CONTENT_MAX: usize = 2000;
pub const FOLLOW_UP_MAX: usize = 1000;

/// A checked record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub kind: ConsultationKind,
    pub held_on: NaiveDate,
    pub students: Vec<i64>,
    pub topic: String,
    pub content: String,
    pub follow_up: String,
}

impl ConsultationInput {
    /// Field checks (the students' assignment is checked against the database after).
    pub fn check(&self) -> ApiResult<Checked> {
        crate::news::raw_limit("topic", &self.topic, TOPIC_MAX)?;
        crate::news::raw_limit("content", &self.content, CONTENT_MAX)?;
        crate::news::raw_limit("follow_up", &self.follow_up, FOLLOW_UP_MAX)?;
        let topic = crate::news::plain_text(&self.topic).replace(['\n', '\t'], " ");
        let content = crate::news::plain_text(&self.content);
        let follow_up = crate::news::plain_text(&self.follow_up);
        let mut students = self.student_ids.clone();
        students.sort_unstable();
        students.dedup();
        let mut err = ApiError::validation();
        let mut bad = false;
        if topic.is_empty() || topic.chars().count() > TOPIC_MAX {
            err = err.field("topic", "主題須為 1 到 100 字。", "The topic is 1 to 100 characters.");
            bad = true;
        }
        if content.chars().count() > CONTENT_MAX {
            err = err.field("content", "內容最多 2000 字。", "At most 2,000 characters.");
            bad = true;
        }
        if follow_up.chars().count() > FOLLOW_UP_MAX {
            err = err.field("follow_up", "後續追蹤最多 1000 字。", "At most 1,000 characters.");
            bad = true;
        }
        match (self.kind, students.len()) {
            (_, 0) => {
                err = err.field("student_ids", "請選擇學生。", "Choose the students.");
                bad = true;
            }
            (ConsultationKind::Individual, n) if n > 1 => {
                err = err.field("student_ids", "個別諮詢只能有一位學生。", "An individual consultation has one student.");
                bad = true;
            }
            _ => {}
        }
        if students.len() > 200 {
            err = err.field("student_ids", "一次最多 200 位學生。", "At most 200 students.");
            bad = true;
        }
        if !(crate::time::MIN_YEAR..=2200).contains(&self.held_on.year()) {
            err = err.field("held_on", "日期不合理。", "The date is out of range.");
            bad = true;
        }
        if bad {
            return Err(err);
        }
        Ok(Checked { kind: self.kind, held_on: self.held_on, students, topic, content, follow_up })
    }
}

/// The students a consultant advises in `term`: those of their assigned classes and those
/// assigned one by one.
pub fn advised_students(c: &mut DbConn, school: i64, consultant: i64, term: Term) -> ApiResult<BTreeSet<i64>> {
    let class_codes: Vec<String> = cc::table
        .inner_join(classes::table)
        .filter(cc::teacher_id.eq(consultant))
        .filter(cc::school_id.eq(school))
        .filter(cc::academic_year.eq(term.academic_year))
        .filter(cc::semester.eq(term.semester))
        .select(classes::code)
        .load(c)?;
    let mut ids: BTreeSet<i64> = sp::table.filter(sp::school_id.eq(school)).filter(sp::class_code.eq_any(class_codes)).select(sp::user_id).load::<i64>(c)?.into_iter().collect();
    ids.extend(assigned_student_ids(c, Advising::Consultant, consultant, term)?);
    Ok(ids)
}

/// One student of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ConsultedStudent {
    pub id: i64,
    pub account: String,
    pub name: String,
    /// 班級 when the record was written.
    pub class_code: Option<String>,
}

/// A consultation record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 58, "academic_year": 115, "semester": 1, "kind": "individual", "held_on": "2026-11-20", "consultant_id": 19, "consultant_name": "陳志強",
    "topic": "選課諮詢：二年級加深加廣選修", "content": "討論自然組選修規劃與大學學群的關係。", "follow_up": "下學期初再確認選課結果。", "student_count": 1,
    "students": [{"id": 345, "account": "999999_114001", "name": "吳承恩", "class_code": "201"}]
}))]
pub struct Consultation {
    pub id: i64,
    pub consultant_id: i64,
    /// 諮詢教師.
    pub consultant_name: String,
    pub academic_year: i32,
    pub semester: i32,
    pub kind: ConsultationKind,
    #[schema(value_type = String, format = Date)]
    pub held_on: NaiveDate,
    pub topic: String,
    pub content: String,
    pub follow_up: String,
    /// The students (for a student: only themselves).
    pub students: Vec<ConsultedStudent>,
    /// How many students the record concerns.
    pub student_count: i64,
}

type RecordRow = (i64, i64, i32, i32, String, NaiveDate, String, String, String);

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub term: Option<Term>,
    pub consultant: Option<i64>,
    pub student: Option<i64>,
    pub class_code: Option<String>,
    /// `(year, month)` of the date.
    pub month: Option<(i32, u32)>,
    pub only: Option<i64>,
    /// Only records whose topic contains this text.
    pub text: Option<String>,
}

/// Records of the school, newest date first.
pub fn list(c: &mut DbConn, school: i64, l: &Listing) -> ApiResult<Vec<Consultation>> {
    Ok(records(c, school, l, None)?.0)
}

/// Records of the school, newest date first: all, or one page (`(page, per_page)`), with how many
/// match in all.
pub fn records(c: &mut DbConn, school: i64, l: &Listing, page: Option<(i64, i64)>) -> ApiResult<(Vec<Consultation>, i64)> {
    let month = match l.month {
        Some((y, m)) => {
            let bad = || ApiError::validation().field("month", "月份不正確。", "Bad month.");
            let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
            let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
            Some((first, next.ok_or_else(bad)?))
        }
        None => None,
    };
    let filtered = || {
        let mut q = cr::table.filter(cr::school_id.eq(school)).into_boxed();
        if let Some(t) = l.term {
            q = q.filter(cr::academic_year.eq(t.academic_year));
            if t.semester != 0 {
                q = q.filter(cr::semester.eq(t.semester));
            }
        }
        if let Some(id) = l.consultant {
            q = q.filter(cr::consultant_id.eq(id));
        }
        if let Some(id) = l.only {
            q = q.filter(cr::id.eq(id));
        }
        if let Some(s) = l.student {
            q = q.filter(cr::id.eq_any(cs::table.filter(cs::student_id.eq(s)).select(cs::record_id)));
        }
        if let Some(class) = &l.class_code {
            q = q.filter(cr::id.eq_any(cs::table.filter(cs::class_code.eq(class.clone())).select(cs::record_id)));
        }
        if let Some((first, next)) = month {
            q = q.filter(cr::held_on.ge(first)).filter(cr::held_on.lt(next));
        }
        if let Some(text) = &l.text {
            q = q.filter(cr::topic.like(crate::pagination::like_pattern(text)).escape('\\'));
        }
        q
    };
    let total: i64 = filtered().count().get_result(c)?;
    let mut q = filtered().order((cr::held_on.desc(), cr::id.desc()));
    if let Some((page, per_page)) = page {
        q = q.offset(crate::pagination::offset(page, per_page)).limit(per_page);
    }
    let rows: Vec<RecordRow> =
        q.select((cr::id, cr::consultant_id, cr::academic_year, cr::semester, cr::kind, cr::held_on, cr::topic, cr::content, cr::follow_up)).load(c)?;
    // Names through `reports::people`: the school's users only, each once.
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut linked: Vec<(i64, i64, Option<String>)> = Vec::new();
    for chunk in ids.chunks(5000) {
        linked.extend(cs::table.filter(cs::record_id.eq_any(chunk.to_vec())).select((cs::record_id, cs::student_id, cs::class_code)).load::<(i64, i64, Option<String>)>(c)?);
    }
    let who: Vec<i64> = linked.iter().map(|l| l.1).chain(rows.iter().map(|r| r.1)).collect();
    let people = crate::reporting::people(c, school, &who)?;
    let mut students: HashMap<i64, Vec<ConsultedStudent>> = HashMap::new();
    for (record, id, class_code) in linked {
        if let Some(p) = people.get(&id) {
            students.entry(record).or_default().push(ConsultedStudent { id, account: p.account.clone(), name: p.name.clone(), class_code });
        }
    }
    for list in students.values_mut() {
        list.sort_by(|a, b| a.class_code.cmp(&b.class_code).then_with(|| a.account.cmp(&b.account)));
    }
    let out = rows
        .into_iter()
        .map(|(id, consultant_id, academic_year, semester, kind, held_on, topic, content, follow_up)| {
            let all = students.remove(&id).unwrap_or_default();
            let student_count = all.len() as i64;
            let shown = match l.student {
                Some(me) => all.into_iter().filter(|s| s.id == me).collect(),
                None => all,
            };
            Ok(Consultation {
                id,
                consultant_id,
                consultant_name: people.get(&consultant_id).map(|p| p.name.clone()).unwrap_or_default(),
                academic_year,
                semester,
                kind: ConsultationKind::parse(&kind).ok_or_else(|| ApiError::bad_stored("consultation_records.kind", &kind))?,
                held_on,
                topic,
                content,
                follow_up,
                students: shown,
                student_count,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok((out, total))
}

/// Writes the record's students with their current class.
pub fn link_students(c: &mut DbConn, record: i64, students: &[i64]) -> ApiResult<()> {
    diesel::delete(cs::table.filter(cs::record_id.eq(record))).execute(c)?;
    let classes: HashMap<i64, Option<String>> = sp::table.filter(sp::user_id.eq_any(students.to_vec())).select((sp::user_id, sp::class_code)).load(c)?.into_iter().collect();
    for s in students {
        diesel::insert_into(cs::table)
            .values((cs::record_id.eq(record), cs::student_id.eq(*s), cs::class_code.eq(classes.get(s).cloned().flatten())))
            .execute(c)?;
    }
    Ok(())
}

/// Creates a record of `consultant` in `term` (students already checked).
pub fn insert(c: &mut DbConn, school: i64, consultant: i64, term: Term, r: &Checked, now: NaiveDateTime) -> ApiResult<i64> {
    let id: i64 = diesel::insert_into(cr::table)
        .values((
            cr::school_id.eq(school),
            cr::consultant_id.eq(consultant),
            cr::academic_year.eq(term.academic_year),
            cr::semester.eq(term.semester),
            cr::kind.eq(r.kind.as_str()),
            cr::held_on.eq(r.held_on),
            cr::topic.eq(&r.topic),
            cr::content.eq(&r.content),
            cr::follow_up.eq(&r.follow_up),
            cr::created_at.eq(now),
            cr::updated_at.eq(now),
        ))
        .returning(cr::id)
        .get_result(c)?;
    link_students(c, id, &r.students)?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// 課程諮詢紀錄統計

/// Counts of one consultant, class or month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ConsultationCount {
    /// The consultant's name, the class code or the month (`YYYY-MM`).
    pub key: String,
    /// The consultant's account (consultant rows only).
    pub account: Option<String>,
    /// 團體諮詢 records.
    pub group: i64,
    /// 個別諮詢 records.
    pub individual: i64,
    /// Records in all.
    pub records: i64,
    /// Distinct students consulted.
    pub students: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "term": "1151", "by_consultant": [{"key": "陳志強", "account": "999999_T003", "records": 12, "individual": 9, "group": 3, "students": 31}],
    "by_class": [{"key": "201", "account": null, "records": 12, "individual": 9, "group": 3, "students": 31}],
    "by_month": [{"key": "2026-11", "account": null, "records": 12, "individual": 9, "group": 3, "students": 31}],
    "total": {"key": "合計", "account": null, "records": 12, "individual": 9, "group": 3, "students": 31}
}))]
pub struct ConsultationStats {
    pub term: Option<String>,
    pub by_consultant: Vec<ConsultationCount>,
    /// By the students' class (a group record counts once in each class it reached).
    pub by_class: Vec<ConsultationCount>,
    pub by_month: Vec<ConsultationCount>,
    pub total: ConsultationCount,
}

#[derive(Default)]
struct Acc {
    account: Option<String>,
    group: BTreeSet<i64>,
    individual: BTreeSet<i64>,
    students: BTreeSet<i64>,
}

impl Acc {
    fn add(&mut self, r: &Consultation, students: impl IntoIterator<Item = i64>) {
        match r.kind {
            ConsultationKind::Group => self.group.insert(r.id),
            ConsultationKind::Individual => self.individual.insert(r.id),
        };
        self.students.extend(students);
    }

    fn count(self, key: String) -> ConsultationCount {
        let (group, individual) = (self.group.len() as i64, self.individual.len() as i64);
        ConsultationCount { key, account: self.account, group, individual, records: group + individual, students: self.students.len() as i64 }
    }
}

/// Per consultant (by name), class and month, and in all.
pub fn stats(records: &[Consultation], accounts: &HashMap<i64, String>) -> (Vec<ConsultationCount>, Vec<ConsultationCount>, Vec<ConsultationCount>, ConsultationCount) {
    let mut consultants: BTreeMap<(String, i64), Acc> = BTreeMap::new();
    let mut classes: BTreeMap<String, Acc> = BTreeMap::new();
    let mut months: BTreeMap<String, Acc> = BTreeMap::new();
    let mut total = Acc::default();
    for r in records {
        let ids = || r.students.iter().map(|s| s.id);
        let key = (accounts.get(&r.consultant_id).cloned().unwrap_or_default(), r.consultant_id);
        let acc = consultants.entry(key.clone()).or_default();
        acc.account = Some(key.0.clone());
        acc.add(r, ids());
        let mut by_class: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for s in &r.students {
            by_class.entry(s.class_code.clone().unwrap_or_default()).or_default().push(s.id);
        }
        for (class, ids) in by_class {
            classes.entry(class).or_default().add(r, ids);
        }
        months.entry(r.held_on.format("%Y-%m").to_string()).or_default().add(r, ids());
        total.add(r, ids());
    }
    let names: HashMap<i64, String> = records.iter().map(|r| (r.consultant_id, r.consultant_name.clone())).collect();
    (
        consultants.into_iter().map(|((_, id), a)| a.count(names.get(&id).cloned().unwrap_or_default())).collect(),
        classes.into_iter().map(|(k, a)| a.count(k)).collect(),
        months.into_iter().map(|(k, a)| a.count(k)).collect(),
        total.count("合計".into()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i64, consultant: i64, kind: ConsultationKind, day: &str, students: &[(i64, &str)]) -> Consultation {
        Consultation {
            id,
            consultant_id: consultant,
            consultant_name: format!("T{consultant}"),
            academic_year: 115,
            semester: 1,
            kind,
            held_on: NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap(),
            topic: "t".into(),
            content: String::new(),
            follow_up: String::new(),
            students: students.iter().map(|(id, class)| ConsultedStudent { id: *id, account: format!("s{id}"), name: String::new(), class_code: Some(class.to_string()) }).collect(),
            student_count: students.len() as i64,
        }
    }

    #[test]
    fn counts_per_consultant_class_and_month() {
        use ConsultationKind::*;
        let rs = [
            record(1, 10, Group, "2026-09-10", &[(1, "101"), (2, "101"), (3, "102")]),
            record(2, 10, Individual, "2026-10-01", &[(1, "101")]),
            record(3, 11, Individual, "2026-10-02", &[(3, "102")]),
        ];
        let accounts = HashMap::from([(10, "t10".to_string()), (11, "t11".to_string())]);
        let (by_consultant, by_class, by_month, total) = stats(&rs, &accounts);
        let c: Vec<(&str, i64, i64, i64)> = by_consultant.iter().map(|c| (c.key.as_str(), c.group, c.individual, c.students)).collect();
        assert_eq!(c, [("T10", 1, 1, 3), ("T11", 0, 1, 1)]);
        let k: Vec<(&str, i64, i64, i64)> = by_class.iter().map(|c| (c.key.as_str(), c.group, c.individual, c.students)).collect();
        assert_eq!(k, [("101", 1, 1, 2), ("102", 1, 1, 1)]);
        let m: Vec<(&str, i64)> = by_month.iter().map(|c| (c.key.as_str(), c.records)).collect();
        assert_eq!(m, [("2026-09", 1), ("2026-10", 2)]);
        assert_eq!((total.records, total.students), (3, 3));
    }
}
