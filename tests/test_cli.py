"""The command line: import with a JSON report, dry runs, refusals that change nothing."""

import json

import pytest

from app import create_app
from geo.schema import head_revision
from geo.store import live_datasets, read_records
from web.resources import get_resources

MESSY = """Kode,Kabupaten/Kota,Provinsi,Peserta,Penduduk Bekerja,Target
,KAB. PULANG PISAU,Kalteng,41.300,100.000,61
6202,Kotim,,20.000,80.000,
,Solok,Sumatera Barat,1.000,2.000,
"""


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["coverage", "import", *args])


def test_json_report_lists_every_row_in_file_order(app, tmp_path):
    path = tmp_path / "cakupan.csv"
    path.write_text(MESSY, encoding="utf-8")
    result = invoke(app, str(path), "--period", "2025-11", "--source", "BPJS", "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [(r["row"], r["input"], r["code"], r["method"]) for r in report["rows"]] == [
        (2, "KAB. PULANG PISAU", "62.11", "name"),
        (3, "Kotim", "62.02", "code"),
        (4, "Solok", None, None),
    ]
    assert {s["code"] for s in report["rows"][2]["suggestions"]} == {"13.02", "13.72"}
    assert report["errors"][0]["row"] == 4 and report["errors"][0]["column"] == "wilayah"
    with app.app_context():
        assert "2025-11" not in [d.period for d in live_datasets(get_resources().engine)]


def test_import_publishes_and_dry_run_does_not(app, tmp_path):
    path = tmp_path / "cakupan.csv"
    path.write_text(MESSY.rsplit("\n", 2)[0] + "\n", encoding="utf-8")
    assert invoke(app, str(path), "--period", "2025-11", "--source", "BPJS", "--dry-run").exit_code == 0
    with app.app_context():
        assert "2025-11" not in [d.period for d in live_datasets(get_resources().engine)]
    unsourced = invoke(app, str(path), "--period", "2025-11")
    assert unsourced.exit_code == 1 and "Sumber data belum diisi" in unsourced.output
    result = invoke(
        app, str(path), "--period", "2025-11", "--source", "BPJS Kanwil Kalimantan", "--as-of", "30/11/2025"
    )
    assert result.exit_code == 0, result.output
    data = app.test_client().get("/api/coverage.geojson?scope=62&period=2025-11").get_json()
    props = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert props["62.11"]["coverage_pct"] == 41.3 and props["62.11"]["target_pct"] == 61.0
    assert props["62.11"]["source"] == "BPJS Kanwil Kalimantan"
    with app.app_context():
        engine = get_resources().engine
        [live] = [d for d in live_datasets(engine) if d.period == "2025-11"]
        assert set(read_records(engine, live.id)["as_of"]) == {"2025-11-30"}
        assert live.title == "BPJS Kanwil Kalimantan"  # credited to the source, not to cakupan.csv


@pytest.mark.parametrize(("period", "message"), [("2099-01", "belum tiba"), ("2025-1", "TTTT-BB")])
def test_import_refuses_a_period_the_form_refuses(app, tmp_path, period, message):
    path = tmp_path / "cakupan.csv"
    path.write_text(MESSY, encoding="utf-8")
    result = invoke(app, str(path), "--period", period, "--source", "BPJS", "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["period"] is None
    assert [e["message"] for e in report["errors"] if e["kind"] == "input" and message in e["message"]]


def test_unreadable_file_exits_non_zero_with_a_message(app, tmp_path):
    path = tmp_path / "kosong.csv"
    path.write_bytes(b"")
    result = invoke(app, str(path), "--json")
    assert result.exit_code == 2
    assert "kosong" in json.loads(result.output)["errors"][0]["message"]


def test_load_samples_is_idempotent(app):
    result = app.test_cli_runner().invoke(args=["coverage", "load-samples"])
    assert "already loaded" in result.output
    with app.app_context():
        assert len(live_datasets(get_resources().engine)) == 3


def test_db_commands_report_the_schema_revision(app, tmp_path, boundaries_dir):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "current"])
    assert result.exit_code == 0 and f"revisi {head_revision()}" in result.output
    fresh = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'baru.sqlite'}", "BOUNDARIES_DIR": boundaries_dir}
    )
    assert "revisi kosong" in fresh.test_cli_runner().invoke(args=["db", "current"]).output
    result = fresh.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and f"revisi {head_revision()}" in result.output


def test_account_names_are_checked(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "<b>budi</b>", "--role", "editor"], input="kata-sandi-panjang\n" * 2
    )
    assert result.exit_code != 0 and "Nama akun" in result.output


def test_kode_option_reads_bare_codes_as_the_chosen_system(app, tmp_path):
    path = tmp_path / "bps.csv"
    path.write_text("kode,cakupan\n1204,40\n1101,30\n", encoding="utf-8")
    result = invoke(app, str(path), "--period", "2025-11", "--json", "--dry-run")
    assert [r["reason"] for r in json.loads(result.output)["rows"]] == ["code_system", "code_system"]
    for system, codes in (("bps", ["12.01", "11.09"]), ("kemendagri", ["12.04", "11.01"])):
        result = invoke(app, str(path), "--period", "2025-11", "--json", "--dry-run", "--kode", system)
        assert [r["code"] for r in json.loads(result.output)["rows"]] == codes


def test_aliases_list_and_remove(app):
    from geo.saved_aliases import save_alias

    with app.app_context():
        save_alias(get_resources().engine, "Pulpis Raya", "Kabupaten", "62.11", "uji")
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["aliases", "list"])
    assert "Pulpis Raya" in listed.output and "Kabupaten Pulang Pisau" in listed.output
    alias_id = listed.output.split("\t", 1)[0]
    assert runner.invoke(args=["aliases", "remove", alias_id]).exit_code == 0
    assert "Pulpis Raya" not in runner.invoke(args=["aliases", "list"]).output
    assert runner.invoke(args=["aliases", "remove", alias_id]).exit_code != 0


def test_db_revision_writes_the_next_numbered_migration(app, tmp_path, monkeypatch):
    import shutil

    from alembic.script import ScriptDirectory

    from geo import schema

    shutil.copytree(schema.MIGRATIONS, tmp_path / "migrations", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(schema, "MIGRATIONS", tmp_path / "migrations")
    before = head_revision()
    number = int(before.split("_")[0])
    result = app.test_cli_runner().invoke(args=["db", "revision", "-m", "Segmen peserta (BPU/PU)"])
    assert result.exit_code == 0, result.output
    expected = f"{number + 1:04d}_segmen_peserta_bpu_pu"
    path = tmp_path / "migrations" / "versions" / f"{expected}.py"
    assert str(path) in result.output and path.is_file()
    script = ScriptDirectory(str(tmp_path / "migrations"))
    assert script.get_current_head() == expected and script.get_revision(expected).down_revision == before
    empty = app.test_cli_runner().invoke(args=["db", "revision", "-m", "!!!"])
    assert empty.exit_code == 1 and "Pesan migrasi kosong" in empty.output


def test_commands_are_module_level_groups_added_to_the_app(app):
    from web import cli

    assert {g.name for g in cli.GROUPS} == {"boundaries", "db", "users", "tokens", "coverage", "aliases"}
    assert all(app.cli.get_command(None, g.name) is g for g in cli.GROUPS)


def test_the_installed_command_runs_the_app_commands(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from app import command_line

    monkeypatch.setenv("PETA_DATABASE_URL", f"sqlite:///{tmp_path / 'kosong.sqlite'}")
    runner = CliRunner()
    listed = runner.invoke(command_line(), ["--help"])
    assert all(name in listed.output for name in ("run", "boundaries", "coverage", "db", "users", "tokens"))
    current = runner.invoke(command_line(), ["db", "current"])
    assert current.exit_code == 1 and "revisi kosong" in current.output  # a new database is behind


def test_package_ranges_admit_the_pinned_versions():
    import tomllib

    from packaging.requirements import Requirement

    from app import ROOT

    ranges = {
        Requirement(r).name.lower(): Requirement(r)
        for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    pins = [
        Requirement(line)
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert {p.name.lower() for p in pins} == set(ranges)
    for pin in pins:
        version = next(iter(pin.specifier)).version
        assert ranges[pin.name.lower()].specifier.contains(version), pin


def test_users_create_reads_the_password_once_from_stdin(app):
    from geo.accounts import check_password
    from web.resources import get_resources

    runner = app.test_cli_runner()
    assert "--password-stdin" in runner.invoke(args=["users", "create", "--help"]).output
    result = runner.invoke(args=["users", "create", "budi", "--password-stdin"], input="kata-sandi-panjang\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert check_password(get_resources().engine, "budi", "kata-sandi-panjang") is not None
    empty = runner.invoke(args=["users", "create", "ani", "--password-stdin"], input="")
    assert empty.exit_code != 0 and "stdin" in empty.output
    asked = runner.invoke(args=["users", "create", "citra"], input="kata-sandi-panjang\nkata-sandi-panjang\n")
    assert asked.exit_code == 0  # without the option the password is asked for twice, as before
