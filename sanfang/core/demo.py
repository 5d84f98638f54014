"""The demo county's shared context, handed to each app's `sanfang/<app>/demo.py: populate(ctx)`."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

DEMO_PASSWORD = "sanfang2026"  # noqa: S105 - the published password of the demo accounts
# Demo phone numbers use the 199-0000 block, which no real subscriber in this fake data set owns; they are
# for logging in to the demo only.
DEMO_PHONE_PREFIX = "1990000"


@dataclass
class DemoContext:
    county: object  # Place
    rng: random.Random
    today: dt.date
    scale: str  # small | county | city
    personas: dict = field(default_factory=dict)  # login name -> Person (see directory/demo.py PERSONAS)

    def communities(self):
        from sanfang.directory.models import Place

        return Place.objects.communities().filter(path__startswith=self.county.path, is_demo=True)

    def compounds(self):
        from sanfang.directory.models import Place

        return Place.objects.compounds().filter(path__startswith=self.county.path, is_demo=True)

    @property
    def home_community(self):
        """The community every persona works in (城东社区 of 兴国镇)."""
        return self.personas["party"].positions.first().organisation.place

    @property
    def home_compound(self):
        from sanfang.directory.models import Residency

        return Residency.objects.filter(person=self.personas["resident"]).first().compound
