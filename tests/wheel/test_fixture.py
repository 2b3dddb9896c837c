"""The installed wheel: its binary, the cos_mock fixture, its clients, reset, config and failures."""

import json
import os
import re
import sys
import textwrap
from pathlib import Path

import pytest

import cos_mock as pkg
from cos_mock import CosMock, CosMockError

HERE = Path(__file__).resolve().parent
# python/README.md (PyPI's page); scripts/test-wheel.sh copies it beside this file.
README = next(p for p in (HERE / "README.md", HERE.parents[1] / "python" / "README.md") if p.exists())

CONFIG = {
    "region": "ap-shanghai",
    "accounts": [{"uin": "100000000007", "appid": "1250000007",
                  "secret_id": "AKIDWHEELTEST", "secret_key": "wheel-secret"}],
    "buckets": [{"name": "seeded-1250000007", "acl": "private"}],
    "oss": {"accounts": [{"uid": "1000000000000007", "access_key_id": "LTAIWHEELTEST",
                          "access_key_secret": "wheel-oss-secret"}]},
}


def test_binary_is_the_packaged_one(cos_mock):
    binary = pkg.binary_path()
    assert "COS_MOCK_BIN" not in os.environ
    assert os.path.realpath(binary).startswith(os.path.realpath(sys.prefix)), binary
    assert cos_mock.health()
    assert cos_mock.endpoint == f"http://127.0.0.1:{cos_mock.port}" and cos_mock.port > 0


def test_default_identity_on_the_fixture(cos_mock):
    got = (cos_mock.secret_id, cos_mock.secret_key, cos_mock.appid, cos_mock.uin, cos_mock.region)
    assert got == ("AKIDCOSMOCKROOT", "cos-mock-root-secret", "1250000000", "100000000001", "ap-guangzhou")
    got = (cos_mock.oss_access_key_id, cos_mock.oss_access_key_secret, cos_mock.oss_uid, cos_mock.oss_region)
    assert got == ("LTAIOSSMOCKROOT", "oss-mock-root-secret", "1000000000000001", "cn-hangzhou")


def test_cos_client_put_get_roundtrip(cos_mock_fresh):
    client = cos_mock_fresh.cos_client()
    bucket = cos_mock_fresh.bucket_name("wheel")
    client.create_bucket(Bucket=bucket)
    client.put_object(Bucket=bucket, Key="doc/a.txt", Body=b"hello cos")
    body = client.get_object(Bucket=bucket, Key="doc/a.txt")["Body"].get_raw_stream().read()
    assert body == b"hello cos"
    assert [b["Name"] for b in client.list_buckets()["Buckets"]["Bucket"]] == [bucket]


@pytest.mark.parametrize("v4", [False, True], ids=["v1", "v4"])
def test_oss_bucket_put_get_roundtrip(cos_mock_fresh, v4):
    bucket = cos_mock_fresh.oss_bucket("wheel-oss", v4=v4)
    bucket.create_bucket()
    bucket.put_object("doc/a.txt", b"hello oss")
    assert bucket.get_object("doc/a.txt").read() == b"hello oss"


def test_reset_empties_the_server(cos_mock):
    cos_mock.cos_client().create_bucket(Bucket=cos_mock.bucket_name("gone"))
    assert any(b["name"] == "gone-1250000000" for b in cos_mock.state()["buckets"])
    cos_mock.reset()
    assert cos_mock.state()["buckets"] == []
    assert all(r["path"].startswith("/_cos-mock/") for r in cos_mock.requests())  # journal reset too


def test_clock_is_set_with_a_json_body(cos_mock_fresh):
    assert cos_mock_fresh.clock()["offset_seconds"] == 0
    assert cos_mock_fresh.clock(advance_seconds=3600)["offset_seconds"] == 3600
    cos_mock_fresh.clock(offset_seconds=0)
    assert cos_mock_fresh.admin("POST", "clock", "not json")[0] == 400


def test_session_marker_and_fresh_fixture_reset_between_tests(pytester):
    pytester.makepyfile(
        textwrap.dedent(
            """
            import pytest

            def test_1_creates(cos_mock):
                cos_mock.cos_client().create_bucket(Bucket=cos_mock.bucket_name("kept"))

            def test_2_state_is_shared(cos_mock):
                assert [b["name"] for b in cos_mock.state()["buckets"]] == ["kept-1250000000"]

            @pytest.mark.cos_mock_reset
            def test_3_marker_resets(cos_mock):
                assert cos_mock.state()["buckets"] == []
                cos_mock.oss_bucket("again").create_bucket()

            def test_4_fresh_resets(cos_mock_fresh):
                assert cos_mock_fresh.state()["buckets"] == []
            """
        )
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=4)


def test_config_option_and_ini(pytester):
    pytester.path.joinpath("cos-mock.json").write_text(json.dumps(CONFIG))
    pytester.makepyfile(
        textwrap.dedent(
            """
            import pytest
            from qcloud_cos import CosServiceError

            def test_identity_from_the_config(cos_mock):
                assert (cos_mock.secret_id, cos_mock.appid, cos_mock.region) == (
                    "AKIDWHEELTEST", "1250000007", "ap-shanghai")
                assert cos_mock.oss_access_key_id == "LTAIWHEELTEST"

            def test_seeded_bucket_with_config_keys(cos_mock):
                client = cos_mock.cos_client()
                client.put_object(Bucket="seeded-1250000007", Key="k", Body=b"v")
                assert client.head_object(Bucket="seeded-1250000007", Key="k")["Content-Length"] == "1"

            def test_default_keys_are_gone(cos_mock):
                client = cos_mock.cos_client(SecretId="AKIDCOSMOCKROOT", SecretKey="cos-mock-root-secret")
                with pytest.raises(CosServiceError) as e:
                    client.head_bucket(Bucket="seeded-1250000007")
                assert e.value.get_status_code() == 403

            def test_oss_keys_from_the_config(cos_mock):
                bucket = cos_mock.oss_bucket("cfg-oss")
                bucket.create_bucket()
                assert bucket.get_bucket_info().owner.id == "1000000000000007"
            """
        )
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "--cos-mock-config", "cos-mock.json").assert_outcomes(
        passed=4
    )
    # The same from the ini file; cos_mock_args' --region wins over the file's region.
    pytester.makeini("[pytest]\ncos_mock_config = cos-mock.json\ncos_mock_args = --region ap-beijing\n")
    pytester.makepyfile(
        test_ini="def test_ini(cos_mock):\n"
        "    assert (cos_mock.secret_id, cos_mock.region) == ('AKIDWHEELTEST', 'ap-beijing')\n"
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "test_ini.py").assert_outcomes(passed=1)


def test_config_as_dict_in_a_module_server():
    with CosMock(config=CONFIG) as server:
        assert server.secret_id == "AKIDWHEELTEST"
        client = server.cos_client()
        assert client.list_objects(Bucket="seeded-1250000007").get("Contents") is None
    assert server.proc is None and not server.health()


def test_bad_config_start_error_shows_the_server_stderr():
    with pytest.raises(CosMockError) as e:
        CosMock(config={"accounts": "not a list"}).start()
    assert "exited with code 2" in str(e.value)
    assert "accounts" in str(e.value)  # the server names the JSON path


def test_silent_binary_start_error_after_timeout_and_process_stopped(tmp_path):
    script = tmp_path / "silent"
    script.write_text("#!/bin/sh\necho starting >&2\nexec sleep 30\n")
    script.chmod(0o755)
    server = CosMock(binary=str(script), start_timeout=0.5)
    with pytest.raises(CosMockError) as e:
        server.start()
    assert "printed no ready line in 0.5 s" in str(e.value) and "starting" in str(e.value)
    assert server.proc is None


def test_fixture_start_failure_shows_the_server_stderr(pytester):
    pytester.path.joinpath("bad.json").write_text('{"accounts": [{"uin": "1"}]}')
    pytester.makepyfile("def test_needs_server(cos_mock):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--cos-mock-config", "bad.json")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*cos-mock exited with code 2*", "*--- its stderr ---*"])
    assert "accounts[0]" in result.stdout.str()  # the server names the JSON path


def test_admin_token_flag_is_used_for_reset():
    with CosMock(args=["--admin-token", "s3cret"]) as server:
        server.cos_client().create_bucket(Bucket=server.bucket_name("tok"))
        server.reset()
        assert server.state()["buckets"] == []
        assert server.admin("GET", "health")[0] == 200


def test_failing_test_shows_log_and_server_stops_at_session_end(pytester):
    pytester.makepyfile(
        textwrap.dedent(
            """
            def test_fails(cos_mock, tmp_path_factory):
                open("pid", "w").write(str(cos_mock.proc.pid))
                cos_mock.cos_client(retry=0).head_bucket(Bucket=cos_mock.bucket_name("missing"))
            """
        )
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*cos-mock stderr (tail)*", "*HEAD*missing-1250000000*404*"])
    pid = int(pytester.path.joinpath("pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_readme_pytest_example_runs(pytester):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    example = next(b for b in blocks if "def test_" in b)
    pytester.makepyfile(example)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=example.count("def test_"))
