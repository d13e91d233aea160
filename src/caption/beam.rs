//! Turning the decoder's word probabilities into captions: beam search,
//! batched greedy decoding, and sampling (self-critical training).
//!
//! Terms: a **hypothesis** is a partial caption with its summed word
//! log-probability; a **beam** of width K keeps the K best live hypotheses
//! after each word. A hypothesis **finishes** when it emits `<end>` (or
//! reaches the length limit); each finished one leaves the beam, which then
//! keeps one fewer live hypothesis, so the search ends after K have finished.
//! Finished hypotheses are ranked by their **length-normalised** score,
//! log-probability ÷ (tokens generated)^α, tokens = words + `<end>`; α = 1
//! (the mean log-probability per token) unless the captioner's config says
//! otherwise, α = 0 the raw sum, which favours short captions. `<start>` and
//! `<unk>` are never generated, nor a word that would repeat a word trigram
//! already in the caption (trigram blocking: it stops "a black shirt and a
//! black shirt and …" loops), nor, with a repeat rule, a second use of a
//! word the training captions seldom repeat ([`super::repeats`]). Greedy
//! decoding is beam search with K = 1.

use rayon::prelude::*;

use crate::nn::lstm::GateTap;
use crate::nn::ops::{Float, add_to};

use super::decoder::{DecoderParams, PhotoContext, StepCache};
use super::vocab::{END, START, UNK};

/// A finished caption.
#[derive(Debug, Clone, PartialEq)]
pub struct BeamHypothesis {
    /// Word ids, without `<end>`.
    pub words: Vec<usize>,
    /// Σ log p(word) over the words and the `<end>` (if it was emitted).
    pub logprob: f64,
    /// `logprob` ÷ tokens^α: the ranking score.
    pub score: f64,
    /// One attention map over the L regions per generated token (the
    /// `<end>` included).
    pub attention: Vec<Vec<f32>>,
    /// The LSTM gates at each generated token (when asked for).
    pub taps: Vec<GateTap<f32>>,
    /// Index of the hypothesis' parent in the beam at each step (the beam tree).
    pub parents: Vec<usize>,
}

/// A live hypothesis and each member's decoder state.
struct Live {
    hyp: BeamHypothesis,
    /// (members) h_t and C_t of each member, (H) each
    h: Vec<Vec<f32>>,
    c: Vec<Vec<f32>>,
}

/// One decoder of an ensemble, with its own view of the photo.
#[derive(Clone, Copy)]
pub struct Member<'a> {
    pub dec: &'a DecoderParams<f32>,
    pub ctx: &'a PhotoContext<f32>,
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

/// The ensemble's word distribution: log of the members' mean probability,
/// log (1/M · Σ_m p_m(w)). Averaging probabilities, not log-probabilities,
/// keeps a word that one member rules out possible when the other likes it.
fn combine(member_lp: &[Vec<f32>]) -> Vec<f32> {
    if let [only] = member_lp {
        return only.clone();
    }
    let m = member_lp.len() as f32;
    (0..member_lp[0].len())
        .map(|w| {
            let max = member_lp.iter().map(|lp| lp[w]).fold(f32::MIN, f32::max);
            let sum: f32 = member_lp.iter().map(|lp| (lp[w] - max).exp()).sum();
            max + (sum / m).ln()
        })
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
    ensemble_beam_search(
        &[Member { dec, ctx }],
        beam,
        nbest,
        max_len,
        taps,
        1.0,
        None,
    )
}

/// Row `r`'s attention averaged over the members, on the first member's grid
/// of `nl` regions (a member reading another network's grid is
/// [`super::overlay::regrid`]ded onto it).
fn mean_map(members: &[Member<'_>], steps: &[StepCache<f32>], r: usize, nl: usize) -> Vec<f32> {
    let mut alpha = steps[0].alpha[r * nl..(r + 1) * nl].to_vec();
    let side = super::overlay::side_of(&alpha);
    for (s, m) in steps[1..].iter().zip(&members[1..]) {
        let nm = m.dec.cfg.regions;
        let map = &s.alpha[r * nm..(r + 1) * nm];
        if nm == nl {
            add_to(&mut alpha, map);
        } else {
            add_to(&mut alpha, &super::overlay::regrid(map, side));
        }
    }
    let scale = 1.0 / steps.len() as f32;
    alpha.iter_mut().for_each(|a| *a *= scale);
    alpha
}

/// Beam search with an ensemble of decoders (sharing one vocabulary): each
/// step feeds every hypothesis' last word to every member, and the beam
/// ranks words by the members' averaged probability ([`combine`]). A
/// hypothesis' attention map is the members' mean map (on the first member's
/// grid, [`super::overlay::regrid`]ding a member that reads another
/// network's); its gate taps are
/// the first member's. One member is plain beam search. `length_alpha` is
/// the α of the length normalisation (module doc); `once`, per word id,
/// whether a word may appear at most once (the repeat rule; None: no rule).
pub fn ensemble_beam_search(
    members: &[Member<'_>],
    beam: usize,
    nbest: usize,
    max_len: usize,
    taps: bool,
    length_alpha: f64,
    once: Option<&[bool]>,
) -> Vec<BeamHypothesis> {
    assert!(!members.is_empty(), "beam search needs a decoder");
    let beam = beam.max(1);
    let nl = members[0].dec.cfg.regions;
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
        h: members
            .iter()
            .map(|m| m.ctx.h0[..m.dec.cfg.hidden].to_vec())
            .collect(),
        c: members
            .iter()
            .map(|m| m.ctx.c0[..m.dec.cfg.hidden].to_vec())
            .collect(),
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
        // The members are independent until their words are averaged: one
        // thread each.
        let steps: Vec<_> = members
            .par_iter()
            .enumerate()
            .map(|(m, mem)| {
                let h: Vec<f32> = live.iter().flat_map(|l| l.h[m].iter().copied()).collect();
                let c: Vec<f32> = live.iter().flat_map(|l| l.c[m].iter().copied()).collect();
                mem.dec.step(mem.ctx, &vec![0; nr], &input, &h, &c, None)
            })
            .collect();
        // Every (row, word) extension, best `width` by summed log-probability.
        let mut cands: Vec<(f64, usize, usize)> = Vec::with_capacity(nr * members[0].dec.cfg.vocab);
        for (r, l_r) in live.iter().enumerate() {
            let member_lp: Vec<Vec<f32>> = steps.iter().map(|s| s.log_probs(r)).collect();
            let mut lp = combine(&member_lp);
            // Blocked words are ruled out in the row itself: one pass over
            // the vocabulary, however many words are blocked.
            let once_said = l_r
                .hyp
                .words
                .iter()
                .filter(|&&w| once.is_some_and(|o| o[w]));
            for w in blocked(&l_r.hyp.words)
                .into_iter()
                .chain(once_said.copied())
            {
                lp[w] = f32::NEG_INFINITY;
            }
            for (w, &l) in lp
                .iter()
                .enumerate()
                .filter(|&(w, l)| !banned(w) && *l > f32::NEG_INFINITY)
            {
                cands.push((l_r.hyp.logprob + l as f64, r, w));
            }
        }
        let take = width.min(cands.len());
        cands.select_nth_unstable_by(take - 1, |a, b| b.0.total_cmp(&a.0));
        cands.truncate(take);
        cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let last_step = t + 1 == max_len.max(1);
        // The members' mean map of each row a kept candidate grows from, once
        // (several candidates may share a row).
        let mut row_maps: Vec<Option<Vec<f32>>> = vec![None; nr];
        for &(_, r, _) in &cands {
            if row_maps[r].is_none() {
                row_maps[r] = Some(mean_map(members, &steps, r, nl));
            }
        }
        let mut next = Vec::with_capacity(take);
        for (logprob, r, w) in cands {
            let mut hyp = live[r].hyp.clone();
            hyp.logprob = logprob;
            hyp.attention
                .push(row_maps[r].clone().expect("made for every kept row"));
            hyp.parents.push(r);
            if taps {
                hyp.taps.push(steps[0].tap(r));
            }
            let tokens = hyp.attention.len();
            hyp.score = logprob / (tokens as f64).powf(length_alpha);
            if w == END {
                finished.push(hyp);
                continue;
            }
            hyp.words.push(w);
            if last_step {
                finished.push(hyp);
                continue;
            }
            let state = |v: &[f32], nh: usize| v[r * nh..(r + 1) * nh].to_vec();
            next.push(Live {
                hyp,
                h: steps
                    .iter()
                    .zip(members)
                    .map(|(s, m)| state(&s.h, m.dec.cfg.hidden))
                    .collect(),
                c: steps
                    .iter()
                    .zip(members)
                    .map(|(s, m)| state(&s.c, m.dec.cfg.hidden))
                    .collect(),
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
    let photos: Vec<usize> = (0..ctx.photos).collect();
    let pick = |s: &StepCache<F>, k: usize, so_far: &[usize]| {
        let lp = s.log_probs(k);
        let block = blocked(so_far);
        (0..lp.len())
            .filter(|&w| !banned(w) && !block.contains(&w))
            .fold(None, |best: Option<usize>, w| match best {
                Some(b) if lp[b] >= lp[w] => Some(b),
                _ => Some(w),
            })
            .unwrap_or(END)
    };
    decode_batch(dec, ctx, &photos, max_len, false, pick)
}

/// Sampled captions for self-critical training: row r speaks about photo
/// `photo[r]` of `ctx`, each word drawn from the decoder's full softmax at
/// `temperature` (no word banned or blocked, so the words' probabilities
/// are exactly those the training pass differentiates), no dropout, until
/// `<end>` or `max_len` tokens. Returns each row's tokens, `<end>` included
/// when drawn.
pub fn sample_batch<F: Float>(
    dec: &DecoderParams<F>,
    ctx: &PhotoContext<F>,
    photo: &[usize],
    max_len: usize,
    temperature: f32,
    rng: &mut impl rand::Rng,
) -> Vec<Vec<usize>> {
    let nv = dec.cfg.vocab;
    let pick = |s: &StepCache<F>, k: usize, _: &[usize]| {
        let logits: Vec<f32> = s.logits[k * nv..(k + 1) * nv]
            .iter()
            .map(|z| z.to_f64() as f32)
            .collect();
        crate::nn::ops::sample_logits(&logits, temperature, rng)
    };
    decode_batch(dec, ctx, photo, max_len, true, pick)
}

/// One word at a time for many rows at once (row r speaks about photo
/// `photo[r]`): each step runs the decoder on the rows still going, `pick`
/// chooses row k's word from the step (given the row's words so far), and
/// a row stops at `<end>` (kept in its words when `keep_end`) or after
/// `max_len` steps. Greedy decoding and sampling differ only in `pick`.
fn decode_batch<F: Float>(
    dec: &DecoderParams<F>,
    ctx: &PhotoContext<F>,
    photo: &[usize],
    max_len: usize,
    keep_end: bool,
    mut pick: impl FnMut(&StepCache<F>, usize, &[usize]) -> usize,
) -> Vec<Vec<usize>> {
    let nh = dec.cfg.hidden;
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); photo.len()];
    let mut active: Vec<usize> = (0..photo.len()).collect();
    let state0 = |v: &[F]| -> Vec<F> {
        photo
            .iter()
            .flat_map(|&p| v[p * nh..(p + 1) * nh].iter().copied())
            .collect()
    };
    let (mut h, mut c) = (state0(&ctx.h0), state0(&ctx.c0));
    let mut input = vec![START; photo.len()];
    for _ in 0..max_len {
        if active.is_empty() {
            break;
        }
        let rows: Vec<usize> = active.iter().map(|&r| photo[r]).collect();
        let s = dec.step(ctx, &rows, &input, &h, &c, None);
        let (mut na, mut nh_, mut nc, mut ni) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (k, &r) in active.iter().enumerate() {
            let w = pick(&s, k, &out[r]);
            if w == END {
                if keep_end {
                    out[r].push(w);
                }
                continue;
            }
            out[r].push(w);
            na.push(r);
            ni.push(w);
            nh_.extend_from_slice(&s.h[k * nh..(k + 1) * nh]);
            nc.extend_from_slice(&s.c[k * nh..(k + 1) * nh]);
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
