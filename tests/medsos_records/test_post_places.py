"""Posts by place (migration 0022): a post names a kecamatan of one of its regencies and a
desa of that kecamatan, by code, like an activity; by hand, by edit, from the template's
columns (a bad code reported, the row kept), with the CLI; refusals write nothing."""

from __future__ import annotations

import pytest

from posko_desktop.core.domain import ValidationError
from posko_desktop.core.services.medsos import posts
from posko_desktop.core.services.medsos.posts import PostInput

from .conftest import as_role, dump

SEMARANG_TENGAH, MIROTO, BANDARHARJO = "33.74.01", "33.74.01.1001", "33.74.02.1001"


def test_a_post_names_its_kecamatan_and_desa(any_ctx):
    op = as_role(any_ctx, "operator")
    p = posts.add_post(op, PostInput("x", "https://x.com/a/status/1", "ricuh di TPS 03",
                                     regencies=["33.74"], kecamatan_code=SEMARANG_TENGAH,
                                     desa_code=MIROTO))
    assert (p.kecamatan_code, p.desa_code) == (SEMARANG_TENGAH, MIROTO)
    alone = posts.add_post(op, PostInput("x", "https://x.com/a/status/2", "x",
                                         regencies=["33.74"], desa_code=BANDARHARJO))
    assert alone.kecamatan_code == "33.74.02"  # a desa alone names its kecamatan
    before = dump(any_ctx)
    for place, field in (((SEMARANG_TENGAH, BANDARHARJO), "desa_code"),  # other kecamatan
                         (("33.22.01", None), "kecamatan_code"),  # a regency not named
                         (("33.99.01", None), "kecamatan_code"),  # unknown code
                         ((None, "33.74.01.9999"), "desa_code")):
        with pytest.raises(ValidationError) as err:
            posts.add_post(op, PostInput("x", "https://x.com/a/status/3", "y",
                                         regencies=["33.74"], kecamatan_code=place[0],
                                         desa_code=place[1]))
        assert err.value.field == field
    with pytest.raises(ValidationError) as err:
        posts.update_post(op, p.id, {"regencies": ["33.22"]})  # the kecamatan would be outside
    assert "post does not name" in err.value.text_in("en")
    assert dump(any_ctx) == before
    moved = posts.update_post(op, p.id, {"kecamatan_code": "33.74.02", "desa_code": None},
                              expected_version=p.version)
    assert (moved.kecamatan_code, moved.desa_code) == ("33.74.02", None)
    cleared = posts.update_post(op, p.id, {"kecamatan_code": None, "desa_code": None})
    assert (cleared.kecamatan_code, cleared.desa_code) == (None, None)


def test_the_template_columns_carry_the_place(ctx, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text(
        "Platform;Tautan;Isi unggahan;Kode kecamatan;Kode desa\n"
        "x;https://x.com/a/status/11;ricuh;33.74.01;33.74.01.1001\n"
        "x;https://x.com/a/status/12;ricuh;;33.74.02.1001\n"
        "x;https://x.com/a/status/13;ricuh;33.74.01;33.74.02.1001\n"
        "x;https://x.com/a/status/14;ricuh;33.99.99;\n", "utf-8")
    result = posts.import_file(as_role(ctx, "operator"), path)
    assert len(result.added) == 4
    assert [(p.line, p.skipped) for p in result.problems] == [(4, False), (5, False)]
    got = {p.url.rsplit("/", 1)[1]: (p.kecamatan_code, p.desa_code, p.regencies)
           for p in posts.list_posts(ctx, limit=10).rows}
    assert got == {"11": (SEMARANG_TENGAH, MIROTO, ("33.74",)),
                   "12": ("33.74.02", BANDARHARJO, ("33.74",)),
                   "13": (SEMARANG_TENGAH, None, ("33.74",)),
                   "14": (None, None, ())}
