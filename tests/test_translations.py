"""Every message in the code and templates has an English translation, and levels carry both languages."""

import html
import io
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app import ROOT
from geo.accounts import create_user
from geo.levels import read_schemes
from tests.test_editor import PASSWORD, csrf
from web.resources import get_resources

METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "N_": None}  # N_: a registry's label, translated where shown (web.query)


def test_every_message_is_translated():
    with open(ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    found = {
        message
        for _, _, message, _, _ in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS)
        if isinstance(message, str)
    }
    assert found, "no messages found: the extraction itself is broken"
    missing = sorted(m for m in found if not catalog.get(m) or not catalog.get(m).string)
    assert not missing
    obsolete = sorted(m.id for m in catalog if m.id and m.id not in found)
    assert not obsolete


def test_level_schemes_speak_both_languages():
    for scheme in read_schemes(ROOT / "data" / "levels.json").values():
        own = [scheme.title, scheme.choice, scheme.description, scheme.no_data.label]
        for texts in [*own, *(lv.label for lv in scheme.levels)]:
            assert set(texts) == {"id", "en"}


# Indonesian that once reached English pages without being a message: labels, credits, bundled data's texts, a
# period written as a code, and a level translated as "Rose" (past tense of "naik", read as a flower or colour).
INDONESIAN = (
    "Nama akun",
    "Kata sandi",
    "Batas wilayah",
    "dibuat acak",
    "kompilasi berita",
    "Perubahan sejak",
    "since 2025-06",
    "Rose",
    "Fell",
)
# Kept in both languages on purpose: the sample data's label (map.html shows "DATA CONTOH — bukan data resmi ·
# SAMPLE DATA — not official figures"), and names of places.
BILINGUAL = "DATA CONTOH — bukan data resmi"


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))).replace(BILINGUAL, "")


def catalogue_texts() -> list[str]:
    """Msgids whose English differs and that are long enough not to be a place name or a code."""
    with open(ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    return [
        m.id
        for m in catalog
        if isinstance(m.id, str)
        and len(m.id) >= 10
        and " " in m.id
        and "%(" not in m.id
        and m.string
        and m.string != m.id
    ]


@pytest.fixture()
def signed_in(app):
    with app.app_context():
        create_user(get_resources().engine, "pengelola", "admin", PASSWORD)
    client = app.test_client()
    token = csrf(client.get("/masuk").get_data(as_text=True))
    client.post("/masuk", data={"name": "pengelola", "password": PASSWORD, "csrf_token": token})
    return client


PAGES = [
    "/",
    "/?series=contoh&period=2025-12&compare=2025-06",
    "/district/62.11?series=contoh",
    "/bandingkan?series=contoh&kode=62.11&kode=62.71",
    "/masuk",
    "/kelola",
    "/kelola/riwayat",
    "/kelola/riwayat/beda",
    "/kelola/audit",
    "/map/tidak-ada",
]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_page_says_its_language(signed_in, lang):
    for url in PAGES:
        page = signed_in.get(url + ("&" if "?" in url else "?") + f"lang={lang}").get_data(as_text=True)
        assert f'<html lang="{lang}">' in page, url


def test_english_pages_have_no_indonesian_left(signed_in):
    texts = catalogue_texts()
    assert len(texts) > 100
    for url in PAGES:
        text = visible_text(signed_in.get(url + ("&" if "?" in url else "?") + "lang=en").get_data(as_text=True))
        assert not [word for word in INDONESIAN if word in text], url
        assert not [message for message in texts if message in text], url


def test_the_review_page_names_how_each_row_was_matched(signed_in):
    page = signed_in.get("/kelola").get_data(as_text=True)
    form = {
        "file": (io.BytesIO(b"kode,wilayah,cakupan\n62.11,Pulang Pisau,40\n,Kotawaringin Timur,30\n"), "a.csv"),
        "period": "2025-11",
        "source": "BPJS",
        "csrf_token": csrf(page),
    }
    review = signed_in.post("/kelola", data=form, content_type="multipart/form-data").headers["Location"]
    indonesian = signed_in.get(review).get_data(as_text=True)
    assert (
        '<td data-method="code" data-label="Cara">kode</td>' in indonesian
        and '<td data-method="name" data-label="Cara">nama</td>' in indonesian
    )
    english = signed_in.get(review + "?lang=en").get_data(as_text=True)
    assert (
        '<td data-method="code" data-label="How">code</td>' in english
        and '<td data-method="name" data-label="How">name</td>' in english
    )
