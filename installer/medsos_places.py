"""Write the place names of the social-media lexicon (resources/medsos/lexicon-v1.json).

Regencies come from resources/regencies.json, kecamatan from the Kemendagri code list
`wilayah-33.csv` (MIT, see resources/THIRD-PARTY.md). Names that are also ordinary words
("Bulu", "Batang", "Salam") only count after "kecamatan"/"kec"/"kabupaten"/"kab"/"kota":
they are listed in `CONTEXT_ONLY`. Usage:

    .venv/bin/python installer/medsos_places.py /work/shared/data/wilayah-33.csv
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEXICON = ROOT / "resources" / "medsos" / "lexicon-v1.json"
# Place names that are everyday Indonesian or Javanese words (or slang the normaliser maps).
CONTEXT_ONLY = {
    "ayah", "bae", "baki", "bandar", "batang", "bawang", "bener", "bulu", "butuh", "dukun",
    "gabus", "gajah", "gebang", "gemuh", "guntur", "jambu", "jati", "kedung", "kembang",
    "kemiri", "kramat", "larangan", "miri", "musuk", "pakis", "rakit", "salam", "sale",
    "salem", "sambi", "sawit", "sedan", "selo", "simo", "suruh", "talang", "talun", "taman",
    "tambak", "tanjung", "teras", "tugu", "tulis", "tulung", "wedi", "weru", "kota", "doro",
    "kajen", "pati", "sumber", "tarub", "ceper", "sarang", "tahunan", "bandungan",
    "kepil", "bonang", "gesi", "jumo", "kedu", "moga", "reban", "subah", "maos", "tayu",
}
ALIASES = {"33.72": ["solo"]}


def places(wilayah: Path) -> list[dict[str, object]]:
    regencies = json.loads((ROOT / "resources" / "regencies.json").read_text("utf-8"))
    out: list[dict[str, object]] = []
    for r in regencies["regencies"]:
        name = r["name"]
        out.append({"name": name, "kind": r["kind"], "regency": r["code"],
                    "context_only": name.lower() in CONTEXT_ONLY})
        for alias in ALIASES.get(r["code"], []):
            out.append({"name": alias.title(), "kind": r["kind"], "regency": r["code"],
                        "context_only": False})
    with wilayah.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["tingkat"] != "kecamatan":
                continue
            name = row["nama"].strip()
            out.append({"name": name, "kind": "kecamatan", "regency": row["kode"][:5],
                        "code": row["kode"], "context_only": name.lower() in CONTEXT_ONLY})
    return out


def main() -> None:
    data = json.loads(LEXICON.read_text("utf-8"))
    data["places"] = places(Path(sys.argv[1]))
    LEXICON.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
