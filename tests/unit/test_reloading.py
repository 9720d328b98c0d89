import os

import pytest

from bot.reloading import ReloadingFile


def number(path):
    return int(path.read_text(encoding="utf-8"))


def write(path, text, stamp):
    path.write_text(text, encoding="utf-8")
    os.utime(path, (stamp, stamp))


def test_a_broken_first_version_raises_and_a_broken_edit_keeps_the_last_good_value(tmp_path, caplog):
    path = tmp_path / "value.txt"
    write(path, "kapot", 1)
    reloading = ReloadingFile(path, number, (ValueError,), "value")
    with pytest.raises(ValueError):
        reloading.get()
    write(path, "7", 2)
    assert reloading.get() == 7
    write(path, "nog steeds kapot", 3)
    assert reloading.get() == 7 and "Kept the previous value" in caplog.text
    write(path, "8", 4)
    assert reloading.get() == 8


def test_an_edit_with_problems_does_not_go_live_unless_there_is_nothing_older(tmp_path, caplog):
    path = tmp_path / "value.txt"
    write(path, "13", 1)
    problems = lambda file: ["oneven"] if number(file) % 2 else []
    reloading = ReloadingFile(path, number, (ValueError,), "value", validate=problems)
    assert reloading.get() == 13 and "does not pass make check" in caplog.text  # served: nothing older
    write(path, "4", 2)
    assert reloading.get() == 4
    write(path, "5", 3)
    assert reloading.get() == 4


def test_an_unchanged_file_is_not_read_again(tmp_path):
    path = tmp_path / "value.txt"
    write(path, "1", 1)
    reads = []
    reloading = ReloadingFile(path, lambda file: reads.append(file) or number(file), (ValueError,), "value")
    assert [reloading.get() for _ in range(3)] == [1, 1, 1] and len(reads) == 1
