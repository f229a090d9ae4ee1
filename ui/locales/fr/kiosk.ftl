# Les mots de la borne en libre-service (voir en/kiosk.ftl).

## L'écran d'accueil

kiosk-attract-title = Retirez votre badge
kiosk-attract-lead = Présentez le code QR de votre billet à la caméra, ou tapez le code d'inscription imprimé dessus.
kiosk-scan = Scanner mon billet
kiosk-type = Taper mon code d'inscription
kiosk-preview =
    .alt = Ce que voit la caméra
kiosk-scan-looking = Recherche de votre billet…
kiosk-scan-hint = Présentez le code QR de votre billet à la caméra, à environ une longueur de bras.
kiosk-scan-reading = Billet trouvé. Recherche de votre inscription…
kiosk-camera-trouble = La caméra ne fonctionne pas pour le moment. Tapez plutôt votre code d'inscription, ou adressez-vous à l'accueil.

## Saisie du code

kiosk-code-title = Tapez votre code d'inscription
kiosk-code-label = Code d'inscription (imprimé sur votre billet)
kiosk-code-find = Trouver mon badge
kiosk-code-empty = Tapez le code imprimé sur votre billet.
kiosk-code-finding = Recherche de votre inscription…
kiosk-back = Retour

## Est-ce vous ?

kiosk-confirm-title = Est-ce bien vous ?
kiosk-confirm-queued = Votre badge a été préparé à l'avance et attend votre portefeuille.
kiosk-confirm-yes = Oui, c'est moi
kiosk-confirm-no = Non

## Messages, chacun suivi de « Adressez-vous à l'accueil. »

kiosk-ask-staff = Adressez-vous à l'accueil, s'il vous plaît.
kiosk-ok = OK
kiosk-not-you-title = Désolé
kiosk-not-you-detail = Ce billet semble appartenir à quelqu'un d'autre.
kiosk-not-found-title = Ce code est introuvable
kiosk-not-found-detail = Vérifiez le code sur votre billet et réessayez.
kiosk-already-title = Vous avez déjà votre badge
kiosk-already-detail = Un badge a déjà été émis pour ce billet.
kiosk-slow-down-title = Patientez un instant
kiosk-slow-down-detail =
    { $seconds ->
        [one] Trop de codes introuvables. Réessayez dans { $seconds } seconde.
       *[other] Trop de codes introuvables. Réessayez dans { $seconds } secondes.
    }
kiosk-camera-title = La caméra ne fonctionne pas
kiosk-camera-detail = Votre photo ne peut pas être prise pour le moment.
kiosk-trouble-title = Un problème est survenu
kiosk-trouble-detail = Cette borne ne peut pas émettre votre badge pour le moment.

## Le compte à rebours d'inactivité

kiosk-idle-note = Êtes-vous toujours là ? Cet écran revient bientôt au début et oublie ce que vous avez saisi.
kiosk-idle-count = { $seconds }
kiosk-idle-stay = Je suis toujours là
