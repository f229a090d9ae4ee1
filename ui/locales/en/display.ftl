# Display options (ui/js/display-options.js): the large-text toggle on the
# desk's Home screen and on the kiosk's attract screen.

display-large-text = Large text
