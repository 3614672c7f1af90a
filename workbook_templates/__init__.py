"""Locked Excel templates: building them (XlsxWriter) and reading filled ones back (python-calamine)."""
