//! The decoder's soft attention over the photo's regions, forward and backward
//! side by side (llm.c style), for one row of a step:
//!
//! ```text
//! k_i = tanh(u_i + q)     e_i = w·k_i     α = softmax(e)     z = Σ_i α_i v_i
//! ```
//!
//! Shapes as in [`super::decoder`]: **L** regions, **A** attention size, **C**
//! projected region size. `u` (the keys) and `v` are the photo's, from
//! [`super::decoder::DecoderParams::photo_context`]; `q = W_q·h_{t-1}` is a
//! linear layer like the decoder's others and stays with them, so this file
//! holds only the part with no matrix product in it.

use crate::nn::ops::{Float, dot, softmax_in_place};

/// Forward of one row: `keys` u (L, A), `v` (L, C), `q` (A), `score` w (A).
/// Writes `k` (L, A) and `alpha` (L), both kept for backward, and adds the
/// context into `z` (C), which the caller zeroes.
pub(super) fn attend<F: Float>(
    keys: &[F],
    v: &[F],
    q: &[F],
    score: &[F],
    k: &mut [F],
    alpha: &mut [F],
    z: &mut [F],
) {
    let (na, nc) = (q.len(), z.len());
    for (kc, uc) in k.chunks_exact_mut(na).zip(keys.chunks_exact(na)) {
        for ((kv, &u), &qa) in kc.iter_mut().zip(uc).zip(q) {
            *kv = u + qa;
        }
    }
    F::tanh_in_place(k);
    for (i, a) in alpha.iter_mut().enumerate() {
        *a = dot(&k[i * na..(i + 1) * na], score);
    }
    softmax_in_place(alpha);
    for (i, &a) in alpha.iter().enumerate() {
        for (zj, &vj) in z.iter_mut().zip(&v[i * nc..(i + 1) * nc]) {
            *zj += a * vj;
        }
    }
}

/// Backward of [`attend`] for one row, from `dz` (C) and `dalpha` (L), the
/// gradient reaching α from outside z (the attention penalty's). Reads the
/// row's `alpha` and `k` and the photo's `v`; *adds* into the photo's `dv`
/// (L, C) and `dkeys` (L, A), into `dscore` (A) and into the row's `dq` (A).
#[allow(clippy::too_many_arguments)]
pub(super) fn attend_backward<F: Float>(
    dz: &[F],
    dalpha: &[F],
    alpha: &[F],
    k: &[F],
    v: &[F],
    score: &[F],
    dv: &mut [F],
    dkeys: &mut [F],
    dscore: &mut [F],
    dq: &mut [F],
) {
    let (nl, na, nc) = (alpha.len(), score.len(), dz.len());
    // ∂/∂α_i: through z, plus the outside gradient.
    let mut da = vec![F::ZERO; nl];
    for i in 0..nl {
        da[i] = dot(dz, &v[i * nc..(i + 1) * nc]) + dalpha[i];
        let dvi = &mut dv[i * nc..(i + 1) * nc];
        for (d, &g) in dvi.iter_mut().zip(dz) {
            *d += alpha[i] * g;
        }
    }
    // Through the softmax: de_i = α_i (dα_i − Σ_j α_j dα_j).
    let mean: F = alpha.iter().zip(&da).map(|(&a, &d)| a * d).sum();
    for i in 0..nl {
        let de = alpha[i] * (da[i] - mean);
        let ki = &k[i * na..(i + 1) * na];
        let dki = &mut dkeys[i * na..(i + 1) * na];
        for a in 0..na {
            dscore[a] += de * ki[a];
            // ∂k_i/∂u_i = ∂k_i/∂q = 1 − k_i², so u_i and q share dk_i.
            let dk = de * score[a] * (F::ONE - ki[a] * ki[a]);
            dki[a] += dk;
            dq[a] += dk;
        }
    }
}
