//! Response sets that many operations document alike (issue #17 item 3), written once: a handler
//! names a set in `#[utoipa::path(responses(...))]` beside its own lines, which come after the set
//! and override it where they say more (`(status = 403, description = "Not a student, …")`).
//! `401` is added to every signed-in operation by `openapi::UsualResponses`.

use std::collections::BTreeMap;

use utoipa::openapi::response::Response;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::IntoResponses;

type Set = BTreeMap<String, RefOr<Response>>;

/// A refusal: an `application/problem+json` body.
pub(crate) fn problem(description: &str) -> RefOr<Response> {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
    ResponseBuilder::new().description(description).content("application/problem+json", content).build().into()
}

/// A response without a body.
pub(crate) fn empty(description: &str) -> RefOr<Response> {
    ResponseBuilder::new().description(description).build().into()
}

fn set<const N: usize>(lines: [(&str, RefOr<Response>); N]) -> Set {
    lines.into_iter().map(|(status, response)| (status.to_string(), response)).collect()
}

const MALFORMED_ID: &str = "Malformed id";
const NOT_SCHOOL_PERSON: &str = "An API key or the platform operator";

/// Reading one item of the caller's school by its id: `400` a malformed id, `403` an API key or
/// the platform operator, `404` an item the caller may not see (or none).
pub struct ReadOne;

impl IntoResponses for ReadOne {
    fn responses() -> Set {
        set([("400", problem(MALFORMED_ID)), ("403", problem(NOT_SCHOOL_PERSON)), ("404", problem("No such item the caller may see"))])
    }
}

/// One page of a list: `400` a malformed query, `403` an API key or the platform operator, `422`
/// a page or page size out of range.
pub struct ReadPage;

impl IntoResponses for ReadPage {
    fn responses() -> Set {
        set([("400", problem("Malformed query")), ("403", problem(NOT_SCHOOL_PERSON)), ("422", problem("Bad paging"))])
    }
}

/// Downloading an uploaded file (inline or as an attachment; ETag is its SHA-256, ranges are
/// served): `200`, `206`, `304`, and the refusals of [`ReadOne`] (`404` also for an empty slot).
pub struct Download;

impl IntoResponses for Download {
    fn responses() -> Set {
        let file = ContentBuilder::new().build();
        set([
            ("200", ResponseBuilder::new().description("The file").content("application/octet-stream", file).build().into()),
            ("206", empty("A range of the file")),
            ("304", empty("Unchanged (If-None-Match)")),
            ("400", problem(MALFORMED_ID)),
            ("403", problem(NOT_SCHOOL_PERSON)),
            ("404", problem("No such item the caller may see, or no file in that slot")),
        ])
    }
}

/// A multipart body with files: `400` a truncated or malformed body (or a malformed id in the
/// path), `413` a file over its limit, `415` a file of a type not allowed, or not multipart.
pub struct FileUpload;

impl IntoResponses for FileUpload {
    fn responses() -> Set {
        set([
            ("400", problem("Truncated or malformed multipart body (`multipart_invalid`), or a malformed id")),
            ("413", problem("A file over its limit (`file_too_large`)")),
            ("415", problem("A file of the wrong type (`file_type_not_allowed`) or not multipart")),
        ])
    }
}

/// A student changing one of their own items (edit, delete, submit): `400` a malformed id, `404`
/// not the caller's, `409` its state (submitted, certified, selected, an earlier year) does not
/// allow the change.
pub struct OwnItem;

impl IntoResponses for OwnItem {
    fn responses() -> Set {
        set([("400", problem(MALFORMED_ID)), ("404", problem("Not the caller's item")), ("409", problem("Its state does not allow it: submitted, certified, selected, or of an earlier year (`invalid_state`)"))])
    }
}
