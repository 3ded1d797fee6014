"""HTML pages → plain-text blocks, one paragraph-like element a block, by the same rules that built the
segmenter's training pages (see ``../shared/data/pages/README.md``), so an HTML page meets the model as
its training pages did.

The rules: decode by the declared charset, then UTF-8, then cp1252; walk the DOM in document order;
start a new block at every block-level element and at every ``<br>``, keep inline elements inside their
block; skip scripts, styles, ``head``, form controls, frames, SVG and hidden elements; collapse
whitespace; drop blocks with no letter or digit.
"""

from __future__ import annotations

import codecs
import contextlib
import re

from lxml import etree, html

from .errors import InputFormatError

BLOCK_TAGS: frozenset[str] = frozenset(
    """
    address article aside blockquote body caption center dd details dialog dir div dl dt fieldset figcaption
    figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav noframes ol p
    pre section summary table tbody td tfoot th thead tr ul
    """.split()  # noqa: SIM905 - a tag list reads best as words
)
"""Elements that start and end a block."""

SKIPPED_TAGS: frozenset[str] = frozenset(
    """
    script style noscript head title template input select option optgroup textarea button label datalist
    iframe frame object embed svg math canvas audio video map
    """.split()  # noqa: SIM905
)
"""Elements whose text never reaches a block."""

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_HAS_WORD = re.compile(r"[^\W_]")
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)


def looks_like_html(data: bytes) -> bool:
    """Whether `data` starts like an HTML document (a doctype, or an html, head or body tag)."""
    return bool(_HTML_START.match(data.lstrip(codecs.BOM_UTF8)[:4096]))


def decode_html(data: bytes) -> str:
    """The page's text: its byte-order mark or declared charset first, then UTF-8, then cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    candidates = []
    declared = _CHARSET.search(data[:8192])
    if declared:
        with contextlib.suppress(LookupError, UnicodeDecodeError):  # an unknown charset: try the others
            candidates.append(codecs.lookup(declared.group(1).decode("ascii")).name)
    candidates += ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")  # cp1252 leaves five bytes undefined


def _hidden(element: etree._Element) -> bool:
    return element.get("hidden") is not None or bool(_HIDDEN_STYLE.search(element.get("style") or ""))


def html_blocks(page: bytes | str) -> list[str]:
    """The text blocks of an HTML page, in reading order.

    Raises :class:`~moderation.errors.InputFormatError` when the input holds no parsable document.
    """
    text = decode_html(page) if isinstance(page, bytes) else page
    text = _XML_DECLARATION.sub("", text)  # lxml refuses a str that declares its own encoding
    if not text.strip():
        return []
    try:
        # huge_tree: pages with unclosed tags nest deep, and the default parser drops text below 256 levels
        root = html.document_fromstring(text, parser=html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError) as exc:
        raise InputFormatError(f"not an HTML document: {exc}") from exc

    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        block = " ".join("".join(current).split())
        if _HAS_WORD.search(block):
            blocks.append(block)
        current.clear()

    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        if event in ("comment", "pi"):  # no text of their own, but the text after them is the page's
            if element.tail:
                current.append(element.tail)
            continue
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in SKIPPED_TAGS or _hidden(element):
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS or tag == "br":
                flush()
            if element.text:
                current.append(element.text)
        else:
            if tag in BLOCK_TAGS:
                flush()
            if element.tail:
                current.append(element.tail)
    flush()
    return blocks


def html_page(page: bytes | str) -> str:
    """An HTML page as the segmenter's plain-text input: its blocks, one a line."""
    return "\n".join(html_blocks(page))
