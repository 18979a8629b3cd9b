"""The monitor's widgets: the job table (Line API), the source pane and the header."""

from .header import HeaderState, MonitorHeader
from .job_table import JobTable, RowView
from .source_list import SourceList, SourcePane, SourceRow

__all__ = ["HeaderState", "JobTable", "MonitorHeader", "RowView", "SourceList", "SourcePane", "SourceRow"]
