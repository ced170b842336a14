//! School settings: the rules every upload and certification obeys (manual 3.3–3.6).

pub mod advisors;
pub mod cotaught;
pub mod parameters;
pub mod periods;
