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

/// The school-term screen (module S0213S).
pub mod routes {
    use actix_web::{get, web};
    use diesel::prelude::*;
    use serde::Serialize;
    use utoipa::ToSchema;

    use crate::app::AppState;
    use crate::auth::{Need, Op, Principal, Scope};
    use crate::error::{ApiResult, Problem};
    use crate::schema::terms;

    #[derive(Debug, Serialize, ToSchema)]
    pub struct SchoolTerm {
        pub academic_year: i32,
        pub semester: i32,
        /// e.g. `1151`.
        pub code: String,
        pub is_current: bool,
    }

    /// The school's academic terms, newest first, with the current one marked (module S0213S).
    #[utoipa::path(
        tag = "terms",
        security(("bearer_jwt" = []), ("api_key" = [])),
        responses(
            (status = 200, description = "Terms", body = Vec<SchoolTerm>),
            (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
            (status = 403, description = "Neither the school admin nor granted module S0213S", body = Problem, content_type = "application/problem+json"),
        )
    )]
    #[get("/terms")]
    pub async fn list(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<SchoolTerm>>> {
        who.require(Need::module("S0213S", Op::View).or_scope(Scope::Read))?;
        let school = who.school_id()?;
        state
            .db
            .read(move |c| {
                let rows: Vec<(i32, i32, bool)> = terms::table
                    .filter(terms::school_id.eq(school))
                    .order((terms::academic_year.desc(), terms::semester.desc()))
                    .select((terms::academic_year, terms::semester, terms::is_current))
                    .load(c)?;
                Ok(web::Json(
                    rows.into_iter()
                        .map(|(academic_year, semester, is_current)| SchoolTerm {
                            academic_year,
                            semester,
                            code: super::Term { academic_year, semester }.code(),
                            is_current,
                        })
                        .collect(),
                ))
            })
            .await
    }
}
