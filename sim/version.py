"""The installed version of hotline: a leaf module, so any stage may import it without reaching upwards."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("hotline")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+local"
