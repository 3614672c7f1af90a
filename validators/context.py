"""What a rule needs to know about the round it judges: the academic year and the census date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

BE_OFFSET = 543


def census_date(year_be: int, round_no: int) -> date:
    """The fallback census date when the round's own is not known: round 1 counts as of 10 June, later
    rounds as of 10 November (OBEC's DMC dates). A correction window has its own date, which only the
    server's round (and the templates it builds) knows; it reaches the validators as `as_of`."""
    ce = year_be - BE_OFFSET
    return date(ce, 6, 10) if round_no == 1 else date(ce, 11, 10)


def age_reference(year_be: int) -> date:
    """16 May of the academic year's first calendar year: the day ages are counted to."""
    return date(year_be - BE_OFFSET, 5, 16)


@dataclass(frozen=True, slots=True)
class RoundContext:
    """The round being validated.

    `year` is the academic year in Buddhist Era (2567 = the school year starting May 2024). Ages are
    counted to 16 May of its first calendar year; `as_of` is the census date (a birth or entry date
    after it is in the future for this round); `today` bounds what may have happened at all.
    """

    year: int
    round: int = 1
    as_of: date | None = None
    today: date | None = None
    age_reference: date = field(init=False)

    def __post_init__(self) -> None:
        if self.year < 2400:
            raise ValueError("year is the Buddhist Era academic year, e.g. 2567")
        object.__setattr__(self, "age_reference", age_reference(self.year))
        if self.as_of is None:
            object.__setattr__(self, "as_of", census_date(self.year, self.round))

    @property
    def latest_date(self) -> date:
        """No birth or entry date may lie after this: the census date, or today if that is later."""
        assert self.as_of is not None
        return max(self.as_of, self.today) if self.today else self.as_of
