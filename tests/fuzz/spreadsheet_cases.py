"""Hostile and valid spreadsheets for `posko import-xlsx`, seeded and deterministic.

`spreadsheet_cases(folder, rng, n)` writes n files into `folder` and yields
`(name, path, must_refuse, command)`: `name` is "kind:number", `command` is the CLI arguments that import the file
(without `--db`); `must_refuse` True means exit 2 with the database unchanged, False means
the file is good and imports with exit 0. The same seed gives the same files.

Kinds: entity bombs and external entities (in the sheet, the shared strings, the
workbook), zip bombs (high ratio, lying or huge declared sizes, too many members),
truncated and bit-flipped zips, wrong encodings (Shift-JIS, EUC-JP, GBK, Cyrillic, mixed),
broken quotes, NUL and control bytes, formula cells (with and without a cached value), huge
cells and rows, the wrong sheet, an old .xls, and valid XLSX/CSV files (UTF-8, UTF-8 with
BOM, UTF-16, Windows-1252, `sep=;`).
"""

from __future__ import annotations

import csv
import io
import random
import struct
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl

HEADERS = ["No. referensi", "Kabupaten/Kota", "Waktu kejadian (WIB)", "Kategori",
           "Tingkat keparahan", "Judul", "Lokasi"]
REGENCIES = ["33.74", "3322", "33.01 Kab. Cilacap", "Kota Surakarta", "Kab. Semarang"]
TITLES = ["Hoaks surat suara tercoblos", "Dugaan serangan fajar di desa", "Baliho dirusak 🗳️",
          "Intimidasi terhadap pemilih", "Bentrok pendukung paslon \"02\"", "Kabar TPS banjir"]
SHEET = "xl/worksheets/sheet1.xml"
BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join('<!ENTITY lol{i} "{refs}">'.format(
        i=i, refs=("&lol{};".format(i - 1) if i > 1 else "&lol;") * 10) for i in range(1, 10))
    + "]>")
EXTERNAL = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
PARAMETER = '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>'
Case = tuple[str, Path, bool, list[str]]


def spreadsheet_cases(folder: Path, rng: random.Random, n: int) -> Iterator[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    kinds = sorted(_KINDS)
    for i in range(n):
        kind = kinds[i % len(kinds)] if i < len(kinds) else rng.choice(kinds)
        make, suffix, must_refuse = _KINDS[kind]
        path = folder / "{i:05d}-{kind}{suffix}".format(i=i, kind=kind, suffix=suffix)
        make(path, rng, i)
        yield "{kind}:{i}".format(kind=kind, i=i), path, must_refuse, ["import-xlsx", str(path)]


# --- building blocks ---------------------------------------------------------------------


def _rows(rng: random.Random, tag: int, count: int = 3) -> list[list[object]]:
    """Valid rows: the content is unique per case (tag), so each valid file imports."""
    return [[str(k + 1), rng.choice(REGENCIES),
             "{d:02d}-11-2024 {h:02d}.{m:02d}".format(d=rng.randint(1, 26), h=rng.randint(0, 23),
                                                     m=rng.randint(0, 59)),
             "A1", rng.choice(["Rendah", "Sedang", "Tinggi", "Kritis"]),
             "{} #{}-{}".format(rng.choice(TITLES), tag, k), rng.choice(["", "Balai desa", "Pasar"])]
            for k in range(count)]


def _xlsx_bytes(rows: list[list[object]], sheet: str = "Data Insiden",
                headers: list[str] = HEADERS, hidden: bool = False) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if hidden:
        wb.create_sheet("Catatan")
        ws.sheet_state = "hidden"
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rewrite(data: bytes, edit: Callable[[str, bytes], bytes]) -> bytes:
    """The same zip with each member passed through `edit(name, content)`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, edit(info.filename, src.read(info.filename)))
    return out.getvalue()


def _with_doctype(data: bytes, member: str, doctype: str, ref: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert member in zf.namelist(), member

    def edit(name: str, content: bytes) -> bytes:
        if name != member:
            return content
        text = content.decode("utf-8")
        if text.startswith("<?xml"):
            end = text.index("?>") + 2
            text = text[:end] + doctype + text[end:]
        else:
            text = doctype + text
        if ref and "<t>" in text:
            text = text.replace("<t>", "<t>" + ref, 1)
        return text.encode("utf-8")
    return _rewrite(data, edit)


def _csv_text(rows: list[list[object]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue()


# --- valid files ---------------------------------------------------------------------------


def valid_xlsx(path: Path, rng: random.Random, tag: int) -> None:
    path.write_bytes(_xlsx_bytes(_rows(rng, tag)))


def valid_csv_utf8(path: Path, rng: random.Random, tag: int) -> None:
    bom = rng.choice([b"", b"\xef\xbb\xbf"])
    path.write_bytes(bom + _csv_text(_rows(rng, tag), rng.choice([",", ";", "\t"])).encode())


def valid_csv_utf16(path: Path, rng: random.Random, tag: int) -> None:
    path.write_bytes(_csv_text(_rows(rng, tag), ";").encode("utf-16"))


def valid_csv_cp1252(path: Path, rng: random.Random, tag: int) -> None:
    rows = _rows(rng, tag)
    for r in rows:
        r[5] = str(r[5]).replace("🗳️", "").replace('"02"', "“02” – café")
    path.write_bytes(_csv_text(rows, ";").encode("cp1252"))


def valid_csv_sep_line(path: Path, rng: random.Random, tag: int) -> None:
    path.write_bytes(("sep=;\r\n" + _csv_text(_rows(rng, tag), ";")).encode())


def valid_formula_text_csv(path: Path, rng: random.Random, tag: int) -> None:
    """Formula-looking text is text: imported as typed, neutralised on export."""
    rows = _rows(rng, tag)
    rows[0][5] = "=HYPERLINK(\"http://x.test\",\"klik\") #{}".format(tag)
    rows[1][5] = "@SUM(1+1)*cmd|' /C calc'!A0 #{}".format(tag)
    path.write_bytes(_csv_text(rows).encode())


def valid_formula_cached_xlsx(path: Path, rng: random.Random, tag: int) -> None:
    """A formula cell with the value Excel last showed: the value is imported."""
    rows = _rows(rng, tag, 1)
    title = str(rows[0][5])
    rows[0][5] = "PLACEHOLDER"

    def edit(name: str, content: bytes) -> bytes:
        if name != SHEET:
            return content
        text = content.decode()
        start = text.index('<c r="F2"')
        end = text.index("</c>", start) + 4
        cell = '<c r="F2" t="str"><f>CONCAT("a","b")</f><v>{}</v></c>'.format(
            title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;"))
        return (text[:start] + cell + text[end:]).encode()
    path.write_bytes(_rewrite(_xlsx_bytes(rows), edit))


def valid_wide_row_csv(path: Path, rng: random.Random, tag: int) -> None:
    """Cells beyond the header are not read (no header: no column)."""
    rows = _rows(rng, tag, 2)
    rows[0].extend([""] * 5000)
    path.write_bytes(_csv_text(rows).encode())


# --- hostile xlsx --------------------------------------------------------------------------


def entity_bomb(path: Path, rng: random.Random, tag: int) -> None:
    member = rng.choice([SHEET, "xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml"])
    path.write_bytes(_with_doctype(_xlsx_bytes(_rows(rng, tag)), member, BILLION_LAUGHS,
                                   "&lol9;"))


def external_entity(path: Path, rng: random.Random, tag: int) -> None:
    member = rng.choice([SHEET, "xl/_rels/workbook.xml.rels", "xl/workbook.xml",
                         "docProps/core.xml"])
    doctype, ref = rng.choice([(EXTERNAL, "&xxe;"), (PARAMETER, "")])
    path.write_bytes(_with_doctype(_xlsx_bytes(_rows(rng, tag)), member, doctype, ref))


def zip_bomb_ratio(path: Path, rng: random.Random, tag: int) -> None:
    """A member of megabytes of zeros (honest header, ratio ~1000:1)."""
    size = rng.choice([2, 4, 8]) * 1024 * 1024

    def edit(name: str, content: bytes) -> bytes:
        return content + b" " * size if name == SHEET else content
    path.write_bytes(_rewrite(_xlsx_bytes(_rows(rng, tag)), edit))


def zip_bomb_lying_header(path: Path, rng: random.Random, tag: int) -> None:
    """The sheet inflates to far more than its headers say (small declared size)."""
    data = bytearray(_rewrite(_xlsx_bytes(_rows(rng, tag)),
                              lambda n, c: c + b" " * (1 << 20) if n == SHEET else c))
    _set_sizes(data, SHEET.encode(), declared=rng.choice([100, 1000, 4096]))
    path.write_bytes(bytes(data))


def zip_bomb_huge_declared(path: Path, rng: random.Random, tag: int) -> None:
    data = bytearray(_xlsx_bytes(_rows(rng, tag)))
    _set_sizes(data, SHEET.encode(), declared=0xFFFF0000)
    path.write_bytes(bytes(data))


def zip_many_members(path: Path, rng: random.Random, tag: int) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx_bytes(_rows(rng, tag)))) as src, \
            zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        for k in range(2100):
            dst.writestr("xl/media/x{}.bin".format(k), b"")
    path.write_bytes(out.getvalue())


def _set_sizes(data: bytearray, name: bytes, declared: int) -> None:
    """Overwrite the uncompressed size of member `name` in its local and central headers."""
    pos = 0
    while True:
        pos = data.find(name, pos)
        if pos < 0:
            return
        local = data.rfind(b"PK\x03\x04", 0, pos)
        central = data.rfind(b"PK\x01\x02", 0, pos)
        if central >= 0 and pos - central == 46:
            struct.pack_into("<I", data, central + 24, declared)
        elif local >= 0 and pos - local == 30:
            struct.pack_into("<I", data, local + 22, declared)
        pos += len(name)


def truncated_zip(path: Path, rng: random.Random, tag: int) -> None:
    data = _xlsx_bytes(_rows(rng, tag))
    path.write_bytes(data[:rng.randint(4, len(data) - 23)])


def flipped_sheet_bytes(path: Path, rng: random.Random, tag: int) -> None:
    """Bytes flipped inside the data sheet's compressed stream (CRC or inflate fails)."""
    data = bytearray(_xlsx_bytes(_rows(rng, tag)))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for _ in range(rng.randint(1, 4)):
        data[start + rng.randrange(info.compress_size)] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


def nul_in_xml(path: Path, rng: random.Random, tag: int) -> None:
    def edit(name: str, content: bytes) -> bytes:
        return content.replace(b"<t>", b"<t>\x00", 1) if name == SHEET else content
    path.write_bytes(_rewrite(_xlsx_bytes(_rows(rng, tag)), edit))


def formula_uncached_xlsx(path: Path, rng: random.Random, tag: int) -> None:
    """A required cell holding a formula never calculated: it counts as empty."""
    rows = _rows(rng, tag, 2)
    rows[1][5] = "=CONCAT(\"a\",\"b\")"
    path.write_bytes(_xlsx_bytes(rows))


def huge_cell_xlsx(path: Path, rng: random.Random, tag: int) -> None:
    rows = _rows(rng, tag, 2)
    rows[1][5] = "Hoaks " * rng.choice([50, 2000, 6000])
    path.write_bytes(_xlsx_bytes(rows))


def wrong_sheet(path: Path, rng: random.Random, tag: int) -> None:
    rows = _rows(rng, tag)
    if rng.random() < 0.5:  # the data on a hidden sheet with another name
        path.write_bytes(_xlsx_bytes(rows, sheet="Arsip", hidden=True))
    else:  # a visible sheet without the required columns
        path.write_bytes(_xlsx_bytes([r[:3] for r in rows], sheet="Rekap",
                                     headers=["Nomor", "Wilayah", "Tanggal"]))


def old_xls(path: Path, rng: random.Random, tag: int) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(4096))


# --- hostile csv ---------------------------------------------------------------------------


def shift_jis_csv(path: Path, rng: random.Random, tag: int) -> None:
    rows = _rows(rng, tag)
    rows[0][5] = "選挙のデマ 投票所 #{}".format(tag)
    encoding = rng.choice(["shift_jis", "euc_jp", "gbk"])
    text = _csv_text(rows, ";").replace("🗳️", "")
    path.write_bytes(text.encode(encoding))


def cyrillic_csv(path: Path, rng: random.Random, tag: int) -> None:
    rows = _rows(rng, tag)
    rows[1][5] = "Новости выборы #{}".format(tag)
    path.write_bytes(_csv_text(rows, ";").replace("🗳️", "").encode(rng.choice(["cp1251", "koi8_r"])))


def mixed_encoding_csv(path: Path, rng: random.Random, tag: int) -> None:
    rows = _rows(rng, tag)
    rows[0][5] = "Kafé “{}” baru".format(tag)
    rows[1][5] = "Berita café lain – résumé #{}".format(tag)
    text = _csv_text(rows, ";").replace("🗳️", "")
    lines = text.split("\r\n")
    data = (lines[0] + "\r\n" + lines[1] + "\r\n").encode("cp1252") + \
        "\r\n".join(lines[2:]).encode("utf-8")
    path.write_bytes(data)


def unclosed_quote_csv(path: Path, rng: random.Random, tag: int) -> None:
    rows = _rows(rng, tag, 5)
    text = _csv_text(rows)
    lines = text.split("\r\n")
    k = rng.randint(1, 4)
    lines[k] = lines[k].replace(",", ',"', 1)  # an opening quote nobody closes
    path.write_bytes("\r\n".join(lines).encode())


def swallowing_quote_csv(path: Path, rng: random.Random, tag: int) -> None:
    """A quote opened in one row and closed rows later: the rows between would vanish."""
    rows = _rows(rng, tag, 6)
    lines = _csv_text(rows).split("\r\n")
    lines[2] = lines[2].replace(",", ',"', 1)
    lines[5] = lines[5] + '"'
    path.write_bytes("\r\n".join(lines).encode())


def text_after_quote_csv(path: Path, rng: random.Random, tag: int) -> None:
    rows = _rows(rng, tag, 3)
    lines = _csv_text(rows).split("\r\n")
    lines[2] = lines[2].replace(",", ',"Hoaks" lanjut', 1)
    path.write_bytes("\r\n".join(lines).encode())


def nul_csv(path: Path, rng: random.Random, tag: int) -> None:
    rows = _rows(rng, tag)
    rows[rng.randrange(3)][5] = "Hoaks\x00{}".format(tag)
    path.write_bytes(_csv_text(rows).encode())


def control_csv(path: Path, rng: random.Random, tag: int) -> None:
    rows = _rows(rng, tag)
    rows[rng.randrange(3)][5] = "Hoaks{}{}".format(rng.choice(["\x1b[31m", "\x07", "\x85", "\x7f"]),
                                                   tag)
    path.write_bytes(_csv_text(rows).encode())


def huge_cell_csv(path: Path, rng: random.Random, tag: int) -> None:
    rows = _rows(rng, tag, 2)
    rows[1][5] = "x" * rng.choice([300, 140_000])
    path.write_bytes(_csv_text(rows).encode())


def too_many_rows_csv(path: Path, rng: random.Random, tag: int) -> None:
    base = _rows(rng, tag, 1)[0]
    body = [[*base[:5], "Hoaks baris {} #{}".format(k, tag), ""] for k in range(20_001)]
    path.write_bytes(_csv_text(body).encode())


def binary_csv(path: Path, rng: random.Random, tag: int) -> None:
    path.write_bytes(rng.randbytes(rng.randint(0, 4096)))


def missing_column_csv(path: Path, rng: random.Random, tag: int) -> None:
    text = _csv_text(_rows(rng, tag)).replace("Judul", "Judul berita", 1)
    path.write_bytes(text.encode())


# kind -> (maker, file suffix, must_refuse)
_KINDS: dict[str, tuple[Callable[[Path, random.Random, int], None], str, bool]] = {
    "valid_xlsx": (valid_xlsx, ".xlsx", False),
    "valid_csv_utf8": (valid_csv_utf8, ".csv", False),
    "valid_csv_utf16": (valid_csv_utf16, ".csv", False),
    "valid_csv_cp1252": (valid_csv_cp1252, ".csv", False),
    "valid_csv_sep_line": (valid_csv_sep_line, ".csv", False),
    "valid_formula_text_csv": (valid_formula_text_csv, ".csv", False),
    "valid_formula_cached_xlsx": (valid_formula_cached_xlsx, ".xlsx", False),
    "valid_wide_row_csv": (valid_wide_row_csv, ".csv", False),
    "entity_bomb": (entity_bomb, ".xlsx", True),
    "external_entity": (external_entity, ".xlsx", True),
    "zip_bomb_ratio": (zip_bomb_ratio, ".xlsx", True),
    "zip_bomb_lying_header": (zip_bomb_lying_header, ".xlsx", True),
    "zip_bomb_huge_declared": (zip_bomb_huge_declared, ".xlsx", True),
    "zip_many_members": (zip_many_members, ".xlsx", True),
    "truncated_zip": (truncated_zip, ".xlsx", True),
    "flipped_sheet_bytes": (flipped_sheet_bytes, ".xlsx", True),
    "nul_in_xml": (nul_in_xml, ".xlsx", True),
    "formula_uncached_xlsx": (formula_uncached_xlsx, ".xlsx", True),
    "huge_cell_xlsx": (huge_cell_xlsx, ".xlsx", True),
    "wrong_sheet": (wrong_sheet, ".xlsx", True),
    "old_xls": (old_xls, ".xls", True),
    "shift_jis_csv": (shift_jis_csv, ".csv", True),
    "cyrillic_csv": (cyrillic_csv, ".csv", True),
    "mixed_encoding_csv": (mixed_encoding_csv, ".csv", True),
    "unclosed_quote_csv": (unclosed_quote_csv, ".csv", True),
    "swallowing_quote_csv": (swallowing_quote_csv, ".csv", True),
    "text_after_quote_csv": (text_after_quote_csv, ".csv", True),
    "nul_csv": (nul_csv, ".csv", True),
    "control_csv": (control_csv, ".csv", True),
    "huge_cell_csv": (huge_cell_csv, ".csv", True),
    "too_many_rows_csv": (too_many_rows_csv, ".csv", True),
    "binary_csv": (binary_csv, ".csv", True),
    "missing_column_csv": (missing_column_csv, ".csv", True),
}
