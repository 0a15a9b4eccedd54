"""sidebyside's terminal app and command line (Textual). Alignment logic lives in `align/`."""

__version__ = "0.1.0"
