#!/usr/bin/env bash
# The project's test command (README): formatting, lints, Rust unit and integration tests, fuzz and
# benchmark smoke, the real SDK suites (python, node, coscmd, the README's snippets), and the
# container image check. Installs what it needs.
#
#   scripts/test.sh                  # every step
#   scripts/test.sh fmt clippy       # only the steps named
#   scripts/test.sh --list           # the step names
#
# Every step runs, also after one failed. Each step's output is shown as it runs and its passes and
# failures are counted (see count_log). The run ends with a table of the steps (result, counts,
# duration) and the closing line `tests: N passed, M failed`; the exit status is 1 when any step
# failed. A step is one line below: `step NAME COMMAND...`; COS_MOCK_SKIP_<NAME>=1 skips it (NAME
# upper-cased, `-` as `_`: COS_MOCK_SKIP_IMAGE=1, COS_MOCK_SKIP_FUZZ=1).
#
# COS_MOCK_TEST_PLAN=FILE runs the `step` lines of FILE instead of the project's (the test of this
# script, scripts/test-test-sh.sh, runs fake steps through it that way).
set -uo pipefail
cd "$(dirname "$0")/.."

plan() {
    step fmt        cargo fmt --all -- --check
    step clippy     cargo clippy --all-targets -- -D warnings
    step cargo-test cargo test --no-fail-fast
    # The examples' own tests (the soak client's body and listing checks).
    step examples   cargo test --no-fail-fast --examples
    # Every fuzz target for 2 s, its corpus (with the regression inputs) replayed first; the dev
    # build `cargo test` just made, so no release build is needed here.
    step fuzz       scripts/fuzz.sh --debug --seconds 2
    # cos-mock alone, debug build, a few seconds; figures not judged.
    step bench      scripts/bench.sh --smoke
    # python (cos-python-sdk-v5, coscmd, oss2, the README's snippets) and node suites.
    step sdk        scripts/test-sdk.sh
    # The test of this script; after the SDK suites, whose installs give it real pytest and node
    # runs to count (on a fresh machine, before them, it would skip those).
    step test-sh    bash scripts/test-test-sh.sh
    # The wheel built and installed into a fresh venv; a pytest suite using only its fixture.
    step wheel      scripts/test-wheel.sh
    # The recipes in examples/ run as they configure cos-mock; broken copies of them refused.
    step recipes    scripts/test-recipes.sh
    step recipes-self scripts/test-recipes.sh --self-test
    step workflows  scripts/lint-workflows.sh
    step image      scripts/image-check.sh
}

# How a step's output is counted, line by line (ANSI colours removed first):
#   cargo   `test result: ok. 12 passed; 1 failed; ...`                  (one per test binary)
#   pytest  `2 failed, 40 passed, 1 skipped, 3 errors in 1.23s`, also between `=` rules;
#           failed and errors are failures
#   node    `ℹ pass 6` / `ℹ fail 1` / `ℹ cancelled 0` (spec reporter), `# pass 6` ... (TAP);
#           cancelled tests are failures
#   own     `NAME: N passed, M failed` (e.g. `test-sh: 14 passed, 0 failed`): a step that prints
#           such a line is counted by it alone (its runners' lines are then not added again)
# A step with nothing countable is one pass or one failure. A step that exits non-zero with no
# failure counted gets one failure (a runner that crashed, a build that broke after some tests).
count_log() {
    sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$1" | awk '
        function add(n, what) {
            if (what ~ /^passed$/) rp += n
            else if (what ~ /^(failed|errors?)$/) rf += n
        }
        /^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed$/ {
            own = 1; op += $2; of += $4; next
        }
        /^test result: [A-Za-z]+\. [0-9]+ passed; [0-9]+ failed;/ {
            found = 1; rp += $4; rf += $6; next
        }
        /^(=+ )?[0-9]+ [a-z]+(, [0-9]+ [a-z]+)* in [0-9.]+s( \([0-9:]+\))?( =+)?$/ {
            found = 1
            line = $0
            sub(/^=+ /, "", line); sub(/ in [0-9.]+s.*$/, "", line)
            n = split(line, parts, ", ")
            for (i = 1; i <= n; i++) { split(parts[i], w, " "); add(w[1] + 0, w[2]) }
            next
        }
        /^(ℹ|#) (pass|fail|cancelled) [0-9]+$/ {
            found = 1
            if ($2 == "pass") rp += $3; else rf += $3
            next
        }
        END {
            if (own) print op + 0, of + 0, 1
            else print rp + 0, rf + 0, found + 0
        }'
}

LOGDIR="$(mktemp -d "${TMPDIR:-/tmp}/cos-mock-test.XXXXXX")"
NAMES=() RESULTS=() PASSED=() FAILED=() SECONDS_TAKEN=()
ONLY=("$@")
START=$EPOCHREALTIME

step() {
    local name=$1
    shift
    if [[ ${#ONLY[@]} -gt 0 && " ${ONLY[*]} " != *" $name "* ]]; then
        return 0
    fi
    local skip_var="COS_MOCK_SKIP_${name^^}"
    skip_var=${skip_var//-/_}
    NAMES+=("$name")
    if [[ "${!skip_var:-0}" == 1 ]]; then
        printf '\n==> %s: skipped (%s=1)\n' "$name" "$skip_var"
        RESULTS+=(skipped) PASSED+=(-) FAILED+=(-) SECONDS_TAKEN+=(-)
        return 0
    fi
    local log rc t0 passed failed found result
    log="$LOGDIR/$(printf '%02d' "${#NAMES[@]}")-$name.log"
    printf '\n==> %s: %s\n' "$name" "$*"
    t0=$EPOCHREALTIME
    "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    SECONDS_TAKEN+=("$(elapsed "$t0")")
    read -r passed failed found < <(count_log "$log")
    if [[ $found == 0 ]]; then
        if [[ $rc == 0 ]]; then passed=1 failed=0; else passed=0 failed=1; fi
    elif [[ $rc != 0 && $failed == 0 ]]; then
        failed=1
    fi
    result=ok
    [[ $failed == 0 ]] || result="FAILED (exit $rc)"
    RESULTS+=("$result") PASSED+=("$passed") FAILED+=("$failed")
    return 0
}

# Seconds since $1 (an $EPOCHREALTIME), one decimal.
elapsed() {
    awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

human() {
    [[ $1 == - ]] && { echo -; return; }
    awk -v s="$1" 'BEGIN { if (s < 60) printf "%.1fs", s; else printf "%dm%04.1fs", int(s / 60), s - 60 * int(s / 60) }'
}

finish() {
    local i total_p=0 total_f=0 status=0
    printf '\n==> summary\n'
    printf '%-14s %-22s %8s %8s %10s\n' step result passed failed time
    # A step cut short by an interrupt has no result yet: it counts as one failure.
    for i in "${!NAMES[@]}"; do
        if [[ -z ${RESULTS[$i]+set} ]]; then
            RESULTS[i]=interrupted PASSED[i]=0 FAILED[i]=1 SECONDS_TAKEN[i]=-
        fi
        printf '%-14s %-22s %8s %8s %10s\n' "${NAMES[$i]}" "${RESULTS[$i]}" "${PASSED[$i]}" "${FAILED[$i]}" \
            "$(human "${SECONDS_TAKEN[$i]}")"
        [[ ${PASSED[$i]} == - ]] || total_p=$((total_p + PASSED[i]))
        [[ ${FAILED[$i]} == - ]] || total_f=$((total_f + FAILED[i]))
    done
    printf '%-14s %-22s %8s %8s %10s\n' total "${1:-}" "$total_p" "$total_f" "$(human "$(elapsed "$START")")"
    if [[ $total_f == 0 && -z ${1:-} ]]; then
        rm -rf "$LOGDIR"
    else
        echo "step logs kept in $LOGDIR"
        status=1
    fi
    echo "tests: $total_p passed, $total_f failed"
    exit $status
}

if [[ ${1:-} == --list ]]; then
    step() { echo "$1"; }
    plan
    rm -rf "$LOGDIR"
    exit 0
fi

# Ctrl-C or a TERM ends the run at once, still with the table and the closing line.
trap 'finish interrupted' INT TERM

if [[ -n ${COS_MOCK_TEST_PLAN:-} ]]; then
    # shellcheck source=/dev/null
    source "$COS_MOCK_TEST_PLAN"
else
    plan
fi
finish
