//! The news endpoints: the public list (sign-in page), the signed-in reader's list with unread
//! marks, and the editors' list and changes (platform operator: the platform's news; school
//! admin: their school's).

use actix_web::{delete, get, post, put, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{find_owned, owned, unread_count, visible, NewsInput, NewsItem};
use crate::identity::Role;
use crate::state::AppState;
use crate::auth::{Need, Principal};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::JsonBody;
use crate::pagination::{Page, PageQuery};
use crate::schema::{news, news_reads};

const EDITORS: Need = Need::roles(&[Role::PlatformOperator, Role::SchoolAdmin]);

/// The news an editor owns: the platform's for the operator, the school's for a school admin.
fn owner(who: &Principal) -> ApiResult<Option<i64>> {
    who.require(EDITORS)?;
    Ok(who.user()?.user.school_id)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NewsLimit {
    /// At most this many (1–100, default 20).
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
}

impl NewsLimit {
    fn checked(&self) -> ApiResult<i64> {
        match self.limit {
            None => Ok(20),
            Some(n) if (1..=100).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::validation().field("limit", "須介於 1 到 100。", "Must be 1 to 100.")),
        }
    }
}

/// The reader's news with how many are unread.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "id": 7, "title": "115學年度第1學期課程學習成果上傳期間", "body": "請於 115/11/02 至 115/11/20 上傳並送出認證。", "published_at": "2026-11-01T00:00:00Z",
            "pinned": true, "scope": "school", "read": false, "scheduled": false
        }
    ],
    "unread": 1
}))]
pub struct NewsList {
    pub items: Vec<NewsItem>,
    /// Every published news item the reader has not read, not only those of `items`.
    pub unread: i64,
}

/// `?q=段考`: the editors' list filtered by title.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NewsFilter {
    /// Only news whose title contains this text.
    pub q: Option<String>,
}

/// 最新消息 on the sign-in page: the platform's published news, pinned first, newest first.
#[utoipa::path(
    security(()),
    tag = "news",
    params(NewsLimit),
    responses(
        (status = 200, description = "The platform's published news", body = Vec<NewsItem>),
        (status = 422, description = "Bad limit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/news/public")]
pub async fn public_news(state: web::Data<AppState>, q: web::Query<NewsLimit>) -> ApiResult<web::Json<Vec<NewsItem>>> {
    let limit = q.checked()?;
    let now = state.clock.now();
    state.db.read(move |c| Ok(web::Json(visible(c, None, None, now, limit)?))).await
}

/// 最新消息 on the home page: the platform's and the caller's school's published news, pinned
/// first, newest first, each marked read or not for the caller.
#[utoipa::path(
    tag = "news",
    params(NewsLimit),
    responses(
        (status = 200, description = "Published news with read marks", body = NewsList),
        (status = 403, description = "An API key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/news")]
pub async fn my_news(state: web::Data<AppState>, who: Principal, q: web::Query<NewsLimit>) -> ApiResult<web::Json<NewsList>> {
    let limit = q.checked()?;
    let u = who.user()?;
    let (school, user) = (u.user.school_id, u.user.id);
    let now = state.clock.now();
    state
        .db
        .read(move |c| {
            let items = visible(c, school, Some(user), now, limit)?;
            let unread = unread_count(c, school, user, now)?;
            Ok(web::Json(NewsList { items, unread }))
        })
        .await
}

/// Mark a published news item the caller can see as read (again is fine).
#[utoipa::path(
    tag = "news",
    params(("id" = i64, Path, description = "News id")),
    responses(
        (status = 204, description = "Marked read"),
        (status = 403, description = "An API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such published news for the caller (another school's, or not yet published)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/news/{id}/read")]
pub async fn read_news(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let u = who.user()?;
    let (school, user) = (u.user.school_id, u.user.id);
    let id = id.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            let mut q = news::table.filter(news::id.eq(id)).filter(news::published_at.le(now)).into_boxed();
            q = match school {
                Some(s) => q.filter(news::school_id.is_null().or(news::school_id.eq(s))),
                None => q.filter(news::school_id.is_null()),
            };
            let found: Option<i64> = q.select(news::id).first(c).optional()?;
            if found.is_none() {
                return Err(ApiError::not_found());
            }
            // Insert-or-ignore: a double click (two requests at once) both pass a count-then-insert
            // check and the second insert broke the primary key (409 on PostgreSQL).
            // (The multi-backend connection has no ON CONFLICT: each backend's own.)
            let row = (news_reads::news_id.eq(id), news_reads::user_id.eq(user), news_reads::read_at.eq(now));
            let conflict = (news_reads::news_id, news_reads::user_id);
            match c {
                DbConn::Postgresql(pg) => diesel::insert_into(news_reads::table).values(row).on_conflict(conflict).do_nothing().execute(pg)?,
                DbConn::Sqlite(lite) => diesel::insert_into(news_reads::table).values(row).on_conflict(conflict).do_nothing().execute(lite)?,
            };
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The editor's news, scheduled ones too, one page at a time (pinned first, then newest): the
/// platform's for the operator, the school's for a school admin.
#[utoipa::path(
    tag = "news",
    params(NewsFilter, PageQuery),
    responses(
        (status = 200, description = "One page of the news the caller edits", body = Page<NewsItem>),
        (status = 403, description = "Neither the platform operator nor a school admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad page or page size", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/news/manage")]
pub async fn manage_news(state: web::Data<AppState>, who: Principal, f: web::Query<NewsFilter>, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<NewsItem>>> {
    let owner = owner(&who)?;
    let (page, per_page) = page.checked()?;
    let text = f.into_inner().q.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let now = state.clock.now();
    state
        .db
        .read(move |c| {
            let (items, total) = owned(c, owner, text.as_deref(), now, page, per_page)?;
            Ok(web::Json(Page::new(items, total, page, per_page)))
        })
        .await
}

/// Post news: the operator's is for every school, a school admin's for their school.
#[utoipa::path(
    tag = "news",
    request_body = NewsInput,
    responses(
        (status = 201, description = "Posted", body = NewsItem),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the platform operator nor a school admin", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A title or body far longer than allowed, refused before cleaning (`payload_too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long title, too long body, bad publish time", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/news")]
pub async fn create_news(state: web::Data<AppState>, who: Principal, body: JsonBody<NewsInput>) -> ApiResult<HttpResponse> {
    let owner = owner(&who)?;
    let me = who.user()?.user.id;
    let now = state.clock.now();
    let input = body.read().await?.check(now)?;
    let created = state
        .db
        .write(move |c| {
            let id: i64 = diesel::insert_into(news::table)
                .values((
                    news::school_id.eq(owner),
                    news::title.eq(&input.title),
                    news::body.eq(&input.body),
                    news::published_at.eq(input.published_at),
                    news::pinned.eq(input.pinned),
                    news::created_by.eq(me),
                    news::created_at.eq(now),
                    news::updated_at.eq(now),
                ))
                .returning(news::id)
                .get_result(c)?;
            find_owned(c, owner, id, now)
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Change a news item the caller owns (another school's or the platform's is "not found").
#[utoipa::path(
    tag = "news",
    params(("id" = i64, Path, description = "News id")),
    request_body = NewsInput,
    responses(
        (status = 200, description = "Changed", body = NewsItem),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the platform operator nor a school admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's news", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A title or body far longer than allowed, refused before cleaning (`payload_too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long title, too long body, bad publish time", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/news/{id:\\d+}")]
pub async fn update_news(state: web::Data<AppState>, who: Principal, id: web::Path<i64>, body: JsonBody<NewsInput>) -> ApiResult<web::Json<NewsItem>> {
    let owner = owner(&who)?;
    let id = id.into_inner();
    let now = state.clock.now();
    let input = body.read().await?.check(now)?;
    state
        .db
        .write(move |c| {
            find_owned(c, owner, id, now)?;
            diesel::update(news::table.find(id))
                .set((news::title.eq(&input.title), news::body.eq(&input.body), news::published_at.eq(input.published_at), news::pinned.eq(input.pinned), news::updated_at.eq(now)))
                .execute(c)?;
            Ok(web::Json(find_owned(c, owner, id, now)?))
        })
        .await
}

/// Delete a news item the caller owns, with its read marks.
#[utoipa::path(
    tag = "news",
    params(("id" = i64, Path, description = "News id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Neither the platform operator nor a school admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's news", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/news/{id:\\d+}")]
pub async fn delete_news(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let owner = owner(&who)?;
    let id = id.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            find_owned(c, owner, id, now)?;
            diesel::delete(news_reads::table.filter(news_reads::news_id.eq(id))).execute(c)?;
            diesel::delete(news::table.find(id)).execute(c)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
