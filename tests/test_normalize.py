"""Normalisation: the same canonical text for training and scoring, with disguises undone and offsets back."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from moderation.normalize import NormalizedText, TextNormalizer, normalize, normalize_with_offsets

# Text made of what the de-obfuscation rules act on: letters, leet characters, separators, lookalikes
# (Cyrillic es, o, er, i; Greek nu), an accent, a zero-width space, a ligature, a Devanagari letter and virama.
OBFUSCATION_ALPHABET = "abiostxkuvr 013457!$@*.-_#:/\u0441\u043e\u0440\u0438\u03bd\u0301\u200b\ufb01\u0915\u094d"
obfuscated_text = st.text(alphabet=OBFUSCATION_ALPHABET, max_size=40)


# --- Characters -------------------------------------------------------------------------------------------


def test_loading_a_model_builds_the_character_tables_without_keeping_the_unicode_data(tiny_bundle: Path) -> None:
    """Built when the model loads (so forked batch workers share them), from the confusables file read and let
    go: importing `confusable_homoglyphs.confusables` would hold its 6 MB in every process for good."""
    script = (
        "import sys\n"
        "from moderation import normalize\n"
        "from moderation.moderator import Moderator\n"
        f"Moderator.load({str(tiny_bundle)!r})\n"
        "built = [f.cache_info().currsize for f in (normalize._marks_re, normalize._homoglyph_re)]\n"
        "assert built == [1, 1], built\n"
        "assert 'confusable_homoglyphs.confusables' not in sys.modules\n"
        "assert normalize.normalize('\\u0455tup\\u0456d') == 'stupid'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)


def test_case_whitespace_and_width_fold() -> None:
    assert normalize("  Hello\t\n  WORLD  ") == "hello world"
    assert normalize("\uff28\uff45\uff4c\uff4c\uff4f") == "hello"  # full-width letters


def test_zero_width_and_joiners_removed() -> None:
    assert normalize("id\u200biot") == "idiot"
    assert normalize("st\u200dup\u2060id\ufeff") == "stupid"
    assert normalize("soft\u00adhyphen") == "softhyphen"
    assert normalize("i\u200cd\u200ei\u2062o\u034ft") == "idiot"  # ZWNJ, LRM, invisible times, CGJ
    assert normalize("id\U000e0041iot\u3164") == "idiot"  # a tag character, a Hangul filler


def test_compatibility_forms_fold() -> None:
    assert normalize("\ufb01ne") == "fine"  # the "fi" ligature
    assert normalize("\u2460") == "1"  # circled digit one
    assert normalize("\U0001d41f\U0001d42e\U0001d41c\U0001d424") == "fuck"  # mathematical bold
    assert normalize("\U0001d4ef\U0001d4fe\U0001d4ec\U0001d4f4") == "fuck"  # mathematical bold script
    assert normalize("\u24d5\u24e4\u24d2\u24da") == "fuck"  # circled letters
    assert normalize("\U0001f175\U0001f184\U0001f172\U0001f17a") == "fuck"  # negative squared letters


def test_diacritics_stripped() -> None:
    assert normalize("Caf\u00e9 \u00fcber Espa\u00f1a") == "cafe uber espana"
    assert normalize("cafe\u0301") == "cafe"  # a combining accent
    assert normalize("f\u0336u\u0336c\u0336k\u0336") == "fuck"  # strike-through marks
    assert normalize("Ti\u1ebfng Vi\u1ec7t") == "tieng viet"
    assert normalize("\u0142\u00f8\u0111 \u00e6 \u00df \u0251") == "lod ae ss a"  # letters without a decomposition
    assert normalize("Bj\u00f6rk") == normalize("bjork")


def test_marks_of_other_scripts_kept() -> None:
    hindi = "\u0928\u092e\u0938\u094d\u0924\u0947"  # namaste: a virama and a vowel sign
    assert normalize(hindi) == hindi
    arabic = "\u0645\u064e\u0631\u0652\u062d\u064e\u0628\u064b\u0627"
    assert normalize(arabic) == arabic


def test_typographic_punctuation_made_ascii() -> None:
    assert normalize("don\u2019t \u201cquote\u201d \u2014 dash") == 'don\'t "quote" - dash'
    assert normalize("don\u2019t") == normalize("don't")


# --- Homoglyphs ---------------------------------------------------------------------------------------------


def test_lookalikes_in_mixed_words_folded() -> None:
    assert normalize("id\u0456ot") == "idiot"  # Cyrillic byelorussian-ukrainian i
    assert normalize("fu\u0441k you") == "fuck you"  # Cyrillic es
    assert normalize("\u0440enis") == "penis"  # Cyrillic er looks like p (transliterates to r)
    assert normalize("\u03bdile") == "vile"  # Greek nu
    assert normalize("\u041d\u0415LLO") == "hello"  # capital Cyrillic en and ie
    assert normalize("\u0456d\u0456\u043e\u0442") == "idiot"  # all Cyrillic, in otherwise Latin text


def test_lookalike_words_in_latin_text_folded() -> None:
    assert normalize("you are a \u0441\u043e\u0441\u043a") == "you are a cock"
    assert normalize("f u \u0441 k") == "fuck"  # then joined as split letters


def test_genuine_non_latin_text_kept() -> None:
    russian = "\u041f\u0440\u0438\u0432\u0435\u0442, \u043a\u0430\u043a \u0434\u0435\u043b\u0430?"
    assert normalize(russian) == russian.casefold()
    ruka = "\u0440\u0443\u043a\u0430"  # a Russian word made only of lookalikes stays Russian in Russian text
    assert normalize(f"{russian} {ruka}") == f"{russian.casefold()} {ruka}"
    assert normalize(f"{russian} fu\u0441k") == f"{russian.casefold()} fuck"  # but a mixed word is folded
    greek = "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1"
    assert normalize(greek) == "\u03ba\u03b1\u03bb\u03b7\u03bc\u03b5\u03c1\u03b1"  # accent stripped only
    chinese = "\u6211\u7231\u4f60 iPhone"
    assert normalize(chinese) == "\u6211\u7231\u4f60 iphone"
    for text in (russian, greek, chinese):
        assert normalize(text) == normalize(text) == normalize_with_offsets(text).text


# --- Leetspeak ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("f4gg0t", "faggot"),
        ("sh1t", "shit"),
        ("l0ser", "loser"),
        ("1d10t", "idiot"),
        ("$hit", "shit"),
        ("b!tch", "bitch"),
        ("sh!t", "shit"),
        ("@ss", "ass"),
        ("a$$", "ass"),
        ("a$$hole", "asshole"),
        ("5h1t", "shit"),
        ("s3x", "sex"),
        ("F4GG0T", "faggot"),
        ("you are an 1d10t!", "you are an idiot!"),
    ],
)
def test_leetspeak_decoded(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2011",
        "1000",
        "1000km",
        "4th",
        "mp3",
        "covid19",
        "x1000",
        "$5",
        "$5k",
        "3.5",
        "b2b",
        "10am",
        "win10",
        "@user",
        "@user hello",
        "wow!",
        "cougar!you",
        "hello!i",
        "joe@example.com",
        "https://example.com/a1b0",
    ],
)
def test_numbers_mentions_and_punctuation_not_leet(text: str) -> None:
    assert normalize(text) == text


def test_leet_at_a_word_end_decodes_where_the_text_shows_leet() -> None:
    assert normalize("g0 b4ck t0 y0ur 0wn c0untry") == "go back to your own country"
    assert normalize("@user123 y0u l0ser, t0 the 10 0f y0u") == "@user123 you loser, to the 10 of you"
    # without a word that shows leet inside it, an end digit is a number
    assert normalize("meet at 10am on the 4th, g0 by mp3") == "meet at 10am on the 4th, g0 by mp3"
    offsets = normalize_with_offsets("g0 b4ck t0").offsets
    assert len(offsets) == len("go back to")


def test_mention_stays_next_to_leet() -> None:
    assert normalize("@USER you are a l0ser") == "@user you are a loser"


# --- Repeats ------------------------------------------------------------------------------------------------


def test_repeated_letters_collapsed() -> None:
    assert normalize("stuuuupid") == "stupid"
    assert normalize("fuuuuck") == "fuck"
    assert normalize("sooooo") == "so"
    assert normalize("yessss") == "yes"
    assert normalize("SHIIIIT") == "shit"
    assert normalize("sh1iiit") == "shit"  # leet first, then the run


def test_runs_of_two_numbers_urls_and_roman_numerals_kept() -> None:
    for text in ("good", "bitter", "coffee", "1000", "www.example.com", "henry viii", "xxx"):
        assert normalize(text) == text


def test_repeated_punctuation_collapsed() -> None:
    assert normalize("what!!!!") == "what!"
    assert normalize("so....") == "so."
    assert normalize("why???") == "why?"
    assert normalize("no!!") == "no!!"  # a pair is kept, like letters
    assert normalize("f***") == "f***"  # masks keep their stars


# --- Split letters ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("f u c k", "fuck"),
        ("F  U  C  K", "fuck"),
        ("f.u.c.k", "fuck"),
        ("f.u.c.k.", "fuck."),
        ("s-h-i-t", "shit"),
        ("f_u_c_k", "fuck"),
        ("f*u*c*k", "fuck"),
        ("i d i o t", "idiot"),
        ("you f u c k i n g idiot", "you fucking idiot"),
        ("s o o o o stupid", "so stupid"),
        ("U.S.A.", "usa."),
        # an article before a spaced slur or insult stays a word; a word that starts with the letter is kept whole
        ("what a f a g g o t", "what a faggot"),
        ("such a c u n t!", "such a cunt!"),
        ("you a s s h o l e", "you asshole"),
        ("a b c d", "abcd"),
    ],
)
def test_split_letters_joined(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text",
    ["i am a man", "a b testing", "plan a or b", "e.g. this", "i.e. that", "u r a loser", "f u", "f. u. c. k", "a-b"],
)
def test_single_letter_words_kept(text: str) -> None:
    assert normalize(text) == text


@pytest.mark.parametrize("text", ["f*ck", "f**k", "sh*t", "a**hole", "f*ck off", "what the f*** man"])
def test_masked_words_kept(text: str) -> None:
    assert normalize(text) == text


# --- Offsets ------------------------------------------------------------------------------------------------


def test_offsets_of_expansions_point_at_their_character() -> None:
    assert normalize_with_offsets("\ufb01ne") == NormalizedText("fine", (0, 0, 1, 2))
    assert normalize_with_offsets("Stra\u00dfe") == NormalizedText("strasse", (0, 1, 2, 3, 4, 4, 5))
    assert normalize_with_offsets("\u2474") == NormalizedText("(1)", (0, 0, 0))


def test_offsets_skip_removed_characters() -> None:
    assert normalize_with_offsets("  x\u200by  ") == NormalizedText("xy", (2, 4))
    assert normalize_with_offsets("a \t\n b") == NormalizedText("a b", (0, 1, 5))
    assert normalize_with_offsets("cafe\u0301!") == NormalizedText("cafe!", (0, 1, 2, 3, 5))


def test_offsets_of_joined_and_collapsed_words() -> None:
    assert normalize_with_offsets("a f.u.c.k b") == NormalizedText("a fuck b", (0, 1, 2, 4, 6, 8, 9, 10))
    assert normalize_with_offsets("stuuupid") == NormalizedText("stupid", (0, 1, 2, 5, 6, 7))
    assert normalize_with_offsets("sh1t") == NormalizedText("shit", (0, 1, 2, 3))
    assert normalize_with_offsets("fu\u0441k") == NormalizedText("fuck", (0, 1, 2, 3))


def test_to_original_maps_spans_back() -> None:
    original = "You  are a f.u.c.k.\u200bi.n.g 1d10t!!!"
    normal = normalize_with_offsets(original)
    assert normal.text == "you are a fucking idiot!"
    start = normal.text.index("fucking")
    s, e = normal.to_original(start, start + len("fucking"))
    assert original[s:e] == "f.u.c.k.\u200bi.n.g"
    start = normal.text.index("idiot")
    s, e = normal.to_original(start, start + len("idiot"))
    assert original[s:e] == "1d10t"
    assert normal.to_original(0, len(normal.text)) == (0, len(original) - 2)
    assert normal.to_original(4, 4) == (5, 5)  # an empty span stays empty, at its character
    assert normal.to_original(len(normal.text), len(normal.text)) == (len(original) - 2, len(original) - 2)
    with pytest.raises(ValueError):
        normal.to_original(3, 2)
    with pytest.raises(ValueError):
        normal.to_original(0, len(normal.text) + 1)
    assert normalize_with_offsets("  ").to_original(0, 0) == (0, 0)


def _check_offsets(text: str) -> None:
    normal = normalize_with_offsets(text)
    assert normal.text == normalize(text)
    assert len(normal.offsets) == len(normal.text)
    assert all(0 <= i < len(text) for i in normal.offsets)
    assert all(a <= b for a, b in zip(normal.offsets, normal.offsets[1:], strict=False))
    for start in range(len(normal.text)):
        s, e = normal.to_original(start, start + 1)
        assert 0 <= s < e <= len(text)


@given(st.text())
def test_offsets_invariants(text: str) -> None:
    _check_offsets(text)


@given(obfuscated_text)
def test_offsets_invariants_on_obfuscated_text(text: str) -> None:
    _check_offsets(text)


# --- Whole-form properties ----------------------------------------------------------------------------------


def test_transformer_matches_function() -> None:
    texts = ["A  B", "\uff21", "x\u200by", "sh1t", "f u c k"]
    out = TextNormalizer().fit(texts).transform(texts)
    assert isinstance(out, np.ndarray)
    assert list(out) == [normalize(t) for t in texts]


@given(st.text())
def test_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(obfuscated_text)
def test_idempotent_on_obfuscated_text(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(st.characters())
def test_idempotent_per_character(char: str) -> None:
    for text in (char, f"a{char}b", f"{char}{char}{char}", f"\u0915{char}"):
        once = normalize(text)
        assert normalize(once) == once


@given(st.text())
def test_no_surrounding_or_repeated_whitespace(text: str) -> None:
    out = normalize(text)
    assert out == out.strip()
    assert "  " not in out


@given(st.text())
def test_output_case_folded_without_format_characters(text: str) -> None:
    out = normalize(text)
    assert not any(unicodedata.category(c) == "Cf" for c in out)
    assert out == out.casefold()
