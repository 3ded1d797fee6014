"""HTML pages → blocks, by the rules the segmenter's training pages were built with."""

from __future__ import annotations

import pytest

from moderation.errors import InputFormatError
from moderation.html_blocks import decode_html, html_blocks, html_page, looks_like_html

PAGE = """<!DOCTYPE html>
<html><head><title>Site title</title><style>p { color: red }</style><script>var x = "<p>no</p>";</script></head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
  <article>
    <h1>Council <b>approves</b> the budget</h1>
    <p>The council approved the budget on Tuesday,<br>after a long debate &amp; two votes.</p>
    <p>   Spaces
       collapse   here. </p>
    <!-- an HTML comment -->Text after a comment stays.
    <figure><img src="a.png"><figcaption>A caption</figcaption></figure>
  </article>
  <div style="display: none">Hidden by style</div><div hidden>Hidden by attribute</div>
  <span style="visibility:hidden">Invisible</span>
  <section class="comments"><h3>3 Comments</h3>
    <div class="comment"><span class="author">Jack Friday</span> <time>November 6th, 2012</time>
      <p>Great to see this, <i>finally</i>.</p></div>
    <form><label>Name</label><input name="n" value="typed"><textarea>draft</textarea><button>Post</button></form>
  </section>
  <p> — | — </p>
  <footer>© 2012 Example</footer>
</body></html>"""


def test_blocks_follow_block_elements_and_line_breaks() -> None:
    assert html_blocks(PAGE) == [
        "Home",
        "News",
        "Council approves the budget",
        "The council approved the budget on Tuesday,",
        "after a long debate & two votes.",
        "Spaces collapse here.",
        "Text after a comment stays.",
        "A caption",
        "3 Comments",
        "Jack Friday November 6th, 2012",
        "Great to see this, finally.",
        "© 2012 Example",
    ]


def test_bytes_are_decoded_by_their_declared_charset_then_utf8_then_cp1252() -> None:
    declared = '<html><head><meta charset="iso-8859-7"></head><body><p>αβγ</p></body></html>'.encode("iso-8859-7")
    assert html_blocks(declared) == ["αβγ"]
    assert html_blocks("<html><body><p>café</p></body></html>".encode()) == ["café"]
    assert html_blocks("<html><body><p>café “quoted”</p></body></html>".encode("cp1252")) == ["café “quoted”"]
    assert decode_html(b"\xef\xbb\xbf<p>x</p>") == "<p>x</p>"
    assert decode_html(b'<meta charset="no-such-charset"><p>ok</p>') == '<meta charset="no-such-charset"><p>ok</p>'


def test_an_xml_declaration_and_deep_nesting_are_handled() -> None:
    xhtml = '<?xml version="1.0" encoding="utf-8"?><html><body><p>one</p></body></html>'
    assert html_blocks(xhtml) == ["one"]
    deep = "<html><body>" + "<div>" * 1500 + "deep text" + "</div>" * 1500 + "</body></html>"
    assert html_blocks(deep) == ["deep text"]


@pytest.mark.parametrize("page", ["", "   \n", b""])
def test_an_empty_page_has_no_blocks(page: str | bytes) -> None:
    assert html_blocks(page) == []


def test_a_page_becomes_one_block_a_line() -> None:
    assert html_page("<html><body><p>a</p><p>b c</p></body></html>") == "a\nb c"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<!DOCTYPE html><html>", True),
        (b"\xef\xbb\xbf  <html lang='en'>", True),
        (b"<!-- saved page --><HTML>", True),
        (b"<body><p>x</p>", True),
        (b"Plain text page\nwith <b>a tag</b> in a line", False),
        (b"<p>a fragment</p>", False),
    ],
)
def test_html_is_recognised_by_how_it_starts(data: bytes, expected: bool) -> None:
    assert looks_like_html(data) is expected


def test_unparsable_input_is_an_input_error() -> None:
    with pytest.raises(InputFormatError, match="not an HTML document"):
        html_blocks("<!-- only a comment -->")
