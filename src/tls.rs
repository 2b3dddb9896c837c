//! The optional TLS listener (`--tls-listen`): a certificate and key from PEM files, or a
//! self-signed certificate made at start (for `localhost`, `127.0.0.1`, `::1` and the COS and STS
//! host names) and written where the user asked, so clients can trust it.

use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls;
use tokio_rustls::TlsAcceptor;

/// Names the self-signed certificate is valid for.
pub const SELF_SIGNED_NAMES: &[&str] = &[
    "localhost",
    "127.0.0.1",
    "::1",
    "*.localhost",
    "sts.tencentcloudapi.com",
    "*.tencentcloudapi.com",
    "*.myqcloud.com",
    "*.cos.ap-guangzhou.myqcloud.com",
];

/// Where the certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertSource {
    /// PEM files given by the user.
    Files { cert: String, key: String },
    /// Made at start; the certificate PEM is written to `out` when given.
    SelfSigned { out: Option<String> },
}

/// Builds the acceptor; errors name the file or the step that failed.
pub fn acceptor(source: &CertSource) -> Result<TlsAcceptor, String> {
    let (certs, key) = match source {
        CertSource::Files { cert, key } => {
            let certs = CertificateDer::pem_file_iter(cert)
                .map_err(|e| format!("--tls-cert {cert}: {e}"))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("--tls-cert {cert}: {e}"))?;
            if certs.is_empty() {
                return Err(format!("--tls-cert {cert}: no certificate found"));
            }
            let key =
                PrivateKeyDer::from_pem_file(key).map_err(|e| format!("--tls-key {key}: {e}"))?;
            (certs, key)
        }
        CertSource::SelfSigned { out } => {
            let names: Vec<String> = SELF_SIGNED_NAMES.iter().map(|s| s.to_string()).collect();
            let made = rcgen::generate_simple_self_signed(names)
                .map_err(|e| format!("self-signed certificate: {e}"))?;
            if let Some(path) = out {
                std::fs::write(path, made.cert.pem())
                    .map_err(|e| format!("--tls-cert-out {path}: {e}"))?;
            }
            let key = PrivateKeyDer::try_from(made.key_pair.serialize_der())
                .map_err(|e| format!("self-signed key: {e}"))?;
            (vec![made.cert.der().clone()], key)
        }
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("TLS: {e}"))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_signed_certificate_is_written_and_usable() {
        let dir = std::env::temp_dir().join(format!("cos-mock-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("cert.pem");
        acceptor(&CertSource::SelfSigned {
            out: Some(out.to_string_lossy().into_owned()),
        })
        .unwrap();
        let pem = std::fs::read_to_string(&out).unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn missing_cert_file_names_flag() {
        let source = CertSource::Files {
            cert: "/nonexistent.pem".into(),
            key: "/nonexistent.key".into(),
        };
        let Err(err) = acceptor(&source) else {
            panic!("a missing certificate file must fail");
        };
        assert!(err.starts_with("--tls-cert /nonexistent.pem"), "{err}");
    }
}
