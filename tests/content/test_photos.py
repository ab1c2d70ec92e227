import io

import pytest
from PIL import Image, PngImagePlugin

from content.photos import NotAnImage, upright_without_metadata
from tests.fakes.pictures import PLACE, metadata_of, phone_photo, upright_red_on_top


def test_a_phone_photo_is_turned_upright_and_loses_every_tag():
    clean, suffix = upright_without_metadata(phone_photo())
    assert suffix == ".jpg" and metadata_of(clean) == {} and upright_red_on_top(clean)
    assert PLACE.encode() not in clean


def test_a_png_keeps_its_transparency_and_loses_its_text():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Nguyen Van Lan")
    out = io.BytesIO()
    Image.new("RGBA", (4, 4), (0, 0, 0, 0)).save(out, "PNG", pnginfo=info)
    clean, suffix = upright_without_metadata(out.getvalue())
    assert suffix == ".png" and b"Nguyen" not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert image.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize("data", [b"<html>not a photo</html>", phone_photo()[:200]])
def test_what_cannot_be_decoded_is_not_a_photo(data):
    with pytest.raises(NotAnImage):
        upright_without_metadata(data)
