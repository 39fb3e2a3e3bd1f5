"""The triage queue as the Antrean window shows it: unassigned posts ranked by reach ×
lexicon flags (`queue_rank`, in SQL) × the situation level of the regencies they name.

The level weight (kondusif 1, waspada 2, siaga 3, awas 4; the highest of the post's
regencies, 1 without one) changes with every incident, so it is not stored: the top
`QUEUE_WINDOW` posts by `queue_rank` are read (one indexed query) and re-ranked here. A post
outside that window cannot climb into it by its level alone (docs/decisions.md).
The levels are those at `dashboard.levels_moment`: the site's clock, or the end of the
newest incident's day in an archive or demo database, as the dashboard shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from posko_desktop.core.context import AppContext
from posko_desktop.core.dashboard_data import Level
from posko_desktop.core.services.dashboard.levels import situation_levels
from posko_desktop.core.services.dashboard.overview import levels_moment
from posko_desktop.core.services.medsos import posts
from posko_desktop.core.services.medsos.posts import PostFilter, PostInfo

QUEUE_WINDOW = 500


@dataclass(frozen=True)
class QueueRow:
    post: PostInfo
    level: Level | None  # the highest situation level of the regencies it names
    score: int  # queue_rank × level weight

    @property
    def weight(self) -> int:
        return level_weight(self.level)


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int  # posts in the queue matching the filter (may exceed the rows shown)
    capped: bool = False  # counted up to `posts.COUNT_CAP` only: there are more
    levels_at: datetime | None = None  # the moment of the levels (`levels_moment`)


def level_weight(level: Level | None) -> int:
    return 1 if level is None else level.rank + 1


def queue(ctx: AppContext, platform: str | None = None, regency: str | None = None,
          flag: str | None = None, start: datetime | None = None, end: datetime | None = None,
          window: int = QUEUE_WINDOW) -> QueuePage:
    """The queue's first `window` posts (filters as `PostFilter`), best first."""
    page = posts.list_posts(ctx, PostFilter(queue=True, platform=platform, regency=regency,
                                            flag=flag, start=start, end=end), limit=window)
    at = levels_moment(ctx)
    levels = situation_levels(ctx, at)
    rows = []
    for p in page.rows:
        named = [levels[c].level for c in p.regencies if c in levels]
        level = max(named, key=lambda lv: lv.rank) if named else None
        rows.append(QueueRow(p, level, p.queue_rank * level_weight(level)))
    rows.sort(key=lambda r: (-r.score, r.post.number))
    return QueuePage(rows, page.total, bool(page.extra.get("total_capped")), at)
