"""District codes as written in spreadsheets: Kemendagri (`62.11`) and BPS (`6211`) are two systems.

They agree on the province (first two digits) but not on the district for 99 of the 210 districts of
Sumatra and Kalimantan (BPS `1204` is Tapanuli Tengah = Kemendagri `12.01`). The crosswalk between them is
data (data/kode_bps_kemendagri.csv). A bare four-digit or dashed code (`1204`, `12-04`) may be either; this
module only says what each reading would be, geo.matching decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

BPS, KEMENDAGRI = "bps", "kemendagri"
CODE_SYSTEMS = (BPS, KEMENDAGRI)
SYSTEM_LABELS = {BPS: "kode BPS", KEMENDAGRI: "kode Kemendagri"}
# A suggestion read from an old code (data/kode_lama.csv) carries this system: never settled in bulk.
BPS_HISTORIC = "bps_lama"

# 62.11, or 62.1 when a spreadsheet stored 62.10 as a number and dropped the trailing zero.
DOTTED = re.compile(r"^(\d{2})\s*\.\s*(\d{1,2})$")
DASHED = re.compile(r"^(\d{2})\s*[-\u2013/]\s*(\d{2})$")
BARE = re.compile(r"^(\d{2})\s?(\d{2})$")
# OCHA/HDX COD-AB pcodes: 'ID' and the BPS code ('ID1107', admin 2; 'ID11' is a province).
PCODE = re.compile(r"^ID(\d{4})$", re.IGNORECASE)
# Forms that are ids of another scheme, never a district code: GADM ('IDN.13.1_1'), HASC ('ID.KB.BE').
FOREIGN_FORMS = {
    "gadm": re.compile(r"^IDN(\.\d+){1,3}(_\d+)?$", re.IGNORECASE),
    "hasc": re.compile(r"^ID\.[A-Z]{2}(\.[A-Z]{2})?$", re.IGNORECASE),
}
HEADER_WORDS = {
    "bps": BPS,
    "kemendagri": KEMENDAGRI,
    "kemdagri": KEMENDAGRI,
    "dagri": KEMENDAGRI,
    "permendagri": KEMENDAGRI,
    "kepmendagri": KEMENDAGRI,
}


class CodeError(Exception):
    """The crosswalk cannot be read or is inconsistent."""


@dataclass(frozen=True)
class CodeText:
    """A code as written: its four digits and whether its form says Kemendagri (a dot)."""

    digits: str
    dotted: bool
    system: str | None = None  # what the form itself says (an HDX pcode is BPS), else None

    @property
    def province(self) -> str:
        return self.digits[:2]

    @property
    def as_kemendagri(self) -> str:
        return f"{self.digits[:2]}.{self.digits[2:]}"


@dataclass(frozen=True)
class HistoricCode:
    """A code a district had before a province split (data/kode_lama.csv): the district it names today."""

    system: str
    code: str
    kemendagri: str
    until: int
    note: str


@dataclass(frozen=True)
class Crosswalk:
    """BPS code (`1204`) -> Kemendagri code (`12.01`) for the districts both systems list, and the old codes."""

    bps_to_kemendagri: dict[str, str]
    historic: dict[tuple[str, str], HistoricCode] = field(default_factory=dict)  # (system, digits) -> old code

    @property
    def provinces(self) -> frozenset[str]:
        return frozenset(code[:2] for code in self.bps_to_kemendagri)


def parse_code(text: str | None) -> CodeText | None:
    """Read '62.11', '62.1' (a number that lost its zero), '62-11' or '6211'; None if it is not a code."""
    text = re.sub(r"^(\d{4})\.0+$", r"\1", str(text or "").strip())  # 6211.0: a number exported as text
    if found := DOTTED.match(text):
        return CodeText(found.group(1) + found.group(2).ljust(2, "0"), dotted=True)
    if found := PCODE.match(text):
        return CodeText(found.group(1), dotted=False, system=BPS)
    for pattern in (DASHED, BARE):
        if found := pattern.match(text):
            return CodeText(found.group(1) + found.group(2), dotted=False)
    return None


def foreign_form(text: str | None) -> str | None:
    """The id scheme a cell is written in when it is no district code ('gadm', 'hasc'), or None."""
    text = str(text or "").strip()
    return next((name for name, pattern in FOREIGN_FORMS.items() if pattern.match(text)), None)


def header_code_system(header: str | None) -> str | None:
    """The code system a column header names ('kode_bps' -> bps, 'Kode Kemendagri' -> kemendagri), or None."""
    words = re.split(r"[^a-z]+", str(header or "").lower())
    systems = {HEADER_WORDS[word] for word in words if word in HEADER_WORDS}
    return systems.pop() if len(systems) == 1 else None


def read_crosswalk(path: Path) -> Crosswalk:
    """Read the BPS/Kemendagri crosswalk; raise CodeError when a code repeats or has the wrong form."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as error:
        raise CodeError(f"Cannot read the code crosswalk {path}: {error}") from error
    if not {"kode_bps", "kode_kemendagri"} <= set(frame.columns):
        raise CodeError(f"{path} needs the columns kode_bps and kode_kemendagri.")
    bad = [code for code in frame["kode_bps"] if not re.fullmatch(r"\d{4}", code)]
    bad += [code for code in frame["kode_kemendagri"] if not re.fullmatch(r"\d{2}\.\d{2}", code)]
    if bad or frame["kode_bps"].duplicated().any() or frame["kode_kemendagri"].duplicated().any():
        raise CodeError(f"{path} has malformed or repeated codes: {sorted(set(bad))[:5]}")
    return Crosswalk(dict(zip(frame["kode_bps"], frame["kode_kemendagri"], strict=True)))


def read_historic_codes(path: Path, crosswalk: Crosswalk) -> Crosswalk:
    """Add the old codes of data/kode_lama.csv to `crosswalk`; raise CodeError on a malformed or repeated row."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as error:
        raise CodeError(f"Cannot read the old codes {path}: {error}") from error
    if not {"sistem", "kode", "kode_kemendagri", "sampai"} <= set(frame.columns):
        raise CodeError(f"{path} needs the columns sistem, kode, kode_kemendagri and sampai.")
    historic: dict[tuple[str, str], HistoricCode] = {}
    for row in frame.itertuples():
        key = (row.sistem, row.kode)
        valid = row.sistem == BPS and re.fullmatch(r"\d{4}", row.kode) and re.fullmatch(r"\d{4}", row.sampai)
        if not valid or key in historic or row.kode in crosswalk.bps_to_kemendagri:
            # an old code that BPS uses today for another district would make two readings of one code
            raise CodeError(f"{path}: row {row.Index + 2} ({row.kode}) is malformed, repeated or still in use.")
        historic[key] = HistoricCode(row.sistem, row.kode, row.kode_kemendagri, int(row.sampai), row.catatan)
    return Crosswalk(crosswalk.bps_to_kemendagri, historic)


def historic_reading(code: CodeText, crosswalk: Crosswalk) -> HistoricCode | None:
    """The old BPS code `code` was before a province split, or None."""
    return crosswalk.historic.get((BPS, code.digits)) if not code.dotted else None


def code_readings(code: CodeText, crosswalk: Crosswalk, known: set[str] | dict[str, str]) -> dict[str, str | None]:
    """The Kemendagri code each system would make of `code` (None where that system has no such code)."""
    as_kemendagri = code.as_kemendagri
    return {
        BPS: crosswalk.bps_to_kemendagri.get(code.digits),
        KEMENDAGRI: as_kemendagri if as_kemendagri in known else None,
    }


def normalize_code(text: str) -> str | None:
    """Return a Kemendagri-form code '62.11' from '62.11' or '6211' (for addresses, not for imports)."""
    code = parse_code(text)
    if code is None or code.system == BPS or re.search(r"[-\u2013/]", str(text)):
        return None  # a dashed code or an HDX pcode may be BPS: no address of its own
    return code.as_kemendagri
