"""The floor: Sanfang's settings (middleware, sessions, templates, database) with a one-view URLconf."""

from sanfang.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor"
