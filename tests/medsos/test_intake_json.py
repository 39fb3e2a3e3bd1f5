"""Telegram Desktop result.json and X API v2 responses."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from posko_desktop.core.medsos.drafts import MedsosError, Platform
from posko_desktop.core.medsos.intake import read_posts

from .conftest import DATA, READ_AT


def test_telegram_channel_export(options):
    result = read_posts(DATA / "telegram-result.json", options)
    assert result.format == "telegram"
    assert [d.post_id for d in result.drafts] == ["c/1987654321/2", "c/1987654321/3",
                                                 "c/1987654321/4"]
    assert result.ignored == 3  # channel created, empty message, pin
    first, forwarded, clarification = result.drafts
    assert first.platform is Platform.TELEGRAM
    assert first.canonical_url == "https://t.me/c/1987654321/2"
    assert first.posted_at == datetime(2024, 7, 21, 3, 15, 42, tzinfo=UTC)  # date_unixtime
    assert first.text.startswith("VIRALKAN!!! Surat suara sudah tercoblos")
    assert first.links == ("https://vt.tiktok.com/ZSYx1abc",)
    assert first.engagement.likes == 135 and first.engagement.read_at == READ_AT
    assert first.regencies == ("33.21",)  # Kab. Demak
    assert forwarded.account_name == "Relawan Paslon 2"
    assert forwarded.media == ("photos/photo_3@21-07-2024_10-20-00.jpg",)
    assert "+62 812 7777 8888" not in forwarded.text and "tel-" in forwarded.text
    assert clarification.links == ("https://jatengprov.go.id/klarifikasi/123",)


def test_telegram_full_export_and_local_dates(options, tmp_path):
    chat = {"name": "Grup Relawan", "type": "private_group", "id": 42, "messages": [
        {"id": 7, "type": "message", "date": "2024-07-21T10:00:00", "from": "Ani",
         "from_id": "user99", "text": "Kotak suara hilang di Kec. Juwana"},
        "bukan objek",
        {"type": "message", "text": "tanpa id"},
        {"id": 8, "type": "message", "date": "kemarin", "from": "Ani", "text": "jam berapa?"},
    ]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"about": "export", "chats": {"list": [{"name": "x"}, chat]}}),
                    "utf-8")
    result = read_posts(path, options)
    assert [d.post_id for d in result.drafts] == ["chat42/7", "chat42/8"]
    assert result.drafts[0].url == ""  # a private group has no link
    assert result.drafts[0].posted_at == datetime(2024, 7, 21, 3, 0, tzinfo=UTC)  # WIB
    assert result.drafts[1].posted_at is None
    # chat 1 has no messages; messages 2 and 3 are broken, message 4 has no valid date
    assert [(p.line, p.skipped) for p in result.problems] == [
        (1, True), (2, True), (3, True), (4, False)]
    assert result.problems[0].message.startswith("Chat {number}")
    assert result.problems[0].params == {"number": 1}


def test_x_api_response(options):
    result = read_posts(DATA / "x-api.json", options)
    assert result.format == "x-api"
    first, thread, insult = result.drafts
    assert first.platform is Platform.X
    assert first.canonical_url == "https://x.com/jatengviral/status/1815123456789012345"
    assert (first.account_name, first.account_handle, first.account_id) == (
        "Jateng Viral", "JatengViral", "2244994945")
    assert first.posted_at == datetime(2024, 7, 21, 3, 15, 42, tzinfo=UTC)
    e = first.engagement
    assert (e.views, e.likes, e.shares, e.comments, e.read_at) == (58000, 1200, 322, 45, READ_AT)
    assert "https://www.tiktok.com/@jateng.viral/video/7394123456789012345" in first.links
    assert thread.text.endswith("Bawaslu harus turun tangan.")  # the long text of note_tweet
    assert thread.regencies == ("33.24",)
    assert insult.canonical_url == "https://x.com/i/web/status/1815130000000000001"
    assert insult.engagement.views is None
    assert [(p.line, p.skipped) for p in result.problems] == [(4, True)]


def test_x_api_single_tweet_and_pages(options, tmp_path):
    one = {"data": {"id": "1", "text": "KPU curang", "created_at": "2024-07-21T00:00:00Z"}}
    path = tmp_path / "tweet.json"
    path.write_text(json.dumps([one, one]), "utf-8")
    result = read_posts(path, options)
    assert len(result.drafts) == 1 and result.duplicates == 1


@pytest.mark.parametrize(("name", "words"), [
    ("telegram-truncated.json", "cut off"),
    ("x-api-broken.json", "not valid JSON (line 8, column 17)"),
    ("json-other.json", "neither a Telegram Desktop export nor an X API response"),
])
def test_broken_or_foreign_json_is_refused(options, name, words):
    with pytest.raises(MedsosError) as err:
        read_posts(DATA / name, options)
    assert words in err.value.text_in("en")
    assert err.value.text_in("id") != err.value.text_in("en")
