# Le badge imprimé après une émission (écran du résultat).
badge-printing = Impression du badge…
badge-printed = Badge envoyé à l'imprimante { $printer }.
badge-saved = Badge enregistré sous { $path } (supprimé après le délai de grâce de la file d'attente).
badge-not-printed = Badge non imprimé : { $why }
badge-print-again = Imprimer à nouveau
