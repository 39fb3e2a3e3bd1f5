"""The stage calendar (resources/calendar.json) after the corrections of issue 17: the
sitrep's stage line, countdown and milestones hold from the campaign to the joint
inauguration and past it, with the clock injected at several dates (any wall clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from posko_desktop.core.context import AppContext
from posko_desktop.core.dashboard_data import election_milestones
from posko_desktop.core.reports.calendar import load_calendar
from posko_desktop.core.reports.data import SitrepOptions
from posko_desktop.core.reports.pdf_common import countdown_text
from posko_desktop.core.resources import load_json
from posko_desktop.core.services import sitrep
from posko_desktop.core.timeutil import WIB, to_wib


def wib(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=WIB)


@pytest.mark.parametrize(("at", "stages", "countdown"), [
    (wib(2024, 11, 15, 7, 30), {"kampanye", "iklan_media", "distribusi_logistik"}, "H-12"),
    (wib(2024, 11, 27, 7, 30), {"pemungutan", "penghitungan", "rekapitulasi"}, "H-0"),
    (wib(2024, 12, 10, 7, 30), {"rekapitulasi"}, "H+13"),
    (wib(2025, 1, 3, 7, 30), {"registrasi_mk"}, "H+37"),
    (wib(2025, 1, 9, 7, 30), {"sidang_mk", "penetapan_terpilih"}, "H+43"),
    (wib(2025, 2, 5, 7, 30), {"sidang_mk", "penetapan_gubernur"}, "H+70"),
    (wib(2025, 2, 20, 7, 30), {"sidang_mk", "pelantikan"}, "H+85"),
    (wib(2025, 4, 1, 7, 30), set(), "H+125"),
])
def test_stage_line_and_countdown_at_an_injected_clock(ctx, at, stages, countdown):
    clocked = AppContext(ctx.db, ctx.actor, ctx.bus, clock=lambda: at.astimezone(UTC))
    today = to_wib(clocked.now()).date()
    data = sitrep.gather(clocked, SitrepOptions(today))
    assert {s.code for s in data.stages_now} == stages
    assert countdown_text(data.countdown) == countdown
    assert all(s.label("id") and s.label("en") for s in data.stages_now)


def test_the_corrected_dates_are_as_the_issue_lists():
    cal = load_calendar()
    by_code = {s.code: s for s in cal.stages}
    assert (by_code["iklan_media"].start, by_code["iklan_media"].end) == (
        date(2024, 11, 10), date(2024, 11, 23))
    assert by_code["rekapitulasi"].start == date(2024, 11, 27)
    assert by_code["registrasi_mk"].start == date(2025, 1, 3)
    assert by_code["sidang_mk"].start == date(2025, 1, 8)
    # no winner is declared before the Court's register of disputes
    assert by_code["penetapan_terpilih"].start == date(2025, 1, 9) > by_code["registrasi_mk"].end
    assert by_code["penetapan_gubernur"].start == date(2025, 2, 5)
    assert by_code["pelantikan"].start == by_code["pelantikan"].end == date(2025, 2, 20)
    assert "PKPU 13/2024" in load_json("calendar.json")["_comment"]


def test_milestones_announce_the_inauguration_and_the_dashboard_still_reads_the_calendar():
    cal = load_calendar()
    ahead = cal.milestones(date(2025, 2, 17), 3)
    assert [(m.day, m.stage.code, m.starts) for m in ahead] == [
        (date(2025, 2, 20), "pelantikan", True)]
    assert cal.milestones(date(2025, 3, 12), 30) == ()
    m = election_milestones()
    assert (m.campaign_start, m.voting_day) == (date(2024, 9, 25), date(2024, 11, 27))
    assert datetime(2025, 2, 20).date() in {s.start for s in cal.stages}
