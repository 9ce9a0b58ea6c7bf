"""The shape the code keeps (issue 21): short views, modules of one capability, each rule and constant once."""

import ast
import re
from pathlib import Path

from app import ROOT

SOURCES = [p for folder in ("geo", "layers", "web", "scripts") for p in sorted((ROOT / folder).rglob("*.py"))] + [
    ROOT / "app.py"
]
MAX_VIEW_LINES = 25
MAX_MODULE_LINES = 520  # "about 500": a module over it holds more than one capability


def view_functions(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef):
            routes = [
                d
                for d in node.decorator_list
                if isinstance(d, ast.Call) and getattr(d.func, "attr", "") in ("get", "post", "put", "delete", "route")
            ]
            if routes:
                yield node


def test_no_view_function_is_longer_than_25_lines():
    long = {
        f"{p.relative_to(ROOT)}:{node.name}"
        for p in SOURCES
        if p.parent.name == "web"
        for node in view_functions(p)
        if node.end_lineno - node.lineno + 1 > MAX_VIEW_LINES
    }
    assert long == set()
    assert sum(1 for p in SOURCES if p.parent.name == "web" for _ in view_functions(p)) > 40  # the walk finds views


def test_no_module_outside_the_tests_is_much_over_500_lines():
    lines = {p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in SOURCES}
    assert {name for name, n in lines.items() if n > MAX_MODULE_LINES} == set()
    assert {"geo/matching.py", "geo/uploads/rows.py", "web/uploads.py", "app.py"} <= set(lines)  # the walk reaches them


def definitions(pattern: str) -> list[str]:
    found = []
    for p in SOURCES:
        for number, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(pattern, line):
                found.append(f"{p.relative_to(ROOT)}:{number}")
    return found


def test_each_rule_and_constant_is_defined_once():
    """Each of these was once written in two or more places that could drift apart."""
    assert definitions(r"^COMPLETE_SHARE = ") == ["geo/rules.py:9"]
    assert definitions(r"\bcoverage_pct\"\]\S* - \S*previous_coverage_pct") == []  # the change: geo.rules
    series = definitions(r"\(MAIN_SERIES, SAMPLE_SERIES\)|\[MAIN_SERIES, SAMPLE_SERIES\]")
    assert [d.split(":")[0] for d in series] == ["geo/query.py"]  # by module, not line: edits above it move it
    registries = definitions(r"^(SERIES|LAYERS|DEFAULT_VIEW) = ")
    assert len(registries) == 3 and {d.split(":")[0] for d in registries} == {"geo/query.py"}
    labels = definitions(r"^(SERIES_LABELS|LAYER_LABELS) = ")  # their labels, for the controls: the web's
    assert len(labels) == 2 and {d.split(":")[0] for d in labels} == {"web/query.py"}
    # The coverage levels are named through geo.query.DEFAULT_VIEW in the web layer, not by their key again.
    assert [d for d in definitions(r"schemes\[\"cakupan\"\]") if d.startswith("web/")] == []


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_no_module_under_geo_imports_flask_or_folium():
    """geo/ is data only, its packages (geo/uploads/) included: the web and the maps import it, never back."""
    geo = sorted((ROOT / "geo").rglob("*.py"))
    assert any(p.parent.name == "uploads" for p in geo)  # the walk reaches the packages
    offending = {
        p.relative_to(ROOT).as_posix(): sorted(imported_modules(p) & {"flask", "flask_wtf", "folium", "web", "layers"})
        for p in geo
    }
    assert {name: found for name, found in offending.items() if found} == {}
