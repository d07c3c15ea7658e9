"""Background work: a forked process whose answer, or error, comes back when asked for."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from site_builder.parallel import Background


def test_background_answers_from_another_process() -> None:
    here = os.getpid()
    text = "x" * 1_000_000  # a closure's data, inherited; an answer larger than a pipe holds
    work = Background(lambda: (os.getpid(), text + "y"))
    pid, answer = work.result()
    assert pid != here and answer == text + "y"


def test_background_raises_the_error_of_its_work() -> None:
    def fail() -> None:
        raise ValueError("no search data")

    with pytest.raises(ValueError, match="no search data"):
        Background(fail).result()


def test_closing_background_work_ends_it(tmp_path: Path) -> None:
    done = tmp_path / "done"
    work = Background(lambda: (time.sleep(0.5), done.touch()))
    work.close()
    time.sleep(1)
    assert not done.exists(), "the work went on after it was closed"
