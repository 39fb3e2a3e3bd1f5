"""Checks of an import that need the database: what a package says about this site (its
acks), where its records claim to come from (origin, relays and their signed manifests),
and its attachment content (docs/sync-format.md, "Import", the table of checks).

A sender may pass on records of other sites only as relayed data: each such incident
names (`via_package`) a package made by its origin site whose signed manifest travels in
`provenance/` or is held here already. Records claiming this site as their origin, and
stamps naming this site, must be what this site holds: a peer cannot put words in this
site's mouth.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jsonschema
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core.db.models import Blob
from posko_desktop.core.db.models_sync import SyncKey, SyncPackage
from posko_desktop.core.evidence import SNIFF_BYTES, sniff_mime
from posko_desktop.core.i18n import N_
from posko_desktop.core.services.sync.results import BROADCAST
from posko_desktop.core.sync import keys as keymod
from posko_desktop.core.sync import records
from posko_desktop.core.sync.package import PackageError, PackageReader


@dataclass(frozen=True)
class Relayed:
    """A provenance entry of the package, checked: the signed manifest of a package made by
    `source_site`; `trusted` when signed by a key trusted here for that site (else it was
    checked against the public key it names: this site holds no key of that site)."""

    package_id: uuid.UUID
    source_site: str
    signer: str
    sequence: int
    manifest: str
    signature: str
    trusted: bool


def check_acks(s: Session, reader: PackageReader, local_code: str) -> None:
    """The sender's ack for this site names a package this site really issued to it (or to
    all)."""
    m = reader.manifest
    seq = m["acks"].get(local_code)
    if seq is None:
        return
    issued = s.scalar(select(func.count()).select_from(SyncPackage).where(
        SyncPackage.direction == "out", SyncPackage.sequence == seq,
        SyncPackage.recipient.in_((m["source_site"], BROADCAST))))
    if not issued:
        raise PackageError(N_("{file} confirms package number {seq} of this site, which this "
                              "site never sent to {site}"), file=reader.name, seq=seq,
                           site=m["source_site"])


def check_created_at(reader: PackageReader, now: datetime, ahead: timedelta) -> datetime:
    """The package's creation time, a real time no later than the clock tolerance."""
    try:
        created = datetime.fromisoformat(reader.manifest["created_at"])
    except ValueError:
        created = None
    if created is None or created > now + ahead:
        raise PackageError(N_("{file}: the package's creation time {time} is not valid or "
                              "lies too far ahead of this computer's clock"), file=reader.name,
                           time=reader.manifest["created_at"])
    return created


def read_relayed(s: Session, reader: PackageReader) -> dict[str, Relayed]:
    """Every provenance entry (hex package id -> entry), its signed manifest checked:
    schema, ids and sites as the outer manifest lists them, and the signature (by a key
    trusted here for its site, or, when this site holds none of that site, by the key the
    manifest names). Anything else refuses the package."""
    listed = {r["package_id"]: r for r in reader.manifest["relayed"]}
    validator = jsonschema.Draft202012Validator(records.schema("manifest"))
    out: dict[str, Relayed] = {}
    for doc in reader.iter_provenance():
        try:
            pid = uuid.UUID(doc["package_id"])
            text, sig = doc["manifest"], doc["signature"]
            if not isinstance(text, str) or not isinstance(sig, str) or len(sig) > 100:
                raise ValueError
            inner = json.loads(text)
            if not validator.is_valid(inner) or inner["package_id"] != str(pid):
                raise ValueError
            entry = listed[str(pid)]
            if (entry["source_site"], entry["signer"]) != (
                    inner["source_site"], inner["signer"]["fingerprint"]):
                raise ValueError
        except (KeyError, ValueError, TypeError, AttributeError, RecursionError):
            raise PackageError(N_("{file}: a relayed manifest is not valid"),
                               file=reader.name) from None
        site, signer = inner["source_site"], inner["signer"]
        held = list(s.scalars(select(SyncKey).where(SyncKey.site_code == site)))
        if held:
            key = next((k for k in held if k.fingerprint == signer["fingerprint"]
                        and k.revoked_at is None), None)
            ok = key is not None and keymod.verify(key.public_key, sig, text.encode("utf-8"))
        else:
            ok = (_fingerprint(signer["public_key"]) == signer["fingerprint"]
                  and keymod.verify(signer["public_key"], sig, text.encode("utf-8")))
        if not ok:
            raise PackageError(N_("{file}: the relayed manifest of package {package} is not "
                                  "signed by site {site}"), file=reader.name, package=str(pid),
                               site=site)
        out[pid.hex] = Relayed(pid, site, signer["fingerprint"], inner["sequence"], text, sig,
                               bool(held))
    return out


def _fingerprint(public_key: str) -> str:
    try:
        return keymod.fingerprint_of(public_key)
    except ValueError:
        return ""


class Origins:
    """Where incidents may come from in this package: the sender's own, this site's own
    (only as held here, see apply.py), or relayed with the origin's signed manifest."""

    def __init__(self, s: Session, reader: PackageReader, sender: str, own: str,
                 relayed: dict[str, Relayed]) -> None:
        self.s = s
        self.file = reader.name
        self.sender = sender
        self.own = own
        self.own_tail = "-" + own  # a stamp made by this site ends so
        self.own_in_text = "-" + own + '"'  # ... and so inside packed JSON text
        self.vias = {h: r.source_site for h, r in relayed.items()}

    def relayed_from(self, origin: str, via: str | None) -> bool:
        """`via` (hex) is a package made by `origin`, in this package's provenance or held
        here."""
        if via is not None and via not in self.vias:
            held = self.s.scalar(select(SyncPackage.source_site).where(
                SyncPackage.package_id == uuid.UUID(via),
                SyncPackage.direction.in_(("in", "via"))))
            self.vias[via] = held or ""
        return via is not None and self.vias[via] == origin

    def check_relayed(self, hex_id: str, origin: str, via: str | None) -> None:
        """An incident of a third site: its `via_package` is a package made by that site,
        in this package's provenance or held here."""
        if not self.relayed_from(origin, via):
            raise PackageError(N_("{file}: incident {id} of site {origin} comes without the "
                                  "signed manifest of {origin} (records of another site are "
                                  "accepted only as relayed data)"), file=self.file,
                               id=_dashed(hex_id), origin=origin)

    def not_held(self, what: str, hex_id: str) -> PackageError:
        """A record or an edit said to be made by this site that it does not hold."""
        if what == "stamp":
            return PackageError(N_("{file}: incident {id} carries a change said to be made by "
                                   "this site ({code}) that this site never made"),
                                file=self.file, id=_dashed(hex_id), code=self.own)
        messages = {
            "incident": N_("{file}: incident {id} claims to originate at this site ({code}), "
                           "which does not hold it"),
            "follow-up": N_("{file}: follow-up {id} claims to originate at this site ({code}), "
                            "which does not hold it"),
            "attachment": N_("{file}: attachment {id} claims to originate at this site "
                             "({code}), which does not hold it"),
        }
        return PackageError(messages[what], file=self.file, id=_dashed(hex_id), code=self.own)

    def check_record(self, member: str, hex_id: str, origin: str, via: str | None,
                     held: bool, new_own_stamps: bool) -> None:
        """The origin rules for a record of a `sync.kinds` type (the same as for incidents):
        a third site's record comes relayed; a record or a change said to be made by this
        site must be one it holds (`new_own_stamps`: it carries a stamp of this site newer
        than what this site holds)."""
        if origin not in (self.sender, self.own) and not self.relayed_from(origin, via):
            raise PackageError(N_("{file}: record {id} of {member} of site {origin} comes "
                                  "without the signed manifest of {origin} (records of "
                                  "another site are accepted only as relayed data)"),
                               file=self.file, member=member, id=_dashed(hex_id), origin=origin)
        if origin == self.own and not held:
            raise PackageError(N_("{file}: record {id} of {member} claims to originate at "
                                  "this site ({code}), which does not hold it"),
                               file=self.file, member=member, id=_dashed(hex_id), code=self.own)
        if new_own_stamps:
            raise PackageError(N_("{file}: record {id} of {member} carries a change said to "
                                  "be made by this site ({code}) that this site never made"),
                               file=self.file, member=member, id=_dashed(hex_id), code=self.own)


def _dashed(hex_id: str) -> str:
    return str(uuid.UUID(hex_id))


def blob_facts(s: Session, sha256: str) -> tuple[str | None, int] | None:
    """(sniffed type, size) of content held here, None when not held."""
    row = s.execute(select(func.substr(Blob.data, 1, SNIFF_BYTES), Blob.size)
                    .where(Blob.sha256 == sha256)).first()
    if row is None:
        return None
    head = bytes(row[0]) if row[0] is not None else b""
    if head.startswith(b"PK\x03\x04"):  # a chat export archive is sniffed whole
        head = bytes(s.scalar(select(Blob.data).where(Blob.sha256 == sha256)) or b"")
    return sniff_mime(head), int(row[1])


def check_attachment(file: str, line: int, rec: dict[str, Any],
                     facts: tuple[str | None, int] | None) -> PackageError | None:
    """The attachment's content is here and is what the record says: a type this app
    accepts, sniffed from the content, and the record's size."""
    member = "records/attachments.jsonl"
    if facts is None:
        problem = "attachment content {sha} is missing".format(sha=rec["sha256"][:12])
    elif facts[0] is None:
        return PackageError(N_("{file}: attachment content {sha} is not an image (PNG, JPEG, "
                               "GIF, WebP) or a PDF"), file=file, sha=rec["sha256"][:12])
    elif facts[0] != rec["mime"] or facts[1] != rec["size"]:
        problem = "attachment content {sha} is {mime} of {size} bytes, not as declared".format(
            sha=rec["sha256"][:12], mime=facts[0], size=facts[1])
    else:
        return None
    return PackageError(N_("{file}: line {line} of {member} is not valid: {problem}"),
                        file=file, line=line, member=member, problem=problem)
