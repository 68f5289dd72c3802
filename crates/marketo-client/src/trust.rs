//! Extra trust roots: PEM certificates of a private CA or of a TLS-inspecting proxy, added to
//! the built-in (webpki) roots. Read here, with `rustls-pki-types`, so that the TLS stack stays
//! pure Rust on every platform.

use std::path::{Path, PathBuf};

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

/// One certificate to trust, in DER.
#[derive(Clone, PartialEq, Eq)]
pub struct TrustRoot(CertificateDer<'static>);

impl TrustRoot {
    /// The certificate's DER bytes.
    pub fn der(&self) -> &[u8] {
        self.0.as_ref()
    }
}

impl std::fmt::Debug for TrustRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TrustRoot({} bytes)", self.0.len())
    }
}

/// Why a PEM file or directory could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    /// The file or directory could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// What was read.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The file holds no `-----BEGIN CERTIFICATE-----` block.
    #[error(
        "{} holds no PEM certificate (expected one or more -----BEGIN CERTIFICATE----- blocks)",
        path.display()
    )]
    NoCertificate {
        /// The file.
        path: PathBuf,
    },
    /// A certificate block is broken.
    #[error("{} is not a valid PEM file: {detail}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

/// Every certificate in a PEM bundle; an error if there is none.
pub fn load_pem_file(path: &Path) -> Result<Vec<TrustRoot>, TrustError> {
    let bytes = std::fs::read(path).map_err(|source| TrustError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let roots = parse_pem(&bytes).map_err(|detail| TrustError::Malformed {
        path: path.to_path_buf(),
        detail,
    })?;
    if roots.is_empty() {
        return Err(TrustError::NoCertificate {
            path: path.to_path_buf(),
        });
    }
    Ok(roots)
}

/// Every certificate in the PEM files of a directory (as `SSL_CERT_DIR` names one); files that
/// hold no certificate are skipped.
pub fn load_pem_dir(path: &Path) -> Result<Vec<TrustRoot>, TrustError> {
    let read_err = |source| TrustError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(read_err)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let mut roots = Vec::new();
    for file in files {
        match load_pem_file(&file) {
            Ok(found) => roots.extend(found),
            Err(TrustError::NoCertificate { .. } | TrustError::Malformed { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(roots)
}

fn parse_pem(bytes: &[u8]) -> Result<Vec<TrustRoot>, String> {
    CertificateDer::pem_slice_iter(bytes)
        .map(|item| {
            item.map(|c| TrustRoot(c.into_owned()))
                .map_err(|e| format!("{e:?}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str =
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2JK\n-----END CERTIFICATE-----\n";

    #[test]
    fn files_with_and_without_certificates() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("ca.pem");
        std::fs::write(&good, format!("junk before\n{PEM}{PEM}")).unwrap();
        assert_eq!(load_pem_file(&good).unwrap().len(), 2);

        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let e = load_pem_file(&empty).unwrap_err().to_string();
        assert!(e.contains("holds no PEM certificate"), "{e}");

        let missing = dir.path().join("nope.pem");
        let e = load_pem_file(&missing).unwrap_err().to_string();
        assert!(e.starts_with("cannot read"), "{e}");
        assert!(e.contains("nope.pem"), "{e}");

        assert_eq!(load_pem_dir(dir.path()).unwrap().len(), 2);
        assert!(load_pem_dir(&missing).is_err());
    }
}
