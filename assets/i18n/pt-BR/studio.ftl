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

## O painel do sketch-rnn ("Deixe a LSTM desenhar")
studio-heading = Deixe a LSTM desenhar
studio-missing = o sketch-rnn não está disponível: { $why }
studio-class-hover = A classe que o sketch-rnn desenha (digite para buscar na lista)
studio-class-search = buscar…
studio-surprise = Me surpreenda
studio-surprise-hover = Outra classe, escolhida ao acaso
studio-temperature = temperatura
studio-temperature-hover = Mais baixa, mais comportado; mais alta, mais solto
studio-seed = semente
studio-seed-hover = A semente do próximo desenho: mesma semente, classe e temperatura dão o mesmo desenho (rnn-studio draw CLASSE --seed S --temperature T)
studio-last = último: semente { $seed }, τ { $tau }
studio-draw = Desenhe para mim
studio-draw-hover = O sketch-rnn desenha um rabisco novo desta classe
studio-finish = Termine meu rabisco
studio-finish-hover = O sketch-rnn lê seus traços e continua (Desfazer remove a parte dele)
studio-stop = Parar
studio-export-canvas = Exportar…
studio-export-canvas-hover = Salvar a tela (seus traços e os do sketch-rnn) como PNG, SVG, ndjson ou GIF animado
studio-copy-canvas = Copiar imagem
studio-copy-canvas-hover = Colocar uma imagem da tela na área de transferência
studio-nothing-to-export = nada a exportar: o desenho está vazio
studio-what-image = a imagem
studio-copied = { $what } está na área de transferência
studio-copy-failed = não foi possível copiar { $what }: { $error }

## A grade de várias previsões
grid-heading = Várias ideias de uma vez
grid-size = quadros
grid-size-hover = Quantos desenhos a grade mostra (4 a 12)
grid-mode-rows = τ por linha
grid-mode-rows-hover = Cada linha com a sua temperatura: 0,1, 0,25, 0,5, 0,8
grid-mode-same = um só τ
grid-mode-same-hover = Todos os quadros na temperatura acima, cada um com a sua semente
grid-mode-classes = um por classe
grid-mode-classes-hover = O mesmo rabisco continuado por várias classes, um quadro cada
grid-show = Mostrar ideias
grid-show-continue = Continuar meu rabisco em grade
grid-show-hover = O sketch-rnn faz vários desenhos de uma vez, embaixo da tela; clique em um para levá-lo para a tela
grid-again = De novo
grid-again-hover = Sementes novas, mesmos ajustes
grid-close = Fechar a grade
grid-title = Ideias
grid-hint = clique em um quadro para levá-lo para a tela (Desfazer o tira); botão direito para salvar ou copiar
grid-sampling = amostrando…
grid-save = Salvar…
grid-save-as = como { $format }…
grid-save-tile-as = Salvar como { $format }…
grid-copy = Copiar imagem
grid-copy-hover = Colocar uma imagem da grade inteira na área de transferência
grid-copy-tile = Copiar imagem
grid-seed-tau = semente { $seed }, τ { $tau }
grid-tile-name = { $class }, { $seed_tau }
grid-tile-hover = Clique para levar este desenho de { $class } para a tela
grid-judged = parece { $class } ({ $p })
draw-judge-class = classe
draw-judge-all = todas as classes
studio-predict = Prever enquanto desenho
studio-predict-hover = Depois de cada traço, o sketch-rnn sugere uma continuação clarinha: Tab a mantém, continuar desenhando a descarta
studio-predict-offer = Tab mantém a continuação clarinha
studio-export-file = desenho.{ $ext }
