"""The caller's choices for one intake (time zone, read time, pseudonym key, lexicon)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from posko_desktop.core.medsos.intake.mapping import ColumnMapping
from posko_desktop.core.medsos.lexicon import Lexicon
from posko_desktop.core.timeutil import WIB


@dataclass(frozen=True)
class IntakeOptions:
    read_at: datetime  # when the counts in the file were read (the service: ctx.now())
    tz: tzinfo = WIB  # zone of times written without one (WhatsApp: the phone's zone)
    pseudonym_key: bytes | None = None  # None: phone numbers are kept (explicit choice)
    lexicon: Lexicon | None = None  # None: no flags, no places
    day_first: bool | None = None  # WhatsApp dates: None = decide from the file
    mapping: ColumnMapping | None = None  # tables: None = recognise a preset
    saved_mappings: tuple[ColumnMapping, ...] = ()  # the desk's presets, recognised too
    keep_numbers: bool = False

    def __post_init__(self) -> None:
        if self.read_at.tzinfo is None:
            raise ValueError("read_at must carry its time zone")
        if self.pseudonym_key is None and not self.keep_numbers:
            raise ValueError("a pseudonym key is required unless keep_numbers=True")

