"""Matching real-world spellings to Kemendagri codes; a wrong match is worse than none."""

import csv

import pandas as pd
import pytest

from app import ROOT
from geo.codes import normalize_code
from geo.district_index import alias_refusal, build_index, resolve_province
from geo.matching import match_district
from geo.names import split_jenis
from geo.uploads import analyse_file

MATCHES = [
    # (name, province, code, method)
    ("KAB. PULANG PISAU", None, "62.11", "name"),
    ("Kab Tanah Bumbu", None, "63.10", "name"),
    ("Kabupaten Pulang Pisau", "Kalimantan Tengah", "62.11", "name"),
    ("kab.pulang pisau", None, "62.11", "name"),
    ("Banjar Baru", None, "63.72", "name"),
    ("Kota Banjarbaru", None, "63.72", "name"),
    ("Tulang Bawang", None, "18.05", "name"),
    ("Tulangbawang", None, "18.05", "name"),
    ("Tulangbawang Barat", None, "18.12", "name"),
    ("Kotim", None, "62.02", "alias"),
    ("Tanjab Timur", None, "15.07", "alias"),
    ("Tanjungjabung Timur", None, "15.07", "name"),
    ("Tg. Jabung Barat", None, "15.06", "name"),
    ("OKU Timur", None, "16.08", "alias"),
    ("Kab. OKU Selatan", None, "16.09", "alias"),
    ("PPU", None, "64.09", "alias"),
    ("Kep. Meranti", None, "14.10", "name"),
    ("Kabupaten Kep. Anambas", None, "21.05", "name"),
    ("Toba Samosir", None, "12.12", "alias"),
    ("Kabupaten Toba", None, "12.12", "name"),
    ("Kabupaten Pontianak", None, "61.02", "alias"),
    ("Kota Pontianak", None, "61.71", "name"),
    ("Kota Solok", None, "13.72", "name"),
    ("Kabupaten Solok", None, "13.02", "name"),
    ("Solok Selatan", None, "13.11", "name"),
    ("Kota Palangka Raya", None, "62.71", "name"),
    ("Kota Palangkaraya", None, "62.71", "name"),
    ("Pangkalpinang", None, "19.71", "name"),
    ("Kota Tanjungpinang", None, "21.72", "name"),
    ("Kota Baru", None, "63.02", "name"),
    ("Kotabaru", None, "63.02", "name"),
    ("Kota Waringin Timur", None, "62.02", "name"),
    ("Lima Puluh Kota", None, "13.07", "name"),
    ("Kodya Medan", None, "12.71", "name"),
    ("HSU", "Kalsel", "63.08", "alias"),
    ("Mura", "Sumatera Selatan", "16.05", "alias"),
    ("Mura", "Kalteng", "62.12", "alias"),
    ("Banjar", "Kalimantan Selatan", "63.03", "name"),
    ("Muko-Muko", None, "17.06", "name"),
    ("Kabupaten Labuhan Batu Utara", None, "12.23", "name"),
    ("Labusel", None, "12.22", "alias"),
]


@pytest.mark.parametrize(("name", "province", "code", "method"), MATCHES)
def test_real_world_variants_match(index, name, province, code, method):
    match = match_district(index, name=name, province=province)
    assert (match.code, match.method) == (code, method)


UNMATCHED = [
    # (name, province, message, suggested codes)
    ("Solok", None, "ambiguous", {"13.02", "13.72"}),
    ("Pontianak", None, "ambiguous", {"61.02", "61.71"}),
    ("Mura", None, "ambiguous", {"16.05", "62.12"}),
    ("Banjar", "Kalimantan Tengah", "other_province", {"63.03"}),
    ("Kabupaten Bandung", None, "outside_area", None),  # Jawa Barat: outside the map
    ("Kota Surabaya", None, "outside_area", None),
    ("Surabaya", None, "outside_area", None),
    ("Kota Banjar", None, "outside_area", None),  # Jawa Barat; Kabupaten Banjar is in Kalimantan Selatan
    ("Kab. Banjar", "Jawa Barat", "outside_area", None),
    ("Banjar", None, "ambiguous", {"63.03"}),  # a national file: Kota Banjar (32.79) or Kabupaten Banjar
    ("Bogor", None, "outside_area", None),  # two districts, both outside
    ("Pasuruan", "Jatim", "outside_area", None),
    ("Jambi", None, "province_or_district", {"15.71"}),  # the province (a total row?) or Kota Jambi
    ("BENGKULU", "Bengkulu", "province_or_district", {"17.71"}),
    ("Kalimantan Tengah", None, "province_name", None),
    ("Sumsel", None, "province_name", None),
    ("Pulang Pisao", None, "unknown_name", {"62.11"}),  # a typo is only ever suggested
    ("Kotawaringin Tmur", None, "unknown_name", {"62.02"}),
]


@pytest.mark.parametrize(("name", "province", "message", "suggested"), UNMATCHED)
def test_ambiguous_typo_and_outside_names_stay_unmatched(index, name, province, message, suggested):
    match = match_district(index, name=name, province=province)
    assert match.code is None
    assert match.message == message
    if suggested is not None:
        assert suggested <= {s.code for s in match.suggestions}


@pytest.mark.parametrize(
    "name", ["Kabupaten Bandung", "Kota Banjar", "Surabaya", "Surabya", "Banjarnegra", "Kota Banjr", "Kab Bogr"]
)
def test_outside_names_and_their_typos_get_no_suggestion(index, name):
    match = match_district(index, name=name)
    assert match.code is None and match.suggestions == ()


def test_typos_of_inside_names_are_still_suggested(index):
    assert [s.code for s in match_district(index, name="Banjarmasn").suggestions][:1] == ["63.71"]


@pytest.mark.parametrize(
    ("code", "name", "expected", "message"),
    [
        ("62.11", None, "62.11", None),
        ("62.1", None, "62.10", None),  # 62.10 stored as a number
        ("1171.0", None, "11.71", None),  # a number exported as text
        ("1204", None, None, "code_system"),  # BPS: Tapanuli Tengah (12.01); Kemendagri: Nias (12.04)
        ("12-04", None, None, "code_system"),
        ("1204", "Tapanuli Tengah", "12.01", None),  # the name decides which system
        ("12-04", "Nias", "12.04", None),
        ("1204", "Kab. Pulang Pisau", None, "code_name_conflict"),
        ("1101", None, None, "code_system"),
        ("1171", None, "11.71", None),  # both systems: Kota Banda Aceh
        (" 62.11 ", "Kab. Pulang Pisau", "62.11", None),
        ("62.11", "Pulang Pisao", "62.11", None),  # a typo in the name does not overrule a valid code
        ("62.11", "Kotim", None, "code_name_conflict"),
        ("62.11", "Kota Banjar", None, "code_name_conflict"),  # the name points outside the area
        ("62.11", "Solok", None, "code_name_conflict"),
        ("32.01", None, None, "outside_area"),  # Bogor: outside Sumatera and Kalimantan
        ("3279", None, None, "outside_area"),
        ("99.01", None, None, "unknown_code"),
        ("62-11x", None, None, "bad_code"),
    ],
)
def test_codes(index, code, name, expected, message):
    match = match_district(index, name=name, code=code)
    assert (match.code, match.message) == (expected, message)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("62.11", "62.11"),
        ("6211", "62.11"),
        ("62 . 11", "62.11"),
        ("621", None),
        ("62.11.01", None),
        ("", None),
        ("ID6211", None),  # an HDX pcode is a BPS code
    ],
)
def test_normalize_code(text, expected):
    assert normalize_code(text) == expected


@pytest.mark.parametrize(
    ("code", "name", "province", "expected", "message"),
    [
        ("62.11", None, "Kalimantan Tengah", "62.11", None),
        ("62.11", None, "Kalimantan Selatan", None, "code_name_conflict"),
        ("62.11", None, "Jawa Barat", None, "outside_area"),
        ("65.01", None, "Kalimantan Timur", "65.01", None),  # Bulungan, in Kalimantan Timur before 2012
        (None, "12.04", None, "12.04", None),  # a code typed into the name column
        (None, "1204", None, None, "code_system"),
        (None, "1204 Tapanuli Tengah", None, "12.01", None),  # code and name in one cell: the name decides
        (None, "[12.04] Nias", None, "12.04", None),
        (None, "1204 Pulang Pisau", None, None, "code_name_conflict"),
    ],
)
def test_codes_with_province(index, code, name, province, expected, message):
    match = match_district(index, name=name, code=code, province=province)
    assert (match.code, match.message) == (expected, message)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KAB. PULANG PISAU", ("Kabupaten", "pulangpisau")),
        ("Kota Solok", ("Kota", "solok")),
        ("Kotabaru", (None, "kotabaru")),
        ("Kota", (None, "kota")),
        ("Kep. Meranti", (None, "kepulauanmeranti")),
        ("Kodya Medan", ("Kota", "medan")),
        ("Kotamadya Medan", ("Kota", "medan")),
        ("Kota Madya Medan", ("Kota", "medan")),
        ("Kotif. Dumai", ("Kota", "dumai")),
        ("Kotamadya Daerah Tingkat II Medan", ("Kota", "medan")),
        ("Mahakam Hulu", (None, "mahakamulu")),
        ("Indragiri Ulu", (None, "indragiriulu")),
    ],
)
def test_split_jenis(text, expected):
    assert split_jenis(text) == expected


def test_every_alias_points_at_a_prepared_district(index, districts):
    aliases = pd.read_csv(ROOT / "data" / "aliases.csv", dtype=str, keep_default_na=False)
    assert set(aliases["kode"]) <= set(districts["kode"])
    assert set(aliases["jenis"]) <= {"Kabupaten", "Kota"}


def test_every_official_name_matches_itself(index, districts):
    for row in districts.itertuples():
        assert match_district(index, name=row.nama).code == row.kode, row.nama


def test_every_district_outside_is_outside(index, indonesia, districts):
    outside = indonesia[~indonesia["kode"].isin(districts["kode"])]
    assert len(indonesia) == 514 and len(outside) == 304
    for row in outside.itertuples():
        assert match_district(index, name=row.nama, province=row.provinsi).message == "outside_area", row.nama
        assert match_district(index, code=row.kode).message == "outside_area", row.kode


def test_all_provinces_known(index):
    assert len(index.province_names) == 38
    assert resolve_province(index, "Papua Pegunungan") == "95"
    assert resolve_province(index, "Daerah Khusus Ibukota Jakarta") == "31"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sumatra Utara", "12"),
        ("D.I. Aceh", "11"),
        ("Nanggroe Aceh Darussalam (NAD)", "11"),
        ("Aceh (NAD)", "11"),
        ("Prov. Kepulauan Riau", "21"),
        ("Provinsi Kep. Bangka Belitung", "19"),
        ("Kal. Tengah", "62"),
        ("Kaltara", "65"),
        ("PROPINSI SUMATERA SELATAN", "16"),
        ("Jawa Barat", "32"),
        ("Jabar", "32"),
        ("Bangka-Belitung", "19"),  # GADM
        ("North Kalimantan", "65"),
        ("Riau Islands", "21"),
        ("Narnia", None),
    ],
)
def test_province_spellings(index, text, expected):
    assert resolve_province(index, text) == expected


@pytest.mark.parametrize(
    ("name", "province", "code", "year"),
    [
        ("Bulungan", "Kalimantan Timur", "65.01", 2012),
        ("Nunukan", "Kalimantan Timur", "65.03", 2012),
        ("Malinau", "Kaltim", "65.02", 2012),
        ("Kota Tarakan", "Kalimantan Timur", "65.71", 2012),
        ("Tana Tidung", "Kalimantan Timur", "65.04", 2012),
        ("Batam", "Riau", "21.71", 2002),
        ("Karimun", "Riau", "21.02", 2002),
        ("Natuna", "Riau", "21.03", 2002),
        ("Tanjungpinang", "Riau", "21.72", 2002),
        ("Bangka", "Sumatera Selatan", "19.01", 2000),
    ],
)
def test_former_parent_province_matches_with_a_note(index, name, province, code, year):
    match = match_district(index, name=name, province=province)
    assert match.code == code
    assert str(year) in match.note and province in match.note


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Lima Puluh Koto/Kota", "13.07"),
        ("Bulungan (Bulongan)", "65.01"),
        ("Sijunjung (Sawah Lunto Sijunjung)", "13.03"),
        ("Sawahlunto/Sijunjung", "13.03"),  # the former name as one, not Kota Sawahlunto or Sijunjung
        ("Bulongan", "65.01"),
        ("Banjar (Kalsel)", "63.03"),
        ("Solok Regency", "13.02"),
        ("Solok City", "13.72"),
        ("Banjar Regency", "63.03"),  # the parenthesis names the province
        ("Banjar (Jawa Barat)", None),
        ("Solok (Kota)", "13.72"),
        ("Solok (Kab.)", "13.02"),
        ("Kab/Kota Solok", None),  # two districts: stays unmatched
        ("Solok / Padang", None),
        ("P. Siantar", "12.72"),
        ("Kota P. Sidempuan", "12.77"),
        ("P. Pinang", "19.71"),
        ("P. Pisau", "62.11"),
        ("Mahakam Hulu", "64.11"),
        ("Indragiri Ulu", "14.02"),
        ("Kodya Medan", "12.71"),
        ("Kotif. Dumai", "14.72"),
        ("Kotamadya Pekanbaru", "14.71"),
    ],
)
def test_spelling_rules(index, name, expected):
    assert match_district(index, name=name).code == expected


def test_letter_abbreviation_only_when_unambiguous(index):
    match = match_district(index, name="Kota P.")  # P... fits many districts
    assert match.code is None


def test_spelling_rules_merge_no_two_official_names(indonesia):
    keys = {split_jenis(name) for name in indonesia["nama"]}
    plain = {(jenis, key) for jenis, key in keys}
    assert len(keys) == len(set(zip(indonesia["jenis"], indonesia["nama"], strict=True))) == len(plain)


def test_suggestions_are_marked_when_they_contradict_the_row(index):
    match = match_district(index, name="Kota Banjarr", province="Kalimantan Selatan")
    kabupaten = [s for s in match.suggestions if s.code == "63.03"]
    assert kabupaten and kabupaten[0].jenis_differs
    match = match_district(index, name="Banjar", province="Kalimantan Tengah")
    assert match.suggestions[0].province_differs


@pytest.mark.parametrize(
    ("alias", "suggestion", "refused"),
    [
        ("Kota Banjar", {"code": "63.03", "jenis_differs": True}, True),
        ("Surabaya", {"code": "63.08"}, True),  # the official name of a district outside the area
        ("Banjar Kalsel", {"code": "63.03"}, False),
        ("1204", {"code": "12.01", "system": "bps"}, True),
        ("Banjar", {"code": "63.03", "province_differs": True}, True),
    ],
)
def test_alias_refusal(index, alias, suggestion, refused):
    assert (alias_refusal(index, alias, suggestion) is not None) == refused


def test_saved_alias_naming_another_district_is_ignored(districts, indonesia):
    aliases = pd.DataFrame([{"alias": "Kota Banjar", "jenis": "Kabupaten", "kode": "63.03", "catatan": ""}])
    index = build_index(districts, aliases, pd.DataFrame(columns=["alias", "kode_prov"]), indonesia=indonesia)
    assert index.ignored_aliases == ["Kota Banjar"]
    assert match_district(index, name="Kota Banjar").message == "outside_area"


def test_no_alias_repeats_an_official_name(districts):
    official = {
        (jenis, split_jenis(name)[1]) for name, jenis in zip(districts["nama"], districts["jenis"], strict=True)
    }
    aliases = pd.read_csv(ROOT / "data" / "aliases.csv", dtype=str, keep_default_na=False)
    repeated = [a.alias for a in aliases.itertuples() if (a.jenis, split_jenis(a.alias)[1]) in official]
    assert not repeated


# Real-world spellings from public lists; each row names its source (tests/data/nama_wilayah_publik.csv).
with open(ROOT / "tests" / "data" / "nama_wilayah_publik.csv", encoding="utf-8") as handle:
    PUBLIC = list(csv.DictReader(handle))


def outcome(match) -> str:
    if match.code:
        return match.code
    return {"outside_area": "outside", "ambiguous": "ambiguous"}.get(match.message, "unmatched")


@pytest.mark.parametrize("row", PUBLIC, ids=[f"{n}-{r['input']}" for n, r in enumerate(PUBLIC)])
def test_public_spellings(index, row):
    match = match_district(index, name=row["input"], province=row["provinsi"] or None)
    assert outcome(match) == row["expected"], row["source"]


def test_public_spellings_table_is_large_and_sourced(index):
    assert len(PUBLIC) >= 150 and all(row["source"].strip() for row in PUBLIC)
    assert {"outside", "ambiguous", "unmatched"} <= {row["expected"] for row in PUBLIC}
    wrong = matched = 0
    expect_code = [row for row in PUBLIC if "." in row["expected"]]
    for row in PUBLIC:
        code = match_district(index, name=row["input"], province=row["provinsi"] or None).code
        wrong += code is not None and code != row["expected"]
        matched += code is not None and code == row["expected"]
    assert wrong == 0
    assert matched / len(expect_code) >= 0.98


CROSSWALK = pd.read_csv(ROOT / "data" / "kode_bps_kemendagri.csv", dtype=str)


def coded_file(header: str, codes: list[str], names: list[str] | None = None) -> bytes:
    lines = [f"{header},wilayah,cakupan" if names else f"{header},cakupan"]
    for number, code in enumerate(codes):
        lines.append(f"{code},{names[number]},{40 + number % 50}" if names else f"{code},{40 + number % 50}")
    return ("\n".join(lines) + "\n").encode()


def dashed(code: str) -> str:
    digits = code.replace(".", "")
    return f"{digits[:2]}-{digits[2:]}"


BPS_CODES = CROSSWALK["kode_bps"].tolist()
KEMENDAGRI_CODES = CROSSWALK["kode_kemendagri"].tolist()


@pytest.mark.parametrize(
    ("header", "codes", "names", "system", "note"),
    [
        ("kode_bps", BPS_CODES, None, None, False),
        ("kode", BPS_CODES, None, None, True),  # only the BPS reading fits every code of the file
        ("kode", BPS_CODES, CROSSWALK["nama_bps"].tolist(), None, False),  # names decide
        ("BPS", [dashed(c) for c in BPS_CODES], None, None, False),
        ("kode", [dashed(c) for c in BPS_CODES], None, None, True),
        ("kode", BPS_CODES, None, "bps", False),
        ("kode_kemendagri", KEMENDAGRI_CODES, None, None, False),
        ("kode", KEMENDAGRI_CODES, None, None, False),  # dotted: Kemendagri
        ("kode", [c.replace(".", "") for c in KEMENDAGRI_CODES], None, None, True),
        ("kode", [dashed(c) for c in KEMENDAGRI_CODES], None, None, True),
        ("kode", [dashed(c) for c in KEMENDAGRI_CODES], CROSSWALK["nama_kemendagri"].tolist(), None, False),
        ("kode_wilayah", [c.replace(".", "") for c in KEMENDAGRI_CODES], None, "kemendagri", False),
    ],
)
def test_coded_files_of_all_210_districts_import_without_a_wrong_row(index, header, codes, names, system, note):
    report = analyse_file(
        coded_file(header, codes, names), "kode.csv", index, "2025-10", source="uji", code_system=system
    )
    assert [row.code for row in report.rows] == KEMENDAGRI_CODES
    assert not report.errors
    assert any("dibaca sebagai kode" in w.message for w in report.warnings) == note


def test_a_few_bare_codes_without_names_stay_unmatched_until_the_user_says(index):
    data = coded_file("kode", BPS_CODES[:23])  # Aceh only: both readings fit
    report = analyse_file(data, "kode.csv", index, "2025-10")
    expected = KEMENDAGRI_CODES[:23]
    assert all(row.code in (None, code) for row, code in zip(report.rows, expected, strict=True))
    unmatched = [row for row in report.rows if row.code is None]
    assert unmatched and {row.reason for row in unmatched} == {"code_system"}
    assert all({s["system"] for s in row.suggestions} == {"bps", "kemendagri"} for row in unmatched)
    chosen = analyse_file(data, "kode.csv", index, "2025-10", code_system="bps")
    assert [row.code for row in chosen.rows] == expected


def test_report_gives_reasons(index):
    data = b"wilayah,provinsi,cakupan\nKota Banjar,,40\nSolok,,40\nPulang Pisao,,40\nKab. Pulang Pisau,Kalteng,40\n"
    report = analyse_file(data, "x.csv", index, "2025-10").to_dict()
    assert [row["reason"] for row in report["rows"]] == ["outside_area", "ambiguous", "unknown", None]
    assert [set(row) >= {"code", "method", "suggestions"} for row in report["rows"]] == [True] * 4
