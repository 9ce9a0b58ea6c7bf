"""A 5.000-row draft, and how long its review page takes: `.venv/bin/python scripts/big_draft.py [rows] [codes]`.

The file repeats the 210 districts' real names (data/kode_bps_kemendagri.csv, so every district after its first
row is a duplicate: an error) with about one row in ten misspelt or unknown (unmatched, with suggestions) and a
few figures that warn. It is uploaded through the editor's own form (signed in as an editor, on a throwaway
SQLite database), then the review page is timed with Flask's test client: time and bytes per view.

With `codes` (say 50), that many rows also carry a bare code that BPS and Kemendagri read as two districts of the
area (code_system rows), and "Baca semua kode sebagai kode BPS" is timed on the draft.
"""

from __future__ import annotations

import csv
import io
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "kata-sandi-panjang"
UNKNOWN = ["Kabupaten Antah Berantah", "Kota Tidak Ada", "Kab. Sembarang", "Wilayah Contoh"]


def district_names() -> list[str]:
    """The 210 districts' names as Kemendagri writes them (Kabupaten Simeulue, Kota Banda Aceh, ...)."""
    with (ROOT / "data" / "kode_bps_kemendagri.csv").open(encoding="utf-8") as handle:
        return [row["nama_kemendagri"] for row in csv.DictReader(handle)]


def misspelt(name: str, rng: random.Random) -> str:
    """The name with two letters of its last word swapped and one dropped: matched by no district exactly."""
    head, _, word = name.rpartition(" ")
    if len(word) < 5:
        return rng.choice(UNKNOWN)
    i = rng.randrange(1, len(word) - 3)
    word = word[:i] + word[i + 1] + word[i] + word[i + 3 :]
    return f"{head} {word}".strip()


def two_way_codes(index) -> list[str]:
    """Bare codes (6211) that BPS and Kemendagri read as two different districts of the area, none an old code."""
    from geo.codes import BPS, KEMENDAGRI, code_readings, historic_reading, parse_code

    found = []
    for digits in sorted(index.crosswalk.bps_to_kemendagri):
        code = parse_code(digits)
        if code is None or historic_reading(code, index.crosswalk) is not None:
            continue
        readings = code_readings(code, index.crosswalk, index.names)
        if readings[BPS] != readings[KEMENDAGRI] and {readings[BPS], readings[KEMENDAGRI]} <= index.in_area:
            found.append(digits)
    return found


def big_draft_csv(rows: int = 5000, unmatched_every: int = 10, seed: int = 25, codes: tuple[str, ...] = ()) -> str:
    """A coverage CSV of `rows` data rows; every `unmatched_every`-th row names no district; the last rows are
    `codes` alone (no name)."""
    rng = random.Random(seed)
    names = district_names()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["wilayah", "kode", "peserta", "pekerja"])
    for n in range(rows):
        name = names[n % len(names)]
        if n % unmatched_every == unmatched_every - 1:
            name = misspelt(name, rng)
        workers = rng.randrange(20_000, 900_000)
        participants = rng.randrange(workers // 10, workers) if n % 37 else workers + 1_000  # > workers: a warning
        code = codes[n - (rows - len(codes))] if n >= rows - len(codes) else ""
        writer.writerow(["" if code else name, code, participants, workers])
    return out.getvalue()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def signed_in_client(app):
    """A test client signed in as a new editor account."""
    from geo.accounts import create_user
    from web.resources import get_resources

    with app.app_context():
        create_user(get_resources().engine, "penyunting", "editor", PASSWORD)
    client = app.test_client()
    token = _csrf(client.get("/masuk").get_data(as_text=True))
    client.post("/masuk", data={"name": "penyunting", "password": PASSWORD, "csrf_token": token})
    return client


def upload_big_draft(client, text: str, period: str = "2026-02") -> str:
    """Upload the file through /kelola; return the draft's review address."""
    token = _csrf(client.get("/kelola").get_data(as_text=True))
    form = {"file": (io.BytesIO(text.encode()), "besar.csv"), "period": period, "source": "BPJS", "csrf_token": token}
    response = client.post("/kelola", data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def timed_get(client, url: str, times: int = 3) -> tuple[float, int]:
    """Median seconds and bytes of GET url."""
    spans, size = [], 0
    for _ in range(times):
        start = time.perf_counter()
        response = client.get(url)
        spans.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.data)
    return statistics.median(spans), size


def main() -> None:
    from app import create_app
    from web.resources import current_index

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    wanted_codes = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/peta.sqlite"})
        with app.app_context():
            codes = tuple(two_way_codes(current_index())[:wanted_codes])
        client = signed_in_client(app)
        start = time.perf_counter()
        review = upload_big_draft(client, big_draft_csv(rows, codes=codes))
        print(f"upload of {rows} rows (analyse + save): {time.perf_counter() - start:.1f} s")
        for query in ["", "?saring=semua", "?saring=galat&halaman=3", "?saring=peringatan", "?saring=semua&halaman=50"]:
            seconds, size = timed_get(client, review + query)
            print(f"GET {review}{query}: {seconds * 1000:.0f} ms, {size / 1024:.0f} KB")
        page = client.get(review).get_data(as_text=True)
        token = _csrf(page)
        row = re.search(r'<tr data-row="(\d+)"[^>]*>(?:(?!</tr>).)*?<select name="code"', page, re.S)
        if row:
            start = time.perf_counter()
            response = client.post(f"{review}/baris/{row.group(1)}", data={"action": "hapus", "csrf_token": token})
            print(f"edit row {row.group(1)}: {(time.perf_counter() - start) * 1000:.0f} ms -> {response.location}")
        if codes:
            time_read_codes_as(client, review, len(codes))


def time_read_codes_as(client, review: str, codes: int) -> None:
    """'Baca semua kode sebagai kode BPS' on the draft: seconds, and the code_system rows left (0 when it worked)."""
    last_page = review + "?saring=semua&halaman=50"
    before = client.get(last_page).get_data(as_text=True).count("sebagai kode BPS</option>")
    token = _csrf(client.get(review).get_data(as_text=True))
    start = time.perf_counter()
    response = client.post(f"{review}/kode", data={"kode": "bps", "csrf_token": token})
    seconds = time.perf_counter() - start
    assert response.status_code == 302, response.status_code
    left = client.get(last_page).get_data(as_text=True).count("sebagai kode BPS</option>")
    print(
        f"read {codes} code_system rows as BPS: {seconds:.2f} s ({seconds / codes * 1000:.0f} ms a row); "
        f"rows offering a BPS reading on the last page: {before} before, {left} after"
    )


if __name__ == "__main__":
    main()
