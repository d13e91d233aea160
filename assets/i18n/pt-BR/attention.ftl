# O mapa de atenção da aba Legenda.

attention-raw-grid = Grade { $side }×{ $side } bruta
attention-raw-grid-hint = Mostra as células de atenção do codificador como são, em vez de suavizadas sobre a foto
