//! Any bytes as a Quick, Draw! ndjson file, read the way `classify` and the
//! app read files (line by line with the reader's bounds): every line parses
//! or is reported, and what parses goes through the recognizer's
//! preprocessing. The in-memory `parse_lines` must agree on what parses.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rnn_studio::sketch::ndjson;

fuzz_target!(|data: &[u8]| {
    let mut streamed = 0;
    for item in ndjson::BoundedLines::new(std::io::Cursor::new(data)) {
        let (_, text) = item.expect("reading from memory cannot fail");
        if let Ok(d) = text.and_then(|t| ndjson::parse_line(&t)) {
            streamed += 1;
            let _ = rnn_studio::sketch::features::model_input(&d);
            let _ = ndjson::to_line(&d);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let in_memory = ndjson::parse_lines(text).filter(|(_, r)| r.is_ok()).count();
        assert_eq!(streamed, in_memory);
    }
});
