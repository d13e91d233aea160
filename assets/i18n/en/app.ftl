# rnn-studio, English messages.
#
# One file per part of the app; every message here must also exist in
# ../pt-BR/ under the same id (tests/i18n.rs checks both ways).

## Counts

stroke-count = { $n ->
    [one] { $n } stroke
   *[other] { $n } strokes
}
point-count = { $n ->
    [one] { $n } point
   *[other] { $n } points
}

## Window and frame

window-title = rnn-studio
tab-sketch = Sketch
tab-caption = Caption
tab-about = About
tab-lab = Lab
language-menu-tip = Language of the app (kept for the next start)
settings-bad = Settings not read, using the defaults: { $error }
settings-not-saved = The language could not be kept for the next start ({ $path }: { $error })
what-drawing = drawing
what-autosave = autosave
written-to = { $what } written to { $path }
write-failed = could not write { $what }: { $error }

## About tab

about-version = version { $version }
about-intro = Recurrent networks at work. Draw a doodle and a stroke-sequence LSTM (seconded by a small CNN that looks at the picture) guesses what it is while you draw; let sketch-rnn draw for you; drop a photo and a CNN encoder feeds an attention LSTM that writes a caption; look inside the LSTM at its forget, input and output gates and its memory.
about-keyboard = Keyboard
about-key-undo = undo the last stroke (Sketch)
about-key-open = open a drawing (Sketch) or a photo (Caption)
about-key-save = save the drawing as ndjson (Sketch)
about-key-inspect = show or hide the LSTM's gates while you draw (Sketch)
about-key-paste = paste a photo from the clipboard (Caption)
about-key-tabs = switch to Sketch / Caption / About / Lab
about-keys-tab-enter = Tab, Enter
about-key-focus = move between controls and press them
about-data = Data and models
about-credit-quickdraw = Quick, Draw! Dataset by Google, CC BY 4.0.
about-credit-sketch-rnn = sketch-rnn models by Google Magenta (Ha & Eck, "A Neural Representation of Sketch Drawings", 2017), Apache-2.0.
about-credit-efficientnet = EfficientNet-Lite0 and Lite2 by Google / The TensorFlow Authors (Tan & Le, 2019), Apache-2.0.
about-credit-flickr8k = Flickr8k: M. Hodosh, P. Young, J. Hockenmaier, "Framing Image Description as a Ranking Task: Data, Models and Evaluation Metrics", JAIR 47, 2013 (research use).
about-credit-photos = Sample photos: scikit-image data (CC0 / public domain), U.S. Navy (public domain).

## Sketch tab

sketch-undo = Undo
sketch-undo-tip = Take back the last stroke, Clear or Open (Ctrl+Z)
sketch-clear = Clear
sketch-clear-tip = Remove every stroke (Undo brings them back)
sketch-brush = Brush
sketch-brush-tip = Brush width
sketch-open = Open…
sketch-open-tip = Open a Quick, Draw! .ndjson drawing
sketch-save = Save…
sketch-save-tip = Save as Quick, Draw! ndjson (with timestamps)
sketch-export-png = Export PNG…
sketch-export-png-tip = Write the drawing as a PNG image
sketch-inspect = Inside the LSTM
sketch-inspect-tip = Show the recognizer's gates and memory at every point, and how its guess evolved (Ctrl+I)
sketch-guesses = Guesses
sketch-no-recognizer = The doodle recognizer is not available: { $error }
sketch-loading = Loading the recognizer…
sketch-empty = Draw something: the LSTM guesses while you draw.
sketch-unsure = I'm not sure - is it one of these?
sketch-its-a = It's { $class }!
sketch-its-taught = It's “{ $class }”!
sketch-try-drawing = Try drawing...
canvas-label = Drawing canvas: press and drag to draw a stroke

## Caption tab

caption-open = Open photo…
caption-open-tip = Choose a photo (Ctrl+O)
caption-paste = Paste
caption-paste-tip = Paste an image from the clipboard (Ctrl+V)
caption-path = Path
caption-path-hint = or type a path to a photo
caption-open-path = Open path
caption-loading = loading…
caption-error = Error: { $error }
caption-photo-size = { $name } — { $width }×{ $height } px
caption-photo-alt = The photo { $name }
caption-empty = Drop a photo here, paste one (Ctrl+V) or open one.
    JPEG, PNG, WebP, BMP, GIF.
caption-beam = beam
caption-beam-tip = Beam width: 1 is greedy decoding
caption-working = captioning…
caption-none = No caption: { $error }
# Shown before the caption's words in languages other than English only.
caption-in-english = caption (in English):
caption-word-tip = where the decoder looked for this word
caption-copy = Copy
caption-copy-tip = Copy the caption
caption-sure = { $pct } sure of each word on average (log p { $logp })
caption-sure-tip = log p is the natural logarithm of the caption's probability under the model. Captions are ranked by it per word (the geometric mean of the words' probabilities), so a longer caption is not ranked down for its length. Encoder { $encoder } ms, decoder { $decoder } ms.
caption-unmentioned = The encoder sees { $label } ({ $pct }), which the caption does not mention: the captioner may never have seen one.
caption-trained-on = Trained on Flickr8k (8 000 photos, mostly people, dogs and outdoor scenes): it describes that world and cannot name what it never saw.
caption-nbest = Other captions (N-best, as the beam's tree)
caption-nbest-explain = Captions that share their first words share a branch; best first. Each ends with how sure the model was of a word on average (what ranks them) and its log-probability.
caption-gates = Inside the decoder (gates per word)
caption-gates-explain = { $decoders ->
    [one] The decoder LSTM while it wrote the caption: a row per unit (most active first), a column per word. Gates 0 (dark) to 1 (yellow); memory C blue (−) to red (+). Hover a column for the word's attention.
   *[other] The LSTM of the first of the { $decoders } decoders (an ensemble) while it wrote the caption: a row per unit (most active first), a column per word. Gates 0 (dark) to 1 (yellow); memory C blue (−) to red (+). Hover a column for the word's attention (the decoders' mean).
}
caption-labels = What the encoder sees (ImageNet labels)
caption-end = (end)
caption-beam-tree = Beam tree: { $captions }
caption-per-word = { $pct } a word  (log p { $logp })

## Lab tab

lab-heading = Gradient lab
lab-explain = Train a small recurrent network and watch its gradient: backpropagation through time (BPTT) carries dJ/dh back step by step, and in an Elman or Jordan network it shrinks (vanishing gradient) or grows (exploding gradient) with the distance. The LSTM's memory cell lets it through; truncated BPTT cuts it off after a window; gradient clipping caps its norm.
lab-start = Start
lab-pause = Pause
lab-reset = Reset
lab-text = Text to model
lab-model = Model (hidden size H)
lab-elman-tip = Elman network: the hidden state h(t-1) feeds back into the next step
lab-jordan-tip = Jordan network: the output y(t-1) feeds back into the next step
lab-lstm-tip = LSTM: forget, input and output gates around a memory cell
lab-task = Task
lab-recall = Recall
lab-recall-tip = Name the symbol seen k steps ago, among distractors
lab-charlm = Characters
lab-charlm-tip = A character language model: predict the next character of the text
lab-k-recall = k (steps back)
lab-k-charlm = k (window)
lab-truncate = Truncated BPTT
lab-truncate-tip = Backpropagate through at most this many steps (truncated BPTT)
lab-steps = steps
lab-clip = Clip gradient norm
lab-clip-tip = Gradient clipping: scale the gradient down when its norm exceeds tau (against the exploding gradient)
lab-lr = learning rate
lab-seed = seed
lab-epochs = epochs
lab-temperature = temperature
lab-sample = Sample text
lab-press-start = Press Start to train.
lab-first-epoch = Training the first epoch...
lab-status = epoch { $epoch } ({ $updates } updates): loss { $loss }, accuracy { $accuracy } (chance { $chance }), |dJ/dh| at d={ $far } is { $ratio } of d=0
lab-plot-loss = Loss and accuracy per epoch
lab-press-start-plot = Press Start to train
lab-loss = loss
lab-accuracy = accuracy
lab-chance = chance
lab-plot-profile = log10 |dJ/dh(t-d)| against the distance d
lab-plot-profile-tip = How much of the gradient reaches d steps back: a line falling fast is the vanishing gradient, one rising is the exploding gradient.
lab-epoch = epoch { $n }
lab-plot-clip = log10 gradient norm per update, before and after clipping
lab-plot-clip-tip = With gradient clipping on, the norm after clipping never goes above tau.
lab-before = before
lab-after = after

## Inside the LSTM (the Inspect view and the decoder's gates)

inspect-heading = Inside the LSTM
inspect-layer = layer { $n }
inspect-layer-tip = Show the gates of this LSTM layer
inspect-active-first = Active units first
inspect-active-first-tip = Sort each map's units by how much they change over the drawing (otherwise in unit order)
inspect-empty = Draw something: the forget, input and output gates and the memory of every unit appear here, one column per point the LSTM reads.
inspect-explain = Rows: units; columns: the points read, in order. Gates from 0 (dark) to 1 (yellow); memory C from negative (blue) to positive (red). Hover a column or the drawing.
inspect-equations = At every point the forget gate f decides how much of the memory cell C to keep, the input gate i how much of the new candidate to write, and the output gate o how much of tanh(C) becomes the hidden state h.
inspect-point = point
gate-forget = forget
gate-input = input
gate-output = output
gate-memory = memory
gate-forget-name = forget gate f
gate-input-name = input gate i
gate-output-name = output gate o
gate-memory-name = memory C
gate-heat-map = Heat map of the { $gate }
inspect-p-class = p(class)

## Files and dialogs

filter-drawing = Quick, Draw! drawing
filter-png = PNG image
filter-images = Images
filter-pack = rnn-studio pack of taught classes
default-pack-file = taught-classes.json
default-drawing-file = drawing.ndjson
default-png-file = drawing.png
png-encode-failed = could not encode PNG: { $error }
prompt-heading = Type a path
prompt-explain = No file dialog is available on this desktop. Type the file's path:
prompt-hint = /home/me/drawing.ndjson
prompt-ok = OK
prompt-cancel = Cancel
key-enter = Enter
key-esc = Esc
# "opened cat.ndjson (cat), first of 12 drawings; skipped 5 malformed lines (first: line 1: …)"
opened = opened { $name }{ $rest }
opened-first-of = { $n ->
    [one] , first of { $total } drawing
   *[other] , first of { $total } drawings
}
opened-skipped = { $n ->
    [one] ; skipped 1 malformed line (line { $line }: { $error })
   *[other] ; skipped { $n } malformed lines (first: line { $line }: { $error })
}
no-drawing-in-file = { $path }: no drawing in file
autosave-not-restored = { $path }:{ $line }: autosaved canvas not restored: { $error }
clipboard-unavailable = clipboard: not available ({ $error })
clipboard-no-image = clipboard: no image to paste

## The process (stderr)

display-lost-x11 = rnn-studio: lost the connection to the display (the X server went away); the drawing was saved at the last pen-up and comes back at the next start
display-lost = rnn-studio: lost the connection to the display; the drawing was saved and comes back at the next start (windowing library: { $how })
window-failed = rnn-studio: cannot open the window: { $error }
language-menu = Language

## Photos that do not load (the Caption tab's status)

photo-read = { $name }: cannot read file: { $error }
photo-empty = { $name }: file is empty
photo-unknown-format = { $name }: not an image (supported: JPEG, PNG, WebP, BMP, GIF)
photo-too-large = { $name }: image is too large ({ $width }×{ $height } px); at most { $max } px a side are accepted
photo-over-memory = { $name }: decoding this { $width }×{ $height } px image needs more memory than the decoder's cap of { $mib } MiB
photo-file-too-large = { $name }: file is larger than the limit of { $mib } MiB
photo-corrupt = { $name }: image is damaged or truncated: { $detail }
photo-no-pixels = { $name }: image has no pixels

## What is wrong with a drawing line (opening a file, the autosave)

ndjson-json = not valid JSON: { $detail }
ndjson-no-drawing = no "drawing" field
ndjson-not-strokes = "drawing" must be an array of strokes
ndjson-stroke-shape = stroke { $stroke }: expected [[x…],[y…]] or [[x…],[y…],[t…]]
ndjson-length-mismatch = stroke { $stroke }: x has { $x } values but { $what } has { $n }
ndjson-not-a-number = stroke { $stroke }, point { $point }: { $what } is not a finite number
ndjson-out-of-range = stroke { $stroke }, point { $point }: { $what } = { $value } is out of range (at most ±1e6)
ndjson-too-many-points = drawing has { $n } points; at most { $max } are accepted
ndjson-too-many-strokes = drawing has { $n } strokes; at most { $max } are accepted
ndjson-empty = drawing is empty
ndjson-mixed-timing = strokes mix timed ([x,y,t]) and untimed ([x,y]) points
ndjson-line-too-long = line is longer than the limit of { $mib } MiB
ndjson-endless-line = line is longer than the limit of { $mib } MiB and has no end in the next { $skip } MiB; the rest of the input was not read
ndjson-not-utf8 = line is not valid UTF-8

## The lab's refused settings

lab-error-zero = { $what } must be at least 1
lab-error-symbols = recall needs at least 2 symbols, got { $n }
lab-error-lr = learning rate must be positive and finite, got { $value }
lab-error-clip = clipping threshold must be positive and finite, got { $value }
lab-error-text = the text needs at least 2 different characters, got { $chars }
