//! What a notification says (issue #17 item 7): stored as its kind and parameters (the course,
//! the reason, the plan's theme, the stages, the receipt windows), rendered in the reader's
//! language when read — zh-TW by default, English with `Accept-Language: en`. What people wrote
//! (course names, reasons, themes, custom group names) stays as written in both.
//!
//! The zh-TW rendering is also stored in `title`/`body`: rows written before the parameters
//! existed (and that migration 2026-12-06-002600 could not convert) have only those, and are
//! shown as stored.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, Lang};

/// What a notification is about:
/// - `result_certified`: a teacher certified one of the student's learning results
/// - `result_rejected`: a teacher rejected one (the body carries the reason)
/// - `selection_dropped`: a selected learning result was rejected and left the selection
/// - `receipt_pending`: a receipt (收訖明細) window is open or closing and the student has not answered
/// - `self_directed_plan_approved` / `self_directed_result_approved`: a self-directed learning plan
///   (or its results) passed a stage and waits at the next
/// - `self_directed_plan_returned` / `self_directed_result_returned`: a stage returned it (with the reason)
/// - `self_directed_plan_certified` / `self_directed_result_certified`: it passed every stage
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    ResultCertified,
    ResultRejected,
    SelectionDropped,
    ReceiptPending,
    SelfDirectedPlanApproved,
    SelfDirectedPlanReturned,
    SelfDirectedPlanCertified,
    SelfDirectedResultApproved,
    SelfDirectedResultReturned,
    SelfDirectedResultCertified,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 10] = [
        NotificationKind::ResultCertified,
        NotificationKind::ResultRejected,
        NotificationKind::SelectionDropped,
        NotificationKind::ReceiptPending,
        NotificationKind::SelfDirectedPlanApproved,
        NotificationKind::SelfDirectedPlanReturned,
        NotificationKind::SelfDirectedPlanCertified,
        NotificationKind::SelfDirectedResultApproved,
        NotificationKind::SelfDirectedResultReturned,
        NotificationKind::SelfDirectedResultCertified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::ResultCertified => "result_certified",
            NotificationKind::ResultRejected => "result_rejected",
            NotificationKind::SelectionDropped => "selection_dropped",
            NotificationKind::ReceiptPending => "receipt_pending",
            NotificationKind::SelfDirectedPlanApproved => "self_directed_plan_approved",
            NotificationKind::SelfDirectedPlanReturned => "self_directed_plan_returned",
            NotificationKind::SelfDirectedPlanCertified => "self_directed_plan_certified",
            NotificationKind::SelfDirectedResultApproved => "self_directed_result_approved",
            NotificationKind::SelfDirectedResultReturned => "self_directed_result_returned",
            NotificationKind::SelfDirectedResultCertified => "self_directed_result_certified",
        }
    }

    pub fn parse(s: &str) -> Option<NotificationKind> {
        NotificationKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The stored kind (`notifications.kind`); anything else is an error, never a default.
    pub fn stored(s: &str) -> ApiResult<NotificationKind> {
        NotificationKind::parse(s).ok_or_else(|| ApiError::bad_stored("notifications.kind", s))
    }
}

/// A self-directed learning stage as the student is told of it: its identity (`homeroom`,
/// `subject`, `custom`) and its zh-TW label (導師, 學科教師, or the custom group's name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageName {
    pub identity: String,
    pub label: String,
}

impl StageName {
    fn name(&self, lang: Lang) -> String {
        match (lang, self.identity.as_str()) {
            (Lang::En, "homeroom") => "homeroom teacher".into(),
            (Lang::En, "subject") => "subject teachers".into(),
            _ => self.label.clone(),
        }
    }
}

// Receipt categories live here, below `crate::receipts` (which re-exports this and adds its
// rules), because receipt reminders name them.
/// A category of the receipt (the manual's four tabs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ReceiptDataCategory)]
pub enum Category {
    /// 修課紀錄.
    CourseRecords,
    /// 課程學習成果.
    Results,
    /// 多元表現.
    Performances,
    /// 校內幹部經歷.
    Cadre,
}

impl Category {
    pub const ALL: [Category; 4] = [Category::CourseRecords, Category::Results, Category::Performances, Category::Cadre];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::CourseRecords => "course_records",
            Category::Results => "results",
            Category::Performances => "performances",
            Category::Cadre => "cadre",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Category::CourseRecords => "修課紀錄",
            Category::Results => "課程學習成果",
            Category::Performances => "多元表現",
            Category::Cadre => "校內幹部經歷",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Category::CourseRecords => "Course records",
            Category::Results => "Learning results",
            Category::Performances => "Performances",
            Category::Cadre => "School cadre records",
        }
    }
}

/// One receipt category a reminder names: the term (`1151`), the category (`course_records`, …)
/// and the end of its window (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptDue {
    pub term: String,
    pub category: String,
    pub end: NaiveDateTime,
}

/// Whether a self-directed notification is about the plan or its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SdPhase {
    Plan,
    Result,
}

/// A notification: its kind and what its text needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    ResultCertified { subject: String },
    ResultRejected { subject: String, reason: String },
    SelectionDropped { subject: String },
    ReceiptPending { due: Vec<ReceiptDue> },
    /// Passed `stage`; waits at `next` now.
    SelfDirectedApproved { phase: SdPhase, theme: String, stage: StageName, next: StageName },
    SelfDirectedReturned { phase: SdPhase, theme: String, stage: StageName, reason: String },
    SelfDirectedCertified { phase: SdPhase, theme: String },
}

/// The stored parameters (the `params` column, JSON): every field any kind uses, absent when unused.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Params {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    theme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stage: Option<StageName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next_stage: Option<StageName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    receipts: Option<Vec<ReceiptDue>>,
}

impl Message {
    pub fn kind(&self) -> NotificationKind {
        use NotificationKind as K;
        use SdPhase::{Plan, Result};
        match self {
            Message::ResultCertified { .. } => K::ResultCertified,
            Message::ResultRejected { .. } => K::ResultRejected,
            Message::SelectionDropped { .. } => K::SelectionDropped,
            Message::ReceiptPending { .. } => K::ReceiptPending,
            Message::SelfDirectedApproved { phase: Plan, .. } => K::SelfDirectedPlanApproved,
            Message::SelfDirectedApproved { phase: Result, .. } => K::SelfDirectedResultApproved,
            Message::SelfDirectedReturned { phase: Plan, .. } => K::SelfDirectedPlanReturned,
            Message::SelfDirectedReturned { phase: Result, .. } => K::SelfDirectedResultReturned,
            Message::SelfDirectedCertified { phase: Plan, .. } => K::SelfDirectedPlanCertified,
            Message::SelfDirectedCertified { phase: Result, .. } => K::SelfDirectedResultCertified,
        }
    }

    /// The parameters as stored (JSON text).
    pub fn params_json(&self) -> String {
        let p = match self.clone() {
            Message::ResultCertified { subject } | Message::SelectionDropped { subject } => Params { subject: Some(subject), ..Params::default() },
            Message::ResultRejected { subject, reason } => Params { subject: Some(subject), reason: Some(reason), ..Params::default() },
            Message::ReceiptPending { due } => Params { receipts: Some(due), ..Params::default() },
            Message::SelfDirectedApproved { theme, stage, next, .. } => Params { theme: Some(theme), stage: Some(stage), next_stage: Some(next), ..Params::default() },
            Message::SelfDirectedReturned { theme, stage, reason, .. } => Params { theme: Some(theme), stage: Some(stage), reason: Some(reason), ..Params::default() },
            Message::SelfDirectedCertified { theme, .. } => Params { theme: Some(theme), ..Params::default() },
        };
        // A struct of strings and dates always serializes.
        serde_json::to_string(&p).unwrap_or_else(|_| "{}".into())
    }

    /// The message back from its stored kind and parameters; `None` when the kind is unknown or
    /// the parameters lack what it needs (the stored text is shown then).
    pub fn from_stored(kind: &str, params: &str) -> Option<Message> {
        use NotificationKind as K;
        let p: Params = serde_json::from_str(params).ok()?;
        let kind = NotificationKind::parse(kind)?;
        let phase = match kind {
            K::SelfDirectedPlanApproved | K::SelfDirectedPlanReturned | K::SelfDirectedPlanCertified => SdPhase::Plan,
            _ => SdPhase::Result,
        };
        Some(match kind {
            K::ResultCertified => Message::ResultCertified { subject: p.subject? },
            K::ResultRejected => Message::ResultRejected { subject: p.subject?, reason: p.reason? },
            K::SelectionDropped => Message::SelectionDropped { subject: p.subject? },
            K::ReceiptPending => Message::ReceiptPending { due: p.receipts? },
            K::SelfDirectedPlanApproved | K::SelfDirectedResultApproved => Message::SelfDirectedApproved { phase, theme: p.theme?, stage: p.stage?, next: p.next_stage? },
            K::SelfDirectedPlanReturned | K::SelfDirectedResultReturned => Message::SelfDirectedReturned { phase, theme: p.theme?, stage: p.stage?, reason: p.reason? },
            K::SelfDirectedPlanCertified | K::SelfDirectedResultCertified => Message::SelfDirectedCertified { phase, theme: p.theme? },
        })
    }

    /// Title and body in `lang`.
    pub fn render(&self, lang: Lang) -> (String, String) {
        let en = lang == Lang::En;
        match self {
            Message::ResultCertified { subject } if en => (
                format!("Learning result of {subject} certified"),
                "Your teacher certified your course learning result; you can select it for submission during the selection period.".into(),
            ),
            Message::ResultCertified { subject } => (format!("「{subject}」學習成果認證成功"), "老師已認證您的課程學習成果，可於勾選期間勾選提交。".into()),
            Message::ResultRejected { subject, reason } if en => (
                format!("Learning result of {subject} not certified"),
                format!("Reason: {reason}\nYou can edit it and submit it again, or delete it and upload it again."),
            ),
            Message::ResultRejected { subject, reason } => (format!("「{subject}」學習成果認證失敗"), format!("原因：{reason}\n您可以重新編輯後再送出認證，或刪除後重新上傳。")),
            Message::SelectionDropped { subject } if en => (
                format!("Learning result of {subject} unselected"),
                "This learning result is no longer certified and was removed from your selections.".into(),
            ),
            Message::SelectionDropped { subject } => (format!("「{subject}」學習成果已取消勾選"), "這件學習成果改為認證失敗，已從您的勾選清單移除。".into()),
            Message::ReceiptPending { due } => {
                let lines: Vec<String> = due.iter().map(|d| receipt_line(d, lang)).collect();
                if en {
                    (
                        "Please confirm your receipt".into(),
                        format!("The central database returned your receipt (收訖明細). Please confirm the data or report a problem before the deadline:\n{}", lines.join("\n")),
                    )
                } else {
                    ("請確認收訖明細".into(), format!("中央資料庫已回傳您的收訖明細，請在期限內確認資料正確或回報問題：\n{}", lines.join("\n")))
                }
            }
            Message::SelfDirectedApproved { phase, theme, stage, next } => {
                let what = phase_name(*phase, lang);
                if en {
                    (format!("{what} “{theme}” passed the {} stage", stage.name(lang)), format!("It now waits at the next stage: {}.", next.name(lang)))
                } else {
                    (format!("{what}「{theme}」已通過「{}」", stage.label), format!("已進入下一個認證階段「{}」。", next.label))
                }
            }
            Message::SelfDirectedReturned { phase, theme, stage, reason } => {
                let what = phase_name(*phase, lang);
                if en {
                    (format!("{what} “{theme}” returned"), format!("Returned at the {} stage: {reason}. Please revise it and submit it again.", stage.name(lang)))
                } else {
                    (format!("{what}「{theme}」已被退回"), format!("「{}」階段退回：{reason}。請修改後再送出。", stage.label))
                }
            }
            Message::SelfDirectedCertified { phase, theme } => {
                let what = phase_name(*phase, lang);
                match (en, phase) {
                    (true, SdPhase::Plan) => (format!("{what} “{theme}” certified"), "The plan passed every stage; you can carry it out and record your progress.".into()),
                    (true, SdPhase::Result) => (format!("{what} “{theme}” certified"), "The results passed every stage; you can turn them into a diverse performance and select it.".into()),
                    (false, SdPhase::Plan) => (format!("{what}「{theme}」已通過認證"), "計畫已通過全部認證，可以開始執行並記錄進度。".into()),
                    (false, SdPhase::Result) => (format!("{what}「{theme}」已通過認證"), "成果已認證成功，可以轉為多元表現並勾選。".into()),
                }
            }
        }
    }
}

fn phase_name(phase: SdPhase, lang: Lang) -> &'static str {
    match (phase, lang) {
        (SdPhase::Plan, Lang::Zh) => "自主學習計畫",
        (SdPhase::Result, Lang::Zh) => "自主學習成果",
        (SdPhase::Plan, Lang::En) => "Self-directed learning plan",
        (SdPhase::Result, Lang::En) => "Self-directed learning results",
    }
}

/// `・1151 修課紀錄（確認期限 115/12/09 11:00）` / `• 1151 Course records (confirm by 2026-12-09 11:00 Taiwan time)`.
fn receipt_line(d: &ReceiptDue, lang: Lang) -> String {
    let local = crate::settings::periods::utc_to_taipei(d.end);
    let category = Category::parse(&d.category);
    match lang {
        Lang::Zh => format!(
            "・{} {}（確認期限 {} {}）",
            d.term,
            category.map(|c| c.name_zh()).unwrap_or(d.category.as_str()),
            crate::time::roc_date(local.date()),
            local.format("%H:%M")
        ),
        Lang::En => format!("• {} {} (confirm by {} Taiwan time)", d.term, category.map(|c| c.name_en()).unwrap_or(d.category.as_str()), local.format("%Y-%m-%d %H:%M")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(identity: &str, label: &str) -> StageName {
        StageName { identity: identity.into(), label: label.into() }
    }

    fn every() -> Vec<Message> {
        let end = chrono::NaiveDate::from_ymd_opt(2026, 12, 9).and_then(|d| d.and_hms_opt(3, 0, 0)).expect("a date");
        let mut out = vec![
            Message::ResultCertified { subject: "國語文".into() },
            Message::ResultRejected { subject: "國語文".into(), reason: "檔案與課程無關".into() },
            Message::SelectionDropped { subject: "國語文".into() },
            Message::ReceiptPending { due: vec![ReceiptDue { term: "1151".into(), category: "course_records".into(), end }] },
        ];
        for phase in [SdPhase::Plan, SdPhase::Result] {
            out.push(Message::SelfDirectedApproved { phase, theme: "校園植物".into(), stage: stage("homeroom", "導師"), next: stage("custom", "圖書館審核") });
            out.push(Message::SelfDirectedReturned { phase, theme: "校園植物".into(), stage: stage("subject", "學科教師"), reason: "請補充".into() });
            out.push(Message::SelfDirectedCertified { phase, theme: "校園植物".into() });
        }
        out
    }

    #[test]
    fn every_kind_round_trips_through_its_stored_form() {
        let all = every();
        let kinds: Vec<NotificationKind> = all.iter().map(Message::kind).collect();
        assert_eq!(kinds, NotificationKind::ALL);
        for m in all {
            assert_eq!(Message::from_stored(m.kind().as_str(), &m.params_json()).as_ref(), Some(&m));
        }
        assert_eq!(Message::from_stored("result_certified", "{}"), None);
        assert_eq!(Message::from_stored("no_such_kind", r#"{"subject":"x"}"#), None);
        assert_eq!(Message::from_stored("result_certified", "not json"), None);
    }

    #[test]
    fn english_texts_carry_no_chinese_but_what_people_wrote() {
        let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for m in every() {
            let (title, body) = m.render(Lang::En);
            let stripped = [title, body]
                .join("\n")
                .replace("國語文", "")
                .replace("檔案與課程無關", "")
                .replace("校園植物", "")
                .replace("圖書館審核", "")
                .replace("請補充", "")
                .replace("收訖明細", "");
            assert!(!cjk(&stripped), "{m:?}: {stripped}");
            let (title, body) = m.render(Lang::Zh);
            assert!(cjk(&title) && cjk(&body), "{m:?}");
        }
        let receipt = &every()[3];
        assert_eq!(receipt.render(Lang::Zh).1, "中央資料庫已回傳您的收訖明細，請在期限內確認資料正確或回報問題：\n・1151 修課紀錄（確認期限 115/12/09 11:00）");
        assert!(receipt.render(Lang::En).1.ends_with("• 1151 Course records (confirm by 2026-12-09 11:00 Taiwan time)"));
    }
}
