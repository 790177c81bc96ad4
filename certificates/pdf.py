"""The certificate as a one-page PDF."""

from io import BytesIO
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import getFont, getRegisteredFontNames, registerFont, stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from certificates.models import Certificate

# Helvetica, which every PDF reader has, draws only Western European letters. Names beyond them are set in
# DejaVu Sans (Debian's fonts-dejavu-core: Latin in full, Vietnamese, Greek, Cyrillic), embedded, and else in
# Adobe's Chinese CID font, which readers supply themselves.
NAME_FONT = "Helvetica-Bold"
UNICODE_FONT = ("DejaVuSans-Bold", Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"))
CJK_FONT = "STSong-Light"


def _name_font(name: str) -> str:
    """The first font that can draw every letter of the holder's name."""
    try:
        name.encode("cp1252")
        return NAME_FONT
    except UnicodeEncodeError:
        pass
    font_name, path = UNICODE_FONT
    if path.exists():
        if font_name not in getRegisteredFontNames():
            registerFont(TTFont(font_name, path))
        if all(ord(letter) in getFont(font_name).face.charToGlyph for letter in name):
            return font_name
    if CJK_FONT not in getRegisteredFontNames():
        registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def _fitting_size(text: str, *, font: str, size: float, width: float) -> float:
    """The font size, at most `size`, at which `text` fits on one line of `width` points."""
    natural = stringWidth(text, font, size)
    return size if natural <= width else size * width / natural


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """Render a landscape A4 certificate naming the learner, the course, the date and how to verify it."""
    buffer = BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setTitle(f"Certificate {certificate.code}")
    canvas.setStrokeColor(HexColor("#0a3d62"))
    canvas.setLineWidth(4)
    canvas.rect(30, 30, width - 60, height - 60)
    canvas.setFillColor(HexColor("#0a3d62"))
    canvas.setFont("Helvetica-Bold", 34)
    canvas.drawCentredString(width / 2, height - 130, "Certificate of Completion")
    canvas.setFillColor(HexColor("#222222"))
    canvas.setFont("Helvetica", 16)
    canvas.drawCentredString(width / 2, height - 190, "This certifies that")
    name_font = _name_font(certificate.learner_name)
    name_size = _fitting_size(certificate.learner_name, font=name_font, size=28, width=width - 120)
    canvas.setFont(name_font, name_size)
    canvas.drawCentredString(width / 2, height - 240, certificate.learner_name)
    canvas.setFont("Helvetica", 16)
    canvas.drawCentredString(width / 2, height - 290, "has completed every lesson, quiz and the final exam of")
    canvas.setFont("Helvetica-Bold", 22)
    canvas.drawCentredString(width / 2, height - 330, certificate.course_title)
    canvas.setFont("Helvetica", 13)
    canvas.drawCentredString(width / 2, 120, f"Issued {certificate.issued_at:%d %B %Y} by diplocourse")
    canvas.drawCentredString(width / 2, 95, f"Certificate code {certificate.code}")
    canvas.drawCentredString(width / 2, 70, f"Verify at {verify_url}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
