"""Match district names and codes as written in spreadsheets to Kemendagri codes.

The index knows every kabupaten/kota of Indonesia (514) and every province (38), but only the districts of the
area served (the prepared boundaries) can be matched: a row that points outside stays unmatched as
`outside_area`, never moved onto a district inside. Order: code (Kemendagri or BPS, see geo.codes), then
exact name, then alias (data/aliases.csv and aliases saved by editors: geo.district_index), then the spelling
rules of geo.names.
A row whose name fits more than one district, or whose code and name disagree, stays unmatched: a wrong
match is far worse than a reported miss. Fuzzy matching (rapidfuzz) only ranks suggestions (geo.suggestions);
it never decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.codes import (
    BPS,
    BPS_HISTORIC,
    KEMENDAGRI,
    SYSTEM_LABELS,
    HistoricCode,
    code_readings,
    foreign_form,
    historic_reading,
    parse_code,
)
from geo.district_index import Candidate, DistrictIndex, ProvinceRef, province_ref, whole_province
from geo.names import (
    LETTER_ABBREVIATIONS,
    PARENTHESES,
    jenis_and_words,
    name_alternates,
    normalize_words,
    province_key,
)
from geo.suggestions import Suggestion, fuzzy_suggestions, suggestion_for, suggestions_for

FOOTNOTE = re.compile(r"\(\s*\d{1,3}\s*\)|\s\*+$")  # '(18)', 'Kapuas *': a note's mark after a name
# A district followed by its province after a comma or a spaced dash: 'Kapuas, Kalteng', 'Banjar - Kalsel'.
PROVINCE_AFTER = re.compile(r"^(.+?)\s*(?:,|\s[-\u2013\u2014]\s)\s*(.+)$")
# A code and a name in one cell, as some tables print them: '1204 Tapanuli Tengah', '[62.11] Pulang Pisau'.
CODE_AND_NAME = re.compile(r"^\[?(\d{2}\s*[.\-\u2013]?\s*\d{2})\]?\s*[-\u2013:.]?\s+(\D.*)$")

# Why a row stays unmatched (the report's `reason`), and the finer message key each comes from.
REASONS = ("ambiguous", "outside_area", "code_system", "code_name_conflict", "unknown")
REASON_OF_MESSAGE = {
    "ambiguous": "ambiguous",
    "outside_area": "outside_area",
    "code_system": "code_system",
    "historic_code": "code_system",
    "code_name_conflict": "code_name_conflict",
    "other_province": "unknown",
    "province_name": "unknown",
    "province_or_district": "ambiguous",
    "unknown_name": "unknown",
    "bad_code": "unknown",
    "unknown_code": "unknown",
    "empty": "unknown",
}


@dataclass(frozen=True)
class Match:
    """How one input row was understood; code is None when it stays unmatched (then reason says why)."""

    code: str | None
    method: str | None
    message: str | None = None
    suggestions: tuple[Suggestion, ...] = ()
    note: str | None = None  # something the report should say about a match (old province, unknown province)

    @property
    def reason(self) -> str | None:
        return REASON_OF_MESSAGE.get(self.message) if self.code is None else None


@dataclass(frozen=True)
class RowInput:
    """What one row says about its district."""

    name: str | None = None
    code: str | None = None
    province: str | None = None


def _candidates(index: DistrictIndex, name: str) -> list[Candidate]:
    jenis, words = jenis_and_words(name)
    key = "".join(words)
    found = [c for c in index.by_key.get(key, []) if jenis is None or not c.jenis or c.jenis == jenis]
    if not found and jenis is not None:
        # "Kota Baru" is Kabupaten Kotabaru, "Kota Waringin Timur" is Kotawaringin Timur
        found = index.by_key.get("".join(normalize_words(name)), [])
    if not found and any(word in LETTER_ABBREVIATIONS for word in words) and len(words) > 1:
        pattern = re.compile(
            "".join(f"{word}[a-z]*" if word in LETTER_ABBREVIATIONS else re.escape(word) for word in words) + "$"
        )
        found = [
            c
            for other, candidates in index.by_key.items()
            if pattern.match(other)
            for c in candidates
            if jenis is None or not c.jenis or c.jenis == jenis
        ]
    return found


def _decide(
    index: DistrictIndex, codes: list[str], found: list[Candidate], jenis: str | None, province: ProvinceRef, note
) -> Match:
    """One district named: matched if inside the area, `outside_area` if not; several: ambiguous."""
    inside = [code for code in codes if code in index.in_area]
    if len(codes) == 1 and inside:
        method = "name" if any(c.code == codes[0] and c.method == "name" for c in found) else "alias"
        return Match(codes[0], method, note=note)
    if not inside:
        return Match(None, None, "outside_area")
    return Match(None, None, "ambiguous", suggestions_for(index, codes, jenis, province))


def _match_plain(index: DistrictIndex, name: str, province: ProvinceRef) -> Match:
    jenis = jenis_and_words(name)[0]
    found = _candidates(index, name)
    codes = sorted({c.code for c in found})
    if jenis is None and province_key(name) in index.province_keys and not name.strip().isdigit():
        # 'Jambi' is a province (a total row?) and Kota Jambi: only 'Kota Jambi' says which.
        inside = [code for code in codes if code in index.in_area]
        if inside:
            return Match(None, None, "province_or_district", suggestions_for(index, inside, jenis, province))
        if not codes:
            return Match(None, None, "province_name")
    if province.code is not None:
        in_province = [code for code in codes if index.provinces_of[code] == province.code]
        if in_province:
            return _decide(index, in_province, found, jenis, province, None)
        earlier = [code for code in codes if index.split_year(code, province.code) is not None]
        if earlier:
            note = None
            if len(earlier) == 1:
                code = earlier[0]
                note = (
                    f"Provinsi tertulis '{province.text}': {index.names[code]} masuk Provinsi "
                    f"{index.province_names[index.provinces_of[code]]} sejak {index.split_year(code, province.code)} "
                    f"(dulu bagian dari {index.province_names[province.code]})."
                )
            return _decide(index, earlier, found, jenis, province, note)
        if province.code not in index.area_provinces:
            return Match(None, None, "outside_area")
        if codes:
            return Match(None, None, "other_province", suggestions_for(index, codes, jenis, province))
        return Match(None, None, "unknown_name", fuzzy_suggestions(index, name, province))
    note = None
    if province.unrecognised:
        note = f"Provinsi '{province.text}' tidak dikenali; wilayah dicocokkan dari namanya saja."
    if codes:
        return _decide(index, codes, found, jenis, province, note)
    return Match(None, None, "unknown_name", fuzzy_suggestions(index, name, province))


def _district_and_province(index: DistrictIndex, name: str) -> tuple[str, ProvinceRef] | None:
    """(district text, province) when a name carries its province in parentheses, or after a comma or dash."""
    inner = " ".join(PARENTHESES.findall(name)).strip()
    if inner and (named := whole_province(index, inner)):
        return PARENTHESES.sub(" ", name).strip(), ProvinceRef(named, inner)
    if (parts := PROVINCE_AFTER.match(name)) and (named := whole_province(index, parts.group(2))):
        return parts.group(1).strip(), ProvinceRef(named, parts.group(2).strip())
    return None


def match_name(index: DistrictIndex, name: str, province: str | None | ProvinceRef) -> Match:
    """Match a name (with a province text, code or ProvinceRef) to exactly one district, or explain why not."""
    if not isinstance(province, ProvinceRef):
        if province in index.province_names:
            province = ProvinceRef(province, index.province_names[province])
        else:
            province = province_ref(index, province)
    name = FOOTNOTE.sub(" ", name).strip() or name  # 'Sampit (18)': a note's number, not a province code
    if (split := _district_and_province(index, name)) is not None:
        # 'Banjar (Kalsel)', 'Kapuas, Kalimantan Tengah', 'Kab. Banjar - Kalimantan Selatan': the district, checked
        # against the province written with it (and against the province column, when both are given)
        district, named = split
        if province.code is not None and province.code != named.code:
            return _match_plain(index, district, province)  # two provinces: the district must be in the column's
        return _match_plain(index, district, named)
    alternates = name_alternates(name)
    if not alternates:
        return _match_plain(index, name, province)
    whole = _match_plain(index, name, province)  # 'Sawahlunto/Sijunjung' is itself a (former) name
    if whole.code is not None:
        return whole
    results = [_match_plain(index, alternate, province) for alternate in alternates]
    matched = {result.code for result in results if result.code}
    if len(matched) == 1 and not any(result.message == "ambiguous" for result in results):
        return next(result for result in results if result.code)
    if matched or any(result.message == "ambiguous" for result in results):
        codes = matched | {s.code for result in results for s in result.suggestions if result.message == "ambiguous"}
        return Match(None, None, "ambiguous", suggestions_for(index, codes, jenis_and_words(name)[0], province))
    if all(result.message == "outside_area" for result in results):
        return Match(None, None, "outside_area")
    return Match(None, None, "unknown_name", fuzzy_suggestions(index, alternates[0], province))


@dataclass(frozen=True)
class _CodeRow:
    """A code whose system the row did not say: what each system reads, the old code it may be, and which
    reading its name confirmed. A code no system knows has no reading at all, and so counts against each."""

    readings: dict[str, str | None]
    historic: HistoricCode | None = None
    confirmed: str | None = None


NO_READING = {BPS: None, KEMENDAGRI: None}


@dataclass(frozen=True)
class CodeColumnNote:
    """The file's code column could not be read as district codes, so its rows were matched by name and
    province as if it had no code column. `form` names the id scheme when it is known ('gadm', 'hasc')."""

    form: str | None
    unreadable: int  # codes in the column that are no district code
    written: int  # codes written in the column at all
    examples: tuple[str, ...]

    @property
    def message(self) -> str:
        scheme = {"gadm": "ID GADM", "hasc": "kode HASC"}.get(self.form or "", "bukan kode BPS atau Kemendagri")
        return (
            f"Kolom kode tidak dipakai: {self.unreadable} dari {self.written} kode ({scheme}, mis. "
            f"{', '.join(self.examples)}) bukan kode kabupaten/kota. Baris dicocokkan dari nama dan provinsinya "
            f"saja; kode yang terbaca tetap diperiksa terhadap namanya."
        )


@dataclass(frozen=True)
class FileMatch:
    """Every row of one file matched: the matches in order, notes about the file, and the code column's fate."""

    matches: list[Match]
    notes: list[str]
    code_column: CodeColumnNote | None = None


def _conflict(index: DistrictIndex, codes, province: ProvinceRef) -> Match:
    return Match(None, None, "code_name_conflict", suggestions_for(index, codes, None, province))


def _with_name(index: DistrictIndex, code: str, by_name: Match | None, province: ProvinceRef) -> Match:
    """The code's district, unless the row's name or province points elsewhere."""
    if by_name is not None:
        if by_name.code is not None and by_name.code != code:
            return _conflict(index, [code, by_name.code], province)
        if by_name.message == "outside_area":
            return _conflict(index, [code], province)
        if by_name.message == "ambiguous" and code not in {s.code for s in by_name.suggestions}:
            return _conflict(index, [code, *(s.code for s in by_name.suggestions)], province)
    if province.code is not None and index.provinces_of[code] != province.code:
        if index.split_year(code, province.code) is None:
            return _conflict(index, [code], province)
    return Match(code, "code", note=by_name.note if by_name and by_name.code == code else None)


def _historic_note(index: DistrictIndex, old: HistoricCode) -> str:
    return (
        f"Kode {old.code} adalah kode BPS lama {index.names[old.kemendagri]} (sampai {old.until}); "
        f"dicocokkan karena namanya sama. Kode BPS sekarang lain."
    )


def _historic_match(index: DistrictIndex, old: HistoricCode, by_name: Match | None, province: ProvinceRef) -> Match:
    """An old code matches its district only when the row's name names it; otherwise it is only offered."""
    if by_name is not None and by_name.code == old.kemendagri:
        return Match(old.kemendagri, "code", note=_historic_note(index, old))
    if by_name is not None and by_name.code is not None:
        return _conflict(index, [old.kemendagri, by_name.code], province)
    return Match(None, None, "historic_code", _historic_suggestions(index, old, province))


def _historic_suggestions(index: DistrictIndex, old: HistoricCode | None, province: ProvinceRef):
    if old is None or old.kemendagri not in index.in_area:
        return ()
    return (suggestion_for(index, old.kemendagri, None, province, 100.0, BPS_HISTORIC),)


def _match_code(
    index: DistrictIndex, code_text: str, by_name: Match | None, province: ProvinceRef, system: str | None
) -> tuple[Match, _CodeRow | None]:
    code = parse_code(code_text)
    fallback = by_name.suggestions if by_name else ()
    if code is None:
        return Match(None, None, "bad_code", fallback), None
    if code.province not in index.province_names:
        return Match(None, None, "unknown_code", fallback), _CodeRow(NO_READING)
    if code.province not in index.area_provinces or (
        province.code is not None and province.code not in index.area_provinces
    ):
        return Match(None, None, "outside_area"), None
    readings = code_readings(code, index.crosswalk, index.names)
    old = historic_reading(code, index.crosswalk)
    said = system or code.system or (KEMENDAGRI if code.dotted else None)
    if said == BPS and code.dotted:
        said = None  # a dotted code in a column headed BPS: the file contradicts itself
    if said is not None:
        if readings[said] is None:
            if said == BPS and old is not None:
                return _historic_match(index, old, by_name, province), None
            return Match(None, None, "unknown_code", fallback), None
        return _with_name(index, readings[said], by_name, province), None
    options = {reading for reading in readings.values() if reading}
    if not options:
        if old is not None:
            return _historic_match(index, old, by_name, province), _CodeRow(readings, old)
        return Match(None, None, "unknown_code", fallback), _CodeRow(readings)
    if readings[BPS] == readings[KEMENDAGRI] and old is None:
        return _with_name(index, readings[BPS], by_name, province), _CodeRow(readings)
    named = set()
    if by_name is not None and by_name.code is not None:
        named = {by_name.code}
    elif by_name is not None and by_name.message in ("ambiguous", "other_province"):
        named = {s.code for s in by_name.suggestions}
    possible = options | ({old.kemendagri} if old else set())
    if by_name is not None and (by_name.code is not None or by_name.message == "outside_area"):
        if not named & possible:
            return _conflict(index, possible | named, province), _CodeRow(readings, old)
    chosen = named & possible
    if len(chosen) == 1:
        code_found = chosen.pop()
        if code_found not in options:  # the name confirms the old code
            return _historic_match(index, old, by_name, province), _CodeRow(readings, old, BPS_HISTORIC)
        system_found = BPS if readings[BPS] == code_found else KEMENDAGRI
        match = _with_name(index, code_found, None, province)
        return match, _CodeRow(readings, old, system_found)
    return _code_system_match(index, readings, old, province), _CodeRow(readings, old)


def _code_system_match(
    index: DistrictIndex, readings: dict[str, str | None], old: HistoricCode | None, province: ProvinceRef
) -> Match:
    """Unmatched: the code names one district as BPS and another as Kemendagri (or is an old code); offer each
    reading, labelled with its system."""
    suggestions = tuple(
        suggestion_for(index, code, None, province, 100.0, system)
        for system, code in readings.items()
        if code and code in index.in_area
    ) + _historic_suggestions(index, old, province)
    return Match(None, None, "code_system", suggestions)


def _fits(read: list[str | None]) -> bool:
    """Every code read, and no district twice."""
    return bool(read) and all(read) and len(set(read)) == len(read)


def _file_system(rows: list[_CodeRow]) -> str | None:
    """The one code system every unlabelled code of the file is known in (no district twice, no name
    contradicting it), or None. A code no system knows counts against every reading; when the file's codes
    also fit as old BPS codes (data/kode_lama.csv), no reading is chosen: it may be an old file."""
    consistent = {system for system in (BPS, KEMENDAGRI) if _fits([row.readings[system] for row in rows])}
    if any(row.historic for row in rows) and _fits(
        [row.readings[BPS] or (row.historic.kemendagri if row.historic else None) for row in rows]
    ):
        consistent.add(BPS_HISTORIC)
    confirmed = {row.confirmed for row in rows if row.confirmed}
    options = consistent & confirmed if confirmed else consistent
    chosen = options.pop() if len(options) == 1 and len(confirmed) <= 1 else None
    return chosen if chosen in (BPS, KEMENDAGRI) else None


def match_one(index: DistrictIndex, row: RowInput, code_system: str | None = None) -> tuple[Match, _CodeRow | None]:
    """Match one row on its own; a code whose system is unknown is left to match_rows to settle."""
    name = str(row.name or "").strip()
    code_text = str(row.code or "").strip()
    province = province_ref(index, row.province)
    if (both := CODE_AND_NAME.match(name)) and parse_code(both.group(1)):
        if not code_text or parse_code(code_text) == parse_code(both.group(1)):
            code_text, name = both.group(1), both.group(2).strip()
    typed_code = parse_code(name) if name else None
    if typed_code is not None:  # a code typed into the name column is a code
        if not code_text:
            code_text, name = name, ""
        elif parse_code(code_text) == typed_code:
            name = ""
        else:
            return Match(None, None, "code_name_conflict"), None
    by_name = match_name(index, name, province) if name else None
    if not code_text:
        return (by_name or Match(None, None, "empty")), None
    return _match_code(index, code_text, by_name, province, code_system)


def _unreadable_code_column(rows: list[RowInput]) -> CodeColumnNote | None:
    """The code column, when at least half of its codes are no district code (GADM or HASC ids, database or
    courier ids): then it says nothing about the districts and the names decide."""
    written = [str(row.code).strip() for row in rows if str(row.code or "").strip()]
    unreadable = [code for code in written if parse_code(code) is None]
    if not written or len(unreadable) * 2 < len(written):
        return None
    forms = {foreign_form(code) for code in unreadable}
    form = forms.pop() if len(forms) == 1 else None
    return CodeColumnNote(form, len(unreadable), len(written), tuple(unreadable[:3]))


def match_rows(index: DistrictIndex, rows: list[RowInput], code_system: str | None = None) -> FileMatch:
    """Match every row of one file; return the matches in order and notes about the file as a whole.

    `code_system` (bps/kemendagri) is what the file's code column holds, when its header or the user says so.
    Otherwise a bare code that two systems read differently is settled by the row's name, then by the file:
    if only one reading fits every code of the file, it is used and a note says so. A code column that holds
    no district codes is set aside (`code_column`), and its rows are matched by name and province.
    """
    code_column = _unreadable_code_column(rows)
    if code_column is not None:
        # a row without a name keeps its code, to be reported as not a district code
        rows = [
            RowInput(row.name, None, row.province) if str(row.name or "").strip() and not parse_code(row.code) else row
            for row in rows
        ]
    results = [match_one(index, row, code_system) for row in rows]
    decided = _file_system([code_row for _, code_row in results if code_row is not None])
    matches, used = [], 0
    for row, (match, code_row) in zip(rows, results, strict=True):
        if match.message == "code_system" and decided and code_row and code_row.readings[decided]:
            # the file's reading, still checked against the row's province
            match = _with_name(index, code_row.readings[decided], None, province_ref(index, row.province))
            used += match.code is not None
        matches.append(match)
    notes = []
    if used:
        notes.append(
            f"Kode dibaca sebagai {SYSTEM_LABELS[decided]} untuk {used} baris: hanya bacaan itu cocok dengan "
            f"seluruh kode di berkas. Bila keliru, unggah lagi dan pilih sistem kodenya."
        )
    return FileMatch(matches, notes, code_column)


def match_district(
    index: DistrictIndex, name: str | None = None, code: str | None = None, province: str | None = None
) -> Match:
    """Match one input row by code, name and province text (a lone row: a code read two ways stays open)."""
    return match_rows(index, [RowInput(name, code, province)]).matches[0]
