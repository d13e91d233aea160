//! Neural-network building blocks shared by every model: the one LSTM
//! ([`lstm`]), and the small pieces around it.
//!
//! - [`lstm`]: the recurrence, streaming step, sequence forward and BPTT;
//!   [`lstm_op`] wraps a layer as a candle op for models trained with candle
//!   autograd; [`io`] loads and saves it under PyTorch's names.
//! - [`optim`]: global-norm clipping and Adam.
//! - [`matmul`], [`fastmath`]: the kernels under the LSTM.
//! - [`elman`], [`jordan`]: the simple recurrent networks of the lecture,
//!   with hand-written BPTT in the LSTM's style.
//! - [`tasks`]: synthetic sequence tasks (recall, a character language
//!   model) and the softmax read-out; [`lab`]: the gradient lab's trainer,
//!   shared by the app's Lab tab and `rnn-studio lab`.
//!
//! Nothing here knows about doodles, photos or egui.

pub mod elman;
pub mod fastmath;
pub mod inspect;
pub mod io;
pub mod jordan;
pub mod lab;
pub mod lstm;
pub mod lstm_op;
pub mod matmul;
pub mod optim;
pub mod tasks;
