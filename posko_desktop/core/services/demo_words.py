"""The demo generator's data: how incidents spread over regencies, categories, severities,
sources and hours, and the Indonesian words they are written with (services/demo.py)."""

from __future__ import annotations

from posko_desktop.core.domain import SourceType

# --- weights ---------------------------------------------------------------------------

# Roughly population (×100k) with extra weight for the busy cities.
REGENCY_WEIGHTS: dict[str, float] = {
    "33.01": 20, "33.02": 18, "33.03": 10, "33.04": 10, "33.05": 14, "33.06": 8,
    "33.07": 9, "33.08": 13, "33.09": 11, "33.10": 13, "33.11": 9, "33.12": 10,
    "33.13": 9, "33.14": 10, "33.15": 15, "33.16": 9, "33.17": 6, "33.18": 13,
    "33.19": 9, "33.20": 12, "33.21": 12, "33.22": 11, "33.23": 8, "33.24": 10,
    "33.25": 8, "33.26": 10, "33.27": 13, "33.28": 15, "33.29": 20,
    "33.71": 2, "33.72": 9, "33.73": 2, "33.74": 26, "33.75": 3, "33.76": 3,
}

CATEGORY_WEIGHTS: dict[str, float] = {
    "A1": 18, "A5": 7, "A6": 3, "A7": 1, "A8": 0.5,
    "B1": 7, "B2": 3, "B3": 1, "B4": 0.3,
    "C1": 5, "C2": 0.5, "C3": 0.7, "C4": 3, "C5": 1.5, "C6": 1.5, "C7": 1,
    "D1": 3, "D2": 1.5, "D3": 1, "D4": 1, "D5": 0.5, "D6": 0.2, "D7": 1,
    "E1": 7, "E2": 5, "E3": 2, "E4": 2, "E5": 1,
    "F1": 3, "F2": 2.5, "F3": 1.5, "F4": 1, "F5": 0.3, "F6": 1, "F7": 0.2, "F8": 0.3,
    "F9": 0.3, "F10": 0.4, "F11": 0.5, "F12": 0.6, "F13": 0.3,
    "H1": 8, "H2": 4, "H3": 6, "H4": 1,
    "G1": 2, "G2": 1, "G9": 2,
}

# Severity weights (rendah, sedang, tinggi, kritis) per category group.
SEVERITY_WEIGHTS: dict[str, tuple[float, float, float, float]] = {
    "A": (40, 35, 20, 5), "B": (25, 40, 28, 7), "C": (35, 40, 20, 5),
    "D": (15, 30, 35, 20), "E": (55, 32, 11, 2), "F": (30, 38, 24, 8), "G": (35, 35, 22, 8),
    "H": (30, 35, 27, 8),
}

SOURCE_WEIGHTS: dict[str, tuple[tuple[SourceType, float], ...]] = {
    "A": ((SourceType.MEDIA_SOSIAL, 80), (SourceType.MEDIA_MASSA, 8), (SourceType.MASYARAKAT, 8),
          (SourceType.OPD, 4)),
    "B": ((SourceType.MASYARAKAT, 40), (SourceType.BAWASLU, 35), (SourceType.LAPANGAN, 15),
          (SourceType.MEDIA_SOSIAL, 10)),
    "C": ((SourceType.BAWASLU, 40), (SourceType.MASYARAKAT, 25), (SourceType.MEDIA_MASSA, 20),
          (SourceType.MEDIA_SOSIAL, 15)),
    "D": ((SourceType.POLRI_TNI, 45), (SourceType.LAPANGAN, 35), (SourceType.MEDIA_MASSA, 20)),
    "E": ((SourceType.LAPANGAN, 50), (SourceType.OPD, 25), (SourceType.BAWASLU, 25)),
    "F": ((SourceType.LAPANGAN, 45), (SourceType.BAWASLU, 35), (SourceType.MEDIA_MASSA, 20)),
    "G": ((SourceType.OPD, 45), (SourceType.LAPANGAN, 45), (SourceType.MEDIA_MASSA, 10)),
    "H": ((SourceType.MEDIA_SOSIAL, 60), (SourceType.LAPANGAN, 20), (SourceType.POLRI_TNI, 10),
          (SourceType.MASYARAKAT, 10)),
}

AGENCIES_BY_GROUP: dict[str, tuple[str, ...]] = {
    "A": ("KOMDIGI", "POLRI", "BAWASLU"), "B": ("BAWASLU", "GAKKUMDU"),
    "C": ("BAWASLU", "BKN", "KODIM", "POLRI"), "D": ("POLRI", "KODIM", "SATPOLPP"),
    "E": ("SATPOLPP", "BAWASLU"), "F": ("KPU", "BAWASLU"), "G": ("BPBD", "OPD"),
    "H": ("POLRI", "BAWASLU", "KOMDIGI"),
}

# Activity over the day (WIB hour 0..23).
HOUR_WEIGHTS = (1, 0.6, 0.4, 0.4, 0.8, 1.5, 2.5, 4, 5.5, 6.5, 7, 7, 6.5, 6.5, 6.5, 6, 6, 6,
                6.5, 7, 6.5, 5, 3.5, 2)

# --- words -----------------------------------------------------------------------------

PLACES = ("Balai Desa {desa}", "TPS {tps:02d} Desa {desa}", "Pasar {desa}",
           "Kantor Kecamatan {kec}", "Jalan Raya {kec}", "Alun-alun {kec}",
           "Simpang tiga {desa}", "Lapangan {desa}", "SD Negeri {tps} {desa}",
           "Pos kamling RT {tps:02d} {desa}", "Gudang logistik PPK {kec}",
           "Kantor PPS {desa}", "Masjid Jami {desa}", "Terminal {kec}")
PLATFORMS = ("Facebook", "TikTok", "Instagram", "X", "WhatsApp", "YouTube")
PLATFORM_URL = {"Facebook": "https://facebook.com/{acct}/posts/{n}",
                 "TikTok": "https://tiktok.com/@{acct}/video/{n}",
                 "Instagram": "https://instagram.com/p/{n}",
                 "X": "https://x.com/{acct}/status/{n}",
                 "WhatsApp": "Grup WhatsApp warga {desa}",
                 "YouTube": "https://youtube.com/watch?v={n}"}
ACCOUNTS = ("infowarga", "suarajateng", "kabarterkini", "rakyatbicara", "beritadesa",
             "jatengviral", "wargapeduli", "netizen_kritis", "fakta_lokal", "kabar_tps")
MEDIA = ("Suara Merdeka", "Tribun Jateng", "Radar Semarang", "Kompas.com", "detikJateng",
          "Solopos", "Radar Banyumas", "Jateng Pos")
CANDIDATES = ("paslon 01", "paslon 02", "paslon 03", "salah satu paslon", "tim pemenangan")
OPERATORS = ("rina", "budi", "sari", "agus", "dewi", "yusuf", "wulan", "hendra")
# the flash report's fields, for security incidents (D) and damage (D5, E1)
CONTACTS = ("Bripka Sugeng (Polsek)", "Serka Wahyudi (Koramil)", "Pak Slamet, Kades",
             "Ibu Endang, Panwascam", "Mas Joko, PPK", "Pak Darmaji, Linmas")
LOSSES = ("Kaca jendela pecah", "1 sepeda motor rusak", "Spanduk dan baliho rusak",
           "Pintu kantor rusak", "2 unit APK roboh", "Tenda dan kursi rusak")
CONDITIONS = ("Situasi kondusif, aparat berjaga di lokasi.",
               "Massa sudah membubarkan diri; patroli dilanjutkan.",
               "Korban dirawat di puskesmas; pelaku dalam pencarian.",
               "Kedua pihak sudah dimediasi di kantor kecamatan.")
SUPERVISORS = ("kabid.kesbang", "supervisor.anik", "supervisor.bambang")

TITLES: dict[str, tuple[str, ...]] = {
    "A1": ("Hoaks surat suara sudah dicoblos beredar di {platform}",
           "Disinformasi jadwal pemungutan suara diundur di {platform}",
           "Video lama kericuhan disebar ulang sebagai kejadian di {kec}",
           "Hoaks {cand} mundur dari pencalonan beredar di {platform}"),
    "H1": ("Ujaran kebencian terhadap {cand} di {platform}",
           "Orasi bernada kebencian saat kampanye di {desa}"),
    "H2": ("Konten bernuansa SARA menyudutkan {cand}", "Ceramah politisasi agama di {desa}"),
    "H3": ("Ajakan menolak hasil pemilihan di {platform}",
           "Provokasi mengerahkan massa ke kantor PPK {kec}"),
    "H4": ("Ajakan golput beredar di {platform}", "Spanduk ajakan boikot Pilkada di {desa}"),
    "A7": ("Video deepfake {cand} beredar di {platform}",),
    "A8": ("Data pribadi anggota KPPS {desa} disebar di {platform}",),
    "A5": ("Kampanye hitam terhadap {cand} di {platform}", "Selebaran fitnah di {desa}"),
    "A6": ("Konten kampanye {cand} diunggah pada masa tenang",
           "Iklan berbayar {cand} tayang saat masa tenang"),
    "B1": ("Dugaan pembagian sembako oleh tim {cand} di {desa}",
           "Dugaan bagi-bagi uang di {desa}"),
    "B2": ("Dugaan serangan fajar di {desa}", "Amplop berisi uang ditemukan warga {desa}"),
    "B3": ("Dugaan mahar politik dalam pencalonan di {kec}",),
    "C1": ("ASN ikut kampanye {cand} di {kec}", "Kepala sekolah unggah dukungan kepada {cand}"),
    "C2": ("Dugaan keterlibatan oknum TNI dalam kegiatan kampanye di {kec}",),
    "C3": ("Dugaan oknum Polri tidak netral di {kec}",),
    "C4": ("Kepala Desa {desa} diduga mengarahkan warga memilih {cand}",
           "Perangkat desa {desa} hadir di kampanye {cand}"),
    "C5": ("Anggota KPPS {desa} diduga berpihak", "PPS {desa} diduga membantu tim {cand}"),
    "C7": ("Pj kepala daerah diduga menggerakkan ASN untuk {cand}",),
    "B4": ("Dugaan suap kepada anggota PPK {kec}",),
    "D7": ("Unjuk rasa damai di kantor KPU", "Aksi damai mahasiswa di alun-alun {kec}"),
    "C6": ("Mobil dinas dipakai untuk kampanye di {kec}",
           "Gedung pemerintah dipakai rapat tim {cand}"),
    "D1": ("Intimidasi terhadap saksi di {desa}", "Ancaman kepada penyelenggara di {kec}"),
    "D2": ("Penganiayaan relawan {cand} di {desa}",),
    "D3": ("Bentrok pendukung di {kec}", "Gesekan massa pendukung di jalan raya {kec}"),
    "D4": ("Unjuk rasa di kantor KPU", "Aksi massa di kantor Panwaslu {kec}"),
    "D5": ("Perusakan kantor PPS {desa}", "Pelemparan batu ke kantor PPK {kec}"),
    "D6": ("Teror di rumah penyelenggara di {desa}",),
    "E1": ("Perusakan APK {cand} di {desa}", "Baliho {cand} dicopot orang tak dikenal di {kec}"),
    "E2": ("APK dipasang di pohon dan tiang listrik di {kec}",
           "Baliho di zona terlarang jalan protokol {kec}"),
    "E3": ("Kampanye di tempat ibadah di {desa}", "Kampanye di sekolah di {kec}"),
    "E4": ("Kampanye di luar jadwal di {desa}", "Pawai kendaraan di luar jadwal di {kec}"),
    "E5": ("Pelibatan anak dalam kampanye {cand} di {desa}",),
    "F1": ("Warga tidak terdaftar di DPT di {desa}", "Nama ganda di DPT {desa}"),
    "F2": ("Distribusi logistik terlambat ke {kec}", "Surat suara rusak di gudang PPK {kec}",
           "Kekurangan surat suara di TPS {desa}"),
    "F3": ("Antrean panjang di TPS {desa}", "Pemilih tanpa C6 ditolak di TPS {desa}",
           "Keberatan saksi saat penghitungan di TPS {desa}"),
    "F4": ("Keberatan saksi saat rekapitulasi di PPK {kec}",
           "Rekapitulasi di PPK {kec} tertunda"),
    "F5": ("Rekomendasi PSU di TPS {desa}",),
    "F6": ("Gangguan aplikasi Sirekap di {kec}",),
    "F7": ("Pemungutan suara susulan di TPS {desa}",),
    "F8": ("Penghitungan suara ulang di TPS {desa}",),
    "F9": ("Dugaan penggelembungan suara saat rekapitulasi di PPK {kec}",),
    "F10": ("Pengawas TPS {desa} dihalangi saat penghitungan",),
    "F11": ("TPS {desa} berada di lokasi rawan banjir",),
    "F12": ("Listrik padam saat penghitungan di {desa}", "Jaringan internet hilang di TPS {desa}"),
    "F13": ("Warga {desa} mendapati NIK-nya dicatut untuk dukungan calon perseorangan",),
    "G1": ("Banjir mengganggu TPS di {desa}", "Tanah longsor menutup akses ke {desa}",
           "Angin kencang merobohkan tenda TPS di {desa}"),
    "G2": ("Petugas KPPS {desa} kelelahan dan dirawat", "Petugas pengamanan TPS {desa} sakit"),
    "G9": ("Laporan warga tentang situasi di {kec}", "Informasi lain terkait Pilkada di {kec}"),
}
DESCRIPTIONS = (
    "Laporan diterima posko dan sedang dicek kebenarannya.",
    "Informasi awal dari {source}; perlu konfirmasi ke Panwascam {kec}.",
    "Kejadian diketahui warga sekitar {loc}.",
    "Sudah dikoordinasikan dengan Forkopimcam {kec}.",
    "Beberapa warga menyampaikan keresahan terkait kejadian ini.",
    "Bukti berupa foto dan tangkapan layar disimpan pelapor.",
    "Situasi di lokasi kondusif, dipantau aparat setempat.",
    "Pelapor meminta identitasnya dirahasiakan.",
)
NOTES = (
    "Sudah dikonfirmasi ke camat {kec}.", "Menunggu laporan dari Panwascam.",
    "Tim turun ke lokasi.", "Situasi kondusif.", "Koordinasi dengan Babinsa dan Bhabinkamtibmas.",
    "Pelapor dihubungi kembali, informasi tambahan diterima.",
    "Dipantau terus perkembangannya.", "Bukti tambahan diterima dari pelapor.",
)
REJECT_REASONS = ("Bukan kejadian terkait Pilkada.", "Laporan ganda.",
                   "Informasi terbukti tidak benar.", "Di luar wilayah Jawa Tengah.")
UNVERIFIABLE_REASONS = ("Pelapor tidak dapat dihubungi.", "Tidak ada bukti pendukung.",
                         "Lokasi tidak dapat dipastikan.")
RESOLVE_TEXT = ("Sudah ditangani, situasi kondusif.", "Ditindaklanjuti oleh instansi terkait.",
                 "APK sudah ditertibkan.", "Konten sudah diturunkan platform.",
                 "Selesai dengan mediasi di tingkat desa.", "")
REFERRAL_TEXT = "Diteruskan ke {agency} untuk ditindaklanjuti."
ANSWER_TEXT = ("Sudah diterima dan sedang ditangani.", "Tim sudah diterjunkan.",
                "Dalam proses klarifikasi.")
DONE_TEXT = ("Selesai ditangani.", "Sudah ditindak sesuai ketentuan.", "Kasus ditutup.")
