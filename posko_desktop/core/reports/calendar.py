"""The election stage calendar shipped as editable data (`resources/calendar.json`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from posko_desktop.core.reports.data import Milestone, Stage
from posko_desktop.core.resources import load_json


@dataclass(frozen=True)
class ElectionCalendar:
    name_id: str
    name_en: str
    voting_day: date
    campaign_start: date
    stages: tuple[Stage, ...]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_id

    def stages_on(self, day: date) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if s.start <= day <= s.end)

    def milestones(self, after: date, days: int = 3) -> tuple[Milestone, ...]:
        """Stages that begin or end in (after, after + days], in date order."""
        last = after + timedelta(days=days)
        found: list[Milestone] = []
        for s in self.stages:
            if after < s.start <= last:
                found.append(Milestone(s.start, s, True))
            if after < s.end <= last and s.end != s.start:
                found.append(Milestone(s.end, s, False))
        return tuple(sorted(found, key=lambda m: (m.day, not m.starts, m.stage.start)))


def load_calendar() -> ElectionCalendar:
    raw = load_json("calendar.json")
    stages = tuple(
        Stage(s["code"], s["id"], s["en"], date.fromisoformat(s["start"]),
              date.fromisoformat(s["end"]))
        for s in raw["stages"]
    )
    campaign = next((s for s in stages if s.code == raw.get("campaign_stage", "kampanye")), None)
    voting = date.fromisoformat(raw["voting_day"])
    return ElectionCalendar(
        raw["election"]["id"], raw["election"]["en"], voting,
        campaign.start if campaign else voting - timedelta(days=63), stages,
    )
