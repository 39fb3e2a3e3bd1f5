"""The byte-level readers of `core/sync/lines.py` give what decoding the whole line with
orjson gives, for every valid record line: the exporter's compact form and any other
(spaces, other key order, ASCII escapes), with awkward text in every field."""

from __future__ import annotations

import json
import uuid

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from posko_desktop.core.db.stamps import FIELDS, pack_text
from posko_desktop.core.sync.lines import packed_field_stamps, record_id
from posko_desktop.core.sync.scan import INCIDENT_COLUMNS

# pieces that look like the markers the readers look for, and text JSON must escape
TRICKY = ['"', "\\", '\\"', '",', ',"field_stamps":{', "}", "{", '{"id":"', "\u2028",
          "\x00", "\x1f", "\x7f", "é", "中文", "🗳️", "\ud7ff", "\U0010ffff"]
text = st.lists(st.one_of(st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
                          st.sampled_from(TRICKY)), max_size=6).map("".join)
stamp = st.builds("{:013d}-{:05d}-{}".format, st.integers(0, 10**13 - 1),
                  st.integers(0, 99_999), st.sampled_from(["33", "33.22", "33.74"]))
# ids as the schema wants them, and any text (36 characters with a backslash at the end
# put a quote right where the exporter's `",` would be)
ids = st.one_of(st.uuids().map(str), text,
                st.text(min_size=35, max_size=35).map(lambda t: t + "\\"))


@st.composite
def records(draw: st.DrawFn) -> dict:
    rec = dict.fromkeys(INCIDENT_COLUMNS, "teks")
    for name in ("number", "origin_site", "title", "description", "location", "mod_stamp"):
        rec[name] = draw(text)
    rec["id"] = draw(ids)
    rec["people_involved"] = draw(st.none() | st.integers(0, 10**6))
    rec["deleted"] = draw(st.booleans())
    shared = draw(stamp)
    rec["field_stamps"] = {f: draw(st.just(shared) | stamp) for f in FIELDS}
    rec["field_bases"] = {f: draw(stamp) for f in FIELDS}
    rec["via_package"] = draw(st.none() | st.uuids().map(str))
    return rec


def _forms(rec: dict) -> list[bytes]:
    """The exporter's line, and the same record written in other valid ways."""
    reordered = dict(reversed(list(rec.items())))
    return [
        orjson.dumps(rec),
        json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode(),
        json.dumps(rec).encode(),  # ASCII escapes, spaces
        json.dumps(rec, sort_keys=True, separators=(",", ":")).encode(),
        orjson.dumps(reordered),
    ]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(records())
def test_readers_give_what_orjson_gives(rec):
    for line in _forms(rec):
        decoded = orjson.loads(line)
        assert record_id(line) == decoded["id"].replace("-", "")
        assert packed_field_stamps(line) == pack_text(decoded["field_stamps"])


def test_the_exporters_form_is_read_from_the_bytes():
    """The case the readers are for (checked here on its own: the property test above
    would pass as well if they always decoded the whole line)."""
    rec_id = str(uuid.UUID(int=7))
    line = orjson.dumps({"id": rec_id, "title": "x", "field_stamps": {"a": "1"}})
    broken_tail = line + b"\xff not JSON"  # only a reader of the bytes gets through this
    assert record_id(broken_tail) == rec_id.replace("-", "")
    assert packed_field_stamps(b'{"x":1,"field_stamps":{"a":"1"}, not JSON') == '{"a":"1"}'
