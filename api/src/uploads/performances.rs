//! Multiple performances (多元表現; DESIGN.md, FAQ 004 Q2, FAQ 000 四 Q3–Q5): ten categories with
//! their own fields and date rules, a document and/or video, an external link only with a video,
//! a per-year count. No certification. School cadre records from sync are shown read-only and do
//! not count.

use actix_multipart::Multipart;
use actix_web::{get, web};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::audit::EventKind;
use crate::state::AppState;
use crate::auth::Principal;
use crate::db::{DbConn, Totals};
use crate::error::{ApiError, ApiResult, ErrorCode, Problem};
use crate::pagination::{offset, total_from_page, Page};
use crate::schema::{cadre_records as cr, performances as pf, selections, student_profiles as sp, users};
use crate::settings::parameters;
use crate::settings::periods::{self, Item};

use super::access::{self, Caller, Visible};
use super::files::{self, FileInfo};
use super::form::{self, Form, Slot};
use super::items::{self, live, FileParts, ItemKind, Owner, Removals, StudentFilter, Upload};
use super::served::Resource;
use super::rules::{self, Category, Dating, Field, FieldSpec};

/// A category with its form, for clients that build the form from it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "category": "competition", "name": "競賽參與紀錄", "dating": "single",
    "fields": [
        {"field": "title", "label": "競賽名稱", "required": true, "choices": []},
        {"field": "level", "label": "競賽等級", "required": true, "choices": ["校級", "縣市級", "全國", "國際"]},
        {"field": "award", "label": "獎項", "required": false, "choices": []}
    ]
}))]
pub struct CategoryInfo {
    pub category: Category,
    /// 中文名稱.
    pub name: &'static str,
    /// `single`: one date (start_date); `range`: start_date and end_date.
    #[schema(value_type = Dating)]
    pub dating: &'static str,
    pub fields: Vec<FieldSpec>,
}

/// A multiple performance.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 64, "student_id": 345, "student_account": "999999_114001", "student_name": "吳承恩", "class_code": "201", "seat_no": 1, "academic_year": 115,
    "category": "competition", "category_name": "競賽參與紀錄", "title": "全國中小學科學展覽會", "start_date": "2026-10-18", "end_date": null,
    "description": "全國高中職科展化學科佳作", "level": "全國", "award": "佳作", "item": null, "organisation": null, "position": null, "kind": null, "score": null,
    "certificate_no": null, "participation": null, "hours": null, "credits": null,
    "document": {
        "id": 610, "kind": "pdf", "name": "科展獎狀.pdf", "sha256": "3b7e1f0a9c2d4e6f8a0b1c3d5e7f9a2b4c6d8e0f1a3b5c7d9e2f4a6b8c0d2e4f", "size": 356210
    },
    "video": null, "external_link": null, "selected": true, "created_at": "2026-10-25T09:12:00Z", "updated_at": "2026-10-25T09:12:00Z"
}))]
pub struct Performance {
    pub id: i64,
    #[serde(flatten)]
    pub owner: Owner,
    #[serde(flatten)]
    pub fields: PerformanceFields,
    pub category_name: &'static str,
    pub document: Option<FileInfo>,
    pub video: Option<FileInfo>,
    /// Selected for submission.
    pub selected: bool,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc")]
    pub updated_at: NaiveDateTime,
}

/// The multipart form of a performance (new or replacing an old one's fields).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
#[schema(example = json!({"category": "competition", "start_date": "2026-10-18", "description": "全國高中職科展化學科佳作", "title": "全國中小學科學展覽會", "level": "全國", "award": "佳作"}))]
pub struct PerformanceForm {
    /// Only on create; a performance keeps its category.
    category: Option<Category>,
    /// `YYYY-MM-DD`.
    start_date: String,
    /// `YYYY-MM-DD`, range categories only.
    end_date: Option<String>,
    description: String,
    /// An http(s) URL, only when a video is attached.
    external_link: Option<String>,
    title: String,
    item: Option<String>,
    organisation: Option<String>,
    position: Option<String>,
    level: Option<String>,
    award: Option<String>,
    kind: Option<String>,
    score: Option<String>,
    certificate_no: Option<String>,
    participation: Option<String>,
    hours: Option<f64>,
    credits: Option<i32>,
    #[serde(flatten)]
    files: FileParts,
    #[serde(flatten)]
    removals: Removals,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PerformanceFilter {
    pub academic_year: Option<i32>,
    pub category: Option<Category>,
}

/// The student's count and date bounds this academic year.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "academic_year": 115, "used": 2, "per_year_limit": 10, "earliest": "2025-07-01", "latest": "2027-07-31", "latest_end": "2027-08-29",
    "upload_period": periods::example(periods::Item::UploadPerformances)
}))]
pub struct PerformanceLimits {
    pub academic_year: i32,
    /// 學生多元表現上傳數量 (件/學年).
    pub per_year_limit: i32,
    pub used: i64,
    /// Earliest date: 1 July of the entry year.
    pub earliest: NaiveDate,
    /// Latest single date or range start: 31 July at the end of the year.
    pub latest: NaiveDate,
    /// Latest range end: 29 August after the year.
    pub latest_end: NaiveDate,
    /// The student's performance upload period this academic year, if set.
    pub upload_period: Option<periods::Period>,
}

// Transfer packages carry it as it is (`transfers::CadreRecord`).
/// A school cadre record from sync (read-only; submitted separately; does not count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Queryable)]
#[schema(example = json!({
    "id": 9, "academic_year": 115, "semester": 1, "unit": "二年一班", "position": "班長", "level": "班級", "start_date": "2026-08-30",
    "end_date": "2027-01-20"
}))]
pub struct CadreRecord {
    pub id: i64,
    pub academic_year: i32,
    pub semester: i32,
    /// 單位.
    pub unit: String,
    /// 職務.
    pub position: String,
    pub level: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

const TEXT_FIELDS: &[&str] = &[
    "category",
    "start_date",
    "end_date",
    "description",
    "external_link",
    "title",
    "item",
    "organisation",
    "position",
    "level",
    "award",
    "kind",
    "score",
    "certificate_no",
    "participation",
    "hours",
    "credits",
    "remove_document",
    "remove_video",
];

/// The validated metadata of a performance (from the form, or from self-directed results).
pub struct Meta {
    start: NaiveDate,
    end: Option<NaiveDate>,
    description: String,
    link: Option<String>,
    values: Vec<(Field, Option<String>)>,
}

impl Meta {
    /// Metadata without a link, checked by the rules of the form: the category's fields, the
    /// dates, the description.
    pub fn checked(category: Category, entry_year: i32, academic_year: i32, values: Vec<(Field, Option<String>)>, start: NaiveDate, end: Option<NaiveDate>, description: String) -> ApiResult<Meta> {
        rules::check_fields(category, &values)?;
        rules::check_dates(category, entry_year, academic_year, start, end)?;
        rules::check_description(&description)?;
        Ok(Meta { start, end, description, link: None, values })
    }

    fn value(&self, f: Field) -> Option<String> {
        self.values.iter().find(|(g, _)| *g == f).and_then(|(_, v)| v.clone()).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    }
}

fn date(form: &Form, name: &str) -> ApiResult<Option<NaiveDate>> {
    match form.non_blank(name) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(&v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ApiError::validation().field(name.to_string(), "日期格式為 YYYY-MM-DD", "a date is written YYYY-MM-DD")),
    }
}

fn parse_category(form: &Form) -> ApiResult<Category> {
    let v = form.non_blank("category").ok_or_else(|| ApiError::validation().field("category", "請選擇類別", "the category is required"))?;
    Category::parse(&v).ok_or_else(|| ApiError::validation().field("category", "沒有這個多元表現類別", "unknown category"))
}

/// Reads and checks everything but the counts: fields, dates, description, link.
fn check_meta(form: &Form, category: Category, entry_year: i32, academic_year: i32, has_video: bool) -> ApiResult<Meta> {
    let values: Vec<(Field, Option<String>)> = Field::ALL.iter().map(|f| (*f, form.non_blank(f.as_str()))).collect();
    rules::check_fields(category, &values)?;
    let start = date(form, "start_date")?.ok_or_else(|| ApiError::validation().field("start_date", "請填寫日期", "the date is required"))?;
    let end = date(form, "end_date")?;
    rules::check_dates(category, entry_year, academic_year, start, end)?;
    let description = form.non_blank("description").ok_or_else(|| ApiError::validation().field("description", "請填寫內容簡述", "the description is required"))?;
    rules::check_description(&description)?;
    let link = form.non_blank("external_link");
    rules::check_link(link.as_deref(), has_video)?;
    Ok(Meta { start, end, description, link, values })
}

/// A performance's columns besides its [`PerformanceFields`].
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = pf)]
struct Head {
    id: i64,
    student_id: i64,
    document_file_id: Option<i64>,
    video_file_id: Option<i64>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A performance, its fields and its student's account, name, class and seat.
type Row = (Head, PerformanceFields, (String, String, Option<String>, Option<i32>));

macro_rules! performance_query {
    () => {
        pf::table
            .inner_join(users::table.on(users::id.eq(pf::student_id)))
            .left_join(sp::table.on(sp::user_id.eq(pf::student_id)))
            .filter(live::<pf::table>())
            .select((Head::as_select(), PerformanceFields::as_select(), (users::account, users::display_name, sp::class_code.nullable(), sp::seat_no.nullable())))
    };
}

/// A stored category (an unknown one is an error, never a default).
fn stored_category(s: &str) -> ApiResult<Category> {
    Category::parse(s).ok_or_else(|| ApiError::bad_stored("performances.category", s))
}

fn shape(c: &mut DbConn, rows: Vec<Row>) -> ApiResult<Vec<Performance>> {
    let file_ids: Vec<i64> = rows.iter().flat_map(|(h, _, _)| [h.document_file_id, h.video_file_id]).flatten().collect();
    let files = files::load(c, &file_ids)?;
    let ids: Vec<i64> = rows.iter().map(|(h, _, _)| h.id).collect();
    let selected: Vec<i64> = if ids.is_empty() {
        vec![]
    } else {
        selections::table.filter(selections::item_kind.eq(ItemKind::Performance.as_str())).filter(selections::item_id.eq_any(&ids)).select(selections::item_id).load(c)?
    };
    rows.into_iter()
        .map(|(h, f, owner)| {
            let category = stored_category(&f.category)?;
            rules::check_stored(category, &f.closed_values())?;
            Ok(Performance {
                id: h.id,
                owner: Owner::of(h.student_id, owner),
                fields: f,
                category_name: category.name_zh(),
                document: files::find(&files, h.document_file_id),
                video: files::find(&files, h.video_file_id),
                selected: selected.contains(&h.id),
                created_at: h.created_at,
                updated_at: h.updated_at,
            })
        })
        .collect()
}

/// Multiple performances at `/performances` ([`super::served`] holds the handlers and their document).
impl Resource for Performance {
    /// A performance has no history to show beside it.
    type Detail = Performance;
    type Filter = PerformanceFilter;
    type Forms = (PerformanceForm, PerformanceForm);

    async fn create(state: &AppState, me: Caller, payload: Multipart) -> ApiResult<i64> {
        let now = state.clock.now();
        let (facts, term) = state
            .db
            .read(move |c| {
                let term = crate::terms::require_current(c, me.school)?;
                let facts = access::student_facts(c, me.school, me.user)?;
                periods::require_open(c, me.school, Item::UploadPerformances, facts.grade, now)?;
                Ok((facts, term))
            })
            .await?;
        let mut form = form::read(payload, &state.config, TEXT_FIELDS).await?;
        let category = parse_category(&form)?;
        if form.text("remove_document").is_some() || form.text("remove_video").is_some() {
            return Err(ApiError::validation().field("remove_document", "新增時不使用此欄位", "only for edits"));
        }
        let meta = check_meta(&form, category, facts.entry_year, term.academic_year, form.files.contains_key(&Slot::Video))?;
        if form.files.is_empty() {
            return Err(ApiError::validation().field("document", "請上傳文件檔或影音檔（至少一個）", "attach a document and/or a video"));
        }
        let upload = Upload::take(&mut form)?;
        let grade = facts.grade;
        state.db.write(move |c| create(c, me, grade, term.academic_year, category, &meta, upload, now)).await
    }

    fn files(self) -> (Option<FileInfo>, Option<FileInfo>) {
        (self.document, self.video)
    }

    fn list(c: &mut DbConn, totals: &Totals, me: Caller, f: &PerformanceFilter, students: &StudentFilter, page: i64, per_page: i64) -> ApiResult<Page<Performance>> {
        let vis = access::visible(c, me)?;
        let category = f.category.map(Category::as_str);
        macro_rules! filtered {
            () => {{
                let mut q = performance_query!().filter(pf::school_id.eq(me.school)).into_boxed();
                if let Visible::Some { students, .. } = &vis {
                    q = q.filter(pf::student_id.eq_any(students.clone()));
                }
                if let Some(y) = f.academic_year {
                    q = q.filter(pf::academic_year.eq(y));
                }
                if let Some(cat) = &category {
                    q = q.filter(pf::category.eq(*cat));
                }
                items::student_filters!(q, students, pf::student_id, pf::title);
                q
            }};
        }
        let rows: Vec<Row> = filtered!()
            .order((pf::academic_year.desc(), sp::class_code.asc(), sp::seat_no.asc(), pf::start_date.desc(), pf::id.desc()))
            .limit(per_page)
            .offset(offset(page, per_page))
            .load(c)?;
        // As the learning results' list: a page that is not full tells the total; otherwise the
        // count, reused while nothing changed (`Totals`).
        let total = match total_from_page(page, per_page, rows.len()) {
            Some(total) => total,
            None => totals.get_or(format!("performances {} {vis:?} {f:?} {students:?}", me.school), || Ok(filtered!().count().get_result(c)?))?,
        };
        Ok(Page::new(shape(c, rows)?, total, page, per_page))
    }

    fn load(c: &mut DbConn, me: Caller, id: i64) -> ApiResult<Performance> {
        load_visible(c, me, id)
    }

    fn detail(c: &mut DbConn, me: Caller, id: i64) -> ApiResult<Performance> {
        load_visible(c, me, id)
    }

    async fn update(state: &AppState, me: Caller, id: i64, payload: Multipart) -> ApiResult<()> {
        let now = state.clock.now();
        let (facts, Own { category, document: old_doc, video: old_video, academic_year: year }) = state
            .db
            .read(move |c| Ok((access::student_facts(c, me.school, me.user)?, own_changeable(c, me, id, now)?)))
            .await?;
        let mut form = form::read(payload, &state.config, TEXT_FIELDS).await?;
        if form.text("category").is_some_and(|v| v.trim() != category.as_str()) {
            return Err(ApiError::validation().field("category", "多元表現不能改變類別，請刪除後重新新增", "a performance keeps its category"));
        }
        let upload = Upload::take(&mut form)?;
        let has_video = upload.video.is_some() || (old_video.is_some() && !upload.remove_video);
        let has_doc = upload.document.is_some() || (old_doc.is_some() && !upload.remove_document);
        let meta = check_meta(&form, category, facts.entry_year, year, has_video)?;
        if !has_video && !has_doc {
            return Err(ApiError::validation().field("document", "至少須保留一個文件檔或影音檔", "keep at least a document or a video"));
        }
        state.db.write(move |c| change(c, me, id, &meta, upload, now)).await
    }

    fn soft_delete(c: &mut DbConn, me: Caller, id: i64, now: NaiveDateTime) -> ApiResult<()> {
        soft_delete(c, me, id, now)
    }
}

pub fn load_visible(c: &mut DbConn, me: Caller, id: i64) -> ApiResult<Performance> {
    let row: Option<Row> = performance_query!().filter(pf::id.eq(id)).filter(pf::school_id.eq(me.school)).first(c).optional()?;
    let row = row.ok_or_else(ApiError::not_found)?;
    if !access::visible(c, me)?.student(row.0.student_id) {
        return Err(ApiError::not_found());
    }
    shape(c, vec![row])?.pop().ok_or_else(ApiError::not_found)
}

fn used_this_year(c: &mut DbConn, student: i64, academic_year: i32) -> ApiResult<i64> {
    Ok(pf::table
        .filter(pf::student_id.eq(student))
        .filter(pf::academic_year.eq(academic_year))
        .filter(live::<pf::table>())
        .count()
        .get_result(c)?)
}

/// 多元表現類別: the ten categories with their fields and date kind.
#[utoipa::path(
    tag = "uploads",
    responses(
        (status = 200, description = "The categories in roster order", body = Vec<CategoryInfo>),
        (status = 403, description = "An API key or the platform operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/performance-categories")]
pub async fn list_categories(who: Principal) -> ApiResult<web::Json<Vec<CategoryInfo>>> {
    Caller::of(&who)?;
    Ok(web::Json(
        Category::ALL
            .into_iter()
            .map(|c| CategoryInfo {
                category: c,
                name: c.name_zh(),
                dating: match c.dating() {
                    Dating::Single => "single",
                    Dating::Range => "range",
                },
                fields: rules::field_specs(c).to_vec(),
            })
            .collect(),
    ))
}

/// The student's performance count, date bounds and upload period this academic year.
#[utoipa::path(
    tag = "uploads",
    responses(
        (status = 200, description = "Count, limit and date bounds", body = PerformanceLimits),
        (status = 403, description = "Not a student", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No term or no student record yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/performance-limits")]
pub async fn my_limits(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<PerformanceLimits>> {
    let me = Caller::student(&who)?;
    let now = state.clock.now();
    state
        .db
        .read(move |c| {
            let term = crate::terms::require_current(c, me.school)?;
            let facts = access::student_facts(c, me.school, me.user)?;
            let (params, _) = parameters::load(c, me.school)?;
            let used = used_this_year(c, me.user, term.academic_year)?;
            let (earliest, latest, latest_end) = rules::date_span(facts.entry_year, term.academic_year).ok_or_else(|| ApiError::internal("bad entry year"))?;
            let upload_period = periods::find(c, me.school, Item::UploadPerformances, facts.grade, term, now)?;
            Ok(web::Json(PerformanceLimits { academic_year: term.academic_year, per_year_limit: params.performances_per_year, used, earliest, latest, latest_end, upload_period }))
        })
        .await
}

/// 校內幹部經歷: the student's school cadre records from sync (read-only).
#[utoipa::path(
    tag = "uploads",
    responses(
        (status = 200, description = "Newest first", body = Vec<CadreRecord>),
        (status = 403, description = "Not a student", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/cadre-records")]
pub async fn my_cadre_records(state: web::Data<AppState>, who: Principal) -> ApiResult<web::Json<Vec<CadreRecord>>> {
    let me = Caller::student(&who)?;
    state
        .db
        .read(move |c| {
            Ok(web::Json(
                cr::table
                    .filter(cr::student_id.eq(me.user))
                    .filter(cr::school_id.eq(me.school))
                    .filter(cr::active.eq(true))
                    .order((cr::academic_year.desc(), cr::semester.desc(), cr::start_date.desc()))
                    .select((cr::id, cr::academic_year, cr::semester, cr::unit, cr::position, cr::level, cr::start_date, cr::end_date))
                    .load(c)?,
            ))
        })
        .await
}

fn hours_of(meta: &Meta) -> Option<f64> {
    meta.value(Field::Hours).and_then(|v| v.parse().ok())
}

fn credits_of(meta: &Meta) -> Option<i32> {
    meta.value(Field::Credits).and_then(|v| v.parse().ok())
}

/// The student's yearly count (學生多元表現上傳數量): refused (`limit_reached`) when it is
/// full. Locks the student, so two requests at once cannot both take the last place.
pub fn require_room(c: &mut DbConn, me: Caller, academic_year: i32) -> ApiResult<()> {
    access::lock_student(c, me.user)?;
    let (params, _) = parameters::load(c, me.school)?;
    let used = used_this_year(c, me.user, academic_year)?;
    items::within(used, params.performances_per_year, |used, limit| {
        (format!("本學年已上傳 {used} 件多元表現，已達學校設定的上限 {limit} 件。"), format!("You have {used} performances this year; the school allows {limit}."))
    })
}

// Written once: inserted on create, set on change (`None` clears a column; the category and year
// stay as they are), selected into `Performance` (the API shows them under these names), the
// rosters (`crate::rosters`) and transfer packages, and sealed into the history as it is.
/// A performance's own fields (besides its owner, files and times), under the same names in the
/// API and in transfer packages.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize, Deserialize, ToSchema)]
#[diesel(table_name = pf, treat_none_as_null = true)]
pub struct PerformanceFields {
    pub academic_year: i32,
    /// One of the ten categories (a stored one is checked against them when read).
    #[schema(value_type = Category)]
    pub category: String,
    pub title: String,
    pub item: Option<String>,
    pub organisation: Option<String>,
    pub position: Option<String>,
    pub level: Option<String>,
    pub award: Option<String>,
    pub kind: Option<String>,
    pub score: Option<String>,
    pub certificate_no: Option<String>,
    pub participation: Option<String>,
    pub hours: Option<f64>,
    pub credits: Option<i32>,
    /// The date, or the start of a range.
    pub start_date: NaiveDate,
    /// The end of a range (range categories only).
    pub end_date: Option<NaiveDate>,
    /// 內容簡述 (at most 100 characters).
    pub description: String,
    /// Only with a video (FAQ 000 Q3). Written `link` by transfer packages before version 3.
    #[serde(rename = "external_link", alias = "link")]
    pub link: Option<String>,
}

impl PerformanceFields {
    fn new(category: Category, academic_year: i32, meta: &Meta) -> PerformanceFields {
        PerformanceFields {
            academic_year,
            category: category.as_str().to_string(),
            title: meta.value(Field::Title).unwrap_or_default(),
            item: meta.value(Field::Item),
            organisation: meta.value(Field::Organisation),
            position: meta.value(Field::Position),
            level: meta.value(Field::Level),
            award: meta.value(Field::Award),
            kind: meta.value(Field::Kind),
            score: meta.value(Field::Score),
            certificate_no: meta.value(Field::CertificateNo),
            participation: meta.value(Field::Participation),
            hours: hours_of(meta),
            credits: credits_of(meta),
            start_date: meta.start,
            end_date: meta.end,
            description: meta.description.clone(),
            link: meta.link.clone(),
        }
    }

    /// The fields some categories take from a closed list, as stored.
    fn closed_values(&self) -> [(Field, Option<&str>); 3] {
        [(Field::Level, self.level.as_deref()), (Field::Kind, self.kind.as_deref()), (Field::Participation, self.participation.as_deref())]
    }
}

/// Records a new performance of the student from checked metadata and placed files (after
/// [`require_room`]).
#[allow(clippy::too_many_arguments)]
pub fn insert(c: &mut DbConn, me: Caller, academic_year: i32, category: Category, meta: &Meta, doc_id: Option<i64>, video_id: Option<i64>, now: NaiveDateTime) -> ApiResult<i64> {
    let id: i64 = diesel::insert_into(pf::table)
        .values((
            PerformanceFields::new(category, academic_year, meta),
            pf::document_file_id.eq(doc_id),
            pf::video_file_id.eq(video_id),
            pf::school_id.eq(me.school),
            pf::student_id.eq(me.user),
            pf::created_at.eq(now),
            pf::updated_at.eq(now),
        ))
        .returning(pf::id)
        .get_result(c)?;
    access::record_on_behalf(c, me, EventKind::PerformanceCreated, format!("performance {id}"), now)?;
    let after = sealed_fields(c, id)?;
    seal_change(c, me, id, "created", serde_json::Value::Null, after, now)?;
    Ok(id)
}

/// A performance's fields as the history seals them (issue #26: an event's content includes the
/// fields before and after a change), with the SHA-256 of its files.
fn sealed_fields(c: &mut DbConn, id: i64) -> ApiResult<serde_json::Value> {
    #[derive(Serialize)]
    struct Sealed {
        #[serde(flatten)]
        fields: PerformanceFields,
        document_file_id: Option<i64>,
        video_file_id: Option<i64>,
        document_sha256: Option<String>,
        video_sha256: Option<String>,
    }
    let (fields, document_file_id, video_file_id): (PerformanceFields, Option<i64>, Option<i64>) =
        pf::table.find(id).select((PerformanceFields::as_select(), pf::document_file_id, pf::video_file_id)).first(c)?;
    let [document_sha256, video_sha256] = crate::history::file_sha256s(c, [document_file_id, video_file_id])?;
    serde_json::to_value(Sealed { fields, document_file_id, video_file_id, document_sha256, video_sha256 }).map_err(|e| ApiError::internal(format!("sealing performance {id}: {e}")))
}

/// Seals a performance change into the school's history: what it was before and after (`null`
/// before a creation and after a deletion).
fn seal_change(c: &mut DbConn, me: Caller, id: i64, action: &str, before: serde_json::Value, after: serde_json::Value, now: NaiveDateTime) -> ApiResult<()> {
    let detail = serde_json::json!({"performance": id, "action": action, "before": before, "after": after});
    crate::history::note(c, me.school, Some(me.actor), EventKind::PerformanceChanged, detail, now)
}

/// Creates the student's performance inside their performance upload period (`grade`: theirs now)
/// and yearly count, with the files placed.
#[allow(clippy::too_many_arguments)]
pub fn create(c: &mut DbConn, me: Caller, grade: i32, academic_year: i32, category: Category, meta: &Meta, upload: Upload, now: NaiveDateTime) -> ApiResult<i64> {
    periods::require_open(c, me.school, Item::UploadPerformances, grade, now)?;
    require_room(c, me, academic_year)?;
    let (doc_id, video_id) = upload.place(c, me, now)?;
    insert(c, me, academic_year, category, meta, doc_id, video_id, now)
}

/// The student's own performance as a change needs it.
struct Own {
    category: Category,
    document: Option<i64>,
    video: Option<i64>,
    academic_year: i32,
}

/// The student's own performance, changeable: this academic year's, inside the student's
/// performance upload period, and not selected.
fn own_changeable(c: &mut DbConn, me: Caller, id: i64, now: NaiveDateTime) -> ApiResult<Own> {
    let row: Option<(i64, (String, Option<i64>, Option<i64>, i32))> = pf::table
        .filter(pf::id.eq(id))
        .filter(pf::school_id.eq(me.school))
        .filter(live::<pf::table>())
        .select((pf::student_id, (pf::category, pf::document_file_id, pf::video_file_id, pf::academic_year)))
        .first(c)
        .optional()?;
    let (category, document, video, academic_year) = items::own(row, me)?;
    let term = crate::terms::require_current(c, me.school)?;
    if academic_year != term.academic_year {
        return Err(ApiError::with_detail(ErrorCode::InvalidState, "只能修改或刪除本學年的多元表現。", "Only this academic year's performances can be changed."));
    }
    let facts = access::student_facts(c, me.school, me.user)?;
    periods::require_open(c, me.school, Item::UploadPerformances, facts.grade, now)?;
    let selected: i64 = selections::table.filter(selections::item_kind.eq(ItemKind::Performance.as_str())).filter(selections::item_id.eq(id)).count().get_result(c)?;
    if selected > 0 {
        return Err(ApiError::with_detail(ErrorCode::InvalidState, "此多元表現已勾選提交，請先取消勾選再修改或刪除。", "The performance is selected for submission; unselect it first."));
    }
    Ok(Own { category: stored_category(&category)?, document, video, academic_year })
}

/// Changes the student's own changeable performance: its fields from `meta`, its files as `upload`
/// says; the history seals the fields before and after.
pub fn change(c: &mut DbConn, me: Caller, id: i64, meta: &Meta, upload: Upload, now: NaiveDateTime) -> ApiResult<()> {
    let own = own_changeable(c, me, id, now)?;
    let before = sealed_fields(c, id)?;
    let (doc_id, video_id) = upload.apply(c, me, (own.document, own.video), now)?;
    let fields = PerformanceFields::new(own.category, own.academic_year, meta);
    diesel::update(pf::table.find(id)).set((fields, pf::document_file_id.eq(doc_id), pf::video_file_id.eq(video_id), pf::updated_at.eq(now))).execute(c)?;
    let after = sealed_fields(c, id)?;
    seal_change(c, me, id, "updated", before, after, now)?;
    access::record_on_behalf(c, me, EventKind::PerformanceUpdated, format!("performance {id}"), now)
}

/// Deletes the student's own changeable performance: the row stays, with its deletion time; the
/// history seals what it was.
pub fn soft_delete(c: &mut DbConn, me: Caller, id: i64, now: NaiveDateTime) -> ApiResult<()> {
    own_changeable(c, me, id, now)?;
    let before = sealed_fields(c, id)?;
    diesel::update(pf::table.find(id)).set((pf::deleted_at.eq(Some(now)), pf::updated_at.eq(now))).execute(c)?;
    access::record_on_behalf(c, me, EventKind::PerformanceDeleted, format!("performance {id}"), now)?;
    seal_change(c, me, id, "deleted", before, serde_json::Value::Null, now)
}
