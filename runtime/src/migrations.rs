//! Versioned SQL migrations, as files: what [`Database::migrate`](crate::Database::migrate)
//! applies and `colt migrate` writes.
//!
//! A migrations directory holds one directory per migration, named `{version}_{name}`, with
//! the SQL that makes the change, `up.sql`, and the SQL that undoes it, `down.sql`
//! (optional: a migration without one cannot be reverted):
//!
//! ```text
//! migrations/
//!   20261129120000_create_products/
//!     up.sql      CREATE TABLE product (..);
//!     down.sql    DROP TABLE product;
//!   20261130093000_add_product_stock/
//!     up.sql
//!     down.sql
//! ```
//!
//! The version is an integer (`colt migrate new` writes the UTC time, `YYYYMMDDHHMMSS`), and
//! migrations apply in its order. Each is recorded, when applied, in the table
//! `colt_migrations` with the SHA-256 of its `up.sql`: an applied migration whose file has
//! changed since is refused, by name, rather than silently left out of step with the
//! database.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One migration: its version, its name, and the SQL of both directions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// Orders the migrations; unique within a set.
    pub version: i64,
    /// What it does, as its directory names it (`create_products`).
    pub name: Cow<'static, str>,
    /// The statements that make the change (`up.sql`).
    pub up: Cow<'static, str>,
    /// The statements that undo it (`down.sql`), when there is one.
    pub down: Option<Cow<'static, str>>,
}

impl Migration {
    /// A migration that cannot be reverted (add [`Migration::with_down`]).
    pub fn new(
        version: i64,
        name: impl Into<Cow<'static, str>>,
        up: impl Into<Cow<'static, str>>,
    ) -> Migration {
        Migration {
            version,
            name: name.into(),
            up: up.into(),
            down: None,
        }
    }

    /// The same migration, reverted by `down`.
    #[must_use]
    pub fn with_down(mut self, down: impl Into<Cow<'static, str>>) -> Migration {
        self.down = Some(down.into());
        self
    }

    /// The SHA-256 of `up`, in lower-case hex: what the history table records.
    pub fn checksum(&self) -> String {
        use sha2::Digest;
        sha2::Sha256::digest(self.up.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl fmt::Display for Migration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.version, self.name)
    }
}

/// The migrations of an application, in version order: read from a directory
/// ([`Migrations::from_dir`]), embedded at compile time (`colt::embed_migrations!`), or
/// given ([`Migrations::new`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Migrations {
    list: Vec<Migration>,
}

impl Migrations {
    /// A set of migrations, sorted by version.
    ///
    /// # Errors
    /// [`Error::InvalidMigrations`] when two share a version.
    pub fn new(mut list: Vec<Migration>) -> Result<Migrations> {
        list.sort_by_key(|m| m.version);
        if let Some(pair) = list.windows(2).find(|w| w[0].version == w[1].version) {
            return Err(Error::InvalidMigrations(format!(
                "`{}` and `{}` have the same version",
                pair[0], pair[1]
            )));
        }
        Ok(Migrations { list })
    }

    /// Reads a migrations directory (see the [module docs](self)).
    ///
    /// # Errors
    /// [`Error::InvalidMigrations`] naming the path: a directory that does not exist or
    /// cannot be read, an entry that is not `{version}_{name}`, a migration without
    /// `up.sql`, two with one version.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Migrations> {
        let dir = dir.as_ref();
        let unreadable = |path: &Path, e: std::io::Error| {
            Error::InvalidMigrations(format!("cannot read `{}`: {e}", path.display()))
        };
        if !dir.is_dir() {
            return Err(Error::InvalidMigrations(format!(
                "the migrations directory `{}` does not exist (`colt migrate new NAME --dir {}` makes the first migration)",
                dir.display(),
                dir.display()
            )));
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| unreadable(dir, e))?
            .map(|e| e.map(|e| e.path()).map_err(|e| unreadable(dir, e)))
            .collect::<Result<_>>()?;
        entries.sort();
        let mut list = Vec::new();
        for path in entries {
            let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            // Hidden files and notes beside the migrations are not migrations; SQL files are
            // migrations in another layout, which would otherwise be passed over silently.
            if file_name.starts_with('.') {
                continue;
            }
            if !path.is_dir() {
                if file_name.ends_with(".sql") {
                    return Err(Error::InvalidMigrations(format!(
                        "`{}` is not a migration: a migration is a directory `{{version}}_{{name}}` holding `up.sql` (and `down.sql`)",
                        path.display()
                    )));
                }
                continue;
            }
            let (version, name) = parse_dir_name(file_name).ok_or_else(|| {
                Error::InvalidMigrations(format!(
                    "`{}` is not a migration: a migration's directory is named `{{version}}_{{name}}`, e.g. `20261129120000_create_products`",
                    path.display()
                ))
            })?;
            let up_path = path.join("up.sql");
            let up = std::fs::read_to_string(&up_path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Error::InvalidMigrations(format!(
                        "the migration `{}` has no `up.sql`",
                        path.display()
                    ))
                } else {
                    unreadable(&up_path, e)
                }
            })?;
            let down_path = path.join("down.sql");
            let down = match std::fs::read_to_string(&down_path) {
                Ok(down) => Some(down),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(unreadable(&down_path, e)),
            };
            let migration = Migration::new(version, name.to_string(), up);
            list.push(match down {
                Some(down) => migration.with_down(down),
                None => migration,
            });
        }
        Migrations::new(list)
    }

    /// What `embed_migrations!` builds: already sorted and checked at compile time.
    #[doc(hidden)]
    pub fn __embedded(list: Vec<Migration>) -> Migrations {
        Migrations { list }
    }

    /// The migrations, in version order.
    pub fn iter(&self) -> std::slice::Iter<'_, Migration> {
        self.list.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The migration of a version.
    pub fn get(&self, version: i64) -> Option<&Migration> {
        self.list
            .binary_search_by_key(&version, |m| m.version)
            .ok()
            .map(|i| &self.list[i])
    }
}

impl AsRef<Migrations> for Migrations {
    fn as_ref(&self) -> &Migrations {
        self
    }
}

impl<'a> IntoIterator for &'a Migrations {
    type Item = &'a Migration;
    type IntoIter = std::slice::Iter<'a, Migration>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

/// `20261129120000_create_products` as its version and name.
pub fn parse_dir_name(dir_name: &str) -> Option<(i64, &str)> {
    let (version, name) = dir_name.split_once('_')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) || name.is_empty() {
        return None;
    }
    Some((version.parse().ok()?, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_names_parse() {
        assert_eq!(
            parse_dir_name("20261129120000_create_products"),
            Some((20261129120000, "create_products"))
        );
        assert_eq!(parse_dir_name("1_a_b"), Some((1, "a_b")));
        assert_eq!(parse_dir_name("create_products"), None);
        assert_eq!(parse_dir_name("12_"), None);
        assert_eq!(parse_dir_name("_x"), None);
        assert_eq!(parse_dir_name("99999999999999999999_x"), None);
    }

    #[test]
    fn duplicate_versions_are_refused() {
        let m = |v: i64, n: &'static str| Migration::new(v, n, "");
        let err = Migrations::new(vec![m(2, "b"), m(1, "a"), m(2, "c")]).unwrap_err();
        assert!(err.to_string().contains("same version"), "{err}");
        let ok = Migrations::new(vec![m(2, "b"), m(1, "a")]).unwrap();
        let names: Vec<&str> = ok.iter().map(|m| &*m.name).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(ok.get(2).map(|m| &*m.name), Some("b"));
    }

    #[test]
    fn the_checksum_is_sha256_of_up() {
        let m = Migration::new(1, "a", "abc");
        assert_eq!(
            m.checksum(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
