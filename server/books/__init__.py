"""Consolidated workbooks for an LAO, a province and the nation, rebuilt from the stored data.

    consolidated_book(db, data_dir, round_id, code, now=None) -> (path, built)   cached by data fingerprint
    write_book(db, round_id, code, path, now=None) -> path                       always builds

Modules, one job each: `data` (SQL reads and aggregates), `book` (the XlsxWriter sheets), `safe`
(text that cannot become a formula or markup), `money` (lunch and milk estimates from `rates.json`),
`cache` (rebuild when stale), `bench` (the `lec bench` scenarios).
"""

from server.books.book import write_book
from server.books.cache import consolidated_book, download_name

__all__ = ["consolidated_book", "download_name", "write_book"]
