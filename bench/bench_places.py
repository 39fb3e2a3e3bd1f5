"""Place completion in the incident form: one keystroke in the desa editor while no
kecamatan is chosen (the regency's whole desa list, the longest the form offers), and in
the kecamatan editor (the regency's kecamatan), through
the form's real QCompleter (offscreen; typing "kar" key by key, the popup updated after
each key), against the raw baseline (a list comprehension of `in` over the same
lower-cased names, per prefix). Times per keystroke. Target: ≤ 50 ms (issue 17).

    .venv/bin/python bench/run.py --only places
    .venv/bin/python bench/bench_places.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import Row, measure, summary

from posko_desktop.core import places

AREA = "places"
TYPED = "kar"  # many names start with Karang…


def run(_db_path: Path | None, args: argparse.Namespace) -> list[Row]:
    from PySide6.QtTest import QTest  # Qt only in this bench
    from PySide6.QtWidgets import QApplication, QLineEdit

    from posko_desktop.ui.widgets.place_completion import PlaceCompletion

    app = QApplication.instance() or QApplication([])
    index = places.shipped_index()
    regency = max(index.kec_of_regency,
                  key=lambda r: sum(len(index.desa_of_kec[k.code])
                                    for k in index.kec_of_regency[r]))
    kecamatan, desa = QLineEdit(), QLineEdit()
    completion = PlaceCompletion(kecamatan, desa)
    completion.set_regency(regency)
    repeat = getattr(args, "repeat", 50)
    rows = []
    # the desa editor over the regency's whole desa list (no kecamatan chosen: the longest
    # list the form offers), and the kecamatan editor over the regency's kecamatan
    for field, editor, typed in (("desa", desa, TYPED), ("kecamatan", kecamatan, TYPED[:2])):
        names = completion.models[field].stringList()
        editor.show()
        editor.setFocus()

        def typing(editor: QLineEdit = editor, typed: str = typed) -> None:
            editor.clear()  # real keystrokes, the popup showing the matches
            app.processEvents()
            QTest.keyClicks(editor, typed)
            app.processEvents()

        times = [t / len(typed) for t in measure(typing, repeat, warmup=3)]
        assert editor.completer().completionCount() == sum(typed in n.casefold() for n in names)
        med, p95 = summary(times)
        lowered = [n.casefold() for n in names]

        def raw(lowered: list[str] = lowered, typed: str = typed) -> None:
            for n in range(1, len(typed) + 1):  # the same filterings as plain Python
                key = typed[:n]
                [x for x in lowered if key in x]

        rmed, rp95 = summary([t / len(typed) for t in measure(raw, repeat, warmup=3)])
        rows.append(Row(AREA, "{f} completion, one keystroke ({n} names of {r})".format(
            f=field, n=len(names), r=regency), med, p95, raw_median=rmed, raw_p95=rp95,
            target="p95 ≤ 50", ok=p95 <= 50))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    for r in run(None, args):
        print(r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
