"""An essay garden on MkDocs: the post model, the garden index and the build glue."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("essay-garden")
except PackageNotFoundError:  # running from a checkout without `pip install`
    __version__ = "0.0.0+unknown"
