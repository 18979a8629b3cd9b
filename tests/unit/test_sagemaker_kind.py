"""SageMaker transform jobs as a kind: statuses → phases, stop allowed, console URL to the job's page."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from factories import make_job as factory_job
from tui.config import Settings
from tui.console_url import console_url
from tui.dialogs.confirm import stop_refusal
from tui.models import Job, JobKind, Phase, phase_of
from tui.widgets.columns import cell_text, layout

ARN = "arn:aws:sagemaker:eu-west-1:123456789012:transform-job/pipelines-0a1b2c3d4e5f-transformstep-ab12cd34ef"
NAME = "pipelines-0a1b2c3d4e5f-TransformStep-AB12CD34EF"


def make_job(status: str = "InProgress", *, arn: str = ARN, name: str = NAME) -> Job:
    return factory_job(1, status, arn=arn, name=name, kind=JobKind.SAGEMAKER, source="default/eu-west-1/sagemaker",
                       created=None, model="", records=None)


@pytest.mark.parametrize(("status", "phase"), [
    ("InProgress", Phase.RUNNING), ("Completed", Phase.SUCCEEDED), ("Failed", Phase.FAILED),
    ("Stopping", Phase.STOPPING), ("Stopped", Phase.STOPPED), ("Paused", Phase.UNKNOWN), ("", Phase.UNKNOWN),
])
def test_statuses_map_to_phases(status, phase):
    assert phase_of(status) is phase


def test_the_kind_is_named_can_stop_and_is_part_of_all():
    assert (JobKind("sagemaker").label, JobKind.SAGEMAKER.can_stop) == ("SageMaker transform", True)
    assert JobKind.SAGEMAKER in Settings(sources=["all"]).kinds
    assert Settings(sources=["sagemaker"]).kinds == [JobKind.SAGEMAKER]
    assert cell_text(make_job(), "kind", 9, None) == "transform"  # type: ignore[arg-type]


def test_stop_asks_for_running_jobs_only():
    assert stop_refusal(make_job("InProgress"), True) is None
    assert "read-only" in stop_refusal(make_job("InProgress"), False)
    assert "already stopping" in stop_refusal(make_job("Stopping"), True)
    assert "already finished" in stop_refusal(make_job("Completed"), True)


def test_console_url_opens_the_jobs_page_by_its_real_name():
    assert console_url(make_job()) == (
        f"https://eu-west-1.console.aws.amazon.com/sagemaker/home?region=eu-west-1#/transform-jobs/{NAME}"
    )


def test_a_name_that_is_not_a_job_name_links_by_the_arn_instead():
    url = console_url(make_job(name="[bold]x\x1b]52;c;x\x07"))
    assert url.endswith("#/transform-jobs/pipelines-0a1b2c3d4e5f-transformstep-ab12cd34ef")
    hostile = make_job(arn="arn:aws:sagemaker:us-east-1:123456789012:transform-job/a b#c?d", name="no pe")
    tail = console_url(hostile).rsplit("/transform-jobs/", 1)[1]
    assert unquote(tail) == "a b#c?d" and " " not in tail and "#" not in tail and "?" not in tail


def test_a_job_without_an_arn_links_to_the_regions_list():
    job = make_job(arn="unknown-arn:0123456789abcdef")
    assert console_url(job) == "https://eu-west-1.console.aws.amazon.com/sagemaker/home?region=eu-west-1#/transform-jobs"


def test_a_table_of_only_transform_jobs_spends_no_width_on_a_model_column():
    alone = [column.key for column in layout(120, kinds=frozenset({JobKind.SAGEMAKER}), several_places=False)]
    assert "model" not in alone and "progress" not in alone and "message" in alone
    mixed = [column.key for column in layout(120, kinds=frozenset({JobKind.SAGEMAKER, JobKind.BEDROCK}), several_places=False)]
    assert "model" in mixed
