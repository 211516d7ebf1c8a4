//! The macros never panic: thousands of mutated queries and entities (tokens dropped,
//! swapped, duplicated, replaced, at any depth) each give expanded code or a spanned error.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

/// A small deterministic generator (xorshift), so a failure is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const QUERIES: &[&str] = &[
    "p.name for p in Product if p.price < max && p.category.name == \"Books\"",
    "(p.name, c.name) for p in Product for c in Category if p.category == c",
    "o for c in Customer for o in c.orders if c.country == \"NZ\"",
    "Product.filter(|p| p.price < max).map(|p| (p.name, p.price))",
    "(p for p in Product if p.price > 10).order_by(|p| (desc(p.price), p.name)).limit(10)",
    "Product.filter(|p| p.price > 10).order_by(|p| desc(p.price)).offset(20).limit(10).distinct()",
    "q.filter(|p| p.name.contains(word))",
    "(c.name, count(c.products), sum(p.price for p in c.products if p.price > 10)) for c in Category",
    "c for c in Category if exists(o for o in c.orders if o.total > 5) && !c.products.is_empty()",
    "p for p in Product if ids.contains(&p.id) && p.description.is_none() || p.discount == None",
    "p for p in Product if (c for c in Category if c.name.starts_with(\"B\")).contains(&p.category)",
    "count() for p in Product if p.name.to_lowercase().trim().len() > 3",
];

const ENTITIES: &[&str] = &[
    "#[colt(table = \"product\")] pub struct Product { #[colt(primary_key, auto)] pub id: i64, #[colt(unique, column = \"n\")] pub name: String, pub price: Option<i64>, pub category: Ref<Category>, pub tags: Set<Tag>, #[colt(default = 5)] pub stock: i32 }",
    "pub struct Employee { #[colt(primary_key)] id: i64, #[colt(reverse = \"reports\")] manager: Option<Ref<Employee>>, #[colt(reverse = \"manager\", cascade_delete)] reports: Set<Employee> }",
];

fn flatten_pool(ts: &TokenStream, out: &mut Vec<TokenTree>) {
    for t in ts.clone() {
        if let TokenTree::Group(g) = &t {
            flatten_pool(&g.stream(), out);
        }
        out.push(t);
    }
}

/// One random change somewhere in the tree.
fn mutate(ts: TokenStream, rng: &mut Rng, pool: &[TokenTree]) -> TokenStream {
    let mut tokens: Vec<TokenTree> = ts.into_iter().collect();
    if tokens.is_empty() {
        return pool[rng.below(pool.len())].clone().into();
    }
    let i = rng.below(tokens.len());
    // Go deeper half of the time, when there is a group to go into.
    if let TokenTree::Group(g) = &tokens[i] {
        if rng.below(2) == 0 {
            let inner = mutate(g.stream(), rng, pool);
            let mut ng = Group::new(g.delimiter(), inner);
            ng.set_span(g.span());
            tokens[i] = TokenTree::Group(ng);
            return tokens.into_iter().collect();
        }
    }
    match rng.below(5) {
        0 => {
            tokens.remove(i);
        }
        1 => {
            let j = rng.below(tokens.len());
            tokens.swap(i, j);
        }
        2 => {
            let t = tokens[i].clone();
            tokens.insert(i, t);
        }
        3 => tokens[i] = pool[rng.below(pool.len())].clone(),
        _ => {
            let t = tokens[i].clone();
            tokens[i] = TokenTree::Group(Group::new(Delimiter::Parenthesis, t.into()));
        }
    }
    tokens.into_iter().collect()
}

fn no_panic(
    what: &str,
    input: &TokenStream,
    f: impl FnOnce() -> TokenStream + std::panic::UnwindSafe,
) {
    let result = std::panic::catch_unwind(f);
    assert!(result.is_ok(), "{what} panicked on: {input}");
}

#[test]
fn select_never_panics_on_mutated_queries() {
    let seeds: Vec<TokenStream> = QUERIES
        .iter()
        .map(|q| q.parse().expect("seed parses"))
        .collect();
    let mut pool = Vec::new();
    for s in &seeds {
        flatten_pool(s, &mut pool);
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut errors = 0;
    for round in 0..4000 {
        let mut ts = seeds[round % seeds.len()].clone();
        for _ in 0..=rng.below(3) {
            ts = mutate(ts, &mut rng, &pool);
        }
        let input = ts.clone();
        no_panic("select!", &input, move || crate::query::select(ts));
        // Count the rejections, to be sure the mutations reach the error paths.
        if crate::query::select(input)
            .to_string()
            .contains("compile_error")
        {
            errors += 1;
        }
    }
    assert!(errors > 1000, "only {errors} mutations were rejected");
}

#[test]
fn derive_never_panics_on_mutated_entities() {
    let seeds: Vec<TokenStream> = ENTITIES
        .iter()
        .map(|q| q.parse().expect("seed parses"))
        .collect();
    let mut pool = Vec::new();
    for s in &seeds {
        flatten_pool(s, &mut pool);
    }
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for round in 0..2000 {
        let mut ts = seeds[round % seeds.len()].clone();
        for _ in 0..=rng.below(3) {
            ts = mutate(ts, &mut rng, &pool);
        }
        let input = ts.clone();
        no_panic("#[derive(Entity)]", &input, move || {
            match syn::parse2::<syn::DeriveInput>(ts) {
                Ok(input) => crate::entity::derive(&input),
                Err(e) => e.into_compile_error(),
            }
        });
    }
}
