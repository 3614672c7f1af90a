"""Storage: the SQLite database (schema, connections, transactions), the clock and the data-dir settings.

The bottom layer of the server: it imports nothing else of the server's.
"""
