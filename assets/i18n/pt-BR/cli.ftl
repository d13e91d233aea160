# rnn-studio, as mensagens da linha de comando. A saída JSON nunca passa
# por este arquivo: chaves e valores são os mesmos em qualquer idioma.

cli-bad-lang = idioma desconhecido "{ $value }" (use en ou pt-BR)
cli-heading-usage = Uso:
cli-heading-commands = Comandos
cli-heading-options = Opções
cli-heading-arguments = Argumentos
cli-help-flag = Mostra a ajuda
cli-version-flag = Mostra a versão
