"""The codes of hoax cases and take-down requests (stable: they travel in packages) and
their translated labels."""

from __future__ import annotations

import enum

from posko_desktop.core.i18n import N_, _, gettext_in


class _Labelled(enum.StrEnum):
    @property
    def label(self) -> str:
        return _(_LABELS[self])

    def label_in(self, lang: str) -> str:
        return gettext_in(lang, _LABELS[self])


class CaseCategory(_Labelled):
    HOAKS = "hoaks"  # hoaks / disinformasi
    MISINFORMASI = "misinformasi"
    MALINFORMASI = "malinformasi"
    UJARAN_KEBENCIAN = "ujaran_kebencian"
    SARA = "sara"
    PROVOKASI = "provokasi"
    KAMPANYE_HITAM = "kampanye_hitam"
    FITNAH = "fitnah"


class CaseStatus(_Labelled):
    """baru -> diverifikasi (a verdict proposed) -> terverifikasi (approved by a second
    supervisor) -> klarifikasi_terbit -> dipantau -> selesai; ditolak (not a case)."""

    BARU = "baru"
    DIVERIFIKASI = "diverifikasi"
    TERVERIFIKASI = "terverifikasi"
    KLARIFIKASI_TERBIT = "klarifikasi_terbit"
    DIPANTAU = "dipantau"
    SELESAI = "selesai"
    DITOLAK = "ditolak"


class Verdict(_Labelled):
    SALAH = "salah"  # salah / hoaks
    MENYESATKAN = "menyesatkan"
    SEBAGIAN_BENAR = "sebagian_benar"
    BENAR = "benar"
    TIDAK_DAPAT_DIVERIFIKASI = "tidak_dapat_diverifikasi"


class Priority(_Labelled):
    TINGGI = "tinggi"
    SEDANG = "sedang"
    RENDAH = "rendah"


class Addressee(_Labelled):
    KOMDIGI = "komdigi"  # aduankonten
    PLATFORM = "platform"
    BAWASLU = "bawaslu"
    POLDA_SIBER = "polda_siber"


class TakedownStatus(_Labelled):
    DISIAPKAN = "disiapkan"
    DIAJUKAN = "diajukan"
    DIPROSES = "diproses"
    DITURUNKAN = "diturunkan"
    DITOLAK = "ditolak"
    MASIH_TAYANG = "masih_tayang"


class RecheckResult(_Labelled):
    UP = "up"
    DOWN = "down"


_LABELS: dict[enum.StrEnum, str] = {
    CaseCategory.HOAKS: N_("Hoax / disinformation"),
    CaseCategory.MISINFORMASI: N_("Misinformation"),
    CaseCategory.MALINFORMASI: N_("Malinformation"),
    CaseCategory.UJARAN_KEBENCIAN: N_("Hate speech"),
    CaseCategory.SARA: N_("SARA (ethnicity, religion, race, inter-group)"),
    CaseCategory.PROVOKASI: N_("Provocation"),
    CaseCategory.KAMPANYE_HITAM: N_("Black campaign"),
    CaseCategory.FITNAH: N_("Slander"),
    CaseStatus.BARU: N_("New"),
    CaseStatus.DIVERIFIKASI: N_("Being verified"),
    CaseStatus.TERVERIFIKASI: N_("Verified"),
    CaseStatus.KLARIFIKASI_TERBIT: N_("Clarification published"),
    CaseStatus.DIPANTAU: N_("Monitored"),
    CaseStatus.SELESAI: N_("Closed"),
    CaseStatus.DITOLAK: N_("Rejected"),
    Verdict.SALAH: N_("False / hoax"),
    Verdict.MENYESATKAN: N_("Misleading"),
    Verdict.SEBAGIAN_BENAR: N_("Partly true"),
    Verdict.BENAR: N_("True"),
    Verdict.TIDAK_DAPAT_DIVERIFIKASI: N_("Cannot be verified"),
    Priority.TINGGI: N_("High"),
    Priority.SEDANG: N_("Medium"),
    Priority.RENDAH: N_("Low"),
    Addressee.KOMDIGI: N_("Komdigi (aduankonten)"),
    Addressee.PLATFORM: N_("The platform"),
    Addressee.BAWASLU: N_("Bawaslu"),
    Addressee.POLDA_SIBER: N_("Polda cyber unit"),
    TakedownStatus.DISIAPKAN: N_("Prepared"),
    TakedownStatus.DIAJUKAN: N_("Submitted"),
    TakedownStatus.DIPROSES: N_("In process"),
    TakedownStatus.DITURUNKAN: N_("Taken down"),
    TakedownStatus.DITOLAK: N_("Refused"),
    TakedownStatus.MASIH_TAYANG: N_("Still up"),
    RecheckResult.UP: N_("still up"),
    RecheckResult.DOWN: N_("down"),
}


PLATFORM_NAMES = {"tiktok": "TikTok", "facebook": "Facebook", "instagram": "Instagram",
                  "x": "X", "youtube": "YouTube", "whatsapp": "WhatsApp",
                  "telegram": "Telegram", "web": "Web"}


def platform_name(code: str) -> str:
    """A platform's name as shown (here, not in the outputs service: the dashboard and the
    reports name platforms without loading the PDF and card makers)."""
    return PLATFORM_NAMES.get(code, _("Other") if code == "other" else code)
