//! Compile-fail and compile-pass cases of `select!` and `#[derive(Entity)]`, in one build.
//!
//! `TRYBUILD=overwrite cargo test --test trybuild` regenerates the `.stderr` files; review the
//! diff before committing.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("trybuild-tests/pass/*.rs");
    t.compile_fail("trybuild-tests/fail/*.rs");
}
