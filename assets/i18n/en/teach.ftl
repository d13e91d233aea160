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
teach-exported = Pack exported to { $path }
teach-imported = { $n ->
    [one] Imported { $n } class
   *[other] Imported { $n } classes
}
teach-correct = No, it's a …
teach-correct-pick = pick a guess
teach-correct-learn = Learn it
