//! The one paginator for listings over sorted keys (GET Bucket, List Multipart Uploads): a prefix,
//! keys rolled up into common prefixes at a delimiter, a marker to resume after, and at most `max`
//! entries (items and common prefixes together) per page.

/// One page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub common_prefixes: Vec<String>,
    /// Whether entries remain after this page.
    pub is_truncated: bool,
    /// Where the next page starts when entries remain: after this page's last entry (`None` for an
    /// empty page, `max` 0).
    pub next: Option<Next>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            items: Vec::new(),
            common_prefixes: Vec::new(),
            is_truncated: false,
            next: None,
        }
    }
}

/// The last entry of a truncated page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// An item, by its key (its position among items of that key is the caller's to give).
    Item(String),
    /// A common prefix.
    Prefix(String),
}

impl Next {
    /// The marker that resumes after this entry.
    pub(crate) fn marker(&self) -> &str {
        match self {
            Next::Item(k) | Next::Prefix(k) => k,
        }
    }
}

/// Pages through `entries` (sorted by key, each a key and an item; those at or before the marker
/// already left out by the caller): keys under `prefix`, rolled up to `delimiter` into common
/// prefixes, leaving out a common prefix that holds `marker` (the previous page ended inside it).
pub(crate) fn paginate<'a, T>(
    entries: impl IntoIterator<Item = (&'a str, T)>,
    prefix: &str,
    delimiter: &str,
    marker: &str,
    max: usize,
) -> Page<T> {
    let mut page = Page::default();
    let mut last = None;
    for (key, item) in entries {
        if !key.starts_with(prefix) {
            // Sorted keys: past the prefix's range nothing more can match.
            if key > prefix {
                break;
            }
            continue;
        }
        let rolled = common_prefix(key, prefix, delimiter);
        if let Some(cp) = &rolled {
            if page.common_prefixes.last() == Some(cp)
                || (!marker.is_empty() && marker.starts_with(cp.as_str()))
            {
                continue;
            }
        }
        if page.items.len() + page.common_prefixes.len() == max {
            page.is_truncated = true;
            page.next = last;
            return page;
        }
        match rolled {
            Some(cp) => {
                last = Some(Next::Prefix(cp.clone()));
                page.common_prefixes.push(cp);
            }
            None => {
                last = Some(Next::Item(key.to_string()));
                page.items.push(item);
            }
        }
    }
    page
}

/// The common prefix `key` rolls up into: up to and including the first `delimiter` after
/// `prefix`; `None` without a delimiter or when the rest of the key has none.
fn common_prefix(key: &str, prefix: &str, delimiter: &str) -> Option<String> {
    if delimiter.is_empty() {
        return None;
    }
    let rest = key.get(prefix.len()..)?;
    rest.find(delimiter)
        .map(|i| key[..prefix.len() + i + delimiter.len()].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(
        keys: &[&str],
        prefix: &str,
        delimiter: &str,
        marker: &str,
        max: usize,
    ) -> Page<String> {
        let after = keys.iter().filter(|k| marker.is_empty() || **k > marker);
        paginate(
            after.map(|k| (*k, k.to_string())),
            prefix,
            delimiter,
            marker,
            max,
        )
    }

    #[test]
    fn paginate_rolls_up_common_prefixes_under_prefix() {
        let keys = ["a", "doc/a", "doc/b/c", "doc/b/d", "doc/e", "z"];
        let p = page(&keys, "doc/", "/", "", 10);
        assert_eq!(p.items, ["doc/a", "doc/e"]);
        assert_eq!(p.common_prefixes, ["doc/b/"]);
        assert!(!p.is_truncated);
    }

    #[test]
    fn paginate_truncates_at_max_and_names_the_last_entry() {
        let keys = ["a", "b/1", "b/2", "c", "d"];
        let p = page(&keys, "", "/", "", 2);
        assert_eq!(p.items, ["a"]);
        assert_eq!(p.common_prefixes, ["b/"]);
        assert!(p.is_truncated);
        assert_eq!(p.next, Some(Next::Prefix("b/".into())));
        let p = page(&keys, "", "/", "b/", 2);
        assert_eq!(p.items, ["c", "d"]);
        assert!(!p.is_truncated);
        assert_eq!(p.next, None);
        let p = page(&keys, "", "", "", 1);
        assert_eq!(p.next.as_ref().map(Next::marker), Some("a"));
        assert_eq!(p.next, Some(Next::Item("a".into())));
    }

    #[test]
    fn paginate_skips_the_common_prefix_holding_the_marker() {
        let p = page(&["b/1", "b/2", "c"], "", "/", "b/1", 10);
        assert_eq!(p.items, ["c"]);
        assert!(p.common_prefixes.is_empty());
    }

    #[test]
    fn paginate_exact_page_is_not_truncated_and_zero_max_is() {
        let p = page(&["a", "b"], "", "", "", 2);
        assert!(!p.is_truncated);
        assert_eq!(p.next, None);
        let p = page(&["a"], "", "", "", 0);
        assert!(p.items.is_empty() && p.is_truncated);
        assert_eq!(p.next, None);
        assert!(!page(&[], "", "", "", 0).is_truncated);
    }

    #[test]
    fn paginate_skips_keys_before_the_prefix_and_stops_after_it() {
        let p = page(&["a", "b/1", "b/2", "c"], "b/", "", "", 10);
        assert_eq!(p.items, ["b/1", "b/2"]);
    }

    #[test]
    fn common_prefix_rules() {
        assert_eq!(common_prefix("a/b/c", "", "/").as_deref(), Some("a/"));
        assert_eq!(common_prefix("a/b/c", "a/", "/").as_deref(), Some("a/b/"));
        assert_eq!(common_prefix("a/b", "a/", "/"), None);
        assert_eq!(common_prefix("a/b", "", ""), None);
        assert_eq!(common_prefix("a--b--c", "", "--").as_deref(), Some("a--"));
    }
}
