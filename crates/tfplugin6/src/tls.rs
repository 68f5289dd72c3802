//! AutoMTLS as go-plugin does it: Terraform passes its client certificate
//! (PEM) in `PLUGIN_CLIENT_CERT`; we make a throwaway server certificate,
//! print it in the handshake line, and accept only connections presenting
//! exactly Terraform's certificate.
//!
//! Terraform's client certificate is self-signed with the CA flag set, which
//! the usual WebPKI client verifier refuses as an end-entity certificate, so
//! the verifier here pins the certificate itself instead: the handshake must
//! present one of the certificates from `PLUGIN_CLIENT_CERT`, and its TLS
//! signature is checked with that certificate's key.
//!
//! go-plugin's client key is ECDSA P-521, which the `ring` crypto provider
//! cannot verify; a P-521 verifier (RustCrypto's `p521`) is added to ring's
//! algorithms. Without it the client would find its certificate unsupported
//! by our CertificateRequest and send none.

use std::sync::{Arc, OnceLock};

use tokio_rustls::rustls::{
    self, DigitallySignedStruct, DistinguishedName, SignatureScheme,
    client::danger::HandshakeSignatureValid,
    crypto::{CryptoProvider, WebPkiSupportedAlgorithms},
    pki_types::{
        AlgorithmIdentifier, CertificateDer, InvalidSignature, PrivateKeyDer, PrivatePkcs8KeyDer,
        SignatureVerificationAlgorithm, UnixTime, alg_id, pem::PemObject,
    },
    server::danger::{ClientCertVerified, ClientCertVerifier},
};

/// Setting up TLS failed.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("PLUGIN_CLIENT_CERT holds no PEM certificate")]
    NoClientCertificate,
    #[error("PLUGIN_CLIENT_CERT is not valid PEM: {0}")]
    ClientCertificatePem(String),
    #[error("could not generate the server certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("could not configure TLS: {0}")]
    Rustls(#[from] rustls::Error),
}

/// A generated server certificate and its key.
pub(crate) struct ServerCert {
    pub(crate) cert_der: CertificateDer<'static>,
    pub(crate) key_der: PrivateKeyDer<'static>,
}

/// A self-signed ECDSA P-256 certificate for `localhost`, valid from a
/// minute ago for 30 days; its organisation is `terraform-provider-{type_name}`
/// (the provider's type name).
pub(crate) fn generate_server_cert(type_name: &str) -> Result<ServerCert, TlsError> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])?;
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::CommonName, "localhost");
    dn.push(
        rcgen::DnType::OrganizationName,
        format!("terraform-provider-{type_name}"),
    );
    params.distinguished_name = dn;
    params
        .subject_alt_names
        .push(rcgen::SanType::IpAddress(std::net::IpAddr::V4(
            std::net::Ipv4Addr::LOCALHOST,
        )));
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::minutes(1);
    params.not_after = now + time::Duration::days(30);
    params.is_ca = rcgen::IsCa::NoCa;
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let cert = params.self_signed(&key)?;
    Ok(ServerCert {
        cert_der: cert.der().clone(),
        key_der: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    })
}

/// Parses every certificate of a PEM bundle.
pub(crate) fn parse_pem_certs(pem: &str) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::ClientCertificatePem(e.to_string()))?;
    if certs.is_empty() {
        return Err(TlsError::NoClientCertificate);
    }
    Ok(certs)
}

/// ECDSA with P-521 and SHA-512, verified by RustCrypto's `p521`.
#[derive(Debug)]
struct EcdsaP521Sha512;

impl SignatureVerificationAlgorithm for EcdsaP521Sha512 {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        use p521::ecdsa::signature::Verifier;
        let key =
            p521::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
        let sig = p521::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
        key.verify(message, &sig).map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_P521
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_SHA512
    }
}

type AlgRef = &'static dyn SignatureVerificationAlgorithm;
type SchemeAlgs = (SignatureScheme, &'static [AlgRef]);

static P521: EcdsaP521Sha512 = EcdsaP521Sha512;
static P521_ONLY: [&dyn SignatureVerificationAlgorithm; 1] = [&P521];

/// ring's signature algorithms plus ECDSA P-521/SHA-512.
fn client_signature_algorithms(ring: WebPkiSupportedAlgorithms) -> WebPkiSupportedAlgorithms {
    static TABLES: OnceLock<(Vec<AlgRef>, Vec<SchemeAlgs>)> = OnceLock::new();
    let (all, mapping) = TABLES.get_or_init(|| {
        let mut all = ring.all.to_vec();
        all.push(&P521);
        let mut mapping = ring.mapping.to_vec();
        if !mapping
            .iter()
            .any(|(s, _)| *s == SignatureScheme::ECDSA_NISTP521_SHA512)
        {
            mapping.push((SignatureScheme::ECDSA_NISTP521_SHA512, &P521_ONLY));
        }
        (all, mapping)
    });
    WebPkiSupportedAlgorithms { all, mapping }
}

/// Accepts exactly the pinned client certificates.
#[derive(Debug)]
struct PinnedClientCerts {
    pinned: Vec<CertificateDer<'static>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for PinnedClientCerts {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        // No hints: go's TLS client then sends its one certificate.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if self
            .pinned
            .iter()
            .any(|c| c.as_ref() == end_entity.as_ref())
        {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The server's TLS configuration: our certificate, HTTP/2 by ALPN, and the
/// client must present one of `client_certs`.
pub(crate) fn server_config(
    cert: &ServerCert,
    client_certs: Vec<CertificateDer<'static>>,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let provider: Arc<CryptoProvider> = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = PinnedClientCerts {
        pinned: client_certs,
        algorithms: client_signature_algorithms(provider.signature_verification_algorithms),
    };
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(Arc::new(verifier))
        .with_single_cert(vec![cert.cert_der.clone()], cert.key_der.clone_key())?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_cert_is_der_and_config_builds() {
        let cert = generate_server_cert("example").unwrap();
        // DER of an X.509 certificate starts with a SEQUENCE.
        assert_eq!(cert.cert_der.as_ref()[0], 0x30);
        let client = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        let pinned = parse_pem_certs(&client.cert.pem()).unwrap();
        assert_eq!(pinned.len(), 1);
        server_config(&cert, pinned).unwrap();
    }

    #[test]
    fn bad_pem_is_an_error() {
        assert!(matches!(
            parse_pem_certs("nothing here"),
            Err(TlsError::NoClientCertificate)
        ));
        assert!(
            parse_pem_certs("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n")
                .is_err()
        );
    }
}
