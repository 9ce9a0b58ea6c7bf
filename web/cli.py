"""Command-line tasks: prepare boundaries, import coverage files, load the bundled sample data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import create_engine

from geo.accounts import (
    ROLES,
    AccountError,
    create_token,
    create_user,
    list_tokens,
    list_users,
    revoke_token,
    set_disabled,
    set_password,
)
from geo.boundaries import (
    DEFAULT_PROVINCES,
    BoundaryError,
    PrepareSettings,
    district_table,
    prepare_boundaries,
    read_report,
    source_fingerprint,
)
from geo.coverage import CoverageFileError, ImportReport, analyse_file
from geo.samples import PUBLISHED_PERIOD, PUBLISHED_TITLE, SAMPLE_PERIODS, SAMPLE_TITLE, synthetic_records
from geo.schema import current_revision, head_revision
from geo.store import MAIN_SERIES, SAMPLE_SERIES, checksum_records, database_url, live_datasets, publish
from web.resources import current_index, get_resources


def prepare_settings() -> PrepareSettings:
    provinces = current_app.config["PROVINCES"]
    codes = None if provinces == "all" else tuple(str(provinces).split(",")) or DEFAULT_PROVINCES
    return PrepareSettings(provinces=codes)


def _print_report(report: ImportReport, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    data = report.to_dict()
    click.echo(
        f"Periode: {report.period or '-'}; baris: {data['summary']['rows']}, cocok: "
        f"{data['summary']['matched']}, tidak cocok: {data['summary']['unmatched']}"
    )
    for kind, problems in (("GALAT", report.errors), ("PERINGATAN", report.warnings)):
        for problem in problems:
            where = f"baris {problem.row}" if problem.row else "berkas"
            column = f", kolom {problem.column}" if problem.column else ""
            click.echo(f"{kind} ({where}{column}): {problem.message}")
    for row in report.rows:
        if row.code is None and row.suggestions:
            options = "; ".join(f"{s['name']} ({s['code']})" for s in row.suggestions)
            click.echo(f"  baris {row.row} '{row.input}': mungkin {options}")


def _publish_if_changed(series: str, period: str, records, title: str, is_sample: bool, file_name: str) -> bool:
    engine = get_resources().engine
    current = [d for d in live_datasets(engine, series) if d.period == period]
    if current and _live_checksum(current[0].id) == checksum_records(records):
        return False
    publish(engine, series, period, records, title=title, is_sample=is_sample, file_name=file_name, created_by="cli")
    return True


def _live_checksum(dataset_id: int) -> str:
    from geo.store import read_records

    return checksum_records(read_records(get_resources().engine, dataset_id))


def register(app: Flask) -> None:
    """Add the `boundaries`, `coverage`, `db`, `users` and `tokens` command groups."""

    @app.cli.group()
    def boundaries() -> None:
        """Prepare the boundary files."""

    @boundaries.command("prepare")
    @click.option("--force", is_flag=True, help="Prepare again even when nothing changed.")
    def boundaries_prepare(force: bool) -> None:
        """Clean, simplify and check the boundaries from PETA_BOUNDARIES_SOURCE."""
        source, out = Path(current_app.config["BOUNDARIES_SOURCE"]), Path(current_app.config["BOUNDARIES_DIR"])
        settings = prepare_settings()
        try:
            previous = read_report(out)
            if not force and previous and previous["fingerprint"] == source_fingerprint(source, settings):
                click.echo(f"Boundaries up to date in {out} ({previous['districts']} districts).")
                return
            report = prepare_boundaries(source, out, settings)
        except (BoundaryError, OSError) as error:
            raise click.ClickException(str(error)) from error
        click.echo(
            f"Prepared {report.districts} districts, {report.provinces} provinces into {out}: "
            f"largest displacement {report.max_displacement_m:.0f} m ({report.max_displacement_district}); "
            f"largest overlap/gap repair {report.max_repair_shift_m:.0f} m "
            f"({report.max_repair_shift_district}); {report.districts_bytes / 1e6:.2f} MB GeoJSON."
        )

    @app.cli.group()
    def db() -> None:
        """The database schema (Alembic migrations in migrations/)."""

    @db.command("upgrade")
    def db_upgrade() -> None:
        """Migrate the database to the newest schema (the app also does this when it starts)."""
        engine = get_resources().engine  # opening the store migrates it
        click.echo(f"Skema basis data: revisi {current_revision(engine)} (terbaru {head_revision()}).")

    @db.command("current")
    def db_current() -> None:
        """Print the database's schema revision without changing anything."""
        engine = create_engine(database_url(current_app.config["DATABASE_URL"]))
        current = current_revision(engine)
        engine.dispose()
        click.echo(f"Skema basis data: revisi {current or 'kosong'} (terbaru {head_revision()}).")
        if current != head_revision():
            sys.exit(1)

    @app.cli.group()
    def users() -> None:
        """Manage accounts."""

    @users.command("create")
    @click.argument("name")
    @click.option("--role", type=click.Choice(ROLES), default="editor", show_default=True)
    @click.password_option(prompt="Kata sandi", confirmation_prompt=True)
    def users_create(name: str, role: str, password: str) -> None:
        """Create an account (password from the prompt, or stdin when piped)."""
        try:
            create_user(get_resources().engine, name, role, password)
        except AccountError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Akun '{name}' ({role}) dibuat.")

    @users.command("list")
    def users_list() -> None:
        """List the accounts with their role and whether they are disabled."""
        for account, disabled in list_users(get_resources().engine):
            click.echo(f"{account.name}\t{account.role}\t{'nonaktif' if disabled else 'aktif'}")

    def _change(action, name: str, done: str) -> None:
        try:
            action(get_resources().engine, name)
        except AccountError as error:
            raise click.ClickException(str(error)) from error
        click.echo(done)

    @users.command("disable")
    @click.argument("name")
    def users_disable(name: str) -> None:
        """Disable an account: its sessions end at once and its API tokens stop working."""
        _change(lambda engine, n: set_disabled(engine, n, True), name, f"Akun '{name}' dinonaktifkan.")

    @users.command("enable")
    @click.argument("name")
    def users_enable(name: str) -> None:
        """Enable a disabled account again."""
        _change(lambda engine, n: set_disabled(engine, n, False), name, f"Akun '{name}' diaktifkan lagi.")

    @users.command("reset-password")
    @click.argument("name")
    @click.password_option(prompt="Kata sandi baru", confirmation_prompt=True)
    def users_reset_password(name: str, password: str) -> None:
        """Give an account a new password (prompt, or stdin when piped); its open sessions end."""
        _change(lambda engine, n: set_password(engine, n, password), name, f"Kata sandi akun '{name}' diganti.")

    @app.cli.group()
    def tokens() -> None:
        """Manage API tokens."""

    @tokens.command("list")
    @click.argument("name", required=False)
    def tokens_list(name: str | None) -> None:
        """List API tokens (of one account when named): id, account, created; never the token itself."""
        for token in list_tokens(get_resources().engine, name):
            click.echo(f"{token.id}\t{token.account}\t{token.created_at:%Y-%m-%d %H:%M}")

    @tokens.command("revoke")
    @click.argument("token_id", type=int)
    def tokens_revoke(token_id: int) -> None:
        """Revoke an API token by its id (from `tokens list`)."""
        try:
            revoke_token(get_resources().engine, token_id)
        except AccountError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Token {token_id} dicabut.")

    @tokens.command("create")
    @click.argument("name")
    def tokens_create(name: str) -> None:
        """Create an API token for an account and print it (it is shown only this once)."""
        try:
            click.echo(create_token(get_resources().engine, name))
        except AccountError as error:
            raise click.ClickException(str(error)) from error

    @app.cli.group()
    def coverage() -> None:
        """Import coverage figures."""

    @coverage.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--period", help="Periode TTTT-BB, bila berkas tidak punya kolom periode.")
    @click.option("--sheet", help="Lembar XLSX (nama atau nomor); bawaan: lembar pertama yang berisi tabel.")
    @click.option("--series", default=MAIN_SERIES, type=click.Choice([MAIN_SERIES, SAMPLE_SERIES]))
    @click.option("--dry-run", is_flag=True, help="Periksa saja; jangan simpan.")
    @click.option("--json", "as_json", is_flag=True, help="Cetak laporan sebagai JSON.")
    def coverage_import(
        file: Path, period: str | None, sheet: str | None, series: str, dry_run: bool, as_json: bool
    ) -> None:
        """Import one CSV/XLSX file as the new version of its period."""
        try:
            report = analyse_file(file.read_bytes(), file.name, current_index(), period, sheet)
        except CoverageFileError as error:
            if as_json:
                click.echo(
                    json.dumps(
                        {"ok": False, "rows": [], "errors": [{"row": None, "column": None, "message": str(error)}]},
                        ensure_ascii=False,
                    )
                )
            else:
                click.echo(f"GALAT: {error}", err=True)
            sys.exit(2)
        _print_report(report, as_json)
        if not report.ok:
            sys.exit(1)
        if not dry_run:
            publish(
                get_resources().engine,
                series,
                report.period,
                report.records(),
                title=file.name,
                file_name=file.name,
                created_by="cli",
            )
            if not as_json:
                click.echo(f"Diterbitkan: {series} {report.period}, {len(report.records())} wilayah.")

    @coverage.command("load-samples")
    def coverage_load_samples() -> None:
        """Load the curated published figures and the synthetic sample (idempotent)."""
        resources = get_resources()
        path = Path(current_app.config["PUBLISHED_FILE"])
        report = analyse_file(path.read_bytes(), path.name, resources.index, PUBLISHED_PERIOD)
        if not report.ok:
            _print_report(report, False)
            raise click.ClickException(f"{path} did not import cleanly.")
        changed = _publish_if_changed(
            MAIN_SERIES, PUBLISHED_PERIOD, report.records(), PUBLISHED_TITLE, False, path.name
        )
        districts = district_table(resources.boundaries)
        for number, period in enumerate(SAMPLE_PERIODS):
            changed |= _publish_if_changed(
                SAMPLE_SERIES, period, synthetic_records(districts, number), SAMPLE_TITLE, True, "geo/samples.py"
            )
        click.echo("Sample data loaded." if changed else "Sample data already loaded.")
