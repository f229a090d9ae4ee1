# The staff desk's words (index.html and the desk's screens in ui/js):
# the bar, Home, the recipient, the photo, the request, its result, the
# queue, the history and the offline banner. Settings are in settings.ftl,
# the station's error codes in errors.ftl.

## The page and its bar

desk-page-title = Issuance Station
desk-skip = Skip to content
desk-brand = Issuance Station
desk-sandbox-badge = SANDBOX
    .title = A local emulator stands in for the credential service
desk-nav =
    .aria-label = Main
desk-nav-issue = Issue
desk-nav-queue = Queue
desk-nav-history = History
desk-nav-settings = Settings
desk-language-picker =
    .aria-label = Language
desk-not-connected = Open this page in Issuance Station: it is not connected to a station here.
# A list of names, as in "call Megan Bowen, Alex Wilber".
desk-list-separator = {", "}
desk-the-recipient = the recipient
desk-cancel = Cancel
desk-back = Back

## Home

desk-home-title = What do you want to issue?
desk-home-issue-list =
    .aria-label = Credentials to issue
desk-home-verify-title = Check a credential
# $message: the station's own words for what stopped it.
desk-home-startup-error = { $message } Fix it in Settings or in the config file.
# $service: the service's name in the config file, e.g. "entra".
desk-home-tile-issue =
    { $service } · { $count ->
        [one] { $count } field
       *[other] { $count } fields
    }
desk-home-tile-verify = { $service } · ask a wallet to present it

## Recipient

desk-recipient-title = Recipient
desk-roster-label = Find in the roster
desk-roster-hint = Type a name or an id; ↓ and ↑ move through the people found, Enter picks one. Or fill in the form below.
desk-roster-results =
    .aria-label = People in the roster
desk-roster-clear = Not this person
desk-roster-already-issued = already issued
desk-roster-none = No one in the roster matches.
desk-roster-found =
    { $count ->
        [one] { $count } person found.
       *[other] { $count } people found.
    }
desk-roster-picked-status = { $name } picked from the roster.
desk-roster-picked = From the roster: { $name }
desk-roster-issued-note = { $name } already has { $credential }.
desk-override-issue = Issue it again
desk-override-reason = Why it is issued again (kept in the audit log)
desk-override-needed = { $name } already has this credential: tick “Issue it again” and say why, or pick someone else.
desk-override-reason-missing = Say why it is issued again.
# $field: the field's label from the config file.
desk-claim-required = { $field } is required
desk-create-request = Show QR code

## Photo

desk-photo-title = Photo
desk-photo-sources =
    .aria-label = Who takes the photo
desk-photo-source-camera = This station's camera
desk-photo-source-phone = The recipient's phone
desk-photo-preview =
    .alt = Camera preview
desk-photo-phone-qr =
    .aria-label = QR code of the photo page for the recipient's phone
desk-photo-phone-scan = Scan this with your phone's camera, open the page and take a photo of your face.
desk-photo-phone-private = The photo goes from the phone to the credential service; this station never receives it.
desk-photo-phone-link = Or open this address on a device that reaches the service:
desk-photo-phone-simulate = Simulated phone: take the photo
desk-photo-take = Take photo
desk-photo-retake = Retake
desk-photo-use = Use this photo
desk-photo-look-here = Look at the camera, inside the oval. Press Space or Take photo.
# $camera: the camera's own name, e.g. "HD Pro Webcam C920".
desk-photo-camera-ready = { $camera }. Look at the camera, inside the oval. Press Space or Take photo.
desk-photo-starting = Starting the camera…
desk-photo-checking = Checking the photo…
desk-photo-accepted = Photo accepted ({ $width }×{ $height }, { NUMBER($kilobytes, maximumFractionDigits: 0) } KB).
desk-photo-preparing = Preparing the photo page…
desk-photo-phone-not-started = Waiting for the phone to open the page…
desk-photo-phone-started = The page is open on the phone: waiting for the photo…
desk-photo-phone-complete = The service has the photo.

## The request on screen

desk-flow-title = Scan the QR code
desk-flow-qr =
    .aria-label = QR code of the request
desk-flow-open-in-wallet = Open in wallet
desk-flow-creating = Creating the request…
desk-flow-renewing = Renewing…
desk-flow-scan = Scan with your wallet
desk-flow-enter-pin = Enter this PIN in your wallet
desk-flow-finish = Finish in your wallet
desk-flow-reconnecting = Reconnecting to the service… the request stays valid
# $time: minutes and seconds left, e.g. "4:59".
desk-flow-expires = Expires in { $time }
# $digits: the PIN's digits one by one, e.g. "4 8 1 5", so a screen reader says each.
desk-flow-pin =
    .aria-label = PIN { $digits }
desk-wallet-title = Simulated wallet
desk-wallet-sandbox-only = (sandbox only)
desk-wallet-open = Scan (open request)
desk-wallet-pin-label = PIN
desk-wallet-enter-pin = Enter PIN
desk-wallet-accept = Accept
desk-wallet-present = Present
desk-wallet-decline = Decline

## The result

desk-result-issued = Issued
desk-result-issued-detail = The credential is in the wallet.
desk-result-verified = Verified
desk-result-verified-detail = The wallet presented a valid credential.
desk-result-expired = Expired
desk-result-expired-detail = The request expired before the wallet finished. Start a new request.
desk-result-queued = Queued
# $possessive: the recipient's name as an English possessive ("Megan Bowen's");
# $recipient: the name as it is; $credential: the credential's name.
desk-result-queued-detail = No network — { $possessive } { $credential } is queued; the station will send it when the network returns.
desk-result-credential = credential
desk-result-failed = Not completed
desk-result-failed-detail = Something went wrong.
desk-result-why = Why: { $why }
desk-result-code = Code: { $code }
desk-result-reset =
    { $seconds ->
        [one] Returns to the start in { $seconds } second.
       *[other] Returns to the start in { $seconds } seconds.
    }
desk-result-issuer = Issuer
desk-result-revocation = Revocation
desk-result-face-check = Face check
desk-result-retry = New request
desk-result-verify = Verify it now
desk-result-done = Done

## Queue

desk-queue-title = Queue
desk-queue-hint = Issuances that could not reach the credential service wait here and go out by themselves when it answers again. A ready one waits for its recipient at the desk.
desk-queue-filters =
    .aria-label = Show
desk-queue-filter-all = All
desk-queue-filter-waiting = Queued
desk-queue-filter-ready = Ready
desk-queue-filter-uncertain = Needs a decision
desk-queue-filter-failed = Failed
desk-queue-filter-done = Done
desk-queue-count = ({ $count })
desk-queue-caption = Issuance jobs, newest first
desk-queue-col-recipient = Recipient
desk-queue-col-credential = Credential
desk-queue-col-status = Status
desk-queue-col-attempts = Attempts
desk-queue-col-next = Next attempt
desk-queue-col-error = Last error
desk-queue-col-actions = Actions
desk-queue-empty = Nothing here.
desk-queue-status-queued = Queued: waits for the network
desk-queue-status-sending = Sending…
desk-queue-status-sent = Sent: waits for the recipient
desk-queue-status-ready = Ready: call the recipient
desk-queue-status-at_desk = At the desk
desk-queue-status-uncertain = Uncertain: check with the service, then retry or cancel
desk-queue-status-done = Done
desk-queue-status-failed = Failed
desk-queue-status-cancelled = Cancelled
desk-queue-details-deleted = (details deleted)
# $at: when the station tries again.
desk-queue-next-attempt = { DATETIME($at, timeStyle: "medium") }
desk-queue-attempts = { $count }
desk-queue-start = Start
    .aria-label = Start { $credential } for { $recipient }
desk-queue-retry = Retry
    .aria-label = Retry { $credential } for { $recipient }
desk-queue-cancel = Cancel
    .aria-label = Cancel { $credential } for { $recipient }
desk-queue-retried = { $credential } for { $recipient } is queued again.
desk-queue-cancelled = { $credential } for { $recipient } is cancelled.
desk-queue-no-template = This station no longer has the template “{ $template }”; cancel the job.

## History

desk-history-title = History
desk-history-caption = Recent issuances and verifications, newest first
desk-history-col-when = When
desk-history-col-credential = Credential
desk-history-col-recipient = Recipient
desk-history-col-outcome = Outcome
# $outcome: how the flow ended, as the station stores it.
desk-history-outcome =
    { $outcome ->
        [issued] Issued
        [verified] Verified
        [expired] Expired
        [failed] Failed
        [cancelled] Cancelled
        [queued] Queued
        [running] Running
       *[other] { $outcome }
    }
desk-history-outcome-code = { $outcome } ({ $code })
desk-history-open = Timeline of { $credential } at { $when }
desk-history-timeline = Timeline: { $credential }
desk-history-entry = { $time } — { $what }
desk-history-entry-code = { $time } — { $what } ({ $code })
desk-history-ignored = { $entry } — ignored: request was replaced

## The offline banner

# $services: how many services cannot be reached; $queued: issuances waiting for them.
desk-banner-offline =
    Offline — { $services ->
        [one] the credential service cannot
       *[other] { $services } credential services cannot
    } be reached. { $queued ->
        [0] Issuances started now are queued and go out by themselves when the network returns.
        [one] { $queued } issuance queued; it goes out by itself when the network returns.
       *[other] { $queued } issuances queued; they go out by themselves when the network returns.
    }
desk-banner-queued =
    { $queued ->
        [one] { $queued } issuance waiting to go out.
       *[other] { $queued } issuances waiting to go out.
    }
# $names: the recipients to call, e.g. "Megan Bowen, Alex Wilber".
desk-banner-ready = { $ready } ready: call { $names }
desk-banner-ready-more = { $ready } ready: call { $names }, …
desk-banner-a-recipient = a recipient
desk-banner-open-queue = Open the queue
