//! Wildcard matching shared by action, resource and `string_like` patterns.

/// Glob match: `*` is any run of characters (also empty); `?` one character when `question_mark`.
pub fn glob(pattern: &str, text: &str, question_mark: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && ((p[pi] == t[ti] && p[pi] != '*') || (question_mark && p[pi] == '?')) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn glob_star_matches_empty_and_runs() {
        assert!(glob("doc/*", "doc/", false));
        assert!(glob("doc/*", "doc/a/b.txt", false));
        assert!(glob("*", "", false));
        assert!(glob("a*b*c", "aXXbYYc", false));
        assert!(!glob("a*b*c", "aXXbYY", false));
    }

    #[test]
    fn glob_question_mark_only_when_enabled() {
        assert!(glob("img/?.png", "img/1.png", true));
        assert!(!glob("img/?.png", "img/12.png", true));
        assert!(!glob("img/?.png", "img/1.png", false));
        assert!(glob("img/?.png", "img/?.png", false));
    }

    #[test]
    fn glob_case_sensitive_no_match() {
        assert!(!glob("Get*", "getObject", false));
    }

    #[test]
    fn glob_multibyte_chars_match() {
        assert!(glob("文档/?", "文档/一", true));
    }
}
