import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded photos go to a throw-away directory (FileSystemStorage follows the setting change)."""
    settings.MEDIA_ROOT = tmp_path / "media"
