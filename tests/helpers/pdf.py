"""Read a PDF's text as a person would read it.

poppler's pdftotext rebuilds the logical (reading) order of right-to-left
lines, numbers included. With Amiri it sometimes splits a word where glyphs
join (e.g. «المدير ية»), so phrases are compared with white space removed:
the order of letters and words is still checked, the spacing is not.
"""

import io
import re
import subprocess

from pypdf import PdfReader

BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))


def pdf_text(pdf):
    """The text of PDF bytes in reading order, without bidi control characters."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8").translate(BIDI_CONTROLS)


def squashed(text):
    return re.sub(r"\s+", "", text)


def pdf_contains(pdf_or_text, phrase):
    """True when the phrase appears in the PDF in reading order (spacing ignored)."""
    text = pdf_or_text if isinstance(pdf_or_text, str) else pdf_text(pdf_or_text)
    return squashed(phrase) in squashed(text)


def pdf_page_texts(pdf):
    """The text of each page of PDF bytes, in reading order (pdftotext ends each page with a form feed)."""
    return pdf_text(pdf).split("\f")[:-1]


def pdf_pages(pdf):
    """The number of pages in PDF bytes."""
    return len(PdfReader(io.BytesIO(pdf)).pages)
