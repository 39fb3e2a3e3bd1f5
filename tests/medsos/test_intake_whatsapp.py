"""WhatsApp chat exports: both phone layouts, both languages, continuation lines, media,
system lines, local time, and phone numbers pseudonymised."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from posko_desktop.core.medsos.drafts import MedsosError, Platform
from posko_desktop.core.medsos.intake import IntakeOptions, Pseudonymiser, read_posts
from posko_desktop.core.medsos.intake.whatsapp import parse_whatsapp

from .conftest import DATA, KEY, READ_AT


def test_android_indonesian_export(options):
    result = read_posts(DATA / "wa-android-id.txt", options)
    assert result.format == "whatsapp"
    assert result.problems == []
    assert [d.source_line for d in result.drafts] == [4, 6, 7, 8, 9, 11, 14]
    assert result.ignored == 5  # encryption notice, group made, member added, deleted, subject
    first = result.drafts[0]
    assert first.platform is Platform.WHATSAPP
    # 21/07/2024 03.15 WIB is 20 July 20:15 UTC
    assert first.posted_at == datetime(2024, 7, 20, 20, 15, tzinfo=UTC)
    assert first.text.endswith("KPU curang bgt 😡😡\nViralkan sebelum dihapus!!!")
    assert {"kpu curang", "viralkan"} <= {f.term for f in first.flags}
    assert first.regencies == ("33.26",)  # Kedungwuni, Kabupaten Pekalongan
    media = result.drafts[1]
    assert media.text == "" and media.media == ("<Media tidak disertakan>",)
    attached = result.drafts[5]
    assert attached.media == ("IMG-20240721-WA0003.jpg (file terlampir)",)
    assert attached.text == "Tangkapan layar dari grup sebelah"
    link = result.drafts[4]
    assert link.links == ("https://www.tiktok.com/@jateng.viral/video/7394123456789012345",)


def test_phone_numbers_are_pseudonymised_in_sender_and_text(options):
    result = read_posts(DATA / "wa-android-id.txt", options)
    raw = (DATA / "wa-android-id.txt").read_text("utf-8")
    assert "812-3456-7890" in raw and "0813-2222-3333" in raw
    pseudo = Pseudonymiser(KEY)
    sender = pseudo.number("+62 812-3456-7890")
    assert sender.startswith("tel-") and len(sender) == 20
    assert result.drafts[0].account_name == result.drafts[0].account_id == sender
    darmo = result.drafts[3]
    assert "0813" not in darmo.text and pseudo.number("0813-2222-3333") in darmo.text
    # the same number written differently is the same person
    assert pseudo.number("081322223333") == pseudo.number("+62 813 2222 3333")
    # another key, another pseudonym: without the key nobody can match them up
    assert Pseudonymiser(b"x" * 32).number("+62 812-3456-7890") != sender
    for draft in result.drafts:
        seen = draft.text + draft.account_name + draft.account_id
        assert "812-3456" not in seen and "2222-3333" not in seen


def test_numbers_are_kept_only_when_the_caller_says_so(options):
    with pytest.raises(ValueError):
        IntakeOptions(read_at=READ_AT)
    keep = IntakeOptions(read_at=READ_AT, keep_numbers=True)
    result = read_posts(DATA / "wa-android-id.txt", keep)
    assert result.drafts[0].account_name == "+6281234567890"


def test_ios_indonesian_export(options):
    result = read_posts(DATA / "wa-ios-id.txt", options)
    assert [d.source_line for d in result.drafts] == [2, 4, 5, 6, 8]
    yoga = result.drafts[0]
    assert yoga.posted_at == datetime(2024, 7, 20, 20, 15, 42, tzinfo=UTC)
    assert yoga.text == ("Kotak suara di TPS 12 Tembalang dibuka malam2, ada video nya\n"
                         "jgn percaya hasil rekap kecamatan")
    assert result.drafts[1].media == ("video tidak disertakan",)
    assert result.drafts[2].account_name.startswith("tel-")
    assert {"bakar rumahnya", "sebarkan"} <= {f.term for f in result.drafts[2].flags}
    assert result.drafts[3].media == ("<lampiran: 00000012-PHOTO-2024-07-21-03-19-30.jpg>",)
    assert result.ignored == 2  # encryption notice, deleted


def test_android_english_us_export_with_am_pm(options):
    result = read_posts(DATA / "wa-android-en.txt", options)
    times = [d.posted_at for d in result.drafts]
    assert times == [datetime(2024, 7, 20, 20, 15, tzinfo=UTC),
                     datetime(2024, 7, 20, 20, 16, tzinfo=UTC),
                     datetime(2024, 7, 21, 6, 5, tzinfo=UTC)]  # 1:05 PM WIB
    assert result.drafts[1].media == ("<Media omitted>",)
    assert result.drafts[2].regencies == ("33.18",)  # Juwana, Pati


def test_ios_english_export_day_first(options):
    result = read_posts(DATA / "wa-ios-en.txt", options)
    dewi = result.drafts[0]
    assert dewi.posted_at == datetime(2024, 7, 21, 8, 16, 2, tzinfo=UTC)
    assert dewi.links == ("https://www.youtube.com/watch?v=dQw4w9WgXcQ",)
    assert dewi.regencies == ("33.76",)  # Kota Tegal
    assert result.drafts[1].media == ("image omitted",)


def test_the_phone_zone_is_a_parameter(options):
    wita = replace(options, tz=ZoneInfo("Asia/Makassar"))
    result = read_posts(DATA / "wa-android-id.txt", wita)
    assert result.drafts[0].posted_at == datetime(2024, 7, 20, 19, 15, tzinfo=UTC)


def test_ambiguous_dates_follow_the_setting(options):
    text = "03/04/2024 10.00 - Budi: halo semua\n"
    assert parse_whatsapp(text, "a.txt", options).drafts[0].posted_at.month == 4
    us = replace(options, day_first=False)
    assert parse_whatsapp(text, "a.txt", us).drafts[0].posted_at.month == 3


def test_the_same_export_read_twice_gives_the_same_posts(options):
    a = read_posts(DATA / "wa-ios-id.txt", options)
    b = read_posts(DATA / "wa-ios-id.txt", options)
    assert [d.key for d in a.drafts] == [d.key for d in b.drafts]
    assert len({d.key for d in a.drafts}) == len(a.drafts)


def test_bad_dates_and_lines_before_the_first_message_are_reported(options):
    text = ("Ekspor obrolan\n"
            "31/02/2024 10.00 - Budi: tanggal mustahil\n"
            "lanjutan yang ikut hilang\n"
            "01/03/2024 10.00 - Budi: pesan baik\n")
    result = parse_whatsapp(text, "chat.txt", options)
    assert [(p.line, p.skipped) for p in result.problems] == [(1, True), (2, True)]
    assert "31/02/2024 10.00" in result.problems[1].text()
    assert [d.text for d in result.drafts] == ["pesan baik"]


def test_a_text_file_that_is_no_chat_is_refused(options):
    with pytest.raises(MedsosError) as err:
        read_posts(DATA / "wrong-format.txt", options)
    assert "WhatsApp" in err.value.text_in("id")


def test_a_file_cut_inside_a_character_is_refused(options):
    with pytest.raises(MedsosError) as err:
        read_posts(DATA / "wa-truncated.txt", options)
    assert "cut off" in err.value.text_in("en")
