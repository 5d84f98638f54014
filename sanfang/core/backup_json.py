"""The backup's JSON format: Django's, except that times keep their microseconds.

Django's JSON encoder cuts datetimes and times to milliseconds (ECMA-262's form), so a backup made with it is not
exact: 10:00:04.000123 comes back as 10:00:04, and two events a few microseconds apart come back tied. This format
writes the full ISO 8601 value; Django's own JSON deserializer reads it (the restore loads it as plain "json").
"""

from __future__ import annotations

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Deserializer", "Serializer"]


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactEncoder)
        super()._init_options()
