"""Known flaws of the source outlines that preparation may let pass, each reviewed and written down.

Preparation (geo.boundaries) refuses a result that moved an outline further than allowed or lost an island. A
few flaws are the source's own, not preparation's: outside Kalimantan and Sumatra the source has two districts
overlapping their neighbours by kilometres, and island parts that lie wholly inside a neighbour. They are listed in
data/boundary_flaws.csv (code, flaw, up to how much, why), and only a flaw of that district, of that kind, no larger
than its limit passes; the report lists every flaw that passed. Anything else still fails.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

MOVED = "moved"  # an outline moved from the source, in metres
ISLAND = "island"  # an island part that disappeared, in m²
KINDS = {MOVED: "m", ISLAND: "m²"}
FIELDS = ["kode", "flaw", "up_to", "reason"]
CODE = re.compile(r"\d{2}\.\d{2}")


class FlawListError(Exception):
    """The list of accepted flaws cannot be read."""


@dataclass(frozen=True)
class AcceptedFlaw:
    code: str
    kind: str
    up_to: float
    reason: str


@dataclass(frozen=True)
class Flaw:
    """One failed check: `kind` is None for a check no list may waive (lost district, overlap, invalid shape)."""

    message: str
    code: str | None = None
    kind: str | None = None
    amount: float = 0.0

    def accepted_by(self, accepted: tuple[AcceptedFlaw, ...]) -> AcceptedFlaw | None:
        if self.kind is None:
            return None
        fits = (a for a in accepted if a.code == self.code and a.kind == self.kind and self.amount <= a.up_to)
        return next(fits, None)


def read_accepted_flaws(path: Path) -> tuple[AcceptedFlaw, ...]:
    """The reviewed list; every row needs a district code, a known flaw, a positive limit and a reason."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(row for row in handle if not row.startswith("#")))
    except FileNotFoundError:
        return ()
    flaws = []
    for number, row in enumerate(rows, start=2):
        where = f"{path.name}, row {number}"
        if list(row) != FIELDS:
            raise FlawListError(f"{where}: the columns must be {', '.join(FIELDS)}")
        if not CODE.fullmatch(row["kode"] or ""):
            raise FlawListError(f"{where}: '{row['kode']}' is not a Kemendagri district code like 62.11")
        if row["flaw"] not in KINDS:
            raise FlawListError(f"{where}: flaw '{row['flaw']}' is not one of {', '.join(KINDS)}")
        try:
            up_to = float(row["up_to"])
        except ValueError:
            up_to = -1.0
        if up_to <= 0:
            raise FlawListError(f"{where}: up_to '{row['up_to']}' must be a positive number ({KINDS[row['flaw']]})")
        if not (row["reason"] or "").strip():
            raise FlawListError(f"{where}: say why the flaw is accepted (reason)")
        flaws.append(AcceptedFlaw(row["kode"], row["flaw"], up_to, row["reason"].strip()))
    return tuple(flaws)


def settle(flaws: list[Flaw], accepted: tuple[AcceptedFlaw, ...]) -> tuple[list[dict], list[str]]:
    """Split the failed checks into those the list accepts (for the report) and the problems that remain."""
    passed, problems = [], []
    for flaw in flaws:
        entry = flaw.accepted_by(accepted)
        if entry is None:
            problems.append(flaw.message)
        else:
            amount = round(flaw.amount, 1)
            passed.append(
                {"kode": flaw.code, "flaw": flaw.kind, "amount": amount, "up_to": entry.up_to, "reason": entry.reason}
            )
    return passed, problems
