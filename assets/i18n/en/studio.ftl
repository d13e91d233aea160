# rnn-studio, the sketch studio: sketch-rnn's panel, the multi-predict grid,
# exports, and `rnn-studio draw`. Every id here also exists in ../pt-BR/.

## rnn-studio draw
draw-error-grid = --grid must be COLSxROWS with 4 to 12 tiles (e.g. 3x2), got "{ $value }"
draw-error-temperature = --temperature must be in (0, 2], got { $value }
draw-error-out-required = say where to write: --out FILE, or --svg, --png, --gif or --ndjson
draw-error-class-required = a class is required (see --list)
draw-error-write = cannot write { $path }
draw-error-create = cannot create { $path }
draw-error-no-models = { $path }: no sketch-rnn models found
draw-all-classes = all classes
draw-progress = drawing { $class }
draw-progress-line = drawing { $class }: { $done }/{ $total }

## The sketch-rnn panel ("Let the LSTM draw")
studio-heading = Let the LSTM draw
studio-missing = sketch-rnn is not available: { $why }
studio-class-hover = The class sketch-rnn draws (type to search the list)
studio-class-search = search…
studio-surprise = Surprise me
studio-surprise-hover = Another class, chosen at random
studio-temperature = temperature
studio-temperature-hover = Lower is tidier, higher is wilder
studio-seed = seed
studio-seed-hover = The seed of the next drawing: the same seed, class and temperature give the same drawing (rnn-studio draw CLASS --seed S --temperature T)
studio-last = last: seed { $seed }, τ { $tau }
studio-draw = Draw it for me
studio-draw-hover = sketch-rnn draws a new doodle of this class
studio-finish = Finish my doodle
studio-finish-hover = sketch-rnn reads your strokes, then carries on (Undo removes its part)
studio-stop = Stop
studio-export-canvas = Export…
studio-export-canvas-hover = Save the canvas (your strokes and sketch-rnn's) as PNG, SVG, ndjson or an animated GIF
studio-copy-canvas = Copy image
studio-copy-canvas-hover = Put a picture of the canvas on the clipboard
studio-nothing-to-export = nothing to export: the drawing is empty
studio-what-image = the image
studio-copied = { $what } is on the clipboard
studio-copy-failed = could not copy { $what }: { $error }

## The multi-predict grid
grid-heading = Several ideas at once
grid-size = tiles
grid-size-hover = How many drawings the grid shows (4 to 12)
grid-mode-rows = τ by row
grid-mode-rows-hover = Each row at its own temperature: 0.1, 0.25, 0.5, 0.8
grid-mode-same = one τ
grid-mode-same-hover = Every tile at the temperature above, each with its own seed
grid-mode-classes = one per class
grid-mode-classes-hover = The same doodle continued by several classes, one tile each
grid-show = Show ideas
grid-show-continue = Continue my doodle in a grid
grid-show-hover = sketch-rnn draws several drawings at once, under the canvas; click one to put it on the canvas
grid-again = Again
grid-again-hover = New seeds, the same settings
grid-close = Close the grid
grid-title = Ideas
grid-hint = click a tile to put it on the canvas (Undo takes it back); right-click to save or copy it
grid-sampling = sampling…
grid-save = Save…
grid-save-as = as { $format }…
grid-save-tile-as = Save as { $format }…
grid-copy = Copy image
grid-copy-hover = Put a picture of the whole grid on the clipboard
grid-copy-tile = Copy image
grid-seed-tau = seed { $seed }, τ { $tau }
grid-tile-name = { $class }, { $seed_tau }
grid-tile-hover = Click to put this { $class } on the canvas
grid-judged = looks like { $class } ({ $p })
draw-judge-class = class
draw-judge-all = all classes
studio-predict = Predict as I draw
studio-predict-hover = After each stroke, sketch-rnn proposes a faint continuation: Tab keeps it, drawing on dismisses it
studio-predict-offer = Tab keeps the faint continuation
studio-export-file = drawing.{ $ext }
