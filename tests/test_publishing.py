"""Periods assembled from several files: merge by default, replace on request, diff before, withdraw and
restore, provenance per figure; on SQLite and PostgreSQL."""

import re
import threading

import pytest

from geo.accounts import create_token, create_user
from geo.history import list_versions
from tests.databases import BOTH_DATABASES
from tests.test_editor import PASSWORD, csrf, sign_in
from tests.test_uploads import auth, tokens, upload  # noqa: F401 - tokens is a fixture
from web.resources import get_resources

pytestmark = BOTH_DATABASES
PERIOD = "2025-08"  # a past period (a later-than-next-month period is refused)
# A Kalimantan file: two Kalimantan Tengah districts, one each in Kalimantan Selatan and Barat.
KALIMANTAN = (
    "kode,wilayah,peserta,pekerja,sumber,tanggal\n"
    "62.11,Pulang Pisau,41300,100000,BPJS Kalimantan,Juli 2025\n"
    "62.02,Kotim,20000,80000,BPJS Kalimantan,Juli 2025\n"
    "63.03,Banjar,26100,100000,BPJS Kalimantan,Juli 2025\n"
    "61.01,Sambas,24000,100000,BPJS Kalimantan,Juli 2025\n"
)
# Then Kalimantan Tengah alone: one changed, one unchanged, one new.
KALTENG = (
    "kode,wilayah,peserta,pekerja,sumber,tanggal\n"
    "62.11,Pulang Pisau,50000,100000,BPJS Kalteng,Agustus 2025\n"
    "62.02,Kotim,20000,80000,BPJS Kalimantan,Juli 2025\n"
    "62.01,Kobar,30000,100000,BPJS Kalteng,Agustus 2025\n"
)


def features(client, period=PERIOD):
    data = client.get(f"/api/coverage.geojson?scope=kalimantan&period={period}").get_json()
    return {f["properties"]["code"]: f["properties"] for f in data["features"] if f["properties"]["coverage_pct"]}


def publish(client, token, text, replace=False):
    draft = upload(client, token, text, PERIOD).get_json()
    query = "?replace=1" if replace else ""
    response = client.post(f"/api/uploads/{draft['id']}/publish{query}", headers=auth(token))
    assert response.status_code == 201, response.get_json()
    return draft["id"], response.get_json()


def test_a_one_province_file_merges_and_the_others_keep_their_figures_and_provenance(app, tokens):  # noqa: F811
    client, token = app.test_client(), tokens["editor"]
    first_draft, first = publish(client, token, KALIMANTAN)
    second = upload(client, token, KALTENG, PERIOD).get_json()
    diff = client.get(f"/api/uploads/{second['id']}/diff", headers=auth(token)).get_json()
    assert [c["code"] for c in diff["new"]] == ["62.01"]
    assert [(c["code"], c["before"], c["after"]) for c in diff["changed"]] == [("62.11", 41.3, 50.0)]
    assert [c["code"] for c in diff["unchanged"]] == ["62.02"] and diff["removed"] == []
    replace = client.get(f"/api/uploads/{second['id']}/diff?replace=1", headers=auth(token)).get_json()
    assert [c["code"] for c in replace["removed"]] == ["61.01", "63.03"]
    published = client.post(f"/api/uploads/{second['id']}/publish", headers=auth(token)).get_json()
    props = features(client)
    assert sorted(props) == ["61.01", "62.01", "62.02", "62.11", "63.03"]  # Barat and Selatan kept
    assert props["62.11"]["coverage_pct"] == 50.0 and props["62.11"]["source"] == "BPJS Kalteng"
    assert (props["62.11"]["origin_version"], props["62.11"]["origin_draft_id"]) == (2, second["id"])
    assert (props["63.03"]["origin_version"], props["63.03"]["origin_draft_id"]) == (1, first_draft)
    assert props["63.03"]["origin_dataset_id"] == first["dataset_id"] and props["63.03"]["as_of"] == "Juli 2025"
    assert published["version"] == 2
    csv_text = client.get(f"/api/coverage.csv?scope=kalimantan&period={PERIOD}").get_data(as_text=True)
    assert f"63.03,Kabupaten Banjar,Kalimantan Selatan,{PERIOD},26100,100000,26.1," in csv_text
    assert f",BPJS Kalimantan,Juli 2025,1,{first['dataset_id']},{first_draft}" in csv_text


def test_replace_makes_the_file_the_whole_period(app, tokens):  # noqa: F811
    client, token = app.test_client(), tokens["editor"]
    publish(client, token, KALIMANTAN)
    publish(client, token, KALTENG, replace=True)
    assert sorted(features(client)) == ["62.01", "62.02", "62.11"]
    with app.app_context():
        versions = [v for v in list_versions(get_resources().engine) if v["period"] == PERIOD]
    assert [(v["version"], v["rows"]) for v in versions] == [(2, 3), (1, 4)]  # every publish is a version


def test_withdraw_takes_a_period_off_every_list_and_restore_brings_it_back(app, tokens):  # noqa: F811
    client, token = app.test_client(), tokens["editor"]
    _, first = publish(client, token, KALIMANTAN)
    assert client.get("/").status_code == 200 and PERIOD in client.get("/").get_data(as_text=True)
    response = client.post(f"/api/periods/{PERIOD}/withdraw", headers=auth(token))
    assert response.status_code == 200 and response.get_json()["withdrawn_version"] == 1
    assert PERIOD not in [p["period"] for p in client.get("/api/periods").get_json()]
    assert client.get(f"/api/coverage.geojson?scope=kalimantan&period={PERIOD}").status_code == 404
    assert PERIOD not in client.get("/").get_data(as_text=True)  # the default is the latest live period again
    versions = client.get("/api/datasets", headers=auth(token)).get_json()["versions"]
    mine = [v for v in versions if v["period"] == PERIOD]
    assert [(v["is_live"], v["withdrawn"]) for v in mine] == [(False, True)]  # still in history
    again = client.post(f"/api/periods/{PERIOD}/withdraw", headers=auth(token))
    assert again.status_code == 404 and "tidak sedang tayang" in again.get_json()["error"]
    assert client.post(f"/api/datasets/{first['dataset_id']}/restore", headers=auth(token)).status_code == 200
    assert sorted(features(client)) == ["61.01", "62.02", "62.11", "63.03"]
    events = client.get("/api/audit", headers=auth(tokens["admin"])).get_json()["events"]
    assert [e["action"] for e in events[:2]] == ["restore", "withdraw"]
    assert events[1]["detail"]["period"] == PERIOD and events[1]["actor"] == "penyunting"


def test_withdraw_needs_an_editor_token(app, tokens):  # noqa: F811
    client = app.test_client()
    assert client.post("/api/periods/2025-10/withdraw").status_code == 401
    assert client.post("/api/periods/2025-10/withdraw", headers=auth(tokens["viewer"])).status_code == 403
    assert client.post("/api/periods/2025-10/withdraw?series=x", headers=auth(tokens["editor"])).status_code == 400


def test_cli_withdraws_and_load_samples_does_not_bring_it_back(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["coverage", "withdraw", "2025-10"])
    assert result.exit_code == 0 and "Ditarik" in result.output
    assert runner.invoke(args=["coverage", "load-samples"]).exit_code == 0
    assert "2025-10" not in [p["period"] for p in app.test_client().get("/api/periods?series=utama").get_json()]
    failed = runner.invoke(args=["coverage", "withdraw", "2025-10"])
    assert failed.exit_code != 0 and "tidak sedang tayang" in failed.output


def test_merges_of_two_provinces_at_once_both_land(app, tokens):  # noqa: F811
    client, token = app.test_client(), tokens["editor"]
    publish(client, token, KALIMANTAN)
    files = [
        "kode,wilayah,cakupan,sumber\n62.11,Pulang Pisau,50,BPJS Kalteng\n",
        "kode,wilayah,cakupan,sumber\n63.03,Banjar,30,BPJS Kalsel\n",
        "kode,wilayah,cakupan,sumber\n61.01,Sambas,35,BPJS Kalbar\n",
    ]
    drafts = [upload(client, token, text, PERIOD).get_json()["id"] for text in files]
    statuses = []
    start = threading.Barrier(len(drafts))

    def work(draft_id):
        own = app.test_client()
        start.wait()
        statuses.append(own.post(f"/api/uploads/{draft_id}/publish", headers=auth(token)).status_code)

    threads = [threading.Thread(target=work, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201, 201, 201]
    props = features(client)
    assert {code: props[code]["coverage_pct"] for code in props} == {
        "62.11": 50.0,
        "62.02": 25.0,
        "63.03": 30.0,
        "61.01": 35.0,
    }
    with app.app_context():
        live = [v for v in list_versions(get_resources().engine) if v["period"] == PERIOD and v["is_live"]]
    assert len(live) == 1 and live[0]["version"] == 4


@pytest.mark.parametrize("replace", [False, True])
def test_review_page_shows_the_diff_and_the_replace_choice(app, tokens, replace):  # noqa: F811
    client, token = app.test_client(), tokens["editor"]
    publish(client, token, KALIMANTAN)
    draft = upload(client, token, KALTENG, PERIOD).get_json()["id"]
    with app.app_context():
        create_user(get_resources().engine, "redaksi", "editor", PASSWORD)
    sign_in(client, "redaksi")
    page = client.get(f"/kelola/draf/{draft}").get_data(as_text=True)
    assert 'data-diff="new"' in page and 'data-diff="changed"' in page and "41,3%" in page and "50,0%" in page
    assert page.count('data-diff="removed"') == 2 and "ganti seluruh periode" in page
    assert "<td>Peserta, Cakupan, Sumber, Tanggal data</td>" in page  # what changed for Pulang Pisau
    form = {"csrf_token": csrf(page)} | ({"replace": "1"} if replace else {})
    assert client.post(f"/kelola/draf/{draft}/terbitkan", data=form).status_code == 302
    expected = ["62.01", "62.02", "62.11"] if replace else ["61.01", "62.01", "62.02", "62.11", "63.03"]
    assert sorted(features(client)) == expected
    history = client.get("/kelola/riwayat").get_data(as_text=True)
    assert "Tarik periode" in history
    withdrawn = client.post(f"/kelola/riwayat/utama/{PERIOD}/tarik", data={"csrf_token": csrf(history)})
    assert withdrawn.status_code == 302
    assert "ditarik" in client.get("/kelola/riwayat").get_data(as_text=True)
    assert PERIOD not in [p["period"] for p in client.get("/api/periods").get_json()]


def test_cli_import_merges_unless_replace(app, tmp_path):
    runner = app.test_cli_runner()
    for name, text, extra in (("a.csv", KALIMANTAN, []), ("b.csv", KALTENG, []), ("c.csv", KALTENG, ["--replace"])):
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = runner.invoke(args=["coverage", "import", str(tmp_path / name), "--period", PERIOD, *extra])
        assert result.exit_code == 0, result.output
        codes = sorted(features(app.test_client()))
        if name == "b.csv":
            assert "1 baru, 1 berubah, 1 tetap" in result.output
            assert codes == ["61.01", "62.01", "62.02", "62.11", "63.03"]
    assert "2 dihapus" in result.output and codes == ["62.01", "62.02", "62.11"]


PROVINCES = (
    "provinsi,peserta,pekerja,cakupan,sumber,tanggal\n"
    "Kalimantan Tengah,,,35.5,BPJS Kanwil Kalimantan,Agustus 2025\n"
    "Prov. Kalimantan Barat,400000,1000000,,BPJS Kanwil Kalimantan,Agustus 2025\n"
    "Jawa Barat,,,50.0,BPJS Kanwil Kalimantan,Agustus 2025\n"
)


def province_layer(client, period=PERIOD):
    data = client.get(f"/api/coverage.geojson?scope=kalimantan&layer=provinsi&period={period}").get_json()
    return {f["properties"]["code"]: f["properties"] for f in data["features"]}


def test_a_province_level_file_publishes_the_province_layer_with_the_version(app, tokens):  # noqa: F811
    client, token = app.test_client(), tokens["editor"]
    draft = upload(client, token, PROVINCES, PERIOD).get_json()
    assert draft["ok"], draft["errors"]
    reasons = {row["input"]: (row["reason"], row["province"]) for row in draft["excluded"]}
    assert reasons["Jawa Barat"] == ("province", None)  # outside the map's area: set aside, never published
    assert reasons["Kalimantan Tengah"] == ("province", "62") and reasons["Prov. Kalimantan Barat"][1] == "61"
    first = client.post(f"/api/uploads/{draft['id']}/publish", headers=auth(token)).get_json()
    shown = province_layer(client)
    assert shown["62"]["coverage_pct"] == 35.5 and shown["62"]["basis"] == "terbitan"
    assert shown["61"]["coverage_pct"] == 40.0  # computed from its counts: 400.000 ÷ 1.000.000
    assert shown["62"]["source"] == "BPJS Kanwil Kalimantan" and shown["62"]["as_of"] == "Agustus 2025"
    # A district file merged on top keeps the province figures (they are records of the version)...
    publish(client, token, KALTENG)
    assert province_layer(client)["62"]["coverage_pct"] == 35.5
    # ...and withdrawing the period takes them off with it; restoring brings them back.
    assert client.post(f"/api/periods/{PERIOD}/withdraw", headers=auth(token)).status_code == 200
    assert client.get(f"/api/coverage.geojson?scope=kalimantan&layer=provinsi&period={PERIOD}").status_code == 404
    client.post(f"/api/datasets/{first['dataset_id']}/restore", headers=auth(token))
    assert province_layer(client)["62"]["coverage_pct"] == 35.5


def test_two_rows_for_one_province_are_refused(app, tokens):  # noqa: F811
    client, token = app.test_client(), tokens["editor"]
    text = "provinsi,cakupan,sumber\nKalimantan Tengah,35,BPJS\nKalteng,36,BPJS\n"
    draft = upload(client, token, text, PERIOD).get_json()
    assert not draft["ok"] and [e["kind"] for e in draft["errors"]] == ["duplicate"]


def test_the_diff_of_two_versions_lists_new_changed_and_removed_districts(app, tokens):  # noqa: F811
    client, token = app.test_client(), tokens["editor"]
    _, first = publish(client, token, KALIMANTAN)
    _, second = publish(client, token, KALTENG, replace=True)
    url = f"/api/datasets/{first['dataset_id']}/diff/{second['dataset_id']}"
    diff = client.get(url, headers=auth(token)).get_json()
    assert [c["code"] for c in diff["new"]] == ["62.01"]
    assert [(c["code"], c["before"], c["after"]) for c in diff["changed"]] == [("62.11", 41.3, 50.0)]
    assert [c["code"] for c in diff["removed"]] == ["61.01", "63.03"] and diff["unchanged"] == 1
    assert (diff["before"]["version"], diff["after"]["version"]) == (1, 2)
    back = client.get(f"/api/datasets/{second['dataset_id']}/diff/{first['dataset_id']}", headers=auth(token))
    assert [c["code"] for c in back.get_json()["new"]] == ["61.01", "63.03"]
    assert client.get(url).status_code == 401
    assert client.get(f"/api/datasets/{first['dataset_id']}/diff/99999", headers=auth(token)).status_code == 404
    sign_in(client, "penyunting")
    page = client.get(f"/kelola/riwayat/beda?ke={second['dataset_id']}").get_data(as_text=True)  # from version 1
    rows = dict(re.findall(r'data-diff="(\w+)" data-code="([\d.]+)"', page)[::-1])
    assert sorted(re.findall(r'data-diff="removed" data-code="([\d.]+)"', page)) == ["61.01", "63.03"]
    assert re.findall(r'data-diff="new" data-code="([\d.]+)"', page) == ["62.01"] and rows
    assert "Kabupaten Sambas" in page and "41,3%" in page and "50,0%" in page


def test_withdraw_and_restore_say_first_what_leaves_and_returns_to_the_map(app, tokens):  # noqa: F811
    client, token = app.test_client(), tokens["editor"]
    _, first = publish(client, token, KALIMANTAN)
    sign_in(client, "penyunting")
    history = client.get("/kelola/riwayat").get_data(as_text=True)
    confirm = client.get(f"/kelola/riwayat/utama/{PERIOD}/tarik")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Agustus 2025" in page
    assert sorted(re.findall(r'data-diff="removed" data-code="([\d.]+)"', page)) == ["61.01", "62.02", "62.11", "63.03"]
    assert PERIOD in [p["period"] for p in client.get("/api/periods").get_json()]  # nothing changed yet
    assert client.post(f"/kelola/riwayat/utama/{PERIOD}/tarik", data={"csrf_token": csrf(history)}).status_code == 302
    assert PERIOD not in [p["period"] for p in client.get("/api/periods").get_json()]
    page = client.get(f"/kelola/riwayat/{first['dataset_id']}/pulihkan").get_data(as_text=True)
    assert sorted(re.findall(r'data-diff="new" data-code="([\d.]+)"', page)) == ["61.01", "62.02", "62.11", "63.03"]
    assert PERIOD not in [p["period"] for p in client.get("/api/periods").get_json()]
    restored = client.post(f"/kelola/riwayat/{first['dataset_id']}/pulihkan", data={"csrf_token": csrf(page)})
    assert restored.status_code == 302 and PERIOD in [p["period"] for p in client.get("/api/periods").get_json()]
    assert client.get(f"/kelola/riwayat/utama/{PERIOD}/tarik", data={}).status_code == 200
    assert client.post(f"/kelola/riwayat/{first['dataset_id']}/pulihkan").status_code == 400  # no CSRF token


def test_the_audit_screen_filters_and_downloads_for_admins_only(app, tokens):  # noqa: F811
    client, token = app.test_client(), tokens["editor"]
    publish(client, token, KALIMANTAN)
    client.post(f"/api/periods/{PERIOD}/withdraw", headers=auth(token))
    with app.app_context():
        create_user(get_resources().engine, "-rekan", "editor", PASSWORD)  # a name a spreadsheet reads as a formula
        other = create_token(get_resources().engine, "-rekan")
    client.post("/api/periods/2025-12/withdraw?series=contoh", headers=auth(other))
    sign_in(client, "penyunting")
    assert client.get("/kelola/audit").status_code == 403  # editors: like GET /api/audit, admins only
    sign_in(client, "admin")
    page = client.get("/kelola/audit").get_data(as_text=True)
    assert 'data-action="withdraw"' in page and 'data-action="publish"' in page and 'data-action="upload"' in page
    page = client.get(f"/kelola/audit?aksi=withdraw&periode={PERIOD}").get_data(as_text=True)
    assert page.count('data-action="withdraw"') == 1 and 'data-action="publish"' not in page
    today = client.get("/kelola/audit?dari=2000-01-01&sampai=2999-12-31").get_data(as_text=True)
    assert today.count("<tr data-action") >= 4
    assert 'data-action="' not in client.get("/kelola/audit?sampai=2000-01-01").get_data(as_text=True)
    bad = client.get("/kelola/audit?dari=31/12/2025")
    assert bad.status_code == 400 and "TTTT-BB-HH" in bad.get_data(as_text=True)
    csv_text = client.get("/kelola/audit.csv?oleh=penyunting").get_data(as_text=True)
    assert csv_text.startswith("\ufeffwaktu_utc,oleh,aksi,periode,rincian")
    assert csv_text.count("\n") == 1 + len(
        re.findall(r"data-action", client.get("/kelola/audit?oleh=penyunting").get_data(as_text=True))
    )
    assert ",'-rekan,withdraw,2025-12," in client.get("/kelola/audit.csv").get_data(as_text=True)
    events = client.get("/api/audit?action=withdraw&period=2025-12", headers=auth(tokens["admin"])).get_json()
    assert [e["detail"]["series"] for e in events["events"]] == ["contoh"]
