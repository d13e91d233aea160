//! Any bytes as the captioner's vocab.json: loaded or refused; a loaded
//! vocabulary encodes and decodes any caption.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rnn_studio::caption::vocab::Vocab;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = Vocab::from_json(data, std::path::Path::new("fuzz/vocab.json")) {
        let ids = v.encode("a dog runs through the grass", 20);
        let _ = v.decode(&ids);
    }
});
