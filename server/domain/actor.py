"""Who is acting: the one type every domain service takes as `actor`.

Why its own module: accounts makes actors, but audit, scope, rounds, chain and uploads only read them;
kept in accounts it tied audit (which accounts writes to) back to accounts in an import circle.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting. `level` is 'national' for admins, else the unit's level."""

    user_id: int
    login: str
    role: str  # 'unit' (the census login) | 'admin' | 'registrar' (a registrar appointed by order)
    unit_code: str | None
    level: str  # 'national' | 'province' | 'lao' | 'institution'
    unit_name: str | None
    profile_id: int | None
    must_complete_profile: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_registrar(self) -> bool:
        """A school's registrar (นายทะเบียน) or an LAO's (เจ้าพนักงานทะเบียน): server/domain/registrars.py."""
        return self.role == "registrar"
