//! One direction of one LSTM layer over a whole padded batch: the forward
//! that keeps an [`LstmCache`], and backpropagation through time, full or
//! truncated, that consumes it.
//!
//! The work is arranged for speed without changing the equations of
//! [`super::cell`]: all T input projections are one matrix multiply, each
//! step is one multiply for the four gates of the whole batch followed by one
//! fused elementwise kernel ([`activate_gates`], [`cell_update`]), and
//! backward runs [`cell_backward`] per row, then gets the weight gradients of
//! all steps in two multiplies. Truncation keeps one gradient stream per age
//! (see [`crate::nn::truncation`]).
//!
//! Padding: a step at or after an element's length leaves h and C unchanged,
//! outputs zeros, and receives and passes on no gradient.

use crate::nn::fastmath::{SimdKernel, with_widest_simd};
use crate::nn::matmul::{Mat, Threads, matmul};
use crate::nn::ops::{Float, add_to};
use crate::nn::truncation::Streams;

use super::cell::{GateTap, LstmGrads, LstmParams, activate_gates, cell_backward, cell_update};

/// The elementwise half of one forward step, for every batch row: z ← z +
/// h_{s-1}·W_hhᵀ (`rec`), the gates, the cell and the output. `z_s`, `rec`
/// are (B, 4H); the others (B, H). A padded row (s ≥ `lengths[b]`) keeps its
/// state and gets zero gates.
struct ForwardRows<'a, F: Float> {
    s: usize,
    lengths: &'a [usize],
    rec: &'a [F],
    z_s: &'a mut [F],
    c_prev: &'a [F],
    c_next: &'a mut [F],
    tanh_c: &'a mut [F],
    h_prev: &'a [F],
    h_next: &'a mut [F],
}

impl<F: Float> SimdKernel for ForwardRows<'_, F> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let nh = self.c_prev.len() / self.lengths.len();
        let g4 = 4 * nh;
        for (b, &len) in self.lengths.iter().enumerate() {
            let row = b * nh..(b + 1) * nh;
            let z = &mut self.z_s[b * g4..(b + 1) * g4];
            if self.s >= len {
                z.fill(F::ZERO);
                self.c_next[row.clone()].copy_from_slice(&self.c_prev[row.clone()]);
                self.h_next[row.clone()].copy_from_slice(&self.h_prev[row]);
                continue;
            }
            add_to(z, &self.rec[b * g4..(b + 1) * g4]);
            activate_gates(z);
            cell_update(
                z,
                &self.c_prev[row.clone()],
                &mut self.c_next[row.clone()],
                &mut self.tanh_c[row.clone()],
                &mut self.h_next[row],
            );
        }
    }
}

/// What forward keeps for backward, for one direction of one layer, in *step
/// order* (for the reverse direction, step s of element b is time
/// `lengths[b] - 1 - s`). The gate inspector reads the same cache.
#[derive(Debug, Clone)]
pub struct LstmCache<F: Float = f32> {
    /// T
    pub steps: usize,
    /// B
    pub batch: usize,
    /// I
    pub input_size: usize,
    /// H
    pub hidden_size: usize,
    /// (B) valid steps of each element
    pub lengths: Vec<usize>,
    /// (T, B, I) the inputs, in step order
    pub x: Vec<F>,
    /// (T, B, 4H) activated gates i_t, f_t, C̃_t, o_t (zeros at padded steps)
    pub gates: Vec<F>,
    /// (T+1, B, H) C_{s-1} at index s: index 0 is the initial C
    pub c: Vec<F>,
    /// (T, B, H) tanh(C_t)
    pub tanh_c: Vec<F>,
    /// (T+1, B, H) h_{s-1} at index s: index 0 is the initial h
    pub h: Vec<F>,
}

impl<F: Float> LstmCache<F> {
    /// h_t of every element at step s, (B, H).
    pub fn h_t(&self, s: usize) -> &[F] {
        let bh = self.batch * self.hidden_size;
        &self.h[(s + 1) * bh..(s + 2) * bh]
    }

    /// The final state (h, C) of every element, (B, H) each: the state after
    /// its last valid step (padded steps keep it).
    pub fn final_state(&self) -> (&[F], &[F]) {
        let bh = self.batch * self.hidden_size;
        let t = self.steps;
        (&self.h[t * bh..(t + 1) * bh], &self.c[t * bh..(t + 1) * bh])
    }

    /// The outputs h_t in step order, (T, B, H), zero at padded steps.
    pub fn output(&self) -> Vec<F> {
        let (nb, nh) = (self.batch, self.hidden_size);
        let mut y = self.h[nb * nh..].to_vec();
        for s in 0..self.steps {
            for b in (0..nb).filter(|&b| s >= self.lengths[b]) {
                let at = (s * nb + b) * nh;
                y[at..at + nh].fill(F::ZERO);
            }
        }
        y
    }

    /// The gate taps of element b, one per valid step, in step order.
    pub fn taps(&self, b: usize) -> Vec<GateTap<F>> {
        let (nb, nh) = (self.batch, self.hidden_size);
        (0..self.lengths[b])
            .map(|s| {
                let g = &self.gates[(s * nb + b) * 4 * nh..][..4 * nh];
                let c = &self.c[((s + 1) * nb + b) * nh..][..nh];
                GateTap::from_gates(g, c)
            })
            .collect()
    }
}

/// Checks the lengths of a padded batch: one per element, none above T.
fn check_lengths(lengths: &[usize], batch: usize, steps: usize) {
    assert_eq!(
        lengths.len(),
        batch,
        "lstm: {} lengths for a batch of {batch}",
        lengths.len()
    );
    if let Some(&l) = lengths.iter().find(|&&l| l > steps) {
        panic!("lstm: a length of {l} is longer than the {steps} time steps given");
    }
}

/// Forward of one direction of one layer over a padded batch, keeping the
/// cache backward needs.
///
/// - `x`: (T, B, I) inputs in step order; T is `x.len() / (B·I)`
/// - `lengths`: (B) valid steps per element
/// - `init`: optional initial (h_0, C_0), (B, H) each; zeros if `None`
///
/// All T input projections are one matrix multiply; each step is one multiply
/// for the four gates of the whole batch, then one fused loop for the gates
/// and the cell. Nothing is allocated per step.
pub fn lstm_forward<F: Float>(
    p: &LstmParams<F>,
    x: &[F],
    batch: usize,
    lengths: &[usize],
    init: Option<(&[F], &[F])>,
) -> LstmCache<F> {
    let (ni, nh, nb) = (p.input_size, p.hidden_size, batch);
    let (g4, bh) = (4 * nh, batch * nh);
    assert!(ni > 0 && nb > 0, "lstm forward: empty input size or batch");
    assert_eq!(
        x.len() % (nb * ni),
        0,
        "lstm forward: x has {} values, not a multiple of B·I = {}",
        x.len(),
        nb * ni
    );
    let nt = x.len() / (nb * ni);
    check_lengths(lengths, nb, nt);

    // gates ← b_ih + b_hh + x·W_ihᵀ for all T·B rows at once.
    let bias: Vec<F> = p
        .bias_ih
        .iter()
        .zip(&p.bias_hh)
        .map(|(&a, &b)| a + b)
        .collect();
    let mut gates = Vec::with_capacity(nt * nb * g4);
    for _ in 0..nt * nb {
        gates.extend_from_slice(&bias);
    }
    let w_ih = Mat::new(&p.weight_ih, g4, ni);
    matmul(
        &mut gates,
        Mat::new(x, nt * nb, ni),
        w_ih.t(),
        true,
        Threads::One,
    );

    let mut c = vec![F::ZERO; (nt + 1) * bh];
    let mut h = vec![F::ZERO; (nt + 1) * bh];
    if let Some((h0, c0)) = init {
        h[..bh].copy_from_slice(h0);
        c[..bh].copy_from_slice(c0);
    }
    let mut tanh_c = vec![F::ZERO; nt * bh];
    // W_hhᵀ (H, 4H) row-major: the recurrent multiply reads it row by row.
    let w_hh_t = transpose(&p.weight_hh, g4, nh);
    let mut rec = vec![F::ZERO; nb * g4]; // (B, 4H) h_{s-1}·W_hhᵀ of this step
    for s in 0..nt {
        let z_s = &mut gates[s * nb * g4..(s + 1) * nb * g4];
        let (h_prev, h_next) = h[s * bh..(s + 2) * bh].split_at_mut(bh);
        // The recurrent part of all four gates for the whole batch, into its
        // own buffer (gemm is faster writing than accumulating here).
        matmul(
            &mut rec,
            Mat::new(h_prev, nb, nh),
            Mat::new(&w_hh_t, nh, g4),
            false,
            Threads::One,
        );
        let (c_prev, c_next) = c[s * bh..(s + 2) * bh].split_at_mut(bh);
        let tc_s = &mut tanh_c[s * bh..(s + 1) * bh];
        with_widest_simd(ForwardRows {
            s,
            lengths,
            rec: &rec,
            z_s,
            c_prev,
            c_next,
            tanh_c: tc_s,
            h_prev,
            h_next,
        });
    }
    LstmCache {
        steps: nt,
        batch: nb,
        input_size: ni,
        hidden_size: nh,
        lengths: lengths.to_vec(),
        x: x.to_vec(),
        gates,
        c,
        tanh_c,
        h,
    }
}

/// Gradients backward returns for the inputs of [`lstm_forward`].
#[derive(Debug, Clone)]
pub struct LstmInputGrads<F: Float = f32> {
    /// (T, B, I) ∂L/∂x, step order
    pub dx: Vec<F>,
    /// (B, H) ∂L/∂h_0
    pub dh0: Vec<F>,
    /// (B, H) ∂L/∂C_0
    pub dc0: Vec<F>,
    /// (T, B, 4H) ∂L/∂z_t, the gates' pre-activations in step order, all
    /// truncation streams summed; ∂L/∂h_{t-1} through the recurrence is
    /// dz_t·W_hh (the gradient lab's profile)
    pub dz: Vec<F>,
}

/// Backpropagation through time for one direction of one layer: the exact
/// reverse of [`lstm_forward`], walking s = T−1 … 0.
///
/// - `cache`: what the forward kept
/// - `dy`: (T, B, H) ∂L/∂h_t in step order (ignored at padded steps)
/// - `d_final`: optional ∂L/∂(h, C) of the final state, (B, H) each; it enters
///   at each element's last valid step
/// - `truncate`: `None` for full BPTT, or `Some(k)` for k-step truncation
///   (Williams & Peng): the gradient of the loss at step t flows through steps
///   t, t−1, …, t−k+1 only — it reaches x and the weights at those steps and
///   the state (h, C) entering step t−k+1, and nothing earlier. `Some(k)` with
///   k ≥ T equals full BPTT. It keeps k gradient streams, one per age
///   ([`crate::nn::truncation`]), so it costs about min(k, T) times the
///   recurrent work of full BPTT.
/// - `grads`: weight and bias gradients are *added* into it
///
/// Returns ∂L/∂x, ∂L/∂h_0 and ∂L/∂C_0.
pub fn lstm_backward<F: Float>(
    p: &LstmParams<F>,
    cache: &LstmCache<F>,
    dy: &[F],
    d_final: Option<(&[F], &[F])>,
    truncate: Option<usize>,
    grads: &mut LstmGrads<F>,
) -> LstmInputGrads<F> {
    let (ni, nh, nb, nt) = (
        cache.input_size,
        cache.hidden_size,
        cache.batch,
        cache.steps,
    );
    let (g4, bh) = (4 * nh, nb * nh);
    assert_eq!(
        (p.input_size, p.hidden_size),
        (ni, nh),
        "lstm backward: parameters do not match the cache"
    );
    assert_eq!(
        dy.len(),
        nt * bh,
        "lstm backward: dy has {} values, expected T·B·H = {}",
        dy.len(),
        nt * bh
    );
    let ages = Streams::new(truncate, nt, "lstm");
    let streams = ages.count();

    let mut dz_all = vec![F::ZERO; nt * nb * g4]; // (T, B, 4H) ∂L/∂z, streams summed
    let mut dz = vec![F::ZERO; streams * nb * g4]; // (streams, B, 4H) at this step
    let mut dh = vec![F::ZERO; streams * bh]; // (streams, B, H) ∂L/∂h_s entering step s
    let mut dc = vec![F::ZERO; (streams + 1) * bh]; // (streams+1, B, H) ∂L/∂C_s entering step s
    let mut dc_prev = vec![F::ZERO; (streams + 1) * bh]; // (streams+1, B, H) ∂L/∂C_{s-1}
    let mut dh0 = vec![F::ZERO; bh];
    let mut dc0 = vec![F::ZERO; bh];
    let w_hh = Mat::new(&p.weight_hh, g4, nh);

    for s in (0..nt).rev() {
        inject_loss_grad(
            cache,
            s,
            dy,
            d_final,
            ages.truncated(),
            &mut dh[..bh],
            &mut dc[..bh],
        );
        with_widest_simd(BackwardStep {
            cache,
            s,
            ages,
            dh: &dh,
            dc: &dc,
            dz: &mut dz,
            dc_prev: &mut dc_prev,
            dz_all_s: &mut dz_all[s * nb * g4..(s + 1) * nb * g4],
            dc0: &mut dc0,
        });
        std::mem::swap(&mut dc, &mut dc_prev);
        // ∂L/∂h_{s-1} = ∂L/∂z_s · W_hh, each stream one step older.
        ages.carry_back(
            s,
            &dz_all[s * nb * g4..(s + 1) * nb * g4],
            &dz,
            w_hh,
            &mut dh0,
            &mut dh,
        );
    }
    weight_grads(cache, &dz_all, grads);
    // ∂L/∂x = ∂L/∂z · W_ih, all steps at once.
    let mut dx = vec![F::ZERO; nt * nb * ni];
    matmul(
        &mut dx,
        Mat::new(&dz_all, nt * nb, g4),
        Mat::new(&p.weight_ih, g4, ni),
        false,
        Threads::One,
    );
    LstmInputGrads {
        dx,
        dh0,
        dc0,
        dz: dz_all,
    }
}

/// The elementwise half of one backward step, for every stream and batch
/// row: through the cells ([`cell_backward`]) from the streams' ∂L/∂h and
/// ∂L/∂C (`dh`, `dc`, (streams, B, H)) to their ∂L/∂z (`dz`, (streams, B, 4H),
/// also summed into `dz_all_s`, (B, 4H)) and ∂L/∂C_{s-1} (`dc_prev`,
/// (streams+1, B, H)). Stream a's ∂L/∂C_{s-1} goes to slot a+1 (one step
/// older) when truncating, else to slot a; the extra slot `streams` holds
/// the gradient that is dropped, which still reaches C_0 when s = 0, since
/// C_0 is an input of step 0. Padded rows get zeros: no gradient flows.
struct BackwardStep<'a, F: Float> {
    cache: &'a LstmCache<F>,
    s: usize,
    ages: Streams,
    dh: &'a [F],
    dc: &'a [F],
    dz: &'a mut [F],
    dc_prev: &'a mut [F],
    dz_all_s: &'a mut [F],
    dc0: &'a mut [F],
}

impl<F: Float> SimdKernel for BackwardStep<'_, F> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let (cache, s) = (self.cache, self.s);
        let (nb, nh) = (cache.batch, cache.hidden_size);
        let (g4, bh) = (4 * nh, nb * nh);
        for a in 0..self.ages.count() {
            let out = self.ages.older(a);
            for b in 0..nb {
                let dz_row = &mut self.dz[(a * nb + b) * g4..][..g4];
                let dc_prev_row = &mut self.dc_prev[(out * nb + b) * nh..][..nh];
                if s >= cache.lengths[b] {
                    dz_row.fill(F::ZERO);
                    dc_prev_row.fill(F::ZERO);
                    continue;
                }
                let row = (s * nb + b) * nh..(s * nb + b + 1) * nh;
                cell_backward(
                    &cache.gates[(s * nb + b) * g4..][..g4],
                    &cache.c[row.clone()],
                    &cache.tanh_c[row],
                    &self.dh[(a * nb + b) * nh..][..nh],
                    &self.dc[(a * nb + b) * nh..][..nh],
                    dz_row,
                    dc_prev_row,
                );
            }
            add_to(self.dz_all_s, &self.dz[a * nb * g4..(a + 1) * nb * g4]);
            if s == 0 {
                add_to(self.dc0, &self.dc_prev[out * bh..(out + 1) * bh]);
            }
        }
    }
}

/// Puts the loss gradient of step s into the age-0 stream (`dh`, `dc`, (B, H)):
/// ∂L/∂h_s from `dy`, plus ∂L/∂(h, C) of the final state at each element's
/// last valid step. Full BPTT adds to what is carried; truncation starts the
/// age-0 stream fresh.
fn inject_loss_grad<F: Float>(
    cache: &LstmCache<F>,
    s: usize,
    dy: &[F],
    d_final: Option<(&[F], &[F])>,
    truncated: bool,
    dh: &mut [F],
    dc: &mut [F],
) {
    let (nb, nh) = (cache.batch, cache.hidden_size);
    if truncated {
        dh.fill(F::ZERO);
        dc.fill(F::ZERO);
    }
    for b in (0..nb).filter(|&b| s < cache.lengths[b]) {
        let row = b * nh..(b + 1) * nh;
        add_to(&mut dh[row.clone()], &dy[(s * nb + b) * nh..][..nh]);
        if let (Some((dh_n, dc_n)), true) = (d_final, s + 1 == cache.lengths[b]) {
            add_to(&mut dh[row.clone()], &dh_n[row.clone()]);
            add_to(&mut dc[row.clone()], &dc_n[row]);
        }
    }
}

/// The weight and bias gradients from all steps' ∂L/∂z at once (`dz_all`,
/// (T, B, 4H)): ∂W_ih += dzᵀ·x, ∂W_hh += dzᵀ·h_{t-1}, ∂b_ih = ∂b_hh += Σ dz.
fn weight_grads<F: Float>(cache: &LstmCache<F>, dz_all: &[F], grads: &mut LstmGrads<F>) {
    let (ni, nh, rows) = (
        cache.input_size,
        cache.hidden_size,
        cache.steps * cache.batch,
    );
    let g4 = 4 * nh;
    assert_eq!(
        (grads.input_size, grads.hidden_size),
        (ni, nh),
        "lstm backward: gradient shape differs"
    );
    let dz_t = Mat::new(dz_all, rows, g4).t();
    matmul(
        &mut grads.weight_ih,
        dz_t,
        Mat::new(&cache.x, rows, ni),
        true,
        Threads::One,
    );
    // Rows 0..T·B of the cached h are h_{s-1} for s = 0..T.
    matmul(
        &mut grads.weight_hh,
        dz_t,
        Mat::new(&cache.h[..rows * nh], rows, nh),
        true,
        Threads::One,
    );
    let mut db = vec![F::ZERO; g4];
    for row in dz_all.chunks_exact(g4) {
        add_to(&mut db, row);
    }
    add_to(&mut grads.bias_ih, &db);
    add_to(&mut grads.bias_hh, &db);
}

/// The transpose of a row-major (rows × cols) matrix, row-major (cols × rows).
fn transpose<F: Float>(m: &[F], rows: usize, cols: usize) -> Vec<F> {
    let mut t = vec![F::ZERO; m.len()];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = m[r * cols + c];
        }
    }
    t
}
