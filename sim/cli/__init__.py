"""The `hotline` command: one module per command, the parser, and printing. The work happens below."""

from .main import main

__all__ = ["main"]
