//! Course learning results (課程學習成果; DESIGN.md, FAQ 004, 003 #8, #11, #32): a student
//! creates one for a course they take this term, with an optional description and a document
//! and/or a video; edits or deletes it while `editing`; submits it (`submitted`); the teacher
//! certifies or rejects it (issue #7); a rejected one may be edited and submitted again (FAQ 004
//! Q12). Only the upload period of the result's own term allows those changes. Submitted and
//! certified results never change. Every state change is recorded with its time and actor.

use actix_multipart::Multipart;
use actix_web::{get, post, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::identity::UserKind;
use crate::state::AppState;
use crate::auth::Principal;
use crate::db::{DbConn, Totals};
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::pagination::{offset, total_from_page, Page};
use crate::responses::OwnItem;
use crate::schema::{certification_delegates as cd, courses, enrolments, learning_result_events as ev, learning_results as lr, selections, stored_files, student_profiles as sp, teaching_assignments as ta, users};
use crate::settings::{parameters, periods};
use crate::terms::Term;

use super::access::{self, Caller, Visible};
use super::files::FileInfo;
use super::form::{self, Form};
use super::items::{self, live, FileParts, ItemKind, Owner, Removals, StudentFilter, Upload};
use super::served::Resource;
use super::{links, rules};


/// 編輯中 → 認證中 → 認證成功 / 認證失敗.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResultState {
    /// 編輯中: the student may edit, delete or submit it.
    Editing,
    /// 認證中: locked, waiting for the teacher.
    Submitted,
    /// 認證成功.
    Certified,
    /// 認證失敗, with the teacher's reason; may be edited (back to `editing`) and submitted again,
    /// or deleted and uploaded again (FAQ 004 Q12).
    Rejected,
}

impl ResultState {
    pub const ALL: [ResultState; 4] = [ResultState::Editing, ResultState::Submitted, ResultState::Certified, ResultState::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            ResultState::Editing => "editing",
            ResultState::Submitted => "submitted",
            ResultState::Certified => "certified",
            ResultState::Rejected => "rejected",
        }
    }

    /// The stored state (`learning_results.state`); anything else is an error, never a default.
    pub fn parse(s: &str) -> ApiResult<ResultState> {
        ResultState::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| ApiError::bad_stored("learning result state", s))
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ResultState::Editing => "編輯中",
            ResultState::Submitted => "認證中",
            ResultState::Certified => "認證成功",
            ResultState::Rejected => "認證失敗",
        }
    }
}

/// A learning result as lists and details show it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 88, "student_id": 345, "student_account": "999999_114001", "student_name": "王小明", "class_code": "201", "seat_no": 7,
    "course_id": 31, "course_code": "108999999V1110501010101", "subject_name": "國語文", "term": "1151", "academic_year": 115, "semester": 1,
    "description": "閱讀心得：〈背影〉中的父子情", "state": "certified", "selected": true,
    "document": {"id": 501, "sha256": "9f2c4e0b7a1d3c5e8f6a2b4d0c1e3f5a7b9d2c4e6f8a0b1c3d5e7f9a2b4c6d8e", "size": 482133, "kind": "pdf", "name": "背影心得.pdf"}, "video": null,
    "submitted_at": "2026-10-02T03:15:00Z", "decided_at": "2026-10-05T06:40:00Z", "decided_by": "林老師", "reject_reason": null,
    "created_at": "2026-09-30T11:02:00Z", "updated_at": "2026-10-05T06:40:00Z"}))]
pub struct LearningResult {
    pub id: i64,
    #[serde(flatten)]
    pub owner: Owner,
    pub course_id: i64,
    pub course_code: String,
    pub subject_name: String,
    /// Term code, e.g. `1151`.
    pub term: String,
    pub academic_year: i32,
    pub semester: i32,
    /// 內容簡述 (at most 100 characters; empty when the student wrote none).
    pub description: String,
    pub document: Option<FileInfo>,
    pub video: Option<FileInfo>,
    pub state: ResultState,
    /// The teacher's reason when rejected.
    pub reject_reason: Option<String>,
    /// Selected for submission to the central database.
    pub selected: bool,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc")]
    pub updated_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub submitted_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub decided_at: Option<NaiveDateTime>,
    /// Who certified or rejected it.
    pub decided_by: Option<String>,
}

/// What a learning result's history entry records (the SPA names each in zh-TW and English):
/// - `created`: uploaded (上傳)
/// - `updated`: edited (修改)
/// - `submitted`: submitted for certification (送出認證)
/// - `certified`: a teacher certified it (認證成功)
/// - `rejected`: a teacher rejected it, with the reason (認證失敗)
/// - `deleted`: deleted (刪除)
/// - `unselected`: it left the student's selection because it was no longer certified (已取消勾選)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResultAction {
    Created,
    Updated,
    Submitted,
    Certified,
    Rejected,
    Deleted,
    Unselected,
}

impl ResultAction {
    pub const ALL: [ResultAction; 7] =
        [ResultAction::Created, ResultAction::Updated, ResultAction::Submitted, ResultAction::Certified, ResultAction::Rejected, ResultAction::Deleted, ResultAction::Unselected];

    /// As `learning_result_events.action` stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            ResultAction::Created => "created",
            ResultAction::Updated => "updated",
            ResultAction::Submitted => "submitted",
            ResultAction::Certified => "certified",
            ResultAction::Rejected => "rejected",
            ResultAction::Deleted => "deleted",
            ResultAction::Unselected => "unselected",
        }
    }

    /// The stored action; anything else is an error, never a default.
    pub fn parse(s: &str) -> ApiResult<ResultAction> {
        ResultAction::ALL.into_iter().find(|a| a.as_str() == s).ok_or_else(|| ApiError::bad_stored("learning_result_events.action", s))
    }
}

/// One state change: what, by whom, when, why.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultEvent {
    pub action: ResultAction,
    /// The state after the change.
    pub state: ResultState,
    #[serde(serialize_with = "crate::time::utc")]
    pub at: NaiveDateTime,
    pub actor_account: Option<String>,
    pub actor_name: Option<String>,
    /// When a transfer student's temporary account acted (manual 3.7): the student's account it
    /// acted for.
    pub on_behalf_of: Option<String>,
    /// The teacher's reason of a rejection.
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "result": {
        "academic_year": 115, "class_code": "201", "course_code": "108999999V1110501010101", "course_id": 31, "created_at": "2026-09-30T11:02:00Z",
        "decided_at": "2026-10-05T06:40:00Z", "decided_by": "林老師", "description": "閱讀心得：〈背影〉中的父子情",
        "document": {
            "id": 501, "kind": "pdf", "name": "背影心得.pdf", "sha256": "9f2c4e0b7a1d3c5e8f6a2b4d0c1e3f5a7b9d2c4e6f8a0b1c3d5e7f9a2b4c6d8e", "size": 482133
        },
        "id": 88, "reject_reason": null, "seat_no": 7, "selected": true, "semester": 1, "state": "certified", "student_account": "999999_114001",
        "student_id": 345, "student_name": "王小明", "subject_name": "國語文", "submitted_at": "2026-10-02T03:15:00Z", "term": "1151",
        "updated_at": "2026-10-05T06:40:00Z", "video": null
    },
    "delegates": [{"name": "陳志強", "for_teacher": null, "since": "2026-10-01T02:00:00Z"}],
    "history": [
        {
            "action": "created", "state": "editing", "actor_account": "999999_114001", "actor_name": "王小明", "on_behalf_of": null, "reason": null,
            "at": "2026-09-30T11:02:00Z"
        },
        {
            "action": "submitted", "state": "submitted", "actor_account": "999999_114001", "actor_name": "王小明", "on_behalf_of": null, "reason": null,
            "at": "2026-10-02T03:15:00Z"
        },
        {
            "action": "certified", "state": "certified", "actor_account": "999999_T001", "actor_name": "林老師", "on_behalf_of": null, "reason": null,
            "at": "2026-10-05T06:40:00Z"
        }
    ]
}))]
pub struct LearningResultDetail {
    pub result: LearningResult,
    /// Every state change, oldest first.
    pub history: Vec<ResultEvent>,
    /// Who certifies in place of the course's teacher, since when (003 #25: visible to the
    /// student and the co-teachers).
    pub delegates: Vec<crate::delegates::DelegateNote>,
}

/// The multipart form of a new learning result.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
#[schema(example = json!({"course_id": 3, "description": "專題報告：校園植物觀察"}))]
pub struct NewResultForm {
    /// A course the student takes this term.
    course_id: i64,
    /// 內容簡述 (optional, FAQ 004 Q10): at most 100 characters, no links.
    description: Option<String>,
    #[serde(flatten)]
    files: FileParts,
}

/// The multipart form of an edit: any field left out stays as it is.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
#[schema(example = json!({"description": "專題報告（修訂版）", "remove_video": true}))]
pub struct EditResultForm {
    /// 內容簡述: left out, it stays; blank, it is cleared.
    description: Option<String>,
    #[serde(flatten)]
    files: FileParts,
    #[serde(flatten)]
    removals: Removals,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultFilter {
    /// Term code, e.g. `1151` (default: every term).
    #[param(pattern = r"^[0-9]{3}[0-2]$", example = "1151")]
    pub term: Option<String>,
    pub course_id: Option<i64>,
    pub state: Option<ResultState>,
}

/// A course the student takes this term, with its learning results.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyCourse {
    pub id: i64,
    pub course_code: String,
    pub subject_name: String,
    pub class_code: String,
    pub credits: i32,
    /// Learning results of this subject this semester (not deleted).
    pub results: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "term": {"academic_year": 115, "semester": 1},
    "courses": [
        {"id": 31, "course_code": "108999999V1110201010101", "subject_name": "國語文", "class_code": "201", "credits": 4, "results": 1},
        {"id": 32, "course_code": "108999999V1110201010102", "subject_name": "英語文", "class_code": "201", "credits": 4, "results": 0}
    ],
    "used": 1, "per_semester_limit": 6, "per_subject_limit": 3,
    "upload_period": periods::example(periods::Item::UploadResults)
}))]
pub struct MyCourses {
    pub term: Term,
    /// 學生學習成果上傳數量 (件/學期).
    pub per_semester_limit: i32,
    /// 學生單科學習成果上傳數量 (件/學期).
    pub per_subject_limit: i32,
    /// Learning results this semester (not deleted).
    pub used: i64,
    pub courses: Vec<MyCourse>,
    /// The student's upload period this semester, if set.
    pub upload_period: Option<periods::Period>,
}

/// A stored file's columns as [`files::columns`] selects them.
type FileRow = (i64, String, i64, String, String);

/// A learning result's own columns.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = lr)]
struct Cols {
    id: i64,
    student_id: i64,
    course_id: i64,
    academic_year: i32,
    semester: i32,
    description: String,
    state: String,
    reject_reason: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    submitted_at: Option<NaiveDateTime>,
    decided_at: Option<NaiveDateTime>,
}

type Row = (
    Cols,
    (String, String, Option<String>, Option<i32>),
    (String, String),
    // The document, the video, the selection and the name of who decided, joined in the same
    // query rather than looked up per page with `IN (…)` lists (issue #25).
    (Option<FileRow>, Option<FileRow>, Option<i64>, Option<String>),
);

// Who decided, and the two files, joined into the result's row.
diesel::alias!(users as deciders: Deciders, stored_files as documents: Documents, stored_files as videos: Videos);

fn file_info(row: Option<FileRow>) -> Option<FileInfo> {
    row.map(|(id, sha256, size, kind, name)| FileInfo { id, sha256, size, kind, name })
}

/// Rows of [`result_query`] in their API shape (an unknown stored state is an error).
fn shape(rows: Vec<Row>) -> ApiResult<Vec<LearningResult>> {
    rows.into_iter()
        .map(|(r, (account, name, class_code, seat_no), (course_code, subject_name), (document, video, selection, decided_by))| {
            Ok(LearningResult {
                id: r.id,
                owner: Owner::of(r.student_id, (account, name, class_code, seat_no)),
                course_id: r.course_id,
                course_code,
                subject_name,
                term: Term { academic_year: r.academic_year, semester: r.semester }.code(),
                academic_year: r.academic_year,
                semester: r.semester,
                description: r.description,
                document: file_info(document),
                video: file_info(video),
                state: ResultState::parse(&r.state)?,
                reject_reason: r.reject_reason,
                selected: selection.is_some(),
                created_at: r.created_at,
                updated_at: r.updated_at,
                submitted_at: r.submitted_at,
                decided_at: r.decided_at,
                decided_by,
            })
        })
        .collect()
}

macro_rules! result_query {
    () => {
        lr::table
            .inner_join(users::table.on(users::id.eq(lr::student_id)))
            .left_join(sp::table.on(sp::user_id.eq(lr::student_id)))
            .inner_join(courses::table.on(courses::id.eq(lr::course_id)))
            .left_join(documents.on(documents.field(stored_files::id).nullable().eq(lr::document_file_id)))
            .left_join(videos.on(videos.field(stored_files::id).nullable().eq(lr::video_file_id)))
            // At most one: selections are unique by item.
            .left_join(selections::table.on(selections::item_kind.eq(ItemKind::Result.as_str()).and(selections::item_id.eq(lr::id))))
            .left_join(deciders.on(deciders.field(users::id).nullable().eq(lr::decided_by)))
            .filter(live::<lr::table>())
            .select((
                Cols::as_select(),
                (users::account, users::display_name, sp::class_code.nullable(), sp::seat_no.nullable()),
                (courses::course_code, courses::subject_name),
                (
                    documents.fields((stored_files::id, stored_files::sha256, stored_files::size, stored_files::kind, stored_files::original_name)).nullable(),
                    videos.fields((stored_files::id, stored_files::sha256, stored_files::size, stored_files::kind, stored_files::original_name)).nullable(),
                    selections::id.nullable(),
                    deciders.field(users::display_name).nullable(),
                ),
            ))
    };
}

/// One result if `me` may see it (404 otherwise, so existence does not leak).
pub fn load_visible(c: &mut DbConn, me: Caller, id: i64) -> ApiResult<LearningResult> {
    let row: Option<Row> = result_query!().filter(lr::id.eq(id)).filter(lr::school_id.eq(me.school)).first(c).optional()?;
    let row = row.ok_or_else(ApiError::not_found)?;
    let vis = access::visible(c, me)?;
    if !vis.result(row.0.student_id, row.0.course_id) {
        return Err(ApiError::not_found());
    }
    shape(vec![row])?.pop().ok_or_else(ApiError::not_found)
}

/// Learning results at `/learning-results` ([`super::served`] holds the handlers and their document).
impl Resource for LearningResult {
    /// The result with every state change and who certifies in the teacher's place.
    type Detail = LearningResultDetail;
    type Filter = ResultFilter;
    type Forms = (NewResultForm, EditResultForm);

    /// Acknowledged only once the files are durably stored with their SHA-256.
    async fn create(state: &AppState, me: Caller, payload: Multipart) -> ApiResult<i64> {
        let facts = upload_gate(state, me).await?;
        let mut form = form::read(payload, &state.config, &["course_id", "description"]).await?;
        let course_id: i64 = form
            .non_blank("course_id")
            .ok_or_else(|| ApiError::validation().field("course_id", "請選擇課程", "the course is required"))?
            .parse()
            .map_err(|_| ApiError::validation().field("course_id", "課程代號須為數字", "must be a number"))?;
        let text = description(&form)?.unwrap_or_default();
        links::refuse_in_document(&form).await?;
        if form.files.is_empty() {
            return Err(ApiError::validation().field("document", "請上傳文件檔或影音檔（至少一個）", "attach a document and/or a video"));
        }
        let upload = Upload::take(&mut form)?;
        let (grade, now) = (facts.grade, state.clock.now());
        state.db.write(move |c| create(c, me, grade, course_id, &text, upload, now)).await
    }

    fn files(self) -> (Option<FileInfo>, Option<FileInfo>) {
        (self.document, self.video)
    }

    fn list(c: &mut DbConn, totals: &Totals, me: Caller, f: &ResultFilter, students: &StudentFilter, page: i64, per_page: i64) -> ApiResult<Page<LearningResult>> {
        let scope = Scope::from(access::visible(c, me)?);
        list_in(c, Some(totals), me.school, &scope, (f, students), true, page, per_page)
    }

    fn load(c: &mut DbConn, me: Caller, id: i64) -> ApiResult<LearningResult> {
        load_visible(c, me, id)
    }

    fn detail(c: &mut DbConn, me: Caller, id: i64) -> ApiResult<LearningResultDetail> {
        let result = load_visible(c, me, id)?;
        let history = history(c, id)?;
        let delegates = crate::delegates::for_course(c, me.school, result.course_id)?;
        Ok(LearningResultDetail { result, history, delegates })
    }

    async fn update(state: &AppState, me: Caller, id: i64, payload: Multipart) -> ApiResult<()> {
        let now = state.clock.now();
        // Refuse a locked result, or one outside its term's upload period, before reading its body.
        state.db.read(move |c| own_in_period(c, me, id, EDITABLE, "修改", now)).await?;
        let mut form = form::read(payload, &state.config, &["description", "remove_document", "remove_video"]).await?;
        let text = description(&form)?;
        links::refuse_in_document(&form).await?;
        let upload = Upload::take(&mut form)?;
        state.db.write(move |c| edit(c, me, id, text.as_deref(), upload, now)).await
    }

    fn soft_delete(c: &mut DbConn, me: Caller, id: i64, now: NaiveDateTime) -> ApiResult<()> {
        soft_delete(c, me, id, now)
    }
}

pub fn history(c: &mut DbConn, id: i64) -> ApiResult<Vec<ResultEvent>> {
    /// What happened: action, state, reason, time.
    type What = (String, String, Option<String>, NaiveDateTime);
    /// Who acted: account, name, kind, and whom a temporary account acts for.
    type Who = (Option<String>, Option<String>, Option<String>, Option<i64>);
    let rows: Vec<(What, Who)> = ev::table
        .left_join(users::table.on(users::id.nullable().eq(ev::actor_id)))
        .filter(ev::result_id.eq(id))
        .order(ev::id.asc())
        .select(((ev::action, ev::state, ev::reason, ev::at), (users::account.nullable(), users::display_name.nullable(), users::kind.nullable(), users::linked_user_id.nullable())))
        .load(c)?;
    let linked: Vec<i64> = rows.iter().filter(|(_, (_, _, kind, _))| kind.as_deref() == Some(UserKind::Temporary.as_str())).filter_map(|(_, (_, _, _, linked))| *linked).collect();
    let students: Vec<(i64, String)> = if linked.is_empty() { vec![] } else { users::table.filter(users::id.eq_any(&linked)).select((users::id, users::account)).load(c)? };
    rows.into_iter()
        .map(|((action, state, reason, at), (actor_account, actor_name, kind, linked))| {
            let on_behalf_of = linked
                .filter(|_| kind.as_deref() == Some(UserKind::Temporary.as_str()))
                .and_then(|l| students.iter().find(|(i, _)| *i == l).map(|(_, a)| a.clone()));
            Ok(ResultEvent { action: ResultAction::parse(&action)?, state: ResultState::parse(&state)?, at, actor_account, actor_name, on_behalf_of, reason })
        })
        .collect()
}

/// Records an event of a result with the SHA-256 of the files it has now (sealed into the
/// school's history chain shortly after: `crate::history`).
pub fn record(c: &mut DbConn, result: i64, action: ResultAction, state: ResultState, actor: i64, reason: Option<&str>, now: NaiveDateTime) -> ApiResult<()> {
    record_change(c, result, action, state, actor, reason, None, now)
}

/// The fields of a result an edit changes, as its event records them before and after (issue
/// #26): the description and the SHA-256 of its files.
fn edited_fields(c: &mut DbConn, result: i64) -> ApiResult<serde_json::Value> {
    let (description, document, video): (String, Option<i64>, Option<i64>) = lr::table.find(result).select((lr::description, lr::document_file_id, lr::video_file_id)).first(c)?;
    let [document, video] = crate::history::file_sha256s(c, [document, video])?;
    Ok(serde_json::json!({"description": description, "document_sha256": document, "video_sha256": video}))
}

/// [`record`], with the result's fields before and after the change (`detail`, sealed with the
/// event).
#[allow(clippy::too_many_arguments)]
fn record_change(c: &mut DbConn, result: i64, action: ResultAction, state: ResultState, actor: i64, reason: Option<&str>, detail: Option<serde_json::Value>, now: NaiveDateTime) -> ApiResult<()> {
    let (document, video): (Option<i64>, Option<i64>) = lr::table.find(result).select((lr::document_file_id, lr::video_file_id)).first(c)?;
    let [document, video] = crate::history::file_sha256s(c, [document, video])?;
    diesel::insert_into(ev::table)
        .values((
            ev::result_id.eq(result),
            ev::action.eq(action.as_str()),
            ev::state.eq(state.as_str()),
            ev::actor_id.eq(actor),
            ev::reason.eq(reason),
            ev::at.eq(now),
            ev::document_sha256.eq(document),
            ev::video_sha256.eq(video),
            ev::detail.eq(detail.map(|d| d.to_string())),
        ))
        .execute(c)?;
    Ok(())
}

pub fn parse_term(code: &str) -> ApiResult<Term> {
    Term::parse_code(code).ok_or_else(|| ApiError::new(ErrorCode::InvalidQuery).field("term", "學年期格式為 4 碼，例如 1151", "a term is written like 1151"))
}

/// Whose results a list covers. The frequent lists — a student's own, a teacher's certification
/// queue, the whole school — are SQL of one fixed shape, so every connection prepares the
/// statement once and reuses it (issue #25); only an adviser's list names its students and
/// courses (a variable-length `IN` list, prepared each time on SQLite).
#[derive(Debug, Clone)]
pub enum Scope {
    /// The whole school (the admin).
    School,
    /// One student's own.
    Student(i64),
    /// The results of the courses `teacher` teaches (active assignments) and of those they
    /// certify as a delegate (003 #25; as [`crate::delegates::delegated_courses`]).
    Certifier(i64),
    /// These students' results and these courses'.
    Some { students: Vec<i64>, courses: Vec<i64> },
}

impl From<Visible> for Scope {
    fn from(vis: Visible) -> Scope {
        match vis {
            Visible::All => Scope::School,
            Visible::Some { students, courses } if courses.is_empty() && students.len() == 1 => Scope::Student(students[0]),
            Visible::Some { students, courses } => Scope::Some { students, courses },
        }
    }
}

/// One page of the school's results that `scope` covers, filtered; `drafts`: include `editing`
/// ones. `totals`: reuse the list's total while nothing changed (see [`crate::db::Totals`]).
#[allow(clippy::too_many_arguments)]
pub fn list_in(c: &mut DbConn, totals: Option<&Totals>, school: i64, scope: &Scope, f: (&ResultFilter, &StudentFilter), drafts: bool, page: i64, per_page: i64) -> ApiResult<Page<LearningResult>> {
    let (f, students) = f;
    let term = f.term.as_deref().map(parse_term).transpose()?;
    macro_rules! filtered {
        () => {{
            let mut q = result_query!().filter(lr::school_id.eq(school)).into_boxed();
            match scope {
                Scope::School => {}
                Scope::Student(id) => q = q.filter(lr::student_id.eq(*id)),
                Scope::Certifier(teacher) => {
                    let taught = ta::table.filter(ta::teacher_id.eq(*teacher)).filter(ta::school_id.eq(school)).filter(ta::active.eq(true)).select(ta::course_id);
                    let named = cd::table
                        .filter(cd::school_id.eq(school))
                        .filter(cd::delegate_id.eq(*teacher))
                        .filter(cd::ended_at.is_null())
                        .filter(cd::course_id.is_not_null())
                        .select(cd::course_id.assume_not_null());
                    let stood_in = cd::table
                        .filter(cd::school_id.eq(school))
                        .filter(cd::delegate_id.eq(*teacher))
                        .filter(cd::ended_at.is_null())
                        .filter(cd::teacher_id.is_not_null())
                        .select(cd::teacher_id.assume_not_null());
                    let of_stood_in = ta::table.filter(ta::school_id.eq(school)).filter(ta::teacher_id.eq_any(stood_in)).select(ta::course_id);
                    q = q.filter(lr::course_id.eq_any(taught).or(lr::course_id.eq_any(named)).or(lr::course_id.eq_any(of_stood_in)));
                }
                Scope::Some { students, courses } => q = q.filter(lr::student_id.eq_any(students.clone()).or(lr::course_id.eq_any(courses.clone()))),
            }
            if let Some(t) = term {
                q = q.filter(lr::academic_year.eq(t.academic_year)).filter(lr::semester.eq(t.semester));
            }
            if let Some(id) = f.course_id {
                q = q.filter(lr::course_id.eq(id));
            }
            if let Some(s) = f.state {
                q = q.filter(lr::state.eq(s.as_str()));
            }
            if !drafts {
                q = q.filter(lr::state.ne(ResultState::Editing.as_str()));
            }
            items::student_filters!(q, students, lr::student_id, courses::subject_name);
            q
        }};
    }
    let rows: Vec<Row> = filtered!()
        .order((lr::academic_year.desc(), lr::semester.desc(), sp::class_code.asc(), sp::seat_no.asc(), lr::id.desc()))
        .limit(per_page)
        .offset(offset(page, per_page))
        .load(c)?;
    let total = match (total_from_page(page, per_page, rows.len()), totals) {
        (Some(total), _) => total,
        (None, Some(totals)) => totals.get_or(format!("results {school} {scope:?} {f:?} {students:?} {drafts}"), || Ok(filtered!().count().get_result(c)?))?,
        (None, None) => filtered!().count().get_result(c)?,
    };
    Ok(Page::new(shape(rows)?, total, page, per_page))
}

/// The course with its term, if the student takes it (active enrolment, active course) in the
/// school's `current` term or an earlier one.
fn enrolled_course(c: &mut DbConn, school: i64, student: i64, course_id: i64, current: Term) -> ApiResult<(i64, String, Term)> {
    let found: Option<(i64, String, i32, i32)> = courses::table
        .inner_join(enrolments::table.on(enrolments::course_id.eq(courses::id)))
        .filter(courses::id.eq(course_id))
        .filter(courses::school_id.eq(school))
        .filter(courses::active.eq(true))
        .filter(enrolments::student_id.eq(student))
        .filter(enrolments::active.eq(true))
        .select((courses::id, courses::subject_name, courses::academic_year, courses::semester))
        .first(c)
        .optional()?;
    match found {
        Some((id, subject, academic_year, semester)) if (academic_year, semester) <= (current.academic_year, current.semester) => {
            Ok((id, subject, Term { academic_year, semester }))
        }
        _ => Err(ApiError::validation().field("course_id", "您沒有修習這門課程", "you do not take this course")),
    }
}

/// The per-semester and per-subject counts (003 #30, manual 3.3). Call with the student locked.
pub fn check_counts(c: &mut DbConn, school: i64, student: i64, term: Term, subject: &str) -> ApiResult<()> {
    let (params, _) = parameters::load(c, school)?;
    let used: i64 = lr::table
        .filter(lr::student_id.eq(student))
        .filter(lr::academic_year.eq(term.academic_year))
        .filter(lr::semester.eq(term.semester))
        .filter(live::<lr::table>())
        .count()
        .get_result(c)?;
    items::within(used, params.results_per_semester, |used, limit| {
        (format!("本學期已上傳 {used} 件學習成果，已達學校設定的上限 {limit} 件。"), format!("You have {used} learning results this semester; the school allows {limit}."))
    })?;
    let same_subject: i64 = lr::table
        .inner_join(courses::table.on(courses::id.eq(lr::course_id)))
        .filter(lr::student_id.eq(student))
        .filter(lr::academic_year.eq(term.academic_year))
        .filter(lr::semester.eq(term.semester))
        .filter(live::<lr::table>())
        .filter(courses::subject_name.eq(subject))
        .count()
        .get_result(c)?;
    items::within(same_subject, params.results_per_subject, |same_subject, limit| {
        (
            format!("「{subject}」本學期已上傳 {same_subject} 件，已達學校設定的單科上限 {limit} 件。"),
            format!("You have {same_subject} results for {subject} this semester; the school allows {limit} per subject."),
        )
    })
}

/// 內容簡述 is optional (FAQ 004 Q10: 「文字描述 100 字」非必填): `None` when the form leaves it
/// out, `Some("")` when it is blank (on an edit: cleared); otherwise at most 100 characters and
/// no links.
fn description(form: &Form) -> ApiResult<Option<String>> {
    let Some(text) = form.text("description") else { return Ok(None) };
    let text = text.trim().to_string();
    if !text.is_empty() {
        rules::check_description(&text)?;
    }
    Ok(Some(text))
}

/// The student's facts and open upload period, before reading a body (fail fast).
async fn upload_gate(state: &AppState, me: Caller) -> ApiResult<access::StudentFacts> {
    let now = state.clock.now();
    state
        .db
        .read(move |c| {
            let facts = access::student_facts(c, me.school, me.user)?;
            let current = periods::require_open(c, me.school, periods::Item::UploadResults, facts.grade, now);
            match current {
                Err(e) if e.code == ErrorCode::PeriodClosed && earlier_upload_open(c, me.school, facts.grade, now)? => Ok(facts),
                Err(e) => Err(e),
                Ok(_) => Ok(facts),
            }
        })
        .await
}

/// `GET /me/courses?term=`: an earlier term's courses, for its results (meeting 003 #3).
#[derive(Debug, Deserialize, IntoParams)]
pub struct CoursesQuery {
    /// Term code, e.g. `1142` (default: the school's current term; not a later one).
    #[param(pattern = r"^[0-9]{3}[12]$", example = "1142")]
    pub term: Option<String>,
}

/// Whether an upload period of an earlier term is open: the term before the current one (after
/// semester 1 → 2) or either semester of the previous academic year, for the grade the student had
/// then (meeting 003 #3: the old term's uploads are finished after the term has moved on).
fn earlier_upload_open(c: &mut DbConn, school: i64, grade_now: i32, now: NaiveDateTime) -> ApiResult<bool> {
    let Some(current) = crate::terms::current(c, school)? else { return Ok(false) };
    let year = current.academic_year - 1;
    // After semester 1 the term before is the previous year's semester 2: dedup drops the repeat.
    let mut earlier = vec![Term { academic_year: year, semester: 1 }, Term { academic_year: year, semester: 2 }, crate::terms::previous(current)];
    earlier.dedup();
    for term in earlier {
        let grade = (grade_now - (current.academic_year - term.academic_year)).max(1);
        if periods::find(c, school, periods::Item::UploadResults, grade, term, now)?.is_some_and(|p| p.open) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// 我的課程: the courses the student takes this term, with counts against the limits.
#[utoipa::path(
    tag = "uploads",
    params(CoursesQuery),
    responses(
        (status = 200, description = "This term's courses and the limits", body = MyCourses),
        (status = 403, description = "Not a student, or outside the upload period of the result's term (`period_closed`)", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "Malformed term", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No term or no student record yet, or a term after the current one (`invalid_state`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/courses")]
pub async fn my_courses(state: web::Data<AppState>, who: Principal, q: web::Query<CoursesQuery>) -> ApiResult<web::Json<MyCourses>> {
    let me = Caller::student(&who)?;
    let now = state.clock.now();
    // A semester, as the schema's pattern says (not `0`, a whole year).
    let asked = q.into_inner().term.map(|t| parse_term(&t).and_then(|t| if t.semester == 0 { Err(ApiError::new(ErrorCode::InvalidQuery).field("term", "學期須為 1 或 2，例如 1142", "a term's semester is 1 or 2, e.g. 1142")) } else { Ok(t) })).transpose()?;
    state
        .db
        .read(move |c| {
            let current = crate::terms::require_current(c, me.school)?;
            let term = asked.unwrap_or(current);
            if (term.academic_year, term.semester) > (current.academic_year, current.semester) {
                // A rule over the school's current term, not the term's form: a state, not a malformed query.
                return Err(ApiError::with_detail(ErrorCode::InvalidState, "不能查詢尚未開始的學期。", "That term has not begun."));
            }
            let facts = access::student_facts(c, me.school, me.user)?;
            // The grade the student had in that term (an earlier year's period is per that grade).
            let grade_then = (facts.grade - (current.academic_year - term.academic_year)).max(1);
            let (params, _) = parameters::load(c, me.school)?;
            let rows: Vec<(i64, String, String, String, i32)> = courses::table
                .inner_join(enrolments::table.on(enrolments::course_id.eq(courses::id)))
                .filter(enrolments::student_id.eq(me.user))
                .filter(enrolments::active.eq(true))
                .filter(courses::school_id.eq(me.school))
                .filter(courses::academic_year.eq(term.academic_year))
                .filter(courses::semester.eq(term.semester))
                .filter(courses::active.eq(true))
                .order(courses::course_code.asc())
                .select((courses::id, courses::course_code, courses::subject_name, courses::class_code, courses::credits))
                .load(c)?;
            let counts: Vec<String> = lr::table
                .inner_join(courses::table.on(courses::id.eq(lr::course_id)))
                .filter(lr::student_id.eq(me.user))
                .filter(lr::academic_year.eq(term.academic_year))
                .filter(lr::semester.eq(term.semester))
                .filter(live::<lr::table>())
                .select(courses::subject_name)
                .load(c)?;
            let courses = rows
                .into_iter()
                .map(|(id, course_code, subject_name, class_code, credits)| {
                    let results = counts.iter().filter(|s| **s == subject_name).count() as i64;
                    MyCourse { id, course_code, subject_name, class_code, credits, results }
                })
                .collect();
            let upload_period = periods::find(c, me.school, periods::Item::UploadResults, grade_then, term, now)?;
            Ok(web::Json(MyCourses {
                term,
                per_semester_limit: params.results_per_semester,
                per_subject_limit: params.results_per_subject,
                used: counts.len() as i64,
                courses,
                upload_period,
            }))
        })
        .await
}

/// Creates the student's result (`editing`) for a course they take: this term's, or — inside that
/// term's own upload period — an earlier one's (meeting 003 #3, FAQ 004 Q5), within the counts,
/// with the files placed. `grade`: the student's grade now.
pub fn create(c: &mut DbConn, me: Caller, grade: i32, course_id: i64, text: &str, upload: Upload, now: NaiveDateTime) -> ApiResult<i64> {
    let current = crate::terms::require_current(c, me.school)?;
    let (course_id, subject, term) = enrolled_course(c, me.school, me.user, course_id, current)?;
    periods::require_open_for(c, me.school, periods::Item::UploadResults, grade, term, now)?;
    access::lock_student(c, me.user)?;
    check_counts(c, me.school, me.user, term, &subject)?;
    let (doc_id, video_id) = upload.place(c, me, now)?;
    let id: i64 = diesel::insert_into(lr::table)
        .values((
            lr::school_id.eq(me.school),
            lr::student_id.eq(me.user),
            lr::course_id.eq(course_id),
            lr::academic_year.eq(term.academic_year),
            lr::semester.eq(term.semester),
            lr::description.eq(text),
            lr::document_file_id.eq(doc_id),
            lr::video_file_id.eq(video_id),
            lr::state.eq(ResultState::Editing.as_str()),
            lr::created_at.eq(now),
            lr::updated_at.eq(now),
        ))
        .returning(lr::id)
        .get_result(c)?;
    record(c, id, ResultAction::Created, ResultState::Editing, me.actor, None, now)?;
    Ok(id)
}

/// The states a student may edit: 編輯中, and 認證失敗 (FAQ 004 Q12: 「就可以再重新編輯，重新上傳認證
/// 資料」), which an edit turns back into 編輯中.
const EDITABLE: &[ResultState] = &[ResultState::Editing, ResultState::Rejected];

/// The student's own result, as the edit, submit and delete rules need it.
struct Own {
    state: ResultState,
    term: Term,
    document: Option<i64>,
    video: Option<i64>,
}

/// The student's own result in a state that allows `action`.
fn own_in_state(c: &mut DbConn, me: Caller, id: i64, allowed: &[ResultState], action_zh: &str) -> ApiResult<Own> {
    let row: Option<(i64, (String, i32, i32, Option<i64>, Option<i64>))> = lr::table
        .filter(lr::id.eq(id))
        .filter(lr::school_id.eq(me.school))
        .filter(live::<lr::table>())
        .select((lr::student_id, (lr::state, lr::academic_year, lr::semester, lr::document_file_id, lr::video_file_id)))
        .first(c)
        .optional()?;
    let (state, academic_year, semester, document, video) = items::own(row, me)?;
    let state = ResultState::parse(&state)?;
    if !allowed.contains(&state) {
        return Err(ApiError::with_detail(
            ErrorCode::InvalidState,
            format!("此學習成果為「{}」，不能{action_zh}。", state.name_zh()),
            format!("The learning result is {}; it cannot be changed this way.", state.as_str()),
        ));
    }
    Ok(Own { state, term: Term { academic_year, semester }, document, video })
}

/// The student's own result in an `allowed` state, inside the upload period of the result's own
/// term (FAQ 004 Q5, meeting 003 #11: a result belongs to its term), for the grade the student
/// was in that term. A later term's period does not open an earlier term's result.
fn own_in_period(c: &mut DbConn, me: Caller, id: i64, allowed: &[ResultState], action_zh: &str, now: NaiveDateTime) -> ApiResult<Own> {
    let own = own_in_state(c, me, id, allowed, action_zh)?;
    let facts = access::student_facts(c, me.school, me.user)?;
    periods::require_open_for(c, me.school, periods::Item::UploadResults, facts.grade, own.term, now)?;
    Ok(own)
}

/// Edits the student's own `editing` or `rejected` result inside its term's upload period, back to
/// `editing`: the description when `text` is given, the files as `upload` says (at least one
/// remains); the event records the fields before and after.
pub fn edit(c: &mut DbConn, me: Caller, id: i64, text: Option<&str>, upload: Upload, now: NaiveDateTime) -> ApiResult<()> {
    let own = own_in_period(c, me, id, EDITABLE, "修改", now)?;
    let before = edited_fields(c, id)?;
    let (doc_id, video_id) = upload.apply(c, me, (own.document, own.video), now)?;
    if doc_id.is_none() && video_id.is_none() {
        return Err(ApiError::validation().field("document", "至少須保留一個文件檔或影音檔", "keep at least a document or a video"));
    }
    diesel::update(lr::table.find(id))
        .set((lr::state.eq(ResultState::Editing.as_str()), lr::document_file_id.eq(doc_id), lr::video_file_id.eq(video_id), lr::updated_at.eq(now)))
        .execute(c)?;
    if let Some(text) = text {
        diesel::update(lr::table.find(id)).set(lr::description.eq(text)).execute(c)?;
    }
    let after = edited_fields(c, id)?;
    record_change(c, id, ResultAction::Updated, ResultState::Editing, me.actor, None, Some(serde_json::json!({"before": before, "after": after})), now)
}

/// Deletes the student's own `editing` or `rejected` result inside its term's upload period: the
/// row stays, with its deletion time and a `deleted` event.
pub fn soft_delete(c: &mut DbConn, me: Caller, id: i64, now: NaiveDateTime) -> ApiResult<()> {
    let own = own_in_period(c, me, id, &[ResultState::Editing, ResultState::Rejected], "刪除", now)?;
    diesel::update(lr::table.find(id)).set((lr::deleted_at.eq(Some(now)), lr::updated_at.eq(now))).execute(c)?;
    record(c, id, ResultAction::Deleted, own.state, me.actor, None, now)
}

/// 送出認證: `editing` → `submitted`, inside the upload period of the result's own term. From
/// then on nobody can change it.
#[utoipa::path(
    tag = "uploads",
    params(("id" = i64, Path, description = "Learning result id")),
    responses(
        OwnItem,
        (status = 200, description = "Submitted for certification", body = LearningResult),
        (status = 403, description = "Not a student, or outside the upload period", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/learning-results/{id}/submit")]
pub async fn submit_result(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<web::Json<LearningResult>> {
    let (me, id) = items::student_write(&state, &who, id, submit).await?;
    Ok(web::Json(state.db.read(move |c| load_visible(c, me, id)).await?))
}

/// Submits the student's own `editing` result for certification inside its term's upload period.
pub fn submit(c: &mut DbConn, me: Caller, id: i64, now: NaiveDateTime) -> ApiResult<()> {
    own_in_period(c, me, id, &[ResultState::Editing], "送出認證", now)?;
    // A result sent again after a rejection waits afresh: the rejection stays in the history.
    diesel::update(lr::table.find(id))
        .set((
            lr::state.eq(ResultState::Submitted.as_str()),
            lr::submitted_at.eq(Some(now)),
            lr::reject_reason.eq(None::<String>),
            lr::decided_at.eq(None::<NaiveDateTime>),
            lr::decided_by.eq(None::<i64>),
            lr::updated_at.eq(now),
        ))
        .execute(c)?;
    record(c, id, ResultAction::Submitted, ResultState::Submitted, me.actor, None, now)
}
