//! The HTTP face of a student's items, written once for both kinds (issue #17): learning results
//! (`/learning-results`) and multiple performances (`/performances`) are created and edited with a
//! multipart form, listed a page at a time, read one at a time, deleted softly and their files
//! downloaded by the same six handlers, each calling its kind's service through [`Resource`]. The
//! OpenAPI operations of those handlers are built here too, from the kind's types and the rules in
//! [`rules`]; `router` registers both with one line a kind.
//!
//! A request's path through the layers, e.g. `PUT /api/v1/performances/7`: [`update`] takes the
//! caller (a student, or 403), then the kind's [`Resource::update`] reads and checks the form and
//! runs its service (`performances::change`: own item, period, state, files, history) in one
//! write; the answer is the item as [`Resource::load`] shows it.

use std::borrow::Cow;
use std::future::Future;

use actix_multipart::Multipart;
use actix_web::{guard, web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use serde::de::DeserializeOwned;
use serde::Serialize;
use utoipa::openapi::path::{HttpMethod, Operation, OperationBuilder, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder, ResponsesBuilder};
use utoipa::{IntoParams, IntoResponses, PartialSchema, ToSchema};

use crate::auth::Principal;
use crate::db::{DbConn, Totals};
use crate::error::ApiResult;
use crate::pagination::{Page, PageQuery};
use crate::responses::{empty, problem, Download, FileUpload, OwnItem, ReadOne, ReadPage};
use crate::state::AppState;

use super::access::Caller;
use super::form::Slot;
use super::files::FileInfo;
use super::items::{self, DownloadQuery, ItemKind, StudentFilter};

/// A kind of a student's item as the API serves it, implemented by its response type
/// (`LearningResult`, `Performance`); the handlers below call these. `router` names the
/// [`ItemKind`] each is served as (its path and operation ids: `create_result`,
/// `list_performances`, …).
pub trait Resource: Serialize + ToSchema + Send + Sized + 'static {
    /// What reading one answers (the item, or the item with its history).
    type Detail: Serialize + ToSchema + Send + 'static;
    /// The list's own filters (query parameters) beside the [`StudentFilter`].
    type Filter: DeserializeOwned + IntoParams + Send + 'static;
    /// The multipart forms of a new item and of an edit (documentation only: the handlers read the
    /// parts as they stream).
    type Forms: Forms;

    /// Checks the caller's form and creates the item (the files durably stored): its id.
    fn create(state: &AppState, me: Caller, payload: Multipart) -> impl Future<Output = ApiResult<i64>>;
    /// Its document and video.
    fn files(self) -> (Option<FileInfo>, Option<FileInfo>);
    /// One page of the items the caller may see, filtered.
    fn list(c: &mut DbConn, totals: &Totals, me: Caller, f: &Self::Filter, students: &StudentFilter, page: i64, per_page: i64) -> ApiResult<Page<Self>>;
    /// The item if the caller may see it (404 otherwise, so existence does not leak).
    fn load(c: &mut DbConn, me: Caller, id: i64) -> ApiResult<Self>;
    /// The item as reading one answers it.
    fn detail(c: &mut DbConn, me: Caller, id: i64) -> ApiResult<Self::Detail>;
    /// Checks the caller's form and changes their own item.
    fn update(state: &AppState, me: Caller, id: i64, payload: Multipart) -> impl Future<Output = ApiResult<()>>;
    /// Deletes the caller's own item softly (the row stays for the history).
    fn soft_delete(c: &mut DbConn, me: Caller, id: i64, now: NaiveDateTime) -> ApiResult<()>;
}

/// The forms of a kind: `(new, edit)`.
pub trait Forms {
    fn new_form() -> Cow<'static, str>;
    fn edit_form() -> Cow<'static, str>;
    fn schemas(out: &mut Vec<(String, RefOr<Schema>)>);
}

impl<N: ToSchema, E: ToSchema> Forms for (N, E) {
    fn new_form() -> Cow<'static, str> {
        N::name()
    }

    fn edit_form() -> Cow<'static, str> {
        E::name()
    }

    fn schemas(out: &mut Vec<(String, RefOr<Schema>)>) {
        own_schema::<N>(out);
        own_schema::<E>(out);
    }
}

/// Where a kind is served under [`crate::router::V1`], what its id is called and its plural, for
/// the document. (Cadre records are not served here: they come from sync, read-only, at
/// `/me/cadre-records`.)
fn names(kind: ItemKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        ItemKind::Result => ("/learning-results", "Learning result id", "learning results"),
        ItemKind::Performance => ("/performances", "Performance id", "performances"),
        ItemKind::Cadre => ("/me/cadre-records", "Cadre record id", "cadre records"),
    }
}

async fn create<R: Resource>(state: web::Data<AppState>, who: Principal, req: HttpRequest, payload: Multipart) -> ApiResult<HttpResponse> {
    let me = Caller::student(&who)?;
    let id = R::create(&state, me, payload).await?;
    let item = state.db.read(move |c| R::load(c, me, id)).await?;
    // Posted to the kind's collection: the new item is below it.
    Ok(HttpResponse::Created().insert_header(("Location", format!("{}/{id}", req.path().trim_end_matches('/')))).json(item))
}

async fn list<R: Resource>(state: web::Data<AppState>, who: Principal, filter: web::Query<R::Filter>, students: web::Query<StudentFilter>, page: web::Query<PageQuery>) -> ApiResult<web::Json<Page<R>>> {
    let me = Caller::of(&who)?;
    let (page, per_page) = page.checked()?;
    let (filter, students) = (filter.into_inner(), students.into_inner());
    let totals = state.db.totals();
    state.db.read(move |c| Ok(web::Json(R::list(c, &totals, me, &filter, &students, page, per_page)?))).await
}

async fn get<R: Resource>(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<web::Json<R::Detail>> {
    let me = Caller::of(&who)?;
    let id = id.into_inner();
    Ok(web::Json(state.db.read(move |c| R::detail(c, me, id)).await?))
}

async fn update<R: Resource>(state: web::Data<AppState>, who: Principal, id: web::Path<i64>, payload: Multipart) -> ApiResult<web::Json<R>> {
    let me = Caller::student(&who)?;
    let id = id.into_inner();
    R::update(&state, me, id, payload).await?;
    Ok(web::Json(state.db.read(move |c| R::load(c, me, id)).await?))
}

async fn delete<R: Resource>(state: web::Data<AppState>, who: Principal, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    items::student_write(&state, &who, id, R::soft_delete).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn download<R: Resource>(state: web::Data<AppState>, who: Principal, req: HttpRequest, path: web::Path<(i64, String)>, q: web::Query<DownloadQuery>) -> ApiResult<HttpResponse> {
    items::download(&state, &who, &req, path, &q, |c, me, id| R::load(c, me, id).map(R::files)).await
}

/// Registers the six operations of `R`, served as `kind`, with actix (under
/// [`crate::router::V1`]), each as a resource with its method guard, as `#[get(…)]` does: another
/// method falls through to the scope's `405`.
pub fn register<R: Resource>(cfg: &mut web::ServiceConfig, kind: ItemKind) {
    let all = names(kind).0;
    let one = format!("{all}/{{id}}");
    cfg.service(web::resource(all).guard(guard::Post()).to(create::<R>))
        .service(web::resource(all).guard(guard::Get()).to(list::<R>))
        .service(web::resource(one.as_str()).guard(guard::Get()).to(get::<R>))
        .service(web::resource(one.as_str()).guard(guard::Put()).to(update::<R>))
        .service(web::resource(one.as_str()).guard(guard::Delete()).to(delete::<R>))
        .service(web::resource(format!("{one}/files/{{slot}}")).guard(guard::Get()).to(download::<R>));
}

/// An operation of a kind, for its documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Create,
    List,
    Get,
    Update,
    Delete,
    Download,
}

/// What each operation does for each kind, in one table: the summary and the kind's rules (the
/// description; the summary is its first sentence).
fn rules(kind: ItemKind, op: Op) -> (&'static str, &'static str) {
    match (kind, op) {
        (ItemKind::Result, Op::Create) => ("上傳課程學習成果", "a multipart form with `course_id` (a course the student takes this term, or an earlier term's inside that term's own upload period), an optional `description` and a `document` and/or a `video`, within the per-semester and per-subject counts; a PDF with links is refused (named in `detail` and `errors.document`). Created in state `editing`."),
        (ItemKind::Performance, Op::Create) => ("新增多元表現", "inside the student's performance upload period (FAQ 000 四 Q1), within the per-year count: a multipart form with `category`, the category's fields, dates, `description`, an optional `external_link` (only with a video) and a `document` and/or `video`."),
        (ItemKind::Result, Op::List) => ("課程學習成果列表", "the student's own; for teachers those of their courses and of the students they advise; for the admin the whole school."),
        (ItemKind::Performance, Op::List) => ("多元表現列表", "the student's own; the homeroom teacher's, consultants' and counselors' students'; the whole school for the admin."),
        (ItemKind::Result, Op::Get) => ("One learning result with its history", "every state change, oldest first, and who certifies in place of the course's teacher."),
        (ItemKind::Performance, Op::Get) => ("One multiple performance", "as the list shows it."),
        (ItemKind::Result, Op::Update) => ("編輯課程學習成果", "while `editing`, or `rejected` (the edit turns it back into `editing`), inside the upload period of the result's own term: fields left out stay; a new file replaces the old; `remove_document` / `remove_video` drop one; a PDF with links is refused; at least one file remains."),
        (ItemKind::Performance, Op::Update) => ("修改多元表現", "this year's, not selected, inside the performance upload period: all fields again (as on create, without `category`); files left out stay unless `remove_document` / `remove_video`."),
        (ItemKind::Result, Op::Delete) => ("刪除課程學習成果", "an `editing` or `rejected` one (to upload again), inside the upload period of the result's own term. The record stays in the history; the result no longer counts."),
        (ItemKind::Performance, Op::Delete) => ("刪除多元表現", "this year's, not selected, inside the performance upload period. The row is kept with its deletion time."),
        (ItemKind::Result, Op::Download) => ("Downloads a result's `document` or `video`", "inline, or with `?download=true` as an attachment; ETag is the SHA-256; range requests are supported."),
        (ItemKind::Performance, Op::Download) => ("Downloads a performance's `document` or `video`", "inline, or with `?download=true` as an attachment; ETag is the SHA-256; range requests are supported."),
        (ItemKind::Cadre, _) => ("校內幹部經歷", "from sync, read-only (not served here)."),
    }
}

/// A JSON answer of the schema `name`.
fn answer(description: &str, name: &str) -> RefOr<utoipa::openapi::Response> {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name(name))).build();
    ResponseBuilder::new().description(description).content("application/json", content).build().into()
}

/// A multipart body of the form `name`.
fn form_body(name: &str) -> utoipa::openapi::request_body::RequestBody {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name(name))).build();
    RequestBodyBuilder::new().content("multipart/form-data", content).required(Some(Required::True)).build()
}

fn id_param(kind: ItemKind) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("id")
        .parameter_in(ParameterIn::Path)
        .description(Some(names(kind).1))
        .required(Required::True)
        .schema(Some(i64::schema()))
        .build()
}

/// The operation `op` of `kind`: its tag, id, summary and description, and the response sets
/// beside which `responses` come (they override a set's line of the same status).
fn operation<S: IntoResponses>(kind: ItemKind, op: Op, id: String, responses: Vec<(&str, RefOr<utoipa::openapi::Response>)>) -> OperationBuilder {
    let (summary, rules) = rules(kind, op);
    let mut all = ResponsesBuilder::new().responses_from_into_responses::<S>();
    for (status, response) in responses {
        all = all.response(status, response);
    }
    OperationBuilder::new()
        .tag("uploads")
        .operation_id(Some(id))
        .summary(Some(summary))
        .description(Some(format!("{summary}: {rules}")))
        .responses(all.build())
}

/// `T` and the schemas it refers to.
fn own_schema<T: ToSchema>(out: &mut Vec<(String, RefOr<Schema>)>) {
    out.push((T::name().into_owned(), T::schema()));
    T::schemas(out);
}

/// OpenAPI paths (relative to [`crate::router::V1`]) and the schemas they use.
pub type Operations = (Vec<(String, PathItem)>, Vec<(String, RefOr<Schema>)>);

/// The OpenAPI paths of `R`'s six operations, served as `kind`, and the schemas they use.
pub fn operations<R: Resource>(kind: ItemKind) -> Operations {
    let one = kind.as_str();
    let item = R::name();
    let page = format!("Page_{item}");
    let forbidden = "Not a student, or outside the upload period (`period_closed`)";
    let create = operation::<FileUpload>(kind, Op::Create, format!("create_{one}"), vec![
        ("201", answer("Created", &item)),
        ("403", problem(forbidden)),
        ("409", problem("Over a count the school sets (`limit_reached`)")),
        ("422", problem("Bad fields (named in `errors`), no file or an empty one, or a rule of the kind (see the description)")),
    ])
    .request_body(Some(form_body(&R::Forms::new_form())));
    let mut list = operation::<ReadPage>(kind, Op::List, format!("list_{one}s"), vec![("200", answer(&format!("One page of {}", names(kind).2), &page))]);
    let query = || Some(ParameterIn::Query);
    for p in [R::Filter::into_params(query), StudentFilter::into_params(query), PageQuery::into_params(query)].into_iter().flatten() {
        list = list.parameter(p);
    }
    let get = operation::<ReadOne>(kind, Op::Get, format!("get_{one}"), vec![("200", answer("The item", &R::Detail::name()))]).parameter(id_param(kind));
    let update = operation::<FileUpload>(kind, Op::Update, format!("update_{one}"), vec![("200", answer("Updated", &item)), ("403", problem(forbidden)), ("422", problem("Bad fields, or no file would remain"))])
        .parameter(id_param(kind))
        .request_body(Some(form_body(&R::Forms::edit_form())));
    let update = with_set::<OwnItem>(update);
    let delete = operation::<OwnItem>(kind, Op::Delete, format!("delete_{one}"), vec![("204", empty("Deleted")), ("403", problem(forbidden))]).parameter(id_param(kind));
    let slot = ParameterBuilder::new().name("slot").parameter_in(ParameterIn::Path).description(Some("`document` or `video`")).required(Required::True).schema(Some(Slot::schema())).build();
    let mut download = operation::<Download>(kind, Op::Download, format!("download_{one}_file"), vec![]).parameter(id_param(kind)).parameter(slot);
    for p in DownloadQuery::into_params(|| Some(ParameterIn::Query)) {
        download = download.parameter(p);
    }
    let all = names(kind).0;
    let paths = vec![
        (all.to_string(), item_of([(HttpMethod::Get, list.build()), (HttpMethod::Post, create.build())])),
        (format!("{all}/{{id}}"), item_of([(HttpMethod::Get, get.build()), (HttpMethod::Put, update.build()), (HttpMethod::Delete, delete.build())])),
        (format!("{all}/{{id}}/files/{{slot}}"), item_of([(HttpMethod::Get, download.build())])),
    ];
    let mut schemas = Vec::new();
    own_schema::<R>(&mut schemas);
    own_schema::<R::Detail>(&mut schemas);
    schemas.push((page, Page::<R>::schema()));
    R::Forms::schemas(&mut schemas);
    (paths, schemas)
}

/// Adds the lines of the set `S` that `op` does not have yet.
fn with_set<S: IntoResponses>(op: OperationBuilder) -> OperationBuilder {
    let mut built: Operation = op.build();
    for (status, response) in S::responses() {
        built.responses.responses.entry(status).or_insert(response);
    }
    built.into()
}

fn item_of<const N: usize>(ops: [(HttpMethod, Operation); N]) -> PathItem {
    let mut item = PathItem::default();
    for (method, op) in ops {
        match method {
            HttpMethod::Get => item.get = Some(op),
            HttpMethod::Post => item.post = Some(op),
            HttpMethod::Put => item.put = Some(op),
            HttpMethod::Delete => item.delete = Some(op),
            _ => item.patch = Some(op),
        }
    }
    item
}
