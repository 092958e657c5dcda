"""casrec: reconcile conflicting casualty and displacement figures, with provenance."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("casrec")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
