//! The audit log of security events: who, when, from where (issue: accounts, item 10) — listing
//! it in words. Recording an event is `crate::audit`, below the domains.

use std::collections::HashMap;

use actix_web::{get, web, HttpRequest};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::state::AppState;
use crate::auth::{Need, Principal};
use crate::audit::{tr, EventKind, BEFORE};
use crate::db::DbConn;
use crate::error::{ApiResult, Lang, Problem};
use crate::pagination::{offset, Page, PageQuery};
use crate::schema::{audit_events, courses, teaching_assignments, users};

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1042, "created_at": "2026-11-20T03:12:45Z", "event": "password_reset_by_admin", "user_id": 17, "actor": "999999_T001", "actor_name": "王大明",
    "client_addr": "203.0.113.24", "detail": null, "summary": "重設 王大明（999999_T001）的密碼"
}))]
pub struct AuditEvent {
    pub id: i64,
    pub user_id: Option<i64>,
    /// Account (or API key) that acted or was acted on.
    pub actor: Option<String>,
    /// What happened (`sign_in_succeeded`, `password_reset_by_admin`, `role_group_updated` …).
    pub event: EventKind,
    pub detail: Option<String>,
    pub client_addr: Option<String>,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    /// The display name of `actor` (null when it is no account of the school, e.g. a mistyped one).
    pub actor_name: Option<String>,
    /// The event in people's words, in the request's language (`Accept-Language`): who did what
    /// to whom, with names, terms and ROC dates (「重設 王大明（999999_T001）的密碼」,
    /// 「學年期由 114學年度第2學期 切換為 115學年度第1學期」); `detail` keeps the raw record.
    pub summary: String,
}

type Row = (i64, Option<i64>, Option<String>, EventKind, Option<String>, Option<String>, NaiveDateTime);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Only this event kind (an unknown kind is refused: `400 invalid_query`).
    pub event: Option<EventKind>,
    /// Only this account.
    pub actor: Option<String>,
    /// From this time (RFC 3339, e.g. `2026-11-22T00:00:00Z` or `2026-11-22T08:00:00+08:00`).
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Before this time (RFC 3339).
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

/// List the school's security events, newest first.
#[utoipa::path(
    tag = "accounts",
    params(AuditFilter, PageQuery),
    responses(
        (status = 200, description = "One page of events", body = Page<AuditEvent>),
        (status = 400, description = "Bad filter", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the school admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit-events")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Principal,
    filter: web::Query<AuditFilter>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<AuditEvent>>> {
    who.require(Need::SCHOOL_ADMIN)?;
    let school = who.school_id()?;
    let (page, per_page) = page.checked()?;
    let filter = filter.into_inner();
    let lang = crate::http::request_lang(&req);
    state
        .db
        .read(move |c| {
            let query = || {
                let mut q = audit_events::table.filter(audit_events::school_id.eq(school)).into_boxed();
                if let Some(e) = filter.event {
                    q = q.filter(audit_events::event.eq(e.as_str()));
                }
                if let Some(a) = &filter.actor {
                    q = q.filter(audit_events::actor.eq(a.clone()));
                }
                if let Some(f) = filter.from {
                    q = q.filter(audit_events::created_at.ge(f.naive_utc()));
                }
                if let Some(t) = filter.to {
                    q = q.filter(audit_events::created_at.lt(t.naive_utc()));
                }
                q
            };
            let total: i64 = query().count().get_result(c)?;
            let items = query()
                .order((audit_events::created_at.desc(), audit_events::id.desc()))
                .limit(per_page)
                .offset(offset(page, per_page))
                .select((
                    audit_events::id,
                    audit_events::user_id,
                    audit_events::actor,
                    audit_events::event,
                    audit_events::detail,
                    audit_events::client_addr,
                    audit_events::created_at,
                ))
                .load::<(i64, Option<i64>, Option<String>, String, Option<String>, Option<String>, NaiveDateTime)>(c)?
                .into_iter()
                // A kind outside the enum cannot be stored (a CHECK constraint); read, it is an error.
                .map(|(id, user_id, actor, event, detail, client_addr, created_at)| Ok((id, user_id, actor, EventKind::parse(&event)?, detail, client_addr, created_at)))
                .collect::<ApiResult<Vec<Row>>>()?;
            let names = Names::load(c, school, &items)?;
            let items = items
                .into_iter()
                .map(|row| {
                    let summary = describe(&row, &names, lang);
                    let (id, user_id, actor, event, detail, client_addr, created_at) = row;
                    let actor_name = actor.as_ref().and_then(|a| names.accounts.get(a).cloned());
                    AuditEvent { id, user_id, actor, event, detail, client_addr, created_at, actor_name, summary }
                })
                .collect();
            Ok(web::Json(Page::new(items, total, page, per_page)))
        })
        .await
}

/// The names a page of entries mentions: accounts, users by id, courses, teaching assignments.
#[derive(Default)]
struct Names {
    accounts: HashMap<String, String>,
    users: HashMap<i64, String>,
    /// Course id → 「國語文 201」.
    courses: HashMap<i64, String>,
    /// Teaching assignment id → (teacher id, course id).
    assignments: HashMap<i64, (i64, i64)>,
}

/// `teacher 12: …` / `delegate 12` / `course 7`: the number after `word `.
fn id_after(text: &str, word: &str) -> Option<i64> {
    let at = text.find(&format!("{word} "))? + word.len() + 1;
    let digits: String = text[at..].chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// The accounts an entry's detail names (besides its actor).
fn detail_accounts(event: EventKind, detail: &str) -> Vec<String> {
    match event {
        EventKind::PasswordResetByAdmin | EventKind::TemporaryAccountRevoked => vec![detail.trim().to_string()],
        EventKind::TemporaryAccountCreated => {
            let (temporary, rest) = detail.split_once(" for ").unwrap_or((detail, ""));
            let student = rest.split(" until ").next().unwrap_or("");
            vec![temporary.trim().to_string(), student.trim().to_string()]
        }
        _ => detail.rsplit_once(" on behalf of ").map(|(_, a)| vec![a.trim().to_string()]).unwrap_or_default(),
    }
}

impl Names {
    fn load(c: &mut DbConn, school: i64, rows: &[Row]) -> ApiResult<Names> {
        let mut names = Names::default();
        let mut accounts: Vec<String> = Vec::new();
        let mut user_ids: Vec<i64> = Vec::new();
        let mut course_ids: Vec<i64> = Vec::new();
        let mut assignment_ids: Vec<i64> = Vec::new();
        for (_, user_id, actor, event, detail, _, _) in rows {
            accounts.extend(actor.clone());
            user_ids.extend(*user_id);
            let Some(detail) = detail else { continue };
            accounts.extend(detail_accounts(*event, detail));
            user_ids.extend(id_after(detail, "teacher"));
            user_ids.extend(id_after(detail, "delegate"));
            course_ids.extend(id_after(detail, "course"));
            if *event == EventKind::CoTaughtCertifiersChanged {
                assignment_ids.extend(detail.split(',').filter_map(|pair| pair.split_once('=')).filter_map(|(id, _)| id.trim().parse::<i64>().ok()));
            }
        }
        if !assignment_ids.is_empty() {
            let rows: Vec<(i64, i64, i64)> = teaching_assignments::table
                .filter(teaching_assignments::school_id.eq(school))
                .filter(teaching_assignments::id.eq_any(&assignment_ids))
                .select((teaching_assignments::id, teaching_assignments::teacher_id, teaching_assignments::course_id))
                .load(c)?;
            for (id, teacher, course) in rows {
                user_ids.push(teacher);
                course_ids.push(course);
                names.assignments.insert(id, (teacher, course));
            }
        }
        if !course_ids.is_empty() {
            let rows: Vec<(i64, String, String)> = courses::table
                .filter(courses::school_id.eq(school))
                .filter(courses::id.eq_any(&course_ids))
                .select((courses::id, courses::subject_name, courses::class_code))
                .load(c)?;
            names.courses = rows.into_iter().map(|(id, subject, class)| (id, format!("{subject} {class}"))).collect();
        }
        accounts.sort();
        accounts.dedup();
        if !accounts.is_empty() {
            let rows: Vec<(String, String)> = users::table
                .filter(users::school_id.eq(school))
                .filter(users::account.eq_any(&accounts))
                .select((users::account, users::display_name))
                .load(c)?;
            names.accounts = rows.into_iter().collect();
        }
        user_ids.sort_unstable();
        user_ids.dedup();
        if !user_ids.is_empty() {
            let rows: Vec<(i64, String, String)> = users::table
                .filter(users::school_id.eq(school))
                .filter(users::id.eq_any(&user_ids))
                .select((users::id, users::display_name, users::account))
                .load(c)?;
            names.users = rows.into_iter().map(|(id, name, account)| (id, format!("{name}（{account}）"))).collect();
        }
        Ok(names)
    }

    /// 「王大明（999999_T001）」, or the account alone when it is not the school's.
    fn account(&self, account: &str) -> String {
        match self.accounts.get(account) {
            Some(name) => format!("{name}（{account}）"),
            None => account.to_string(),
        }
    }

    fn user(&self, id: Option<i64>, lang: Lang) -> String {
        id.and_then(|id| self.users.get(&id).cloned()).unwrap_or_else(|| tr(lang, "（已不存在的帳號）", "(an account no longer there)"))
    }

    fn course(&self, id: Option<i64>, lang: Lang) -> String {
        id.and_then(|id| self.courses.get(&id).cloned()).unwrap_or_else(|| tr(lang, "（已不存在的課程）", "(a course no longer there)"))
    }
}

/// `1151` → 115學年度第1學期 (`1150` → 115學年度全學年); anything else as it is.
fn term_words(code: &str, lang: Lang) -> String {
    let code = code.trim();
    let (year, semester) = (code.get(..code.len().saturating_sub(1)).unwrap_or(""), code.get(code.len().saturating_sub(1)..).unwrap_or(""));
    let year = year.trim_start_matches('0');
    if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_digit()) || year.is_empty() {
        return code.to_string();
    }
    match (semester, lang) {
        ("0", Lang::Zh) => format!("{year}學年度全學年"),
        ("0", Lang::En) => format!("AY {year}, whole year"),
        (s, Lang::Zh) => format!("{year}學年度第{s}學期"),
        (s, Lang::En) => format!("AY {year}, semester {s}"),
    }
}

/// An RFC 3339 instant as a Taipei ROC date and time (`115/11/29 00:00`); as it is when unreadable.
fn roc_time(text: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(text.trim()) {
        Ok(t) => {
            let local = crate::settings::periods::utc_to_taipei(t.naive_utc());
            use chrono::Datelike;
            format!("{}/{}", local.year() - 1911, local.format("%m/%d %H:%M"))
        }
        Err(_) => text.to_string(),
    }
}

/// The entry in people's words (see `AuditEvent.summary`). Unknown kinds keep their detail.
/// What a selection's `item_kind` names.
fn item_words(kind: &str, zh: bool) -> &'static str {
    match (kind, zh) {
        ("result", true) => "課程學習成果",
        ("performance", true) => "多元表現",
        (_, true) => "轉入的學習歷程",
        ("result", false) => "learning result",
        ("performance", false) => "performance",
        (_, false) => "imported item",
    }
}

/// A sealed event's JSON facts in words (the raw JSON when it cannot be read).
fn sealed_words(event: EventKind, detail: &str, lang: Lang) -> String {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(detail) else { return detail.to_string() };
    let text = |k: &str| v[k].as_str().map(str::to_string).unwrap_or_else(|| v[k].to_string());
    let zh = lang == Lang::Zh;
    match event {
        EventKind::RosterExported if zh => format!("匯出名冊 {}（{}）：{} 位學生、{} 筆資料、{} 個檔案", text("roster"), text("file_name"), text("students"), text("items"), text("files")),
        EventKind::RosterExported => format!("Exported roster {} ({}): {} students, {} items, {} files", text("roster"), text("file_name"), text("students"), text("items"), text("files")),
        EventKind::TransferImported if zh => format!("匯入轉學生資料（來源學校 {}）：比對到 {} 位學生、新增 {} 筆", text("source_school"), text("students_matched"), text("items_added")),
        EventKind::TransferImported => format!("Imported transfer data (from school {}): {} students matched, {} items added", text("source_school"), text("students_matched"), text("items_added")),
        EventKind::ReceiptAnswered if zh => format!("回覆 {} 學年期收訖明細（{}）：{}", text("term"), text("category"), text("state")),
        EventKind::ReceiptAnswered => format!("Answered the receipt of term {} ({}): {}", text("term"), text("category"), text("state")),
        EventKind::SelfDirectedEvent if zh => format!("自主學習計畫 #{}（{}）：{}", text("plan"), text("phase"), text("action")),
        EventKind::SelfDirectedEvent => format!("Self-directed plan #{} ({}): {}", text("plan"), text("phase"), text("action")),
        EventKind::SelectionChanged if zh => format!("{}學年度{}：{} #{}", text("academic_year"), if v["action"] == "selected" { "勾選" } else { "取消勾選" }, item_words(&text("item_kind"), true), text("item")),
        EventKind::SelectionChanged => format!("AY {}: {} {} #{}", text("academic_year"), text("action"), item_words(&text("item_kind"), false), text("item")),
        _ if zh => format!("多元表現 #{}：{}", text("performance"), match v["action"].as_str() { Some("created") => "新增", Some("updated") => "修改", Some("deleted") => "刪除", _ => "變更" }),
        _ => format!("Performance #{}: {}", text("performance"), text("action")),
    }
}

fn describe(row: &Row, n: &Names, lang: Lang) -> String {
    let (_, user_id, actor, event, detail, _, _) = row;
    let detail = detail.as_deref().unwrap_or("");
    let zh = lang == Lang::Zh;
    let pick = |a: String, b: String| if zh { a } else { b };
    let count = |text: &str| text.rsplit(": ").next().unwrap_or("").split(' ').next().unwrap_or("").to_string();
    match *event {
        EventKind::SignInSucceeded => tr(lang, "登入成功", "Signed in"),
        EventKind::SignInFailed if detail.starts_with("wrong password") => {
            let n: String = detail.chars().filter(|c| c.is_ascii_digit()).collect();
            pick(format!("密碼錯誤（連續第 {n} 次）"), format!("Wrong password ({n} in a row)"))
        }
        EventKind::SignInFailed => tr(lang, "學校代碼或帳號不存在", "Unknown school or account"),
        EventKind::AccountLocked => {
            let numbers: Vec<String> = detail.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).map(String::from).collect();
            let (times, minutes) = (numbers.first().cloned().unwrap_or_default(), numbers.get(1).cloned().unwrap_or_default());
            pick(format!("連續 {times} 次密碼錯誤，帳號鎖定 {minutes} 分鐘"), format!("{times} wrong passwords in a row: the account is locked for {minutes} minutes"))
        }
        EventKind::PasswordResetRequested if detail == "reset link mailed" => tr(lang, "申請重設密碼，已寄出重設連結", "Asked to reset the password; the reset link was mailed"),
        EventKind::PasswordResetRequested => tr(lang, "申請重設密碼，但學校未設定郵件伺服器，沒有寄出", "Asked to reset the password; no mail server is set up, so nothing was sent"),
        EventKind::PasswordResetCompleted => tr(lang, "以重設連結設定了新密碼", "Set a new password with a reset link"),
        EventKind::PasswordChanged => tr(lang, "變更了自己的密碼", "Changed their own password"),
        EventKind::EmailChanged => pick(format!("變更了 {} 的電子郵件", n.user(*user_id, lang)), format!("Changed the e-mail of {}", n.user(*user_id, lang))),
        EventKind::RefreshTokenReused => tr(lang, "已失效的登入憑證被再次使用，該次登入已撤銷", "A spent sign-in token was used again; that session was revoked"),
        EventKind::PasswordResetByAdmin => pick(format!("重設 {} 的密碼", n.account(detail)), format!("Reset the password of {}", n.account(detail))),
        EventKind::TemporaryAccountCreated => {
            let accounts = detail_accounts(*event, detail);
            let until = detail.rsplit_once(" until ").map(|(_, d)| d.trim()).unwrap_or("");
            let until = chrono::NaiveDate::parse_from_str(until, "%Y-%m-%d")
                .map(|d| {
                    use chrono::Datelike;
                    format!("{}/{}", d.year() - 1911, d.format("%m/%d"))
                })
                .unwrap_or_else(|_| roc_time(until));
            let (temporary, student) = (accounts.first().cloned().unwrap_or_default(), n.account(accounts.get(1).map(String::as_str).unwrap_or("")));
            pick(format!("為 {student} 建立臨時帳號 {temporary}，有效至 {until}"), format!("Created the temporary account {temporary} for {student}, valid until {until}"))
        }
        EventKind::TemporaryAccountRevoked => pick(format!("停用臨時帳號 {}", n.account(detail)), format!("Revoked the temporary account {}", n.account(detail))),
        EventKind::RoleGroupCreated => pick(format!("新增角色群組 {detail}"), format!("Created the role group {detail}")),
        EventKind::RoleGroupUpdated => {
            let (after, before) = split_before(detail);
            let group_words = |detail: &str| {
                let (group, in_use) = detail.rsplit_once(" in_use=").unwrap_or((detail, ""));
                let state = match (in_use, zh) {
                    ("true", true) => "（啟用）",
                    ("false", true) => "（停用）",
                    ("true", false) => " (in use)",
                    ("false", false) => " (not in use)",
                    _ => "",
                };
                format!("{group}{state}")
            };
            let was = before.map(|b| pick(format!("；原為 {}", group_words(b)), format!("; was {}", group_words(b)))).unwrap_or_default();
            pick(format!("修改角色群組 {}{was}", group_words(after)), format!("Edited the role group {}{was}", group_words(after)))
        }
        EventKind::RoleGroupDeleted => pick(format!("刪除角色群組 {detail}"), format!("Deleted the role group {detail}")),
        EventKind::RoleGroupModulesChanged => {
            let (after, before) = split_before(detail);
            let (group, modules) = after.split_once(": ").unwrap_or((after, ""));
            let words = |modules: &str| if modules.is_empty() { tr(lang, "（無）", "(none)") } else { modules.replace(',', "、") };
            let was = before.map(|b| pick(format!("；原為 {}", words(b)), format!("; was {}", words(b)))).unwrap_or_default();
            pick(format!("角色群組 {group} 的功能模組改為 {}{was}", words(modules)), format!("Set the modules of role group {group} to {}{was}", words(modules)))
        }
        EventKind::RoleGroupMembersChanged => {
            let (after, before) = split_before(detail);
            let (group, _) = after.split_once(": ").unwrap_or((after, ""));
            let k = count(after);
            let was = before.map(|b| b.split(' ').next().unwrap_or("")).map(|b| pick(format!("；原為 {b} 人"), format!("; was {b}"))).unwrap_or_default();
            pick(format!("角色群組 {group} 的成員改為 {k} 人{was}"), format!("Set the members of role group {group} ({k}){was}"))
        }
        EventKind::ConsultantClassesChanged => {
            let (teacher, k) = (n.user(id_after(detail, "teacher"), lang), count(detail));
            pick(format!("{teacher} 諮詢的班級改為 {k} 班"), format!("Set the classes {teacher} advises ({k})"))
        }
        EventKind::ConsultantStudentsChanged | EventKind::CounselorStudentsChanged => {
            let (teacher, k) = (n.user(id_after(detail, "teacher"), lang), count(detail));
            let role = match (*event, zh) {
                (EventKind::ConsultantStudentsChanged, true) => "課程諮詢教師",
                (_, true) => "輔導教師",
                (EventKind::ConsultantStudentsChanged, false) => "course consultant",
                (_, false) => "counselor",
            };
            pick(format!("{role} {teacher} 負責的學生改為 {k} 人"), format!("Set the students of {role} {teacher} ({k})"))
        }
        EventKind::CertificationDelegateNamed => {
            let delegate = n.user(id_after(detail, "delegate"), lang);
            let whose = match id_after(detail, "course") {
                Some(course) => n.course(Some(course), lang),
                None => n.user(id_after(detail, "teacher"), lang),
            };
            pick(format!("指定 {delegate} 代理 {whose} 的認證"), format!("Named {delegate} to certify for {whose}"))
        }
        EventKind::CertificationDelegateEnded => tr(lang, "結束一項認證代理", "Ended a certification delegation"),
        EventKind::CoTaughtCertifiersChanged => {
            let parts: Vec<String> = detail
                .split(',')
                .filter_map(|pair| pair.split_once('='))
                .map(|(id, can)| {
                    let (teacher, course) = id.trim().parse::<i64>().ok().and_then(|id| n.assignments.get(&id).copied()).map(|(t, c)| (Some(t), Some(c))).unwrap_or((None, None));
                    let (teacher, course) = (n.user(teacher, lang), n.course(course, lang));
                    match (can.trim() == "true", zh) {
                        (true, true) => format!("{course} 的 {teacher} 可認證"),
                        (false, true) => format!("{course} 的 {teacher} 不可認證"),
                        (true, false) => format!("{teacher} may certify {course}"),
                        (false, false) => format!("{teacher} may not certify {course}"),
                    }
                })
                .collect();
            pick(format!("合開課程審核老師：{}", parts.join("；")), format!("Co-taught course certifiers: {}", parts.join("; ")))
        }
        EventKind::TermSwitched => {
            let (from, to) = detail.split_once('→').unwrap_or((detail, ""));
            let (from, to) = (term_words(from, lang), term_words(to, lang));
            pick(format!("學年期由 {from} 切換為 {to}"), format!("Switched the term from {from} to {to}"))
        }
        EventKind::WorkPeriodCreated | EventKind::WorkPeriodUpdated | EventKind::WorkPeriodDeleted => {
            period_words(*event, detail, lang)
        }
        EventKind::ParametersChanged => tr(lang, "修改了學校參數", "Changed the school's parameters"),
        EventKind::MailSettingsChanged => tr(lang, "修改了郵件伺服器設定", "Changed the mail server settings"),
        EventKind::NationalWindowSet => pick(format!("設定 {detail} 學年度全國勾選期間"), format!("Set the national selection window of AY {detail}")),
        EventKind::ApiKeyCreated => pick(format!("建立 API 金鑰 {detail}"), format!("Created the API key {detail}")),
        EventKind::ApiKeyRevoked => pick(format!("撤銷 API 金鑰 {detail}"), format!("Revoked the API key {detail}")),
        EventKind::SchoolCreated => pick(format!("新增學校 {detail}"), format!("Added the school {detail}")),
        // Events sealed into the history chain (issue #26) keep their facts as JSON.
        EventKind::RosterExported | EventKind::TransferImported | EventKind::ReceiptAnswered | EventKind::SelfDirectedEvent | EventKind::PerformanceChanged | EventKind::SelectionChanged => sealed_words(*event, detail, lang),
        _ => match detail.rsplit_once(" on behalf of ") {
            Some((what, student)) => pick(format!("代 {} 操作：{what}", n.account(student)), format!("On behalf of {}: {what}", n.account(student))),
            None => {
                let _ = actor;
                detail.to_string()
            }
        },
    }
}

/// An update's detail split into after and (when recorded) before.
fn split_before(detail: &str) -> (&str, Option<&str>) {
    match detail.split_once(BEFORE) {
        Some((after, before)) => (after, Some(before)),
        None => (detail, None),
    }
}

/// `upload_results 115-1 grade 2 <from> ~ <to>` → 「學生上傳及送出學習成果認證時間 115學年度第1學期 2 年級 115/11/29 00:00 ~ …」
/// (an update also 「；原為 …」 with what it was).
fn period_words(event: EventKind, detail: &str, lang: Lang) -> String {
    let (after, before) = split_before(detail);
    let verb = match (event.as_str().rsplit('_').next().unwrap_or(""), lang) {
        ("created", Lang::Zh) => "新增作業時間",
        ("updated", Lang::Zh) => "修改作業時間",
        ("deleted", Lang::Zh) => "刪除作業時間",
        ("created", Lang::En) => "Added the work period",
        ("updated", Lang::En) => "Edited the work period",
        (_, Lang::En) => "Deleted the work period",
        (_, Lang::Zh) => "作業時間",
    };
    let was = match (before, lang) {
        (Some(b), Lang::Zh) => format!("；原為 {}", period_facts(b, lang)),
        (Some(b), Lang::En) => format!("; was {}", period_facts(b, lang)),
        (None, _) => String::new(),
    };
    match lang {
        Lang::Zh => format!("{verb}：{}{was}", period_facts(after, lang)),
        Lang::En => format!("{verb}: {}{was}", period_facts(after, lang)),
    }
}

/// A period's recorded facts in words, without the verb.
fn period_facts(detail: &str, lang: Lang) -> String {
    let mut parts = detail.splitn(5, ' ');
    let (item, term, _, grade, range) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next(), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let item_name = crate::settings::periods::Item::parse(item).map(|i| if lang == Lang::Zh { i.name_zh().to_string() } else { item.replace('_', " ") }).unwrap_or_else(|| item.to_string());
    let term = term.split_once('-').map(|(y, s)| term_words(&format!("{:0>3}{s}", y), lang)).unwrap_or_else(|| term.to_string());
    let (from, to) = range.split_once(" ~ ").unwrap_or((range, ""));
    let (from, to) = (roc_time(from), roc_time(to));
    match lang {
        Lang::Zh => format!("{item_name} {term} {grade} 年級 {from} ~ {to}"),
        Lang::En => format!("{item_name}, {term}, grade {grade}, {from} ~ {to}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(event: &str, detail: &str) -> Row {
        (1, None, Some("admin".into()), EventKind::parse(event).unwrap(), Some(detail.into()), None, NaiveDateTime::default())
    }

    #[test]
    fn entries_read_in_words_with_names() {
        let mut n = Names::default();
        n.accounts.insert("999999_T001".into(), "王大明".into());
        n.users.insert(7, "李美玲（999999_T002）".into());
        n.courses.insert(3, "國語文 201".into());
        n.assignments.insert(11, (7, 3));
        let zh = |event: &str, detail: &str| describe(&row(event, detail), &n, Lang::Zh);
        assert_eq!(zh("term_switched", "1142 → 1151"), "學年期由 114學年度第2學期 切換為 115學年度第1學期");
        assert_eq!(zh("co_taught_certifiers_changed", "11=false"), "合開課程審核老師：國語文 201 的 李美玲（999999_T002） 不可認證");
        assert_eq!(zh("password_reset_by_admin", "999999_T001"), "重設 王大明（999999_T001） 的密碼");
        assert_eq!(zh("consultant_classes_changed", "teacher 7: 3 classes"), "李美玲（999999_T002） 諮詢的班級改為 3 班");
        assert_eq!(zh("certification_delegate_named", "course 3: delegate 7"), "指定 李美玲（999999_T002） 代理 國語文 201 的認證");
        assert_eq!(zh("role_group_updated", "T 教師 in_use=false"), "修改角色群組 T 教師（停用）");
        // Issue #26: an update's sealed detail carries what it was.
        assert_eq!(zh("role_group_updated", &format!("T 導師 in_use=false{BEFORE}T 教師 in_use=true")), "修改角色群組 T 導師（停用）；原為 T 教師（啟用）");
        assert_eq!(zh("role_group_modules_changed", &format!("T: S0203S,S0207S{BEFORE}S0203S")), "角色群組 T 的功能模組改為 S0203S、S0207S；原為 S0203S");
        assert_eq!(zh("role_group_members_changed", &format!("T: 2 members (3,4){BEFORE}1 members (3)")), "角色群組 T 的成員改為 2 人；原為 1 人");
        assert_eq!(
            zh("work_period_updated", &format!("upload_results 115-1 grade 2 2026-11-29T00:00:00+08:00 ~ 2026-12-05T23:59:00+08:00{BEFORE}upload_results 115-1 grade 2 2026-11-29T00:00:00+08:00 ~ 2026-12-01T23:59:00+08:00")),
            "修改作業時間：學生上傳及送出學習成果認證時間 115學年度第1學期 2 年級 115/11/29 00:00 ~ 115/12/05 23:59；原為 學生上傳及送出學習成果認證時間 115學年度第1學期 2 年級 115/11/29 00:00 ~ 115/12/01 23:59"
        );
        assert_eq!(zh("sign_in_failed", "wrong password (2)"), "密碼錯誤（連續第 2 次）");
        assert_eq!(
            describe(&row("term_switched", "1142 → 1151"), &n, Lang::En),
            "Switched the term from AY 114, semester 2 to AY 115, semester 1"
        );
        assert_eq!(term_words("1150", Lang::Zh), "115學年度全學年");
        assert_eq!(roc_time("2026-11-28T16:00:00Z"), "115/11/29 00:00");
    }
}
