# Les mots de l'écran du surveillant (voir en/attendant.ftl).

attendant-nav = Surveillance
attendant-title = Surveillance
attendant-hint = Le bilan des 12 dernières heures sur ce poste, et ce qui attend dans sa file. Mis à jour toutes les 10 secondes tant que cet écran est ouvert.

## Le bilan

attendant-issued = Émises
attendant-failed = En échec
attendant-success-rate = Taux de réussite
attendant-rate = { NUMBER($rate, style: "percent", maximumFractionDigits: 0) }
attendant-rate-none = Aucune émission terminée pour l'instant
attendant-queue-depth = Tâches ouvertes dans la file
attendant-queue-breakdown = En attente { $queued } · Envoi { $sending } · Envoyées, attendent le destinataire { $sent } · Prêtes { $ready } · Au poste { $atDesk } · Incertaines { $uncertain }
attendant-updated = Mis à jour à { DATETIME($at, timeStyle: "medium") }

## Le graphique, et le tableau qui dit la même chose pour un lecteur d'écran

attendant-chart-title = Émissions par heure
attendant-chart =
    .aria-label = Histogramme des 12 dernières heures : { $issued } émises, { $failed } en échec. Le tableau qui suit donne chaque heure.
attendant-legend-issued = Émises
attendant-legend-failed = En échec (hachuré, marqué ✕)
attendant-hour = { DATETIME($start, hour: "2-digit", minute: "2-digit") }
attendant-hour-range = { DATETIME($start, hour: "2-digit", minute: "2-digit") }–{ DATETIME($end, hour: "2-digit", minute: "2-digit") }
attendant-bar-failed = ✕{ $count }
attendant-table-caption = Émissions par heure, les plus anciennes d'abord
attendant-col-hour = Heure
attendant-col-issued = Émises
attendant-col-failed = En échec

## Échecs par motif

attendant-reasons-title = Échecs par motif
attendant-reason = { $code } : { $count }
attendant-reason-explained = { $code } : { $count } — { $explanation }
attendant-no-failures = Aucun échec au cours des 12 dernières heures.
