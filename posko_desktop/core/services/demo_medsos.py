"""Demo Pantau Medsos data (issue 16) for the demo period: posts in Indonesian on the
platforms in the proportions the desk sees (TikTok first, then Facebook, WhatsApp, X,
Instagram, YouTube, Telegram), many near-duplicate variants of the same claims (case,
slang spellings, additions, another account), everyday chatter that stays in the triage
queue, hoax cases at every stage (verdicts approved by a second supervisor, clarifications
published) and take-down requests with their re-checks.

Written by `demo.generate` in its transaction; the same seed gives the same data (ids
from the seeded generator, stamps from the records' own times).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import new_stamp
from posko_desktop.core.db.models import Regency
from posko_desktop.core.db.models_kerawanan import CandidatePair
from posko_desktop.core.db.models_medsos import HoaxCase, SocialPost, TakedownRequest
from posko_desktop.core.domain import PROVINCE_CODE
from posko_desktop.core.medsos.drafts import Engagement, Platform, PostDraft
from posko_desktop.core.medsos.normalize import normalise
from posko_desktop.core.medsos.urls import parse_url
from posko_desktop.core.services.demo_activities import uuid7_at
from posko_desktop.core.services.demo_words import SUPERVISORS
from posko_desktop.core.services.medsos.common import iso, next_number, site_tag
from posko_desktop.core.services.medsos.lexicon import lexicon_in
from posko_desktop.core.services.medsos.posts import post_row
from posko_desktop.core.sync.kinds import HOAX_CASES, TAKEDOWNS
from posko_desktop.core.timeutil import WIB

PLATFORM_WEIGHTS = {Platform.TIKTOK: 34, Platform.FACEBOOK: 24, Platform.WHATSAPP: 14,
                    Platform.X: 11, Platform.INSTAGRAM: 9, Platform.YOUTUBE: 5,
                    Platform.TELEGRAM: 3}
ACCOUNTS = ("jateng.viral", "info_warga_kendal", "suara.rakyat.jtg", "kabar_solo_raya",
            "pantura_update", "wong.banyumas", "semarang.terkini", "netizen.pati",
            "relawan.bersatu", "berita.desa.id", "lambe_jateng", "info.klaten")


@dataclass(frozen=True)
class Claim:
    claim: str
    category: str
    verdict: str
    variants: tuple[str, ...]  # {p}: a place, {n}: a number
    reasoning: str
    clarification: str


CLAIMS = (
    Claim("Surat suara sudah tercoblos untuk salah satu paslon sebelum hari pemungutan",
          "hoaks", "salah",
          ("Surat suara sdh tercoblos di TPS {n} {p}, KPU curang bgt!!! viralkan",
           "VIRAL surat suara sudah dicoblos duluan di {p}. KPU curang, sebarkan sebelum dihapus",
           "surat suara tercoblos paslon nomor 2 ditemukan di gudang logistik {p}??",
           "Ini bukti KPU curang: surat suara udah tercoblos di TPS {n} {p}"),
          "KPU kabupaten memastikan surat suara disegel di gudang dan baru didistribusikan "
          "H-1; video berasal dari simulasi pemungutan suara.",
          "Tidak benar ada surat suara tercoblos sebelum hari pemungutan. Video adalah "
          "simulasi pemungutan suara oleh KPPS."),
    Claim("Serangan fajar amplop Rp50.000 per kepala dibagikan tim paslon", "provokasi",
          "tidak_dapat_diverifikasi",
          ("Serangan fajar sudah jalan di {p}, amplop 50rb/kepala, wani piro?",
           "amplop serangan fajar dibagi2 tadi malam di {p}",
           "Warga {p} dapat amplop 50 ribu semalam sebelum coblosan. Bawaslu kemana?"),
          "Bawaslu belum menemukan bukti pembagian uang; pelapor tidak dapat dihubungi.",
          "Bawaslu menelusuri laporan dugaan politik uang dan mengajak warga melapor "
          "dengan bukti."),
    Claim("Kotak suara dibuka petugas pada malam hari sebelum rekapitulasi", "hoaks",
          "menyesatkan",
          ("Video kotak suara dibuka malam hari di Kecamatan {p}, ada apa ini?",
           "kotak suara dibuka malem2 di kec {p}!! rekap dicurangi",
           "Kotak suara dibongkar tengah malam di PPK {p}, tolong diviralkan"),
          "PPK membuka kotak suara sesuai jadwal rekapitulasi dan disaksikan saksi serta "
          "Panwascam.",
          "Pembukaan kotak suara dalam video dilakukan sesuai jadwal rekapitulasi dan "
          "disaksikan saksi."),
    Claim("DPT memuat ribuan pemilih siluman dan orang yang sudah meninggal", "hoaks",
          "sebagian_benar",
          ("DPT siluman! ribuan nama orang meninggal masih terdaftar di {p}",
           "Ada {n}00 pemilih siluman di DPT {p}, KPU tutup mata",
           "data pemilih di {p} banyak yg sudah meninggal masih tercantum, curang"),
          "Sebagian pemilih meninggal belum dicoret karena akta kematian terlambat; jumlahnya "
          "jauh di bawah klaim dan sudah ditandai TMS.",
          "Benar ada pemilih meninggal yang belum dicoret, tetapi jumlahnya puluhan, bukan "
          "ribuan, dan sudah ditandai tidak memenuhi syarat."),
    Claim("Paslon tertentu disebut antek asing dan anti agama", "sara", "salah",
          ("Jangan pilih antek asing, paslon ini anti agama! sebarkan",
           "paslon antek aseng mau hapus pengajian di {p}",
           "Awas calon kafir dan antek asing menang di {p}"),
          "Tuduhan tidak berdasar; disampaikan untuk memecah belah pemilih.",
          "Tuduhan bernuansa SARA ini tidak berdasar. Mari jaga Pilkada damai."),
    Claim("Ajakan mendatangi kantor KPU dengan membawa senjata tajam", "provokasi", "salah",
          ("Besok kita geruduk KPU {p}, bawa senjata, bakar kantornya!",
           "ayo serbu kantor KPU {p} rame2, bawa celurit",
           "Kumpul jam 9 di alun2 {p} lalu geruduk KPU, siap perang"),
          "Polres memastikan tidak ada rencana pengerahan massa; akun penyebar diproses.",
          "Ajakan kekerasan ini provokasi. Aparat menjaga kantor KPU; laporkan ajakan "
          "serupa ke Posko."),
)
CHATTER = (
    "Jadwal debat publik calon bupati {p} malam ini jam 19.00, jangan lupa nonton",
    "Sudah cek nama di DPT online? caranya gampang lewat cekdptonline",
    "Besok libur nasional pemungutan suara, TPS buka jam 7 pagi",
    "Kampanye akbar di lapangan {p} berjalan lancar dan tertib",
    "Petugas KPPS {p} gladi bersih persiapan pemungutan suara",
    "Mari datang ke TPS, satu suara menentukan masa depan {p}",
    "Hasil quick count belum resmi, tunggu rekapitulasi KPU ya",
    "Relawan bersih2 baliho selesai masa tenang di {p}",
)
VIEW_SCALE = {Platform.TIKTOK: 25_000, Platform.YOUTUBE: 8_000, Platform.INSTAGRAM: 6_000,
              Platform.X: 3_000, Platform.FACEBOOK: 2_000, Platform.TELEGRAM: 1_500,
              Platform.WHATSAPP: 0}
STAGES = (4, 3, 2, 1, 0, 3)  # per claim: published and monitored ... just opened
CHANNELS = ("Instagram @poskopilkadajateng", "Situs jatengprov.go.id", "Siaran pers Diskominfo")


def _url(platform: Platform, rng: random.Random, account: str) -> str:
    n = rng.randrange(10**18, 10**19)
    if platform is Platform.TIKTOK:
        return "https://www.tiktok.com/@{a}/video/{n}?is_from_webapp=1".format(a=account, n=n)
    if platform is Platform.FACEBOOK:
        return "https://m.facebook.com/story.php?story_fbid=pfbid0{n}&id=1000{m}".format(
            n=n, m=rng.randrange(10**8, 10**9))
    if platform is Platform.X:
        return "https://twitter.com/{a}/status/{n}?s=20".format(a=account.replace(".", "_"), n=n)
    if platform is Platform.INSTAGRAM:
        code = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789")
                       for _ in range(11))
        return "https://www.instagram.com/reel/{c}/?igsh=MWQ1".format(c=code)
    if platform is Platform.YOUTUBE:
        code = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789_-")
                       for _ in range(11))
        return "https://youtu.be/{c}?si=xyz".format(c=code)
    return "https://t.me/{a}/{n}".format(a=account.replace(".", "_"), n=n % 100_000)


def _variant(text: str, rng: random.Random) -> str:
    """A near-duplicate: shouted, with an addition, or with a tag, as reposts are."""
    choice = rng.random()
    if choice < 0.25:
        return text.upper()
    if choice < 0.5:
        return text + rng.choice((" 😡😡", " #pilkadajateng", " !!!", " (copas dari grup)"))
    if choice < 0.7:
        return "Fwd: " + text
    return text


def _draft(platform: Platform, text: str, posted: datetime, rng: random.Random,
           now: datetime) -> PostDraft:
    account = rng.choice(ACCOUNTS)
    scale = VIEW_SCALE[platform]
    views = int(rng.lognormvariate(0, 1.3) * scale) if scale else None
    shares = int(rng.lognormvariate(0, 1.2) * (scale or 400) / 40)
    d = PostDraft(platform=platform, text=text, text_normalised=normalise(text),
                  posted_at=posted.astimezone(UTC), account_name=account.replace(".", " ").title(),
                  engagement=Engagement(views, shares * 3, shares, shares // 2,
                                        min(now, posted + timedelta(hours=6))))
    if platform is Platform.WHATSAPP:
        d.post_id = "wa-demo-{n:016x}".format(n=rng.getrandbits(64))
        d.account_id = "tel-{n:016x}".format(n=rng.getrandbits(64))
        return d
    parsed = parse_url(_url(platform, rng, account))
    d.url, d.canonical_url, d.post_id, d.account_handle = (parsed.url, parsed.canonical,
                                                           parsed.post_id, parsed.handle)
    return d


def add_demo_medsos(s: Session, *, site_code: str, username: str, first_day: date, days: int,
                    seed: int, now: datetime) -> dict[str, int]:
    """Posts (about 12 a day), cases and take-downs for the period that has begun."""
    rng = random.Random("medsos-{s}".format(s=seed))
    lexicon, version = lexicon_in(s)
    places = list(s.execute(select(Regency.code, Regency.name).order_by(Regency.code)))
    platforms, weights = list(PLATFORM_WEIGHTS), list(PLATFORM_WEIGHTS.values())
    # claims surface over the period, each with a burst of reposts
    items: list[tuple[datetime, PostDraft, int | None, str]] = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for _n in range(rng.randint(8, 16)):
            posted = datetime.combine(day, time(rng.randint(6, 23), rng.randint(0, 59)),
                                      tzinfo=WIB)
            collected = posted + timedelta(minutes=rng.randint(5, 300))
            if collected > now:
                continue
            code, name = rng.choice(places)
            claim_i = rng.randrange(len(CLAIMS)) if rng.random() < 0.6 else None
            template = (rng.choice(CLAIMS[claim_i].variants) if claim_i is not None
                        else rng.choice(CHATTER))
            text = _variant(template.format(p=name, n=rng.randint(1, 30)), rng)
            d = _draft(rng.choices(platforms, weights)[0], text, posted, rng, now)
            d.flags = lexicon.flags(d.text_normalised)
            items.append((collected, d, claim_i, code))
    items.sort(key=lambda x: x[0])
    prefix = "MDS-{t}-".format(t=site_tag(site_code))
    by_claim: dict[int, list[tuple[datetime, dict[str, Any]]]] = {}
    rows = []
    counters: dict[int, int] = {}
    seen_keys: set[tuple[str, str]] = set()
    named = _contest_picker(s, seed)
    for collected, d, claim_i, code in items:
        if d.key in seen_keys:
            continue
        seen_keys.add(d.key)
        yy = collected.year % 100
        if yy not in counters:
            last = next_number(s, SocialPost, "{p}{y:02d}-".format(p=prefix, y=yy), 7)
            counters[yy] = int(last[-7:])
        number = "{p}{y:02d}-{n:07d}".format(p=prefix, y=yy, n=counters[yy])
        counters[yy] += 1
        scan = lexicon.scan(d.text_normalised)
        d.contest_code, d.pair_number = named(code, claim_i is not None)
        row = post_row(d, sorted(set(scan.regencies) | {code}), "", version, site_code,
                       username, new_stamp(s, collected), collected.astimezone(UTC), number)
        row["id"] = uuid7_at(collected, rng)
        rows.append(row)
        if claim_i is not None:
            by_claim.setdefault(claim_i, []).append((collected, row))
    cases = _cases(s, rng, by_claim, site_code, username, now)
    for i in range(0, len(rows), 500):
        s.execute(insert(SocialPost), rows[i:i + 500])
    takedowns = _takedowns(s, rng, cases, by_claim, site_code, username, now)
    s.flush()
    return {"posts": len(rows), "cases": len(cases), "takedowns": takedowns}


Pick = Callable[[str, bool], tuple[str | None, int | None]]


def _contest_picker(s: Session, seed: int) -> Pick:
    """(regency, about a claim) -> the contest and pair a demo post names: about half of the
    claims and a tenth of the chatter name the regency's contest or the Pilgub, most of them
    a pair held there (an rng of its own: the posts themselves stay as they were)."""
    rng = random.Random("medsos-contest-{s}".format(s=seed))
    held: dict[str, list[int]] = {}
    for contest, ballot in s.execute(
            select(CandidatePair.contest_code, CandidatePair.ballot_number)
            .where(CandidatePair.deleted.is_(False))
            .order_by(CandidatePair.contest_code, CandidatePair.ballot_number)):
        held.setdefault(contest, []).append(ballot)

    def pick(regency: str, claim: bool) -> tuple[str | None, int | None]:
        if rng.random() >= (0.5 if claim else 0.1):
            return None, None
        contest = PROVINCE_CODE if rng.random() < 0.4 else regency
        ballots = held.get(contest, [])
        return contest, rng.choice(ballots) if ballots and rng.random() < 0.8 else None

    return pick


def _cases(s: Session, rng: random.Random,
           by_claim: dict[int, list[tuple[datetime, dict[str, Any]]]], site_code: str,
           username: str, now: datetime) -> dict[int, HoaxCase]:
    """A case per claim seen three times or more, opened after its third post; most of
    its posts linked; its stage drawn (new, verdict waiting, approved, published ...)."""
    out: dict[int, HoaxCase] = {}
    shift = rng.randrange(len(STAGES))
    for claim_i in sorted(by_claim):
        posts = by_claim[claim_i]
        if len(posts) < 3:
            continue
        claim = CLAIMS[claim_i]
        opened = posts[2][0] + timedelta(minutes=rng.randint(10, 120))
        if opened > now:
            continue
        stamp = new_stamp(s, opened)
        prefix = "HOAKS-{t}-{y}-".format(t=site_tag(site_code), y=opened.year)
        c = HoaxCase(id=uuid7_at(opened, rng), number=next_number(s, HoaxCase, prefix, 4),
                     origin_site=site_code, recorded_by=username, created_at=opened,
                     updated_at=opened, updated_by=username, mod_stamp=stamp,
                     field_stamps=dict.fromkeys(HOAX_CASES.fields, stamp), deleted=False,
                     claim=claim.claim, category=claim.category,
                     priority=rng.choice(("tinggi", "tinggi", "sedang")), status="baru",
                     regencies=sorted({r for _t, p in posts for r in p["regencies"]})[:6],
                     verdict=None, fact_checks=[], clarification=None, incidents=[],
                     evidence=[], note="")
        stage = STAGES[(claim_i + shift) % len(STAGES)]
        decided = opened + timedelta(hours=rng.randint(2, 20))
        approved = decided + timedelta(hours=rng.randint(1, 6))
        published = approved + timedelta(hours=rng.randint(1, 4))
        if stage >= 1 and decided <= now:
            c.verdict = {"verdict": claim.verdict, "reasoning": claim.reasoning, "sources": [],
                         "decided_by": SUPERVISORS[0], "decided_at": iso(decided),
                         "approved_by": None, "approved_at": None}
            c.status = "diverifikasi"
            if stage >= 2 and approved <= now:
                c.verdict = {**c.verdict, "approved_by": SUPERVISORS[1],
                             "approved_at": iso(approved)}
                c.status = "terverifikasi"
                c.clarification = {"text": claim.clarification, "published": [],
                                   "published_by": None, "published_at": None}
                if stage >= 3 and published <= now:
                    c.clarification = {**c.clarification, "published": [
                        {"channel": rng.choice(CHANNELS), "url": "",
                         "at": iso(published)}],
                        "published_by": SUPERVISORS[1], "published_at": iso(published)}
                    c.status = "klarifikasi_terbit" if stage == 3 else "dipantau"
        s.add(c)
        s.flush()
        for _t, row in posts:
            if rng.random() < 0.8:
                row["case_id"] = str(c.id)
        out[claim_i] = c
    return out


def _takedowns(s: Session, rng: random.Random, cases: dict[int, HoaxCase],
               by_claim: dict[int, list[tuple[datetime, dict[str, Any]]]], site_code: str,
               username: str, now: datetime) -> int:
    """For cases whose verdict is approved: a request to Komdigi (aduankonten) or the
    platform for the linked posts of one platform, sent, some taken down, some still up."""
    added = 0
    for claim_i, c in sorted(cases.items()):
        if c.verdict is None or c.verdict["approved_by"] is None:
            continue
        linked = [row for _t, row in by_claim[claim_i]
                  if row["case_id"] == str(c.id) and row["platform"] != "whatsapp"]
        if not linked:
            continue
        platform = max({r["platform"] for r in linked},
                       key=lambda p: (sum(r["platform"] == p for r in linked), p))
        chosen = [r for r in linked if r["platform"] == platform][:20]
        made = datetime.fromisoformat(c.verdict["approved_at"]) + timedelta(hours=1)
        if made > now:
            continue
        submitted = made + timedelta(hours=rng.randint(1, 5))
        status, closed, rechecks = "disiapkan", None, []
        if submitted <= now:
            status = "diajukan"
            for k in range(1, 4):
                at = submitted + timedelta(days=k)
                if at > now:
                    break
                result = "down" if rng.random() < 0.45 * k else "up"
                rechecks.append({"at": iso(at), "result": result, "by": username,
                                 "note": "" if result == "up" else "Konten tidak tersedia lagi."})
                if result == "down":
                    status, closed = "diturunkan", at
                    break
                status = "masih_tayang" if k > 1 else "diproses"
        stamp = new_stamp(s, made)
        prefix = "TD-{t}-{y}-".format(t=site_tag(site_code), y=made.year)
        to_platform = rng.random() < 0.4
        s.add(TakedownRequest(
            id=uuid7_at(made, rng), number=next_number(s, TakedownRequest, prefix, 4),
            origin_site=site_code, recorded_by=username, created_at=made, updated_at=made,
            updated_by=username, mod_stamp=stamp,
            field_stamps=dict.fromkeys(TAKEDOWNS.fields, stamp), deleted=False,
            case_id=str(c.id), addressee="platform" if to_platform else "komdigi",
            platform=platform, posts=[str(r["id"]) for r in chosen],
            channel="formulir pelaporan platform" if to_platform else "aduankonten.id",
            reference="" if status == "disiapkan" else "ADU-{n:06d}".format(
                n=rng.randrange(10**6)),
            legal_basis="UU ITE Pasal 28 ayat (2) jo. Pasal 45A ayat (2)",
            status=status, submitted_at=submitted if status != "disiapkan" else None,
            closed_at=closed, rechecks=rechecks, note=""))
        s.flush()
        added += 1
    return added
