//! A customer's note: free text for the merchant, bounded, without control characters other
//! than line breaks and tabs.

use super::problem::{ErrorCode, Problem};

/// Longest note kept (Shopify's limit is not published; this keeps a row bounded).
pub const MAX_NOTE_CHARS: usize = 5_000;

/// Trimmed; blank becomes `None`.
pub fn parse_note(note: Option<String>) -> Result<Option<String>, Problem> {
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    // Lines and tabs are a note's; other control characters (NUL above all, which PostgreSQL
    // cannot store) are not.
    if note.as_deref().is_some_and(|n| {
        n.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    }) {
        return Err(Problem::new(
            "note",
            ErrorCode::Invalid,
            "Note cannot contain control characters",
        ));
    }
    if note
        .as_deref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(Problem::new(
            "note",
            ErrorCode::TooLong,
            format!("Note is too long (maximum is {MAX_NOTE_CHARS} characters)"),
        ));
    }
    Ok(note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_trimmed_emptied_and_capped() {
        assert_eq!(parse_note(Some("  hi ".into())), Ok(Some("hi".into())));
        assert_eq!(parse_note(Some("   ".into())), Ok(None));
        assert!(parse_note(Some("x".repeat(MAX_NOTE_CHARS + 1))).is_err());
        assert_eq!(
            parse_note(Some("two\nlines\tand tab".into())),
            Ok(Some("two\nlines\tand tab".into()))
        );
        assert!(parse_note(Some("nul\u{0}".into())).is_err());
    }
}
