"""The `.posko` package file: a zip with `manifest.json`, its detached Ed25519 signature
`manifest.sig`, records as JSON lines, attachment contents by hash and, for relays, the
signed manifests of the packages the records first came in (docs/sync-format.md).

Writing streams into a temporary file next to the target and renames it at the end, so a
half-written package never exists under the final name. Reading never trusts the zip
headers: member names must be one of the known forms (no other path is ever accepted,
and no output path is built from a name), sizes, counts and compression ratio are
enforced while decompressing, and every member is hashed against the signed manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import lzma
import os
import queue
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

import jsonschema
import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_
from posko_desktop.core.sync import keys, kinds, records

logger = logging.getLogger(__name__)

FORMAT = "posko-sync"
FORMAT_VERSION = 2  # 2: the manifest may carry `audit_anchor`
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
# the record files every package holds (even empty)
CORE_RECORD_FILES = {
    "incidents": "records/incidents.jsonl",
    "tombstones": "records/tombstones.jsonl",
    "followups": "records/followups.jsonl",
    "attachments": "records/attachments.jsonl",
}
# ... and those of the record types of `sync.kinds`: written by every exporter of this
# format, optional on reading (a package made before the type was added has none)
RECORD_FILES = {**CORE_RECORD_FILES, **{k.name: k.record_file for k in kinds.KINDS.values()}}
_BLOB_RE = re.compile(r"^blobs/([0-9a-f]{64})$")
_PROV_RE = re.compile(r"^provenance/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$")
_CHUNK = 1 << 16
# what a damaged member raises while it is opened or inflated (zlib: a flipped byte in the
# deflated data; BadZipFile: a local header that does not fit the directory)
_DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, struct.error, OSError, EOFError,
            ValueError, NotImplementedError, RuntimeError)
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # what the writer uses


@dataclass(frozen=True)
class Limits:
    """What an imported package may contain. Checked while decompressing."""

    max_file_bytes: int = 8 << 30
    max_members: int = 200_000
    max_member_bytes: int = 2 << 30
    max_total_bytes: int = 8 << 30
    max_ratio: int = 200  # uncompressed / compressed, per member (JSON is ~5-15)
    max_line_bytes: int = 1 << 20
    max_manifest_bytes: int = 64 << 20


DEFAULT_LIMITS = Limits()


class PackageError(PoskoError):
    """A refused package. `file` names the package; the message says what was wrong."""

    code = "sync_package"


class AlreadyImported(PoskoError):
    code = "sync_already_imported"


# --- writing ---------------------------------------------------------------------------


class _HashingWriter:
    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.sha.update(data)
        self.size += len(data)
        self.raw.write(data)


class PackageWriter:
    """Usage: `with PackageWriter(path) as w: w.write_records(...); ...; w.finish(...)`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".part")
        self.zip = zipfile.ZipFile(self.tmp, "w", compression=zipfile.ZIP_DEFLATED,
                                   compresslevel=1, allowZip64=True)
        self.members: list[dict[str, Any]] = []
        self._done = False

    def __enter__(self) -> PackageWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._done:
            self.zip.close()
            self.tmp.unlink(missing_ok=True)

    def write_records(self, kind: str, rows: Iterable[dict[str, Any]]) -> int:
        """Records as JSON lines (standard compact JSON, UTF-8, same as
        json.dumps(separators=...)); see `write_lines`."""
        dumps = orjson.dumps
        rows = iter(rows)
        return self.write_lines(kind, iter(lambda: [dumps(r) for r in islice(rows, 2000)], []))

    def write_lines(self, kind: str, batches: Iterable[list[bytes]]) -> int:
        """Records already encoded, one JSON object per item (no newline), in batches.
        Hashing, CRC and deflate (which release the GIL) run in a helper thread, fed
        through a short queue (memory stays bounded)."""
        name = RECORD_FILES[kind]
        count = 0
        chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        failure: list[BaseException] = []
        with self.zip.open(name, "w", force_zip64=True) as raw:
            out = _HashingWriter(raw)

            def drain() -> None:
                while (chunk := chunks.get()) is not None:
                    if failure:
                        continue
                    try:
                        out.write(chunk)
                    except BaseException as err:  # handed to the caller below
                        failure.append(err)

            worker = threading.Thread(target=drain, name="posko-package-writer", daemon=True)
            worker.start()
            try:
                for batch in batches:
                    if not batch:
                        continue
                    count += len(batch)
                    batch.append(b"")
                    chunks.put(b"\n".join(batch))
                    if failure:
                        break
            finally:
                chunks.put(None)
                worker.join()
            if failure:
                raise failure[0]
        self.members.append({"path": name, "sha256": out.sha.hexdigest(), "size": out.size})
        return count

    def write_bytes(self, name: str, data: bytes) -> None:
        with self.zip.open(name, "w", force_zip64=True) as raw:
            raw.write(data)
        self.members.append({"path": name, "sha256": hashlib.sha256(data).hexdigest(),
                             "size": len(data)})

    def add_blob(self, sha256: str, data: bytes) -> None:
        self.write_bytes("blobs/" + sha256, data)

    def add_provenance(self, package_id: str, source_site: str, signer: str,
                       manifest_text: str, signature: str) -> None:
        doc = {"package_id": package_id, "source_site": source_site, "signer": signer,
               "manifest": manifest_text, "signature": signature}
        self.write_bytes("provenance/{id}.json".format(id=package_id),
                         json.dumps(doc, ensure_ascii=False).encode("utf-8"))

    def finish(self, manifest: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
        """Write the manifest (with the member list) and its signature; publish the file."""
        manifest = {**manifest, "members": self.members}
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        self.zip.writestr(MANIFEST, data)
        self.zip.writestr(SIGNATURE, keys.sign(key, data).encode("ascii") + b"\n")
        self.zip.close()
        os.replace(self.tmp, self.path)
        self._done = True
        return data


# --- reading ---------------------------------------------------------------------------


class _LimitedReader(io.RawIOBase):
    """Decompressed bytes of one member, counting against the limits and hashing."""

    def __init__(self, pkg: PackageReader, info: zipfile.ZipInfo, expected_size: int) -> None:
        self.pkg = pkg
        self.info = info
        try:
            self.src = pkg.zip.open(info)
        except _DAMAGED as err:
            raise pkg.damaged(info.filename, err) from None
        self.sha = hashlib.sha256()
        self.size = 0
        limit = pkg.limits
        self.cap_bomb = min(limit.max_member_bytes, max(info.compress_size, 4096) * limit.max_ratio)
        self.expected = expected_size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.chunk(min(len(buffer), _CHUNK))
        n = len(data)
        buffer[:n] = data
        return n

    def chunk(self, want: int) -> bytes:
        """Up to `want` decompressed bytes (b"" at the end), counted and hashed."""
        try:
            data = self.src.read(want)
        except _DAMAGED as err:
            raise self.pkg.damaged(self.info.filename, err) from None
        n = len(data)
        self.size += n
        self.pkg.total += n
        if self.size > self.cap_bomb:
            raise self.pkg.error(N_("{file}: member {member} is too large or too compressed "
                                    "(a zip bomb?)"), member=self.info.filename)
        if self.size > self.expected:
            raise self.pkg.error(N_("{file}: member {member} does not match its checksum "
                                    "(the file was changed or damaged)"),
                                 member=self.info.filename)
        if self.pkg.total > self.pkg.limits.max_total_bytes:
            raise self.pkg.error(N_("{file}: the package unpacks to more than {limit} MB"),
                                 limit=self.pkg.limits.max_total_bytes >> 20)
        self.sha.update(data)
        return data

    def finish(self) -> None:
        """At the end of the member: length and hash must equal the signed manifest."""
        entry = self.pkg.member_entries[self.info.filename]
        if self.size != entry["size"] or self.sha.hexdigest() != entry["sha256"]:
            raise self.pkg.error(N_("{file}: member {member} does not match its checksum "
                                    "(the file was changed or damaged)"),
                                 member=self.info.filename)

    def close(self) -> None:
        self.src.close()
        super().close()


class PackageReader:
    """Opens a package and checks its structure and manifest; the caller verifies the
    signature (`manifest_bytes`, `signature`) against its trust list before reading
    records with `iter_records` / `read_blob`."""

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path = path
        self.name = path.name
        self.limits = limits
        self.total = 0
        try:
            size = path.stat().st_size
        except OSError as err:
            raise self.error(N_("{file} cannot be read: {error}"), error=err.strerror or str(err)) from None
        if size > limits.max_file_bytes:
            raise self.error(N_("{file} is larger than {limit} MB"), limit=limits.max_file_bytes >> 20)
        try:
            self.zip = zipfile.ZipFile(path)
        except _DAMAGED as err:
            logger.warning("%s is not a readable zip: %s", path, err)
            raise self.error(N_("{file} is not a Posko Desk package or it is incomplete "
                                "(truncated or damaged)")) from None
        try:
            self._check_names()
            self.manifest_bytes = self._read_small(MANIFEST, limits.max_manifest_bytes)
            self.signature = self._read_small(SIGNATURE, 1024).decode("ascii", "replace").strip()
            self.manifest = self._parse_manifest()
        except BaseException:
            self.zip.close()
            raise

    def reopen(self) -> None:
        """In a forked helper process: read the very file opened (and checked) here through
        a handle of its own, so the parent's read position is never moved (Linux)."""
        self._inherited = self.zip  # kept open: closing it here must not touch the parent's
        fh = open("/proc/self/fd/{fd}".format(fd=self.zip.fp.fileno()), "rb")  # type: ignore[union-attr]
        self.zip = zipfile.ZipFile(fh)
        self.infos = {i.filename: i for i in self.zip.infolist()}

    def error(self, message: str, **params: Any) -> PackageError:
        return PackageError(message, file=self.name, **params)

    def damaged(self, member: str, err: BaseException) -> PackageError:
        logger.warning("%s: member %s is damaged: %r", self.name, member, err)
        return self.error(N_("{file}: member {member} is damaged ({error})"), member=member,
                          error=str(err)[:200] or type(err).__name__)

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> PackageReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_names(self) -> None:
        infos = self.zip.infolist()
        if len(infos) > self.limits.max_members:
            raise self.error(N_("{file} has too many members ({count}; at most {limit})"),
                             count=len(infos), limit=self.limits.max_members)
        seen: set[str] = set()
        known = {MANIFEST, SIGNATURE, *RECORD_FILES.values()}
        for info in infos:
            name = info.filename
            if name in seen:
                raise self.error(N_("{file}: member {member} appears twice"), member=name)
            seen.add(name)
            if name not in known and not _BLOB_RE.match(name) and not _PROV_RE.match(name):
                raise self.error(N_("{file}: unexpected member {member} (only the package's "
                                    "own files are allowed)"), member=name[:120])
            if info.flag_bits & 0x1:
                raise self.error(N_("{file}: member {member} is encrypted"), member=name)
            if info.compress_type not in _METHODS:
                raise self.error(N_("{file}: member {member} uses an unknown compression"),
                                 member=name)
        for required in (MANIFEST, SIGNATURE):
            if required not in seen:
                raise self.error(N_("{file} has no {member}: it is not a Posko Desk package"),
                                 member=required)
        self.infos = {i.filename: i for i in infos}

    def _read_small(self, name: str, cap: int) -> bytes:
        info = self.infos[name]
        out = bytearray()
        try:
            with self.zip.open(info) as fh:
                while chunk := fh.read(_CHUNK):
                    out += chunk
                    if len(out) > cap or len(out) > max(info.compress_size, 4096) * self.limits.max_ratio:
                        raise self.error(N_("{file}: member {member} is too large or too "
                                            "compressed (a zip bomb?)"), member=name)
        except _DAMAGED as err:
            raise self.damaged(name, err) from None
        return bytes(out)

    def _parse_manifest(self) -> dict[str, Any]:
        try:
            doc = json.loads(self.manifest_bytes.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise self.error(N_("{file}: the manifest is not valid JSON")) from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise self.error(N_("{file} is not a Posko Desk package"))
        version = doc.get("format_version")
        if not isinstance(version, int):
            raise self.error(N_("{file}: the manifest has no format version"))
        if version > FORMAT_VERSION:
            raise self.error(N_("{file} uses package format {version}, newer than this "
                                "installation understands ({supported}); update Posko Desk"),
                             version=version, supported=FORMAT_VERSION)
        validator = jsonschema.Draft202012Validator(records.schema("manifest"))
        error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "manifest"
            raise self.error(N_("{file}: the manifest is not valid ({where}: {error})"),
                             where=where, error=error.message[:200])
        entries: dict[str, dict[str, Any]] = {}
        for entry in doc["members"]:
            if entry["path"] in entries:
                raise self.error(N_("{file}: member {member} appears twice"),
                                 member=entry["path"][:120])
            entries[entry["path"]] = entry
        listed = set(entries)
        present = set(self.infos) - {MANIFEST, SIGNATURE}
        if listed != present:
            missing = sorted(listed - present) or sorted(present - listed)
            raise self.error(N_("{file}: member {member} is missing or not listed in the "
                                "manifest"), member=missing[0][:120])
        self.member_entries = entries
        self._check_member_facts(doc)
        return doc

    def _check_member_facts(self, doc: dict[str, Any]) -> None:
        """What the manifest says about the members: every record file is there (even
        empty), and the counts of blobs and provenance entries and the `relayed` list fit
        the members. The record counts are checked while the records are read (a record
        file of `sync.kinds` without its count holds no record)."""
        for name in CORE_RECORD_FILES.values():
            if name not in self.member_entries:
                raise self.error(N_("{file}: member {member} is missing (the format requires "
                                    "it, even empty)"), member=name)
        blobs = sum(1 for m in self.member_entries if m.startswith("blobs/"))
        relayed = {m.group(1) for m in map(_PROV_RE.match, self.member_entries) if m}
        counts = doc["counts"]
        for what, found in (("blobs", blobs), ("provenance", len(relayed))):
            if counts[what] != found:
                raise self.error(N_("{file}: the manifest's counts.{what} is {count}, the "
                                    "package holds {found}"), count=counts[what], what=what, found=found)
        listed = [r["package_id"] for r in doc["relayed"]]
        if len(listed) != len(set(listed)) or set(listed) != relayed:
            raise self.error(N_("{file}: the manifest's list of relayed packages does not fit "
                                "its provenance members"))

    def check_counts(self, counted: dict[str, int]) -> None:
        """After reading: the records of each record file, as many as the manifest says."""
        for kind, found in counted.items():
            count = self.manifest["counts"].get(kind, 0)
            if count != found:
                raise self.error(N_("{file}: the manifest's counts.{what} is {count}, the "
                                    "package holds {found}"), count=count, what=kind, found=found)

    # -- content, after the signature was verified --

    def has(self, name: str) -> bool:
        return name in self.member_entries

    def iter_lines(self, kind: str, batch: int = 1000) -> Iterator[tuple[int, list[bytes]]]:
        """(number of the first line, up to `batch` lines without their newline) of one
        record file, streamed in 64 KiB pieces; checked to the last byte (length and
        SHA-256 against the manifest, after the last batch)."""
        name = RECORD_FILES[kind]
        if name not in self.member_entries:
            return
        reader = _LimitedReader(self, self.infos[name], self.member_entries[name]["size"])
        max_line = self.limits.max_line_bytes
        try:
            lineno = 1  # of the first line in `out`
            out: list[bytes] = []
            rest = b""
            while chunk := reader.chunk(_CHUNK):
                pieces = (rest + chunk).split(b"\n") if rest else chunk.split(b"\n")
                rest = pieces.pop()
                if len(rest) > max_line:
                    raise self.error(N_("{file}: line {line} of {member} is too long"),
                                     line=lineno + len(out) + len(pieces), member=name)
                for piece in pieces:
                    if len(piece) >= max_line:  # the limit counts the newline
                        raise self.error(N_("{file}: line {line} of {member} is too long"),
                                         line=lineno + len(out), member=name)
                    out.append(piece)
                    if len(out) >= batch:
                        yield lineno, out
                        lineno += len(out)
                        out = []
            if rest:  # a last line without a newline
                out.append(rest)
            reader.finish()  # before the last batch: a small damaged file is refused as such
            if out:
                yield lineno, out
        finally:
            reader.close()

    def iter_records(self, kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """(line number, object) of one record file, streamed; checked to the last byte."""
        name = RECORD_FILES[kind]
        loads = orjson.loads  # strict RFC 8259 (no NaN, valid UTF-8 only)
        for first, lines in self.iter_lines(kind):
            for lineno, line in enumerate(lines, first):
                try:
                    obj = loads(line)
                except ValueError:  # orjson.JSONDecodeError is a ValueError
                    raise self.error(N_("{file}: line {line} of {member} is not valid JSON"),
                                     line=lineno, member=name) from None
                yield lineno, obj

    def read_blob(self, sha256: str) -> bytes:
        name = "blobs/" + sha256
        if name not in self.member_entries:
            raise self.error(N_("{file}: the attachment content {sha} is missing"), sha=sha256[:12])
        info = self.infos[name]
        reader = _LimitedReader(self, info, self.member_entries[name]["size"])
        out = bytearray()
        try:
            while True:
                chunk = reader.read(_CHUNK)
                if not chunk:
                    break
                out += chunk
            reader.finish()
        finally:
            reader.close()
        if hashlib.sha256(out).hexdigest() != sha256:
            raise self.error(N_("{file}: the attachment content {sha} does not match its name"),
                             sha=sha256[:12])
        return bytes(out)

    def blob_names(self) -> list[str]:
        return [m[len("blobs/"):] for m in self.member_entries if m.startswith("blobs/")]

    def iter_provenance(self) -> Iterator[dict[str, Any]]:
        for name in self.member_entries:
            m = _PROV_RE.match(name)
            if not m:
                continue
            info = self.infos[name]
            reader = _LimitedReader(self, info, self.member_entries[name]["size"])
            try:
                data = reader.read()
                if reader.read():
                    raise self.error(N_("{file}: member {member} is longer than the manifest "
                                        "says"), member=name)
                reader.finish()
            finally:
                reader.close()
            try:
                doc = json.loads(data)
                if doc.get("package_id") != m.group(1):
                    raise ValueError
            except (ValueError, AttributeError, RecursionError):
                raise self.error(N_("{file}: member {member} is not valid"), member=name) from None
            yield doc

    def verify_all_members(self) -> None:
        """Read every listed member to its end and compare length and hash (no parsing)."""
        for name, entry in self.member_entries.items():
            reader = _LimitedReader(self, self.infos[name], entry["size"])
            try:
                while reader.read(_CHUNK):
                    pass
                reader.finish()
            finally:
                reader.close()
