"""Price extraction: a page's HTML in, the product's price with its evidence out.

Pure functions over text (no network, no database), so the fetcher, the scheduler, the
CLI and the tests all call the same `extract_page`. How it decides is documented in
docs/extraction.md.
"""

from tracker.extract.model import Candidate, Extraction
from tracker.extract.pipeline import extract_page

__all__ = ["Candidate", "Extraction", "extract_page"]
