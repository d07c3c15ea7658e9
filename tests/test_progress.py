"""The progress bar draws only on a terminal, and never in CI."""

from __future__ import annotations

import io

import pytest

from site_builder.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_draws_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    stream = Terminal()
    with Progress("rendering pages", 40, stream) as progress:
        progress.advance(10)
    assert "rendering pages [#######.......................] 10/40" in stream.getvalue()
    assert stream.getvalue().endswith("\r\033[K"), "the line is cleared at the end"


@pytest.mark.parametrize("stream, ci", [(io.StringIO(), None), (Terminal(), "true")], ids=["piped", "ci"])
def test_silent_when_piped_or_in_ci(monkeypatch: pytest.MonkeyPatch, stream: io.StringIO, ci: str | None) -> None:
    if ci:
        monkeypatch.setenv("CI", ci)
    else:
        monkeypatch.delenv("CI", raising=False)
    with Progress("reading content", None, stream) as progress:
        progress.advance(5)
    assert stream.getvalue() == ""
