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

Then adds the figures of ../shared/coverage/published_ucj_research_2026-12.csv (found since; each with the exact
sentence it comes from, kept in `kutipan`), picked by RECENT_PICKS below and checked by the code: the coverage
row's metric is `ucj_pct` without "approx", its value a number and its date names a month; participants, employed
and target come only from rows of the same page (never approximate). Left out, and why:
- Kota Medan 55,55% (Sep 2025): the page's own counts (472.068 of 875.743) do not give it, and the regional
  parliament's 0,51% contradicts it;
- Kabupaten OKU Selatan 25,77% (Apr 2025) and 39% (2024): the sentence is ambiguous (vulnerable workers or all);
- Kabupaten Bangka 31,50% and Solok Selatan's "baru 29%": no date; Kota Balikpapan 67% ("Senin (22/9)", no year
  on the page): undated;
- not UCJ coverage: Rokan Hulu 65% (private-sector workers only, 2022), Kota Padang's 42% (formal workers),
  Paser's 90,43% (vulnerable workers), Kutai Timur's "coverage share" award label, PU/BPU shares (Pidie,
  Tapanuli Utara, Balikpapan), Penajam Paser Utara's "kisaran 80 persen" (formal, approximate);
- approximations: Kapuas "sekitar 43" (2024), Solok Selatan 19% (2024) and its 28% target, "sekitar" counts;
- a labour force ("angkatan kerja", Solok, Padang Panjang) or a denominator the researcher flags as disputed
  (Solok Selatan's 61.794 "potensi") is never put in `pekerja`.
Conflicts, the rule written down: a figure contradicted by its own page is left out (Medan). Pages about different
months are not resolved by choosing a value: each district shows its latest exact dated figure, with its source,
date and period (Singkawang 22,77% of 12 June 2025 over 27,5% for 2024; Kapuas 40% of April 2025; Solok Selatan
30,40% of October 2025, printed with its counts by two outlets, over 16,97% of September 2024 and 16,41% of March
2025). A district in both files keeps the later figure; a figure dated by year only never wins over a dated month.

Every row gets `periode`, the month the figure describes (YYYY-MM, from its date as printed; empty when the page
names only a year), beside `tanggal` as printed.
Run: python scripts/curate_published.py [SOURCE_CSV [RECENT_CSV]]
"""

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared/coverage/published_ucj_research.csv"
RECENT = ROOT.parent / "shared/coverage/published_ucj_research_2026-12.csv"
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
# From RECENT, by row index: (kode, coverage row, participants row, employed row, target row). The date is the
# coverage row's `as_of` as printed, without its remark in brackets.
RECENT_PICKS = [
    ("12.02", 11, 10, 7, None),  # Tapanuli Utara 15,65% (Mei 2025): 14.421 of 92.165 "pekerja"
    ("12.09", 13, None, None, None),  # Asahan 41,39% (16 Oktober 2025); its counts are "sekitar"
    ("13.02", 28, 27, None, None),  # Solok 13,85% (Juni 2025); 226.964 is "angkatan kerja"
    ("13.11", 39, 36, None, None),  # Solok Selatan 30,40% (awal Oktober 2025), also radarsumbar.com
    ("13.74", 49, 48, None, None),  # Padang Panjang 78% (31 Desember 2024); 19.654 is "angkatan kerja"
    ("61.02", 95, None, None, None),  # Mempawah 38,54% (September 2024)
    ("61.12", 104, 103, None, None),  # Kubu Raya 39,21% (November 2023)
    ("61.72", 109, None, None, None),  # Singkawang 22,77% (12 Juni 2025)
    ("62.03", 113, None, None, None),  # Kapuas 40% (8 April 2025)
    ("64.11", 152, None, None, 151),  # Mahakam Ulu 12,7% (23 Juli 2025), target 40% for 2025
]
COLUMNS = ["kode", "wilayah", "provinsi", "cakupan", "peserta", "pekerja", "target", "tanggal", "periode", "sumber"]
COLUMNS += ["kutipan"]


def period_of(as_of: str) -> str:
    """The month a figure describes (YYYY-MM) from its date as printed; empty when only a year is given."""
    dated = printed_date(as_of)
    if dated is None:
        raise ValueError(f"no date in '{as_of}'")
    year, month, _day = dated[1]
    return f"{year}-{month:02d}" if month else ""


def bundled_rows(rows: list[dict]) -> list[dict]:
    """The rows PICKS takes from the first research file."""
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
                "periode": period_of(as_of),
                "sumber": anchor["source_url"],
                "kutipan": "",  # the first research file keeps no quotes
            }
        )
    return out


def _checked(rows: list[dict], index: int | None, kode: str, url: str, metric: str) -> str:
    """A row's value when it is an exact figure of that metric for that district on the same page; else stop."""
    if index is None:
        return ""
    row = rows[index]
    if row["code"] != kode or row["url"] != url or not row["metric"].startswith(metric) or "approx" in row["metric"]:
        raise ValueError(f"recent row {index}: not an exact {metric} of {kode} from {url}: {row}")
    float(row["value"])  # a number as printed, or stop
    return row["value"]


def recent_rows(rows: list[dict]) -> list[dict]:
    """The rows RECENT_PICKS takes from the second research file, each checked and with its quote."""
    out = []
    for kode, cov, part, work, target in RECENT_PICKS:
        anchor = rows[cov]
        url = anchor["url"]
        coverage = _checked(rows, cov, kode, url, "ucj_pct")
        as_of = anchor["as_of"].split("(")[0].strip()
        if not period_of(as_of):
            raise ValueError(f"recent row {cov}: '{as_of}' names no month")
        out.append(
            {
                "kode": kode,
                "wilayah": anchor["region"].split(" (")[0],  # without the short form in brackets
                "provinsi": anchor["province"],
                "cakupan": coverage,
                "peserta": _checked(rows, part, kode, url, "participants"),
                "pekerja": _checked(rows, work, kode, url, "employed"),
                "target": _checked(rows, target, kode, url, "target_pct"),
                "tanggal": as_of,
                "periode": period_of(as_of),
                "sumber": url,
                "kutipan": anchor["quote"],
            }
        )
    return out


def latest_per_district(bundled: list[dict], recent: list[dict]) -> list[dict]:
    """Each district once: its later figure (a month-dated figure over a year-only one), in the bundled order, then
    the districts new in the recent file."""
    key = lambda row: printed_date(row["tanggal"])[1]  # noqa: E731
    newer = {row["kode"]: row for row in recent}
    out = []
    for row in bundled:
        other = newer.pop(row["kode"], None)
        out.append(other if other is not None and key(other)[:2] > key(row)[:2] else row)
    return out + list(newer.values())


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def district_rows(source: Path, recent: Path) -> list[dict]:
    """Every row of data/coverage/terbitan.csv, curated from the two research files."""
    return latest_per_district(bundled_rows(read_rows(source)), recent_rows(read_rows(recent)))


def main(source: Path, recent: Path) -> None:
    out = district_rows(source, recent)
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(out)
    years = sorted({row["tanggal"][-4:] for row in out})
    print(f"{len(out)} districts ({len(RECENT_PICKS)} from {recent.name}), figures of {', '.join(years)} -> {TARGET}")


def printed_date(as_of: str) -> tuple[str, tuple[int, int, int]] | None:
    """The date as printed (without a trailing remark) and a sort key; None when the source gives no date."""
    text = as_of.split("(")[0].strip()
    match = re.fullmatch(r"(?:awal |akhir |pertengahan )?(?:(\d{1,2}) )?(?:([A-Za-z]+) )?((?:19|20)\d\d)", text)
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
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    main(source, Path(sys.argv[2]) if len(sys.argv) > 2 else RECENT)
    write_provinces(read_rows(source))
