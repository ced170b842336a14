//! Integration suite: the whole application over real SQLite (and PostgreSQL when
//! `LICHENG_TEST_BACKEND=postgres`), plus black-box runs of the real binary.

mod support;

mod accounts;
mod blackbox_test;
mod certification;
mod foundation;
mod hardening;
mod openapi_contract;
mod permissions;
mod reports;
mod scale_out;
mod settings;
mod quotas;
mod sync;
mod takeover;
mod seed_checks;
mod uploads;
mod crash;
mod rosters;
mod backup;
mod history;
mod transfers;
mod selfdirected;
mod news;
mod school_reports;
mod consultations;
mod receipts;
mod contract;
mod schema_check;
mod national_ids;
mod module_cycles;
mod notification_texts;
mod value_checks;
