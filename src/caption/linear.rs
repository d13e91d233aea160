//! The decoder's linear layers, y = x·Wᵀ + b with W row-major `(out, in)` like
//! PyTorch's Linear: the forward product and both gradients as neighbours, on
//! the calling thread (the training batch is already split over the cores).
//!
//! Shapes: x (R, in), W (out, in), y and dy (R, out).

use crate::nn::matmul::{Mat, Threads, matmul};
use crate::nn::ops::{Float, add_to};

/// `dst = x·Wᵀ`, added to `dst` when `acc`; x (R, in), W (out, in), dst (R, out).
pub(super) fn linear<F: Float>(
    dst: &mut [F],
    x: &[F],
    w: &[F],
    rows: usize,
    n_in: usize,
    acc: bool,
) {
    let n_out = w.len() / n_in;
    matmul(
        dst,
        Mat::new(x, rows, n_in),
        Mat::new(w, n_out, n_in).t(),
        acc,
        Threads::One,
    );
}

/// Adds `b` (n) to every row of `y` (R, n).
pub(super) fn add_bias<F: Float>(y: &mut [F], b: &[F]) {
    for row in y.chunks_exact_mut(b.len()) {
        add_to(row, b);
    }
}

/// dW += dyᵀ·x, dy (R, out), x (R, in), dW (out, in).
pub(super) fn linear_dw<F: Float>(dw: &mut [F], dy: &[F], x: &[F], rows: usize, n_in: usize) {
    let n_out = dw.len() / n_in;
    matmul(
        dw,
        Mat::new(dy, rows, n_out).t(),
        Mat::new(x, rows, n_in),
        true,
        Threads::One,
    );
}

/// dx (+)= dy·W, dy (R, out), W (out, in), dx (R, in).
pub(super) fn linear_dx<F: Float>(
    dx: &mut [F],
    dy: &[F],
    w: &[F],
    rows: usize,
    n_in: usize,
    acc: bool,
) {
    let n_out = w.len() / n_in;
    matmul(
        dx,
        Mat::new(dy, rows, n_out),
        Mat::new(w, n_out, n_in),
        acc,
        Threads::One,
    );
}

/// Adds each row of `y` (R, n) to `db` (n).
pub(super) fn bias_grad<F: Float>(db: &mut [F], y: &[F]) {
    for row in y.chunks_exact(db.len()) {
        add_to(db, row);
    }
}
