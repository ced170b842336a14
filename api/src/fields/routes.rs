//! 認識學群: the public list and the operator's correction.

use actix_web::{get, put, web};
use diesel::prelude::*;

use super::{all, one, StudyField, StudyFieldInput};
use crate::state::AppState;
use crate::auth::{Need, Principal};
use crate::error::{ApiResult, Problem};
use crate::schema::study_fields as sf;

/// 認識學群: the 18 university 學群 and the 20 vocational 群類 (public).
#[utoipa::path(
    security(()),
    tag = "study-fields",
    responses((status = 200, description = "University fields first, each kind in its national order", body = Vec<StudyField>))
)]
#[get("/study-fields")]
pub async fn list_study_fields(state: web::Data<AppState>) -> ApiResult<web::Json<Vec<StudyField>>> {
    state.db.read(|c| Ok(web::Json(all(c)?))).await
}

/// Correct a field's name, description or link (platform operator).
#[utoipa::path(
    tag = "study-fields",
    params(("id" = i64, Path, description = "Field id")),
    request_body = StudyFieldInput,
    responses(
        (status = 200, description = "Changed", body = StudyField),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the platform operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such field", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad name, description or link", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/study-fields/{id}")]
pub async fn update_study_field(state: web::Data<AppState>, who: Principal, id: web::Path<i64>, body: crate::http::JsonBody<StudyFieldInput>) -> ApiResult<web::Json<StudyField>> {
    who.require(Need::OPERATOR)?;
    let (name, description, url) = body.read().await?.check()?;
    let id = id.into_inner();
    let now = state.clock.now();
    state
        .db
        .write(move |c| {
            one(c, id)?;
            diesel::update(sf::table.find(id)).set((sf::name.eq(name), sf::description.eq(description), sf::url.eq(url), sf::updated_at.eq(Some(now)))).execute(c)?;
            Ok(web::Json(one(c, id)?))
        })
        .await
}
