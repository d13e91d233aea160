//! Stroke-5 tokens: a drawing as a sequence of pen moves, the form
//! sketch-rnn reads and writes (Ha & Eck 2017, §3.1).
//!
//! A **token** is `[dx, dy, p1, p2, p3]`:
//! - `dx, dy`: the offset from the previous point P_{t−1} to this point P_t;
//! - the **pen** after P_t, exactly one of: `p1` *down* (the segment
//!   P_t → P_{t+1} is drawn), `p2` *up* (P_t ends a stroke; the next point
//!   starts a new one), `p3` *end* (the drawing is over; this token's offset
//!   is not drawn).
//!
//! Conventions (those of sketch_rnn.js, which the shipped models were
//! exported for): a drawing starts at its **origin** P_0, which has no token
//! of its own, and the pen is down at P_0. So [`from_drawing`] makes the first
//! point of the first stroke the origin, and [`to_drawing`] starts at (0, 0).
//! A first stroke of a single point (a dot) becomes the token `(0, 0, up)`, so
//! both directions are exact inverses up to the translation by P_0.
//!
//! Offsets here are in the drawing's own units (pixels of the Quick, Draw!
//! simplified frame for sketch-rnn); [`Token::to_input`] divides by the
//! model's scale to get the network's input.

use super::drawing::{Drawing, Point, Stroke};

/// The pen state after a point: which of p1, p2, p3 is 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pen {
    /// p1: the pen stays down, the segment to the next point is drawn.
    Down,
    /// p2: the pen lifts, the stroke ends at this point.
    Up,
    /// p3: the drawing ends.
    End,
}

impl Pen {
    /// The pen for index 0, 1, 2 (p1, p2, p3).
    pub fn from_index(m: usize) -> Pen {
        match m {
            0 => Pen::Down,
            1 => Pen::Up,
            _ => Pen::End,
        }
    }

    /// `[p1, p2, p3]` as a one-hot vector.
    pub fn one_hot(self) -> [f32; 3] {
        match self {
            Pen::Down => [1.0, 0.0, 0.0],
            Pen::Up => [0.0, 1.0, 0.0],
            Pen::End => [0.0, 0.0, 1.0],
        }
    }
}

/// One stroke-5 token, offsets in drawing units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Token {
    pub dx: f32,
    pub dy: f32,
    pub pen: Pen,
}

impl Token {
    /// The all-zero start token `[0, 0, 0, 0, 0]` sketch_rnn.js feeds first.
    pub const START: [f32; 5] = [0.0; 5];

    /// The end-of-drawing token `[0, 0, 0, 0, 1]`.
    pub const END: Token = Token {
        dx: 0.0,
        dy: 0.0,
        pen: Pen::End,
    };

    /// The network input `[dx/scale, dy/scale, p1, p2, p3]`.
    pub fn to_input(&self, scale: f32) -> [f32; 5] {
        let [p1, p2, p3] = self.pen.one_hot();
        [self.dx / scale, self.dy / scale, p1, p2, p3]
    }
}

/// The drawing as stroke-5 tokens, from its first point as origin. No end
/// token is appended (feeding a drawing to continue it must not end it); push
/// [`Token::END`] yourself for a complete sequence. Empty strokes are skipped;
/// timestamps are dropped.
pub fn from_drawing(d: &Drawing) -> Vec<Token> {
    let mut strokes = d.strokes.iter().filter(|s| !s.points.is_empty());
    let Some(first) = strokes.next() else {
        return Vec::new();
    };
    let mut tokens = Vec::with_capacity(d.num_points());
    let origin = first.points[0];
    if first.points.len() == 1 {
        // A lone dot: a zero move that lifts the pen keeps it a stroke of its own.
        tokens.push(Token {
            dx: 0.0,
            dy: 0.0,
            pen: Pen::Up,
        });
    }
    let mut prev = origin;
    let rest_of_first = first
        .points
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, p)| (p, i + 1 == first.points.len()));
    let others = strokes.flat_map(|s| {
        let n = s.points.len();
        s.points
            .iter()
            .enumerate()
            .map(move |(i, p)| (p, i + 1 == n))
    });
    for (p, last) in rest_of_first.chain(others) {
        tokens.push(Token {
            dx: p.x - prev.x,
            dy: p.y - prev.y,
            pen: if last { Pen::Up } else { Pen::Down },
        });
        prev = *p;
    }
    tokens
}

/// The strokes drawn by `tokens`, starting at `origin`. With `pen_down` the
/// origin is the first point of the first stroke (a drawing's start);
/// without, the first token's point starts a new stroke (continuing after a
/// finished stroke). Tokens after an end token are ignored; a zero move
/// within a stroke adds no point.
pub fn to_strokes(tokens: &[Token], origin: (f32, f32), pen_down: bool) -> Vec<Stroke> {
    let (mut x, mut y) = origin;
    let mut strokes = Vec::new();
    let mut current: Vec<Point> = if pen_down {
        vec![Point::xy(x, y)]
    } else {
        Vec::new()
    };
    for t in tokens {
        if t.pen == Pen::End {
            break;
        }
        x += t.dx;
        y += t.dy;
        // A zero move repeats the point; it carries no shape (and a lone dot
        // at the origin comes back as one point).
        if current.last() != Some(&Point::xy(x, y)) {
            current.push(Point::xy(x, y));
        }
        if t.pen == Pen::Up {
            strokes.push(Stroke {
                points: std::mem::take(&mut current),
            });
        }
    }
    if !current.is_empty() {
        strokes.push(Stroke { points: current });
    }
    strokes
}

/// The drawing made by `tokens` from the origin (0, 0), pen down at the start.
pub fn to_drawing(tokens: &[Token]) -> Drawing {
    Drawing {
        strokes: to_strokes(tokens, (0.0, 0.0), true),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_follow_the_pen() {
        let d = Drawing::from_xy(&[
            &[(10.0, 10.0), (20.0, 10.0), (20.0, 30.0)],
            &[(0.0, 0.0), (5.0, 5.0)],
        ]);
        let t = from_drawing(&d);
        let want = [
            (10.0, 0.0, Pen::Down),
            (0.0, 20.0, Pen::Up),
            (-20.0, -30.0, Pen::Down),
            (5.0, 5.0, Pen::Up),
        ];
        assert_eq!(t.len(), want.len());
        for (got, &(dx, dy, pen)) in t.iter().zip(&want) {
            assert_eq!((got.dx, got.dy, got.pen), (dx, dy, pen));
        }
    }

    #[test]
    fn round_trip_up_to_the_origin() {
        let d = Drawing::from_xy(&[
            &[(7.0, 3.0)],
            &[(1.0, 2.0), (3.0, 4.0)],
            &[(9.0, 9.0)],
            &[(0.0, 5.0), (1.0, 1.0), (2.0, 2.0)],
        ]);
        let back = to_drawing(&from_drawing(&d)).map_points(|p| Point::xy(p.x + 7.0, p.y + 3.0));
        assert_eq!(back.strokes, d.strokes);
    }

    #[test]
    fn end_token_stops_and_its_offset_is_not_drawn() {
        let t = [
            Token {
                dx: 1.0,
                dy: 0.0,
                pen: Pen::Down,
            },
            Token {
                dx: 100.0,
                dy: 100.0,
                pen: Pen::End,
            },
            Token {
                dx: 1.0,
                dy: 1.0,
                pen: Pen::Up,
            },
        ];
        let d = to_drawing(&t);
        assert_eq!(d.strokes.len(), 1);
        assert_eq!(
            d.strokes[0].points,
            vec![Point::xy(0.0, 0.0), Point::xy(1.0, 0.0)]
        );
    }

    #[test]
    fn continuing_after_a_lift_starts_a_new_stroke() {
        let t = [
            Token {
                dx: 2.0,
                dy: 0.0,
                pen: Pen::Down,
            },
            Token {
                dx: 0.0,
                dy: 2.0,
                pen: Pen::Up,
            },
        ];
        let s = to_strokes(&t, (10.0, 10.0), false);
        assert_eq!(
            s,
            vec![Stroke {
                points: vec![Point::xy(12.0, 10.0), Point::xy(12.0, 12.0)]
            }]
        );
    }

    #[test]
    fn input_is_scaled_and_one_hot() {
        let t = Token {
            dx: 10.0,
            dy: -5.0,
            pen: Pen::Up,
        };
        assert_eq!(t.to_input(5.0), [2.0, -1.0, 0.0, 1.0, 0.0]);
        assert!(from_drawing(&Drawing::default()).is_empty());
    }
}
