//! Any bytes as a Quick, Draw! ndjson file: every line parses or is reported,
//! and what parses goes through the recognizer's preprocessing.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for (_, drawing) in rnn_studio::sketch::ndjson::parse_lines(&text) {
        if let Ok(d) = drawing {
            let _ = rnn_studio::sketch::features::model_input(&d);
            let _ = rnn_studio::sketch::ndjson::to_line(&d);
        }
    }
});
