//! What the reports share with the other lists and downloads (receipts, rosters, self-directed
//! learning, consultations): the `?term=` query, people with class and seat, their order, the
//! workbooks' names and the .xlsx writer. Below the domains: imports infrastructure, `terms` and
//! the term parser of `uploads`.

pub mod xlsx;

use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::db::DbConn;
use crate::error::ApiResult;
use crate::schema::{student_profiles as sp, users};
use crate::terms::{self, Term};

/// `?term=1151` (default: the school's current term).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TermQuery {
    /// 學年期, e.g. `1151` (year 115, semester 1); semester `0` means the whole year. Default: the
    /// school's current term.
    #[param(pattern = r"^\s*([0-9]{3}[0-2])?\s*$", example = "1151")]
    pub term: Option<String>,
}

impl TermQuery {
    /// The asked term, checked before touching the database (400 `invalid_query` when malformed).
    pub fn parsed(&self) -> ApiResult<Option<Term>> {
        self.term.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(crate::uploads::results::parse_term).transpose()
    }
}

/// The asked term, or the school's current one; `None` when the school has no term yet.
pub fn resolve_term(c: &mut DbConn, school: i64, asked: Option<Term>) -> ApiResult<Option<Term>> {
    match asked {
        Some(t) => Ok(Some(t)),
        None => terms::current(c, school),
    }
}

/// A person as the reports show them: account, number, name and, for students, class and seat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub account: String,
    pub number: Option<String>,
    pub name: String,
    pub class_code: Option<String>,
    pub seat_no: Option<i32>,
}

/// The school's users with these ids (others are left out), with class and seat when they
/// have a student profile.
pub fn people(c: &mut DbConn, school: i64, ids: &[i64]) -> ApiResult<std::collections::HashMap<i64, Person>> {
    let mut out = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(5000) {
        let rows: Vec<(i64, String, Option<String>, String)> = users::table
            .filter(users::school_id.eq(school))
            .filter(users::id.eq_any(chunk.to_vec()))
            .select((users::id, users::account, users::number, users::display_name))
            .load(c)?;
        for (id, account, number, name) in rows {
            out.insert(id, Person { id, account, number, name, class_code: None, seat_no: None });
        }
        let profiles: Vec<(i64, Option<String>, Option<i32>)> =
            sp::table.filter(sp::user_id.eq_any(chunk.to_vec())).select((sp::user_id, sp::class_code, sp::seat_no)).load(c)?;
        for (id, class_code, seat_no) in profiles {
            if let Some(p) = out.get_mut(&id) {
                p.class_code = class_code;
                p.seat_no = seat_no;
            }
        }
    }
    Ok(out)
}

/// Class, then seat, then account; a missing class or seat sorts last.
pub fn class_seat_key(class_code: &Option<String>, seat_no: Option<i32>, account: &str) -> (bool, String, bool, i32, String) {
    (class_code.is_none(), class_code.clone().unwrap_or_default(), seat_no.is_none(), seat_no.unwrap_or(0), account.to_string())
}

/// The workbook's name with its term or year in words (issue #24: `…_1151.xlsx` read as a code):
/// `未認證教師狀況表_115學年度第1學期.xlsx`, `…_115學年度全學年.xlsx` (semester 0),
/// `…_115學年度.xlsx` (a year); an ASCII stem (the `filename=` fallback) gets `_AY115-1`,
/// `_AY115`. Any other suffix is kept as it is; none gives `name.xlsx`.
pub fn file_name(stem: &str, suffix: Option<String>) -> String {
    let Some(code) = suffix else { return format!("{stem}.xlsx") };
    let ascii = stem.is_ascii();
    let digits = !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit());
    let readable = match (digits, code.len()) {
        (true, 4) => {
            let year = code[..3].trim_start_matches('0');
            match (&code[3..], ascii) {
                ("0", false) => format!("{year}學年度全學年"),
                (s, false) => format!("{year}學年度第{s}學期"),
                ("0", true) => format!("AY{year}"),
                (s, true) => format!("AY{year}-{s}"),
            }
        }
        (true, 1..=3) => {
            let year = code.trim_start_matches('0');
            if ascii { format!("AY{year}") } else { format!("{year}學年度") }
        }
        _ => code,
    };
    format!("{stem}_{readable}.xlsx")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_query_parses_or_refuses() {
        assert_eq!(TermQuery { term: None }.parsed().unwrap(), None);
        assert_eq!(TermQuery { term: Some(" ".into()) }.parsed().unwrap(), None);
        assert_eq!(TermQuery { term: Some("1151".into()) }.parsed().unwrap(), Some(Term { academic_year: 115, semester: 1 }));
        let err = TermQuery { term: Some("115-1".into()) }.parsed().unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::InvalidQuery);
        assert_eq!(err.fields[0].0, "term");
    }

    #[test]
    fn workbook_names_say_the_term_in_words() {
        assert_eq!(file_name("未認證教師狀況表", Some("1151".into())), "未認證教師狀況表_115學年度第1學期.xlsx");
        assert_eq!(file_name("未認證教師狀況表", Some("0992".into())), "未認證教師狀況表_99學年度第2學期.xlsx");
        assert_eq!(file_name("數據分析", Some("1150".into())), "數據分析_115學年度全學年.xlsx");
        assert_eq!(file_name("學習成果勾選情形", Some("115".into())), "學習成果勾選情形_115學年度.xlsx");
        assert_eq!(file_name("uncertified-teachers", Some("1151".into())), "uncertified-teachers_AY115-1.xlsx");
        assert_eq!(file_name("selection-status-results", Some("115".into())), "selection-status-results_AY115.xlsx");
        assert_eq!(file_name("usage", None), "usage.xlsx");
        assert_eq!(file_name("x", Some("all".into())), "x_all.xlsx");
    }

    #[test]
    fn missing_class_and_seat_sort_last() {
        let mut v = [
            class_seat_key(&None, Some(1), "a"),
            class_seat_key(&Some("201".into()), None, "b"),
            class_seat_key(&Some("201".into()), Some(2), "c"),
            class_seat_key(&Some("101".into()), Some(10), "d"),
        ];
        v.sort();
        let accounts: Vec<&str> = v.iter().map(|k| k.4.as_str()).collect();
        assert_eq!(accounts, ["d", "c", "b", "a"]);
    }
}
