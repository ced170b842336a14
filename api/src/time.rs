//! Times on the wire: the database keeps UTC without a zone; the API writes RFC 3339 with `Z`
//! (e.g. `2026-11-22T07:20:32Z`), so clients never guess the zone.

use chrono::{NaiveDateTime, SecondsFormat};
use serde::Serializer;

pub fn rfc3339(t: &NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn utc<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(t))
}

pub fn utc_opt<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339(t)),
        None => s.serialize_none(),
    }
}

/// A date as the ROC calendar writes it: 2022-04-01 → `111/04/01`.
pub fn roc_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}/{:02}/{:02}", d.year() - 1911, d.month(), d.day())
}

/// The years a date from a request may carry: from the first ROC year (1912) to 2200. Dates
/// outside are refused with a `422` naming the field before any arithmetic touches them.
pub const MIN_YEAR: i32 = 1912;
pub const MAX_YEAR: i32 = 2200;

pub fn date_in_range(d: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    (MIN_YEAR..=MAX_YEAR).contains(&d.year())
}

/// Adds a field error to `err` for each date outside [`MIN_YEAR`]–[`MAX_YEAR`].
pub fn check_dates(mut err: crate::error::ApiError, dates: &[(&str, Option<chrono::NaiveDate>)]) -> crate::error::ApiError {
    for (field, date) in dates {
        if let Some(d) = date.filter(|d| !date_in_range(*d)) {
            err = err.field(
                *field,
                format!("日期 {d} 超出可接受的範圍（西元 {MIN_YEAR} 至 {MAX_YEAR} 年）"),
                format!("the date {d} is outside the accepted years {MIN_YEAR}–{MAX_YEAR}"),
            );
        }
    }
    err
}

/// [`check_dates`] as a result: `Ok` when every date is in range.
pub fn require_dates(dates: &[(&str, Option<chrono::NaiveDate>)]) -> Result<(), crate::error::ApiError> {
    let err = check_dates(crate::error::ApiError::validation(), dates);
    if err.fields.is_empty() {
        Ok(())
    } else {
        Err(err)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_outside_the_years_are_named() {
        let ok = chrono::NaiveDate::from_ymd_opt(2026, 1, 1);
        let far = chrono::NaiveDate::from_ymd_opt(262_000, 1, 1);
        let early = chrono::NaiveDate::from_ymd_opt(1900, 1, 1);
        assert!(super::require_dates(&[("a", ok), ("b", None)]).is_ok());
        let err = super::require_dates(&[("a", ok), ("b", far), ("c", early)]).expect_err("refused");
        let names: Vec<&str> = err.fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["b", "c"]);
    }

    #[test]
    fn writes_utc_with_z() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap().and_hms_micro_opt(7, 20, 32, 926_929).unwrap();
        assert_eq!(super::rfc3339(&t), "2026-11-22T07:20:32Z");
        assert_eq!(super::roc_date(t.date()), "115/11/22");
    }
}
