"""The Kasus window's links and evidence: files of every kept kind added (recordings, saved
pages and chat exports listed by name, size and SHA-256 beside the screenshots), an
incident opened for the case, the case attached to an existing incident chosen by number
with completion, an external fact-check added; all through the window's buttons."""

from __future__ import annotations

import hashlib
from datetime import datetime

from posko_desktop.core.services import incidents
from posko_desktop.core.services.medsos import cases
from posko_desktop.core.services.medsos.cases import CaseInput
from tests.medsos_records import evidence_samples as sample
from tests.ui.test_medsos_tab import desk, idle  # noqa: F401  (the fixture)


def test_evidence_incidents_and_fact_checks_from_the_case_window(desk, qtbot, tmp_path,  # noqa: F811
                                                                 monkeypatch):
    ani, _budi = desk
    ctx = ani.cases.ctx
    c = cases.new_case(ctx, CaseInput("Surat suara sudah tercoblos di TPS 05", "hoaks",
                                      "tinggi", ["33.74"]))
    earlier = incidents.create_incident(ctx, incidents.IncidentInput(
        regency_code="33.74", title="Isu surat suara tercoblos", category_code="A1",
        severity="sedang", occurred_at=datetime(2024, 11, 26, 8, 0)))
    pane = ani.cases.detail
    qtbot.waitUntil(lambda: ani.cases.table.rowCount() == 1, timeout=10_000)
    ani.cases.choose(c.number)
    qtbot.waitUntil(lambda: pane.view is not None, timeout=10_000)

    # --- evidence: a screenshot, a screen recording, a saved page, a chat export
    files = {"layar.png": sample.screenshot(), "rekaman.mp4": sample.MP4, "halaman.mhtml": sample.MHTML,
             "WhatsApp Chat - Relawan.zip": sample.chat_zip()}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    monkeypatch.setattr(type(pane), "ask_open_paths",
                        lambda self, *a: [str(tmp_path / n) for n in files])
    pane.add_evidence()
    qtbot.waitUntil(lambda: pane.gallery.count() == 4, timeout=10_000)
    texts = [pane.gallery.item(i).text() for i in range(4)]
    assert texts[0] == "layar.png"
    for text, (name, data) in list(zip(texts, files.items(), strict=True))[1:]:
        assert name[:10] in text and "SHA-256 " + hashlib.sha256(data).hexdigest()[:12] in text
    assert " B\n" in texts[1] or " KB\n" in texts[1]  # the size
    assert "video MP4 · 96 B" in pane.gallery.item(1).toolTip()

    # --- an incident opened for the case, then the case attached to an earlier one
    dialog = pane.open_incident()
    assert dialog.regency.currentData() == "33.74"
    dialog.accept()
    qtbot.waitUntil(lambda: len(pane.view.incidents) == 1, timeout=10_000)
    opened = pane.view.incidents[0]
    assert opened.title == c.claim and opened.number in pane.links.text()
    pane.link_incident()
    qtbot.waitUntil(lambda: getattr(pane, "link_dialog", None) is not None, timeout=10_000)
    link = pane.link_dialog
    assert "{n} — Isu surat suara tercoblos".format(n=earlier.number) in link.labels
    link.incident.completer().setCompletionPrefix("surat suara tercoblos")
    assert link.incident.completer().currentCompletion().startswith(earlier.number)
    link.incident.setText(link.incident.completer().currentCompletion())
    link.accept()
    qtbot.waitUntil(lambda: len(pane.view.incidents) == 2, timeout=10_000)
    assert earlier.number in pane.links.text()

    # --- an external fact-check
    check = pane.add_fact_check()
    check.url.setText("https://turnbackhoax.id/2024/11/26/salah-surat-suara/?utm_source=wa")
    check.publisher.setText("turnbackhoax.id")
    check.accept()
    qtbot.waitUntil(lambda: pane.view.detail.case.fact_checks != (), timeout=10_000)
    idle(qtbot, pane)
    assert "turnbackhoax.id https://turnbackhoax.id/2024/11/26/salah-surat-suara" \
        in pane.links.text()
    stored = cases.get_case(ctx, c.id)
    assert [e.mime for e in stored.evidence] == ["image/png", "video/mp4", "multipart/related",
                                                 "application/zip"]
    assert set(stored.incidents) == {opened.id, earlier.id}
    assert [(f.publisher, f.url) for f in stored.fact_checks] == [
        ("turnbackhoax.id", "https://turnbackhoax.id/2024/11/26/salah-surat-suara")]
