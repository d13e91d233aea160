//! Any bytes as the recognizer's safetensors file (and, split at the first
//! NUL, a config.json before it): loaded and checked, or refused.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rnn_studio::sketch::recognizer::{Recognizer, RecognizerConfig, RecognizerModel};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let (config, weights) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&[][..], data),
    };
    let Ok(model) = RecognizerModel::from_bytes(weights, Path::new("fuzz.safetensors")) else {
        return;
    };
    if let Ok(config) = serde_json::from_slice::<RecognizerConfig>(config) {
        if let Ok(rec) = Recognizer::new(model, config) {
            let mut s = rec.session();
            s.push_point(1.0, 2.0, true);
            s.push_point(30.0, 5.0, false);
        }
    }
});
