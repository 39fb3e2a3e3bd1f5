"""Runs fuzz cases through the CLI entry point, in this process, against copies of the
prepared province database, and counts what went wrong (tests/fuzz/README.md).

Each case is imported with `posko_desktop.cli.main([...])` as a person would run it. A
case that must be refused must end with exit code 2, name its file in the message and
leave the database as it was (a digest of every table before and after; the login of
the command itself is left out: its audit entries, the audit head and the account row).
A refusal that left the database unchanged keeps the copy for the next case.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import os
import resource
import shutil
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sync.conftest import LOGIN_AUDIT, LOGIN_TABLES

from posko_desktop.cli import main
from posko_desktop.core.sync import package as package_mod

from .world import World

Case = tuple[str, Path, bool, list[str]]  # name, file, must be refused, CLI arguments
# package limits while fuzzing, scaled down so that bombs of every kind stay small files
FUZZ_LIMITS = package_mod.Limits(max_file_bytes=64 << 20, max_members=2_000,
                                 max_member_bytes=4 << 20, max_total_bytes=16 << 20,
                                 max_ratio=200, max_line_bytes=1 << 20,
                                 max_manifest_bytes=1 << 20)


def digest(db: Path) -> str:
    """SHA-256 over every row of every table (the login's own rows left out)."""
    sha = hashlib.sha256()
    con = sqlite3.connect(db)
    try:
        tables = [t for (t,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name") if t not in LOGIN_TABLES]
        for table in tables:
            where = " WHERE " + LOGIN_AUDIT if table == "audit_log" else ""
            sha.update(table.encode())
            for row in con.execute('SELECT * FROM "{t}"{w} ORDER BY 1'.format(t=table, w=where)):
                sha.update(repr(row).encode())
    finally:
        con.close()
    return sha.hexdigest()


@dataclass
class Outcome:
    cases: int = 0
    refused: int = 0
    accepted_bad: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)  # exit 1 (or anything but 0 and 2)
    changed_on_refusal: list[str] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)  # refused without naming the file
    good_refused: list[str] = field(default_factory=list)  # valid, but refused: reported
    seconds: list[float] = field(default_factory=list)
    families: dict[str, int] = field(default_factory=dict)
    max_rss_mb: float = 0.0

    @property
    def failures(self) -> int:
        return len(self.accepted_bad) + len(self.crashes) + len(self.changed_on_refusal)

    def table(self) -> str:
        per = sorted(self.seconds)
        median = per[len(per) // 2] * 1000 if per else 0.0
        worst = per[-1] * 1000 if per else 0.0
        rows = [("cases", str(self.cases)), ("refused", str(self.refused)),
                ("accepted-bad", str(len(self.accepted_bad))),
                ("exit-1 crashes", str(len(self.crashes))),
                ("database changed on refusal", str(len(self.changed_on_refusal))),
                ("refused without naming the file", str(len(self.unnamed))),
                ("valid but refused", str(len(self.good_refused))),
                ("max RSS", "{v:.0f} MB".format(v=self.max_rss_mb)),
                ("time per case", "median {m:.0f} ms, max {w:.0f} ms, total {t:.0f} s".format(
                    m=median, w=worst, t=sum(per)))]
        width = max(len(k) for k, _v in rows)
        lines = ["| {k} | {v} |".format(k=k.ljust(width), v=v) for k, v in rows]
        fam = ", ".join("{k} {n}".format(k=k, n=n) for k, n in sorted(self.families.items()))
        return "\n".join(lines) + "\n\nfamilies: " + fam

    def examples(self, n: int = 5) -> str:
        out = []
        for label, names in (("accepted-bad", self.accepted_bad), ("exit 1", self.crashes),
                             ("changed on refusal", self.changed_on_refusal),
                             ("unnamed", self.unnamed), ("valid but refused", self.good_refused)):
            if names:
                out.append("{l}: {n}".format(l=label, n="; ".join(names[:n])))
        return "\n".join(out)


@contextlib.contextmanager
def fuzz_limits() -> Iterator[None]:
    """The import's default limits scaled down for the run (restored after)."""
    limits = package_mod.DEFAULT_LIMITS
    saved = {f: getattr(limits, f) for f in limits.__dataclass_fields__}
    for name in saved:
        object.__setattr__(limits, name, getattr(FUZZ_LIMITS, name))
    try:
        yield
    finally:
        for name, value in saved.items():
            object.__setattr__(limits, name, value)


class Runner:
    def __init__(self, world: World, work: Path) -> None:
        self.world = world
        self.work = work
        work.mkdir(parents=True, exist_ok=True)
        self.pristine = digest(world.province_db)
        self.db: Path | None = None
        self.copies = 0

    def _fresh_db(self) -> Path:
        if self.db is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(self.db) + suffix).unlink(missing_ok=True)
        self.copies += 1
        self.db = self.work / "province-{n}.sqlite3".format(n=self.copies)
        shutil.copy(self.world.province_db, self.db)
        return self.db

    def run(self, cases: Iterable[Case], outcome: Outcome | None = None) -> Outcome:
        out = outcome or Outcome()
        saved = os.environ.get("POSKO_PASSWORD")
        os.environ["POSKO_PASSWORD"] = self.world.password
        try:
            with fuzz_limits():
                for name, path, must_refuse, command in cases:
                    self.one(out, name, path, must_refuse, command)
        finally:
            if saved is None:
                os.environ.pop("POSKO_PASSWORD", None)
            else:
                os.environ["POSKO_PASSWORD"] = saved
        return out

    def one(self, out: Outcome, name: str, path: Path, must_refuse: bool,
            command: list[str]) -> None:
        db = self.db if self.db is not None else self._fresh_db()
        err = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                code = main(["--db", str(db), "--lang", "en", "--user", self.world.user,
                             *command])
            except SystemExit as stop:  # argparse
                code = stop.code if isinstance(stop.code, int) else 2
        out.seconds.append(time.perf_counter() - start)
        gc.collect(0)
        out.cases += 1
        family = name.split(":", 1)[0]
        out.families[family] = out.families.get(family, 0) + 1
        label = "{n} ({file})".format(n=name, file=path.name)
        changed = digest(db) != self.pristine
        if code == 2:
            out.refused += 1
            if changed:
                out.changed_on_refusal.append(label)
            if path.name not in err.getvalue():
                out.unnamed.append(label)
            if not must_refuse:
                out.good_refused.append(label + ": " + err.getvalue().strip()[:300])
        elif code == 0:
            if must_refuse:
                out.accepted_bad.append(label)
        else:
            out.crashes.append(label + ": " + err.getvalue().strip()[:300])
        if changed:
            self.db = None  # the next case starts from a fresh copy
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out.max_rss_mb = max(out.max_rss_mb, rss)
        path.unlink(missing_ok=True)  # cases are made one by one and removed after use
