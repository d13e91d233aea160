//! The Caption tab: open, drop or paste a photo; the captioner (on the
//! worker) writes its caption. Hover a word to see where the decoder looked
//! (the attention grid over the photo); below, the N-best captions as the
//! beam's tree, the decoder LSTM's gates per word, and the encoder's labels.

use super::files::Purpose;
use super::shortcuts::PASTE;
use super::widgets::GateMaps;
use super::worker::{Job, LoadedPhoto, PhotoSource};
use super::{Command, Tab};
use crate::caption::captioner::{CaptionResult, Hypothesis};
use crate::caption::domain;
use crate::caption::overlay;
use crate::nn::inspect::Heatmaps;
use std::sync::Arc;

/// The photo on show.
pub struct Shown {
    pub name: String,
    /// Original size in pixels.
    pub size: [u32; 2],
    pub texture: egui::TextureHandle,
    /// The decoded photo, for captioning again (another beam width).
    pub image: Arc<image::RgbImage>,
}

/// View state of the Caption tab.
pub struct CaptionTab {
    pub shown: Option<Shown>,
    /// The generation of the photo being loaded, if any.
    pub loading: Option<u64>,
    /// The last load error, shown until the next successful load.
    pub error: Option<String>,
    /// Text of the "open from path" field.
    pub path_field: String,
    /// The caption of the photo on show.
    pub caption: Option<CaptionResult>,
    /// The generation of the caption being computed, if any.
    pub captioning: Option<u64>,
    pub caption_error: Option<String>,
    /// Beam width (1 = greedy).
    pub beam: usize,
    /// The word of the best caption whose attention map is shown.
    pub focus_word: Option<usize>,
    /// The decoder LSTM's gates while it wrote the best caption, a column
    /// per word (and one for the end).
    pub decoder_gates: Option<Heatmaps>,
    decoder_maps: GateMaps,
    /// Show the attention map as the encoder's raw grid cells instead of
    /// smoothly upsampled.
    pub raw_attention: bool,
    /// The focused word's attention map as a texture, and what it was made
    /// from (the word, raw or smooth); dropped with the caption.
    attention_texture: Option<((usize, bool), egui::TextureHandle)>,
    next_generation: u64,
}

impl Default for CaptionTab {
    fn default() -> Self {
        Self {
            shown: None,
            loading: None,
            error: None,
            path_field: String::new(),
            caption: None,
            captioning: None,
            caption_error: None,
            beam: 3,
            focus_word: None,
            decoder_gates: None,
            decoder_maps: GateMaps::new("decoder"),
            raw_attention: false,
            attention_texture: None,
            next_generation: 0,
        }
    }
}

impl CaptionTab {
    /// Starts loading a photo; returns the command the app sends to the worker.
    pub fn request(&mut self, source: PhotoSource) -> Command {
        self.next_generation += 1;
        self.loading = Some(self.next_generation);
        Command::Work(Job::LoadPhoto {
            generation: self.next_generation,
            source,
        })
    }

    /// Asks for the caption of the photo on show.
    pub fn request_caption(&mut self) -> Option<Command> {
        let image = self.shown.as_ref()?.image.clone();
        self.next_generation += 1;
        self.captioning = Some(self.next_generation);
        Some(Command::Work(Job::Caption {
            generation: self.next_generation,
            image,
            beam: self.beam,
        }))
    }

    /// Where the decoder's gate maps were last painted (tests aim at them).
    pub fn decoder_map_rects(&self) -> &[egui::Rect] {
        &self.decoder_maps.rects
    }

    /// Takes the worker's caption; one for an older photo is dropped.
    pub fn receive_caption(&mut self, generation: u64, result: Result<Box<CaptionResult>, String>) {
        if self.captioning != Some(generation) {
            return;
        }
        self.captioning = None;
        self.focus_word = None;
        self.attention_texture = None;
        match result {
            Ok(c) => {
                self.decoder_gates = c
                    .taps
                    .as_ref()
                    .map(|taps| Heatmaps::from_taps(&taps.iter().collect::<Vec<_>>()));
                self.decoder_maps.stale = true;
                self.caption = Some(*c);
                self.caption_error = None;
            }
            Err(e) => self.caption_error = Some(e),
        }
    }

    /// Takes a worker's answer; stale answers (an older request) are dropped.
    /// A new photo asks for its caption.
    #[must_use]
    pub fn receive(
        &mut self,
        ctx: &egui::Context,
        generation: u64,
        result: Result<Box<LoadedPhoto>, String>,
    ) -> Option<Command> {
        if self.loading != Some(generation) {
            return None;
        }
        self.loading = None;
        match result {
            Ok(loaded) => {
                let d = &loaded.display;
                let color = egui::ColorImage::from_rgb(
                    [d.width() as usize, d.height() as usize],
                    d.as_raw(),
                );
                self.shown = Some(Shown {
                    name: loaded.photo.name.clone(),
                    size: [loaded.photo.width(), loaded.photo.height()],
                    texture: ctx.load_texture("photo", color, egui::TextureOptions::LINEAR),
                    image: Arc::new(loaded.photo.image),
                });
                self.error = None;
                self.caption = None;
                self.caption_error = None;
                self.request_caption()
            }
            // The previous photo stays; the message says what went wrong.
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }
}

impl Tab for CaptionTab {
    fn title(&self) -> String {
        crate::t!("tab-caption")
    }

    fn ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        if ui.input_mut(|i| i.consume_shortcut(&PASTE)) || pasted(ui) {
            commands.push(self.request(PhotoSource::Clipboard));
        }
        ui.horizontal_wrapped(|ui| {
            if ui
                .button(crate::t!("caption-open"))
                .on_hover_text(crate::t!("caption-open-tip"))
                .clicked()
            {
                commands.push(Command::ChooseFile(Purpose::OpenPhoto));
            }
            if ui
                .button(crate::t!("caption-paste"))
                .on_hover_text(crate::t!("caption-paste-tip"))
                .clicked()
            {
                commands.push(self.request(PhotoSource::Clipboard));
            }
            ui.separator();
            let label = ui.label(crate::t!("caption-path"));
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.path_field)
                        .char_limit(super::MAX_PATH_CHARS)
                        .hint_text(crate::t!("caption-path-hint"))
                        .desired_width(260.0),
                )
                .labelled_by(label.id);
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button(crate::t!("caption-open-path")).clicked() || enter)
                && !self.path_field.trim().is_empty()
            {
                let path = std::path::PathBuf::from(self.path_field.trim());
                commands.push(self.request(PhotoSource::File(path)));
            }
            if self.loading.is_some() {
                ui.spinner();
                ui.label(crate::t!("caption-loading"));
            }
        });
        if let Some(e) = &self.error {
            ui.colored_label(
                ui.visuals().error_fg_color,
                crate::t!("caption-error", error = e),
            );
        }
        ui.separator();
        match &self.shown {
            Some(shown) => {
                ui.label(crate::t!(
                    "caption-photo-size",
                    name = &shown.name,
                    width = shown.size[0],
                    height = shown.size[1]
                ));
                let (texture, size) = (shown.texture.id(), shown.texture.size_vec2());
                let alt = crate::t!("caption-photo-alt", name = &shown.name);
                self.caption_ui(ui, &mut commands);
                if let Some(c) = &self.caption {
                    let side = c.grid_side;
                    ui.checkbox(
                        &mut self.raw_attention,
                        crate::t!("attention-raw-grid", side = side),
                    )
                    .on_hover_text(crate::t!("attention-raw-grid-hint"));
                }
                let avail = ui.available_size();
                let scale = (avail.x / size.x).min(avail.y / size.y).min(4.0);
                let r = ui.add(egui::Image::new((texture, size * scale)).alt_text(alt));
                self.paint_attention(ui, r.rect);
            }
            None => {
                ui.centered_and_justified(|ui| {
                    ui.label(egui::RichText::new(crate::t!("caption-empty")).size(16.0));
                });
            }
        }
        commands
    }
}

impl CaptionTab {
    /// The caption (words hoverable for their attention map), beam control,
    /// N-best list and the encoder's labels.
    fn caption_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal_wrapped(|ui| {
            ui.label(crate::t!("caption-beam"));
            let beam = ui
                .add(egui::Slider::new(&mut self.beam, 1..=5))
                .on_hover_text(crate::t!("caption-beam-tip"));
            if beam.drag_stopped() || (beam.changed() && !beam.dragged()) {
                commands.extend(self.request_caption());
            }
            if self.captioning.is_some() {
                ui.spinner();
                ui.label(crate::t!("caption-working"));
            }
        });
        if let Some(e) = &self.caption_error {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                crate::t!("caption-none", error = e),
            );
        }
        let Some(c) = &self.caption else { return };
        let Some(best) = c.nbest.first() else { return };
        let mut hovered = None;
        ui.horizontal_wrapped(|ui| {
            // The captioner writes English only; in another language the
            // caption says so instead of passing for a translation.
            if crate::i18n::current() != crate::i18n::Lang::En {
                ui.weak(crate::t!("caption-in-english"));
            }
            for (i, w) in best.words.iter().enumerate() {
                let text = egui::RichText::new(w).size(20.0);
                let text = if self.focus_word == Some(i) {
                    text.underline().strong()
                } else {
                    text
                };
                let r = ui
                    .add(egui::Label::new(text).sense(egui::Sense::click()))
                    .on_hover_text(crate::t!("caption-word-tip"));
                if r.hovered() || r.clicked() {
                    hovered = Some(i);
                }
            }
            if ui
                .button(crate::t!("caption-copy"))
                .on_hover_text(crate::t!("caption-copy-tip"))
                .clicked()
            {
                ui.ctx().copy_text(best.text.clone());
            }
        });
        if hovered.is_some() {
            self.focus_word = hovered;
        }
        ui.small(crate::t!(
            "caption-sure",
            pct = percent_per_word(best.mean_logprob()),
            logp = crate::i18n::num(best.logprob, 2)
        ))
        .on_hover_text(crate::t!(
            "caption-sure-tip",
            encoder = crate::i18n::num(c.encoder_ms, 0),
            decoder = crate::i18n::num(c.decoder_ms, 0)
        ));
        if let Some((label, p)) = domain::unmentioned_animal(&best.words, &c.labels) {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                crate::t!(
                    "caption-unmentioned",
                    label = quoted_label(&label),
                    pct = crate::i18n::pct(f64::from(p))
                ),
            );
        }
        ui.small(crate::t!("caption-trained-on"));
        egui::CollapsingHeader::new(crate::t!("caption-nbest")).show(ui, |ui| {
            ui.small(crate::t!("caption-nbest-explain"));
            egui::ScrollArea::horizontal()
                .id_salt("beam_tree")
                .show(ui, |ui| beam_tree(ui, &c.nbest));
        });
        if let Some(maps) = &self.decoder_gates {
            let words = best.words.clone();
            let marked = self.focus_word;
            let decoders = c.decoders;
            let header = egui::CollapsingHeader::new(crate::t!("caption-gates"))
                .id_salt("decoder_gates")
                .show(ui, |ui| {
                    ui.small(crate::t!("caption-gates-explain", decoders = decoders));
                    let hovered = self.decoder_maps.ui(ui, maps, true, marked, [96.0, 40.0]);
                    word_labels(ui, &self.decoder_maps, &words, maps.steps);
                    hovered
                });
            if let Some(Some(t)) = header.body_returned
                && t < words.len()
            {
                self.focus_word = Some(t);
            }
        }
        egui::CollapsingHeader::new(crate::t!("caption-labels")).show(ui, |ui| {
            for (label, p) in &c.labels {
                let pct = crate::i18n::pct_with(f64::from(*p), 1);
                ui.label(format!("{pct:>6}  {label}"));
            }
        });
    }

    /// Darkens the photo where the decoder did not look for the focused
    /// word (the encoder's attention grid, as in Show, Attend and Tell):
    /// the encoder's grid of weights upsampled by the library (`caption::overlay`, the
    /// same pixels as the attention contact sheet), smooth or as the raw
    /// cells, as a texture stretched over the photo.
    fn paint_attention(&mut self, ui: &egui::Ui, rect: egui::Rect) {
        let Some(word) = self.focus_word else { return };
        let Some(map) = self
            .caption
            .as_ref()
            .and_then(|c| c.nbest.first())
            .and_then(|h| h.attention.get(word))
        else {
            return;
        };
        let key = (word, self.raw_attention);
        if self.attention_texture.as_ref().map(|(k, _)| *k) != Some(key) {
            let filter = if self.raw_attention {
                egui::TextureOptions::NEAREST
            } else {
                egui::TextureOptions::LINEAR
            };
            let shade = attention_shade(map, overlay::side_of(map), !self.raw_attention);
            let texture = ui.ctx().load_texture("attention", shade, filter);
            self.attention_texture = Some((key, texture));
        }
        let (_, texture) = self.attention_texture.as_ref().expect("made above");
        ui.painter_at(rect).image(
            texture.id(),
            rect,
            egui::Rect::from_min_max(egui::Pos2::ZERO, egui::pos2(1.0, 1.0)),
            egui::Color32::WHITE,
        );
    }
}

/// The shade over the photo for one attention map (`side`×`side` weights,
/// row-major) at 32 pixels a cell, the encoder's stride (224 square for
/// Lite0's 7×7): [`overlay::shade`] as black with that alpha.
pub fn attention_shade(map: &[f32], side: usize, smooth: bool) -> egui::ColorImage {
    let px = 32 * side;
    let pixels = overlay::shade(map, side, px, px, smooth)
        .into_iter()
        .map(egui::Color32::from_black_alpha)
        .collect();
    egui::ColorImage::new([px, px], pixels)
}

/// The words under the decoder's gate maps, centred on their columns (the
/// last column is the end of the caption).
fn word_labels(ui: &mut egui::Ui, maps: &GateMaps, words: &[String], steps: usize) {
    let Some(last) = maps.rects.last() else {
        return;
    };
    let (rect, _) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), 16.0), egui::Sense::hover());
    let col = last.width() / steps.max(1) as f32;
    let painter = ui.painter_at(rect);
    let font = egui::TextStyle::Small.resolve(ui.style());
    let colour = ui.visuals().text_color();
    for t in 0..steps {
        let word = words
            .get(t)
            .cloned()
            .unwrap_or_else(|| crate::t!("caption-end"));
        painter.text(
            egui::pos2(last.left() + (t as f32 + 0.5) * col, rect.center().y),
            egui::Align2::CENTER_CENTER,
            word,
            font.clone(),
            colour,
        );
    }
}

/// The N-best captions as the tree the beam grew: a row per caption, a
/// shared first part drawn once, each caption's log-probability at its end.
fn beam_tree(ui: &mut egui::Ui, nbest: &[Hypothesis]) {
    const ROW: f32 = 22.0;
    const GAP: f32 = 14.0;
    let font = egui::TextStyle::Body.resolve(ui.style());
    let strong = ui.visuals().strong_text_color();
    let weak = ui.visuals().weak_text_color();
    let line = ui.visuals().widgets.noninteractive.fg_stroke;
    // A word's node belongs to the first (best) caption with the same prefix.
    let owner = |k: usize, d: usize| {
        (0..=k)
            .find(|&j| nbest[j].words.len() > d && nbest[j].words[..=d] == nbest[k].words[..=d])
            .unwrap_or(k)
    };
    let painter = ui.painter().clone();
    let galleys: Vec<Vec<_>> = nbest
        .iter()
        .enumerate()
        .map(|(k, h)| {
            h.words
                .iter()
                .map(|w| {
                    painter.layout_no_wrap(
                        w.clone(),
                        font.clone(),
                        if k == 0 { strong } else { weak },
                    )
                })
                .collect()
        })
        .collect();
    let widths: Vec<f32> = galleys
        .iter()
        .map(|g| g.iter().map(|x| x.size().x + GAP).sum::<f32>() + 60.0)
        .collect();
    let width = widths.iter().copied().fold(0.0, f32::max);
    let (rect, response) = ui.allocate_exact_size(
        egui::vec2(width, ROW * nbest.len() as f32),
        egui::Sense::hover(),
    );
    let spoken: Vec<String> = nbest
        .iter()
        .map(|h| format!("{} ({})", h.text, crate::i18n::num(h.logprob, 2)))
        .collect();
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Figure,
            true,
            crate::t!("caption-beam-tree", captions = spoken.join("; ")),
        )
    });
    for (k, h) in nbest.iter().enumerate() {
        let y = rect.top() + ROW * (k as f32 + 0.5);
        let mut x = rect.left() + 2.0;
        let mut prev_end: Option<egui::Pos2> = None;
        for (d, g) in galleys[k].iter().enumerate() {
            let o = owner(k, d);
            let node_y = rect.top() + ROW * (o as f32 + 0.5);
            if o == k {
                if let Some(p) = prev_end {
                    // Branching off a better caption: a connector from its word.
                    if (p.y - y).abs() > 1.0 {
                        painter.line_segment([p, egui::pos2(p.x + GAP / 2.0, y)], line);
                        painter
                            .line_segment([egui::pos2(p.x + GAP / 2.0, y), egui::pos2(x, y)], line);
                    }
                }
                painter.galley(egui::pos2(x, node_y - g.size().y / 2.0), g.clone(), strong);
            }
            prev_end = Some(egui::pos2(x + g.size().x + 1.0, node_y));
            x += g.size().x + GAP;
        }
        painter.text(
            egui::pos2(x, y),
            egui::Align2::LEFT_CENTER,
            crate::t!(
                "caption-per-word",
                pct = percent_per_word(h.mean_logprob()),
                logp = crate::i18n::num(h.logprob, 2)
            ),
            egui::TextStyle::Small.resolve(ui.style()),
            weak,
        );
    }
}

/// True if the integration turned Ctrl+V into a paste event this frame
/// (egui-winit does, when the clipboard holds text).
fn pasted(ui: &egui::Ui) -> bool {
    ui.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Paste(_))))
}

/// An ImageNet label inside a sentence: "an Egyptian cat", "a tabby" in
/// English; in pt-BR the label stays English, so it is quoted rather than
/// given a Portuguese article of a guessed gender.
fn quoted_label(label: &str) -> String {
    if crate::i18n::current() != crate::i18n::Lang::En {
        return format!("“{label}”");
    }
    let vowel = label
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {label}", if vowel { "an" } else { "a" })
}

/// A per-word log-probability as the probability a person reads: "29%".
fn percent_per_word(score: f64) -> String {
    crate::i18n::pct(score.exp())
}

#[cfg(test)]
mod attention_tests {
    use super::*;

    #[test]
    fn the_shade_is_clear_where_the_decoder_looked() {
        let mut map = vec![0.0f32; 49];
        map[24] = 0.5; // the centre
        map[0] = 0.25;
        // The raw grid: 32 × 32 pixels a cell at the encoder's 224.
        let img = attention_shade(&map, 7, false);
        assert_eq!(img.size, [224, 224]);
        let at = |x: usize, y: usize| img.pixels[y * 224 + x].a();
        assert_eq!(at(112, 112), 0, "the peak is not darkened");
        assert_eq!(at(5, 5), 100, "half the peak, half the shade");
        assert_eq!(at(223, 223), 200, "nowhere looked: darkest");
        // Smooth: clear at the peak cell's centre (pixel 111.5), half the
        // shade halfway to the next cell's centre (pixel 127.5).
        let img = attention_shade(&map, 7, true);
        let at = |x: usize, y: usize| img.pixels[y * 224 + x].a();
        assert!(at(112, 112) <= 10, "{}", at(112, 112));
        assert!((95..=110).contains(&at(128, 112)), "{}", at(128, 112));
    }
}
