//! The last guard on every finding's messages: a number of 12 digits or more
//! standing alone (a NIK or No. KK put where a seq, a count or a version
//! belongs, and repeated by a check that derived a value from it) is
//! withheld, whichever check wrote the message. Digits inside an id (after a
//! `-`, as in a UUID's last group) or a word are left as they are.

use super::Finding;

/// Withholds every lone run of 12 or more digits in both messages.
pub(super) fn findings(found: &mut [Finding]) {
    for f in found {
        f.message_id = withhold(&f.message_id, "[disembunyikan]");
        f.message_en = withhold(&f.message_en, "[withheld]");
    }
}

fn withhold(text: &str, marker: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let joined = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_');
        let alone = !joined(start.checked_sub(1).and_then(|s| bytes.get(s))) && !joined(bytes.get(i));
        if i - start >= 12 && alone {
            out.push_str(&text[copied..start]);
            out.push_str(marker);
            copied = i;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::withhold;

    #[test]
    fn lone_long_numbers_go_ids_stay() {
        let cases = [
            ("version (3374015505850003)", "version ([x])"),
            ("seq 3374015505850003 where 1", "seq [x] where 1"),
            (
                "event 01694637-dce0-7000-8000-000000000019 (seq 4)",
                "event 01694637-dce0-7000-8000-000000000019 (seq 4)",
            ),
            ("123456789012", "[x]"),
            ("12345678901", "12345678901"),
            ("a123456789012 and 123456789012b", "a123456789012 and 123456789012b"),
        ];
        for (text, want) in cases {
            assert_eq!(withhold(text, "[x]"), want);
        }
    }
}
