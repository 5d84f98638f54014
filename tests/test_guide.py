"""The user guide (docs/guide/) keeps step with the interface (issue 8, item 4).

Its pictures are taken by the browser tests (`guide_shot`, `ui.picture`) on every whole browser run (`make
test-browser`, so in CI), and that run fails when a picture the guide shows was not taken in it
(tests/browser/conftest.py, pytest_sessionfinish); `make guide-images` is the same run writing them into
docs/guide/img/. These checks fail when the guide names a picture that does not exist, when a picture is left in
docs/guide/img/ that no browser test takes any more, when a role has no chapter, or when the run's check is off.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "guide"
IMAGES = GUIDE / "img"
BROWSER_TESTS = ROOT / "tests" / "browser"

# One chapter per role (DESIGN.md "Who uses it"), each with its Chinese title.
CHAPTERS = {
    "resident.md": "居民",
    "community.md": "社区",
    "owners-committee.md": "业委会",
    "property-company.md": "物业服务企业",
    "party-org.md": "社区党组织",
    "street.md": "街道",
    "county.md": "县级部门",
    "admin.md": "管理员",
}

IMAGE_REF = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
# The name a browser test gives a picture: guide_shot(page, "name"…) or ui.picture("name"…), f-strings included.
SHOT_CALL = re.compile(r"""(?:guide_shot\(\s*\w+\s*,|\.picture\()\s*f?["']([^"']+)["']""")


def _guide_pages() -> list[Path]:
    return sorted(GUIDE.glob("*.md"))


def _referenced_images() -> dict[str, list[str]]:
    refs: dict[str, list[str]] = {}
    for md in _guide_pages():
        for target in IMAGE_REF.findall(md.read_text(encoding="utf-8")):
            refs.setdefault(target, []).append(md.name)
    return refs


def _shot_patterns() -> list[re.Pattern]:
    patterns = []
    for source in BROWSER_TESTS.glob("*.py"):
        for name in SHOT_CALL.findall(source.read_text(encoding="utf-8")):
            # An f-string's {placeholder} (the device, a persona…) stands for any text.
            parts = re.split(r"\{[^}]*\}", name)
            patterns.append(re.compile("^" + ".+".join(re.escape(p) for p in parts) + r"\.png$"))
    return patterns


def test_every_role_has_a_chapter_linked_from_the_guide_index():
    index = (GUIDE / "README.md").read_text(encoding="utf-8")
    for chapter, role in CHAPTERS.items():
        assert (GUIDE / chapter).exists(), f"no chapter for {role}: docs/guide/{chapter}"
        assert f"({chapter})" in index, f"docs/guide/README.md does not link {chapter}"
        assert role in (GUIDE / chapter).read_text(encoding="utf-8").splitlines()[0], chapter


def test_the_project_readme_links_the_user_guide():
    assert "docs/guide/" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_image_the_guide_shows_exists():
    refs = _referenced_images()
    assert refs, "the guide shows no pictures"
    missing = {t: pages for t, pages in refs.items() if not (GUIDE / t).is_file()}
    assert missing == {}


def test_every_guide_image_is_taken_by_a_browser_test_and_shown_by_the_guide():
    patterns = _shot_patterns()
    shown = {Path(t).name for t in _referenced_images()}
    images = sorted(p.name for p in IMAGES.glob("*"))
    orphans = [name for name in images if not any(p.match(name) for p in patterns)]
    assert orphans == [], "pictures no browser test takes any more (delete them or restore the shot)"
    unused = [name for name in images if name not in shown]
    assert unused == [], "pictures in docs/guide/img/ the guide does not show (delete them)"


def test_guide_pictures_are_phone_sized_pngs_small_enough_to_commit():
    for image in IMAGES.glob("*.png"):
        data = image.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", image.name
        width = int.from_bytes(data[16:20], "big")
        assert width <= 800, f"{image.name} is {width}px wide; take guide pictures on the phone viewport"
        assert len(data) <= 400_000, f"{image.name} is {len(data)} bytes"


def test_issue8_every_whole_browser_run_checks_it_took_every_picture_the_guide_shows():
    from tests.browser import conftest as browser

    # The browser run reads the guide's pictures the same way these checks do.
    assert browser.guide_pictures() == {Path(t).stem for t in _referenced_images() if t.startswith("img/")}
    assert browser.missing_guide_pictures(set()) == sorted(browser.guide_pictures())
    assert browser.missing_guide_pictures(browser.guide_pictures() | {"something-else"}) == []
    # `make test-browser` (CI) and `make guide-images` both switch the check on.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("test-browser", "guide-images"):
        recipe = makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]
        assert "SANFANG_GUIDE_CHECK=1" in recipe and "-m browser" in recipe, target
