from bot import sender_ids


def test_issued_ids_verify_and_are_unique():
    secret = b"s3cret"
    first, second = sender_ids.issue(secret), sender_ids.issue(secret)
    assert first != second
    assert sender_ids.is_issued(first, secret)


def test_forged_or_foreign_ids_are_refused():
    secret = b"s3cret"
    issued = sender_ids.issue(secret)
    token, _, signature = issued.rpartition(".")
    assert not sender_ids.is_issued(issued, b"other")
    assert not sender_ids.is_issued(f"{token}x.{signature}", secret)
    assert not sender_ids.is_issued("eval-1234567890ab", secret)
    assert not sender_ids.is_issued(".abc", secret)


def test_secret_file_is_created_private(tmp_path, monkeypatch):
    monkeypatch.delenv(sender_ids.SECRET_ENV, raising=False)
    path = tmp_path / "var" / "secret"
    secret = sender_ids.load_secret(path)
    assert secret == sender_ids.load_secret(path)
    assert path.stat().st_mode & 0o077 == 0
