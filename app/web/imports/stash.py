"""The previewed file, carried by the confirm form instead of stored on the server.

The preview page puts the file's bytes (zlib-compressed) into a hidden field, signed with the
app's SECRET_KEY and bound to the community, the admin who previewed it and what it imports
(properties, or one period's contributions); it is good for an hour. Confirming needs no
second upload, no table and no cleanup, and works whichever server answers. A signature that
does not match (edited, another community's, expired) is refused. Werkzeug keeps form fields
under 500 kB (MAX_FORM_MEMORY_SIZE): about 20,000 contribution rows; larger files go through
the API.
"""

import base64
import zlib

from flask import current_app, g
from itsdangerous import BadSignature, URLSafeTimedSerializer

MAX_AGE = 60 * 60


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="levy-import-stash")


def pack(content: bytes, target: str) -> str:
    data = base64.b64encode(zlib.compress(content, 6)).decode("ascii")
    return _serializer().dumps({"c": g.community_id, "m": g.member.id, "t": target, "f": data})


def unpack(token: str, target: str) -> bytes | None:
    """The file, or None when the token is not this admin's preview of this target."""
    try:
        data = _serializer().loads(token or "", max_age=MAX_AGE)
    except BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict) or (data.get("c"), data.get("m"), data.get("t")) != (
        g.community_id,
        g.member.id,
        target,
    ):
        return None
    try:
        return zlib.decompress(base64.b64decode(data["f"]))
    except (KeyError, ValueError, zlib.error):
        return None
