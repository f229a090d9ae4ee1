# Le verrou du personnel (ui/js/staff.js) : la fenêtre du code, Verrouiller, et « Changer le code du personnel ».

staff-open = Personnel
staff-lock = Verrouiller
    .title = Verrouiller de nouveau les écrans du personnel
staff-unlock-title = Réservé au personnel
staff-unlock-hint = Saisissez le code du personnel pour continuer.
staff-pin-label = Code du personnel
staff-cancel = Annuler
staff-unlock = Déverrouiller
staff-pin-rules = Le code du personnel compte de 4 à 12 chiffres (0–9), rien d'autre.
staff-wrong-pin = { $triesLeft ->
    [one] Ce n'est pas le code du personnel. Encore un essai erroné et les écrans du personnel se verrouillent pour un moment.
   *[other] Ce n'est pas le code du personnel. Encore { $triesLeft } essais erronés et les écrans du personnel se verrouillent pour un moment.
}
staff-wait = { $triesLeft ->
    [one] Ce n'est pas le code du personnel. Réessayez dans { $seconds } s ; encore un essai erroné et les écrans du personnel se verrouillent pour un moment.
   *[other] Ce n'est pas le code du personnel. Réessayez dans { $seconds } s ; encore { $triesLeft } essais erronés et les écrans du personnel se verrouillent pour un moment.
}
staff-locked-out = Trop de codes erronés. Le code pourra être essayé de nouveau dans { $minutes } min { $seconds } s.
staff-no-pin = Aucun code du personnel n'est défini sur cette borne : les écrans du personnel restent verrouillés. Sur l'ordinateur de la station, lancez : station staff set-pin
staff-change-title = Changer le code du personnel
staff-change-hint = De 4 à 12 chiffres. Il déverrouille les Réglages, l'Historique, la File et la vue d'accueil, et permet au personnel de quitter le mode borne.
staff-new-pin = Nouveau code du personnel
staff-repeat-pin = Le même code, de nouveau
staff-change = Changer le code du personnel
staff-pin-mismatch = Les deux codes diffèrent : saisissez deux fois le même code.
staff-pin-changed = Le nouveau code du personnel est défini. Il sera demandé au prochain déverrouillage.

error-staff-locked = Réservé au personnel : déverrouillez d'abord avec le code du personnel.
error-staff-no_pin = Aucun code du personnel n'est défini sur cette borne : les écrans du personnel restent verrouillés. Sur l'ordinateur de la station, lancez : station staff set-pin
error-staff-pin_rules = Le code du personnel compte de 4 à 12 chiffres (0–9), rien d'autre.
error-staff-pin_mismatch = Les deux codes diffèrent : saisissez deux fois le même code.
