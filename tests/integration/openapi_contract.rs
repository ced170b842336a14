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
