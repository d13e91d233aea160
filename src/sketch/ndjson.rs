//! Reading and writing Quick, Draw! ndjson: one drawing per line.
//!
//! A line is either an object `{"word":…,"key_id":…,"drawing":[…]}` or a bare
//! `drawing` array. Each stroke is `[[x…],[y…]]` (*simplified* data: integers
//! in a 0–255 box) or `[[x…],[y…],[t…]]` (*raw* data: canvas pixels and
//! milliseconds). Both load into the same [`Drawing`].
//!
//! Everything a user hands us is checked here, once: equal array lengths,
//! finite and sane coordinates, a bounded number of points. A bad line is an
//! [`NdjsonError`] naming what is wrong; callers add the file and line.

use super::drawing::{Drawing, Point, Stroke};
use serde_json::Value;
use std::fmt::Write as _;
use std::io::BufRead;

/// The most points one drawing may have. The canvas and Quick, Draw! stay far
/// below; the bound keeps a hostile line from costing minutes.
pub const MAX_POINTS: usize = 100_000;
/// The most strokes one drawing may have.
pub const MAX_STROKES: usize = 10_000;
/// Coordinates beyond ±this are rejected as nonsense (and would lose all
/// precision in f32 anyway).
pub const MAX_COORD: f64 = 1.0e6;

/// The longest line read from a file or a pipe, in bytes. A drawing at
/// [`MAX_POINTS`] with timings is about 3 MB of text, so no drawing we accept
/// needs more; the bound keeps `/dev/zero` from filling memory.
pub const MAX_LINE_BYTES: usize = 8 << 20;
/// How far past an over-long line we look for its end before giving up on
/// the rest of the input (a file that is one endless line fails quickly).
pub const MAX_SKIP_BYTES: usize = 8 * MAX_LINE_BYTES;

/// What is wrong with one ndjson line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NdjsonError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("no \"drawing\" field")]
    NoDrawing,
    #[error("\"drawing\" must be an array of strokes")]
    NotStrokes,
    #[error("stroke {stroke}: expected [[x…],[y…]] or [[x…],[y…],[t…]]")]
    StrokeShape { stroke: usize },
    #[error("stroke {stroke}: x has {x} values but {what} has {n}")]
    LengthMismatch {
        stroke: usize,
        x: usize,
        what: &'static str,
        n: usize,
    },
    #[error("stroke {stroke}, point {point}: {what} is not a finite number")]
    NotANumber {
        stroke: usize,
        point: usize,
        what: &'static str,
    },
    #[error("stroke {stroke}, point {point}: {what} = {} is out of range (at most ±1e6)", short_number(*value))]
    OutOfRange {
        stroke: usize,
        point: usize,
        what: &'static str,
        value: f64,
    },
    #[error("drawing has {0} points; at most {MAX_POINTS} are accepted")]
    TooManyPoints(usize),
    #[error("drawing has {0} strokes; at most {MAX_STROKES} are accepted")]
    TooManyStrokes(usize),
    #[error("drawing is empty")]
    Empty,
    #[error("strokes mix timed ([x,y,t]) and untimed ([x,y]) points")]
    MixedTiming,
    #[error("line is longer than the limit of {} MiB", MAX_LINE_BYTES >> 20)]
    LineTooLong,
    #[error(
        "line is longer than the limit of {} MiB and has no end in the next {} MiB; the rest of the input was not read",
        MAX_LINE_BYTES >> 20,
        MAX_SKIP_BYTES >> 20
    )]
    EndlessLine,
    #[error("line is not valid UTF-8")]
    NotUtf8,
}

/// Reads an ndjson stream line by line with a bound on each line
/// ([`MAX_LINE_BYTES`]), so no input can hold more than that in memory.
/// Yields `(line_number, text or error)` for every non-blank line, numbered
/// from 1. An over-long line is skipped up to its end and reported; when no
/// end comes within [`MAX_SKIP_BYTES`], that is reported and the stream ends.
/// Read errors of the stream itself are returned as `Err`.
pub struct BoundedLines<R> {
    reader: R,
    line_no: usize,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> BoundedLines<R> {
    pub fn new(reader: R) -> Self {
        Self {
            reader,
            line_no: 0,
            buf: Vec::new(),
            done: false,
        }
    }

    /// Appends to `self.buf` up to and without the next newline, at most
    /// `cap` bytes kept; returns (bytes seen, whether the line ended).
    fn read_until_newline(&mut self, keep: bool, cap: usize) -> std::io::Result<(usize, bool)> {
        let mut seen = 0;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok((seen, false));
            }
            let (take, ended) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            if keep {
                let room = cap.saturating_sub(self.buf.len());
                self.buf.extend_from_slice(&chunk[..take.min(room)]);
            }
            seen += take;
            self.reader.consume(take + usize::from(ended));
            if ended || seen > cap {
                return Ok((seen, ended));
            }
        }
    }
}

impl<R: BufRead> Iterator for BoundedLines<R> {
    type Item = std::io::Result<(usize, Result<String, NdjsonError>)>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.buf.clear();
            let (seen, ended) = match self.read_until_newline(true, MAX_LINE_BYTES) {
                Ok(r) => r,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            if seen == 0 && !ended {
                self.done = true;
                return None;
            }
            self.line_no += 1;
            if seen > MAX_LINE_BYTES && ended {
                return Some(Ok((self.line_no, Err(NdjsonError::LineTooLong))));
            }
            if seen > MAX_LINE_BYTES {
                // Skip the rest of this line, but not forever.
                let error = match self.read_until_newline(false, MAX_SKIP_BYTES) {
                    Ok((_, true)) => NdjsonError::LineTooLong,
                    Ok((_, false)) => {
                        self.done = true;
                        NdjsonError::EndlessLine
                    }
                    Err(e) => {
                        self.done = true;
                        return Some(Err(e));
                    }
                };
                return Some(Ok((self.line_no, Err(error))));
            }
            let text = match std::str::from_utf8(&self.buf) {
                Ok(t) if t.trim().is_empty() => continue,
                Ok(t) => Ok(t.trim_end_matches('\r').to_owned()),
                Err(_) => Err(NdjsonError::NotUtf8),
            };
            return Some(Ok((self.line_no, text)));
        }
        None
    }
}

/// A number as a person can read it in a message: `1e300`, not 301 digits.
pub fn short_number(v: f64) -> String {
    if v.abs() >= 1e7 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Parses one line into a drawing. Empty drawings are an error: there is
/// nothing to classify or show.
pub fn parse_line(line: &str) -> Result<Drawing, NdjsonError> {
    let value: Value = serde_json::from_str(line).map_err(|e| NdjsonError::Json(e.to_string()))?;
    let (strokes_value, word, key_id) = match &value {
        Value::Array(_) => (&value, None, None),
        Value::Object(map) => {
            let strokes = map.get("drawing").ok_or(NdjsonError::NoDrawing)?;
            let word = map.get("word").and_then(Value::as_str).map(str::to_owned);
            // key_id is a string in Quick, Draw! files but a number in some copies.
            let key_id = match map.get("key_id") {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            (strokes, word, key_id)
        }
        _ => return Err(NdjsonError::NotStrokes),
    };
    let strokes = parse_strokes(strokes_value)?;
    let drawing = Drawing {
        strokes,
        word,
        key_id,
    };
    if drawing.is_empty() {
        return Err(NdjsonError::Empty);
    }
    Ok(drawing)
}

fn parse_strokes(value: &Value) -> Result<Vec<Stroke>, NdjsonError> {
    let arr = value.as_array().ok_or(NdjsonError::NotStrokes)?;
    if arr.len() > MAX_STROKES {
        return Err(NdjsonError::TooManyStrokes(arr.len()));
    }
    let mut total = 0usize;
    let mut timed: Option<bool> = None;
    let mut strokes = Vec::with_capacity(arr.len());
    for (si, s) in arr.iter().enumerate() {
        let parts = s
            .as_array()
            .filter(|p| p.len() == 2 || p.len() == 3)
            .ok_or(NdjsonError::StrokeShape { stroke: si })?;
        let has_t = parts.len() == 3;
        if *timed.get_or_insert(has_t) != has_t {
            return Err(NdjsonError::MixedTiming);
        }
        let xs = parts[0]
            .as_array()
            .ok_or(NdjsonError::StrokeShape { stroke: si })?;
        total += xs.len();
        if total > MAX_POINTS {
            return Err(NdjsonError::TooManyPoints(count_points(arr)));
        }
        let ys = parts[1]
            .as_array()
            .ok_or(NdjsonError::StrokeShape { stroke: si })?;
        check_len(si, xs.len(), "y", ys.len())?;
        let ts = match parts.get(2) {
            Some(t) => {
                let t = t
                    .as_array()
                    .ok_or(NdjsonError::StrokeShape { stroke: si })?;
                check_len(si, xs.len(), "t", t.len())?;
                Some(t)
            }
            None => None,
        };
        let mut points = Vec::with_capacity(xs.len());
        for pi in 0..xs.len() {
            let x = number(&xs[pi], si, pi, "x")?;
            let y = number(&ys[pi], si, pi, "y")?;
            let t = match ts {
                Some(ts) => Some(number(&ts[pi], si, pi, "t")?),
                None => None,
            };
            points.push(Point {
                x: x as f32,
                y: y as f32,
                t,
            });
        }
        strokes.push(Stroke { points });
    }
    Ok(strokes)
}

fn count_points(strokes: &[Value]) -> usize {
    strokes
        .iter()
        .filter_map(|s| s.get(0).and_then(Value::as_array).map(Vec::len))
        .sum()
}

fn check_len(stroke: usize, x: usize, what: &'static str, n: usize) -> Result<(), NdjsonError> {
    if x == n {
        Ok(())
    } else {
        Err(NdjsonError::LengthMismatch { stroke, x, what, n })
    }
}

fn number(v: &Value, stroke: usize, point: usize, what: &'static str) -> Result<f64, NdjsonError> {
    let value = v
        .as_f64()
        .filter(|f| f.is_finite())
        .ok_or(NdjsonError::NotANumber {
            stroke,
            point,
            what,
        })?;
    if value.abs() > MAX_COORD && what != "t" {
        return Err(NdjsonError::OutOfRange {
            stroke,
            point,
            what,
            value,
        });
    }
    Ok(value)
}

/// Writes a drawing as one ndjson line (no trailing newline). Timed drawings
/// are written in the raw format `[x, y, t]`, others as `[x, y]`; whole
/// numbers are written without a fraction, as Quick, Draw! does.
pub fn to_line(d: &Drawing) -> String {
    let timed = d.is_timed();
    let mut s = String::with_capacity(16 + d.num_points() * 12);
    s.push('{');
    if let Some(w) = &d.word {
        let _ = write!(s, "\"word\":{},", Value::String(w.clone()));
    }
    if let Some(k) = &d.key_id {
        let _ = write!(s, "\"key_id\":{},", Value::String(k.clone()));
    }
    s.push_str("\"drawing\":[");
    for (i, stroke) in d.strokes.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push('[');
        write_coords(&mut s, stroke.points.iter().map(|p| p.x as f64));
        s.push(',');
        write_coords(&mut s, stroke.points.iter().map(|p| p.y as f64));
        if timed {
            s.push(',');
            write_coords(&mut s, stroke.points.iter().map(|p| p.t.unwrap_or(0.0)));
        }
        s.push(']');
    }
    s.push_str("]}");
    s
}

fn write_coords(s: &mut String, values: impl Iterator<Item = f64>) {
    s.push('[');
    for (i, v) in values.enumerate() {
        if i > 0 {
            s.push(',');
        }
        if v.fract() == 0.0 && v.abs() < 1e15 {
            let _ = write!(s, "{}", v as i64);
        } else {
            // Shortest representation that reads back to the same f32.
            let _ = write!(s, "{}", v as f32);
        }
    }
    s.push(']');
}

/// Parses every non-blank line of a text; yields `(line_number, result)`
/// with 1-based line numbers, so callers can report and go on.
pub fn parse_lines(text: &str) -> impl Iterator<Item = (usize, Result<Drawing, NdjsonError>)> + '_ {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, parse_line(l)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &str = r#"{"word":"cat","countrycode":"US","key_id":"123","drawing":[[[10.5,20,30],[1,2,3],[0,16,33]],[[5],[6],[100]]]}"#;
    const SIMPLE: &str = r#"{"word":"apple","key_id":"9","drawing":[[[134,98,67],[101,100,105]],[[78,68],[59,41]]]}"#;

    #[test]
    fn parses_raw_and_simplified() {
        let d = parse_line(RAW).unwrap();
        assert_eq!(d.word.as_deref(), Some("cat"));
        assert_eq!(d.key_id.as_deref(), Some("123"));
        assert_eq!(d.strokes.len(), 2);
        assert_eq!(
            d.strokes[0].points[0],
            Point {
                x: 10.5,
                y: 1.0,
                t: Some(0.0)
            }
        );
        assert!(d.is_timed());
        let s = parse_line(SIMPLE).unwrap();
        assert!(!s.is_timed());
        assert_eq!(s.num_points(), 5);
    }

    #[test]
    fn bare_array_is_accepted() {
        let d = parse_line("[[[1,2],[3,4]]]").unwrap();
        assert_eq!(d.num_points(), 2);
        assert_eq!(d.word, None);
    }

    #[test]
    fn round_trip_keeps_strokes() {
        for line in [RAW, SIMPLE] {
            let d = parse_line(line).unwrap();
            let again = parse_line(&to_line(&d)).unwrap();
            assert_eq!(d, again);
        }
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        let cases: &[(&str, NdjsonError)] = &[
            ("{", NdjsonError::Json(String::new())),
            ("{\"word\":\"x\"}", NdjsonError::NoDrawing),
            ("{\"drawing\":5}", NdjsonError::NotStrokes),
            ("[[[1,2]]]", NdjsonError::StrokeShape { stroke: 0 }),
            (
                "[[[1,2],[3]]]",
                NdjsonError::LengthMismatch {
                    stroke: 0,
                    x: 2,
                    what: "y",
                    n: 1,
                },
            ),
            (
                "[[[1,\"a\"],[3,4]]]",
                NdjsonError::NotANumber {
                    stroke: 0,
                    point: 1,
                    what: "x",
                },
            ),
            (
                "[[[1,1e300],[3,4]]]",
                NdjsonError::OutOfRange {
                    stroke: 0,
                    point: 1,
                    what: "x",
                    value: 1e300,
                },
            ),
            ("[]", NdjsonError::Empty),
            ("[[[],[]]]", NdjsonError::Empty),
            ("[[[1],[2]],[[1],[2],[3]]]", NdjsonError::MixedTiming),
        ];
        for (line, want) in cases {
            let got = parse_line(line).unwrap_err();
            match (want, &got) {
                (NdjsonError::Json(_), NdjsonError::Json(_)) => {}
                _ => assert_eq!(&got, want, "line {line}"),
            }
            assert!(!got.to_string().is_empty());
            assert!(got.to_string().len() < 120, "{got}");
        }
    }

    #[test]
    fn huge_drawings_are_refused_quickly() {
        let n = MAX_POINTS + 1;
        let xs: Vec<String> = (0..n).map(|i| (i % 256).to_string()).collect();
        let line = format!("[[[{0}],[{0}]]]", xs.join(","));
        assert_eq!(
            parse_line(&line).unwrap_err(),
            NdjsonError::TooManyPoints(n)
        );
    }

    #[test]
    fn bounded_lines_skip_an_over_long_line_and_give_up_on_an_endless_one() {
        let long = "x".repeat(MAX_LINE_BYTES + 10);
        let text = format!("{SIMPLE}\r\n\n{long}\n\u{0}\n{RAW}");
        let lines: Vec<(usize, Result<String, NdjsonError>)> =
            BoundedLines::new(std::io::Cursor::new(text.into_bytes()))
                .map(Result::unwrap)
                .collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], (1, Ok(SIMPLE.to_owned())));
        assert_eq!(lines[1], (3, Err(NdjsonError::LineTooLong)));
        assert_eq!(lines[2].0, 4);
        assert_eq!(lines[3], (5, Ok(RAW.to_owned())));
        let bad = BoundedLines::new(std::io::Cursor::new(vec![0xff, b'\n']))
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(bad, (1, Err(NdjsonError::NotUtf8)));

        // /dev/zero is one endless line: reported quickly, then the end.
        let t = std::time::Instant::now();
        let zero = std::io::BufReader::new(std::fs::File::open("/dev/zero").unwrap());
        let got: Vec<_> = BoundedLines::new(zero).map(Result::unwrap).collect();
        assert_eq!(got, vec![(1, Err(NdjsonError::EndlessLine))]);
        assert!(t.elapsed().as_secs_f32() < 5.0, "{:?}", t.elapsed());
        assert!(
            BoundedLines::new(std::io::Cursor::new(b""))
                .next()
                .is_none()
        );
    }

    #[test]
    fn parse_lines_numbers_from_one_and_skips_blanks() {
        let text = format!("{SIMPLE}\n\n{{bad\n{RAW}\n");
        let got: Vec<(usize, bool)> = parse_lines(&text).map(|(n, r)| (n, r.is_ok())).collect();
        assert_eq!(got, vec![(1, true), (3, false), (4, true)]);
    }
}
