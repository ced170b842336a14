//! Upload rules as plain functions (DESIGN.md "Course learning results", "Multiple
//! performances"; FAQ 000 四 Q3–Q4; FAQ 004): the ten performance categories and their date
//! rules, descriptions without links, links only with a video.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};

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

/// Whether a category is dated by one day or by a start and an end (FAQ 000 四 Q4):
/// - `single`: one date (`start_date`)
/// - `range`: `start_date` and `end_date`
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
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

    /// The stored and wire value (`service_learning`).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Cadre => "cadre",
            Category::Competition => "competition",
            Category::Certificate => "certificate",
            Category::ServiceLearning => "service_learning",
            Category::FlexibleLearning => "flexible_learning",
            Category::GroupActivity => "group_activity",
            Category::Workplace => "workplace",
            Category::Works => "works",
            Category::AdvancedPlacement => "advanced_placement",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

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
    let from = NaiveDate::from_ymd_opt(entry_year.checked_add(1911)?, 7, 1)?;
    let last = NaiveDate::from_ymd_opt(academic_year.checked_add(1912)?, 7, 31)?;
    let range_end = NaiveDate::from_ymd_opt(academic_year.checked_add(1912)?, 8, 29)?;
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

/// The category-specific fields of a performance (the central roster's columns). `title` is each
/// category's main name; the others are used only where [`field_specs`] lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Title,
    Item,
    Organisation,
    Position,
    Level,
    Award,
    Kind,
    Score,
    CertificateNo,
    Participation,
    Hours,
    Credits,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::Title,
        Field::Item,
        Field::Organisation,
        Field::Position,
        Field::Level,
        Field::Award,
        Field::Kind,
        Field::Score,
        Field::CertificateNo,
        Field::Participation,
        Field::Hours,
        Field::Credits,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Item => "item",
            Field::Organisation => "organisation",
            Field::Position => "position",
            Field::Level => "level",
            Field::Award => "award",
            Field::Kind => "kind",
            Field::Score => "score",
            Field::CertificateNo => "certificate_no",
            Field::Participation => "participation",
            Field::Hours => "hours",
            Field::Credits => "credits",
        }
    }
}

/// How one field appears in one category's form.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct FieldSpec {
    pub field: Field,
    /// The label on the form (zh-TW).
    pub label: &'static str,
    pub required: bool,
    /// The allowed values, when the roster uses a fixed list.
    pub choices: &'static [&'static str],
}

const fn f(field: Field, label: &'static str, required: bool) -> FieldSpec {
    FieldSpec { field, label, required, choices: &[] }
}

const fn pick(field: Field, label: &'static str, required: bool, choices: &'static [&'static str]) -> FieldSpec {
    FieldSpec { field, label, required, choices }
}

/// A closed list a performance field takes in some categories (the central roster's values,
/// stored as written): the enum, its `ALL`, its stored spelling (`as_str`, `NAMES` for the form's
/// choices) and a loud `parse` of a stored value. The database holds a column to its list with a
/// CHECK (migration 2026-12-07-000100_performance_lists; tests/integration/value_checks.rs).
macro_rules! closed_list {
    ($(#[$doc:meta])* $name:ident, $column:literal, [$($variant:ident => $text:literal),+ $(,)?]) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stored values, in form order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// A stored value; anything else is an error, never a default.
            pub fn parse(s: &str) -> ApiResult<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| ApiError::bad_stored($column, s))
            }
        }
    };
}

closed_list!(
    /// 競賽等級 of a competition (`performances.level` where the category is `competition`).
    CompetitionLevel, "performances.level", [School => "校內", Interschool => "校際", County => "縣市", Region => "區域", National => "全國", International => "國際"]
);
closed_list!(
    /// 參與類型 of a competition (`performances.participation`; no other category has it).
    Participation, "performances.participation", [Individual => "個人", Team => "團體"]
);
closed_list!(
    /// 彈性學習時間類別 (`performances.kind` where the category is `flexible_learning`).
    FlexibleKind, "performances.kind", [SelfLearning => "自主學習", Training => "選手培訓", Enrichment => "充實(增廣)教學", Remedial => "補強性教學", SchoolFeature => "學校特色活動"]
);
closed_list!(
    /// 團體活動類別 (`performances.kind` where the category is `group_activity`).
    GroupActivityKind, "performances.kind", [Class => "班級活動", Club => "社團活動", StudentCouncil => "學生自治會活動", Service => "學生服務學習活動", Assembly => "週會或講座"]
);
closed_list!(
    /// 職場學習類別 (`performances.kind` where the category is `workplace`).
    WorkplaceKind, "performances.kind", [Visit => "職場見習", Experience => "職場體驗", Internship => "職場實習"]
);

const COMPETITION_LEVELS: &[&str] = CompetitionLevel::NAMES;
const PARTICIPATION: &[&str] = Participation::NAMES;
const FLEXIBLE_KINDS: &[&str] = FlexibleKind::NAMES;
const GROUP_KINDS: &[&str] = GroupActivityKind::NAMES;
const WORKPLACE_KINDS: &[&str] = WorkplaceKind::NAMES;

/// The closed list `field` takes in `category`, if it has one: the parse of its enum.
pub fn closed_list(category: Category, field: Field) -> Option<fn(&str) -> ApiResult<()>> {
    match (category, field) {
        (_, Field::Participation) => Some(|s| Participation::parse(s).map(|_| ())),
        (Category::Competition, Field::Level) => Some(|s| CompetitionLevel::parse(s).map(|_| ())),
        (Category::FlexibleLearning, Field::Kind) => Some(|s| FlexibleKind::parse(s).map(|_| ())),
        (Category::GroupActivity, Field::Kind) => Some(|s| GroupActivityKind::parse(s).map(|_| ())),
        (Category::Workplace, Field::Kind) => Some(|s| WorkplaceKind::parse(s).map(|_| ())),
        _ => None,
    }
}

/// A stored performance's closed-list fields, parsed loudly ([`ApiError::bad_stored`] for a value
/// outside its category's list).
pub fn check_stored(category: Category, values: &[(Field, Option<&str>)]) -> ApiResult<()> {
    for (field, value) in values {
        if let (Some(parse), Some(v)) = (closed_list(category, *field), value) {
            parse(v)?;
        }
    }
    Ok(())
}

/// Each category's fields, in form order.
pub fn field_specs(category: Category) -> &'static [FieldSpec] {
    match category {
        Category::Cadre => const { &[
            f(Field::Organisation, "單位名稱", true),
            f(Field::Title, "擔任職務", true),
            f(Field::Level, "幹部等級", false),
        ] },
        Category::Competition => const { &[
            f(Field::Title, "競賽名稱", true),
            f(Field::Item, "項目", false),
            pick(Field::Level, "競賽等級", true, COMPETITION_LEVELS),
            f(Field::Award, "獎項", true),
            pick(Field::Participation, "參與類型", false, PARTICIPATION),
        ] },
        Category::Certificate => const { &[
            f(Field::Title, "證照名稱", true),
            f(Field::Organisation, "發證單位", false),
            f(Field::Score, "分數", false),
            f(Field::Item, "分項結果", false),
            f(Field::CertificateNo, "證照字號", false),
        ] },
        Category::ServiceLearning => const { &[
            f(Field::Title, "服務名稱", true),
            f(Field::Organisation, "服務單位", true),
            f(Field::Hours, "服務時數", true),
        ] },
        Category::FlexibleLearning => const { &[
            pick(Field::Kind, "彈性學習時間類別", true, FLEXIBLE_KINDS),
            f(Field::Title, "內容名稱", true),
            f(Field::Organisation, "開設單位", false),
            f(Field::Hours, "時數", true),
        ] },
        Category::GroupActivity => const { &[
            pick(Field::Kind, "團體活動類別", true, GROUP_KINDS),
            f(Field::Title, "活動或社團名稱", true),
            f(Field::Position, "擔任職務", false),
            f(Field::Hours, "時數", false),
        ] },
        Category::Workplace => const { &[
            pick(Field::Kind, "職場學習類別", true, WORKPLACE_KINDS),
            f(Field::Organisation, "職場名稱", true),
            f(Field::Title, "學習內容", true),
            f(Field::Position, "職稱", false),
            f(Field::Hours, "時數", true),
        ] },
        Category::Works => const { &[f(Field::Title, "作品名稱", true)] },
        Category::AdvancedPlacement => const { &[
            f(Field::Kind, "計畫名稱", true),
            f(Field::Organisation, "開設單位", true),
            f(Field::Title, "課程名稱", true),
            f(Field::Credits, "學分數", false),
            f(Field::Hours, "總時數", true),
        ] },
        Category::Other => const { &[
            f(Field::Title, "名稱", true),
            f(Field::Organisation, "主辦單位", false),
            f(Field::Level, "等級", false),
            f(Field::Hours, "時數", false),
        ] },
    }
}

/// Checks a performance's category fields: required ones present, unused ones absent, choices
/// from their list, hours 0–2000 in steps of 0.5, credits 0–20, text at most 100 characters.
pub fn check_fields(category: Category, values: &[(Field, Option<String>)]) -> Result<(), ApiError> {
    let specs = field_specs(category);
    let mut err = ApiError::validation();
    for (field, value) in values {
        let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty());
        let name = field.as_str();
        match (specs.iter().find(|s| s.field == *field), value) {
            (None, Some(_)) => {
                err = err.field(name, format!("{}不使用此欄位", category.name_zh()), "this category does not use this field");
            }
            (None, None) => {}
            (Some(spec), None) if spec.required => {
                err = err.field(name, format!("請填寫{}", spec.label), "required");
            }
            (Some(_), None) => {}
            (Some(spec), Some(v)) => {
                if !spec.choices.is_empty() && !spec.choices.contains(&v) {
                    err = err.field(name, format!("{}須為：{}", spec.label, spec.choices.join("、")), format!("must be one of: {}", spec.choices.join(", ")));
                } else if *field == Field::Hours {
                    let ok = v.parse::<f64>().is_ok_and(|h| (0.0..=2000.0).contains(&h) && (h * 2.0).fract() == 0.0);
                    if !ok {
                        err = err.field(name, "時數須為 0 到 2000 之間的數字（可到 0.5）", "must be a number from 0 to 2000 in steps of 0.5");
                    }
                } else if *field == Field::Credits {
                    if !v.parse::<i32>().is_ok_and(|n| (0..=20).contains(&n)) {
                        err = err.field(name, "學分數須為 0 到 20 的整數", "must be a whole number from 0 to 20");
                    }
                } else if v.chars().count() > 100 {
                    err = err.field(name, format!("{}最多 100 字", spec.label), "at most 100 characters");
                }
            }
        }
    }
    if err.fields.is_empty() {
        Ok(())
    } else {
        Err(err)
    }
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
        for c in Category::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str(), "wire and stored names agree");
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
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

    fn vals(pairs: &[(Field, &str)]) -> Vec<(Field, Option<String>)> {
        Field::ALL
            .iter()
            .map(|f| (*f, pairs.iter().find(|(g, _)| g == f).map(|(_, v)| v.to_string())))
            .collect()
    }

    #[test]
    fn each_category_checks_its_own_fields() {
        let ok = vals(&[(Field::Title, "全國科展"), (Field::Level, "全國"), (Field::Award, "佳作")]);
        assert!(check_fields(Category::Competition, &ok).is_ok());
        // A level outside the list, a missing award, a field the category does not use.
        let bad = vals(&[(Field::Title, "全國科展"), (Field::Level, "宇宙"), (Field::Hours, "3")]);
        let err = check_fields(Category::Competition, &bad).unwrap_err();
        let names: Vec<&str> = err.fields.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(names, ["level", "award", "hours"]);
        assert!(check_fields(Category::ServiceLearning, &vals(&[(Field::Title, "淨灘"), (Field::Organisation, "海巡署"), (Field::Hours, "2.5")])).is_ok());
        assert!(check_fields(Category::ServiceLearning, &vals(&[(Field::Title, "淨灘"), (Field::Organisation, "海巡署"), (Field::Hours, "2.3")])).is_err());
        assert!(check_fields(Category::AdvancedPlacement, &vals(&[(Field::Kind, "先修"), (Field::Organisation, "臺大"), (Field::Title, "微積分"), (Field::Hours, "36"), (Field::Credits, "30")])).is_err());
        for c in Category::ALL {
            assert!(field_specs(c).iter().any(|s| s.field == Field::Title && s.required), "{c:?} has a required title");
        }
    }
}
