"""A handover as a person reads it (HTML for a QTextBrowser), shared by the tab and the
dialog shown after login."""

from __future__ import annotations

import html

from posko_desktop.core.i18n import N_, _
from posko_desktop.core.services.shifts import HandoverInfo, ItemKind
from posko_desktop.core.shifts import Shift
from posko_desktop.core.textrules import format_date_long, format_datetime_wib

SECTIONS = (
    (ItemKind.CRITICAL_OPEN, N_("Open critical incidents")),
    (ItemKind.RESPONSE_OVERDUE, N_("Incidents past their response time")),
    (ItemKind.REFERRAL_DUE, N_("Referrals due or overdue")),
    (ItemKind.UNIT_NOT_REPORTED, N_("Units that have not reported")),
)


def handover_html(h: HandoverInfo | None) -> str:
    if h is None:
        return "<p>{}</p>".format(html.escape(_("No handover yet")))
    out = ["<h3>{}</h3>".format(html.escape(_("Handover of {day}, {shift}").format(
        day=format_date_long(h.day), shift=Shift(h.shift).label))),
        "<p>{}</p>".format(html.escape(_("Written by {user} at {time}").format(
            user=h.created_by, time=format_datetime_wib(h.created_at))))]
    if h.note:
        out.append("<p><b>{}</b><br>{}</p>".format(
            html.escape(_("Note")), html.escape(h.note).replace("\n", "<br>")))
    known = {kind for kind, _label in SECTIONS}
    sections = [*SECTIONS, *(("other", N_("Other open items")),)]
    for kind, label in sections:
        items = [i for i in h.items if (i.kind == kind if kind != "other" else i.kind not in known)]
        out.append("<p><b>{} ({})</b></p>".format(html.escape(_(label)), len(items)))
        if items:
            out.append("<ul>" + "".join("<li>{ref} {text}{due}</li>".format(
                ref=html.escape(i.ref), text=html.escape(i.text),
                due=" — " + html.escape(format_datetime_wib(i.due_at)) if i.due_at else "")
                for i in items) + "</ul>")
    if h.acknowledged_by:
        out.append("<p><i>{}</i></p>".format(html.escape(_("Acknowledged by {user} at {time}")
                                                     .format(user=h.acknowledged_by,
                                                             time=format_datetime_wib(
                                                                 h.acknowledged_at)))))
    else:
        out.append("<p><i>{}</i></p>".format(html.escape(_("Not acknowledged yet"))))
    return "".join(out)
