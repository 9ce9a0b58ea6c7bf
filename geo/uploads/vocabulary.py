"""The words of a coverage table's header: the fields a column can become, and the rules that read a header cell.

Each column's words are recognised by rules (`recognise_header`), not only by an exact list. Angkatan kerja (the
labour force, which includes the unemployed) is its own field, never `workers` (penduduk bekerja): coverage is
never computed from it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

HEADER_SEARCH_ROWS = 20
MAX_HEADER_ROWS = 4


# The fields a column can become, with the label the review and the CLI use (and `--kolom LABEL=...` takes).
FIELD_LABELS = {
    "name": "wilayah",
    "code": "kode",
    "province": "provinsi",
    "period": "periode",
    "participants": "peserta",
    "workers": "pekerja",
    "labour_force": "angkatan_kerja",
    "coverage": "cakupan",
    "target": "target",
    "source": "sumber",
    "as_of": "tanggal",
    "remarks": "keterangan",
    "participants_pu": "peserta_pu",
    "participants_bpu": "peserta_bpu",
    "participants_jakon": "peserta_jakon",
    "participants_pmi": "peserta_pmi",
    "vulnerable_regency": "peserta_rentan_apbd_kabkota",
    "vulnerable_province": "peserta_rentan_apbd_prov",
    "vulnerable_other": "peserta_rentan_lain",
    "contribution_monthly": "iuran",
}
FIELD_BY_LABEL = {label: key for key, label in FIELD_LABELS.items()} | {key: key for key in FIELD_LABELS}
IGNORE_LABELS = frozenset({"abaikan", "diabaikan", "-", "tidak_dipakai"})
FIGURE_FIELDS = frozenset(FIELD_LABELS) - {"name", "code", "province", "period", "source", "as_of", "remarks"}


# Exact spellings that the rules below do not reach (kept from the first importer: files that worked keep working).
EXACT_HEADERS = {
    "tk_aktif": "participants",
    "bps": "code",
    "kemendagri": "code",
    "ket": "remarks",
    "iuran_rentan": "contribution_monthly",
}


@dataclass(frozen=True)
class HeaderWords:
    """A header cell's words, normalised, with what was stripped from it kept: unit, year, `s.d. <month>`."""

    words: tuple[str, ...]
    unit: str | None = None  # '%', 'jiwa', 'orang', 'rp'
    year: str | None = None
    until: str | None = None  # 'oktober' in 'Capaian s.d. Oktober'


UNIT_WORDS = {"persen": "%", "jiwa": "jiwa", "orang": "orang", "rp": "rp", "rupiah": "rp"}
MONTH_WORDS = {
    "januari",
    "februari",
    "pebruari",
    "maret",
    "april",
    "mei",
    "juni",
    "juli",
    "agustus",
    "september",
    "oktober",
    "november",
    "desember",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "agu",
    "agt",
    "sep",
    "okt",
    "nov",
    "des",
}
SPELLINGS = {"propinsi": "provinsi", "prov": "provinsi", "kab": "kabupaten", "kabkota": "kabupaten", "kec": "kecamatan"}


def header_words(text: object) -> HeaderWords:
    """'Target UCJ\\n(%)' -> words ('target', 'ucj'), unit '%'; 'Capaian s.d. Oktober 2025' -> ('capaian',),
    year '2025', until 'oktober'."""
    raw = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    unit = "%" if "%" in raw else None
    until = None
    if found := re.search(r"\b(?:s\s*[./]\s*d\s*\.?|sd|sampai\s+dengan|hingga)\s+([a-z]+)", raw):
        if found.group(1) in MONTH_WORDS:
            until = found.group(1)
        raw = raw[: found.start()] + " " + raw[found.end() :]
    years = re.findall(r"\b(?:19|20)\d{2}\b", raw)
    raw = re.sub(r"\b(?:19|20)\d{2}\b", " ", raw)
    raw = re.sub(r"\(\s*\d{1,2}\s*\)", " ", raw)  # a column number '(3)' in the header cell
    words = []
    for word in re.sub(r"[^a-z0-9]+", " ", raw).split():
        if word in UNIT_WORDS:
            unit = unit or UNIT_WORDS[word]
            if word != "persen":  # 'persen' is a unit and a word that says what the column is
                continue
        words.append(SPELLINGS.get(word, word))
    return HeaderWords(tuple(words), unit, years[-1] if years else None, until)


NUMBERING_WORDS = {"no", "nomor", "urut", "nourut"}
NAME_WORDS = {"wilayah", "kabupaten", "kota", "daerah", "district", "regency", "regencies", "kabupatenkota"}
PROVINCE_WORDS = {"provinsi", "province"}
CODE_WORDS = {"kode", "code", "kd", "pcode", "bps", "kemendagri", "kemdagri", "dagri", "id"}
SOURCE_WORDS = {"sumber", "source"}
# A quote of the source (`kutipan`, the bundled published figures) is kept as a remark too.
REMARK_WORDS = {"keterangan", "ket", "catatan", "remarks", "notes", "note", "kutipan", "quote"}
DATE_WORDS = {"tanggal", "tgl", "date", "as", "posisi"}
PERIOD_WORDS = {"periode", "period", "bulan"}
COUNT_WORDS = {"peserta", "pekerja", "tk", "tenaga", "jiwa", "orang", "penduduk", "jumlah", "participants"}
PERCENT_WORDS = {"persen", "persentase", "prosentase", "presentase", "cakupan", "ucj", "coverage", "pct", "percent"}
PERCENT_WORDS |= {"rasio"}
COVERAGE_WORDS = {
    "cakupan",
    "ucj",
    "coverage",
    "capaian",
    "realisasi",
    "persentase",
    "prosentase",
    "presentase",
    "persen",
    "pct",
}
PARTICIPANT_WORDS = {"peserta", "participants", "kepesertaan", "terdaftar", "terlindungi"}
ACTIVE_WORDS = {"aktif", "terdaftar", "terlindungi", "peserta"}
WORKER_WORDS = {"bekerja", "pekerja", "employed", "workers", "employment"}
NOT_PUBLISHED_WORDS = {
    "pengangguran": "pengangguran, bukan penduduk bekerja",
    "penganggur": "pengangguran, bukan penduduk bekerja",
    "menganggur": "pengangguran, bukan penduduk bekerja",
    "belum": "yang belum terlindungi/terdaftar, bukan peserta",
    "pertumbuhan": "pertumbuhan, bukan cakupan",
    "laju": "pertumbuhan, bukan cakupan",
    "jenis": "kategori (teks), bukan angka",
    "kategori": "kategori (teks), bukan angka",
    "uraian": "uraian (teks), bukan angka",
    "tpt": "tingkat pengangguran, bukan cakupan",
    "tpak": "tingkat partisipasi angkatan kerja, bukan cakupan",
    "perusahaan": "jumlah perusahaan, bukan peserta",
    "nonaktif": "peserta nonaktif, bukan peserta aktif",
}
# Known columns that are no figure: matched on the whole header ('Tahun', 'Satuan'), never on one word of it.
NOT_FIGURE_HEADERS = {
    ("satuan",): "satuan",
    ("tahun",): "tahun (periode dipilih saat mengunggah atau dari kolom periode)",
    ("tahun", "data"): "tahun (periode dipilih saat mengunggah atau dari kolom periode)",
}


@dataclass(frozen=True)
class Recognised:
    """What a header's words say a column is: a field, or a reason it is known but not used."""

    field: str | None
    reason: str | None = None

    @classmethod
    def unused(cls, reason: str) -> Recognised:
        return cls(None, reason)


def recognise_header(own: HeaderWords, group: HeaderWords | None = None, values: str | None = None) -> Recognised:
    """The field a column's header names, by rules over its words.

    `own` is the column's own (lowest) header cell, `group` the titles above it (a merged group title, a
    vertically merged cell), `values` what its data cells hold ('percent', 'count' or None). The column's own
    words decide where they are specific; the group decides what a generic sub-header (`Capaian`, `Target`,
    `Jumlah`, `%`) means.
    """
    group = group or HeaderWords(())
    s, g = set(own.words), set(group.words)
    a = s | g
    unit = own.unit or group.unit
    if not a:
        return Recognised(None)
    joined = "_".join(own.words)
    if joined in EXACT_HEADERS:
        return Recognised(EXACT_HEADERS[joined])
    if s and s <= NUMBERING_WORDS:
        return Recognised.unused("nomor urut")
    if own.words in NOT_FIGURE_HEADERS:
        return Recognised.unused(NOT_FIGURE_HEADERS[own.words])
    identity = _identity(s or g)
    if identity is not None:
        return identity
    for word, reason in NOT_PUBLISHED_WORDS.items():
        if word in s or (not s and word in g):
            return Recognised.unused(reason)
    segment = _segment(a)
    if segment is not None:
        if (unit == "%" or a & (COVERAGE_WORDS - {"realisasi"})) and segment != "contribution_monthly":
            return Recognised.unused("cakupan satu segmen (persen), bukan cakupan UCJ")
        return Recognised(segment)
    if {"non", "aktif"} <= s:
        return Recognised.unused(NOT_PUBLISHED_WORDS["nonaktif"])
    percent = unit == "%" or bool(a & PERCENT_WORDS)
    counts = bool(a & COUNT_WORDS) or unit in ("jiwa", "orang")
    if "target" in a or "sasaran" in a:
        if (counts or values == "count") and not percent:
            return Recognised.unused("target jumlah orang, bukan target cakupan (persen)")
        return Recognised("target")
    if "angkatan" in s or (not s & WORKER_WORDS and "angkatan" in g):
        if percent or "tingkat" in a or "partisipasi" in a:
            return Recognised.unused("persentase angkatan kerja, bukan cakupan")
        return Recognised("labour_force")
    if s & {"bekerja"} and a & PERCENT_WORDS - {"cakupan", "ucj", "coverage"}:
        return Recognised.unused("persentase penduduk bekerja, bukan cakupan")
    own_counts = bool(s & COUNT_WORDS) and own.unit != "%" and not s & PERCENT_WORDS
    # Words that say 'percent' on their own; a generic 'Capaian', 'Realisasi' is decided by the values too.
    # ('115.625' may be a percentage or 115 625 people: the values never override a percent header.)
    strong = unit == "%" or bool(a & (PERCENT_WORDS - {"rasio"}))
    if a & COVERAGE_WORDS or unit == "%":
        if own_counts or (values == "count" and not strong):
            if a & PARTICIPANT_WORDS or (s & {"tk", "tenaga"} and s & ACTIVE_WORDS):
                return Recognised("participants")
            if s & WORKER_WORDS or {"tenaga", "kerja"} <= s:
                return Recognised("workers")
            return Recognised.unused("berisi jumlah, bukan persen cakupan")
        return Recognised("coverage")
    words = s or g
    if "potensi" in words:  # BPJS's 'potensi peserta/pekerja': the employed population it counts against
        return Recognised("workers")
    if words & PARTICIPANT_WORDS or (words & {"tk", "tenaga"} and words & ACTIVE_WORDS):
        return Recognised("participants")
    if words & WORKER_WORDS or {"tenaga", "kerja"} <= words:
        return Recognised("workers")
    return Recognised(None)


def _identity(words: set[str]) -> Recognised | None:
    """The columns that say which district and what about it: code, name, province, source, remarks, dates."""
    if words & {"rentan", "iuran"}:  # 'Rentan sumber lain', 'Iuran per bulan': segments (geo.segments)
        return None
    if words & CODE_WORDS and not words & (COUNT_WORDS | COVERAGE_WORDS):
        if words & (PERIOD_WORDS | {"tahun"}):
            return Recognised.unused("kode bulan/tahun, bukan kode wilayah")
        if words & PROVINCE_WORDS and not words & NAME_WORDS:
            return Recognised.unused("kode provinsi (provinsi dibaca dari kolom nama provinsi)")
        return Recognised("code")
    if words & SOURCE_WORDS:
        return Recognised("source")
    if words & REMARK_WORDS:
        return Recognised("remarks")
    if words & DATE_WORDS and not words & COUNT_WORDS:
        return Recognised("as_of")
    if words & PERIOD_WORDS:
        return Recognised("period")
    if words & (COUNT_WORDS | COVERAGE_WORDS | WORKER_WORDS | {"target", "angkatan", "rentan", "iuran"}):
        return None
    if words & PROVINCE_WORDS and not words & NAME_WORDS:
        return Recognised("province")
    if words & NAME_WORDS or words == {"nama"} or words == {"name"}:
        return Recognised("name")
    return None


def _segment(words: set[str]) -> str | None:
    if "iuran" in words:
        return "contribution_monthly"
    if "rentan" in words:
        if words & {"provinsi"}:
            return "vulnerable_province"
        if words & {"kabupaten", "kota"}:
            return "vulnerable_regency"
        if words & {"lain", "lainnya"}:
            return "vulnerable_other"
        return None
    if words & {"bpu", "pbpu"} or {"bukan", "penerima", "upah"} <= words:
        return "participants_bpu"
    if "pu" in words or {"penerima", "upah"} <= words:
        return "participants_pu"
    if "jakon" in words or {"jasa", "konstruksi"} <= words:
        return "participants_jakon"
    if "pmi" in words or "migran" in words:
        return "participants_pmi"
    return None
