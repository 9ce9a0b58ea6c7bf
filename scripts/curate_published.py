"""Build data/coverage/terbitan.csv from ../shared/coverage/published_ucj_research.csv.

Kept: kabupaten/kota figures stated as an exact UCJ coverage percentage with a date, the latest per
district, with participants/employed/target when the same source gives them. Left out, and why:
bounds (">80", "<50") and ranges are not values; "_approx" figures; Kota Medan 0.51% (flagged as not a
standard UCJ figure); Lhokseumawe 42.5% (non-ASN workers only); Sarolangun 52% (ambiguous wording);
Kabupaten Siak 13.87% (no date); Lampung Utara (the page lists it twice with 25.6% and 26.6%).

Also builds data/coverage/provinsi.csv: per province, the latest dated figure whose metric is exactly
`coverage_percent` (no qualifier), chosen by the code below, not by hand. From the same source page it adds
`participants_count`, an `employed_population` that is not approximate, and a `target_percent` for the
figure's year. Left out, and why:
- Sumatera Barat and Kepulauan Riau: no exact province figure is published (only "_approx" ones, 43% and
  49%/58%, and formal/informal shares); their province shows "data tidak lengkap" unless districts cover it.
- figures without a date ("date not in excerpt": Bengkulu 27.39%, Sumatera Selatan 32.7%);
- figures with a qualifier: Kalimantan Barat 30.41% (stated "dari target", ambiguous), Bangka Belitung 35%
  and 40.27% (with or without construction workers), Kalimantan Timur ">50";
- labour force ("angkatan kerja") is not employed population, so it is never put in `pekerja`;
- values are never computed (e.g. Kalimantan Tengah's employed = participants + uncovered is not derived).
Run: python scripts/curate_published.py [SOURCE_CSV]
"""

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/coverage/published_ucj_research.csv"
TARGET = ROOT / "data/coverage/terbitan.csv"
PROVINCE_TARGET = ROOT / "data/coverage/provinsi.csv"
PROVINCE_CODES = {
    "Aceh": "11",
    "Sumatera Utara": "12",
    "Sumatera Barat": "13",
    "Riau": "14",
    "Jambi": "15",
    "Sumatera Selatan": "16",
    "Bengkulu": "17",
    "Lampung": "18",
    "Kepulauan Bangka Belitung": "19",
    "Kepulauan Riau": "21",
    "Kalimantan Barat": "61",
    "Kalimantan Tengah": "62",
    "Kalimantan Selatan": "63",
    "Kalimantan Timur": "64",
    "Kalimantan Utara": "65",
}
TARGET_METRIC = re.compile(r"target_percent( \(.*\))?")  # a target, possibly saying whose
MONTHS = {
    m: i
    for i, m in enumerate(
        "januari februari maret april mei juni juli agustus september oktober november desember".split(), 1
    )
}
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


def printed_date(as_of: str) -> tuple[str, tuple[int, int, int]] | None:
    """The date as printed (without a trailing remark) and a sort key; None when the source gives no date."""
    text = as_of.split("(")[0].strip()
    match = re.fullmatch(r"(?:(\d{1,2}) )?(?:([A-Za-z]+) )?((?:19|20)\d\d)", text)
    if not match or (match.group(2) and match.group(2).lower() not in MONTHS):
        return None
    day, month, year = match.groups()
    return text, (int(year), MONTHS.get((month or "").lower(), 0), int(day or 0))


def province_rows(rows: list[dict]) -> list[dict]:
    """The latest dated exact coverage figure per province, with same-source counts and target."""
    best: dict[str, tuple] = {}
    for row in rows:
        dated = printed_date(row["as_of"])
        if row["level"] != "province" or row["metric"] != "coverage_percent" or dated is None:
            continue
        if row["province"] not in best or dated[1] > best[row["province"]][1][1]:
            best[row["province"]] = (row, dated)
    out = []
    for province, (row, (as_of, key)) in sorted(best.items(), key=lambda item: PROVINCE_CODES[item[0]]):
        same = [r for r in rows if r["source_url"] == row["source_url"] and r["province"] == province]
        year = str(key[0])
        participants = [r for r in same if r["metric"] == "participants_count"]
        employed = [r for r in same if r["metric"].startswith("employed_population") and "approx" not in r["metric"]]
        targets = [r for r in same if TARGET_METRIC.fullmatch(r["metric"]) and r["as_of"][:4] == year]
        out.append(
            {
                "kode_prov": PROVINCE_CODES[province],
                "provinsi": province,
                "cakupan": row["value"],
                "peserta": participants[0]["value"] if participants else "",
                "pekerja": employed[0]["value"] if employed else "",
                "target": targets[0]["value"] if targets else "",
                "tanggal": as_of,
                "sumber": row["source_url"],
            }
        )
    return out


def write_provinces(rows: list[dict]) -> None:
    out = province_rows(rows)
    with PROVINCE_TARGET.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(out[0]))
        writer.writeheader()
        writer.writerows(out)
    missing = sorted(set(PROVINCE_CODES) - {r["provinsi"] for r in out})
    print(f"{len(out)} provinces -> {PROVINCE_TARGET}; no exact dated figure: {', '.join(missing)}")


if __name__ == "__main__":
    main()
    write_provinces(list(csv.DictReader(SOURCE.open(encoding="utf-8"))))
