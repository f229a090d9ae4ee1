# The staff desk's words (index.html).
