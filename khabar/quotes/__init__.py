"""Who said what: quotations, their cues and their speakers (see ``extract``)."""

from khabar.quotes.extract import find_quotes

__all__ = ["find_quotes"]
