//! TLS to PostgreSQL as libpq's `sslmode` says (the `tls` feature, with rustls): `disable`;
//! `allow` and `prefer` (TLS when the server offers it); `require` (TLS, the server not
//! authenticated, as in libpq; authenticated like `verify-ca` when `sslrootcert` is given);
//! `verify-ca` (the certificate chains to a trusted root); `verify-full` (and names the
//! host). The trusted roots are `sslrootcert`'s certificates (a PEM file), or else the
//! Mozilla roots of `webpki-roots`.
//!
//! tokio-postgres reads only `disable`, `prefer` and `require`, and no `sslrootcert`: Colt
//! takes both out of the URL and gives the driver the mode it knows.

use super::target::percent_decoded;
use std::path::PathBuf;

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum SslMode {
    Disable,
    Allow,
    #[default]
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// The TLS settings of a URL.
#[derive(Debug, Clone, Default)]
pub(crate) struct TlsSettings {
    pub mode: SslMode,
    /// `sslrootcert`: a PEM file of trusted roots.
    pub root_cert: Option<PathBuf>,
}

impl TlsSettings {
    /// The mode tokio-postgres is given.
    pub fn driver_mode(&self) -> tokio_postgres::config::SslMode {
        use tokio_postgres::config::SslMode as M;
        match self.mode {
            SslMode::Disable => M::Disable,
            SslMode::Allow | SslMode::Prefer => M::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => M::Require,
        }
    }
}

/// Takes `sslmode` and `sslrootcert` out of a `postgres://` URL: the URL without them, and
/// the settings.
///
/// # Errors
/// An `sslmode` libpq does not have, or (without the `tls` feature) one that needs TLS.
pub(crate) fn split_url(url: &str) -> Result<(String, TlsSettings), String> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), TlsSettings::default()));
    };
    let mut settings = TlsSettings::default();
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "sslmode" => {
                settings.mode = match value {
                    "disable" => SslMode::Disable,
                    "allow" => SslMode::Allow,
                    "prefer" => SslMode::Prefer,
                    "require" => SslMode::Require,
                    "verify-ca" => SslMode::VerifyCa,
                    "verify-full" => SslMode::VerifyFull,
                    other => {
                        return Err(format!(
                            "`sslmode={other}`: expected disable, allow, prefer, require, verify-ca or verify-full"
                        ))
                    }
                }
            }
            "sslrootcert" => settings.root_cert = Some(PathBuf::from(percent_decoded(value))),
            _ => kept.push(pair),
        }
    }
    if settings.mode == SslMode::VerifyCa && settings.root_cert.is_none() {
        // The chain alone, to public roots, would take any certificate a public authority
        // signed for any name: libpq, too, needs the root file here.
        return Err(
            "`sslmode=verify-ca` needs `sslrootcert=PATH` (the root that signed the server's certificate); `verify-full` checks the name against public roots"
                .to_string(),
        );
    }
    if !cfg!(feature = "tls")
        && matches!(
            settings.mode,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull
        )
    {
        return Err(
            "this sslmode needs TLS: enable the `tls` feature of `colt` (Colt was built without it)"
                .to_string(),
        );
    }
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, settings))
}

#[cfg(feature = "tls")]
pub(crate) use with_rustls::connector;

#[cfg(feature = "tls")]
mod with_rustls {
    use std::sync::Arc;

    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::client::WebPkiServerVerifier;
    use rustls::crypto::CryptoProvider;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
    use tokio_postgres_rustls::MakeRustlsConnect;

    use super::{SslMode, TlsSettings};

    /// The connector for `settings`; `None` for `disable`.
    ///
    /// # Errors
    /// A root certificate file that cannot be read, or holds no certificate.
    pub(crate) fn connector(settings: &TlsSettings) -> Result<Option<MakeRustlsConnect>, String> {
        if settings.mode == SslMode::Disable {
            return Ok(None);
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?;
        // The trusted roots: `sslrootcert`'s (kept, to know the server's own certificate
        // when it is one of them), or the Mozilla roots.
        let pinned = match &settings.root_cert {
            Some(path) => read_pem(path)?,
            None => Vec::new(),
        };
        let roots = || -> Result<Arc<RootCertStore>, String> {
            let mut store = RootCertStore::empty();
            if settings.root_cert.is_none() {
                store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            }
            for cert in &pinned {
                store
                    .add(cert.clone())
                    .map_err(|e| format!("sslrootcert: {e}"))?;
            }
            Ok(Arc::new(store))
        };
        // libpq: `require` with a root certificate file checks the chain, as `verify-ca`.
        let mode = match (settings.mode, &settings.root_cert) {
            (SslMode::Require, Some(_)) => SslMode::VerifyCa,
            (mode, _) => mode,
        };
        let config = match mode {
            SslMode::VerifyFull | SslMode::VerifyCa => {
                let chain = WebPkiServerVerifier::builder_with_provider(roots()?, provider.clone())
                    .build()
                    .map_err(|e| e.to_string())?;
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(Verified {
                        chain,
                        pinned,
                        check_name: mode == SslMode::VerifyFull,
                    }))
            }
            _ => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Unauthenticated(provider))),
        }
        .with_no_client_auth();
        Ok(Some(MakeRustlsConnect::new(config)))
    }

    /// The certificates of a PEM file.
    fn read_pem(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, String> {
        let cannot = |e: &dyn std::fmt::Display| {
            format!("cannot read sslrootcert `{}`: {e}", path.display())
        };
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| cannot(&e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| cannot(&e))?;
        if certs.is_empty() {
            return Err(format!(
                "sslrootcert `{}` holds no certificate",
                path.display()
            ));
        }
        Ok(certs)
    }

    /// `verify-ca` and `verify-full`: the certificate chains to a trusted root (or is one of
    /// them, as a server's self-signed certificate given as `sslrootcert` is, which libpq
    /// accepts and webpki would not as an end entity), and with `verify-full` names the host.
    #[derive(Debug)]
    struct Verified {
        chain: Arc<WebPkiServerVerifier>,
        pinned: Vec<CertificateDer<'static>>,
        check_name: bool,
    }

    impl ServerCertVerifier for Verified {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            let named = || -> Result<ServerCertVerified, rustls::Error> {
                if self.check_name {
                    webpki::EndEntityCert::try_from(end_entity)
                        .and_then(|cert| cert.verify_is_valid_for_subject_name(server_name))
                        .map_err(|_| {
                            rustls::Error::InvalidCertificate(CertificateError::NotValidForName)
                        })?;
                }
                Ok(ServerCertVerified::assertion())
            };
            match self
                .chain
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
            {
                Ok(v) => Ok(v),
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. },
                )) if !self.check_name => Ok(ServerCertVerified::assertion()),
                // The server's own certificate, trusted as given: refused by webpki only as a
                // CA used as an end entity, or one no other root signed (never when expired,
                // not yet valid, revoked or badly signed).
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::UnknownIssuer | CertificateError::Other(_),
                )) if self
                    .pinned
                    .iter()
                    .any(|p| p.as_ref() == end_entity.as_ref()) =>
                {
                    named()
                }
                Err(e) => Err(e),
            }
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.chain.verify_tls12_signature(message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.chain.verify_tls13_signature(message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.chain.supported_verify_schemes()
        }
    }

    /// `prefer` and `require` without a root certificate, as libpq: the connection is
    /// encrypted, the server's certificate is not checked (its handshake signature is).
    #[derive(Debug)]
    struct Unauthenticated(Arc<CryptoProvider>);

    impl ServerCertVerifier for Unauthenticated {
        fn verify_server_cert(
            &self,
            _end_entity: &CertificateDer<'_>,
            _intermediates: &[CertificateDer<'_>],
            _server_name: &ServerName<'_>,
            _ocsp: &[u8],
            _now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssl_parameters_are_taken_out_of_the_url() {
        let (url, s) = split_url(
            "postgres://u@h/db?sslmode=allow&application_name=a&sslrootcert=%2Ftmp%2Fca.pem",
        )
        .expect("a URL");
        assert_eq!(url, "postgres://u@h/db?application_name=a");
        assert_eq!(s.mode, SslMode::Allow);
        assert_eq!(s.root_cert, Some(PathBuf::from("/tmp/ca.pem")));
        let (url, s) = split_url("postgres://u@h/db").expect("a URL");
        assert!(
            split_url("postgres://h/db?sslmode=verify-ca").is_err(),
            "verify-ca needs its root"
        );
        assert_eq!(
            (url.as_str(), s.mode),
            ("postgres://u@h/db", SslMode::Prefer)
        );
        assert!(split_url("postgres://h/db?sslmode=sometimes").is_err());
    }

    #[test]
    fn modes_that_need_tls_need_the_feature() {
        for mode in ["require", "verify-ca&sslrootcert=ca.pem", "verify-full"] {
            let r = split_url(&format!("postgres://h/db?sslmode={mode}"));
            assert_eq!(r.is_ok(), cfg!(feature = "tls"), "{mode}: {r:?}");
        }
        assert!(split_url("postgres://h/db?sslmode=prefer").is_ok());
    }
}
