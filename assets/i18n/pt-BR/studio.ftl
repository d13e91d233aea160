# rnn-studio, o ateliê de rabiscos: o painel do sketch-rnn, a grade de
# várias previsões, as exportações e `rnn-studio draw`. Todo id aqui também
# existe em ../en/ (tests/i18n.rs confere). Glossário: ../pt-BR/app.ftl.

## rnn-studio draw
draw-error-grid = --grid deve ser COLUNASxLINHAS, com 4 a 12 quadros (por exemplo 3x2); veio "{ $value }"
draw-error-temperature = --temperature deve estar em (0, 2]; veio { $value }
draw-error-out-required = diga onde gravar: --out ARQUIVO, ou --svg, --png, --gif ou --ndjson
draw-error-class-required = falta a classe (veja --list)
draw-error-write = não foi possível gravar { $path }
draw-error-create = não foi possível criar { $path }
draw-error-no-models = { $path }: nenhum modelo do sketch-rnn encontrado
draw-all-classes = todas as classes
draw-progress = desenhando { $class }
draw-progress-line = desenhando { $class }: { $done }/{ $total }
