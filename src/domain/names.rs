//! First and last names: free text, but never markup or links (they end up in emails and pages).

use super::problem::{ErrorCode, Problem};

const MAX_LEN: usize = 255;

/// Which name a value is, for the field path and the message.
#[derive(Debug, Clone, Copy)]
pub enum NameKind {
    First,
    Last,
}

impl NameKind {
    fn field(self) -> &'static str {
        match self {
            NameKind::First => "firstName",
            NameKind::Last => "lastName",
        }
    }

    fn label(self) -> &'static str {
        match self {
            NameKind::First => "First name",
            NameKind::Last => "Last name",
        }
    }
}

/// Parses an optional name: blank becomes `None`.
pub fn parse_name(raw: &str, kind: NameKind) -> Result<Option<String>, Problem> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let problem = |code, message: String| Problem::new(kind.field(), code, message);
    if contains_html_tag(value) {
        return Err(problem(
            ErrorCode::ContainsHtmlTags,
            format!("{} cannot contain HTML tags", kind.label()),
        ));
    }
    if contains_url(value) {
        return Err(problem(
            ErrorCode::ContainsUrl,
            format!("{} cannot contain a URL", kind.label()),
        ));
    }
    if value.chars().count() > MAX_LEN {
        return Err(problem(
            ErrorCode::TooLong,
            format!(
                "{} is too long (maximum is {MAX_LEN} characters)",
                kind.label()
            ),
        ));
    }
    Ok(Some(value.to_owned()))
}

/// `<` followed by a tag-like start and a closing `>` later on: `<b>`, `</p>`, `<!-- -->`.
pub(crate) fn contains_html_tag(value: &str) -> bool {
    value.match_indices('<').any(|(at, _)| {
        let rest = &value[at + 1..];
        rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!')
            && rest.contains('>')
    })
}

fn contains_url(value: &str) -> bool {
    let lower = value.to_lowercase();
    lower.contains("://") || lower.contains("www.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_real_names_and_blanks_to_none() {
        assert_eq!(
            parse_name(" Anne-Marie ", NameKind::First),
            Ok(Some("Anne-Marie".to_owned()))
        );
        assert_eq!(
            parse_name("O'Brien <3", NameKind::Last),
            Ok(Some("O'Brien <3".to_owned()))
        );
        assert_eq!(
            parse_name("J.R.R.", NameKind::First),
            Ok(Some("J.R.R.".to_owned()))
        );
        assert_eq!(parse_name("   ", NameKind::First), Ok(None));
    }

    #[test]
    fn rejects_html_with_shopify_message() {
        let problem = parse_name("<b>Bad</b>", NameKind::First).expect_err("html");
        assert_eq!(problem.code, ErrorCode::ContainsHtmlTags);
        assert_eq!(problem.message, "First name cannot contain HTML tags");
        assert_eq!(problem.field, Some("firstName"));
        let problem = parse_name("x</script>", NameKind::Last).expect_err("html");
        assert_eq!(problem.message, "Last name cannot contain HTML tags");
    }

    #[test]
    fn rejects_urls_and_overlong_names() {
        for raw in ["http://spam.example", "visit www.spam.example"] {
            let problem = parse_name(raw, NameKind::Last).expect_err("url");
            assert_eq!(problem.code, ErrorCode::ContainsUrl);
        }
        let problem = parse_name(&"a".repeat(256), NameKind::First).expect_err("long");
        assert_eq!(problem.code, ErrorCode::TooLong);
    }
}
