#!/usr/bin/env bash
# The test of scripts/test.sh: runs it on plans of fake steps (COS_MOCK_TEST_PLAN) and checks the
# step table, the closing line `tests: N passed, M failed` and the exit status. The fake steps print
# canned cargo, pytest and node outputs, fail, crash, get skipped or interrupted; when .venv and node
# are here, real pytest and `node --test` runs (passing, failing and erroring tests) are counted too.
# Prints one line per check and `test-sh: N passed, M failed`; exits 1 when a check failed. About
# 3 s; scripts/test.sh runs it after the SDK suites (their installs give it real pytest and node runs).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cos-mock-test-sh.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

passes=0 failures=0 OUT="" RC=0
check() {
    local what=$1
    shift
    if "$@"; then
        passes=$((passes + 1))
        echo "ok    $what"
    else
        failures=$((failures + 1))
        echo "FAIL  $what"
        printf '%s\n' "--- scripts/test.sh said (exit $RC):" "$OUT" "---"
    fi
}
# run_plan FILE [VAR=VALUE...]: scripts/test.sh on the steps of FILE; sets OUT and RC.
run_plan() {
    OUT="$(env TMPDIR="$WORK" "${@:2}" COS_MOCK_TEST_PLAN="$1" bash scripts/test.sh 2>&1)"
    RC=$?
}
last_line_is() { [[ "$(tail -n 1 <<<"$OUT")" == "$1" ]]; }
# row_is STEP RESULT PASSED FAILED: the table row of STEP (the time column not compared).
row_is() {
    grep -qE "^$1 +$2 +$3 +$4 +[0-9m.]+s$" <<<"$OUT"
}
exit_is() { [[ $RC == "$1" ]]; }
exit_not_zero() { [[ $RC != 0 ]]; }

canned() { printf '%b' "$2" >"$WORK/$1.txt"; }
canned cargo 'running 2 tests\ntest a ... ok\n\ntest result: ok. 10 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\ntest b ... FAILED\ntest result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.20s\n'
canned pytest-q '..F.E\nFAILED tests/python/test_x.py::test_y - AssertionError\n2 failed, 40 passed, 1 skipped, 3 errors in 12.34s\n'
canned pytest-rule '============ 5 passed, 1 warning in 61.00s (0:01:01) ============\n'
canned pytest-collect '!!!!!!!! Interrupted: 1 error during collection !!!!!!!!\n1 error in 0.12s\n'
canned node-spec '\e[32m✔ a (1.2ms)\e[39m\n\e[34mℹ tests 8\e[39m\n\e[34mℹ suites 0\e[39m\n\e[34mℹ pass 6\e[39m\n\e[34mℹ fail 1\e[39m\n\e[34mℹ cancelled 1\e[39m\n\e[34mℹ skipped 0\e[39m\n'
canned node-tap 'TAP version 13\n    # Subtest: inner\n    # pass 99\nok 1 - a\n# tests 4\n# suites 0\n# pass 4\n# fail 0\n# cancelled 0\n'
canned own '3 passed in 0.50s\nwheel: 3 passed, 0 failed\n'
canned noise 'python: ============ 1 failed, 2 passed in 3.00s ============\nnode:   ℹ tests 5 ℹ pass 5 ℹ fail 0\n    test result: ok. 99 passed; 0 failed;\nsummary: 7 passed, 1 failed, 2 skipped\n'
canned crash 'test result: ok. 5 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\nerror: could not compile `cos-mock` (test "it")\n'

cat >"$WORK/failing.plan" <<EOF
emit() { cat "$WORK/\$1.txt"; return "\$2"; }
step cargo           emit cargo 101
step pytest-q        emit pytest-q 1
step pytest-rule     emit pytest-rule 0
step pytest-collect  emit pytest-collect 2
step node-spec       emit node-spec 1
step node-tap        emit node-tap 0
step own             emit own 0
step noise           emit noise 0
step plain-fail      sh -c 'echo boom; exit 3'
step crash           emit crash 101
step skipped-step    emit cargo 101
step after-failures  sh -c 'sleep 0.3; touch "$WORK/ran-after-failures"'
EOF
run_plan "$WORK/failing.plan" COS_MOCK_SKIP_SKIPPED_STEP=1
check "failing plan: closing line counts every runner" last_line_is "tests: 78 passed, 11 failed"
check "failing plan: exit status not zero" exit_not_zero
check "cargo: test result lines summed, exit 101" row_is cargo "FAILED \(exit 101\)" 13 1
check "pytest -q: failed and errors are failures" row_is pytest-q "FAILED \(exit 1\)" 40 5
check "pytest between rules, long duration" row_is pytest-rule ok 5 0
check "pytest collection error" row_is pytest-collect "FAILED \(exit 2\)" 0 1
check "node spec (coloured): cancelled is a failure" row_is node-spec "FAILED \(exit 1\)" 6 2
check "node TAP: indented subtest counts ignored" row_is node-tap ok 4 0
check "a step's own summary line is not added to its runners'" row_is own ok 3 0
check "prefixed or indented summaries are not counted" row_is noise ok 1 0
check "a step with nothing to count fails as one" row_is plain-fail "FAILED \(exit 3\)" 0 1
check "a runner that crashed after passes gets one failure" row_is crash "FAILED \(exit 101\)" 5 1
check "COS_MOCK_SKIP_<NAME>=1 skips a step" grep -qE '^skipped-step +skipped +- +- +-$' <<<"$OUT"
check "steps after failing ones still run" test -e "$WORK/ran-after-failures"
check "each step is timed" grep -qE '^after-failures +ok +1 +0 +0\.[3-9]s$|^after-failures +ok +1 +0 +[1-9][0-9.]*s$' <<<"$OUT"
check "the step logs of a failing run are kept" test -n "$(ls "$WORK"/cos-mock-test.*/*-cargo.log 2>/dev/null)"
check "... and named before the closing line" grep -qE "^step logs kept in $WORK/cos-mock-test\.[A-Za-z0-9]+$" <<<"$OUT"

cat >"$WORK/passing.plan" <<EOF
emit() { cat "$WORK/\$1.txt"; return "\$2"; }
step pytest-rule emit pytest-rule 0
step node-tap    emit node-tap 0
step noise       emit noise 0
EOF
rm -rf "$WORK"/cos-mock-test.*
run_plan "$WORK/passing.plan"
check "passing plan: closing line" last_line_is "tests: 10 passed, 0 failed"
check "passing plan: exit status 0" exit_is 0
check "passing plan: no logs left behind" test -z "$(ls -d "$WORK"/cos-mock-test.* 2>/dev/null)"
run_plan "$WORK/passing.plan" COS_MOCK_SKIP_NOISE=1 COS_MOCK_SKIP_NODE_TAP=1 COS_MOCK_SKIP_PYTEST_RULE=1
check "all steps skipped: nothing counted" last_line_is "tests: 0 passed, 0 failed"

# "$$" in a plan is test.sh's own pid (test.sh sources the plan): the step sends it a TERM.
cat >"$WORK/interrupted.plan" <<'EOF'
step first  true
step killed bash -c 'kill -TERM "$1"; echo partial output' _ "$$"
EOF
echo "step never touch \"$WORK/ran-after-interrupt\"" >>"$WORK/interrupted.plan"
run_plan "$WORK/interrupted.plan"
check "interrupted: closing line still printed" last_line_is "tests: 1 passed, 1 failed"
check "interrupted: exit status not zero" exit_not_zero
check "interrupted: the step cut short is a failure" grep -qE '^killed +interrupted +0 +1 +-$' <<<"$OUT"
check "interrupted: no step runs after it" test ! -e "$WORK/ran-after-interrupt"

# The real runners, so a change in their summary format shows here.
if [[ -x .venv/bin/python ]] && .venv/bin/python -c 'import pytest' 2>/dev/null; then
    cat >"$WORK/test_fake.py" <<'EOF'
import pytest


@pytest.fixture
def broken():
    raise RuntimeError("fixture error")


def test_pass_one():
    pass


def test_pass_two():
    pass


def test_fails():
    assert 1 == 2


def test_errors(broken):
    pass


@pytest.mark.skip(reason="skipped")
def test_skipped():
    pass
EOF
    {
        echo "step pytest-real .venv/bin/python -m pytest -q -p no:cacheprovider --rootdir \"$WORK\" \"$WORK/test_fake.py\""
        echo "step pytest-verbose .venv/bin/python -m pytest -p no:cacheprovider --rootdir \"$WORK\" \"$WORK/test_fake.py\""
    } >"$WORK/pytest.plan"
    run_plan "$WORK/pytest.plan"
    check "real pytest -q: 2 passed, 1 failed + 1 error" row_is pytest-real "FAILED \(exit 1\)" 2 2
    check "real pytest (verbose): the same" row_is pytest-verbose "FAILED \(exit 1\)" 2 2
    check "real pytest: closing line" last_line_is "tests: 4 passed, 4 failed"
else
    echo "skip  real pytest (no .venv with pytest; scripts/setup-test-deps.sh makes it)"
fi
if command -v node >/dev/null; then
    cat >"$WORK/fake.test.js" <<'EOF'
const test = require('node:test');
const assert = require('node:assert/strict');
test('passes', () => {});
test('passes too', async () => {});
test('fails', () => assert.equal(1, 2));
test.skip('skipped', () => {});
EOF
    {
        echo "step node-spec node --test --test-reporter=spec \"$WORK/fake.test.js\""
        echo "step node-tap node --test --test-reporter=tap \"$WORK/fake.test.js\""
        echo "step node-default node --test \"$WORK/fake.test.js\""
    } >"$WORK/node.plan"
    run_plan "$WORK/node.plan"
    check "real node --test (spec): 2 passed, 1 failed" row_is node-spec "FAILED \(exit 1\)" 2 1
    check "real node --test (tap): 2 passed, 1 failed" row_is node-tap "FAILED \(exit 1\)" 2 1
    check "real node --test (default reporter, piped)" row_is node-default "FAILED \(exit 1\)" 2 1
else
    echo "skip  real node --test (no node)"
fi

echo "test-sh: $passes passed, $failures failed"
[[ $failures == 0 ]]
