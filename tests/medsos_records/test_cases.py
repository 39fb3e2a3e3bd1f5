"""Hoax cases: opened from posts, verdict approved only by a second supervisor, the
clarification published only after approval, status moves, incidents, the version check;
take-down requests and their re-checks; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from posko_desktop.core.domain import (
    NotFoundError,
    PermissionDenied,
    StaleEdit,
    TransitionError,
    ValidationError,
)
from posko_desktop.core.services.medsos import cases, posts, takedowns
from posko_desktop.core.services.medsos.cases import CaseFilter, CaseInput
from posko_desktop.core.services.medsos.posts import PostFilter, PostInput
from posko_desktop.core.services.medsos.takedowns import TakedownFilter, TakedownInput

from .conftest import PNG, as_role, dump

CLAIM = "Surat suara sudah tercoblos sebelum hari pemungutan di TPS 05 Tembalang"


def two_posts(ctx):
    op = as_role(ctx, "operator")
    a = posts.add_post(op, PostInput("tiktok", "https://www.tiktok.com/@a/video/7394000000000000001",
                                     "surat suara sdh tercoblos di tps 05 kec tembalang",
                                     views=12000, regencies=["33.74"]))
    b = posts.add_post(op, PostInput("facebook", "https://www.facebook.com/100012345/posts/99",
                                     "Surat suara tercoblos TPS 05 Tembalang, viralkan!",
                                     shares=300, regencies=["33.74"]))
    return a, b


def test_a_case_goes_from_posts_to_an_approved_verdict_and_a_clarification(any_ctx):
    op = as_role(any_ctx, "operator")
    ani = as_role(any_ctx, "supervisor", "ani")
    budi = as_role(any_ctx, "supervisor", "budi")
    a, b = two_posts(any_ctx)
    c = cases.new_case(op, CaseInput(CLAIM, "hoaks", "tinggi"), [a.id, b.id])
    assert c.number == "HOAKS-JTG-{y}-0001".format(y=any_ctx.now().year)
    assert c.status == "baru" and c.regencies == ("33.74",)
    assert posts.list_posts(op, PostFilter(queue=True)).total == 0  # triaged into the case
    detail = cases.case_detail(op, c.id)
    assert detail.reach.posts == 2 and detail.reach.reach == 12300
    assert detail.reach.platforms == {"facebook": 1, "tiktok": 1}
    assert [p.id for p in detail.posts] == [a.id, b.id]

    with pytest.raises(PermissionDenied):
        cases.decide_verdict(op, c.id, "salah", "KPU: surat suara belum didistribusikan")
    c = cases.decide_verdict(ani, c.id, "salah", "KPU Kota Semarang: surat suara masih di "
                             "gudang pada tanggal itu.", ["https://kota-semarang.kpu.go.id/x"])
    assert c.status == "diverifikasi" and not c.verdict.approved
    c = cases.set_clarification(op, c.id, "Tidak benar. Surat suara baru didistribusikan H-1.")
    before = dump(any_ctx)
    with pytest.raises(TransitionError):
        cases.publish_clarification(budi, c.id, "Instagram @poskojateng")  # not approved
    with pytest.raises(TransitionError) as err:
        cases.approve_verdict(ani, c.id)  # the one who decided
    assert "ani" in err.value.text_in("en")
    assert dump(any_ctx) == before
    c = cases.approve_verdict(budi, c.id)
    assert c.status == "terverifikasi" and c.verdict.approved_by == "budi"
    c = cases.publish_clarification(budi, c.id, "Instagram @poskojateng",
                                    "https://www.instagram.com/p/C9abcDEF12x/")
    assert c.status == "klarifikasi_terbit" and c.clarification.published_by == "budi"
    with pytest.raises(TransitionError):
        cases.set_clarification(op, c.id, "diubah")
    c = cases.set_status(ani, c.id, "dipantau")
    c = cases.set_status(ani, c.id, "selesai")
    assert c.status == "selesai"


def test_a_new_verdict_needs_approval_again(ctx):
    ani, budi = as_role(ctx, "supervisor", "ani"), as_role(ctx, "supervisor", "budi")
    c = cases.new_case(as_role(ctx, "operator"), CaseInput(CLAIM, "hoaks"))
    cases.decide_verdict(ani, c.id, "salah", "alasan")
    cases.approve_verdict(budi, c.id)
    c = cases.decide_verdict(budi, c.id, "menyesatkan", "alasan baru")
    assert c.status == "diverifikasi" and c.verdict.approved_by is None
    assert cases.approve_verdict(ani, c.id).verdict.approved_by == "ani"


def test_bad_moves_and_values_are_refused_and_write_nothing(any_ctx):
    op, sup = as_role(any_ctx, "operator"), as_role(any_ctx, "supervisor")
    c = cases.new_case(op, CaseInput(CLAIM, "hoaks"))
    before = dump(any_ctx)
    with pytest.raises(TransitionError):
        cases.set_status(sup, c.id, "selesai")
    with pytest.raises(ValidationError):
        cases.new_case(op, CaseInput(CLAIM, "gosip"))
    with pytest.raises(ValidationError):
        cases.new_case(op, CaseInput("klaim\x1b[31m", "hoaks"))
    with pytest.raises(ValidationError):
        cases.decide_verdict(sup, c.id, "salah", "   ")
    with pytest.raises(NotFoundError):
        cases.link_incident(op, c.id, c.id)
    assert dump(any_ctx) == before
    assert cases.set_status(sup, c.id, "ditolak").status == "ditolak"
    assert cases.set_status(sup, c.id, "baru").status == "baru"


def test_a_case_edit_from_an_old_version_is_refused(any_ctx):
    op = as_role(any_ctx, "operator")
    c = cases.new_case(op, CaseInput(CLAIM, "hoaks"))
    cases.update_case(as_role(any_ctx, "operator", "sari"), c.id, {"priority": "tinggi"},
                      expected_version=c.version)
    before = dump(any_ctx)
    with pytest.raises(StaleEdit):
        cases.update_case(op, c.id, {"claim": "lain"}, expected_version=c.version)
    assert dump(any_ctx) == before


def test_posts_move_between_cases_and_a_deleted_case_frees_them(ctx):
    op, sup = as_role(ctx, "operator"), as_role(ctx, "supervisor")
    a, b = two_posts(ctx)
    one = cases.new_case(op, CaseInput(CLAIM, "hoaks"), [a.id])
    two = cases.new_case(op, CaseInput("Klaim lain tentang TPS 05", "provokasi"))
    assert two.number.endswith("-0002")
    cases.attach_posts(op, two.id, [a.id, b.id])
    assert cases.case_detail(op, one.id).reach.posts == 0
    cases.set_deleted(sup, two.id, True)
    assert posts.list_posts(op, PostFilter(queue=True)).total == 2
    assert [c.number for c in cases.list_cases(op)] == [one.number]
    assert cases.list_cases(op, CaseFilter(include_deleted=True))[0].deleted


def test_fact_checks_evidence_and_incidents_are_kept(ctx):
    from sqlalchemy import select

    from posko_desktop.core.db.models import Incident
    from posko_desktop.core.services import demo

    demo.generate(ctx, incidents=3, days=2, end_date=date(2024, 11, 27), seed=3)
    with ctx.db.read() as s:
        incident_id = s.scalars(select(Incident.id)).first()
    op = as_role(ctx, "operator")
    c = cases.new_case(op, CaseInput(CLAIM, "hoaks"))
    c = cases.add_fact_check(op, c.id, "https://turnbackhoax.id/2024/11/20/salah-x/?utm_source=wa",
                             "Mafindo")
    c = cases.attach_evidence(op, c.id, "bukti.pdf", b"%PDF-1.4\n" + PNG)
    c = cases.link_incident(op, c.id, incident_id)
    assert c.fact_checks[0].url == "https://turnbackhoax.id/2024/11/20/salah-x"
    assert c.evidence[0].mime == "application/pdf" and c.incidents == (incident_id,)
    assert cases.link_incident(op, c.id, incident_id, linked=False).incidents == ()


def test_a_case_opens_an_incident_of_the_log(any_ctx):
    from posko_desktop.core.services import incidents

    op = as_role(any_ctx, "operator")
    a, _b = two_posts(any_ctx)
    c = cases.new_case(op, CaseInput(CLAIM, "hoaks"), [a.id])
    c = cases.open_incident(op, c.id, "33.74")
    made = incidents.get_incident(op, c.incidents[0])
    assert made.title == CLAIM and made.source_type == "media_sosial"
    assert c.number in made.source_detail and a.canonical_url in made.source_detail


def test_a_takedown_is_sent_rechecked_and_closed(any_ctx):
    op, sup = as_role(any_ctx, "operator"), as_role(any_ctx, "supervisor")
    a, b = two_posts(any_ctx)
    c = cases.new_case(op, CaseInput(CLAIM, "hoaks"), [a.id, b.id])
    t = takedowns.new_takedown(op, TakedownInput("komdigi", [a.id, b.id], c.id,
                                                 channel="aduankonten.id",
                                                 legal_basis="UU ITE Pasal 28 ayat (1)"))
    assert t.number == "TD-JTG-{y}-0001".format(y=any_ctx.now().year)
    assert t.status == "disiapkan" and t.platform == ""  # two platforms
    before = dump(any_ctx)
    with pytest.raises(PermissionDenied):
        takedowns.update_takedown(op, t.id, {}, status="diajukan")
    with pytest.raises(TransitionError):
        takedowns.add_recheck(op, t.id, "up")  # not sent yet
    with pytest.raises(TransitionError):
        takedowns.update_takedown(sup, t.id, {}, status="diturunkan")
    assert dump(any_ctx) == before
    t = takedowns.update_takedown(sup, t.id, {"reference": "ADU-2024-11-000123"},
                                  status="diajukan", expected_version=t.version)
    assert t.submitted_at is not None and t.reference == "ADU-2024-11-000123"
    t = takedowns.add_recheck(op, t.id, "up", "masih tayang",
                              at=any_ctx.now() - timedelta(hours=1))
    assert t.status == "diajukan"
    t = takedowns.update_takedown(sup, t.id, {}, status="diproses")
    t = takedowns.add_recheck(op, t.id, "up")
    assert t.status == "masih_tayang" and t.closed_at is None
    t = takedowns.add_recheck(op, t.id, "down", "konten sudah tidak tersedia")
    assert t.status == "diturunkan" and t.closed_at is not None
    assert [r.result for r in t.rechecks] == ["up", "up", "down"]
    assert takedowns.list_takedowns(op, TakedownFilter(open_only=True)) == []
    assert [x.id for x in takedowns.list_takedowns(op, TakedownFilter(case_id=c.id))] == [t.id]


def test_a_near_duplicate_post_is_suggested_for_its_case(any_ctx):
    from posko_desktop.core.services.medsos import suggest

    op = as_role(any_ctx, "operator")
    a, b = two_posts(any_ctx)
    c = cases.new_case(op, CaseInput(CLAIM, "hoaks"), [a.id])
    variant = posts.add_post(op, PostInput(
        "instagram", "https://www.instagram.com/p/C9zzzzzzzzz/",
        "SURAT SUARA SUDAH TERCOBLOS!!! di TPS 05 kec. Tembalang, sebarkan"))
    other = posts.add_post(op, PostInput("x", "https://x.com/u/status/42",
                                         "Jadwal debat publik calon gubernur malam ini di TV"))
    found = suggest.suggest_for_post(op, variant.id)
    assert [(s.case_number, s.reason) for s in found] == [(c.number, "text")]
    assert found[0].score >= 70 and found[0].post_number == a.number
    assert suggest.suggest_for_post(op, other.id) == []
    assert suggest.suggest_for_post(op, a.id) == []  # its own case is not suggested
    cases.attach_posts(op, c.id, [variant.id])  # the index follows the change
    assert [s.case_number for s in suggest.suggest_for_post(op, b.id)] == [c.number]


def test_unassigned_look_alikes_are_grouped(ctx):
    from posko_desktop.core.services.medsos import suggest

    op = as_role(ctx, "operator")
    a, b = two_posts(ctx)
    posts.add_post(op, PostInput("x", "https://x.com/u/status/42",
                                 "Jadwal debat publik calon gubernur malam ini di TV"))
    found = suggest.clusters(op)
    assert [{p.id for p in g.posts} for g in found] == [{a.id, b.id}]
    assert found[0].reach == a.reach + b.reach
