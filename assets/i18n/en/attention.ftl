# The Caption tab's attention map.

attention-raw-grid = Raw 7×7 grid
attention-raw-grid-hint = Show the encoder's attention cells as they are, instead of smoothly upsampled over the photo
