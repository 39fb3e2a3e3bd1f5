"""Hostile `.posko` packages, made from the real base package of tests/fuzz/world.py by a
seeded random generator: the same seed gives the same cases (tests/fuzz/README.md).

The attacker holds 33.22's trusted key, so most cases are re-signed after the edit and
pass the signature check: what must refuse them is every other check. Each case knows
whether it must be refused; where a random change may leave the package valid (a flipped
byte in a header field nobody reads), the case is labelled by reading it back with
`zipfile`: only a package whose every member reads back unchanged may be accepted.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import random
import time
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from posko_desktop.core.sync import keys, records

from .runner import FUZZ_LIMITS, Case
from .world import PNG, World

RECORDS = {"incidents": "records/incidents.jsonl", "tombstones": "records/tombstones.jsonl",
           "followups": "records/followups.jsonl", "attachments": "records/attachments.jsonl"}
SCHEMA_OF = {"incidents": "incident", "tombstones": "incident", "followups": "followup",
             "attachments": "attachment"}
# values of every JSON type and of awkward size; a record edit keeps those the schema refuses
HOSTILE = [None, True, False, 0, -1, 2**31, 2**63, 2**70, 1.5, float("1e308"), "", " ",
           "x" * 300, "x" * 25_000, "\x00", "../../../etc/passwd", "\u202egnp.exe", "🗳️",
           "33.99", "9999999999999-99999-33.22", "2024-13-45T25:61:61+00:00", [], {},
           [1, 2], {"a": 1}, "00000000-0000-0000-0000-000000000000"]
Mutation = Callable[[dict[str, bytes], dict[str, Any]], None]


def _stamp(millis: int, counter: int = 0, site: str = "33.22") -> str:
    return "{m:013d}-{c:05d}-{s}".format(m=millis, c=counter, s=site)


class Forge:
    """The base package taken apart, and ways to put changed copies together."""

    def __init__(self, world: World, folder: Path) -> None:
        self.world = world
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.raw = world.base.read_bytes()
        with zipfile.ZipFile(world.base) as zf:
            self.members = {i.filename: zf.read(i) for i in zf.infolist()}
        self.manifest = json.loads(self.members["manifest.json"])
        self.key = world.key()
        self.n = 0
        self.now_ms = int(time.time() * 1000)

    def path(self, family: str) -> Path:
        self.n += 1
        return self.folder / "{f}-{n:05d}.posko".format(f=family, n=self.n)

    def lines(self, kind: str, members: dict[str, bytes] | None = None) -> list[dict[str, Any]]:
        data = (members or self.members)[RECORDS[kind]]
        return [json.loads(x) for x in data.decode().splitlines() if x]

    def package(self, family: str, mutate: Mutation | None = None, *,
                method: int = zipfile.ZIP_DEFLATED, relist: bool = True,
                key: Ed25519PrivateKey | None = None, after: Callable[[list[zipfile.ZipInfo]], None]
                | None = None) -> Path:
        """A copy of the base package, changed by `mutate(members, manifest)`, the member
        list made anew (unless `relist` is False) and signed with 33.22's key (or `key`)."""
        members = dict(self.members)
        doc = copy.deepcopy(self.manifest)
        if mutate is not None:
            mutate(members, doc)
        if relist:
            doc["members"] = [{"path": n, "sha256": hashlib.sha256(b).hexdigest(), "size": len(b)}
                              for n, b in members.items() if n not in ("manifest.json",
                                                                       "manifest.sig")]
        if "manifest.json" in members:
            raw = json.dumps(doc, indent=1, sort_keys=True).encode()
            members["manifest.json"] = raw
            if "manifest.sig" in members:
                members["manifest.sig"] = keys.sign(key or self.key, raw).encode() + b"\n"
        infos = []
        for name in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 12, 1, 8, 0, 0))
            info.compress_type = method
            infos.append(info)
        if after is not None:
            after(infos)
        path = self.path(family)
        with zipfile.ZipFile(path, "w") as zf:
            for info, data in zip(infos, members.values(), strict=True):
                zf.writestr(info, data)
        return path

    def with_member(self, path: Path, name: str, data: bytes) -> Path:
        """`path` with one more member `name` (a second one, if it has one already)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about a duplicate name
            with zipfile.ZipFile(path, "a") as zf:
                zf.writestr(name, data)
        return path

    def raw_file(self, family: str, data: bytes) -> Path:
        path = self.path(family)
        path.write_bytes(data)
        return path

    def reads_back_unchanged(self, path: Path) -> bool:
        """Every member of the base package reads back from `path` with the same bytes
        (CRC checked), and nothing else is there."""
        try:
            with zipfile.ZipFile(path) as zf:
                names = [i.filename for i in zf.infolist()]
                if sorted(names) != sorted(self.members):
                    return False
                for name in names:
                    data = zf.read(name)
                    if name == "manifest.sig":
                        if data.decode("ascii", "replace").strip() != \
                                self.members[name].decode().strip():
                            return False
                    elif data != self.members[name]:
                        return False
        except Exception:
            return False
        return True


def _set_line(kind: str, index: int, change: Callable[[dict[str, Any]], None]) -> Mutation:
    def mutate(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        rows = [json.loads(x) for x in members[RECORDS[kind]].decode().splitlines() if x]
        change(rows[index % len(rows)])
        members[RECORDS[kind]] = "".join(json.dumps(r) + "\n" for r in rows).encode()
    return mutate


def _edit_manifest(change: Callable[[dict[str, Any]], None]) -> Mutation:
    def mutate(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        change(doc)
    return mutate


def _setter(path: list[str], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            target.pop(path[-1], None)
        else:
            target[path[-1]] = value
    return change


_DELETE = object()


# --- families ---------------------------------------------------------------------------


def truncations(forge: Forge, rng: random.Random, n: int) -> Iterator[Case]:
    size = len(forge.raw)
    for _ in range(n):
        cut = rng.choice([rng.randrange(size), size - rng.randrange(1, 120), rng.randrange(200)])
        yield ("truncate:{c}".format(c=cut), forge.raw_file("truncate", forge.raw[:max(cut, 0)]),
               True, [])


def _regions(data: bytes) -> list[tuple[str, int, int]]:
    """(what, start, end) of each member's local header, its data and its directory entry."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        directory = zf.start_dir
    for info in infos:
        start = info.header_offset
        name_len = int.from_bytes(data[start + 26:start + 28], "little")
        extra_len = int.from_bytes(data[start + 28:start + 30], "little")
        body = start + 30 + name_len + extra_len
        out.append(("header " + info.filename, start, body))
        out.append(("data " + info.filename, body, body + info.compress_size))
    out.append(("directory", directory, len(data)))
    return [r for r in out if r[2] > r[1]]


def byte_flips(forge: Forge, rng: random.Random, n: int) -> Iterator[Case]:
    """1-3 bytes flipped in one region of one member (deflated, and stored)."""
    stored = forge.package("stored", method=zipfile.ZIP_STORED)
    stored_raw = stored.read_bytes()
    stored.unlink()
    sources = [("deflated", forge.raw, _regions(forge.raw)),
               ("stored", stored_raw, _regions(stored_raw))]
    for _ in range(n):
        label, raw, regions = rng.choice(sources)
        what, start, end = rng.choice(regions)
        data = bytearray(raw)
        for _flip in range(rng.randint(1, 3)):
            data[rng.randrange(start, end)] ^= rng.randrange(1, 256)
        path = forge.raw_file("flip", bytes(data))
        yield ("flip:{l} {w}".format(l=label, w=what), path,
               not forge.reads_back_unchanged(path), [])


def _manifest_edits(forge: Forge) -> list[tuple[str, Callable[[dict[str, Any]], None], bool]]:
    m = forge.manifest
    other_key = Ed25519PrivateKey.generate()
    pub = keys.public_info(other_key, "33.22", "x")
    far = "9999-12-31T23:59:59+00:00"
    edits: list[tuple[str, Callable[[dict[str, Any]], None], bool]] = [
        ("format", _setter(["format"], "zip"), True),
        ("format_version 3", _setter(["format_version"], 3), True),
        ("format_version 0", _setter(["format_version"], 0), True),
        ("format_version '1'", _setter(["format_version"], "1"), True),
        ("package_id new", _setter(["package_id"], str(uuid.uuid4())), False),
        ("package_id upper", _setter(["package_id"], m["package_id"].upper()), True),
        ("sequence 1 (replay)", _setter(["sequence"], 1), True),
        ("sequence 0", _setter(["sequence"], 0), True),
        ("sequence 2^70", _setter(["sequence"], 2**70), True),
        ("sequence 2^53", _setter(["sequence"], 2**53), True),
        ("sequence 2^31", _setter(["sequence"], 2**31), True),
        ("sequence 1.5", _setter(["sequence"], 1.5), True),
        ("sequence 10^6", _setter(["sequence"], 10**6), False),
        ("source_site 33.74", _setter(["source_site"], "33.74"), True),
        ("source_site 33", _setter(["source_site"], "33"), True),
        ("source_name long", _setter(["source_name"], "x" * 121), True),
        ("source_name other", _setter(["source_name"], "Kab. Lain"), False),
        ("signer fingerprint", _setter(["signer", "fingerprint"], pub.fingerprint), True),
        ("signer public_key", _setter(["signer", "public_key"], pub.public_key), True),
        ("recipients 33.74", _setter(["recipients"], ["33.74"]), True),
        ("recipients empty", _setter(["recipients"], []), True),
        ("broadcast", lambda d: d.update(recipients=["*"], broadcast=True), False),
        ("created_at month 13", _setter(["created_at"], "2024-13-01T00:00:00+00:00"), True),
        ("created_at far future", _setter(["created_at"], far), True),
        ("created_by long", _setter(["created_by"], "x" * 81), True),
        ("coverage mode", _setter(["coverage", "mode"], "everything"), True),
        ("coverage since long", _setter(["coverage", "since_stamp"], "x" * 41), True),
        ("acks 10^12", _setter(["acks"], {"33": 10**12}), True),
        ("acks 2^70", _setter(["acks"], {"33": 2**70}), True),
        ("acks 2^31", _setter(["acks"], {"33": 2**31}), True),
        ("acks not issued", _setter(["acks"], {"33": 3}), True),
        ("acks 0", _setter(["acks"], {"33": 0}), True),
        ("acks issued", _setter(["acks"], {"33": 1}), False),
        ("acks none", _setter(["acks"], {}), False),
        ("relayed dropped", _setter(["relayed"], []), True),
        ("relayed extra", lambda d: d["relayed"].append(
            {"package_id": str(uuid.uuid4()), "source_site": "33.74", "signer": "a" * 64}), True),
        ("extra field", _setter(["evil"], 1), True),
        ("audit_anchor impossible", _setter(["audit_anchor"], {
            "entry_id": 0, "hash": "ab" * 32, "at": None}), True),
        ("audit_anchor hash short", _setter(["audit_anchor", "hash"], "ab"), True),
        ("audit_anchor entry -1", _setter(["audit_anchor", "entry_id"], -1), True),
        ("audit_anchor entry 2^31", _setter(["audit_anchor", "entry_id"], 2**31), True),
    ]
    for kind in ("incidents", "tombstones", "followups", "attachments", "blobs", "provenance"):
        count = m["counts"][kind]
        for value in {count + 1, max(count - 1, 0), 0, 2**70, -1} - {count}:
            edits.append(("counts.{k} {v}".format(k=kind, v=value),
                          _setter(["counts", kind], value), True))
    for name in m:
        if name != "members":  # audit_anchor is optional (format 2, docs/sync-format.md)
            edits.append(("delete " + name, _setter([name], _DELETE), name != "audit_anchor"))
    return edits


def manifest_edits(forge: Forge, rng: random.Random, n: int) -> Iterator[Case]:
    edits = _manifest_edits(forge)
    for _ in range(n):
        label, change, must = rng.choice(edits)
        yield ("manifest:" + label, forge.package("manifest", _edit_manifest(change)), must, [])


def member_list_edits(forge: Forge, rng: random.Random, n: int) -> Iterator[Case]:
    """The signed member list says something else than the members."""
    def edit(i: int, how: str) -> Mutation:
        def mutate(members: dict[str, bytes], doc: dict[str, Any]) -> None:
            listed = [{"path": k, "sha256": hashlib.sha256(v).hexdigest(), "size": len(v)}
                      for k, v in members.items() if k not in ("manifest.json", "manifest.sig")]
            entry = listed[i % len(listed)]
            if how == "drop":
                listed.remove(entry)
            elif how == "sha":
                entry["sha256"] = hashlib.sha256(b"other").hexdigest()
            elif how == "size":
                entry["size"] += rng.choice([-1, 1, 1000])
            elif how == "twice":
                listed.append(dict(entry))
            doc["members"] = listed
        return mutate

    for _ in range(n):
        i, how = rng.randrange(20), rng.choice(["drop", "sha", "size", "twice"])
        yield ("members:{h} {i}".format(h=how, i=i),
               forge.package("members", edit(i, how), relist=False), True, [])


def record_edits(forge: Forge, rng: random.Random, n: int) -> Iterator[Case]:
    """One field of one record set to a value its schema refuses, deleted, or a field
    added; re-signed."""
    made = 0
    while made < n:
        kind = rng.choice(list(RECORDS))
        rows = forge.lines(kind)
        if not rows:
            continue
        index = rng.randrange(len(rows))
        rec = copy.deepcopy(rows[index])
        name = rng.choice(list(rec))
        how = rng.random()
        if how < 0.1:
            rec.pop(name)
            label = "delete " + name
        elif how < 0.15:
            rec["extra"] = 1
            label = "extra field"
        else:
            value = rng.choice(HOSTILE)
            if isinstance(rec[name], dict) and rng.random() < 0.5:  # a stamp of one field
                sub = rng.choice(list(rec[name]))
                rec[name] = dict(rec[name], **{sub: value})
                label = "{n}.{s} = {v!r}".format(n=name, s=sub, v=value)
            else:
                rec[name] = value
                label = "{n} = {v!r}".format(n=name, v=value)
        if records.checker(SCHEMA_OF[kind])(rec) is None:
            continue  # valid for the schema: the families below cover meaning
        made += 1
        yield ("record:{k} {l}".format(k=kind, l=label[:80]),
               forge.package("record", _set_line(kind, index, lambda r, new=rec: (
                   r.clear(), r.update(new)))), True, [])


def _meaning_edits(forge: Forge) -> list[tuple[str, Mutation, bool]]:
    """Schema-valid records that mean something wrong (or, labelled False, that are fine)."""
    incidents = forge.lines("incidents")
    new = next(i for i, r in enumerate(incidents) if r["title"] == "Kabupaten baru")
    held = next(i for i, r in enumerate(incidents) if r["origin_site"] == "33.22"
                and i != new)
    relayed = next(i for i, r in enumerate(incidents) if r["origin_site"] == "33.74")
    province = next(i for i, r in enumerate(incidents) if r["origin_site"] == "33")
    now = forge.now_ms  # after every stamp of the world
    hour = 3_600_000
    soon = now + 60_000  # newer than what the province holds, within the tolerance
    other_pkg = forge.manifest["package_id"]

    def stamps(value: str, site_field: str | None = None) -> Callable[[dict[str, Any]], None]:
        def change(r: dict[str, Any]) -> None:
            if site_field:
                r["field_stamps"][site_field] = value
            else:
                r["field_stamps"] = dict.fromkeys(r["field_stamps"], value)
            r["mod_stamp"] = max(r["field_stamps"].values())
        return change

    inc = "incidents"
    edits: list[tuple[str, Mutation, bool]] = [
        ("regency unknown", _set_line(inc, new, _setter(["regency_code"], "33.99")), True),
        ("category unknown", _set_line(inc, new, _setter(["category_code"], "Z9")), True),
        ("origin unknown", _set_line(inc, new, _setter(["origin_site"], "33.99")), True),
        ("occurred 2019", _set_line(inc, new, _setter(
            ["occurred_at"], "2019-01-01T00:00:00+00:00")), True),
        ("occurred 2099", _set_line(inc, new, _setter(
            ["occurred_at"], "2099-01-01T00:00:00+00:00")), True),
        ("occurred month 13", _set_line(inc, new, _setter(
            ["occurred_at"], "2024-13-01T00:00:00+00:00")), True),
        ("title changed", _set_line(inc, new, _setter(["title"], "Judul lain")), False),
        ("stamps year 2286", _set_line(inc, new, stamps(_stamp(10**13 - 1, 99999))), True),
        # "ahead" is two days beyond the world's clock: a 24 h allowance (sync.clock_ahead_hours)
        # plus the length of a long run (a 10,000-case run took 74 min; +25 h was accepted
        # once the import ran more than an hour after the world was built, as it should be)
        ("stamps +48 h", _set_line(inc, new, stamps(_stamp(now + 48 * hour))), True),
        ("stamps +1 h", _set_line(inc, new, stamps(_stamp(now + hour))), False),
        ("stamps counter 99999", _set_line(inc, new, stamps(_stamp(now - hour, 99999))), False),
        ("stamps year 2001", _set_line(inc, new, stamps(_stamp(10**12))), False),
        ("held: stamp year 2286", _set_line(inc, held, stamps(_stamp(10**13 - 1), "title")),
         True),
        ("held: stamp +48 h", _set_line(inc, held, stamps(_stamp(now + 48 * hour), "title")),
         True),
        ("held: title newer", _set_line(inc, held, lambda r: (
            r.update(title="Judul baru"), stamps(_stamp(soon), "title")(r))), False),
        ("mod_stamp year 2286", _set_line(inc, new, _setter(
            ["mod_stamp"], _stamp(10**13 - 1))), True),
        ("origin: the receiver, new", _set_line(inc, new, _setter(["origin_site"], "33")), True),
        ("origin: stamp of the receiver, new", _set_line(inc, new, stamps(
            _stamp(now - hour, 0, "33"), "title")), True),
        ("origin: stamp of the receiver, held", _set_line(inc, held, stamps(
            _stamp(soon, 0, "33"), "title")), True),
        ("origin: receiver's record, newer stamp of the receiver", _set_line(
            inc, province, stamps(_stamp(soon, 0, "33"), "status")), True),
        ("origin: 33.74 without via", _set_line(inc, new, _setter(["origin_site"], "33.74")),
         True),
        ("origin: 33.74 via a 33.22 package", _set_line(inc, new, lambda r: r.update(
            origin_site="33.74", via_package=other_pkg)), True),
        ("origin: 33.74 via unknown", _set_line(inc, relayed, _setter(
            ["via_package"], str(uuid.uuid4()))), True),
        ("origin: held 33.74 record claims 33.22", _set_line(inc, relayed, lambda r: (
            r.update(origin_site="33.22", via_package=None),
            stamps(_stamp(soon), "title")(r))), True),
        ("origin: relayed record, valid", _set_line(inc, relayed, lambda r: (
            r.update(title="Diubah di kabupaten"), stamps(_stamp(soon), "title")(r))),
         False),
        ("incident twice", _twice(inc, new), True),
    ]
    followups = forge.lines("followups")
    fnew = next(i for i, r in enumerate(followups) if r["text"] == "Tindak lanjut")
    fu = "followups"
    edits += [
        ("follow-up: unknown incident", _set_line(fu, fnew, _setter(
            ["incident_id"], str(uuid.uuid4()))), True),
        ("follow-up: origin the receiver", _set_line(fu, fnew, _setter(["origin_site"], "33")),
         True),
        ("follow-up: stamp year 2286", _set_line(fu, fnew, _setter(
            ["mod_stamp"], _stamp(10**13 - 1))), True),
        ("follow-up: created 2099", _set_line(fu, fnew, _setter(
            ["created_at"], "2099-01-01T00:00:00+00:00")), True),
        ("follow-up twice", _twice(fu, fnew), True),
    ]
    attachments = forge.lines("attachments")
    anew = next(i for i, r in enumerate(attachments) if r["filename"] == "foto.png")
    at = "attachments"
    edits += [
        ("attachment: name ../../../x.sh", _set_line(at, anew, _setter(
            ["filename"], "../../../x.sh")), False),
        ("attachment: name with controls", _set_line(at, anew, _setter(
            ["filename"], "a\x00b\x1b[31m\u202egnp.sh")), False),
        ("attachment: name only dots", _set_line(at, anew, _setter(["filename"], "..")), False),
        ("attachment: mime jpeg for png", _set_line(at, anew, _setter(["mime"], "image/jpeg")),
         True),
        ("attachment: size wrong", _set_line(at, anew, _setter(["size"], 3)), True),
        ("attachment: origin the receiver", _set_line(at, anew, _setter(["origin_site"], "33")),
         True),
        ("attachment: unknown incident", _set_line(at, anew, _setter(
            ["incident_id"], str(uuid.uuid4()))), True),
        ("attachment: script as png", _replace_blob(anew, b"#!/bin/sh\nrm -rf ~\n"), True),
        ("attachment: html as png", _replace_blob(anew, b"<html><script>x()</script>"), True),
        ("attachment: jpeg content", _replace_blob(anew, b"\xff\xd8\xff" + bytes(64), "image/jpeg"),
         False),
        ("attachment removed, blob kept", _drop_line(at, anew), True),
        ("blob unreferenced", _extra_blob(PNG + b"extra"), True),
        ("blob missing", _drop_blob(anew), True),
        ("provenance: signature changed", _provenance(lambda d: d.update(
            signature=d["signature"][::-1])), True),
        ("provenance: manifest changed", _provenance(lambda d: d.update(
            manifest=d["manifest"].replace('"sequence": 1', '"sequence": 7'))), True),
        ("provenance: not json", _provenance(None), True),
    ]
    return edits


def _twice(kind: str, index: int) -> Mutation:
    def mutate(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        rows = [x for x in members[RECORDS[kind]].decode().splitlines() if x]
        rows.append(rows[index])
        members[RECORDS[kind]] = ("\n".join(rows) + "\n").encode()
        doc["counts"][kind] += 1
    return mutate


def _drop_line(kind: str, index: int) -> Mutation:
    def mutate(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        rows = [x for x in members[RECORDS[kind]].decode().splitlines() if x]
        rows.pop(index)
        members[RECORDS[kind]] = "".join(r + "\n" for r in rows).encode()
        doc["counts"][kind] -= 1
    return mutate


def _replace_blob(index: int, content: bytes, mime: str | None = None) -> Mutation:
    def mutate(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        rows = [json.loads(x) for x in members[RECORDS["attachments"]].decode().splitlines() if x]
        old = rows[index]["sha256"]
        sha = hashlib.sha256(content).hexdigest()
        rows[index].update(sha256=sha, size=len(content), **({"mime": mime} if mime else {}))
        members[RECORDS["attachments"]] = "".join(json.dumps(r) + "\n" for r in rows).encode()
        members.pop("blobs/" + old)
        members["blobs/" + sha] = content
    return mutate


def _extra_blob(content: bytes) -> Mutation:
    def mutate(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        members["blobs/" + hashlib.sha256(content).hexdigest()] = content
        doc["counts"]["blobs"] += 1
    return mutate


def _drop_blob(index: int) -> Mutation:
    def mutate(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        rows = [json.loads(x) for x in members[RECORDS["attachments"]].decode().splitlines() if x]
        members.pop("blobs/" + rows[index]["sha256"])
        doc["counts"]["blobs"] -= 1
    return mutate


def _provenance(change: Callable[[dict[str, Any]], None] | None) -> Mutation:
    def mutate(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        name = sorted(n for n in members if n.startswith("provenance/"))[0]
        if change is None:
            members[name] = b"{not json"
            return
        prov = json.loads(members[name])
        change(prov)
        members[name] = json.dumps(prov).encode()
    return mutate


def meaning_edits(forge: Forge, rng: random.Random, n: int) -> Iterator[Case]:
    edits = _meaning_edits(forge)
    for _ in range(n):
        label, mutate, must = rng.choice(edits)
        yield ("meaning:" + label, forge.package("meaning", mutate), must, [])


def _rename(old: str, new: str) -> Mutation:
    def mutate(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        members[new] = members.pop(old)
    return mutate


def paths_and_types(forge: Forge, rng: random.Random, n: int) -> Iterator[Case]:
    """Member names that are paths, look-alikes or unknown; members of other kinds."""
    names = ["../records/incidents.jsonl", "/records/incidents.jsonl",
             "records\\incidents.jsonl", "records/./incidents.jsonl", "RECORDS/incidents.jsonl",
             "records/incidents.jsonl/", "records/incidents.jsonl\u200b",
             "records/incidents.json", "C:/records/incidents.jsonl", "evil.sh",
             "blobs/../../../etc/passwd", "provenance/x.json"]
    blob = next(k for k in forge.members if k.startswith("blobs/"))
    names_for_blob = [blob.upper().replace("BLOBS", "blobs"), blob + ".png", blob[:-1]]
    for _ in range(n):
        if rng.random() < 0.7:
            new = rng.choice(names)
            yield ("path:" + new, forge.package("path", _rename("records/incidents.jsonl", new)),
                   True, [])
        elif rng.random() < 0.5:
            new = rng.choice(names_for_blob)
            yield ("path:" + new, forge.package("path", _rename(blob, new)), True, [])
        else:
            extra = rng.choice(["evil.sh", "records/evil.jsonl", "manifest.json.bak",
                                "__MACOSX/._manifest.json"])
            yield ("path: extra " + extra, forge.package(
                "path", lambda m, d, e=extra: m.__setitem__(e, b"#!/bin/sh\n")), True, [])


def _symlinked(names: set[str]) -> Callable[[list[zipfile.ZipInfo]], None]:
    def after(infos: list[zipfile.ZipInfo]) -> None:
        for info in infos:
            if info.filename in names:
                info.create_system = 3
                info.external_attr = (0o120777 << 16)
    return after


def links_and_twins(forge: Forge, rng: random.Random, n: int) -> Iterator[Case]:
    """Symbolic-link members (nothing is extracted: a link is its bytes) and members twice."""
    blob = next(k for k in forge.members if k.startswith("blobs/"))
    for _ in range(n):
        pick = rng.randrange(4)
        if pick == 0:  # the same bytes, marked as a link: harmless, accepted
            yield ("symlink: same bytes", forge.package(
                "link", after=_symlinked({"records/incidents.jsonl"})), False, [])
        elif pick == 1:  # a link whose target is a path, listed honestly
            target = rng.choice([b"/etc/passwd", b"../../../../home", b"/proc/self/environ"])
            yield ("symlink: to " + target.decode(), forge.package(
                "link", lambda m, d, t=target: m.__setitem__(blob, t),
                after=_symlinked({blob})), True, [])
        else:
            name = rng.choice([blob, "records/incidents.jsonl", "manifest.json", "manifest.sig"])
            yield ("twice: " + name, _twin(forge, name, pick == 2), True, [])


def _twin(forge: Forge, name: str, same: bool) -> Path:
    other = forge.members[name] if same else forge.members[name] + b"\n{}"
    return forge.with_member(forge.package("twice"), name, other)


def bombs(forge: Forge, rng: random.Random, n: int) -> Iterator[Case]:
    """Zip bombs against the fuzz run's limits (runner.FUZZ_LIMITS): ratio, member size,
    total size, member count, line length, manifest size."""
    lim = FUZZ_LIMITS
    for _ in range(n):
        pick = rng.randrange(6)
        if pick == 0:
            content = bytes(rng.choice([1 << 20, 3 << 20]))  # zeros: ~1000:1
            label = "ratio"
        elif pick == 1:
            content = rng.randbytes(lim.max_member_bytes + 1024)
            label = "member size"
        elif pick == 2:
            yield ("bomb:total size", forge.package("bomb", _many_blobs(
                rng, 5, (lim.max_total_bytes // 5) + (64 << 10))), True, [])
            continue
        elif pick == 3:
            yield ("bomb:member count", forge.package("bomb", _many_blobs(
                rng, lim.max_members + 1, 16)), True, [])
            continue
        elif pick == 4:
            long_line = b'{"a":"' + b"x" * lim.max_line_bytes + b'"}\n'
            yield ("bomb:line length", forge.package("bomb", lambda m, d, x=long_line: (
                m.__setitem__("records/followups.jsonl", x + m["records/followups.jsonl"]))),
                True, [])
            continue
        else:
            yield ("bomb:manifest size", forge.package("bomb", _edit_manifest(
                _setter(["source_name"], "x" * (lim.max_manifest_bytes + 10)))), True, [])
            continue
        yield ("bomb:" + label, forge.package("bomb", _extra_blob(content)), True, [])


def _many_blobs(rng: random.Random, count: int, size: int) -> Mutation:
    def mutate(members: dict[str, bytes], doc: dict[str, Any]) -> None:
        for _ in range(count):
            content = rng.randbytes(size)
            members["blobs/" + hashlib.sha256(content).hexdigest()] = content
        doc["counts"]["blobs"] = sum(1 for k in members if k.startswith("blobs/"))
    return mutate


def signatures_and_replays(forge: Forge, rng: random.Random, n: int) -> Iterator[Case]:
    """Unknown or missing signatures, replays, and valid packages (which must pass)."""
    stranger = Ed25519PrivateKey.generate()
    replayed = forge.world.replayed.read_bytes()
    for _ in range(n):
        pick = rng.randrange(9)
        if pick == 0:
            yield ("sign:unknown key", forge.package("sign", key=stranger), True, [])
        elif pick == 1:
            yield ("sign:no signature", forge.package(
                "sign", lambda m, d: m.pop("manifest.sig")), True, [])
        elif pick == 2:
            path = forge.package("sign", lambda m, d: m.pop("manifest.sig"))
            yield ("sign:garbage", forge.with_member(path, "manifest.sig", rng.choice(
                [b"!!!", b"", rng.randbytes(88), b"A" * 5000])), True, [])
        elif pick == 3:
            yield ("replay:as is", forge.raw_file("replay", replayed), False, [])
        elif pick == 4:
            yield ("replay:new id", _replayed_new_id(forge, replayed), True, [])
        elif pick == 5:
            yield ("valid:as made", forge.raw_file("valid", forge.raw), False, [])
        elif pick == 6:
            yield ("valid:stored", forge.package("valid", method=zipfile.ZIP_STORED), False, [])
        elif pick == 7:
            yield ("valid:reordered", forge.package("valid", lambda m, d: _reorder(rng, m)),
                   False, [])
        else:
            yield ("sign:no manifest", forge.package(
                "sign", lambda m, d: m.pop("manifest.json")), True, [])


def _reorder(rng: random.Random, members: dict[str, bytes]) -> None:
    items = list(members.items())
    rng.shuffle(items)
    members.clear()
    members.update(items)


def _replayed_new_id(forge: Forge, raw: bytes) -> Path:
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    doc = json.loads(members["manifest.json"])
    doc["package_id"] = str(uuid.uuid4())
    data = json.dumps(doc, indent=1, sort_keys=True).encode()
    members["manifest.json"] = data
    members["manifest.sig"] = keys.sign(forge.key, data).encode()
    path = forge.path("replay")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return path


# family name -> (generator, share of the cases)
FAMILIES: dict[str, tuple[Callable[[Forge, random.Random, int], Iterator[Case]], float]] = {
    "truncate": (truncations, 0.10),
    "flip": (byte_flips, 0.25),
    "manifest": (manifest_edits, 0.15),
    "members": (member_list_edits, 0.04),
    "record": (record_edits, 0.18),
    "meaning": (meaning_edits, 0.14),
    "path": (paths_and_types, 0.05),
    "link": (links_and_twins, 0.03),
    "bomb": (bombs, 0.01),
    "sign": (signatures_and_replays, 0.05),
}


def package_cases(world: World, folder: Path, rng: random.Random, n: int) -> Iterator[Case]:
    """About `n` cases over every family, interleaved (each family's own random stream is
    derived from `rng`, so the cases do not depend on how they are consumed)."""
    forge = Forge(world, folder)
    streams = []
    for name, (family, share) in FAMILIES.items():
        count = max(1, round(n * share))
        streams.append(family(forge, random.Random("{s}-{f}".format(
            s=rng.random(), f=name)), count))
    order = [i for i, s in enumerate(streams) for _ in range(
        max(1, round(n * list(FAMILIES.values())[i][1])))]
    rng.shuffle(order)
    for i in order:
        case = next(streams[i], None)
        if case is not None:
            name, path, must, command = case
            yield name, path, must, ["import", str(path), *command]
