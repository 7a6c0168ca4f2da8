"""``Spans`` reads as the list of ``(start, end)`` tuples a document's sentences and paragraphs used to be."""

from __future__ import annotations

import bisect
import pickle

from factrules.document import Document
from factrules.spans import Spans


def test_spans_read_index_iterate_and_compare_as_a_list_of_tuples() -> None:
    pairs = [(0, 5), (7, 12), (14, 40)]
    spans = Spans(pairs)
    assert len(spans) == 3 and spans[1] == (7, 12) and spans[-1] == (14, 40) and spans[1:] == pairs[1:]
    assert list(spans) == pairs and spans == pairs and spans != pairs[:2] and Spans(iter(pairs)) == spans
    assert dict.fromkeys(spans) == dict.fromkeys(pairs) and (7, 12) in spans
    assert bisect.bisect_right(spans.starts, 8) - 1 == 1
    assert pickle.loads(pickle.dumps(spans)) == spans and not Spans()


def test_a_documents_spans_are_the_segmenters_lists() -> None:
    from factrules import segment

    text = "One sentence here. “A quote,” she said.\n\nA second paragraph. Its end."
    document = Document(path="d.txt", text=text)
    assert document.paragraphs == segment.paragraphs(text)
    assert document.sentences == segment.sentences(text)
    assert document.quotes == segment.quotations(text)
    assert document.sentence_at(text.index("second")) == segment.sentences(text)[2]
    assert document.in_quotes(text.index("A quote"), text.index("A quote") + 7)
    assert document.position(text.index("Its")) == (3, text.index("Its") - text.index("A second") + 1)
