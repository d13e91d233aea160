# rnn-studio, the command line's messages. JSON output never goes
# through this file: its keys and values are the same in every language.

cli-bad-lang = unknown language "{ $value }" (use en or pt-BR)
cli-heading-usage = Usage:
cli-heading-commands = Commands
cli-heading-options = Options
cli-heading-arguments = Arguments
cli-help-flag = Print help
cli-version-flag = Print version

## Help (--help): `cli-about-<command>` and `cli-arg-<command>-<argument>`,
## `.long` for the long form. These repeat the doc comments in src/cli/
## (tests/cli_help.rs checks that they agree).

-search-order = Without it, the first of these that holds the model is used: $RNN_STUDIO_WEIGHTS (when set, the only place tried), weights/ beside the binary, the source tree's weights/ when run from target/, ~/.local/share/rnn-studio/weights, /usr/local/share/rnn-studio/weights, /usr/share/rnn-studio/weights.

cli-about-rnn-studio = Recurrent networks at work: live doodle recognition, sketch-rnn drawing, photo captioning, and a look inside the LSTM
cli-arg-rnn-studio-lang = The language of messages and help: en or pt-BR (default: from LC_ALL, LC_MESSAGES, LANG). JSON output is the same in every language
cli-about-rnn-studio-bench = Measure speed: medians of repeated runs, in ms, with baselines measured in the same run
cli-arg-rnn-studio-bench-json = Print one JSON object per case
cli-arg-rnn-studio-bench-runs = Timed runs per case (after a warm-up run)
cli-arg-rnn-studio-bench-no_baseline = Skip the slow baselines (composed candle takes seconds per run)
cli-about-rnn-studio-convert-sketch-rnn = Convert sketch-rnn `.gen.json` generators into the shipped safetensors format
cli-arg-rnn-studio-convert-sketch-rnn-data = Folder holding `CLASS.gen.json` files
cli-arg-rnn-studio-convert-sketch-rnn-out = Folder to write `CLASS.safetensors` and `CLASS.json` into
cli-about-rnn-studio-classify = Name doodles: ndjson files or stdin, one drawing per line
    .long = Name doodles: ndjson files or stdin, one drawing per line.

    Limits: a line may be at most 8 MiB long and a drawing at most 100 000 points and 10 000 strokes, with coordinates within ±1e6; a longer line is reported as a bad line and the run goes on with the next one. An input with no drawings is reported on stderr (exit 1).
cli-arg-rnn-studio-classify-files = ndjson files, `-` for stdin (the default when none is given)
cli-arg-rnn-studio-classify-json = One JSON object per input line
cli-arg-rnn-studio-classify-top = How many guesses per drawing
cli-arg-rnn-studio-classify-weights = Folder of the recognizer (default: recognizer/ in the weights root)
    .long = Folder of the recognizer (model.safetensors, config.json). { -search-order }
cli-about-rnn-studio-eval-sketch = Score the doodle recognizer on real validation drawings and unknown classes
cli-arg-rnn-studio-eval-sketch-data = The data folder (holds quickdraw/ and quickdraw-unknown/)
cli-arg-rnn-studio-eval-sketch-weights = Folder of the recognizer (default: recognizer/ in the weights root)
    .long = Folder of the recognizer (model.safetensors, config.json). { -search-order }
cli-arg-rnn-studio-eval-sketch-confusion = Where to write the confusion-matrix PNG
cli-arg-rnn-studio-eval-sketch-json = Also write the whole report as JSON to this file
cli-about-rnn-studio-inspect = Render the recognizer's gates and guesses over time for a drawing
cli-arg-rnn-studio-inspect-drawing = A Quick, Draw! ndjson file; its first drawing is inspected
cli-arg-rnn-studio-inspect-png = Where to write the picture
cli-arg-rnn-studio-inspect-layer = Which LSTM layer to show (0 = the one reading the points)
cli-arg-rnn-studio-inspect-top = How many of the final top classes to follow over time
cli-about-rnn-studio-train-sketch = Train the doodle recognizer (resumable: rerun the same command)
cli-arg-rnn-studio-train-sketch-data = The data folder (holds quickdraw/ and quickdraw-unknown/)
cli-arg-rnn-studio-train-sketch-out = Output folder: checkpoints, synthetic cache, and the final model/
cli-arg-rnn-studio-train-sketch-hidden = LSTM hidden size H
cli-arg-rnn-studio-train-sketch-running_max = The head also reads the running max of the top layer's output over the points so far (the strongest evidence of each unit, anywhere in the drawing)
cli-arg-rnn-studio-train-sketch-label_smoothing = Label smoothing ε of the cross-entropy target
cli-arg-rnn-studio-train-sketch-ema = Validate and export an exponential moving average of the weights with this decay per update (0: the raw weights)
cli-arg-rnn-studio-train-sketch-other_classes = One output per unknown training class instead of a single "other" output (p(other) is their sum); `--other-classes false` for one
cli-arg-rnn-studio-train-sketch-other_weight = How many classes' worth of each batch the unknown drawings get
cli-arg-rnn-studio-train-sketch-stroke_order = Augmentation: probability of reordering nearby strokes of a drawing
cli-arg-rnn-studio-train-sketch-stroke_reverse = Augmentation: probability of drawing each stroke backwards
cli-arg-rnn-studio-train-sketch-synth_frac = Probability that a generator class's batch element is a sketch-rnn sample rather than a real drawing
cli-arg-rnn-studio-train-sketch-layers = LSTM layers
cli-arg-rnn-studio-train-sketch-patience = Early stopping: epochs without a better validation score
cli-arg-rnn-studio-train-sketch-minutes = Stop training after this many minutes of wall time (then finish normally)
cli-arg-rnn-studio-train-sketch-synth_count = sketch-rnn samples per generator class and temperature (0: none)
cli-arg-rnn-studio-train-sketch-synth_temperatures = sketch-rnn sampling temperatures, comma-separated
cli-arg-rnn-studio-train-sketch-sketch_rnn = Folder of the sketch-rnn models
cli-arg-rnn-studio-train-sketch-threads = Worker threads for a batch
cli-arg-rnn-studio-train-sketch-cnn = Train the raster CNN after the LSTM and mix the two (`--cnn false`: the LSTM alone)
cli-arg-rnn-studio-train-sketch-cnn_size = CNN: picture side S (divisible by 2 per block)
cli-arg-rnn-studio-train-sketch-cnn_channels = CNN: channels of each conv block, comma-separated
cli-arg-rnn-studio-train-sketch-cnn_weight = The CNN's share w of the mixed probabilities
cli-arg-rnn-studio-train-sketch-cnn_mirror = CNN: probability of mirroring a training picture left to right
cli-arg-rnn-studio-train-sketch-cnn_synth_frac = CNN: the share of sketch-rnn samples for generator classes (default: --synth-frac, as the LSTM)
cli-arg-rnn-studio-train-sketch-cnn_minutes = Stop the CNN stage after this many minutes (then finish normally)
cli-arg-rnn-studio-train-sketch-cnn_cosine = Give the CNN a cosine head of this scale (metric learning; 0: the linear head)
cli-arg-rnn-studio-train-sketch-preview = Only write a PNG grid of augmented training drawings to this file and exit
cli-about-rnn-studio-caption = Caption photos with the shipped captioner
cli-arg-rnn-studio-caption-images = Photos to caption (JPEG, PNG, WebP, BMP, GIF)
cli-arg-rnn-studio-caption-json = Print one JSON object per photo
cli-arg-rnn-studio-caption-beam = Beam width (1 = greedy)
cli-arg-rnn-studio-caption-nbest = Captions listed per photo (at most the beam width)
cli-arg-rnn-studio-caption-results_json = Also write the captions in COCO results format (`[{ "{" }"image_id":…,"caption":…{ "}" }]`)
cli-arg-rnn-studio-caption-weights = Weights root holding encoder/ and captioner/
    .long = Weights root holding encoder/ and captioner/. { -search-order }
cli-about-rnn-studio-eval-caption = Score the shipped captioner on a Flickr8k split (BLEU-1..4, CIDEr-D)
cli-arg-rnn-studio-eval-caption-data = Flickr8k folder (captions.json, images/)
cli-arg-rnn-studio-eval-caption-split = Split to score: dev (test is held out)
cli-arg-rnn-studio-eval-caption-beam = Beam width (1 = greedy)
cli-arg-rnn-studio-eval-caption-limit = Score only the first N photos of the split
cli-arg-rnn-studio-eval-caption-length_alpha = Length normalisation α of the beam (log p ÷ tokens^α; default: the captioner's config)
cli-arg-rnn-studio-eval-caption-cache = A feature cache from train-caption (RUN/features) to skip the encoder
cli-arg-rnn-studio-eval-caption-weights = Weights root holding encoder/ and captioner/
    .long = Weights root holding encoder/ and captioner/. { -search-order }
cli-arg-rnn-studio-eval-caption-samples = Sample captions shown
cli-arg-rnn-studio-eval-caption-json = Print one JSON object
cli-about-rnn-studio-attention-sheet = Write the attention contact sheet: each photo, then the decoder's attention over it for each noun of its caption
cli-arg-rnn-studio-attention-sheet-images = Photos, one row each (or none, with --data)
cli-arg-rnn-studio-attention-sheet-data = A Flickr8k folder: its first --count photos of --split, in captions.json order, follow the named photos
cli-arg-rnn-studio-attention-sheet-split = With --data: the split
cli-arg-rnn-studio-attention-sheet-count = With --data: how many photos
cli-arg-rnn-studio-attention-sheet-out = Where to write the picture (PNG)
cli-arg-rnn-studio-attention-sheet-beam = Beam width (1 = greedy)
cli-arg-rnn-studio-attention-sheet-tile = Side of each picture in the sheet, in pixels
cli-arg-rnn-studio-attention-sheet-weights = Weights root holding encoder/ and captioner/
    .long = Weights root holding encoder/ and captioner/. { -search-order }
cli-about-rnn-studio-train-caption = Train the photo captioner's attention decoder on Flickr8k
cli-arg-rnn-studio-train-caption-data = Flickr8k folder (captions.json, images/)
cli-arg-rnn-studio-train-caption-out = Run folder: feature cache, checkpoints, log
cli-arg-rnn-studio-train-caption-encoder = Encoder weights folder
cli-arg-rnn-studio-train-caption-encoder_model = Which EfficientNet-Lite network encodes the photos (its weights file in --encoder): lite0 (224 px, 7×7 grid), lite1 (240 px, 8×8) or lite2 (260 px, 9×9). (Default lite0; with --scst, the network the --init decoder reads.)
cli-arg-rnn-studio-train-caption-cache_only = Only build the feature cache
cli-arg-rnn-studio-train-caption-export = Write the run's best epoch as shipped weights into this folder (e.g. weights/captioner) and stop, without training further
cli-arg-rnn-studio-train-caption-member = With --export: the decoder file to write there. The default starts a fresh folder (or replaces that file of an ensemble); another name, e.g. decoder-2.safetensors, adds this run to the ensemble already in the folder (same sizes and vocabulary)
cli-arg-rnn-studio-train-caption-photos_per_batch = Photos per batch (each brings its five captions)
cli-arg-rnn-studio-train-caption-lr_decay = Learning rate factor per epoch
cli-arg-rnn-studio-train-caption-clip = Global gradient norm limit
cli-arg-rnn-studio-train-caption-dev_photos = Dev photos captioned after each epoch for BLEU-4 (with --scst: CIDEr-D)
cli-arg-rnn-studio-train-caption-patience = Epochs without a better dev BLEU-4 (with --scst: CIDEr-D) before stopping
cli-arg-rnn-studio-train-caption-max_batches = Stop each epoch after this many batches (timing)
cli-arg-rnn-studio-train-caption-lr = Learning rate (default 4e-4; with --scst 2e-5)
cli-arg-rnn-studio-train-caption-attention_penalty = Weight λ of the doubly stochastic attention penalty
cli-arg-rnn-studio-train-caption-scst = Self-critical training (REINFORCE on CIDEr-D) of the decoder given by --init, instead of cross-entropy training; no dropout, sizes from --init
cli-arg-rnn-studio-train-caption-init = With --scst: the decoder weights to start from (its folder holds config.json and vocab.json), e.g. weights/captioner/decoder.safetensors
cli-arg-rnn-studio-train-caption-samples = With --scst: captions sampled per photo
cli-arg-rnn-studio-train-caption-baseline = With --scst: what each sampled caption's reward is compared with
cli-value-rnn-studio-train-caption-baseline-greedy = The reward of the photo's greedy caption
cli-value-rnn-studio-train-caption-baseline-mean = The mean reward of the photo's other samples
cli-arg-rnn-studio-train-caption-xe_weight = With --scst: weight of the references' cross-entropy mixed into the loss (0: none)
cli-arg-rnn-studio-train-caption-glove = Start the word embedding from these GloVe vectors (a table trimmed to the vocabulary by scripts/trim_glove.py); without it, a random start
cli-arg-rnn-studio-train-caption-temperature = With --scst: temperature τ of the policy sampled and trained, softmax(logits / τ)
cli-arg-rnn-studio-train-caption-mirror = Mirror augmentation: read each training photo flipped left-right half the time ("left" and "right" swapped in its captions), from a second feature cache of the flipped photos (OUT/features-mirrored, built once)
cli-about-rnn-studio-lab = The gradient lab: train an Elman RNN, a Jordan RNN or an LSTM on recall or a character model and print loss, accuracy and the gradient-norm profile per epoch
cli-arg-rnn-studio-lab-model = The network: Elman RNN, Jordan RNN or LSTM (same hidden size)
cli-arg-rnn-studio-lab-task = The task
cli-arg-rnn-studio-lab-k = recall: how many steps back the answer lies; charlm: the window length
cli-arg-rnn-studio-lab-truncate = Truncated BPTT: the gradient goes back at most K steps (default: full BPTT)
cli-arg-rnn-studio-lab-clip = Clip the global gradient norm to T (default: no clipping)
cli-arg-rnn-studio-lab-lr = Learning rate
cli-arg-rnn-studio-lab-seed = Seeds the weights and the data; the same seed gives the same numbers
cli-arg-rnn-studio-lab-epochs = Number of epochs (each is --updates updates)
cli-arg-rnn-studio-lab-updates = Updates per epoch
cli-arg-rnn-studio-lab-hidden = Hidden size H (the same for every model)
cli-arg-rnn-studio-lab-batch = Sequences per update
cli-arg-rnn-studio-lab-symbols = recall: the number of answer symbols (chance is 1/S)
cli-arg-rnn-studio-lab-distractors = recall: the number of distractor symbols that fill the lag
cli-arg-rnn-studio-lab-forget_bias = LSTM only: the forget gate's initial bias (σ(5) ≈ 0.993 keeps the memory open)
cli-arg-rnn-studio-lab-text = charlm: a UTF-8 text file to model (default: the lecture's { "{" }C, E, F, T{ "}" } text)
cli-arg-rnn-studio-lab-temperature = charlm: sampling temperature (0 = always the most likely character)
cli-arg-rnn-studio-lab-sample_len = charlm: characters to sample after each epoch
cli-arg-rnn-studio-lab-json = Print one JSON object per epoch
cli-about-rnn-studio-manual = Write the man pages and the shell completions (for packagers)
cli-arg-rnn-studio-manual-out = Folder to write into: `man/` and `completions/` are made in it

## Messages for people (stderr and the human, non-JSON output)

cli-error = rnn-studio: { $error }
cli-cannot-open = rnn-studio: cannot open { $path }: { $error }
cli-cannot-read = rnn-studio: cannot read { $path }: { $error }
cli-cannot-read-file = cannot read { $path }
cli-cannot-write = cannot write { $path }
cli-cannot-write-stdout = cannot write to stdout
cli-no-drawings = rnn-studio: no drawings in { $path }
cli-stdin = stdin
cli-line = line { $line }
cli-line-error = error: { $error }
cli-not-sure = (not sure)
cli-cannot-load-recognizer = cannot load the recognizer
cli-cannot-load-captioner = cannot load the captioner from { $path }
cli-inspect-bad-layer = --layer { $layer } but the recognizer has { $n } layers
cli-inspect-written = { $path }: { $points } points, layer { $layer } of { $layers }, { $units } units; rows top to bottom: f, i, o, C (units by variance), then p(class) over the points
cli-inspect-line = { "  " }line { $rgb }: { $class } (final p { $p })
cli-lab-cannot-read-text = { $path }: cannot read the text
cli-lab-full-bptt = full BPTT
cli-lab-truncated-bptt = truncated BPTT k = { $k }
cli-lab-clip-off = off
cli-lab-header = { $model } on { $task } (k = { $k }, H = { $hidden }, { $bptt }, clip { $clip }, { $optimizer } lr { $lr }), chance { $chance }
cli-lab-epoch = epoch { $epoch }  loss { $loss }  accuracy { $accuracy }  |g| { $before } -> { $after }  |dJ/dh| d=0 { $near }  d={ $far } { $far_value }  ratio { $ratio }
cli-lab-sample = { "    " }sample: { $text }

## eval-sketch, eval-caption, convert-sketch-rnn

cli-cannot-load = cannot load { $path }
cli-eval-classes-differ = { $path }: the data's classes differ from the model's ({ $data } vs { $model })
cli-eval-progress-bar = evaluating [{"{"}bar:30{"}"}] {"{"}pos{"}"}/{"{"}len{"}"} eta {"{"}eta{"}"}
cli-eval-progress = evaluating: { $done }/{ $total }
cli-eval-confusion = confusion matrix: { $path }
cli-eval-col-class = class
cli-eval-col-gen = gen
cli-eval-yes = y
cli-eval-no = n
cli-eval-macro-all = macro over { $n } classes:      top-1 { $top1 }  top-3 { $top3 }
cli-eval-macro-gen = macro, { $n } generator classes: top-1 { $top1 }  top-3 { $top3 }
cli-eval-macro-other = macro, { $n } other classes:     top-1 { $top1 }  top-3 { $top3 }
cli-eval-auroc = known vs unknown AUROC: { $eval } (evaluation unknown classes), { $calibration } (calibration classes)
cli-eval-unsure = "not sure": { $known } of known validation drawings, { $unknown } of unknown drawings
cli-eval-early = macro top-1 at a share of the points: { $scores }
cli-captioning-split = captioning { $split }
cli-eval-caption-header = { $n } photos of { $split }, beam { $beam }, { $seconds } s
cli-eval-caption-model = { "  " }model:     { $caption }
cli-eval-caption-reference = { "  " }reference: { $caption }
cli-converted = converted { $done }/{ $total }: { $class }
cli-no-gen-json = { $path }: no *.gen.json files found
cli-converted-total = { $n } models, { $mb } MB in { $path }

## train-sketch, train-caption (the library's own progress notes stay English)

cli-train-cannot-load = cannot load training data from { $path }
cli-train-calibrating = calibrating the unsure threshold and writing { $path }
cli-train-wrote = wrote { $path } (unsure threshold { $threshold }); training took { $minutes } min
cli-train-data = data: { $classes } classes, { $train } real training, { $val } real validation, { $synthetic } synthetic, unknown train/calibrate/evaluate { $unknown } ({ $bad } bad lines skipped)
cli-train-step-msg = loss { $loss } acc { $acc }
cli-train-step = epoch { $epoch } step { $step }/{ $steps } loss { $loss } acc { $acc }
cli-train-best = {" "}best
cli-train-epoch = epoch { $epoch }/{ $epochs }: loss { $loss } train acc { $acc } val macro top-1 { $macro_top1 } (micro { $micro_top1 }){ $best } — { $minutes } min, ~{ $per_epoch } min per epoch
cli-train-caption-exported = wrote { $member } into { $path } (vocabulary { $vocab } words; ensemble: { $members })
cli-train-encoding = encoding photos
cli-train-encoding-mirrored = encoding the mirrored photos
cli-train-building-cache = building the feature cache
cli-train-cache = feature cache: { $n } photos in { $seconds } s
cli-train-loss = loss { $loss }
cli-train-caption-epoch = epoch { $epoch } done: train loss { $loss }, dev BLEU-1..4 { $bleu }, CIDEr-D { $cider }, lr { $lr }, { $seconds } s (total { $total } s)
cli-train-caption-done = done: { $epochs } epochs, best dev BLEU-4 { $bleu4 } at epoch { $best }, training time { $seconds } s
cli-train-reward = reward { $reward }
cli-train-caption-reward = training CIDEr-D of the epoch: sampled captions { $sampled }, greedy { $greedy }
cli-train-caption-done-scst = done: { $epochs } epochs, best dev CIDEr-D { $cider } at epoch { $best } (0 = the decoder it started from), training time { $seconds } s
cli-sheet-no-photos = no photos: name some, or give --data
cli-sheet-wrote = wrote { $path }: { $n } photos, { $kb } KB

## The choices of a value (a ValueEnum's variants)

cli-possible-values = Possible values:
cli-possible-values-short = [possible values: { $values }]
cli-value-rnn-studio-bench-which-lstm = The fused LSTM against composed candle (training step, streaming step)
cli-value-rnn-studio-bench-which-sketch-rnn = sketch-rnn: sampling one whole drawing (the bird model, default temperature)
cli-value-rnn-studio-bench-which-sketch = The doodle recognizer: live update and whole-drawing classify
cli-value-rnn-studio-bench-which-caption = The photo captioner: load, encoder, beam-3 decoder, whole caption
cli-value-rnn-studio-bench-which-startup = The app: process start to first frame (needs a display), and model loads
cli-value-rnn-studio-bench-which-teach = Teaching: learning 10 new classes of 5 drawings each (anchors fresh and cached)
cli-value-rnn-studio-lab-task-recall = Output the symbol seen k steps ago
cli-value-rnn-studio-lab-task-charlm = Predict the next character of a text (windows of k characters)
cli-value-rnn-studio-eval-teach-part-calibrate = Part 1: for choosing the method's settings
cli-value-rnn-studio-eval-teach-part-evaluate = Part 2: the reported figures
