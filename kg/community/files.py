"""Photos of ledger cases and the community's base-map image: checked, cleaned and stored
outside the web root under ``CEM_DATA_DIR/uploads/community/<community>/`` with names the server
chooses (``photo-<random>.jpg``, ``basemap-<random>.png|jpg``), served only by routes that check
the reader may see the record.

A photo must be a JPEG, PNG or WebP image (Pillow opens and decodes it: anything else is
refused) of at most ``CEM_PHOTO_MAX_BYTES``; it is re-encoded as JPEG, at most
``PHOTO_MAX_SIDE`` pixels on its longer side, which also drops its metadata (EXIF: the phone's
location and serial number).  Phones resize photos before sending (``community-photos.js``).
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from kg.community.model import CommunityInvalid, FileTooLarge, check_community_id
from kg.errors import N_, NotFound

PHOTO_MAX_SIDE = 1600
BASEMAP_MAX_SIDE = 8000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
FILE_RE = re.compile(r"^(photo|basemap)-[0-9a-f]{16}\.(jpg|png)$")
Image.MAX_IMAGE_PIXELS = 80_000_000  # a decompression bomb is refused, not decoded


@dataclass(frozen=True)
class StoredImage:
    name: str
    width: int
    height: int


def folder(data_dir: str | Path, community_id: str) -> Path:
    check_community_id(community_id)
    base = (Path(data_dir) / "uploads" / "community").resolve()
    out = (base / community_id).resolve()
    if base not in out.parents:
        raise NotFound(N_("无效的社区编号"))
    return out


def _open_image(data: bytes, max_bytes: int, what: str) -> Image.Image:
    if not data:
        raise CommunityInvalid(N_("%(what)s：文件是空的"), what=what)
    if len(data) > max_bytes:
        raise FileTooLarge(N_("%(what)s：文件过大（%(size)s 字节，最多 %(limit)s 字节）"), what=what, size=len(data),
                           limit=max_bytes)
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ACCEPTED_FORMATS:
            raise CommunityInvalid(N_("%(what)s：只接受 JPEG、PNG 或 WebP 图片"), what=what)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise CommunityInvalid(N_("%(what)s：不是可以打开的图片（只接受 JPEG、PNG 或 WebP）"), what=what) from None
    return ImageOps.exif_transpose(image)


def check_photo(data: bytes, max_bytes: int) -> Image.Image:
    """The decoded photo, or ``CommunityInvalid`` / ``FileTooLarge`` (nothing stored)."""
    return _open_image(data, max_bytes, "照片")


def _write(target: Path, payload: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(payload)
    tmp.chmod(0o600)
    tmp.replace(target)


def save_photo(data_dir: str | Path, community_id: str, image: Image.Image) -> StoredImage:
    image = image.convert("RGB")
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)
    name = f"photo-{secrets.token_hex(8)}.jpg"
    _write(folder(data_dir, community_id) / name, out.getvalue())
    return StoredImage(name, image.width, image.height)


def save_basemap(data_dir: str | Path, community_id: str, data: bytes, max_bytes: int) -> StoredImage:
    image = _open_image(data, max_bytes, "底图")
    if max(image.size) > BASEMAP_MAX_SIDE:
        image.thumbnail((BASEMAP_MAX_SIDE, BASEMAP_MAX_SIDE))
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P", "1", "L"):
        image.save(out, "PNG", optimize=True)
        ext = "png"
    else:
        image.convert("RGB").save(out, "JPEG", quality=88)
        ext = "jpg"
    name = f"basemap-{secrets.token_hex(8)}.{ext}"
    _write(folder(data_dir, community_id) / name, out.getvalue())
    return StoredImage(name, image.width, image.height)


def path_of(data_dir: str | Path, community_id: str, name: str) -> Path:
    if not isinstance(name, str) or not FILE_RE.match(name):
        raise NotFound(N_("没有这个文件"))
    path = folder(data_dir, community_id) / name
    if not path.is_file():
        raise NotFound(N_("没有这个文件"))
    return path


def remove(data_dir: str | Path, community_id: str, names) -> None:
    for name in names or ():
        if isinstance(name, str) and FILE_RE.match(name):
            (folder(data_dir, community_id) / name).unlink(missing_ok=True)


def remove_all(data_dir: str | Path, community_id: str) -> int:
    target = folder(data_dir, community_id)
    removed = 0
    if target.is_dir():
        for entry in target.iterdir():
            if entry.is_file():
                entry.unlink()
                removed += 1
        target.rmdir()
    return removed
