"""The files a page names, for the benches that count a first visit (bench.py, bench_timeline.py,
bench_districts.py)."""

from __future__ import annotations

from html.parser import HTMLParser


class Assets(HTMLParser):
    """The scripts, stylesheets and images a page names (not inline images), in the page's order; `local`: the
    ones of this site (no scheme)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"])
        elif tag == "link" and "stylesheet" in (attributes.get("rel") or "") and attributes.get("href"):
            self.urls.append(attributes["href"])
        elif tag == "img" and attributes.get("src") and not attributes["src"].startswith("data:"):
            self.urls.append(attributes["src"])

    @property
    def local(self) -> list[str]:
        return [url for url in self.urls if not url.startswith(("http:", "https:", "//"))]
