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

## rnn-studio draw --help
cli-about-rnn-studio-draw = Desenha rabiscos com um gerador sketch-rnn (`--list` mostra as classes)
cli-arg-rnn-studio-draw-class = A classe a desenhar, por exemplo `bird` ou `palm_tree` (veja --list)
cli-arg-rnn-studio-draw-temperature = Temperatura τ da amostragem, em (0, 2]: menor é mais comportado, maior é mais solto [padrão: 0,25; 0,5 com --all-classes, escolhida para parecer com desenhos reais]
cli-arg-rnn-studio-draw-count = Quantos desenhos (por classe com --all-classes) [padrão: 1]
cli-arg-rnn-studio-draw-seed = Semente aleatória; a mesma semente dá os mesmos desenhos
cli-arg-rnn-studio-draw-out = Arquivo de saída (.ndjson, .svg, .png ou .gif, uma animação do desenho sendo feito; uma grade quando há vários desenhos), ou uma pasta com --all-classes
cli-arg-rnn-studio-draw-svg = Gravar também um SVG (um caminho por traço)
cli-arg-rnn-studio-draw-png = Gravar também um PNG
cli-arg-rnn-studio-draw-gif = Gravar também um GIF animado dos desenhos sendo feitos
cli-arg-rnn-studio-draw-ndjson = Gravar também ndjson do Quick, Draw!, uma linha por desenho
cli-arg-rnn-studio-draw-grid = A grade de várias previsões do app, COLUNASxLINHAS (por exemplo 3x2, de 4 a 12 quadros): quadros amostrados juntos, o quadro k com a semente --seed + k
cli-arg-rnn-studio-draw-judge = O reconhecedor julga o gerador: para cada classe (ou CLASSE), quantas vezes o reconhecedor de rabiscos diz a classe pedida, em --count desenhos (padrão 50) em cada uma das --judge-temperatures
cli-arg-rnn-studio-draw-judge_temperatures = Com --judge: as temperaturas a julgar
cli-arg-rnn-studio-draw-json = Com --judge: um objeto JSON por classe e temperatura, depois um resumo
cli-arg-rnn-studio-draw-row_temperatures = Com --grid: uma temperatura por linha, por exemplo 0.1,0.25 (padrão: --temperature para todas)
cli-arg-rnn-studio-draw-list = Listar as classes e sair
cli-arg-rnn-studio-draw-all_classes = Gravar --count desenhos de cada classe em SAÍDA/CLASSE.ndjson (dados de treino)
cli-arg-rnn-studio-draw-greedy = Escolher o movimento mais provável a cada passo (determinístico, ignora --seed)
cli-arg-rnn-studio-draw-max_len = O máximo de movimentos da caneta por desenho (padrão: o limite do próprio modelo)
cli-arg-rnn-studio-draw-weights = Pasta dos modelos convertidos (padrão: sketch-rnn/ na raiz dos pesos)
    .long = Pasta dos modelos sketch-rnn convertidos (CLASSE.safetensors + CLASSE.json). { -search-order }
