"""axe-core in the end-to-end tests: every page a test visits is checked.

axe is added to every page of the test's browser contexts before the page's own scripts (an
init script, which the Content-Security-Policy does not restrict, so the policy stays on and
its own check keeps working); it runs when the page has loaded and reports back here. The
pages still open when the test ends are checked again, after the test has used them, and
`axe_check(page)` checks a page on demand. A serious or critical violation fails the test.
"""

import json
from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")

# What fails a test: every serious or critical violation, and these moderate ones the pages
# have been cleaned of (a heading level skipped, a page without a title heading, content
# outside the landmarks, a page without a main region), so they do not come back.
FAILING_IMPACTS = {"serious", "critical"}
FAILING_RULES = {"heading-order", "page-has-heading-one", "landmark-one-main"}

RUN_AXE = """async () => {
  await (window.__axeRunning || Promise.resolve()).catch(() => null);
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
  }));
}"""

# Run in each top-level page of ours once it has loaded, reported through a binding.
RUN_ON_LOAD = """
if (window.top === window && location.protocol.startsWith('http')
    && document.contentType === 'text/html') {
  window.addEventListener('load', () => {
    const options = {resultTypes: ['violations']};
    window.__axeRunning = axe.run(document, options).then(result => window.__axeReport(
      location.href,
      result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
      })),
    ));
  });
}
"""


def axe_violations(page) -> list[dict]:
    """The failing violations on the page now on screen (none for pages that are not ours)."""
    if not page.url.startswith("http"):
        return []
    if page.evaluate("document.contentType") != "text/html":
        return []  # a PDF or a file shown by the browser's own viewer, not one of our pages
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    page.wait_for_load_state()
    return [v for v in page.evaluate(RUN_AXE) if failing(v)]


def axe_check(page):
    """Fails now, with the list, if the page on screen has a failing violation."""
    violations = axe_violations(page)
    assert not violations, "Violazioni di accessibilità (axe-core):\n" + describe(
        page.url, violations
    )


def failing(violation) -> bool:
    return violation["impact"] in FAILING_IMPACTS or violation["id"] in FAILING_RULES


def describe(url: str, violations: list[dict]) -> str:
    lines = [f"{url}:"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        lines.extend(f"      {target}" for target in v["targets"])
    return "\n".join(lines)


class AxeWatch:
    """Checks the pages of the contexts it watches; `report()` lists what failed."""

    def __init__(self):
        self.failures: dict[tuple[str, str], dict] = {}
        self.checked: list[str] = []

    def check(self, page) -> list[dict]:
        url = page.url
        try:
            violations = axe_violations(page)
        except Exception as error:  # the page went away mid-check: nothing to see
            if "destroyed" in str(error) or "closed" in str(error) or "navigat" in str(error):
                return []
            raise
        self.checked.append(url)
        self._record(url, violations)
        return violations

    def _record(self, url, violations):
        for violation in violations:
            key = (url.split("?")[0], json.dumps([violation["id"], violation["targets"]]))
            self.failures.setdefault(key, {"url": url, **violation})

    def watch(self, context):
        """axe runs inside every page the context loads, once the page is ready, and reports
        here; a page left before its check ends is checked no more (the test's own last pages
        are checked again at teardown, and `axe_check` checks one on demand)."""
        context.expose_binding("__axeReport", self._reported)
        context.add_init_script(script=AXE_SOURCE + ";\n" + RUN_ON_LOAD)

    def _reported(self, source, url, violations):
        self.checked.append(url)
        self._record(url, [v for v in violations if failing(v)])

    def check_open_pages(self, contexts):
        for context in contexts:
            for page in context.pages:
                if not page.is_closed():
                    self.check(page)

    def report(self) -> str:
        by_url: dict[str, list[dict]] = {}
        for failure in self.failures.values():
            by_url.setdefault(failure["url"], []).append(failure)
        return "\n".join(describe(url, violations) for url, violations in by_url.items())
