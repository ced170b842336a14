//! The `licheng` command line: the server and administration commands.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::accounts::{self, NewAccount};
use crate::identity::{Role, UserKind};
use crate::app;
use crate::state::AppState;
use crate::config::Config;
use crate::db::Db;
use crate::http::Metrics;
use crate::secrets::{self, Secrets};

#[derive(Parser)]
#[command(name = "licheng", version, about = "學習歷程檔案平臺 Licheng — API server and administration commands")]
pub struct Cli {
    /// Configuration file (TOML); default `$LICHENG_CONFIG`, else `licheng.toml` if present.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the HTTP server (applies pending migrations first).
    Serve {
        /// Seed the demo school 999999 if it is missing and print its accounts.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Create the demo school 999999 with accounts of every role (skipped if it exists).
    SeedDemo,
    /// Print the OpenAPI document (the committed openapi/openapi.json).
    Openapi,
    /// Manage schools.
    School {
        #[command(subcommand)]
        command: SchoolCommand,
    },
    /// Measure sync throughput on a fresh, empty database (see scripts/bench/sync).
    BenchSync {
        /// Enrolment rows in the batch.
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
    },
    /// Measure the argon2 ceiling: password verifications per second with the configured
    /// parameters on the hashing pool, from twice as many callers (see scripts/bench/reads).
    BenchArgon2 {
        #[arg(long, default_value_t = 5)]
        seconds: u64,
    },
    /// Measure a roster export of a whole school against a plain copy (see scripts/bench/rosters).
    BenchRosters {
        /// Students in the school (grades 1–3).
        #[arg(long, default_value_t = 3_000)]
        students: usize,
        /// Selected learning results per student, each with a pdf.
        #[arg(long, default_value_t = 2)]
        items: usize,
        /// Bytes per pdf.
        #[arg(long, default_value_t = 32 * 1024)]
        file_size: usize,
    },
    /// Verify every stored file against its recorded SHA-256; report missing, corrupt and
    /// unreferenced files (exit status 1 when any file is missing or corrupt).
    Check {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Also delete what nothing live refers to (replaced files, files of deleted items, files
        /// left by a crash before the commit), if older than an hour; the server does this
        /// periodically too (`orphan_sweep_interval_seconds`).
        #[arg(long)]
        remove_orphans: bool,
        /// Verify the tamper-evident history instead: every school's chain from its start, and
        /// that every sealed event still has the content it was sealed with (exit status 1 when
        /// a chain is broken; the first broken entry of each is named).
        #[arg(long)]
        history: bool,
    },
    /// Back up the database and every stored file into DIR while the server runs (a new snapshot;
    /// files already in DIR are not copied again). See README "Backup and restore".
    Backup {
        /// The backup directory (created when missing).
        #[arg(long)]
        to: PathBuf,
        /// Keep only this many newest snapshots afterwards (and the files they name).
        #[arg(long)]
        keep: Option<usize>,
    },
    /// Restore a snapshot (a snapshot folder, or the newest one of a backup directory) into the
    /// configured empty data directory and empty database; refuses a partial or corrupt backup.
    Restore {
        #[arg(long)]
        from: PathBuf,
        /// Only verify every byte of the snapshot against its manifest; restore nothing.
        #[arg(long)]
        verify_only: bool,
    },
    /// Re-encrypt and re-index every national ID under the current secret key (`secret_key` /
    /// `{data_dir}/secret.key`) after it was changed, opening the old values with the previous
    /// one. Batches commit one by one: after an interruption, run it again.
    RotateKey {
        /// A file holding the previous master secret.
        #[arg(long)]
        previous_secret_file: PathBuf,
    },
    /// Manage platform operators.
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
    /// Measure a receipt import of a whole school × 4 categories and a re-import of a version in
    /// which `changed` students differ (see scripts/bench/receipts).
    BenchReceipts {
        #[arg(long, default_value_t = 3_000)]
        students: usize,
        #[arg(long, default_value_t = 30)]
        changed: usize,
    },
    /// Receipts (收訖明細): the generator for tests, the demo and training (docs/receipts.md).
    Receipt {
        #[command(subcommand)]
        command: ReceiptCommand,
    },
}

#[derive(Subcommand)]
pub enum ReceiptCommand {
    /// Turn exported roster packages into a receipt (an AES-256 zip), with course records of the
    /// school's students, and rows dropped, added or altered for chosen students.
    Generate {
        /// A roster package (`{school}_{year}_{semester}_{roster}_….zip`); repeatable.
        #[arg(long = "package")]
        packages: Vec<PathBuf>,
        /// Where to write the receipt.
        #[arg(long)]
        out: PathBuf,
        /// The receipt's password.
        #[arg(long, env = "LICHENG_RECEIPT_PASSWORD")]
        password: String,
        /// The school code (default: the packages').
        #[arg(long)]
        school: Option<String>,
        /// 學年期, e.g. 1151 (default: the packages').
        #[arg(long)]
        term: Option<String>,
        /// The rosters' version.
        #[arg(long, default_value_t = 1)]
        version: i32,
        /// Leave out course records (修課紀錄).
        #[arg(long)]
        no_course_records: bool,
        /// Remove a student's first row: NATIONAL_ID:category (repeatable).
        #[arg(long)]
        drop: Vec<String>,
        /// Add a copy of a student's first row: NATIONAL_ID:category (repeatable).
        #[arg(long)]
        add: Vec<String>,
        /// Alter a student's first row: NATIONAL_ID:category (repeatable).
        #[arg(long)]
        alter: Vec<String>,
    },
}

#[derive(Subcommand)]
pub enum SchoolCommand {
    /// Create a school and its first administrator (who must change the password at first sign-in).
    Create {
        /// The 6-digit school code, e.g. 074313.
        #[arg(long)]
        code: String,
        /// The school's name.
        #[arg(long)]
        name: String,
        /// The administrator's account name.
        #[arg(long, default_value = "admin")]
        admin_account: String,
        /// The administrator's first password; a random one is generated and printed when omitted.
        #[arg(long, env = "LICHENG_ADMIN_PASSWORD")]
        admin_password: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum OperatorCommand {
    /// Create a platform operator account.
    Create {
        #[arg(long)]
        account: String,
        /// First password; a random one is generated and printed when omitted.
        #[arg(long, env = "LICHENG_OPERATOR_PASSWORD")]
        password: Option<String>,
    },
}

type AnyError = Box<dyn std::error::Error>;

pub fn run(cli: Cli) -> Result<(), AnyError> {
    if let Command::Openapi = cli.command {
        print!("{}", crate::openapi::to_pretty_json());
        return Ok(());
    }
    if let Command::BenchArgon2 { seconds } = cli.command {
        let b = crate::accounts::password::bench(std::time::Duration::from_secs(seconds.max(1)))?;
        println!(
            "{:.1} verifications/s ({} in {:.1} s, {} hashing threads, {} callers; argon2id m={} KiB t={} p={})",
            b.verifications as f64 / b.seconds.max(1e-9),
            b.verifications,
            b.seconds,
            b.threads,
            b.callers,
            argon2::Params::DEFAULT_M_COST,
            argon2::Params::DEFAULT_T_COST,
            argon2::Params::DEFAULT_P_COST
        );
        return Ok(());
    }
    let config = Config::load(cli.config.as_deref())?;
    init_tracing(&config);
    if let Command::Restore { from, verify_only } = &cli.command {
        // Before anything connects: a restore goes into an empty database only.
        return restore(&config, from, *verify_only);
    }
    let db = Db::connect(&config.database_url(), config.pool_size)?;
    let applied = db.migrate()?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    // National IDs at rest: the key (and during a rotation the previous one), and — by the
    // commands that start a server or migrate, not by every command (three full scans) — the
    // rows from before encryption converted.
    let secrets = Secrets::load_or_create(config.secret_key.as_deref(), &config.data_dir)?;
    crate::national_id::install(&secrets);
    crate::national_id::install_previous(config.previous_secret_key.as_deref().map(Secrets::from_value).as_ref());
    if matches!(cli.command, Command::Serve { .. } | Command::Migrate) {
        let converted = crate::national_id::encrypt_existing(&db)?;
        if converted != crate::national_id::Converted::default() {
            tracing::info!(?converted, "national IDs encrypted at rest");
        }
    }
    let clock = crate::clock::Clock::default();
    match cli.command {
        Command::Openapi => Ok(()),
        Command::Migrate => {
            println!("migrations applied: {applied}");
            Ok(())
        }
        Command::SeedDemo => {
            let created = crate::demo::seed(&db, clock.now())?;
            println!("{}", if created { "demo school created" } else { "demo school already exists" });
            println!("{}", crate::demo::banner(&config.public_url()));
            Ok(())
        }
        Command::School { command: SchoolCommand::Create { code, name, admin_account, admin_password } } => {
            let (password, generated) = password_or_random(admin_password);
            let (school_id, _) = db.write_blocking(|c| {
                crate::schools::create_with_admin(c, &code, &name, &admin_account, &password, clock.now())
            })?;
            println!("school {code} {name} created (id {school_id})");
            println!("administrator account: {admin_account}");
            if generated {
                println!("first password (shown once, must be changed at first sign-in): {password}");
            }
            Ok(())
        }
        Command::Operator { command: OperatorCommand::Create { account, password } } => {
            let (password, generated) = password_or_random(password);
            db.write_blocking(|c| {
                accounts::create_account(
                    c,
                    &NewAccount {
                        school_id: None,
                        account: &account,
                        kind: UserKind::Operator,
                        display_name: "平臺管理者",
                        national_id: None,
                        number: None,
                        email: None,
                        password: &password,
                        must_change_password: true,
                        roles: &[Role::PlatformOperator],
                    },
                    clock.now(),
                )
            })?;
            println!("platform operator {account} created");
            if generated {
                println!("first password (shown once, must be changed at first sign-in): {password}");
            }
            Ok(())
        }
        Command::Receipt { command: ReceiptCommand::Generate { packages, out, password, school, term, version, no_course_records, drop, add, alter } } => {
            use crate::receipts::generator::{self, Action, Options, Tweak};
            let mut tweaks = Vec::new();
            for (action, list) in [(Action::Drop, &drop), (Action::Add, &add), (Action::Alter, &alter)] {
                for t in list {
                    tweaks.push(Tweak::parse(action, t)?);
                }
            }
            let term = term.map(|t| crate::terms::Term::parse_code(&t).ok_or(format!("`{t}`: a term is written like 1151"))).transpose()?;
            let mut read = Vec::new();
            for p in &packages {
                read.push((p.display().to_string(), std::fs::read(p)?));
            }
            let opts = Options { version, course_records: !no_course_records, tweaks, school_code: school, term };
            let manifest = db.write_blocking(|c| generator::generate(c, &read, &opts).map_err(|e| crate::error::ApiError::with_detail(crate::error::ErrorCode::BadRequest, e.clone(), e)))?;
            let bytes = crate::receipts::write_archive(&manifest, &password)?;
            std::fs::write(&out, bytes)?;
            let students: usize = manifest.categories.iter().map(|p| p.students.len()).sum();
            println!("receipt {} written: {} categories, {} student entries", out.display(), manifest.categories.len(), students);
            Ok(())
        }
        Command::BenchReceipts { students, changed } => {
            let r = crate::receipts::bench::run(&db, students, changed, clock.now())?;
            println!("receipt benchmark on {} ({} students × 4 categories, {} rows)", db.kind().as_str(), r.students, r.rows);
            println!("  import (new)                       {:>7.2} s", r.import_seconds);
            println!("  re-import, {} students changed     {:>7.2} s  reset {} (exactly the changed: {})", r.changed, r.reimport_seconds, r.reset, r.reset == r.changed);
            println!("  answers kept                       {:>7} of {}", r.answers_kept, r.students * 4);
            if r.reset != r.changed || r.answers_kept != (r.students * 4 - r.changed) as i64 {
                return Err("the re-import did not reset exactly the changed students".into());
            }
            Ok(())
        }
        Command::BenchArgon2 { .. } => Ok(()),
        Command::BenchSync { rows } => {
            let steps = crate::sync::bench::run(&db, rows, clock.now())?;
            let base = steps.first().map(|s| s.rows_per_second()).unwrap_or(1.0);
            println!("sync benchmark on {} ({} enrolment rows)", db.kind().as_str(), steps.first().map(|s| s.rows).unwrap_or(0));
            for s in &steps {
                println!(
                    "  {:<48} {:>7.3} s  {:>10.0} rows/s  {:>5.2}× baseline time",
                    s.name,
                    s.seconds,
                    s.rows_per_second(),
                    base / s.rows_per_second().max(1e-9)
                );
            }
            Ok(())
        }
        Command::BenchRosters { students, items, file_size } => {
            let state = crate::state::AppState::new(config.clone(), db.clone(), crate::secrets::Secrets::from_value("bench-rosters"));
            let r = crate::rosters::bench::run(&state, students, items, file_size)?;
            let mb = r.bytes as f64 / 1_048_576.0;
            println!("roster benchmark on {} ({} students, {} files, {:.1} MB)", db.kind().as_str(), r.students, r.files, mb);
            println!("  plain copy with SHA-256 (baseline)  {:>7.2} s  {:>7.1} MB/s", r.baseline_seconds, mb / r.baseline_seconds.max(1e-9));
            println!(
                "  roster export job                   {:>7.2} s  {:>7.1} MB/s  {:.0} % of baseline throughput",
                r.export_seconds,
                mb / r.export_seconds.max(1e-9),
                100.0 * r.baseline_seconds / r.export_seconds.max(1e-9)
            );
            println!("  first progress update after         {:>7.3} s", r.first_progress_seconds);
            println!("  peak RSS during the export          {}", r.peak_rss_kb.map(|k| format!("{:.1} MB", k as f64 / 1024.0)).unwrap_or_else(|| "n/a".into()));
            println!("  package                             {:.1} MB", r.package_bytes as f64 / 1_048_576.0);
            Ok(())
        }
        Command::Check { json, history: true, .. } => {
            let report = crate::history::verify(&db)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!("history chains: {}; entries: {}; events not sealed yet: {}", report.chains, report.entries, report.unsealed);
                for b in &report.breaks {
                    println!("  BROKEN: school {} entry {} ({} {}): {}", b.school_id, b.seq, b.source, b.source_id, b.problem);
                }
                println!("{}", if report.ok() { "OK" } else { "PROBLEMS FOUND" });
            }
            if report.ok() {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
        Command::Check { json, remove_orphans, .. } => {
            let store = crate::storage::FileStore::new(&config.data_dir);
            let removed_tmp = store.clean_temporary()?;
            let swept = if remove_orphans {
                Some(crate::uploads::files::sweep(&db, &store, clock.now(), crate::uploads::files::GRACE_SECONDS)?)
            } else {
                None
            };
            let mut report = crate::uploads::check::run(&db, &store)?;
            report.removed = swept;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!("files checked: {} ({} bytes)", report.checked, report.bytes);
                println!("missing: {}", report.missing.len());
                for sha in &report.missing {
                    println!("  missing {sha}");
                }
                println!("corrupt: {}", report.corrupt.len());
                for sha in &report.corrupt {
                    println!("  corrupt {sha}");
                }
                if let Some(s) = swept {
                    println!("removed: {} unreferenced file rows, {} stored files ({} bytes)", s.rows, s.files, s.bytes);
                }
                println!("unreferenced: {}{}", report.orphans.len(), if remove_orphans && !report.orphans.is_empty() { " (younger than an hour: kept)" } else { "" });
                println!("abandoned temporary files removed: {removed_tmp}; in progress: {}", report.temporary);
                println!("{}", if report.ok() { "OK" } else { "PROBLEMS FOUND" });
            }
            if report.ok() {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
        Command::Backup { to, keep } => {
            let r = crate::backup::backup(&config, &db, &to, clock.now())?;
            println!("snapshot {}", r.snapshot.display());
            println!("files: {} ({} bytes); copied now: {} ({} bytes)", r.files, r.bytes, r.copied, r.copied_bytes);
            for sha in &r.missing {
                println!("  missing from the data directory (see `licheng check`): {sha}");
            }
            if let Some(keep) = keep {
                println!("snapshots removed: {}", crate::backup::prune(&to, keep)?);
            }
            println!("took {:.2} s", r.seconds);
            Ok(())
        }
        Command::Restore { .. } => Ok(()),
        Command::RotateKey { previous_secret_file } => {
            let previous = std::fs::read_to_string(&previous_secret_file)?;
            let previous = Secrets::from_value(previous.trim());
            // A server still on the old key could not read what is converted, and would go on
            // writing under the old key (README "Backup and restore").
            let in_the_way = db.read_blocking(|c| crate::national_id::servers_not_on(c, &secrets, clock.now()))?;
            if !in_the_way.is_empty() {
                return Err(format!(
                    "refused: {} running server(s) still use another secret key: {}. Restart every server with `secret_key` = the new secret and `previous_secret_key` = the old one, then run `licheng rotate-key` again (a stopped server's entry expires after {} s).",
                    in_the_way.len(),
                    in_the_way.join(", "),
                    crate::national_id::ALIVE_SECONDS
                )
                .into());
            }
            let done = crate::national_id::rotate(&db, &previous, &secrets)?;
            println!("national IDs re-encrypted: {} accounts, {} roster-export items, {} receipt rows", done.users, done.roster_items, done.receipt_students);
            if done.unreadable > 0 {
                return Err(format!("{} stored national IDs open under neither key (wrong --previous-secret-file?)", done.unreadable).into());
            }
            Ok(())
        }
        Command::Serve { demo } => serve(config, db, demo),
    }
}

fn restore(config: &Config, from: &std::path::Path, verify_only: bool) -> Result<(), AnyError> {
    if verify_only {
        let snapshot = crate::backup::find_snapshot(from)?;
        let (manifest, problems) = crate::backup::verify(&snapshot)?;
        println!("snapshot {} of {} ({} files)", snapshot.display(), manifest.created_at, manifest.files.len());
        for p in &problems {
            println!("  {p}");
        }
        if problems.is_empty() {
            println!("OK");
            return Ok(());
        }
        println!("PROBLEMS FOUND");
        std::process::exit(1)
    }
    let r = crate::backup::restore(config, from)?;
    println!("restored {} ({} files, {} bytes) in {:.2} s", r.snapshot.display(), r.files, r.bytes, r.seconds);
    let db = Db::connect(&config.database_url(), config.pool_size)?;
    let applied = db.migrate()?;
    if applied > 0 {
        println!("migrations applied after the restore: {applied}");
    }
    let report = crate::uploads::check::run(&db, &crate::storage::FileStore::new(&config.data_dir))?;
    println!("files checked: {}; missing: {}; corrupt: {}", report.checked, report.missing.len(), report.corrupt.len());
    if report.ok() {
        println!("OK");
        Ok(())
    } else {
        println!("PROBLEMS FOUND");
        std::process::exit(1)
    }
}

fn password_or_random(given: Option<String>) -> (String, bool) {
    match given {
        Some(p) => (p, false),
        None => (format!("Lc{}", hex::encode(secrets::random_bytes::<6>())), true),
    }
}

fn serve(config: Config, db: Db, demo: bool) -> Result<(), AnyError> {
    let secrets = Secrets::load_or_create(config.secret_key.as_deref(), &config.data_dir)?;
    let removed = crate::storage::FileStore::new(&config.data_dir).clean_temporary()?;
    if removed > 0 {
        tracing::warn!(removed, "removed temporary files of uploads that never finished");
    }
    let state = AppState::new(config.clone(), db, secrets);
    if demo {
        let created = crate::demo::seed(&state.db, state.clock.now())?;
        if created {
            println!("demo school {} created", crate::demo::SCHOOL_CODE);
        }
        println!("{}", crate::demo::banner(&config.public_url()));
    }
    let instance = crate::national_id::instance_name();
    let (db_at_exit, beat) = (state.db.clone(), instance.clone());
    let metrics = actix_web::web::Data::new(Metrics::default());
    let workers = if config.workers == 0 {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
    } else {
        config.workers
    };
    let bind = config.bind.clone();
    tracing::info!(bind = %bind, database = state.db.kind().as_str(), "Licheng listening");
    println!("Licheng listening on http://{bind} ({})", state.db.kind().as_str());
    actix_web::rt::System::new().block_on(async move {
        // Reminder mails and jobs (roster exports, …): safe on every instance (the outbox keeps
        // each reminder to once a day; job claims are exclusive, with a lease).
        crate::workers::spawn(state.clone());
        // Files nothing live refers to any more (replaced, of deleted items).
        crate::uploads::files::spawn_sweeper(state.clone());
        // Report this server's national-ID keys (`licheng rotate-key` refuses while one is old).
        crate::national_id::spawn(state.db.clone(), state.clock.clone(), beat);
        // Seal new events into the tamper-evident history (every instance; races are harmless).
        crate::history::spawn(state.db.clone(), state.clock.clone(), 5);
        // Periodic backups, when configured (run them on one instance only).
        crate::backup::spawn((*state.config).clone(), state.db.clone(), state.clock.clone());
        let main = actix_web::HttpServer::new({
            let (state, metrics) = (state.clone(), metrics.clone());
            move || app::build(state.clone(), metrics.clone())
        })
        .workers(workers)
        .bind(&bind)?
        .run();
        match config.metrics_bind.clone() {
            Some(metrics_bind) => {
                println!("metrics on http://{metrics_bind}/metrics");
                let side = actix_web::HttpServer::new(move || crate::ops::metrics_app(state.clone(), metrics.clone()))
                    .workers(1)
                    .bind(&metrics_bind)?
                    .run();
                futures_util::future::try_join(main, side).await.map(|_| ())
            }
            None => main.await,
        }
    })?;
    if let Err(e) = db_at_exit.write_blocking(|c| crate::national_id::forget(c, &instance)) {
        tracing::warn!(error = ?e, "could not remove this server's entry from server_keys");
    }
    Ok(())
}

fn init_tracing(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("RUST_LOG")
        .or_else(|_| EnvFilter::try_new(&config.log_level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let _ = if config.log_format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
