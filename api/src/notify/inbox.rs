//! Notifications in the app (issue #7 §7): every decision on a student's learning result lands
//! in their inbox, with the reason of a rejection; read or not, they stay.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::state::AppState;
use crate::auth::{Caller, Principal};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, Lang, Problem};
use crate::pagination::{offset, PageQuery};
use crate::schema::notifications as n;

pub use super::message::{Message, NotificationKind, ReceiptDue, SdPhase, StageName};

#[derive(Debug, Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    /// In the request's language (`Accept-Language`: zh-TW by default, `en`); what people wrote
    /// (course names, reasons, themes) stays as written.
    pub title: String,
    /// In the request's language, like `title`.
    pub body: String,
    /// The learning result it is about.
    pub result_id: Option<i64>,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub read_at: Option<NaiveDateTime>,
}

/// One page of notifications, newest first, with the unread count for the badge.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "id": 201, "kind": "result_rejected", "title": "學習成果認證失敗：英語文", "body": "檔案內容與課程無關，請重新上傳本課程的作品。", "result_id": 91,
            "created_at": "2026-11-12T05:40:00Z", "read_at": null
        }
    ],
    "total": 1, "page": 1, "per_page": 30, "unread": 1
}))]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Unread notifications in all.
    pub unread: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    /// `true`: only unread ones.
    pub unread: Option<bool>,
}

/// A new notification for `user`.
pub struct New {
    pub school_id: i64,
    pub user_id: i64,
    pub message: Message,
    pub result_id: Option<i64>,
}

/// Stores the kind and parameters, and the zh-TW text as well (what older readers of the table
/// see; rendered again per request when read).
pub fn add(c: &mut DbConn, new: New, now: NaiveDateTime) -> ApiResult<()> {
    let (title, body) = new.message.render(Lang::Zh);
    diesel::insert_into(n::table)
        .values((
            n::school_id.eq(new.school_id),
            n::user_id.eq(new.user_id),
            n::kind.eq(new.message.kind().as_str()),
            n::title.eq(title),
            n::body.eq(body),
            n::params.eq(Some(new.message.params_json())),
            n::result_id.eq(new.result_id),
            n::created_at.eq(now),
        ))
        .execute(c)?;
    Ok(())
}

/// Title and body in `lang`: rendered from the kind and parameters, or as stored for a row
/// without (usable) parameters.
pub fn text(kind: &str, params: Option<&str>, title: String, body: String, lang: Lang) -> (String, String) {
    match params.and_then(|p| Message::from_stored(kind, p)) {
        Some(message) => message.render(lang),
        None => (title, body),
    }
}

/// 通知: the signed-in user's notifications, newest first.
#[utoipa::path(
    tag = "notifications",
    params(NotificationFilter, PageQuery),
    responses(
        (status = 200, description = "One page of notifications and the unread count", body = NotificationPage),
        (status = 403, description = "An API key or the platform operator (no inbox)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad paging", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/notifications")]
pub async fn my_notifications(req: HttpRequest, state: web::Data<AppState>, who: Principal, filter: web::Query<NotificationFilter>, page: web::Query<PageQuery>) -> ApiResult<web::Json<NotificationPage>> {
    let me = Caller::of(&who)?;
    let (page, per_page) = page.checked()?;
    let only_unread = filter.unread.unwrap_or(false);
    let lang = crate::http::request_lang(&req);
    state
        .db
        .read(move |c| {
            let filtered = || {
                let mut q = n::table.filter(n::user_id.eq(me.user)).filter(n::school_id.eq(me.school)).into_boxed();
                if only_unread {
                    q = q.filter(n::read_at.is_null());
                }
                q
            };
            let total: i64 = filtered().count().get_result(c)?;
            let unread: i64 = n::table.filter(n::user_id.eq(me.user)).filter(n::read_at.is_null()).count().get_result(c)?;
            #[allow(clippy::type_complexity)]
            let rows: Vec<(i64, String, String, String, Option<String>, Option<i64>, NaiveDateTime, Option<NaiveDateTime>)> = filtered()
                .order(n::id.desc())
                .limit(per_page)
                .offset(offset(page, per_page))
                .select((n::id, n::kind, n::title, n::body, n::params, n::result_id, n::created_at, n::read_at))
                .load(c)?;
            let items = rows
                .into_iter()
                .map(|(id, kind, title, body, params, result_id, created_at, read_at)| {
                    let (title, body) = text(&kind, params.as_deref(), title, body, lang);
                    Ok(Notification { id, kind: NotificationKind::stored(&kind)?, title, body, result_id, created_at, read_at })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            Ok(web::Json(NotificationPage { items, total, page, per_page, unread }))
        })
        .await
}

/// Mark one notification read.
#[utoipa::path(
    tag = "notifications",
    params(("id" = i64, Path, description = "Notification id")),
    responses(
        (status = 204, description = "Marked read (again is fine)"),
        (status = 403, description = "An API key or the platform operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of your notifications", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/notifications/{id}/read")]
pub async fn read_notification(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let me = Caller::of(&who)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            let mine = n::table.filter(n::id.eq(id)).filter(n::user_id.eq(me.user));
            let found: Option<Option<NaiveDateTime>> = mine.select(n::read_at).first(c).optional()?;
            match found {
                None => Err(ApiError::not_found()),
                Some(Some(_)) => Ok(()),
                Some(None) => {
                    diesel::update(mine).set(n::read_at.eq(Some(now))).execute(c)?;
                    Ok(())
                }
            }
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mark every notification read.
#[utoipa::path(
    tag = "notifications",
    responses(
        (status = 204, description = "All marked read"),
        (status = 403, description = "An API key or the platform operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/notifications/read-all")]
pub async fn read_all_notifications(state: web::Data<AppState>, who: Principal) -> ApiResult<HttpResponse> {
    let me = Caller::of(&who)?;
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            diesel::update(n::table.filter(n::user_id.eq(me.user)).filter(n::read_at.is_null())).set(n::read_at.eq(Some(now))).execute(c)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
