"""WTForms forms: the one place input is validated, for pages and the JSON API alike."""
