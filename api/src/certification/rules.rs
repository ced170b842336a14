//! The certification rules as plain functions (manual 3.5, FAQ 000 Q6, FAQ 004 Q11–Q12, 003 #19,
//! #23): what a decision does to a result's state, and what a reason must look like.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::uploads::results::ResultState;

/// A teacher's decision on a learning result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// 認證成功: the student's own work (authorship, not quality: 003 #23).
    Certify,
    /// 認證失敗, with a reason the student sees.
    Reject,
}

impl Decision {
    pub fn name_zh(self) -> &'static str {
        match self {
            Decision::Certify => "認證成功",
            Decision::Reject => "認證失敗",
        }
    }
}

/// What certification is, as teachers are told on the certification screen and in the reminder
/// mail (meeting 003 #23: 「課程學習成果教師認證目的在於確認課程學習成果作品是否為上傳學生本人」;
/// 「教師應是認證『真偽』而非好壞」).
pub const MEANING_ZH: &str = "認證是確認這份課程學習成果確為學生本人的作品（真偽），不是評定作品的好壞；學習表現的良窳請在教學活動中指導。";

/// Longest rejection reason.
pub const MAX_REASON_CHARS: usize = 200;

/// The state `decision` moves a result in `current` to, or (zh, en) why it cannot:
/// submitted → certified or rejected; certified → rejected (000 Q6). Nothing else.
pub fn next_state(current: ResultState, decision: Decision) -> Result<ResultState, (&'static str, &'static str)> {
    use ResultState::*;
    match (current, decision) {
        (Submitted, Decision::Certify) => Ok(Certified),
        (Submitted, Decision::Reject) | (Certified, Decision::Reject) => Ok(Rejected),
        (Certified, Decision::Certify) => Err(("此學習成果已認證成功。", "The learning result is already certified.")),
        (Editing, _) => Err(("學生尚未送出認證，不能審核。", "The student has not submitted it for certification.")),
        (Rejected, _) => Err((
            "此學習成果已認證失敗；學生可刪除後重新上傳。",
            "The learning result was rejected; the student may delete it and upload again.",
        )),
    }
}

/// The trimmed reason, required for a rejection and at most [`MAX_REASON_CHARS`] characters;
/// a certification carries none.
pub fn reason(decision: Decision, given: Option<&str>) -> Result<Option<String>, (&'static str, &'static str)> {
    let text = given.map(str::trim).filter(|s| !s.is_empty());
    match (decision, text) {
        (Decision::Certify, _) => Ok(None),
        (Decision::Reject, None) => Err(("認證失敗須填寫原因，學生會看到這段說明。", "A rejection needs a reason; the student sees it.")),
        (Decision::Reject, Some(t)) if t.chars().count() > MAX_REASON_CHARS => Err(("原因最多 200 字。", "The reason is at most 200 characters.")),
        (Decision::Reject, Some(t)) => Ok(Some(t.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ResultState::*;

    #[test]
    fn only_submitted_and_certified_results_are_decided() {
        assert_eq!(next_state(Submitted, Decision::Certify), Ok(Certified));
        assert_eq!(next_state(Submitted, Decision::Reject), Ok(Rejected));
        assert_eq!(next_state(Certified, Decision::Reject), Ok(Rejected));
        assert!(next_state(Certified, Decision::Certify).is_err());
        assert!(next_state(Editing, Decision::Certify).is_err());
        assert!(next_state(Editing, Decision::Reject).is_err());
        assert!(next_state(Rejected, Decision::Certify).is_err());
        assert!(next_state(Rejected, Decision::Reject).is_err());
    }

    #[test]
    fn a_rejection_needs_a_short_reason() {
        assert_eq!(reason(Decision::Certify, Some("x")), Ok(None));
        assert!(reason(Decision::Reject, None).is_err());
        assert!(reason(Decision::Reject, Some("  ")).is_err());
        assert_eq!(reason(Decision::Reject, Some(" 非本人作品 ")), Ok(Some("非本人作品".into())));
        assert!(reason(Decision::Reject, Some(&"字".repeat(201))).is_err());
        assert!(reason(Decision::Reject, Some(&"字".repeat(200))).is_ok());
    }
}
