//! Looking inside the LSTM: the gate values of every unit at every time
//! step, as heat maps (units × time), for the Inspect view and
//! `rnn-studio inspect`.
//!
//! Terms: a **tap** is one step's gate values ([`GateTap`]: f_t, i_t, o_t
//! and the memory C_t of every unit). A **heat map** lays one gate out with a
//! row per unit and a column per time step. Units are shown **by variance**
//! (over time, most active first) so the units that do something come first;
//! the order is per gate.

use super::lstm::GateTap;
use image::{Rgb, RgbImage};

/// One of the four things a tap holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// f_t: how much of the memory is kept
    Forget,
    /// i_t: how much of the candidate is written
    Input,
    /// o_t: how much of the memory is shown as h_t
    Output,
    /// C_t: the memory itself
    Cell,
}

impl Gate {
    pub const ALL: [Gate; 4] = [Gate::Forget, Gate::Input, Gate::Output, Gate::Cell];

    /// The lecture's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Gate::Forget => "f",
            Gate::Input => "i",
            Gate::Output => "o",
            Gate::Cell => "C",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Gate::Forget => "forget gate f",
            Gate::Input => "input gate i",
            Gate::Output => "output gate o",
            Gate::Cell => "memory C",
        }
    }
}

/// The four heat maps of one layer over a sequence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Heatmaps {
    /// T
    pub steps: usize,
    /// H
    pub units: usize,
    /// (4, H, T): gate g, unit u, step t at `(g·H + u)·T + t`, gates in [`Gate::ALL`] order
    values: Vec<f32>,
    /// The memory's colour scale, see [`Heatmaps::cell_scale`].
    c_scale: f32,
}

impl Heatmaps {
    /// Lays out the taps of one layer, one tap per step.
    pub fn from_taps(taps: &[&GateTap]) -> Self {
        let steps = taps.len();
        let units = taps.first().map_or(0, |t| t.f.len());
        let mut values = vec![0.0; 4 * units * steps];
        for (t, tap) in taps.iter().enumerate() {
            for (g, gate) in [&tap.f, &tap.i, &tap.o, &tap.c].into_iter().enumerate() {
                for (u, &v) in gate.iter().enumerate().take(units) {
                    values[(g * units + u) * steps + t] = v;
                }
            }
        }
        let g = Self::gate_index(Gate::Cell);
        let mut cells: Vec<f32> = values[g * units * steps..(g + 1) * units * steps]
            .iter()
            .map(|v| v.abs())
            .filter(|v| v.is_finite())
            .collect();
        // The 95th percentile of |C|: a few saturated units would otherwise
        // make every other unit's memory look white.
        let c_scale = if cells.is_empty() {
            1.0
        } else {
            let k = ((cells.len() - 1) as f32 * 0.95).round() as usize;
            *cells.select_nth_unstable_by(k, f32::total_cmp).1
        }
        .max(1e-6);
        Self {
            steps,
            units,
            values,
            c_scale,
        }
    }

    fn gate_index(gate: Gate) -> usize {
        Gate::ALL
            .iter()
            .position(|&g| g == gate)
            .expect("every gate is in ALL")
    }

    /// The values of one unit of one gate over time, (T).
    pub fn row(&self, gate: Gate, unit: usize) -> &[f32] {
        let start = (Self::gate_index(gate) * self.units + unit) * self.steps;
        &self.values[start..start + self.steps]
    }

    /// The value at one step.
    pub fn value(&self, gate: Gate, unit: usize, t: usize) -> f32 {
        self.row(gate, unit)[t]
    }

    /// Units ordered by the variance of `gate` over time, largest first
    /// (ties keep unit order, so the order is stable).
    pub fn order_by_variance(&self, gate: Gate) -> Vec<usize> {
        let var: Vec<f32> = (0..self.units)
            .map(|u| variance(self.row(gate, u)))
            .collect();
        let mut order: Vec<usize> = (0..self.units).collect();
        order.sort_by(|&a, &b| var[b].total_cmp(&var[a]));
        order
    }

    /// The memory's colour scale: the 95th percentile of |C| over the map
    /// (larger values show at full colour).
    pub fn cell_scale(&self) -> f32 {
        self.c_scale
    }

    /// The colour of a value: gates (0…1) on a dark-to-bright scale, the
    /// memory C (−s…s) on a diverging blue-white-red scale.
    pub fn colour(&self, gate: Gate, v: f32) -> [u8; 3] {
        match gate {
            Gate::Cell => diverging(v / self.cell_scale()),
            _ => sequential(v),
        }
    }

    /// One gate as an image, one pixel per (step, unit), rows in `order`.
    pub fn image(&self, gate: Gate, order: &[usize]) -> RgbImage {
        let mut img = RgbImage::new(self.steps.max(1) as u32, order.len().max(1) as u32);
        for (row, &u) in order.iter().enumerate() {
            for (t, &v) in self.row(gate, u).iter().enumerate() {
                img.put_pixel(t as u32, row as u32, Rgb(self.colour(gate, v)));
            }
        }
        img
    }
}

fn variance(xs: &[f32]) -> f32 {
    if xs.is_empty() {
        return 0.0;
    }
    let n = xs.len() as f32;
    let mean = xs.iter().sum::<f32>() / n;
    xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>() / n
}

/// A dark-blue → teal → yellow scale for values in 0…1 (viridis-like, so
/// equal steps look equal and it reads in greyscale).
pub fn sequential(v: f32) -> [u8; 3] {
    const STOPS: [[f32; 3]; 5] = [
        [68.0, 1.0, 84.0],
        [59.0, 82.0, 139.0],
        [33.0, 145.0, 140.0],
        [94.0, 201.0, 98.0],
        [253.0, 231.0, 37.0],
    ];
    let v = if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = v * (STOPS.len() - 1) as f32;
    let k = (x.floor() as usize).min(STOPS.len() - 2);
    let a = x - k as f32;
    let mix = |c: usize| (STOPS[k][c] + (STOPS[k + 1][c] - STOPS[k][c]) * a).round() as u8;
    [mix(0), mix(1), mix(2)]
}

/// Blue (−1) → white (0) → red (+1).
pub fn diverging(v: f32) -> [u8; 3] {
    let v = if v.is_finite() {
        v.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let fade = |c: f32| (255.0 - (255.0 - c) * v.abs()).round() as u8;
    if v < 0.0 {
        [fade(49.0), fade(99.0), fade(206.0)]
    } else {
        [fade(214.0), fade(47.0), fade(39.0)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tap(f: [f32; 2], c: [f32; 2]) -> GateTap {
        GateTap {
            f: f.to_vec(),
            i: vec![0.5, 0.5],
            o: vec![1.0, 0.0],
            c: c.to_vec(),
        }
    }

    #[test]
    fn layout_and_variance_order() {
        let taps = [tap([0.1, 0.5], [0.0, -2.0]), tap([0.9, 0.5], [1.0, 2.0])];
        let refs: Vec<&GateTap> = taps.iter().collect();
        let h = Heatmaps::from_taps(&refs);
        assert_eq!((h.steps, h.units), (2, 2));
        assert_eq!(h.row(Gate::Forget, 0), &[0.1, 0.9]);
        assert_eq!(h.value(Gate::Cell, 1, 1), 2.0);
        // Unit 0's f changes, unit 1's does not: unit 0 first.
        assert_eq!(h.order_by_variance(Gate::Forget), vec![0, 1]);
        // Unit 1's C swings more.
        assert_eq!(h.order_by_variance(Gate::Cell), vec![1, 0]);
        assert_eq!(h.cell_scale(), 2.0);
        let img = h.image(Gate::Output, &[0, 1]);
        assert_eq!(img.dimensions(), (2, 2));
        assert_eq!(img.get_pixel(0, 0).0, sequential(1.0));
        assert_eq!(img.get_pixel(0, 1).0, sequential(0.0));
    }

    #[test]
    fn colour_scales_are_monotone_and_safe() {
        assert_eq!(sequential(-5.0), sequential(0.0));
        assert_eq!(sequential(f32::NAN), sequential(0.0));
        let lum = |c: [u8; 3]| c.iter().map(|&x| x as u32).sum::<u32>();
        assert!(lum(sequential(0.25)) < lum(sequential(0.75)));
        assert_eq!(diverging(0.0), [255, 255, 255]);
        assert!(diverging(-1.0)[2] > diverging(-1.0)[0], "negative is blue");
        assert!(diverging(1.0)[0] > diverging(1.0)[2], "positive is red");
    }
}
