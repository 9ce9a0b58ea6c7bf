"""Parse the cells and fields of an upload: counts, Rupiah, percentages, periods and dates."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "pebruari": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "nop": 11,
    "desember": 12,
    "des": 12,
}


MAX_COUNT = 1_000_000_000  # more people than Indonesia has: a typo, and more than a database column holds
MAX_PERCENT = 1_000.0  # above 100% is a warning (stale employment figures); above this, a typo


def parse_count(text: str) -> int:
    """Parse '3.302.762', '3,302,762', '3302762' or '3302762.0'; raise ValueError with a reason."""
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", cleaned):
        cleaned = re.sub(r"[.,]", "", cleaned)
    elif re.fullmatch(r"-?\d+([.,]0+)?", cleaned):
        cleaned = re.split(r"[.,]", cleaned)[0]
    else:
        raise ValueError(f"'{text}' bukan bilangan bulat. Tulis angka saja, mis. 3.302.762")
    value = int(cleaned)
    if value < 0:
        raise ValueError(f"'{text}' negatif. Jumlah orang tidak boleh negatif.")
    if value > MAX_COUNT:
        raise ValueError(f"'{text}' terlalu besar untuk jumlah orang di satu kabupaten/kota. Periksa angkanya.")
    return value


MAX_CONTRIBUTION = 10_000_000  # Rupiah a month for one person: more is a typo (the lowest BPU rate is Rp16.800)


def parse_rupiah(text: str) -> int:
    """Parse a monthly contribution in Rupiah: 'Rp16.800', 'Rp 16.800,00', '16800'; raise ValueError."""
    cleaned = re.sub(r"^rp\.?", "", text.strip().lower()).strip()
    cleaned = re.sub(r",00?$", "", cleaned)
    value = parse_count(cleaned)
    if value > MAX_CONTRIBUTION:
        raise ValueError(f"Iuran '{text}' per orang per bulan tidak mungkin. Tulis iuran sebulan, mis. 16.800.")
    return value


def parse_percent(text: str) -> float:
    """Parse '41,3', '41.3', '41,3%' (Indonesian or English decimal mark); raise ValueError with a reason."""
    cleaned = text.replace("%", "").replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." in cleaned:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        cleaned = cleaned.replace("." if decimal == "," else ",", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        raise ValueError(f"'{text}' bukan angka persen. Tulis mis. 41,3")
    value = float(cleaned)
    if value < 0:
        raise ValueError(f"'{text}' negatif. Persentase tidak boleh negatif.")
    if not math.isfinite(value) or value > MAX_PERCENT:
        raise ValueError(f"'{text}' bukan persentase yang mungkin. Tulis cakupan dalam persen, mis. 41,3")
    return value


def _next_month(today: date) -> str:
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return f"{year:04d}-{month:02d}"


WIT = timezone(timedelta(hours=9))  # Indonesia's easternmost time zone: no Indonesian date is later


def _today() -> date:
    return datetime.now(WIT).date()


def _not_later_than_next_month(period: str, text: str, today: date | None) -> str:
    latest = _next_month(today or _today())
    if period > latest:
        raise ValueError(
            f"Periode '{str(text).strip()[:20]}' belum tiba: periode paling akhir yang boleh diunggah {latest}. "
            "Periksa tahunnya (mis. 2025-10, bukan 2052-10)."
        )
    return period


def parse_period(text: str, today: date | None = None) -> str:
    """Return 'YYYY-MM' from a period cell: '2025-10', '2025/10', '10/2025', 'Oktober 2025', 'Okt 2025' or a
    date; refuse months later than next month."""
    cleaned = str(text).strip().lower()
    if found := re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?", cleaned):
        year, month = int(found.group(1)), int(found.group(2))
    elif found := re.fullmatch(r"(\d{1,2})[-/.](\d{4})", cleaned):
        year, month = int(found.group(2)), int(found.group(1))
    elif (found := re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", cleaned)) and found.group(1) in MONTHS:
        year, month = int(found.group(2)), MONTHS[found.group(1)]
    else:
        raise ValueError(f"Periode '{text}' tidak dikenali. Tulis dalam bentuk TTTT-BB, mis. 2025-10.")
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValueError(f"Periode '{text}' tidak masuk akal. Tulis dalam bentuk TTTT-BB, mis. 2025-10.")
    return _not_later_than_next_month(f"{year:04d}-{month:02d}", text, today)


def check_period(text: str, today: date | None = None) -> str:
    """The period an editor types (form, API, CLI): exactly TTTT-BB, a real month, not later than next month."""
    cleaned = str(text).strip()
    if not re.fullmatch(r"\d{4}-\d{2}", cleaned):
        raise ValueError(f"Periode '{cleaned[:20]}' tidak berbentuk TTTT-BB. Tulis mis. 2025-10.")
    return parse_period(cleaned, today)


def check_as_of(text: str, today: date | None = None) -> str:
    """The date of the data as typed with an upload: '2025-10-31', '31/10/2025', '31 Oktober 2025', 'Oktober 2025'
    or '2025'; return it as ISO text (2025-10-31, 2025-10, 2025). Refuse dates after today."""
    cleaned = str(text).strip().lower()
    day = None
    if found := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", cleaned):
        year, month, day = int(found.group(1)), int(found.group(2)), int(found.group(3))
    elif found := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", cleaned):
        year, month, day = int(found.group(3)), int(found.group(2)), int(found.group(1))
    elif (found := re.fullmatch(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})", cleaned)) and found.group(2) in MONTHS:
        year, month, day = int(found.group(3)), MONTHS[found.group(2)], int(found.group(1))
    elif (found := re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", cleaned)) and found.group(1) in MONTHS:
        year, month = int(found.group(2)), MONTHS[found.group(1)]
    elif found := re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?", cleaned):
        year, month = int(found.group(1)), int(found.group(2) or 0)
    else:
        raise ValueError(f"Tanggal data '{text[:40]}' tidak dikenali. Tulis mis. 2025-10-31 atau 31 Oktober 2025.")
    try:
        when = date(year, month or 1, day or 1)
    except ValueError as error:
        raise ValueError(f"Tanggal data '{text[:40]}' tidak ada di kalender. Periksa hari dan bulannya.") from error
    if when > (today or _today()) or year < 2000:
        raise ValueError(f"Tanggal data '{text[:40]}' tidak mungkin (di masa depan atau sebelum 2000).")
    return when.isoformat() if day else f"{year:04d}-{month:02d}" if month else f"{year:04d}"
