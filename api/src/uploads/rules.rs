//! Upload rules as plain functions (DESIGN.md "Course learning results", "Multiple
//! performances"; FAQ 000 四 Q3–Q4; FAQ 004): the ten performance categories and their date
//! rules, descriptions without links, links only with a video.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

/// The ten multiple-performance categories (多元表現).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 幹部經歷暨事蹟紀錄
    Cadre,
    /// 競賽參與紀錄
    Competition,
    /// 檢定證照紀錄
    Certificate,
    /// 服務學習紀錄
    ServiceLearning,
    /// 彈性學習時間紀錄
    FlexibleLearning,
    /// 團體活動時間紀錄
    GroupActivity,
    /// 職場學習紀錄
    Workplace,
    /// 作品成果紀錄
    Works,
    /// 大學及技專校院先修課程紀錄
    AdvancedPlacement,
    /// 其他多元表現紀錄
    Other,
}

/// Whether a category is dated by one day or by a start and an end (FAQ 000 四 Q4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dating {
    Single,
    Range,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Cadre,
        Category::Competition,
        Category::Certificate,
        Category::ServiceLearning,
        Category::FlexibleLearning,
        Category::GroupActivity,
        Category::Workplace,
        Category::Works,
        Category::AdvancedPlacement,
        Category::Other,
    ];

    pub fn name_zh(self) -> &'static str {
        match self {
            Category::Cadre => "幹部經歷暨事蹟紀錄",
            Category::Competition => "競賽參與紀錄",
            Category::Certificate => "檢定證照紀錄",
            Category::ServiceLearning => "服務學習紀錄",
            Category::FlexibleLearning => "彈性學習時間紀錄",
            Category::GroupActivity => "團體活動時間紀錄",
            Category::Workplace => "職場學習紀錄",
            Category::Works => "作品成果紀錄",
            Category::AdvancedPlacement => "大學及技專校院先修課程紀錄",
            Category::Other => "其他多元表現紀錄",
        }
    }

    /// Competitions, certificates and works are dated by one day; the FAQ names the range kinds
    /// explicitly, and flexible-learning and group-activity time, which run over a period, are
    /// treated as range kinds too.
    pub fn dating(self) -> Dating {
        match self {
            Category::Competition | Category::Certificate | Category::Works => Dating::Single,
            _ => Dating::Range,
        }
    }
}

/// The dates a performance of academic year `academic_year` may carry, for a student who entered
/// in `entry_year` (ROC years): from 1 July of the entry year, single dates and range starts up
/// to 31 July at the end of the academic year, range ends up to 29 August after it.
pub fn date_span(entry_year: i32, academic_year: i32) -> Option<(NaiveDate, NaiveDate, NaiveDate)> {
    let from = NaiveDate::from_ymd_opt(entry_year + 1911, 7, 1)?;
    let last = NaiveDate::from_ymd_opt(academic_year + 1912, 7, 31)?;
    let range_end = NaiveDate::from_ymd_opt(academic_year + 1912, 8, 29)?;
    Some((from, last, range_end))
}

/// Checks a performance's dates; `end` must be given exactly for range kinds.
pub fn check_dates(category: Category, entry_year: i32, academic_year: i32, start: NaiveDate, end: Option<NaiveDate>) -> Result<(), ApiError> {
    let Some((from, last, range_end)) = date_span(entry_year, academic_year) else {
        return Err(ApiError::validation().field("start_date", "學年度不正確", "invalid academic year"));
    };
    let roc = crate::time::roc_date;
    let mut err = ApiError::validation();
    if start < from || start > last {
        err = err.field(
            "start_date",
            format!("日期須介於 {} 與 {} 之間", roc(from), roc(last)),
            format!("must be between {from} and {last}"),
        );
    }
    match (category.dating(), end) {
        (Dating::Single, Some(_)) => {
            err = err.field("end_date", format!("{}只填一個日期", category.name_zh()), "this category has a single date, no end date");
        }
        (Dating::Range, None) => {
            err = err.field("end_date", "請填寫結束日期", "the end date is required");
        }
        (Dating::Range, Some(end)) => {
            if end < start {
                err = err.field("end_date", "結束日期不可早於開始日期", "must not be before the start date");
            } else if end > range_end {
                err = err.field(
                    "end_date",
                    format!("結束日期最晚為 {}", roc(range_end)),
                    format!("must be on or before {range_end}"),
                );
            }
        }
        (Dating::Single, None) => {}
    }
    if err.fields.is_empty() {
        Ok(())
    } else {
        Err(err)
    }
}

/// Most characters a description may have (FAQ 004).
pub const DESCRIPTION_MAX: usize = 100;

/// A description: at most 100 characters and no external links (003 #8).
pub fn check_description(text: &str) -> Result<(), ApiError> {
    let n = text.trim().chars().count();
    let lower = text.to_lowercase();
    let has_link = ["http://", "https://", "www.", "ftp://"].iter().any(|p| lower.contains(p));
    let mut err = ApiError::validation();
    if n > DESCRIPTION_MAX {
        err = err.field("description", format!("簡述最多 {DESCRIPTION_MAX} 字（目前 {n} 字）"), format!("at most {DESCRIPTION_MAX} characters ({n} now)"));
    }
    if has_link {
        err = err.field("description", "簡述不可包含外部連結", "must not contain external links");
    }
    if err.fields.is_empty() {
        Ok(())
    } else {
        Err(err)
    }
}

/// An external link on a performance is allowed only once a video is attached (FAQ 000 四 Q3),
/// and must be an http(s) URL.
pub fn check_link(link: Option<&str>, has_video: bool) -> Result<(), ApiError> {
    let Some(link) = link.map(str::trim).filter(|l| !l.is_empty()) else { return Ok(()) };
    if !has_video {
        return Err(ApiError::validation().field("external_link", "上傳影音檔後才能填寫外部連結", "an external link needs an attached video first"));
    }
    let ok = (link.starts_with("https://") || link.starts_with("http://")) && link.len() <= 500 && !link.contains(char::is_whitespace);
    if !ok {
        return Err(ApiError::validation().field("external_link", "外部連結須為 http(s):// 開頭的網址", "must be an http(s) URL"));
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
    fn single_date_kinds_run_from_july_of_entry_to_july_of_the_year() {
        // Entered in 110 (2021); a record of academic year 111 (2022-08 … 2023-07).
        assert!(check_dates(Category::Competition, 110, 111, d(2021, 7, 1), None).is_ok());
        assert!(check_dates(Category::Competition, 110, 111, d(2023, 7, 31), None).is_ok());
        assert!(check_dates(Category::Competition, 110, 111, d(2021, 6, 30), None).is_err());
        assert!(check_dates(Category::Certificate, 110, 111, d(2023, 8, 1), None).is_err());
        assert!(check_dates(Category::Works, 110, 111, d(2022, 1, 1), Some(d(2022, 2, 1))).is_err());
    }

    #[test]
    fn range_kinds_may_end_up_to_the_29th_of_august() {
        assert!(check_dates(Category::ServiceLearning, 110, 111, d(2023, 7, 31), Some(d(2023, 8, 29))).is_ok());
        assert!(check_dates(Category::ServiceLearning, 110, 111, d(2023, 7, 31), Some(d(2023, 8, 30))).is_err());
        assert!(check_dates(Category::Workplace, 110, 111, d(2023, 8, 1), Some(d(2023, 8, 10))).is_err());
        assert!(check_dates(Category::Cadre, 110, 111, d(2022, 9, 1), None).is_err());
        let err = check_dates(Category::AdvancedPlacement, 110, 111, d(2022, 9, 1), Some(d(2022, 8, 1))).unwrap_err();
        assert!(err.fields.iter().any(|(f, _)| f == "end_date"));
        assert_eq!(Category::ALL.iter().filter(|c| c.dating() == Dating::Single).count(), 3);
    }

    #[test]
    fn descriptions_and_links() {
        assert!(check_description("我在專題中負責資料分析。").is_ok());
        assert!(check_description(&"字".repeat(100)).is_ok());
        assert!(check_description(&"字".repeat(101)).is_err());
        assert!(check_description("請看 https://example.com").is_err());
        assert!(check_description("見 WWW.example.com").is_err());
        assert!(check_link(None, false).is_ok());
        assert!(check_link(Some("https://youtu.be/x"), false).is_err());
        assert!(check_link(Some("https://youtu.be/x"), true).is_ok());
        assert!(check_link(Some("javascript:alert(1)"), true).is_err());
    }
}
