"""The media store: photos saved under safe names, found again, offered by public URL."""

from __future__ import annotations

import pytest

from bot.media import MediaStore, NotAnImage
from tests.fakes.zalo_api import JPEG

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 10


@pytest.mark.parametrize("data, suffix", [(JPEG, ".jpg"), (PNG, ".png"), (WEBP, ".webp")])
def test_save_names_the_file_by_its_content(tmp_path, data, suffix):
    store = MediaStore(tmp_path / "media")

    ref = store.save(data)

    assert ref.startswith("media:") and ref.endswith(suffix)
    assert store.path(ref).read_bytes() == data
    assert [p.name for p in (tmp_path / "media").iterdir()] == [ref.removeprefix("media:")]


def test_each_save_gets_a_new_name(tmp_path):
    store = MediaStore(tmp_path)
    assert store.save(JPEG) != store.save(JPEG)


def test_anything_but_a_picture_is_refused(tmp_path):
    with pytest.raises(NotAnImage):
        MediaStore(tmp_path).save(b"<html>not a photo</html>")


@pytest.mark.parametrize(
    "ref", [None, "telegram:AgAC", "media:../secret.jpg", "media:.hidden.jpg", "media:" + "0" * 32 + ".jpg"]
)
def test_other_or_unsafe_or_missing_refs_resolve_to_nothing(tmp_path, ref):
    (tmp_path / "secret.jpg").write_bytes(JPEG)
    store = MediaStore(tmp_path / "media", "https://tintot.example")
    assert store.path(ref) is None
    assert store.public_url(ref) is None


def test_public_url_under_media(tmp_path):
    store = MediaStore(tmp_path, "https://tintot.example/")
    ref = store.save(JPEG)
    assert store.public_url(ref) == "https://tintot.example/media/" + ref.removeprefix("media:")


def test_no_public_url_configured(tmp_path):
    store = MediaStore(tmp_path)
    assert store.public_url(store.save(JPEG)) is None
