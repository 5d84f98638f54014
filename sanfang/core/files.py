"""Uploaded files are served only by views that have checked the reader first (issue 10).

Nothing under MEDIA_ROOT has a public address: no `/media/` route in Django, nginx answers 404 for the whole
directory (deploy/nginx/sanfang.conf). Each app's view fetches the owning object through its own permission
helper (404 for an outsider: the file's existence is private) and hands the stored file to `serve_upload`,
which streams it with headers that keep a hostile upload (HTML, SVG with script) from running on the site's
origin and keep the file out of shared caches and search engines.
"""

from __future__ import annotations

import mimetypes
import posixpath

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

# An uploaded file is data, never a page: no script, no plugins, a unique origin (sandbox); images may show.
UPLOAD_POLICY = "default-src 'none'; img-src 'self'; sandbox"


def serve_upload(
    file: FieldFile, *, filename: str = "", inline: bool = False, content_type: str | None = None
) -> FileResponse:
    """Stream a stored upload to a reader the caller has already checked; 404 when there is no file.

    `inline` is for images shown in a page (case photos); anything else is a download (`filename`, or the
    stored name's last part)."""
    if not file or not file.name:
        raise Http404
    try:
        handle = file.storage.open(file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = filename or posixpath.basename(file.name)
    if content_type is None:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    response["Content-Security-Policy"] = UPLOAD_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
