"""QR at the till on a browser without BarcodeDetector (iPhone Safari, Firefox): Chromium with
`BarcodeDetector` deleted and a fake camera that films the QR of a real voucher; the vendored
jsQR decodes the frames and the till reads the voucher and offers the amount."""

import re

import pytest
import segno
from playwright.sync_api import expect

from benecomune.vouchers.services import codes
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, is_csp_violation
from tests.e2e.helpers import PHONE, sign_in, use_voucher_fixtures
from tests.e2e.test_vouchers_e2e import people  # noqa: F401 (fixture)

use_voucher_fixtures(globals())

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT, FRAMES = 640, 480, 5


def write_y4m(path, text: str) -> None:
    """A short grey-scale video (YUV 4:2:0, the format Chromium's fake camera plays in a loop)
    showing the QR of `text` in the middle, black on white."""
    rows = list(segno.make(text, micro=False).matrix_iter(scale=1, border=4))
    scale = min(WIDTH, HEIGHT) * 3 // 4 // len(rows)
    side = len(rows) * scale
    left, top = (WIDTH - side) // 2, (HEIGHT - side) // 2
    luma = bytearray(b"\xeb" * (WIDTH * HEIGHT))  # white (video range)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if not dark:
                continue
            for dy in range(scale):
                start = (top + r * scale + dy) * WIDTH + left + c * scale
                luma[start : start + scale] = b"\x10" * scale  # black
    chroma = b"\x80" * (WIDTH // 2 * HEIGHT // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(FRAMES):
            out.write(b"FRAME\n" + bytes(luma) + chroma + chroma)


@pytest.fixture
def camera_browser(playwright, tmp_path, voucher):
    """Chromium whose camera films the voucher's QR (a real, signed 5-minute token)."""
    video = tmp_path / "qr.y4m"
    write_y4m(video, codes.make_qr_token(voucher.pk)[0])
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
    yield browser
    browser.close()


def test_till_scans_the_qr_without_barcode_detector(
    live_server,
    camera_browser,
    people,  # noqa: F811
):
    _holder, cashier = people
    context = camera_browser.new_context(
        viewport={"width": PHONE["width"], "height": PHONE["height"]},
        is_mobile=True,
        has_touch=True,
        locale="it-IT",
    )
    context.set_default_timeout(15000)
    context.grant_permissions(["camera"], origin=live_server.url)
    problems = []
    context.on("console", lambda m: problems.append(m.text) if is_csp_violation(m.text) else None)
    # As on iPhone Safari and Firefox: no BarcodeDetector at all.
    context.add_init_script("delete window.BarcodeDetector;")
    page = context.new_page()
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    sign_in(page, live_server.url, cashier)
    page.goto(f"{live_server.url}/gestione/cassa/")
    assert page.evaluate("'BarcodeDetector' in window") is False
    assert not any("jsQR" in url for url in scripts)  # loaded only when the camera starts
    scan = page.get_by_role("button", name="Inquadra il QR con la fotocamera")
    expect(scan).to_be_visible()
    scan.click()
    # jsQR reads the frames, fills the code and submits it: the till shows the voucher.
    expect(page.get_by_test_id("till-available")).to_have_text("€ 100,00")
    assert page.get_by_test_id("till-ok").is_visible()
    assert any(re.search(r"/vouchers/vendor/jsQR\.[^/]*js", url) for url in scripts)
    assert page.locator("#scan-video").is_hidden()  # the camera is released
    page.get_by_label("Importo della spesa").fill("7,50")
    page.get_by_test_id("charge").click()
    page.wait_for_url(re.compile(r".*/gestione/cassa/scontrini/\d+/$"))
    assert page.get_by_test_id("receipt-amount").inner_text() == "€ 7,50"
    context.close()
    assert not problems, problems
