"""One incident on A4: every field with its label, the timeline, the referrals and the
attachments list; one page for an ordinary incident, two at most for a long timeline; the
CLI writes the same sheet and refuses an unknown number without leaving a file."""

from __future__ import annotations

from datetime import UTC, datetime

from pypdf import PdfReader

from posko_desktop import cli
from posko_desktop.core.services import incident_print
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import IncidentInput

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def full_incident(ctx, notes: int = 3):
    d = inc.create_incident(ctx, IncidentInput(
        regency_code="33.02", title="Hoaks surat suara tercoblos", category_code="A1",
        severity="tinggi", occurred_at=datetime(2024, 11, 26, 2, 30, tzinfo=UTC),
        source_type="media_sosial", source_detail="https://contoh.id/unggahan/1",
        description="Video lama diunggah ulang dengan klaim baru.", location="Balai desa",
        people_involved=12, victims_dead=0, victims_injured=2, material_loss="Spanduk rusak",
        current_condition="Kondusif", source_contact="Pak Darto", source_phone="0812 555 0101"))
    for i in range(notes):
        inc.add_followup(ctx, d.id, "Catatan tindak lanjut nomor {i}: patroli siber "
                                    "memeriksa ulang unggahan dan akun penyebar.".format(i=i))
    inc.add_referral(ctx, d.id, "BAWASLU", "Mohon klarifikasi")
    inc.attach(ctx, d.id, "tangkapan layar.png", PNG)
    return d


def text_of(path) -> tuple[str, int]:
    reader = PdfReader(str(path))
    return " ".join(p.extract_text() for p in reader.pages), len(reader.pages)


def test_sheet_has_every_field_the_timeline_referrals_and_attachments(any_ctx, tmp_path):
    d = full_incident(any_ctx)
    target = tmp_path / "kejadian.pdf"
    pages = incident_print.print_pdf(any_ctx, d.number, target)
    body, count = text_of(target)
    assert pages == count == 1
    for expected in (d.number, "Hoaks surat suara tercoblos", "Tingkat keparahan", "Tinggi",
                     "A1", "Kab. Banyumas", "26-11-2024 09.30 WIB", "Media sosial", "https://contoh.id/unggahan/1", "Pak Darto",
                     "0812 555 0101", "Spanduk rusak", "Kondusif", "Balai desa",
                     "Video lama diunggah ulang", "Linimasa", "Catatan tindak lanjut nomor 2",
                     "Rujukan", "Mohon klarifikasi", "Lampiran", "tangkapan layar.png",
                     "Halaman 1 dari 1", "Dicetak"):
        assert expected in body, expected
    assert str(d.id) not in body


def test_twenty_follow_ups_fit_on_two_pages(any_ctx, tmp_path):
    d = full_incident(any_ctx, notes=20)
    pages = incident_print.print_pdf(any_ctx, d.number, tmp_path / "panjang.pdf")
    body, count = text_of(tmp_path / "panjang.pdf")
    assert pages == count == 2
    assert "Halaman 2 dari 2" in body and "Catatan tindak lanjut nomor 19" in body


def test_cli_prints_and_refuses_an_unknown_number(ctx, db_path, tmp_path, capsys):
    d = full_incident(ctx)
    target = tmp_path / "cetak.pdf"
    code = cli.main(["--db", str(db_path), "incident", "print", d.number, "--out", str(target),
                     "--lang", "en"])
    assert code == 0, capsys.readouterr().err
    body, count = text_of(target)
    assert count == 1 and "Severity" in body and "High" in body and "Timeline" in body
    missing = tmp_path / "tidak-ada.pdf"
    code = cli.main(["--db", str(db_path), "incident", "print", "3300-24-999999",
                     "--out", str(missing)])
    assert code == 2 and not missing.exists()
    assert not list(tmp_path.glob("*tidak-ada.pdf*"))  # no temporary file left either
