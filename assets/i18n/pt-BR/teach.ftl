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
teach-exported = Pacote exportado para { $path }
teach-imported = { $n ->
    [one] { $n } classe importada
   *[other] { $n } classes importadas
}
teach-correct = Não, é um …
teach-correct-pick = escolha um palpite
teach-correct-learn = Aprender
