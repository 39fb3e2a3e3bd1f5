"""Social-media links: which platform, the canonical form, the platform's post id.

The canonical URL is what makes "the same post pasted twice" one post: https, the
platform's main host (mobile and regional hosts folded in), no fragment, no tracking
parameters, no trailing slash, remaining parameters sorted. Nothing is fetched: short
links that only the platform can resolve (vm.tiktok.com, fb.watch, facebook.com/share/)
stay as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import MedsosError, Platform

MAX_URL_LENGTH = 2048

# Host (without "www.") -> (platform, canonical host). Subdomains are looked up by their
# last two labels after the exact host (m.facebook.com -> facebook.com).
_HOSTS: dict[str, tuple[Platform, str]] = {
    "tiktok.com": (Platform.TIKTOK, "www.tiktok.com"),
    "vm.tiktok.com": (Platform.TIKTOK, "vm.tiktok.com"),
    "vt.tiktok.com": (Platform.TIKTOK, "vt.tiktok.com"),
    "facebook.com": (Platform.FACEBOOK, "www.facebook.com"),
    "fb.com": (Platform.FACEBOOK, "www.facebook.com"),
    "fb.watch": (Platform.FACEBOOK, "fb.watch"),
    "fb.me": (Platform.FACEBOOK, "fb.me"),
    "instagram.com": (Platform.INSTAGRAM, "www.instagram.com"),
    "instagr.am": (Platform.INSTAGRAM, "www.instagram.com"),
    "x.com": (Platform.X, "x.com"),
    "twitter.com": (Platform.X, "x.com"),
    "t.co": (Platform.X, "t.co"),
    "youtube.com": (Platform.YOUTUBE, "www.youtube.com"),
    "youtu.be": (Platform.YOUTUBE, "www.youtube.com"),
    "youtube-nocookie.com": (Platform.YOUTUBE, "www.youtube.com"),
    "whatsapp.com": (Platform.WHATSAPP, "www.whatsapp.com"),
    "chat.whatsapp.com": (Platform.WHATSAPP, "chat.whatsapp.com"),
    "wa.me": (Platform.WHATSAPP, "wa.me"),
    "t.me": (Platform.TELEGRAM, "t.me"),
    "telegram.me": (Platform.TELEGRAM, "t.me"),
    "telegram.dog": (Platform.TELEGRAM, "t.me"),
}
# Subdomains that are the same site on another device or mirror.
_FOLDED_PREFIXES = ("www.", "m.", "mobile.", "web.", "mbasic.", "touch.", "lite.", "business.")
_KEEP_SUBDOMAIN = {"vm.tiktok.com", "vt.tiktok.com", "chat.whatsapp.com"}

# Parameters that only say who shared, from where, or which campaign: never the post.
_TRACKING_EVERYWHERE = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "igshid", "igsh", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "ref_src", "ref_url",
    "spm", "mibextid", "rdid", "share_url", "sfnsn", "wtsid", "_ga", "_gl",
}
_TRACKING_BY_PLATFORM: dict[Platform, set[str]] = {
    Platform.X: {"s", "t", "ref_src", "src", "lang"},
    Platform.TIKTOK: {"_r", "_t", "is_from_webapp", "sender_device", "is_copy_url", "web_id",
                      "share_app_id", "share_link_id", "share_item_id", "tt_from", "u_code",
                      "user_id", "timestamp", "checksum", "sec_uid", "lang", "refer",
                      "source", "embed_source", "q", "t", "item_id", "enter_from", "sec_user_id",
                      "social_share_type", "share_author_id", "sharer_language", "_d", "preview_pb",
                      "utm_campaign"},
    Platform.INSTAGRAM: {"img_index", "hl", "taken-by", "utm_source", "utm_medium"},
    Platform.FACEBOOK: {"ref", "refid", "__tn__", "__xts__", "comment_tracking", "extid",
                        "notif_id", "notif_t", "hc_ref", "fref", "sk", "locale", "_rdr",
                        "paipv", "eav", "hc_location", "app", "s", "sfns", "mibextid",
                        "mode"},
    Platform.YOUTUBE: {"si", "feature", "pp", "ab_channel", "app", "t", "start", "list",
                       "index", "embeds_referring_euri", "embeds_euri", "source_ve_path"},
    Platform.TELEGRAM: {"single", "embed", "comment"},
    Platform.WHATSAPP: {"utm_source", "utm_medium", "utm_campaign"},
}
# Facebook's path-less posts: only these parameters name the post.
_FACEBOOK_KEEP = {"story_fbid", "id", "fbid", "v", "set", "multi_permalinks", "comment_id"}

_SPACE = re.compile(r"\s")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9/@:+!$&'()*,;=._~-]*")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_HOST_OK = re.compile(r"^[a-z0-9.-]+\.(?:[a-z]{2,}|xn--[a-z0-9-]+)$")
_URL_IN_TEXT = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'\u200b]+|"
    r"\b(?:[a-z0-9-]+\.)*(?:tiktok\.com|facebook\.com|fb\.watch|instagram\.com|x\.com|"
    r"twitter\.com|youtu\.be|youtube\.com|t\.me|wa\.me|chat\.whatsapp\.com)/[^\s<>\"']*",
    re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?)]}>\"'…"


@dataclass(frozen=True)
class PostUrl:
    url: str  # as given (trimmed)
    canonical: str
    platform: Platform
    post_id: str = ""  # the platform's id of the post, "" when the URL does not carry it
    handle: str = ""  # the account in the path (tiktok @name, x name, t.me channel)


def not_a_url(text: str) -> MedsosError:
    return MedsosError(N_("\"{url}\" is not a web address (http:// or https://)"),
                       url=text[:120])


def _split(text: str) -> tuple[str, str, str, str]:
    """(host, path, query, scheme) of `text`; a missing scheme means https."""
    raw = text.strip()
    if not raw or len(raw) > MAX_URL_LENGTH or _SPACE.search(raw):
        raise not_a_url(text)
    if not _SCHEME.match(raw):
        raw = "https://" + raw.lstrip("/")
    try:
        parts = urlsplit(raw)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError as err:
        raise not_a_url(text) from err
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise not_a_url(text)
    try:
        host = host.lower() if host.isascii() else host.encode("idna").decode("ascii").lower()
    except UnicodeError as err:
        raise not_a_url(text) from err
    if not _HOST_OK.match(host):
        raise not_a_url(text)
    if port not in (None, 80, 443):
        host = f"{host}:{port}"
    return host, parts.path, parts.query, parts.scheme.lower()


def _platform_of(host: str) -> tuple[Platform, str]:
    bare = host
    for prefix in _FOLDED_PREFIXES:
        if bare.startswith(prefix) and bare.count(".") >= 2:
            bare = bare[len(prefix):]
            break
    if bare in _HOSTS:
        return _HOSTS[bare]
    labels = bare.split(".")
    for i in range(1, len(labels) - 1):
        parent = ".".join(labels[i:])
        if parent in _HOSTS and parent not in _KEEP_SUBDOMAIN:
            return _HOSTS[parent]
    return Platform.WEB, bare if host.startswith("www.") else host


def _clean_query(platform: Platform, query: str) -> list[tuple[str, str]]:
    drop = _TRACKING_EVERYWHERE | _TRACKING_BY_PLATFORM.get(platform, set())
    pairs = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        low = key.lower()
        if low.startswith(("utm_", "pk_", "mtm_", "hmb_", "ga_")) or low in drop:
            continue
        if platform is Platform.FACEBOOK and low not in _FACEBOOK_KEEP:
            continue
        pairs.append((key, value))
    return sorted(pairs)


def _clean_path(path: str) -> str:
    if not _PLAIN_PATH.fullmatch(path):  # escapes written two ways become one
        path = quote(unquote(path), safe="/@:+!$&'()*,;=-._~%")
    if "//" in path:
        path = re.sub(r"/{2,}", "/", path)
    return path.rstrip("/")


def parse_url(text: str) -> PostUrl:
    """Platform, canonical URL and post id of one link; `MedsosError` if it is none."""
    host, path, query, _scheme = _split(text)
    platform, canon_host = _platform_of(host)
    path = _clean_path(path)
    pairs = _clean_query(platform, query)
    post_id, handle = "", ""
    if platform is Platform.YOUTUBE:
        path, pairs, post_id = _youtube(host, path, pairs)
    elif platform is Platform.X and canon_host == "x.com":
        path, post_id, handle = _x(path)
    elif platform is Platform.TIKTOK:
        path, post_id, handle = _tiktok(canon_host, path)
    elif platform is Platform.INSTAGRAM:
        path, post_id = _instagram(path)
    elif platform is Platform.FACEBOOK:
        post_id = _facebook(canon_host, path, pairs)
    elif platform is Platform.TELEGRAM:
        path, post_id, handle = _telegram(path)
    canonical = urlunsplit(("https", canon_host, path, urlencode(pairs), ""))
    return PostUrl(text.strip(), canonical, platform, post_id, handle)


def canonical_url(text: str) -> str:
    return parse_url(text).canonical


def platform_of(text: str) -> Platform:
    """The platform of a link, `other` for something that is not a web address."""
    try:
        return parse_url(text).platform
    except MedsosError:
        return Platform.OTHER


def links_in(text: str) -> list[str]:
    """The web addresses quoted in a message, in order, trailing punctuation removed."""
    found = []
    for m in _URL_IN_TEXT.finditer(text):
        link = m.group(0).rstrip(TRAILING_PUNCTUATION)
        if link.count("(") < link.count(")"):
            link = link.rstrip(")")
        if link:
            found.append(link)
    return found


# --- per platform -------------------------------------------------------------------------

_YT_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


def _youtube(host: str, path: str,
             pairs: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]], str]:
    video = ""
    if host.endswith("youtu.be"):
        video = path.strip("/").split("/")[0]
    else:
        m = re.match(r"^/(?:shorts|live|embed|v|e)/([^/]+)", path)
        if m:
            video = m.group(1)
        elif path == "/watch":
            video = dict(pairs).get("v", "")
    if _YT_ID.match(video):
        return "/watch", [("v", video)], video
    if path.startswith("/@") or path.startswith(("/channel/", "/c/", "/user/")):
        return path, [], ""
    return path, pairs, ""


def _x(path: str) -> tuple[str, str, str]:
    m = re.match(r"^/(?:i/web|([A-Za-z0-9_]{1,15}))/status(?:es)?/(\d{1,25})", path)
    if m:
        handle = (m.group(1) or "").lower()
        return f"/{handle or 'i/web'}/status/{m.group(2)}", m.group(2), handle
    m = re.match(r"^/([A-Za-z0-9_]{1,15})$", path)
    if m:
        return path.lower(), "", m.group(1).lower()
    return path, "", ""


def _tiktok(host: str, path: str) -> tuple[str, str, str]:
    if host != "www.tiktok.com":
        return path, "", ""  # a short link: only TikTok can resolve it
    m = re.match(r"^/@([\w.-]+)/(video|photo)/(\d+)", path)
    if m:
        return f"/@{m.group(1).lower()}/{m.group(2)}/{m.group(3)}", m.group(3), m.group(1).lower()
    m = re.match(r"^/(?:v|video|embed(?:/v2)?)/(\d+)(?:\.html)?$", path)
    if m:
        return f"/video/{m.group(1)}", m.group(1), ""
    m = re.match(r"^/@([\w.-]+)$", path)
    if m:
        return f"/@{m.group(1).lower()}", "", m.group(1).lower()
    return path, "", ""


def _instagram(path: str) -> tuple[str, str]:
    m = re.match(r"^/(?:[\w.]+/)?(p|reel|reels|tv)/([A-Za-z0-9_-]+)", path)
    if m:
        kind = "reel" if m.group(1) == "reels" else m.group(1)
        return f"/{kind}/{m.group(2)}", m.group(2)
    return path.lower() if re.match(r"^/[\w.]+$", path) else path, ""


def _facebook(host: str, path: str, pairs: list[tuple[str, str]]) -> str:
    if host != "www.facebook.com":
        return ""
    params = dict(pairs)
    if params.get("story_fbid"):
        return params["story_fbid"]
    m = re.search(r"/(?:posts|videos|permalink|reel|photos(?:/[^/]+)?)/([A-Za-z0-9]+)$", path)
    if m and not path.startswith("/share/"):
        return m.group(1)
    if path in ("/watch", "/photo", "/photo.php", "/video.php"):
        return params.get("v") or params.get("fbid", "")
    return ""


def _telegram(path: str) -> tuple[str, str, str]:
    if path.startswith("/s/"):
        path = path[2:]
    m = re.match(r"^/(c/\d+|[A-Za-z0-9_]{4,32})/(\d+)$", path)
    if m:
        channel = m.group(1).lower()
        return f"/{channel}/{m.group(2)}", f"{channel}/{m.group(2)}", channel
    m = re.match(r"^/([A-Za-z0-9_]{4,32})$", path)
    if m:
        return path.lower(), "", m.group(1).lower()
    return path, "", ""
