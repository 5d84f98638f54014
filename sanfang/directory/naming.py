"""How people are written in documents (JM-3) and how personal data is masked on public pages."""

from __future__ import annotations

import re


class Mentions:
    """JM-3: a person is written "position + name" at the first mention in a document, by name alone after.

    One instance per document::

        m = Mentions()
        m.name(person, "社区党委书记")   # "社区党委书记王建国"
        m.name(person, "社区党委书记")   # "王建国"
    """

    def __init__(self) -> None:
        self._seen: set[object] = set()

    def name(self, person, title: str = "") -> str:
        key = getattr(person, "pk", None) or str(person)
        display = getattr(person, "name", None) or str(person)
        if key in self._seen or not title:
            self._seen.add(key)
            return display
        self._seen.add(key)
        # Chinese runs title and name together ("业主委员会李主任"); a translated (Latin) title needs a space.
        space = " " if title[-1:].isascii() or display[:1].isascii() else ""
        return f"{title}{space}{display}"

    def position(self, position) -> str:
        """A Position: "组织简称 + 职务 + 姓名" first, then the name."""
        return self.name(position.person, position_title(position))

    def seen(self, person) -> bool:
        return (getattr(person, "pk", None) or str(person)) in self._seen


def position_title(position) -> str:
    """ "社区党委书记", "某某物业项目经理": the organisation's name (unless already in the title) plus the title."""
    title = position.title
    org_name = position.organisation.name
    if not org_name or org_name in title:
        return title
    # "城东社区党委" + "党委书记" -> "城东社区党委书记": do not repeat what the name already ends with.
    for k in range(min(len(org_name), len(title)), 0, -1):
        if org_name.endswith(title[:k]):
            return org_name + title[k:]
    return f"{org_name}{title}"


_PHONE = re.compile(r"^(\+?86)?(1\d{2})(\d{4})(\d{4})$")


def mask_phone(phone: str) -> str:
    """138****0000 for mobiles; landlines keep the area code and last two digits."""
    phone = (phone or "").replace(" ", "").replace("-", "")
    if not phone:
        return ""
    m = _PHONE.match(phone)
    if m:
        return f"{m.group(2)}****{m.group(4)}"
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:4] + "*" * (len(phone) - 6) + phone[-2:]


def mask_name(name: str) -> str:
    """张** — for a reporter or voter shown to the public, if at all."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)
