"""installer/icu_trim.py: Qt's ICU data rebuilt with only root/id/en locale data and the
Western code pages. Proven on this venv's own libicudata with Qt loading the trimmed copy
(LD_PRELOAD: the same soname is then not loaded again from Qt's folder)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "installer"))
import icu_trim

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="Qt's PyPI wheels ship ICU only on Linux")

PROBE = """
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone
c = QCollator(QLocale("id_ID"))
print(sorted(["Zebra", "ábaca", "apel", "Banyumas", "Éclair", "cilacap"], key=c.sortKey))
print(QLocale("id_ID").toUpper("ilir"), QLocale("tr_TR").toUpper("i"))
tz = QTimeZone(b"Asia/Jakarta")
print(tz.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("id_ID")))
print(tz.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("en_US")))
print("windows-1252", QStringDecoder("windows-1252").isValid())
print("Shift_JIS", QStringDecoder("Shift_JIS").isValid())
"""


def qt_icu_data() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    assert found, "this PySide6 wheel ships no libicudata"
    return found[0]


def probe(preload: Path | None) -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if preload is not None:
        env["LD_PRELOAD"] = str(preload)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, check=True)
    return out.stdout.splitlines()


def test_the_trimmed_library_keeps_what_the_app_uses_and_is_a_third_of_the_size(tmp_path):
    full = qt_icu_data()
    small = icu_trim.trim(full, tmp_path)
    assert small.name == full.name
    assert small.stat().st_size < full.stat().st_size * 0.35
    before, after = probe(None), probe(small)
    # Indonesian collation, case mapping (incl. the Turkish rule kept in the core data),
    # time-zone names in both languages, the Western code pages: unchanged.
    assert after[:4] == before[:4]
    assert after[2] == "Waktu Indonesia Barat" and after[3] == "Western Indonesia Time"
    assert "windows-1252 True" in after
    # And something was really left out: the Japanese code page.
    assert "Shift_JIS True" in before and "Shift_JIS False" in after


def test_only_other_locales_and_far_code_pages_are_dropped():
    items = ["root.res", "id.res", "en_GB.res", "de.res", "de_.res", "coll/de.res",
             "coll/id.res", "coll/pool.res", "brkitr/th.res", "brkitr/thaidict.dict",
             "zone/en.res", "zone/fr_CA.res", "uprops.icu", "supplementalData.res",
             "metaZones.res", "zoneinfo64.res", "ibm-5348_P100-1997.cnv", "gb18030.cnv",
             "translit/root.res", "cnvalias.icu"]
    assert icu_trim.dropped(items) == ["de.res", "de_.res", "coll/de.res",
                                       "zone/fr_CA.res", "gb18030.cnv"]


def test_missing_tools_are_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(icu_trim.TrimError, match="icupkg, genccode, gcc"):
        icu_trim.trim(qt_icu_data(), tmp_path)
