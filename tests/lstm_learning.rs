//! The vanishing-gradient slide as a test: an LSTM trained with full BPTT
//! learns to output the symbol it saw 40 steps ago; the same setup with
//! 5-step truncated BPTT cannot (its gradient never reaches the answer) and
//! stays near chance.

use std::time::Instant;

use rnn_studio::nn::lab::{RecallConfig, train_recall};
use rnn_studio::nn::tasks::RecallTask;

#[test]
fn full_bptt_learns_a_40_step_recall_and_truncated_bptt_does_not() {
    let task = RecallTask {
        symbols: 4,
        distractors: 4,
        lag: 40,
    };
    let cfg = RecallConfig {
        hidden_size: 32,
        batch: 32,
        updates: 500,
        lr: 0.01,
        clip: 1.0,
        forget_bias: 5.0,
        truncate: None,
        seed: 1,
    };
    let start = Instant::now();
    let full = train_recall(&task, &cfg);
    let t_full = start.elapsed().as_secs_f32();
    let start = Instant::now();
    let truncated = train_recall(
        &task,
        &RecallConfig {
            truncate: Some(5),
            ..cfg
        },
    );
    let t_trunc = start.elapsed().as_secs_f32();
    let tail = |l: &[f32]| l[l.len() - 20..].iter().sum::<f32>() / 20.0;
    println!(
        "recall, lag 40, 4 symbols (chance 25%): full BPTT {:.1}% (final loss {:.3}, {t_full:.1} s), truncated k=5 {:.1}% (final loss {:.3}, {t_trunc:.1} s)",
        100.0 * full.accuracy,
        tail(&full.losses),
        100.0 * truncated.accuracy,
        tail(&truncated.losses)
    );
    assert!(
        full.accuracy >= 0.95,
        "full BPTT reached only {}",
        full.accuracy
    );
    assert!(
        truncated.accuracy < 0.40,
        "truncated BPTT reached {}",
        truncated.accuracy
    );
}
