"""Post tables: our template (CSV/XLSX, both languages), presets, manual mappings, values."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from posko_desktop.core.medsos.drafts import MedsosError, Platform
from posko_desktop.core.medsos.intake import (
    PRESETS,
    TEMPLATE_COLUMNS,
    ColumnMapping,
    read_posts,
    recognise,
    table_headers,
)
from posko_desktop.core.medsos.intake.values import BadValue, parse_count, parse_time
from posko_desktop.core.timeutil import WIB

from .conftest import DATA, READ_AT


def test_template_csv_with_a_row_level_report(options):
    result = read_posts(DATA / "posts-template.csv", options)
    assert (result.format, result.preset) == ("table", "posko")
    platforms = [d.platform for d in result.drafts]
    assert platforms == [Platform.TIKTOK, Platform.FACEBOOK, Platform.INSTAGRAM, Platform.X,
                         Platform.WEB, Platform.TIKTOK]
    tiktok = result.drafts[0]
    assert tiktok.canonical_url == "https://www.tiktok.com/@jateng.viral/video/7394123456789012345"
    assert tiktok.account_handle == "jateng.viral"
    assert tiktok.posted_at == datetime(2024, 7, 21, 3, 15, tzinfo=UTC)  # 10:15 WIB
    e = tiktok.engagement
    assert (e.views, e.likes, e.shares, e.comments) == (1_200_000, 45_000, 3_400, 1_250)
    assert e.read_at == datetime(2024, 7, 22, 1, 0, tzinfo=UTC)  # the row's "Waktu baca"
    assert result.drafts[1].engagement.read_at == READ_AT  # none in the row: the import's
    assert result.drafts[2].posted_at == datetime(2024, 7, 21, 5, 30, tzinfo=UTC)  # +07:00
    assert result.drafts[3].platform is Platform.X  # no platform cell: from the link
    bad = result.drafts[5]
    assert (bad.url, bad.posted_at, bad.engagement.views) == ("", None, None)
    assert bad.post_id.startswith("txt-")  # no link: a content id keeps it unique
    assert [(p.line, p.skipped) for p in result.problems] == [
        (7, False), (7, False), (7, False), (8, True)]
    texts = [p.text() for p in result.problems]
    assert "bukan tautan" in texts[0] and "kemarin sore" in texts[1] and "banyak" in texts[2]
    assert result.ignored == 1  # the empty row
    assert result.duplicates == 1  # row 10 repeats row 2


def test_english_template_and_xlsx_with_title_rows(options):
    en = read_posts(DATA / "posts-template-en.csv", options)
    xlsx = read_posts(DATA / "posts-template.xlsx", options)
    assert [d.canonical_url for d in en.drafts] == [d.canonical_url for d in xlsx.drafts]
    assert [d.source_line for d in xlsx.drafts] == [4, 5, 6]  # header on row 3
    assert xlsx.drafts[0].engagement.views == 1_200_000
    assert xlsx.drafts[0].posted_at == datetime(2024, 7, 21, 3, 15, tzinfo=UTC)


def test_crowdtangle_preset_is_recognised_by_its_columns(options):
    result = read_posts(DATA / "crowdtangle.csv", options)
    assert result.preset == "crowdtangle"
    first = result.drafts[0]
    assert first.platform is Platform.FACEBOOK and first.post_id == "pfbid0abcDEF123"
    assert (first.account_name, first.account_handle) == ("Info Cegatan Jogja Jateng",
                                                          "infocegatan")
    assert first.posted_at == datetime(2024, 7, 21, 3, 15, 42, tzinfo=UTC)  # "... WIB"
    assert (first.engagement.likes, first.engagement.shares) == (1200, 800)


def test_tiktok_scraper_preset(options):
    result = read_posts(DATA / "tiktok-scraper.csv", options)
    assert result.preset == "tiktok-scraper"
    assert [d.engagement.views for d in result.drafts] == [1_200_000, 8_500]
    assert result.drafts[1].regencies == ("33.16",)


def test_a_manual_mapping_reads_any_table(options, tmp_path):
    path = tmp_path / "ekspor.csv"
    path.write_text("Tanggal;Akun;Isi;Tautan posting;Jumlah tayang\n"
                    "21/07/2024 08:00;@warga;Amplop 50rb per kepala di Kec. Juwana;"
                    "https://www.facebook.com/warga/posts/123;2,5rb\n", "utf-8")
    assert recognise(table_headers(path)) is None
    with pytest.raises(MedsosError):
        read_posts(path, options)
    mapping = ColumnMapping({"posted_at": "Tanggal", "account_handle": "Akun", "text": "Isi",
                             "url": "Tautan posting", "views": "Jumlah tayang"})
    result = read_posts(path, replace(options, mapping=mapping))
    draft = result.drafts[0]
    assert (draft.platform, draft.post_id, draft.account_handle) == (
        Platform.FACEBOOK, "123", "warga")
    assert draft.engagement.views == 2_500 and draft.regencies == ("33.18",)


def test_mapping_structure_refuses_what_a_dialog_must_not_send():
    with pytest.raises(ValueError):
        ColumnMapping({"likes": "Suka"})  # neither link nor text
    with pytest.raises(ValueError):
        ColumnMapping({"url": "URL", "colour": "Warna"})


def test_the_template_header_is_recognised_and_presets_have_distinct_signatures():
    assert recognise(list(TEMPLATE_COLUMNS)).name == "posko"
    for preset in PRESETS:
        assert recognise(sorted(preset.mapping.columns.values())).name == preset.name


@pytest.mark.parametrize(("value", "count"), [
    ("1.234", 1234), ("1,234", 1234), ("1 234 567", 1234567), ("12", 12), (7, 7),
    (3.0, 3), ("1,2K", 1200), ("12rb", 12000), ("1.5jt", 1_500_000), ("2M", 2_000_000),
    ("", None), (None, None), ("-", None),
])
def test_counts_as_people_write_them(value, count):
    assert parse_count(value) == count


@pytest.mark.parametrize("value", ["banyak", "12,5", "-3", -1, True, "1.2.3"])
def test_not_a_count(value):
    with pytest.raises(BadValue):
        parse_count(value)


@pytest.mark.parametrize(("value", "utc"), [
    ("21/07/2024 10:15", datetime(2024, 7, 21, 3, 15, tzinfo=UTC)),
    ("2024-07-21 10:15:42 WIB", datetime(2024, 7, 21, 3, 15, 42, tzinfo=UTC)),
    ("2024-07-21 10:15 WITA", datetime(2024, 7, 21, 2, 15, tzinfo=UTC)),
    ("2024-07-21T03:15:42.000Z", datetime(2024, 7, 21, 3, 15, 42, tzinfo=UTC)),
    (datetime(2024, 7, 21, 10, 15), datetime(2024, 7, 21, 3, 15, tzinfo=UTC)),
    (1721531742, datetime(2024, 7, 21, 3, 15, 42, tzinfo=UTC)),
])
def test_times_in_cells(value, utc):
    assert parse_time(value, WIB) == utc


@pytest.mark.parametrize(("name", "words"), [
    ("posts-mixed-encoding.csv", "mixes UTF-8 with another encoding"),
    ("posts-unknown-columns.csv", "columns are not recognised"),
])
def test_bad_tables_are_refused(options, name, words):
    with pytest.raises(MedsosError) as err:
        read_posts(DATA / name, options)
    assert words in err.value.text_in("en")


def test_an_open_quote_is_refused_not_swallowed(options, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text('Platform;Tautan;Isi unggahan\nweb;https://a.id/1;"kutip tak tertutup\n'
                    'web;https://a.id/2;baris kedua\n', "utf-8")
    with pytest.raises(MedsosError) as err:
        read_posts(path, options)
    assert "never closed" in err.value.text_in("en")


def test_an_xlsx_with_a_dtd_is_refused(options, tmp_path):
    import zipfile
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>'
                    "<Types/>")
    with pytest.raises(MedsosError) as err:
        read_posts(path, options)
    assert "document type declaration" in err.value.text_in("en")
