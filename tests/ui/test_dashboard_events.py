"""The dashboard follows what imports publish: a spreadsheet import and a sync import each
refresh the open dashboard with the new incidents (core `Change` events → `ChangeKind`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from posko_desktop.core.services import sync as sync_service
from posko_desktop.core.services.spreadsheet_import import import_spreadsheet
from posko_desktop.core.timeutil import WIB
from tests.spreadsheets.helpers import fill_template, row
from tests.sync import conftest as sync_fixtures
from tests.sync.conftest import add_incident, send

from .test_dashboard import open_dashboard

# the sync tests' sites (province, two regencies, trusting each other), cheap key wrapping
sites = sync_fixtures.sites
cheap_crypto = sync_fixtures.cheap_crypto


def recent(hours: float) -> datetime:
    return datetime.now(WIB) - timedelta(hours=hours)


def test_a_spreadsheet_import_refreshes_the_dashboard(ctx, make_window, qtbot, tmp_path):
    tab = open_dashboard(qtbot, make_window())
    before = sum(tab.result.snapshot.series.total)
    when = recent(2).strftime("%d-%m-%Y %H.%M")
    sheet = fill_template(ctx, tmp_path / "kiriman.xlsx", [
        row(regency="33.29 Kab. Brebes", occurred_at=when, title="Hoaks dari lembar kerja"),
        row(regency="33.29 Kab. Brebes", occurred_at=when, title="Spanduk dirusak warga")])
    with qtbot.waitSignal(tab.refreshed, timeout=30_000):
        assert len(import_spreadsheet(ctx, sheet).imported) == 2
    snap = tab.result.snapshot
    assert sum(snap.series.total) == before + 2
    assert snap.levels["33.29"].incidents == 2


def test_a_sync_import_refreshes_the_dashboard(sites, make_window, qtbot, tmp_path):
    prov, kab, _kota = sites
    tab = open_dashboard(qtbot, make_window(prov.ctx))
    before = sum(tab.result.snapshot.series.total)
    for i in range(3):
        add_incident(kab, title="Kejadian kiriman {i}".format(i=i), occurred_at=recent(3 + i),
                     reported_at=recent(2))
    package = send(kab, prov, tmp_path)
    with qtbot.waitSignal(tab.refreshed, timeout=30_000):
        sync_service.import_package(prov.ctx, package)
    snap = tab.result.snapshot
    assert sum(snap.series.total) == before + 3
    assert snap.levels["33.22"].incidents == 3
