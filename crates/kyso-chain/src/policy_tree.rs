//! Certificate policy processing (RFC 5280 §6.1.2–§6.1.5) with the default inputs:
//! user-initial-policy-set = {anyPolicy}, no initial explicit-policy, mapping or anyPolicy
//! inhibition. With these inputs only one outcome matters: whether a path whose CAs require
//! an explicit policy ends with an empty valid_policy_tree.

use const_oid::ObjectIdentifier;

use crate::cert::Certificate;
use crate::error::ChainError;

const ANY_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32.0");

/// A node of the valid_policy_tree (qualifiers are not kept: no decision depends on them).
struct Node {
    policy: ObjectIdentifier,
    expected: Vec<ObjectIdentifier>,
}

/// Runs policy processing over `path` (leaf first, anchor last; the anchor is not processed).
pub(crate) fn check(path: &[Certificate]) -> Result<(), ChainError> {
    let n = path.len().saturating_sub(1);
    let start = u32::try_from(n).unwrap_or(u32::MAX).saturating_add(1);
    let mut explicit_policy = start;
    let mut policy_mapping = start;
    let mut inhibit_any = start;
    // The level of the tree at the current depth; `None` is the NULL tree.
    let mut level: Option<Vec<Node>> = Some(vec![Node {
        policy: ANY_POLICY,
        expected: vec![ANY_POLICY],
    }]);

    for i in (0..n).rev() {
        let Some(cert) = path.get(i) else { continue };
        let ext = &cert.data().ext;
        let is_leaf = i == 0;
        let self_issued = cert.is_self_issued();
        let violation = || ChainError::PolicyViolation {
            subject: cert.subject(),
        };

        // (d), (e): grow the tree by this certificate's policies.
        level = match (level.take(), &ext.policies) {
            (Some(parents), Some(policies)) => {
                let mut next: Vec<Node> = Vec::new();
                let oids: Vec<ObjectIdentifier> =
                    policies.0.iter().map(|p| p.policy_identifier).collect();
                for p in oids.iter().filter(|p| **p != ANY_POLICY) {
                    let matched = parents.iter().any(|node| node.expected.contains(p));
                    let from_any = parents.iter().any(|node| node.policy == ANY_POLICY);
                    if matched || from_any {
                        next.push(Node {
                            policy: *p,
                            expected: vec![*p],
                        });
                    }
                }
                let any_allowed = inhibit_any > 0 || (!is_leaf && self_issued);
                if oids.contains(&ANY_POLICY) && any_allowed {
                    for parent in &parents {
                        for value in &parent.expected {
                            if !next.iter().any(|c| c.policy == *value) {
                                next.push(Node {
                                    policy: *value,
                                    expected: vec![*value],
                                });
                            }
                        }
                    }
                }
                (!next.is_empty()).then_some(next)
            }
            _ => None,
        };

        if is_leaf {
            // Wrap-up (§6.1.5 a, b).
            explicit_policy = explicit_policy.saturating_sub(1);
            if ext
                .policy_constraints
                .as_ref()
                .and_then(|pc| pc.require_explicit_policy)
                == Some(0)
            {
                explicit_policy = 0;
            }
            if explicit_policy == 0 && level.is_none() {
                return Err(violation());
            }
            return Ok(());
        }

        // (f)
        if explicit_policy == 0 && level.is_none() {
            return Err(violation());
        }

        // Preparation for the next certificate (§6.1.4 a, b).
        if let Some(mappings) = &ext.policy_mappings {
            for m in &mappings.0 {
                if m.issuer_domain_policy == ANY_POLICY || m.subject_domain_policy == ANY_POLICY {
                    return Err(violation());
                }
            }
            if let Some(nodes) = level.as_mut() {
                let issuer_policies: Vec<ObjectIdentifier> =
                    mappings.0.iter().map(|m| m.issuer_domain_policy).collect();
                for p in issuer_policies {
                    let mapped: Vec<ObjectIdentifier> = mappings
                        .0
                        .iter()
                        .filter(|m| m.issuer_domain_policy == p)
                        .map(|m| m.subject_domain_policy)
                        .collect();
                    if policy_mapping > 0 {
                        let mut found = false;
                        for node in nodes.iter_mut().filter(|node| node.policy == p) {
                            node.expected = mapped.clone();
                            found = true;
                        }
                        if !found && nodes.iter().any(|node| node.policy == ANY_POLICY) {
                            nodes.push(Node {
                                policy: p,
                                expected: mapped,
                            });
                        }
                    } else {
                        nodes.retain(|node| node.policy != p);
                    }
                }
                if nodes.is_empty() {
                    level = None;
                }
            }
        }

        // (h), (i), (j)
        if !self_issued {
            explicit_policy = explicit_policy.saturating_sub(1);
            policy_mapping = policy_mapping.saturating_sub(1);
            inhibit_any = inhibit_any.saturating_sub(1);
        }
        if let Some(pc) = &ext.policy_constraints {
            if let Some(r) = pc.require_explicit_policy {
                explicit_policy = explicit_policy.min(r);
            }
            if let Some(m) = pc.inhibit_policy_mapping {
                policy_mapping = policy_mapping.min(m);
            }
        }
        if let Some(skip) = ext.inhibit_any_policy {
            inhibit_any = inhibit_any.min(skip);
        }
    }
    Ok(())
}
