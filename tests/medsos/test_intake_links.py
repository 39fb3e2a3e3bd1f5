"""Links pasted by an operator: one draft per link, the same post once, bad ones reported."""

from __future__ import annotations

from posko_desktop.core.medsos.drafts import Platform
from posko_desktop.core.medsos.intake import read_links


def test_pasted_links_become_drafts_once_each(options):
    result = read_links([
        "Tolong cek https://vt.tiktok.com/ZSYx1abc/ dan https://twitter.com/A/status/15?s=20",
        "x.com/a/status/15",  # the same post as above
        "(https://www.detik.com/jateng/d-1?utm_source=wa), jam 10.30 Rp50.000",
        "htps//rusak.example/abc",
    ], options)
    assert [(d.platform, d.canonical_url, d.source_line) for d in result.drafts] == [
        (Platform.TIKTOK, "https://vt.tiktok.com/ZSYx1abc", 1),
        (Platform.X, "https://x.com/a/status/15", 1),
        (Platform.WEB, "https://detik.com/jateng/d-1", 3),
    ]
    assert result.duplicates == 1
    assert [(p.line, p.params["value"]) for p in result.problems] == [
        (4, "htps//rusak.example/abc")]
