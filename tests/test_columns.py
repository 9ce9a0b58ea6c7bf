"""The column map: real-world headers recognised by their words, multi-row and merged headers, every column
accounted for, an unused figure column that blocks publishing until settled, the labour force kept apart."""

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from geo.drafts import Upload, analyse_upload, publish_draft, read_draft, remap_draft, save_draft
from geo.history import HistoryError, NotFound
from geo.store import MAIN_SERIES, read_records
from geo.uploads import (
    ColumnChoiceError,
    CoverageFileError,
    ImportReport,
    Kind,
    Unused,
    analyse_file,
    find_column,
    header_words,
    map_columns,
    parse_choice,
    recognise_header,
)
from tests.databases import BOTH_DATABASES
from tests.test_editor import PASSWORD, csrf, sign_in
from tests.test_uploads import auth, tokens  # noqa: F401 - tokens is a fixture
from web.resources import current_index, get_resources

HEADERS = Path(__file__).parent / "data" / "real_headers.csv"
with HEADERS.open(encoding="utf-8", newline="") as handle:
    REAL = list(csv.DictReader(handle))


def test_the_header_table_has_forty_real_headers_each_with_a_source():
    public = [row for row in REAL if row["source"].startswith(("http", "github"))]
    assert len(public) >= 40 and all(row["source"].strip() for row in REAL)


@pytest.mark.parametrize("row", REAL, ids=[f"{r['group']}/{r['header']}"[:60] for r in REAL])
def test_real_headers_map_to_their_field(row):
    recognised = recognise_header(header_words(row["header"]), header_words(row["group"]))
    assert (recognised.field or "-") == row["field"], recognised.reason


@pytest.mark.parametrize(
    ("header", "unit", "year", "until"),
    [
        ("Target UCJ (%)", "%", None, None),
        ("Target 2025", None, "2025", None),
        ("Capaian s.d. Oktober 2025", None, "2025", "oktober"),
        ("Penduduk Bekerja\n(jiwa)", "jiwa", None, None),
        ("Cakupan\n(persen)", "%", None, None),
    ],
)
def test_units_years_and_line_breaks_are_stripped_and_kept(header, unit, year, until):
    words = header_words(header)
    assert (words.unit, words.year, words.until) == (unit, year, until)
    assert not any(char.isdigit() for word in words.words for char in word)


def test_the_values_decide_a_generic_header_never_a_percent_one():
    capaian = header_words("Capaian")
    assert recognise_header(capaian, values="count").field is None  # counts under 'Capaian': not a coverage
    assert recognise_header(capaian, values="percent").field == "coverage"
    assert recognise_header(header_words("Cakupan"), values="count").field == "coverage"  # '115.625' stays a %
    assert recognise_header(header_words("Target"), values="count").field is None  # a target of people


def kalteng(index) -> list[tuple[str, str]]:
    return sorted((code, name) for code, name in index.names.items() if code.startswith("62."))


def two_row_workbook(index) -> bytes:
    """`Cakupan UCJ` merged over `Capaian (%) | Target (%)`, vertical merges beside it, a numbered row below."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Capaian UCJ Kalimantan Tengah"])
    sheet.append(["No", "Kabupaten/Kota", "Cakupan UCJ", None, "Keterangan"])
    sheet.append([None, None, "Capaian (%)", "Target (%)", None])
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)"])
    for merged in ("C2:D2", "A2:A3", "B2:B3", "E2:E3"):
        sheet.merge_cells(merged)
    for number, (_, name) in enumerate(kalteng(index), start=1):
        sheet.append([number, name, round(30 + number * 1.5, 2), round(50 + number, 2), None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_merged_two_row_header_reads_coverage_and_target(index):
    report = analyse_file(two_row_workbook(index), "ucj.xlsx", index, period="2025-10", source="BPJS Kalteng")
    assert report.column_map.header_rows == [2, 3, 4]
    fields = {c.header: c.field for c in report.column_map.columns}
    assert fields == {
        "No": None,
        "Kabupaten/Kota": "name",
        "Cakupan UCJ / Capaian (%)": "coverage",
        "Cakupan UCJ / Target (%)": "target",
        "Keterangan": "remarks",
    }
    assert len(report.rows) == 14 and all(row.target_pct is not None for row in report.rows)
    assert report.ok, report.errors + report.warnings


def test_a_csv_group_title_spans_its_sub_columns_but_not_the_next_column(index):
    rows = [
        ["No", "Kabupaten/Kota", "Cakupan UCJ", "", "Keterangan"],
        ["", "", "Capaian (%)", "Target (%)", ""],
        ["1", "Kapuas", "41,2", "50", ""],
    ]
    column_map = map_columns(rows)
    assert [c.field for c in column_map.columns] == [None, "name", "coverage", "target", "remarks"]


@BOTH_DATABASES
def test_the_two_row_workbook_publishes_its_14_targets(app, index):
    with app.app_context():
        engine = get_resources().engine
        sent = Upload(two_row_workbook(index), "ucj.xlsx", "2025-10", source="BPJS Kalteng")
        report = analyse_upload(engine, current_index(), sent)
        draft = save_draft(engine, series=MAIN_SERIES, file_name="ucj.xlsx", actor="t", report=report)
        info = publish_draft(engine, draft, "t")
        records = read_records(engine, info.id).set_index("code")
    published = records.loc[[code for code, _ in kalteng(index)], "target_pct"]
    assert published.notna().sum() == 14
    assert published.tolist() == [round(50 + n, 2) for n in range(1, 15)]


UNUSED = (
    ("wilayah,cakupan,Target Peserta,sumber\nPulang Pisau,41,3,12000,BPJS\nKapuas,30,5,18000,BPJS\n")
    .replace("41,3", '"41,3"')
    .replace("30,5", '"30,5"')
)


def test_an_unused_numeric_column_blocks_publishing_until_settled(app):
    with app.app_context():
        engine, index = get_resources().engine, current_index()
        report = analyse_upload(engine, index, Upload(UNUSED.encode(), "u.csv", "2025-10"))
        column = next(c for c in report.column_map.columns if c.header == "Target Peserta")
        assert column.unsettled and column.unused == Unused.NOT_PUBLISHED
        assert [p.kind for p in report.warnings if p.kind == Kind.UNUSED_COLUMN] == [Kind.UNUSED_COLUMN]
        assert not report.errors and not report.ok
        draft = save_draft(engine, series=MAIN_SERIES, file_name="u.csv", actor="t", report=report)
        with pytest.raises(HistoryError, match="kolom angka"):
            publish_draft(engine, draft, "t")
        settled = remap_draft(engine, index, draft, "t", {column.index: None})
        assert settled.ok and settled.column_map.columns[column.index].unused == Unused.CONFIRMED
        assert publish_draft(engine, draft, "t").period == "2025-10"
        with pytest.raises(HistoryError, match="sudah diterbitkan") as again:
            publish_draft(engine, draft, "t")
        assert not isinstance(again.value, NotFound)  # refused (400), not missing (404)
        with pytest.raises(NotFound, match="tidak ada"):
            publish_draft(engine, 10**6, "t")


def test_reassigning_a_column_analyses_the_draft_again(app):
    text = 'wilayah,Nilai,Nilai 2,sumber\nPulang Pisau,"41,3",55,BPJS\nKapuas,"30,5",50,BPJS\n'
    with app.app_context():
        engine, index = get_resources().engine, current_index()
        with pytest.raises(CoverageFileError, match="Kolom yang terbaca"):  # no figure column it can name
            analyse_upload(engine, index, Upload(text.encode(), "n.csv", "2025-10"))
        choices = (parse_choice("cakupan=Nilai"),)
        report = analyse_upload(engine, index, Upload(text.encode(), "n.csv", "2025-10", columns=choices))
        assert [row.coverage_pct for row in report.rows] == [41.3, 30.5]
        assert [c.header for c in report.column_map.unsettled()] == ["Nilai 2"] and not report.ok
        draft = save_draft(engine, series=MAIN_SERIES, file_name="n.csv", actor="t", report=report)
        again = remap_draft(engine, index, draft, "t", {2: "target"})
        assert [row.target_pct for row in again.rows] == [55.0, 50.0] and again.ok
        with pytest.raises(HistoryError, match="Kolom angka"):  # coverage taken away: refused, draft kept
            remap_draft(engine, index, draft, "t", {1: None})
        stored = read_draft(engine, draft).report
        assert [(c.field, c.chosen) for c in stored.column_map.columns[1:3]] == [("coverage", True), ("target", True)]


def test_a_column_choice_names_a_known_field_and_a_real_column(index):
    with pytest.raises(ColumnChoiceError, match="Pilihan"):
        parse_choice("targets=Target (%)")
    column_map = map_columns([["wilayah", "cakupan", "Target (%)"], ["Kapuas", "41,2", "50"]])
    assert find_column(column_map, "target (%)").index == 2
    assert find_column(column_map, "C").index == 2 and find_column(column_map, "3").index == 2
    with pytest.raises(ColumnChoiceError, match="Kolom yang ada"):
        find_column(column_map, "Target UCJ")


LABOUR_FORCE = (
    "wilayah,peserta,angkatan kerja,cakupan,sumber\n"
    'Pulang Pisau,41300,103000,"40,1",BPJS\nKapuas,20000,80000,"25,0",BPJS\n'
)


@BOTH_DATABASES
def test_a_labour_force_denominator_is_marked_and_published_with_the_figures(app):
    with app.app_context():
        engine = get_resources().engine
        report = analyse_upload(engine, current_index(), Upload(LABOUR_FORCE.encode(), "a.csv", "2025-10"))
        assert report.denominator == "angkatan_kerja"
        assert [row.workers for row in report.rows] == [None, None]  # never read as penduduk bekerja
        assert [row.coverage_pct for row in report.rows] == [40.1, 25.0]  # the file's coverage, as written
        assert any(p.kind == Kind.DENOMINATOR for p in report.warnings) and report.ok
        draft = save_draft(engine, series=MAIN_SERIES, file_name="a.csv", actor="t", report=report)
        records = read_records(engine, publish_draft(engine, draft, "t").id).set_index("code")
    assert set(records.loc[[row.code for row in report.rows], "denominator"]) == {"angkatan_kerja"}
    assert records.drop(index=[row.code for row in report.rows])["denominator"].isna().all()  # the others kept


def test_coverage_is_never_computed_from_the_labour_force(index):
    text = "wilayah,peserta,angkatan kerja\nPulang Pisau,41300,103000\n"
    with pytest.raises(CoverageFileError, match="angkatan kerja"):
        analyse_file(text.encode(), "a.csv", index, period="2025-10", source="BPJS")


def test_an_employed_column_is_the_denominator_even_beside_the_labour_force(index):
    text = "wilayah,peserta,penduduk bekerja,angkatan kerja,sumber\nPulang Pisau,41300,100000,103000,BPJS\n"
    report = analyse_file(text.encode(), "a.csv", index, period="2025-10")
    assert report.denominator is None and report.rows[0].coverage_pct == 41.3


def workbook_with_line_breaks_and_units() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Kabupaten/\nKota", "Jumlah Peserta\nAktif", "Penduduk\nBekerja", "Target\nUCJ"])
    sheet.append([None, "(orang)", "(jiwa)", "(%)"])
    sheet.append(["Kapuas", 41000, 100000, 55])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_header_cells_with_line_breaks_and_a_unit_row(index):
    report = analyse_file(workbook_with_line_breaks_and_units(), "b.xlsx", index, period="2025-10", source="B")
    assert [c.field for c in report.column_map.columns] == ["name", "participants", "workers", "target"]
    assert [c.unit for c in report.column_map.columns] == [None, "orang", "jiwa", "%"]
    assert report.rows[0].coverage_pct == 41.0 and report.rows[0].target_pct == 55.0


TEST_FILES = [
    ("ucj.xlsx", "two_row_workbook"),
    ("b.xlsx", "workbook_with_line_breaks_and_units"),
    ("u.csv", UNUSED),
    ("a.csv", LABOUR_FORCE),
]


@pytest.mark.parametrize(("name", "content"), TEST_FILES)
def test_every_column_of_every_test_file_is_in_the_column_map(index, name, content):
    if content == "two_row_workbook":
        data = two_row_workbook(index)
    elif content == "workbook_with_line_breaks_and_units":
        data = workbook_with_line_breaks_and_units()
    else:
        data = content.encode()
    report = analyse_file(data, name, index, period="2025-10", source="B")
    table = report.table[report.column_map.header_rows[0] - 1 :]
    width = max(len([c for c in row if c]) and max(i + 1 for i, c in enumerate(row) if c) for row in table)
    assert [c.index for c in report.column_map.columns] == list(range(width))
    assert all(c.field or c.reason for c in report.column_map.columns)  # used, or diabaikan with the reason
    again = ImportReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again.column_map == report.column_map


def test_the_review_page_shows_the_column_map_and_settles_a_column(app):
    with app.app_context():
        from geo.accounts import create_user

        create_user(get_resources().engine, "penyunting", "editor", PASSWORD)
    client = app.test_client()
    sign_in(client, "penyunting")
    token = csrf(client.get("/kelola").get_data(as_text=True))
    form = {"file": (io.BytesIO(UNUSED.encode()), "u.csv"), "period": "2025-10", "csrf_token": token}
    location = client.post("/kelola", data=form, content_type="multipart/form-data").headers["Location"]
    review = client.get(location).get_data(as_text=True)
    assert 'id="column-map"' in review and 'data-column="C"' in review and "unsettled" in review
    assert "Terbitkan periode" not in review
    draft_id = int(location.rsplit("/", 1)[1])
    client.post(f"/kelola/draf/{draft_id}/kolom/2", data={"field": "abaikan", "csrf_token": csrf(review)})
    review = client.get(location).get_data(as_text=True)
    assert "Terbitkan periode 2025-10" in review and "dikonfirmasi penyunting" in review


def test_the_api_takes_a_column_map_and_re_assigns_columns(app, tokens):  # noqa: F811
    client = app.test_client()
    text = 'wilayah,Nilai (%),Target Peserta,sumber\nPulang Pisau,"41,3",12000,BPJS\n'
    form = {"file": (io.BytesIO(text.encode()), "n.csv"), "period": "2025-10", "kolom": ["cakupan=B"]}
    response = client.post("/api/uploads", headers=auth(tokens["editor"]), data=form)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert [c["label"] for c in body["column_map"]["columns"]] == ["wilayah", "cakupan", None, "sumber"]
    assert body["ok"] is False  # 'Target Peserta' is unsettled
    settled = client.post(
        f"/api/uploads/{body['id']}/columns", headers=auth(tokens["editor"]), data={"kolom": "abaikan=Target Peserta"}
    )
    assert settled.status_code == 200 and settled.get_json()["ok"] is True
    bad = client.post(f"/api/uploads/{body['id']}/columns", headers=auth(tokens["editor"]), data={"kolom": "x=B"})
    assert bad.status_code == 400


def test_the_cli_takes_kolom_and_prints_the_column_map(app, tmp_path):
    path = tmp_path / "n.csv"
    path.write_text('wilayah,Nilai (%),sumber\nPulang Pisau,"41,3",BPJS\n', encoding="utf-8")
    runner = app.test_cli_runner()
    args = ["coverage", "import", str(path), "--period", "2025-10", "--dry-run"]
    result = runner.invoke(args=[*args, "--kolom", "cakupan=Nilai (%)", "--json"])
    assert result.exit_code == 0, result.output
    columns = json.loads(result.output)["column_map"]["columns"]
    assert columns[1]["field"] == "coverage" and columns[1]["chosen"]
    text = runner.invoke(args=[*args, "--kolom", "cakupan=Nilai (%)"]).output
    assert "kolom B 'Nilai (%)': cakupan" in text
    assert runner.invoke(args=[*args, "--kolom", "nilai=B"]).exit_code == 2


def test_the_upload_form_takes_a_column_map(app):
    with app.app_context():
        from geo.accounts import create_user

        create_user(get_resources().engine, "penyunting", "editor", PASSWORD)
    client = app.test_client()
    sign_in(client, "penyunting")
    text = 'wilayah,Nilai,sumber\nPulang Pisau,"41,3",BPJS\n'

    def send(kolom):
        token = csrf(client.get("/kelola").get_data(as_text=True))
        form = {"file": (io.BytesIO(text.encode()), "n.csv"), "period": "2025-10", "kolom": kolom, "csrf_token": token}
        return client.post("/kelola", data=form, content_type="multipart/form-data")

    refused = send("nilai=B")
    assert refused.status_code == 400 and "tidak dikenal" in refused.get_data(as_text=True)
    review = client.get(send("cakupan=Nilai").headers["Location"]).get_data(as_text=True)
    assert "Terbitkan periode 2025-10" in review and "dipilih penyunting" in review


@pytest.mark.parametrize("name", ["terbitan.csv", "provinsi.csv"])
def test_the_bundled_published_files_have_every_column_mapped(index, name):
    path = Path(__file__).parents[1] / "data" / "coverage" / name
    report = analyse_file(path.read_bytes(), name, index, period="2025-10")
    header = report.table[report.column_map.header_rows[0] - 1]
    assert [c.header for c in report.column_map.columns] == header
    assert not report.column_map.unsettled()
    assert all(c.field for c in report.column_map.columns if c.header != "kode_prov")


@pytest.mark.parametrize(
    ("header", "group", "field"),
    [
        ("Jumlah Peserta", "", "participants"),
        ("Jumlah Tenaga Kerja", "", "workers"),
        ("Tenaga Kerja Aktif", "", "participants"),
        ("Peserta Non Aktif", "", None),
        ("Target", "", "target"),
        ("Target Peserta", "", None),
        ("Peserta", "Target", None),  # a target of people under a group title
        ("Bekerja", "Angkatan Kerja", "workers"),  # BPS: Angkatan Kerja over Bekerja | Pengangguran
        ("Pengangguran", "Angkatan Kerja", None),
        ("Kode Kab/Kota", "", "code"),
        ("Nama Kabupaten/Kota", "", "name"),
        ("Peserta Rentan APBD Kab/Kota", "", "vulnerable_regency"),
    ],
)
def test_words_that_look_alike_are_told_apart(header, group, field):
    assert recognise_header(header_words(header), header_words(group)).field == field


def test_a_code_column_says_its_system(index):
    text = 'kode_bps,wilayah,cakupan,sumber\n6211,Pulang Pisau,"41,3",BPJS\n'
    report = analyse_file(text.encode(), "k.csv", index, period="2025-10")
    assert report.column_map.columns[0].field == "code" and report.column_map.columns[0].code_system == "bps"
    given = analyse_file(text.replace("kode_bps", "kode").encode(), "k.csv", index, "2025-10", code_system="bps")
    assert given.column_map.columns[0].code_system == "bps"
