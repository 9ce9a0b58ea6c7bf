"""Where the static formats' labels go (layers.placement), and that the PNG and the slide use every place."""

import io

import pytest
from pptx import Presentation

from layers.placement import choose_places

AREA = (0, 0, 100, 100)


@pytest.mark.parametrize(
    ("boxes", "chosen"),
    [
        ([[(10, 10, 30, 20)], [(20, 10, 40, 20), (20, 30, 40, 40)]], [0, 1]),  # the second place, the first taken
        ([[(10, 10, 30, 20)], [(20, 10, 40, 20), (25, 15, 45, 25)]], [0, None]),  # no place free: left out
        ([[(10, 10, 30, 20)], [(90, 10, 110, 20), (70, 10, 90, 20)]], [0, 1]),  # out of the area: the next place
        ([[(-5, 10, 15, 20), (-1, 0, 5, 5)], [(20, 10, 40, 20)]], [0, 0]),  # the capital keeps its first place
        ([[(10, 10, 30, 20)], [(30, 10, 50, 20)]], [0, 0]),  # boxes that only touch are apart
    ],
)
def test_each_label_takes_its_first_free_place(boxes, chosen):
    assert choose_places(boxes, AREA) == chosen


def test_the_slide_and_the_png_label_districts_at_their_later_places(client, monkeypatch):
    """Sumatera Utara, where first places alone name 11 of 33 districts on the slide."""
    import layers.static_map

    drawn = []
    original = layers.static_map._place_labels
    monkeypatch.setattr(layers.static_map, "_place_labels", lambda *a, **k: drawn.append(original(*a, **k)))
    assert client.get("/export/sumatera-utara.png?series=contoh").status_code == 200
    deck = Presentation(io.BytesIO(client.get("/export/sumatera-utara.pptx?series=contoh").data))
    labels = [shape for slide in deck.slides for shape in slide.shapes if shape.name.startswith("Label ")]
    assert len(labels) >= 14 and drawn[0] >= 26  # were 11 and 21 at first places only
