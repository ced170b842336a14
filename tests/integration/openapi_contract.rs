//! The committed `openapi/openapi.json` equals what the code generates, and documents what
//! clients rely on.

use serde_json::Value;

fn committed() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    std::fs::read_to_string(path).expect("openapi/openapi.json exists (run `make openapi`)")
}

#[test]
fn committed_spec_matches_the_code() {
    let generated = licheng::openapi::to_pretty_json();
    assert!(
        committed() == generated,
        "openapi/openapi.json is out of date: run `make openapi` and commit the result"
    );
}

#[test]
fn spec_is_openapi_3_1_with_problems_and_security_schemes() {
    let spec: Value = serde_json::from_str(&committed()).unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(spec["components"]["schemas"]["Problem"].is_object());
    let schemes = &spec["components"]["securitySchemes"];
    assert_eq!(schemes["bearer_jwt"]["scheme"], "bearer");
    assert_eq!(schemes["api_key"]["scheme"], "bearer");
    let codes = spec["components"]["schemas"]["ErrorCode"]["enum"].as_array().unwrap();
    assert_eq!(codes.len(), licheng::error::ErrorCode::ALL.len());
}

#[test]
fn every_operation_has_a_tag_a_summary_and_documents_its_errors() {
    let spec: Value = serde_json::from_str(&committed()).unwrap();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{method} {path}");
            assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{name} has no tag");
            assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{name} has no summary");
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.keys().any(|k| k.starts_with('2')), "{name} has no success response");
            if path.starts_with("/api/v1/") {
                let has = |code: &str| responses.contains_key(code);
                if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                    assert!(has("401") && has("403"), "{name} is secured but does not document 401 and 403");
                }
                if op["requestBody"].is_object() {
                    assert!(has("422") || has("400"), "{name} takes a body but documents no validation error");
                }
                if path.contains('{') && method != "post" {
                    assert!(has("404"), "{name} takes an id but documents no 404");
                }
                for (status, resp) in responses {
                    let resp = resolve(&spec, resp);
                    if status.starts_with('4') || status.starts_with('5') {
                        assert!(
                            resp["content"]["application/problem+json"].is_object(),
                            "{name} {status} is not documented as problem+json"
                        );
                    }
                }
            }
        }
    }
}

/// A response or schema, following its `$ref` within the document.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => spec.pointer(pointer).unwrap_or_else(|| panic!("unresolved $ref {pointer}")),
        None => value,
    }
}

fn operations(spec: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((format!("{method} {path}"), op));
        }
    }
    out
}

/// What every generated client relies on (issue #18): the shared errors of a JSON body, of path
/// and query parameters and of credentials; `security: []` on public operations; one-line
/// summaries; operation ids of more than one word.
#[test]
fn every_operation_documents_the_shared_errors_of_its_shape() {
    let spec: Value = serde_json::from_str(&committed()).unwrap();
    for (name, op) in operations(&spec) {
        let has = |code: &str| op["responses"].get(code).is_some();
        let security = op["security"].as_array().unwrap_or_else(|| panic!("{name} does not say its security (`[]` when public)"));
        if security.iter().any(|s| s.as_object().is_some_and(|o| !o.is_empty())) {
            assert!(has("401") && has("403"), "{name}");
        }
        if op["requestBody"]["content"]["application/json"].is_object() {
            for code in ["400", "413", "415", "422"] {
                assert!(has(code), "{name} takes JSON but does not document {code}");
            }
        }
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        if params.iter().any(|p| p["in"] == "path" || p["in"] == "query") {
            assert!(has("400"), "{name} takes parameters but does not document 400");
        }
        if params.iter().any(|p| p["name"] == "per_page") {
            assert!(has("422"), "{name} pages but does not document 422");
        }
        let summary = op["summary"].as_str().unwrap();
        assert!(!summary.contains('\n') && summary.chars().count() <= 160, "{name}: the summary is one line: {summary}");
        let id = op["operationId"].as_str().unwrap();
        assert!(id.contains('_'), "{name}: the operation id {id} is a single word");
    }
    assert_eq!(spec["servers"][0]["url"], "/");
}

/// An operation takes a bearer token unless its annotation says otherwise
/// (`openapi::SignedInByDefault`): a handler that forgets `security(...)` is documented as signed
/// in, never as open. The public operations are exactly these.
#[test]
fn only_the_known_operations_are_public() {
    let spec: Value = serde_json::from_str(&committed()).unwrap();
    let mut public: Vec<String> = operations(&spec).into_iter().filter(|(_, op)| op["security"].as_array().is_some_and(|s| s.is_empty())).map(|(name, _)| name).collect();
    public.sort();
    let expected = [
        "get /api/v1/auth/captcha",
        "get /api/v1/auth/options",
        "get /api/v1/news/public",
        "get /api/v1/schools/lookup",
        "get /api/v1/study-fields",
        "get /healthz",
        "get /readyz",
        "post /api/v1/auth/forgot-password",
        "post /api/v1/auth/refresh",
        "post /api/v1/auth/reset-password",
        "post /api/v1/auth/sign-in",
        "post /api/v1/auth/sign-out",
    ];
    assert_eq!(public, expected);
    let bearer = operations(&spec).into_iter().filter(|(_, op)| op["security"] == serde_json::json!([{"bearer_jwt": []}])).count();
    assert!(bearer > 140, "{bearer} operations take only a bearer token");
}

#[test]
fn lists_and_batches_refer_to_their_items_and_problem_codes_are_open() {
    let spec: Value = serde_json::from_str(&committed()).unwrap();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let mut generic = 0;
    for (name, schema) in schemas {
        let items = match name.split_once('_') {
            Some(("Page", item)) => (&schema["properties"]["items"]["items"], item),
            Some(("Batch", item)) => (&schema["properties"]["rows"]["items"], item),
            _ => continue,
        };
        generic += 1;
        assert_eq!(items.0["$ref"], format!("#/components/schemas/{}", items.1), "{name}");
    }
    assert!(generic >= 15, "{generic}");
    let code = &schemas["Problem"]["properties"]["code"];
    let any_of = code["anyOf"].as_array().unwrap();
    assert!(any_of.iter().any(|s| s["$ref"] == "#/components/schemas/ErrorCode"));
    assert!(any_of.iter().any(|s| s["type"] == "string" && s.get("enum").is_none()), "the code is open to new values");
    // The receiving log's blobs are typed.
    assert_eq!(schemas["BatchLog"]["properties"]["error"]["oneOf"][0]["$ref"], "#/components/schemas/Problem");
}

#[test]
fn paging_and_terms_carry_the_limits_the_server_checks() {
    let spec: Value = serde_json::from_str(&committed()).unwrap();
    let list = &spec["paths"]["/api/v1/students"]["get"]["parameters"];
    let param = |name: &str| list.as_array().unwrap().iter().find(|p| p["name"] == name).unwrap()["schema"].clone();
    assert_eq!((param("page")["minimum"].clone(), param("page")["maximum"].clone(), param("page")["default"].clone()), (1.into(), 1_000_000.into(), 1.into()));
    assert_eq!((param("per_page")["minimum"].clone(), param("per_page")["maximum"].clone(), param("per_page")["default"].clone()), (1.into(), 200.into(), 30.into()));
    let status = spec["paths"]["/api/v1/reports/selection-status"]["get"]["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "kind").unwrap().clone();
    assert_eq!(status["required"], true, "the server requires kind");
    let results = spec["paths"]["/api/v1/learning-results"]["get"]["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "term").unwrap().clone();
    assert_eq!(results["schema"]["pattern"], "^[0-9]{3}[0-2]$");
}

#[test]
fn downloads_have_their_media_types_ranges_and_headers() {
    let spec: Value = serde_json::from_str(&committed()).unwrap();
    let op = &spec["paths"]["/api/v1/learning-results/{id}/files/{slot}"]["get"];
    for media in ["application/pdf", "image/jpeg", "image/png", "audio/mpeg", "video/mp4"] {
        assert_eq!(op["responses"]["200"]["content"][media]["schema"]["format"], "binary", "{media}");
        assert!(op["responses"]["206"]["content"][media].is_object(), "{media}");
    }
    assert!(op["responses"]["200"]["headers"]["ETag"].is_object());
    assert!(op["responses"]["200"]["headers"]["Content-Disposition"].is_object());
    assert!(op["responses"]["206"]["headers"]["Content-Range"].is_object());
    assert!(op["parameters"].as_array().unwrap().iter().any(|p| p["name"] == "Range" && p["in"] == "header"));
    assert!(op["responses"]["416"]["headers"]["Content-Range"].is_object(), "a range past the end: 416 with `bytes */size`");
    let xlsx = &spec["paths"]["/api/v1/reports/usage.xlsx"]["get"]["responses"]["200"];
    assert!(xlsx["content"]["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"].is_object());
    assert!(xlsx["headers"]["Content-Disposition"].is_object());
}

#[test]
fn operation_ids_are_unique_for_client_generators() {
    let spec: Value = serde_json::from_str(&committed()).unwrap();
    let mut seen = std::collections::HashSet::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let id = op["operationId"].as_str().expect("every operation has an id");
            assert!(seen.insert(id.to_string()), "operationId {id} repeats");
        }
    }
}

/// utoipa keys component schemas by type name: two `ToSchema` types with one name silently
/// replace each other in the document (and in every generated client).
#[test]
fn schema_type_names_are_unique() {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let mut derives_schema = false;
                // Inside a multi-line attribute (`#[schema(example = json!({ … }))]`).
                let mut depth = 0i64;
                for line in text.lines().map(str::trim) {
                    let balance = line.matches('[').count() as i64 - line.matches(']').count() as i64;
                    if depth > 0 {
                        depth += balance;
                        continue;
                    }
                    if line.starts_with("#[") {
                        depth = balance;
                    }
                    if line.starts_with("#[derive(") && line.contains("ToSchema") {
                        derives_schema = true;
                    } else if line.starts_with("#[schema(as") {
                        derives_schema = false;
                    } else if derives_schema && (line.starts_with("pub struct ") || line.starts_with("pub enum ") || line.starts_with("struct ") || line.starts_with("enum ")) {
                        let name = line.split_whitespace().find(|w| !["pub", "struct", "enum"].contains(w)).unwrap_or("");
                        let name = name.split(['<', '{', '(', ';']).next().unwrap_or("").to_string();
                        out.push((name, path.display().to_string()));
                        derives_schema = false;
                    } else if !line.starts_with("#[") && !line.starts_with("///") && !line.is_empty() {
                        derives_schema = false;
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
    assert!(found.len() > 50, "found only {} schema types", found.len());
    found.sort();
    let dupes: Vec<_> = found.windows(2).filter(|w| w[0].0 == w[1].0).map(|w| format!("{} in {} and {}", w[0].0, w[0].1, w[1].1)).collect();
    assert!(dupes.is_empty(), "schema names used twice: {dupes:?}");
}

/// Every request body shows an example (issue #18 item 5): a generated client's documentation
/// and schemathesis' example phase start from it.
#[test]
fn every_request_body_has_an_example() {
    let spec: Value = serde_json::from_str(&committed()).unwrap();
    let schemas = &spec["components"]["schemas"];
    let mut missing = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(content) = op["requestBody"]["content"].as_object() else { continue };
            for (media, body) in content {
                let schema = match body["schema"]["$ref"].as_str() {
                    Some(r) => &schemas[r.trim_start_matches("#/components/schemas/")],
                    None => &body["schema"],
                };
                let shown = [body, schema].iter().any(|v| v.get("example").is_some() || v.get("examples").is_some());
                if !shown {
                    missing.push(format!("{method} {path} ({media})"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "request bodies without an example:\n{}", missing.join("\n"));
}

/// The main success response of every read and sync operation shows an example (issue #18
/// item 5): its media type's own, its schema's, or — for a page or an array — one derived from
/// its item's (`openapi_contract::list_examples`).
#[test]
fn main_responses_have_an_example() {
    let spec: Value = serde_json::from_str(&committed()).unwrap();
    let mut missing = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if method != "get" && !path.starts_with("/api/v1/sync/") {
                continue;
            }
            let main = op["responses"].as_object().unwrap().iter().find(|(status, _)| status.starts_with('2'));
            let Some(content) = main.and_then(|(_, r)| resolve(&spec, r)["content"].get("application/json")) else { continue };
            let schema = resolve(&spec, &content["schema"]);
            if [content, schema].iter().all(|v| v.get("example").is_none() && v.get("examples").is_none()) {
                missing.push(format!("{method} {path}"));
            }
        }
    }
    assert!(missing.is_empty(), "main responses without an example:\n{}", missing.join("\n"));
}

/// Every example of the document is valid against its schema (issue #18 item 5): schemathesis
/// sends request examples as they are, and generated clients show them as documentation. Checked
/// here without a JSON Schema library: types, enums, numeric bounds, lengths, required properties
/// (a multipart form's file excepted: an example cannot carry one), no property its schema does not
/// document, and `oneOf`/`anyOf` (one alternative passes) — over component schemas, media types
/// (request bodies and responses) and parameters.
#[test]
fn examples_match_their_schemas() {
    let spec: Value = serde_json::from_str(&committed()).unwrap();
    let mut bad = Vec::new();
    let mut checked = 0;
    let mut check = |place: String, schema: &Value, example: &Value| {
        checked += 1;
        bad.extend(violations(&spec, schema, example, "").into_iter().map(|v| format!("{place}: {v}")));
    };
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        if let Some(example) = schema.get("example") {
            check(format!("schema {name}"), schema, example);
        }
    }
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                if let Some(example) = p.get("example") {
                    check(format!("{method} {path} parameter {}", p["name"]), &p["schema"], example);
                }
            }
            let mut contents = vec![("request".to_string(), &op["requestBody"]["content"])];
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                contents.push((status.clone(), &resolve(&spec, response)["content"]));
            }
            for (place, content) in contents {
                for (media, body) in content.as_object().into_iter().flatten() {
                    if let Some(example) = body.get("example") {
                        check(format!("{method} {path} {place} {media}"), &body["schema"], example);
                    }
                }
            }
        }
    }
    assert!(checked > 300, "checked only {checked} examples");
    assert!(bad.is_empty(), "examples that do not match their schema:\n{}", bad.join("\n"));
}

/// Where `value` breaks `schema` (empty when it is valid), each with its JSON path.
fn violations(spec: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let schema = resolve(spec, schema);
    let mut out = Vec::new();
    let shown = || format!("{at} = {}", value.to_string().chars().take(80).collect::<String>());
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema[key].as_array() {
            if !alternatives.iter().any(|a| violations(spec, a, value, at).is_empty()) {
                out.push(format!("{} matches none of {key}", shown()));
            }
        }
    }
    // `allOf` of objects (a flattened struct): one object with every part's properties.
    let mut merged = schema.clone();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        let part = resolve(spec, part);
        for (k, v) in part["properties"].as_object().into_iter().flatten() {
            merged["properties"][k] = v.clone();
        }
        for r in part["required"].as_array().into_iter().flatten() {
            if !merged["required"].is_array() {
                merged["required"] = Value::Array(Vec::new());
            }
            merged["required"].as_array_mut().unwrap().push(r.clone());
        }
    }
    let schema = &merged;
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            out.push(format!("{} is not one of {}", shown(), schema["enum"]));
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let is = |t: &str| match t {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    };
    if !types.is_empty() && !types.iter().copied().any(is) {
        out.push(format!("{} is not of type {}", shown(), schema["type"]));
        return out;
    }
    if let (Some(n), Some(min)) = (value.as_f64(), schema["minimum"].as_f64()) {
        if n < min {
            out.push(format!("{} is below the minimum {min}", shown()));
        }
    }
    if let (Some(n), Some(max)) = (value.as_f64(), schema["maximum"].as_f64()) {
        if n > max {
            out.push(format!("{} is above the maximum {max}", shown()));
        }
    }
    if let Some(s) = value.as_str() {
        let len = s.chars().count() as u64;
        if schema["minLength"].as_u64().is_some_and(|m| len < m) || schema["maxLength"].as_u64().is_some_and(|m| len > m) {
            out.push(format!("{} has a length out of bounds", shown()));
        }
    }
    if let Some(items) = value.as_array() {
        for (i, item) in items.iter().enumerate() {
            if schema.get("items").is_some() {
                out.extend(violations(spec, &schema["items"], item, &format!("{at}[{i}]")));
            }
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema["properties"].as_object();
        for required in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            let is_file = properties.and_then(|p| p.get(required)).is_some_and(|p| p["format"] == "binary");
            if !object.contains_key(required) && !is_file {
                out.push(format!("{at}.{required} is required but missing"));
            }
        }
        for (key, v) in object {
            match properties.and_then(|p| p.get(key)) {
                Some(property) => out.extend(violations(spec, property, v, &format!("{at}.{key}"))),
                None => match &schema["additionalProperties"] {
                    Value::Object(_) => out.extend(violations(spec, &schema["additionalProperties"], v, &format!("{at}.{key}"))),
                    Value::Bool(false) => out.push(format!("{at}.{key} is not a documented property")),
                    _ if properties.is_some() => out.push(format!("{at}.{key} is not a documented property")),
                    _ => {}
                },
            }
        }
    }
    out
}

/// utoipa keys component schemas by their bare name and silently keeps one of two types named
/// alike (two domains' `Stage` or `QueueQuery`): the other's operations then document the wrong
/// shape, and generated clients break (issue #17). Every type deriving `ToSchema` under `api/src`
/// has a name of its own (or its own `#[schema(as = …)]`).
#[test]
fn no_two_schema_types_share_a_name() {
    fn walk(dir: &std::path::Path, found: &mut std::collections::BTreeMap<String, Vec<String>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                if !(line.contains("#[derive(") && line.contains("ToSchema")) {
                    continue;
                }
                let mut alias = None;
                for next in lines.iter().skip(i + 1).take(15) {
                    let t = next.trim();
                    if t.starts_with("#[schema(") {
                        if let Some(rest) = t.split("as = ").nth(1) {
                            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
                            alias = name.rsplit("::").next().map(str::to_string);
                        }
                    }
                    let decl = t.strip_prefix("pub(crate) ").or_else(|| t.strip_prefix("pub ")).unwrap_or(t);
                    if let Some(rest) = decl.strip_prefix("struct ").or_else(|| decl.strip_prefix("enum ")) {
                        let own: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                        found.entry(alias.unwrap_or(own)).or_default().push(path.display().to_string());
                        break;
                    }
                }
            }
        }
    }
    let mut found = std::collections::BTreeMap::new();
    walk(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &mut found);
    assert!(found.len() > 100, "the walk found only {} schema types", found.len());
    let twice: Vec<String> = found.iter().filter(|(_, at)| at.len() > 1).map(|(name, at)| format!("{name}: {}", at.join(", "))).collect();
    assert!(twice.is_empty(), "schema names used by more than one type (utoipa keeps only one):\n{}", twice.join("\n"));
}

/// Generated clients name their functions after operationIds: each is unique.
#[test]
fn operation_ids_are_unique() {
    let spec: Value = serde_json::from_str(&committed()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId")).to_string();
            if let Some(other) = seen.insert(id.clone(), format!("{method} {path}")) {
                panic!("operationId `{id}` names both {other} and {method} {path}");
            }
        }
    }
}

/// Issue #18: the server checks no query value the schema does not state — every `term` has its
/// pattern (a receipt's without semester 0), the analysis' `subject` and `by` are required and
/// constrained, months and roster codes have patterns.
#[test]
fn query_constraints_are_in_the_schema() {
    let spec: Value = serde_json::from_str(&committed()).unwrap();
    let param = |path: &str, method: &str, name: &str| -> Value {
        spec["paths"][path][method]["parameters"].as_array().unwrap_or_else(|| panic!("{path}")).iter().find(|p| p["name"] == name).cloned().unwrap_or_else(|| panic!("{path} {name}"))
    };
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "query" && p["name"] == "term" {
                    assert!(p["schema"]["pattern"].is_string(), "{method} {path}: `term` without a pattern");
                }
            }
        }
    }
    for path in ["/api/v1/receipts/students", "/api/v1/receipts/statistics", "/api/v1/receipts/mine", "/api/v1/receipts/imports"] {
        assert_eq!(param(path, "get", "term")["schema"]["pattern"], r"^\s*([0-9]{3}[12])?\s*$", "{path}");
    }
    for (path, method) in [("/api/v1/reports/analysis", "get"), ("/api/v1/reports/analysis.xlsx", "get"), ("/api/v1/reports/analysis/exports", "post")] {
        let subject = param(path, method, "subject");
        assert_eq!(subject["required"], true);
        assert_eq!(subject["schema"]["enum"], serde_json::json!(["results", "certifications", "performances", "selections", "self_directed"]));
        let by = param(path, method, "by");
        assert_eq!(by["required"], true);
        assert!(by["schema"]["pattern"].as_str().unwrap().contains("teacher"));
    }
    assert!(param("/api/v1/consultations", "get", "month")["schema"]["pattern"].is_string());
    assert!(param("/api/v1/rosters/exports", "get", "roster")["schema"]["pattern"].is_string());
}

/// A handler states its path once, in its actix attribute (`#[get("/x/{id}")]`), which
/// `#[utoipa::path]` reads (utoipa's `actix_extras`); a `path = "…"` in the annotation could
/// differ from the route actix serves, so none is written (issue #17 item 3).
#[test]
fn annotations_do_not_repeat_the_route_path() {
    let mut files = Vec::new();
    crate::module_cycles::rust_files(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut repeated = Vec::new();
    let mut annotated = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        for block in text.split("#[utoipa::path(").skip(1) {
            annotated += 1;
            let attr = block.split("\n#[").next().unwrap_or(block);
            if attr.lines().any(|l| l.trim_start().starts_with("path =") || l.contains(", path =") || l.contains("(path =")) {
                repeated.push(format!("{}: {}", file.display(), attr.lines().next().unwrap_or("")));
            }
        }
    }
    // The students' items' twelve operations are built by `uploads::served`, not annotated.
    assert!(annotated > 180, "{annotated} annotations read");
    assert!(repeated.is_empty(), "annotations that repeat their path: {repeated:#?}");
}

/// The students' items are served and documented by one generic layer (`uploads::served`); their
/// operations keep the ids clients were generated with, and every kind has all six.
#[test]
fn the_served_items_keep_their_operation_ids() {
    let doc = serde_json::to_value(licheng::openapi::document()).unwrap();
    let ids: std::collections::BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values().filter_map(|op| op["operationId"].as_str().map(str::to_string)).collect::<Vec<_>>())
        .collect();
    for (one, many) in [("result", "results"), ("performance", "performances")] {
        for id in [format!("create_{one}"), format!("list_{many}"), format!("get_{one}"), format!("update_{one}"), format!("delete_{one}"), format!("download_{one}_file")] {
            assert!(ids.contains(&id), "{id} is missing");
        }
    }
    let put = &doc["paths"]["/api/v1/performances/{id}"]["put"];
    assert_eq!(put["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"], "#/components/schemas/PerformanceForm");
    assert_eq!(put["parameters"][0]["description"], "Performance id");
    for status in ["200", "400", "403", "404", "409", "413", "415", "422"] {
        assert!(put["responses"].get(status).is_some(), "update_performance documents {status}");
    }
}
