"""Read what a person sees on a rendered page: the cells of table rows marked with a data attribute,
and the text of an element marked `data-test`, with the standard library's HTML parser (no regexes
over markup, no extra dependency)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Rows(HTMLParser):
    def __init__(self, attr: str) -> None:
        super().__init__()
        self.attr, self.rows, self.key, self.cells, self.cell = attr, {}, None, [], None  # type: ignore[var-annotated]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and self.attr in found:
            self.key, self.cells = found[self.attr], []
        elif tag in ("td", "th") and self.key is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.cells.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.key is not None:
            self.rows[self.key] = self.cells
            self.key = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


class _Marked(HTMLParser):
    def __init__(self, mark: str) -> None:
        super().__init__()
        self.mark, self.depth, self.parts = mark, 0, []  # type: ignore[var-annotated]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += tag not in ("br", "input", "img", "meta", "link")
        elif dict(attrs).get("data-test") == self.mark:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def rows_by(html: str, attr: str) -> dict[str, list[str]]:
    """{value of `attr` on a <tr>: [the text of each cell]} for every such row of the page."""
    parser = _Rows(attr)
    parser.feed(html)
    return parser.rows


def marked_text(html: str, mark: str) -> str:
    """The whitespace-collapsed text of the first element with data-test=`mark` ('' if none)."""
    parser = _Marked(mark)
    parser.feed(html)
    return " ".join("".join(parser.parts).split())
