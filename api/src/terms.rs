//! Academic terms (學年期): ROC academic year + semester, written `1101` (year 110, semester 1);
//! semester 0 means the whole year.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::error::ApiResult;
use crate::schema::terms;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Term {
    /// ROC academic year, e.g. 110 for 2021-08 … 2022-07.
    pub academic_year: i32,
    /// 1 or 2; 0 = the whole year.
    pub semester: i32,
}

impl Term {
    /// `1101`-style code.
    pub fn code(&self) -> String {
        format!("{}{}", self.academic_year, self.semester)
    }

    /// The term a date falls in by the calendar: the academic year starts on 1 August,
    /// semester 2 on 1 February. (The school's current term follows its sync data; this is the
    /// default before any sync.)
    pub fn for_date(date: NaiveDate) -> Term {
        let (year, month) = (date.year(), date.month());
        if month >= 8 {
            Term { academic_year: year - 1911, semester: 1 }
        } else if month == 1 {
            Term { academic_year: year - 1912, semester: 1 }
        } else {
            Term { academic_year: year - 1912, semester: 2 }
        }
    }
}

/// The school's current term, if one is set.
pub fn current(conn: &mut DbConn, school_id: i64) -> ApiResult<Option<Term>> {
    Ok(terms::table
        .filter(terms::school_id.eq(school_id))
        .filter(terms::is_current.eq(true))
        .select((terms::academic_year, terms::semester))
        .first::<(i32, i32)>(conn)
        .optional()?
        .map(|(academic_year, semester)| Term { academic_year, semester }))
}

/// Makes `term` the school's current term, creating it if needed.
pub fn set_current(conn: &mut DbConn, school_id: i64, term: Term, now: NaiveDateTime) -> ApiResult<()> {
    diesel::update(terms::table.filter(terms::school_id.eq(school_id)))
        .set(terms::is_current.eq(false))
        .execute(conn)?;
    let updated = diesel::update(
        terms::table
            .filter(terms::school_id.eq(school_id))
            .filter(terms::academic_year.eq(term.academic_year))
            .filter(terms::semester.eq(term.semester)),
    )
    .set(terms::is_current.eq(true))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(terms::table)
            .values((
                terms::school_id.eq(school_id),
                terms::academic_year.eq(term.academic_year),
                terms::semester.eq(term.semester),
                terms::is_current.eq(true),
                terms::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn calendar_terms() {
        assert_eq!(Term::for_date(d(2021, 8, 1)).code(), "1101");
        assert_eq!(Term::for_date(d(2022, 1, 31)).code(), "1101");
        assert_eq!(Term::for_date(d(2022, 2, 1)).code(), "1102");
        assert_eq!(Term::for_date(d(2022, 7, 31)).code(), "1102");
        assert_eq!(Term::for_date(d(2026, 11, 22)).code(), "1151");
    }
}
