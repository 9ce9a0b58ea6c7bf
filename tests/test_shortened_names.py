"""Truncated and shortened names are offered as a suggestion when exactly one district fits; never applied."""

import pytest

from geo.matching import match_district
from geo.uploads import analyse_file


@pytest.mark.parametrize(
    ("name", "province", "suggested"),
    [
        ("Tanjung Jabung B", None, "15.06"),  # a column cut short: Tanjung Jabung Barat
        ("Tanjung Jabung T", None, "15.07"),
        ("Tanjung Jab. Barat", None, "15.06"),
        ("Kab. Tanah Bambu", None, "63.10"),  # one letter off: Tanah Bumbu
        ("Ogan Komering U", None, "16.01"),  # Ulu, not Ulu Timur or Ulu Selatan (more words)
        ("Kotawaringin B", "Kalimantan Tengah", "62.01"),
        ("Hulu Sungai S", None, "63.06"),
    ],
)
def test_a_shortened_name_suggests_the_one_district_it_fits(index, name, province, suggested):
    match = match_district(index, name=name, province=province)
    assert match.code is None and match.reason == "unknown"
    assert [s.code for s in match.suggestions] == [suggested]


@pytest.mark.parametrize("name", ["Kab. Tanjung Jabung", "Tanjung Jabung", "Kotawaringin"])
def test_a_shortened_name_that_fits_several_districts_offers_them_all(index, name):
    match = match_district(index, name=name)
    assert match.code is None
    assert len(match.suggestions) >= 2


def test_a_shortened_name_is_never_applied_on_its_own(index):
    data = b'wilayah,cakupan\nTanjung Jabung B,"30,5"\nTanjung Jabung T,"31,5"\nKab. Tanah Bambu,"32,5"\n'
    report = analyse_file(data, "x.csv", index, "2025-10", source="uji")
    assert [row.code for row in report.rows] == [None, None, None]
    assert [[s["code"] for s in row.suggestions] for row in report.rows] == [["15.06"], ["15.07"], ["63.10"]]
    assert not report.ok
