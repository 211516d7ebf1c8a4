//! The entities a crate's sources declare, for `colt migrate diff`: every `.rs` file under a
//! directory parsed with syn, every struct with `#[derive(Entity)]` read by `colt_model` (the
//! very code the derive expands, so that table and column names cannot drift), and every
//! `#[derive(Value)]` type (a column type of the crate's own).

use std::path::{Path, PathBuf};

use crate::Failure;

/// The parsed items of interest, owned (the models borrow them).
pub(crate) struct Sources {
    /// `#[derive(Entity)]` structs, with the file each is in.
    pub entities: Vec<(PathBuf, syn::DeriveInput)>,
    /// `#[derive(Value)]` types, with the file each is in.
    pub values: Vec<(PathBuf, syn::DeriveInput)>,
}

/// Reads every `.rs` file under `dir` (in path order; `target` directories skipped).
///
/// # Errors
/// A directory that cannot be read, or a file that does not parse (with its line).
pub(crate) fn read(dir: &Path) -> Result<Sources, Failure> {
    if !dir.is_dir() {
        return Err(format!(
            "`{}` is not a directory: --entities names the directory of the sources that declare the entities (`src`)",
            dir.display()
        ));
    }
    let mut files = Vec::new();
    rust_files(dir, &mut files)?;
    files.sort();
    let mut sources = Sources {
        entities: Vec::new(),
        values: Vec::new(),
    };
    for path in files {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let file = syn::parse_file(&text).map_err(|e| {
            let at = e.span().start();
            format!(
                "{}:{}:{}: not Rust that syn can read: {e}",
                path.display(),
                at.line,
                at.column + 1
            )
        })?;
        collect(&path, file.items, &mut sources);
    }
    Ok(sources)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Failure> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                rust_files(&path, out)?;
            }
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The structs and enums deriving `Entity` or `Value`, in inline modules too.
fn collect(path: &Path, items: Vec<syn::Item>, out: &mut Sources) {
    for item in items {
        let input: syn::DeriveInput = match item {
            syn::Item::Struct(s) => s.into(),
            syn::Item::Enum(e) => e.into(),
            syn::Item::Mod(m) => {
                if let Some((_, items)) = m.content {
                    collect(path, items, out);
                }
                continue;
            }
            _ => continue,
        };
        if derives(&input.attrs, "Entity") && matches!(input.data, syn::Data::Struct(_)) {
            out.entities.push((path.to_path_buf(), input));
        } else if derives(&input.attrs, "Value") {
            out.values.push((path.to_path_buf(), input));
        }
    }
}

/// Whether `#[derive(..)]` lists `name` (`Entity`, `colt::Entity`).
fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| {
            a.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|paths| {
                paths
                    .iter()
                    .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
            })
        })
}

/// Where a spanned item is, for messages: `file:line`.
pub(crate) fn at(path: &Path, span: proc_macro2::Span) -> String {
    format!("{}:{}", path.display(), span.start().line)
}
