"""Command-line tasks: prepare boundaries, import coverage files, load the bundled sample data."""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
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
from geo.codes import CODE_SYSTEMS
from geo.district_index import read_aliases
from geo.drafts import Upload, analyse_upload, records_from_report
from geo.flaws import FlawListError, read_accepted_flaws
from geo.history import HistoryError, publish_records, withdraw_period
from geo.query import SERIES
from geo.samples import (
    PUBLISHED_PERIOD,
    PUBLISHED_TITLE,
    SAMPLE_PERIODS,
    SAMPLE_TITLE,
    read_province_figures_file,
    synthetic_records,
)
from geo.saved_aliases import list_saved_aliases, remove_alias
from geo.schema import RevisionError, current_revision, head_revision, new_revision
from geo.store import (
    MAIN_SERIES,
    SAMPLE_SERIES,
    checksum_records,
    database_url,
    latest_version,
    publish,
    replace_province_figures,
)
from geo.uploads import ColumnChoiceError, CoverageFileError, ImportReport, analyse_file, parse_choices
from web.resources import current_index, get_resources

PROVINCE_FILE = "provinsi.csv"  # beside PETA_PUBLISHED_FILE: the published province figures

# Who ran a write on the command line, for the audit log: `--by NAME`, else the operating-system user.
by_option = click.option(
    "--by", "by", metavar="NAMA", help="Siapa yang menjalankan perintah ini (log audit); bawaan: pengguna sistem."
)


def operator(by: str | None) -> str:
    """The audit actor of a command-line write: `NAME (cli)` from --by or the OS user, never just `cli`."""
    if not (by and by.strip()):
        try:
            by = getpass.getuser()
        except (KeyError, OSError):  # no user name for this uid (some containers)
            by = f"uid {os.getuid()}"
    return f"{by.strip()[:70]} (cli)"


def prepare_settings() -> PrepareSettings:
    provinces = current_app.config["PROVINCES"]
    codes = None if provinces == "all" else tuple(str(provinces).split(",")) or DEFAULT_PROVINCES
    try:
        accepted = read_accepted_flaws(Path(current_app.config["BOUNDARY_FLAWS_FILE"]))
    except FlawListError as error:
        raise click.ClickException(str(error)) from error
    return PrepareSettings(provinces=codes, accepted=accepted)


def _print_report(report: ImportReport, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    summary = report.summary()
    click.echo(
        f"Periode: {report.period or '-'}; baris data: {summary['data_rows']}, cocok: {summary['matched']}, "
        f"tidak cocok: {summary['unmatched']}, dikecualikan: {summary['excluded']}; "
        f"sumber: {report.source or '-'}"
    )
    if report.column_map is not None:
        for column in report.column_map.columns:
            became = column.label or f"diabaikan ({column.reason})"
            click.echo(f"  kolom {column.letter} '{column.header}': {became}")
    for label, problems in (("GALAT", report.errors), ("PERINGATAN", report.warnings)):
        for problem in problems:
            where = f"baris {problem.row}" if problem.row else "berkas"
            column = f", kolom {problem.column}" if problem.column else ""
            click.echo(f"{label} ({where}{column}): {problem.message}")
    for entry in report.excluded:
        click.echo(f"  baris {entry.row} '{entry.input}' dikecualikan: {entry.message}")
    for row in report.rows:
        if row.code is None and row.suggestions:
            options = "; ".join(f"{s['name']} ({s['code']})" for s in row.suggestions)
            click.echo(f"  baris {row.row} '{row.input}': mungkin {options}")


def _publish_if_changed(series: str, period: str, records, title: str, is_sample: bool, file_name: str) -> bool:
    """Publish unless the newest version of the period already holds these records: a period an editor
    withdrew, or an older version an editor restored, stays as the editor left it."""
    engine = get_resources().engine
    newest = latest_version(engine, series, period)
    if newest is not None and _live_checksum(newest.id) == checksum_records(records):
        return False
    publish(engine, series, period, records, title=title, is_sample=is_sample, file_name=file_name, created_by="cli")
    return True


def _live_checksum(dataset_id: int) -> str:
    from geo.store import read_records

    return checksum_records(read_records(get_resources().engine, dataset_id))


@click.group(cls=AppGroup)
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
    for flaw in report.accepted_flaws:  # the source's own flaws, reviewed in data/boundary_flaws.csv
        click.echo(f"Accepted source flaw {flaw['kode']} {flaw['flaw']} {flaw['amount']:g}: {flaw['reason']}")


@click.group(cls=AppGroup)
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


@db.command("revision")
@click.option("-m", "--message", required=True, help="Apa yang diubah, mis. 'segmen peserta'.")
def db_revision(message: str) -> None:
    """Write the next migration file in migrations/versions; fill in its upgrade() and downgrade()."""
    try:
        path = new_revision(message)
    except RevisionError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Migrasi baru: {path}")


@click.group(cls=AppGroup)
def users() -> None:
    """Manage accounts."""


PASSWORD_STDIN_HELP = (
    "Read the password once, as one line, from standard input (a pipe or a secret store) instead of asking "
    "for it twice; e.g. `printf '%s\\n' \"$PW\" | flask --app app users create NAME --password-stdin`."
)


def _read_password(from_stdin: bool, prompt: str) -> str:
    """The password: one line from stdin with --password-stdin, else asked for twice (hidden)."""
    if not from_stdin:
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.ClickException("Tidak ada kata sandi di stdin: kirim satu baris, mis. printf '%s\\n' \"$PW\" | …")
    return password


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="editor", show_default=True)
@click.option("--password-stdin", is_flag=True, help=PASSWORD_STDIN_HELP)
@by_option
def users_create(name: str, role: str, password_stdin: bool, by: str | None) -> None:
    """Create an account. The password is asked for twice (hidden); with --password-stdin it is read once
    from standard input."""
    password = _read_password(password_stdin, "Kata sandi")
    try:
        account = create_user(get_resources().engine, name, role, password, actor=operator(by))
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Akun '{account.name}' ({role}) dibuat.")


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
@by_option
def users_disable(name: str, by: str | None) -> None:
    """Disable an account: its sessions end at once and its API tokens stop working."""
    actor = operator(by)
    _change(lambda engine, n: set_disabled(engine, n, True, actor), name, f"Akun '{name}' dinonaktifkan.")


@users.command("enable")
@click.argument("name")
@by_option
def users_enable(name: str, by: str | None) -> None:
    """Enable a disabled account again."""
    actor = operator(by)
    _change(lambda engine, n: set_disabled(engine, n, False, actor), name, f"Akun '{name}' diaktifkan lagi.")


@users.command("reset-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help=PASSWORD_STDIN_HELP)
@by_option
def users_reset_password(name: str, password_stdin: bool, by: str | None) -> None:
    """Give an account a new password (asked for twice, or once from stdin with --password-stdin); its open
    sessions end."""
    password = _read_password(password_stdin, "Kata sandi baru")
    actor = operator(by)
    _change(lambda engine, n: set_password(engine, n, password, actor), name, f"Kata sandi akun '{name}' diganti.")


@click.group(cls=AppGroup)
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
@by_option
def tokens_revoke(token_id: int, by: str | None) -> None:
    """Revoke an API token by its id (from `tokens list`)."""
    try:
        revoke_token(get_resources().engine, token_id, operator(by))
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Token {token_id} dicabut.")


@tokens.command("create")
@click.argument("name")
@by_option
def tokens_create(name: str, by: str | None) -> None:
    """Create an API token for an account and print it (it is shown only this once)."""
    try:
        click.echo(create_token(get_resources().engine, name, operator(by)))
    except AccountError as error:
        raise click.ClickException(str(error)) from error


@click.group(cls=AppGroup)
def coverage() -> None:
    """Import coverage figures."""


@coverage.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--period", help="Periode TTTT-BB, bila berkas tidak punya kolom periode.")
@click.option("--source", help="Sumber data (wajib bila berkas tidak punya kolom 'sumber').")
@click.option("--as-of", "as_of", help="Tanggal data, mis. 2025-10-31.")
@click.option("--sheet", help="Lembar XLSX (nama atau nomor); bawaan: lembar pertama yang berisi tabel.")
@click.option("--series", default=MAIN_SERIES, type=click.Choice(SERIES))
@click.option("--dry-run", is_flag=True, help="Periksa saja; jangan simpan.")
@click.option("--json", "as_json", is_flag=True, help="Cetak laporan sebagai JSON.")
@click.option("--replace", is_flag=True, help="Ganti seluruh periode (bawaan: gabungkan ke periode yang tayang).")
@click.option(
    "--kode",
    "code_system",
    type=click.Choice(CODE_SYSTEMS),
    help="Sistem kode di kolom kode (bawaan: dari judul kolom, atau dari kode-kodenya).",
)
@click.option(
    "--kolom",
    "columns",
    multiple=True,
    metavar="BIDANG=KOLOM",
    help='Tetapkan kolom, mis. --kolom target="Target (%)" (berulang; abaikan=KOLOM: tidak diperlukan).',
)
@by_option
def coverage_import(
    file: Path,
    period: str | None,
    source: str | None,
    as_of: str | None,
    sheet: str | None,
    series: str,
    dry_run: bool,
    as_json: bool,
    replace: bool,
    code_system: str | None,
    columns: tuple[str, ...],
    by: str | None,
) -> None:
    """Import one CSV/XLSX file as the new version of its period, merged into the live one unless --replace."""
    engine = get_resources().engine
    try:
        choices = parse_choices(columns)
    except ColumnChoiceError as error:
        raise click.BadParameter(str(error), param_hint="--kolom") from error
    sent = Upload(file.read_bytes(), file.name, period, sheet, source, as_of, code_system=code_system, columns=choices)
    try:
        report = analyse_upload(engine, current_index(), sent, series)
    except CoverageFileError as error:
        if as_json:
            problem = {"row": None, "column": None, "message": str(error), "kind": "file"}
            click.echo(json.dumps({"ok": False, "rows": [], "errors": [problem]}, ensure_ascii=False))
        else:
            click.echo(f"GALAT: {error}", err=True)
        sys.exit(2)
    _print_report(report, as_json)
    if not report.ok:
        sys.exit(1)
    if not dry_run:
        records = records_from_report(report)
        _, diff = publish_records(
            engine, series, report.period, records, replace=replace, file_name=file.name, actor=operator(by)
        )
        if not as_json:
            click.echo(
                f"Diterbitkan: {series} {report.period}, {len(records)} wilayah "
                f"({len(diff.new)} baru, {len(diff.changed)} berubah, {len(diff.unchanged)} tetap"
                + (f", {len(diff.removed)} dihapus" if replace else "")
                + ")."
            )


@coverage.command("withdraw")
@click.argument("period")
@click.option("--series", default=MAIN_SERIES, type=click.Choice(SERIES))
@by_option
def coverage_withdraw(period: str, series: str, by: str | None) -> None:
    """Take PERIOD off every map and list; it stays in history and a restore brings it back."""
    try:
        info = withdraw_period(get_resources().engine, series, period, operator(by))
    except HistoryError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Ditarik: {series} {period} (versi {info.version} tetap di riwayat; pulihkan untuk menayangkan).")


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
        MAIN_SERIES, PUBLISHED_PERIOD, records_from_report(report), PUBLISHED_TITLE, False, path.name
    )
    provinces = resources.boundaries.provinces
    figures = read_province_figures_file(
        path.with_name(PROVINCE_FILE), dict(zip(provinces["kode_prov"], provinces["provinsi"], strict=True))
    )
    changed |= replace_province_figures(resources.engine, MAIN_SERIES, PUBLISHED_PERIOD, figures)
    districts = district_table(resources.boundaries)
    for number, period in enumerate(SAMPLE_PERIODS):
        changed |= _publish_if_changed(
            SAMPLE_SERIES, period, synthetic_records(districts, number), SAMPLE_TITLE, True, "geo/samples.py"
        )
    click.echo("Sample data loaded." if changed else "Sample data already loaded.")


@click.group(cls=AppGroup)
def aliases() -> None:
    """Other names of districts: the list in data/aliases.csv and the ones editors saved."""


@aliases.command("list")
def aliases_list() -> None:
    """List saved aliases (removable, with their number) and the bundled ones."""
    index = current_index()
    for alias in list_saved_aliases(get_resources().engine):
        ignored = " (diabaikan: nama resmi wilayah lain)" if alias.alias in index.ignored_aliases else ""
        click.echo(
            f"{alias.id}\t{alias.alias}\t{alias.kode} {index.names.get(alias.kode, '?')}\t"
            f"{alias.created_by} {alias.created_at:%Y-%m-%d}{ignored}"
        )
    bundled = read_aliases(Path(current_app.config["ALIASES_FILE"]))
    click.echo(f"Bawaan ({current_app.config['ALIASES_FILE']}, ubah lewat git): {len(bundled)} nama lain.")


@aliases.command("remove")
@click.argument("alias_id", type=int)
@by_option
def aliases_remove(alias_id: int, by: str | None) -> None:
    """Remove a saved alias by its number (see `aliases list`)."""
    try:
        alias = remove_alias(get_resources().engine, alias_id, operator(by))
    except HistoryError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Dihapus: '{alias.alias}' → {alias.kode}.")


GROUPS = (boundaries, db, users, tokens, coverage, aliases)


def register(app: Flask) -> None:
    """Add the command groups to `flask --app app …` (and `peta-cakupan …`)."""
    for group in GROUPS:
        app.cli.add_command(group)
