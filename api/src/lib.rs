//! Licheng (學習歷程): the school-side platform of Taiwan's senior-high Student Learning Portfolio.

pub mod accounts;
pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod http;
pub mod openapi;
pub mod ops;
pub mod schema;
pub mod schools;
pub mod secrets;
pub mod terms;

use actix_web::web;

/// Routes under `/api/v1`.
pub fn routes_v1(_cfg: &mut web::ServiceConfig) {}
