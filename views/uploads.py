"""Reading uploaded files so that a file too large still leaves the rest of the form readable.

The body may be far larger than the files allowed (REQUEST_BODY_LIMIT), so a
person who picked a big scan gets the form back with what they typed and the
limit, not a bare 413. Only the first bytes of each file are kept, and no
bytes at all beyond one file more than allowed, so memory stays bounded.
"""

import io

from domain import attachments


class FirstBytes(io.BytesIO):
    """Keeps the first ``limit`` bytes written to it and drops the rest."""

    def __init__(self, limit):
        super().__init__()
        self.limit = limit

    def write(self, data):
        room = self.limit - self.tell()
        if room > 0:
            super().write(data[:room])
        return len(data)


class UploadLimits:
    """A request mixin: each uploaded file is read into ``FirstBytes``, never whole."""

    files_read = 0

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        self.files_read += 1
        # One byte more than allowed is enough to tell a file is too large; one file more, that there are too many.
        keep = attachments.MAX_BYTES + 1 if self.files_read <= attachments.MAX_FILES + 1 else 0
        return FirstBytes(keep)
