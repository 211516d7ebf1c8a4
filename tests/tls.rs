//! TLS to PostgreSQL (the `tls` feature) against the suite's server, which
//! `scripts/pg-test-server.sh` starts with a self-signed certificate for 127.0.0.1
//! (`COLT_PG_TLS_CA`): each `sslmode` as libpq reads it.

#![cfg(feature = "tls")]

use colt::prelude::*;

/// The server and its certificate; `None` (with a note) where there is no server, or one
/// without TLS outside CI. In CI both must be there.
fn server() -> Option<(String, String)> {
    let url = std::env::var("COLT_PG_URL").ok().filter(|u| !u.is_empty());
    let ca = std::env::var("COLT_PG_TLS_CA")
        .ok()
        .filter(|c| !c.is_empty());
    match (url, ca) {
        (Some(url), Some(ca)) => Some((url, ca)),
        (Some(_), None) if std::env::var("CI").is_ok() => {
            panic!("COLT_PG_TLS_CA is not set: start the server with scripts/pg-test-server.sh (it makes the certificate)")
        }
        _ => {
            eprintln!(
                "no PostgreSQL server with TLS (COLT_PG_URL, COLT_PG_TLS_CA): TLS not tested"
            );
            None
        }
    }
}

fn with_params(url: &str, params: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{params}")
}

/// Whether the connection serving a transaction is encrypted.
fn encrypted(db: &Database) -> colt::Result<bool> {
    let rows: Vec<(bool,)> = db.transaction(|tx| {
        tx.query_sql(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
    })?;
    Ok(rows[0].0)
}

#[test]
fn each_sslmode_connects_as_libpq_would() -> colt::Result<()> {
    let Some((url, ca)) = server() else {
        return Ok(());
    };
    let ca_param = format!("sslrootcert={ca}");
    // Verified: the chain to the given root, and the name (127.0.0.1 is in the certificate).
    let full = Database::open(&with_params(
        &url,
        &format!("sslmode=verify-full&{ca_param}"),
    ))?;
    assert!(encrypted(&full)?);
    let ca_only = Database::open(&with_params(&url, &format!("sslmode=verify-ca&{ca_param}")))?;
    assert!(encrypted(&ca_only)?);
    // Encrypted, the server not authenticated (libpq's `require` and `prefer`).
    assert!(encrypted(&Database::open(&with_params(
        &url,
        "sslmode=require"
    ))?)?);
    assert!(encrypted(&Database::open(&with_params(
        &url,
        "sslmode=prefer"
    ))?)?);
    assert!(encrypted(&Database::open(&url)?)?, "prefer is the default");
    assert!(!encrypted(&Database::open(&with_params(
        &url,
        "sslmode=disable"
    ))?)?);
    Ok(())
}

#[test]
fn a_certificate_no_trusted_root_signed_is_refused() {
    let Some((url, _)) = server() else {
        return;
    };
    // `verify-ca` without its root would trust any publicly signed certificate: refused.
    match Database::open(&with_params(&url, "sslmode=verify-ca")) {
        Err(Error::InvalidUrl { reason, .. }) => {
            assert!(reason.contains("sslrootcert"), "{reason}")
        }
        other => panic!("verify-ca without sslrootcert: {other:?}"),
    }
    // The Mozilla roots do not sign a self-signed certificate.
    for mode in ["verify-full"] {
        match Database::open(&with_params(&url, &format!("sslmode={mode}"))) {
            Err(Error::Backend(e)) => {
                let message = e.to_string();
                assert!(message.contains("127.0.0.1:"), "{message}");
                assert!(message.to_lowercase().contains("certificate"), "{message}");
            }
            other => panic!("{mode}: {other:?}"),
        }
    }
    // A host name the certificate does not hold (the address given apart, as libpq's
    // `hostaddr`): refused by `verify-full`, accepted by `verify-ca`.
    let (_, ca) = server().expect("a server");
    let misnamed = url.replacen("@127.0.0.1:", "@not-the-server.example:", 1);
    let misnamed = with_params(&misnamed, &format!("hostaddr=127.0.0.1&sslrootcert={ca}"));
    match Database::open(&with_params(&misnamed, "sslmode=verify-full")) {
        Err(Error::Backend(e)) => {
            assert!(e.to_string().contains("NotValidForName"), "{e}")
        }
        other => panic!("verify-full with another name: {other:?}"),
    }
    assert!(Database::open(&with_params(&misnamed, "sslmode=verify-ca")).is_ok());
    // A root certificate file that is not there is a clear error.
    match Database::open(&with_params(
        &url,
        "sslmode=verify-full&sslrootcert=/no/such/ca.pem",
    )) {
        Err(Error::Backend(e)) => assert!(e.to_string().contains("/no/such/ca.pem"), "{e}"),
        other => panic!("{other:?}"),
    }
    match Database::open(&with_params(&url, "sslmode=sometimes")) {
        Err(Error::InvalidUrl { reason, .. }) => {
            assert!(reason.contains("verify-full"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}
