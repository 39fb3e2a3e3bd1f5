"""Reference data: regencies, categories, agencies; the site of this installation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext, local_site
from posko_desktop.core.db.models import Category, LocalSite, Regency
from posko_desktop.core.db.models_directory import Agency
from posko_desktop.core.domain import (
    PROVINCE_CODE,
    RegencyKind,
    ValidationError,
    check_text,
    is_agency_site,
)
from posko_desktop.core.i18n import N_, current_language
from posko_desktop.core.services import training as training_mode


@dataclass(frozen=True)
class RegencyInfo:
    code: str
    kind: str
    name: str

    @property
    def full_name(self) -> str:
        """'Kab. Semarang' / 'Kota Semarang': the name alone is ambiguous for four pairs."""
        prefix = "Kab." if self.kind == RegencyKind.KABUPATEN else "Kota"
        return f"{prefix} {self.name}"

    @property
    def compact_code(self) -> str:
        return self.code.replace(".", "")


@dataclass(frozen=True)
class CategoryInfo:
    code: str
    parent_code: str | None
    label_id: str
    label_en: str
    active: bool

    @property
    def label(self) -> str:
        return self.label_en if current_language() == "en" else self.label_id

    @property
    def is_group(self) -> bool:
        return self.parent_code is None


@dataclass(frozen=True)
class AgencyInfo:
    code: str
    name: str
    active: bool


@dataclass(frozen=True)
class SiteInfo:
    code: str
    name: str

    @property
    def is_province(self) -> bool:
        return self.code == PROVINCE_CODE


_CODE_RE = re.compile(r"^\s*33\.?(\d{2})\s*$")


def normalize_regency_code(text: str) -> str | None:
    """'3374', '33.74', ' 33.74 ' -> '33.74'; anything else -> None."""
    m = _CODE_RE.match(text or "")
    return f"33.{m.group(1)}" if m else None


def regencies(session: Session) -> list[RegencyInfo]:
    return [
        RegencyInfo(r.code, r.kind, r.name)
        for r in session.scalars(select(Regency).order_by(Regency.code))
    ]


def categories(session: Session, include_inactive: bool = False) -> list[CategoryInfo]:
    stmt = select(Category).order_by(Category.sort_order, Category.code)
    if not include_inactive:
        stmt = stmt.where(Category.active.is_(True))
    return [
        CategoryInfo(c.code, c.parent_code, c.label_id, c.label_en, c.active)
        for c in session.scalars(stmt)
    ]


def agencies(session: Session, include_inactive: bool = False) -> list[AgencyInfo]:
    stmt = select(Agency).order_by(Agency.name)
    if not include_inactive:
        stmt = stmt.where(Agency.active.is_(True))
    return [AgencyInfo(a.code, a.name, a.active) for a in session.scalars(stmt)]


def list_regencies(ctx: AppContext) -> list[RegencyInfo]:
    with ctx.db.read() as s:
        return regencies(s)


def list_categories(ctx: AppContext, include_inactive: bool = False) -> list[CategoryInfo]:
    with ctx.db.read() as s:
        return categories(s, include_inactive)


def list_agencies(ctx: AppContext) -> list[AgencyInfo]:
    with ctx.db.read() as s:
        return agencies(s)


def site_info(ctx: AppContext) -> SiteInfo:
    with ctx.db.read() as s:
        site = local_site(s)
        return SiteInfo(site.code, site.name)


def site_or_none(ctx: AppContext) -> SiteInfo | None:
    with ctx.db.read() as s:
        site = s.scalars(select(LocalSite)).first()
        return SiteInfo(site.code, site.name) if site else None


def normalize_site_code(text: str) -> str:
    """`33` or a regency code `33.xx` (also written `3374`; an agency's own site: `33.80` to
    `33.99`, `domain.is_agency_site`); ValidationError otherwise."""
    code = text.strip()
    if code == PROVINCE_CODE:
        return code
    normal = normalize_regency_code(code)
    if normal is None:
        raise ValidationError(
            N_("Site code {code} is neither the province (33) nor a regency code (33.xx)"),
            field="site", code=code,
        )
    return normal


def init_site(ctx: AppContext, code: str, name: str, *, training: bool = False) -> SiteInfo:
    """Make this installation the province (`33`), a regency office (`33.xx`) or an
    agency's own site (`33.80`–`33.99`); a new
    site with `training` is a training database (services/training.py), for good."""
    code = normalize_site_code(code)
    name = check_text(name.strip(), "site_name")
    if not name:
        raise ValidationError(N_("The site needs a name"), field="site_name")
    with ctx.db.write() as s:
        if (code != PROVINCE_CODE and s.get(Regency, code) is None
                and not is_agency_site(code)):
            raise ValidationError(N_("Unknown regency code {code}"), field="site", code=code)
        existing = s.scalars(select(LocalSite)).first()
        if existing is not None:
            if existing.code != code:
                raise ValidationError(
                    N_("This database already belongs to site {existing}; it cannot become {code}"),
                    field="site", existing=existing.code, code=code,
                )
            training_mode.check_mark(s, training)
            existing.name = name
        else:
            s.add(LocalSite(id=1, code=code, name=name, created_at=ctx.now(), last_stamp=""))
            training_mode.write_mark(s, ctx, training)
    return SiteInfo(code, name)
