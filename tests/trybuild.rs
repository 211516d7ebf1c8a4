//! Compile-fail and compile-pass cases of `select!` and `#[derive(Entity)]`, in one build.
//!
//! `TRYBUILD=overwrite cargo test --all-features --test trybuild` regenerates the `.stderr` files; review the
//! diff before committing.

/// Pinned to the README's `cargo test --all-features`: what some messages list (the column
/// types) depends on the features built, so the cases run in that build only.
#[test]
fn ui() {
    if !cfg!(feature = "postgres") {
        eprintln!("trybuild: skipped (the cases are pinned to `cargo test --all-features`)");
        return;
    }
    let t = trybuild::TestCases::new();
    t.pass("trybuild-tests/pass/*.rs");
    t.compile_fail("trybuild-tests/fail/*.rs");
}
