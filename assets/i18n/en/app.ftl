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
