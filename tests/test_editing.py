"""The editor's decisions without a request (geo.editing, geo.history.compare_versions): what each does to the
draft, what it refuses and with which kind of error."""

import pandas as pd
import pytest

from geo.audit import AuditFilter, audit_events
from geo.drafts import Upload, analyse_upload, edit_draft, publish_draft, read_draft, save_draft
from geo.editing import RowChoice, edit_row, read_codes_as, set_column, set_columns
from geo.history import BadInput, ErrorKind, HistoryError, NotFound, compare_versions, withdraw_preview
from geo.saved_aliases import list_saved_aliases
from geo.store import MAIN_SERIES, RECORD_COLUMNS, connect, publish
from geo.uploads import Kind, ReportEditError, analyse_file, match_rows_by_hand

HEADER = "kode,wilayah,peserta,pekerja\n"
TWO_WAY = HEADER + "1204,,1,2\n1101,,1,2\n,Kotim,20000,80000\n"  # 1204/1101: BPS and Kemendagri differ


@pytest.fixture()
def engine(database_url):
    engine = connect(database_url)
    yield engine
    engine.dispose()


def draft(engine, index, text: str) -> int:
    report = analyse_upload(engine, index, Upload(text.encode(), "uji.csv", "2026-02", source="uji"))
    return save_draft(engine, series=MAIN_SERIES, file_name="uji.csv", actor="uji", report=report)


def rows_of(engine, draft_id: int) -> dict[int, str | None]:
    return {row.row: row.code for row in read_draft(engine, draft_id).report.rows}


def test_read_codes_as_settles_every_two_way_code_in_one_edit(engine, index):
    draft_id = draft(engine, index, TWO_WAY)
    done = read_codes_as(engine, draft_id, "bps", "penyunting")
    assert (done.rows, done.label) == (2, "kode BPS")
    codes = {row.row: row.code for row in done.report.rows}
    assert codes == rows_of(engine, draft_id)  # what it returns is what it wrote
    assert [index.names[codes[2]], index.names[codes[3]]] == ["Kabupaten Tapanuli Tengah", "Kabupaten Simeulue"]
    assert not [p for p in done.report.errors if p.kind == Kind.UNMATCHED]
    (event,) = audit_events(engine, AuditFilter(action="read_codes_as"))
    assert event.detail["system"] == "bps" and event.detail["rows"] == [[2, codes[2]], [3, codes[3]]]
    assert audit_events(engine, AuditFilter(action="match_row")) == []  # one edit, not one per row


def test_read_codes_as_gives_what_matching_each_row_by_hand_gives(engine, index):
    batch, one_by_one = draft(engine, index, TWO_WAY), draft(engine, index, TWO_WAY)
    read_codes_as(engine, batch, "kemendagri", "uji")
    for row in read_draft(engine, one_by_one).report.rows:
        code = next((s["code"] for s in row.suggestions if s.get("system") == "kemendagri"), None)
        if row.reason == "code_system" and code:
            edit_draft(engine, one_by_one, row.row, "uji", code=code)
    assert read_draft(engine, batch).report.to_stored() == read_draft(engine, one_by_one).report.to_stored()


@pytest.mark.parametrize(
    ("setup", "system", "kind"),
    [
        ("draft", "bps_lama", ErrorKind.INPUT),
        ("missing", "bps", ErrorKind.NOT_FOUND),
        ("published", "bps", ErrorKind.REFUSED),
    ],
)
def test_read_codes_as_refuses_with_a_kind(engine, index, setup, system, kind):
    draft_id = draft(engine, index, HEADER + "6211,Pulang Pisau,41300,100000\n") if setup != "missing" else 999
    if setup == "published":
        publish_draft(engine, draft_id, "uji")
    with pytest.raises(HistoryError) as raised:
        read_codes_as(engine, draft_id, system, "uji")
    assert raised.value.kind is kind


def test_matching_a_row_saves_its_text_as_an_alias(engine, index):
    draft_id = draft(engine, index, HEADER + ",Pulang Pisao,20000,80000\n")
    edited = edit_row(engine, index, draft_id, RowChoice(2, "62.11", save_alias=True), "penyunting")
    assert edited.alias.saved and (edited.alias.text, edited.alias.name) == ("Pulang Pisao", "Kabupaten Pulang Pisau")
    assert [(a.alias, a.jenis, a.kode) for a in list_saved_aliases(engine)] == [("Pulang Pisao", "Kabupaten", "62.11")]
    assert rows_of(engine, draft_id) == {2: "62.11"}


def test_a_contradicting_suggestion_is_matched_but_not_saved_as_alias(engine, index):
    draft_id = draft(engine, index, HEADER + ",Kota Pulang Pisao,20000,80000\n")
    edited = edit_row(engine, index, draft_id, RowChoice(2, "62.11", save_alias=True), "penyunting")
    assert not edited.alias.saved and "Tidak disimpan sebagai nama lain" in edited.alias.refusal
    assert list_saved_aliases(engine) == [] and rows_of(engine, draft_id) == {2: "62.11"}


@pytest.mark.parametrize(
    ("choice", "kept"),
    [(RowChoice(2, "62.11"), {2: "62.11"}), (RowChoice(2, drop=True), {}), (RowChoice(2, None, drop=True), {})],
)
def test_a_row_matched_or_dropped_without_an_alias(engine, index, choice, kept):
    draft_id = draft(engine, index, HEADER + ",Pulang Pisao,20000,80000\n")
    edited = edit_row(engine, index, draft_id, choice, "uji")
    assert edited.alias is None and rows_of(engine, draft_id) == kept and list_saved_aliases(engine) == []


def test_a_code_that_was_not_suggested_is_refused(engine, index):
    draft_id = draft(engine, index, HEADER + ",Pulang Pisao,20000,80000\n")
    with pytest.raises(HistoryError, match="Pilih salah satu saran") as raised:
        edit_row(engine, index, draft_id, RowChoice(2, "62.02", save_alias=True), "uji")
    assert raised.value.kind is ErrorKind.REFUSED and list_saved_aliases(engine) == []


def test_match_rows_by_hand_validates_once_what_each_match_would(index):
    text = (HEADER + ",Pulang Pisao,20000,80000\n,Pulang Pisao,1,2\n").encode()
    report = analyse_file(text, "uji.csv", index, "2026-02", source="uji")
    matched = match_rows_by_hand(report, {2: "62.11", 3: "62.11"})
    assert [p.kind for p in matched.errors] == [Kind.DUPLICATE]  # the second row repeats the first
    with pytest.raises(ReportEditError):
        match_rows_by_hand(matched, {2: "62.11"})  # no longer unmatched


@pytest.mark.parametrize(
    ("label", "message"), [(None, "Pilih bidang"), ("", "Pilih bidang"), ("bukan bidang", "tidak dikenal")]
)
def test_set_column_refuses_a_missing_or_unknown_field_as_input(engine, index, label, message):
    draft_id = draft(engine, index, HEADER + "6211,Pulang Pisau,41300,100000\n")
    with pytest.raises(BadInput, match=message):
        set_column(engine, index, draft_id, 2, label, "uji")


def test_set_columns_reads_the_column_by_its_header(engine, index):
    draft_id = draft(engine, index, "wilayah,cakupan,peserta,pekerja\nPulang Pisau,41.3,41300,100000\n")
    with pytest.raises(NotFound):
        set_columns(engine, index, 999, ["abaikan=peserta"], "uji")
    with pytest.raises(BadInput):
        set_columns(engine, index, draft_id, ["abaikan=tidak ada kolom ini"], "uji")
    report = set_columns(engine, index, draft_id, ["abaikan=peserta"], "uji")
    assert report.rows[0].participants is None and report.rows[0].coverage_pct == 41.3
    with pytest.raises(HistoryError) as raised:  # a map without the figures it needs is refused, not bad input
        set_columns(engine, index, draft_id, ["abaikan=cakupan"], "uji")
    assert raised.value.kind is ErrorKind.REFUSED


def records(*coverage: float) -> pd.DataFrame:
    rows = [("62.11", "Pulang Pisau", None, None, value, None, None, None) for value in coverage]
    return pd.DataFrame(rows, columns=RECORD_COLUMNS)


def test_compare_versions_takes_the_version_before_when_none_is_chosen(engine):
    first = publish(engine, MAIN_SERIES, "2025-10", records(40.0), title="v1")
    second = publish(engine, MAIN_SERIES, "2025-10", records(41.0), title="v2")
    chosen = compare_versions(engine, None, second.id)
    assert (chosen.before, chosen.after) == (first.id, second.id)
    assert [c.code for c in chosen.change.diff.changed] == ["62.11"]
    assert compare_versions(engine, None, first.id).before is None  # a period's first version: all new
    assert compare_versions(engine, first.id, None).change is None  # nothing chosen to compare yet
    with pytest.raises(NotFound):
        compare_versions(engine, None, 999)


def test_an_unknown_series_is_bad_input(engine):
    with pytest.raises(BadInput, match="Seri data 'tidak-ada' tidak ada"):
        withdraw_preview(engine, "tidak-ada", "2025-10")
