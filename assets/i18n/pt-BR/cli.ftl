# rnn-studio, as mensagens da linha de comando. A saída JSON nunca passa
# por este arquivo: chaves e valores são os mesmos em qualquer idioma.

cli-bad-lang = idioma desconhecido "{ $value }" (use en ou pt-BR)
cli-heading-usage = Uso:
cli-heading-commands = Comandos
cli-heading-options = Opções
cli-heading-arguments = Argumentos
cli-help-flag = Mostra a ajuda
cli-version-flag = Mostra a versão

## Ajuda (--help): `cli-about-<comando>` e `cli-arg-<comando>-<argumento>`,
## `.long` para a forma longa. O inglês repete os comentários de src/cli/.

-search-order = Sem ela, usa-se o primeiro destes lugares que tiver o modelo: $RNN_STUDIO_WEIGHTS (quando definida, o único lugar procurado), weights/ ao lado do executável, o weights/ da árvore de código quando executado de target/, ~/.local/share/rnn-studio/weights, /usr/local/share/rnn-studio/weights, /usr/share/rnn-studio/weights.

cli-about-rnn-studio = Redes recorrentes trabalhando: reconhecimento de rabiscos ao vivo, desenho com sketch-rnn, legendas para fotos e um olhar dentro da LSTM
cli-arg-rnn-studio-lang = O idioma das mensagens e da ajuda: en ou pt-BR (padrão: de LC_ALL, LC_MESSAGES, LANG). A saída JSON é a mesma em qualquer idioma
cli-about-rnn-studio-bench = Mede a velocidade: medianas de execuções repetidas, em ms, com referências medidas na mesma execução
cli-arg-rnn-studio-bench-json = Imprime um objeto JSON por caso
cli-arg-rnn-studio-bench-runs = Execuções cronometradas por caso (depois de uma de aquecimento)
cli-arg-rnn-studio-bench-no_baseline = Pula as referências lentas (o candle composto leva segundos por execução)
cli-about-rnn-studio-convert-sketch-rnn = Converte geradores sketch-rnn `.gen.json` para o formato safetensors distribuído
cli-arg-rnn-studio-convert-sketch-rnn-data = Pasta com os arquivos `CLASSE.gen.json`
cli-arg-rnn-studio-convert-sketch-rnn-out = Pasta onde gravar `CLASSE.safetensors` e `CLASSE.json`
cli-about-rnn-studio-classify = Dá nome a rabiscos: arquivos ndjson ou a entrada padrão, um desenho por linha
    .long = Dá nome a rabiscos: arquivos ndjson ou a entrada padrão, um desenho por linha.

    Limites: uma linha pode ter no máximo 8 MiB e um desenho no máximo 100 000 pontos e 10 000 traços, com coordenadas dentro de ±1e6; uma linha maior é relatada como linha inválida e a execução segue com a próxima. Uma entrada sem nenhum desenho é relatada no stderr (saída 1).
cli-arg-rnn-studio-classify-files = Arquivos ndjson, `-` para a entrada padrão (o padrão quando nenhum é dado)
cli-arg-rnn-studio-classify-json = Um objeto JSON por linha de entrada
cli-arg-rnn-studio-classify-top = Quantos palpites por desenho
cli-arg-rnn-studio-classify-weights = Pasta do reconhecedor (padrão: recognizer/ na raiz dos pesos)
    .long = Pasta do reconhecedor (model.safetensors, config.json). { -search-order }
cli-about-rnn-studio-eval-sketch = Avalia o reconhecedor de rabiscos em desenhos reais de validação e em classes desconhecidas
cli-arg-rnn-studio-eval-sketch-data = A pasta de dados (com quickdraw/ e quickdraw-unknown/)
cli-arg-rnn-studio-eval-sketch-weights = Pasta do reconhecedor (padrão: recognizer/ na raiz dos pesos)
    .long = Pasta do reconhecedor (model.safetensors, config.json). { -search-order }
cli-arg-rnn-studio-eval-sketch-confusion = Onde gravar o PNG da matriz de confusão
cli-arg-rnn-studio-eval-sketch-json = Grava também o relatório inteiro em JSON neste arquivo
cli-about-rnn-studio-inspect = Desenha as portas do reconhecedor e os palpites ao longo do tempo para um desenho
cli-arg-rnn-studio-inspect-drawing = Um arquivo ndjson do Quick, Draw!; o primeiro desenho é inspecionado
cli-arg-rnn-studio-inspect-png = Onde gravar a imagem
cli-arg-rnn-studio-inspect-layer = Qual camada da LSTM mostrar (0 = a que lê os pontos)
cli-arg-rnn-studio-inspect-top = Quantas das classes finais mais prováveis acompanhar ao longo do tempo
cli-about-rnn-studio-train-sketch = Treina o reconhecedor de rabiscos (retomável: rode o mesmo comando de novo)
cli-arg-rnn-studio-train-sketch-data = A pasta de dados (com quickdraw/ e quickdraw-unknown/)
cli-arg-rnn-studio-train-sketch-out = Pasta de saída: checkpoints, cache sintético e o model/ final
cli-arg-rnn-studio-train-sketch-hidden = Tamanho oculto H da LSTM
cli-arg-rnn-studio-train-sketch-running_max = A cabeça também lê o máximo acumulado da saída da camada de cima sobre os pontos vistos até ali (a evidência mais forte de cada unidade, em qualquer parte do desenho)
cli-arg-rnn-studio-train-sketch-label_smoothing = Suavização de rótulos ε do alvo da entropia cruzada
cli-arg-rnn-studio-train-sketch-ema = Valida e exporta uma média móvel exponencial dos pesos com este decaimento por atualização (0: os pesos crus)
cli-arg-rnn-studio-train-sketch-other_classes = Uma saída por classe desconhecida de treino em vez de uma única saída "outro" (p(outro) é a soma delas); `--other-classes false` para uma só
cli-arg-rnn-studio-train-sketch-other_weight = Quantas classes de cada lote ficam para os desenhos desconhecidos
cli-arg-rnn-studio-train-sketch-stroke_order = Aumento de dados: probabilidade de reordenar traços vizinhos de um desenho
cli-arg-rnn-studio-train-sketch-stroke_reverse = Aumento de dados: probabilidade de desenhar cada traço ao contrário
cli-arg-rnn-studio-train-sketch-synth_frac = Probabilidade de que um elemento do lote de uma classe geradora seja uma amostra do sketch-rnn em vez de um desenho real
cli-arg-rnn-studio-train-sketch-layers = Camadas da LSTM
cli-arg-rnn-studio-train-sketch-patience = Parada antecipada: épocas sem melhorar a pontuação de validação
cli-arg-rnn-studio-train-sketch-minutes = Para o treino depois de tantos minutos de relógio (e termina normalmente)
cli-arg-rnn-studio-train-sketch-synth_count = Amostras do sketch-rnn por classe geradora e temperatura (0: nenhuma)
cli-arg-rnn-studio-train-sketch-synth_temperatures = Temperaturas de amostragem do sketch-rnn, separadas por vírgula
cli-arg-rnn-studio-train-sketch-sketch_rnn = Pasta dos modelos sketch-rnn
cli-arg-rnn-studio-train-sketch-threads = Threads de trabalho por lote
cli-arg-rnn-studio-train-sketch-cnn = Treina a CNN de imagem depois da LSTM e mistura as duas (`--cnn false`: só a LSTM)
cli-arg-rnn-studio-train-sketch-cnn_size = CNN: lado S da imagem (divisível por 2 a cada bloco)
cli-arg-rnn-studio-train-sketch-cnn_channels = CNN: canais de cada bloco de convolução, separados por vírgula
cli-arg-rnn-studio-train-sketch-cnn_weight = A parcela w da CNN nas probabilidades misturadas
cli-arg-rnn-studio-train-sketch-cnn_mirror = CNN: probabilidade de espelhar uma imagem de treino da esquerda para a direita
cli-arg-rnn-studio-train-sketch-cnn_synth_frac = CNN: a parcela de amostras do sketch-rnn nas classes geradoras (padrão: --synth-frac, como a LSTM)
cli-arg-rnn-studio-train-sketch-cnn_minutes = Para a etapa da CNN depois de tantos minutos (e termina normalmente)
cli-arg-rnn-studio-train-sketch-cnn_cosine = Dá à CNN uma cabeça de cosseno com esta escala (aprendizado de métricas; 0: a cabeça linear)
cli-arg-rnn-studio-train-sketch-preview = Só grava neste arquivo uma grade PNG de desenhos de treino aumentados, e sai
cli-about-rnn-studio-caption = Gera legendas para fotos com o gerador de legendas distribuído
cli-arg-rnn-studio-caption-images = Fotos a legendar (JPEG, PNG, WebP, BMP, GIF)
cli-arg-rnn-studio-caption-json = Imprime um objeto JSON por foto
cli-arg-rnn-studio-caption-beam = Largura do feixe (1 = gulosa)
cli-arg-rnn-studio-caption-nbest = Legendas listadas por foto (no máximo a largura do feixe)
cli-arg-rnn-studio-caption-results_json = Grava também as legendas no formato de resultados do COCO (`[{ "{" }"image_id":…,"caption":…{ "}" }]`)
cli-arg-rnn-studio-caption-weights = Raiz dos pesos com encoder/ e captioner/
    .long = Raiz dos pesos com encoder/ e captioner/. { -search-order }
cli-about-rnn-studio-eval-caption = Avalia o gerador de legendas distribuído numa partição do Flickr8k (BLEU-1..4, CIDEr-D)
cli-arg-rnn-studio-eval-caption-data = Pasta do Flickr8k (captions.json, images/)
cli-arg-rnn-studio-eval-caption-split = Partição a avaliar: dev (a de teste fica guardada)
cli-arg-rnn-studio-eval-caption-beam = Largura do feixe (1 = gulosa)
cli-arg-rnn-studio-eval-caption-limit = Avalia só as N primeiras fotos da partição
cli-arg-rnn-studio-eval-caption-length_alpha = α da normalização por comprimento do feixe (log p ÷ tokens^α; padrão: o da configuração do gerador de legendas)
cli-arg-rnn-studio-eval-caption-cache = Um cache de características do train-caption (RUN/features) para pular o codificador
cli-arg-rnn-studio-eval-caption-weights = Raiz dos pesos com encoder/ e captioner/
    .long = Raiz dos pesos com encoder/ e captioner/. { -search-order }
cli-arg-rnn-studio-eval-caption-samples = Legendas de exemplo mostradas
cli-arg-rnn-studio-eval-caption-json = Imprime um objeto JSON
cli-about-rnn-studio-attention-sheet = Grava a folha de contatos da atenção: cada foto e, ao lado, a atenção do decodificador sobre ela para cada substantivo da legenda
cli-arg-rnn-studio-attention-sheet-images = Fotos, uma linha cada (ou nenhuma, com --data)
cli-arg-rnn-studio-attention-sheet-data = Uma pasta do Flickr8k: as --count primeiras fotos da partição --split, na ordem do captions.json, vêm depois das fotos nomeadas
cli-arg-rnn-studio-attention-sheet-split = Com --data: a partição
cli-arg-rnn-studio-attention-sheet-count = Com --data: quantas fotos
cli-arg-rnn-studio-attention-sheet-out = Onde gravar a imagem (PNG)
cli-arg-rnn-studio-attention-sheet-beam = Largura do feixe (1 = gulosa)
cli-arg-rnn-studio-attention-sheet-tile = Lado de cada imagem da folha, em pixels
cli-arg-rnn-studio-attention-sheet-weights = Raiz dos pesos com encoder/ e captioner/
    .long = Raiz dos pesos com encoder/ e captioner/. { -search-order }
cli-about-rnn-studio-train-caption = Treina o decodificador com atenção do gerador de legendas no Flickr8k
cli-arg-rnn-studio-train-caption-data = Pasta do Flickr8k (captions.json, images/)
cli-arg-rnn-studio-train-caption-out = Pasta da execução: cache de características, checkpoints, registro
cli-arg-rnn-studio-train-caption-encoder = Pasta dos pesos do codificador
cli-arg-rnn-studio-train-caption-encoder_model = Qual rede EfficientNet-Lite codifica as fotos (o arquivo de pesos dela em --encoder): lite0 (224 px, grade 7×7), lite1 (240 px, 8×8) ou lite2 (260 px, 9×9). (Padrão lite0; com --scst, a rede que o decodificador de --init lê.)
cli-arg-rnn-studio-train-caption-cache_only = Só monta o cache de características
cli-arg-rnn-studio-train-caption-export = Grava a melhor época da execução como pesos distribuídos nesta pasta (por exemplo weights/captioner) e para, sem treinar mais
cli-arg-rnn-studio-train-caption-member = Com --export: o arquivo de decodificador a gravar lá. O padrão começa uma pasta nova (ou substitui esse arquivo de um ensemble); outro nome, por exemplo decoder-2.safetensors, junta esta execução ao ensemble que já está na pasta (mesmos tamanhos e vocabulário)
cli-arg-rnn-studio-train-caption-photos_per_batch = Fotos por lote (cada uma traz as suas cinco legendas)
cli-arg-rnn-studio-train-caption-lr_decay = Fator da taxa de aprendizado por época
cli-arg-rnn-studio-train-caption-clip = Limite da norma global do gradiente
cli-arg-rnn-studio-train-caption-dev_photos = Fotos de dev legendadas depois de cada época para o BLEU-4 (com --scst: o CIDEr-D)
cli-arg-rnn-studio-train-caption-patience = Épocas sem melhorar o BLEU-4 de dev (com --scst: o CIDEr-D) antes de parar
cli-arg-rnn-studio-train-caption-max_batches = Encerra cada época depois de tantos lotes (para medir tempo)
cli-arg-rnn-studio-train-caption-lr = Taxa de aprendizado (padrão 4e-4; com --scst 2e-5)
cli-arg-rnn-studio-train-caption-attention_penalty = Peso λ da penalidade duplamente estocástica da atenção
cli-arg-rnn-studio-train-caption-scst = Treino autocrítico (REINFORCE sobre o CIDEr-D) do decodificador dado por --init, em vez do treino por entropia cruzada; sem dropout, tamanhos de --init
cli-arg-rnn-studio-train-caption-init = Com --scst: os pesos do decodificador de partida (a pasta dele tem config.json e vocab.json), por exemplo weights/captioner/decoder.safetensors
cli-arg-rnn-studio-train-caption-samples = Com --scst: legendas amostradas por foto
cli-arg-rnn-studio-train-caption-baseline = Com --scst: com o que a recompensa de cada legenda amostrada é comparada
cli-value-rnn-studio-train-caption-baseline-greedy = A recompensa da legenda gulosa da foto
cli-value-rnn-studio-train-caption-baseline-mean = A recompensa média das outras amostras da foto
cli-arg-rnn-studio-train-caption-xe_weight = Com --scst: peso da entropia cruzada das referências misturada à perda (0: nenhuma)
cli-arg-rnn-studio-train-caption-glove = Começa a incorporação das palavras destes vetores GloVe (uma tabela reduzida ao vocabulário por scripts/trim_glove.py); sem ela, um começo aleatório
cli-arg-rnn-studio-train-caption-temperature = Com --scst: temperatura τ da política amostrada e treinada, softmax(logits / τ)
cli-arg-rnn-studio-train-caption-mirror = Aumento por espelhamento: lê cada foto de treino espelhada da esquerda para a direita na metade das vezes ("left" e "right" trocados nas suas legendas), de um segundo cache de características das fotos espelhadas (OUT/features-mirrored, feito uma vez)
cli-about-rnn-studio-lab = O laboratório de gradientes: treina uma rede de Elman, uma rede de Jordan ou uma LSTM em lembrança ou num modelo de caracteres e imprime a perda, a acurácia e o perfil da norma do gradiente por época
cli-arg-rnn-studio-lab-model = A rede: rede de Elman, rede de Jordan ou LSTM (mesmo tamanho oculto)
cli-arg-rnn-studio-lab-task = A tarefa
cli-arg-rnn-studio-lab-k = recall: a quantos passos atrás está a resposta; charlm: o tamanho da janela
cli-arg-rnn-studio-lab-truncate = BPTT truncada: o gradiente volta no máximo K passos (padrão: BPTT completa)
cli-arg-rnn-studio-lab-clip = Recorte do gradiente: limita a norma global a T (padrão: sem recorte)
cli-arg-rnn-studio-lab-lr = Taxa de aprendizado
cli-arg-rnn-studio-lab-seed = Semente dos pesos e dos dados; a mesma semente dá os mesmos números
cli-arg-rnn-studio-lab-epochs = Número de épocas (cada uma tem --updates atualizações)
cli-arg-rnn-studio-lab-updates = Atualizações por época
cli-arg-rnn-studio-lab-hidden = Tamanho oculto H (o mesmo para todos os modelos)
cli-arg-rnn-studio-lab-batch = Sequências por atualização
cli-arg-rnn-studio-lab-symbols = recall: o número de símbolos de resposta (o acaso é 1/S)
cli-arg-rnn-studio-lab-distractors = recall: o número de símbolos distratores que preenchem o intervalo
cli-arg-rnn-studio-lab-forget_bias = Só LSTM: o viés inicial da porta de esquecimento (σ(5) ≈ 0,993 mantém a memória aberta)
cli-arg-rnn-studio-lab-text = charlm: um arquivo de texto UTF-8 a modelar (padrão: o texto { "{" }C, E, F, T{ "}" } da aula)
cli-arg-rnn-studio-lab-temperature = charlm: temperatura de amostragem (0 = sempre o caractere mais provável)
cli-arg-rnn-studio-lab-sample_len = charlm: caracteres a gerar depois de cada época
cli-arg-rnn-studio-lab-json = Imprime um objeto JSON por época
cli-about-rnn-studio-manual = Grava as páginas de manual e os completamentos do shell (para empacotadores)
cli-arg-rnn-studio-manual-out = Pasta onde gravar: `man/` e `completions/` são criadas nela

## Mensagens para pessoas (stderr e a saída legível, sem JSON)

cli-error = rnn-studio: { $error }
cli-cannot-open = rnn-studio: não foi possível abrir { $path }: { $error }
cli-cannot-read = rnn-studio: não foi possível ler { $path }: { $error }
cli-cannot-read-file = não foi possível ler { $path }
cli-cannot-write = não foi possível gravar { $path }
cli-cannot-write-stdout = não foi possível escrever na saída padrão
cli-no-drawings = rnn-studio: nenhum desenho em { $path }
cli-stdin = entrada padrão
cli-line = linha { $line }
cli-line-error = erro: { $error }
cli-not-sure = (incerto)
cli-cannot-load-recognizer = não foi possível carregar o reconhecedor
cli-cannot-load-captioner = não foi possível carregar o gerador de legendas de { $path }
cli-inspect-bad-layer = --layer { $layer }, mas o reconhecedor tem { $n } camadas
cli-inspect-written = { $path }: { $points } pontos, camada { $layer } de { $layers }, { $units } unidades; linhas de cima para baixo: f, i, o, C (unidades por variância), depois p(classe) ao longo dos pontos
cli-inspect-line = { "  " }linha { $rgb }: { $class } (p final { $p })
cli-lab-cannot-read-text = { $path }: não foi possível ler o texto
cli-lab-full-bptt = BPTT completa
cli-lab-truncated-bptt = BPTT truncada k = { $k }
cli-lab-clip-off = desligado
cli-lab-header = { $model } em { $task } (k = { $k }, H = { $hidden }, { $bptt }, recorte { $clip }, { $optimizer } taxa { $lr }), acaso { $chance }
cli-lab-epoch = época { $epoch }  perda { $loss }  acurácia { $accuracy }  |g| { $before } -> { $after }  |dJ/dh| d=0 { $near }  d={ $far } { $far_value }  razão { $ratio }
cli-lab-sample = { "    " }amostra: { $text }

## eval-sketch, eval-caption, convert-sketch-rnn

cli-cannot-load = não foi possível carregar { $path }
cli-eval-classes-differ = { $path }: as classes dos dados são diferentes das do modelo ({ $data } contra { $model })
cli-eval-progress-bar = avaliando [{"{"}bar:30{"}"}] {"{"}pos{"}"}/{"{"}len{"}"} faltam {"{"}eta{"}"}
cli-eval-progress = avaliando: { $done }/{ $total }
cli-eval-confusion = matriz de confusão: { $path }
cli-eval-col-class = classe
cli-eval-col-gen = ger.
cli-eval-yes = s
cli-eval-no = n
cli-eval-macro-all = macro sobre { $n } classes:       top-1 { $top1 }  top-3 { $top3 }
cli-eval-macro-gen = macro, { $n } classes geradoras:  top-1 { $top1 }  top-3 { $top3 }
cli-eval-macro-other = macro, { $n } outras classes:     top-1 { $top1 }  top-3 { $top3 }
cli-eval-auroc = AUROC conhecidas contra desconhecidas: { $eval } (classes desconhecidas de avaliação), { $calibration } (classes de calibração)
cli-eval-unsure = "incerto": { $known } dos desenhos conhecidos de validação, { $unknown } dos desenhos desconhecidos
cli-eval-early = top-1 macro com uma parte dos pontos: { $scores }
cli-captioning-split = legendando { $split }
cli-eval-caption-header = { $n } fotos de { $split }, feixe { $beam }, { $seconds } s
cli-eval-caption-model = { "  " }modelo:     { $caption }
cli-eval-caption-reference = { "  " }referência: { $caption }
cli-converted = convertido { $done }/{ $total }: { $class }
cli-no-gen-json = { $path }: nenhum arquivo *.gen.json encontrado
cli-converted-total = { $n } modelos, { $mb } MB em { $path }

## train-sketch, train-caption (as notas de progresso da própria biblioteca ficam em inglês)

cli-train-cannot-load = não foi possível carregar os dados de treino de { $path }
cli-train-calibrating = calibrando o limiar de incerteza e gravando { $path }
cli-train-wrote = gravado { $path } (limiar de incerteza { $threshold }); o treino levou { $minutes } min
cli-train-data = dados: { $classes } classes, { $train } reais de treino, { $val } reais de validação, { $synthetic } sintéticos, desconhecidos treino/calibração/avaliação { $unknown } ({ $bad } linhas inválidas ignoradas)
cli-train-step-msg = perda { $loss } acc { $acc }
cli-train-step = época { $epoch } passo { $step }/{ $steps } perda { $loss } acc { $acc }
cli-train-best = {" "}melhor
cli-train-epoch = época { $epoch }/{ $epochs }: perda { $loss } acc de treino { $acc } top-1 macro de validação { $macro_top1 } (micro { $micro_top1 }){ $best } — { $minutes } min, ~{ $per_epoch } min por época
cli-train-caption-exported = gravado { $member } em { $path } (vocabulário de { $vocab } palavras; ensemble: { $members })
cli-train-encoding = codificando as fotos
cli-train-encoding-mirrored = codificando as fotos espelhadas
cli-train-building-cache = montando o cache de características
cli-train-cache = cache de características: { $n } fotos em { $seconds } s
cli-train-loss = perda { $loss }
cli-train-caption-epoch = época { $epoch } concluída: perda de treino { $loss }, BLEU-1..4 de dev { $bleu }, CIDEr-D { $cider }, taxa { $lr }, { $seconds } s (total { $total } s)
cli-train-caption-done = fim: { $epochs } épocas, melhor BLEU-4 de dev { $bleu4 } na época { $best }, tempo de treino { $seconds } s
cli-train-reward = recompensa { $reward }
cli-train-caption-reward = CIDEr-D de treino da época: legendas amostradas { $sampled }, gulosas { $greedy }
cli-train-caption-done-scst = fim: { $epochs } épocas, melhor CIDEr-D de dev { $cider } na época { $best } (0 = o decodificador de partida), tempo de treino { $seconds } s
cli-sheet-no-photos = nenhuma foto: nomeie algumas ou dê --data
cli-sheet-wrote = gravado { $path }: { $n } fotos, { $kb } KB

## As opções de um valor (as variantes de um ValueEnum)

cli-possible-values = Valores possíveis:
cli-possible-values-short = [valores possíveis: { $values }]
cli-value-rnn-studio-bench-which-lstm = A LSTM fundida contra a composta em candle (passo de treino, passo em fluxo)
cli-value-rnn-studio-bench-which-sketch-rnn = sketch-rnn: amostrar um desenho inteiro (o modelo do pássaro, temperatura padrão)
cli-value-rnn-studio-bench-which-sketch = O reconhecedor de rabiscos: atualização ao vivo e classificação do desenho inteiro
cli-value-rnn-studio-bench-which-caption = O gerador de legendas: carregar, codificador, decodificador com feixe 3, legenda inteira
cli-value-rnn-studio-bench-which-startup = O app: do início do processo ao primeiro quadro (precisa de uma tela) e a carga dos modelos
cli-value-rnn-studio-bench-which-teach = Ensinar: aprender 10 classes novas de 5 desenhos cada (âncoras novas e em cache)
cli-value-rnn-studio-lab-task-recall = Devolver o símbolo visto k passos atrás
cli-value-rnn-studio-lab-task-charlm = Prever o próximo caractere de um texto (janelas de k caracteres)
cli-value-rnn-studio-eval-teach-part-calibrate = Parte 1: para escolher os ajustes do método
cli-value-rnn-studio-eval-teach-part-evaluate = Parte 2: os números relatados
