"""Place completion in the incident form: one keystroke in the desa editor while no
kecamatan is chosen (the regency's whole desa list, the longest the form offers), through
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
    names = completion.models["desa"].stringList()
    desa.show()
    desa.setFocus()
    repeat = getattr(args, "repeat", 50)

    def typing() -> None:  # three real keystrokes, the popup showing the matches
        desa.clear()
        app.processEvents()
        QTest.keyClicks(desa, TYPED)
        app.processEvents()

    times = [t / len(TYPED) for t in measure(typing, repeat, warmup=3)]
    assert desa.completer().completionCount() == sum(TYPED in n.casefold() for n in names)
    med, p95 = summary(times)
    lowered = [n.casefold() for n in names]

    def raw() -> None:  # the same three filterings as plain Python
        for n in range(1, len(TYPED) + 1):
            key = TYPED[:n]
            [x for x in lowered if key in x]

    rmed, rp95 = summary([t / len(TYPED) for t in measure(raw, repeat, warmup=3)])
    rmed, rp95 = summary(measure(raw, repeat, warmup=3))
    return [Row(AREA, "desa completion, one keystroke ({n} names of {r})".format(
        n=len(names), r=regency), med, p95, raw_median=rmed, raw_p95=rp95,
        target="p95 ≤ 50", ok=p95 <= 50)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    for r in run(None, args):
        print(r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
