# خيارات العرض (ui/js/display-options.js).

display-large-text = نص كبير
