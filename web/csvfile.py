"""CSV downloads that spreadsheet software opens safely: UTF-8 with BOM, formula-like text neutralised."""

from __future__ import annotations

import csv
import io

from flask import Response

# A cell starting with one of these is read by Excel and LibreOffice as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Keep spreadsheet software from reading a text cell as a formula."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def csv_response(columns: list[str], rows, filename: str) -> Response:
    """A CSV download (UTF-8 with BOM, so Excel reads it) with formula-like text neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if value is None else neutralise(value) for value in row])
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
