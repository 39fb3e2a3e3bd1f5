"""The triage queue's situation level is taken at the site's clock (`ctx.now()`), and in
an archive or demo database (newest incident more than 30 days old) at the end of that
incident's day, as the dashboard does; never at the wall clock."""

from __future__ import annotations

from datetime import datetime

from posko_desktop.core.context import AppContext
from posko_desktop.core.dashboard_data import Level
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.services.medsos import posts, triage
from posko_desktop.core.services.medsos.posts import PostInput
from posko_desktop.core.timeutil import WIB

from .conftest import as_role


def at_clock(ctx: AppContext, moment: datetime) -> AppContext:
    return AppContext(ctx.db, ctx.actor, ctx.bus, lambda: moment)


def test_the_queue_levels_follow_the_site_clock_and_the_data_time_frame(any_ctx):
    during = at_clock(any_ctx, datetime(2024, 11, 27, 9, 0, tzinfo=WIB))
    for _ in range(13):  # score 52 -> Awas in Kota Semarang
        inc.create_incident(during, IncidentInput(
            regency_code="33.74", title="Uji antrean", category_code="A1", severity="tinggi",
            occurred_at=datetime(2024, 11, 27, 8, 0), reported_at=datetime(2024, 11, 27, 8, 0)))
    op = as_role(during, "operator")
    post = posts.add_post(op, PostInput("x", "https://x.com/a/status/1", "ricuh di Semarang",
                                        regencies=["33.74"], views=10))

    def level_at(moment: datetime) -> Level | None:
        page = triage.queue(at_clock(op, moment))
        [row] = [r for r in page.rows if r.post.id == post.id]
        return row.level

    assert level_at(datetime(2024, 11, 27, 10, 0, tzinfo=WIB)) is Level.AWAS
    # Ten days on, inside the live window of 30 days: the levels of that moment.
    assert level_at(datetime(2024, 12, 7, 10, 0, tzinfo=WIB)) is Level.KONDUSIF
    # A year on (a demo or archive database opened later): the data's own last day.
    later = at_clock(op, datetime(2025, 12, 6, 10, 0, tzinfo=WIB))
    page = triage.queue(later)
    assert page.rows[0].level is Level.AWAS
    assert page.levels_at == datetime(2024, 11, 28, 0, 0, tzinfo=WIB)
    assert page.rows[0].score == page.rows[0].post.queue_rank * 4
