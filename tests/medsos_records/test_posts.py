"""Posts: pasted links and files in (idempotent, row-level report, refusal writes
nothing), roles, evidence, edits with the version check, the triage queue; on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest

from posko_desktop.core.domain import PermissionDenied, StaleEdit, ValidationError
from posko_desktop.core.events import ChangeKind
from posko_desktop.core.medsos.drafts import MedsosError
from posko_desktop.core.services.medsos import posts
from posko_desktop.core.services.medsos.posts import PostFilter, PostInput

from .conftest import DATA, PNG, as_role, dump

TIKTOK = "https://m.tiktok.com/@Jateng.Viral/video/7394123456789012345/?_r=1&lang=id"


def test_a_link_pasted_twice_is_one_post(any_ctx):
    op = as_role(any_ctx, "operator")
    seen = []
    any_ctx.bus.subscribe(seen.append)
    first = posts.add_links(op, ["lihat ini " + TIKTOK + " dan https://youtu.be/dQw4w9WgXcQ?si=x"])
    assert len(first.added) == 2 and first.already == []
    assert [c.kind for c in seen] == [ChangeKind.SOCIAL_POST]
    again = posts.add_links(op, [TIKTOK.replace("m.tiktok", "www.tiktok") + "?is_from_webapp=1"])
    assert again.added == [] and again.already == [first.added[0]]
    page = posts.list_posts(op)
    assert page.total == 2
    p = next(r for r in page.rows if r.platform == "tiktok")
    assert p.canonical_url == "https://www.tiktok.com/@jateng.viral/video/7394123456789012345"
    assert p.post_id == "7394123456789012345" and p.collected_by == "budi-operator"
    assert p.number.startswith("MDS-JTG-")


def test_a_csv_imports_with_flags_and_places_and_again_adds_nothing(any_ctx):
    op = as_role(any_ctx, "operator")
    result = posts.import_file(op, DATA / "posts-template.csv")
    assert result.format == "table" and len(result.added) >= 5
    rows = posts.list_posts(op, limit=50).rows
    flagged = [r for r in rows if "tercoblos" in r.text.lower()]
    assert flagged and {"serangan_penyelenggara"} <= {f.category for f in flagged[0].flags}
    assert flagged[0].lexicon_version == "1"
    before = dump(any_ctx)
    again = posts.import_file(op, DATA / "posts-template.csv")
    assert again.added == [] and len(again.already) == len(result.added)
    assert dump(any_ctx) == before  # nothing written, not even an audit entry


@pytest.mark.parametrize("name", ["wa-android-id.txt", "wa-ios-en.txt", "telegram-result.json",
                                  "x-api.json", "posts-template.xlsx", "crowdtangle.csv"])
def test_every_intake_format_imports_its_sample(ctx, name):
    result = posts.import_file(as_role(ctx, "operator"), DATA / name)
    assert result.added, name
    assert posts.list_posts(ctx).total == len(result.added)


def test_whatsapp_numbers_are_pseudonymised_the_same_way_on_re_import(ctx):
    op = as_role(ctx, "operator")
    first = posts.import_file(op, DATA / "wa-android-id.txt")
    texts = " ".join(p.text + " " + p.account_name for p in posts.list_posts(op, limit=500).rows)
    assert "+62 812" not in texts and "0812" not in texts
    assert posts.import_file(op, DATA / "wa-android-id.txt").added == []
    assert first.added


@pytest.mark.parametrize("name", ["wa-truncated.txt", "x-api-broken.json", "wrong-format.txt",
                                  "telegram-truncated.json", "json-other.json"])
def test_a_bad_file_is_refused_and_nothing_is_written(any_ctx, name):
    op = as_role(any_ctx, "operator")
    before = dump(any_ctx)
    with pytest.raises(MedsosError):
        posts.import_file(op, DATA / name)
    assert dump(any_ctx) == before


def test_a_dry_run_reports_and_writes_nothing(ctx):
    before = dump(ctx)
    result = posts.import_file(as_role(ctx, "operator"), DATA / "posts-template.csv",
                               dry_run=True)
    assert result.added and result.dry_run
    assert dump(ctx) == before


def test_bad_rows_are_reported_by_line(ctx):
    result = posts.import_file(as_role(ctx, "operator"), DATA / "posts-template.csv")
    assert all(r.line > 1 for r in result.problems)
    assert posts.import_file(as_role(ctx, "operator"), DATA / "posts-template.csv").problems \
        == result.problems


def test_a_post_by_hand_is_flagged_and_refused_twice(any_ctx):
    op = as_role(any_ctx, "operator")
    p = posts.add_post(op, PostInput("x", "https://twitter.com/KPU_ID/status/1815123456789012345",
                                     "KPU curang! surat suara tercoblos di Kab. Kendal",
                                     views=1200))
    assert p.platform == "x" and p.reach == 1200
    assert "33.24" in p.regencies and p.flags
    before = dump(any_ctx)
    with pytest.raises(ValidationError) as err:
        posts.add_post(op, PostInput("x", "https://x.com/kpu_id/status/1815123456789012345?s=20"))
    assert p.number in err.value.text_in("en")
    assert dump(any_ctx) == before


def test_only_a_supervisor_deletes_and_a_viewer_role_collects_nothing(any_ctx):
    op = as_role(any_ctx, "operator")
    p = posts.add_post(op, PostInput("tiktok", TIKTOK))
    before = dump(any_ctx)
    with pytest.raises(PermissionDenied):
        posts.set_deleted(op, p.id, True)
    with pytest.raises(PermissionDenied):
        posts.add_links(as_role(any_ctx, "tamu"), [TIKTOK])
    assert dump(any_ctx) == before
    gone = posts.set_deleted(as_role(any_ctx, "supervisor"), p.id, True)
    assert gone.deleted and posts.list_posts(op).total == 0


def test_an_edit_from_an_old_version_is_refused(any_ctx):
    op = as_role(any_ctx, "operator")
    p = posts.add_post(op, PostInput("tiktok", TIKTOK, "video lama"))
    posts.update_post(as_role(any_ctx, "operator", "sari"), p.id,
                      {"text": "Amplop serangan fajar di Kec. Weleri"},
                      expected_version=p.version)
    before = dump(any_ctx)
    with pytest.raises(StaleEdit) as err:
        posts.update_post(op, p.id, {"contest_code": "33"}, expected_version=p.version)
    assert "sari" in err.value.text_in("en")
    assert dump(any_ctx) == before
    now = posts.get_post(op, p.id)
    assert {f.category for f in now.flags} == {"politik_uang"}  # flagged again


def test_evidence_is_stored_once_with_a_fingerprint(ctx):
    from io import BytesIO

    from PIL import Image

    img = Image.new("RGB", (300, 600), "white")
    for x in range(0, 300, 20):
        for y in range(0, 600, 40):
            img.putpixel((x, y), (x % 255, y % 255, 0))
    buf = BytesIO()
    img.save(buf, "PNG")
    op = as_role(ctx, "operator")
    p = posts.add_post(op, PostInput("tiktok", TIKTOK))
    p = posts.attach_evidence(op, p.id, "layar.png", buf.getvalue())
    again = posts.attach_evidence(op, p.id, "copy.png", buf.getvalue())
    assert len(again.evidence) == 1 and again.evidence[0].phash.startswith("ph9:")
    assert posts.evidence_data(op, p.evidence[0].sha256) == buf.getvalue()
    pdf = posts.attach_evidence(op, p.id, "halaman.pdf", b"%PDF-1.4\n" + PNG)
    assert pdf.evidence[1].phash == ""


def test_the_queue_ranks_by_reach_and_flags_and_filters(any_ctx):
    op = as_role(any_ctx, "operator")
    quiet = posts.add_post(op, PostInput("facebook", "https://www.facebook.com/100012345/posts/1",
                                         "info jadwal kampanye", views=5000))
    loud = posts.add_post(op, PostInput("tiktok", TIKTOK, "serangan fajar, amplop KPU curang",
                                        views=4000))
    small = posts.add_post(op, PostInput("x", "https://x.com/a/status/1", "halo", views=10))
    page = posts.list_posts(op, PostFilter(queue=True))
    assert [r.id for r in page.rows] == [loud.id, quiet.id, small.id]
    assert [r.id for r in posts.list_posts(op, PostFilter(queue=True, platform="x")).rows] \
        == [small.id]
    assert [r.id for r in posts.list_posts(op, PostFilter(queue=True, flag="politik_uang"))
            .rows] == [loud.id]
    first = posts.list_posts(op, PostFilter(queue=True), limit=2, count=False)
    assert [r.id for r in first.rows] == [loud.id, quiet.id] and first.extra["more"]
    posts.set_dismissed(op, [quiet.id])
    assert posts.list_posts(op, PostFilter(queue=True)).total == 2
