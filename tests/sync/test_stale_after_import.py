"""A sync import is a change too: a form opened before it cannot silently undo it.

An import can bring an edit that is older than this site's last local edit of the incident
(made at the regency before the province's edit, arriving after it): the modification
stamp then stays as it was, but the import's mark moves the version on.
"""

from __future__ import annotations

import time

import pytest

from posko_desktop.core.domain import StaleEdit
from posko_desktop.core.edit_merge import three_way
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc
from posko_desktop.core.services.incidents import EDITABLE_FIELDS

from .conftest import add_incident, send, table_dump


def test_an_import_after_the_form_was_opened_makes_its_save_stale(sites, tmp_path):
    prov, kab, _ = sites
    d = add_incident(kab)
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    inc.update_incident(kab.ctx, d.id, {"title": "Judul dari kabupaten"},
                        expected_version=inc.get_incident(kab.ctx, d.id).version)
    time.sleep(0.01)  # the province's own edit comes later than the regency's
    here = inc.get_incident(prov.ctx, d.id)
    inc.update_incident(prov.ctx, d.id, {"severity": "kritis"}, expected_version=here.version)
    opened = inc.get_incident(prov.ctx, d.id)  # an operator opens the form
    svc.import_package(prov.ctx, send(kab, prov, tmp_path))
    after_import = inc.get_incident(prov.ctx, d.id)
    assert after_import.title == "Judul dari kabupaten"
    assert after_import.mod_stamp == opened.mod_stamp  # the older edit left it as it was
    assert after_import.version > opened.version

    mine = {**opened.edit_values(), "location": "Balai desa Lerep, TPS 3"}
    before = table_dump(prov)
    with pytest.raises(StaleEdit) as info:
        inc.update_incident(prov.ctx, d.id, mine, expected_version=opened.version)
    assert table_dump(prov) == before
    err = info.value
    assert "title" in err.fields and err.by_import
    assert "telah diubah oleh impor paket sinkronisasi pada" in err.text_in("id")
    assert "was changed by a sync import at" in err.text_in("en")
    merge = three_way(opened.edit_values(), mine, err.current, EDITABLE_FIELDS)
    inc.update_incident(prov.ctx, d.id, merge.values, expected_version=err.version)
    got = inc.get_incident(prov.ctx, d.id)
    assert (got.title, got.severity, got.location) == (
        "Judul dari kabupaten", "kritis", "Balai desa Lerep, TPS 3")
