"""The values the browser reads (docs/schema/values.schema.json) as every view sends them: the map page's JSON
block, values.json (with and without the page's parts) and the offline file, on both layers, with and without a
comparison."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from geo.query import CHANGE_VIEW, LAYERS
from layers.navigation import TableRow
from tests.pages import page_values, table_rows

SCHEMA = json.loads((Path(__file__).parent.parent / "docs" / "schema" / "values.schema.json").read_text("utf-8"))
VIEWS = ("cakupan", "target", "jalur", "belum_terlindungi", "perubahan", "pu", "bpu", "jakon", "pmi", "pembiayaan")
BASE = "series=contoh&period=2025-12"


def test_the_schema_is_valid_and_names_every_table_field():
    Draft202012Validator.check_schema(SCHEMA)
    columns = SCHEMA["$defs"]["table"]["properties"]["columns"]["properties"]
    assert list(columns) == [f.name for f in fields(TableRow)]  # one name for each field, in its order


def test_the_list_of_views_is_the_registry(client):
    assert set(VIEWS) == set(client.application.extensions["peta"].schemes)


def check_values(values: dict) -> None:
    """Valid against the schema, and what a schema cannot say: the columns are as long as each other, the
    measure's column and every column read from the tooltip are sent, and a 0 only where the tooltip holds it."""
    errors = sorted(Draft202012Validator(SCHEMA).iter_errors(values), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    table = values.get("table")
    if table is None:
        return
    columns = table["columns"]
    assert {len(cells) for cells in columns.values()} == {len(columns["code"])}
    assert table["measure_column"] in columns and set(table["from_tooltip"]) <= set(columns)
    for name, cells in columns.items():
        for code, cell in zip(columns["code"], cells, strict=True):
            if cell == 0 and name != "rank":
                assert code in values["features"], (name, code)
                assert name == "name" or name in table["from_tooltip"], (name, code)


def queries() -> list:
    made = ["", "layer=provinsi"]  # the terbaru view of the published figures
    for view in VIEWS:
        for layer in LAYERS:
            for compare in ("", "&compare=2025-06"):
                if view == CHANGE_VIEW and not compare:
                    continue
                query = f"{BASE}&view={view}&layer={layer}{compare}"
                made.append(query)
    return made


@pytest.mark.parametrize("query", queries())
def test_every_view_sends_values_the_schema_describes(client, query):
    page = client.get(f"/map/kalimantan?{query}")
    assert page.status_code == 200, query
    text = page.get_data(as_text=True)
    check_values(page_values(text))
    assert table_rows(text)  # the rows the browser builds read by name
    for parts in ("", "&parts=page&table=1", "&parts=page&table=1&names=0"):
        values = client.get(f"/map/kalimantan/values.json?{query}{parts}")
        assert values.status_code == 200, (query, parts)
        check_values(values.get_json())
        assert values.get_json()["table"] == page_values(text)["table"]


@pytest.mark.parametrize("scope", ["kalimantan", "kalimantan-tengah"])
def test_values_without_names_are_the_values_less_what_the_map_has(client, scope):
    """names=0 (an in-place switch on the same units) leaves out each unit's name and province, and an island
    map's province labels, and nothing else: a province map's labels carry their values and are always sent."""
    query = f"/map/{scope}/values.json?{BASE}&parts=page&table=1"
    whole, unnamed = client.get(query).get_json(), client.get(query + "&names=0").get_json()
    for code, unit in whole["features"].items():
        tip = dict(unit["tip"])
        assert tip.pop("title") and tip.pop("sub") is not None
        assert unnamed["features"][code] == {**unit, "tip": tip}
    rest = {key: value for key, value in whole.items() if key != "features"}
    if scope == "kalimantan":
        assert not any(label["value"] for label in rest.pop("labels"))  # province names alone
    else:
        assert any(label["value"] for label in rest["labels"])
    assert {key: value for key, value in unnamed.items() if key != "features"} == rest


@pytest.mark.parametrize("query", ["", f"{BASE}&layer=provinsi&compare=2025-06", f"{BASE}&view=jalur"])
def test_the_offline_file_sends_values_the_schema_describes(client, query):
    offline = client.get(f"/export/kalimantan.html?{query}")
    assert offline.status_code == 200, query
    check_values(page_values(offline.get_data(as_text=True)))


PERIODS_SCHEMA = json.loads(
    (Path(__file__).parent.parent / "docs" / "schema" / "periods.schema.json").read_text("utf-8")
)


@pytest.mark.parametrize("view", [v for v in VIEWS if v != CHANGE_VIEW])
@pytest.mark.parametrize("layer", LAYERS)
def test_every_views_frames_follow_their_schema(client, view, layer):
    """periods.json of every view the time slider plays, on both layers: valid, each frame as long as its units,
    every style index in `styles`, circles only on a view drawn with them."""
    from referencing import Registry, Resource

    registry = Registry().with_resource(SCHEMA["$id"], Resource.from_contents(SCHEMA))  # its legend entries
    body = client.get(f"/map/kalimantan-tengah/periods.json?series=contoh&view={view}&layer={layer}&labels=1")
    assert body.status_code == 200
    data = body.get_json()
    validator = Draft202012Validator(PERIODS_SCHEMA, registry=registry)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert data["periods"] == [frame["period"] for frame in data["frames"]] == ["2025-06", "2025-12"]
    for frame in data["frames"]:
        units = frame.get("codes", data["codes"])
        assert len(frame["style"]) == len(frame["values"]) == len(units)
        assert max(frame["style"]) < len(data["styles"])
        assert bool(frame["circles"]) == (view == "belum_terlindungi")
