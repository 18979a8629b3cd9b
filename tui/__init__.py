"""batchtop: a live terminal monitor for cloud batch inference jobs."""

__version__ = "0.1.0"
