"""Property: sites that make random changes (incidents and activities, with who reported
them, reporting units, the directory of agencies and contacts, candidate pairs, Pantau
Medsos posts, cases and take-downs, stage reports, the TPS register and Polda's classes
through the baseline sheets) and exchange
packages in any order, with duplicates, replays and relays through the province, end
identical once everyone has exchanged, and no follow-up is ever lost."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from posko_desktop.core import places
from posko_desktop.core.db.models import FollowUp
from posko_desktop.core.domain import (
    ActivityKind,
    NotFoundError,
    PoskoError,
    TransitionError,
    ValidationError,
    ValidationErrors,
)
from posko_desktop.core.services import activities as act
from posko_desktop.core.services import baseline, contests, directory, tps_register, units
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import stage_progress as prog
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.services.medsos import cases, posts, takedowns
from posko_desktop.core.services.medsos.cases import CaseFilter, CaseInput
from posko_desktop.core.services.medsos.posts import PostFilter
from posko_desktop.core.services.medsos.takedowns import TakedownInput
from posko_desktop.core.sync.package import PackageError

from .conftest import Site, add_incident, make_site, trust_all

REGENCIES = ["33.22", "33.74", "33.01", "33.72"]
SEVERITIES = ["rendah", "sedang", "tinggi", "kritis"]

site_i = st.integers(0, 2)
pick = st.integers(0, 50)
OPS = st.one_of(
    st.tuples(st.just("create"), site_i, st.integers(0, len(REGENCIES) - 1)),
    st.tuples(st.just("edit"), site_i, pick, st.integers(0, 99)),
    st.tuples(st.just("status"), site_i, pick),
    st.tuples(st.just("delete"), site_i, pick),
    st.tuples(st.just("followup"), site_i, pick),
    st.tuples(st.just("export"), site_i, st.integers(1, 2), st.booleans()),
    st.tuples(st.just("import"), pick),
    st.tuples(st.just("import"), pick),
    st.tuples(st.just("activity"), site_i, st.integers(0, len(REGENCIES) - 1)),
    st.tuples(st.just("activity_edit"), site_i, pick, st.integers(0, 99)),
    st.tuples(st.just("activity_delete"), site_i, pick),
    st.tuples(st.just("unit_edit"), site_i, pick, st.integers(0, 99)),
    st.tuples(st.sampled_from(["dir_agency_edit", "dir_contact", "dir_contact_edit",
                               "dir_refer"]), site_i, pick, st.integers(0, 99)),
    st.tuples(st.just("pair"), site_i, st.integers(0, 99)),
    st.tuples(st.just("pair_edit"), site_i, pick, st.integers(0, 99)),
    st.tuples(st.just("pair_delete"), site_i, pick),
    st.tuples(st.sampled_from(["medsos_post", "medsos_case", "medsos_case_edit",
                               "medsos_attach", "medsos_takedown", "medsos_recheck",
                               "medsos_contest"]),
              site_i, pick),
    st.tuples(st.just("stage"), site_i, st.integers(0, 99)),
    st.tuples(st.just("stage_edit"), site_i, pick, st.integers(0, 99)),
    st.tuples(st.just("baseline"), site_i, st.integers(0, 3), st.integers(0, 99)),
)
KINDS = [k.value for k in ActivityKind]
STAGES = ["pemungutan", "psu", "rekap_kecamatan", "sengketa_mk"]
UNIT_CODES = ["POLDA", "KPU-PROV", "33.22", "33.74"]  # seeded: held everywhere from the start
# who reported an incident or activity (units the unit ops never deactivate)
REPORTERS = [None, "KEJATI", "KODAM4"]


def unit_op(op: tuple, site: Site) -> None:
    """Add an agency unit (the province only) or change a unit's name, cadence or
    `active` (any site's admin)."""
    if op[0] == "unit_add":
        held = {u.code for u in units.list_units(site.ctx, include_inactive=True)}
        if site.code == "33" and "UNIT-{n}".format(n=op[2]) not in held:
            units.add_unit(site.ctx, "UNIT-{n}".format(n=op[2]), "Dinas {n}".format(n=op[2]))
        return
    codes = [u.code for u in units.list_units(site.ctx, include_inactive=True)
             if u.code in UNIT_CODES or u.code.startswith("UNIT-")]
    target = codes[op[2] % len(codes)]
    n = op[3]
    change = [{"name": "Unit {n} dari {s}".format(n=n, s=site.code)},
              {"cadence": ("daily", "on_event")[n % 2]},
              {"active": bool(n % 2)}][n % 3]
    units.update_unit(site.ctx, target, change)


DIR_CODES = ["POLDA", "BAWASLU", "KPID"]  # seeded: held everywhere from the start


def directory_op(op: tuple, site: Site) -> None:
    """Add an agency (the province only), change an agency's address, answer time or
    `active`; add, change, deactivate or remove a contact; refer an incident to an agency
    with one of its contacts."""
    kind, n = op[0], op[3]
    ctx = site.ctx
    try:
        if kind == "dir_agency_add":
            if site.code == "33" and "DIR-{n}".format(n=n % 10) not in {
                    a.code for a in directory.list_agencies(ctx, include_inactive=True)}:
                directory.add_agency(ctx, "DIR-{n}".format(n=n % 10), "Dinas {n}".format(n=n),
                                     "provinsi")
        elif kind == "dir_agency_edit":
            change = [{"address": "Alamat {n} dari {s}".format(n=n, s=site.code)},
                      {"answer_hours": 1 + n}, {"active": bool(n % 2)}][n % 3]
            directory.update_agency(ctx, DIR_CODES[op[2] % 3], change)
        elif kind == "dir_contact":
            directory.add_contact(ctx, DIR_CODES[op[2] % 3], "Kontak {s}".format(s=site.code),
                                  phone="0812-0000-{n:04d}".format(n=n))
        else:
            with ctx.db.read() as s:
                contacts = directory.contacts_in(s, include_inactive=True)
            if not contacts:
                return
            c = contacts[op[2] % len(contacts)]
            if kind == "dir_refer":
                ids = known_ids(site)
                if ids:
                    inc.add_referral(ctx, ids[n % len(ids)], c.agency_code, "rujuk",
                                     contact_id=c.id)
            elif n % 4 == 3:
                directory.remove_contact(ctx, c.id)
            else:
                change = [{"phone": "0812-0000-{n:04d}".format(n=n)},
                          {"name": "Kontak {n} dari {s}".format(n=n, s=site.code)},
                          {"active": bool(n % 2)}][n % 3]
                directory.update_contact(ctx, c.id, change)
    except (TransitionError, NotFoundError, ValidationError):
        pass  # e.g. a contact removed or an agency deactivated here: refused locally


def stage_op(op: tuple, site: Site) -> None:
    """Report a stage, correct a report (counts, time or note) or delete/restore one."""
    kind, n = op[0], op[-1]
    if kind == "stage":
        prog.report_stage(site.ctx, prog.StageReportInput(
            REGENCIES[n % len(REGENCIES)], STAGES[n % len(STAGES)],
            datetime(2024, 11, 27, 8 + n % 12, 0), n % 5, 4, "Dari {s}".format(s=site.code)))
        return
    ids = sorted(r.id for r in prog.list_reports(site.ctx, include_deleted=True))
    if not ids:
        return
    target = prog.get_report(site.ctx, ids[op[2] % len(ids)])
    if n % 5 == 4:
        prog.set_deleted(site.ctx, target.id, not target.deleted, "uji")
        return
    if target.deleted:
        return
    change = [{"done": n % 5}, {"as_of": datetime(2024, 11, 28, n % 24, 0)},
              {"note": "Koreksi {n} dari {s}".format(n=n, s=site.code)},
              {"done": 0, "total": n % 7}][n % 4]
    prog.update_report(site.ctx, target.id, change)


def activity_op(op: tuple, site: Site) -> None:
    """Record, edit (title, kind, regencies or result) or delete/restore an activity."""
    kind = op[0]
    if kind == "activity":
        act.add_activity(site.ctx, act.ActivityInput(
            KINDS[op[2] % len(KINDS)], "Kegiatan {c}".format(c=site.code),
            datetime(2024, 11, 26, 9, 0), regencies=[REGENCIES[op[2]]], partners=["FKUB"]))
        return
    ids = sorted(a.id for a in act.list_activities(site.ctx, act.ActivityFilter(
        include_deleted=True)))
    if not ids:
        return
    target = ids[op[2] % len(ids)]
    current = act.get_activity(site.ctx, target)
    if kind == "activity_delete":
        act.set_deleted(site.ctx, target, not current.deleted, "uji")
        return
    if current.deleted:
        return
    n = op[3]
    change = [{"title": "Judul {n} dari {s}".format(n=n, s=site.code)},
              {"kind": KINDS[n % len(KINDS)]},
              {"regencies": REGENCIES[: 1 + n % len(REGENCIES)]},
              {"result": "Hasil {n}".format(n=n)},
              {"reporting_unit": REPORTERS[n % 3]}][n % 5]
    act.update_activity(site.ctx, target, change)


CONTESTS = ["33", "33.22", "33.74"]


def pair_op(op: tuple, site: Site) -> None:
    """Add a pair, edit one field of a pair (names, parties, ballot number) or delete or
    restore one; a ballot number taken in its contest here is refused locally."""
    kind = op[0]
    try:
        if kind == "pair":
            n = op[2]
            contests.add_pair(site.ctx, contests.PairInput(
                CONTESTS[n % 3], 1 + n % 4, "Calon {n} {s}".format(n=n, s=site.code),
                "Wakil {n}".format(n=n), ["Partai {p}".format(p=n % 5)]))
            return
        held = sorted(p.id for p in contests.list_pairs(site.ctx, include_deleted=True))
        if not held:
            return
        target = contests.get_pair(site.ctx, held[op[2] % len(held)])
        if kind == "pair_delete":
            contests.set_deleted(site.ctx, target.id, not target.deleted)
            return
        if target.deleted:
            return
        n = op[3]
        change = [{"head": "Calon {n} dari {s}".format(n=n, s=site.code)},
                  {"deputy": "Wakil {n}".format(n=n)},
                  {"parties": ["Partai {p}".format(p=p) for p in range(n % 3)]},
                  {"ballot_number": 1 + n % 5}][n % 4]
        contests.update_pair(site.ctx, target.id, change)
    except ValidationError:
        pass  # the ballot number is taken here: refused locally, nothing to sync


MEDSOS_URLS = ["https://x.com/u/status/{n}", "https://www.facebook.com/100012345/posts/{n}",
               "https://www.tiktok.com/@a/video/{n:019d}"]


def medsos_op(op: tuple, site: Site) -> None:
    """Collect a post (the same link at two sites: two records), open a case, edit one (note,
    priority, claim, deleted), attach a post, prepare a take-down, send or re-check one,
    name a post's contest and pair (a pair not held here: refused locally)."""
    kind, ctx, n = op[0], site.ctx, op[2]
    if kind == "medsos_post":
        posts.add_links(ctx, [MEDSOS_URLS[n % 3].format(n=n % 7 + 1)])
        return
    plist = sorted(p.id for p in posts.list_posts(ctx, PostFilter(include_deleted=True),
                                                  limit=1000).rows)
    clist = sorted(c.id for c in cases.list_cases(ctx, CaseFilter(include_deleted=True)))
    try:
        if kind == "medsos_case":
            cases.new_case(ctx, CaseInput("Klaim {n} dari {s}".format(n=n, s=site.code),
                                          "hoaks"), plist[n % len(plist):][:1] if plist else [])
        elif kind == "medsos_case_edit" and clist:
            target = clist[n % len(clist)]
            if n % 4 == 3:
                cases.set_deleted(ctx, target, not cases.get_case(ctx, target).deleted)
            else:
                cases.update_case(ctx, target, [
                    {"note": "Catatan {n} dari {s}".format(n=n, s=site.code)},
                    {"priority": ["tinggi", "sedang", "rendah"][n % 3]},
                    {"claim": "Klaim diubah {n}".format(n=n)}][n % 4])
        elif kind == "medsos_contest" and plist:
            posts.update_post(ctx, plist[n % len(plist)], {
                "contest_code": ["33", "33.74", None][n % 3],
                "pair_number": None if n % 3 == 2 or n % 2 else n % 5 + 1})
        elif kind == "medsos_attach" and clist and plist:
            cases.attach_posts(ctx, clist[n % len(clist)], [plist[n % len(plist)]])
        elif kind == "medsos_takedown" and plist:
            takedowns.new_takedown(ctx, TakedownInput("komdigi", [plist[n % len(plist)]]))
        elif kind == "medsos_recheck":
            tlist = takedowns.list_takedowns(ctx)
            if tlist:
                t = tlist[n % len(tlist)]
                if t.status == "disiapkan":
                    takedowns.update_takedown(ctx, t.id, {}, status="diajukan")
                else:
                    takedowns.add_recheck(ctx, t.id, ["up", "down"][n % 2])
    except (TransitionError, NotFoundError, ValidationError):
        pass  # e.g. a case deleted here: refused locally, nothing to sync


def known_ids(site: Site) -> list:
    page = inc.query_incidents(site.ctx, IncidentFilter(include_deleted=True), limit=1000)
    return sorted(r.id for r in page.rows)


def followup_ids(site: Site) -> set:
    with site.ctx.db.read() as s:
        return set(s.scalars(select(FollowUp.id)))


# two kecamatan of each regency office (the province may author all four)
BASELINE_AREAS = [k for r in ("33.22", "33.74")
                  for k in sorted(c for c in places.shipped_index().kecamatan if c[:5] == r)[:2]]
POLDA = ["kurang rawan", "rawan", "sangat rawan"]


def baseline_op(op: tuple, site: Site, folder: Path) -> None:
    """Import a TPS list (even values) or Polda classes (odd) of one kecamatan; a regency
    office only for its own regency."""
    area = BASELINE_AREAS[op[2]]
    if site.code not in ("33", area[:5]):
        return
    desa = sorted(c for c in places.shipped_index().desa if c[:8] == area)[:1 + op[3] % 3]
    path = folder / "baseline-{n}.csv".format(n=len(list(folder.glob("baseline-*"))))
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        if op[3] % 2 == 0:
            w.writerow(["Kode desa", "Nomor TPS", "DPT"])
            w.writerows([d, 1, 100 + op[3]] for d in desa)
        else:
            w.writerow(["Kode desa", "Nomor TPS", "Kelas Polda"])
            w.writerows([d, 1, POLDA[op[3] % 3]] for d in desa)
    if op[3] % 2 == 0:
        tps_register.import_register(site.ctx, path)
    else:
        baseline.import_baseline(site.ctx, "polda", path)


def baseline_view(site: Site) -> tuple:
    """The register and the current baseline as the dashboard reads them."""
    b = baseline.baseline_summary(site.ctx)
    return tps_register.list_tps(site.ctx), b.regencies, b.kecamatan


def apply(op: tuple, sites: list[Site], pool: list[tuple[Path, Site]], folder: Path) -> None:
    kind = op[0]
    if kind == "baseline":
        baseline_op(op, sites[op[1]], folder)
        return
    if kind.startswith("activity"):
        activity_op(op, sites[op[1]])
        return
    if kind.startswith("unit"):
        unit_op(op, sites[op[1]])
        return
    if kind.startswith("dir_"):
        directory_op(op, sites[op[1]])
        return
    if kind.startswith("pair"):
        pair_op(op, sites[op[1]])
        return
    if kind.startswith("medsos"):
        medsos_op(op, sites[op[1]])
        return
    if kind.startswith("stage"):
        stage_op(op, sites[op[1]])
        return
    if kind == "create":
        add_incident(sites[op[1]], regency_code=REGENCIES[op[2]], title="Insiden {n}".format(
            n=len(pool)))
        return
    if kind == "export":
        src = sites[op[1]]
        dst = sites[(op[1] + op[2]) % 3]
        out = folder / "p{n}.posko".format(n=len(list(folder.glob("*.posko"))))
        svc.export_package(src.ctx, src.keys_dir, dst.code, out, full=op[3])
        pool.append((out, dst))
        return
    if kind == "import":
        if not pool:
            return
        path, dst = pool[op[1] % len(pool)]
        try:
            svc.import_package(dst.ctx, path)
        except PackageError as err:  # only a replay of an older package may be refused
            assert "replay" in err.text_in("en"), err.text_in("en")
        return
    site = sites[op[1]]
    ids = known_ids(site)
    if not ids:
        return
    target = ids[op[2] % len(ids)]
    detail = inc.get_incident(site.ctx, target)
    try:
        if kind == "edit":
            data = detail.to_input()
            if op[3] % 4 == 3:  # who reported it: an agency's unit or the regency's office
                inc.update_incident(site.ctx, target, {"reporting_unit": REPORTERS[op[3] % 3]})
                return
            if op[3] % 3 == 0:
                data.title = "Judul {n} dari {site}".format(n=op[3], site=site.code)
            elif op[3] % 3 == 1:
                data.severity = SEVERITIES[op[3] % 4]
            else:
                data.description = "Uraian {n}".format(n=op[3])
            inc.update_incident(site.ctx, target, data)
        elif kind == "status":
            if detail.transitions:
                t = detail.transitions[0]
                inc.change_status(site.ctx, target, t.target.value, "alasan")
        elif kind == "delete":
            inc.set_deleted(site.ctx, target, not detail.deleted, "uji")
        elif kind == "followup":
            inc.add_followup(site.ctx, target, "Catatan dari {site}".format(site=site.code))
    except (TransitionError, ValidationErrors):
        pass  # e.g. editing a deleted incident: refused locally, nothing to sync


# activities alone, with the exchanges: their edits meet held copies far more often
ACTIVITY_OPS = st.one_of(
    st.tuples(st.just("activity"), site_i, st.integers(0, len(REGENCIES) - 1)),
    st.tuples(st.just("activity_edit"), site_i, pick, st.integers(0, 99)),
    st.tuples(st.just("activity_edit"), site_i, pick, st.integers(0, 99)),
    st.tuples(st.just("activity_delete"), site_i, pick),
    st.tuples(st.just("export"), site_i, st.integers(1, 2), st.booleans()),
    st.tuples(st.just("import"), pick),
    st.tuples(st.just("import"), pick),
)
# reporting units alone: the seeded ones are held by every site, so edits meet at once
UNIT_OPS = st.one_of(
    st.tuples(st.just("unit_add"), site_i, st.integers(0, 9)),
    st.tuples(st.just("unit_edit"), site_i, pick, st.integers(0, 99)),
    st.tuples(st.just("unit_edit"), site_i, pick, st.integers(0, 99)),
    st.tuples(st.just("export"), site_i, st.integers(1, 2), st.booleans()),
    st.tuples(st.just("import"), pick),
    st.tuples(st.just("import"), pick),
)
# the directory alone: seeded agencies held by every site, contacts made anywhere
DIRECTORY_OPS = st.one_of(
    st.tuples(st.sampled_from(["dir_agency_add", "dir_agency_edit", "dir_agency_edit",
                               "dir_contact", "dir_contact", "dir_contact_edit",
                               "dir_contact_edit", "dir_refer"]), site_i, pick,
              st.integers(0, 99)),
    st.tuples(st.just("create"), site_i, st.integers(0, len(REGENCIES) - 1)),
    st.tuples(st.just("export"), site_i, st.integers(1, 2), st.booleans()),
    st.tuples(st.just("import"), pick),
    st.tuples(st.just("import"), pick),
)
# Pantau Medsos alone (posts, cases, take-downs), with the exchanges
MEDSOS_OPS = st.one_of(
    st.tuples(st.sampled_from(["medsos_post", "medsos_case", "medsos_case_edit",
                               "medsos_case_edit", "medsos_attach", "medsos_takedown",
                               "medsos_recheck"]), site_i, pick),
    st.tuples(st.just("export"), site_i, st.integers(1, 2), st.booleans()),
    st.tuples(st.just("import"), pick),
    st.tuples(st.just("import"), pick),
)
# the baseline sheets alone: imports of the same kecamatan at two sites meet at once
BASELINE_OPS = st.one_of(
    st.tuples(st.just("baseline"), site_i, st.integers(0, 3), st.integers(0, 99)),
    st.tuples(st.just("baseline"), site_i, st.integers(0, 3), st.integers(0, 99)),
    st.tuples(st.just("export"), site_i, st.integers(1, 2), st.booleans()),
    st.tuples(st.just("import"), pick),
    st.tuples(st.just("import"), pick),
)
PROPERTY = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@PROPERTY
@given(ops=st.lists(OPS, min_size=4, max_size=28))
def test_three_sites_converge(template_db, tmp_path_factory, ops):
    converge(template_db, tmp_path_factory, ops)


@PROPERTY
@given(ops=st.lists(ACTIVITY_OPS, min_size=4, max_size=28))
def test_three_sites_converge_on_activities(template_db, tmp_path_factory, ops):
    converge(template_db, tmp_path_factory, ops)


@PROPERTY
@given(ops=st.lists(UNIT_OPS, min_size=4, max_size=28))
def test_three_sites_converge_on_reporting_units(template_db, tmp_path_factory, ops):
    converge(template_db, tmp_path_factory, ops)


@PROPERTY
@given(ops=st.lists(DIRECTORY_OPS, min_size=4, max_size=28))
def test_three_sites_converge_on_the_directory(template_db, tmp_path_factory, ops):
    converge(template_db, tmp_path_factory, ops)


# candidate pairs alone, with the exchanges
PAIR_OPS = st.one_of(
    st.tuples(st.just("pair"), site_i, st.integers(0, 99)),
    st.tuples(st.just("pair_edit"), site_i, pick, st.integers(0, 99)),
    st.tuples(st.just("pair_edit"), site_i, pick, st.integers(0, 99)),
    st.tuples(st.just("pair_delete"), site_i, pick),
    st.tuples(st.just("export"), site_i, st.integers(1, 2), st.booleans()),
    st.tuples(st.just("import"), pick),
    st.tuples(st.just("import"), pick),
)


@PROPERTY
@given(ops=st.lists(PAIR_OPS, min_size=4, max_size=28))
def test_three_sites_converge_on_candidate_pairs(template_db, tmp_path_factory, ops):
    converge(template_db, tmp_path_factory, ops)


@PROPERTY
@given(ops=st.lists(MEDSOS_OPS, min_size=4, max_size=28))
def test_three_sites_converge_on_medsos_records(template_db, tmp_path_factory, ops):
    converge(template_db, tmp_path_factory, ops)


@PROPERTY
@given(ops=st.lists(BASELINE_OPS, min_size=4, max_size=28))
def test_three_sites_converge_on_baseline_sheets(template_db, tmp_path_factory, ops):
    converge(template_db, tmp_path_factory, ops)


def converge(template_db: Path, tmp_path_factory, ops: list[tuple]) -> None:
    base = tmp_path_factory.mktemp("converge")
    sites = [make_site(template_db, base, "33", "Provinsi"),
             make_site(template_db, base, "33.22", "Kab. Semarang"),
             make_site(template_db, base, "33.74", "Kota Semarang")]
    try:
        trust_all(sites)
        pool: list[tuple[Path, Site]] = []
        folder = base / "packages"
        folder.mkdir()
        for op in ops:
            apply(op, sites, pool, folder)
        every_followup = set().union(*(followup_ids(s) for s in sites))
        # Everyone exchanges with the province (relays reach the other regency), and a
        # duplicate of an old package on the way changes nothing.
        prov, kab, kota = sites
        for src in (kab, kota):
            out = folder / "final-{c}.posko".format(c=src.code)
            svc.export_package(src.ctx, src.keys_dir, "33", out)
            svc.import_package(prov.ctx, out)
        for dst in (kab, kota):
            out = folder / "final-to-{c}.posko".format(c=dst.code)
            svc.export_package(prov.ctx, prov.keys_dir, dst.code, out)
            svc.import_package(dst.ctx, out)
            assert svc.import_package(dst.ctx, out).already_imported
        for path, dst in pool:
            try:
                svc.import_package(dst.ctx, path)
            except PoskoError as err:
                assert "replay" in err.text_in("en")
        dumps = [svc.canonical_dump(s.ctx) for s in sites]
        assert dumps[0] == dumps[1] == dumps[2]
        boards = [{k: (r.number, r.as_of, r.done, r.total) for k, r in
                   prog.board(s.ctx).cells.items()} for s in sites]
        assert boards[0] == boards[1] == boards[2]
        views = [baseline_view(s) for s in sites]
        assert views[0] == views[1] == views[2]
        for s in sites:
            assert followup_ids(s) >= every_followup
    finally:
        for s in sites:
            s.ctx.db.dispose()


# stage reports alone: corrections of held copies, tombstones
STAGE_OPS = st.one_of(
    st.tuples(st.just("stage"), site_i, st.integers(0, 99)),
    st.tuples(st.just("stage_edit"), site_i, pick, st.integers(0, 99)),
    st.tuples(st.just("stage_edit"), site_i, pick, st.integers(0, 99)),
    st.tuples(st.just("export"), site_i, st.integers(1, 2), st.booleans()),
    st.tuples(st.just("import"), pick),
    st.tuples(st.just("import"), pick),
)


@PROPERTY
@given(ops=st.lists(STAGE_OPS, min_size=4, max_size=28))
def test_three_sites_converge_on_stage_reports(template_db, tmp_path_factory, ops):
    converge(template_db, tmp_path_factory, ops)
