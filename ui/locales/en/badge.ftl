# The badge card printed after an issuance (result screen).
badge-printing = Printing the badge…
badge-printed = Badge sent to printer { $printer }.
badge-saved = Badge saved as { $path } (deleted after the queue's grace period).
badge-not-printed = Badge not printed: { $why }
badge-print-again = Print again
