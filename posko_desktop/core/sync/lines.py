"""Reading a field of a record line without decoding the whole line.

For record files accepted here before (the all-unchanged re-import), the import only
needs each record's id and, for incidents, its field stamps. Those are read straight from
the bytes where the line has the exporter's form; any other line is decoded whole, so
both functions give what `orjson.loads` gives for every valid line
(tests/sync/test_lines.py checks that on generated records with awkward text).
"""

from __future__ import annotations

import orjson

from posko_desktop.core.db.stamps import pack_text

_ID_PREFIX = b'{"id":"'  # the exporter writes the id first: {"id":"<36 characters>",
_ID_END = len(_ID_PREFIX) + 36
_STAMPS_KEY = b',"field_stamps":{'


def record_id(line: bytes) -> str:
    """The `id` of a record line, as 32 hex digits. Read from the bytes when the line
    starts with it and it has 36 plain ASCII characters (no escape: then the quote after
    them ends the string)."""
    if line.startswith(_ID_PREFIX) and line[_ID_END:_ID_END + 2] == b'",':
        text = line[len(_ID_PREFIX):_ID_END]
        if text.isascii() and b"\\" not in text:
            return text.decode("ascii").replace("-", "")
    return str(orjson.loads(line)["id"]).replace("-", "")


def packed_field_stamps(line: bytes) -> str:
    """The `field_stamps` of an incident line, packed as stored (`db.stamps.pack_text`).

    In valid JSON a `,"` can only start a key (a quote inside a string is escaped, and one
    ending a string is followed by `,`, `:`, `}` or `]`), the incident schema allows that
    key only at the top level, and stamps contain no braces; so the first `}` after it
    closes the object. A line without that key in this form is decoded whole."""
    i = line.find(_STAMPS_KEY)
    if i < 0:
        return pack_text(orjson.loads(line)["field_stamps"])
    j = line.find(b"}", i)
    return pack_text(orjson.loads(line[i + len(_STAMPS_KEY) - 1:j + 1]))
