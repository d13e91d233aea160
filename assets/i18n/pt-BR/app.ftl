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

stroke-count = { $n ->
    [one] { $n } traço
   *[other] { $n } traços
}
point-count = { $n ->
    [one] { $n } ponto
   *[other] { $n } pontos
}
