"""Matching real-world spellings to Kemendagri codes; a wrong match is worse than none."""

import pytest

from geo.matching import match_district, normalize_code, split_jenis

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
    ("Kabupaten Bandung", None, "unknown_name", None),  # Jawa Barat: outside the map
    ("Kota Surabaya", None, "unknown_name", None),
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


def test_outside_names_get_no_confident_suggestion(index):
    match = match_district(index, name="Kabupaten Bandung")
    assert all(s.score < 90 for s in match.suggestions)


@pytest.mark.parametrize(
    ("code", "name", "expected", "message"),
    [
        ("62.11", None, "62.11", None),
        ("6211", None, "62.11", None),
        (" 62.11 ", "Kab. Pulang Pisau", "62.11", None),
        ("6211", "Pulang Pisao", "62.11", None),  # a typo in the name does not overrule a valid code
        ("62.11", "Kotim", None, "code_name_conflict"),
        ("32.01", None, None, "unknown_code"),  # Bogor: outside Sumatera and Kalimantan
        ("62-11x", None, None, "bad_code"),
    ],
)
def test_codes(index, code, name, expected, message):
    match = match_district(index, name=name, code=code)
    assert (match.code, match.message) == (expected, message)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("62.11", "62.11"), ("6211", "62.11"), ("62 . 11", "62.11"), ("621", None), ("62.11.01", None), ("", None)],
)
def test_normalize_code(text, expected):
    assert normalize_code(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KAB. PULANG PISAU", ("Kabupaten", "pulangpisau")),
        ("Kota Solok", ("Kota", "solok")),
        ("Kotabaru", (None, "kotabaru")),
        ("Kota", (None, "kota")),
        ("Kep. Meranti", (None, "kepulauanmeranti")),
    ],
)
def test_split_jenis(text, expected):
    assert split_jenis(text) == expected


def test_every_alias_points_at_a_prepared_district(index, districts):
    import pandas as pd

    from app import ROOT

    aliases = pd.read_csv(ROOT / "data" / "aliases.csv", dtype=str, keep_default_na=False)
    assert set(aliases["kode"]) <= set(districts["kode"])
    assert set(aliases["jenis"]) <= {"Kabupaten", "Kota"}


def test_every_official_name_matches_itself(index, districts):
    for row in districts.itertuples():
        assert match_district(index, name=row.nama).code == row.kode, row.nama


def test_no_alias_repeats_an_official_name(districts):
    import pandas as pd

    from app import ROOT

    official = {
        (jenis, split_jenis(name)[1]) for name, jenis in zip(districts["nama"], districts["jenis"], strict=True)
    }
    aliases = pd.read_csv(ROOT / "data" / "aliases.csv", dtype=str, keep_default_na=False)
    repeated = [a.alias for a in aliases.itertuples() if (a.jenis, split_jenis(a.alias)[1]) in official]
    assert not repeated
