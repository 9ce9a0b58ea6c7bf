"""An editor's decisions on a draft, as the review page and the API send them: match a row by hand (and keep its
text as an alias of the district), read every two-way code in one system, give a column a field.

Each takes typed inputs and returns a typed result; what cannot be done is a geo.history.HistoryError whose `kind`
(not found, refused, bad input) the web layer answers with a status or a message. No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from geo.codes import SYSTEM_LABELS
from geo.district_index import DistrictIndex, alias_refusal
from geo.drafts import Edited, apply_edit, edit_draft, read_draft, remap_draft
from geo.history import BadInput
from geo.saved_aliases import save_alias
from geo.uploads import (
    ColumnChoiceError,
    ImportReport,
    codes_read_as,
    field_of_label,
    find_column,
    match_rows_by_hand,
    parse_choices,
)


@dataclass(frozen=True)
class RowChoice:
    """What the editor sent for one row: a suggestion's code, with whether to keep the row's text as another
    name of that district; or `drop` to leave the row out."""

    row: int
    code: str | None = None
    drop: bool = False
    save_alias: bool = False


@dataclass(frozen=True)
class AliasOutcome:
    """What became of 'simpan sebagai nama lain': saved (`refusal` None) or refused, and why."""

    text: str  # the row's text, as written in the file
    name: str | None  # the district it names, when saved
    refusal: str | None = None

    @property
    def saved(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True)
class RowEdit:
    """A row edited: the draft's new report, and the alias outcome when one was asked for."""

    report: ImportReport
    alias: AliasOutcome | None = None


def edit_row(engine: Engine, index: DistrictIndex, draft_id: int, choice: RowChoice, actor: str) -> RowEdit:
    """Match one row to a suggestion (or drop it). With `save_alias`, the row's text becomes another name of the
    chosen district unless geo.district_index.alias_refusal refuses it, judged on the suggestion as offered
    before the row changed; the row is matched either way."""
    if choice.drop:
        return RowEdit(edit_draft(engine, draft_id, choice.row, actor, drop=True))
    if not choice.save_alias:
        return RowEdit(edit_draft(engine, draft_id, choice.row, actor, code=choice.code))
    asked: list[tuple[str, str | None]] = []  # the row's text and the refusal, read from the draft under its lock

    def change(report: ImportReport) -> ImportReport:
        entry = next((r for r in report.rows if r.row == choice.row), None)
        offered = next((s for s in (entry.suggestions if entry else []) if s["code"] == choice.code), None)
        if entry is not None and offered is not None:
            asked.append((entry.input, alias_refusal(index, entry.input, offered)))
        return match_rows_by_hand(report, {choice.row: choice.code or ""})

    report = apply_edit(engine, draft_id, actor, "match_row", change, row=choice.row, code=choice.code)
    text, refusal = asked[0]  # the edit succeeded, so the row and its suggestion were there
    if refusal is not None:
        return RowEdit(report, AliasOutcome(text, None, refusal))
    save_alias(engine, text, index.jenis_of[choice.code], choice.code, actor)
    return RowEdit(report, AliasOutcome(text, next(r.name for r in report.rows if r.row == choice.row)))


@dataclass(frozen=True)
class CodesRead:
    """'Baca semua kode sebagai ...' done: the new report, the system and how many rows it matched."""

    report: ImportReport
    system: str
    rows: int

    @property
    def label(self) -> str:
        return SYSTEM_LABELS[self.system]


def read_codes_as(engine: Engine, draft_id: int, system: str, actor: str) -> CodesRead:
    """Match every row whose bare code two systems read differently to its reading in `system`, as one edit:
    the draft is read, validated and written once, and audited once with the rows and codes it matched."""
    if system not in SYSTEM_LABELS:
        raise BadInput(f"Sistem kode '{system[:20]}' tidak dikenal. Pilihan: {', '.join(SYSTEM_LABELS)}.")
    matched: dict[int, str] = {}

    def change(report: ImportReport) -> Edited:
        matched.update(codes_read_as(report, system))
        report = match_rows_by_hand(report, matched)
        return Edited(report, {"rows": [[row, code] for row, code in matched.items()]})

    report = apply_edit(engine, draft_id, actor, "read_codes_as", change, system=system)
    return CodesRead(report, system, len(matched))


def set_column(
    engine: Engine, index: DistrictIndex, draft_id: int, column: int, field_label: str | None, actor: str
) -> ImportReport:
    """Give one column (by its index) the field the editor picked by label ('tidak diperlukan' for none) and
    analyse the draft again; no pick, or an unknown label, is BadInput."""
    if not field_label:
        raise BadInput("Pilih bidang untuk kolom itu (atau 'tidak diperlukan').")
    try:
        chosen = field_of_label(field_label)
    except ColumnChoiceError as error:
        raise BadInput(str(error)) from error
    return remap_draft(engine, index, draft_id, actor, {column: chosen})


def set_columns(engine: Engine, index: DistrictIndex, draft_id: int, lines: list[str], actor: str) -> ImportReport:
    """The API's column map: `BIDANG=KOLOM` lines, each column named as the draft's column map knows it (its
    header or letter), applied in one new analysis. A line that names no field or column is BadInput."""
    column_map = read_draft(engine, draft_id).report.column_map
    try:
        choices = parse_choices(lines)
        if column_map is None:
            raise ColumnChoiceError("Draf ini disimpan sebelum ada peta kolom: unggah lagi berkasnya.")
        by_index = {find_column(column_map, reference).index: chosen for chosen, reference in choices}
    except ColumnChoiceError as error:
        raise BadInput(str(error)) from error
    return remap_draft(engine, index, draft_id, actor, by_index)
