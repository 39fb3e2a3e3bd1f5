"""Links: platform, canonical form (the same post pasted twice is one post) and post id."""

from __future__ import annotations

import pytest

from posko_desktop.core.medsos.drafts import MedsosError, Platform
from posko_desktop.core.medsos.urls import canonical_url, links_in, parse_url, platform_of

T, F, IG, X, Y = Platform.TIKTOK, Platform.FACEBOOK, Platform.INSTAGRAM, Platform.X, Platform.YOUTUBE
W, TG, WA = Platform.WEB, Platform.TELEGRAM, Platform.WHATSAPP

CASES = [
    # (as pasted, platform, canonical, post id)
    ("https://www.tiktok.com/@jateng.viral/video/7394123456789012345?is_from_webapp=1&sender_device=pc",
     T, "https://www.tiktok.com/@jateng.viral/video/7394123456789012345", "7394123456789012345"),
    ("https://m.tiktok.com/@Jateng.Viral/video/7394123456789012345/?_r=1&_t=8oXyZ&lang=id",
     T, "https://www.tiktok.com/@jateng.viral/video/7394123456789012345", "7394123456789012345"),
    ("tiktok.com/@warga.blora/photo/7394999999999999999?utm_campaign=tt4d_profile_link",
     T, "https://www.tiktok.com/@warga.blora/photo/7394999999999999999", "7394999999999999999"),
    ("https://m.tiktok.com/v/7394123456789012345.html?u_code=abc",
     T, "https://www.tiktok.com/video/7394123456789012345", "7394123456789012345"),
    ("https://vt.tiktok.com/ZSYx1abc/", T, "https://vt.tiktok.com/ZSYx1abc", ""),
    ("https://vm.tiktok.com/ZMrAbCdEf/?t=1", T, "https://vm.tiktok.com/ZMrAbCdEf", ""),
    ("https://www.facebook.com/infocegatan/posts/pfbid0abcDEF123?__cft__[0]=AZX&__tn__=%2CO%2CP-R",
     F, "https://www.facebook.com/infocegatan/posts/pfbid0abcDEF123", "pfbid0abcDEF123"),
    ("https://m.facebook.com/story.php?story_fbid=pfbid02Xyz&id=100012345&mibextid=Nif5oz",
     F, "https://www.facebook.com/story.php?id=100012345&story_fbid=pfbid02Xyz", "pfbid02Xyz"),
    ("https://web.facebook.com/groups/123456/posts/7890123/?comment_id=1&notif_id=2",
     F, "https://www.facebook.com/groups/123456/posts/7890123?comment_id=1", "7890123"),
    ("https://mbasic.facebook.com/watch/?v=1234567890&ref=sharing",
     F, "https://www.facebook.com/watch?v=1234567890", "1234567890"),
    ("https://www.facebook.com/reel/987654321098765/?s=single_unit", F,
     "https://www.facebook.com/reel/987654321098765", "987654321098765"),
    ("https://www.facebook.com/share/p/1AbCdEfGh/?mibextid=WC7FNe", F,
     "https://www.facebook.com/share/p/1AbCdEfGh", ""),
    ("https://fb.watch/tA1b2C3d4e/", F, "https://fb.watch/tA1b2C3d4e", ""),
    ("https://fb.com/KPUJateng/posts/123456789", F, "https://www.facebook.com/KPUJateng/posts/123456789",
     "123456789"),
    ("https://www.instagram.com/reel/C9abcDEF12x/?igsh=MWQ1ZGUxMzBkMA==&utm_source=ig_web_copy_link",
     IG, "https://www.instagram.com/reel/C9abcDEF12x", "C9abcDEF12x"),
    ("https://instagram.com/p/C8zYxW-vU_t/?img_index=2&igshid=NTc4MTIwNjQ2YQ==",
     IG, "https://www.instagram.com/p/C8zYxW-vU_t", "C8zYxW-vU_t"),
    ("https://www.instagram.com/reels/C9abcDEF12x/", IG, "https://www.instagram.com/reel/C9abcDEF12x",
     "C9abcDEF12x"),
    ("https://instagr.am/p/C8zYxW-vU_t", IG, "https://www.instagram.com/p/C8zYxW-vU_t", "C8zYxW-vU_t"),
    ("https://twitter.com/KPU_ID/status/1815123456789012345?s=20&t=AbCdEfGh",
     X, "https://x.com/kpu_id/status/1815123456789012345", "1815123456789012345"),
    ("https://mobile.twitter.com/JatengViral/status/1815123456789012345/photo/1",
     X, "https://x.com/jatengviral/status/1815123456789012345", "1815123456789012345"),
    ("https://x.com/JatengViral/status/1815123456789012345?ref_src=twsrc%5Etfw",
     X, "https://x.com/jatengviral/status/1815123456789012345", "1815123456789012345"),
    ("https://x.com/i/web/status/1815123456789012345", X,
     "https://x.com/i/web/status/1815123456789012345", "1815123456789012345"),
    ("https://t.co/AbCdEf", X, "https://t.co/AbCdEf", ""),
    ("https://youtu.be/dQw4w9WgXcQ?si=Ab12Cd34&t=42", Y,
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
    ("https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=youtu.be&t=1m2s", Y,
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ?feature=share", Y,
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
    ("https://youtube.com/live/dQw4w9WgXcQ?si=xyz", Y,
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
    ("https://www.youtube.com/@KPURI/videos", Y, "https://www.youtube.com/@KPURI/videos", ""),
    ("https://t.me/s/InfoJateng/1234", TG, "https://t.me/infojateng/1234", "infojateng/1234"),
    ("https://telegram.me/InfoJateng/1234?single", TG, "https://t.me/infojateng/1234",
     "infojateng/1234"),
    ("https://t.me/c/1987654321/2", TG, "https://t.me/c/1987654321/2", "c/1987654321/2"),
    ("https://chat.whatsapp.com/AbCdEfGhIjK123", WA, "https://chat.whatsapp.com/AbCdEfGhIjK123", ""),
    ("https://whatsapp.com/channel/0029VaAbCdEf", WA, "https://www.whatsapp.com/channel/0029VaAbCdEf",
     ""),
    ("https://www.detik.com/jateng/pilkada/d-7445566/hoaks?utm_source=wa&utm_medium=share&fbclid=IwAR0",
     W, "https://detik.com/jateng/pilkada/d-7445566/hoaks", ""),
    ("https://www.detik.com/search?query=kpu&t=5&page=2#comments",  # t and s are kept on the web
     W, "https://detik.com/search?page=2&query=kpu&t=5", ""),
    ("HTTPS://WWW.Kompas.com:443/read/2024/07/21/x/", W, "https://kompas.com/read/2024/07/21/x", ""),
    ("http://jatengprov.go.id/klarifikasi/123?gclid=abc", W,
     "https://jatengprov.go.id/klarifikasi/123", ""),
    ("https://m.detik.com/news/d-1", W, "https://m.detik.com/news/d-1", ""),
]


@pytest.mark.parametrize(("pasted", "platform", "canonical", "post_id"), CASES)
def test_platform_canonical_and_post_id(pasted, platform, canonical, post_id):
    parsed = parse_url(pasted)
    assert (parsed.platform, parsed.canonical, parsed.post_id) == (platform, canonical, post_id)


def test_the_same_post_pasted_in_different_forms_is_one_canonical_url():
    forms = [
        "https://twitter.com/JatengViral/status/1815123456789012345",
        "https://x.com/jatengviral/status/1815123456789012345/",
        "https://mobile.twitter.com/JatengViral/status/1815123456789012345?s=46&t=xyz",
        "x.com/JatengViral/status/1815123456789012345#reply",
    ]
    assert len({canonical_url(f) for f in forms}) == 1


def test_canonical_form_is_stable():
    for pasted, *_rest in CASES:
        once = canonical_url(pasted)
        assert canonical_url(once) == once


@pytest.mark.parametrize("bad", ["", "bukan tautan", "ftp://example.com/x", "javascript:alert(1)",
                                 "https://", "https://exa mple.com", "Rp50.000", "10.30",
                                 "https://" + "a" * 3000 + ".com"])
def test_not_a_link_is_refused_with_a_clear_message(bad):
    with pytest.raises(MedsosError) as err:
        parse_url(bad)
    assert "web address" in err.value.text_in("en")
    assert "alamat web" in err.value.text_in("id")
    assert platform_of(bad) is Platform.OTHER


def test_links_in_a_message_without_trailing_punctuation():
    text = ("Cek ini (https://youtu.be/dQw4w9WgXcQ), juga www.detik.com/berita/d-1. "
            "Dan tiktok.com/@a.b/video/123!")
    assert links_in(text) == ["https://youtu.be/dQw4w9WgXcQ", "www.detik.com/berita/d-1",
                              "tiktok.com/@a.b/video/123"]
