# rnn-studio, the command line's messages. JSON output never goes
# through this file: its keys and values are the same in every language.

cli-bad-lang = unknown language "{ $value }" (use en or pt-BR)
cli-heading-usage = Usage:
cli-heading-commands = Commands
cli-heading-options = Options
cli-heading-arguments = Arguments
cli-help-flag = Print help
cli-version-flag = Print version
