"""The incident taxonomy's second and third axes (issue 18): where an incident happened
(channel: daring/luring) and what kind of breach of the law it is (legal type), and the
referral route a legal type suggests. Codes are stable (they travel in packages and
spreadsheets); "" means not stated. Standard library only (docs/taxonomy.md)."""

from __future__ import annotations

import enum

from posko_desktop.core.i18n import N_, _, gettext_in

# Groups whose categories are digital by nature: an incident in them is online (daring)
# when no channel is given (docs/taxonomy.md).
DIGITAL_GROUPS = frozenset({"A"})
# Categories of civil servants' neutrality: the ASN commission's route (BKN) comes first.
ASN_CATEGORIES = frozenset({"C1"})


class Channel(enum.StrEnum):
    DARING = "daring"
    LURING = "luring"

    @property
    def label(self) -> str:
        return _(_CHANNEL_LABELS[self])

    def label_in(self, lang: str) -> str:
        return gettext_in(lang, _CHANNEL_LABELS[self])


_CHANNEL_LABELS = {
    Channel.DARING: N_("Online"),
    Channel.LURING: N_("Offline"),
}


class LegalType(enum.StrEnum):
    ADMINISTRASI = "administrasi"
    PIDANA = "pidana"
    KODE_ETIK = "kode_etik"
    LAINNYA = "hukum_lainnya"

    @property
    def label(self) -> str:
        return _(_LEGAL_LABELS[self])

    def label_in(self, lang: str) -> str:
        return gettext_in(lang, _LEGAL_LABELS[self])


_LEGAL_LABELS = {
    LegalType.ADMINISTRASI: N_("Administrative breach"),
    LegalType.PIDANA: N_("Election crime"),
    LegalType.KODE_ETIK: N_("Breach of the code of ethics"),
    LegalType.LAINNYA: N_("Other breach of law"),
}

# The referral each legal type suggests (agency codes of resources/agencies.json):
# election crimes go to Sentra Gakkumdu, the organisers' ethics to DKPP, administrative
# breaches to Bawaslu (which recommends to KPU). Sources in docs/taxonomy.md.
_ROUTES: dict[LegalType, tuple[str, ...]] = {
    LegalType.PIDANA: ("GAKKUMDU",),
    LegalType.KODE_ETIK: ("DKPP",),
    LegalType.ADMINISTRASI: ("BAWASLU", "KPU"),
    LegalType.LAINNYA: (),
}


def channel_label(code: str) -> str:
    """The channel as a person reads it; "" when not stated (or unknown to this version)."""
    return Channel(code).label if code in Channel._value2member_map_ else ""


def legal_type_label(code: str) -> str:
    return LegalType(code).label if code in LegalType._value2member_map_ else ""


def default_channel(category_code: str, channel: str) -> str:
    """The channel stored: the one given, else online for a category digital by nature."""
    if channel:
        return channel
    return Channel.DARING.value if category_code[:1] in DIGITAL_GROUPS else ""


def suggested_agencies(legal_type: str, category_code: str) -> tuple[str, ...]:
    """The agencies a referral of this incident should go to first, best first: BKN for a
    civil servant's neutrality, then the route of the legal type. Empty: no suggestion."""
    route: list[str] = ["BKN"] if category_code in ASN_CATEGORIES else []
    if legal_type in LegalType._value2member_map_:
        route += [c for c in _ROUTES[LegalType(legal_type)] if c not in route]
    return tuple(route)
