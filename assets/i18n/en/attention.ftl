# The Caption tab's attention map.

attention-raw-grid = Raw { $side }×{ $side } grid
attention-raw-grid-hint = Show the encoder's attention cells as they are, instead of smoothly upsampled over the photo
