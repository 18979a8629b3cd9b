"""Config file: where it lives, what a broken file says, flags over file, never written."""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import pytest

from tui.__main__ import build_parser
from tui.config import (
    COLUMNS,
    SAMPLE_CONFIG,
    FlagError,
    Settings,
    config_path,
    load_settings,
    merge_flags,
)
from tui.models import JobKind


@pytest.fixture
def config_file(tmp_path: Path):
    def write(text: str) -> Path:
        path = tmp_path / "config.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


# --- where the file is -------------------------------------------------------------------


def test_config_path_prefers_override_then_env_then_user_config_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("BATCHTOP_CONFIG", raising=False)
    default = config_path(None)
    assert default.name == "config.toml"
    assert default.parent.name == "batchtop"

    monkeypatch.setenv("BATCHTOP_CONFIG", str(tmp_path / "from-env.toml"))
    assert config_path(None) == tmp_path / "from-env.toml"
    assert config_path(str(tmp_path / "flag.toml")) == tmp_path / "flag.toml"


def test_config_path_expands_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert config_path("~/b.toml") == tmp_path / "b.toml"


def test_batchtop_config_path_command_prints_it(monkeypatch, tmp_path, capsys):
    from tui.__main__ import main

    monkeypatch.setenv("BATCHTOP_CONFIG", str(tmp_path / "x.toml"))
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "x.toml")


def test_load_settings_without_path_reads_config_path(monkeypatch, config_file):
    monkeypatch.setenv("BATCHTOP_CONFIG", str(config_file("interval = 30\n")))
    settings, problems = load_settings(None)
    assert (settings.interval, problems) == (30.0, [])


# --- reading ------------------------------------------------------------------------------


def test_missing_file_gives_defaults_and_no_problem(tmp_path):
    settings, problems = load_settings(tmp_path / "absent.toml")
    assert settings == Settings()
    assert problems == []
    assert not (tmp_path / "absent.toml").exists()


def test_every_key_is_read(config_file):
    path = config_file(
        'sources = ["bedrock", "segment"]\n'
        'profiles = ["prod", "staging"]\n'
        'regions = ["us-east-1", "eu-west-1"]\n'
        "interval = 45\n"
        'columns = ["status", "name", "account"]\n'
        'theme = "nord"\n'
        'notify = "osc9"\n'
        "allow_stop = true\n"
        "max_calls_in_flight = 40\n"
    )
    settings, problems = load_settings(path)
    assert problems == []
    assert settings == Settings(
        sources=["bedrock", "segment"],
        profiles=["prod", "staging"],
        regions=["us-east-1", "eu-west-1"],
        interval=45.0,
        columns=["status", "name", "account"],
        theme="nord",
        notify="osc9",
        allow_stop=True,
        max_calls_in_flight=40,
    )
    assert settings.kinds == [JobKind.BEDROCK, JobKind.SEGMENT]


def test_lists_also_accept_comma_separated_strings_like_the_flags(config_file):
    settings, problems = load_settings(config_file('regions = "us-east-1, eu-west-1"\nsources = "personalize"\n'))
    assert problems == []
    assert settings.regions == ["us-east-1", "eu-west-1"]
    assert settings.kinds == [JobKind.PERSONALIZE]


def test_all_expands_to_every_kind_and_duplicates_collapse(config_file):
    settings, _ = load_settings(config_file('sources = ["segment", "all", "segment"]\nprofiles = ["a", "b", "a"]\n'))
    assert settings.kinds == list(JobKind)
    assert settings.profiles == ["a", "b"]


def test_sample_config_is_valid_toml_and_documents_the_defaults(config_file):
    tomllib.loads(SAMPLE_CONFIG)
    settings, problems = load_settings(config_file(SAMPLE_CONFIG))
    assert problems == []
    assert settings == Settings()
    for column in COLUMNS:
        assert column in SAMPLE_CONFIG


def test_defaults_match_the_contract():
    settings = Settings()
    assert settings.sources == ["all"]
    assert (settings.profiles, settings.regions, settings.columns) == ([], [], None)
    assert (settings.interval, settings.theme, settings.notify, settings.allow_stop) == (
        10.0,
        "textual-dark",
        "off",
        False,
    )
    assert COLUMNS == ("name", "status", "progress", "model", "kind", "account", "region", "created", "duration", "message")


# --- broken files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("interval = 10\nnotify = bell\n", "line 2, column 10"),  # bare word
        ('theme = "nord"\n\n  sources = ["bedrock",\n', "line 4, column 1"),  # unclosed array at EOF
        ("interval = 10\ninterval = 20\n", "line 2, column 14"),  # duplicate key
        ('theme = "unterminated\n', "line 1, column 22"),
        ("[columns\n", "line 1, column 9"),
        ("x = 1", None),  # valid TOML, unknown key: not a syntax error
    ],
)
def test_syntax_error_names_line_and_column_and_starts_on_defaults(config_file, text, where):
    settings, problems = load_settings(config_file(text))
    assert settings == Settings()
    assert len(problems) == 1
    if where is None:
        assert "unknown key 'x'" in problems[0]
        return
    problem = problems[0]
    assert problem.startswith(f"config.toml {where}: ")
    assert problem.endswith(" — starting with defaults")
    reason = problem.split(": ", 1)[1].removesuffix(" — starting with defaults")
    assert reason and "(at " not in reason


def test_syntax_error_at_end_of_document_without_final_newline(config_file):
    _, problems = load_settings(config_file('a = [1,\n   2'))
    assert problems[0].startswith("config.toml line 2, column 5: ")


def test_not_utf8_and_unreadable_files_are_problems_not_crashes(tmp_path):
    latin = tmp_path / "config.toml"
    latin.write_bytes(b'theme = "caf\xe9"\n')
    settings, problems = load_settings(latin)
    assert settings == Settings()
    assert problems == ["config.toml is not UTF-8 text (byte 13) — starting with defaults"]

    directory = tmp_path / "dir.toml"
    directory.mkdir()
    settings, problems = load_settings(directory)
    assert settings == Settings()
    assert problems[0].startswith(f"cannot read {directory}: ")


@pytest.mark.parametrize(
    ("line", "key", "expected"),
    [
        ("interval = 1", "interval", "must be between 2 and 600 seconds"),
        ("interval = 601.5", "interval", "must be between 2 and 600 seconds"),
        ("interval = nan", "interval", "must be between 2 and 600 seconds"),
        ("interval = inf", "interval", "must be between 2 and 600 seconds"),
        ('interval = "10"', "interval", "should be a valid number"),
        ("interval = true", "interval", "should be a valid number"),
        ('notify = "beep"', "notify", "should be 'bell', 'osc9' or 'off'"),
        ('sources = ["bedrock", "batch"]', "sources", "item 2 should be 'bedrock', 'personalize', 'segment', 'sagemaker' or 'all'"),
        ("sources = []", "sources", "must name at least one"),
        ('columns = ["name", "colour"]', "columns", "item 2 should be 'name', 'status'"),
        ("columns = []", "columns", "must name at least one"),
        ('regions = ["us-east1"]', "regions", "'us-east1' is not an AWS region name"),
        ("regions = [1]", "regions", "item 1 should be a valid string"),
        ('profiles = [""]', "profiles", "profile names must not be empty"),
        ("theme = 3", "theme", "should be a valid string"),
        ('allow_stop = "yes"', "allow_stop", "should be a valid boolean"),
        ("max_calls_in_flight = 0", "max_calls_in_flight", "must be between 1 and 256"),
        ("max_calls_in_flight = 2.5", "max_calls_in_flight", "should be a valid integer"),
    ],
)
def test_bad_value_names_the_key_and_defaults_only_that_key(config_file, line, key, expected):
    path = config_file(f"{line}\n{_other_valid_keys(key)}")
    settings, problems = load_settings(path)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"config.toml: {key} = ")
    assert expected in problems[0]
    assert "— using the default" in problems[0]
    assert getattr(settings, key) == getattr(Settings(), key)
    # the valid keys around it are kept
    kept = {"interval": 42.0, "notify": "bell", "allow_stop": True}
    for other, value in kept.items():
        if other != key:
            assert getattr(settings, other) == value


def _other_valid_keys(bad_key: str) -> str:
    lines = {"interval": "interval = 42", "notify": 'notify = "bell"', "allow_stop": "allow_stop = true"}
    return "".join(f"{text}\n" for key, text in lines.items() if key != bad_key)


def test_several_bad_keys_give_one_problem_each(config_file):
    settings, problems = load_settings(
        config_file('interval = 0\nnotify = "loud"\ncolumns = ["x", "y"]\ntheme = "nord"\nintervall = 5\n')
    )
    assert settings.theme == "nord"
    assert settings.interval == 10.0 and settings.notify == "off" and settings.columns is None
    assert len(problems) == 4
    assert any(p.startswith("config.toml: columns = ") for p in problems)
    assert "config.toml: unknown key 'intervall' ignored (did you mean 'interval'?)" in problems


def test_problem_messages_are_one_clean_line_even_for_hostile_values(config_file):
    settings, problems = load_settings(config_file('notify = "\\u001b]52;c;SGk=\\u0007' + "x" * 500 + '"\n'))
    assert settings.notify == "off"
    (problem,) = problems
    assert "\x1b" not in problem and "\x07" not in problem and "\n" not in problem
    assert len(problem) < 250


def test_a_table_where_a_value_belongs_is_reported(config_file):
    settings, problems = load_settings(config_file('[notify]\nmode = "bell"\n'))
    assert settings.notify == "off"
    assert problems and problems[0].startswith("config.toml: notify = ")


# --- the user's file is never written ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [SAMPLE_CONFIG, "interval = 1\nnotify = 3\nunknown = true\n", "this is not toml = = =\n", ""],
)
def test_loading_never_modifies_the_file(config_file, text):
    path = config_file(text)
    before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(path.parent.iterdir()))
    load_settings(path)
    load_settings(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns, sorted(path.parent.iterdir())) == before


# --- flags over file ----------------------------------------------------------------------


def _args(argv: list[str]) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def test_flags_not_given_keep_the_file_settings():
    file_settings = Settings(sources=["segment"], regions=["eu-west-1"], interval=30, notify="bell", allow_stop=True)
    assert merge_flags(file_settings, _args([])) == file_settings


def test_flags_given_win_over_the_file():
    file_settings = Settings(
        sources=["segment"], profiles=["a"], regions=["eu-west-1"], interval=30, notify="bell", theme="nord"
    )
    merged = merge_flags(
        file_settings,
        _args(
            [
                "--profile", "prod,dev",
                "--region", "us-west-2",
                "--source", "bedrock",
                "--interval", "5",
                "--allow-stop",
                "--notify", "osc9",
            ]
        ),
    )  # fmt: skip
    assert merged == Settings(
        sources=["bedrock"],
        profiles=["prod", "dev"],
        regions=["us-west-2"],
        interval=5.0,
        notify="osc9",
        allow_stop=True,
        theme="nord",
    )
    assert file_settings.sources == ["segment"]  # the input is not changed


def test_source_all_flag_and_subcommand_namespaces():
    merged = merge_flags(Settings(sources=["bedrock"]), _args(["--source", "all"]))
    assert merged.kinds == list(JobKind)
    # `ls` has no --interval/--notify: missing attributes mean "not given"
    ls_args = _args(["ls", "--region", "ap-south-1"])
    assert merge_flags(Settings(interval=60), ls_args) == Settings(interval=60, regions=["ap-south-1"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--interval", "1"], "--interval 1.0: must be between 2 and 600 seconds"),
        (["--interval", "nan"], "--interval NaN: must be between 2 and 600 seconds"),
        (["--region", "useast1"], "--region [\"useast1\"]: 'useast1' is not an AWS region name"),
    ],
)
def test_unusable_flag_values_raise_a_message_naming_the_flag(argv, message):
    with pytest.raises(FlagError) as raised:
        merge_flags(Settings(), _args(argv))
    assert str(raised.value).startswith(message)
