"""Which column holds which field: our template's headers, presets recognised by their
header columns (exports of monitoring tools), and `ColumnMapping`, the structure the
manual mapping dialog fills for any other file."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import MedsosError, Platform

# The fields a table can fill, in template order, with a label for the mapping dialog.
FIELDS: dict[str, str] = {
    "platform": N_("Platform"),
    "url": N_("Link (URL)"),
    "posted_at": N_("Posted at"),
    "account_name": N_("Account name"),
    "account_handle": N_("Account handle"),
    "account_id": N_("Account ID"),
    "text": N_("Text"),
    "views": N_("Views"),
    "likes": N_("Likes"),
    "shares": N_("Shares"),
    "comments": N_("Comments"),
    "read_at": N_("Counts read at"),
    "kecamatan_code": N_("Kecamatan code"),
    "desa_code": N_("Desa/kelurahan code"),
    "contest_code": N_("Contest code"),
    "pair_number": N_("Candidate pair (ballot number)"),
}
NEEDS_ONE_OF = ("url", "text")  # a row is a post when it has a link or a text


@dataclass(frozen=True)
class ColumnMapping:
    """Field -> header text as written in the file (matched after `header_key`).
    `platform` fixes the platform for rows whose link does not tell it."""

    columns: Mapping[str, str]
    platform: Platform | None = None
    name: str = "manual"

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown fields in the column mapping: {unknown}")
        if not any(f in self.columns for f in NEEDS_ONE_OF):
            raise ValueError("a column mapping needs the link or the text column")

    @classmethod
    def from_dict(cls, data: object, name: str = "manual") -> ColumnMapping:
        """A mapping as a JSON file or a saved preset holds it: `{"columns": {field:
        header}, "platform": "tiktok" | null}`; MedsosError names what is wrong."""
        columns = data.get("columns") if isinstance(data, Mapping) else None
        if not isinstance(columns, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip()
                for k, v in columns.items()):
            raise MedsosError(N_("A column mapping needs \"columns\": field → column header "
                                 "(texts)"))
        unknown = sorted(set(columns) - set(FIELDS))
        if unknown:
            raise MedsosError(N_("Unknown fields in the column mapping: {fields} (known: "
                                 "{known})"), fields=", ".join(unknown), known=", ".join(FIELDS))
        if not any(f in columns for f in NEEDS_ONE_OF):
            raise MedsosError(N_("A column mapping needs the link column or the text column"))
        platform = data.get("platform") if isinstance(data, Mapping) else None
        if platform is not None and platform not in {p.value for p in Platform}:
            raise MedsosError(N_("Unknown platform {value} in the column mapping"),
                              value=str(platform)[:40])
        return cls({k: v.strip() for k, v in columns.items()},
                   Platform(platform) if platform else None, name)

    def to_dict(self) -> dict[str, object]:
        return {"columns": dict(self.columns),
                "platform": self.platform.value if self.platform else None}

    def fits(self, headers: Sequence[str]) -> bool:
        """Every column the mapping names is in `headers` (a saved mapping recognised)."""
        keys = {header_key(h) for h in headers}
        return all(header_key(h) in keys for h in self.columns.values())

    def positions(self, headers: Sequence[str]) -> dict[str, int]:
        """Field -> column index in `headers`; fields whose header is missing are left out."""
        index = {header_key(h): i for i, h in reversed(list(enumerate(headers)))}
        return {f: index[header_key(h)] for f, h in self.columns.items()
                if header_key(h) in index}


@dataclass(frozen=True)
class Preset:
    name: str
    label: str  # msgid
    mapping: ColumnMapping
    signature: frozenset[str] = field(default_factory=frozenset)  # header keys all present

    def matches(self, keys: set[str]) -> bool:
        return self.signature <= keys


def header_key(text: str) -> str:
    """"Waktu unggah (WIB) *" -> "waktu unggah": case, marks and the zone note ignored."""
    text = re.sub(r"\((?:wib|utc|wita|wit)\)", " ", str(text).lower())
    return " ".join(re.sub(r"[^\w.]+", " ", text).replace("_", " ").split())


# Our template: each field by its Indonesian and English header (and common synonyms).
TEMPLATE_HEADERS: dict[str, tuple[str, ...]] = {
    "platform": ("Platform", "Media sosial"),
    "url": ("Tautan", "URL", "Link", "Tautan unggahan"),
    "posted_at": ("Waktu unggah", "Posted at", "Tanggal unggah", "Waktu posting"),
    "account_name": ("Nama akun", "Account name"),
    "account_handle": ("Handle akun", "Account handle", "Username", "Nama pengguna"),
    "account_id": ("ID akun", "Account ID"),
    "text": ("Isi unggahan", "Text", "Teks", "Isi", "Konten"),
    "views": ("Tayangan", "Views", "Dilihat"),
    "likes": ("Suka", "Likes"),
    "shares": ("Dibagikan", "Shares", "Bagikan"),
    "comments": ("Komentar", "Comments"),
    "read_at": ("Waktu baca", "Read at", "Dibaca pada"),
    "kecamatan_code": ("Kode kecamatan", "Kecamatan code"),
    "desa_code": ("Kode desa", "Desa code", "Kode kelurahan"),
    "contest_code": ("Kode pemilihan", "Contest code", "Kode kontestasi"),
    "pair_number": ("Nomor urut paslon", "Pair number", "Nomor paslon"),
}
# Written into the template file (services/UI): Indonesian header per field.
TEMPLATE_COLUMNS = tuple(TEMPLATE_HEADERS[f][0] for f in FIELDS)


def template_mapping(headers: Sequence[str]) -> ColumnMapping | None:
    """Our template (either language) found in `headers`, or None."""
    keys = {header_key(h): h for h in headers}
    columns = {}
    for field_name, names in TEMPLATE_HEADERS.items():
        for name in names:
            if header_key(name) in keys:
                columns[field_name] = keys[header_key(name)]
                break
    if not any(f in columns for f in NEEDS_ONE_OF) or len(columns) < 3:
        return None
    return ColumnMapping(columns, name="posko")


def _preset(name: str, label: str, columns: dict[str, str], platform: Platform | None,
            signature: Sequence[str]) -> Preset:
    return Preset(name, label, ColumnMapping(columns, platform, name),
                  frozenset(header_key(s) for s in signature))


PRESETS: tuple[Preset, ...] = (
    _preset("crowdtangle", N_("CrowdTangle post export (Facebook/Instagram)"), {
        "account_name": "Page Name", "account_handle": "User Name",
        "account_id": "Facebook Id", "posted_at": "Post Created", "url": "URL",
        "text": "Message", "likes": "Likes", "comments": "Comments", "shares": "Shares",
        "views": "Post Views",
    }, Platform.FACEBOOK, ("Page Name", "Post Created", "URL", "Message")),
    _preset("tiktok-scraper", N_("TikTok scraper export (webVideoUrl, playCount, ...)"), {
        "url": "webVideoUrl", "text": "text", "posted_at": "createTimeISO",
        "account_handle": "authorMeta.name", "account_name": "authorMeta.nickName",
        "account_id": "authorMeta.id", "views": "playCount", "likes": "diggCount",
        "shares": "shareCount", "comments": "commentCount",
    }, Platform.TIKTOK, ("webVideoUrl", "createTimeISO", "playCount")),
)


def recognise(headers: Sequence[str], saved: Sequence[ColumnMapping] = ()
              ) -> ColumnMapping | None:
    """The mapping of a preset whose signature columns are all in `headers`, of our
    template, or of a mapping saved by the desk whose columns are all there (the one naming
    most columns); None: the columns must be mapped by hand (`ColumnMapping`)."""
    keys = {header_key(h) for h in headers}
    for preset in PRESETS:  # first: their columns ("URL", "Likes") overlap the template's
        if preset.matches(keys):
            return preset.mapping
    found = template_mapping(headers)
    if found is not None:
        return found
    fitting = [m for m in saved if m.fits(headers)]
    return max(fitting, key=lambda m: (len(m.columns), m.name)) if fitting else None
