//! What the pinned compile errors may say: users pin Colt's errors in their own trybuild
//! suites, so an error must point at the user's code only (never a `-->` into Colt's sources,
//! a note naming one of Colt's functions or internal paths, or one of Colt's internal macros),
//! and one mistake must give one error. (A note on the builder `#[derive(Entity)]` generated
//! for the user's struct points at the user's field, and passes.)
//!
//! Each case in `trybuild-tests/fail` makes one mistake unless it says otherwise with a line
//! `// mistakes: N`. Every case meets the rules; there are no exceptions.

use std::fs;
use std::path::Path;

/// What no pinned error may contain, and why.
const FORBIDDEN: &[(&str, &str)] = &[
    ("colt::expr::", "a path into Colt's internals"),
    ("colt_runtime", "Colt's internal crate"),
    ("__private", "Colt's generated-code surface"),
    ("__colt", "a name of generated code"),
];

/// The rules one `.stderr` of Colt's own suite breaks.
fn broken_rules(name: &str, source: &str, stderr: &str) -> Vec<String> {
    broken_rules_within(name, source, stderr, &|at| {
        at.starts_with("trybuild-tests/")
    })
}

/// The rules one `.stderr` breaks, `own` telling the files of the suite's crate.
fn broken_rules_within(
    name: &str,
    source: &str,
    stderr: &str,
    own: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut broken = Vec::new();
    for line in stderr.lines() {
        if let Some(at) = line.trim_start().strip_prefix("--> ") {
            if !own(at) {
                broken.push(format!("points into another file: `{}`", line.trim()));
            }
        }
        if let Some(rest) = line.split("originates in the ").nth(1) {
            if !rest.starts_with("macro `select`") {
                broken.push(format!("names one of Colt's macros: `{}`", line.trim()));
            }
        }
        for (text, why) in FORBIDDEN {
            if line.contains(text) {
                broken.push(format!("{why}: `{}`", line.trim()));
            }
        }
    }
    let mistakes = source
        .lines()
        .find_map(|l| l.trim().strip_prefix("// mistakes: "))
        .map_or(1, |n| n.trim().parse::<usize>().unwrap_or(0));
    let errors = stderr.lines().filter(|l| l.starts_with("error")).count();
    if errors != mistakes {
        broken.push(format!(
            "{errors} errors for {mistakes} mistake(s) (a case with several says `// mistakes: N`) in {name}"
        ));
    }
    broken
}

/// Every case of a compile-fail directory (relative to the repository), in name order: its
/// name, its source and its pinned `.stderr`.
fn pinned_cases(dir: &str) -> Vec<(String, String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|_| panic!("{} is in the repository", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let source = fs::read_to_string(&path).expect("the case is readable");
            let stderr = fs::read_to_string(path.with_extension("stderr"))
                .unwrap_or_else(|_| panic!("{name}.rs has no pinned .stderr"));
            (name, source, stderr)
        })
        .collect()
}

#[test]
fn pinned_errors_point_at_the_users_code_once_per_mistake() {
    let cases = pinned_cases("trybuild-tests/fail");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, source, stderr)| {
            let broken = broken_rules(name, source, stderr);
            (!broken.is_empty()).then(|| format!("{name}:\n  {}", broken.join("\n  ")))
        })
        .collect();
    assert!(cases.len() >= 70, "only {} compile-fail cases", cases.len());
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The example of a user's own suite (`examples/pinned-errors`): its pinned errors point at
/// its own cases and sources only, never into Colt, one per mistake.
#[test]
fn a_users_pinned_errors_point_at_the_users_code_only() {
    let cases = pinned_cases("examples/pinned-errors/tests/compile-fail");
    let own = |at: &str| at.starts_with("tests/compile-fail/") || at.starts_with("src/");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, source, stderr)| {
            let broken = broken_rules_within(name, source, stderr, &own);
            (!broken.is_empty()).then(|| format!("{name}:\n  {}", broken.join("\n  ")))
        })
        .collect();
    assert!(
        cases.len() >= 5,
        "only {} cases in the example",
        cases.len()
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_rules_catch_what_they_name() {
    let note = "error[E0277]: x\n --> trybuild-tests/fail/a.rs:1:1\nnote: required by a bound in `colt::expr::eq`\n  --> runtime/src/expr.rs\n";
    assert_eq!(broken_rules("a", "", note).len(), 2);
    let two = "error: a\n --> trybuild-tests/fail/a.rs:1:1\n\nerror: b\n --> trybuild-tests/fail/a.rs:2:1\n";
    assert_eq!(broken_rules("a", "", two).len(), 1);
    assert!(broken_rules("a", "// mistakes: 2\n", two).is_empty());
    let derive = "error: a\n = note: this error originates in the derive macro `Entity`\n";
    assert_eq!(broken_rules("a", "", derive).len(), 1);
}

/// docs/compile-errors.md maps every message to its fix: each pinned case is named in its
/// table (the "pinned by" column), so a new case cannot land without its row.
#[test]
fn the_guide_names_every_pinned_case() {
    let guide = fs::read_to_string("docs/compile-errors.md").expect("the guide is readable");
    let missing: Vec<String> = pinned_cases("trybuild-tests/fail")
        .into_iter()
        .map(|(name, _, _)| name)
        .filter(|name| !guide.contains(&format!("`{name}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/compile-errors.md names no row for: {}",
        missing.join(", ")
    );
}
