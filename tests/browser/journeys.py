"""Shared steps of the journey tests (issue 8 item 1): tidy names for the guide's pictures, signing in the way the
device's person does, a scan of a QR code, a generated photo, and the accessibility and large-type checks."""

from __future__ import annotations

import io
import itertools

from sanfang.core.testing import PASSWORD, XSS

from .conftest import activate, axe_violations, enter_text

NAMES = (
    "张敏 李建华 王芳 刘洋 陈静 杨帆 赵磊 黄丽 周强 吴霞 徐斌 孙悦 马超 朱琳 胡军 郭敏 何平 高翔 林娟 罗刚"  # noqa: SIM905
)


def tidy_world(world) -> None:
    """make_world() names carry an XSS canary; the user guide's pictures show plain names instead."""
    from sanfang.directory.models import Organisation, Person, Place

    for model in (Place, Organisation):
        for obj in model.objects.filter(name__contains=XSS):
            obj.name = obj.name.replace(XSS, "").rstrip("0123456789") or obj.name.replace(XSS, "")
            obj.save(update_fields=["name"])
    names = itertools.cycle(NAMES.split())
    for person in Person.objects.filter(name__contains=XSS).order_by("pk"):
        person.name = next(names)
        person.save(update_fields=["name"])
    for attr in vars(world):
        obj = getattr(world, attr)
        if hasattr(obj, "refresh_from_db"):
            obj.refresh_from_db()


def sign_in_as(page, device: str, person) -> None:
    """Sign in on the login page: taps on the phone, the keyboard alone on the desktop."""
    page.context.clear_cookies()
    page.goto("/login/")
    enter_text(page, device, page.get_by_label("手机号或用户名"), person.phone)
    enter_text(page, device, page.get_by_label("密码"), PASSWORD)
    with page.expect_navigation():
        activate(page, device, page.get_by_role("button", name="登录", exact=True))
    assert "/login/" not in page.url, "sign-in failed"


def decode_qr(locator) -> str:
    """Scan the QR code shown by `locator` (a screenshot decoded by zxing-cpp) and return the text it encodes."""
    import zxingcpp
    from PIL import Image, ImageOps

    image = Image.open(io.BytesIO(locator.screenshot())).convert("L")
    # As a camera sees it: larger than the few pixels per module of a screen, on the paper's white margin.
    image = ImageOps.expand(
        image.resize((image.width * 3, image.height * 3), Image.LANCZOS), border=60, fill=255
    )
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code could be read from the page"
    return found[0].text


def jpeg_photo(color=(70, 130, 90)) -> dict:
    """A small real JPEG, as a file the browser uploads."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (160, 120), color)
    ImageDraw.Draw(image).rectangle((40, 30, 120, 90), fill=(200, 180, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return {"name": "楼道灯坏了.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical violation on the page as it is now (issue 8 item 2)."""
    found = axe_violations(page)
    assert found == [], f"{page.url}: {found}"


def assert_large_type_fits(page) -> None:
    """长者模式: type at least 1.25x and nothing wider than the screen (issue 8 item 2)."""
    base = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    with page.expect_navigation():
        page.get_by_role("button", name="长者模式（大字）").click()
    large = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert large / base >= 1.25, f"{page.url}: {base} -> {large}"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url}: {overflow}px cut off sideways in large type"
    with page.expect_navigation():
        page.get_by_role("button", name="标准字号").click()
