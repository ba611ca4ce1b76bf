//! Name constraints (RFC 5280 §4.2.1.10, §6.1.3 b–c): directoryName, rfc822Name, dNSName,
//! uniformResourceIdentifier and iPAddress; any other constrained form present in a
//! certificate is refused, as the RFC requires of forms a validator does not process.

use x509_cert::ext::pkix::constraints::name::GeneralSubtree;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::NameConstraints;

use crate::cert::Certificate;
use crate::name::{self, NameKey};

/// Work units (one name compared with one subtree) allowed per validation. Real paths use a
/// few dozen; the cap keeps a hostile certificate with thousands of names and subtrees from
/// turning validation into a denial of service.
pub(crate) const NAME_CONSTRAINT_BUDGET: usize = 1 << 16;

/// Why a set of names does not pass a name-constraints extension.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NcError {
    /// `name` is excluded or not permitted.
    Violation(String),
    /// The constraints extension itself is malformed (e.g. a wildcard dNSName base).
    Malformed(String),
    /// The work budget ran out.
    Budget,
}

/// A name taken from a certificate, in the forms constraints apply to.
enum SubjectName<'a> {
    Directory(NameKey),
    Email(String),
    Dns(&'a str),
    Uri(&'a str),
    Ip(&'a [u8]),
    /// A form kyso does not process (otherName, x400Address, ediPartyName, registeredID).
    Other(u8),
}

impl SubjectName<'_> {
    fn describe(&self) -> String {
        match self {
            SubjectName::Directory(_) => "subject name".to_owned(),
            SubjectName::Email(s) => format!("email {s}"),
            SubjectName::Dns(s) => format!("DNS {s}"),
            SubjectName::Uri(s) => format!("URI {s}"),
            SubjectName::Ip(b) => format!("IP {}", format_ip(b)),
            SubjectName::Other(tag) => format!("name form [{tag}]"),
        }
    }
}

fn format_ip(bytes: &[u8]) -> String {
    match <[u8; 4]>::try_from(bytes) {
        Ok(v4) => std::net::Ipv4Addr::from(v4).to_string(),
        Err(_) => match <[u8; 16]>::try_from(bytes) {
            Ok(v6) => std::net::Ipv6Addr::from(v6).to_string(),
            Err(_) => hex::encode(bytes),
        },
    }
}

fn general_name_tag(gn: &GeneralName) -> u8 {
    match gn {
        GeneralName::OtherName(_) => 0,
        GeneralName::Rfc822Name(_) => 1,
        GeneralName::DnsName(_) => 2,
        GeneralName::DirectoryName(_) => 4,
        GeneralName::EdiPartyName(_) => 5,
        GeneralName::UniformResourceIdentifier(_) => 6,
        GeneralName::IpAddress(_) => 7,
        GeneralName::RegisteredId(_) => 8,
    }
}

fn names_of(cert: &Certificate) -> Vec<SubjectName<'_>> {
    let data = cert.data();
    let mut names = Vec::new();
    if !data.subject_key.is_empty() {
        names.push(SubjectName::Directory(data.subject_key.clone()));
    }
    for email in name::email_attributes(&data.parsed.tbs_certificate.subject) {
        names.push(SubjectName::Email(email));
    }
    for gn in &data.ext.san {
        names.push(match gn {
            GeneralName::Rfc822Name(s) => SubjectName::Email(s.as_str().to_owned()),
            GeneralName::DnsName(s) => SubjectName::Dns(s.as_str()),
            GeneralName::UniformResourceIdentifier(s) => SubjectName::Uri(s.as_str()),
            GeneralName::IpAddress(ip) => SubjectName::Ip(ip.as_bytes()),
            GeneralName::DirectoryName(n) => SubjectName::Directory(NameKey::of(n)),
            other => SubjectName::Other(general_name_tag(other)),
        });
    }
    names
}

/// Checks the syntax of every subtree base of a constraints extension.
pub(crate) fn check_syntax(nc: &NameConstraints) -> Result<(), NcError> {
    let all = nc
        .permitted_subtrees
        .iter()
        .chain(nc.excluded_subtrees.iter())
        .flatten();
    for subtree in all {
        if subtree.minimum != 0 || subtree.maximum.is_some() {
            return Err(NcError::Malformed("minimum/maximum in a subtree".into()));
        }
        match &subtree.base {
            GeneralName::DnsName(s) => {
                let s = s.as_str();
                let host = s.strip_prefix('.').unwrap_or(s);
                if !host.is_empty() && !is_dns_name(host) {
                    return Err(NcError::Malformed(format!("dNSName constraint {s}")));
                }
            }
            GeneralName::IpAddress(ip) => {
                let bytes = ip.as_bytes();
                let half = bytes.len() / 2;
                if !(bytes.len() == 8 || bytes.len() == 32)
                    || !is_prefix_mask(bytes.get(half..).unwrap_or(&[]))
                {
                    return Err(NcError::Malformed(format!(
                        "iPAddress constraint {}",
                        hex::encode(bytes)
                    )));
                }
            }
            GeneralName::Rfc822Name(s) => {
                let s = s.as_str();
                let ok = match s.rsplit_once('@') {
                    Some((local, domain)) => {
                        !local.is_empty() && !local.contains('@') && is_dns_name(domain)
                    }
                    None => {
                        let d = s.strip_prefix('.').unwrap_or(s);
                        d.is_empty() || is_dns_name(d)
                    }
                };
                if !ok {
                    return Err(NcError::Malformed(format!("rfc822Name constraint {s}")));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Checks `cert`'s subject and alternative names against one CA's constraints.
pub(crate) fn check(
    cert: &Certificate,
    nc: &NameConstraints,
    budget: &mut usize,
) -> Result<(), NcError> {
    let names = names_of(cert);
    let permitted = nc.permitted_subtrees.as_deref().unwrap_or(&[]);
    let excluded = nc.excluded_subtrees.as_deref().unwrap_or(&[]);
    for name in &names {
        let cost = permitted.len().saturating_add(excluded.len());
        *budget = budget.checked_sub(cost).ok_or(NcError::Budget)?;
        for subtree in excluded {
            if let Some(true) = matches(name, subtree, Side::Excluded) {
                return Err(NcError::Violation(name.describe()));
            }
        }
        let mut same_form = false;
        let mut permitted_match = false;
        for subtree in permitted {
            if let Some(m) = matches(name, subtree, Side::Permitted) {
                same_form = true;
                permitted_match |= m;
            }
        }
        if same_form && !permitted_match {
            return Err(NcError::Violation(name.describe()));
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Permitted,
    Excluded,
}

/// `None` when the subtree constrains another name form; otherwise whether `name` is inside.
/// A form kyso cannot process counts as inside an excluded subtree and outside a permitted
/// one, so it is always refused.
fn matches(name: &SubjectName<'_>, subtree: &GeneralSubtree, side: Side) -> Option<bool> {
    match (name, &subtree.base) {
        (SubjectName::Directory(key), GeneralName::DirectoryName(base)) => {
            Some(key.within(&NameKey::of(base)))
        }
        (SubjectName::Email(mail), GeneralName::Rfc822Name(base)) => {
            Some(email_matches(mail, base.as_str()))
        }
        (SubjectName::Dns(host), GeneralName::DnsName(base)) => {
            Some(dns_matches(host, base.as_str(), side))
        }
        (SubjectName::Uri(uri), GeneralName::UniformResourceIdentifier(base)) => {
            Some(match uri_host(uri) {
                Some(host) => dns_matches(host, base.as_str(), side),
                None => side == Side::Excluded,
            })
        }
        (SubjectName::Ip(ip), GeneralName::IpAddress(base)) => ip_matches(ip, base.as_bytes()),
        (SubjectName::Other(tag), base) if general_name_tag(base) == *tag => {
            Some(side == Side::Excluded)
        }
        _ => None,
    }
}

fn dns_matches(host: &str, base: &str, side: Side) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let base = base.trim_end_matches('.').to_ascii_lowercase();
    if base.is_empty() {
        return true;
    }
    if suffix_match(&host, &base) {
        return true;
    }
    // A wildcard name `*.B` stands for every `x.B`: it hits an excluded subtree that lies
    // anywhere below B.
    if side == Side::Excluded {
        if let Some(rest) = host.strip_prefix("*.") {
            let base = base.strip_prefix('.').unwrap_or(&base);
            return base.ends_with(&format!(".{rest}"));
        }
    }
    false
}

/// RFC 5280 dNSName subtree: `base` matches itself and names with labels added on the left;
/// `.base` matches only the latter.
fn suffix_match(host: &str, base: &str) -> bool {
    match base.strip_prefix('.') {
        Some(domain) => host.len() > domain.len() && host.ends_with(base) && !domain.is_empty(),
        None => host == base || host.ends_with(&format!(".{base}")),
    }
}

fn email_matches(mail: &str, base: &str) -> bool {
    let Some((local, domain)) = mail.rsplit_once('@') else {
        return false;
    };
    match base.rsplit_once('@') {
        Some((base_local, base_domain)) => {
            local == base_local && domain.eq_ignore_ascii_case(base_domain)
        }
        None => {
            let domain = domain.to_ascii_lowercase();
            let base = base.to_ascii_lowercase();
            if base.starts_with('.') {
                domain.ends_with(&base)
            } else {
                domain == base
            }
        }
    }
}

fn uri_host(uri: &str) -> Option<&str> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.starts_with('[') {
        return None;
    }
    let host = host_port.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

fn ip_matches(ip: &[u8], base: &[u8]) -> Option<bool> {
    let half = base.len() / 2;
    let (addr, mask) = (base.get(..half)?, base.get(half..)?);
    if ip.len() != addr.len() {
        // Another address family: still an iPAddress constraint, so a permitted list of
        // only IPv6 subtrees excludes every IPv4 address (as Go and webpki do).
        return Some(false);
    }
    Some(
        ip.iter()
            .zip(addr)
            .zip(mask)
            .all(|((i, a), m)| i & m == a & m),
    )
}

fn is_prefix_mask(mask: &[u8]) -> bool {
    let mut seen_zero = false;
    for byte in mask {
        for bit in (0..8).rev() {
            let set = byte & (1 << bit) != 0;
            if set && seen_zero {
                return false;
            }
            if !set {
                seen_zero = true;
            }
        }
    }
    true
}

/// Preferred name syntax (RFC 1034 §3.5, relaxed as deployed: digits may lead, underscores
/// allowed): labels of 1–63 letters, digits, `-` or `_`, not starting or ending with `-`.
pub(crate) fn is_dns_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() || name.len() > 253 {
        return false;
    }
    name.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_subtree_accepts_itself_and_subdomains() {
        assert!(suffix_match("example.com", "example.com"));
        assert!(suffix_match("a.example.com", "example.com"));
        assert!(suffix_match("a.example.com", ".example.com"));
    }

    #[test]
    fn dns_subtree_rejects_lookalikes_and_the_dotted_base_itself() {
        assert!(!suffix_match("notexample.com", "example.com"));
        assert!(!suffix_match("example.com", ".example.com"));
    }

    #[test]
    fn email_constraints_follow_rfc5280_forms() {
        assert!(email_matches("a@example.com", "example.com"));
        assert!(email_matches("a@x.example.com", ".example.com"));
        assert!(email_matches("a@example.com", "a@example.com"));
        assert!(!email_matches("b@example.com", "a@example.com"));
        assert!(!email_matches("a@x.example.com", "example.com"));
    }

    #[test]
    fn ip_subtree_matches_under_its_mask_only() {
        let base = [10, 0, 0, 0, 255, 0, 0, 0];
        assert_eq!(ip_matches(&[10, 1, 2, 3], &base), Some(true));
        assert_eq!(ip_matches(&[11, 1, 2, 3], &base), Some(false));
    }

    #[test]
    fn non_contiguous_masks_are_not_prefixes() {
        assert!(is_prefix_mask(&[255, 255, 0, 0]));
        assert!(!is_prefix_mask(&[255, 0, 255, 0]));
    }
}
