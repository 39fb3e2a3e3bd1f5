"""Training mode (issue 19): a package made by a training database says so in its signed
manifest (`training: true`); a live database refuses it and a training database refuses a
live one, with nothing written (docs/sync-format.md, docs/decisions.md)."""

from __future__ import annotations

import json
import zipfile

import pytest

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.services import sync as svc

from .conftest import add_incident, make_site, refused, send, table_dump


def manifest(path) -> dict:
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("manifest.json"))


@pytest.fixture
def pairs(template_db, tmp_path):
    """Live and training databases of the province and of Kab. Semarang, all trusting each
    other's keys (the refusal is about the mode, not the key)."""
    made = {
        ("33", False): make_site(template_db, tmp_path / "live", "33", "Provinsi"),
        ("33.22", False): make_site(template_db, tmp_path / "live", "33.22", "Kab. Semarang"),
        ("33", True): make_site(template_db, tmp_path / "latihan", "33", "Provinsi", True),
        ("33.22", True): make_site(template_db, tmp_path / "latihan", "33.22", "Kab. Semarang",
                                   True),
    }
    for a in made.values():
        for b in made.values():
            if a.code != b.code:
                svc.trust_key(
                    a.ctx, b.key_file, svc.inspect_key_file(b.key_file).short_fingerprint)
    yield made
    for site in made.values():
        site.ctx.db.dispose()


def test_training_package_is_marked_and_refused_by_a_live_database(pairs, tmp_path):
    office = pairs[("33.22", True)]
    add_incident(office)
    path = send(office, pairs[("33", True)], tmp_path)
    assert manifest(path)["training"] is True
    err = refused(pairs[("33", False)], path)
    assert "training database" in err.text_in("en") and "latihan" in err.text_in("id")
    # the training province takes it
    result = svc.import_package(pairs[("33", True)].ctx, path)
    assert result.source_site == "33.22"


def test_live_package_is_unmarked_and_refused_by_a_training_database(pairs, tmp_path):
    office = pairs[("33.22", False)]
    add_incident(office)
    path = send(office, pairs[("33", False)], tmp_path)
    assert "training" not in manifest(path)
    err = refused(pairs[("33", True)], path)
    assert "live database" in err.text_in("en")
    before = table_dump(pairs[("33", False)])
    svc.import_package(pairs[("33", False)].ctx, path)
    assert table_dump(pairs[("33", False)]) != before


def test_cli_refuses_a_training_package_with_exit_2(pairs, tmp_path, capsys, monkeypatch):
    from posko_desktop.cli import main
    from tests.sync.conftest import ADMIN_PASSWORD

    office = pairs[("33.22", True)]
    add_incident(office)
    path = send(office, pairs[("33", True)], tmp_path)
    live = pairs[("33", False)]
    before = table_dump(live, with_login=False)
    monkeypatch.setenv("POSKO_PASSWORD", ADMIN_PASSWORD)
    code = main(["--lang", "en", "--db", str(live.path), "--user", "admin-33", "import",
                 str(path)])
    assert code == 2
    assert "training database" in capsys.readouterr().err
    assert table_dump(live, with_login=False) == before
    with pytest.raises(PoskoError):
        svc.import_package(live.ctx, path)
