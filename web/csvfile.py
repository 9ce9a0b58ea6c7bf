"""CSV downloads that spreadsheet software opens safely: UTF-8 with BOM, formula-like text neutralised."""

from __future__ import annotations

import csv
import io
import re

from flask import Response

# What makes a spreadsheet read a text cell as a formula (CSV injection): these first characters (fullwidth ones
# too: Excel with an East Asian input method reads them as ASCII) ...
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# ... and, in a CSV opened where `;` separates lists (Excel set to Indonesian), the same after a `;` inside the
# cell, which becomes a cell of its own there. A quote after the `;` makes that part text.
AFTER_SEMICOLON = re.compile(r";(\s*)(?=[=+\-@\t\r\uff1d\uff0b\uff0d\uff20])")


def neutralise(value: object) -> object:
    """Keep spreadsheet software from reading a text cell as a formula (XLSX: a cell is one cell)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def neutralise_csv(value: object) -> object:
    """As neutralise, and after each `;` too: a CSV's cell may be split there by the spreadsheet."""
    value = neutralise(value)
    return AFTER_SEMICOLON.sub(r";\1'", value) if isinstance(value, str) else value


def csv_response(columns: list[str], rows, filename: str) -> Response:
    """A CSV download (UTF-8 with BOM, so Excel reads it) with formula-like text neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if value is None else neutralise_csv(value) for value in row])
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
