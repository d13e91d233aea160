//! The attention contact sheet: for each photo a row with the photo, then
//! the decoder's attention over it for each noun of its caption (labelled
//! with the word), and the caption written above the row. The captions and
//! maps come from [`Captioner::caption`] (the app's captions: beam search,
//! the ensemble's mean map), and each map is drawn with
//! [`overlay::shade_photo`], the shade the app's Caption tab lays over the
//! photo for a hovered word.
//!
//! **Nouns** are the caption's words found in [`NOUNS`], a fixed list of
//! the concrete nouns among the most frequent words of the Flickr8k
//! training captions (people, animals, clothes, places, things) plus a few
//! common ones; there is no tagger, so a listed word used as a modifier
//! ("a *tennis* ball") gets a map of its own too. Each
//! distinct noun is shown once, at its first use, at most [`MAX_MAPS`] a row.

use image::imageops::{FilterType, resize};
use image::{Rgb, RgbImage};

use super::captioner::{Captioner, Hypothesis};
use super::overlay;
use crate::png_text::{LINE_PX, draw_text, label_font, scaled, text_width};

/// At most this many maps a row.
pub const MAX_MAPS: usize = 5;

/// The words counted as nouns (sorted).
pub const NOUNS: &[&str] = &[
    "adult",
    "adults",
    "air",
    "animal",
    "animals",
    "arm",
    "arms",
    "baby",
    "backpack",
    "bag",
    "ball",
    "balloon",
    "balloons",
    "band",
    "bar",
    "baseball",
    "basketball",
    "bat",
    "beach",
    "bed",
    "bench",
    "bicycle",
    "bike",
    "biker",
    "bikes",
    "bird",
    "birds",
    "board",
    "boat",
    "body",
    "boots",
    "bottle",
    "boy",
    "boys",
    "branch",
    "brick",
    "bridge",
    "bubble",
    "bubbles",
    "building",
    "bull",
    "bus",
    "cake",
    "camera",
    "cap",
    "car",
    "cars",
    "cat",
    "cats",
    "cave",
    "chair",
    "child",
    "children",
    "city",
    "cliff",
    "climber",
    "clothes",
    "clothing",
    "coat",
    "collar",
    "costume",
    "couple",
    "cow",
    "cows",
    "crowd",
    "cup",
    "cups",
    "desert",
    "dirt",
    "dock",
    "dog",
    "dogs",
    "dress",
    "dresses",
    "drink",
    "drum",
    "drums",
    "duck",
    "ducks",
    "face",
    "fence",
    "field",
    "fields",
    "fire",
    "flag",
    "flags",
    "floor",
    "flowers",
    "food",
    "football",
    "forest",
    "fountain",
    "frisbee",
    "game",
    "gear",
    "girl",
    "girls",
    "glass",
    "glasses",
    "gloves",
    "goal",
    "goggles",
    "grass",
    "ground",
    "group",
    "guitar",
    "guy",
    "hair",
    "hand",
    "hands",
    "hat",
    "hats",
    "head",
    "helmet",
    "hill",
    "hills",
    "hillside",
    "hockey",
    "hoop",
    "horse",
    "horses",
    "hose",
    "house",
    "jacket",
    "jackets",
    "jeans",
    "jersey",
    "kid",
    "kids",
    "kite",
    "lady",
    "lake",
    "lamp",
    "lawn",
    "leash",
    "leaves",
    "legs",
    "light",
    "lights",
    "log",
    "logs",
    "man",
    "mask",
    "men",
    "microphone",
    "motorcycle",
    "mountain",
    "mountains",
    "mouth",
    "mud",
    "music",
    "net",
    "obstacle",
    "ocean",
    "outfit",
    "pants",
    "park",
    "path",
    "people",
    "person",
    "picture",
    "pier",
    "plate",
    "player",
    "players",
    "playground",
    "pole",
    "pond",
    "pool",
    "puddle",
    "puppies",
    "puppy",
    "race",
    "racket",
    "rail",
    "railing",
    "ramp",
    "restaurant",
    "rider",
    "river",
    "road",
    "rock",
    "rocks",
    "room",
    "rope",
    "sand",
    "scarf",
    "sea",
    "shadow",
    "sheep",
    "shirt",
    "shoes",
    "shore",
    "shorts",
    "sidewalk",
    "sign",
    "skateboard",
    "skateboarder",
    "ski",
    "skier",
    "skis",
    "sky",
    "sled",
    "slide",
    "snow",
    "snowboard",
    "snowboarder",
    "sprinkler",
    "stage",
    "stairs",
    "steps",
    "stick",
    "stone",
    "store",
    "stream",
    "street",
    "suit",
    "sun",
    "sunglasses",
    "sunset",
    "surf",
    "surfboard",
    "surfer",
    "swing",
    "t-shirt",
    "table",
    "team",
    "tennis",
    "toddler",
    "tongue",
    "toy",
    "toys",
    "track",
    "trail",
    "train",
    "trampoline",
    "tree",
    "trees",
    "truck",
    "tshirt",
    "umbrella",
    "uniform",
    "valley",
    "vest",
    "wall",
    "water",
    "waterfall",
    "wave",
    "waves",
    "wheel",
    "window",
    "woman",
    "women",
    "wood",
    "woods",
    "yard",
];

/// Positions of the caption's nouns: each distinct noun at its first use,
/// in caption order, at most [`MAX_MAPS`].
pub fn noun_positions(words: &[String]) -> Vec<usize> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for (t, w) in words.iter().enumerate() {
        if NOUNS.binary_search(&w.as_str()).is_ok() && !seen.contains(&w.as_str()) {
            seen.push(w);
            out.push(t);
        }
    }
    out.truncate(MAX_MAPS);
    out
}

/// One row of the sheet: a photo's name, the photo, its best caption.
pub struct SheetRow {
    pub name: String,
    pub photo: RgbImage,
    pub caption: Hypothesis,
}

/// Captions each photo (beam `beam`) for the sheet.
pub fn caption_rows(
    captioner: &Captioner,
    photos: Vec<(String, RgbImage)>,
    beam: usize,
) -> Vec<SheetRow> {
    photos
        .into_iter()
        .map(|(name, photo)| {
            let mut r = captioner.caption(&photo, beam, 1);
            SheetRow {
                name,
                photo,
                caption: r.nbest.swap_remove(0),
            }
        })
        .collect()
}

const MARGIN: u32 = 8;
const GAP: u32 = 6;

/// The sheet: a row per photo, tiles `tile` pixels square (the photo
/// squashed as the encoder squashes it, so the encoder's grid lies over all of it).
pub fn contact_sheet(rows: &[SheetRow], tile: u32) -> RgbImage {
    let font = label_font();
    let font = scaled(&font);
    let line = LINE_PX as u32;
    let heading = |r: &SheetRow| format!("{}: {}", r.name, r.caption.text);
    let columns = 1 + rows
        .iter()
        .map(|r| noun_positions(&r.caption.words).len())
        .max()
        .unwrap_or(0) as u32;
    let tiles_w = columns * (tile + GAP) - GAP;
    let text_w = rows
        .iter()
        .map(|r| text_width(&font, &heading(r)).ceil() as u32)
        .max()
        .unwrap_or(0);
    let width = 2 * MARGIN + tiles_w.max(text_w);
    let row_h = line + 2 + tile + line + GAP;
    let height = 2 * MARGIN + rows.len() as u32 * row_h;
    let mut img = RgbImage::from_pixel(width, height, Rgb([255, 255, 255]));
    for (k, r) in rows.iter().enumerate() {
        let y0 = MARGIN + k as u32 * row_h;
        draw_text(
            &mut img,
            &font,
            &heading(r),
            MARGIN as f32,
            y0 as f32,
            false,
        );
        let ty = y0 + line + 2;
        let photo = resize(&r.photo, tile, tile, FilterType::Triangle);
        image::imageops::replace(&mut img, &photo, i64::from(MARGIN), i64::from(ty));
        for (c, t) in noun_positions(&r.caption.words).into_iter().enumerate() {
            let Some(map) = r.caption.attention.get(t) else {
                continue;
            };
            let x = MARGIN + (c as u32 + 1) * (tile + GAP);
            let shaded = overlay::shade_photo(&photo, map, overlay::side_of(map));
            image::imageops::replace(&mut img, &shaded, i64::from(x), i64::from(ty));
            let word = &r.caption.words[t];
            let wx = x as f32 + (tile as f32 - text_width(&font, word)) / 2.0;
            draw_text(&mut img, &font, word, wx, (ty + tile) as f32, false);
        }
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row whose noun's map looks only at the top-left cell: that map's
    /// tile is the photo there and darkened far from it, the photo tile is
    /// untouched, and the row has one map (the verb gets none).
    #[test]
    fn a_map_tile_is_the_photo_darkened_where_the_word_did_not_look() {
        let mut map = vec![0.0f32; 49];
        map[0] = 1.0;
        let words: Vec<String> = ["dog", "runs"].map(String::from).to_vec();
        let row = SheetRow {
            name: "grey.jpg".into(),
            photo: RgbImage::from_pixel(70, 70, Rgb([200, 200, 200])),
            caption: Hypothesis {
                text: words.join(" "),
                words,
                logprob: -1.0,
                score: -0.5,
                attention: vec![map.clone(), map.clone(), map],
                parents: vec![0, 0, 0],
            },
        };
        let tile = 70;
        let img = contact_sheet(&[row], tile);
        let ty = MARGIN + LINE_PX as u32 + 2;
        let x1 = MARGIN + tile + GAP;
        assert_eq!(img.width(), 2 * MARGIN + 2 * tile + GAP);
        assert_eq!(
            img.get_pixel(MARGIN + tile - 2, ty + tile - 2).0,
            [200, 200, 200]
        );
        assert_eq!(img.get_pixel(x1 + 2, ty + 2).0, [200, 200, 200]);
        let far = img.get_pixel(x1 + tile - 2, ty + tile - 2).0[0];
        assert_eq!(far, (200.0f32 * (1.0 - 200.0 / 255.0)).round() as u8);
        // The word is written under its map: dark pixels there.
        let label = (x1..x1 + tile)
            .flat_map(|x| (ty + tile..ty + tile + LINE_PX as u32).map(move |y| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0[0] < 128)
            .count();
        assert!(label > 10, "{label} dark pixels under the map");
    }

    #[test]
    fn the_noun_list_is_sorted_without_repeats() {
        assert!(NOUNS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn nouns_are_found_once_in_caption_order() {
        let words: Vec<String> = "a dog runs on the grass with a dog toy"
            .split(' ')
            .map(String::from)
            .collect();
        assert_eq!(noun_positions(&words), [1, 5, 9]);
    }
}
