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


def test_issued_ids_carry_their_time_and_expire_when_idle():
    secret = b"s3cret"
    now = 1_800_000_000.0
    sender = sender_ids.issue(secret, now=now)
    assert sender_ids.is_issued(sender, secret)
    assert sender_ids.issued_at(sender) == now
    # Never used: counted from issue.
    assert not sender_ids.is_expired(sender, None, now=now + sender_ids.IDLE_EXPIRY_S - 1)
    assert sender_ids.is_expired(sender, None, now=now + sender_ids.IDLE_EXPIRY_S + 1)
    # Used: counted from the latest message.
    later = now + 3 * sender_ids.IDLE_EXPIRY_S
    assert not sender_ids.is_expired(sender, later - 60, now=later)
    assert sender_ids.is_expired(sender, later - sender_ids.IDLE_EXPIRY_S - 1, now=later)


def test_a_changed_issue_time_breaks_the_signature():
    secret = b"s3cret"
    sender = sender_ids.issue(secret, now=1_800_000_000)
    random_part, stamp, signature = sender.split(".")
    forged = f"{random_part}.{int(stamp, 16) + 3600:x}.{signature}"
    assert not sender_ids.is_issued(forged, secret)


def test_the_storage_key_is_keyed_stable_and_hides_the_id():
    key = sender_ids.storage_key("0612345678", b"one")
    assert key == sender_ids.storage_key("0612345678", b"one")
    assert key != sender_ids.storage_key("0612345678", b"two")
    assert key != sender_ids.storage_key("0612345679", b"one")
    assert "0612345678" not in key and len(key) == 43
