//! Certificates from a "certs-only" PKCS#7 / CMS SignedData (`.p7c`, `.p7b`), the form AIA
//! caIssuers and some national root downloads use.

use cms::content_info::ContentInfo;
use cms::signed_data::{CertificateSet, SignedData};
use der::{Decode, Encode};
use x509_cert::certificate::CertificateInner;

use crate::cert::Certificate;
use crate::error::ParseError;

/// Every certificate of a DER or PEM (`PKCS7`) SignedData.
pub fn certificates(bytes: &[u8]) -> Result<Vec<Certificate>, ParseError> {
    let der = match crate::pem::decode_all(bytes, "PKCS7", "PKCS#7") {
        Ok(mut blocks) if !blocks.is_empty() => blocks.swap_remove(0),
        _ => bytes.to_vec(),
    };
    let err = ParseError::der("PKCS#7");
    let info = ContentInfo::from_der(&der).map_err(&err)?;
    let signed: SignedData = info.content.decode_as().map_err(&err)?;
    let set: CertificateSet = signed.certificates.ok_or(ParseError::Empty {
        what: "certificate",
    })?;
    let mut out = Vec::new();
    for choice in set.0.iter() {
        if let cms::cert::CertificateChoices::Certificate(c) = choice {
            let c: &CertificateInner = c;
            out.push(Certificate::from_der(&c.to_der().map_err(&err)?)?);
        }
    }
    Ok(out)
}
