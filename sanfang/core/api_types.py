"""Field types the API's schemas share, declared so that the OpenAPI document says exactly what is sent."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import AfterValidator, WithJsonSchema


def _wall_clock(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError(_("请填写当地时间（北京时间），如 09:00，不带时区。"))
    return value


# A time of day on the local wall clock (settings.TIME_ZONE, Beijing time), as a meeting's start time is: paired
# with a local `date`, it carries no offset. OpenAPI's `format: time` is RFC 3339's full-time, which requires an
# offset ("09:00:00+08:00"), so the plain `dt.time` pydantic documents contradicted every value it sent
# (issue 10 item 2, found by schemathesis). An offset on input is refused rather than silently shifted.
LocalTime = Annotated[
    dt.time,
    AfterValidator(_wall_clock),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "description": "当地时间（北京时间），HH:MM 或 HH:MM:SS，不带时区。",
            "examples": ["09:00", "14:30:00"],
        }
    ),
]
