# The self-service kiosk's words (index.html's attract, code, confirm and
# message screens, ui/js/kiosk.js): what a visitor reads while they
# issue their own badge.

## The attract screen

kiosk-attract-title = Get your badge
kiosk-attract-lead = Hold the QR code on your ticket up to the camera, or type the registration code printed on it.
kiosk-scan = Scan my ticket
kiosk-type = Type my registration code
kiosk-preview =
    .alt = What the camera sees
kiosk-scan-looking = Looking for your ticket…
kiosk-scan-hint = Hold your ticket's QR code up to the camera, about an arm's length away.
kiosk-scan-reading = Ticket found. Looking you up…
kiosk-camera-trouble = The camera is not working right now. Type your registration code instead, or ask at the staff desk.

## Typing the code

kiosk-code-title = Type your registration code
kiosk-code-label = Registration code (printed on your ticket)
kiosk-code-find = Find my badge
kiosk-code-empty = Type the code printed on your ticket.
kiosk-code-finding = Looking you up…
kiosk-back = Back

## Is this you?

kiosk-confirm-title = Is this you?
kiosk-confirm-queued = Your badge was prepared earlier and is ready for your wallet.
kiosk-confirm-yes = Yes, that's me
kiosk-confirm-no = No

## Messages, each followed by "Please ask at the staff desk."

kiosk-ask-staff = Please ask at the staff desk.
kiosk-ok = OK
kiosk-not-you-title = Sorry about that
kiosk-not-you-detail = This ticket seems to belong to someone else.
kiosk-not-found-title = We could not find that code
kiosk-not-found-detail = Check the code on your ticket and try again.
kiosk-already-title = You already have your badge
kiosk-already-detail = A badge was issued for this ticket before.
kiosk-slow-down-title = Please wait a moment
kiosk-slow-down-detail = Too many codes were not found. Try again in { $seconds } seconds.
kiosk-camera-title = The camera is not working
kiosk-camera-detail = Your photo cannot be taken right now.
kiosk-trouble-title = Something went wrong
kiosk-trouble-detail = This kiosk cannot issue your badge right now.

## The idle countdown

kiosk-idle-note = Are you still there? This screen goes back to the start soon, and forgets what you entered.
kiosk-idle-count = { $seconds }
kiosk-idle-stay = I'm still here
