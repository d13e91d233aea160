//! The one LSTM every model in rnn-studio runs on, written like the lecture.
//!
//! With `[h, x]` the concatenation of the previous hidden state and the input:
//!
//! ```text
//! f_t = σ(W_f·[h_{t-1}, x_t] + b_f)        forget gate
//! i_t = σ(W_i·[h_{t-1}, x_t] + b_i)        input ("memory") gate
//! C̃_t = tanh(W_C·[h_{t-1}, x_t] + b_C)     candidate memory
//! C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t          the memory tube
//! o_t = σ(W_o·[h_{t-1}, x_t] + b_o)        output gate
//! h_t = o_t ⊙ tanh(C_t)
//! ```
//!
//! Shapes legend, used in every comment of this folder: **B** batch, **T**
//! time steps, **I** input size, **H** hidden size, **4H** the four gates
//! stacked in PyTorch's order **i, f, g(=C̃), o**, **D** directions (1, or 2
//! when bidirectional). Sequences are stored *time-major*, (T, B, ·), so the
//! rows of one time step are contiguous and one matrix multiply serves the
//! batch.
//!
//! Weights are stored the PyTorch way so checkpoints move between ecosystems:
//! `weight_ih` (4H×I), `weight_hh` (4H×H), `bias_ih` and `bias_hh` (4H). Weights
//! from elsewhere (e.g. TensorFlow's i, j, f, o with a +1 forget bias) are
//! converted into this layout once, at load (see [`crate::nn::safetensors`]).
//!
//! The folder, from small to large:
//! - [`cell`]: the equations above — [`LstmParams`], [`LstmState`], one
//!   streaming step ([`LstmParams::step`], the API the live recognizer and
//!   the caption decoder call) and its plain-loop oracle
//!   ([`LstmParams::step_reference`]), the gates and the cell update and
//!   their backward;
//! - [`sequence`]: one direction of one layer over a whole padded batch,
//!   [`lstm_forward`] keeping an [`LstmCache`] and [`lstm_backward`] (BPTT,
//!   full or truncated) consuming it and *adding* into [`LstmGrads`];
//! - [`layer`]: [`layer_forward`] / [`layer_backward`] (one layer, both
//!   directions on two threads) and [`Lstm`], a stack of layers, with
//!   [`Lstm::forward`], [`Lstm::backward`] and the streaming [`Lstm::step`];
//! - [`candle_op`]: a layer as a candle custom op, for models trained with
//!   candle autograd. It lives here because it is only another face of
//!   [`layer_forward`] / [`layer_backward`], not a second LSTM.
//!
//! Padding: every batch element `b` has a length `lengths[b] ≤ T`. Steps at or
//! after the length are *padded*: they leave h and C unchanged, output zeros,
//! and receive and pass on no gradient. The reverse direction reads each
//! sequence backwards *within its own length*.
//!
//! All numeric code is generic over [`Float`](crate::nn::ops::Float) (f32 for
//! use, f64 for the finite-difference checks), so the tests exercise the very
//! code models run.

pub mod candle_op;
pub mod cell;
pub mod layer;
pub mod sequence;

pub use cell::{
    GateTap, LstmGrads, LstmParams, LstmState, activate_gates, cell_backward, cell_update,
};
pub use layer::{
    LayerCache, Lstm, LstmLayer, LstmStackCache, layer_backward, layer_forward,
    reverse_within_lengths,
};
pub use sequence::{LstmCache, LstmInputGrads, lstm_backward, lstm_forward};
