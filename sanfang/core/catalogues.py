"""Message catalogues without system gettext: extract translatable strings and merge them into .po files.

Chinese (zh-Hans) is the source language, so every msgid is Chinese and every other language in
``settings.LANGUAGES`` gets one catalogue per app: ``sanfang/<app>/locale/<lang>/LC_MESSAGES/django.po``.
The project-level shell (``sanfang/templates`` and the modules at the top of the package, e.g. ``api.py``) belongs
to the core catalogue; ``settings.LOCALE_PATHS`` stays empty, reserved for a deployment's own overrides.

Python is read by Babel's extractor; templates are first turned into Python-like source by Django's own
``templatize`` (what ``makemessages`` feeds to xgettext), so the msgids are exactly those Django looks up.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_APP = "core"  # the catalogue that also holds the project-level shell
TEMPLATE_SUFFIXES = (".html", ".txt", ".xml")
SKIP_DIRS = {"tests", "migrations", "locale", "static", "__pycache__", "node_modules"}

# The keyword specification Django's makemessages gives xgettext, in Babel's notation.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
COMMENT_TAGS = ("Translators",)
WRAP = 79  # as xgettext and msgmerge wrap
PERCENT_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")


@dataclass
class Message:
    msgid: str
    msgid_plural: str = ""
    msgctxt: str | None = None
    occurrences: list[tuple[str, str]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def app_labels() -> list[str]:
    """The project's own apps, in INSTALLED_APPS order."""
    return [a.label for a in apps.get_app_configs() if a.name.startswith("sanfang.")]


def app_dir(label: str) -> Path:
    return Path(apps.get_app_config(label).path)


def target_languages() -> list[str]:
    """Every configured language except the source language (whose msgids are already the text)."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue_path(label: str, language: str) -> Path:
    return app_dir(label) / "locale" / language / "LC_MESSAGES" / "django.po"


def source_files(label: str) -> list[tuple[Path, Path]]:
    """(file, the directory its reference is written relative to) for every source of an app's catalogue."""
    root = app_dir(label)
    files = [(path, root) for path in _walk(root)]
    if label == PROJECT_APP:
        files += [(path, root) for path in _walk(PACKAGE_DIR / "templates", within="templates")]
        files += [(path, root) for path in sorted(PACKAGE_DIR.glob("*.py"))]
    return files


def _walk(root: Path, *, within: str = ""):
    """Python modules and templates under root, tests, migrations and static files left out."""
    found = []
    for path in sorted(root.rglob("*")):
        rel = Path(within, path.relative_to(root))
        if any(part in SKIP_DIRS for part in rel.parts[:-1]) or not path.is_file():
            continue
        if path.suffix == ".py" or (path.suffix in TEMPLATE_SUFFIXES and "templates" in rel.parts):
            found.append(path)
    return found


def _reference(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        # The project-level shell, seen from the core app: ../templates/base.html, ../api.py
        return Path("..", path.relative_to(PACKAGE_DIR)).as_posix()


def _extract_file(path: Path):
    from babel.messages.extract import extract, extract_python
    from django.utils.translation.template import templatize

    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        # Templatized source keeps the template's line numbers but not Python's indentation rules.
        text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).split("\n"))
    fileobj = io.BytesIO(text.encode("utf-8"))
    return extract(
        extract_python,
        fileobj,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        options={"encoding": "utf-8"},
        strip_comment_tags=True,
    )


# Decorator arguments whose text is shown to people and translated where it is shown, so they are catalogue
# entries without a `_()` around each of them: the API's operation summaries (`@router.get("/",
# summary="地点列表")`, translated when the OpenAPI document is built, sanfang/api.py) and the description of a
# tick sweep (`@sweep("cases.deadlines", "…")`, printed by `sanfang tick --list`).
DECORATOR_TEXT_KEYWORDS = ("summary",)
DECORATOR_TEXT_POSITIONS = {"sweep": 1}


def _extract_decorator_texts(path: Path):
    """(lineno, msgid, comments, context) for every decorator text named above."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call):
                continue
            name = getattr(decorator.func, "id", None) or getattr(decorator.func, "attr", None)
            position = DECORATOR_TEXT_POSITIONS.get(name or "")
            if position is not None and len(decorator.args) > position:
                value = decorator.args[position]
                if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
                    yield value.lineno, value.value, [], None
            for keyword in decorator.keywords:
                value = keyword.value
                if (
                    keyword.arg in DECORATOR_TEXT_KEYWORDS
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    yield value.lineno, value.value, [], None


def extract_app(label: str) -> list[Message]:
    """Every translatable string of an app, in source order (file by file, line by line)."""
    return extract_files(source_files(label))


def extract_files(files: list[tuple[Path, Path]]) -> list[Message]:
    found: dict[tuple[str | None, str], Message] = {}
    for path, root in files:
        ref = _reference(path, root)
        found_here = list(_extract_file(path))
        if path.suffix == ".py":
            found_here += list(_extract_decorator_texts(path))
        for lineno, message, comments, context in found_here:
            if isinstance(message, tuple):
                msgid, msgid_plural = message[0], message[1]
            else:
                msgid, msgid_plural = message, ""
            if not msgid:
                continue
            key = (context, msgid)
            entry = found.setdefault(key, Message(msgid=msgid, msgid_plural=msgid_plural, msgctxt=context))
            entry.msgid_plural = entry.msgid_plural or msgid_plural
            if (ref, str(lineno)) not in entry.occurrences:
                entry.occurrences.append((ref, str(lineno)))
            entry.comments += [c for c in comments if c not in entry.comments]
    return list(found.values())


def _new_catalogue(language: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=WRAP)
    po.header = f"Sanfang, {language}: written by `sanfang makemessages_py`; translate the msgstr lines."
    po.metadata = {
        "Project-Id-Version": "sanfang",
        "Report-Msgid-Bugs-To": "",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    return po


def _nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def _format_flag(msgid: str) -> str | None:
    if PERCENT_PLACEHOLDER.search(msgid.replace("%%", "")):
        return "python-format"
    if BRACE_PLACEHOLDER.search(msgid):
        return "python-brace-format"
    return None


@dataclass
class MergeResult:
    path: Path
    added: int = 0
    obsoleted: int = 0
    revived: int = 0
    changed: bool = False


def merge(path: Path, language: str, messages: list[Message], *, keep_obsolete: bool = True) -> MergeResult:
    """Write a catalogue: translations kept, new msgids with an empty msgstr, vanished ones obsolete."""
    result = MergeResult(path=path)
    old = polib.pofile(str(path), wrapwidth=WRAP) if path.exists() else _new_catalogue(language)
    before = path.read_text(encoding="utf-8") if path.exists() else None
    existing = {(e.msgctxt, e.msgid): e for e in old}
    nplurals = _nplurals(old)

    po = polib.POFile(wrapwidth=WRAP)
    po.header, po.metadata, po.metadata_is_fuzzy = old.header, old.metadata, old.metadata_is_fuzzy
    wanted = {message.key for message in messages}
    vanished = [e for key, e in existing.items() if key not in wanted and e.translated()]
    for message in messages:
        entry = existing.pop(message.key, None)
        if entry is None:
            entry = polib.POEntry(msgid=message.msgid, msgctxt=message.msgctxt, msgstr="")
            flag = _format_flag(message.msgid)
            entry.flags = [flag] if flag else []
            _suggest(entry, message, vanished)
            result.added += 1
        elif entry.obsolete:
            entry.obsolete = False
            result.revived += 1
        if message.msgid_plural:
            if not entry.msgid_plural:  # became plural: keep the old text as the singular, ask for review
                entry.msgstr_plural = {0: entry.msgstr} | dict.fromkeys(range(1, nplurals), "")
                entry.msgstr = ""
                if entry.msgstr_plural[0] and "fuzzy" not in entry.flags:
                    entry.flags.append("fuzzy")
            entry.msgid_plural = message.msgid_plural
            for i in range(nplurals):
                entry.msgstr_plural.setdefault(i, "")
        elif entry.msgid_plural:  # became singular
            entry.msgstr = entry.msgstr_plural.get(0, "")
            entry.msgid_plural, entry.msgstr_plural = "", {}
        # File names only, like ``--add-location=file``: line numbers would rewrite every catalogue on each edit
        # and make parallel branches collide in the .po files.
        entry.occurrences = [(ref, "") for ref in dict.fromkeys(ref for ref, _ in message.occurrences)]
        if "fuzzy" not in entry.flags:
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        entry.comment = "\n".join(message.comments)
        po.append(entry)
    for entry in existing.values():
        if not keep_obsolete:
            result.obsoleted += 0 if entry.obsolete else 1
            continue
        if not entry.obsolete:
            result.obsoleted += 1
        entry.obsolete, entry.occurrences = True, []
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        po.append(entry)

    text = str(po) + "\n"
    result.changed = text != before
    if result.changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return result


def _suggest(entry: polib.POEntry, message: Message, vanished: list[polib.POEntry]) -> None:
    """Like msgmerge: a reworded msgid inherits the translation of the closest vanished one, marked fuzzy."""
    best, best_ratio = None, 0.8
    for old in vanished:
        if bool(old.msgid_plural) != bool(message.msgid_plural) or old.msgctxt != message.msgctxt:
            continue
        matcher = difflib.SequenceMatcher(None, old.msgid, message.msgid)
        if matcher.real_quick_ratio() > best_ratio and matcher.ratio() > best_ratio:
            best, best_ratio = old, matcher.ratio()
    if best is None:
        return
    entry.msgstr, entry.msgstr_plural = best.msgstr, dict(best.msgstr_plural)
    entry.previous_msgid = best.msgid
    entry.flags.append("fuzzy")


def placeholders(text: str) -> list[str]:
    """The named and positional placeholders a string formats, sorted (``%(n)s`` → ``%(n)s``, ``{n}`` → ``{n}``)."""
    text = text.replace("%%", "")
    found = [m.group(0) for m in PERCENT_PLACEHOLDER.finditer(text)]
    found += ["{" + m.group(1) + "}" for m in BRACE_PLACEHOLDER.finditer(text)]
    return sorted(found)
