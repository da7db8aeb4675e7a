//! A test certificate authority and per-node client certificates, for the demo and the tests.
//!
//! Not for production PKI: keys are written unencrypted. Each node's certificate has its site id
//! as common name, so mosquitto's `use_identity_as_username` makes the ACL's `%u` the site.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};

use super::error::BusError;
use super::topic::valid_segment;

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// `ca.pem` (`ca.key` beside it).
    pub ca: PathBuf,
    /// `broker.pem`, `broker.key`: server certificate for `localhost`/`127.0.0.1` and `extra_hosts`.
    pub broker: (PathBuf, PathBuf),
    /// `{site}.pem`, `{site}.key` per site.
    pub nodes: Vec<(String, PathBuf, PathBuf)>,
}

fn cert_err(e: rcgen::Error) -> BusError {
    BusError::Certs(e.to_string())
}

fn write(path: &Path, text: &str) -> Result<(), BusError> {
    std::fs::write(path, text).map_err(|source| BusError::Io { path: path.to_path_buf(), source })
}

/// Write a CA, a broker certificate and one client certificate per site (common name = site id)
/// into `out`, which is created if needed.
///
/// # Errors
/// [`BusError::BadId`] for a site id that cannot be a topic level; [`BusError::Io`] or
/// [`BusError::Certs`] when writing or signing fails.
pub fn generate(out: &Path, sites: &[String], extra_hosts: &[String]) -> Result<Generated, BusError> {
    for s in sites {
        if !valid_segment(s) {
            return Err(BusError::BadId { id: s.clone() });
        }
    }
    std::fs::create_dir_all(out).map_err(|source| BusError::Io { path: out.to_path_buf(), source })?;

    let ca_key = KeyPair::generate().map_err(cert_err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(cert_err)?;
    ca_params.distinguished_name = DistinguishedName::new();
    ca_params.distinguished_name.push(DnType::CommonName, "Seawarden test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(cert_err)?;
    let ca = out.join("ca.pem");
    write(&ca, &ca_cert.pem())?;
    write(&out.join("ca.key"), &ca_key.serialize_pem())?;
    let issuer = Issuer::new(ca_params, ca_key);

    let leaf = |cn: &str, sans: Vec<String>, eku: ExtendedKeyUsagePurpose| -> Result<(String, String), BusError> {
        let key = KeyPair::generate().map_err(cert_err)?;
        let mut p = CertificateParams::new(Vec::<String>::new()).map_err(cert_err)?;
        for s in sans {
            p.subject_alt_names.push(match s.parse::<std::net::IpAddr>() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName(s.try_into().map_err(cert_err)?),
            });
        }
        p.distinguished_name = DistinguishedName::new();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
        p.extended_key_usages = vec![eku];
        let cert = p.signed_by(&key, &issuer).map_err(cert_err)?;
        Ok((cert.pem(), key.serialize_pem()))
    };

    let mut hosts = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
    hosts.extend(extra_hosts.iter().cloned());
    let (pem, key) = leaf("seawarden-broker", hosts, ExtendedKeyUsagePurpose::ServerAuth)?;
    let broker = (out.join("broker.pem"), out.join("broker.key"));
    write(&broker.0, &pem)?;
    write(&broker.1, &key)?;

    let mut nodes = Vec::new();
    for s in sites {
        let (pem, key) = leaf(s, vec![], ExtendedKeyUsagePurpose::ClientAuth)?;
        let (c, k) = (out.join(format!("{s}.pem")), out.join(format!("{s}.key")));
        write(&c, &pem)?;
        write(&k, &key)?;
        nodes.push((s.clone(), c, k));
    }
    Ok(Generated { ca, broker, nodes })
}
