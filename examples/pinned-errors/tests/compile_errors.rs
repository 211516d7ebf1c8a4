//! The queries of this crate that must not compile, and what rustc says about each: a change
//! of Colt that changes a message shows up here as a diff to review.

#[test]
fn queries_that_must_not_compile() {
    trybuild::TestCases::new().compile_fail("tests/compile-fail/*.rs");
}
