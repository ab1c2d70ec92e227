"""Shared keys: made once, the same for every session (every process), one per purpose."""

from storage import keys
from storage.db import session_scope


def test_a_key_is_made_once_and_each_purpose_has_its_own(engine):
    with session_scope(engine) as session:
        login = keys.shared_key(session=session, name=keys.LOGIN_LINKS)
    with session_scope(engine) as session:
        assert keys.shared_key(session=session, name=keys.LOGIN_LINKS) == login
        media = keys.shared_key(session=session, name=keys.MEDIA_LINKS)
    assert len(login) == len(media) == 32 and login != media


def test_a_signature_holds_for_its_key_and_payload_only():
    signature = keys.sign(b"k" * 32, "1800000000/abc.jpg")
    assert len(signature) == 24 and keys.signed(b"k" * 32, "1800000000/abc.jpg", signature)
    assert not keys.signed(b"K" * 32, "1800000000/abc.jpg", signature)
    assert not keys.signed(b"k" * 32, "1800000001/abc.jpg", signature)
    assert not keys.signed(b"k" * 32, "1800000000/abc.jpg", "é" * 24)
