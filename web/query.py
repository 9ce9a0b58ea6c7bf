"""The labels of the choices a map offers (geo.query declares the choices): what the map's controls show.

Each is a msgid marked with `N_` and translated where shown (`_(label)`), so the registry needs no request.
"""

from __future__ import annotations

from geo.store import MAIN_SERIES, SAMPLE_SERIES


def N_(message: str) -> str:
    """Marks a message for translation where a registry declares it; it is translated where shown (`_(label)`)."""
    return message


SERIES_LABELS = {MAIN_SERIES: N_("Angka terbitan"), SAMPLE_SERIES: N_("Data contoh")}
LAYER_LABELS = {"kabupaten": N_("Kabupaten/kota"), "provinsi": N_("Provinsi")}
