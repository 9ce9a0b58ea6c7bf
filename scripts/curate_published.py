"""Build data/coverage/terbitan.csv from ../shared/coverage/published_ucj_research.csv.

Kept: kabupaten/kota figures stated as an exact UCJ coverage percentage with a date, the latest per
district, with participants/employed/target when the same source gives them. Left out, and why:
bounds (">80", "<50") and ranges are not values; "_approx" figures; Kota Medan 0.51% (flagged as not a
standard UCJ figure); Lhokseumawe 42.5% (non-ASN workers only); Sarolangun 52% (ambiguous wording);
Kabupaten Siak 13.87% (no date); Lampung Utara (the page lists it twice with 25.6% and 26.6%).
Run: python scripts/curate_published.py [SOURCE_CSV]
"""

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/coverage/published_ucj_research.csv"
TARGET = ROOT / "data/coverage/terbitan.csv"
# (kode, coverage row, optional rows for participants, employed, target; date as printed) by source row index
PICKS = [
    ("63.03", 13, None, 14, 15, "2025"),
    ("13.12", 17, None, None, None, "Agustus 2025"),
    ("61.01", 35, None, None, None, "27 Agustus 2025"),
    ("64.72", 47, None, None, None, "September 2025"),
    ("64.74", 312, None, None, None, "14 Mei 2025"),
    ("64.08", 313, None, None, None, "14 Mei 2025"),
    ("12.10", 68, None, None, None, "Agustus 2025"),
    ("13.11", 75, None, None, None, "September 2024"),
    ("15.04", 82, None, None, None, "Agustus 2024"),
    ("15.71", 85, None, None, None, "Agustus 2024"),
    ("15.07", 86, None, None, None, "Agustus 2024"),
    ("15.09", 87, None, None, None, "Agustus 2024"),
    ("18.13", 115, None, None, None, "24 September 2024"),
    ("18.07", 116, None, None, None, "24 September 2024"),
    ("18.08", 117, None, None, None, "24 September 2024"),
    ("18.10", 118, None, None, None, "24 September 2024"),
    ("18.12", 119, None, None, None, "24 September 2024"),
    ("18.04", 120, None, None, None, "24 September 2024"),
    ("18.11", 121, None, None, None, "24 September 2024"),
    ("18.02", 123, None, None, None, "24 September 2024"),
    ("18.01", 124, None, None, None, "24 September 2024"),
    ("18.05", 126, None, None, None, "24 September 2024"),
    ("18.06", 127, None, None, None, "24 September 2024"),
    ("18.71", 128, None, None, None, "24 September 2024"),
    ("18.72", 129, None, None, None, "24 September 2024"),
    ("16.06", 134, None, None, None, "Juli 2025"),
    ("62.02", 190, None, None, None, "Juli 2025"),
    ("61.04", 204, None, None, None, "2024"),
    ("13.71", 210, None, None, None, "11 November 2024"),
    ("14.10", 221, None, None, None, "12 Juni 2025"),
    ("11.71", 281, 285, 284, None, "31 Desember 2021"),
    ("16.05", 287, 288, 289, None, "Agustus 2025"),
    ("61.11", 295, None, None, None, "7 Oktober 2025"),
    ("61.08", 252, 254, 255, None, "2024"),
    ("62.05", 315, None, None, None, "Oktober 2024"),
    ("14.07", None, 230, 231, None, "Maret 2025"),
]


def main() -> None:
    rows = list(csv.DictReader(SOURCE.open(encoding="utf-8")))
    value = lambda i: rows[i]["value"] if i is not None else ""  # noqa: E731
    out = []
    for kode, cov, part, work, target, as_of in PICKS:
        anchor = rows[cov if cov is not None else part]
        out.append(
            {
                "kode": kode,
                "wilayah": anchor["region"],
                "provinsi": anchor["province"],
                "cakupan": value(cov),
                "peserta": value(part),
                "pekerja": value(work),
                "target": value(target),
                "tanggal": as_of,
                "sumber": anchor["source_url"],
            }
        )
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(out[0]))
        writer.writeheader()
        writer.writerows(out)
    print(f"{len(out)} districts -> {TARGET}")


if __name__ == "__main__":
    main()
