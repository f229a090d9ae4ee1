# Les mots du poste d'accueil (index.html et les écrans du poste dans ui/js).

## La page et sa barre

desk-page-title = Issuance Station
desk-skip = Aller au contenu
desk-brand = Issuance Station
desk-sandbox-badge = BAC À SABLE
    .title = Un émulateur local remplace le service d'attestations
desk-nav =
    .aria-label = Principal
desk-nav-issue = Émettre
desk-nav-queue = File d'attente
desk-nav-history = Historique
desk-nav-settings = Réglages
desk-language-picker =
    .aria-label = Langue
desk-not-connected = Ouvrez cette page dans Issuance Station : ici, elle n'est reliée à aucun poste.
desk-list-separator = {", "}
desk-the-recipient = le destinataire
desk-cancel = Annuler
desk-back = Retour

## Accueil

desk-home-title = Que voulez-vous émettre ?
desk-home-issue-list =
    .aria-label = Attestations à émettre
desk-home-verify-title = Vérifier une attestation
desk-home-startup-error = { $message } Corrigez-le dans les Réglages ou dans le fichier de configuration.
desk-home-tile-issue =
    { $service } · { $count ->
        [one] { $count } champ
       *[other] { $count } champs
    }
desk-home-tile-verify = { $service } · demander à un portefeuille de la présenter

## Destinataire

desk-recipient-title = Destinataire
desk-roster-label = Chercher dans la liste
desk-roster-hint = Tapez un nom ou un identifiant ; ↓ et ↑ parcourent les personnes trouvées, Entrée en choisit une. Ou remplissez le formulaire ci-dessous.
desk-roster-results =
    .aria-label = Personnes de la liste
desk-roster-clear = Pas cette personne
desk-roster-already-issued = déjà émise
desk-roster-none = Personne dans la liste ne correspond.
desk-roster-found =
    { $count ->
        [one] { $count } personne trouvée.
       *[other] { $count } personnes trouvées.
    }
desk-roster-picked-status = { $name }, choisi(e) dans la liste.
desk-roster-picked = Dans la liste : { $name }
desk-roster-issued-note = { $name } a déjà l'attestation { $credential }.
desk-override-issue = L'émettre à nouveau
desk-override-reason = Pourquoi l'émettre à nouveau (noté dans le journal d'audit)
desk-override-needed = { $name } a déjà cette attestation : cochez « L'émettre à nouveau » et dites pourquoi, ou choisissez quelqu'un d'autre.
desk-override-reason-missing = Dites pourquoi elle est émise à nouveau.
desk-claim-required = { $field } : champ obligatoire
desk-create-request = Afficher le code QR

## Photo

desk-photo-title = Photo
desk-photo-sources =
    .aria-label = Qui prend la photo
desk-photo-source-camera = La caméra de ce poste
desk-photo-source-phone = Le téléphone du destinataire
desk-photo-preview =
    .alt = Aperçu de la caméra
desk-photo-phone-qr =
    .aria-label = Code QR de la page photo pour le téléphone du destinataire
desk-photo-phone-scan = Scannez ce code avec l'appareil photo de votre téléphone, ouvrez la page et prenez une photo de votre visage.
desk-photo-phone-private = La photo va du téléphone au service d'attestations ; ce poste ne la reçoit jamais.
desk-photo-phone-link = Ou ouvrez cette adresse sur un appareil qui joint le service :
desk-photo-phone-simulate = Téléphone simulé : prendre la photo
desk-photo-take = Prendre la photo
desk-photo-retake = Reprendre
desk-photo-use = Utiliser cette photo
desk-photo-look-here = Regardez la caméra, le visage dans l'ovale. Appuyez sur Espace ou sur Prendre la photo.
desk-photo-camera-ready = { $camera }. Regardez la caméra, le visage dans l'ovale. Appuyez sur Espace ou sur Prendre la photo.
desk-photo-starting = Démarrage de la caméra…
desk-photo-checking = Vérification de la photo…
desk-photo-accepted = Photo acceptée ({ $width } × { $height }, { NUMBER($kilobytes, maximumFractionDigits: 0) } Ko).
desk-photo-preparing = Préparation de la page photo…
desk-photo-phone-not-started = En attente de l'ouverture de la page sur le téléphone…
desk-photo-phone-started = La page est ouverte sur le téléphone : en attente de la photo…
desk-photo-phone-complete = Le service a reçu la photo.

## La demande à l'écran

desk-flow-title = Scannez le code QR
desk-flow-qr =
    .aria-label = Code QR de la demande
desk-flow-open-in-wallet = Ouvrir dans le portefeuille
desk-flow-creating = Création de la demande…
desk-flow-renewing = Renouvellement…
desk-flow-scan = Scannez avec votre portefeuille
desk-flow-enter-pin = Saisissez ce code PIN dans votre portefeuille
desk-flow-finish = Terminez dans votre portefeuille
desk-flow-reconnecting = Reconnexion au service… la demande reste valable
desk-flow-expires = Expire dans { $time }
desk-flow-pin =
    .aria-label = Code PIN { $digits }
desk-wallet-title = Portefeuille simulé
desk-wallet-sandbox-only = (bac à sable uniquement)
desk-wallet-open = Scanner (ouvrir la demande)
desk-wallet-pin-label = PIN
desk-wallet-enter-pin = Saisir le PIN
desk-wallet-accept = Accepter
desk-wallet-present = Présenter
desk-wallet-decline = Refuser

## Le résultat

desk-result-issued = Émise
desk-result-issued-detail = L'attestation est dans le portefeuille.
desk-result-verified = Vérifiée
desk-result-verified-detail = Le portefeuille a présenté une attestation valide.
desk-result-expired = Expirée
desk-result-expired-detail = La demande a expiré avant la fin dans le portefeuille. Lancez une nouvelle demande.
desk-result-queued = En file d'attente
desk-result-queued-detail = Pas de réseau — l'attestation { $credential } de { $recipient } est en file d'attente ; le poste l'enverra au retour du réseau.
desk-result-credential = attestation
desk-result-failed = Non terminée
desk-result-failed-detail = Un problème est survenu.
desk-result-why = Pourquoi : { $why }
desk-result-code = Code : { $code }
desk-result-reset =
    { $seconds ->
        [one] Retour à l'accueil dans { $seconds } seconde.
       *[other] Retour à l'accueil dans { $seconds } secondes.
    }
desk-result-issuer = Émetteur
desk-result-revocation = Révocation
desk-result-face-check = Contrôle du visage
desk-result-retry = Nouvelle demande
desk-result-verify = La vérifier maintenant
desk-result-done = Terminé

## File d'attente

desk-queue-title = File d'attente
desk-queue-hint = Les émissions qui n'ont pas pu joindre le service d'attestations attendent ici et partent d'elles-mêmes dès qu'il répond à nouveau. Une émission prête attend son destinataire au poste.
desk-queue-filters =
    .aria-label = Afficher
desk-queue-filter-all = Toutes
desk-queue-filter-waiting = En attente
desk-queue-filter-ready = Prêtes
desk-queue-filter-uncertain = À décider
desk-queue-filter-failed = En échec
desk-queue-filter-done = Terminées
desk-queue-count = ({ $count })
desk-queue-caption = Émissions, les plus récentes d'abord
desk-queue-col-recipient = Destinataire
desk-queue-col-credential = Attestation
desk-queue-col-status = État
desk-queue-col-attempts = Tentatives
desk-queue-col-next = Prochaine tentative
desk-queue-col-error = Dernière erreur
desk-queue-col-actions = Actions
desk-queue-empty = Rien ici.
desk-queue-status-queued = En attente : attend le réseau
desk-queue-status-sending = Envoi…
desk-queue-status-sent = Envoyée : attend le destinataire
desk-queue-status-ready = Prête : appelez le destinataire
desk-queue-status-at_desk = Au poste
desk-queue-status-uncertain = Incertaine : vérifiez auprès du service, puis réessayez ou annulez
desk-queue-status-done = Terminée
desk-queue-status-failed = En échec
desk-queue-status-cancelled = Annulée
desk-queue-details-deleted = (données supprimées)
desk-queue-next-attempt = { DATETIME($at, timeStyle: "medium") }
desk-queue-attempts = { $count }
desk-queue-start = Démarrer
    .aria-label = Démarrer { $credential } pour { $recipient }
desk-queue-retry = Réessayer
    .aria-label = Réessayer { $credential } pour { $recipient }
desk-queue-cancel = Annuler
    .aria-label = Annuler { $credential } pour { $recipient }
desk-queue-retried = { $credential } pour { $recipient } est de nouveau en file d'attente.
desk-queue-cancelled = { $credential } pour { $recipient } est annulée.
desk-queue-no-template = Ce poste n'a plus le modèle « { $template } » ; annulez l'émission.

## Historique

desk-history-title = Historique
desk-history-caption = Émissions et vérifications récentes, les plus récentes d'abord
desk-history-col-when = Quand
desk-history-col-credential = Attestation
desk-history-col-recipient = Destinataire
desk-history-col-outcome = Résultat
desk-history-outcome =
    { $outcome ->
        [issued] Émise
        [verified] Vérifiée
        [expired] Expirée
        [failed] En échec
        [cancelled] Annulée
        [queued] En file d'attente
        [running] En cours
       *[other] { $outcome }
    }
desk-history-outcome-code = { $outcome } ({ $code })
desk-history-open = Déroulé de { $credential } le { $when }
desk-history-timeline = Déroulé : { $credential }
desk-history-entry = { $time } — { $what }
desk-history-entry-code = { $time } — { $what } ({ $code })
desk-history-ignored = { $entry } — ignoré : la demande a été remplacée

## Le bandeau hors ligne

desk-banner-offline =
    Hors ligne — { $services ->
        [one] le service d'attestations est injoignable.
       *[other] { $services } services d'attestations sont injoignables.
    } { $queued ->
        [0] Les émissions lancées maintenant sont mises en file d'attente et partiront d'elles-mêmes au retour du réseau.
        [one] { $queued } émission en file d'attente ; elle partira d'elle-même au retour du réseau.
       *[other] { $queued } émissions en file d'attente ; elles partiront d'elles-mêmes au retour du réseau.
    }
desk-banner-queued =
    { $queued ->
        [one] { $queued } émission attend de partir.
       *[other] { $queued } émissions attendent de partir.
    }
desk-banner-ready =
    { $ready ->
        [one] { $ready } prête : appelez { $names }
       *[other] { $ready } prêtes : appelez { $names }
    }
desk-banner-ready-more =
    { $ready ->
        [one] { $ready } prête : appelez { $names }, …
       *[other] { $ready } prêtes : appelez { $names }, …
    }
desk-banner-a-recipient = un destinataire
desk-banner-open-queue = Ouvrir la file d'attente
