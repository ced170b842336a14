//! The signed-in caller of a school as the domains see them: who acts and whose items, a
//! transfer student's temporary account acting for its student (manual 3.7).

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::identity::{Role, UserKind};

use super::{Need, Principal};

/// The signed-in caller as the upload rules and the inbox see them. A transfer student's temporary account
/// (manual 3.7) acts as its student: `user` is the student, `actor` the temporary account, and
/// every change is recorded as made by `actor` on the student's behalf.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub school: i64,
    /// Whose items: the signed-in user, or the student a temporary account acts for.
    pub user: i64,
    /// Who acts: the signed-in user (a temporary account when it differs from `user`).
    pub actor: i64,
    pub admin: bool,
    pub student: bool,
}

impl Caller {
    /// Any signed-in user of a school (API keys and the platform operator are refused).
    pub fn of(who: &Principal) -> ApiResult<Caller> {
        let u = who.user()?;
        let school = who.school_id()?;
        let admin = u.roles.contains(&Role::SchoolAdmin);
        let student = u.roles.contains(&Role::Student);
        if UserKind::parse(&u.user.kind) == Some(UserKind::Temporary) {
            // Expired and ended temporary accounts never get this far (authentication refuses them).
            let for_student = u.user.linked_user_id.ok_or_else(|| {
                ApiError::with_detail(ErrorCode::Conflict, "此臨時帳號沒有對應的學生，請洽學校。", "This temporary account is not linked to a student.")
            })?;
            return Ok(Caller { school, user: for_student, actor: u.user.id, admin: false, student });
        }
        Ok(Caller { school, user: u.user.id, actor: u.user.id, admin, student })
    }

    /// Whether a temporary account acts for the student.
    pub fn on_behalf(&self) -> bool {
        self.actor != self.user
    }

    /// Only students act on their own items: the role is checked where every other endpoint's
    /// is ([`Principal::require`]); the caller then names whose items they are.
    pub fn student(who: &Principal) -> ApiResult<Caller> {
        who.require(Need::roles(&[Role::Student]))?;
        Caller::of(who)
    }
}
