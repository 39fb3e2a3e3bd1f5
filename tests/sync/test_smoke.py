from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc

from .conftest import add_incident, send


def test_two_sites_exchange(sites, tmp_path):
    prov, kab, kota = sites
    a = add_incident(kab)
    inc.add_followup(kab.ctx, a.id, "Sudah dicek ke lokasi")
    pkg = send(kab, prov, tmp_path)
    r = svc.import_package(prov.ctx, pkg)
    assert r.totals().new == 1 and r.followups_new == 1
    again = svc.import_package(prov.ctx, pkg)
    assert again.already_imported
    relay = send(prov, kota, tmp_path)
    r2 = svc.import_package(kota.ctx, relay)
    assert r2.totals().new == 1
    assert svc.canonical_dump(kota.ctx) == svc.canonical_dump(kab.ctx) == svc.canonical_dump(prov.ctx)
