"""The web app in Debian chromium (Playwright): sign-in and lock-out, a bad upload, match review, the map,
the public register, keyboard use, labels and contrast. Any request to a host other than this machine fails
the test; screenshots go to test-artifacts/web/."""

from __future__ import annotations

import os
import re
import shutil
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from placehub.web.app import create_app
from placehub.web.config import OidcProvider, WebSettings
from tests.web._web_helpers import PASSWORD, PURPOSE, free_port, make_settings, seed_home, serve, write_csv

pytestmark = [pytest.mark.web, pytest.mark.xdist_group("web")]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def _without_cdn(wsgi_app):  # type: ignore[no-untyped-def]
    """The provider mock's pages link a CDN stylesheet; drop the link so that the whole flow stays offline."""

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        seen: dict = {}

        def capture(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
            seen.update(status=status, headers=headers)
            return lambda data: None

        body = b"".join(wsgi_app(environ, capture))
        headers = seen["headers"]
        if dict((k.lower(), v) for k, v in headers).get("content-type", "").startswith("text/html"):
            body = re.sub(rb"<link[^>]+cdn\.jsdelivr\.net[^>]*>", b"", body)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(seen["status"], headers)
        return [body]

    return app


@pytest.fixture(scope="module")
def provider_url() -> Iterator[str]:
    """A real OpenID Connect provider (oidc-provider-mock) on a free loopback port."""
    import werkzeug.serving

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from oidc_provider_mock import app as provider_app

    flask_app = provider_app()
    flask_app.wsgi_app = _without_cdn(flask_app.wsgi_app)
    server = werkzeug.serving.make_server("127.0.0.1", free_port(), flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, provider_url: str) -> Iterator[str]:
    settings = make_settings(tmp_path_factory.mktemp("web") / "home")
    seed_home(settings)
    oidc = OidcProvider(
        issuer=provider_url, client_id="placehub-web", client_secret="s3cret", label="Testbury ID"
    )
    app = create_app(settings, WebSettings(secret_key="web-test-signing-key-" + "x" * 32, oidc=oidc))
    with serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed: run scripts/install_browser.sh")
        pytest.skip("chromium is not installed: run scripts/install_browser.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser context whose every request is checked: only this machine may be asked for anything."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def guard(route) -> None:  # type: ignore[no-untyped-def]
        host = urlparse(route.request.url).hostname
        if host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-end.png"), full_page=True)
    context.close()
    assert outside == [], f"requests left this machine: {outside}"


def shot(pg, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(pg, base_url: str, username: str = "ana", password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    pg.goto(base_url + "/login")
    pg.get_by_label("Username").fill(username)
    pg.get_by_label("Password").fill(password)
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_load_state()


def test_sign_in_lock_out_and_session_cookie(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "/")
    assert urlparse(page.url).path == "/login"  # not signed in: sent to the sign-in page
    for attempt in range(1, 5):
        sign_in(page, base_url, "lockme", f"wrong password {attempt}")
        assert (
            page.locator("#login-error").inner_text() == "Sign-in refused: the username or password is wrong."
        )
    sign_in(page, base_url, "lockme", "wrong password 5")
    locked = page.locator("#login-error").inner_text()
    assert locked.startswith("This account is locked after 5 failed sign-ins. Try again after ")
    assert locked.endswith("UTC (in 15 minutes), or ask an administrator.")
    shot(page, "login-locked")
    sign_in(page, base_url, "lockme", PASSWORD)  # the right password does not open a locked account
    assert (
        page.locator("#login-error")
        .inner_text()
        .startswith("This account is locked after 5 failed sign-ins.")
    )

    sign_in(page, base_url, "ana", PASSWORD)
    assert urlparse(page.url).path == "/"
    assert page.locator("h1").inner_text() == "Place dashboard"
    assert page.locator("#count-loads").inner_text() == "2"
    assert page.locator("#count-addresses").inner_text() == "9"
    assert page.locator("#count-people").inner_text() == "not linked yet"
    rates = page.locator("#match-rates tbody tr").first.inner_text().split("\t")
    assert rates == ["clinic-list", "6", "5", "83.3%", "1", "0"]
    cookie = next(c for c in page.context.cookies() if c["name"] == "placehub_session")
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["secure"]) == (True, "Lax", False)
    shot(page, "dashboard")


def test_upload_a_bad_file_reads_the_exact_error(page, base_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = write_csv(
        tmp_path / "visits-march.csv",
        ["visit_id", "date_of_birth", "address"],
        [("V1", "01/01/1950", "1 Mill Lane")],
    )
    sign_in(page, base_url)
    page.goto(base_url + "/sources")
    page.get_by_label("Source").select_option("visits")
    page.get_by_label("File (CSV or Excel)").set_input_files(str(bad))
    page.get_by_role("button", name="Check and load").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "The file was not loaded"
    assert page.locator("#load-error").inner_text() == (
        "The header of 'visits-march.csv' does not match the contract for 'visits': "
        "missing columns: postcode."
    )
    shot(page, "upload-bad-header")

    rows = [("V1", "01/01/1950", "1 Mill Lane", "TB1 1AA"), ("V2", "31/02/1950", "3 Mill Lane", "TB1 1AA"),
            ("V3", "02/02/1951", "5 Mill Lane", "TB1 1AA")]  # fmt: skip
    good = write_csv(
        tmp_path / "visits-april.csv", ["visit_id", "date_of_birth", "address", "postcode"], rows
    )
    page.goto(base_url + "/sources")
    page.get_by_label("Source").select_option("visits")
    page.get_by_label("File (CSV or Excel)").set_input_files(str(good))
    page.get_by_role("button", name="Check and load").click()
    page.wait_for_load_state()
    assert (
        page.locator("#load-summary").inner_text()
        == "2 of 3 rows were loaded into visits; 1 row was set aside."
    )
    rejects = page.locator("#rejects li").all_inner_texts()
    assert len(rejects) == 1 and rejects[0].startswith("row 3: ")
    shot(page, "upload-report")


def test_review_a_match_with_the_keyboard(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base_url)
    page.goto(base_url + "/review/1")
    assert urlparse(page.url).path == "/review"  # no purpose chosen yet: the address is not shown
    assert page.locator("#need-purpose").is_visible()
    page.get_by_label("Purpose you are working under").select_option(PURPOSE)
    page.get_by_role("button", name="Use this purpose").click()
    page.get_by_role("link", name="Review item 1").click()
    page.wait_for_selector("#review-map[data-ready='1']")
    assert page.locator("#record-address").inner_text() == "12 High Street, Testbury"  # as delivered
    assert page.locator("#candidates tbody tr").count() == 1
    assert page.locator(".pin").count() == 1
    shot(page, "review-item")
    page.locator("body").press("a")  # a: accept the suggested UPRN
    page.wait_for_url(base_url + "/review")
    assert page.locator("#no-review").inner_text() == "Nothing is waiting for review."
    page.goto(base_url + "/")
    rates = page.locator("#match-rates tbody tr").first.inner_text().split("\t")
    assert rates == ["clinic-list", "6", "6", "100.0%", "0", "0"]


def test_open_the_map_and_click_an_area(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base_url, "iggy")
    page.goto(base_url + "/map")
    page.wait_for_selector("#place-map[data-ready='2']")
    assert page.locator("#map-title").inner_text() == "test-index by LSOA"
    assert page.locator("#legend > span").all_inner_texts() == ["0.25 to 0.25", "0.75 to 0.75"]
    assert page.locator(".leaflet-tile").count() == 0  # vector boundaries only
    area = page.locator("path[data-code='E01000002']")
    area.hover()
    assert page.locator("#map-info").inner_text() == "Testbury 001B (E01000002): 0.75, decile 8"
    shot(page, "map")
    area.click()
    page.wait_for_url(base_url + "/areas/lsoa/E01000002")
    assert page.locator("#area-name").inner_text() == "Testbury 001B"
    assert page.locator("#area-values tbody tr").first.inner_text().split("\t") == [
        "test-index", "overall index", "0.75", "1", "8"]  # fmt: skip
    shot(page, "area-profile")


def test_sign_in_with_the_identity_provider(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "/login")
    page.get_by_role("link", name="Sign in with Testbury ID").click()
    page.wait_for_selector("input[name=sub]")  # the provider's own page, on its own port
    assert urlparse(page.url).path == "/oauth2/authorize"
    page.locator("input[name=sub]").fill("oidc.ana@testbury.example")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(base_url + "/")
    assert page.locator("h1").inner_text() == "Place dashboard"
    assert page.locator(".who span").inner_text() == "oidc.ana@testbury.example · council · analyst"
    shot(page, "oidc-signed-in")


def test_the_register_needs_no_sign_in(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "/register")
    assert urlparse(page.url).path == "/register"
    assert page.locator("h1").inner_text() == "Data sharing transparency register"
    section = page.locator("#agreement-clinic-outreach")
    assert (
        section.locator("h3").inner_text()
        == "Clinic outreach to older residents (reference clinic-outreach, version 1)"
    )
    assert page.get_by_role("link", name="Sign in").count() == 1
    shot(page, "register")


CHECK_PAGE = """() => {
  const lum = (rgb) => {
    const c = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
  const parse = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const bg = (el) => { for (let e = el; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3); } return [255, 255, 255]; };
  const low = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.leaflet-container') || !el.offsetParent) continue;
    const text = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!text) continue;
    const fg = parse(getComputedStyle(el).color).slice(0, 3), b = bg(el);
    const [l1, l2] = [lum(fg), lum(b)].sort((x, y) => y - x);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    if (ratio < 4.5) low.push(el.tagName + ' ' + ratio.toFixed(2) + ' ' + el.textContent.trim().slice(0, 30));
  }
  const unlabelled = Array.from(document.querySelectorAll('input, select, textarea'))
    .filter(i => i.type !== 'hidden' && !(i.labels && i.labels.length) && !i.getAttribute('aria-label'))
    .map(i => i.name || i.id);
  return {low, unlabelled};
}"""


def test_labels_contrast_and_keyboard(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "/register")
    page.keyboard.press("Tab")  # the skip link comes first and shows itself
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert page.evaluate("getComputedStyle(document.activeElement).left") == "0px"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "placehub"
    # focus is visible: a solid outline on the focused link
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.goto(base_url + "/login")
    assert page.evaluate(CHECK_PAGE) == {"low": [], "unlabelled": []}
    page.get_by_label("Username").focus()
    page.keyboard.type("ana")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")  # sign in without a mouse
    page.wait_for_url(base_url + "/")
    for path in ("/", "/sources", "/review", "/map", "/areas/lsoa/E01000001", "/register"):
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate(CHECK_PAGE) == {"low": [], "unlabelled": []}, path
