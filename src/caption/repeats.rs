//! Which words a caption may say twice: the rule that stops "a man is riding
//! a bike on a bike".
//!
//! People seldom repeat a content word in one sentence: of the training
//! captions that say "bike", 3 % say it twice, "crowd" 0 %, while "a" repeats
//! in 62 %, "in" in 13 %. The decoder, fine-tuned on CIDEr-D, repeats nouns
//! and colours far more often (71 of the 1 000 dev captions did). So the
//! beam lets a word appear again only if the training captions repeat it
//! often enough (**repeat rate** = captions saying it twice or more ÷
//! captions saying it, at least [`RATE`]) or it is one of the [`FREQUENT`]
//! most frequent words (the function words, and "dog", "man", "white", whose
//! second use is usually another thing). Both numbers were chosen on the
//! first 500 dev photos (README, "Photo captioner").
//!
//! The rule is stored as the words that **may** repeat, in the captioner's
//! `config.json` (`may_repeat`); a captioner without it repeats freely.

use super::vocab::{SPECIALS, Vocab, tokenize};

/// The least repeat rate that lets a word repeat.
pub const RATE: f64 = 0.1;
/// The most frequent words (after the specials, in vocabulary order) that may
/// always repeat.
pub const FREQUENT: usize = 20;

/// The words of `vocab` that may appear twice in one caption, from the
/// training `captions` (see the module doc), in vocabulary order.
pub fn may_repeat<'a>(vocab: &Vocab, captions: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let n = vocab.len();
    let (mut said, mut twice) = (vec![0usize; n], vec![0usize; n]);
    let mut count = vec![0usize; n];
    for c in captions {
        let ids: Vec<usize> = tokenize(c).iter().map(|t| vocab.id(t)).collect();
        for &i in &ids {
            count[i] += 1;
        }
        for &i in &ids {
            if count[i] > 0 {
                said[i] += 1;
                twice[i] += usize::from(count[i] > 1);
                count[i] = 0;
            }
        }
    }
    (SPECIALS.len()..n)
        .filter(|&i| {
            i < SPECIALS.len() + FREQUENT
                || (said[i] > 0 && twice[i] as f64 >= RATE * said[i] as f64)
        })
        .map(|i| vocab.words[i].clone())
        .collect()
}

/// Per word id: true if it may appear at most once, from the `may_repeat`
/// list (None: every word may repeat). The specials are never limited.
pub fn once_only(vocab: &Vocab, may_repeat: Option<&[String]>) -> Option<Vec<bool>> {
    let may: std::collections::HashSet<&str> = may_repeat?.iter().map(String::as_str).collect();
    Some(
        vocab
            .words
            .iter()
            .enumerate()
            .map(|(i, w)| i >= SPECIALS.len() && !may.contains(w.as_str()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_repeated_in_enough_captions_may_repeat() {
        // 21 filler words, each said 15 times, so that the words below fall
        // outside the most frequent.
        let filler: String = (0..FREQUENT + 1)
            .map(|i| format!("w{i} w{i} w{i} "))
            .collect();
        let mut caps = vec![filler; 5];
        // "bike" twice in 1 caption of 10 (rate 0.1): may repeat; "ball"
        // twice in 1 of 11 (0.09): may not; "cat" never twice.
        caps.push("a bike on a bike".into());
        caps.push("a ball and a ball".into());
        for _ in 0..9 {
            caps.push("a bike and a ball and a cat".into());
        }
        caps.push("a ball".into());
        let all: Vec<&str> = caps.iter().map(String::as_str).collect();
        let vocab = Vocab::build(all.iter().copied(), 1);
        let may = may_repeat(&vocab, all.iter().copied());
        assert!(may.contains(&"bike".to_string()), "{may:?}");
        assert!(!may.contains(&"ball".to_string()));
        assert!(!may.contains(&"cat".to_string()));
        // The most frequent words may always repeat, whatever their rate.
        assert!(may.contains(&vocab.words[SPECIALS.len()]));
        let once = once_only(&vocab, Some(&may)).expect("a rule");
        assert!(once[vocab.id("cat")] && !once[vocab.id("bike")]);
        assert!(!once[0] && !once[1] && !once[2], "specials are free");
        assert_eq!(once_only(&vocab, None), None);
    }
}
