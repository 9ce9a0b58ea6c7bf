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


def upload(client, data, period="2031-02"):
    token = csrf(client.get("/kelola").get_data(as_text=True))
    return client.post(
        "/kelola",
        data={"file": (io.BytesIO(data), "cakupan.xlsx"), "period": period, "csrf_token": token},
        content_type="multipart/form-data",
    )


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
    assert "DUPLIKAT" in review
    client.post(f"/kelola/draf/{draft_id}/baris/4", data={"action": "hapus", "csrf_token": csrf(review)})
    review = client.get(draft_url).get_data(as_text=True)
    assert "Terbitkan periode 2031-02" in review
    published = client.post(f"/kelola/draf/{draft_id}/terbitkan", data={"csrf_token": csrf(review)})
    assert published.status_code == 302
    props = {
        f["properties"]["code"]: f["properties"]
        for f in client.get("/api/coverage.geojson?scope=62&period=2031-02").get_json()["features"]
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
    response = upload(client, b"not a spreadsheet at all", period="2031-02")
    assert response.status_code == 400 and "Traceback" not in response.get_data(as_text=True)


def test_private_view(people):
    people.config["PUBLIC_VIEW"] = False
    client = people.test_client()
    assert client.get("/map/kalimantan").headers["Location"].startswith("/masuk")
    assert client.get("/api/scopes").status_code == 401
    sign_in(client, "pemirsa")
    assert client.get("/map/kalimantan").status_code == 200


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
        from geo.history import list_saved_aliases

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
