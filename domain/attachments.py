"""Files sent with a request: which are accepted, and where they are kept.

A file is recognised by its first bytes, never by its name, and stored
outside static/ under a random name; its row keeps the name it was sent with.
"""

import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from flask import current_app
from flask_babel import lazy_gettext as _l

from models import Attachment, ServiceRequest

MAX_FILES = 3
MAX_BYTES = 2 * 1024 * 1024
# (first bytes, content type, extension of the stored file)
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
TYPE_NAMES = "PDF, JPEG, PNG"


class Upload(Protocol):
    """A file as the browser sent it (werkzeug's FileStorage)."""

    filename: str | None
    stream: BinaryIO


@dataclass(frozen=True)
class File:
    """An accepted file: its clean name, what it is, and its bytes."""

    name: str
    content_type: str
    extension: str
    content: bytes


@dataclass(frozen=True)
class Problem:
    """Why a file was refused. ``message`` has ``%(name)s`` and ``%(types)s`` placeholders
    when ``name`` is given, so the view can isolate them from the sentence's direction."""

    message: str
    name: str | None = None


def clean_name(filename: str) -> str:
    """The file's own name, without a client's folders or NUL characters; «file» when nothing is left."""
    name = os.path.basename(filename.replace("\\", "/")).replace("\x00", "").strip()
    return name[:255] or "file"


def chosen(uploads: Iterable[Upload] | None) -> list[Upload]:
    """The uploads that carry a file (an empty file input still sends a part)."""
    return [item for item in uploads or () if item and item.filename]


def check(uploads: list[Upload]) -> tuple[list[File], list[Problem]]:
    """The files that pass the rules (count, size, type), and a problem for each that does not."""
    if len(uploads) > MAX_FILES:
        return [], [Problem(_l("Attach no more than %(count)s files.", count=MAX_FILES))]
    accepted, problems = [], []
    for item in uploads:
        content = item.stream.read(MAX_BYTES + 1)
        name = clean_name(item.filename)
        if len(content) > MAX_BYTES:
            problems.append(Problem(_l("%(name)s is larger than 2 MB."), name))
            continue
        kind = next((signature for signature in SIGNATURES if content.startswith(signature[0])), None)
        if kind is None:
            problems.append(Problem(_l("%(name)s is not one of the accepted types (%(types)s)."), name))
            continue
        accepted.append(File(name, kind[1], kind[2], content))
    return accepted, problems


def store(service_request: ServiceRequest, files: Iterable[File]) -> list[str]:
    """Write the files under random names in the upload folder and record them; return the paths written.

    Call it inside the request's transaction. If one file fails, the ones
    already written are removed before the error goes on.
    """
    folder = current_app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    written = []
    try:
        for file in files:
            stored = secrets.token_hex(16) + file.extension
            path = os.path.join(folder, stored)
            with open(path, "xb") as handle:
                written.append(path)
                handle.write(file.content)
            Attachment.create(
                request=service_request,
                original_name=file.name,
                stored_name=stored,
                content_type=file.content_type,
                size=len(file.content),
            )
    except BaseException:
        remove(written)
        raise
    return written


def remove(paths: Iterable[str]) -> None:
    """Delete files written for a transaction that did not commit."""
    for path in paths:
        if os.path.exists(path):
            os.remove(path)


def of_request(service_request: ServiceRequest, attachment_id: int) -> Attachment | None:
    """One of the request's files, or None."""
    return Attachment.get_or_none((Attachment.id == attachment_id) & (Attachment.request == service_request))


def stored_path(attachment: Attachment) -> str | None:
    """Where the file is on disk, or None when it is missing."""
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], attachment.stored_name)
    return path if os.path.isfile(path) else None
