//! No new import cycle between the top-level modules of `api/src` (issue #17, item 4).
//!
//! A module `a` imports `b` when a non-comment line of `api/src/a.rs` or `api/src/a/**.rs` names
//! `crate::b`. An import `a -> b` is part of a cycle when `b` also reaches `a`. Every such import
//! that exists today is listed in [`DEBT`]; a new one fails this test, and so does a listed one
//! that no longer closes a cycle (delete its entry: the debt got smaller).
//!
//! There is none left (issue #17 item 4). The layers, bottom up: infrastructure (`error`, `db`,
//! `schema`, `config`, `secrets`, `clock`, `storage`, `national_id`, …); `identity` (`User`,
//! `Role`, `UserKind`, a user's roles and granted modules, the principal cache `state` holds);
//! `state` (`AppState`); `http`, `audit` (recording an event) and `mail`; `auth` (the `Principal`
//! extractor, `Need`, tokens, the API-key lookup); `jobs` (the queue, which knows no domain:
//! `workers` hands it the code of each kind); `notify` (the inbox, the texts of reminders and the
//! reminder mail outbox, which follows `jobs::lease`); `accounts` (administration and the `/auth` handlers); `terms`; `reporting` (what reports
//! share with receipts, rosters and self-directed learning); the domains (`delegates` below
//! `uploads` below `certification`, …); and above them `reminders` (planning and sending
//! reminders), `workers`, `router`, `openapi` and `app`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Imports that close a cycle today, as `module: the modules it imports inside its cycle`.
const DEBT: &[&str] = &[];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level modules declared in `lib.rs`.
fn modules() -> BTreeSet<String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).expect("api/src/lib.rs");
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod ").or_else(|| l.trim().strip_prefix("mod ")))
        .filter_map(|rest| rest.strip_suffix(';'))
        .map(str::to_string)
        .collect()
}

pub(crate) fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path).expect("a readable directory").map(|e| e.expect("an entry").path()).collect();
        entries.sort();
        for entry in entries {
            rust_files(&entry, out);
        }
    } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The `crate::x` names on the code lines of `text`.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (i, _) in line.match_indices("crate::") {
            if line[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let name: String = line[i + "crate::".len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            found.insert(name);
        }
    }
    found
}

/// Module → the other top-level modules it imports.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    modules
        .iter()
        .map(|m| {
            let mut files = Vec::new();
            rust_files(&src().join(format!("{m}.rs")), &mut files);
            rust_files(&src().join(m), &mut files);
            let mut deps = BTreeSet::new();
            for f in files {
                let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                deps.extend(crate_paths(&text).into_iter().filter(|d| d != m && modules.contains(d)));
            }
            (m.clone(), deps)
        })
        .collect()
}

fn reachable(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(m) = todo.pop() {
        for d in graph.get(&m).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

/// Every import `a -> b` where `b` reaches `a` again.
fn cyclic_imports(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (a, deps) in graph {
        for b in deps {
            if reachable(graph, b).contains(a) {
                out.insert((a.clone(), b.clone()));
            }
        }
    }
    out
}

fn debt() -> BTreeSet<(String, String)> {
    DEBT.iter()
        .flat_map(|line| {
            let (a, bs) = line.split_once(':').expect("`module: imports`");
            bs.split_whitespace().map(move |b| (a.trim().to_string(), b.to_string()))
        })
        .collect()
}

/// The [`DEBT`] list that would match `edges`, to paste when paying debt off.
fn as_debt(edges: &BTreeSet<(String, String)>) -> String {
    let mut by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in edges {
        by.entry(a).or_default().push(b);
    }
    by.iter().map(|(a, bs)| format!("    \"{a}: {}\",\n", bs.join(" "))).collect()
}

#[test]
fn reads_crate_paths_but_not_comments_or_other_crates() {
    let text = "use crate::app::AppState;\n/// [`crate::jobs`]\n  // crate::notify\nlet x = crate::time::now(); licheng_crate::x; my_crate::y\n";
    assert_eq!(crate_paths(text), BTreeSet::from(["app".to_string(), "time".to_string()]));
}

#[test]
fn finds_a_cycle_and_only_its_edges() {
    let g: BTreeMap<String, BTreeSet<String>> = [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a", "d"]), ("d", vec![])]
        .into_iter()
        .map(|(m, ds)| (m.to_string(), ds.into_iter().map(str::to_string).collect()))
        .collect();
    let pairs: Vec<(&str, &str)> = vec![("a", "b"), ("b", "c"), ("c", "a")];
    let expected: BTreeSet<(String, String)> = pairs.into_iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(cyclic_imports(&g), expected);
}

#[test]
fn no_import_cycle_between_top_level_modules_beyond_the_listed_debt() {
    let graph = imports();
    assert!(graph.len() > 20 && graph["uploads"].contains("error"), "the module graph was read: {graph:?}");
    let cyclic = cyclic_imports(&graph);
    let debt = debt();
    let new: Vec<String> = cyclic.difference(&debt).map(|(a, b)| format!("{a} -> {b}")).collect();
    let paid: Vec<String> = debt.difference(&cyclic).map(|(a, b)| format!("{a} -> {b}")).collect();
    assert!(
        new.is_empty() && paid.is_empty(),
        "new imports closing a cycle (import the other way, or move the shared part below both): {new:?}\n\
         listed imports no longer in a cycle (remove them from DEBT): {paid:?}\n\
         DEBT as it is now:\n{}",
        as_debt(&cyclic)
    );
}
