"""Which of many literal keys a text holds, found in one pass.

The lexicon's constructions are regular expressions, each tried only on a text that holds one of its key
words (a substring test is far cheaper than a scan). With a few hundred keys, testing them one by one
costs more than the scans it spares; an Aho-Corasick automaton finds every key a text holds, overlapping
ones included, in a single pass at C speed.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick


class KeyIndex:
    """The set of `keys` (literal substrings) each text holds: ``key in text`` for every key at once.

    Read-only once built, so one index is safely shared between threads and processes.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys: frozenset[str] = frozenset(keys)
        if "" in self.keys:
            raise ValueError("a key must not be empty: every text holds it")
        self._automaton = ahocorasick.Automaton()
        for key in self.keys:
            self._automaton.add_word(key, key)
        if self.keys:
            self._automaton.make_automaton()

    def present(self, text: str) -> frozenset[str]:
        """The keys that occur in `text`, as substrings."""
        if not self.keys:
            return frozenset()
        return frozenset(key for _, key in self._automaton.iter(text))

    def __reduce__(self) -> tuple[type[KeyIndex], tuple[tuple[str, ...]]]:
        """Pickle as the keys: the automaton is rebuilt on load."""
        return KeyIndex, (tuple(sorted(self.keys)),)
