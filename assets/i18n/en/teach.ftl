# rnn-studio, English messages of the Teach tab and "No, it's a …".
# Every id here also exists in ../pt-BR/teach.ftl.

tab-teach = Teach
teach-class = Class:
teach-class-hint = a name, e.g. cactus
teach-add = Add example
teach-add-hint = The drawing on the canvas becomes an example of this class (Ctrl+Enter)
teach-clear = Clear
teach-learn = Learn
teach-learnt = learnt
teach-not-learnt = not learnt yet: press Learn
teach-embedding = reading the examples: { $done } of { $total }
teach-loss = loss
teach-guess = Guess with the taught classes
teach-draw-hint = Draw on the canvas: the guess includes your classes once learnt.
teach-no-classes = No taught classes yet: name one, draw it, add the drawing.
teach-class-count = { $name }: { $n ->
    [one] { $n } example
   *[other] { $n } examples
}
teach-example = An example drawing
teach-remove = Remove this example
teach-rename = Rename
teach-delete = Delete class
teach-folder = Kept in { $path }
teach-off = Taught classes are off.
teach-nothing-to-learn = Nothing to learn: add examples first.
teach-export = Export pack…
teach-export-hint = Write every taught class (examples and what was learnt) as one file to share or keep
teach-import = Import pack…
teach-import-hint = Add the classes of a pack file to yours; a damaged file changes nothing
teach-exported = Pack exported to { $path }
teach-imported = { $n ->
    [one] Imported { $n } class
   *[other] Imported { $n } classes
}
teach-correct = No, it's a …
teach-correct-pick = pick a guess
teach-correct-learn = Learn it

## Command-line help of teach, eval-teach and classify --pack (tests/cli_help.rs: the same text as the doc comments)

cli-arg-rnn-studio-classify-pack = Also guess the taught classes of this pack (made by `teach`); a pack whose learnt weights are out of date is learnt again in memory
cli-about-rnn-studio-teach = Teach the recognizer new classes from a few drawings (a pack of taught classes)
    .long = Teach the recognizer new classes from a few drawings (a pack of taught classes).
    
    `teach NAME=FILE.ndjson …` adds every drawing of FILE as an example of NAME and learns again; `--list`, `--rename OLD=NEW`, `--delete NAME`, `--export FILE` and `--import FILE` manage the pack. The pack lives in $XDG_DATA_HOME/rnn-studio/classes (else ~/.local/share/rnn-studio/classes) unless `--pack DIR` names another; `classify --pack DIR` and the app use it.
cli-arg-rnn-studio-teach-pairs = NAME=FILE.ndjson pairs: every drawing in FILE becomes an example of NAME
cli-arg-rnn-studio-teach-pack = The pack folder (default: $XDG_DATA_HOME/rnn-studio/classes, else ~/.local/share/rnn-studio/classes)
cli-arg-rnn-studio-teach-weights = Folder of the recognizer (default: recognizer/ in the weights root)
cli-arg-rnn-studio-teach-list = Print the pack's classes as JSON and change nothing
cli-arg-rnn-studio-teach-rename = Rename a class: OLD=NEW
cli-arg-rnn-studio-teach-delete = Delete a class and its examples
cli-arg-rnn-studio-teach-export = Write the whole pack as one file
cli-arg-rnn-studio-teach-import = Add the classes of an exported file
cli-about-rnn-studio-eval-teach = Score taught classes: teach K drawings of each of N unknown classes, test on the rest
cli-arg-rnn-studio-eval-teach-data = The data folder (holds quickdraw/ and quickdraw-unknown/)
cli-arg-rnn-studio-eval-teach-weights = Folder of the recognizer (default: recognizer/ in the weights root)
cli-arg-rnn-studio-eval-teach-part = Which unknown classes to teach
cli-arg-rnn-studio-eval-teach-shots = K, examples per class (the first K drawings of its file)
cli-arg-rnn-studio-eval-teach-new = N, new classes added to the built-in ones
cli-arg-rnn-studio-eval-teach-draws = Random draws of the N classes; figures are means over them
cli-arg-rnn-studio-eval-teach-scale = α values (the taught logits' scale)
cli-arg-rnn-studio-eval-teach-bias = β values (the taught logits' offset)
cli-arg-rnn-studio-eval-teach-gate = γ values (how much a taught class is a kind of "other")
cli-arg-rnn-studio-eval-teach-steps = Fit steps (0: prototypes alone)
cli-arg-rnn-studio-eval-teach-anchor_weight = λ, the anchors' share of the fit's loss
cli-arg-rnn-studio-eval-teach-copies = Augmented copies per example
cli-arg-rnn-studio-eval-teach-anchors = Anchors: training drawings per built-in class
cli-arg-rnn-studio-eval-teach-other_anchors = Anchors: training drawings per unknown class of part 0
cli-arg-rnn-studio-eval-teach-anchor_copies = Anchors: augmented copies of each anchor drawing, in its place (0: the training drawings themselves)
cli-arg-rnn-studio-eval-teach-write_anchors = Write the anchors (the first --anchors training drawings of every built-in class, --other-anchors of every unknown class of part 0) to FILE, for shipping as recognizer/anchors.ndjson, and stop
cli-arg-rnn-studio-eval-teach-calibrate_unsure = Instead of teaching: calibrate "I'm not sure" again (issue 20 item 11) with `calibrate_unsure` on the validation drawings and the calibration unknowns, and print the unsure AUROC (known validation vs the evaluation unknowns) and the precision of "It's a …" on the validation drawings, before and after
cli-arg-rnn-studio-eval-teach-write_config = With --calibrate-unsure: write the new score and threshold into the recognizer's config.json (atomically)
cli-arg-rnn-studio-eval-teach-json = Print JSON (one object) instead of a table
