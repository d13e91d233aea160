//! The bookkeeping of truncated backpropagation through time, shared by the
//! hand-written backward passes of [`crate::nn::elman`], [`crate::nn::jordan`]
//! and [`crate::nn::lstm`], so the three networks truncate the same way.
//!
//! k-step truncation (Williams & Peng): the gradient of the loss at step t
//! flows back through steps t, t−1, …, t−k+1 only, and reaches the state
//! entering step t−k+1, nothing earlier. Walking t = T−1 … 0, a backward pass
//! therefore keeps one gradient *stream* per age a = 0‥k−1, the number of
//! steps the gradient has already travelled: the loss of step t enters
//! stream 0, every step back each stream becomes one step older, and the
//! stream that would become k steps old is dropped. Full BPTT is the same
//! walk with one stream that never ages, so one code path serves both.
//!
//! Streams are stored side by side, (streams, B, ·), so one matrix multiply
//! carries all of them back a step; `Some(k)` with k ≥ T keeps T streams and
//! equals full BPTT.

use super::matmul::{Mat, Threads, matmul};
use super::ops::Float;

/// How many gradient streams a backward pass keeps, and how they age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Streams {
    truncated: bool,
    count: usize,
    keep_dropped: bool,
}

impl Streams {
    /// The streams of a backward pass over `steps` steps: one for full BPTT
    /// (`truncate` = `None`), min(k, T) for k-step truncation. `model` names
    /// the caller in the panic when k = 0.
    pub fn new(truncate: Option<usize>, steps: usize, model: &str) -> Self {
        if let Some(k) = truncate {
            assert!(
                k > 0,
                "{model} backward: truncation must keep at least one step"
            );
        }
        Self {
            truncated: truncate.is_some(),
            count: truncate.map_or(1, |k| k.min(steps.max(1))),
            keep_dropped: false,
        }
    }

    /// These streams, but [`Streams::carry_back`] also carries the oldest
    /// stream back into an extra slot `count`, for a caller that measures
    /// how much gradient reaches the state where truncation stops it.
    pub fn keeping_dropped(self) -> Self {
        Self {
            keep_dropped: true,
            ..self
        }
    }

    /// How many streams are live at a step.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Whether this is truncated BPTT (streams age) or full BPTT (one stream).
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// The slot stream `a` lands in one step back: a + 1 (one step older)
    /// when truncating, `a` itself for full BPTT. Slot `count` is the
    /// gradient that is dropped.
    pub fn older(&self, a: usize) -> usize {
        if self.truncated { a + 1 } else { a }
    }

    /// Carries the gradient at step t's pre-activations one step back through
    /// the recurrent weights `w` (K×N): the gradient at the state step t read.
    ///
    /// - `d_sum`: (B, K) the gradient at step t, streams summed; at t = 0 it
    ///   all reaches the initial state, `first` (B, N) — truncation does not
    ///   stop a gradient there, since that state is an input of step 0
    /// - `d`: (streams, B, K) the gradient of each stream at step t
    /// - `carry`: (streams, B, N), or (streams + 1, B, N) when
    ///   [`Streams::keeping_dropped`], what arrives at step t−1 by age; when
    ///   truncating, slot 0 is cleared for the loss of step t−1 to enter fresh
    pub fn carry_back<F: Float>(
        &self,
        t: usize,
        d_sum: &[F],
        d: &[F],
        w: Mat<'_, F>,
        first: &mut [F],
        carry: &mut [F],
    ) {
        let k = w.rows();
        let nb = d_sum.len() / k;
        let bn = first.len();
        if t == 0 {
            matmul(first, Mat::new(d_sum, nb, k), w, false, Threads::One);
        } else if self.truncated {
            carry[..bn].fill(F::ZERO);
            // Every stream moves one slot up; the oldest falls off the end
            // unless the caller keeps a slot for it.
            let aged = if self.keep_dropped {
                self.count
            } else {
                self.count - 1
            };
            let rows = aged * nb;
            matmul(
                &mut carry[bn..bn + aged * bn],
                Mat::new(&d[..rows * k], rows, k),
                w,
                false,
                Threads::One,
            );
        } else {
            matmul(
                &mut carry[..bn],
                Mat::new(&d[..nb * k], nb, k),
                w,
                false,
                Threads::One,
            );
        }
    }
}
