# O mapa de atenção da aba Legenda.

attention-raw-grid = Grade 7×7 bruta
attention-raw-grid-hint = Mostra as células de atenção do codificador como são, em vez de suavizadas sobre a foto
