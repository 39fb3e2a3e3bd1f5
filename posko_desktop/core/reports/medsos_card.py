"""The square "klarifikasi" card (PNG) a clarification is shared with: the claim, the verdict
stamp, the short explanation, the sources, the date and the case number.

Nothing is ever cut: every text is wrapped at word boundaries (a word wider than the card,
such as a long address, is broken between characters), and when the texts do not fit at
the full size the whole card is laid out again smaller, down to `MIN_SCALE`; a text too
long even then is refused (`CardTooLong`) so the operator shortens it. `plan_card` gives the
layout (every line, its font size and place) without drawing: the tests read it.
"""

from __future__ import annotations

import io
import logging
import math
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from posko_desktop.core.i18n import N_, _, language
from posko_desktop.core.medsos.drafts import MedsosError
from posko_desktop.core.medsos.outputs import Clarification, verdict_look
from posko_desktop.core.resources import font_path
from posko_desktop.core.textrules import format_date_long, training_marking
from posko_desktop.core.timeutil import to_wib

logger = logging.getLogger(__name__)

SIZE = 1080  # px, square (what the platforms show uncropped)
MARGIN = 64
HEADER_H = 170
NAVY, INK, GREY, PAPER, FOOT = "#0d2b52", "#1b1b1b", "#5f6b76", "#ffffff", "#eef1f4"
SCALES = tuple(x / 100 for x in range(100, 49, -5))  # 1.00 .. 0.50
MIN_SCALE = SCALES[-1]
TILT = 4  # degrees the stamp leans


class CardTooLong(MedsosError):
    code = "card_too_long"


@cache
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path("DejaVuSans-Bold.ttf" if bold
                                            else "DejaVuSans.ttf")), size)


@dataclass(frozen=True)
class Block:
    """Lines of one text on the card: font, size, colour, the top of the first line."""

    name: str  # "claim", "explanation", "sources", "footer", ... (tests look them up)
    lines: tuple[str, ...]
    bold: bool
    size: int
    colour: str
    top: int
    leading: int

    @property
    def bottom(self) -> int:
        return self.top + self.leading * len(self.lines)


@dataclass(frozen=True)
class CardPlan:
    scale: float
    blocks: tuple[Block, ...]
    stamp: str  # the verdict stamp's text
    stamp_colour: str
    stamp_top: int
    stamp_height: int  # the stamp's frame; its slot is taller by the tilt
    stamp_size: int  # font size of the stamp's word
    foot_top: int
    header_bottom: int

    def block(self, name: str) -> Block:
        return next(b for b in self.blocks if b.name == name)


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """`text` in lines no wider than `width`; line breaks kept, every character kept."""
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            candidate = f"{line} {word}" if line else word
            if font.getlength(candidate) <= width:
                line = candidate
                continue
            if line:
                out.append(line)
            while font.getlength(word) > width:  # a word wider than the card: by characters
                cut = max(1, max(i for i in range(1, len(word) + 1)
                                 if font.getlength(word[:i]) <= width or i == 1))
                out.append(word[:cut])
                word = word[cut:]
            line = word
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def _texts(doc: Clarification) -> dict[str, str]:
    sources = "; ".join(s.name.strip() for s in doc.sources if s.name.strip())
    day = format_date_long(to_wib(doc.published_at).date(), doc.lang)
    return {
        "title": _("CLARIFICATION"),
        "publisher": doc.publisher,
        "claim_label": _("CLAIM"),
        "claim": "“{}”".format(doc.claim.strip()),
        "explanation_label": _("EXPLANATION"),
        "explanation": doc.explanation.strip(),
        "sources": _("Source: {sources}").format(sources=sources) if sources else "",
        "footer": "{day} · {number}".format(day=day, number=doc.case_number),
    }


def _layout(doc: Clarification, texts: dict[str, str], scale: float) -> CardPlan | None:
    width = SIZE - 2 * MARGIN
    blocks: list[Block] = []

    def add(name: str, text: str, bold: bool, size: float, colour: str, top: int,
            inner: int = width) -> int:
        px = max(int(size * scale), 12)
        font = _font(bold, px)
        lines = tuple(wrap(text, font, inner)) if text else ()
        block = Block(name, lines, bold, px, colour, top, int(px * 1.3))
        blocks.append(block)
        return block.bottom

    # header band: title and publisher (scaled only by its own fit, it is short)
    y = add("title", texts["title"], True, 64, PAPER, 44)
    y = add("publisher", texts["publisher"], False, 24, PAPER, y + 4)
    header = max(HEADER_H, y + 20)
    y = add("claim_label", texts["claim_label"], True, 26, GREY, header + int(36 * scale))
    y = add("claim", texts["claim"], True, 46, INK, y + 6)
    look = verdict_look(doc.verdict)
    stamp = _(look.stamp)
    stamp_h = int(130 * scale)
    stamp_size = _stamp_font_size(stamp, stamp_h)
    stamp_w = _stamp_width(stamp, stamp_size, stamp_h)
    slot = int(stamp_h * math.cos(math.radians(TILT)) + stamp_w * math.sin(math.radians(TILT)))
    stamp_top = y + int(30 * scale) + (slot - stamp_h) // 2
    y = y + int(30 * scale) + slot + int(30 * scale)
    y = add("explanation_label", texts["explanation_label"], True, 26, GREY, y)
    y = add("explanation", texts["explanation"], False, 34, INK, y + 6)
    # footer band at the bottom: sources, date and number
    foot_lines = [("sources", texts["sources"], False, 22, GREY),
                  ("footer", texts["footer"], True, 24, NAVY)]
    foot_blocks = []
    for name, text, bold, size, colour in foot_lines:
        px = max(int(size * scale), 12)
        lines = tuple(wrap(text, _font(bold, px), width)) if text else ()
        foot_blocks.append((name, lines, bold, px, colour))
    foot_h = sum(int(px * 1.3) * len(lines) for _n, lines, _b, px, _c in foot_blocks) + 2 * 28
    foot_top = SIZE - foot_h
    if y + int(24 * scale) > foot_top or header > HEADER_H + 60:
        return None
    top = foot_top + 28
    for name, lines, bold, px, colour in foot_blocks:
        block = Block(name, lines, bold, px, colour, top, int(px * 1.3))
        blocks.append(block)
        top = block.bottom
    return CardPlan(scale, tuple(blocks), stamp, look.colour, stamp_top, stamp_h, stamp_size,
                    foot_top, header)


def plan_card(doc: Clarification) -> CardPlan:
    """The layout at the largest scale where everything fits (CardTooLong if none)."""
    with language(doc.lang):
        texts = _texts(doc)
        for scale in SCALES:
            plan = _layout(doc, texts, scale)
            if plan is not None:
                return plan
    raise CardTooLong(N_("Case {number}: the claim and explanation are too long for the "
                         "card; shorten the explanation"), number=doc.case_number)


def render_card(doc: Clarification) -> bytes:
    """The card as PNG bytes (1080 × 1080)."""
    plan = plan_card(doc)
    image = Image.new("RGB", (SIZE, SIZE), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SIZE, plan.header_bottom), fill=NAVY)
    draw.rectangle((0, plan.foot_top, SIZE, SIZE), fill=FOOT)
    draw.rectangle((0, plan.foot_top, SIZE, plan.foot_top + 6), fill=plan.stamp_colour)
    for block in plan.blocks:
        font = _font(block.bold, block.size)
        for i, line in enumerate(block.lines):
            draw.text((MARGIN, block.top + i * block.leading), line, font=font,
                      fill=block.colour)
    _stamp(image, plan)
    if doc.training:
        _training_band(image, doc.lang)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _stamp_font_size(text: str, height: int) -> int:
    """The stamp's word as large as its frame allows, narrower than the card."""
    size = int(height * 0.55)
    while _font(True, size).getlength(text) > SIZE - 2 * MARGIN - 140 and size > 16:
        size -= 2
    return size


def _stamp_width(text: str, size: int, height: int) -> int:
    return int(_font(True, size).getlength(text)) + 2 * int(height * 0.18) + 24


def _stamp(image: Image.Image, plan: CardPlan) -> None:
    """The verdict as a rubber stamp: a framed word in the verdict's colour, tilted."""
    font = _font(True, plan.stamp_size)
    w, h = _stamp_width(plan.stamp, plan.stamp_size, plan.stamp_height), plan.stamp_height
    stamp = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(stamp)
    border = max(6, h // 18)
    d.rounded_rectangle((0, 0, w - 1, h - 1), radius=h // 8, outline=plan.stamp_colour,
                        width=border)
    d.text((w / 2, h / 2), plan.stamp, font=font, fill=plan.stamp_colour, anchor="mm")
    tilted = stamp.rotate(TILT, expand=True, resample=Image.Resampling.BICUBIC)
    x = (SIZE - tilted.width) // 2
    y = plan.stamp_top + (plan.stamp_height - tilted.height) // 2
    image.paste(tilted, (x, y), tilted)


def _training_band(image: Image.Image, lang: str) -> None:
    draw = ImageDraw.Draw(image)
    with language(lang):
        text = training_marking()
    font = _font(True, 22)
    draw.rectangle((0, 0, SIZE, 34), fill="#b00020")
    draw.text((SIZE / 2, 17), text, font=font, fill=PAPER, anchor="mm")
