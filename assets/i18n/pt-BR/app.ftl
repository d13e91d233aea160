# rnn-studio, mensagens em português do Brasil.
#
# Glossário (termos da aula; use-os sempre iguais):
#   forget gate ............ porta de esquecimento
#   input gate ............. porta de entrada
#   output gate ............ porta de saída
#   memory cell / cell state célula de memória
#   hidden state ........... estado oculto
#   BPTT ................... retropropagação através do tempo (BPTT)
#   truncated BPTT ......... BPTT truncada
#   gradient clipping ...... recorte do gradiente
#   vanishing / exploding .. desvanecimento / explosão do gradiente
#   Elman network .......... rede de Elman
#   Jordan network ......... rede de Jordan
#   stroke ................. traço
#   doodle ................. rabisco
#   drawing ................ desenho
#   caption ................ legenda
#   attention .............. atenção
#   temperature ............ temperatura
#   seed ................... semente
#   weights ................ pesos
#   loss ................... perda
#   class .................. classe
#   to teach / taught class  ensinar / classe ensinada
#
# Todo id aqui também existe em ../en/ (tests/i18n.rs confere).

## Contagens

# No CLDR do português, "one" inclui o zero; aqui se diz "0 traços".
stroke-count = { $n ->
    [0] 0 traços
    [one] { $n } traço
   *[other] { $n } traços
}
point-count = { $n ->
    [0] 0 pontos
    [one] { $n } ponto
   *[other] { $n } pontos
}

## Janela e moldura

window-title = rnn-studio
tab-sketch = Desenho
tab-caption = Legenda
tab-about = Sobre
tab-lab = Laboratório
language-menu-tip = Idioma do aplicativo (mantido para a próxima vez)
settings-bad = Configurações não lidas; usando os valores padrão: { $error }
settings-not-saved = Não foi possível guardar o idioma para a próxima vez ({ $path }: { $error })
what-drawing = desenho
what-autosave = salvamento automático
written-to = { $what } gravado em { $path }
write-failed = não foi possível gravar { $what }: { $error }

## Aba Sobre

about-version = versão { $version }
about-intro = Redes recorrentes trabalhando. Faça um rabisco e uma LSTM que lê a sequência de traços (com a ajuda de uma pequena CNN que olha a imagem) adivinha o que é enquanto você desenha; deixe o sketch-rnn desenhar para você; solte uma foto e um codificador CNN alimenta uma LSTM com atenção que escreve uma legenda; olhe dentro da LSTM: as portas de esquecimento, de entrada e de saída e a célula de memória.
about-keyboard = Teclado
about-key-undo = desfaz o último traço (Desenho)
about-key-open = abre um desenho (Desenho) ou uma foto (Legenda)
about-key-save = salva o desenho em ndjson (Desenho)
about-key-inspect = mostra ou esconde as portas da LSTM enquanto você desenha (Desenho)
about-key-paste = cola uma foto da área de transferência (Legenda)
about-key-tabs = vai para Desenho / Legenda / Sobre / Laboratório
about-keys-tab-enter = Tab, Enter
about-key-focus = passa de um controle a outro e o aciona
about-data = Dados e modelos
about-credit-quickdraw = Conjunto de dados Quick, Draw!, do Google, CC BY 4.0.
about-credit-sketch-rnn = Modelos sketch-rnn do Google Magenta (Ha & Eck, "A Neural Representation of Sketch Drawings", 2017), Apache-2.0.
about-credit-efficientnet = EfficientNet-Lite0 e Lite2, do Google / The TensorFlow Authors (Tan & Le, 2019), Apache-2.0.
about-credit-flickr8k = Flickr8k: M. Hodosh, P. Young, J. Hockenmaier, "Framing Image Description as a Ranking Task: Data, Models and Evaluation Metrics", JAIR 47, 2013 (uso em pesquisa).
about-credit-photos = Fotos de exemplo: dados do scikit-image (CC0 / domínio público), Marinha dos EUA (domínio público).

## Aba Desenho

sketch-undo = Desfazer
sketch-undo-tip = Desfaz o último traço, o Limpar ou o Abrir (Ctrl+Z)
sketch-clear = Limpar
sketch-clear-tip = Apaga todos os traços (Desfazer os traz de volta)
sketch-brush = Pincel
sketch-brush-tip = Espessura do pincel
sketch-open = Abrir…
sketch-open-tip = Abre um desenho .ndjson do Quick, Draw!
sketch-save = Salvar…
sketch-save-tip = Salva em ndjson do Quick, Draw! (com os tempos)
sketch-export-png = Exportar PNG…
sketch-export-png-tip = Grava o desenho como imagem PNG
sketch-inspect = Dentro da LSTM
sketch-inspect-tip = Mostra as portas e a célula de memória do reconhecedor em cada ponto, e como o palpite evoluiu (Ctrl+I)
sketch-guesses = Palpites
sketch-no-recognizer = O reconhecedor de rabiscos não está disponível: { $error }
sketch-loading = Carregando o reconhecedor…
sketch-empty = Desenhe algo: a LSTM dá palpites enquanto você desenha.
sketch-unsure = Não tenho certeza. É uma destas?
sketch-its-a = É { $class }!
sketch-its-taught = É “{ $class }”!
sketch-try-drawing = Experimente desenhar...
canvas-label = Tela de desenho: pressione e arraste para fazer um traço

## Aba Legenda

caption-open = Abrir foto…
caption-open-tip = Escolha uma foto (Ctrl+O)
caption-paste = Colar
caption-paste-tip = Cola uma imagem da área de transferência (Ctrl+V)
caption-path = Caminho
caption-path-hint = ou digite o caminho de uma foto
caption-open-path = Abrir caminho
caption-loading = carregando…
caption-error = Erro: { $error }
caption-photo-size = { $name } — { $width }×{ $height } px
caption-photo-alt = A foto { $name }
caption-empty = Solte uma foto aqui, cole uma (Ctrl+V) ou abra uma.
    JPEG, PNG, WebP, BMP, GIF.
caption-beam = feixe
caption-beam-tip = Largura do feixe: 1 é a decodificação gulosa
caption-working = gerando a legenda…
caption-none = Sem legenda: { $error }
# Aparece antes das palavras da legenda, que o modelo só escreve em inglês.
caption-in-english = legenda (em inglês):
caption-word-tip = onde o decodificador olhou para esta palavra
caption-copy = Copiar
caption-copy-tip = Copia a legenda
caption-sure = { $pct } de certeza por palavra, em média (log p { $logp })
caption-sure-tip = log p é o logaritmo natural da probabilidade da legenda segundo o modelo. As legendas são ordenadas por ele dividido pelo número de palavras (a média geométrica das probabilidades das palavras), para que uma legenda mais longa não perca posições só pelo tamanho. Codificador { $encoder } ms, decodificador { $decoder } ms.
caption-unmentioned = O codificador vê { $label } ({ $pct }), que a legenda não menciona: talvez o gerador de legendas nunca tenha visto um.
caption-trained-on = Treinado no Flickr8k (8 000 fotos, quase todas de pessoas, cães e cenas ao ar livre): ele descreve esse mundo e não sabe nomear o que nunca viu.
caption-nbest = Outras legendas (N melhores, como a árvore do feixe)
caption-nbest-explain = Legendas que começam com as mesmas palavras compartilham um galho; a melhor vem primeiro. Cada uma termina com a certeza média do modelo por palavra (o que as ordena) e sua log-probabilidade.
caption-gates = Dentro do decodificador (portas por palavra)
caption-gates-explain = { $decoders ->
    [one] A LSTM do decodificador enquanto escrevia a legenda: uma linha por unidade (as mais ativas primeiro), uma coluna por palavra. Portas de 0 (escuro) a 1 (amarelo); célula de memória C de azul (−) a vermelho (+). Passe o mouse sobre uma coluna para ver a atenção da palavra.
   *[other] A LSTM do primeiro dos { $decoders } decodificadores (um ensemble) enquanto escrevia a legenda: uma linha por unidade (as mais ativas primeiro), uma coluna por palavra. Portas de 0 (escuro) a 1 (amarelo); célula de memória C de azul (−) a vermelho (+). Passe o mouse sobre uma coluna para ver a atenção da palavra (a média dos decodificadores).
}
caption-labels = O que o codificador vê (rótulos do ImageNet, em inglês)
caption-end = (fim)
caption-beam-tree = Árvore do feixe: { $captions }
caption-per-word = { $pct } por palavra  (log p { $logp })

## Aba Laboratório

lab-heading = Laboratório de gradientes
lab-explain = Treine uma pequena rede recorrente e observe o gradiente: a retropropagação através do tempo (BPTT) leva dJ/dh para trás, passo a passo, e numa rede de Elman ou de Jordan ele encolhe (desvanecimento do gradiente) ou cresce (explosão do gradiente) com a distância. A célula de memória da LSTM o deixa passar; a BPTT truncada o corta depois de uma janela; o recorte do gradiente limita a sua norma.
lab-start = Iniciar
lab-pause = Pausar
lab-reset = Recomeçar
lab-text = Texto a modelar
lab-model = Modelo (tamanho oculto H)
lab-elman-tip = Rede de Elman: o estado oculto h(t-1) volta como entrada do passo seguinte
lab-jordan-tip = Rede de Jordan: a saída y(t-1) volta como entrada do passo seguinte
lab-lstm-tip = LSTM: portas de esquecimento, de entrada e de saída em volta de uma célula de memória
lab-task = Tarefa
lab-recall = Lembrar
lab-recall-tip = Dizer qual símbolo apareceu k passos atrás, entre distratores
lab-charlm = Caracteres
lab-charlm-tip = Um modelo de linguagem de caracteres: prever o próximo caractere do texto
lab-k-recall = k (passos atrás)
lab-k-charlm = k (janela)
lab-truncate = BPTT truncada
lab-truncate-tip = Retropropaga por no máximo este número de passos (BPTT truncada)
lab-steps = passos
lab-clip = Recorte do gradiente
lab-clip-tip = Recorte do gradiente: reduz o gradiente quando a norma passa de tau (contra a explosão do gradiente)
lab-lr = taxa de aprendizado
lab-seed = semente
lab-epochs = épocas
lab-temperature = temperatura
lab-sample = Gerar texto
lab-press-start = Clique em Iniciar para treinar.
lab-first-epoch = Treinando a primeira época...
lab-status = época { $epoch } ({ $updates } atualizações): perda { $loss }, acurácia { $accuracy } (acaso { $chance }); |dJ/dh| em d={ $far } vale { $ratio } vezes o de d=0
lab-plot-loss = Perda e acurácia por época
lab-press-start-plot = Clique em Iniciar para treinar
lab-loss = perda
lab-accuracy = acurácia
lab-chance = acaso
lab-plot-profile = log10 |dJ/dh(t-d)| em função da distância d
lab-plot-profile-tip = Quanto do gradiente chega a d passos atrás: uma linha que cai rápido é o desvanecimento do gradiente; uma que sobe é a explosão do gradiente.
lab-epoch = época { $n }
lab-plot-clip = log10 da norma do gradiente por atualização, antes e depois do recorte
lab-plot-clip-tip = Com o recorte do gradiente ligado, a norma depois do recorte nunca passa de tau.
lab-before = antes
lab-after = depois

## Dentro da LSTM (a vista Inspecionar e as portas do decodificador)

inspect-heading = Dentro da LSTM
inspect-layer = camada { $n }
inspect-layer-tip = Mostra as portas desta camada da LSTM
inspect-active-first = Unidades ativas primeiro
inspect-active-first-tip = Ordena as unidades de cada mapa pelo quanto variam ao longo do desenho (senão, na ordem das unidades)
inspect-empty = Desenhe algo: as portas de esquecimento, de entrada e de saída e a célula de memória de cada unidade aparecem aqui, uma coluna por ponto que a LSTM lê.
inspect-explain = Linhas: unidades; colunas: os pontos lidos, em ordem. Portas de 0 (escuro) a 1 (amarelo); célula de memória C de negativo (azul) a positivo (vermelho). Passe o mouse sobre uma coluna ou sobre o desenho.
inspect-equations = Em cada ponto, a porta de esquecimento f decide quanto da célula de memória C manter, a porta de entrada i quanto do novo candidato escrever, e a porta de saída o quanto de tanh(C) vira o estado oculto h.
inspect-point = ponto
gate-forget = esquecimento
gate-input = entrada
gate-output = saída
gate-memory = memória
gate-forget-name = porta de esquecimento f
gate-input-name = porta de entrada i
gate-output-name = porta de saída o
gate-memory-name = célula de memória C
gate-heat-map = Mapa de calor: { $gate }
inspect-p-class = p(classe)

## Arquivos e diálogos

filter-drawing = Desenho do Quick, Draw!
filter-png = Imagem PNG
filter-images = Imagens
filter-pack = Pacote de classes ensinadas do rnn-studio
default-pack-file = classes-ensinadas.json
default-drawing-file = desenho.ndjson
default-png-file = desenho.png
png-encode-failed = não foi possível codificar o PNG: { $error }
prompt-heading = Digite um caminho
prompt-explain = Não há janela de arquivos disponível nesta área de trabalho. Digite o caminho do arquivo:
prompt-hint = /home/eu/desenho.ndjson
prompt-ok = OK
prompt-cancel = Cancelar
key-enter = Enter
key-esc = Esc
# "aberto gato.ndjson (gato), o primeiro de 12 desenhos; 5 linhas malformadas ignoradas (a primeira: linha 1: …)"
opened = aberto: { $name }{ $rest }
opened-first-of = { $n ->
    [one] , o primeiro de { $total } desenho
   *[other] , o primeiro de { $total } desenhos
}
opened-skipped = { $n ->
    [one] ; 1 linha malformada ignorada (linha { $line }: { $error })
   *[other] ; { $n } linhas malformadas ignoradas (a primeira: linha { $line }: { $error })
}
no-drawing-in-file = { $path }: nenhum desenho no arquivo
autosave-not-restored = { $path }:{ $line }: o desenho salvo automaticamente não foi restaurado: { $error }
clipboard-unavailable = área de transferência: indisponível ({ $error })
clipboard-no-image = área de transferência: não há imagem para colar

## O processo (stderr)

display-lost-x11 = rnn-studio: a conexão com a tela caiu (o servidor X sumiu); o desenho foi salvo no último levantar da caneta e volta na próxima vez
display-lost = rnn-studio: a conexão com a tela caiu; o desenho foi salvo e volta na próxima vez (biblioteca de janelas: { $how })
window-failed = rnn-studio: não foi possível abrir a janela: { $error }
language-menu = Idioma

## Fotos que não abrem (o status da aba Legenda)

photo-read = { $name }: não foi possível ler o arquivo: { $error }
photo-empty = { $name }: o arquivo está vazio
photo-unknown-format = { $name }: não é uma imagem (formatos aceitos: JPEG, PNG, WebP, BMP, GIF)
photo-too-large = { $name }: imagem grande demais ({ $width }×{ $height } px); são aceitos no máximo { $max } px de lado
photo-over-memory = { $name }: decodificar esta imagem de { $width }×{ $height } px precisa de mais memória que o limite do decodificador, { $mib } MiB
photo-file-too-large = { $name }: o arquivo passa do limite de { $mib } MiB
photo-corrupt = { $name }: imagem danificada ou truncada: { $detail }
photo-no-pixels = { $name }: a imagem não tem pixels

## O que há de errado numa linha de desenho (ao abrir um arquivo, no salvamento automático)

ndjson-json = JSON inválido: { $detail }
ndjson-no-drawing = falta o campo "drawing"
ndjson-not-strokes = "drawing" precisa ser uma lista de traços
ndjson-stroke-shape = traço { $stroke }: era esperado [[x…],[y…]] ou [[x…],[y…],[t…]]
ndjson-length-mismatch = traço { $stroke }: x tem { $x } valores, mas { $what } tem { $n }
ndjson-not-a-number = traço { $stroke }, ponto { $point }: { $what } não é um número finito
ndjson-out-of-range = traço { $stroke }, ponto { $point }: { $what } = { $value } está fora do intervalo (no máximo ±1e6)
ndjson-too-many-points = o desenho tem { $n } pontos; são aceitos no máximo { $max }
ndjson-too-many-strokes = o desenho tem { $n } traços; são aceitos no máximo { $max }
ndjson-empty = o desenho está vazio
ndjson-mixed-timing = os traços misturam pontos com tempo ([x,y,t]) e sem tempo ([x,y])
ndjson-line-too-long = a linha passa do limite de { $mib } MiB
ndjson-endless-line = a linha passa do limite de { $mib } MiB e não termina nos { $skip } MiB seguintes; o resto da entrada não foi lido
ndjson-not-utf8 = a linha não é UTF-8 válido

## Configurações recusadas do laboratório

lab-error-zero = { $what } precisa ser pelo menos 1
lab-error-symbols = a tarefa de lembrar precisa de pelo menos 2 símbolos; recebeu { $n }
lab-error-lr = a taxa de aprendizado precisa ser positiva e finita; recebeu { $value }
lab-error-clip = o limite do recorte do gradiente precisa ser positivo e finito; recebeu { $value }
lab-error-text = o texto precisa de pelo menos 2 caracteres diferentes; recebeu { $chars }
