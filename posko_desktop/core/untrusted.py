"""Checks of a spreadsheet file before anything parses it for real (it is untrusted input).

XLSX: the zip's members, their declared sizes and the XML prolog of every XML member (an
XLSX never carries a DTD: a DTD is how entity bombs and external entities get in), read
with `defusedxml` up to the first element only. CSV: the text encoding (UTF-8, UTF-16 or
Windows-1252, anything else refused instead of read as mojibake), NUL and control
characters, and the CSV syntax record by record (an unclosed quote must not swallow rows).
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_
from posko_desktop.core.textrules import control_character

logger = logging.getLogger(__name__)

MAX_UNZIPPED_BYTES = 256 * 1024 * 1024  # all members of an .xlsx together
MAX_ZIP_MEMBERS = 2_000
MAX_RATIO = 200  # unpacked / packed per member; Excel's own XML packs ~10-30:1
_RATIO_FLOOR = 1024 * 1024  # small members may pack better than that (runs of equal cells)
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# Typographic characters Windows-1252 text has next to accented letters.
_CP1252_PUNCTUATION = frozenset("‚„…†‡•–—˜™‘’“”€«»°±²³·¹º¼½¾×÷¢£¥§©®¬¶")
_MOJIBAKE_RUN = 3  # three non-ASCII letters in a row: not Indonesian or English in cp1252
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|"
                            rb"[\xf0-\xf4][\x80-\xbf]{3}")


class SpreadsheetError(PoskoError):
    code = "spreadsheet"


def not_a_spreadsheet(name: str) -> SpreadsheetError:
    return SpreadsheetError(N_("{name} is not an Excel workbook (.xlsx) or a CSV file"),
                            name=name)


# --- xlsx ------------------------------------------------------------------------------


def check_xlsx(path: Path) -> None:
    """Refuse zip bombs and XML with a DTD before openpyxl reads anything."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_sizes(path.name, infos)
            for info in infos:
                if info.filename.lower().endswith(_XML_SUFFIXES):
                    _check_prolog(path.name, zf, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError,
            ValueError, NotImplementedError) as err:
        logger.warning("Cannot read %s as a zip: %s", path, err)
        raise not_a_spreadsheet(path.name) from err


def _check_sizes(name: str, infos: list[zipfile.ZipInfo]) -> None:
    """Declared sizes; Python's zip reader never inflates past them (CRC checked at the end),
    so a lying header gets a damaged-file refusal, not a bomb."""
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_ZIP_MEMBERS or total > MAX_UNZIPPED_BYTES:
        raise SpreadsheetError(
            N_("{name} unpacks to more than {limit:.0f} MB; split it into smaller files"),
            name=name, limit=MAX_UNZIPPED_BYTES / 1048576)
    for i in infos:
        if i.file_size > _RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise SpreadsheetError(
                N_("{name} is a compressed bomb: {member} packs {ratio}:1; it is not read"),
                name=name, member=i.filename[:80], ratio=i.file_size // max(i.compress_size, 1))


def _check_prolog(name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Parse the member up to its first element with DTDs forbidden."""
    with zf.open(info) as member:
        try:
            for _event in iterparse(member, events=("start",), forbid_dtd=True):
                return
        except DefusedXmlException as err:
            logger.warning("XML with a DTD in %s/%s refused: %r", name, info.filename, err)
            raise SpreadsheetError(
                N_("{name} contains XML with a document type declaration ({member}); entity "
                   "tricks can hide in it, so the file is not read"),
                name=name, member=info.filename[:80]) from err
        except (ParseError, UnicodeError) as err:
            logger.warning("Damaged XML in %s/%s: %s", name, info.filename, err)
            raise damaged(name) from err


def damaged(name: str) -> SpreadsheetError:
    return SpreadsheetError(N_("{name} is damaged and cannot be read"), name=name)


# --- csv -------------------------------------------------------------------------------


def decode_csv(raw: bytes, name: str) -> str:
    """The file's text: UTF-8 (BOM or not), UTF-16 (BOM, or NUL-padded ASCII) or
    Windows-1252 as Excel saves it; text that only decodes as mojibake is refused."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            return _strict(raw[len(bom):], codec, name)
    utf16 = _bomless_utf16(raw)
    if utf16 is not None:
        return _strict(raw, utf16, name)
    if raw.count(0, 0, 65536) > 16:  # binary (a picture, a document): not text at all
        raise not_a_spreadsheet(name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if len(_UTF8_SEQUENCE.findall(raw, 0, 1 << 20)) >= 2:
        raise SpreadsheetError(
            N_("{name} mixes UTF-8 with another encoding; save it as \"CSV UTF-8\" and "
               "import it again"), name=name)
    text = _strict(raw, "cp1252", name)
    suspicious = _mojibake(text)
    if suspicious is not None:
        row, sample = suspicious
        raise SpreadsheetError(
            N_("{name} is not in UTF-8, UTF-16 or Windows-1252 (row {row} would read "
               "\"{sample}\"); save it as \"CSV UTF-8\" and import it again"),
            name=name, row=row, sample=sample)
    return text


def _strict(raw: bytes, codec: str, name: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as err:
        raise SpreadsheetError(
            N_("{name} is not in UTF-8, UTF-16 or Windows-1252 (undecodable byte at "
               "position {position}); save it as \"CSV UTF-8\" and import it again"),
            name=name, position=err.start) from err


def _bomless_utf16(raw: bytes) -> str | None:
    """ASCII-heavy UTF-16 without a BOM: every other byte of the start is NUL."""
    head = raw[:4096]
    if len(head) < 4 or len(head) % 2:
        return None
    half = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > 0.9 * half and even < 0.1 * half:
        return "utf-16-le"
    if even > 0.9 * half and odd < 0.1 * half:
        return "utf-16-be"
    return None


def _mojibake(text: str) -> tuple[int, str] | None:
    """(row, sample) where Windows-1252 decoding gave a run of non-ASCII letters."""
    run_start, run = 0, 0
    for i, ch in enumerate(text):
        if ord(ch) > 0x7F and ch not in _CP1252_PUNCTUATION and not ch.isspace():
            if run == 0:
                run_start = i
            run += 1
            if run >= _MOJIBAKE_RUN:
                row = text.count("\n", 0, run_start) + 1
                return row, text[max(0, run_start - 10):run_start + 20].replace("\n", " ")
        else:
            run = 0
    return None


class CsvRecords:
    """Records of a CSV text, strictly parsed; a malformed record is refused by number
    (header = 1, as the import report counts) and the line it starts on."""

    def __init__(self, text: str, delimiter: str, name: str) -> None:
        self.name = name
        self.delimiter = delimiter
        self._reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                                  strict=True)
        self.width = 0  # cells of the header row, set by the reader once it found it

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        number = 0
        while True:
            line = self._reader.line_num + 1
            number += 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as err:
                raise self._malformed(number, line, str(err)) from err
            if any("\n" in c or "\r" in c for c in cells) and self._swallowed(cells):
                raise self._malformed(number, line, "swallowed")
            bad = control_character("".join(cells), multiline=True)
            if bad is not None:
                raise SpreadsheetError(
                    N_("{name}: row {row} (line {line}) contains the control character "
                       "{char}; the file is not read"),
                    name=self.name, row=number, line=line, char=bad)
            yield tuple(cells)

    def _swallowed(self, cells: list[str]) -> bool:
        """A quoted value spanning lines that themselves look like whole rows: a quote
        was left open and the rows after it would vanish into one cell."""
        if self.width < 2:
            return False
        for cell in cells:
            for part in cell.splitlines()[1:]:
                if part.count(self.delimiter) >= self.width - 1:
                    return True
        return False

    def _malformed(self, number: int, line: int, reason: str) -> SpreadsheetError:
        logger.warning("Malformed CSV %s at record %s (line %s): %s", self.name, number, line,
                       reason)
        if reason.startswith("field larger than field limit"):
            return SpreadsheetError(
                N_("{name}: row {row} (line {line}) has a cell longer than {limit} characters; "
                   "the file is not read"),
                name=self.name, row=number, line=line, limit=csv.field_size_limit())
        if reason == "unexpected end of data" or reason == "swallowed":
            return SpreadsheetError(
                N_("{name}: row {row} (line {line}) opens a quote that is never closed; the "
                   "rows after it would be lost, so the file is not read"),
                name=self.name, row=number, line=line)
        return SpreadsheetError(
            N_("{name}: row {row} (line {line}) is not valid CSV (text after a closing "
               "quote, or a stray quote); the file is not read"),
            name=self.name, row=number, line=line)
