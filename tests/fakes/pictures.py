"""Real pictures for the fakes and the photo tests: the bot keeps only what Pillow can decode."""

from __future__ import annotations

import hashlib
import io

from PIL import ExifTags, Image, ImageDraw

from content.photos import upright_without_metadata

RED, BLUE = (220, 30, 30), (30, 30, 220)
PLACE = "Bản Phja Đén"  # what the photo's XMP says, to look for in what is stored
JFIF_HEADER = ("jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi")  # every JPEG's: no metadata


def jpeg(label: str) -> bytes:
    """A plain JPEG without metadata, one colour per label, that keeping does not change
    (encoded as the bot encodes, so encoding it again gives the same bytes)."""
    colour = tuple(hashlib.sha256(label.encode()).digest()[:3])
    out = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(out, "JPEG")
    return upright_without_metadata(upright_without_metadata(out.getvalue())[0])[0]


def phone_photo() -> bytes:
    """A JPEG as a phone saves it: stored sideways (red left, blue right) with the EXIF
    orientation that turns it upright (red on top), the GPS position, the device, and XMP."""
    image = Image.new("RGB", (32, 16), BLUE)
    ImageDraw.Draw(image).rectangle((0, 0, 15, 15), fill=RED)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # turn 90° clockwise to view
    exif[ExifTags.Base.Make], exif[ExifTags.Base.Model] = "PhoneMaker", "Model X9"
    exif[ExifTags.Base.Artist] = "Nguyen Van Lan"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "N", 2: (22.0, 40.0, 12.5), 3: "E", 4: (106.0, 15.0, 3.0)})
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description photoshop:City="{PLACE}"/></x:xmpmeta>'
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif.tobytes(), xmp=xmp.encode())
    return out.getvalue()


def upright_red_on_top(data: bytes) -> bool:
    """Whether a `phone_photo` was turned as its orientation said: 16×32, red above blue."""
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
        return rgb.size == (16, 32) and _near(rgb.getpixel((8, 4)), RED) and _near(rgb.getpixel((8, 28)), BLUE)


def metadata_of(data: bytes) -> dict:
    """What a picture carries besides pixels: its EXIF tags (GPS included) and other info."""
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        found = {f"exif:{tag}": value for tag, value in exif.items()}
        found |= {f"gps:{tag}": value for tag, value in exif.get_ifd(ExifTags.IFD.GPSInfo).items()}
        return found | {key: value for key, value in image.info.items() if key not in JFIF_HEADER}


def _near(pixel: tuple, colour: tuple) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour))
