//! What "says what to do" means for a problem's message, written once for every test that
//! checks it: after the diagnosis (`...; write `https://a.com``, or `...: use ...` when the
//! message has no `;`) comes an instruction, not just more description.

/// Words that start an instruction (`set \`field = value\`` is a config's `call`).
const FIX_WORDS: &[&str] = &[
    "write ", "use ", "remove", "call ", "drop ", "list ", "keep ", "escape", "set it", "add ",
    "put ", "begin ", "anchor ", "set `",
];

/// True if the message `text` of a problem ends with what to do about it.
pub fn says_what_to_do(text: &str) -> bool {
    let advice = match text.split_once(';') {
        Some((_, after)) if !after.is_empty() => after,
        _ => text.split_once(": ").map_or("", |(_, after)| after),
    };
    FIX_WORDS.iter().any(|w| advice.contains(w))
}

#[test]
fn a_diagnosis_without_an_instruction_does_not_say_what_to_do() {
    assert!(says_what_to_do(
        "origin `app.com` has no scheme; write `https://app.com`"
    ));
    assert!(says_what_to_do(
        "`TRACE` is never sent by browsers: remove it"
    ));
    // The fix word must come after the diagnosis, not in it.
    assert!(!says_what_to_do(
        "the header you list is refused; it is forbidden"
    ));
    assert!(!says_what_to_do("max-age is too long"));
}
