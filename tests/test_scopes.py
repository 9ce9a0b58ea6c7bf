"""Scopes are built from the prepared districts; unknown keys list the valid ones."""

import pandas as pd
import pytest

from geo.scopes import UnknownScope, build_scopes, default_scope, get_scope


def table(*rows):
    return pd.DataFrame(rows, columns=["kode_prov", "provinsi", "pulau"])


def test_product_area_scopes(districts):
    scopes = build_scopes(districts)
    assert default_scope(scopes) == "kalimantan-sumatera"
    assert len(scopes["kalimantan-sumatera"].province_codes) == 15
    assert get_scope(scopes, "62").slug == "kalimantan-tengah"
    assert get_scope(scopes, "kepulauan-bangka-belitung").province_codes == ("19",)
    assert "indonesia" not in scopes


def test_all_indonesia_adds_a_national_scope_and_keeps_the_product_area():
    scopes = build_scopes(
        table(("11", "Aceh", "Sumatera"), ("31", "DKI Jakarta", "Jawa"), ("62", "Kalteng", "Kalimantan"))
    )
    assert scopes["indonesia"].province_codes == ("11", "31", "62")
    assert scopes["kalimantan-sumatera"].province_codes == ("11", "62")


def test_unknown_scope_lists_valid_ones(districts):
    with pytest.raises(UnknownScope, match="kalimantan-sumatera"):
        get_scope(build_scopes(districts), "jawa")
