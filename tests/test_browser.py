"""The pages in a real browser: headless Debian chromium, driven by playwright, against uvicorn.

The server runs `create_app` in its own process on an on-disk store that this test process keeps
open for writing (so the server must open it read-only), filled with the corpus plus two copies of
a document whose unit name carries HTML (`<img src=x onerror=alert(1)>`, `<svg/onload=alert(1)>`).
Every page must show those names as text: no element is created, no dialog opens.

Needs /usr/bin/chromium and a CJK font (tests/install.sh installs both); playwright's own browsers
are never used.  The layout tests leave their screenshots in pytest's temporary directory (the
path is printed), to be looked at.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from conftest import child_env

from budgetkg.ingest.pipeline import ingest
from budgetkg.settings import CORPUS_DIR
from budgetkg.stores import open_store

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IMG_NAME = "柳州市<img src=x onerror=alert(1)>热线管理中心"
SVG_NAME = "柳州市<svg/onload=alert(1)>热线管理中心"
TIMEOUT_MS = 20_000


def hostile_documents(folder: Path) -> None:
    """Copies of a corpus document under new unit codes, with HTML in the unit name."""
    source = next(CORPUS_DIR.glob("000_*.txt")).read_text(encoding="utf-8")
    for name, code, file in ((IMG_NAME, "103098", "evil-img.txt"), (SVG_NAME, "103099", "evil-svg.txt")):
        text = source.replace("柳州市12345政务服务热线管理中心", name).replace("103007", code)
        (folder / file).write_text(text, encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser")
    (root / "hostile").mkdir()
    hostile_documents(root / "hostile")
    writer = open_store(str(root / "store"))
    reports = ingest(writer, [CORPUS_DIR, root / "hostile"])
    assert all(r.error is None for r in reports), [r.error for r in reports]
    writer.flush()  # kept open (and locked) while the server runs
    port = free_port()
    log = open(root / "server.log", "wb")
    env = child_env(store=str(root / "store"), query_workers=1)
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "budgetkg.api.app:create_app", "--factory",
                               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                pytest.fail(f"the server exited ({server.returncode}):\n{(root / 'server.log').read_text(errors='replace')}")
            try:
                health = httpx.get(base + "/healthz", timeout=2).json()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    pytest.fail("the server did not answer /healthz within 90 s")
                time.sleep(0.2)
        assert health["read_only"] is True and health["store"] == "disk"
        yield base
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        writer.close()


def cjk_fonts() -> list[str]:
    if shutil.which("fc-list") is None:
        return []
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30).stdout
    return [line for line in listed.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run tests/install.sh (apt-get install chromium)")
    if not cjk_fonts():
        pytest.fail("no CJK font: screenshots would show boxes for every Chinese character; run tests/install.sh "
                    "(apt-get install fonts-wqy-microhei)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True, timeout=60_000)
    except Exception as error:
        playwright.stop()
        pytest.fail(f"headless chromium ({CHROMIUM}) did not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


@dataclass
class Tab:
    page: object
    base: str
    dialogs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # script errors, outside requests
    blocked: list[str] = field(default_factory=list)  # Content-Security-Policy reports

    def open(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="domcontentloaded")

    def ask(self, question: str):
        answers = self.page.locator("li.answer:not(.pending)")
        before = answers.count()
        self.page.fill("#question", question)
        self.page.press("#question", "Enter")
        answers.nth(before).wait_for()
        return answers.nth(before)

    def no_injected_markup(self) -> None:
        injected = self.page.evaluate("() => document.querySelectorAll('img, svg[onload], [onerror], [onload]').length")
        assert injected == 0
        assert self.page.evaluate("() => typeof window.__xss") == "undefined"


@pytest.fixture
def open_tab(browser, site) -> Iterator:
    """Tabs in fresh browser contexts; `bypass_csp` turns the pages' Content-Security-Policy off."""
    contexts, tabs = [], []

    def make(bypass_csp: bool = False, width: int = 1280, height: int = 800) -> Tab:
        context = browser.new_context(locale="zh-CN", bypass_csp=bypass_csp, viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        tab = Tab(page, site)
        tabs.append(tab)

        def route(request_route):
            url = request_route.request.url
            if urlsplit(url).hostname == "127.0.0.1" or url.startswith("data:"):
                request_route.continue_()
            else:
                tab.problems.append(f"outside request: {url}")
                request_route.abort()

        def console(message) -> None:
            if message.type != "error" or "status of 4" in message.text:
                return
            (tab.blocked if "Content Security Policy" in message.text else tab.problems).append(message.text)

        context.route("**/*", route)
        page.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: tab.problems.append(f"script error: {error}"))
        page.on("console", console)
        return tab

    yield make
    for context in contexts:
        context.close()
    for tab in tabs:
        assert tab.dialogs == [], "a dialog opened: markup from the data ran as script"
        assert tab.problems == []


@pytest.fixture
def tab(open_tab) -> Iterator[Tab]:
    """A tab on our own pages, which never parse data as HTML: not even a blocked attempt is allowed."""
    tab = open_tab()
    yield tab
    assert tab.blocked == []


def test_question_shows_answer_and_source(tab):
    tab.open("/")
    answer = tab.ask("长沙热线中心的人员经费")
    assert "341.53" in answer.locator(".answer-text").inner_text()
    sources = answer.locator(".sources").inner_text()
    assert "长沙市12345政务热线中心2024年部门预算" in sources and "第237行" in sources
    link = answer.locator(".answer-text a.unit-link").first
    assert link.inner_text() == "长沙市12345政务热线中心" and link.get_attribute("href") == "/units/430100/152003"


def test_follow_up_in_the_same_session(tab):
    tab.open("/")
    first = tab.ask("长沙热线中心的人员经费")
    assert "341.53" in first.inner_text()
    second = tab.ask("那池州呢")
    assert "池州市政务服务便民热线中心" in second.locator(".answer-text").inner_text()


def test_example_question_chart_and_unit_page(tab):
    tab.open("/")
    tab.page.get_by_role("button", name="哪个热线中心的预算最多").click()
    answer = tab.page.locator("li.answer:not(.pending)").first
    answer.wait_for()
    assert "2,850.48" in answer.locator(".answer-text").inner_text()
    chart = answer.locator("svg.chart")
    assert chart.locator("rect").count() == 3
    assert "长沙市12345政务热线中心" in chart.locator("text.chart-label").all_text_contents()
    answer.locator(".answer-text a.unit-link", has_text="长沙市12345政务热线中心").first.click()
    tab.page.wait_for_url("**/units/430100/152003")
    assert tab.page.locator("h1").inner_text() == "长沙市12345政务热线中心"
    assert "2,850.48" in tab.page.locator("table.data").inner_text()


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["csp", "no-csp"])
def test_console_runs_an_example_query(open_tab, bypass_csp):
    """Hostile names come back as text in YASR's table even without the CSP safety net."""
    tab = open_tab(bypass_csp)
    tab.open("/console")
    tab.page.locator(".yasqe .CodeMirror").first.wait_for()
    tab.page.get_by_role("button", name="单位树").click()
    rows = tab.page.locator(".yasr table tbody tr")
    rows.first.wait_for()
    text = tab.page.locator(".yasr table").first.inner_text()
    assert "柳州市12345政务服务热线管理中心" in text and IMG_NAME in text and SVG_NAME in text
    tab.no_injected_markup()
    tab.page.wait_for_timeout(1500)  # an <img onerror> would have failed to load by now
    tab.no_injected_markup()


def test_console_opens_the_answers_query(open_tab):
    tab = open_tab()
    tab.open("/")
    answer = tab.ask("长沙热线中心的人员经费")
    href = answer.locator("a.console-link").first.get_attribute("href")
    assert href.startswith("/console?query=")
    tab.open(href)
    tab.page.locator(".yasqe .CodeMirror").first.wait_for()
    query = tab.page.evaluate("() => window.budgetkgYasgui.getTab().getQuery()")
    assert "bk:unit" in query and "430100/152003" in query
    tab.page.locator(".yasqe_queryButton").first.click()
    tab.page.locator(".yasr table tbody tr").first.wait_for()
    assert "341.53" in tab.page.locator(".yasr table").first.inner_text()


def test_unit_page(tab):
    tab.open("/units/450200/103007")
    tab.page.locator("table.data").wait_for()
    assert tab.page.locator("h1").inner_text() == "柳州市12345政务服务热线管理中心"
    assert "1,113.42" in tab.page.locator("table.data").inner_text()
    parent = tab.page.locator("dl.facts a.unit-link")
    assert parent.inner_text() == "柳州市人民政府办公室" and parent.get_attribute("href") == "/units/450200/103"


def test_unit_page_shows_the_audits_findings(tab):
    """Errors and warnings listed with their places; the rounding hints folded away until asked for."""
    tab.open("/units/450200/103007")
    findings = tab.page.locator("#findings ul.findings").first
    findings.wait_for()
    assert "total-parts" in findings.inner_text() and "政府采购" in findings.inner_text()  # the 0.00 合计 of 表10
    hints = tab.page.locator("#findings details.hints")
    assert hints.get_attribute("open") is None and not hints.locator("li.finding").first.is_visible()
    hints.locator("summary").click()
    assert hints.locator("li.finding.hint").first.is_visible()


def test_html_in_names_is_shown_as_text(tab):
    tab.open("/units")
    tab.page.locator(".units a.unit-link").first.wait_for()
    names = tab.page.locator(".units a.unit-link").all_inner_texts()
    assert IMG_NAME in names and SVG_NAME in names
    tab.no_injected_markup()
    tab.page.locator(".units a.unit-link", has_text="onerror").first.click()
    tab.page.locator("table.data, p.muted").first.wait_for()
    assert tab.page.locator("h1").inner_text() == IMG_NAME
    tab.no_injected_markup()
    tab.open("/")
    answer = tab.ask("103099的基本支出")
    text = answer.locator(".answer-text").inner_text()
    assert SVG_NAME in text and "844.09" in text
    assert SVG_NAME in answer.locator(".answer-text a.unit-link").first.inner_text()
    ranking = tab.ask("柳州市人民政府办公室各单位的三公经费排名")
    bars = ranking.locator("svg.chart rect title").all_text_contents()
    assert any(bar.startswith(IMG_NAME) for bar in bars) or any(bar.startswith(SVG_NAME) for bar in bars), bars
    tab.no_injected_markup()


def test_api_docs_render_offline(tab):
    """/docs is the vendored Swagger UI: every operation listed, nothing fetched from elsewhere."""
    tab.open("/docs")
    tab.page.wait_for_selector(".opblock")
    assert tab.page.locator(".opblock").count() >= 8
    assert "/api/ask" in tab.page.locator("#swagger-ui").inner_text()


# ------------------------------------------------------------------ layout at desktop and phone widths
def run_example(tab: Tab, example: str) -> None:
    tab.page.locator(".yasqe .CodeMirror").first.wait_for()
    tab.page.get_by_role("button", name=example).click()
    tab.page.locator(".yasr table tbody tr").first.wait_for()


PAGES = {
    "chat": ("/", lambda tab: tab.ask("哪个热线中心的预算最多")),
    **{f"console-{n}": ("/console", lambda tab, example=example: run_example(tab, example))
       for n, example in enumerate(["单位树", "三公经费（按单位）", "功能分类科目汇总", "预算与决算对比"], 1)},
    "units": ("/units", lambda tab: tab.page.locator(".units a.unit-link").first.wait_for()),
    "unit": ("/units/450200/103007", lambda tab: tab.page.locator("table.data").wait_for()),
    "not-found": ("/no-such-page", lambda tab: tab.page.locator("h1").wait_for()),
}


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"screenshots: {folder}")
    return folder


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_the_window(open_tab, shots, name, width):
    """No page is wider than the window (a wide table scrolls inside its box), and buttons, column headings
    and menu links keep their words on one line."""
    tab = open_tab(width=width, height=900)
    path, ready = PAGES[name]
    tab.open(path)
    ready(tab)
    tab.page.wait_for_timeout(300)  # fonts and late layout
    tab.page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    page_width = tab.page.evaluate("() => document.documentElement.scrollWidth")
    assert page_width <= width, f"{name} is {page_width} px wide in a {width} px window"
    # a button may wrap a long example question, never a label that fits on one line of the window
    wrapped = tab.page.evaluate("""() => [...document.querySelectorAll('button, table.data th, nav a')].filter(b => b.offsetParent).filter(b => {
        const range = document.createRange(); range.selectNodeContents(b);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
        const wrap = b.style.whiteSpace; b.style.whiteSpace = "nowrap";
        const natural = b.scrollWidth; b.style.whiteSpace = wrap;
        return lines > 1 && natural < 0.8 * window.innerWidth;
    }).map(b => b.textContent.trim())""")
    assert wrapped == [], f"buttons, headings and links whose text wraps at {width} px: {wrapped}"


def test_chinese_text_is_drawn_with_a_cjk_font(open_tab):
    """With no CJK font, chromium draws every character as the same empty box: 预 and 算 would be as wide as 口."""
    tab = open_tab()
    tab.open("/")
    fonts = tab.page.evaluate("() => document.fonts.check('16px sans-serif', '预算')")
    assert fonts and cjk_fonts()
