"""The taxonomy's channel and legal type (issue 18) travel in packages as format 2's
optional incident fields, each with its own field stamp (docs/sync-format.md)."""

from __future__ import annotations

from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc
from tests.sync.conftest import add_incident, send


def test_channel_and_legal_type_travel_in_packages(sites, tmp_path):
    prov, kab, _kota = sites
    made = add_incident(kab, category_code="H2", channel="luring", legal_type="pidana")
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    got = inc.get_incident(prov.ctx, made.id)
    assert (got.category_code, got.channel, got.legal_type) == ("H2", "luring", "pidana")
    inc.update_incident(prov.ctx, made.id, {"legal_type": "kode_etik"})
    svc.import_package(kab.ctx, send(prov, kab, tmp_path))
    assert inc.get_incident(kab.ctx, made.id).legal_type == "kode_etik"
