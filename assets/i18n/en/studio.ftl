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
