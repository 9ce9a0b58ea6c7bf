"""Editor pages: sign in, upload, review, fix a row, publish, restore; authorisation and CSRF on every form."""

import io
import re

import pytest
from openpyxl import Workbook

from geo.accounts import create_user
from tests.databases import BOTH_DATABASES, make_app
from web.resources import current_index, get_resources

pytestmark = BOTH_DATABASES

PASSWORD = "kata-sandi-panjang"


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def sign_in(client, name):
    token = csrf(client.get("/masuk").get_data(as_text=True))
    return client.post("/masuk", data={"name": name, "password": PASSWORD, "csrf_token": token})


@pytest.fixture()
def people(app):
    with app.app_context():
        for name, role in (("pemirsa", "viewer"), ("penyunting", "editor")):
            create_user(get_resources().engine, name, role, PASSWORD)
    return app


def xlsx(rows) -> bytes:
    book = Workbook()
    book.active.append(["Data cakupan BPJS Ketenagakerjaan"])
    book.active.append(["Kode", "Kabupaten/Kota", "Peserta", "Penduduk Bekerja"])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, data, period="2026-02", source="BPJS Ketenagakerjaan", name="cakupan.xlsx", as_of=""):
    token = csrf(client.get("/kelola").get_data(as_text=True))
    form = {"file": (io.BytesIO(data), name), "period": period, "source": source, "as_of": as_of, "csrf_token": token}
    return client.post("/kelola", data=form, content_type="multipart/form-data")


def test_upload_review_fix_publish_restore(people):
    client = people.test_client()
    assert sign_in(client, "penyunting").status_code == 302
    response = upload(client, xlsx([["6211", "Pulang Pisau", 41300, 100000], [None, "Pulang Pisao", 20000, 80000]]))
    assert response.status_code == 302
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "tidak cocok" in review and "Terbitkan" not in review  # an unmatched row blocks publishing
    draft_url = response.headers["Location"]
    draft_id = int(draft_url.rsplit("/", 1)[1])
    # "Pulang Pisao" has one suggestion, Pulang Pisau, already used by row 3 -> choosing it makes a duplicate
    client.post(
        f"/kelola/draf/{draft_id}/baris/4", data={"action": "pilih", "code": "62.11", "csrf_token": csrf(review)}
    )
    review = client.get(draft_url).get_data(as_text=True)
    assert 'data-kind="duplicate"' in review and "Terbitkan" not in review
    client.post(f"/kelola/draf/{draft_id}/baris/4", data={"action": "hapus", "csrf_token": csrf(review)})
    review = client.get(draft_url).get_data(as_text=True)
    assert "Terbitkan periode 2026-02" in review
    published = client.post(f"/kelola/draf/{draft_id}/terbitkan", data={"csrf_token": csrf(review)})
    assert published.status_code == 302
    props = {
        f["properties"]["code"]: f["properties"]
        for f in client.get("/api/coverage.geojson?scope=62&period=2026-02").get_json()["features"]
    }
    assert props["62.11"]["coverage_pct"] == 41.3
    history = client.get("/kelola/riwayat").get_data(as_text=True)
    assert "cakupan.xlsx" in history and "penyunting" in history


def test_choosing_a_suggestion_can_save_an_alias(people):
    client = people.test_client()
    sign_in(client, "penyunting")
    response = upload(client, xlsx([[None, "Pulang Pisao", 20000, 80000]]))
    draft_url = response.headers["Location"]
    review = client.get(draft_url).get_data(as_text=True)
    draft_id = int(draft_url.rsplit("/", 1)[1])
    client.post(
        f"/kelola/draf/{draft_id}/baris/3",
        data={"action": "pilih", "code": "62.11", "save_alias": "1", "csrf_token": csrf(review)},
    )
    assert "Terbitkan" in client.get(draft_url).get_data(as_text=True)
    again = client.get(upload(client, xlsx([[None, "Pulang Pisao", 1, 2]])).headers["Location"])
    assert "Terbitkan periode" in again.get_data(as_text=True)  # matched by the saved alias next time


def test_an_alias_saved_on_one_instance_matches_on_another(people, boundaries_dir):
    other = make_app(people.config["DATABASE_URL"], boundaries_dir, load_samples=False)
    with other.app_context():
        assert current_index().names  # built now, before the alias exists
    test_choosing_a_suggestion_can_save_an_alias(people)
    client = other.test_client()
    sign_in(client, "penyunting")
    review = client.get(upload(client, xlsx([[None, "Pulang Pisao", 1, 2]])).headers["Location"])
    assert "Terbitkan periode" in review.get_data(as_text=True)
    other.extensions["peta"].engine.dispose()


@pytest.mark.parametrize("url", ["/kelola", "/kelola/riwayat", "/kelola/draf/1"])
def test_editor_pages_need_an_editor(people, url):
    client = people.test_client()
    assert client.get(url).headers["Location"].startswith("/masuk")
    sign_in(client, "pemirsa")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "url", ["/kelola", "/kelola/draf/1/terbitkan", "/kelola/draf/1/baris/2", "/kelola/riwayat/1/pulihkan", "/masuk"]
)
def test_forms_refuse_a_wrong_csrf_token(people, url):
    client = people.test_client()
    sign_in(client, "penyunting")
    assert client.post(url, data={"csrf_token": "palsu"}).status_code == 400


def test_wrong_password_and_no_open_redirect(people):
    client = people.test_client()
    token = csrf(client.get("/masuk").get_data(as_text=True))
    assert (
        client.post("/masuk", data={"name": "penyunting", "password": "salah", "csrf_token": token}).status_code == 401
    )
    token = csrf(client.get("/masuk").get_data(as_text=True))
    response = client.post(
        "/masuk?next=//evil.example", data={"name": "penyunting", "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/kelola"


def test_bad_upload_gets_a_message(people):
    client = people.test_client()
    sign_in(client, "penyunting")
    response = upload(client, b"not a spreadsheet at all", period="2026-02")
    assert response.status_code == 400 and "Traceback" not in response.get_data(as_text=True)


def test_private_view(people):
    people.config["PUBLIC_VIEW"] = False
    client = people.test_client()
    assert client.get("/map/kalimantan").headers["Location"].startswith("/masuk")
    assert client.get("/api/scopes").status_code == 401
    sign_in(client, "pemirsa")
    assert client.get("/map/kalimantan").status_code == 200


def branch_workbook() -> bytes:
    """One province as a branch office sends it: title row, percent cells, Keterangan, a JUMLAH row."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Cakupan UCJ Kalimantan Tengah, Desember 2025"])
    sheet.append(["No", "Kabupaten/Kota", "Cakupan", "Keterangan"])
    sheet.append([1, "Kotawaringin Timur", 0.3031, "angka sementara"])
    sheet.append([2, "Pulang Pisau", 0.4125, None])
    sheet.append([None, "JUMLAH", 0.3578, None])
    for row in (3, 4, 5):
        sheet.cell(row=row, column=3).number_format = "0.00%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def coverage_of(client, period):
    features = client.get(f"/api/coverage.geojson?scope=62&period={period}").get_json()["features"]
    return {f["properties"]["code"]: f["properties"] for f in features if f["properties"]["coverage_pct"] is not None}


def test_a_branch_workbook_reaches_the_map_as_shown_in_excel(people):
    client = people.test_client()
    sign_in(client, "penyunting")
    response = upload(client, branch_workbook(), period="2025-11", source="BPJS Kanwil Kalimantan", as_of="2025-11-30")
    assert response.status_code == 302
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    excluded = review.split('id="excluded"')[1]
    assert 'data-row="5" data-reason="total"' in excluded and "JUMLAH" in excluded
    assert '<td class="remarks" data-label="Keterangan">angka sementara</td>' in review
    assert review.count('<td class="source" data-label="Sumber">BPJS Kanwil Kalimantan</td>') == 2
    assert "Terbitkan periode 2025-11" in review
    draft_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert client.post(f"/kelola/draf/{draft_id}/terbitkan", data={"csrf_token": csrf(review)}).status_code == 302
    shown = coverage_of(client, "2025-11")
    assert {code: (p["coverage_pct"], p["source"]) for code, p in shown.items()} == {
        "62.02": (30.31, "BPJS Kanwil Kalimantan"),
        "62.11": (41.25, "BPJS Kanwil Kalimantan"),
    }


@pytest.mark.parametrize(("period", "message"), [("2099-01", "belum tiba"), ("2025-1", "TTTT-BB")])
def test_the_form_refuses_a_period_after_next_month(people, period, message):
    client = people.test_client()
    sign_in(client, "penyunting")
    response = upload(client, branch_workbook(), period=period)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_fractions_are_multiplied_in_one_click_and_a_source_can_be_given_later(people):
    client = people.test_client()
    sign_in(client, "penyunting")
    text = b"wilayah;cakupan\nKotim;0,3031\nPulang Pisau;0,4125\n"
    response = upload(client, text, source="", name="pecahan.csv")
    draft_url = response.headers["Location"]
    review = client.get(draft_url).get_data(as_text=True)
    assert 'data-kind="fraction"' in review and 'data-kind="source"' in review and "Terbitkan" not in review
    client.post(f"{draft_url}/pecahan", data={"csrf_token": csrf(review)})
    review = client.get(draft_url).get_data(as_text=True)
    assert 'data-kind="fraction"' not in review and "30,31%" in review and "41,25%" in review
    client.post(f"{draft_url}/sumber", data={"source": "BPJS", "as_of": "2099-01-01", "csrf_token": csrf(review)})
    review = client.get(draft_url).get_data(as_text=True)
    assert "Tanggal data &#39;2099-01-01&#39; tidak mungkin" in review and 'data-kind="source"' in review
    client.post(f"{draft_url}/sumber", data={"source": "BPJS", "as_of": "", "csrf_token": csrf(review)})
    review = client.get(draft_url).get_data(as_text=True)
    assert 'data-kind="source"' not in review and "Terbitkan periode 2026-02" in review


def test_drop_the_first_of_two_duplicates_and_publish(people):
    client = people.test_client()
    sign_in(client, "penyunting")
    rows = [["6211", "Pulang Pisau", 41300, 100000], [None, "Kotim", 20000, 80000], [None, "Pulang Pisau", 1, 2]]
    draft_url = upload(client, xlsx(rows)).headers["Location"]
    review = client.get(draft_url).get_data(as_text=True)
    assert 'data-kind="duplicate"' in review and "Terbitkan" not in review
    client.post(f"{draft_url}/baris/3", data={"action": "hapus", "csrf_token": csrf(review)})
    review = client.get(draft_url).get_data(as_text=True)
    assert "Terbitkan periode 2026-02" in review and 'data-reason="dropped"' in review
    assert client.post(f"{draft_url}/terbitkan", data={"csrf_token": csrf(review)}).status_code == 302
    assert coverage_of(client, "2026-02")["62.11"]["coverage_pct"] == 50.0


def _draft(client, rows):
    response = upload(client, xlsx(rows))
    url = response.headers["Location"]
    return url, int(url.rsplit("/", 1)[1]), client.get(url).get_data(as_text=True)


def test_suggestions_preselect_nothing_and_a_contradicting_one_is_never_saved_as_alias(people):
    client = people.test_client()
    sign_in(client, "penyunting")
    url, draft_id, review = _draft(client, [[None, "Kota Pulang Pisao", 20000, 80000]])
    assert '<option value="" selected>' in review
    assert review.count(" selected") == 1  # only the empty choice
    assert "jenis berbeda" in review  # Kabupaten Pulang Pisau offered for a row that says Kota
    client.post(
        f"/kelola/draf/{draft_id}/baris/3",
        data={"action": "pilih", "code": "62.11", "save_alias": "1", "csrf_token": csrf(review)},
    )
    page = client.get(url).get_data(as_text=True)
    assert "Tidak disimpan sebagai nama lain" in page
    with people.app_context():
        from geo.saved_aliases import list_saved_aliases

        assert list_saved_aliases(get_resources().engine) == []
        assert current_index().by_key.get("pulangpisao") is None


def test_read_all_codes_as_bps_from_the_review_page(people):
    client = people.test_client()
    sign_in(client, "penyunting")
    url, draft_id, review = _draft(client, [["1204", None, 1, 2], ["1101", None, 1, 2]])
    assert "Baca semua kode sebagai kode BPS" in review and "Terbitkan periode" not in review
    client.post(f"/kelola/draf/{draft_id}/kode", data={"kode": "bps", "csrf_token": csrf(review)})
    page = client.get(url).get_data(as_text=True)
    assert "Kabupaten Tapanuli Tengah" in page and "Kabupaten Simeulue" in page
    assert "Terbitkan periode" in page


def test_saved_aliases_are_listed_and_removable(people):
    test_choosing_a_suggestion_can_save_an_alias(people)
    client = people.test_client()
    sign_in(client, "penyunting")
    page = client.get("/kelola/nama-lain").get_data(as_text=True)
    assert "Pulang Pisao" in page and "Kabupaten Pulang Pisau" in page
    alias_id = re.search(r'data-alias="(\d+)"', page).group(1)
    client.post(f"/kelola/nama-lain/{alias_id}/hapus", data={"csrf_token": csrf(page)})
    assert "data-alias=" not in client.get("/kelola/nama-lain").get_data(as_text=True)
    review = client.get(upload(client, xlsx([[None, "Pulang Pisao", 1, 2]])).headers["Location"])
    assert "Terbitkan periode" not in review.get_data(as_text=True)  # no longer matched


def test_a_full_kalimantan_file_then_a_branch_workbook_on_top(people):
    """Issue 10's walk-through: the whole island from one file, then one province's branch workbook (title row,
    percent cells, JUMLAH, Keterangan, source given in the form) merged on top of it."""
    client = people.test_client()
    sign_in(client, "penyunting")
    with people.app_context():
        districts = get_resources().boundaries.districts
    kalimantan = districts[districts["kode_prov"].isin(["61", "62", "63", "64", "65"])].sort_values("kode")
    lines = ["kode,wilayah,peserta,pekerja"] + [
        f"{row.kode},{row.nama},{20_000 + 100 * number},100000" for number, row in enumerate(kalimantan.itertuples())
    ]
    first = upload(client, "\n".join(lines).encode(), period="2025-11", source="BPJS Kalimantan (rekap)", name="k.csv")
    review = client.get(first.headers["Location"]).get_data(as_text=True)
    client.post(f"{first.headers['Location']}/terbitkan", data={"csrf_token": csrf(review)})
    before = coverage_of(client, "2025-11")
    assert len(kalimantan) == 56 and len(before) == 14  # scope 62 of the island file

    second = upload(client, branch_workbook(), period="2025-11", source="BPJS Cabang Palangka Raya", as_of="2025-11-30")
    review = client.get(second.headers["Location"]).get_data(as_text=True)
    assert 'data-reason="total"' in review  # JUMLAH is set aside, not a district
    client.post(f"{second.headers['Location']}/terbitkan", data={"csrf_token": csrf(review)})

    island = client.get("/api/coverage.geojson?scope=kalimantan&period=2025-11").get_json()["features"]
    shown = {f["properties"]["code"]: f["properties"] for f in island}
    assert all(p["coverage_pct"] is not None for p in shown.values())  # no province lost its figures
    for code, properties in shown.items():
        if code in ("62.02", "62.11"):
            continue
        number = list(kalimantan["kode"]).index(code)
        assert properties["coverage_pct"] == pytest.approx((20_000 + 100 * number) / 1000)  # unchanged by the 2nd file
        assert properties["source"] == "BPJS Kalimantan (rekap)"
    assert (shown["62.02"]["coverage_pct"], shown["62.11"]["coverage_pct"]) == (30.31, 41.25)  # as Excel shows
    assert shown["62.02"]["source"] == "BPJS Cabang Palangka Raya" and shown["62.02"]["as_of"] == "2025-11-30"
    page = client.get("/map/kalimantan-tengah?period=2025-11").get_data(as_text=True)
    assert "BPJS Cabang Palangka Raya (2025-11-30)" in page  # the tooltip credits the source given
    assert "angka sementara" not in page  # the Keterangan stays a remark, never a source


def review_rows(page: str) -> list[int]:
    """The file rows the review table lists (not the excluded rows' table)."""
    table = page.split('id="review"')[1].split("</table>")[0]
    return [int(n) for n in re.findall(r'<tr data-row="(\d+)"', table)]


@pytest.fixture()
def big_review(people):
    """A 250-row draft (every 10th row misspelt, rows after the 210 districts duplicates), signed in as an editor."""
    from scripts.big_draft import big_draft_csv

    client = people.test_client()
    sign_in(client, "penyunting")
    response = upload(client, big_draft_csv(250).encode(), name="besar.csv")
    assert response.status_code == 302
    return client, response.headers["Location"]


def test_a_big_draft_is_reviewed_a_page_of_a_filter_at_a_time(big_review):
    client, url = big_review
    first = client.get(url).get_data(as_text=True)  # unmatched rows first
    unmatched = review_rows(first)
    assert len(unmatched) == 25 and all(n % 10 == 1 for n in unmatched)  # data rows 2..251, every 10th misspelt
    assert "tidak cocok" in first and 'aria-current="page" data-filter="tidak-cocok"' in first
    every = client.get(f"{url}?saring=semua&halaman=2").get_data(as_text=True)
    assert review_rows(every) == list(range(102, 202))  # rows 101-200 of the filter
    assert "Baris 101–200 dari 250" in every
    # The counts are the whole draft's on every page: 225 of 250 rows matched, the filters' totals.
    assert "225 / 250" in every and "225 / 250" in first
    assert re.search(r'data-filter="tidak-cocok">Tidak cocok <span class="count">25</span>', every)
    # Page links keep the filter; filter links keep the place in the file (row 102 is the 11th unmatched row).
    assert f"{url}?saring=semua&amp;halaman=3#baris" in every
    assert f"{url}?saring=tidak-cocok&amp;halaman=1#baris" in every
    errors = client.get(f"{url}?saring=galat").get_data(as_text=True)
    assert review_rows(errors) == sorted({*unmatched, *range(212, 252)})  # 40 duplicates of the first 210 rows


@pytest.mark.parametrize(
    ("query", "message", "rows"),
    [
        ("?saring=xyz", "Saringan 'xyz' tidak dikenal; yang ditampilkan: tidak cocok.", 25),
        ("?saring=semua&halaman=abc", "Halaman 'abc' bukan nomor halaman; yang ditampilkan halaman 1.", 100),
        ("?saring=semua&halaman=9", "Halaman 9 tidak ada: saringan “semua baris” hanya 3 halaman.", 50),
    ],
)
def test_a_bad_filter_or_page_says_what_is_shown_instead(big_review, query, message, rows):
    client, url = big_review
    response = client.get(url + query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and len(review_rows(page)) == rows


def test_an_edit_returns_to_its_filter_and_page(big_review):
    client, url = big_review
    page = client.get(f"{url}?saring=semua&halaman=2").get_data(as_text=True)
    token = csrf(page)
    assert '<input type="hidden" name="saring" value="semua"><input type="hidden" name="halaman" value="2">' in page
    dropped = client.post(
        f"{url}/baris/151", data={"action": "hapus", "saring": "semua", "halaman": "2", "csrf_token": token}
    )
    assert dropped.headers["Location"] == f"{url}?saring=semua&halaman=2#baris-152"  # the row now in its place
    assert 151 not in review_rows(client.get(dropped.headers["Location"]).get_data(as_text=True))
    # Matching an unmatched row (row 11, 'Kabupaten Briuen') to a suggestion from the unmatched filter: the row leaves
    # the filter and the page anchors to the next unmatched row.
    first = client.get(f"{url}?saring=tidak-cocok").get_data(as_text=True)
    code = re.search(r'id="baris-11".*?<option value="([\d.]+)"', first, re.S).group(1)
    matched = client.post(
        f"{url}/baris/11",
        data={"action": "pilih", "code": code, "saring": "tidak-cocok", "halaman": "1", "csrf_token": token},
    )
    assert matched.headers["Location"] == f"{url}?saring=tidak-cocok&halaman=1#baris-21"
    assert "226 / 249" in client.get(matched.headers["Location"]).get_data(as_text=True)


def test_publishing_checks_the_whole_draft_not_the_page_shown(big_review):
    client, url = big_review
    warned = client.get(f"{url}?saring=peringatan").get_data(as_text=True)  # no unmatched rows on this page
    assert "Terbitkan periode" not in warned and "Draf belum bisa diterbitkan" in warned
    published = client.post(f"{url}/terbitkan", data={"csrf_token": csrf(warned)})
    assert published.headers["Location"].startswith(url) and "Draf belum bisa diterbitkan" in client.get(
        published.headers["Location"]
    ).get_data(as_text=True)
