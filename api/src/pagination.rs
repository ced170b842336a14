//! Paginated lists: `?page=1&per_page=30` (the manual's tables show 30 rows a page).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::error::ApiResult;

#[derive(Debug, Clone, Copy, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1 (default 1).
    #[validate(range(min = 1, max = 1000000))]
    #[param(minimum = 1, maximum = 1000000, default = 1)]
    pub page: Option<i64>,
    /// Rows per page, 1–200 (default 30).
    #[validate(range(min = 1, max = 200))]
    #[param(minimum = 1, maximum = 200, default = 30)]
    pub per_page: Option<i64>,
}

impl PageQuery {
    pub fn checked(&self) -> ApiResult<(i64, i64)> {
        self.validate()?;
        Ok((self.page.unwrap_or(1), self.per_page.unwrap_or(30)))
    }
}

/// One page of a list with the total count.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Rows matching the filters, over all pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: i64, page: i64, per_page: i64) -> Page<T> {
        Page { items, total, page, per_page }
    }
}

/// The total a page tells by itself: a page that is not full ends the list (unless it is an
/// empty page past the end, which says nothing about where the list ended). `None`: count.
pub fn total_from_page(page: i64, per_page: i64, rows: usize) -> Option<i64> {
    let rows = i64::try_from(rows).ok()?;
    (rows < per_page && (rows > 0 || page == 1)).then(|| offset(page, per_page) + rows)
}

pub fn offset(page: i64, per_page: i64) -> i64 {
    (page - 1).saturating_mul(per_page)
}

/// `%text%` for LIKE, with the wildcards in `text` escaped (use with `ESCAPE '\'`).
pub fn like_pattern(text: &str) -> String {
    let escaped = text.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::total_from_page;

    #[test]
    fn a_page_that_is_not_full_tells_the_total() {
        assert_eq!(total_from_page(1, 30, 0), Some(0));
        assert_eq!(total_from_page(1, 30, 7), Some(7));
        assert_eq!(total_from_page(3, 30, 1), Some(61));
        // A full page, or an empty one past the end, does not: count.
        assert_eq!(total_from_page(1, 30, 30), None);
        assert_eq!(total_from_page(5, 30, 0), None);
    }
}
