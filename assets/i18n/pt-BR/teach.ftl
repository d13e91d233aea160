# rnn-studio, mensagens da aba Ensinar e de "Não, é um …".
# Todo id aqui também existe em ../en/teach.ftl.

tab-teach = Ensinar
teach-class = Classe:
teach-class-hint = um nome, p. ex. cacto
teach-add = Adicionar exemplo
teach-add-hint = O desenho da tela vira um exemplo desta classe (Ctrl+Enter)
teach-clear = Limpar
teach-learn = Aprender
teach-learnt = aprendida
teach-not-learnt = ainda não aprendida: clique em Aprender
teach-embedding = lendo os exemplos: { $done } de { $total }
teach-loss = perda
teach-guess = Palpite com as classes ensinadas
teach-draw-hint = Desenhe na tela: depois de aprender, o palpite inclui as suas classes.
teach-no-classes = Nenhuma classe ensinada ainda: dê um nome, desenhe e adicione o desenho.
teach-class-count = { $name }: { $n ->
    [one] { $n } exemplo
   *[other] { $n } exemplos
}
teach-example = Um desenho de exemplo
teach-remove = Remover este exemplo
teach-rename = Renomear
teach-delete = Apagar classe
teach-folder = Guardadas em { $path }
teach-off = As classes ensinadas estão desligadas.
teach-nothing-to-learn = Nada para aprender: adicione exemplos antes.
teach-export = Exportar pacote…
teach-export-hint = Grava todas as classes ensinadas (exemplos e o que foi aprendido) num só arquivo, para compartilhar ou guardar
teach-import = Importar pacote…
teach-import-hint = Acrescenta às suas as classes de um arquivo de pacote; um arquivo danificado não muda nada
teach-exported = Pacote exportado para { $path }
teach-imported = { $n ->
    [one] { $n } classe importada
   *[other] { $n } classes importadas
}
teach-correct = Não, é um …
teach-correct-pick = escolha um palpite
teach-correct-learn = Aprender

## Ajuda de linha de comando de teach, eval-teach e classify --pack

cli-arg-rnn-studio-classify-pack = Também dá palpites com as classes ensinadas deste pacote (feito por `teach`); um pacote cujos pesos aprendidos estão desatualizados é aprendido de novo, em memória
cli-about-rnn-studio-teach = Ensina ao reconhecedor classes novas a partir de poucos desenhos (um pacote de classes ensinadas)
    .long = Ensina ao reconhecedor classes novas a partir de poucos desenhos (um pacote de classes ensinadas).
    
    `teach NOME=ARQUIVO.ndjson …` torna cada desenho de ARQUIVO um exemplo de NOME e aprende de novo; `--list`, `--rename ANTIGO=NOVO`, `--delete NOME`, `--export ARQUIVO` e `--import ARQUIVO` cuidam do pacote. O pacote fica em $XDG_DATA_HOME/rnn-studio/classes (senão ~/.local/share/rnn-studio/classes), a menos que `--pack PASTA` indique outro; `classify --pack PASTA` e o app o usam.
cli-arg-rnn-studio-teach-pairs = Pares NOME=ARQUIVO.ndjson: cada desenho de ARQUIVO vira um exemplo de NOME
cli-arg-rnn-studio-teach-pack = A pasta do pacote (padrão: $XDG_DATA_HOME/rnn-studio/classes, senão ~/.local/share/rnn-studio/classes)
cli-arg-rnn-studio-teach-weights = Pasta do reconhecedor (padrão: recognizer/ na raiz dos pesos)
cli-arg-rnn-studio-teach-list = Mostra as classes do pacote em JSON, sem mudar nada
cli-arg-rnn-studio-teach-rename = Renomeia uma classe: ANTIGO=NOVO
cli-arg-rnn-studio-teach-delete = Apaga uma classe e os seus exemplos
cli-arg-rnn-studio-teach-export = Grava o pacote inteiro num único arquivo
cli-arg-rnn-studio-teach-import = Adiciona as classes de um arquivo exportado
cli-about-rnn-studio-eval-teach = Avalia classes ensinadas: ensina K desenhos de cada uma de N classes desconhecidas e testa no resto
cli-arg-rnn-studio-eval-teach-data = A pasta de dados (contém quickdraw/ e quickdraw-unknown/)
cli-arg-rnn-studio-eval-teach-weights = Pasta do reconhecedor (padrão: recognizer/ na raiz dos pesos)
cli-arg-rnn-studio-eval-teach-part = Quais classes desconhecidas ensinar
cli-arg-rnn-studio-eval-teach-shots = K, exemplos por classe (os K primeiros desenhos do seu arquivo)
cli-arg-rnn-studio-eval-teach-new = N, classes novas somadas às embutidas
cli-arg-rnn-studio-eval-teach-draws = Sorteios das N classes; os números são médias sobre eles
cli-arg-rnn-studio-eval-teach-scale = Valores de α (a escala dos logits ensinados)
cli-arg-rnn-studio-eval-teach-bias = Valores de β (o deslocamento dos logits ensinados)
cli-arg-rnn-studio-eval-teach-gate = Valores de γ (o quanto uma classe ensinada é um tipo de "outro")
cli-arg-rnn-studio-eval-teach-steps = Passos do ajuste (0: só os protótipos)
cli-arg-rnn-studio-eval-teach-anchor_weight = λ, a parte das âncoras na perda do ajuste
cli-arg-rnn-studio-eval-teach-copies = Cópias aumentadas por exemplo
cli-arg-rnn-studio-eval-teach-anchors = Âncoras: desenhos de treino por classe embutida
cli-arg-rnn-studio-eval-teach-other_anchors = Âncoras: desenhos de treino por classe desconhecida da parte 0
cli-arg-rnn-studio-eval-teach-anchor_copies = Âncoras: cópias aumentadas de cada desenho-âncora, no lugar dele (0: os próprios desenhos de treino)
cli-arg-rnn-studio-eval-teach-write_anchors = Grava as âncoras (os --anchors primeiros desenhos de treino de cada classe embutida, --other-anchors de cada classe desconhecida da parte 0) em ARQUIVO, para distribuir como recognizer/anchors.ndjson, e para
cli-arg-rnn-studio-eval-teach-calibrate_unsure = Em vez de ensinar: calibra de novo o "Não tenho certeza" (issue 20, item 11) com `calibrate_unsure` nos desenhos de validação e nas desconhecidas de calibração, e mostra a AUROC do "não tenho certeza" (validação conhecida contra as desconhecidas de avaliação) e a precisão de "É um …" nos desenhos de validação, antes e depois
cli-arg-rnn-studio-eval-teach-write_config = Com --calibrate-unsure: grava a nova pontuação e o novo limiar no config.json do reconhecedor (de forma atômica)
cli-arg-rnn-studio-eval-teach-json = Mostra JSON (um objeto) em vez de uma tabela
