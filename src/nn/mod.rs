//! Neural-network building blocks shared by every model: the one LSTM
//! ([`lstm`]), and the small pieces around it.
//!
//! - [`ops`]: the numeric primitives (the `Float` trait, `dot`, `add_to`,
//!   softmax, categorical sampling) every model and kernel uses.
//! - [`lstm`]: the one LSTM, a folder: `cell` (the gate equations, the
//!   streaming step), `sequence` (forward and BPTT over a padded batch,
//!   truncation), `layer` (bidirectional layers, stacks, the weights layout)
//!   and `candle_op` (a layer as a candle op for models trained with candle
//!   autograd).
//! - [`safetensors`]: the one reader and writer of weights files, with its
//!   one error type; LSTM stacks in and out under PyTorch's names.
//! - [`optim`]: global-norm clipping, SGD and Adam.
//! - [`matmul`], [`fastmath`]: the kernels under the LSTM.
//! - [`elman`], [`jordan`]: the simple recurrent networks of the lecture,
//!   with hand-written BPTT in the LSTM's style; [`truncation`]: the
//!   truncated-BPTT stream bookkeeping all three recurrent networks share.
//! - [`tasks`]: synthetic sequence tasks (recall, a character language
//!   model) and the softmax read-out; [`lab`]: the gradient lab's trainer,
//!   shared by the app's Lab tab and `rnn-studio lab`.
//! - [`inspect`]: gate heatmaps for the inspectors.
//!
//! Nothing here knows about doodles, photos or egui.

pub mod elman;
pub mod fastmath;
pub mod inspect;
pub mod jordan;
pub mod lab;
pub mod lstm;
pub mod matmul;
pub mod ops;
pub mod optim;
pub mod safetensors;
pub mod tasks;
pub mod truncation;
