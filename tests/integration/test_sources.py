"""Source adapters over HTTP against the emulator, with the real aioboto3 clients."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from tui.aws import AwsPool
from tui.errors import InvalidPageToken, MalformedResponse, classify
from tui.models import JobKind, Phase, phase_of
from tui.models import Filters, StopNotSupported
from tui.sources.bedrock import BedrockSource
from tui.sources.personalize import PersonalizeSource

KINDS = list(JobKind)
ARN_FIELD = {JobKind.BEDROCK: "jobArn", JobKind.PERSONALIZE: "batchInferenceJobArn", JobKind.SEGMENT: "batchSegmentJobArn",
             JobKind.SAGEMAKER: "TransformJobArn"}
STATUS_FIELD = {JobKind.SAGEMAKER: "TransformJobStatus"}  # else "status"
CREATED_FIELD = {JobKind.BEDROCK: "submitTime", JobKind.SAGEMAKER: "CreationTime"}  # else "creationDateTime"
LIST_OPERATION = {
    JobKind.BEDROCK: "ListModelInvocationJobs",
    JobKind.PERSONALIZE: "ListBatchInferenceJobs",
    JobKind.SEGMENT: "ListBatchSegmentJobs",
    JobKind.SAGEMAKER: "ListTransformJobs",
}
SERVER_SORTED = (JobKind.BEDROCK, JobKind.SAGEMAKER)


@pytest.fixture
async def pool(emulator):
    """A pool on the emulator; one attempt per call, so fault tests see the fault at once."""
    async with AwsPool.demo(emulator.endpoint_url, max_attempts=1) as pool:
        yield pool


def source_of(pool: AwsPool, kind: JobKind, region: str = "us-east-1", **sizes):
    [source] = pool.build_sources([], [region], [kind], **sizes)
    return source


async def list_all(source, filters: Filters = Filters()) -> tuple[list, int]:
    """Every job the source lists, following tokens; and how many pages it took."""
    jobs, token, pages = [], None, 0
    while True:
        page = await source.list_page(filters, token)
        jobs.extend(page.jobs)
        pages += 1
        token = page.next_token
        if token is None:
            return jobs, pages


def test_build_sources_one_per_profile_region_kind_in_stable_order(emulator):
    pool = AwsPool.demo(emulator.endpoint_url)
    sources = pool.build_sources([], ["us-east-1", "eu-west-1"], ["all"])
    assert [source.key.id for source in sources] == [
        "default/us-east-1/bedrock",
        "default/us-east-1/personalize",
        "default/us-east-1/segment",
        "default/us-east-1/sagemaker",
        "default/eu-west-1/bedrock",
        "default/eu-west-1/personalize",
        "default/eu-west-1/segment",
        "default/eu-west-1/sagemaker",
    ]
    assert isinstance(sources[0], BedrockSource) and isinstance(sources[2], PersonalizeSource)
    # one client per (profile, region, service): inference and segment jobs share Personalize's
    assert sources[1]._client is sources[2]._client
    assert pool.config.user_agent_extra.startswith("batchtop/")


@pytest.mark.parametrize("kind", KINDS)
async def test_first_page_is_the_newest_jobs(pool, world, kind):
    page = await source_of(pool, kind, first_page_size=25).list_page(Filters())
    truth = world.jobs(kind)
    if kind in SERVER_SORTED:
        assert [job.arn for job in page.jobs] == [item[ARN_FIELD[kind]] for item in truth[:25]]
    else:  # Personalize: no server-side sort; each page is ordered on the client
        created = [job.created for job in page.jobs]
        assert created == sorted(created, reverse=True)
        assert len(page.jobs) == 100  # the API's maximum page
    assert page.next_token is not None and len(page.next_token) > 100


@pytest.mark.parametrize("kind", KINDS)
async def test_paging_returns_every_job_once(pool, world, emulator, kind):
    source = source_of(pool, kind, first_page_size=40, page_size=70)
    jobs, pages = await list_all(source)
    truth = [item[ARN_FIELD[kind]] for item in world.jobs(kind)]
    assert sorted(job.arn for job in jobs) == sorted(truth)
    assert len({job.arn for job in jobs}) == len(jobs)
    assert emulator.calls[LIST_OPERATION[kind]] == pages
    if kind in SERVER_SORTED:
        assert [job.arn for job in jobs] == truth
    if kind is JobKind.BEDROCK:
        assert [request.params.get("maxResults") for request in emulator.requests][:2] in (["40", "70"], [40, 70])


async def test_bedrock_asks_the_server_to_filter_when_it_can(pool, world, emulator):
    source = source_of(pool, JobKind.BEDROCK, first_page_size=1000)
    page = await source.list_page(Filters(status="running", name="run"))
    params = emulator.requests[-1].params
    assert params["statusEquals"] == "InProgress" and params["nameContains"] == "run"
    assert params["sortBy"] == "CreationTime" and params["sortOrder"] == "Descending"
    expected = [
        item["jobArn"] for item in world.jobs("bedrock") if item["status"] == "InProgress" and "run" in item["jobName"].lower()
    ]
    assert [job.arn for job in page.jobs] == expected


async def test_bedrock_filters_multi_status_phases_on_the_client(pool, world, emulator):
    source = source_of(pool, JobKind.BEDROCK, first_page_size=1000)
    page = await source.list_page(Filters(status="queued", newest_first=False))
    params = emulator.requests[-1].params
    assert "statusEquals" not in params and params["sortOrder"] == "Ascending"
    expected = [item["jobArn"] for item in reversed(world.jobs("bedrock")) if phase_of(item["status"]) is Phase.QUEUED]
    assert [job.arn for job in page.jobs] == expected


async def test_bedrock_sends_submit_time_window(pool, world, emulator, fixed_now):
    after = fixed_now - dt.timedelta(days=3)
    page = await source_of(pool, JobKind.BEDROCK, first_page_size=1000).list_page(Filters(submitted_after=after))
    assert "submitTimeAfter" in emulator.requests[-1].params
    assert page.jobs and all(job.created >= after for job in page.jobs)


async def test_a_status_no_job_of_the_kind_can_have_costs_no_call(pool, emulator):
    page = await source_of(pool, JobKind.BEDROCK).list_page(Filters(status="ACTIVE"))
    page2 = await source_of(pool, JobKind.SEGMENT).list_page(Filters(status="stopped"))
    assert page.jobs == [] and page.next_token is None and page2.jobs == []
    assert sum(emulator.calls.values()) == 0


async def test_personalize_filters_on_the_client_and_pages_may_be_empty(pool, world):
    source = source_of(pool, JobKind.PERSONALIZE)
    jobs, pages = await list_all(source, Filters(status="CREATE FAILED"))
    expected = {item["batchInferenceJobArn"] for item in world.jobs("personalize") if item["status"] == "CREATE FAILED"}
    assert {job.arn for job in jobs} == expected
    assert pages == 3  # 300 jobs, 100 a page: filtering never changes what is fetched


@pytest.mark.parametrize("kind", KINDS)
async def test_describe_by_arn_keeps_every_field_in_order(pool, world, kind):
    item = world.jobs(kind)[5]
    detail = await source_of(pool, kind).describe(item[ARN_FIELD[kind]])
    assert list(detail.fields) == list(item)
    assert detail.job.arn == item[ARN_FIELD[kind]] and detail.job.status == item[STATUS_FIELD.get(kind, "status")]
    created_field = CREATED_FIELD.get(kind, "creationDateTime")
    assert isinstance(detail.fields[created_field], str)
    assert dt.datetime.fromisoformat(detail.fields[created_field]) == detail.job.created
    assert detail.job.notes == ()


async def test_bedrock_record_counts_and_invocation_type_are_recovered(pool, world):
    truth = {item["jobArn"]: item for item in world.jobs("bedrock")}
    page = await source_of(pool, JobKind.BEDROCK, first_page_size=300).list_page(Filters())
    with_counts = [job for job in page.jobs if "totalRecordCount" in truth[job.arn]]
    assert with_counts, "the emulator sends counts, as the real service does"
    for job in with_counts:
        item = truth[job.arn]
        assert job.records.total == item["totalRecordCount"]
        assert job.records.processed == item["processedRecordCount"]
        assert job.records.succeeded == item["successRecordCount"]
        assert job.records.failed == item["errorRecordCount"]
        assert job.invocation_type == item["modelInvocationType"]
    detail = await source_of(pool, JobKind.BEDROCK).describe(with_counts[0].arn)
    assert detail.job.records == with_counts[0].records
    assert detail.fields["totalRecordCount"] == with_counts[0].records.total


async def test_the_pinned_botocore_alone_drops_the_counts(emulator, world):
    """Why the before-parse handler exists: without it, the parsed result has no counts."""
    pool = AwsPool.demo(emulator.endpoint_url)
    async with pool:
        client = await pool.open_client(pool.session(None), "bedrock", "us-east-1")
        try:
            response = await client.list_model_invocation_jobs(maxResults=5)
        finally:
            await client.close()
    assert response["invocationJobSummaries"]
    assert all("totalRecordCount" not in item for item in response["invocationJobSummaries"])


@pytest.mark.parametrize("kind", KINDS)
async def test_a_first_page_listed_again_hands_back_the_same_rows_until_one_changes(pool, world, kind):
    source = source_of(pool, kind, first_page_size=20)
    first = await source.list_page(Filters())
    again = await source.list_page(Filters())
    assert [job.arn for job in again.jobs] == [job.arn for job in first.jobs]
    assert all(new is old for new, old in zip(again.jobs, first.jobs))  # the feed merges nothing
    assert again.next_token != first.next_token  # sealed anew at every call, like AWS's: the newest is handed on
    following = await source.list_page(Filters(), again.next_token)
    assert following.jobs and not {job.arn for job in following.jobs} & {job.arn for job in again.jobs}
    arn = first.jobs[3].arn
    world.set_status(arn, "Hibernating")
    changed = await source.list_page(Filters())
    assert [job.status for job in changed.jobs if job.arn == arn] == ["Hibernating"]
    assert sum(new is not old for new, old in zip(changed.jobs, first.jobs)) == 1
    world.submit(kind)
    newer = await source.list_page(Filters())
    assert len(newer.jobs) == len(first.jobs) and newer.jobs[0].arn not in {job.arn for job in changed.jobs}


async def test_a_filter_applied_on_the_client_still_cuts_a_first_page_whose_bytes_were_seen(pool, world):
    source = source_of(pool, JobKind.BEDROCK, first_page_size=50)
    every = await source.list_page(Filters())
    running = await source.list_page(Filters(status="running"))  # several statuses: the same request
    assert running.jobs == [job for job in every.jobs if job.phase is Phase.RUNNING]
    assert 0 < len(running.jobs) < len(every.jobs)


async def test_unknown_statuses_survive(pool, world):
    arn = world.jobs("bedrock")[0]["jobArn"]
    segment_arn = world.jobs("segment")[0]["batchSegmentJobArn"]
    world.set_status(arn, "Hibernating")
    world.set_status(segment_arn, "CREATE STOPPING")
    page = await source_of(pool, JobKind.BEDROCK).list_page(Filters())
    job = next(job for job in page.jobs if job.arn == arn)
    assert (job.status, job.phase) == ("Hibernating", Phase.UNKNOWN)
    detail = await source_of(pool, JobKind.SEGMENT).describe(segment_arn)
    assert (detail.job.status, detail.job.phase) == ("CREATE STOPPING", Phase.UNKNOWN)
    unknown = await source_of(pool, JobKind.BEDROCK).list_page(Filters(status="unknown"))
    assert [job.arn for job in unknown.jobs] == [arn]


async def test_stop_a_bedrock_job(pool, world):
    item = next(item for item in world.jobs("bedrock") if item["status"] == "InProgress")
    await source_of(pool, JobKind.BEDROCK).stop(item["jobArn"])
    now = next(entry for entry in world.jobs("bedrock") if entry["jobArn"] == item["jobArn"])
    assert now["status"] == "Stopping"


@pytest.mark.parametrize("kind", [JobKind.PERSONALIZE, JobKind.SEGMENT])
async def test_personalize_jobs_cannot_be_stopped(pool, world, emulator, kind):
    with pytest.raises(StopNotSupported, match="no stop API"):
        await source_of(pool, kind).stop(world.jobs(kind)[0][ARN_FIELD[kind]])
    assert sum(emulator.calls.values()) == 0


@pytest.mark.parametrize("kind", KINDS)
async def test_malformed_responses_give_rows_with_notes_never_a_crash(pool, faults, kind):
    faults.malformed = 1.0
    source = source_of(pool, kind, first_page_size=50)
    noted, unreadable = 0, 0
    for _ in range(12):
        try:
            page = await source.list_page(Filters())
        except MalformedResponse as exc:
            unreadable += 1
            assert classify(exc).kind == "malformed"
            continue
        noted += sum(1 for job in page.jobs if job.notes)
    assert noted >= 1 and unreadable >= 1


@pytest.mark.parametrize("kind", KINDS)
async def test_a_rejected_page_token_raises_invalid_page_token(pool, kind):
    source = source_of(pool, kind, first_page_size=10)
    page = await source.list_page(Filters())
    with pytest.raises(InvalidPageToken):
        await source.list_page(Filters(), page.next_token[:-8] + "AAAAAAA=")
    with pytest.raises(InvalidPageToken):  # a token from another query (other filters)
        await source.list_page(Filters(name="x") if kind is JobKind.BEDROCK else Filters(), "not-a-token")


async def test_expired_token(pool, faults):
    faults.expired_token = True
    with pytest.raises(Exception) as caught:
        await source_of(pool, JobKind.BEDROCK).list_page(Filters())
    problem = classify(caught.value, "dev")
    assert problem.kind == "expired_token" and "aws sso login --profile dev" in problem.message


async def test_denied_region_only(pool, faults):
    faults.denied = {("bedrock", "eu-west-1")}
    await source_of(pool, JobKind.BEDROCK, "us-east-1").list_page(Filters())
    with pytest.raises(Exception) as caught:
        await source_of(pool, JobKind.BEDROCK, "eu-west-1").list_page(Filters())
    problem = classify(caught.value)
    assert problem.kind == "access_denied" and "bedrock:ListModelInvocationJobs" in problem.message


async def test_throttling(pool, faults):
    faults.throttle_every = 1
    with pytest.raises(Exception) as caught:
        await source_of(pool, JobKind.PERSONALIZE).list_page(Filters())
    assert classify(caught.value).kind == "throttled"


async def test_throttling_is_retried_by_botocore(emulator, faults):
    faults.throttle_every = 2  # every other call: the standard retry mode gets through
    async with AwsPool.demo(emulator.endpoint_url) as pool:
        for _ in range(3):
            await source_of(pool, JobKind.BEDROCK, first_page_size=5).list_page(Filters())


async def test_unreachable_endpoint_fails_fast_and_names_it():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with AwsPool.demo(f"http://127.0.0.1:{port}", max_attempts=1) as pool:
        with pytest.raises(Exception) as caught:
            await source_of(pool, JobKind.BEDROCK).list_page(Filters())
    problem = classify(caught.value)
    assert problem.kind == "network" and f"127.0.0.1:{port}" in problem.message


async def test_credentials_that_appear_later_are_picked_up_without_restart(aws_env, monkeypatch, emulator):
    """A client made while no credentials existed is rebuilt on the next call."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    async with AwsPool(max_attempts=1) as pool:
        source = source_of(pool, JobKind.BEDROCK)
        with pytest.raises(Exception) as caught:
            await source.list_page(Filters())
        assert classify(caught.value).kind == "no_credentials"
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIALATER")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "later")
        page = await source.list_page(Filters())
    assert page.jobs


async def test_per_service_endpoint_variables_are_honoured(aws_env, monkeypatch, emulator):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing there
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", emulator.endpoint_url)
    async with AwsPool(max_attempts=1) as pool:
        page = await source_of(pool, JobKind.BEDROCK).list_page(Filters())
    assert page.jobs


async def test_region_defaults_to_the_profiles(aws_env, monkeypatch, tmp_path):
    config = tmp_path / "config"
    config.write_text("[profile far]\nregion = ap-southeast-2\naws_access_key_id = A\naws_secret_access_key = B\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    pool = AwsPool()
    assert [source.key.region for source in pool.build_sources(["far"], [], ["bedrock"])] == ["ap-southeast-2"]
    assert [source.key.region for source in pool.build_sources([], [], ["bedrock"])] == ["us-east-1"]


async def test_the_same_source_recovers_once_the_token_is_valid_again(pool, faults):
    source = source_of(pool, JobKind.BEDROCK)
    faults.expired_token = True
    with pytest.raises(Exception) as caught:
        await source.list_page(Filters())
    assert classify(caught.value).kind == "expired_token"
    faults.expired_token = False
    assert (await source.list_page(Filters())).jobs


async def test_profiles_keep_their_own_settings_while_sharing_botocores_data_files(aws_env, monkeypatch, tmp_path, emulator):
    """Sessions share one parsed copy of botocore's data files (a start-up cost per profile
    otherwise); each profile still gets its own region and credentials."""
    config = tmp_path / "config"
    config.write_text(
        "[profile east]\nregion = us-east-1\naws_access_key_id = A\naws_secret_access_key = B\n"
        "[profile west]\nregion = eu-west-1\naws_access_key_id = C\naws_secret_access_key = D\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    async with AwsPool(emulator.endpoint_url, max_attempts=1) as pool:
        sources = pool.build_sources(["east", "west"], [], ["bedrock"])
        assert [source.key.region for source in sources] == ["us-east-1", "eu-west-1"]
        for source in sources:
            assert (await source.list_page(Filters())).jobs
        east, west = (pool.session(profile) for profile in ("east", "west"))
        assert (await east.get_credentials()).access_key == "A"
        assert (await west.get_credentials()).access_key == "C"
    assert {record.region for record in emulator.requests} == {"us-east-1", "eu-west-1"}


async def test_clients_opened_up_front_leave_a_failure_to_the_first_call(emulator):
    async with AwsPool.demo(emulator.endpoint_url, max_attempts=1) as pool:
        good, bad = pool.build_sources([], ["us-east-1", "not a region!"], ["bedrock"])
        await pool.open_clients()  # must not raise: the bad region's client cannot be made
        assert (await good.list_page(Filters())).jobs
        with pytest.raises(Exception) as caught:
            await bad.list_page(Filters())
    assert classify(caught.value).kind == "service"
