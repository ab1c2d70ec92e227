"""The media store: photos saved under safe names, found again, offered by public address or
signed link."""

from __future__ import annotations

import pytest

from bot.media import LINK_LIFETIME, LINK_STEP, WEB_PREFIX, MediaStore, NotAnImage
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


KEY = bytes(range(32))


@pytest.mark.parametrize(
    "ref", [None, "telegram:AgAC", "media:../secret.jpg", "media:.hidden.jpg", "media:" + "0" * 32 + ".jpg"]
)
def test_other_or_unsafe_or_missing_refs_resolve_to_nothing(tmp_path, ref):
    (tmp_path / "secret.jpg").write_bytes(JPEG)
    store = MediaStore(tmp_path / "media", "https://tintot.example", link_key=KEY)
    assert store.path(ref) is None
    assert store.platform_url(ref, public=True) is None and store.platform_url(ref, public=False) is None


def test_a_published_photo_has_a_public_address(tmp_path):
    store = MediaStore(tmp_path, "https://tintot.example/", link_key=KEY)
    ref = store.save(JPEG)
    assert store.platform_url(ref, public=True) == "https://tintot.example/media/" + ref.removeprefix("media:")


def test_a_signed_link_opens_until_it_expires_and_only_for_its_own_file(tmp_path):
    store = MediaStore(tmp_path, "https://tintot.example", link_key=KEY)
    ref, other = store.save(JPEG), store.save(JPEG)
    now = 1_800_000_000.0

    expires, signature, name = store.signed_path(ref, now=now).removeprefix(WEB_PREFIX).split("/")

    assert name == ref.removeprefix("media:")
    assert now + LINK_LIFETIME <= int(expires) < now + LINK_LIFETIME + LINK_STEP
    assert store.link_opens(name, int(expires), signature, now=now)
    assert store.link_opens(name, int(expires), signature, now=int(expires) - 1)
    assert not store.link_opens(name, int(expires), signature, now=int(expires))  # expired
    assert not store.link_opens(name, int(expires) + LINK_STEP, signature, now=now)  # expiry moved
    assert not store.link_opens(other.removeprefix("media:"), int(expires), signature, now=now)
    assert not store.link_opens(name, int(expires), signature[:-1] + ("A" if signature[-1] != "A" else "B"), now=now)
    assert not MediaStore(tmp_path, link_key=bytes(32)).link_opens(name, int(expires), signature, now=now)


def test_one_link_a_step_so_a_push_repeats_its_address(tmp_path):
    store = MediaStore(tmp_path, link_key=KEY)
    ref = store.save(JPEG)
    start = LINK_STEP * 6_000_000
    assert store.signed_path(ref, now=start + 1) == store.signed_path(ref, now=start + LINK_STEP - 1)
    assert store.signed_path(ref, now=start + 1) != store.signed_path(ref, now=start + LINK_STEP + 1)


def test_a_private_photo_goes_out_by_signed_link_only(tmp_path):
    store = MediaStore(tmp_path, "https://tintot.example", link_key=KEY)
    url = store.platform_url(store.save(JPEG), public=False)
    assert url.startswith("https://tintot.example/media/") and url.count("/") == 6


def test_no_address_without_a_public_url_or_for_a_private_photo_without_a_key(tmp_path):
    assert MediaStore(tmp_path, link_key=KEY).platform_url(MediaStore(tmp_path).save(JPEG), public=True) is None
    keyless = MediaStore(tmp_path, "https://tintot.example")
    ref = keyless.save(JPEG)
    assert keyless.platform_url(ref, public=False) is None
    assert not keyless.link_opens(ref.removeprefix("media:"), 2_000_000_000, "x" * 24)
