"""Every message in the code and templates has an English translation, and levels carry both languages."""

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app import ROOT
from geo.levels import read_schemes

METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]


def test_every_message_is_translated():
    with open(ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    found = {
        message
        for _, _, message, _, _ in extract_from_dir(str(ROOT), METHODS, keywords={"_": None, "gettext": None})
        if isinstance(message, str)
    }
    assert found, "no messages found: the extraction itself is broken"
    missing = sorted(m for m in found if not catalog.get(m) or not catalog.get(m).string)
    assert not missing
    obsolete = sorted(m.id for m in catalog if m.id and m.id not in found)
    assert not obsolete


def test_level_schemes_speak_both_languages():
    for scheme in read_schemes(ROOT / "data" / "levels.json").values():
        for texts in [scheme.title, scheme.description, scheme.no_data.label, *(lv.label for lv in scheme.levels)]:
            assert set(texts) == {"id", "en"}
