"""The Pantau Medsos tab: links pasted into the queue become a case; one supervisor decides
the verdict, a second approves it on another workstation; the clarification is written,
published, saved as card and ClaimReview; a take-down request is made, submitted, its
letter issued and saved, re-checked until down. All through the windows, the services
running on the real task runner; hosted by stand-ins for the window (TabHost)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import jsonschema
import pytest
from PIL import Image
from pypdf import PdfReader
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QMessageBox

from posko_desktop.core.domain import Actor
from posko_desktop.core.medsos import claimreview
from posko_desktop.core.services import settings_service
from posko_desktop.core.services.medsos import cases, posts
from posko_desktop.ui.events import QtEvents
from posko_desktop.ui.medsos import MedsosTab, make_tab
from posko_desktop.ui.tabs import FeatureTab
from tests.ui.test_activities_tab import Host

NOW = datetime(2024, 11, 27, 3, 0, tzinfo=UTC)  # 10.00 WIB
LINKS = ["https://www.tiktok.com/@jateng.viral/video/7394000000000000001",
         "https://www.facebook.com/100012345/posts/99",
         "https://x.com/akun_a/status/1861234567890"]


@pytest.fixture
def desk(ctx, runner, qtbot):
    """Two workstations of the same desk: supervisors Ani and Budi."""
    ctx.clock = lambda: NOW
    for key, value in (("sitrep.signer_name", "Drs. Budi Santoso, M.Si."),
                       ("sitrep.signer_position", "Kepala Biro Pemerintahan"),
                       ("sitrep.signer_nip", "197001011990031001")):
        settings_service.set(ctx, key, value)
    events = QtEvents(ctx.bus)
    tabs = []
    for actor in (Actor("ani", "supervisor", "Ani"), Actor("budi", "supervisor", "Budi")):
        host = Host(ctx.as_actor(actor), runner, events)
        tab = make_tab(host)
        tab.resize(1366, 700)
        qtbot.addWidget(tab)
        tabs.append(tab)
    for tab in tabs:
        qtbot.waitUntil(lambda t=tab: t.queue.loads >= 1 and t.cases.loads >= 1
                        and t.takedowns.loads >= 1, timeout=10_000)
    yield tabs
    runner.wait(10_000)
    events.close()


def idle(qtbot, *pages) -> None:
    qtbot.waitUntil(lambda: all(p.busy == 0 for p in pages), timeout=15_000)


def select_all(table) -> None:
    model = table.selectionModel()
    for row in range(table.rowCount()):
        model.select(table.model().index(row, 0), QItemSelectionModel.SelectionFlag.Select
                     | QItemSelectionModel.SelectionFlag.Rows)


def test_the_tab_meets_the_window_contract(desk):
    ani, _budi = desk
    assert isinstance(ani, FeatureTab) and isinstance(ani, MedsosTab)
    assert ani.tab_title() == "Media sosial"
    assert [ani.tabText(i) for i in range(3)] == ["Antrean", "Kasus",
                                                  "Register penurunan konten"]


def test_a_case_from_the_queue_to_the_take_down_letter(desk, qtbot, tmp_path, monkeypatch):
    ani, budi = desk
    # --- the queue: links pasted, ranked, made a case
    dialog = ani.queue.add_links()
    dialog.links.setPlainText("\n".join([*LINKS, "https://youtu.be/dQw4w9WgXcQ"]))
    dialog.accept()
    qtbot.waitUntil(lambda: ani.queue.table.rowCount() == 4, timeout=10_000)
    assert "4 unggahan di antrean" in ani.queue.count.text()
    ani.queue.platform.setCurrentIndex(ani.queue.platform.findData("youtube"))
    qtbot.waitUntil(lambda: ani.queue.table.rowCount() == 1, timeout=10_000)
    select_all(ani.queue.table)
    ani.queue.dismiss()  # triaged as nothing to do: leaves the queue
    qtbot.waitUntil(lambda: ani.queue.table.rowCount() == 0, timeout=10_000)
    ani.queue.platform.setCurrentIndex(0)
    qtbot.waitUntil(lambda: ani.queue.table.rowCount() == 3, timeout=10_000)
    ani.queue.platform.setCurrentIndex(ani.queue.platform.findData("tiktok"))
    qtbot.waitUntil(lambda: ani.queue.table.rowCount() == 1, timeout=10_000)
    ani.queue.platform.setCurrentIndex(0)
    qtbot.waitUntil(lambda: ani.queue.table.rowCount() == 3, timeout=10_000)
    select_all(ani.queue.table)
    new = ani.queue.new_case()
    assert new is not None
    new.claim.setText("Surat suara sudah tercoblos di TPS 05 Tembalang")
    new.accept()
    qtbot.waitUntil(lambda: ani.queue.table.rowCount() == 0
                    and ani.cases.table.rowCount() == 1, timeout=10_000)
    number = ani.cases.rows[0].case.number
    assert ani.cases.table.item(0, 4).text() == "3"  # posts
    dialog = ani.queue.add_links()  # one more post of the same claim: attached to the case
    dialog.links.setPlainText("https://www.instagram.com/reel/C9abcDEF12x/")
    dialog.accept()
    qtbot.waitUntil(lambda: ani.queue.table.rowCount() == 1, timeout=10_000)
    select_all(ani.queue.table)
    ani.queue.attach()
    qtbot.waitUntil(lambda: getattr(ani.queue, "pick_dialog", None) is not None, timeout=10_000)
    ani.queue.pick_dialog.accept()
    qtbot.waitUntil(lambda: ani.queue.table.rowCount() == 0
                    and ani.cases.table.item(0, 4).text() == "4", timeout=10_000)

    # --- the verdict: Ani decides, cannot approve her own; Budi approves
    ani.cases.choose(number)
    qtbot.waitUntil(lambda: ani.cases.detail.view is not None, timeout=10_000)
    assert ani.cases.detail.posts_table.rowCount() == 4
    verdict = ani.cases.detail.decide()
    verdict.verdict.setCurrentIndex(verdict.verdict.findData("salah"))
    verdict.reasoning.setPlainText("KPU Kota Semarang: surat suara masih disegel di gudang.")
    verdict.sources.setPlainText("https://kota-semarang.kpu.go.id/berita/1\nBawaslu")
    verdict.accept()
    qtbot.waitUntil(lambda: ani.cases.detail.view is not None
                    and ani.cases.detail.view.detail.case.status == "diverifikasi",
                    timeout=10_000)
    assert not ani.cases.detail.approve_button.isEnabled()
    budi.cases.choose(number)
    qtbot.waitUntil(lambda: budi.cases.detail.view is not None
                    and budi.cases.detail.view.detail.case.status == "diverifikasi",
                    timeout=10_000)
    assert budi.cases.detail.approve_button.isEnabled()
    budi.cases.detail.approve()
    qtbot.waitUntil(lambda: ani.cases.detail.view.detail.case.status == "terverifikasi",
                    timeout=10_000)
    assert "Disetujui oleh budi" in ani.cases.detail.verdict_text.text()

    # --- the clarification: drafted, published, card and ClaimReview saved
    detail = ani.cases.detail
    detail.clarification.setPlainText("Tidak benar. Surat suara masih disegel di gudang KPU.")
    detail.save_clarification()
    qtbot.waitUntil(lambda: detail.view.detail.case.clarification is not None, timeout=10_000)
    publish = detail.publish()
    publish.channel.setText("Situs Pemprov")
    publish.url.setText("https://jatengprov.go.id/klarifikasi/1")
    publish.accept()
    qtbot.waitUntil(lambda: detail.view.detail.case.status == "klarifikasi_terbit",
                    timeout=10_000)
    assert "Situs Pemprov" in detail.published.text()
    card, review = tmp_path / "kartu.png", tmp_path / "claimreview.json"
    answers = iter([str(card), str(review)])
    monkeypatch.setattr(type(detail), "ask_save_path", lambda self, *a: next(answers))
    detail.save_card()
    idle(qtbot, detail)
    detail.save_claimreview()
    idle(qtbot, detail)
    assert Image.open(card).size == (1080, 1080)
    doc = json.loads(review.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(claimreview.schema()).validate(doc)
    assert [e.text for e in detail.view.timeline][:1] == ["Kasus dibuka"]

    # --- the take-down: prepared from the case, submitted, letter issued, re-checked
    request = detail.new_takedown()
    request.addressee.setCurrentIndex(request.addressee.findData("komdigi"))
    request.accept()
    register = ani.takedowns
    qtbot.waitUntil(lambda: register.table.rowCount() == 1, timeout=10_000)
    assert detail.takedown_table.rowCount() == 1 or detail.view is not None
    register.table.selectRow(0)
    register.submit()
    qtbot.waitUntil(lambda: register.rows and register.rows[0].submitted_at is not None,
                    timeout=10_000)
    assert register.table.item(0, 6).text() == "0"  # age in days
    letter = tmp_path / "surat.pdf"
    monkeypatch.setattr(type(register), "ask_save_path", lambda self, *a: str(letter))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    register.table.selectRow(0)
    register.issue_letter()
    idle(qtbot, register)
    text = "".join("".join(p.extract_text() for p in PdfReader(
        io.BytesIO(letter.read_bytes())).pages).split())
    for link in LINKS:
        assert "".join(link.split("?")[0].split()) in text or link.rsplit("/", 1)[-1] in text
    assert "/PPK/" in text and "NIP.197001011990031001" in text
    assert any("diterbitkan" in m for m in ani.takedowns.host.messages)
    register.table.selectRow(0)
    register.recheck("down")
    qtbot.waitUntil(lambda: register.table.rowCount() == 0, timeout=10_000)  # open only
    register.open_only.setChecked(False)
    qtbot.waitUntil(lambda: register.table.rowCount() == 1
                    and register.table.item(0, 4).text() == "Diturunkan", timeout=10_000)
    stored = cases.get_case(ani.cases.ctx, cases.resolve_ref(ani.cases.ctx, number))
    assert stored.verdict.approved_by == "budi" and stored.verdict.decided_by == "ani"
    assert posts.list_posts(ani.cases.ctx).total == 5
    assert posts.list_posts(ani.cases.ctx, posts.PostFilter(queue=True)).total == 0
