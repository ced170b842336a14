//! The application state the handlers take: configuration, the database, the clock, the secrets
//! and this process's principal cache (job runners get a `jobs::Context` without the cache;
//! domain functions take the connection and values they need). Kept apart from `app`
//! (which builds the actix application from `router`), so domains do not import the router.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::secrets::Secrets;

/// Everything a handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub clock: Clock,
    pub secrets: Secrets,
    /// Recently authenticated users of this process (see `identity::cache`).
    pub principals: Arc<crate::identity::cache::PrincipalCache>,
}

impl AppState {
    pub fn new(config: Config, db: Db, secrets: Secrets) -> AppState {
        let principals = Arc::new(crate::identity::cache::PrincipalCache::new(config.principal_cache_seconds));
        db.set_totals_lifetime(config.principal_cache_seconds);
        crate::national_id::install(&secrets);
        AppState { config: Arc::new(config), db, clock: Clock::default(), secrets, principals }
    }
}
