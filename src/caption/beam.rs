//! Turning the decoder's word probabilities into captions: beam search and
//! batched greedy decoding.
//!
//! Terms: a **hypothesis** is a partial caption with its summed word
//! log-probability; a **beam** of width K keeps the K best live hypotheses
//! after each word. A hypothesis **finishes** when it emits `<end>` (or
//! reaches the length limit); each finished one leaves the beam, which then
//! keeps one fewer live hypothesis, so the search ends after K have finished.
//! Finished hypotheses are ranked by their **length-normalised** score,
//! log-probability ÷ tokens generated (words + `<end>`). `<start>` and
//! `<unk>` are never generated, nor a word that would repeat a word trigram
//! already in the caption (trigram blocking: it stops "a black shirt and a
//! black shirt and …" loops). Greedy decoding is beam search with K = 1.

use crate::nn::lstm::{Float, GateTap};

use super::decoder::{DecoderParams, PhotoContext};
use super::vocab::{END, START, UNK};

/// A finished caption.
#[derive(Debug, Clone, PartialEq)]
pub struct BeamHypothesis {
    /// Word ids, without `<end>`.
    pub words: Vec<usize>,
    /// Σ log p(word) over the words and the `<end>` (if it was emitted).
    pub logprob: f64,
    /// `logprob` ÷ tokens generated: the ranking score.
    pub score: f64,
    /// One attention map over the L regions per generated token (the
    /// `<end>` included).
    pub attention: Vec<Vec<f32>>,
    /// The LSTM gates at each generated token (when asked for).
    pub taps: Vec<GateTap<f32>>,
    /// Index of the hypothesis' parent in the beam at each step (the beam tree).
    pub parents: Vec<usize>,
}

/// A live hypothesis and its decoder state.
struct Live {
    hyp: BeamHypothesis,
    h: Vec<f32>,
    c: Vec<f32>,
}

/// Which words may never be generated.
fn banned(w: usize) -> bool {
    w == START || w == UNK
}

/// The words that would repeat a trigram of `words` if appended.
fn blocked(words: &[usize]) -> Vec<usize> {
    let n = words.len();
    if n < 2 {
        return Vec::new();
    }
    let (a, b) = (words[n - 2], words[n - 1]);
    words
        .windows(3)
        .filter(|t| t[0] == a && t[1] == b)
        .map(|t| t[2])
        .collect()
}

/// Beam search of width `beam` over one photo (`ctx` holds exactly one
/// photo); returns up to `nbest` finished hypotheses, best first.
pub fn beam_search(
    dec: &DecoderParams<f32>,
    ctx: &PhotoContext<f32>,
    beam: usize,
    nbest: usize,
    max_len: usize,
    taps: bool,
) -> Vec<BeamHypothesis> {
    let beam = beam.max(1);
    let nh = dec.cfg.hidden;
    let empty = BeamHypothesis {
        words: Vec::new(),
        logprob: 0.0,
        score: 0.0,
        attention: Vec::new(),
        taps: Vec::new(),
        parents: Vec::new(),
    };
    let mut live = vec![Live {
        hyp: empty,
        h: ctx.h0[..nh].to_vec(),
        c: ctx.c0[..nh].to_vec(),
    }];
    let mut finished: Vec<BeamHypothesis> = Vec::new();
    for t in 0..max_len.max(1) {
        let width = beam - finished.len();
        if live.is_empty() || width == 0 {
            break;
        }
        let nr = live.len();
        let input: Vec<usize> = live
            .iter()
            .map(|l| l.hyp.words.last().copied().unwrap_or(START))
            .collect();
        let h: Vec<f32> = live.iter().flat_map(|l| l.h.iter().copied()).collect();
        let c: Vec<f32> = live.iter().flat_map(|l| l.c.iter().copied()).collect();
        let s = dec.step(ctx, &vec![0; nr], &input, &h, &c, None);
        // Every (row, word) extension, best `width` by summed log-probability.
        let mut cands: Vec<(f64, usize, usize)> = Vec::with_capacity(nr * dec.cfg.vocab);
        for (r, l_r) in live.iter().enumerate() {
            let lp = s.log_probs(r);
            let block = blocked(&l_r.hyp.words);
            for (w, &l) in lp
                .iter()
                .enumerate()
                .filter(|(w, _)| !banned(*w) && !block.contains(w))
            {
                cands.push((l_r.hyp.logprob + l as f64, r, w));
            }
        }
        let take = width.min(cands.len());
        cands.select_nth_unstable_by(take - 1, |a, b| b.0.total_cmp(&a.0));
        cands.truncate(take);
        cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let last_step = t + 1 == max_len.max(1);
        let nl = dec.cfg.regions;
        let mut next = Vec::with_capacity(take);
        for (logprob, r, w) in cands {
            let mut hyp = live[r].hyp.clone();
            hyp.logprob = logprob;
            hyp.attention.push(s.alpha[r * nl..(r + 1) * nl].to_vec());
            hyp.parents.push(r);
            if taps {
                hyp.taps.push(s.tap(r));
            }
            let tokens = hyp.attention.len();
            hyp.score = logprob / tokens as f64;
            if w == END {
                finished.push(hyp);
                continue;
            }
            hyp.words.push(w);
            if last_step {
                finished.push(hyp);
                continue;
            }
            next.push(Live {
                hyp,
                h: s.h[r * nh..(r + 1) * nh].to_vec(),
                c: s.c[r * nh..(r + 1) * nh].to_vec(),
            });
        }
        live = next;
    }
    finished.sort_by(|a, b| b.score.total_cmp(&a.score));
    finished.truncate(nbest.max(1));
    finished
}

/// Greedy decoding of every photo in `ctx` at once (one row per photo):
/// the most probable word at each step until `<end>` or `max_len` words.
/// Returns the word ids of each photo, without `<end>`.
pub fn greedy_batch<F: Float>(
    dec: &DecoderParams<F>,
    ctx: &PhotoContext<F>,
    max_len: usize,
) -> Vec<Vec<usize>> {
    let (np, nh) = (ctx.photos, dec.cfg.hidden);
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); np];
    let mut active: Vec<usize> = (0..np).collect();
    let mut h = ctx.h0.clone();
    let mut c = ctx.c0.clone();
    let mut input = vec![START; np];
    for _ in 0..max_len {
        if active.is_empty() {
            break;
        }
        let s = dec.step(ctx, &active, &input, &h, &c, None);
        let (mut na, mut nh_, mut nc, mut ni) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (r, &p) in active.iter().enumerate() {
            let lp = s.log_probs(r);
            let block = blocked(&out[p]);
            let w = (0..lp.len())
                .filter(|&w| !banned(w) && !block.contains(&w))
                .fold(None, |best: Option<usize>, w| match best {
                    Some(b) if lp[b] >= lp[w] => Some(b),
                    _ => Some(w),
                })
                .unwrap_or(END);
            if w == END {
                continue;
            }
            out[p].push(w);
            na.push(p);
            ni.push(w);
            nh_.extend_from_slice(&s.h[r * nh..(r + 1) * nh]);
            nc.extend_from_slice(&s.c[r * nh..(r + 1) * nh]);
        }
        active = na;
        input = ni;
        h = nh_;
        c = nc;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigram_blocking_names_the_repeating_word() {
        // "a black shirt and a black" → "shirt" would repeat "a black shirt".
        assert_eq!(blocked(&[3, 7, 9, 5, 3, 7]), vec![9]);
        assert!(blocked(&[3, 7]).is_empty());
        assert!(blocked(&[3, 7, 9]).is_empty());
    }
}
