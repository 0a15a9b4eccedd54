"""sidebyside's terminal app and command line (Textual). Alignment logic lives in `align/`."""

from align import __version__

__all__ = ["__version__"]
