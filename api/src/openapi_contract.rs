//! The rules every operation of the document follows, applied to the generated document as a
//! whole so that new domains get them without repeating them in each annotation:
//!
//! - each operation documents the errors the shared machinery can give (malformed JSON, path or
//!   query, a body that is too large or not JSON, validation, no or a refused credential, rate
//!   limits on uploads) as shared `components.responses`;
//! - operations without a credential say so with `security: []`;
//! - a multi-line summary becomes a one-line summary plus a description;
//! - generic list and batch schemas (`Page_*`, `Batch_*`) refer to their item schema;
//! - `Problem.code` is an open string: the known codes are listed (`ErrorCode`), new ones may come;
//! - a `servers` entry.

use serde_json::{json, Map, Value};

use crate::error::ErrorCode;

/// The shared error responses: (component name, status, description, example code).
const SHARED: [(&str, &str, &str, &str); 9] = [
    ("BadRequest", "400", "The request is malformed: `invalid_json` (body), `invalid_path`, `invalid_query`, `multipart_invalid`, or a specific code", "invalid_json"),
    ("Unauthenticated", "401", "No, an invalid or an expired credential (`unauthenticated`, `invalid_token`, `token_expired`)", "unauthenticated"),
    ("Forbidden", "403", "The credential may not do this (`forbidden`, `role_required`, `module_required`, `scope_required`, `password_change_required`, …)", "forbidden"),
    ("NotFound", "404", "No such resource the caller may see (`not_found`)", "not_found"),
    ("Conflict", "409", "The state of the data does not allow this (`conflict`, `invalid_state`, …)", "conflict"),
    ("PayloadTooLarge", "413", "The body is larger than allowed (`payload_too_large`, `file_too_large`, `quota_exceeded`)", "payload_too_large"),
    ("UnsupportedMediaType", "415", "The body is not sent as the documented content type (`unsupported_media_type`, `file_type_not_allowed`)", "unsupported_media_type"),
    ("ValidationFailed", "422", "A field is invalid (`validation_failed`, `errors` keyed by field)", "validation_failed"),
    ("TooManyRequests", "429", "Too many attempts; wait for `Retry-After` seconds (`rate_limited`)", "rate_limited"),
];

/// The statuses an operation may answer by the shape of its request alone.
fn shared_statuses(op: &Value) -> Vec<&'static str> {
    let mut out = Vec::new();
    let params = op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
    let has_in = |place: &str| params.iter().any(|p| p.get("in").and_then(Value::as_str) == Some(place));
    let paged = params.iter().any(|p| p.get("name").and_then(Value::as_str) == Some("per_page"));
    let content = op.pointer("/requestBody/content").and_then(Value::as_object);
    let json_body = content.is_some_and(|c| c.contains_key("application/json"));
    let multipart = content.is_some_and(|c| c.contains_key("multipart/form-data"));
    let secured = op.get("security").and_then(Value::as_array).is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(|o| !o.is_empty())));
    if json_body || multipart || has_in("path") || has_in("query") {
        out.push("400");
    }
    if secured {
        out.extend(["401", "403"]);
    }
    if has_in("path") {
        out.push("404");
    }
    if json_body || multipart {
        out.extend(["413", "415", "422"]);
    }
    if paged {
        out.push("422");
    }
    if multipart {
        out.push("429");
    }
    out
}

fn problem_content(code: &str) -> Value {
    let spec = ErrorCode::ALL.iter().find(|c| c.as_str() == code).map(|c| c.spec());
    let (status, title, detail) = spec.map(|s| (s.status, s.title_zh, s.detail_zh)).unwrap_or((400, "", ""));
    json!({"application/problem+json": {
        "schema": {"$ref": "#/components/schemas/Problem"},
        "example": {"type": format!("urn:licheng:problem:{code}"), "title": title, "status": status, "detail": detail, "code": code}
    }})
}

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// Applies every rule to the document (as JSON).
pub fn apply(doc: &mut Value) {
    doc["servers"] = json!([{"url": "/", "description": "The server that serves this document (operations' paths start with `/api/v1`)"}]);
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in METHODS {
                if let Some(op) = item.get_mut(method) {
                    operation(op);
                }
            }
        }
    }
    shared_responses(doc);
    generic_refs(doc);
    open_error_code(doc);
    list_examples(doc);
}

/// The shared responses the operations refer to.
fn shared_responses(doc: &mut Value) {
    let used = doc.get("paths").map(|p| p.to_string()).unwrap_or_default();
    let components = doc.as_object_mut().map(|d| d.entry("components").or_insert_with(|| json!({})));
    let Some(components) = components.and_then(Value::as_object_mut) else { return };
    let responses = components.entry("responses").or_insert_with(|| json!({}));
    for (name, _, description, code) in SHARED.into_iter().filter(|s| used.contains(&format!("#/components/responses/{}", s.0))) {
        responses[name] = json!({"description": description, "content": problem_content(code)});
    }
}

fn operation(op: &mut Value) {
    let Some(obj) = op.as_object_mut() else { return };
    // Public operations say they need no credential.
    obj.entry("security").or_insert_with(|| json!([]));
    // A one-line summary; the rest of the first paragraph goes to the description.
    if let Some(summary) = obj.get("summary").and_then(Value::as_str).map(str::to_string) {
        let (first, rest) = split_summary(&summary);
        if !rest.is_empty() {
            let flat = summary.replace('\n', " ");
            let description = obj.get("description").and_then(Value::as_str).unwrap_or("").to_string();
            let joined = if description.is_empty() { flat } else { format!("{flat}\n\n{description}") };
            obj.insert("description".into(), json!(joined));
        }
        obj.insert("summary".into(), json!(first));
    }
    downloads(op);
    let statuses = shared_statuses(op);
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { return };
    for status in statuses {
        if responses.contains_key(status) {
            continue;
        }
        if let Some((name, ..)) = SHARED.iter().find(|s| s.1 == status) {
            responses.insert(status.to_string(), json!({"$ref": format!("#/components/responses/{name}")}));
        }
    }
}

/// The media types an upload slot's file is served as (the types uploads are detected as).
const SLOT_MEDIA_TYPES: [&str; 5] = ["application/pdf", "image/jpeg", "image/png", "audio/mpeg", "video/mp4"];

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

fn header(description: &str) -> Value {
    json!({"description": description, "schema": {"type": "string"}})
}

/// Downloads: binary bodies typed as such with `Content-Disposition`; an upload slot's file
/// with its real media types; files served with ranges (a documented `206`) with `ETag`,
/// `Range` and `If-None-Match`.
fn downloads(op: &mut Value) {
    let slot = op.get("parameters").and_then(Value::as_array).is_some_and(|ps| ps.iter().any(|p| p.get("name").and_then(Value::as_str) == Some("slot")));
    let ranged = op.pointer("/responses/206").is_some();
    let revalidated = op.pointer("/responses/304").is_some();
    let binary = |content: &Map<String, Value>| content.keys().any(|k| !is_json(k));
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { return };
    let mut file_content: Option<Value> = None;
    if let Some(ok) = responses.get_mut("200") {
        if let Some(content) = ok.get_mut("content").and_then(Value::as_object_mut).filter(|c| binary(c)) {
            if slot && content.len() == 1 && content.contains_key("application/octet-stream") {
                content.clear();
                for media in SLOT_MEDIA_TYPES {
                    content.insert(media.to_string(), json!({}));
                }
            }
            for (media, body) in content.iter_mut() {
                if !is_json(media) && body.get("schema").is_none() {
                    body["schema"] = json!({"type": "string", "format": "binary"});
                }
            }
            file_content = Some(Value::Object(content.clone()));
            let headers = ok.as_object_mut().map(|o| o.entry("headers").or_insert_with(|| json!({})));
            if let Some(headers) = headers {
                headers["Content-Disposition"] = header("`inline` or `attachment`, with the file name as `filename` (ASCII) and `filename*` (UTF-8)");
                if ranged {
                    headers["ETag"] = header("The file's SHA-256 in quotes (with `If-None-Match`, where documented, `304` when unchanged)");
                    headers["Accept-Ranges"] = header("`bytes`");
                }
            }
        }
    }
    if let (true, Some(content)) = (ranged, file_content) {
        responses.insert("206".into(), json!({
            "description": "The requested byte range of the file (`Range: bytes=…`)",
            "headers": {
                "Content-Range": header("`bytes first-last/size`"),
                "Content-Disposition": header("As for `200`"),
                "ETag": header("As for `200`"),
            },
            "content": content,
        }));
        responses.insert("416".into(), json!({
            "description": "The range starts past the end of the file (or is `bytes=-0`): no part of it is sent (RFC 9110 §15.5.17)",
            "headers": {"Content-Range": header("`bytes */size`: the file's size")},
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }));
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            for (name, description) in [
                ("Range", "A byte range, e.g. `bytes=0-1023`, for a `206` answer (video seeking, resumed downloads); only the first range of a list is sent. A value that is not a `bytes` range (RFC 9110 §14.1.2) is ignored: the whole file, `200`. A range past the end: `416`"),
                ("If-None-Match", "The ETag of a copy the client has: `304` when the file is unchanged"),
            ] {
                if (name == "Range" || revalidated) && !params.iter().any(|p| p.get("name").and_then(Value::as_str) == Some(name)) {
                    params.push(json!({"name": name, "in": "header", "required": false, "description": description, "schema": {"type": "string"}}));
                }
            }
        }
    }
}

/// The first sentence of a long or multi-line summary (and the rest; empty when it was all).
fn split_summary(summary: &str) -> (String, String) {
    let flat = summary.replace('\n', " ");
    if flat.chars().count() <= 90 && !summary.contains('\n') {
        return (flat, String::new());
    }
    let cut = [". ", "; ", ": ", " ("].iter().filter_map(|sep| flat.find(sep)).filter(|i| *i > 0).min();
    match cut {
        Some(i) => (flat[..i].trim_end_matches([';', ',', ':', '.']).trim().to_string(), flat[i..].to_string()),
        None => (flat.trim_end_matches('.').to_string(), if summary.contains('\n') { " ".to_string() } else { String::new() }),
    }
}

/// `Page_X.items` and `Batch_X.rows` refer to `X` (moved to the components when only inline).
fn generic_refs(doc: &mut Value) {
    let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else { return };
    let mut add: Map<String, Value> = Map::new();
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in names {
        let (prefix, item) = match name.split_once('_') {
            Some((p @ ("Page" | "Batch"), item)) => (p, item.to_string()),
            _ => continue,
        };
        let field = if prefix == "Page" { "items" } else { "rows" };
        let pointer = format!("/properties/{field}/items");
        let Some(slot) = schemas.get_mut(&name).and_then(|s| s.pointer_mut(&pointer)) else { continue };
        if slot.get("$ref").is_some() {
            continue;
        }
        let inline = std::mem::replace(slot, json!({"$ref": format!("#/components/schemas/{item}")}));
        add.insert(item, inline);
    }
    for (item, inline) in add {
        schemas.entry(item).or_insert(inline);
    }
}

/// A list shows an example from its item's: `Page_X` a page of one `X`, and a JSON array
/// response of `X` a list of one.
fn list_examples(doc: &mut Value) {
    let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object).cloned() else { return };
    let item_example = |items: &Value| -> Option<Value> {
        let name = items.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/")?;
        schemas.get(name)?.get("example").cloned()
    };
    for (name, schema) in &schemas {
        if !name.starts_with("Page_") || schema.get("example").is_some() {
            continue;
        }
        let Some(example) = schema.pointer("/properties/items/items").and_then(item_example) else { continue };
        doc["components"]["schemas"][name]["example"] = json!({"items": [example], "total": 1, "page": 1, "per_page": 30});
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut() {
        for method in METHODS {
            let Some(responses) = item.pointer_mut(&format!("/{method}/responses")).and_then(Value::as_object_mut) else { continue };
            for (status, response) in responses.iter_mut() {
                let Some(content) = response.pointer_mut("/content/application~1json") else { continue };
                if !status.starts_with('2') || content.get("example").is_some() || content.pointer("/schema/type") != Some(&json!("array")) {
                    continue;
                }
                if let Some(example) = content.pointer("/schema/items").and_then(item_example) {
                    content["example"] = json!([example]);
                }
            }
        }
    }
}

/// `Problem.code` accepts any code: known ones are `ErrorCode`'s values, each described.
fn open_error_code(doc: &mut Value) {
    let mut listing = String::from("Every code this version of the server gives, with its HTTP status. `Problem.code` is open: a newer server may add codes, so clients branch on the codes they know and treat others by the HTTP status.\n");
    for code in ErrorCode::ALL {
        let spec = code.spec();
        listing.push_str(&format!("\n- `{}` ({}): {}", code.as_str(), spec.status, spec.title_en));
    }
    if let Some(schema) = doc.pointer_mut("/components/schemas/ErrorCode") {
        schema["description"] = json!(listing);
    }
    // Problems, and the per-item refusals of batch operations that carry a problem's code.
    for schema in ["Problem", "Refusal"] {
        if let Some(code) = doc.pointer_mut(&format!("/components/schemas/{schema}/properties/code")) {
            let own = code.get("description").and_then(Value::as_str).map(|d| format!("{d} ")).unwrap_or_default();
            *code = json!({
                "description": format!("{own}The stable machine-readable code (snake_case). Known codes are listed in `ErrorCode`; the set is open, new codes may be added."),
                "anyOf": [{"$ref": "#/components/schemas/ErrorCode"}, {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}],
                "example": "validation_failed"
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_split_at_the_first_sentence() {
        let (first, rest) = split_summary("Downloads a result's file (inline, or as an attachment);\nETag is the SHA-256.");
        assert_eq!(first, "Downloads a result's file");
        assert!(rest.contains("ETag"));
        assert_eq!(split_summary("Lists the terms").0, "Lists the terms");
    }

    #[test]
    fn a_json_body_with_path_and_credential_gets_the_shared_errors() {
        let op = json!({"parameters": [{"name": "id", "in": "path"}], "requestBody": {"content": {"application/json": {}}}, "security": [{"bearer_jwt": []}], "responses": {}});
        assert_eq!(shared_statuses(&op), ["400", "401", "403", "404", "413", "415", "422"]);
        let public = json!({"responses": {}});
        assert!(shared_statuses(&public).is_empty());
    }
}
