//! `embed_migrations!("migrations")`: a migrations directory, read at compile time into the
//! program (`colt::migrations::Migrations`), so that a deployed binary applies the same files
//! `colt migrate` does.
//!
//! The path is relative to the crate's `Cargo.toml` (`CARGO_MANIFEST_DIR`). Each file is
//! included with `include_str!`, so editing one rebuilds the crate; a new migration's
//! directory is not seen until the crate rebuilds (a `build.rs` with
//! `println!("cargo:rerun-if-changed=migrations")` makes cargo watch the directory).
//!
//! The directory's layout is the runtime's (`colt_runtime::migrations`): one directory per
//! migration, `{version}_{name}`, with `up.sql` and an optional `down.sql`. The naming rule
//! is written twice, here and in `Migrations::from_dir` (a proc-macro crate cannot share the
//! runtime's code); the facade's test `embedded_migrations_match_the_directory` holds them
//! together.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;

/// Expands `embed_migrations!("dir")`.
pub(crate) fn embed(input: TokenStream) -> TokenStream {
    let lit: syn::LitStr = match syn::parse2(input) {
        Ok(l) => l,
        Err(_) => {
            return syn::Error::new(
                Span::call_site(),
                "`embed_migrations!` takes the migrations directory, relative to Cargo.toml: `embed_migrations!(\"migrations\")`",
            )
            .into_compile_error()
        }
    };
    match read(&lit.value()) {
        Ok(list) => expand(&list),
        Err(message) => syn::Error::new(lit.span(), message).into_compile_error(),
    }
}

struct Embedded {
    version: i64,
    name: String,
    up: PathBuf,
    down: Option<PathBuf>,
}

fn read(relative: &str) -> Result<Vec<Embedded>, String> {
    let base = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let dir = base.join(relative);
    if !dir.is_dir() {
        return Err(format!(
            "the migrations directory `{}` does not exist (the path is relative to Cargo.toml; `colt migrate new NAME --dir {relative}` makes the first migration)",
            dir.display()
        ));
    }
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .map(|e| {
            e.map(|e| e.path())
                .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))
        })
        .collect::<Result<_, _>>()?;
    paths.sort();
    let mut list: Vec<Embedded> = Vec::new();
    for path in paths {
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if file_name.starts_with('.') {
            continue;
        }
        if !path.is_dir() {
            if file_name.ends_with(".sql") {
                return Err(format!(
                    "`{}` is not a migration: a migration is a directory `{{version}}_{{name}}` holding `up.sql` (and `down.sql`)",
                    path.display()
                ));
            }
            continue;
        }
        let Some((version, name)) = parse_dir_name(file_name) else {
            return Err(format!(
                "`{}` is not a migration: a migration's directory is named `{{version}}_{{name}}`, e.g. `20261129120000_create_products`",
                path.display()
            ));
        };
        let up = path.join("up.sql");
        if !up.is_file() {
            return Err(format!(
                "the migration `{}` has no `up.sql`",
                path.display()
            ));
        }
        let down = Some(path.join("down.sql")).filter(|d| d.is_file());
        if let Some(other) = list.iter().find(|m| m.version == version) {
            return Err(format!(
                "`{}_{}` and `{file_name}` have the same version",
                other.version, other.name
            ));
        }
        list.push(Embedded {
            version,
            name: name.to_string(),
            up: absolute(&up),
            down: down.map(|d| absolute(&d)),
        });
    }
    list.sort_by_key(|m| m.version);
    Ok(list)
}

fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// `20261129120000_create_products` as its version and name (as the runtime reads it).
fn parse_dir_name(dir_name: &str) -> Option<(i64, &str)> {
    let (version, name) = dir_name.split_once('_')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) || name.is_empty() {
        return None;
    }
    Some((version.parse().ok()?, name))
}

fn expand(list: &[Embedded]) -> TokenStream {
    let items = list.iter().map(|m| {
        let version = m.version;
        let name = &m.name;
        let up = m.up.to_string_lossy().into_owned();
        let migration =
            quote!(::colt::migrations::Migration::new(#version, #name, ::core::include_str!(#up)));
        match &m.down {
            Some(down) => {
                let down = down.to_string_lossy().into_owned();
                quote!(#migration.with_down(::core::include_str!(#down)))
            }
            None => migration,
        }
    });
    quote!(::colt::migrations::Migrations::__embedded(
        ::std::vec![#(#items),*]
    ))
}
