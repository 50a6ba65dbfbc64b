//! A bound on how deeply a GraphQL document nests, checked before anything recursive reads it.
//!
//! The parser, the validator and variable coercion each recurse once per level of `[` or `{`.
//! The parser limits nested selection sets (64 levels) but neither list nor object literals nor
//! list types (`[[[String]]]`), and its grammar itself recurses before that limit is checked: a
//! few kilobytes of `[` in a variable's default value or in an argument overflowed a worker's
//! stack and aborted the whole process. So the document is read here first, once and without
//! recursion, counting `[` and `{` outside strings, block strings and comments, and a document
//! that nests deeper than [`MAX_NESTING`] is refused with the parser's own error before the
//! parser sees it.
//!
//! The JSON of a request (its body, its `variables` and `extensions`, a Multipass payload) needs
//! no such scan: serde_json refuses JSON nested deeper than [`JSON_MAX_NESTING`] levels before it
//! recurses further (a test below holds it to that).

use async_graphql::{Pos, ServerError};

/// How deep `[` and `{` may nest in a document, counted together (a selection set, a list or
/// object literal, a list type). Twice the parser's own limit for selection sets (64), so that a
/// document within that limit still has 64 levels for its values; the same order as the limit
/// serde_json puts on JSON (128), so that a value nests about as deep written in the document as
/// sent in `variables`; and a tenth of the depth that overflowed a worker's stack (about 1,350
/// in a release build). No real client comes near it: queries are refused past depth 15 anyway.
pub const MAX_NESTING: usize = 128;

/// How deep arrays and objects may nest in JSON: serde_json's own limit (it counts down from
/// 128 and refuses the level that reaches zero), not a setting of ours.
pub const JSON_MAX_NESTING: usize = 127;

/// Where a document first nests deeper than [`MAX_NESTING`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub pos: Pos,
}

impl From<TooDeep> for ServerError {
    fn from(too_deep: TooDeep) -> Self {
        // The parser's own words for selections nested too deep, so that every nesting refusal
        // reads the same to a client, with the place of the bracket that went too deep.
        ServerError::new(
            async_graphql::parser::Error::RecursionLimitExceeded.to_string(),
            Some(too_deep.pos),
        )
    }
}

/// `Ok` when no `[` or `{` of `document` opens a level deeper than [`MAX_NESTING`].
pub fn check_nesting(document: &str) -> Result<(), TooDeep> {
    match first_too_deep(document.as_bytes(), MAX_NESTING) {
        None => Ok(()),
        Some(offset) => Err(TooDeep {
            pos: position(document, offset),
        }),
    }
}

/// The byte offset of the first `[` or `{` that opens level `limit + 1`, if any.
///
/// Where the scan could disagree with the parser, it counts rather than skips: counting too
/// much can only refuse a document that is malformed anyway, skipping could let a deep one
/// through. `]` and `}` never take the depth below zero; an unbalanced document is the parser's
/// to report.
fn first_too_deep(text: &[u8], limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'#' => i = end_of_comment(text, i + 1),
            b'"' if text[i..].starts_with(b"\"\"\"") => i = end_of_block_string(text, i + 3),
            b'"' => i = end_of_string(text, i + 1),
            _ => i += 1,
        }
    }
    None
}

/// A comment runs to the next line terminator, `\r` as well as `\n` (the grammar knows both):
/// stopping only at `\n` would hide a line that follows a lone `\r`.
fn end_of_comment(text: &[u8], mut i: usize) -> usize {
    while i < text.len() && !matches!(text[i], b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// A block string ends at the first `"""` that is not escaped as `\"""`.
fn end_of_block_string(text: &[u8], mut i: usize) -> usize {
    while i < text.len() {
        if text[i..].starts_with(b"\\\"\"\"") {
            i += 4;
        } else if text[i..].starts_with(b"\"\"\"") {
            return i + 3;
        } else {
            i += 1;
        }
    }
    i
}

/// A string ends at its first unescaped `"`. It cannot span lines: the parser stops at a line
/// terminator inside one, and so does the string here, so that what follows is counted.
fn end_of_string(text: &[u8], mut i: usize) -> usize {
    while i < text.len() {
        match text[i] {
            b'"' => return i + 1,
            // Only `\"` and `\\` matter to where the string ends; the other escapes are
            // letters, skipped one at a time like any other character.
            b'\\' if matches!(text.get(i + 1), Some(b'"' | b'\\')) => i += 2,
            b'\n' | b'\r' => return i,
            _ => i += 1,
        }
    }
    i
}

/// The line and column (from 1, in characters) of a byte offset, as the parser reports them.
fn position(text: &str, offset: usize) -> Pos {
    let bytes = text.as_bytes();
    let mut line = 1;
    let mut line_start = 0;
    let mut i = 0;
    while i < offset {
        match bytes[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'\r' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    // The offset is that of an ASCII bracket, so both ends are character boundaries.
    let column = text
        .get(line_start.min(offset)..offset)
        .map_or(0, |line| line.chars().count());
    Pos {
        line,
        column: column + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn nested_list(depth: usize) -> String {
        format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
    }

    fn nested_object(depth: usize) -> String {
        format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth))
    }

    fn default_value(value: &str) -> String {
        format!("query($v: String = {value}) {{ __typename }}")
    }

    fn argument(value: &str) -> String {
        format!("{{ customer(customerAccessToken: {value}) {{ id }} }}")
    }

    fn list_type(depth: usize) -> String {
        format!(
            "query($v: {}String{}) {{ __typename }}",
            "[".repeat(depth),
            "]".repeat(depth)
        )
    }

    fn selections(depth: usize) -> String {
        format!("{}__typename{}", "{ a ".repeat(depth), "}".repeat(depth))
    }

    #[test]
    fn every_kind_of_nesting_is_counted_up_to_the_limit() {
        let max = MAX_NESTING;
        // A default value stands outside the selection set; an argument is one level inside it.
        for (document, allowed) in [
            (default_value(&nested_list(max)), true),
            (default_value(&nested_list(max + 1)), false),
            (default_value(&nested_object(max)), true),
            (default_value(&nested_object(max + 1)), false),
            (argument(&nested_list(max - 1)), true),
            (argument(&nested_list(max)), false),
            (argument(&nested_object(max - 1)), true),
            (argument(&nested_object(max)), false),
            (list_type(max), true),
            (list_type(max + 1), false),
            (selections(max), true),
            (selections(max + 1), false),
        ] {
            assert_eq!(check_nesting(&document).is_ok(), allowed, "{document}");
        }
    }

    #[test]
    fn siblings_do_not_add_up() {
        let sibling = nested_list(MAX_NESTING - 1);
        let many = vec![sibling; 50].join(" ");
        assert_eq!(check_nesting(&default_value(&format!("[{many}]"))), Ok(()));
    }

    #[test]
    fn brackets_in_strings_block_strings_and_comments_are_not_counted() {
        let deep = "[".repeat(MAX_NESTING * 2);
        for document in [
            format!(r#"{{ f(a: "{deep}") }}"#),
            format!(r#"{{ f(a: "\"{deep}\\") }}"#),
            format!(r#"{{ f(a: """{deep}""") }}"#),
            format!(r#"{{ f(a: """ \""" {deep} \""" """) }}"#),
            format!("{{ f # {deep}\n }}"),
            format!("{{ f # {deep}\r\n }}"),
            format!("# {deep}\n{{ __typename }}"),
            format!(r#"{{ f(a: "", b: """""", c: "{deep}") }}"#),
        ] {
            assert_eq!(check_nesting(&document), Ok(()), "{document}");
        }
    }

    #[test]
    fn what_the_parser_would_read_as_code_is_counted() {
        let deep = "[".repeat(MAX_NESTING + 1);
        for document in [
            // A lone `\r` ends a comment for the parser.
            format!("{{ f # comment\r(a: {deep}) }}"),
            // An escaped backslash does not escape the quote after it.
            format!(r#"{{ f(a: "\\", b: {deep}) }}"#),
            // The string ends with the line, unterminated; the parser stops there, and what
            // follows is counted all the same.
            format!("{{ f(a: \"open\n{deep}) }}"),
            // A string inside a comment does not start a string.
            format!("{{ f # \"\n(a: {deep}) }}"),
            // `""` is an empty string, not the start of a block string.
            format!(r#"{{ f(a: "", b: {deep}) }}"#),
        ] {
            assert!(check_nesting(&document).is_err(), "{document}");
        }
    }

    #[test]
    fn the_refusal_points_at_the_bracket_and_reads_like_the_parser_s_own() {
        let document = format!(
            "query(\r\n  $v: String = {}) {{ x }}",
            "[".repeat(MAX_NESTING + 1)
        );
        let too_deep = check_nesting(&document).expect_err("too deep");
        // Line 2, after `  $v: String = ` (15 characters) and the 128 brackets the limit allows.
        assert_eq!(
            too_deep.pos,
            Pos {
                line: 2,
                column: 16 + MAX_NESTING
            }
        );

        // Selections nested too deep: the parser's own error, which this one repeats.
        let selections = format!("{}x{}", "{ a ".repeat(70), "}".repeat(70));
        let parser_error: ServerError = async_graphql::parser::parse_query(&selections)
            .map(|_| ())
            .expect_err("the parser limits selections")
            .into();
        let ours = ServerError::from(too_deep);
        assert_eq!(ours.message, parser_error.message);
        assert_eq!(ours.message, "recursion limit exceeded.");
        assert_eq!(ours.locations, vec![too_deep.pos]);
    }

    #[test]
    fn columns_count_characters() {
        let document = format!("{{ f(a: \"é€\", b: {}) }}", "[".repeat(MAX_NESTING + 1));
        let too_deep = check_nesting(&document).expect_err("too deep");
        // After `{ f(a: "é€", b: ` (16 characters, 19 bytes) and 127 brackets: the `{` is the
        // first level.
        assert_eq!(too_deep.pos.column, 16 + MAX_NESTING);
    }

    #[test]
    fn documents_at_the_limit_are_safe_for_the_parser() {
        for document in [
            default_value(&nested_list(MAX_NESTING)),
            default_value(&nested_object(MAX_NESTING)),
            argument(&nested_list(MAX_NESTING - 1)),
            argument(&nested_object(MAX_NESTING - 1)),
            list_type(MAX_NESTING),
        ] {
            assert_eq!(check_nesting(&document), Ok(()));
            async_graphql::parser::parse_query(&document).expect("parses");
        }
    }

    #[test]
    fn serde_json_refuses_json_past_its_limit_without_recursing_further() {
        let json = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(serde_json::from_str::<serde_json::Value>(&json(JSON_MAX_NESTING)).is_ok());
        for depth in [JSON_MAX_NESTING + 1, 100_000] {
            let refused = serde_json::from_str::<serde_json::Value>(&json(depth))
                .expect_err("too deep")
                .to_string();
            assert!(refused.starts_with("recursion limit exceeded"), "{refused}");
            // The request type the endpoint reads, whose variables go through async-graphql's
            // own value type.
            let body = format!(
                r#"{{"query":"{{ x }}","variables":{{"v":{}}}}}"#,
                json(depth)
            );
            assert!(serde_json::from_str::<async_graphql::Request>(&body).is_err());
        }
    }

    /// One level of a generated value: a list or an object, with something that holds brackets
    /// but is not code (a string, a block string, a comment ending in either line terminator).
    fn level() -> impl Strategy<Value = (bool, u8)> {
        (any::<bool>(), 0u8..5)
    }

    fn decoy(kind: u8) -> &'static str {
        match kind {
            1 => r#" "]]}{[\"[" "#,
            2 => r#" """ [[{ \""" ]]} """ "#,
            3 => " # [[[{{ \" \n",
            4 => " # ]]}}[[ \r",
            _ => " ",
        }
    }

    /// A document whose value nests exactly `levels.len()` deep, with decoys at every level.
    fn generated(levels: &[(bool, u8)], as_argument: bool) -> String {
        let mut open = String::new();
        let mut close = Vec::with_capacity(levels.len());
        for &(is_list, kind) in levels {
            if is_list {
                open.push('[');
                open.push_str(decoy(kind));
                close.push("]");
            } else {
                // In an object a string needs a field of its own; a comment goes anywhere.
                open.push('{');
                if matches!(kind, 1 | 2) {
                    open.push_str("b:");
                }
                open.push_str(decoy(kind));
                open.push_str("a:");
                close.push("}");
            }
        }
        close.reverse();
        let value = format!("{open}1{}", close.concat());
        if as_argument {
            argument(&value)
        } else {
            default_value(&value)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Random values of random depth, written as a variable's default or as an argument:
        /// the scan refuses exactly those deeper than the limit, never panics, and whatever it
        /// lets through the parser reads without trouble.
        #[test]
        fn generated_values_are_refused_exactly_past_the_limit(
            levels in prop::collection::vec(level(), 0..5000),
            as_argument in any::<bool>(),
        ) {
            let document = generated(&levels, as_argument);
            // The selection set that holds an argument is one level more.
            let depth = levels.len() + usize::from(as_argument);
            let checked = check_nesting(&document);
            prop_assert_eq!(checked.is_ok(), depth <= MAX_NESTING);
            if checked.is_ok() {
                prop_assert!(async_graphql::parser::parse_query(&document).is_ok(), "{}", document);
            }
        }

        /// Noise, and noise made of the characters the scan looks at: no panic, and anything it
        /// lets through is harmless to the parser.
        #[test]
        fn noise_never_panics(
            noise in any::<String>(),
            soup in "[\\[\\]{}\"#\\\\\r\n a:1]{0,3000}",
        ) {
            let _ = check_nesting(&noise);
            if check_nesting(&soup).is_ok() {
                let _ = async_graphql::parser::parse_query(&soup);
            }
        }
    }
}
