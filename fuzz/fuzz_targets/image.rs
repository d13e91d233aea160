//! Any bytes as a photo: decoded within the limits or refused, never a
//! crash or an unbounded allocation.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(photo) = rnn_studio::caption::image_io::decode_image(data, "fuzz") {
        let _ = rnn_studio::caption::image_io::thumbnail(&photo.image, 64);
    }
});
