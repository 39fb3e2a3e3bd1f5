"""Pantau Medsos records (posts with evidence, hoax cases, take-down requests, lexicon
changes) travel in packages with the guarantees of activities (docs/sync-format.md,
"Record types"): idempotent, merged per field, conflicts listed, tombstones, relays,
hostile records refused with the database unchanged."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.medsos import cases, lexicon, posts, suggest, takedowns
from posko_desktop.core.services.medsos.cases import CaseFilter, CaseInput
from posko_desktop.core.services.medsos.posts import PostFilter, PostInput
from posko_desktop.core.services.medsos.takedowns import TakedownInput
from posko_desktop.core.services.sync import records

from .conftest import send
from .forge import jsonl, lines, resign

KINDS = ("social_posts", "hoax_cases", "takedowns", "lexicon_entries")
CLAIM = "Surat suara sudah tercoblos sebelum hari pemungutan di TPS 05 Ungaran"


def screenshot() -> bytes:
    img = Image.new("RGB", (240, 480), "white")
    for x in range(0, 240, 12):
        for y in range(0, 480, 24):
            img.putpixel((x, y), ((x * 3) % 255, (y * 5) % 255, 90))
    buf = BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def medsos_world(site):
    """A post with a screenshot in a case with an approved verdict, a sent take-down with a
    re-check, a lexicon change (an admin of `site` does it all; the approval needs a second
    supervisor)."""
    from posko_desktop.core.domain import Actor

    ctx = site.ctx
    p = posts.add_post(ctx, PostInput("tiktok", "https://www.tiktok.com/@a/video/7394000000000000009",
                                      "surat suara sdh tercoblos di tps 05 ungaran kab semarang",
                                      views=9000))
    p = posts.attach_evidence(ctx, p.id, "layar.png", screenshot())
    c = cases.new_case(ctx, CaseInput(CLAIM, "hoaks", "tinggi"), [p.id])
    cases.decide_verdict(ctx.as_actor(Actor("kepala", "supervisor")), c.id, "salah",
                         "KPU Kab. Semarang membantah.\nSurat suara masih di gudang.")
    cases.approve_verdict(ctx, c.id)
    t = takedowns.new_takedown(ctx, TakedownInput("platform", [p.id], c.id, "formulir TikTok"))
    takedowns.update_takedown(ctx, t.id, {}, status="diajukan")
    takedowns.add_recheck(ctx, t.id, "up", "masih tayang")
    lexicon.add_term(ctx, "kotak suara dibakar", "ancaman")
    return p, c, t


def dumps(*sites):
    return [{k: svc.canonical_dump(s.ctx)[k] for k in KINDS} for s in sites]


def test_posts_cases_takedowns_and_the_lexicon_reach_the_province(sites, tmp_path):
    prov, kab, _kota = sites
    p, c, t = medsos_world(kab)
    path = send(kab, prov, tmp_path)
    result = svc.import_package(prov.ctx, path)
    assert {k: result.records[k].new for k in KINDS} == dict.fromkeys(KINDS, 1)
    assert svc.import_package(prov.ctx, path).already_imported
    one, two = dumps(prov, kab)
    assert one == two
    got = posts.get_post(prov.ctx, p.id)  # derived columns made here
    assert got.queue_rank == p.queue_rank and got.evidence[0].phash == p.evidence[0].phash
    assert posts.evidence_data(prov.ctx, got.evidence[0].sha256) == screenshot()
    case = cases.get_case(prov.ctx, c.id)
    assert case.verdict.approved_by == "admin-33.22" and case.status == "terverifikasi"
    assert takedowns.get_takedown(prov.ctx, t.id).rechecks[0].result == "up"
    assert lexicon.current_lexicon(prov.ctx)[1] == lexicon.current_lexicon(kab.ctx)[1] != "1"
    # the province's operator finds the same claim from its own post
    mine = posts.add_post(prov.ctx, PostInput("x", "https://x.com/u/status/77",
                                              "SURAT SUARA SUDAH TERCOBLOS di TPS 05 Ungaran!!"))
    assert [s.case_number for s in suggest.suggest_for_post(prov.ctx, mine.id)] == [c.number]


def test_the_same_post_collected_at_two_sites_stays_two_records(sites, tmp_path):
    prov, kab, _kota = sites
    link = "https://www.facebook.com/100012345/posts/555"
    posts.add_links(kab.ctx, [link])
    posts.add_links(prov.ctx, [link])
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    page = posts.list_posts(prov.ctx)
    assert page.total == 2 and {r.origin_site for r in page.rows} == {"33", "33.22"}
    assert posts.add_links(prov.ctx, [link]).added == []  # held: nothing added


def test_case_edits_merge_per_field_and_a_true_conflict_is_listed(sites, tmp_path):
    prov, kab, _kota = sites
    c = cases.new_case(kab.ctx, CaseInput(CLAIM, "hoaks"))
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    cases.update_case(kab.ctx, c.id, {"note": "Catatan kabupaten"})
    cases.update_case(prov.ctx, c.id, {"priority": "tinggi"})
    cases.update_case(prov.ctx, c.id, {"note": "Catatan provinsi"})
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    one, two = cases.get_case(prov.ctx, c.id), cases.get_case(kab.ctx, c.id)
    assert one.priority == two.priority == "tinggi" and one.note == two.note
    listed = records.list_conflicts(prov.ctx, "hoax_cases") + records.list_conflicts(
        kab.ctx, "hoax_cases")
    assert {x.field for x in listed} == {"note"} and listed[0].label.startswith(c.number)
    assert dumps(prov)[0] == dumps(kab)[0]


def test_a_deleted_case_travels_as_a_tombstone_and_a_relay_reaches_the_other_regency(
        sites, tmp_path):
    prov, kab, kota = sites
    _p, c, _t = medsos_world(kab)
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    cases.set_deleted(prov.ctx, c.id, True)
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    svc.import_package(kota.ctx, send(prov, kota, tmp_path))
    for site in (kab, kota):
        assert cases.list_cases(site.ctx) == []
        assert cases.list_cases(site.ctx, CaseFilter(include_deleted=True))[0].deleted
        assert posts.list_posts(site.ctx, PostFilter(queue=True)).total == 1  # freed
    assert dumps(prov)[0] == dumps(kab)[0] == dumps(kota)[0]


def _edit(member, change):
    def members(m):
        rows = lines(m[member])
        for r in rows:
            change(r)
        m[member] = jsonl(rows)
    return members


@pytest.fixture
def world_package(sites, tmp_path):
    _prov, kab, _kota = sites
    medsos_world(kab)
    return send(kab, sites[0], tmp_path)


POSTS, CASES, TDS, LEX = (f"records/{k}.jsonl" for k in KINDS)


@pytest.mark.parametrize(("member", "change", "expected"), [
    (POSTS, lambda r: r.update(platform="myspace"), "platform"),
    (POSTS, lambda r: r.update(queue_rank=10**12), "queue_rank"),
    (POSTS, lambda r: r.update(post_id="", canonical_url=""), "post id or a canonical URL"),
    (POSTS, lambda r: r.update(regencies=["33.99"]), "unknown regency code 33.99"),
    (POSTS, lambda r: r.update(account_name="akun\x1b[31m"), "control character"),
    (POSTS, lambda r: r["flags"].append({"term": "x\x1b[0m", "category": "sara"}),
     "control character"),
    (POSTS, lambda r: r["evidence"][0].update(phash="ph9:zz"), "fingerprint"),
    (POSTS, lambda r: r["evidence"][0].update(size=5), "not as declared"),
    (POSTS, lambda r: r.update(origin_site="33"), "which does not hold it"),
    (POSTS, lambda r: r.update(kecamatan_code="33.99.01"), "unknown kecamatan code"),
    (POSTS, lambda r: r.update(contest_code="33.99"), "unknown contest code 33.99"),
    (POSTS, lambda r: r.update(contest_code="34"), "contest_code"),
    (POSTS, lambda r: r.update(pair_number=2), "pair number without its contest"),
    (POSTS, lambda r: r["evidence"][0].update(mime="video/mp4"), "not as declared"),
    (CASES, lambda r: r["verdict"].update(approved_by=r["verdict"]["decided_by"]),
     "approved by the person who decided"),
    (CASES, lambda r: r["verdict"].update(reasoning="ok\x07"), "control character"),
    (CASES, lambda r: r.update(status="dibakar"), "status"),
    (CASES, lambda r: r.update(incidents=["bukan-uuid"]), "incidents"),
    (TDS, lambda r: r["rechecks"][0].update(note="\x1b[2J"), "control character"),
    (TDS, lambda r: r.update(addressee="presiden"), "addressee"),
    (LEX, lambda r: r.update(action="explode"), "action"),
    (LEX, lambda r: r.update(category="Politik Uang"), "category"),
])
def test_hostile_medsos_records_are_refused_unchanged(sites, world_package, tmp_path, member,
                                                      change, expected):
    from .conftest import refused

    prov, kab, _kota = sites
    path = resign(world_package, tmp_path / "forged.posko", kab.key,
                  members=_edit(member, change))
    err = refused(prov, path)
    assert expected in err.text_in("en"), err.text_in("en")


def test_a_post_s_place_and_a_screen_recording_travel(sites, tmp_path):
    from tests.medsos_records import evidence_samples as sample

    prov, kab, _kota = sites
    p = posts.add_post(kab.ctx, PostInput("x", "https://x.com/a/status/42", "ricuh di Getasan",
                                          regencies=["33.22"], desa_code="33.22.01.2001"))
    p = posts.attach_evidence(kab.ctx, p.id, "rekaman.mp4", sample.MP4)
    chat = sample.chat_zip()
    p = posts.attach_evidence(kab.ctx, p.id, "obrolan.zip", chat)
    result = svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    assert result.records["social_posts"].new == 1
    got = posts.get_post(prov.ctx, p.id)
    assert (got.kecamatan_code, got.desa_code) == ("33.22.01", "33.22.01.2001")
    assert [e.mime for e in got.evidence] == ["video/mp4", "application/zip"]
    assert posts.evidence_data(prov.ctx, got.evidence[1].sha256) == chat
    assert dumps(prov)[0]["social_posts"] == dumps(kab)[0]["social_posts"]


def test_a_post_s_contest_and_pair_travel(sites, tmp_path):
    from posko_desktop.core.services import contests

    prov, kab, _kota = sites
    contests.add_pair(kab.ctx, contests.PairInput("33.22", 2, "Calon Dua", "Wakil Dua"))
    p = posts.add_post(kab.ctx, PostInput("x", "https://x.com/a/status/43", "paslon 2",
                                          contest_code="33.22", pair_number=2))
    result = svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    assert result.records["social_posts"].new == 1
    got = posts.get_post(prov.ctx, p.id)
    assert (got.contest_code, got.pair_number) == ("33.22", 2)
    assert dumps(prov)[0]["social_posts"] == dumps(kab)[0]["social_posts"]


def test_a_package_without_the_medsos_files_still_imports(sites, tmp_path):
    prov, kab, _kota = sites
    from .conftest import add_incident

    add_incident(kab)
    path = send(kab, prov, tmp_path)

    def drop(m):
        for member in (POSTS, CASES, TDS, LEX):
            m.pop(member, None)
    forged = resign(path, tmp_path / "old.posko", kab.key, members=drop)
    assert svc.import_package(prov.ctx, forged).totals().new == 1


def test_the_cli_lists_a_case_conflict_and_a_supervisor_resolves_it(sites, tmp_path, capsys,
                                                                    monkeypatch):
    import json

    from posko_desktop.cli import main

    from .conftest import ADMIN_PASSWORD

    prov, kab, _kota = sites
    c = cases.new_case(kab.ctx, CaseInput(CLAIM, "hoaks"))
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    cases.update_case(kab.ctx, c.id, {"note": "Versi kabupaten"})
    cases.update_case(prov.ctx, c.id, {"note": "Versi provinsi"})
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    monkeypatch.setenv("POSKO_PASSWORD", ADMIN_PASSWORD)
    base = ["--db", str(prov.path), "--user", "admin-33"]
    capsys.readouterr()
    assert main([*base, "case", "conflicts", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["count"] == 1 and listed["conflicts"][0]["kind"] == "hoax_cases"
    x = listed["conflicts"][0]
    assert main([*base, "case", "resolve", str(x["id"]), "take"]) == 0
    assert cases.get_case(prov.ctx, c.id).note == x["lost_value"]
    assert main([*base, "case", "resolve", "999", "keep"]) == 2


def test_each_schema_requires_exactly_the_columns_of_its_kind():
    from posko_desktop.core.sync import kinds
    from posko_desktop.core.sync import records as line_records

    for kind in (kinds.SOCIAL_POSTS, kinds.HOAX_CASES, kinds.TAKEDOWNS, kinds.LEXICON_ENTRIES):
        schema = line_records.schema(kind.record_type)
        assert schema["required"] == list(kind.columns) == list(schema["properties"])
        assert schema["additionalProperties"] is False
        for name in ("field_stamps", "field_bases"):
            assert schema["properties"][name]["required"] == list(kind.fields)
