"""Dashboard numbers against independent SQL counts, the level and warning rules on
constructed data, and the reporting watch (Masuk / Nihil / Belum)."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.dashboard_data import ExportError, Level, csv_text, write_csv
from posko_desktop.core.db.models_dashboard import NihilReport
from posko_desktop.core.domain import ValidationError
from posko_desktop.core.periods import report_period
from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import stats
from posko_desktop.core.services.incidents import IncidentFilter, IncidentInput
from posko_desktop.core.timeutil import WIB

D0 = date(2024, 11, 18)
D1 = date(2024, 11, 27)
CODES = ("33.01", "33.22", "33.74", "33.71", "33.12", "33.29")
CATS = ("A1", "A5", "B2", "C1", "D3", "E1", "F2", "G1")
SEVS = ("rendah", "sedang", "tinggi", "kritis")


def add(ctx: AppContext, code: str, when: datetime, severity: str = "sedang",
        category: str = "A1") -> inc.IncidentDetail:
    return inc.create_incident(ctx, IncidentInput(
        regency_code=code, title="Uji dasbor", category_code=category, severity=severity,
        occurred_at=when, reported_at=when))


def at_clock(ctx: AppContext, moment: datetime) -> AppContext:
    """The same database, with the clock fixed at `moment` (aware)."""
    return AppContext(ctx.db, ctx.actor, ctx.bus, lambda: moment)


@pytest.fixture
def filled(ctx):
    """~150 incidents over 10 days (and the days before, for the moving average) in six
    regencies; three of them deleted afterwards."""
    rnd = random.Random(7)
    made = []
    for _ in range(150):
        day = D0 - timedelta(days=6) + timedelta(days=rnd.randint(0, 15))
        when = datetime.combine(day, datetime.min.time()) + timedelta(minutes=rnd.randint(0, 1439))
        made.append(add(ctx, rnd.choice(CODES), when, rnd.choice(SEVS), rnd.choice(CATS)))
    for d in made[:3]:
        inc.set_deleted(ctx, d.id, True, "duplikat")
    return ctx


def sql_rows(ctx, query: str, **params):
    with ctx.db.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def test_daily_counts_equal_sql(filled):
    series = dash.daily_counts(filled, D0, D1, regencies=["33.22", "3374"])
    expected = dict(sql_rows(filled, "SELECT occurred_date, count(*) FROM incident WHERE deleted = 0 "
                                      "AND occurred_date BETWEEN :a AND :b GROUP BY occurred_date",
                             a=(D0 - timedelta(days=6)).isoformat(), b=D1.isoformat()))
    assert series.days == [D0 + timedelta(days=i) for i in range(10)]
    assert series.total == [expected.get(d.isoformat(), 0) for d in series.days]
    for i, day in enumerate(series.days):
        week = [expected.get((day - timedelta(days=k)).isoformat(), 0) for k in range(7)]
        assert series.moving_avg[i] == pytest.approx(sum(week) / 7)
    per = dict(sql_rows(filled, "SELECT occurred_date, count(*) FROM incident WHERE deleted = 0 AND "
                                 "regency_code = '33.74' AND occurred_date BETWEEN :a AND :b "
                                 "GROUP BY occurred_date", a=D0.isoformat(), b=D1.isoformat()))
    assert series.by_regency["33.74"] == [per.get(d.isoformat(), 0) for d in series.days]
    assert series.regency_names["33.74"] == "Kota Semarang"
    assert series.regency_names["33.22"] == "Kab. Semarang"


def test_heatmap_equals_sql_and_orders_rows(filled):
    data = dash.heatmap(filled, D0, D1, order="total")
    assert len(data.codes) == 35 and len(set(data.codes)) == 35
    rows = sql_rows(filled, "SELECT regency_code, occurred_date, count(*) FROM incident WHERE deleted = 0 "
                            "AND occurred_date BETWEEN :a AND :b GROUP BY 1, 2",
                    a=D0.isoformat(), b=D1.isoformat())
    expected = {(c, d): n for c, d, n in rows}
    for r, code in enumerate(data.codes):
        for c, day in enumerate(data.days):
            assert data.values[r][c] == expected.get((code, day.isoformat()), 0)
    totals = [data.row_total(r) for r in range(35)]
    assert totals == sorted(totals, reverse=True)


def test_weighted_heatmap_uses_the_level_weights(filled):
    data = dash.heatmap(filled, D0, D1, weighted=True)
    rows = sql_rows(filled, "SELECT regency_code, occurred_date, sum(CASE severity WHEN 'rendah' THEN 1 "
                            "WHEN 'sedang' THEN 2 WHEN 'tinggi' THEN 4 ELSE 8 END) FROM incident "
                            "WHERE deleted = 0 AND occurred_date BETWEEN :a AND :b GROUP BY 1, 2",
                    a=D0.isoformat(), b=D1.isoformat())
    expected = {(c, d): n for c, d, n in rows}
    assert data.codes == sorted(data.codes)
    for r, code in enumerate(data.codes):
        for c, day in enumerate(data.days):
            assert data.values[r][c] == expected.get((code, day.isoformat()), 0)


def test_categories_per_regency_and_per_day_equal_sql(filled):
    data = dash.category_breakdown(filled, D0, D1, top=4)
    rows = sql_rows(filled, "SELECT regency_code, substr(category_code, 1, 1), count(*) FROM incident "
                            "WHERE deleted = 0 AND occurred_date BETWEEN :a AND :b GROUP BY 1, 2",
                    a=D0.isoformat(), b=D1.isoformat())
    expected = {(c, g): n for c, g, n in rows}
    totals = {}
    for (c, _g), n in expected.items():
        totals[c] = totals.get(c, 0) + n
    busiest = sorted(totals, key=lambda c: (-totals[c], c))[:4]
    assert data.keys == busiest
    for gi, group in enumerate(data.groups):
        assert data.values[gi] == [expected.get((c, group), 0) for c in busiest]
    by_day = dash.category_breakdown(filled, D0, D1, mode="day")
    assert by_day.keys == [D0 + timedelta(days=i) for i in range(10)]
    day_rows = sql_rows(filled, "SELECT occurred_date, substr(category_code, 1, 1), count(*) FROM incident "
                                "WHERE deleted = 0 AND occurred_date BETWEEN :a AND :b GROUP BY 1, 2",
                        a=D0.isoformat(), b=D1.isoformat())
    expected_day = {(d, g): n for d, g, n in day_rows}
    for gi, group in enumerate(by_day.groups):
        assert by_day.values[gi] == [expected_day.get((d.isoformat(), group), 0) for d in by_day.keys]


def test_severity_breakdown_and_filters_equal_sql(filled):
    data = dash.severity_breakdown(filled, D0, D1)
    rows = sql_rows(filled, "SELECT occurred_date, severity_rank, count(*) FROM incident WHERE deleted = 0 "
                            "AND occurred_date BETWEEN :a AND :b GROUP BY 1, 2",
                    a=D0.isoformat(), b=D1.isoformat())
    expected = {(d, r): n for d, r, n in rows}
    for rank in range(4):
        assert data.values[rank] == [expected.get((d.isoformat(), rank), 0) for d in data.days]
    flt = IncidentFilter(categories=("A",), severities=("tinggi", "kritis"))
    series = dash.daily_counts(filled, D0, D1, flt)
    filtered = dict(sql_rows(filled, "SELECT occurred_date, count(*) FROM incident WHERE deleted = 0 AND "
                                      "category_code LIKE 'A%' AND severity IN ('tinggi', 'kritis') "
                                      "AND occurred_date BETWEEN :a AND :b GROUP BY 1",
                             a=D0.isoformat(), b=D1.isoformat()))
    assert series.total == [filtered.get(d.isoformat(), 0) for d in series.days]
    assert sum(series.total) < sum(dash.daily_counts(filled, D0, D1).total)


def test_top_regencies_today_equal_sql(filled):
    top = dash.top_regencies(filled, D1, n=3)
    rows = sql_rows(filled, "SELECT regency_code, count(*) FROM incident WHERE deleted = 0 AND "
                            "occurred_date = :d GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3", d=D1.isoformat())
    assert [(t.code, t.count) for t in top] == [tuple(r) for r in rows]


def test_snapshot_gathers_the_same_numbers(filled):
    snap = dash.snapshot(filled, D0, D1, regencies=["33.01"])
    assert snap.series.total == dash.daily_counts(filled, D0, D1).total
    assert snap.heatmap.values == dash.heatmap(filled, D0, D1).values
    regency_offices = {code for code, r in snap.report.items() if r.group == "regency"}
    assert set(snap.levels) == regency_offices and len(snap.levels) == 35
    assert snap.at == datetime(2024, 11, 27, 17, 0, tzinfo=UTC)  # 28 Nov 00.00 WIB


def test_invalid_range_is_refused(ctx):
    with pytest.raises(ValidationError):
        dash.daily_counts(ctx, D1, D0)


# --- situation level -----------------------------------------------------------------


def test_level_rule_on_constructed_data(ctx):
    at = datetime(2024, 11, 27, 7, 0, tzinfo=WIB)
    recent = datetime(2024, 11, 26, 12, 0)  # 19 hours before `at`, WIB
    for _ in range(13):
        add(ctx, "33.01", recent, "tinggi")  # 13 x 4 = 52 -> Awas
    for _ in range(5):
        add(ctx, "33.02", recent, "rendah")
    for _ in range(3):
        add(ctx, "33.02", recent, "sedang")  # 5 + 6 = 11 -> Waspada
    crit = add(ctx, "33.03", recent, "kritis")  # 8, but an open critical -> Siaga
    for _ in range(4):
        d = add(ctx, "33.04", recent, "kritis")
        inc.change_status(ctx, d.id, "ditolak", "bukan insiden")  # rejected: not counted
    for _ in range(20):
        add(ctx, "33.05", datetime(2024, 11, 20, 12, 0), "kritis")  # older than 72 hours
    add(ctx, "33.06", datetime(2024, 11, 24, 6, 0), "kritis")  # 73 hours before: outside
    add(ctx, "33.06", datetime(2024, 11, 24, 8, 0), "sedang")  # partial first day: inside
    add(ctx, "33.06", datetime(2024, 11, 27, 6, 30), "sedang")  # partial last day: inside
    add(ctx, "33.06", datetime(2024, 11, 27, 7, 30), "kritis")  # after `at`: outside
    levels = dash.situation_levels(ctx, at)
    assert len(levels) == 35
    assert levels["33.06"].by_severity == (0, 2, 0, 0) and levels["33.06"].open_critical == 0
    assert levels["33.01"].level is Level.AWAS and levels["33.01"].score == 52
    assert levels["33.02"].level is Level.WASPADA and levels["33.02"].score == 11
    assert levels["33.03"].level is Level.SIAGA and levels["33.03"].open_critical == 1
    assert levels["33.04"].level is Level.KONDUSIF and levels["33.04"].score == 0
    assert levels["33.05"].level is Level.KONDUSIF
    assert "52" in levels["33.01"].reason and "13" in levels["33.01"].reason
    inc.change_status(ctx, crit.id, "diverifikasi")
    inc.change_status(ctx, crit.id, "selesai")
    assert dash.situation_levels(ctx, at)["33.03"].level is Level.KONDUSIF
    assert Level.AWAS.rank > Level.SIAGA.rank > Level.WASPADA.rank > Level.KONDUSIF.rank
    assert Level.AWAS.label == "Awas" or "Awas" in Level.AWAS.label


def test_admin_thresholds_change_the_level(ctx):
    at = datetime(2024, 11, 27, 7, 0, tzinfo=WIB)
    for _ in range(3):
        add(ctx, "33.09", datetime(2024, 11, 26, 12, 0), "sedang")  # score 6
    assert dash.situation_levels(ctx, at)["33.09"].level is Level.KONDUSIF
    with ctx.db.write() as s:
        settings.put(s, settings.LEVEL_THRESHOLDS["waspada"], 5, "admin", ctx.now())
    assert dash.situation_levels(ctx, at)["33.09"].level is Level.WASPADA


def test_level_statistic_takes_the_context_clock(ctx):
    """`stats.counts_by(ctx, "level")` (posko stats --by level) counts at the context's
    "now" when no end day is given, never at the wall clock."""
    for _ in range(13):
        add(ctx, "33.01", datetime(2024, 11, 26, 12, 0), "tinggi")  # score 52 -> Awas

    def counts(moment: datetime) -> dict[str, int]:
        return {r.key: r.count for r in stats.counts_by(at_clock(ctx, moment), "level")}

    assert counts(datetime(2024, 11, 27, 7, 0, tzinfo=WIB)) == {
        "kondusif": 34, "waspada": 0, "siaga": 0, "awas": 1}
    assert counts(datetime(2024, 12, 10, 7, 0, tzinfo=WIB))["kondusif"] == 35  # long after
    rows = stats.counts_by(ctx, "level", date_to=date(2024, 11, 26))  # end of the 26th
    assert {r.key: r.count for r in rows}["awas"] == 1


# --- early warning -------------------------------------------------------------------


def test_poisson_threshold():
    # Poisson(3): P(X >= 8) = 0.0119, P(X >= 9) = 0.0038
    assert dash.poisson_threshold(3.0, 0.01) == 9
    assert dash.poisson_threshold(0.0, 0.01) == 1
    assert dash.poisson_threshold(400.0, 0.01) > 440


def test_spike_is_flagged_and_steady_is_not(ctx):
    day = date(2024, 11, 26)
    clock = at_clock(ctx, datetime(2024, 11, 26, 20, 0, tzinfo=WIB))
    for k in range(1, 15):
        when = datetime.combine(day - timedelta(days=k), datetime.min.time()) + timedelta(hours=10)
        for _ in range(3):
            add(ctx, "33.10", when)  # steady 3 a day
            add(ctx, "33.11", when)  # 3 a day, then a spike
    today = datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
    for _ in range(3):
        add(ctx, "33.10", today)
    for _ in range(12):
        add(ctx, "33.11", today)
    for _ in range(4):
        add(ctx, "33.12", today)  # no history, but below the minimum count
    warnings = dash.early_warnings(clock, day)
    assert [w.code for w in warnings] == ["33.11"]
    w = warnings[0]
    assert (w.count, w.baseline, w.threshold) == (12, 3.0, 9)
    assert w.reason == "12 laporan hari ini, rata-rata 3"
    later = at_clock(ctx, datetime(2024, 11, 30, 9, 0, tzinfo=WIB))
    assert "26 November 2024" in dash.early_warnings(later, day)[0].reason


# --- reporting watch -----------------------------------------------------------------


def test_report_status_masuk_nihil_belum(ctx):
    period = report_period(date(2024, 11, 27))  # 26 Nov 07.00 - 27 Nov 07.00 WIB
    before = at_clock(ctx, datetime(2024, 11, 25, 10, 0, tzinfo=WIB))
    add(before, "33.03", datetime(2024, 11, 25, 9, 0))  # earlier period only
    during = at_clock(ctx, datetime(2024, 11, 26, 15, 30, tzinfo=WIB))
    add(during, "33.01", datetime(2024, 11, 26, 15, 0))
    nihil = dash.record_nihil(during, "3302", via="telepon", note="Ditelepon, aman")
    assert nihil.report_date == date(2024, 11, 27)
    status = dash.report_status(ctx, period)
    # the 35 regency offices and the 7 agencies that report daily (SATPOLPP, BPBD: on event)
    assert [s.group for s in status.values()] == ["regency"] * 35 + ["agency"] * 7
    status = {code: s for code, s in status.items() if s.group == "regency"}
    assert status["33.01"].status == "masuk"
    assert status["33.01"].last_report_at == datetime(2024, 11, 26, 8, 30, tzinfo=UTC)
    assert status["33.01"].recorded_by == "admin"
    assert status["33.02"].status == "nihil" and status["33.02"].via == "telepon"
    assert status["33.02"].recorded_by == "admin"
    assert status["33.03"].status == "belum"
    assert status["33.03"].last_report_at == datetime(2024, 11, 25, 3, 0, tzinfo=UTC)
    assert status["33.04"].status == "belum" and status["33.04"].last_report_at is None
    counted = {s: sum(1 for v in status.values() if v.status == s) for s in ("masuk", "nihil", "belum")}
    assert counted == {"masuk": 1, "nihil": 1, "belum": 33}
    # the next period starts empty again
    assert dash.report_status(ctx, report_period(date(2024, 11, 28)))["33.02"].status == "belum"


def _nihil_rows(ctx) -> int:
    with ctx.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(NihilReport)) or 0)


@pytest.mark.parametrize(
    ("code", "via", "day"),
    [("33.99", "telepon", None), ("Semarang", "telepon", None), ("33.05", "surat", None),
     ("33.05", "telepon", date(2024, 12, 5)), ("33.01", "telepon", None),
     ("33.02", "paket", None)],
)
def test_bad_nihil_is_refused_and_writes_nothing(ctx, code, via, day):
    during = at_clock(ctx, datetime(2024, 11, 26, 15, 30, tzinfo=WIB))
    add(during, "33.01", datetime(2024, 11, 26, 15, 0))  # 33.01 already reported (Masuk)
    dash.record_nihil(during, "33.02", via="paket")  # 33.02 already Nihil
    rows = _nihil_rows(ctx)
    with pytest.raises(ValidationError) as err:
        dash.record_nihil(during, code, report_date=day, via=via)
    assert err.value.text()
    assert _nihil_rows(ctx) == rows


def test_cutoff_hour_setting_moves_the_period(ctx):
    with ctx.db.write() as s:
        settings.put(s, settings.REPORT_CUTOFF_HOUR, 9, "admin", ctx.now())
    period = dash.period_of(ctx, date(2024, 11, 27))
    assert period.start == datetime(2024, 11, 26, 9, 0, tzinfo=WIB)
    late = at_clock(ctx, datetime(2024, 11, 27, 8, 0, tzinfo=WIB))  # before 09.00: still 27 Nov
    assert dash.record_nihil(late, "33.20").report_date == date(2024, 11, 27)


def test_silent_regencies(ctx):
    add(at_clock(ctx, datetime(2024, 11, 26, 8, 0, tzinfo=WIB)), "33.01", datetime(2024, 11, 26, 8, 0))
    add(at_clock(ctx, datetime(2024, 11, 27, 6, 0, tzinfo=WIB)), "33.02", datetime(2024, 11, 27, 6, 0))
    dash.record_nihil(at_clock(ctx, datetime(2024, 11, 27, 7, 30, tzinfo=WIB)), "33.03")
    now = datetime(2024, 11, 27, 10, 0, tzinfo=WIB)
    silent = {s.code: s for s in dash.silent_regencies(ctx, now, hours=24)}
    assert "33.01" in silent and silent["33.01"].hours_silent == pytest.approx(26)
    assert "33.02" not in silent and "33.03" not in silent
    assert silent["33.04"].last_report_at is None
    assert len(silent) == 33


# --- export --------------------------------------------------------------------------


def test_csv_export_round_trip_and_no_formulas(filled, tmp_path):
    data = dash.heatmap(filled, D0, D1)
    path = write_csv(data.csv_rows(), tmp_path / "heatmap.csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0][:2] == ["Kode", "Kabupaten/Kota"]
    assert len(rows) == 36
    assert sum(int(v) for row in rows[1:] for v in row[2:]) == sum(dash.daily_counts(filled, D0, D1).total)
    text_out = csv_text([["=1+1", "-2", "aman"]])
    assert text_out.strip() == "'=1+1,'-2,aman"
    with pytest.raises(ExportError):
        write_csv(rows, tmp_path / "missing" / "x.csv")


def test_dashboard_on_sqlite_and_postgresql(any_ctx):
    """The same numbers in server mode (PostgreSQL): counts, snapshot, levels, watch."""
    ctx = any_ctx
    made = []
    for k in range(12):
        when = datetime(2024, 11, 20, 9, 0) + timedelta(days=k % 6, hours=k)
        made.append(add(ctx, CODES[k % 3], when, SEVS[k % 4], CATS[k % 5]))
    inc.set_deleted(ctx, made[0].id, True, "duplikat")
    day0, day1 = date(2024, 11, 19), date(2024, 11, 26)
    with ctx.db.engine.connect() as conn:
        expected = dict(conn.execute(text(
            "SELECT occurred_date, count(*) FROM incident WHERE NOT deleted AND occurred_date "
            "BETWEEN :a AND :b GROUP BY occurred_date"), {"a": day0, "b": day1}).all())
    expected = {(d if isinstance(d, date) else date.fromisoformat(d)): n for d, n in expected.items()}
    snap = dash.snapshot(ctx, day0, day1)
    assert snap.series.total == [expected.get(d, 0) for d in snap.series.days]
    assert sum(sum(row) for row in snap.heatmap.values) == sum(expected.values()) == 11
    assert sum(snap.categories.bar_total(i) for i in range(len(snap.categories.keys))) == 11
    assert sum(snap.severity.totals()) == 11
    levels = dash.situation_levels(ctx, datetime(2024, 11, 26, 0, 0))
    assert len(levels) == 35 and sum(lv.incidents for lv in levels.values()) > 0
    during = at_clock(ctx, datetime(2024, 11, 26, 15, 30, tzinfo=WIB))
    dash.record_nihil(during, "33.20", via="paket")
    status = dash.report_status(ctx, report_period(date(2024, 11, 27)))
    assert status["33.20"].status == "nihil" and len(status) == 35 + 7  # + daily agencies
