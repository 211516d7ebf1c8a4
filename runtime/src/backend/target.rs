//! Where a database lives, read from its URL: the target (a SQLite file or memory, a
//! PostgreSQL server), the connection options a URL's parameters set, and the URL as every
//! message shows it (its password masked).

#[cfg(feature = "postgres")]
use super::postgres;
use crate::options::ConnectOptions;
use crate::Result;

/// The connection options a URL's parameters set (SQLite's; PostgreSQL's driver reads its
/// own, `application_name` and `connect_timeout` among them).
pub(crate) fn url_options(url: &str) -> Result<ConnectOptions> {
    match url
        .strip_prefix("sqlite:")
        .and_then(|rest| rest.split_once('?'))
    {
        Some((_, query)) => {
            crate::options::sqlite_url_options(query).map_err(|reason| crate::Error::InvalidUrl {
                url: masked_url(url),
                reason,
            })
        }
        None => Ok(ConnectOptions::default()),
    }
}

/// Where a database lives, parsed from its URL.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// `sqlite::memory:`
    #[cfg(feature = "sqlite")]
    SqliteMemory,
    /// `sqlite:PATH`, `sqlite:PATH?mode=ro|rw|rwc`
    #[cfg(feature = "sqlite")]
    SqliteFile(std::path::PathBuf, SqliteMode),
    /// `postgres://..` / `postgresql://..`
    #[cfg(feature = "postgres")]
    Postgres(Box<postgres::PgTarget>),
}

/// How a SQLite file is opened (the URL's `mode`, SQLite's URI names).
#[cfg(feature = "sqlite")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SqliteMode {
    /// `mode=ro`: reading only.
    ReadOnly,
    /// `mode=rw`, the default: reading and writing an existing file.
    ReadWrite,
    /// `mode=rwc`: reading and writing, the file created if missing.
    Create,
}

/// `url` with its password replaced by `***` (`postgres://alice:***@host/db`, and a
/// `password=` option), for every message and `Debug` output that shows a URL.
///
/// Everything from the first `:` after the user to the last `@` is hidden: the PostgreSQL
/// driver reads the user info up to an `@` wherever it is (a generated password may hold
/// `/`, `?` or `#`, at which a URL's grammar would end the authority), and a password may
/// hold an `@` itself (so an `@` in an option hides more than the password, never less).
/// An option's key is compared percent-decoded (`pass%77ord=`), as the driver decodes it.
pub(crate) fn masked_url(url: &str) -> String {
    let mut out = match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((user_info, host)) => match user_info.split_once(':') {
                Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
                None => url.to_string(),
            },
            None => url.to_string(),
        },
        None => url.to_string(),
    };
    // `?password=..` / `&password=..`, the key percent-decoded.
    let mut from = 0;
    while let Some(at) = out[from..].find(['?', '&']) {
        let key_start = from + at + 1;
        let key_end = out[key_start..]
            .find(['=', '&'])
            .map_or(out.len(), |e| key_start + e);
        let is_password = out[key_start..key_end].len() < 64
            && percent_decoded(&out[key_start..key_end]).eq_ignore_ascii_case("password");
        if is_password && out[key_end..].starts_with('=') {
            let start = key_end + 1;
            let end = out[start..].find('&').map_or(out.len(), |e| start + e);
            out.replace_range(start..end, "***");
            from = start + 3;
        } else {
            from = key_start;
        }
    }
    out
}

/// `text` with its `%XX` escapes decoded (a URL option's key or value).
pub(super) fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let v = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(v as u8);
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Target {
    pub(crate) fn parse(url: &str) -> Result<Target> {
        let invalid = |reason: &str| crate::Error::InvalidUrl {
            url: masked_url(url),
            reason: reason.to_string(),
        };
        let Some((scheme, rest)) = url.split_once(':') else {
            return Err(invalid(
                "expected `sqlite::memory:`, `sqlite:PATH` or `postgres://user:pw@host:port/db`",
            ));
        };
        match scheme {
            #[cfg(feature = "sqlite")]
            "sqlite" => Target::parse_sqlite(rest, invalid),
            #[cfg(feature = "postgres")]
            "postgres" | "postgresql" => {
                if !rest.starts_with("//") {
                    return Err(invalid(
                        "expected `postgres://user:password@host:port/database`",
                    ));
                }
                postgres::PgConn::config(url).map(|c| Target::Postgres(Box::new(c)))
            }
            #[cfg(not(feature = "sqlite"))]
            "sqlite" => Err(invalid(
                "this program's Colt was built without SQLite: enable the `sqlite` feature of `colt`",
            )),
            #[cfg(not(feature = "postgres"))]
            "postgres" | "postgresql" => Err(invalid(
                "this program's Colt was built without PostgreSQL: enable the `postgres` feature of `colt`",
            )),
            _ => Err(invalid(&format!(
                "unknown scheme `{scheme}`: expected `sqlite` (or `postgres`)"
            ))),
        }
    }

    #[cfg(feature = "sqlite")]
    fn parse_sqlite(rest: &str, invalid: impl Fn(&str) -> crate::Error) -> Result<Target> {
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        // The connection's options (`busy_timeout=..`) are read by `url_options`.
        crate::options::sqlite_url_options(query).map_err(|e| invalid(&e))?;
        // (`file::memory:` is the same, in SQLite's URI spelling: as a file it would be a
        // private empty database for each connection.)
        if path == ":memory:" || path == "file::memory:" {
            return Ok(Target::SqliteMemory);
        }
        if path.is_empty() {
            return Err(invalid("the SQLite file path is empty"));
        }
        if path.contains('\0') {
            return Err(invalid("the SQLite file path contains a NUL byte"));
        }
        let mut mode = SqliteMode::ReadWrite;
        for pair in query.split('&').filter(|p| p.starts_with("mode=")) {
            mode = match pair {
                "mode=ro" => SqliteMode::ReadOnly,
                "mode=rw" => SqliteMode::ReadWrite,
                "mode=rwc" => SqliteMode::Create,
                other => {
                    return Err(invalid(&format!(
                        "unknown SQLite URL parameter `{other}`: expected `mode=ro` \
                         (read only), `mode=rw` (an existing file, the default) or \
                         `mode=rwc` (created if missing)"
                    )))
                }
            };
        }
        Ok(Target::SqliteFile(path.into(), mode))
    }

    /// Names the PostgreSQL connections' `application_name` (nothing to do on SQLite).
    pub(crate) fn set_application_name(&mut self, name: &str) {
        #[cfg(feature = "postgres")]
        #[allow(irrefutable_let_patterns)] // without SQLite, every target is PostgreSQL's
        if let Target::Postgres(pg) = self {
            pg.config.application_name(name);
        }
        #[cfg(not(feature = "postgres"))]
        let _ = name;
    }

    /// Whether this is SQLite's `:memory:` (one connection, which is the database).
    pub(crate) fn is_memory(&self) -> bool {
        #[cfg(feature = "sqlite")]
        if matches!(self, Target::SqliteMemory) {
            return true;
        }
        false
    }

    /// Bounds opening a PostgreSQL connection by `timeout` (nothing to do on SQLite).
    pub(crate) fn set_connect_timeout(&mut self, timeout: std::time::Duration) {
        #[cfg(feature = "postgres")]
        #[allow(irrefutable_let_patterns)] // without SQLite, every target is PostgreSQL's
        if let Target::Postgres(pg) = self {
            pg.config.connect_timeout(timeout);
        }
        #[cfg(not(feature = "postgres"))]
        let _ = timeout;
    }

    /// Creates a missing SQLite file (the builder's `create_if_missing`).
    pub(crate) fn create_if_missing(&mut self) {
        #[cfg(feature = "sqlite")]
        if let Target::SqliteFile(_, mode @ SqliteMode::ReadWrite) = self {
            *mode = SqliteMode::Create;
        }
    }

    pub(crate) fn max_connections(&self) -> usize {
        match self {
            // Every connection to `:memory:` is a database of its own: share one.
            #[cfg(feature = "sqlite")]
            #[cfg(feature = "sqlite")]
            Target::SqliteMemory => 1,
            #[cfg(feature = "sqlite")]
            Target::SqliteFile(..) => 8,
            #[cfg(feature = "postgres")]
            Target::Postgres(_) => 8,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "sqlite")]
    #[test]
    fn sqlite_urls_parse() {
        assert!(matches!(
            Target::parse("sqlite::memory:"),
            Ok(Target::SqliteMemory)
        ));
        assert!(
            matches!(Target::parse("sqlite:shop.db"), Ok(Target::SqliteFile(p, SqliteMode::ReadWrite)) if p.to_str() == Some("shop.db"))
        );
        assert!(
            matches!(Target::parse("sqlite:///tmp/x.db"), Ok(Target::SqliteFile(p, SqliteMode::ReadWrite)) if p.to_str() == Some("/tmp/x.db"))
        );
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn postgres_urls_parse() {
        assert!(matches!(
            Target::parse("postgres://u:p@localhost:5433/db"),
            Ok(Target::Postgres(_))
        ));
        assert!(matches!(
            Target::parse("postgresql://localhost/db"),
            Ok(Target::Postgres(_))
        ));
    }

    #[test]
    fn bad_urls_are_refused() {
        for bad in [
            "",
            "shop.db",
            "mysql://x",
            "sqlite:",
            "sqlite://",
            "postgres:db",
            "postgres://u@h:notaport/db",
        ] {
            assert!(
                matches!(Target::parse(bad), Err(crate::Error::InvalidUrl { .. })),
                "{bad}"
            );
        }
    }
}

#[cfg(test)]
mod masking {
    use super::masked_url;

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            masked_url("postgres://alice:s3cret@db.example:5432/shop?sslmode=disable"),
            "postgres://alice:***@db.example:5432/shop?sslmode=disable"
        );
        assert_eq!(
            masked_url("postgresql://al:ice:p@ss@host/db"),
            "postgresql://al:***@host/db"
        );
        assert_eq!(
            masked_url("postgres://bob@host/db?user=x&password=hunter2&application_name=a"),
            "postgres://bob@host/db?user=x&password=***&application_name=a"
        );
        assert_eq!(masked_url("sqlite:shop.db"), "sqlite:shop.db");
        assert_eq!(masked_url("postgres://host/db"), "postgres://host/db");
        // A password holding `/`, `?` or `#`, which the driver takes as it is (a review
        // found it shown whole), and an option's key the driver decodes.
        for url in [
            "postgres://app:Zx/9+k=@db/prod",
            "postgres://app:a?b#c@db/prod",
            "postgres://app@db/prod?pass%77ord=Zx9k",
            "postgres://app@db/prod?PASSWORD=Zx9k&x=1",
        ] {
            let shown = masked_url(url);
            assert!(
                !shown.contains("Zx") && !shown.contains("a?b#c"),
                "{url} → {shown}"
            );
        }
    }
}
