//! Customer tags as Shopify's Admin API takes them: each string may hold several tags separated
//! by commas ("vip, wholesale"); a tag is trimmed, at most 255 characters, and a customer has at
//! most 250. Tags compare without case (`VIP` and `vip` are one tag) and keep the first spelling.

use super::problem::{ErrorCode, Problem};

pub const MAX_TAG_CHARS: usize = 255;
pub const MAX_TAGS: usize = 250;

/// The tags named in `inputs`, split at commas, trimmed, empty ones dropped, duplicates (without
/// case) dropped; a tag longer than the limit is the problem of `field`.
pub fn parse_tags(inputs: &[String], field: &'static str) -> Result<Vec<String>, Problem> {
    let mut tags = Vec::new();
    for tag in inputs.iter().flat_map(|input| input.split(',')) {
        let tag = tag.trim();
        if tag.is_empty() {
            continue;
        }
        if tag.chars().any(char::is_control) {
            return Err(Problem::new(
                field,
                ErrorCode::Invalid,
                "Tag cannot contain control characters",
            ));
        }
        if tag.chars().count() > MAX_TAG_CHARS {
            return Err(Problem::new(
                field,
                ErrorCode::TooLong,
                format!("Tag is too long (maximum is {MAX_TAG_CHARS} characters)"),
            ));
        }
        add(&mut tags, tag);
    }
    Ok(tags)
}

fn add(tags: &mut Vec<String>, tag: &str) {
    if !tags.iter().any(|known| same_tag(known, tag)) {
        tags.push(tag.to_owned());
    }
}

fn same_tag(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// The key a tag is searched by.
pub fn tag_key(tag: &str) -> String {
    tag.to_lowercase()
}

/// `current` with `added` appended (those not there yet); more than [`MAX_TAGS`] in all is the
/// problem of `field`.
pub fn with_tags(
    current: &[String],
    added: &[String],
    field: &'static str,
) -> Result<Vec<String>, Problem> {
    let mut tags = current.to_vec();
    for tag in added {
        add(&mut tags, tag);
    }
    within_limit(tags, field)
}

/// `current` without `removed` (compared without case).
pub fn without_tags(current: &[String], removed: &[String]) -> Vec<String> {
    current
        .iter()
        .filter(|tag| !removed.iter().any(|gone| same_tag(gone, tag)))
        .cloned()
        .collect()
}

/// A whole list, refused when it has more than [`MAX_TAGS`].
pub fn within_limit(tags: Vec<String>, field: &'static str) -> Result<Vec<String>, Problem> {
    if tags.len() > MAX_TAGS {
        return Err(Problem::new(
            field,
            ErrorCode::TooLong,
            format!("Tags cannot exceed {MAX_TAGS} per customer"),
        ));
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn splits_at_commas_trims_and_drops_duplicates_without_case() {
        let tags = parse_tags(&strings(&["vip, Wholesale", " VIP", "", "early,,"]), "tags");
        assert_eq!(tags, Ok(strings(&["vip", "Wholesale", "early"])));
    }

    #[test]
    fn refuses_a_tag_over_255_characters() {
        let long = "é".repeat(256);
        let problem = parse_tags(&[long], "tags").expect_err("too long");
        assert_eq!(problem.code, ErrorCode::TooLong);
        assert_eq!(problem.field, Some("tags"));
        assert!(parse_tags(&["é".repeat(255)], "tags").is_ok());
    }

    #[test]
    fn refuses_control_characters() {
        let problem = parse_tags(&["a\u{0}b".to_owned()], "tags").expect_err("refused");
        assert_eq!(problem.code, ErrorCode::Invalid);
        assert!(parse_tags(&["a\tb".to_owned()], "tags").is_err());
    }

    #[test]
    fn adding_keeps_the_first_spelling_and_the_limit() {
        let added = with_tags(&strings(&["VIP"]), &strings(&["vip", "new"]), "tags");
        assert_eq!(added, Ok(strings(&["VIP", "new"])));
        let many: Vec<String> = (0..MAX_TAGS).map(|i| format!("t{i}")).collect();
        assert!(with_tags(&many, &strings(&["t0"]), "tags").is_ok());
        assert!(with_tags(&many, &strings(&["one more"]), "tags").is_err());
    }

    #[test]
    fn removing_ignores_case() {
        let left = without_tags(&strings(&["VIP", "early"]), &strings(&["vip", "absent"]));
        assert_eq!(left, strings(&["early"]));
    }
}
