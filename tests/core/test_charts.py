"""Chart figures (no Qt): layout data, labels, palette, hit-testing, PNG/SVG export, CLI."""

from __future__ import annotations

import colorsys
import json
from datetime import date, datetime, timedelta
from itertools import combinations

import pytest
from sqlalchemy import text

from posko_desktop.core import charts, i18n
from posko_desktop.core.dashboard_data import Level
from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import reference

D0 = date(2024, 11, 20)


def add(ctx, code: str, when: datetime, severity: str, category: str) -> None:
    inc.create_incident(ctx, inc.IncidentInput(
        regency_code=code, title="Uji grafik", category_code=category, severity=severity,
        occurred_at=when, reported_at=when))
D1 = date(2024, 12, 1)


@pytest.fixture
def sample(ctx):
    for k in range(12):
        when = datetime.combine(D0 + timedelta(days=k), datetime.min.time()) + timedelta(hours=10)
        for _ in range(1 + k % 4):
            add(ctx, "33.74", when, "tinggi", "A1")
        add(ctx, "33.01", when, "rendah", "D3")
    return ctx


def test_tile_layout_has_each_regency_once(ctx):
    tiles = charts.tile_layout()
    codes = [t.code for t in tiles]
    assert sorted(codes) == sorted(r.code for r in reference.list_regencies(ctx))
    assert len(codes) == len(set(codes)) == 35
    assert len({(t.x, t.y) for t in tiles}) == 35
    at = {t.code: (t.x, t.y) for t in tiles}

    def adjacent(a: str, b: str) -> bool:
        (ax, ay), (bx, by) = at[a], at[b]
        return abs(ax - bx) + abs(ay - by) == 1

    for kota, kabupaten in (("33.76", "33.28"), ("33.75", "33.26"), ("33.71", "33.08"),
                            ("33.74", "33.22"), ("33.73", "33.22"), ("33.72", "33.11")):
        assert adjacent(kota, kabupaten), (kota, kabupaten)
    # roughly geographic: Brebes west of Blora and Wonogiri, Cilacap south of Brebes
    assert at["33.29"][0] < at["33.16"][0] and at["33.29"][0] < at["33.12"][0]
    assert at["33.01"][1] > at["33.29"][1] and at["33.20"][1] < at["33.12"][1]


def test_level_palette_is_distinct_in_lightness():
    """Colour-blind safe proxy: every pair of level colours differs in lightness, so the
    levels stay apart in greyscale and for any colour vision deficiency."""
    assert set(charts.LEVEL_COLORS) == set(Level)

    def lightness(hex_color: str) -> float:
        r, g, b = (int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return colorsys.rgb_to_hls(r, g, b)[1] * 0.5 + (0.2126 * r + 0.7152 * g + 0.0722 * b) * 0.5

    for a, b in combinations(charts.LEVEL_COLORS.values(), 2):
        assert abs(lightness(a) - lightness(b)) > 0.08, (a, b)


def _svg(fig, tmp_path, name: str) -> str:
    return charts.save_figure(fig, tmp_path / f"{name}.svg").read_text(encoding="utf-8")


def test_trend_marks_milestones_in_indonesian_and_english(sample, tmp_path):
    series = dash.daily_counts(sample, D0, D1, regencies=["33.74"])
    svg = _svg(charts.trend_figure(series), tmp_path, "trend")
    for label in ("Akhir kampanye", "Masa tenang", "Pemungutan suara", "Rata-rata 7 hari",
                  "Kota Semarang", "1 Des"):
        assert label in svg, label
    i18n.set_language("en")
    svg = _svg(charts.trend_figure(series), tmp_path, "trend_en")
    for label in ("End of campaign", "Quiet period", "Voting day", "1 Dec"):
        assert label in svg, label
    png = charts.save_figure(charts.trend_figure(series), tmp_path / "trend.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_trend_of_an_empty_period_has_whole_number_ticks(ctx):
    """Counts are whole: an empty day must not label its axis "1, 1, 0, 0"."""
    series = dash.daily_counts(ctx, D0, D0 + timedelta(days=2))
    fig = charts.trend_figure(series)
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert labels and len(labels) == len(set(labels))


def test_every_chart_renders_with_labels(sample, tmp_path):
    snap = dash.snapshot(sample, D0, D1)
    figures = {
        "heatmap": charts.heatmap_figure(snap.heatmap),
        "tiles": charts.tile_map_figure(snap.levels),
        "categories": charts.category_figure(snap.categories),
        "severity": charts.severity_figure(snap.severity),
    }
    svgs = {name: _svg(fig, tmp_path, name) for name, fig in figures.items()}
    assert "Kota Semarang" in svgs["heatmap"] and "Kab. Cilacap" in svgs["heatmap"]
    assert "Kt Smg" in svgs["tiles"] and "Kondusif" in svgs["tiles"]
    assert "A Konten digital" in svgs["categories"]
    assert "Tinggi" in svgs["severity"]
    empty = dash.snapshot(sample, date(2023, 1, 1), date(2023, 1, 7))
    assert "Tidak ada data" in _svg(charts.category_figure(empty.categories), tmp_path, "empty")


def test_hits_give_the_numbers_and_the_log_filter(sample):
    snap = dash.snapshot(sample, D0, D1)
    fig = charts.heatmap_figure(snap.heatmap)
    ax = fig.axes[0]
    row = snap.heatmap.codes.index("33.74")
    hit = charts.hit_test(fig, ax, 3.1, row + 0.2)
    assert hit is not None and hit.regency == "33.74" and hit.day == D0 + timedelta(days=3)
    with sample.db.engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM incident WHERE regency_code = '33.74' "
                              "AND occurred_date = :d"), {"d": hit.day.isoformat()}).scalar()
    assert "{} kejadian".format(n) in hit.text

    label_hit = charts.hit_test(fig, ax, -4.0, row)  # the row's label: the whole period
    assert label_hit.regency == "33.74" and label_hit.day is None
    assert "{} kejadian".format(int(snap.heatmap.row_total(row))) in label_hit.text

    tiles = charts.tile_map_figure(snap.levels)
    x, y = next(t.get_position() for t in tiles.axes[0].texts if t.get_text() == "01")
    tile_hit = charts.hit_test(tiles, tiles.axes[0], x, y)  # on the tile's code
    assert tile_hit is not None and tile_hit.regency == "33.01"
    assert snap.levels["33.01"].level.label in tile_hit.text

    cats = charts.category_figure(snap.categories)
    bar = snap.categories.keys.index("33.01")
    cat_hit = charts.hit_test(cats, cats.axes[0], 1.0, bar)
    assert cat_hit is not None and cat_hit.regency == "33.01" and cat_hit.category == "D"
    assert charts.hit_test(cats, cats.axes[0], 1.0, 99) is None
    assert charts.hit_test(cats, cats.axes[0], -5.0, bar).category is None


def test_save_refuses_other_formats(sample, tmp_path):
    fig = charts.severity_figure(dash.severity_breakdown(sample, D0, D1))
    with pytest.raises(charts.ChartFormatError):
        charts.save_figure(fig, tmp_path / "chart.jpg")
    assert not list(tmp_path.glob("chart*"))


# --- CLI -----------------------------------------------------------------------------------


def test_cli_chart_writes_png_svg_and_csv(sample, db_path, tmp_path, capsys):
    from posko_desktop import cli

    base = ["--db", str(db_path)]
    for kind in ("trend", "heatmap", "tilemap", "categories", "severity"):
        out = tmp_path / f"{kind}.png"
        code = cli.main([*base, "chart", kind, "--from", D0.isoformat(), "--to", D1.isoformat(),
                         "--out", str(out), "--data", str(tmp_path / f"{kind}.csv")])
        assert code == 0, capsys.readouterr().err
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert cli.main([*base, "chart", "tilemap", "--to", "2024-11-27", "--out",
                     str(tmp_path / "peta.svg")]) == 0
    assert "<svg" in (tmp_path / "peta.svg").read_text(encoding="utf-8")
    rows = (tmp_path / "severity.csv").read_text(encoding="utf-8-sig").splitlines()
    with sample.db.engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM incident WHERE deleted = 0 AND occurred_date "
                              "BETWEEN :a AND :b"), {"a": D0.isoformat(), "b": D1.isoformat()}).scalar()
    assert sum(int(r.split(",")[-1]) for r in rows[1:]) == n
    capsys.readouterr()
    assert cli.main([*base, "chart", "trend", "--out", str(tmp_path / "x.jpg")]) == 2
    assert "png" in capsys.readouterr().err and not (tmp_path / "x.jpg").exists()


def test_cli_stats_by_level_and_nihil(sample, db_path, capsys):
    from posko_desktop import cli

    base = ["--db", str(db_path)]
    assert cli.main([*base, "stats", "--by", "level", "--to", "2024-11-27", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["by"] == "level" and len(out["rows"]) == 35
    levels = dash.situation_levels(sample, datetime(2024, 11, 28, 0, 0))
    assert {r["key"]: r["level"] for r in out["rows"]} == {c: lv.level.value for c, lv in levels.items()}
    assert sum(out["counts"].values()) == 35
    assert cli.main([*base, "nihil", "--regency", "33.20", "--via", "paket"]) == 0
    assert cli.main([*base, "watch", "--format", "json"]) == 0
    watch = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    row = next(r for r in watch["rows"] if r["code"] == "33.20")
    assert (row["status"], row["via"]) == ("nihil", "paket")
    assert cli.main([*base, "nihil", "--regency", "33.20"]) == 2  # already recorded
    assert cli.main([*base, "nihil", "--regency", "33.99"]) == 2
