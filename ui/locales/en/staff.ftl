# The staff gate (ui/js/staff.js): the PIN dialog, Lock, and Settings' "Change staff PIN".

staff-open = Staff
staff-lock = Lock
    .title = Lock the staff screens again
staff-unlock-title = Staff only
staff-unlock-hint = Type the staff PIN to go on.
staff-pin-label = Staff PIN
staff-cancel = Cancel
staff-unlock = Unlock
staff-pin-rules = The staff PIN is 4 to 12 digits (0–9), and nothing else.
staff-wrong-pin = { $triesLeft ->
    [one] That is not the staff PIN. One more wrong try locks the staff screens for a while.
   *[other] That is not the staff PIN. { $triesLeft } more wrong tries lock the staff screens for a while.
}
staff-wait = { $triesLeft ->
    [one] That is not the staff PIN. Try again in { $seconds } s; one more wrong try locks the staff screens for a while.
   *[other] That is not the staff PIN. Try again in { $seconds } s; { $triesLeft } more wrong tries lock the staff screens for a while.
}
staff-locked-out = Too many wrong staff PINs. The PIN can be tried again in { $minutes } min { $seconds } s.
staff-no-pin = No staff PIN is set on this kiosk, so the staff screens stay locked. On the station's computer, run: station staff set-pin
staff-change-title = Change staff PIN
staff-change-hint = 4 to 12 digits. It unlocks Settings, History, the Queue and the attendant view, and lets staff leave kiosk mode.
staff-new-pin = New staff PIN
staff-repeat-pin = The same PIN again
staff-change = Change staff PIN
staff-pin-mismatch = The two PINs differ: type the same PIN twice.
staff-pin-changed = The new staff PIN is set. It is needed from the next unlock.

# Station errors by code (see i18n.js errorMessage).
error-staff-locked = Only staff can do this: unlock with the staff PIN first.
error-staff-no_pin = No staff PIN is set on this kiosk, so the staff screens stay locked. On the station's computer, run: station staff set-pin
error-staff-pin_rules = The staff PIN is 4 to 12 digits (0–9), and nothing else.
error-staff-pin_mismatch = The two PINs differ: type the same PIN twice.
