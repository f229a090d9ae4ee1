# Options d'affichage (ui/js/display-options.js).

display-large-text = Grand texte
