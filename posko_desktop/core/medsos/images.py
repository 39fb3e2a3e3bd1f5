"""Perceptual fingerprints of screenshots: the same picture re-cropped, scaled or
re-compressed is recognised, a different one is not.

A fingerprint is nine 64-bit pHashes (the pHash of the ImageHash library: DCT over 32x32
grey, the 8x8 lowest frequencies against their median; here in numpy, so that scipy does
not ship): the whole image
and the image with 5 % and 10 % cut from the top and/or the bottom (3 x 3 cuts; status and
navigation bars are what people crop). Two fingerprints' distance is the smallest Hamming
distance over the 81 pairs. Measured on generated phone screenshots (tests/medsos,
docs/decisions.md): re-crops up to 10 % per side, scaled to 50 % and saved as JPEG q50 stay
at <= 2 bits; different screenshots of the same app layout >= 12. `SAME_IMAGE` = 8.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

from posko_desktop.core.i18n import N_
from posko_desktop.core.medsos.drafts import MedsosError

logger = logging.getLogger(__name__)

SAME_IMAGE = 8  # bits of 64: at most this far apart is "the same picture"
CUTS = (0.0, 0.05, 0.10)
MAX_PIXELS = 80_000_000  # a decompression bomb is refused before decoding
PREFIX = "ph9:"
_SIDE = 32  # pHash: 32x32 grey, DCT-II, the 8x8 lowest frequencies
_DCT = np.cos(np.pi * np.outer(np.arange(_SIDE), 2 * np.arange(_SIDE) + 1) / (2 * _SIDE))


@dataclass(frozen=True)
class ImageFingerprint:
    hashes: tuple[int, ...]  # [0] is the whole image

    def distance(self, other: ImageFingerprint) -> int:
        return min((a ^ b).bit_count() for a in self.hashes for b in other.hashes)

    def same_as(self, other: ImageFingerprint, max_distance: int = SAME_IMAGE) -> bool:
        return self.distance(other) <= max_distance

    def to_text(self) -> str:
        """Stored form: "ph9:" and nine 16-digit hex hashes separated by commas."""
        return PREFIX + ",".join(f"{h:016x}" for h in self.hashes)

    @classmethod
    def from_text(cls, text: str) -> ImageFingerprint:
        if not text.startswith(PREFIX):
            raise ValueError(f"not an image fingerprint: {text[:20]!r}")
        parts = text[len(PREFIX):].split(",")
        if not 1 <= len(parts) <= 16 or any(len(p) != 16 for p in parts):
            raise ValueError(f"not an image fingerprint: {text[:20]!r}")
        return cls(tuple(int(p, 16) for p in parts))


def fingerprint(data: bytes, name: str = "image") -> ImageFingerprint:
    """The fingerprint of an image file's bytes; `MedsosError` if it is not a picture."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise MedsosError(N_("{name} is too large a picture ({width} x {height} "
                                     "pixels)"), name=name, width=img.width, height=img.height)
            grey = img.convert("L")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError,
            SyntaxError) as err:
        logger.warning("Not a picture %s: %s", name, err)
        raise MedsosError(N_("{name} is not a picture Posko can read (PNG, JPEG, WebP, GIF, "
                             "BMP)"), name=name) from err
    width, height = grey.size
    if width < 8 or height < 8:
        raise MedsosError(N_("{name} is too small a picture to compare"), name=name)
    hashes = []
    for top in CUTS:
        for bottom in CUTS:
            part = grey.crop((0, int(height * top), width, int(height * (1 - bottom))))
            hashes.append(phash(part))
    return ImageFingerprint(tuple(hashes))


def phash(grey: Image.Image) -> int:
    """ImageHash's `phash(image)` as an int (first bit = the top-left frequency, most
    significant): 32x32 Lanczos, 2-D DCT-II (scale left out: it cannot change which
    coefficients lie above the median), the 8x8 lowest frequencies above their median."""
    pixels = np.asarray(grey.resize((_SIDE, _SIDE), Image.Resampling.LANCZOS), dtype=np.float64)
    low = (_DCT @ pixels @ _DCT.T)[:8, :8]
    value = 0
    for bit in (low > np.median(low)).flat:
        value = (value << 1) | int(bit)
    return value
