"""Indonesian text normalised for matching (lexicon, near-duplicates), never for display.

Steps, in order (each deterministic, so the same text always gives the same result):
1. Unicode NFKC (full-width and styled letters such as 𝐊𝐏𝐔 become plain), casefold.
2. Web addresses removed (they are matched by their canonical form, not as words).
3. Reduplication written with a 2 ("anak2", "ikut2an") spelt out: "anak anak",
   "ikut ikutan".
4. Everything that is not a letter or digit (punctuation, emoji, symbols) is a space;
   digits glued to letters are split off ("2024kpu" stays a word only if written so).
5. Runs of three or more of the same letter become one ("bangettt" -> "banget",
   "wkwkwkkk" stays laughter), then each word is looked up in `SLANG` (below), a small
   in-house table of common informal spellings mapped to the standard word.
6. Words joined by single spaces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Informal spelling -> standard word (written for this project; common chat spellings,
# see docs/medsos.md). Keys are the form after step 5 (repeated letters already folded).
SLANG: dict[str, str] = {
    # negation
    "gak": "tidak", "ga": "tidak", "gk": "tidak", "nggak": "tidak", "ngga": "tidak",
    "ngak": "tidak", "enggak": "tidak", "engga": "tidak", "kagak": "tidak", "tdk": "tidak",
    "tak": "tidak", "ndak": "tidak", "nda": "tidak", "ora": "tidak", "gaada": "tidak ada",
    "gada": "tidak ada", "blm": "belum", "blom": "belum", "bkn": "bukan", "bukn": "bukan",
    # function words
    "yg": "yang", "yng": "yang", "dgn": "dengan", "dg": "dengan", "dngn": "dengan",
    "utk": "untuk", "untk": "untuk", "tuk": "untuk", "krn": "karena", "krna": "karena",
    "karna": "karena", "coz": "karena", "sdh": "sudah", "udh": "sudah", "udah": "sudah",
    "dah": "sudah", "sudh": "sudah", "jg": "juga", "jga": "juga", "aja": "saja", "aj": "saja",
    "sj": "saja", "sm": "sama", "ama": "sama", "tp": "tapi", "tpi": "tapi", "kalo": "kalau",
    "klo": "kalau", "kl": "kalau", "klu": "kalau", "gmn": "bagaimana", "gimana": "bagaimana",
    "gmna": "bagaimana", "knp": "kenapa", "napa": "kenapa", "pd": "pada", "dr": "dari",
    "dri": "dari", "spt": "seperti", "kyk": "kayak", "kek": "kayak", "dlm": "dalam",
    "lg": "lagi", "lgi": "lagi", "trs": "terus", "trus": "terus", "ato": "atau", "atw": "atau",
    "emg": "memang", "emang": "memang", "bnyk": "banyak", "byk": "banyak", "msh": "masih",
    "masi": "masih", "sdg": "sedang", "lgsg": "langsung", "hrs": "harus", "jd": "jadi",
    "jdi": "jadi", "bs": "bisa", "bsa": "bisa", "skrg": "sekarang", "skrang": "sekarang",
    "sbg": "sebagai", "tsb": "tersebut", "dll": "dan lain lain", "dst": "dan seterusnya",
    "tau": "tahu", "tw": "tahu", "gitu": "begitu", "gini": "begini", "bgt": "banget",
    "bngt": "banget", "bener": "benar", "bnr": "benar", "org": "orang", "orng": "orang",
    "sy": "saya", "sya": "saya", "gw": "gue", "gua": "gue", "lu": "lo", "elu": "lo",
    "loe": "lo", "km": "kamu", "kmu": "kamu", "dy": "dia", "mrk": "mereka", "kt": "kita",
    "sampe": "sampai", "ampe": "sampai", "smpe": "sampai", "liat": "lihat",
    "lht": "lihat", "pake": "pakai", "pakek": "pakai", "dapet": "dapat", "dpt": "dapat",
    "blg": "bilang", "ngomong": "bicara", "kasi": "kasih", "ksh": "kasih",
    "mo": "mau", "pengen": "ingin", "pingin": "ingin", "pgn": "ingin",
    "maf": "maaf", "jgn": "jangan", "jngn": "jangan", "mf": "maaf", "tlg": "tolong", "tolongin": "tolong", "cm": "cuma",
    "cuman": "cuma", "doang": "saja", "bbrp": "beberapa", "sblm": "sebelum", "stlh": "setelah",
    "ntar": "nanti", "nnti": "nanti", "bsk": "besok", "kmrn": "kemarin", "kemaren": "kemarin",
    # election words written short
    "pemilukada": "pilkada",
    "nyoblos": "mencoblos", "nyoblosnya": "mencoblos", "dicoblos": "dicoblos",
    "duit": "uang", "doku": "uang", "fulus": "uang",
}

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|id|me|be|co|net|org|watch)/\S*",
                  re.IGNORECASE)
_REDUPLICATION = re.compile(r"\b([^\W\d_]{2,})2(an|nya|lah)?\b")
_NOT_WORD = re.compile(r"[\W_]+")
_LETTERS_DIGITS = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")


def _spell_out(m: re.Match[str]) -> str:
    return "{w} {w}{suffix}".format(w=m.group(1), suffix=m.group(2) or "")


def _word(token: str) -> str:
    return SLANG.get(token, token)


@lru_cache(maxsize=65536)
def normalise_word(token: str) -> str:
    """One already lower-cased word: repeated letters folded, slang mapped."""
    return _word(_REPEATS.sub(r"\1", token))


def normalise(text: str) -> str:
    """The matching form of `text` (module docstring); "" for text without words."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _URL.sub(" ", text)
    text = _REDUPLICATION.sub(_spell_out, text)
    text = _NOT_WORD.sub(" ", text)
    text = _LETTERS_DIGITS.sub(" ", text)
    return " ".join(normalise_word(t) for t in text.split())


def normalise_term(term: str) -> str:
    """A lexicon term in the same form as the texts it is matched in."""
    return normalise(term)
