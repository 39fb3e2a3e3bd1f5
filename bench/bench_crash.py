"""Crash bench (issue 12): kill -9 during add, XLSX import, .posko import, demo-data,
backup and restore, on a copy of a 20,000-incident database, and after every kill reopen
the database with the app's own code.

    .venv/bin/python bench/bench_crash.py [--trials 50] [--only add,backup] [--seed 12]

Each trial forks a child (the app's modules are already imported, so a trial costs the
operation, not Python's start-up) that runs one operation and reports on a pipe: `begin`
just before it, `ok …` after each commit it could report. The parent kills it with SIGKILL
at a random moment inside the operation's measured duration (a trial whose operation
finished first is counted as completed, not as a kill, and repeated). Then, in the parent:

- lock-out: `open_database` refuses or fails, SQLite's quick check fails, or a write
  transaction cannot begin;
- partial write: the database (or the backup folder) is in neither the state before nor
  the state after the operation — e.g. some rows of an import, a demo load that is half
  there, an incident without its audit entry, a backup file without a valid manifest, a
  restore that is neither the old nor the restored database;
- lost confirmed rows: something the child reported as committed is missing.

Prints one table; every column but the trials must be 0.
"""

from __future__ import annotations

import argparse
import os
import random
import select
import shutil
import signal
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import openpyxl
from common import CACHE, demo_db

from posko_desktop.core.backup import manifest as mf
from posko_desktop.core.context import AppContext
from posko_desktop.core.db import health
from posko_desktop.core.db.files import sha256_of
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import accounts, demo, reference, site_key
from posko_desktop.core.services import backup as backups
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import restore as restore_svc
from posko_desktop.core.services import sync as sync_svc
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.services.spreadsheet_import import import_spreadsheet
from posko_desktop.core.spreadsheets import write_template
from posko_desktop.core.spreadsheets.columns import data_sheet_names
from posko_desktop.core.sync import keys
from posko_desktop.core.timeutil import parse_wib

ADMIN = Actor("bench", "admin", "Bench")
OPERATIONS = ("add", "import-xlsx", "import-posko", "demo-data", "backup", "restore")
XLSX_ROWS = 300
POSKO_INCIDENTS = 1000
DEMO_INCIDENTS = 3000
PARTNER_PASSWORD = "Posko-Semarang-3374"


@dataclass
class Tally:
    trials: int = 0
    completed: int = 0
    lockouts: int = 0
    partial: int = 0
    lost: int = 0
    duration: float = 0.0  # of one uninterrupted run: kills land uniformly inside it
    notes: list[str] = field(default_factory=list)


@dataclass
class Work:
    root: Path
    pristine: Path  # the 20,000-incident database (site 33), with the partner key trusted
    live: Path  # the copy the trials run on
    sheet: Path
    package: Path
    backup_a: Path  # the pristine state
    backup_b: Path  # pristine + 20 incidents
    backups: Path  # backup trials write here
    pre_restore: Path  # restore trials keep the pre-restore copy here


# --- fingerprints ---------------------------------------------------------------------------

FINGERPRINT_SQL = (
    "SELECT (SELECT count(*) FROM incident), (SELECT coalesce(sum(seq), 0) FROM incident), "
    "(SELECT count(*) FROM followup), "
    "(SELECT count(*) FROM audit_log WHERE action = 'incident.create')")


def fingerprint(path: Path) -> tuple[int, ...]:
    """Rows that every operation here changes, through the app's own open."""
    db = open_database(path)
    try:
        with db.engine.connect() as conn:
            row = conn.exec_driver_sql(FINGERPRINT_SQL).one()
    finally:
        db.dispose()
    return tuple(int(v) for v in row)


def fingerprint_of_copy(path: Path) -> tuple[int, ...]:
    """The same for a backup file, read-only (opening it with the app would change it)."""
    conn = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
    try:
        return tuple(int(v) for v in conn.execute(FINGERPRINT_SQL).fetchone())
    finally:
        conn.close()


def reopen(path: Path) -> str | None:
    """The app's own open after a kill: None when all is well, else why it locks out."""
    try:
        db = open_database(path)
    except Exception as err:  # any refusal is a lock-out
        return f"open: {err}"
    try:
        if not health.check_database(db).ok:
            return "quick_check failed"
        with db.write():
            pass  # the write lock can be taken: nothing holds it
    except Exception as err:
        return f"write: {err}"
    finally:
        db.dispose()
    return None


def titles(path: Path, wanted: list[str]) -> set[str]:
    db = open_database(path)
    try:
        with db.engine.connect() as conn:
            found: set[str] = set()
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                marks = ",".join("?" * len(chunk))
                found |= {r[0] for r in conn.exec_driver_sql(
                    f"SELECT title FROM incident WHERE title IN ({marks})", tuple(chunk))}
            return found
    finally:
        db.dispose()


# --- the child side -------------------------------------------------------------------------


def run_child(fn: Callable[[Callable[[str], None]], None]) -> tuple[int, int]:
    """Fork; the child runs fn(say) and exits. Returns (pid, read end of its pipe)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        code = 0
        try:
            def say(line: str) -> None:
                os.write(write_fd, (line + "\n").encode())

            fn(say)
        except BaseException as err:  # reported, never raised in the child
            os.write(write_fd, f"error {type(err).__name__}: {err}\n".encode())
            code = 1
        os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def ctx_for(path: Path) -> AppContext:
    return AppContext(open_database(path), ADMIN)


def op_add(work: Work) -> Callable[[Callable[[str], None]], None]:
    def fn(say: Callable[[str], None]) -> None:
        ctx = ctx_for(work.live)
        say("begin")
        n = 0
        while True:
            title = f"Uji crash {os.getpid()} {n}"
            inc.create_incident(ctx, IncidentInput(
                regency_code="33.74", title=title, category_code="A1", severity="sedang",
                occurred_at=parse_wib("2024-11-26 20:30")))
            say("ok " + title)
            n += 1
    return fn


def op_xlsx(work: Work) -> Callable[[Callable[[str], None]], None]:
    def fn(say: Callable[[str], None]) -> None:
        ctx = ctx_for(work.live)
        say("begin")
        import_spreadsheet(ctx, work.sheet)
        say("ok done")
    return fn


def op_posko(work: Work) -> Callable[[Callable[[str], None]], None]:
    def fn(say: Callable[[str], None]) -> None:
        ctx = ctx_for(work.live)
        say("begin")
        sync_svc.import_package(ctx, work.package, exclusive=True)  # as `posko sync import`
        say("ok done")
    return fn


def op_demo(work: Work) -> Callable[[Callable[[str], None]], None]:
    def fn(say: Callable[[str], None]) -> None:
        ctx = ctx_for(work.live)
        say("begin")
        demo.generate(ctx, incidents=DEMO_INCIDENTS, days=30, end_date=date(2024, 11, 30),
                      seed=99, exclusive=True)  # as `posko demo-data`
        say("ok done")
    return fn


def op_backup(work: Work) -> Callable[[Callable[[str], None]], None]:
    def fn(say: Callable[[str], None]) -> None:
        ctx = ctx_for(work.live)
        say("begin")
        info = backups.create_backup(ctx, folder=work.backups)
        say("ok " + info.file.name)
    return fn


def op_restore(work: Work, source: Path) -> Callable[[Callable[[str], None]], None]:
    def fn(say: Callable[[str], None]) -> None:
        say("begin")
        prepared = restore_svc.prepare_restore(str(work.live), source, folder=work.pre_restore)
        try:
            restore_svc.apply_restore(prepared, ADMIN, now=datetime.now().astimezone())
        finally:
            prepared.discard()
        say("ok done")
    return fn


OPS = {"add": op_add, "import-xlsx": op_xlsx, "import-posko": op_posko, "demo-data": op_demo,
       "backup": op_backup}


# --- the parent side ------------------------------------------------------------------------


def read_lines(fd: int, buffer: bytearray) -> list[str]:
    lines = []
    while select.select([fd], [], [], 0)[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buffer.extend(chunk)
    while b"\n" in buffer:
        line, _, rest = bytes(buffer).partition(b"\n")
        buffer[:] = rest
        lines.append(line.decode())
    return lines


def attempt(fn: Callable[[Callable[[str], None]], None], kill_after: float | None,
            timeout: float = 300) -> tuple[bool, list[str], float]:
    """Run one child; kill it `kill_after` seconds after it said `begin` (None: let it
    finish). Returns (killed, lines, seconds from begin to the end)."""
    pid, fd = run_child(fn)
    buffer = bytearray()
    lines: list[str] = []
    began: float | None = None
    killed = False
    deadline = time.monotonic() + timeout
    status = None
    while True:
        ready = select.select([fd], [], [], 0.005)[0]
        if ready:
            new = read_lines(fd, buffer)
            lines += new
            if began is None and "begin" in new:
                began = time.monotonic()
        done_pid, status = os.waitpid(pid, os.WNOHANG)
        if done_pid:
            lines += read_lines(fd, buffer)
            break
        now = time.monotonic()
        if began is not None and kill_after is not None and now - began >= kill_after:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            killed = True
            lines += read_lines(fd, buffer)
            break
        if now > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise RuntimeError("child timed out")
    os.close(fd)
    if not killed and status and os.WEXITSTATUS(status) != 0:
        raise RuntimeError("child failed: " + "; ".join(lines[-3:]))
    return killed, lines, (time.monotonic() - began) if began else 0.0


def fresh_live(work: Work) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(work.live) + suffix).unlink(missing_ok=True)
    shutil.copy(work.pristine, work.live)
    os.chmod(work.live, 0o600)


def clear(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


def check_backup_folder(folder: Path) -> int:
    """Backups with a final name whose manifest is missing or does not match."""
    bad = 0
    for path in folder.glob("*.sqlite3"):
        manifest = mf.read_manifest(path)
        if manifest is None or manifest.sha256 != sha256_of(path):
            bad += 1
    return bad


def run_operation(name: str, work: Work, trials: int, rnd: random.Random) -> Tally:
    tally = Tally()
    fresh_live(work)
    state_a = fingerprint_of_copy(work.backup_a)
    state_b = fingerprint_of_copy(work.backup_b)
    duration = calibrate(name, work)
    tally.duration = duration
    finished = [duration]
    attempts = 0
    while tally.trials < trials and attempts < trials * 4:
        attempts += 1
        before = fingerprint(work.live)
        source = work.backup_b if before == state_a else work.backup_a
        fn = op_restore(work, source) if name == "restore" else OPS[name](work)
        kill_after = rnd.uniform(0.3, 2.5) if name == "add" else rnd.uniform(0, duration)
        killed, lines, seconds = attempt(fn, kill_after)
        confirmed = [line[3:] for line in lines if line.startswith("ok ")]
        if not killed:
            tally.completed += 1
            finished.append(seconds)  # this machine's speed varies: follow it
            duration = statistics.median(finished[-5:])
        else:
            tally.trials += 1
        why = reopen(work.live)
        if why is not None:
            tally.lockouts += 1
            tally.notes.append(why)
            fresh_live(work)
            continue
        after = fingerprint(work.live)
        partial, lost = judge(name, work, before, after, confirmed, state_a, state_b, source)
        tally.partial += partial
        tally.lost += lost
        if partial or lost:
            tally.notes.append(f"{name}: before {before} after {after} confirmed "
                               f"{len(confirmed)}")
        if name in ("import-xlsx", "import-posko", "demo-data") and after != before:
            fresh_live(work)  # a completed load: start the next trial from the same data
        if name in ("backup", "restore"):
            clear(work.backups if name == "backup" else work.pre_restore)
    return tally


def judge(name: str, work: Work, before: tuple[int, ...], after: tuple[int, ...],
          confirmed: list[str], state_a: tuple[int, ...], state_b: tuple[int, ...],
          source: Path) -> tuple[int, int]:
    """(partial writes, lost confirmed rows) of one trial."""
    if name == "add":
        new = after[0] - before[0]
        audited = after[3] - before[3]
        present = titles(work.live, confirmed)
        lost = len(confirmed) - len(present)
        partial = int(new != audited or not len(confirmed) <= new <= len(confirmed) + 1)
        return partial, lost
    if name == "backup":
        partial = check_backup_folder(work.backups)
        lost = sum(1 for c in confirmed if not (work.backups / c).exists())
        return partial + int(after != before), lost
    if name == "restore":
        target = state_b if source == work.backup_b else state_a
        restored = after[:3] == target[:3]
        partial = int(not restored and after[:3] != before[:3])
        lost = int(bool(confirmed) and not restored)
        return partial, lost
    done = bool(confirmed)
    grown = after != before
    partial = int(grown and after[0] <= before[0])  # changed without its incidents
    if grown:
        expected = {"import-xlsx": XLSX_ROWS, "import-posko": POSKO_INCIDENTS,
                    "demo-data": DEMO_INCIDENTS}[name]
        partial = int(after[0] - before[0] != expected)
    lost = int(done and not grown)
    return partial, lost


def calibrate(name: str, work: Work) -> float:
    """The operation's duration here, from one run that is not killed; it must do what it
    should (a load adds its rows, a restore changes the data), or the bench proves nothing."""
    if name == "add":
        return 0.0
    before = fingerprint(work.live)
    source = work.backup_b
    fn = op_restore(work, source) if name == "restore" else OPS[name](work)
    _killed, lines, seconds = attempt(fn, None)
    after = fingerprint(work.live)
    confirmed = [line[3:] for line in lines if line.startswith("ok ")]
    state_a, state_b = fingerprint_of_copy(work.backup_a), fingerprint_of_copy(work.backup_b)
    partial, lost = judge(name, work, before, after, confirmed, state_a, state_b, source)
    effect = {"backup": lambda: any(work.backups.glob("*.sqlite3")),
              "restore": lambda: after[:3] == state_b[:3] != before[:3]}.get(
        name, lambda: after[0] > before[0])
    if not confirmed or partial or lost or not effect():
        raise RuntimeError(f"{name} did not do its work: {lines[-3:]} {before} -> {after}")
    fresh_live(work)
    clear(work.backups)
    clear(work.pre_restore)
    return max(seconds, 0.05)


# --- preparing the inputs -------------------------------------------------------------------


def prepare(root: Path, incidents: int) -> Work:
    root.mkdir(parents=True, exist_ok=True)
    source, _info = demo_db(incidents)
    pristine = root / "pristine.sqlite3"
    keys_dir = root / "keys"
    package = root / "kota.posko"
    if not pristine.exists() or not package.exists():
        for p in root.glob("pristine.sqlite3*"):
            p.unlink()
        shutil.copy(source, pristine)
        package.unlink(missing_ok=True)
        partner = root / "kota.sqlite3"
        for p in root.glob("kota.sqlite3*"):
            p.unlink()
        pctx = AppContext(open_database(partner, create=True), ADMIN)
        reference.init_site(pctx, "33.74", "Posko Kota Semarang")
        admin = accounts.create_first_admin(pctx, "kota", PARTNER_PASSWORD)
        pctx = pctx.as_actor(accounts.login(pctx, admin.username, PARTNER_PASSWORD).actor)
        demo.generate(pctx, incidents=POSKO_INCIDENTS, days=30, end_date=date(2024, 11, 30),
                      seed=5)
        sync_svc.export_package(pctx, keys_dir, "33", package, full=True)
        key_file = root / "kota.poskokey"
        key_file.write_bytes(keys.public_key_file_bytes(site_key.ensure_public(pctx)))
        pctx.db.dispose()
        ctx = AppContext(open_database(pristine), ADMIN)
        sync_svc.trust_key(ctx, key_file, sync_svc.inspect_key_file(key_file).short_fingerprint)
        ctx.db.dispose()
    sheet = root / "lembar.xlsx"
    if not sheet.exists():
        ctx = AppContext(open_database(pristine), ADMIN)
        template = write_template(ctx, root / "templat.xlsx")
        regency = reference.list_regencies(ctx)[0].full_name
        ctx.db.dispose()
        wb = openpyxl.load_workbook(template)
        ws = wb[data_sheet_names()[0]]
        start = datetime(2024, 11, 1, 7, 0)
        for i in range(XLSX_ROWS):
            ws.append([f"C-{i}", regency, start + timedelta(minutes=7 * i), None,
                       "A1", "Sedang", None, "Media sosial", f"https://contoh.id/{i}",
                       f"Laporan crash nomor {i}", "Uraian singkat", "", "", "TPS 01", 3])
        wb.save(sheet)
    live = root / "live.sqlite3"
    backup_a, backup_b = root / "keadaan-a.sqlite3", root / "keadaan-b.sqlite3"
    if not backup_a.exists() or not backup_b.exists():
        for p in root.glob("keadaan-*"):
            p.unlink()
        ctx = AppContext(open_database(pristine), ADMIN)
        made = backups.create_backup(ctx, out=backup_a)
        ctx.db.dispose()
        shutil.copy(pristine, live)
        ctx = AppContext(open_database(live), ADMIN)
        for n in range(20):
            inc.create_incident(ctx, IncidentInput(
                regency_code="33.01", title=f"Keadaan B {n}", category_code="A1",
                severity="sedang", occurred_at=parse_wib("2024-11-26 20:30")))
        backups.create_backup(ctx, out=backup_b)
        ctx.db.dispose()
        del made
    work = Work(root, pristine, live, sheet, package, backup_a, backup_b, root / "cadangan",
                root / "pra-pemulihan")
    clear(work.backups)
    clear(work.pre_restore)
    return work


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--only", default=",".join(OPERATIONS))
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--workdir", default=str(CACHE / "crash"))
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    started = time.perf_counter()
    work = prepare(Path(args.workdir), args.incidents)
    print(f"{'operation':<14} {'trials':>6} {'completed':>9} {'lock-outs':>9} "
          f"{'partial writes':>14} {'lost confirmed':>14} {'one run s':>9} {'total s':>8}",
          flush=True)
    totals = Tally()
    notes: list[str] = []
    for name in args.only.split(","):
        t0 = time.perf_counter()
        tally = run_operation(name, work, args.trials, rnd)
        print(f"{name:<14} {tally.trials:>6} {tally.completed:>9} {tally.lockouts:>9} "
              f"{tally.partial:>14} {tally.lost:>14} {tally.duration:>9.2f} "
              f"{time.perf_counter() - t0:>8.0f}", flush=True)
        for key in ("trials", "completed", "lockouts", "partial", "lost"):
            setattr(totals, key, getattr(totals, key) + getattr(tally, key))
        notes += tally.notes
    print(f"{'all':<14} {totals.trials:>6} {totals.completed:>9} {totals.lockouts:>9} "
          f"{totals.partial:>14} {totals.lost:>14} {'':>9} "
          f"{time.perf_counter() - started:>8.0f}")
    for note in notes[:20]:
        print("  " + note)
    return 0 if totals.lockouts == totals.partial == totals.lost == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
