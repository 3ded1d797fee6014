"""Text normalisation shared by training and scoring, so both see text the same way, with offsets back.

The canonical form undoes the usual ways of disguising a word from a filter. In order:

1. Characters: Unicode NFKC (full-width, ligatures, mathematical bold or script letters), diacritics
   stripped from Latin, Greek and Cyrillic letters (é→e; marks of other scripts are kept: they spell
   vowels there), zero-width, joiner and other invisible format characters removed, case folded, other
   Latin letters made ASCII (ł→l, ø→o, Latin alpha→a: lookalike first, transliteration otherwise) and typographic
   punctuation made ASCII (curly quotes, dashes).
2. Whitespace collapsed to one space and stripped.
3. Homoglyphs: Greek, Cyrillic and other letters that look like a Latin letter (Cyrillic er→p, Greek nu→v)
   become that letter, in words that mix them with Latin letters, and in every word when the text holds
   no other non-Latin letters; letters of such a word with no lookalike are transliterated. Genuine
   Russian or Greek text is left as it is.
4. Repeated punctuation: a run of 3+ of the same ASCII punctuation mark becomes one (``!!!``→``!``);
   ``*`` is exempt, so masks like ``f***`` keep their shape.
5. Leetspeak: 4→a 3→e 0→o 1→i !→i $→s 5→s @→a 7→t inside a word that has letters, when the word shows
   leet and not a number (see :func:`_deleet_word`): ``sh1t``, ``f4gg0t``, ``$hit``, ``@ss`` decode;
   ``2011``, ``4th``, ``mp3``, ``covid19``, ``$5``, ``@user`` do not. Once a word of the text has decoded,
   words with leet at an end decode too (``g0 b4ck t0 y0ur 0wn c0untry``).
6. Repeated letters: a run of 3+ of the same letter becomes one (``stuuupid``→``stupid``; ``good`` and Roman
   numerals such as ``viii`` kept).
7. Split letters: 3+ single letters separated by the same one of `` .-_*`` are joined (``f u c k``,
   ``s-h-i-t``→``fuck``, ``shit``), but not three spaced chat-speak words (``u r a``). Rules 4-7 repeat
   until nothing changes, as joining letters can make a new run of repeats.

URLs, e-mail addresses and hex colours are left out of rules 4-7. :func:`normalize_with_offsets` also
returns, for every character of the canonical form, the index of the original character it came from, so
spans found on the canonical form can be shown on the original.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from anyascii import anyascii
from sklearn.base import BaseEstimator, TransformerMixin

# --- Characters -------------------------------------------------------------------------------------------

# Removed wherever they are: besides every format (Cf) character (zero-width space and joiners, bidi
# controls, word joiner, BOM, soft hyphen, tags), the invisible letters and marks used to break up words
# so that filters miss them: combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian
# variation selectors.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0")
_BLANK = "\u2800"  # braille blank: looks like a space and is used as one
_LGC = ("LATIN ", "GREEK ", "CYRILLIC ")
_CACHE_LIMIT = 200_000  # distinct characters kept in the per-character table; beyond, computed each time


@functools.cache
def _lookalikes() -> dict[str, str]:
    """Single non-ASCII characters → the ASCII letter they look like (as cased in the Unicode data).

    From the confusables data bundled with `confusable_homoglyphs` (Unicode's confusables.txt), read from its
    file rather than imported: the module that holds it would keep all 6 MB of it for the process's life.
    """
    from confusable_homoglyphs.utils import load

    table: dict[str, str] = {}
    for char, homoglyphs in load("confusables.json").items():
        if len(char) != 1 or char.isascii():
            continue
        letters = sorted(h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalpha())
        if letters:
            table[char] = letters[0]
    return table


def _is_latin_letter(char: str) -> bool:
    """A Latin-script letter, also inside symbols such as NEGATIVE SQUARED LATIN CAPITAL LETTER A."""
    name = unicodedata.name(char, "")
    return "LETTER" in name and (name.startswith("LATIN ") or " LATIN " in name)


@functools.lru_cache(maxsize=4096)
def _keeps_marks(char: str) -> bool:
    """Whether combining marks after `char` stay: after a letter of a script other than Latin, Greek and
    Cyrillic, where marks spell vowels and consonant clusters rather than accents."""
    return (
        not char.isascii() and unicodedata.category(char)[0] == "L" and not unicodedata.name(char, "").startswith(_LGC)
    )


def _fold_once(text: str) -> str:
    """NFKD, drop invisibles and the marks that are accents, recompose (NFC), case fold."""
    out = []
    keep = False
    for char in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(char)
        if category[0] == "M":
            if keep:
                out.append(char)
        elif category != "Cf" and char not in _INVISIBLE:
            out.append(char)
            keep = _keeps_marks(char)
    return unicodedata.normalize("NFC", "".join(out)).casefold()


def _to_ascii(char: str) -> str:
    """A Latin letter → its ASCII lookalike or transliteration; typographic punctuation → ASCII; else unchanged."""
    if char.isascii():
        return char
    category = unicodedata.category(char)
    if category[0] == "L" or category == "So":
        if _is_latin_letter(char):
            lookalike = _lookalikes().get(char)
            if lookalike:
                return lookalike.casefold()
            ascii_ = anyascii(char).casefold()
            if ascii_.isascii() and ascii_.isalnum():
                return ascii_
    elif category[0] == "P":
        ascii_ = anyascii(char)
        if 0 < len(ascii_) <= 3 and ascii_.isascii() and not any(c.isalnum() or c.isspace() for c in ascii_):
            return ascii_
    return char


def _plain_char(char: str) -> str | None:
    """What one character becomes in step 1; None when it is removed. Marks are kept here and dropped or
    kept by :func:`_drop_accents`, which sees the letter they belong to."""
    category = unicodedata.category(char)
    if category == "Cf" or char in _INVISIBLE:
        return None
    if category[0] == "M":
        return char
    if char == _BLANK:
        return " "
    out = char
    for _ in range(4):  # case folding can un-normalise (İ → i + combining dot): repeat to a fixed point
        folded = _fold_once(out)
        if folded == out:
            break
        out = folded
    return "".join(map(_to_ascii, out))


class _PlainTable(dict[int, str | None]):
    """Code point → :func:`_plain_char`, filled on first sight; a `str.translate` table."""

    def __missing__(self, code: int) -> str | None:
        value = _plain_char(chr(code))
        if len(self) < _CACHE_LIMIT:
            self[code] = value
        return value


_PLAIN = _PlainTable()


@functools.cache
def _marks_re() -> re.Pattern[str]:
    """Runs of combining marks (Mn, Mc, Me), from a scan of the Unicode database done once."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x110000):
        if unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]+")


@functools.cache
def _homoglyphs() -> dict[str, str]:
    """Step-1 output letters of non-Latin scripts → the ASCII letter they look like.

    A letter's own lookalike wins; otherwise its capital's (Cyrillic en folds as its capital, which looks like H).
    """
    raw = _lookalikes()
    table: dict[str, str] = {}
    for own_first in (True, False):
        for char, letter in raw.items():
            plain = _plain_char(char)
            if (
                plain is None
                or len(plain) != 1
                or plain.isascii()
                or not plain.isalpha()
                or (plain == char) is not own_first
            ):
                continue
            table.setdefault(plain, letter.casefold())
    return table


@functools.cache
def _homoglyph_re() -> re.Pattern[str]:
    """Any letter of :func:`_homoglyphs`: texts without one skip rule 3."""
    return re.compile("[" + "".join(map(re.escape, sorted(_homoglyphs()))) + "]")


def prepare() -> None:
    """Build now the character tables normalisation otherwise builds on the first text that needs them (the
    marks and lookalike letters of the Unicode data, about 0.15 s): in a process that loads a model, so that
    no request pays for them and forked workers share one copy instead of each building its own."""
    _marks_re()
    _homoglyph_re()
    _abusive_words()


# --- Rules on the folded text ---------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")
_ODD_WHITESPACE = re.compile(r"\s{2,}|[^\S ]")  # whitespace that is not already one plain space
_TOKEN = re.compile(r"\S+")
_ASCII_LETTER = re.compile("[a-z]")
_URL_LIKE = re.compile(r"://|www\.|@[\w-]+\.[a-z]|#[0-9a-f]{3}")  # URL, e-mail, hex colour
_TRIPLE = re.compile(r"(.)\1\1")  # cheap test before looking for runs of punctuation or letters
_PUNCT_RUN = re.compile(r"([!-)+-/:-@\[-`{-~])\1{2,}")  # ASCII punctuation except "*"
_LETTER_RUN = re.compile(r"(\w)\1{2,}")  # letters only: digits and "_" are let through by the callback
# A word for leetspeak: letters, digits, $ and @, with single "!"s inside (never at an end, so "wow!" is a
# word and its "!" punctuation), not touching other word characters, and holding a leet character.
_LEET_WORD = re.compile(r"(?<![\w$@])(?=[a-z]*[0-9$@!])[a-z0-9$@]+(?:![a-z0-9$@]+)*(?![\w$@])")
_LEET_HINT = re.compile(r"[0-9$@!](?:(?<=[a-z][0-9$@])|(?=[a-z]))")  # a leet character touching a letter
_LEET_RUN = re.compile(r"[0-9$@!]+")
_NOT_LEET_DIGIT = re.compile("[2689]")
_LEET = str.maketrans("4301!$5@7", "aeoiissat")
# 3+ single letters, each separated by the same one of " .-_*", no letter or digit on either side.
_SPLIT = re.compile(r"(?<![^\W_])[a-z]([ .*_-])[a-z](?:\1[a-z])+(?![^\W_])")
_SPLIT_HINT = re.compile(r"[ .*_-][a-z]([ .*_-])[a-z](?![^\W_])")  # its second and third letters
_CHAT_LETTERS = frozenset("abcinoruy")  # letters that are words in chat-speak: "u r a", "i c u"
_ROMAN = re.compile(r"m{0,4}(?:c[md]|d?c{0,3})(?:x[cl]|l?x{0,3})(?:i[xv]|v?i{0,3})")
_MAX_ROUNDS = 8

_Replacement = tuple[str, Sequence[int]]
_Offsets = list[int] | None


def _apply(
    pattern: re.Pattern[str], repl: Callable[[re.Match[str]], _Replacement | None], text: str, offsets: _Offsets
) -> tuple[str, _Offsets]:
    """Replace each match of `pattern` by ``repl(match)`` (None: leave it), carrying offsets along.

    `repl` gives the new text and, for each of its characters, the index within the match of the character
    it comes from. Without offsets this is a plain `re.sub`.
    """
    if offsets is None:

        def text_only(m: re.Match[str]) -> str:
            r = repl(m)
            return m.group() if r is None else r[0]

        return pattern.sub(text_only, text), None
    pieces: list[str] = []
    new_offsets: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        r = repl(m)
        if r is None:
            continue
        start, end = m.span()
        pieces.append(text[pos:start])
        new_offsets.extend(offsets[pos:start])
        pieces.append(r[0])
        new_offsets.extend(offsets[start + k] for k in r[1])
        pos = end
    if not pieces:
        return text, offsets
    pieces.append(text[pos:])
    new_offsets.extend(offsets[pos:])
    return "".join(pieces), new_offsets


@functools.lru_cache(maxsize=8)
def _url_spans(text: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the space-delimited tokens of `text` that hold a URL, e-mail address or hex colour."""
    starts: list[int] = []
    ends: list[int] = []
    for m in _URL_LIKE.finditer(text):
        if ends and m.start() < ends[-1]:
            continue
        end = text.find(" ", m.end())
        starts.append(text.rfind(" ", 0, m.start()) + 1)
        ends.append(len(text) if end < 0 else end)
    return starts, ends


def _in_url(m: re.Match[str]) -> bool:
    """Whether the match starts in a URL, e-mail address or hex colour (its space-delimited token has one)."""
    starts, ends = _url_spans(m.string)
    i = bisect.bisect_right(starts, m.start()) - 1
    return i >= 0 and m.start() < ends[i]


def _drop_accents(m: re.Match[str]) -> _Replacement | None:
    """A run of combining marks goes unless it follows a letter of a script whose marks are spelling."""
    if m.start() > 0 and _keeps_marks(m.string[m.start() - 1]):
        return None
    return "", ()


def _one_space(m: re.Match[str]) -> _Replacement | None:
    """Step 2: any whitespace run is one space, at the run's first character."""
    return " ", (0,)


def _fold_homoglyphs(text: str, offsets: _Offsets) -> tuple[str, _Offsets]:
    """Rule 3. Fold a space-delimited token when it mixes Latin letters with lookalikes, or when it has
    lookalikes and no token outside the mixed ones has a non-Latin letter without a lookalike.

    Folding only mixed words (and all-lookalike words in otherwise Latin text) keeps a genuine Russian or Greek
    comment readable (Russian "рука" stays, rather than becoming "pyka"), while a Latin word with a Cyrillic
    "o" in it, or an English comment with one word written wholly in lookalikes, is read as Latin. The decision
    depends only on folded letters, so the result is stable under normalising again.
    """
    looks = _homoglyphs()
    tokens = _TOKEN.findall(text)
    flags = []
    for token in tokens:
        has_look = any(c in looks for c in token)
        mixed = has_look and _ASCII_LETTER.search(token) is not None
        foreign = any(c.isalpha() and not c.isascii() and c not in looks for c in token)
        flags.append((has_look, mixed, foreign))
    no_foreign = not any(foreign and not mixed for _, mixed, foreign in flags)
    fold = iter([mixed or (has_look and no_foreign) for has_look, mixed, _ in flags])

    def repl(m: re.Match[str]) -> _Replacement | None:
        return _fold_token(m.group(), looks) if next(fold) else None

    return _apply(_TOKEN, repl, text, offsets)


def _fold_token(token: str, looks: dict[str, str]) -> _Replacement:
    """Lookalikes → their Latin letter, other non-Latin letters → transliteration (when it is plain ASCII
    letters or digits), and the marks of a transliterated letter dropped."""
    out: list[str] = []
    rel: list[int] = []
    converted = False
    for j, char in enumerate(token):
        category = unicodedata.category(char)
        if not char.isascii() and category[0] == "M":
            if not converted:
                out.append(char)
                rel.append(j)
            continue
        rep = char
        if not char.isascii() and category[0] == "L":
            rep = looks.get(char) or _transliterate(char) or char
        converted = rep != char
        out.append(rep)
        rel.extend([j] * len(rep))
    return "".join(out), rel


@functools.lru_cache(maxsize=4096)
def _transliterate(char: str) -> str:
    """A letter's ASCII transliteration (anyascii), or "" when that is not plain letters or digits."""
    ascii_ = anyascii(char).casefold()
    return ascii_ if ascii_.isascii() and ascii_.isalnum() else ""


def _collapse_punct(m: re.Match[str]) -> _Replacement | None:
    """Rule 4, except in URLs."""
    return None if _in_url(m) else (m.group(1), (0,))


def _deleet(m: re.Match[str], edges: bool = False) -> _Replacement | None:
    """Rule 5 on a candidate word (see :func:`_deleet_word`), except in URLs and e-mail addresses; leet
    decoding keeps the length."""
    word = m.group()
    decoded = _deleet_word(word, edges)
    if decoded == word or _in_url(m):
        return None
    return decoded, range(len(word))


def _deleet_word(word: str, edges: bool = False) -> str:
    """Rule 5 on one word: decode it when it shows leet rather than a number.

    The word (letters, digits, ``$ @``, inner ``!``) must have a letter and no digit outside the leet set
    (2, 6, 8, 9 mean a number: ``b2b``, ``covid19``). Its runs of leet characters are looked at; the word is
    decoded, all of it, when one run is
    - inside the word, letters on both sides (``sh1t``, ``l0ser``, ``1d10t``, ``f4gg0t``); a lone ``!`` only
      in a word of at most 7 characters and not next to an ``i`` (``b!tch``, ``sh!t``, but not the missing
      space of ``cougar!you`` or ``us!i``), or
    - at an end and made of ``$``/``@`` only (``$hit``, ``a$$``): a run with a digit at an end is a number
      attached to a word (``4th``, ``mp3``, ``1000km``, ``x1000``, ``$5k``); a leading ``@`` alone counts
      only in a word of at most 3 characters (``@ss``), so that ``@user`` stays a mention.
    ``1`` and ``!`` decode to ``i`` (far commoner than ``l`` in disguised words: sh1t, b1tch, d1ck).
    With `edges` (the text has shown leet inside a word), a run at an end decodes too (``g0``, ``t0``, ``0wn``
    in "g0 b4ck t0 y0ur 0wn c0untry"), but ``@user`` stays a mention.
    """
    if _ASCII_LETTER.search(word) is None or _NOT_LEET_DIGIT.search(word):
        return word
    if edges:
        return word if word[0] == "@" and len(word) > 3 else word.translate(_LEET)
    n = len(word)
    for run in _LEET_RUN.finditer(word):
        start, end = run.span()
        chars = run.group()
        if start > 0 and end < n:
            if chars != "!" or (n <= 7 and word[start - 1] != "i" and word[end] != "i"):
                return word.translate(_LEET)
        elif any(c.isdigit() for c in chars) or (chars == "@" and start == 0 and n > 3):
            continue
        else:
            return word.translate(_LEET)
    return word


def _deleet_edge(m: re.Match[str]) -> _Replacement | None:
    """Rule 5 in a text already shown to use leet: leet at a word's end decodes too."""
    return _deleet(m, edges=True)


def _collapse_letters(m: re.Match[str]) -> _Replacement | None:
    """Rule 6, except in URLs and in Roman numerals (``viii``, ``xxx``)."""
    if not m.group(1).isalpha() or _in_url(m):
        return None
    text, start, end = m.string, m.start(), m.end()
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    while end < len(text) and text[end].isalpha():
        end += 1
    if _ROMAN.fullmatch(text, start, end):
        return None
    return m.group(1), (0,)


def _join_letters(m: re.Match[str]) -> _Replacement | None:
    """Rule 7, except in URLs and for three spaced chat-speak words ("u r a"). A leading "a" or "i" stays a
    word of its own when only the letters after it spell a slur or an insult ("what a f a g g o t")."""
    letters = m.group()[::2]
    if (m.group(1) == " " and len(letters) == 3 and _CHAT_LETTERS.issuperset(letters)) or _in_url(m):
        return None
    if m.group(1) == " " and letters[0] in "ai" and len(letters) >= 4 and _article_before(letters):
        return f"{letters[0]} {letters[1:]}", (0, 1, *range(2, len(m.group()), 2))
    return letters, range(0, len(m.group()), 2)


def _article_before(letters: str) -> bool:
    """Whether spaced `letters` read best as "a" or "i" and a word: the rest spells a slur or an insult for a
    person and the whole does not ("afaggot" is no word, "asshole" is)."""
    abusive = _abusive_words()
    return letters[1:] in abusive and letters not in abusive


@functools.cache
def _abusive_words() -> frozenset[str]:
    """The slurs and insults for a person a disguise is read towards (imported late: the lexicon works on
    normalised text)."""
    from moderation.lexicon import INSULT_NOUNS, SLURS

    return SLURS | INSULT_NOUNS


def _deobfuscate(text: str, offsets: _Offsets) -> tuple[str, _Offsets]:
    """Rules 4-7, repeated until nothing changes (joining split letters can make a new run of repeats and
    collapsing one can make new split letters); every change shortens the text or removes a leet character,
    so this ends, and is capped all the same."""
    for _ in range(_MAX_ROUNDS):
        before = text
        triple = _TRIPLE.search(text) is not None
        if triple:
            text, offsets = _apply(_PUNCT_RUN, _collapse_punct, text, offsets)
        if _LEET_HINT.search(text):
            decoded, offsets = _apply(_LEET_WORD, _deleet, text, offsets)
            if decoded != text:  # leet shown inside a word: the text's words with leet at an end are leet too
                decoded, offsets = _apply(_LEET_WORD, _deleet_edge, decoded, offsets)
                text, triple = decoded, _TRIPLE.search(decoded) is not None
        if triple:
            text, offsets = _apply(_LETTER_RUN, _collapse_letters, text, offsets)
        if _SPLIT_HINT.search(text):
            text, offsets = _apply(_SPLIT, _join_letters, text, offsets)
        if text == before:
            break
    return text, offsets


def _normalize(plain: str, offsets: _Offsets) -> tuple[str, _Offsets]:
    """Steps 1 (the marks, which need context) to 7 on `plain`, the per-character step-1 form of a text."""
    if not plain.isascii() and _marks_re().search(plain):
        plain, offsets = _apply(_marks_re(), _drop_accents, plain, offsets)
    if offsets is None:
        plain = _WHITESPACE.sub(" ", plain).strip()
    else:
        plain, offsets = _apply(_ODD_WHITESPACE, _one_space, plain, offsets)
        if plain.startswith(" "):
            plain, offsets = plain[1:], offsets[1:]
        if plain.endswith(" "):
            plain, offsets = plain[:-1], offsets[:-1]
    if not plain.isascii() and _homoglyph_re().search(plain):
        plain, offsets = _fold_homoglyphs(plain, offsets)
    return _deobfuscate(plain, offsets)


# --- Public API -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NormalizedText:
    """The canonical form of a text and, for each of its characters, the index of the original character
    it came from (non-decreasing; several canonical characters may share one, as "ﬁ" → "fi")."""

    text: str
    offsets: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The [start, end) span of the original text covering the [start, end) span of :attr:`text`.

        An empty span maps to an empty span at the original position of `start` (after the last original
        character when `start` is the end of the text).
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) is outside a normalised text of length {len(self.text)}")
        if start < end:
            return self.offsets[start], self.offsets[end - 1] + 1
        if start < len(self.offsets):
            return self.offsets[start], self.offsets[start]
        after = self.offsets[-1] + 1 if self.offsets else 0
        return after, after


def normalize_with_offsets(text: str) -> NormalizedText:
    """:func:`normalize`, with the offset into `text` of every character of the result."""
    if text.isascii():
        plain, offsets = text.lower(), list(range(len(text)))
    else:
        pieces: list[str] = []
        offsets = []
        for i, char in enumerate(text):
            out = _PLAIN[ord(char)]
            if out:
                pieces.append(out)
                offsets.extend([i] * len(out))
        plain = "".join(pieces)
    out, offsets = _normalize(plain, offsets)
    assert offsets is not None
    return NormalizedText(out, tuple(offsets))


def normalize(text: str) -> str:
    """Return `text` in the canonical form every model sees (the rules are in the module docstring).

    >>> normalize("  \\uff28\\uff45llo\\u200b  WORLD ")
    'hello world'
    >>> normalize("What a 1d10t!!! F u c k off")
    'what a idiot! fuck off'
    """
    plain = text.lower() if text.isascii() else text.translate(_PLAIN)
    return _normalize(plain, None)[0]


class TextNormalizer(TransformerMixin, BaseEstimator):
    """Stateless transformer applying :func:`normalize` to each text, for use inside a `Pipeline`."""

    def fit(self, X: Iterable[str], y: object = None) -> TextNormalizer:
        return self

    def transform(self, X: Iterable[str]) -> np.ndarray:
        return np.array([normalize(str(x)) for x in X], dtype=object)
