"""Files sent with a request: which are accepted, and where they are kept.

A file is recognised by its content, never by its name: a PDF must open in a
PDF reader with every page readable and carry no password, script or launch
action; an image must decode within a pixel budget and is re-encoded, which
drops its metadata (a phone photo's location). Files are stored outside
static/ under a random name; the row keeps the name it was sent with, cleaned.
"""

import io
import os
import re
import secrets
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

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
# Names a file of each type may keep; any other extension is replaced by the type's own.
EXTENSIONS = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}
# A scanned page at 300 dpi is about 9 megapixels; far more is a decompression bomb.
MAX_PIXELS = 40_000_000
MAX_PDF_PAGES = 100
# PDF names that run something when the file is opened or clicked.
ACTIVE_PDF_NAMES = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")


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
    """The file's own name, without a client's folders, control or direction characters; «file» when nothing is left.

    A right-to-left override would show «gpj.exe» as «exe.jpg»; such characters (Unicode
    categories Cc and Cf) are dropped, which keeps Arabic letters and digits as they are.
    """
    base = os.path.basename(filename.replace("\\", "/"))
    name = "".join(char for char in base if unicodedata.category(char) not in ("Cc", "Cf")).strip()
    return name[:255] or "file"


def download_name(name: str, content_type: str) -> str:
    """The name to save a file under: its own, with an extension that matches what it really is."""
    stem, extension = os.path.splitext(name)
    allowed = EXTENSIONS.get(content_type, ("",))
    if extension.lower() in allowed:
        return name
    return (stem or "file") + allowed[0]


def _pdf_problem(content: bytes) -> str | None:
    """Why a file that starts like a PDF is refused, or None when it is a plain, readable document."""
    if ACTIVE_PDF_NAMES.search(content):
        return "active"
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            return "encrypted"
        pages = reader.pages
        if not 0 < len(pages) <= MAX_PDF_PAGES:
            return "unreadable"
        for page in pages:
            page.mediabox  # noqa: B018 - reading every page's box proves the page tree holds together
            if "/AA" in page:
                return "active"
            for annotation in page.get("/Annots") or ():
                action = annotation.get_object().get("/A") or {}
                if action.get("/S") in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData"):
                    return "active"
        root = reader.trailer["/Root"]
        if "/OpenAction" in root or "/AA" in root or "/JavaScript" in root.get("/Names", {}):
            return "active"
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        return "unreadable"
    return None


def _reencoded_image(content: bytes, kind: str) -> bytes | None:
    """The image decoded and written again without its metadata, or None when it cannot be or is too big."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.width * image.height > MAX_PIXELS:
                    return None
                image.load()
                upright = ImageOps.exif_transpose(image)
        output = io.BytesIO()
        if kind == "image/jpeg":
            if upright.mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
            upright.save(output, "JPEG", quality=90)
        else:
            upright.save(output, "PNG", optimize=True)
        return output.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError, ValueError):
        return None


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
        if kind[1] == "application/pdf":
            problem = _pdf_problem(content)
            if problem:
                problems.append(Problem(PDF_PROBLEMS[problem], name))
                continue
        else:
            content = _reencoded_image(content, kind[1])
            if content is None:
                problems.append(Problem(_l("%(name)s is not an image that can be opened, or it is too large."), name))
                continue
        accepted.append(File(name, kind[1], kind[2], content))
    return accepted, problems


PDF_PROBLEMS = {
    "encrypted": _l("%(name)s is protected by a password. Attach a copy without one."),
    "active": _l("%(name)s contains scripts or actions. Attach a plain copy, for example printed to PDF again."),
    "unreadable": _l("%(name)s cannot be read as a PDF document."),
}


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
