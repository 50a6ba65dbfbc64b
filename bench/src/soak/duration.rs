//! Soak lengths as people write them: `90s`, `30m`, `1h`, `1h30m`, or plain seconds.

use std::time::Duration;

/// Parses a length for `--soak` (clap's value parser: the error is shown as is).
pub fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return positive(seconds, text);
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            _ => {
                return Err(format!(
                    "unknown unit {c:?} in {text:?}: use s, m or h (90s, 30m, 1h)"
                ));
            }
        };
        let count: u64 = number
            .parse()
            .map_err(|_| format!("a number is missing before {c:?} in {text:?}"))?;
        number.clear();
        total = count
            .checked_mul(unit)
            .and_then(|seconds| total.checked_add(seconds))
            .ok_or_else(|| format!("{text:?} is too long"))?;
    }
    if !number.is_empty() {
        return Err(format!(
            "a unit is missing after {number} in {text:?}: use s, m or h (90s, 30m, 1h)"
        ));
    }
    positive(total, text)
}

fn positive(seconds: u64, text: &str) -> Result<Duration, String> {
    if seconds == 0 {
        return Err(format!("{text:?}: a soak needs a length above zero"));
    }
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_usual_forms() {
        assert_eq!(parse("30m"), Ok(Duration::from_secs(1_800)));
        assert_eq!(parse("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("1h"), Ok(Duration::from_secs(3_600)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5_400)));
        assert_eq!(parse("45"), Ok(Duration::from_secs(45)));
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for text in ["", "0", "0s", "m", "10x", "1.5h", "30 m", "5m3"] {
            assert!(parse(text).is_err(), "{text:?} was accepted");
        }
    }
}
