"""The dashboard's baseline: the map mode "kerawanan awal" colours each regency by the IKP
class imported, the rawan-TPS counts per regency and kecamatan equal counts read straight
from the sample files, the regencies worse than the baseline predicted are listed, and the
level rule weighs the IKP class when the setting says so."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, datetime

from matplotlib.colors import to_hex

from posko_desktop.core.charts.board import dashboard_figures
from posko_desktop.core.charts.style import LEVEL_COLORS
from posko_desktop.core.dashboard_data import IkpLevel, Level
from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.services import incidents, settings_service
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.timeutil import WIB

from .samples import independent_counts, write_samples
from .test_baseline import import_all

MOMENT = datetime(2024, 11, 27, 18, 0, tzinfo=WIB)


def snap(ctx):
    return dash.snapshot(ctx, date(2024, 11, 21), date(2024, 11, 27), at=MOMENT)


def test_the_baseline_beside_the_levels_equals_the_files(any_ctx, tmp_path):
    paths = write_samples(tmp_path)
    assert snap(any_ctx).baseline is not None and not snap(any_ctx).baseline.imported
    import_all(any_ctx, paths)
    want = independent_counts(paths)
    low = next(c for c, r in snap(any_ctx).baseline.regencies.items()
               if r.ikp is IkpLevel.RENDAH)
    for hour in (9, 10, 11):  # 3 high incidents: score 12, Waspada, above "rendah"
        incidents.create_incident(any_ctx, IncidentInput(
            regency_code=low, title="Bentrok pendukung", category_code="D3",
            severity="tinggi", occurred_at=datetime(2024, 11, 27, hour, 0),
            reported_at=datetime(2024, 11, 27, 12, 0)))
    s = snap(any_ctx)
    view = s.baseline
    assert view.imported and s.levels[low].level is Level.WASPADA
    assert view.worse == [low]
    assert {c: r.tps_rawan for c, r in view.regencies.items() if r.tps_rawan} == \
        dict(want["rawan_regency"])
    assert {c: r.polda_rawan for c, r in view.regencies.items() if r.polda_rawan} == \
        dict(want["polda_rawan"] + want["polda_sangat"])
    top = view.kecamatan[0]
    assert top.tps_rawan == want["rawan_kecamatan"][top.code]
    assert top.tps_rawan + top.polda_rawan == max(
        want["rawan_kecamatan"][k.code] + k.polda_rawan for k in view.kecamatan)

    figures = dashboard_figures(s, map_mode="ikp")
    fig, rows = figures["tilemap"]
    assert len(rows) == 36 and sum(r[-1] != "" for r in rows[1:]) == 1
    faces = {to_hex(p.get_facecolor()) for p in fig.axes[0].patches}
    assert to_hex(LEVEL_COLORS[Level.SIAGA]) in faces  # "tinggi" predicts Siaga
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[2].endswith("({n})".format(n=len(want["ikp_tinggi"])))


def test_the_level_rule_can_weigh_the_ikp_class(any_ctx, tmp_path):
    import_all(any_ctx, write_samples(tmp_path))
    high = {c for c, r in snap(any_ctx).baseline.regencies.items() if r.ikp is IkpLevel.TINGGI}
    assert high and all(snap(any_ctx).levels[c].level is Level.KONDUSIF for c in high)
    settings_service.set(any_ctx, "level.ikp_floor", True)
    levels = snap(any_ctx).levels
    assert {c for c, v in levels.items() if v.level is Level.WASPADA} == high
    assert all("IKP" in levels[c].reason for c in high)


def _ikp_classes_of_the_file(path) -> dict[str, str]:
    """Regency code -> IKP class, read straight from the sample file (csv module only)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    return {"{}.{}".format(r[0][:2], r[0][2:]): r[2].lower() for r in rows}


def test_the_ikp_map_mode_equals_the_file_regency_by_regency(ctx, tmp_path):
    """Every regency's tile in the "kerawanan awal" mode has the colour and letter of its
    class in the imported file, and each class's count in the legend equals the file's."""
    paths = write_samples(tmp_path)
    import_all(ctx, paths)
    want = _ikp_classes_of_the_file(paths["ikp"])
    view = snap(ctx).baseline
    assert {c: r.ikp.value for c, r in view.regencies.items()} == want
    fig, _rows = dashboard_figures(snap(ctx), map_mode="ikp")["tilemap"]
    ax = fig.axes[0]
    faces = Counter(to_hex(p.get_facecolor()) for p in ax.patches)
    predicted = {"rendah": Level.KONDUSIF, "sedang": Level.WASPADA, "tinggi": Level.SIAGA}
    per_class = Counter(want.values())
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for n, ikp in enumerate(("rendah", "sedang", "tinggi")):
        colour = to_hex(LEVEL_COLORS[predicted[ikp]])
        assert faces[colour] == per_class[ikp], ikp  # one tile per regency of that class
        assert legend[n].endswith("({n})".format(n=per_class[ikp]))
    letters = Counter(t.get_text() for t in ax.texts if t.get_text() in ("r", "s", "t"))
    assert letters == Counter(ikp[0] for ikp in want.values())


def test_the_kecamatan_rawan_list_equals_the_files(ctx, tmp_path):
    """The dashboard's "Kecamatan rawan": each kecamatan listed has the rawan TPS of the
    files (Bawaslu; Polda rawan + sangat rawan), and no kecamatan left out has more."""
    paths = write_samples(tmp_path)
    import_all(ctx, paths)
    want = independent_counts(paths)
    polda: Counter[str] = Counter()
    with paths["polda"].open(encoding="utf-8", newline="") as fh:
        for row in list(csv.reader(fh, delimiter=";"))[1:]:
            if row[2].lower().replace("-", " ") in ("rawan", "sangat rawan"):
                polda[row[0][:8]] += 1
    listed = snap(ctx).baseline.kecamatan
    assert len(listed) == 20
    assert [(k.code, k.tps_rawan, k.polda_rawan) for k in listed] == [
        (k.code, want["rawan_kecamatan"][k.code], polda[k.code]) for k in listed]
    total = Counter({c: want["rawan_kecamatan"][c] + polda[c]
                     for c in set(want["rawan_kecamatan"]) | set(polda)})
    assert sorted((k.tps_rawan + k.polda_rawan for k in listed), reverse=True) == \
        sorted(total.values(), reverse=True)[:20]
