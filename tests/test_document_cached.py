"""``document.cached``: the lock-free stand-in for ``functools.cached_property`` on ``Document``."""

from __future__ import annotations

import threading

from factrules.document import Document, cached


class _Counter:
    def __init__(self) -> None:
        self.calls = 0

    @cached
    def value(self) -> int:
        """Counts how often it is computed."""
        self.calls += 1
        return self.calls * 10


def test_computed_once_then_read_from_the_instance() -> None:
    counter = _Counter()
    assert counter.value == 10
    assert counter.value == 10
    assert counter.calls == 1
    assert counter.__dict__["value"] == 10


def test_dropping_the_value_computes_it_again() -> None:
    counter = _Counter()
    assert counter.value == 10
    del counter.__dict__["value"]
    assert counter.value == 20


def test_read_on_the_class_gives_the_descriptor_and_its_docstring() -> None:
    assert isinstance(_Counter.value, cached)
    assert _Counter.value.__doc__ == "Counts how often it is computed."


def test_document_caches_are_released_and_made_again_equal() -> None:
    document = Document(path="d", text="The mayor spoke. Then she left.\n\nA second paragraph here.")
    sentences, folded = list(document.sentences), document.folded
    assert "sentences" in document.__dict__ and "folded" in document.__dict__
    document.release()
    assert "sentences" not in document.__dict__ and "folded" not in document.__dict__
    assert list(document.sentences) == sentences and document.folded == folded


def test_threads_reading_one_new_document_agree() -> None:
    document = Document(path="d", text="One. Two. Three. " * 200)
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(list(document.sentences))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(value == seen[0] for value in seen) and len(seen) == 8
