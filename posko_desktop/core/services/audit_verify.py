"""`posko audit verify` and the audit tab's *Verify*: one report from every check.

1. The hash chain, the head row and the anchors typed from printed sitreps
   (`audit.verify_chain`).
2. The anchors of this trail held outside this database: those this site sent in its own
   packages (kept here, so they only catch a careless rewrite) and those in signed files
   exported by partner sites (`audit_anchors.export_anchors`: the real check). Each says
   entry N had hash H; a trail cut back, wiped, recomputed or renumbered after it fails.
3. With `deep`: the values the trail recorded against the current rows (`audit_deep`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.services import audit, audit_anchors, audit_deep
from posko_desktop.core.services.audit import VerifyResult
from posko_desktop.core.services.audit_anchors import HeldAnchor
from posko_desktop.core.services.audit_deep import Difference
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.textrules import format_datetime_wib, format_int

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    kind: str  # anchor | deep
    message: str  # English msgid
    params: tuple[tuple[str, Any], ...] = ()
    entry_id: int | None = None
    difference: Difference | None = None  # deep: the record and field

    def text(self) -> str:
        if self.difference is not None:
            return self.difference.text()
        return _(self.message).format(**dict(self.params))


@dataclass(frozen=True)
class TrailReport:
    chain: VerifyResult
    anchors_checked: int = 0
    deep_checked: int | None = None  # records compared; None: not asked
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.findings

    def lines(self) -> list[str]:
        """What the CLI prints and the audit tab shows, first line the verdict."""
        if self.ok:
            out = [self.chain.message()]
        elif not self.chain.ok:
            out = [_("AUDIT TRAIL BROKEN: {message}").format(message=self.chain.message())]
        else:
            out = [_("AUDIT TRAIL BROKEN: {count} problem(s) found; the hash chain itself is "
                     "consistent ({checked} entries)").format(
                count=format_int(len(self.findings)), checked=format_int(self.chain.checked))]
        out += [f.text() for f in self.findings]
        out.append(_("Anchors checked: {count}").format(count=format_int(self.anchors_checked)))
        if self.deep_checked is not None:
            out.append(_("Records compared with the values the trail recorded: {count}")
                       .format(count=format_int(self.deep_checked)))
        return out


def verify(ctx: AppContext, *, anchors: Iterable[str] = (), anchor_files: Iterable[Path] = (),
           deep: bool = False, progress: Progress = NO_PROGRESS) -> TrailReport:
    """Every check; a file that is not a trusted anchors file for this site is refused
    (AnchorError) before anything is checked."""
    require(ctx.actor, Permission.AUDIT_VIEW)
    files = [audit_anchors.read_anchor_file(ctx, Path(p)) for p in anchor_files]
    chain = audit.verify_chain(ctx, anchors=anchors, progress=progress)
    findings: list[Finding] = []
    with ctx.db.read() as s:
        held = audit_anchors.sent_anchors(s) + [a for f in files for a in f.anchors]
        findings += _check_anchors(s, held)
        checked: int | None = None
        if deep:
            count, differences = audit_deep.incident_differences(s, progress)
            differences += audit_deep.setting_differences(s)
            checked = count
            findings += [Finding("deep", "", (), d.entry_id, d) for d in differences]
    report = TrailReport(chain, len(held), checked, tuple(findings))
    if findings:
        logger.warning("Audit verification: %d finding(s), first: %s", len(findings),
                       findings[0].text())
    return report


def _check_anchors(s: Session, held: list[HeldAnchor]) -> list[Finding]:
    if not held:
        return []
    last = s.scalar(select(func.max(AuditEntry.id))) or 0
    wanted = sorted({a.entry_id for a in held if 0 < a.entry_id <= last})
    stored: dict[int, str] = {}
    for i in range(0, len(wanted), 500):
        rows = s.execute(select(AuditEntry.id, AuditEntry.hash)
                         .where(AuditEntry.id.in_(wanted[i:i + 500]))).all()
        stored.update((entry_id, digest) for entry_id, digest in rows)
    found = []
    for a in held:
        if a.entry_id == 0:
            continue  # the trail was empty when that package went out
        holder = (_("site {site}").format(site=a.source) if a.source else _("this site"))
        when = format_datetime_wib(a.received_at)
        if a.entry_id > last:
            found.append(Finding("anchor", N_(
                "The trail ends at entry #{last} but {holder} holds an anchor at entry #{id} "
                "(received {when}): entries were removed or the trail was wiped"),
                (("last", last), ("holder", holder), ("id", a.entry_id), ("when", when)),
                a.entry_id))
        elif stored.get(a.entry_id) != a.hash:
            found.append(Finding("anchor", N_(
                "Entry #{id} is not the entry {holder} holds an anchor of (hash {hash}, "
                "received {when}): the trail was rewritten, recomputed or renumbered"),
                (("id", a.entry_id), ("holder", holder), ("hash", a.hash[:16]),
                 ("when", when)), a.entry_id))
    return found
