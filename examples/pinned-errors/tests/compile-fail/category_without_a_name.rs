use colt::prelude::*;
use colt_example_pinned_errors::Category;

fn main() -> colt::Result<()> {
    let db = Database::open("sqlite::memory:")?;
    let tx = db.begin()?;
    // `name` is required: `insert` does not compile until it is set.
    let _ = Category::build().insert(&tx);
    Ok(())
}
