"""Column mappings of monitoring-tool exports: a table no preset knows is refused as
unmapped; the preview shows its first rows under a mapping with row-level problems; a
mapping saved under a name (local setting, audited) is recognised on the next import by
its columns, and chosen by name or from a JSON file; bad mappings are refused with nothing
written."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.domain import NotFoundError, PermissionDenied, ValidationError
from posko_desktop.core.medsos.drafts import MedsosError
from posko_desktop.core.medsos.intake import ColumnMapping, UnmappedColumns
from posko_desktop.core.services.medsos import mappings, posts

from .conftest import as_role, dump

EXPORT = ("No;Tanggal;Akun;Isi;Tautan posting;Jumlah tayang;Sentimen\n"
          "1;21/07/2024 08:00;@warga;Amplop 50rb per kepala di Kec. Juwana;"
          "https://www.facebook.com/warga/posts/123;2,5rb;negatif\n"
          "2;kemarin;@relawan;KPU curang, surat suara sudah tercoblos;"
          "https://x.com/relawan/status/1812345678901234567;banyak;negatif\n"
          "3;22/07/2024 09:15;;;;;netral\n"
          "4;22/07/2024 10:00;@info;;bukan tautan;10;netral\n")
MAPPING = ColumnMapping({"posted_at": "Tanggal", "account_handle": "Akun", "text": "Isi",
                         "url": "Tautan posting", "views": "Jumlah tayang"})


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "brand24-ekspor.csv"
    path.write_text(EXPORT, "utf-8")
    return path


def test_an_unknown_export_is_mapped_previewed_saved_and_recognised(any_ctx, export):
    op = as_role(any_ctx, "operator")
    before = dump(any_ctx)
    with pytest.raises(UnmappedColumns):
        posts.import_file(op, export)
    assert dump(any_ctx) == before
    assert mappings.headers_of(op, export) == ["No", "Tanggal", "Akun", "Isi",
                                               "Tautan posting", "Jumlah tayang", "Sentimen"]
    shown = mappings.preview(op, export, MAPPING, limit=10)
    assert [r.number for r in shown.rows] == [2, 3, 4, 5]
    first, second, empty, bad = shown.rows
    assert first.draft.canonical_url == "https://www.facebook.com/warga/posts/123"
    assert first.draft.engagement.views == 2500 and first.problems == ()
    assert [p.params["column"] for p in second.problems] == ["Tanggal", "Jumlah tayang"]
    assert second.draft is not None and second.draft.posted_at is None
    assert empty.draft is None and empty.problems[0].skipped
    assert bad.draft is None and "bukan tautan" in str(bad.problems[0].params)
    assert dump(any_ctx) == before  # the preview writes nothing

    saved = mappings.save_mapping(op, "Brand24", MAPPING)
    assert saved.name == "brand24" and saved.updated_by == op.actor.username
    assert [m.name for m in mappings.list_mappings(op)] == ["brand24"]
    result = posts.import_file(op, export)  # recognised by its columns now
    assert len(result.added) == 2 and result.preset == "brand24"
    again = posts.import_file(op, export, mapping=mappings.get_mapping(op, "brand24"))
    assert again.added == [] and len(again.already) == 2
    with any_ctx.db.read() as s:
        assert list(s.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("medsos.mapping%")))) == ["medsos.mapping_save"]
    mappings.delete_mapping(op, "brand24")
    with pytest.raises(UnmappedColumns):
        posts.import_file(op, export)


def test_a_mapping_from_a_json_file_and_the_refusals(any_ctx, export, tmp_path):
    op = as_role(any_ctx, "operator")
    good = tmp_path / "peta.json"
    good.write_text(json.dumps({**MAPPING.to_dict(), "platform": "facebook"}), "utf-8")
    found = mappings.resolve_mapping(op, str(good))
    assert found.columns == MAPPING.columns and found.platform.value == "facebook"
    before = dump(any_ctx)
    for data in ({"columns": {"views": "Jumlah tayang"}},  # neither link nor text
                 {"columns": {"url": "Tautan", "warna": "Sentimen"}},
                 {"columns": {"url": "Tautan"}, "platform": "friendster"}, ["url"]):
        bad = tmp_path / "salah.json"
        bad.write_text(json.dumps(data), "utf-8")
        with pytest.raises(MedsosError):
            mappings.resolve_mapping(op, str(bad))
    (tmp_path / "rusak.json").write_text("{\"columns\": {", "utf-8")
    with pytest.raises(MedsosError):
        mappings.mapping_from_file(tmp_path / "rusak.json")
    for name in ("crowdtangle", "Nama dengan spasi", ""):
        with pytest.raises(ValidationError):
            mappings.save_mapping(op, name, MAPPING)
    with pytest.raises(PermissionDenied):
        mappings.save_mapping(any_ctx.as_actor(_viewer()), "brand24", MAPPING)
    with pytest.raises(NotFoundError):
        mappings.get_mapping(op, "tidak-ada")
    wrong = ColumnMapping({"text": "Kolom yang tidak ada"})
    with pytest.raises(MedsosError):
        posts.import_file(op, export, mapping=wrong)
    assert dump(any_ctx) == before


def _viewer():
    from posko_desktop.core.domain import Actor

    return Actor("tamu", "viewer", "Tamu")
