"""Write API: accounts and tokens, upload -> publish -> restore, authorisation, bad input, concurrency."""

import io
import threading

import pytest
from openpyxl import Workbook

from geo.accounts import create_token, create_user
from geo.history import HistoryError, NotFound, list_versions
from tests.databases import BOTH_DATABASES, make_app
from web.errors import history_status
from web.resources import get_resources

pytestmark = BOTH_DATABASES

GOOD = "kode,wilayah,peserta,pekerja\n6211,KAB. PULANG PISAU,41.300,100.000\n,Kotim,20.000,80.000\n"


@pytest.fixture()
def tokens(app):
    with app.app_context():
        engine = get_resources().engine
        result = {}
        for name, role in (("pemirsa", "viewer"), ("penyunting", "editor"), ("admin", "admin")):
            create_user(engine, name, role, "kata-sandi-panjang")
            result[role] = create_token(engine, name)
        return result


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def upload(client, token, text=GOOD, period="2026-01", name="cakupan.csv", source="BPJS Ketenagakerjaan"):
    form = {"file": (io.BytesIO(text.encode()), name), "period": period, "source": source}
    return client.post("/api/uploads", headers=auth(token), data=form)


WRITES = [
    ("post", "/api/uploads"),
    ("post", "/api/uploads/1/publish"),
    ("get", "/api/datasets"),
    ("post", "/api/datasets/1/restore"),
]


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_writes_need_a_valid_token(app, tokens, method, url):
    client = app.test_client()
    assert getattr(client, method)(url).status_code == 401
    assert getattr(client, method)(url, headers=auth("not-a-token")).status_code == 401
    assert getattr(client, method)(url, headers=auth(tokens["viewer"])).status_code == 403


def test_audit_log_is_for_admins(app, tokens):
    client = app.test_client()
    assert client.get("/api/audit", headers=auth(tokens["editor"])).status_code == 403
    assert client.get("/api/audit", headers=auth(tokens["admin"])).status_code == 200


def test_upload_publish_restore(app, tokens):
    client = app.test_client()
    first = upload(client, tokens["editor"])
    assert first.status_code == 201
    report = first.get_json()
    assert [(r["row"], r["code"], r["method"]) for r in report["rows"]] == [(2, "62.11", "code"), (3, "62.02", "alias")]
    assert client.get("/api/coverage.geojson?scope=62&period=2026-01").status_code == 404  # a draft is not live
    assert client.post(f"/api/uploads/{report['id']}/publish", headers=auth(tokens["editor"])).status_code == 201
    props = {
        f["properties"]["code"]: f["properties"]
        for f in client.get("/api/coverage.geojson?scope=62&period=2026-01").get_json()["features"]
    }
    assert props["62.11"]["coverage_pct"] == 41.3
    second = upload(client, tokens["editor"], GOOD.replace("41.300", "50.000")).get_json()
    client.post(f"/api/uploads/{second['id']}/publish", headers=auth(tokens["editor"]))
    versions = [
        v
        for v in client.get("/api/datasets", headers=auth(tokens["editor"])).get_json()["versions"]
        if v["period"] == "2026-01"
    ]
    assert [(v["version"], v["is_live"], v["rows"], v["created_by"]) for v in versions] == [
        (2, True, 2, "penyunting"),
        (1, False, 2, "penyunting"),
    ]
    restored = client.post(f"/api/datasets/{versions[1]['id']}/restore", headers=auth(tokens["editor"]))
    assert restored.status_code == 200
    props = {
        f["properties"]["code"]: f["properties"]
        for f in client.get("/api/coverage.geojson?scope=62&period=2026-01").get_json()["features"]
    }
    assert props["62.11"]["coverage_pct"] == 41.3  # the first version is live again
    actions = [e["action"] for e in client.get("/api/audit", headers=auth(tokens["admin"])).get_json()["events"]]
    assert actions[:5] == ["restore", "publish", "upload", "publish", "upload"]  # then account and token events


def test_a_draft_with_errors_cannot_be_published(app, tokens):
    client = app.test_client()
    draft = upload(client, tokens["editor"], "wilayah,cakupan\nSolok,30\n").get_json()
    assert draft["ok"] is False and draft["errors"][0]["row"] == 2
    response = client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(tokens["editor"]))
    assert response.status_code == 400 and "galat" in response.get_json()["error"]
    assert client.post("/api/uploads/999/publish", headers=auth(tokens["editor"])).status_code == 404
    assert client.post("/api/datasets/999/restore", headers=auth(tokens["editor"])).status_code == 404


def test_publish_answers_404_for_a_missing_draft_and_400_for_one_that_cannot_be_published(app, tokens):
    client = app.test_client()
    draft = upload(client, tokens["editor"]).get_json()
    assert client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(tokens["editor"])).status_code == 201
    again = client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(tokens["editor"]))
    assert again.status_code == 400 and "sudah diterbitkan" in again.get_json()["error"]
    missing = client.post("/api/uploads/999/publish", headers=auth(tokens["editor"]))
    assert missing.status_code == 404 and missing.get_json()["error"] == "Draf 999 tidak ada."
    # The kind decides, never the words (the status was once picked by "tidak ada" in the message).
    assert history_status(NotFound("Versi 7 hilang.")) == 404
    assert history_status(HistoryError("Draf 7 masih punya 1 galat: 'X' tidak ada di peta.")) == 400


@pytest.mark.parametrize(
    ("text", "period", "name", "message"),
    [
        ("", "2026-01", "a.csv", "kosong"),
        ("wilayah,cakupan\nKotim,30\n", "31-2031", "a.csv", "TTTT-BB"),
        ("foo,bar\n1,2\n", "2026-01", "a.csv", "Kolom wilayah"),
        ("%PDF-1.4", "2026-01", "a.pdf", "tidak didukung"),
    ],
)
def test_bad_uploads_answer_400_and_change_nothing(app, tokens, text, period, name, message):
    client = app.test_client()
    before = client.get("/api/periods").get_json()
    response = upload(client, tokens["editor"], text, period, name)
    assert response.status_code == 400
    assert any(message in e["message"] for e in response.get_json()["errors"])
    assert client.get("/api/periods").get_json() == before


def test_the_sheet_of_a_workbook_can_be_chosen(app, tokens):
    book = Workbook()
    book.active.title = "Catatan"
    book.create_sheet("Data").append(["wilayah", "cakupan"])
    book["Data"].append(["Kotim", "30"])
    buffer = io.BytesIO()
    book.save(buffer)
    form = {"file": (io.BytesIO(buffer.getvalue()), "c.xlsx"), "period": "2026-01", "sheet": "data", "source": "B"}
    response = app.test_client().post("/api/uploads", headers=auth(tokens["editor"]), data=form)
    assert response.status_code == 201 and response.get_json()["sheet"] == "Data"
    form = {"file": (io.BytesIO(buffer.getvalue()), "c.xlsx"), "period": "2026-01", "sheet": "Tidak Ada"}
    response = app.test_client().post("/api/uploads", headers=auth(tokens["editor"]), data=form)
    assert response.status_code == 400 and "'Catatan', 'Data'" in response.get_json()["error"]


def test_oversized_upload_is_refused_before_reading(app, tokens):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = upload(app.test_client(), tokens["editor"], GOOD + "x" * 5000)
    assert response.status_code == 413 and response.get_json()["error"]


def test_cli_creates_accounts_and_tokens(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "budi", "--role", "editor"], input="kata-sandi-panjang\nkata-sandi-panjang\n"
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["users", "create", "budi"], input="kata-sandi-panjang\n" * 2).exit_code != 0
    assert "minimal" in runner.invoke(args=["users", "create", "ani"], input="pendek\npendek\n").output
    token = runner.invoke(args=["tokens", "create", "budi"]).output.strip()
    assert app.test_client().get("/api/datasets", headers=auth(token)).status_code == 200
    assert runner.invoke(args=["tokens", "create", "tidak-ada"]).exit_code != 0


def test_publishing_one_draft_twice_at_once_publishes_it_once(app, tokens):
    draft = upload(app.test_client(), tokens["editor"]).get_json()
    statuses = []
    start = threading.Barrier(6)

    def work():
        client = app.test_client()
        start.wait()
        statuses.append(client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(tokens["editor"])).status_code)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 400, 400, 400, 400, 400]
    with app.app_context():
        versions = [d for d in list_versions(get_resources().engine) if d["period"] == "2026-01"]
    assert len(versions) == 1


def test_instances_sharing_a_database_show_a_new_period_at_once(app, tokens, boundaries_dir):
    other = make_app(app.config["DATABASE_URL"], boundaries_dir, load_samples=False)
    assert other.test_client().get("/?period=2026-01").status_code == 404
    assert other.test_client().get("/").status_code == 200  # its page cache is now warm
    draft = upload(app.test_client(), tokens["editor"]).get_json()
    app.test_client().post(f"/api/uploads/{draft['id']}/publish", headers=auth(tokens["editor"]))
    page = other.test_client().get("/").get_data(as_text=True)
    assert "2026-01" in page or "Januari 2026" in page
    assert other.test_client().get("/?period=2026-01").status_code == 200
    other.extensions["peta"].engine.dispose()


@pytest.mark.parametrize(
    ("period", "message"),
    [("2025-1", "TTTT-BB"), (" 2031-02 ", "belum tiba"), ("2099-01", "belum tiba"), ("Oktober 2025", "TTTT-BB")],
)
def test_the_api_refuses_the_periods_the_form_refuses(app, tokens, period, message):
    response = upload(app.test_client(), tokens["editor"], period=period)
    assert response.status_code == 400
    assert [e for e in response.get_json()["errors"] if e["kind"] == "input" and message in e["message"]]


def test_source_and_date_travel_with_each_figure(app, tokens):
    client = app.test_client()
    text = (
        "kode,wilayah,cakupan,sumber,keterangan\n"
        "62.11,Pulang Pisau,41.3,BPS Kalteng,angka sementara\n"
        "62.02,Kotim,30,,\n"
    )
    form = {"file": (io.BytesIO(text.encode()), "k.csv"), "period": "2026-01", "source": "BPJS Kanwil"}
    response = client.post("/api/uploads", headers=auth(tokens["editor"]), data={**form, "as_of": "31/01/2026"})
    draft = response.get_json()
    assert response.status_code == 201 and draft["ok"], draft["errors"]
    assert [(r["source"], r["remarks"]) for r in draft["rows"]] == [("BPS Kalteng", "angka sementara"), (None, None)]
    assert (draft["source"], draft["as_of"]) == ("BPJS Kanwil", "2026-01-31")
    assert client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(tokens["editor"])).status_code == 201
    features = client.get("/api/coverage.geojson?scope=62&period=2026-01").get_json()["features"]
    sources = {f["properties"]["code"]: f["properties"]["source"] for f in features if f["properties"]["source"]}
    assert sources == {"62.11": "BPS Kalteng", "62.02": "BPJS Kanwil"}  # never the remarks, never the file name


def test_an_upload_without_a_source_is_not_published(app, tokens):
    client = app.test_client()
    draft = upload(client, tokens["editor"], source="").get_json()
    assert draft["ok"] is False and [e["kind"] for e in draft["errors"]] == ["source"]
    response = client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(tokens["editor"]))
    assert response.status_code == 400
    form = {"file": (io.BytesIO(GOOD.encode()), "c.csv"), "period": "2026-01", "source": "B", "as_of": "besok"}
    response = client.post("/api/uploads", headers=auth(tokens["editor"]), data=form)
    assert response.status_code == 400 and response.get_json()["errors"][0]["column"] == "tanggal"


def test_a_file_that_cannot_be_read_to_its_end_is_refused(app, tokens):
    text = 'wilayah,cakupan\nKotim,30\n"Kobar,40\nKatingan,50\n'
    response = upload(app.test_client(), tokens["editor"], text=text)
    assert response.status_code == 400 and "tanda kutip" in response.get_json()["error"]


def test_the_code_system_can_be_given_with_the_upload(app, tokens):
    client = app.test_client()
    text = "kode,cakupan\n1204,40\n1101,30\n"

    def send(kode):
        data = {"file": (io.BytesIO(text.encode()), "bps.csv"), "period": "2025-09"}
        if kode is not None:
            data["kode"] = kode
        return client.post("/api/uploads", headers=auth(tokens["editor"]), data=data)

    assert [r["reason"] for r in send(None).get_json()["rows"]] == ["code_system", "code_system"]
    assert [r["code"] for r in send("bps").get_json()["rows"]] == ["12.01", "11.09"]
    assert [r["code"] for r in send("kemendagri").get_json()["rows"]] == ["12.04", "11.01"]
    refused = send("bpss")
    assert refused.status_code == 400 and "kode" in refused.get_json()["error"]
