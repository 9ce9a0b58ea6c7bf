"""Check a palette the way readers will see it: under colour-vision deficiencies and in greyscale print.

Simulation uses the Machado, Oliveira & Fernandes (2009) matrices at full severity, applied in linear RGB;
distances are CIE76 ΔE in CIELAB (D65). A pair of levels closer than MIN_DELTA_E is hard to tell apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

MIN_DELTA_E = 10.0
SIMULATIONS = {
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}
_RGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
)
_WHITE = np.array([0.95047, 1.0, 1.08883])


@dataclass(frozen=True)
class PaletteCheck:
    vision: str
    min_delta_e: float
    closest: tuple[str, str]

    @property
    def ok(self) -> bool:
        return self.min_delta_e >= MIN_DELTA_E


def _linear(colors: list[str]) -> np.ndarray:
    srgb = np.array([[int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)] for c in colors])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = np.clip(linear, 0, 1) @ _RGB_TO_XYZ.T / _WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


def seen_as(colors: list[str], vision: str) -> np.ndarray:
    """CIELAB of the colours as seen with normal vision, a simulated deficiency, or in greyscale."""
    linear = _linear(colors)
    if vision in SIMULATIONS:
        linear = linear @ SIMULATIONS[vision].T
    lab = _lab(linear)
    if vision == "greyscale":
        lab[:, 1:] = 0.0  # printing in grey keeps only lightness
    return lab


def check_palette(colors: list[str], labels: list[str]) -> list[PaletteCheck]:
    """The smallest distance between any two levels, per way of seeing."""
    results = []
    for vision in ("normal", *SIMULATIONS, "greyscale"):
        lab = seen_as(colors, vision)
        distance, pair = min(
            (float(np.linalg.norm(lab[i] - lab[j])), (labels[i], labels[j]))
            for i, j in combinations(range(len(colors)), 2)
        )
        results.append(PaletteCheck(vision, round(distance, 1), pair))
    return results
