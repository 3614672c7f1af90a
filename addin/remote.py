"""Loading xlwings' remote engine, which turns the VBA client's JSON into a `Book`.

The engine is part of `xlwings.pro` and loads only with a licence key in the environment *when xlwings is
first imported*. LEC Sheets uses it under the PolyForm Noncommercial License 1.0.0 (which names government
institutions as a permitted use) with `XLWINGS_LICENSE_KEY=noncommercial`. A process that imported
xlwings before the key was set (e.g. `lec serve`, whose CLI imports everything) would otherwise never
get the engine, so `remote_book` registers it late when needed. The classic local add-in needs no key.
"""

from __future__ import annotations

import os
from typing import Any

NONCOMMERCIAL = "noncommercial"


def ensure_remote_engine() -> None:
    """Make `xw.Book(json=...)` work in this process (sets the noncommercial key if none is set)."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", NONCOMMERCIAL)
    import xlwings as xw

    if "remote" in xw.engines.engines_by_name:
        return
    from xlwings.main import Engine
    from xlwings.pro import _xlremote

    xw.engines.add(Engine(impl=_xlremote.engine))
    xw.__pro__ = True


def remote_book(payload: dict[str, Any]) -> Any:
    """A remote-engine Book from the client's JSON."""
    ensure_remote_engine()
    import xlwings as xw

    return xw.Book(json=payload)
