"""Modal dialogs: small questions that return one answer to the screen that asked."""

from .confirm import ConfirmStopScreen, stop_refusal
from .export import ExportScreen
from .status_filter import StatusFilterScreen

__all__ = [
    "ConfirmStopScreen",
    "ExportScreen",
    "StatusFilterScreen",
    "stop_refusal",
]
