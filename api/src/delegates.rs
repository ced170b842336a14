//! Delegate certifiers (meeting 003 #25: 「已離職教師要如何認證？」…學校應擬定教師離職檢核標準作業
//! 流程，以保障學生權益; the national rules require a 代理人機制): the school admin names a staff
//! member who certifies for one course, or for one teacher (every course that teacher certifies,
//! e.g. after they left), until the naming is ended. Each naming and ending is in the audit log;
//! a delegate's decisions carry their own name, as every decision does.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::{self, Event, EventKind};
use crate::identity::UserKind;
use crate::state::AppState;
use crate::auth::{client_addr, Need, Principal};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, Problem};
use crate::schema::{certification_delegates as cd, courses, teaching_assignments as ta, users};

/// A delegate certifier as listed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 4, "delegate_id": 19, "delegate_account": "999999_T003", "delegate_name": "陳志強", "teacher_id": 18, "teacher_name": "李美玲",
    "teacher_departed": true, "course_id": null, "class_code": null, "subject_name": null, "created_at": "2026-11-10T02:00:00Z"
}))]
pub struct Delegate {
    pub id: i64,
    /// The course delegated, or none when a teacher is.
    pub course_id: Option<i64>,
    pub subject_name: Option<String>,
    pub class_code: Option<String>,
    /// The teacher delegated for (all their certifying courses), or none when a course is.
    pub teacher_id: Option<i64>,
    pub teacher_name: Option<String>,
    /// Whether that teacher's account is no longer active (left the school).
    pub teacher_departed: bool,
    pub delegate_id: i64,
    pub delegate_account: String,
    pub delegate_name: String,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
}

/// Name a delegate: for exactly one of a course or a teacher.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"course_id": 3, "delegate_id": 12}))]
pub struct NewDelegate {
    pub course_id: Option<i64>,
    pub teacher_id: Option<i64>,
    /// The staff member who certifies in their place.
    pub delegate_id: i64,
}

/// Whether `user` is an active delegate for `course` (named for the course, or for one of its
/// teachers).
pub fn is_delegate(c: &mut DbConn, school: i64, user: i64, course: i64) -> ApiResult<bool> {
    let teachers: Vec<i64> = ta::table.filter(ta::course_id.eq(course)).select(ta::teacher_id).load(c)?;
    let n: i64 = cd::table
        .filter(cd::school_id.eq(school))
        .filter(cd::delegate_id.eq(user))
        .filter(cd::ended_at.is_null())
        .filter(cd::course_id.eq(course).or(cd::teacher_id.eq_any(teachers)))
        .count()
        .get_result(c)?;
    Ok(n > 0)
}

/// The active delegates for the teachers in `teachers` (teacher → delegate's name).
pub fn for_teachers(c: &mut DbConn, school: i64, teachers: &[i64]) -> ApiResult<Vec<(i64, String)>> {
    let rows: Vec<(Option<i64>, String)> = cd::table
        .inner_join(users::table.on(users::id.eq(cd::delegate_id)))
        .filter(cd::school_id.eq(school))
        .filter(cd::ended_at.is_null())
        .filter(cd::teacher_id.eq_any(teachers))
        .order(cd::id.asc())
        .select((cd::teacher_id, users::display_name))
        .load(c)?;
    Ok(rows.into_iter().filter_map(|(t, name)| t.map(|t| (t, name))).collect())
}

/// A delegate certifier as the student and the course's teachers see them (003 #25: the naming is
/// visible): who certifies in whose place, since when.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DelegateNote {
    /// The delegate's name.
    pub name: String,
    /// The teacher they certify for, or none when named for the whole course.
    pub for_teacher: Option<String>,
    #[serde(serialize_with = "crate::time::utc")]
    pub since: NaiveDateTime,
}

/// The active delegates for `course`: named for it, or for one of its teachers.
pub fn for_course(c: &mut DbConn, school: i64, course: i64) -> ApiResult<Vec<DelegateNote>> {
    let teachers: Vec<i64> = ta::table.filter(ta::course_id.eq(course)).select(ta::teacher_id).load(c)?;
    let rows: Vec<(Option<i64>, String, NaiveDateTime)> = cd::table
        .inner_join(users::table.on(users::id.eq(cd::delegate_id)))
        .filter(cd::school_id.eq(school))
        .filter(cd::ended_at.is_null())
        .filter(cd::course_id.eq(course).or(cd::teacher_id.eq_any(teachers)))
        .order(cd::id.asc())
        .select((cd::teacher_id, users::display_name, cd::created_at))
        .load(c)?;
    let mut out = Vec::new();
    for (teacher, name, since) in rows {
        let for_teacher = match teacher {
            Some(t) => users::table.find(t).select(users::display_name).first(c).optional()?,
            None => None,
        };
        out.push(DelegateNote { name, for_teacher, since });
    }
    Ok(out)
}

/// The courses `user` certifies as an active delegate: those named for them, and every course of
/// a teacher they were named for.
pub fn delegated_courses(c: &mut DbConn, school: i64, user: i64) -> ApiResult<Vec<i64>> {
    let rows: Vec<(Option<i64>, Option<i64>)> = cd::table
        .filter(cd::school_id.eq(school))
        .filter(cd::delegate_id.eq(user))
        .filter(cd::ended_at.is_null())
        .select((cd::course_id, cd::teacher_id))
        .load(c)?;
    let mut out: Vec<i64> = rows.iter().filter_map(|r| r.0).collect();
    let teachers: Vec<i64> = rows.iter().filter_map(|r| r.1).collect();
    if !teachers.is_empty() {
        out.extend(ta::table.filter(ta::teacher_id.eq_any(teachers)).filter(ta::school_id.eq(school)).select(ta::course_id).load::<i64>(c)?);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn staff(c: &mut DbConn, school: i64, id: i64, field: &str) -> ApiResult<(String, bool)> {
    users::table
        .filter(users::id.eq(id))
        .filter(users::school_id.eq(school))
        .filter(users::kind.eq(UserKind::Staff.as_str()))
        .select((users::display_name, users::active))
        .first(c)
        .optional()?
        .ok_or_else(|| ApiError::validation().field(field.to_string(), "不是本校教職員", "not a staff member of this school"))
}

fn load(c: &mut DbConn, school: i64, only: Option<i64>) -> ApiResult<Vec<Delegate>> {
    let mut q = cd::table.filter(cd::school_id.eq(school)).filter(cd::ended_at.is_null()).into_boxed();
    if let Some(id) = only {
        q = q.filter(cd::id.eq(id));
    }
    let rows: Vec<(i64, Option<i64>, Option<i64>, i64, NaiveDateTime)> = q.order(cd::id.asc()).select((cd::id, cd::course_id, cd::teacher_id, cd::delegate_id, cd::created_at)).load(c)?;
    let mut out = Vec::new();
    for (id, course_id, teacher_id, delegate_id, created_at) in rows {
        let course: Option<(String, String)> = match course_id {
            Some(cid) => courses::table.find(cid).select((courses::subject_name, courses::class_code)).first(c).optional()?,
            None => None,
        };
        let teacher: Option<(String, bool)> = match teacher_id {
            Some(tid) => users::table.find(tid).select((users::display_name, users::active)).first(c).optional()?,
            None => None,
        };
        let (delegate_account, delegate_name): (String, String) = users::table.find(delegate_id).select((users::account, users::display_name)).first(c)?;
        out.push(Delegate {
            id,
            course_id,
            subject_name: course.as_ref().map(|(s, _)| s.clone()),
            class_code: course.map(|(_, k)| k),
            teacher_id,
            teacher_departed: teacher.as_ref().is_some_and(|(_, active)| !active),
            teacher_name: teacher.map(|(n, _)| n),
            delegate_id,
            delegate_account,
            delegate_name,
            created_at,
        });
    }
    Ok(out)
}

/// 代理認證教師: the school's active delegate certifiers.
#[utoipa::path(
    tag = "certification",
    responses(
        (status = 200, description = "Active delegates", body = Vec<Delegate>),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/certification-delegates")]
pub async fn list_delegates(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<Delegate>>> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    state.db.read(move |c| Ok(web::Json(load(c, school, None)?))).await
}

/// Name a delegate certifier for a course or for a teacher (meeting 003 #25).
#[utoipa::path(
    tag = "certification",
    request_body = NewDelegate,
    responses(
        (status = 201, description = "Named", body = Delegate),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not exactly one of course and teacher, or someone not of this school's staff", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/certification-delegates")]
pub async fn create_delegate(state: web::Data<AppState>, who: Principal, req: HttpRequest, body: crate::http::JsonBody<NewDelegate>) -> ApiResult<HttpResponse> {
    who.require(Need::SCHOOL_ADMIN)?;
    // Read only after the caller is known to be allowed.
    let body = body.read().await?;
    let school = who.school_id()?;
    let now = state.clock.now();
    let (me, actor, client) = (who.user_id(), who.actor(), client_addr(&req));
    let created = state
        .db
        .write(move |c| {
            if body.course_id.is_some() == body.teacher_id.is_some() {
                return Err(ApiError::validation().field("course_id", "請指定一門課程或一位教師（擇一）", "give exactly one of course_id and teacher_id"));
            }
            if let Some(course) = body.course_id {
                let found: i64 = courses::table.filter(courses::id.eq(course)).filter(courses::school_id.eq(school)).count().get_result(c)?;
                if found == 0 {
                    return Err(ApiError::validation().field("course_id", "不是本校課程", "not a course of this school"));
                }
            }
            if let Some(teacher) = body.teacher_id {
                staff(c, school, teacher, "teacher_id")?;
            }
            let (_, active) = staff(c, school, body.delegate_id, "delegate_id")?;
            if !active || Some(body.delegate_id) == body.teacher_id {
                return Err(ApiError::validation().field("delegate_id", "代理人須為在職的其他教職員", "the delegate must be another, active staff member"));
            }
            let id: i64 = diesel::insert_into(cd::table)
                .values((
                    cd::school_id.eq(school),
                    cd::course_id.eq(body.course_id),
                    cd::teacher_id.eq(body.teacher_id),
                    cd::delegate_id.eq(body.delegate_id),
                    cd::created_by.eq(me),
                    cd::created_at.eq(now),
                ))
                .returning(cd::id)
                .get_result(c)?;
            let what = match (body.course_id, body.teacher_id) {
                (Some(course), _) => format!("course {course}"),
                (_, teacher) => format!("teacher {}", teacher.unwrap_or_default()),
            };
            audit::record(c, Event { school_id: Some(school), user_id: me, actor: Some(&actor), event: EventKind::CertificationDelegateNamed, detail: Some(format!("{what}: delegate {}", body.delegate_id)), client: Some(&client) }, now)?;
            load(c, school, Some(id))?.pop().ok_or_else(ApiError::not_found)
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// End a delegate certifier naming.
#[utoipa::path(
    tag = "certification",
    params(("id" = i64, Path, description = "Delegate naming id")),
    responses(
        (status = 204, description = "Ended"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such active naming in this school", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/certification-delegates/{id}")]
pub async fn end_delegate(state: web::Data<AppState>, who: Principal, req: HttpRequest, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    let id = id.into_inner();
    let now = state.clock.now();
    let (me, actor, client) = (who.user_id(), who.actor(), client_addr(&req));
    state
        .db
        .write(move |c| {
            let n = diesel::update(cd::table.filter(cd::id.eq(id)).filter(cd::school_id.eq(school)).filter(cd::ended_at.is_null())).set(cd::ended_at.eq(Some(now))).execute(c)?;
            if n == 0 {
                return Err(ApiError::not_found());
            }
            audit::record(c, Event { school_id: Some(school), user_id: me, actor: Some(&actor), event: EventKind::CertificationDelegateEnded, detail: Some(format!("naming {id}")), client: Some(&client) }, now)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
