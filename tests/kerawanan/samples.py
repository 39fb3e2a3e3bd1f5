"""Sample files of our kerawanan templates, written for the tests (seeded, so the same every
run): a TPS register (CSV), Bawaslu's IKP (CSV), the TPS-rawan mapping (XLSX) and Polda's
classes (CSV), over desa of the shipped place list. `independent_counts` reads the files
back with the csv module and openpyxl alone, not with the app's reader."""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

import openpyxl

from posko_desktop.core.resources import resource_path

VARIABLES = ("hak_pilih", "keamanan", "politik_uang", "sara", "netralitas", "logistik",
             "lokasi_tps", "listrik_internet")
REGENCIES = [*("33.{:02d}".format(i) for i in range(1, 30)),
             *("33.{}".format(i) for i in range(71, 77))]


def desa_codes() -> list[str]:
    with resource_path("data", "wilayah-33.csv").open(encoding="utf-8", newline="") as fh:
        return [r["kode"] for r in csv.DictReader(fh) if r["tingkat"] == "desa/kelurahan"]


def write_samples(folder: Path, seed: int = 17, desa_count: int = 400) -> dict[str, Path]:
    rnd = random.Random(seed)
    desa = sorted(rnd.sample(desa_codes(), desa_count))
    tps = [(d, n) for d in desa for n in range(1, rnd.randint(2, 9))]
    paths = {name: folder / file for name, file in (
        ("tps", "tps.csv"), ("ikp", "ikp.csv"), ("tps_rawan", "tps-rawan.xlsx"),
        ("polda", "polda.csv"))}
    with paths["tps"].open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Kode desa", "Nomor TPS", "DPT", "Alamat", "Lintang", "Bujur"])
        for d, n in tps:
            w.writerow([d, n, rnd.randint(150, 600), "Balai dusun {n}".format(n=n),
                        round(-7 - rnd.random(), 5), round(110 + rnd.random(), 5)])
    with paths["ikp"].open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Kode kabupaten/kota", "Skor IKP", "Kategori IKP", "Konteks sosial politik",
                    "Penyelenggaraan pemilu", "Kontestasi", "Partisipasi"])
        for code in REGENCIES:
            score = round(rnd.uniform(20, 80), 2)
            level = "rendah" if score < 40 else "sedang" if score < 60 else "tinggi"
            w.writerow([code.replace(".", ""), score, level.upper() if rnd.random() < .2
                        else level, *(round(rnd.uniform(10, 90), 2) for _ in range(4))])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kode desa", "Nomor TPS", "Penggunaan hak pilih", "Keamanan", "Politik uang",
               "SARA", "Netralitas", "Logistik", "Lokasi TPS", "Listrik dan internet"])
    for d, n in tps:
        if rnd.random() < 0.6:
            ws.append([d, n, *(rnd.choice(["", "", "", "", "1", "x", "ya"]) for _ in VARIABLES)])
    wb.save(paths["tps_rawan"])
    with paths["polda"].open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Kode desa", "Nomor TPS", "Kelas Polda"])
        for d, n in tps:
            if rnd.random() < 0.5:
                w.writerow([d, n, rnd.choice(["Kurang rawan", "Rawan", "rawan",
                                              "Sangat Rawan", "sangat-rawan"])])
    return paths


def independent_counts(paths: dict[str, Path]) -> dict[str, Counter[str]]:
    """Counts per regency (code) and per kecamatan (code) read straight from the files."""
    out: dict[str, Counter[str]] = {k: Counter() for k in (
        "tps", "rawan_regency", "rawan_kecamatan", "polda_rawan", "polda_sangat",
        "polda_rawan_kecamatan", "ikp_tinggi")}
    with paths["tps"].open(encoding="utf-8", newline="") as fh:
        for row in list(csv.reader(fh, delimiter=";"))[1:]:
            out["tps"][row[0][:5]] += 1
    wb = openpyxl.load_workbook(paths["tps_rawan"], read_only=True)
    for row in list(wb.active.iter_rows(values_only=True))[1:]:
        if any(str(v or "").strip() not in ("", "0") for v in row[2:]):
            out["rawan_regency"][row[0][:5]] += 1
            out["rawan_kecamatan"][row[0][:8]] += 1
    with paths["polda"].open(encoding="utf-8", newline="") as fh:
        for row in list(csv.reader(fh, delimiter=";"))[1:]:
            level = row[2].lower().replace("-", " ")
            if level == "rawan":
                out["polda_rawan"][row[0][:5]] += 1
                out["polda_rawan_kecamatan"][row[0][:8]] += 1
            elif level == "sangat rawan":
                out["polda_sangat"][row[0][:5]] += 1
    with paths["ikp"].open(encoding="utf-8", newline="") as fh:
        for row in list(csv.reader(fh))[1:]:
            if row[2].lower() == "tinggi":
                out["ikp_tinggi"]["{}.{}".format(row[0][:2], row[0][2:])] += 1
    return out
