//! The optional TLS listener (`--tls-listen`, and `CONNECT` tunnels through the plain listener):
//! a certificate and key from PEM files, or a local certificate authority made at start and
//! written where the user asked (`--tls-cert-out`), so clients can trust it. With that authority,
//! each server name a client asks for (SNI: `examplebucket-1250000000.cos.ap-beijing.myqcloud.com`
//! through a tunnel) gets a certificate for exactly that name, made on first use; a client that
//! sends no name (an IP address) gets one for `localhost`, `127.0.0.1`, `::1` and the COS and STS
//! host names.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls;
use tokio_rustls::rustls::crypto::CryptoProvider;
use tokio_rustls::rustls::server::{ClientHello, ResolvesServerCert};
use tokio_rustls::rustls::sign::CertifiedKey;
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
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth();
    let config = match source {
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
            builder
                .with_single_cert(certs, key)
                .map_err(|e| format!("TLS: {e}"))?
        }
        CertSource::SelfSigned { out } => {
            let issuer = Issuer::new(provider).map_err(|e| format!("local CA: {e}"))?;
            if let Some(path) = out {
                std::fs::write(path, issuer.ca.pem())
                    .map_err(|e| format!("--tls-cert-out {path}: {e}"))?;
            }
            // Made now, so a broken setup fails at start rather than at the first handshake.
            issuer
                .certified("")
                .map_err(|e| format!("self-signed certificate: {e}"))?;
            builder.with_cert_resolver(Arc::new(issuer))
        }
    };
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Most server names whose certificates are kept; past it each handshake makes a new one.
const MAX_ISSUED: usize = 1024;

/// The local certificate authority and the certificates it has made, by server name (`""` for
/// clients that send none).
struct Issuer {
    ca: rcgen::Certificate,
    ca_key: rcgen::KeyPair,
    provider: Arc<CryptoProvider>,
    issued: Mutex<HashMap<String, Arc<CertifiedKey>>>,
}

impl fmt::Debug for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Issuer").finish_non_exhaustive()
    }
}

impl Issuer {
    fn new(provider: Arc<CryptoProvider>) -> Result<Issuer, rcgen::Error> {
        let ca_key = rcgen::KeyPair::generate()?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new())?;
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "cos-mock local CA");
        let ca = params.self_signed(&ca_key)?;
        Ok(Issuer {
            ca,
            ca_key,
            provider,
            issued: Mutex::new(HashMap::new()),
        })
    }

    /// The certificate for `name` (made and kept on first use); `""` names the defaults.
    fn certified(&self, name: &str) -> Result<Arc<CertifiedKey>, String> {
        if let Some(found) = self.issued.lock().ok().and_then(|m| m.get(name).cloned()) {
            return Ok(found);
        }
        let names: Vec<String> = if name.is_empty() {
            SELF_SIGNED_NAMES.iter().map(|s| s.to_string()).collect()
        } else {
            vec![name.to_string()]
        };
        let key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
        let mut params = rcgen::CertificateParams::new(names).map_err(|e| e.to_string())?;
        params.use_authority_key_identifier_extension = true;
        params.distinguished_name.push(
            rcgen::DnType::CommonName,
            if name.is_empty() { "localhost" } else { name },
        );
        let cert = params
            .signed_by(&key, &self.ca, &self.ca_key)
            .map_err(|e| e.to_string())?;
        let der = PrivateKeyDer::try_from(key.serialize_der())?;
        let chain = vec![cert.der().clone(), self.ca.der().clone()];
        let certified = Arc::new(
            CertifiedKey::from_der(chain, der, &self.provider).map_err(|e| e.to_string())?,
        );
        if let Ok(mut issued) = self.issued.lock() {
            if issued.len() < MAX_ISSUED {
                issued.insert(name.to_string(), certified.clone());
            }
        }
        Ok(certified)
    }
}

impl ResolvesServerCert for Issuer {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let name = hello.server_name().unwrap_or("").to_ascii_lowercase();
        match self.certified(&name) {
            Ok(certified) => Some(certified),
            Err(e) => {
                tracing::warn!("no certificate for {name:?}: {e}");
                None
            }
        }
    }
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
    fn issuer_makes_one_certificate_per_name_chained_to_the_ca() {
        let issuer = Issuer::new(Arc::new(rustls::crypto::ring::default_provider())).unwrap();
        let a = issuer
            .certified("examplebucket-1250000000.cos.ap-beijing.myqcloud.com")
            .unwrap();
        assert_eq!(a.cert.len(), 2, "leaf then CA");
        assert_eq!(a.cert[1], *issuer.ca.der());
        let again = issuer
            .certified("examplebucket-1250000000.cos.ap-beijing.myqcloud.com")
            .unwrap();
        assert!(Arc::ptr_eq(&a, &again), "kept after first use");
        let default = issuer.certified("").unwrap();
        assert_ne!(default.cert[0], a.cert[0]);
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
