//! Whose certificate signs: a person (the leader's approve signature) or an organization (the
//! agency's issue, attach and copy signatures), and the organization's name for copy stamps.
//!
//! Vietnamese CAs put the holder's identifier in the subject's UID attribute with a prefix:
//! `MST:` (tax code) or `MNS:` (budget relation code) for organizations, `CMND:`/`CCCD:`
//! (identity card) or `HC:` (passport) for persons. Without such a prefix the subject's shape
//! decides: a CN equal to the O is an organization, a CN without an O a person.

use der::Decode;
use x509_cert::Certificate;

/// Who a certificate was issued to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HolderKind {
    /// A natural person (approve signatures).
    Personal,
    /// An agency or organization (issue, attach and copy signatures).
    Organization,
    /// The subject says neither.
    Unknown,
}

/// The subject attributes that matter here, decoded as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Subject {
    pub(crate) common_name: Option<String>,
    pub(crate) organization: Option<String>,
    pub(crate) organizational_unit: Option<String>,
    pub(crate) uids: Vec<String>,
}

const OID_CN: &str = "2.5.4.3";
const OID_O: &str = "2.5.4.10";
const OID_OU: &str = "2.5.4.11";
const OID_UID: &str = "0.9.2342.19200300.100.1.1";

impl Subject {
    /// Reads the subject of a DER certificate.
    pub(crate) fn from_certificate(der: &[u8]) -> anyhow::Result<Self> {
        let cert = Certificate::from_der(der)?;
        let mut subject = Self::default();
        for rdn in cert.tbs_certificate.subject.0.iter() {
            for attr in rdn.0.iter() {
                let Some(value) = attribute_text(&attr.value) else {
                    continue;
                };
                match attr.oid.to_string().as_str() {
                    OID_CN => subject.common_name.get_or_insert(value),
                    OID_O => subject.organization.get_or_insert(value),
                    OID_OU => subject.organizational_unit.get_or_insert(value),
                    OID_UID => {
                        subject.uids.push(value);
                        continue;
                    }
                    _ => continue,
                };
            }
        }
        Ok(subject)
    }

    /// The holder's kind, by UID prefix first, then by the subject's shape.
    pub(crate) fn holder_kind(&self) -> HolderKind {
        const ORGANIZATION: &[&str] = &["MST:", "MNS:", "MDN:"];
        const PERSONAL: &[&str] = &["CMND:", "CCCD:", "HC:", "CMT:"];
        let has_prefix = |prefixes: &[&str]| {
            self.uids.iter().any(|uid| {
                let upper = uid.trim().to_uppercase();
                prefixes.iter().any(|p| upper.starts_with(p))
            })
        };
        if has_prefix(ORGANIZATION) {
            return HolderKind::Organization;
        }
        if has_prefix(PERSONAL) {
            return HolderKind::Personal;
        }
        match (&self.common_name, &self.organization) {
            (Some(cn), Some(o)) if cn == o => HolderKind::Organization,
            (None, Some(_)) => HolderKind::Organization,
            (Some(_), None) => HolderKind::Personal,
            _ => HolderKind::Unknown,
        }
    }

    /// The agency named by the certificate: its O, else its OU.
    pub(crate) fn agency(&self) -> Option<&str> {
        self.organization
            .as_deref()
            .or(self.organizational_unit.as_deref())
            .filter(|s| !s.trim().is_empty())
    }
}

/// What the holders of a document's signatures, in signing order, say about an issued document
/// (Decree 30/2020, Annex I): the competent person approves with a personal certificate, then
/// the clerk issues with the agency's. For `kyso verify --expect issued`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IssuedRoles {
    /// A personal signature, then an organization's.
    Complete,
    /// No signature by a personal certificate (no approval).
    NoApproval,
    /// No signature by an organization certificate (not issued).
    NoIssue,
    /// The organization signed, but only before any personal signature.
    IssueBeforeApproval,
}

/// The holder of a DER certificate for a verdict: `None` when the subject says neither (or the
/// certificate cannot be read).
pub(crate) fn holder(der: &[u8]) -> Option<kyso_verdict::Holder> {
    match Subject::from_certificate(der).ok()?.holder_kind() {
        HolderKind::Personal => Some(kyso_verdict::Holder::Personal),
        HolderKind::Organization => Some(kyso_verdict::Holder::Organization),
        HolderKind::Unknown => None,
    }
}

/// Judges the holders of a document's signatures, in signing order.
pub(crate) fn issued_roles(holders: &[HolderKind]) -> IssuedRoles {
    let first_personal = holders.iter().position(|h| *h == HolderKind::Personal);
    let has_organization = holders.contains(&HolderKind::Organization);
    match first_personal {
        None => IssuedRoles::NoApproval,
        Some(_) if !has_organization => IssuedRoles::NoIssue,
        Some(i) => {
            let after = holders.get(i..).unwrap_or_default();
            if after.contains(&HolderKind::Organization) {
                IssuedRoles::Complete
            } else {
                IssuedRoles::IssueBeforeApproval
            }
        }
    }
}

/// A directory string's text (UTF8String, PrintableString, IA5String, BMPString, …).
fn attribute_text(value: &der::Any) -> Option<String> {
    use der::asn1::{BmpString, Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
    use der::{Encode, Tag, Tagged};
    match value.tag() {
        Tag::Utf8String => Utf8StringRef::try_from(value).ok().map(|s| s.to_string()),
        Tag::PrintableString => PrintableStringRef::try_from(value)
            .ok()
            .map(|s| s.to_string()),
        Tag::Ia5String => Ia5StringRef::try_from(value).ok().map(|s| s.to_string()),
        Tag::TeletexString => TeletexStringRef::try_from(value)
            .ok()
            .map(|s| s.to_string()),
        Tag::BmpString => BmpString::from_der(&value.to_der().ok()?)
            .ok()
            .map(|s| s.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(cn: Option<&str>, o: Option<&str>, uid: &[&str]) -> Subject {
        Subject {
            common_name: cn.map(str::to_owned),
            organization: o.map(str::to_owned),
            organizational_unit: None,
            uids: uid.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn tax_code_uid_makes_an_organization() {
        let s = subject(
            Some("Ủy ban nhân dân tỉnh Hà Tĩnh"),
            None,
            &["MST:0101234567"],
        );
        assert_eq!(s.holder_kind(), HolderKind::Organization);
    }

    #[test]
    fn identity_card_uid_makes_a_person_even_with_an_employer() {
        let s = subject(
            Some("Trần Thị Bình"),
            Some("Sở Nội vụ"),
            &["CCCD:001190000001"],
        );
        assert_eq!(s.holder_kind(), HolderKind::Personal);
    }

    #[test]
    fn subject_shape_decides_without_a_uid() {
        assert_eq!(
            subject(Some("UBND xã A"), Some("UBND xã A"), &[]).holder_kind(),
            HolderKind::Organization
        );
        assert_eq!(
            subject(Some("Lê Văn Cường"), None, &[]).holder_kind(),
            HolderKind::Personal
        );
        assert_eq!(subject(None, None, &[]).holder_kind(), HolderKind::Unknown);
    }

    #[test]
    fn an_issued_document_needs_approval_then_issue() {
        use HolderKind::{Organization as O, Personal as P, Unknown as U};
        assert_eq!(issued_roles(&[P, O]), IssuedRoles::Complete);
        assert_eq!(issued_roles(&[P, P, U, O]), IssuedRoles::Complete);
        assert_eq!(issued_roles(&[O, P]), IssuedRoles::IssueBeforeApproval);
        assert_eq!(issued_roles(&[P]), IssuedRoles::NoIssue);
        assert_eq!(issued_roles(&[O, O]), IssuedRoles::NoApproval);
        assert_eq!(issued_roles(&[]), IssuedRoles::NoApproval);
    }

    #[test]
    fn test_pki_certificates_classify_by_their_uid() {
        let dir = std::env::temp_dir().join(format!("kyso-cert-role-{}", std::process::id()));
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/pki/make-test-pki.sh");
        let made = std::process::Command::new("bash")
            .arg(script)
            .arg(&dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            eprintln!("SKIP: cannot run make-test-pki.sh");
            return;
        }
        let subject = |name: &str| {
            let pem = std::fs::read(dir.join(format!("{name}.pem"))).expect("read cert");
            let (_, doc) = der::Document::from_pem(std::str::from_utf8(&pem).expect("PEM text"))
                .expect("PEM certificate");
            Subject::from_certificate(doc.as_bytes()).expect("subject")
        };
        let agency = subject("agency");
        assert_eq!(agency.holder_kind(), HolderKind::Organization);
        assert_eq!(agency.agency(), Some("Ủy ban nhân dân tỉnh Hà Tĩnh"));
        let person = subject("rsa2048");
        assert_eq!(person.holder_kind(), HolderKind::Personal);
        assert_eq!(person.common_name.as_deref(), Some("Trần Thị Bình"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn agency_prefers_o_then_ou_and_refuses_blank() {
        let mut s = subject(None, Some("Sở Y tế"), &[]);
        s.organizational_unit = Some("Văn phòng".into());
        assert_eq!(s.agency(), Some("Sở Y tế"));
        s.organization = None;
        assert_eq!(s.agency(), Some("Văn phòng"));
        s.organizational_unit = Some("  ".into());
        assert_eq!(s.agency(), None);
    }
}
