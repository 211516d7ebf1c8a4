//! `colt diagram URL`: the entity-relationship diagram of a database: every table with its
//! columns, declared types and keys, one edge per foreign key with its cardinality, and
//! each pure link table as one many-to-many edge. Mermaid's `erDiagram` by default (GitHub
//! renders it in Markdown), Graphviz DOT with `--format dot`, SVG with `--format svg` (through
//! Graphviz's `dot`, when it is installed).

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};

use colt_runtime::introspect::{Catalog, ForeignKeyInfo, TableInfo};

use crate::links::{link_tables, Link};
use crate::Failure;

/// What to draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Mermaid `erDiagram` (renders on GitHub).
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// SVG, drawn by Graphviz's `dot`.
    Svg,
}

/// How many rows one side of an edge may have.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Exactly one.
    One,
    /// Zero or one.
    ZeroOrOne,
    /// Zero or more.
    Many,
}

/// One relationship to draw.
struct Edge {
    /// The referenced table and how many of its rows one row of `to` has.
    from: String,
    from_side: Side,
    /// The referencing table and how many of its rows one row of `from` has.
    to: String,
    to_side: Side,
    label: String,
}

/// The diagram of `catalog`.
///
/// # Errors
/// `--format svg` without Graphviz's `dot`, or `dot` failing.
pub fn draw(catalog: &Catalog, format: Format) -> Result<String, Failure> {
    let tables: Vec<&TableInfo> = catalog
        .tables
        .iter()
        .filter(|t| t.name != "colt_migrations")
        .filter(|t| !catalog.virtual_tables.contains(&t.name))
        .collect();
    let links = link_tables(&tables);
    let boxes: Vec<&TableInfo> = tables
        .iter()
        .copied()
        .filter(|t| !links.iter().any(|l| l.table.name == t.name))
        .collect();
    let edges = edges(&boxes, &links);
    match format {
        Format::Mermaid => Ok(mermaid(&boxes, &edges)),
        Format::Dot => Ok(dot(&boxes, &edges)),
        Format::Svg => svg(&dot(&boxes, &edges)),
    }
}

fn edges(tables: &[&TableInfo], links: &[Link<'_>]) -> Vec<Edge> {
    let mut edges = Vec::new();
    for t in tables {
        for fk in &t.foreign_keys {
            edges.push(Edge {
                from: fk.table.clone(),
                from_side: if nullable(t, fk) {
                    Side::ZeroOrOne
                } else {
                    Side::One
                },
                to: t.name.clone(),
                to_side: if unique(t, fk) {
                    Side::ZeroOrOne
                } else {
                    Side::Many
                },
                label: fk.columns.join(", "),
            });
        }
    }
    for link in links {
        edges.push(Edge {
            from: link.sides[0].0.clone(),
            from_side: Side::Many,
            to: link.sides[1].0.clone(),
            to_side: Side::Many,
            label: link.table.name.clone(),
        });
    }
    edges
}

fn nullable(t: &TableInfo, fk: &ForeignKeyInfo) -> bool {
    fk.columns
        .iter()
        .any(|c| t.column(c).is_some_and(|c| !c.not_null))
}

/// A foreign key whose columns are unique (or the whole primary key): one-to-one.
fn unique(t: &TableInfo, fk: &ForeignKeyInfo) -> bool {
    t.primary_key == fk.columns
        || t.indexes
            .iter()
            .any(|i| i.unique && i.columns == fk.columns)
}

/// The key markers of a column: `PK`, `FK`, `UK`.
fn keys(t: &TableInfo, column: &str) -> Vec<&'static str> {
    let mut keys = Vec::new();
    if t.primary_key.iter().any(|c| c == column) {
        keys.push("PK");
    }
    if t.foreign_keys
        .iter()
        .any(|fk| fk.columns.iter().any(|c| c == column))
    {
        keys.push("FK");
    }
    if t.indexes
        .iter()
        .any(|i| i.unique && i.columns.len() == 1 && i.columns[0] == column)
    {
        keys.push("UK");
    }
    keys
}

/// A name Mermaid takes as an entity or attribute name.
fn mermaid_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn mermaid(tables: &[&TableInfo], edges: &[Edge]) -> String {
    let mut out = String::from("erDiagram\n");
    for t in tables {
        let _ = writeln!(out, "    {} {{", mermaid_name(&t.name));
        for c in &t.columns {
            let declared = if c.declared_type.is_empty() {
                "ANY"
            } else {
                &c.declared_type
            };
            // A type is a word (letters, digits, `_`, `-`, parentheses); the exact one is then
            // the comment.
            let word: String = declared
                .chars()
                .map(|ch| {
                    if ch.is_ascii_alphanumeric() || "_-()[]".contains(ch) {
                        ch
                    } else {
                        '_'
                    }
                })
                .collect();
            let _ = write!(out, "        {} {}", word, mermaid_name(&c.name));
            let k = keys(t, &c.name);
            if !k.is_empty() {
                let _ = write!(out, " {}", k.join(", "));
            }
            let mut notes = Vec::new();
            if word != declared {
                notes.push(declared.to_string());
            }
            if !c.not_null {
                notes.push("nullable".to_string());
            }
            if !notes.is_empty() {
                let _ = write!(out, " \"{}\"", notes.join(", ").replace('"', "'"));
            }
            out.push('\n');
        }
        out.push_str("    }\n");
    }
    for e in edges {
        let left = match e.from_side {
            Side::One => "||",
            Side::ZeroOrOne => "|o",
            Side::Many => "}o",
        };
        let right = match e.to_side {
            Side::One => "||",
            Side::ZeroOrOne => "o|",
            Side::Many => "o{",
        };
        let _ = writeln!(
            out,
            "    {} {left}--{right} {} : \"{}\"",
            mermaid_name(&e.from),
            mermaid_name(&e.to),
            e.label.replace('"', "'")
        );
    }
    out
}

/// Text in a DOT HTML label.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A DOT identifier, quoted.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn dot(tables: &[&TableInfo], edges: &[Edge]) -> String {
    let mut out = String::from(
        "digraph schema {\n    graph [rankdir=LR, fontname=\"Helvetica\"];\n    node [shape=plaintext, fontname=\"Helvetica\"];\n    edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for t in tables {
        let _ = write!(
            out,
            "    {} [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"4\"><tr><td colspan=\"3\" bgcolor=\"lightgrey\"><b>{}</b></td></tr>",
            quoted(&t.name),
            html(&t.name)
        );
        for c in &t.columns {
            let ty = if c.not_null {
                c.declared_type.clone()
            } else {
                format!("{} NULL", c.declared_type)
            };
            let _ = write!(
                out,
                "<tr><td align=\"left\">{}</td><td align=\"left\">{}</td><td>{}</td></tr>",
                html(&c.name),
                html(ty.trim()),
                keys(t, &c.name).join(" ")
            );
        }
        out.push_str("</table>>];\n");
    }
    for e in edges {
        let end = |s: Side| match s {
            Side::One => "teetee",
            Side::ZeroOrOne => "teeodot",
            Side::Many => "crowodot",
        };
        let _ = writeln!(
            out,
            "    {} -> {} [dir=both, arrowtail={}, arrowhead={}, label={}];",
            quoted(&e.from),
            quoted(&e.to),
            end(e.from_side),
            end(e.to_side),
            quoted(&e.label)
        );
    }
    out.push_str("}\n");
    out
}

fn svg(dot_source: &str) -> Result<String, Failure> {
    let child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("`--format svg` draws with Graphviz's `dot`, which is not installed (install graphviz, or write `--format dot` or `--format mermaid`)".to_string());
        }
        Err(e) => return Err(format!("cannot run Graphviz's `dot`: {e}")),
    };
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(dot_source.as_bytes())
            .map_err(|e| format!("cannot send the diagram to `dot`: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("Graphviz's `dot` failed: {e}"))?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "Graphviz's `dot` failed: {}",
            why.lines().next().unwrap_or("no message")
        ));
    }
    String::from_utf8(out.stdout)
        .map_err(|_| "Graphviz's `dot` wrote something other than UTF-8".to_string())
}
