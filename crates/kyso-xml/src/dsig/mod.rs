//! XML Signature (XMLDSig 1.0/1.1) and XAdES: verification and signing.

pub mod algorithms;
pub mod inspect;
mod key;
mod reference;
mod sign;
mod verify;
pub mod xades;

pub use algorithms::{DigestAlgorithm, SignatureMethod, DSIG_NS};
pub use reference::node_path;
pub use sign::{
    embed_signature_timestamp, embed_validation_data, sign_document,
    signature_chain_and_timestamps, signature_timestamp_input, Placement, SignOptions,
    SignatureMaterial, SignaturePolicy, XadesOptions,
};
pub use verify::{
    verify_document, verify_parsed, CertificatePurpose, ChainOutcome, ChainValidator,
    ExternalResolver, ReferenceOutcome, ReferenceReport, ValidationTime, VerifyOptions,
    XmlSignatureReport,
};
pub use xades::{TimestampOutcome, TimestampValidator, ValidationData};

/// Decodes base64 text that may contain whitespace (as XML carries it).
pub fn decode_base64_text(text: &str) -> Option<Vec<u8>> {
    reference::decode_base64(text.as_bytes())
}
