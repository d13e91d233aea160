//! What the captioner knows, and when its own encoder disagrees with it.
//!
//! The decoders learned from Flickr8k: about 8 000 photos, mostly people,
//! dogs and outdoor scenes. On anything else they still write a fluent
//! caption from that world (a cat becomes "a little boy is playing with a
//! toy"). The encoder, trained on ImageNet's 1 000 classes, often knows
//! better: when it is confident the photo shows an animal the caption never
//! mentions, that is worth saying next to the caption.

use super::encoder::imagenet_classes;

/// How sure the encoder must be before its label is set against the caption.
pub const CONFIDENT: f32 = 0.5;

/// The words a caption would use for an ImageNet animal class (by index in
/// [`imagenet_classes`]), or `None` for classes that are not animals
/// (objects and scenes are too often right and unnamed, e.g. "seashore"
/// for "a man on the beach").
fn animal_words(index: usize, label: &str) -> Option<Vec<String>> {
    let own = || {
        label
            .split([' ', '-', ','])
            .filter(|w| w.len() >= 3)
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    let kind: &[&str] = match index {
        151..=268 => &["dog", "dogs", "puppy", "puppies"],
        281..=285 => &["cat", "cats", "kitten", "kitty"],
        7..=24 | 80..=100 | 127..=146 => &["bird", "birds"],
        339 => &["horse", "horses", "pony"],
        0..=397 => &["animal", "animals"],
        _ => return None,
    };
    let mut words = own();
    words.extend(kind.iter().map(|w| w.to_string()));
    Some(words)
}

/// The encoder's top label and its probability when the encoder is
/// confident ([`CONFIDENT`]) it shows an animal that the caption's words do
/// not name; `None` when they agree or the encoder is unsure.
pub fn unmentioned_animal(caption: &[String], labels: &[(String, f32)]) -> Option<(String, f32)> {
    let (label, p) = labels.first()?;
    if *p < CONFIDENT {
        return None;
    }
    let index = imagenet_classes().iter().position(|c| c == label)?;
    let words = animal_words(index, label)?;
    let said = caption.iter().any(|w| words.contains(&w.to_lowercase()));
    (!said).then(|| (label.clone(), *p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn a_confident_animal_the_caption_misses_is_named() {
        let girl = words("a little girl in a yellow shirt");
        let cat = vec![
            ("Egyptian cat".to_owned(), 0.79),
            ("tabby".to_owned(), 0.07),
        ];
        assert_eq!(
            unmentioned_animal(&girl, &cat),
            Some(("Egyptian cat".to_owned(), 0.79))
        );
        // Named by its kind, its own name, or the encoder unsure: no note.
        assert_eq!(unmentioned_animal(&words("a cat on a bed"), &cat), None);
        let tabby = vec![("tabby".to_owned(), 0.6)];
        assert_eq!(unmentioned_animal(&words("a kitten sleeps"), &tabby), None);
        let unsure = vec![("Egyptian cat".to_owned(), 0.3)];
        assert_eq!(unmentioned_animal(&girl, &unsure), None);
        let dog = vec![("golden retriever".to_owned(), 0.9)];
        assert_eq!(unmentioned_animal(&words("a dog runs"), &dog), None);
        assert!(unmentioned_animal(&girl, &dog).is_some());
        // Objects and scenes are left alone.
        let beach = vec![("seashore".to_owned(), 0.9)];
        assert_eq!(
            unmentioned_animal(&words("a man on the beach"), &beach),
            None
        );
        assert_eq!(unmentioned_animal(&girl, &[]), None);
    }
}
