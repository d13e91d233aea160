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
//! Shapes legend: B batch, T time, I input size, H hidden size, 4H the four
//! gates stacked in PyTorch's order **i, f, g(=C̃), o**.
//!
//! Weights are stored the PyTorch way so checkpoints move between ecosystems:
//! `weight_ih` (4H×I), `weight_hh` (4H×H), `bias_ih` and `bias_hh` (4H). Weights
//! from elsewhere (e.g. TensorFlow's i, j, f, o with a +1 forget bias) are
//! converted into this layout once, at load.

/// The logistic sigmoid σ(z) = 1 / (1 + e^{-z}).
#[inline]
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Parameters of one LSTM layer in one direction, PyTorch layout, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct LstmParams {
    /// I
    pub input_size: usize,
    /// H
    pub hidden_size: usize,
    /// (4H, I), gate rows i, f, g, o
    pub weight_ih: Vec<f32>,
    /// (4H, H), gate rows i, f, g, o
    pub weight_hh: Vec<f32>,
    /// (4H)
    pub bias_ih: Vec<f32>,
    /// (4H)
    pub bias_hh: Vec<f32>,
}

/// The recurrent state (h, C) of one layer for a batch of one.
#[derive(Debug, Clone, PartialEq)]
pub struct LstmState {
    /// h_t, (H)
    pub h: Vec<f32>,
    /// C_t, (H)
    pub c: Vec<f32>,
}

impl LstmState {
    /// The zero state h = C = 0 every sequence starts from.
    pub fn zeros(hidden_size: usize) -> Self {
        Self {
            h: vec![0.0; hidden_size],
            c: vec![0.0; hidden_size],
        }
    }
}

/// The gate values of one step, for the inspector and for tests: each (H).
#[derive(Debug, Clone, PartialEq)]
pub struct GateTap {
    pub f: Vec<f32>,
    pub i: Vec<f32>,
    pub o: Vec<f32>,
    pub c: Vec<f32>,
}

impl LstmParams {
    /// All-zero parameters of the given size.
    pub fn zeros(input_size: usize, hidden_size: usize) -> Self {
        let g = 4 * hidden_size;
        Self {
            input_size,
            hidden_size,
            weight_ih: vec![0.0; g * input_size],
            weight_hh: vec![0.0; g * hidden_size],
            bias_ih: vec![0.0; g],
            bias_hh: vec![0.0; g],
        }
    }

    /// One step for a batch of one: reads x_t (I), updates `state` from
    /// (h_{t-1}, C_{t-1}) to (h_t, C_t) and returns the gates if `tap` is set.
    ///
    /// This is the plain reference version of the recurrence, kept as the
    /// oracle the fast paths are tested against.
    pub fn step(&self, x: &[f32], state: &mut LstmState, tap: bool) -> Option<GateTap> {
        let (ni, nh) = (self.input_size, self.hidden_size);
        assert_eq!(
            x.len(),
            ni,
            "lstm step: input has {} values, expected {ni}",
            x.len()
        );
        // z = W_ih·x + W_hh·h + b, the pre-activations of all four gates at once.
        let mut z = vec![0.0f32; 4 * nh];
        for (r, zr) in z.iter_mut().enumerate() {
            let wi = &self.weight_ih[r * ni..(r + 1) * ni];
            let wh = &self.weight_hh[r * nh..(r + 1) * nh];
            let mut s = self.bias_ih[r] + self.bias_hh[r];
            s += wi.iter().zip(x).map(|(a, b)| a * b).sum::<f32>();
            s += wh.iter().zip(&state.h).map(|(a, b)| a * b).sum::<f32>();
            *zr = s;
        }
        let mut gates = tap.then(|| GateTap {
            f: vec![0.0; nh],
            i: vec![0.0; nh],
            o: vec![0.0; nh],
            c: vec![0.0; nh],
        });
        for k in 0..nh {
            let i_t = sigmoid(z[k]);
            let f_t = sigmoid(z[nh + k]);
            let c_tilde = z[2 * nh + k].tanh();
            let o_t = sigmoid(z[3 * nh + k]);
            let c_t = f_t * state.c[k] + i_t * c_tilde;
            state.c[k] = c_t;
            state.h[k] = o_t * c_t.tanh();
            if let Some(g) = gates.as_mut() {
                g.f[k] = f_t;
                g.i[k] = i_t;
                g.o[k] = o_t;
                g.c[k] = c_t;
            }
        }
        gates
    }
}
