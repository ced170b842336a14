//! Stored states, kinds and categories take only their enum's values (issue #17 item 1).
//! - Every constrained column's set, read from the live database (PostgreSQL: its CHECK
//!   constraint; SQLite: the table's CHECK or the migration's triggers), equals the Rust enum's
//!   `ALL` spelled with `as_str`: the enums stay the one source of truth.
//! - The database refuses a value outside the set, on insert and on update.
//! - Migration 2026-12-06-002500_value_checks fails on a row already outside its set (nothing is
//!   mapped to a default).
//! - A performance's closed lists (migration 2026-12-07-000100_performance_lists): participation,
//!   and level and kind where the category has a list; free text where it has none.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};
use diesel::migration::MigrationSource;
use diesel_migrations::MigrationHarness;

use crate::support::TestApp;
use licheng::identity::UserKind;
use licheng::db::DbConn;

/// `(table, column, the values the enum allows)`.
type Checked = (&'static str, &'static str, Vec<&'static str>);

fn spelled<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| as_str(*v)).collect()
}

/// Every stored state, kind or category with a constraint, and the enum it comes from.
fn checked() -> Vec<Checked> {
    use licheng::jobs::JobState;
    use licheng::receipts::{AnswerState, Category as ReceiptCategory, ReportKind};
    use licheng::rosters::{GradeSet, ItemKind, RosterType};
    use licheng::selfdirected::{GroupKind, Identity, OutcomeState, Phase, PlanState};
    use licheng::uploads::results::ResultState;
    let result_states = spelled(&ResultState::ALL, ResultState::as_str);
    let receipt_categories = spelled(&ReceiptCategory::ALL, ReceiptCategory::as_str);
    let item_kinds = spelled(&ItemKind::ALL, ItemKind::as_str);
    vec![
        // Constrained by migration 2026-12-06-002500_value_checks.
        ("users", "kind", spelled(&UserKind::ALL, UserKind::as_str)),
        ("mail_settings", "encryption", spelled(&licheng::mail::Encryption::ALL, licheng::mail::Encryption::as_str)),
        ("mail_outbox", "status", spelled(&licheng::notify::outbox::MailStatus::ALL, licheng::notify::outbox::MailStatus::as_str)),
        ("mail_outbox", "reason", spelled(&licheng::reminders::Reason::ALL, licheng::reminders::Reason::as_str)),
        ("student_profiles", "division", spelled(&licheng::sync::Division::ALL, licheng::sync::Division::as_str)),
        ("enrolments", "kind", spelled(&licheng::sync::EnrolmentKind::ALL, licheng::sync::EnrolmentKind::as_str)),
        ("sync_batches", "kind", spelled(&licheng::sync::Kind::ALL, licheng::sync::Kind::as_str)),
        ("work_periods", "item", spelled(&licheng::settings::periods::Item::ALL, licheng::settings::periods::Item::as_str)),
        ("stored_files", "kind", spelled(&licheng::storage::FileKind::ALL, licheng::storage::FileKind::as_str)),
        ("learning_results", "state", result_states.clone()),
        ("learning_result_events", "state", result_states.clone()),
        ("performances", "category", spelled(&licheng::uploads::rules::Category::ALL, licheng::uploads::rules::Category::as_str)),
        ("selections", "item_kind", licheng::selections::Kind::stored_item_kinds()),
        // Constrained by migration 2026-12-07-000100_performance_lists (level and kind: per category, below).
        ("performances", "participation", spelled(licheng::uploads::rules::Participation::ALL, licheng::uploads::rules::Participation::as_str)),
        // Constrained since their table was created.
        ("history_chain", "source", spelled(&licheng::history::Source::ALL, licheng::history::Source::as_str)),
        ("jobs", "state", spelled(&JobState::ALL, JobState::as_str)),
        ("roster_exports", "division", spelled(&licheng::sync::Division::ALL, licheng::sync::Division::as_str)),
        ("roster_exports", "roster", spelled(&RosterType::ALL, RosterType::as_str)),
        ("roster_exports", "grades", spelled(&GradeSet::ALL, GradeSet::as_str)),
        ("roster_export_items", "item_kind", item_kinds.clone()),
        ("receipt_imports", "category", receipt_categories.clone()),
        ("receipt_answers", "category", receipt_categories.clone()),
        ("receipt_answers", "state", spelled(&AnswerState::STORED, AnswerState::as_str)),
        ("receipt_reports", "category", receipt_categories),
        ("receipt_reports", "kind", spelled(&ReportKind::ALL, ReportKind::as_str)),
        ("transfer_items", "state", result_states),
        ("transfer_items", "item_kind", item_kinds),
        ("sdl_groups", "kind", spelled(&GroupKind::ALL, GroupKind::as_str)),
        ("sdl_stages", "identity", spelled(&Identity::ALL, Identity::as_str)),
        ("sdl_plans", "plan_state", spelled(&PlanState::ALL, PlanState::as_str)),
        ("sdl_plans", "result_state", spelled(&OutcomeState::ALL, OutcomeState::as_str)),
        ("sdl_flow_stages", "phase", spelled(&Phase::ALL, Phase::as_str)),
        ("sdl_flow_stages", "identity", spelled(&Identity::ALL, Identity::as_str)),
        ("sdl_events", "phase", spelled(&Phase::ALL, Phase::as_str)),
        ("sdl_events", "identity", spelled(&Identity::ALL, Identity::as_str)),
        ("sdl_events", "action", spelled(&licheng::selfdirected::review::StageAction::ALL, licheng::selfdirected::review::StageAction::as_str)),
        ("study_fields", "kind", spelled(&licheng::fields::FieldKind::ALL, licheng::fields::FieldKind::as_str)),
        ("consultation_records", "kind", spelled(&licheng::consultations::ConsultationKind::ALL, licheng::consultations::ConsultationKind::as_str)),
        // Constrained by migrations 2026-12-07-000200_job_kinds and 2026-12-07-000210_sync_batch_status.
        ("jobs", "kind", spelled(&licheng::jobs::JobKind::ALL, licheng::jobs::JobKind::as_str)),
        ("sync_batches", "status_code", spelled(&licheng::sync::SyncStatusCode::ALL, licheng::sync::SyncStatusCode::as_str)),
        // Constrained by migration 2026-12-07-000400_more_value_checks.
        ("learning_result_events", "action", spelled(&licheng::uploads::results::ResultAction::ALL, licheng::uploads::results::ResultAction::as_str)),
        ("notifications", "kind", spelled(&licheng::notify::inbox::NotificationKind::ALL, licheng::notify::inbox::NotificationKind::as_str)),
        // Constrained by migration 2026-12-07-000300_audit_event_kinds.
        ("audit_events", "event", spelled(&licheng::audit::EventKind::ALL, licheng::audit::EventKind::as_str)),
        // Constrained by migration 2026-12-07-000600_api_key_scopes: the stored forms of a key's scopes.
        ("api_keys", "scopes", licheng::auth::Scope::STORED.to_vec()),
    ]
}

#[derive(QueryableByName)]
struct Definition {
    #[diesel(sql_type = Nullable<Text>)]
    def: Option<String>,
}

#[derive(QueryableByName)]
struct ColumnInfo {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Bool)]
    required: bool,
}

/// The quoted literals of `text` (`''` is a quote inside one).
fn literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut lit = String::new();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    lit.push('\'');
                    continue;
                }
                break;
            }
            lit.push(c);
        }
        out.push(lit);
    }
    out
}

/// The lists `… <column> IN (…)` / `… <column> NOT IN (…)` of SQLite DDL text, each as its literals.
fn in_lists(sql: &str, column: &str) -> Vec<BTreeSet<String>> {
    let mut out = Vec::new();
    let bytes = sql.as_bytes();
    for (at, _) in sql.match_indices(column) {
        let before = at.checked_sub(1).map(|i| bytes[i] as char);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == '_') {
            continue;
        }
        let rest = sql[at + column.len()..].trim_start();
        let rest = rest.strip_prefix("NOT").map(str::trim_start).unwrap_or(rest);
        let Some(list) = rest.strip_prefix("IN").map(str::trim_start).and_then(|r| r.strip_prefix('(')) else { continue };
        let Some(end) = list.find(')') else { continue };
        out.push(literals(&list[..end]).into_iter().collect());
    }
    out
}

/// The set the live database allows in `table.column`, or why it cannot tell.
fn allowed(c: &mut DbConn, table: &str, column: &str) -> Result<BTreeSet<String>, String> {
    match c {
        DbConn::Postgresql(c) => {
            let defs: Vec<Definition> = diesel::sql_query(format!(
                "SELECT pg_get_constraintdef(k.oid) AS def FROM pg_constraint k \
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey) \
                 WHERE k.contype = 'c' AND k.conrelid = '{table}'::regclass AND a.attname = '{column}' AND array_length(k.conkey, 1) = 1"
            ))
            .load(c)
            .map_err(|e| e.to_string())?;
            match defs.as_slice() {
                [Definition { def: Some(def) }] => Ok(literals(def).into_iter().collect()),
                other => Err(format!("{} single-column CHECK constraints", other.len())),
            }
        }
        DbConn::Sqlite(c) => {
            let sql: Vec<Definition> = diesel::sql_query(format!(
                "SELECT sql AS def FROM sqlite_master WHERE tbl_name = '{table}' AND (type = 'table' OR (type = 'trigger' AND name IN ('{table}_{column}_insert_check', '{table}_{column}_update_check')))"
            ))
            .load(c)
            .map_err(|e| e.to_string())?;
            let lists: Vec<BTreeSet<String>> = sql.iter().filter_map(|d| d.def.as_deref()).flat_map(|s| in_lists(s, column)).collect();
            let triggers = sql.len() - 1;
            match lists.split_first() {
                Some((first, rest)) if rest.iter().all(|l| l == first) && (triggers == 0 || triggers == 2) => Ok(first.clone()),
                _ => Err(format!("{} lists over {} statements: {lists:?}", lists.len(), sql.len())),
            }
        }
    }
}

/// A statement's outcome: rows changed, or the database's message.
fn run(c: &mut DbConn, sql: &str) -> Result<usize, String> {
    match c {
        DbConn::Postgresql(c) => diesel::sql_query(sql).execute(c),
        DbConn::Sqlite(c) => diesel::sql_query(sql).execute(c),
    }
    .map_err(|e| e.to_string())
}

/// An insert into `table` with every required column filled (a constrained text column with the
/// first value of its set, so that only `column` can fail its constraint) and `column` = `value`.
fn insert_with(c: &mut DbConn, table: &str, column: &str, value: &str) -> String {
    let query = match c {
        DbConn::Postgresql(_) => format!(
            "SELECT column_name::text AS name, data_type::text AS kind, (is_nullable = 'NO' AND column_default IS NULL) AS required \
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}'"
        ),
        DbConn::Sqlite(_) => format!("SELECT name, type AS kind, (\"notnull\" = 1 AND dflt_value IS NULL AND pk = 0) AS required FROM pragma_table_info('{table}')"),
    };
    let columns: Vec<ColumnInfo> = match c {
        DbConn::Postgresql(c) => diesel::sql_query(query).load(c).unwrap(),
        DbConn::Sqlite(c) => diesel::sql_query(query).load(c).unwrap(),
    };
    let (mut names, mut values) = (vec![column.to_string()], vec![format!("'{value}'")]);
    for col in columns.iter().filter(|k| k.required && k.name != column) {
        let kind = col.kind.to_ascii_lowercase();
        let listed = allowed(c, table, &col.name).ok().and_then(|s| s.into_iter().next()).map(|v| format!("'{v}'"));
        let v = if let Some(v) = listed.as_deref() {
            v
        } else if kind.contains("int") {
            "1"
        } else if kind.contains("bool") {
            "false"
        } else if kind.starts_with("timestamp") || kind == "datetime" {
            "'2026-12-06 00:00:00'"
        } else if kind == "date" {
            "'2026-12-06'"
        } else if kind.contains("double") || kind == "real" {
            "1.0"
        } else {
            // 64 characters: also a SHA-256's length (`history_chain`'s hashes are checked for it).
            "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'"
        };
        names.push(col.name.clone());
        values.push(v.to_string());
    }
    format!("INSERT INTO {table} ({}) VALUES ({})", names.join(", "), values.join(", "))
}

/// Whether `message` is the constraint of `table.column` refusing a value.
fn refused_by_constraint(message: &str, table: &str, column: &str) -> bool {
    message.contains(&format!("{table}_{column}_check"))
        || message.contains(&format!("invalid {table}.{column}"))
        || (message.contains("CHECK constraint failed") && message.contains(column))
}

/// Each constrained column's set in the database is its enum's, on the backend under test.
#[actix_web::test]
async fn each_constraint_allows_exactly_its_enum() {
    let app = TestApp::init();
    let wrong = app
        .state
        .db
        .read_blocking(|c| {
            let mut wrong = Vec::new();
            for (table, column, values) in checked() {
                let expected: BTreeSet<String> = values.iter().map(|v| v.to_string()).collect();
                assert_eq!(expected.len(), values.len(), "{table}.{column}: the enum spells two values alike");
                match allowed(c, table, column) {
                    Ok(found) if found == expected => {}
                    Ok(found) => wrong.push(format!("{table}.{column}: the database allows {found:?}, the enum {expected:?}")),
                    Err(why) => wrong.push(format!("{table}.{column}: no single constraint ({why})")),
                }
            }
            Ok(wrong)
        })
        .unwrap();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A value outside the set is refused by the database itself, on insert and on update.
#[actix_web::test]
async fn the_database_refuses_a_value_outside_the_set() {
    let app = TestApp::init();
    // Rows in most tables, so that updates have something to change.
    app.demo();
    let (wrong, updated) = app
        .state
        .db
        .read_blocking(|c| {
            let (mut wrong, mut updated) = (Vec::new(), 0);
            for (table, column, values) in checked() {
                // The same row with an allowed value gets past every constraint of the column
                // (it may still fail on a foreign key or a unique index: not asserted).
                let insert = insert_with(c, table, column, "not_a_value");
                match run(c, &insert) {
                    Ok(_) => wrong.push(format!("{table}.{column}: `{insert}` was accepted")),
                    Err(e) if refused_by_constraint(&e, table, column) => {}
                    Err(e) => wrong.push(format!("{table}.{column}: `{insert}` failed for another reason: {e}")),
                }
                let allowed_insert = insert_with(c, table, column, values[0]);
                if let Err(e) = run(c, &allowed_insert) {
                    if refused_by_constraint(&e, table, column) {
                        wrong.push(format!("{table}.{column}: the allowed value {} was refused: {e}", values[0]));
                    }
                }
                match run(c, &format!("UPDATE {table} SET {column} = 'not_a_value'")) {
                    Ok(0) => {} // an empty table
                    Ok(n) => wrong.push(format!("{table}.{column}: an update to a value outside the set changed {n} rows")),
                    Err(e) if refused_by_constraint(&e, table, column) => updated += 1,
                    Err(e) => wrong.push(format!("{table}.{column}: the update failed for another reason: {e}")),
                }
            }
            Ok((wrong, updated))
        })
        .unwrap();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(updated >= 8, "only {updated} columns had rows to update");
}

/// Reverts the migration whose name contains `name`, runs `bad` (a row outside its set) and runs
/// the migration again: its outcome.
fn rerun_over(c: &mut DbConn, name: &str, bad: &str) -> Result<(), String> {
    macro_rules! rerun {
        ($c:expr, $backend:ty, $source:expr) => {{
            let all = MigrationSource::<$backend>::migrations(&$source).unwrap();
            let m = all.iter().find(|m| m.name().to_string().contains(name)).expect("the migration");
            $c.revert_migration(&**m).unwrap();
            diesel::sql_query(bad).execute($c).unwrap();
            $c.run_migration(&**m).map(|_| ()).map_err(|e| e.to_string())
        }};
    }
    match c {
        DbConn::Postgresql(c) => rerun!(c, diesel::pg::Pg, licheng::db::POSTGRES_MIGRATIONS),
        DbConn::Sqlite(c) => rerun!(c, diesel::sqlite::Sqlite, licheng::db::SQLITE_MIGRATIONS),
    }
}

/// Migration 2026-12-06-002500_value_checks fails loudly on a row outside its set.
#[actix_web::test]
async fn the_migration_refuses_bad_existing_rows() {
    let app = TestApp::init();
    let school = app.school("123456");
    let teacher = app.teacher(&school, "T001");
    let bad = format!("UPDATE users SET kind = 'wizard' WHERE id = {teacher}");
    let message = app.state.db.read_blocking(move |c| Ok(rerun_over(c, "value_checks", &bad))).unwrap();
    let message = message.expect_err("the migration ran over a user of kind `wizard`");
    assert!(message.contains("users") && message.contains("kind"), "{message}");
}

/// An insert of a performance of `category` with `column` = `value` (the other columns allowed).
fn performance(school: i64, student: i64, category: &str, column: &str, value: &str) -> String {
    format!(
        "INSERT INTO performances (school_id, student_id, academic_year, category, title, {column}, start_date, description, created_at, updated_at) \
         VALUES ({school}, {student}, 115, '{category}', '名稱', '{value}', '2026-10-01', '簡述', '2026-10-01 00:00:00', '2026-10-01 00:00:00')"
    )
}

/// A performance's level and kind keep to their category's list where it has one (a competition's
/// level; the kind of flexible learning, group activities and workplace learning), each list its
/// enum's and the form's; elsewhere they stay free text (a cadre's level, an advanced-placement
/// programme's name).
#[actix_web::test]
async fn performance_lists_are_kept_per_category() {
    use licheng::uploads::rules::{self, Category, CompetitionLevel, FlexibleKind, GroupActivityKind, WorkplaceKind};
    for category in Category::ALL {
        for spec in rules::field_specs(category) {
            let parse = rules::closed_list(category, spec.field);
            assert_eq!(spec.choices.is_empty(), parse.is_none(), "{category:?} {:?}: the form's choices and the closed list", spec.field);
            if let Some(parse) = parse {
                assert!(spec.choices.iter().all(|v| parse(v).is_ok()), "{category:?} {:?}: a choice of the form is outside the enum", spec.field);
                assert!(parse("not_a_value").is_err());
            }
        }
    }
    let lists = vec![
        ("competition", "level", spelled(CompetitionLevel::ALL, CompetitionLevel::as_str)),
        ("flexible_learning", "kind", spelled(FlexibleKind::ALL, FlexibleKind::as_str)),
        ("group_activity", "kind", spelled(GroupActivityKind::ALL, GroupActivityKind::as_str)),
        ("workplace", "kind", spelled(WorkplaceKind::ALL, WorkplaceKind::as_str)),
    ];
    let app = TestApp::init();
    let school = app.school("123456");
    let student = app.student(&school, "s1", "A123456789");
    let school = school.id;
    let wrong = app
        .state
        .db
        .read_blocking(move |c| {
            let mut wrong = Vec::new();
            for (category, column, values) in &lists {
                for v in values {
                    if let Err(e) = run(c, &performance(school, student, category, column, v)) {
                        wrong.push(format!("{category} {column} `{v}` was refused: {e}"));
                    }
                }
                match run(c, &performance(school, student, category, column, "not_a_value")) {
                    Err(e) if refused_by_constraint(&e, "performances", column) => {}
                    other => wrong.push(format!("{category} {column} `not_a_value` inserted: {other:?}")),
                }
                match run(c, &format!("UPDATE performances SET {column} = 'not_a_value' WHERE category = '{category}'")) {
                    Err(e) if refused_by_constraint(&e, "performances", column) => {}
                    other => wrong.push(format!("{category} {column} updated to `not_a_value`: {other:?}")),
                }
            }
            for (category, column) in [("cadre", "level"), ("other", "level"), ("advanced_placement", "kind")] {
                if let Err(e) = run(c, &performance(school, student, category, column, "自訂的文字")) {
                    wrong.push(format!("{category} {column}: free text was refused: {e}"));
                }
            }
            // A row does not leave its list by changing category either.
            match run(c, "UPDATE performances SET category = 'competition' WHERE category = 'cadre'") {
                Err(e) if refused_by_constraint(&e, "performances", "level") => {}
                other => wrong.push(format!("a cadre's free level became a competition's: {other:?}")),
            }
            Ok(wrong)
        })
        .unwrap();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Migration 2026-12-07-000100_performance_lists fails loudly on a row outside its list.
#[actix_web::test]
async fn the_list_migration_refuses_bad_existing_rows() {
    let app = TestApp::init();
    let school = app.school("123456");
    let student = app.student(&school, "s1", "A123456789");
    let school = school.id;
    let bad = performance(school, student, "competition", "level", "宇宙");
    let message = app.state.db.read_blocking(move |c| Ok(rerun_over(c, "performance_lists", &bad))).unwrap();
    let message = message.expect_err("the migration ran over a competition of level `宇宙`");
    assert!(message.contains("performances") && message.contains("level"), "{message}");
}

/// Migrations 2026-12-07-000200_job_kinds and 000210_sync_batch_status fail loudly on a row
/// outside their set.
#[actix_web::test]
async fn the_job_kind_and_batch_status_migrations_refuse_bad_existing_rows() {
    let app = TestApp::init();
    let school = app.school("123456");
    let teacher = app.teacher(&school, "T001");
    let (sid, now) = (school.id, app.state.clock.now());
    let job = app
        .state
        .db
        .write_blocking(move |c| licheng::jobs::enqueue(c, sid, teacher, licheng::jobs::JobKind::RosterExport, &serde_json::json!({}), None, now))
        .unwrap();
    let bad = format!("UPDATE jobs SET kind = 'wizardry' WHERE id = {job}");
    let message = app.state.db.read_blocking(move |c| Ok(rerun_over(c, "job_kinds", &bad))).unwrap();
    let message = message.expect_err("the migration ran over a job of kind `wizardry`");
    assert!(message.contains("jobs") && message.contains("kind"), "{message}");

    app.demo();
    let bad = "UPDATE sync_batches SET status_code = '42'";
    let message = app.state.db.read_blocking(move |c| Ok(rerun_over(c, "sync_batch_status", bad))).unwrap();
    let message = message.expect_err("the migration ran over a batch of status `42`");
    assert!(message.contains("sync_batches") && message.contains("status_code"), "{message}");
}

/// Migration 2026-12-07-000400_more_value_checks fails loudly on a row outside its sets: a learning
/// result's event of action `approved`, a notification of kind `result_withdrawn`.
#[actix_web::test]
async fn the_more_value_checks_migration_refuses_bad_existing_rows() {
    const AT: &str = "'2026-10-01 00:00:00'";
    let app = TestApp::init();
    let school = app.school("123456");
    let student = app.student(&school, "s1", "A123456789");
    let school = school.id;
    app.write(move |c| {
        for sql in [
            format!("INSERT INTO courses (school_id, academic_year, semester, course_code, class_code, subject_name, grade, credits, updated_at) VALUES ({school}, 115, 1, 'C1', '201', '國語文', 2, 2, {AT})"),
            format!("INSERT INTO learning_results (school_id, student_id, course_id, academic_year, semester, description, state, created_at, updated_at) VALUES ({school}, {student}, (SELECT MAX(id) FROM courses), 115, 1, '心得', 'editing', {AT}, {AT})"),
            format!("INSERT INTO learning_result_events (result_id, action, state, actor_id, at) VALUES ((SELECT MAX(id) FROM learning_results), 'created', 'editing', {student}, {AT})"),
        ] {
            run(c, &sql).unwrap();
        }
        Ok(())
    });
    let bad = "UPDATE learning_result_events SET action = 'approved'";
    let message = app.state.db.read_blocking(move |c| Ok(rerun_over(c, "more_value_checks", bad))).unwrap();
    let message = message.expect_err("the migration ran over a result event of action `approved`");
    assert!(message.contains("learning_result_events") && message.contains("action"), "{message}");

    let app = TestApp::init();
    let school = app.school("123456");
    let teacher = app.teacher(&school, "T001");
    let bad = format!("INSERT INTO notifications (school_id, user_id, kind, title, body, created_at) VALUES ({}, {teacher}, 'result_withdrawn', '標題', '內容', {AT})", school.id);
    let message = app.state.db.read_blocking(move |c| Ok(rerun_over(c, "more_value_checks", &bad))).unwrap();
    let message = message.expect_err("the migration ran over a notification of kind `result_withdrawn`");
    assert!(message.contains("notifications") && message.contains("kind"), "{message}");
}

/// Migration 2026-12-07-000300_audit_event_kinds fails loudly on an event of a kind outside the
/// enum (a mistyped name recorded before the constraint).
#[actix_web::test]
async fn the_audit_event_kind_migration_refuses_bad_existing_rows() {
    use licheng::audit::{Event, EventKind};
    let app = TestApp::init();
    let (sid, now) = (app.school("123456").id, app.state.clock.now());
    app.state
        .db
        .write_blocking(move |c| licheng::audit::record(c, Event { school_id: Some(sid), user_id: None, actor: None, event: EventKind::TermSwitched, detail: None, client: None }, now))
        .unwrap();
    let bad = "UPDATE audit_events SET event = 'term_swtiched' WHERE event = 'term_switched'";
    let message = app.state.db.read_blocking(move |c| Ok(rerun_over(c, "audit_event_kinds", bad))).unwrap();
    let message = message.expect_err("the migration ran over an event of kind `term_swtiched`");
    assert!(message.contains("audit_events") && message.contains("event"), "{message}");
}

/// `EventKind::routine` is the list it replaced (`audit::ROUTINE`): the kinds whose recording
/// leaves the cached principals alone; every other kind invalidates them.
#[test]
fn routine_audit_events_are_the_old_list() {
    use licheng::audit::EventKind;
    const ROUTINE: &[&str] = &[
        "sign_in_failed",
        "sign_in_succeeded",
        "password_reset_requested",
        "mail_settings_changed",
        "parameters_changed",
        "national_window_set",
        "consultation_created",
        "consultation_updated",
        "consultation_deleted",
        "roster_exported",
        "receipt_answered",
        "self_directed_event",
        "performance_changed",
        "transfer_imported",
        "selection_changed",
    ];
    for name in ROUTINE {
        assert!(EventKind::parse(name).is_ok(), "{name} is no kind");
    }
    let wrong: Vec<&str> = EventKind::ALL.iter().filter(|k| k.routine() != ROUTINE.contains(&k.as_str())).map(|k| k.as_str()).collect();
    assert!(wrong.is_empty(), "routine() differs from the old list for {wrong:?}");
    // The name in the OpenAPI document and the SPA (serde) is the stored one.
    for k in EventKind::ALL {
        assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        assert_eq!(serde_json::from_value::<EventKind>(k.as_str().into()).unwrap(), k);
        assert_eq!(EventKind::parse(k.as_str()).unwrap(), k);
    }
    assert!(EventKind::parse("period_created").is_err(), "never recorded: no kind");
    assert!(serde_json::from_value::<EventKind>("not_a_kind".into()).is_err());
}

/// The read side: a stored value outside the enum is an error, never a default.
#[test]
fn parsing_an_unknown_stored_value_errs() {
    use licheng::uploads::results::ResultState;
    for s in ResultState::ALL {
        assert_eq!(ResultState::parse(s.as_str()).unwrap(), s);
    }
    assert!(ResultState::parse("approved").is_err());
    assert!(ResultState::parse("").is_err());
    assert!(licheng::notify::outbox::MailStatus::parse("queued").is_err());
    assert!(licheng::mail::Encryption::parse("tls").is_err());
    assert!(licheng::receipts::AnswerState::parse("pending").is_err(), "pending is the absence of a row");
    assert!(UserKind::stored("admin").is_err());
    assert!(licheng::rosters::RosterType::parse("27").is_err());
    assert!(licheng::rosters::GradeSet::parse("2").is_err());
    assert!(licheng::rosters::ItemKind::parse("transfer_items.item_kind", "transfer_result").is_err(), "a selection's kind, not an item's");
    assert!(licheng::selfdirected::review::StageAction::parse("certified").is_err());
    assert!(licheng::fields::FieldKind::parse("college").is_err());
    assert!(licheng::uploads::results::ResultAction::parse("approved").is_err());
    assert!(licheng::notify::inbox::NotificationKind::stored("result_withdrawn").is_err());
    let e = ResultState::parse("approved").unwrap_err();
    assert_eq!(e.code, licheng::error::ErrorCode::InternalError);
}

/// The function modules the server checks (`identity::Module`, also the OpenAPI document's and
/// the SPA menu's list) are exactly the rows of `function_modules` that role groups are granted.
#[actix_web::test]
async fn the_module_list_is_the_function_modules_table() {
    use licheng::identity::Module;
    use licheng::schema::function_modules;
    let app = TestApp::init();
    let mut stored: Vec<String> = app.state.db.read_blocking(|c| Ok(function_modules::table.select(function_modules::code).load(c)?)).unwrap();
    stored.sort();
    let mut ours: Vec<String> = Module::ALL.iter().map(|m| m.code().to_string()).collect();
    ours.sort();
    assert_eq!(ours, stored);
    assert!(Module::stored("S9999S").is_err(), "an unknown stored code is an error");
}
