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

#[cfg(test)]
mod tests {
    #[test]
    fn writes_utc_with_z() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap().and_hms_micro_opt(7, 20, 32, 926_929).unwrap();
        assert_eq!(super::rfc3339(&t), "2026-11-22T07:20:32Z");
        assert_eq!(super::roc_date(t.date()), "115/11/22");
    }
}
