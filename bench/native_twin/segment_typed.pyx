# cython: language_level=3, boundscheck=False, wraparound=False
"""A typed Cython twin of ``factrules.segment``'s paragraph and sentence splitting: an experiment, not shipped.

``bench/native_twin.py`` builds it, checks it gives the same spans as the Python splitter on real copy, and
times the two.  It answers one question: how much of a stage's time does typed native code remove when
the stage's work is ``regex`` calls and Python objects (the spans, the abbreviation lookups)?
"""
from factrules import segment as _s
from cpython.unicode cimport Py_UNICODE_ISSPACE, Py_UNICODE_ISALPHA

cdef object _PARAGRAPH_BREAK = _s._PARAGRAPH_BREAK
cdef object _BOUNDARY = _s._BOUNDARY
cdef object _DIGIT_NEXT = _s._DIGIT_NEXT
cdef frozenset _NUMBER_ABBREVIATIONS = _s._NUMBER_ABBREVIATIONS
cdef frozenset ABBREVIATIONS = _s.ABBREVIATIONS
cdef object _word_before = _s._word_before
cdef object _INITIALISM = _s._INITIALISM
cdef object _can_end_sentence = _s._can_end_sentence
cdef Py_ssize_t _WORD_WINDOW = _s._WORD_WINDOW


cdef inline void _append_trimmed(str text, Py_ssize_t start, Py_ssize_t end, list spans):
    while start < end and Py_UNICODE_ISSPACE(text[start]):
        start += 1
    while end > start and Py_UNICODE_ISSPACE(text[end - 1]):
        end -= 1
    if end > start:
        spans.append((start, end))


cpdef list paragraphs(str text):
    cdef list spans = []
    cdef Py_ssize_t position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        _append_trimmed(text, position, match.start(), spans)
        position = match.end()
    _append_trimmed(text, position, len(text), spans)
    return spans


cdef bint _ends_with_abbreviation(str text, Py_ssize_t period_at, Py_ssize_t paragraph_start):
    cdef Py_ssize_t low = period_at - _WORD_WINDOW
    if low < paragraph_start:
        low = paragraph_start
    cdef Py_ssize_t space = -1
    cdef Py_ssize_t i = period_at - 1
    while i >= low:
        if text[i] == u' ':
            space = i
            break
        i -= 1
    cdef bint alpha
    cdef Py_ssize_t j
    if space >= 0 and period_at - space - 1 > 0:
        alpha = True
        for j in range(space + 1, period_at):
            if not Py_UNICODE_ISALPHA(text[j]):
                alpha = False
                break
        if alpha:
            word = text[space + 1 : period_at]
            if word.isalpha() and len(word) > 1:
                lower = word.lower()
                if lower in _NUMBER_ABBREVIATIONS:
                    return _DIGIT_NEXT.match(text, period_at + 1) is not None
                return lower in ABBREVIATIONS
    found = _word_before(text, period_at, paragraph_start)
    if not found:
        return False
    word = found.rstrip(".")
    if not word:
        return False
    lower = word.lower()
    if lower in _NUMBER_ABBREVIATIONS:
        return _DIGIT_NEXT.match(text, period_at + 1) is not None
    if lower in ABBREVIATIONS:
        return True
    if (len(word) == 1 or "." in word) and _INITIALISM.match(word + "."):
        return True
    return len(word) == 1 and word.isupper()


cpdef list sentences(str text, list paragraph_spans):
    cdef list spans = []
    cdef Py_ssize_t para_start, para_end, start, end, at
    cdef bint single_period
    for para_start, para_end in paragraph_spans:
        start = para_start
        for match in _BOUNDARY.finditer(text, para_start, para_end):
            end = match.end()
            at = match.start()
            single_period = text[at] == u'.' and (at + 1 == end or text[at + 1] not in ".!?")
            if (single_period and _ends_with_abbreviation(text, at, start)
                    and not _can_end_sentence(text, at, start, para_end)):
                continue
            _append_trimmed(text, start, end, spans)
            start = end
        _append_trimmed(text, start, para_end, spans)
    return spans
