//! RFC 3986 reference resolution, as C14N 1.1 needs it for the xml:base fix-up.

/// Resolves `reference` against `base` (RFC 3986 §5.2). An empty base leaves the reference
/// as it is; an empty reference yields the base without its fragment.
pub(crate) fn join(base: &str, reference: &str) -> String {
    if base.is_empty() {
        return reference.to_owned();
    }
    let r = Parts::split(reference);
    if r.scheme.is_some() {
        return recompose(r.scheme, r.authority, &remove_dot_segments(r.path), r.query);
    }
    let b = Parts::split(base);
    if r.authority.is_some() {
        return recompose(b.scheme, r.authority, &remove_dot_segments(r.path), r.query);
    }
    let (path, query) = if r.path.is_empty() {
        (b.path.to_owned(), r.query.or(b.query))
    } else if r.path.starts_with('/') {
        (remove_dot_segments(r.path), r.query)
    } else {
        (remove_dot_segments(&merge(&b, r.path)), r.query)
    };
    recompose(b.scheme, b.authority, &path, query)
}

struct Parts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
}

impl<'a> Parts<'a> {
    fn split(s: &'a str) -> Self {
        let s = s.split_once('#').map_or(s, |(before, _)| before);
        let (s, query) = match s.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (s, None),
        };
        let (scheme, rest) = match s.find(':') {
            Some(i)
                if i > 0
                    && s.get(..i).is_some_and(|p| {
                        p.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    })
                    && !s.get(..i).is_some_and(|p| p.contains('/')) =>
            {
                (s.get(..i), s.get(i + 1..).unwrap_or(""))
            }
            _ => (None, s),
        };
        let (authority, path) = match rest.strip_prefix("//") {
            Some(after) => {
                let end = after.find('/').unwrap_or(after.len());
                (after.get(..end), after.get(end..).unwrap_or(""))
            }
            None => (None, rest),
        };
        Self {
            scheme,
            authority,
            path,
            query,
        }
    }
}

fn merge(base: &Parts<'_>, path: &str) -> String {
    if base.authority.is_some() && base.path.is_empty() {
        return format!("/{path}");
    }
    match base.path.rfind('/') {
        Some(i) => format!("{}{}", base.path.get(..=i).unwrap_or(""), path),
        None => path.to_owned(),
    }
}

fn remove_dot_segments(path: &str) -> String {
    let mut output: Vec<&str> = Vec::new();
    let absolute = path.starts_with('/');
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    let mut trailing_slash = false;
    for (i, seg) in segments.iter().enumerate() {
        if i == 0 && absolute {
            continue;
        }
        match *seg {
            "." => trailing_slash = i == last,
            ".." => {
                if output.last().is_some_and(|s| *s != "..") {
                    output.pop();
                } else if !absolute {
                    // C14N 1.1 keeps leading ".." of relative references.
                    output.push("..");
                }
                trailing_slash = i == last;
            }
            s => {
                output.push(s);
                trailing_slash = false;
            }
        }
    }
    let mut result = String::new();
    if absolute {
        result.push('/');
    }
    result.push_str(&output.join("/"));
    if trailing_slash && !result.ends_with('/') && !result.is_empty() {
        result.push('/');
    }
    result
}

fn recompose(
    scheme: Option<&str>,
    authority: Option<&str>,
    path: &str,
    query: Option<&str>,
) -> String {
    let mut s = String::new();
    if let Some(scheme) = scheme {
        s.push_str(scheme);
        s.push(':');
    }
    if let Some(authority) = authority {
        s.push_str("//");
        s.push_str(authority);
    }
    s.push_str(path);
    if let Some(q) = query {
        s.push('?');
        s.push_str(q);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn resolves_rfc3986_examples() {
        let base = "http://a/b/c/d;p?q";
        assert_eq!(join(base, "g"), "http://a/b/c/g");
        assert_eq!(join(base, "../g"), "http://a/b/g");
        assert_eq!(join(base, "/g"), "http://a/g");
        assert_eq!(join(base, "g?y"), "http://a/b/c/g?y");
        assert_eq!(join(base, "./"), "http://a/b/c/");
    }

    #[test]
    fn keeps_relative_parents_that_cannot_be_removed() {
        assert_eq!(join("../x/", "../y"), "../y");
        assert_ne!(join("../x/", "../y"), "y");
    }
}
