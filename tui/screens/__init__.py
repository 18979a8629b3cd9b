"""Full screens: the monitor, a job's detail, the keys, and the monitor's command palette."""

from .commands import MonitorCommands
from .detail import DetailScreen
from .help import HelpScreen
from .monitor import MonitorScreen

__all__ = ["DetailScreen", "HelpScreen", "MonitorCommands", "MonitorScreen"]
