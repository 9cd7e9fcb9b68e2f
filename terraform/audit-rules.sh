#!/usr/bin/env bash
# Mutation audit of the Terraform tests (terraform/README.md, "Checks"): does every rule have a run that
# fails without it?
#
# For each module and example with tests/*.tftest.hcl, and each `validation` block in its .tf files
# (and each `precondition` and `postcondition` block), the rule is deleted from a copy of the tree and
# `terraform test` runs there. A rule is `caught` when at least one run fails without it, `MISSED` when
# every run still passes: then no run shows that rule failing, only some other rule or nothing at all.
# Test files are tried one at a time, those naming the rule's variable or resource in expect_failures
# first, and the audit moves on at the first failing run, so a caught rule usually costs one file.
#
#   terraform/audit-rules.sh                          every module and example
#   terraform/audit-rules.sh --only relay             modules/relay (also: customer, or a directory
#                                                     under terraform/ such as examples/customer)
#   terraform/audit-rules.sh --only relay -filter=tests/validation.tftest.hcl
#                                                     only that test file (repeatable)
#   terraform/audit-rules.sh --rev HEAD               audit a commit instead of the work tree
#   terraform/audit-rules.sh --list                   list the rules, run nothing
#
# Prints `caught <file>:<line> <variable or resource> (<run that failed>)` or `MISSED <file>:<line>
# <variable or resource>` per rule, then `audit: N caught, M missed` (and `, E errors` when a test
# could not run at all). Exits non-zero if anything was missed or errored. A caught line ending in
# `failed with: <error>` means no run missed its expected failure: the deletion was caught by something
# else (another rule the input also breaks, an assertion), so that rule's run is not isolated.
#
# Offline, as check.sh: hashicorp/aws from the filesystem mirror TF_PROVIDER_MIRROR (default
# /opt/tf-plugins) through a generated CLI configuration, never a download. Everything happens in a
# temporary copy of terraform/; the work tree is not touched. Slow: one `terraform test` per rule.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mirror="${TF_PROVIDER_MIRROR:-/opt/tf-plugins}"

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

only=()
filters=()
rev=""
list_only=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) only+=("${2:?--only needs a directory}"); shift 2 ;;
    --only=*) only+=("${1#--only=}"); shift ;;
    -filter=* | --filter=*) filters+=("${1#*=}"); shift ;;
    -filter | --filter) filters+=("${2:?-filter needs a test file}"); shift 2 ;;
    --rev) rev="${2:?--rev needs a commit}"; shift 2 ;;
    --rev=*) rev="${1#--rev=}"; shift ;;
    --list) list_only=true; shift ;;
    -h | --help) usage ;;
    *) echo "audit-rules.sh: unknown argument $1" >&2; usage ;;
  esac
done

if ! $list_only; then
  if ! command -v terraform >/dev/null 2>&1; then
    echo "audit-rules.sh: terraform is not on PATH (Terraform >= 1.9 is needed)" >&2
    exit 1
  fi
  if [[ ! -d "$mirror/registry.terraform.io/hashicorp/aws" ]]; then
    echo "audit-rules.sh: no hashicorp/aws provider under $mirror (set TF_PROVIDER_MIRROR)" >&2
    exit 1
  fi
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/tf-audit.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The tree under audit: the work tree as it is (uncommitted edits included), or a commit.
tree="$work/tree"
mkdir -p "$tree"
if [[ -n "$rev" ]]; then
  top="$(git -C "$here" rev-parse --show-toplevel)"
  prefix="$(git -C "$here" rev-parse --show-prefix)"
  mkdir -p "$work/archive"
  git -C "$top" archive "$rev" -- "${prefix%/}" | tar -x -C "$work/archive"
  cp -a "$work/archive/${prefix%/}/." "$tree/"
else
  tar -C "$here" --exclude=.terraform --exclude='*.tfstate' --exclude='*.tfstate.*' \
    --exclude=.terraform.lock.hcl -cf - . | tar -C "$tree" -xf -
fi

# Finds the rule blocks of a directory's .tf files and deletes one of them. A small HCL scanner: it
# follows strings, ${...} and %{...} templates (with strings nested in them), heredocs and comments,
# so braces in error messages do not count. `precondition = {` (an attribute, as in an SSM document's
# JSON) is not a block.
cat >"$work/rules.py" <<'PY'
import re, sys

RULES = ("validation", "precondition", "postcondition")

def scan(text):
    """Yields (kind, offset) for '{' and '}' outside strings, templates, heredocs and comments."""
    i, n = 0, len(text)
    stack = ["code"]      # code | string | interp; interp entries carry their own brace depth
    depth = [0]
    while i < n:
        c = text[i]
        top = stack[-1]
        if top == "string":
            if c == "\\":
                i += 2
                continue
            if c == '"':
                stack.pop(); depth.pop()
            elif text.startswith("$${", i) or text.startswith("%%{", i):
                i += 3
                continue
            elif text.startswith("${", i) or text.startswith("%{", i):
                stack.append("interp"); depth.append(0)
                i += 2
                continue
            i += 1
            continue
        # code or interp
        if c == '"':
            stack.append("string"); depth.append(0)
        elif c == "#" or text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        elif text.startswith("<<", i):
            m = re.match(r"<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n", text[i:])
            if m:
                end = re.compile(r"^[ \t]*" + re.escape(m.group(1)) + r"[ \t]*$", re.M)
                e = end.search(text, i + m.end())
                i = n if e is None else e.end()
                continue
        elif c == "{":
            if top == "interp":
                depth[-1] += 1
            else:
                yield "{", i
        elif c == "}":
            if top == "interp":
                if depth[-1] == 0:
                    stack.pop(); depth.pop()
                else:
                    depth[-1] -= 1
            else:
                yield "}", i
        i += 1

HEADER = re.compile(r'([A-Za-z_][A-Za-z0-9_-]*)((?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][A-Za-z0-9_-]*))*)[ \t]*$')

def blocks(text):
    """Yields (keyword, labels, start, end, parents) of every block; start/end are offsets of the
    keyword and of the closing brace."""
    stack = []
    for kind, pos in scan(text):
        if kind == "{":
            line_start = text.rfind("\n", 0, pos) + 1
            head = text[line_start:pos]
            m = HEADER.fullmatch(head.strip()) if head.strip() else None
            if m and "=" not in head:
                labels = re.findall(r'"([^"\n]*)"|([A-Za-z_][A-Za-z0-9_-]*)', m.group(2))
                labels = [a or b for a, b in labels]
                stack.append((m.group(1), labels, line_start + len(head) - len(head.lstrip())))
            else:
                stack.append(None)
        else:
            entry = stack.pop() if stack else None
            if entry:
                yield entry[0], entry[1], entry[2], pos, [s for s in stack if s]

def owner(parents):
    for keyword, labels, _ in reversed(parents):
        if keyword == "variable":
            return "var." + labels[0]
        if keyword == "resource":
            return ".".join(labels)
        if keyword == "data":
            return "data." + ".".join(labels)
        if keyword == "output":
            return "output." + labels[0]
        if keyword == "check":
            return "check." + labels[0]
    return "?"

def rules(path):
    text = open(path, encoding="utf-8").read()
    found = []
    for keyword, labels, start, end, parents in blocks(text):
        if keyword in RULES and not labels:
            line = text.count("\n", 0, start) + 1
            found.append((line, keyword, owner(parents), start, end))
    return sorted(found)

def focus(path, own, out):
    """Writes to out the test file at path with only the runs whose expect_failures name own, and every
    run that applies (later plans start from the state those leave). A failing run there fails in the
    whole file too. Returns False when no run names own or a kept run reads another run's outputs."""
    text = open(path, encoding="utf-8").read()
    named = re.compile(r"expect_failures\s*=\s*\[[^\]]*(?<![\w.])" + re.escape(own) + r"(?![\w.\[])")
    parts, wanted = [], False
    for keyword, labels, start, end, parents in blocks(text):
        if parents:
            continue
        body = text[start:end + 1]
        if keyword == "run":
            plans = re.search(r"^\s*command\s*=\s*plan\b", body, re.M)
            if named.search(body):
                wanted = True
            elif plans:
                continue
            if re.search(r"\brun\.[A-Za-z_]", body):
                return False
        parts.append((start, body))
    if not wanted:
        return False
    open(out, "w", encoding="utf-8").write("\n\n".join(b for _, b in sorted(parts)) + "\n")
    return True

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "focus":                  # focus TESTFILE OWNER OUT: exit 1 when there is nothing to focus on
        sys.exit(0 if focus(sys.argv[2], sys.argv[3], sys.argv[4]) else 1)
    elif cmd == "list":                   # list FILE...: file<TAB>line<TAB>kind<TAB>owner<TAB>start<TAB>end
        for path in sys.argv[2:]:
            for line, keyword, own, start, end in rules(path):
                print(f"{path}\t{line}\t{keyword}\t{own}\t{start}\t{end}")
    elif cmd == "delete":               # delete FILE START END: cut the block, keep the file's other bytes
        path, start, end = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        text = open(path, encoding="utf-8").read()
        assert text[start:].startswith(RULES) and text[end] == "}", "not a rule block"
        open(path, "w", encoding="utf-8").write(text[:start] + text[end + 1:])
    else:
        sys.exit("rules.py: list | delete")
PY

# The directories: every module and example with tests, or those named by --only.
dirs=()
if [[ ${#only[@]} -eq 0 ]]; then
  for d in "$tree"/modules/*/ "$tree"/examples/*/; do
    d="${d%/}"
    compgen -G "$d/tests/*.tftest.hcl" >/dev/null && dirs+=("${d#"$tree"/}")
  done
else
  for o in "${only[@]}"; do
    o="${o%/}"
    o="${o#terraform/}"
    if [[ -d "$tree/modules/$o" ]]; then
      dirs+=("modules/$o")
    elif [[ -d "$tree/$o" ]]; then
      dirs+=("$o")
    else
      echo "audit-rules.sh: no directory $o (try relay, customer, examples/customer)" >&2
      exit 2
    fi
  done
fi

if $list_only; then
  for d in "${dirs[@]}"; do
    (cd "$tree" && python3 "$work/rules.py" list "$d"/*.tf) | awk -F'\t' '{ printf "%s:%s %s %s\n", $1, $2, $3, $4 }'
  done
  exit 0
fi

# The CLI configuration of check.sh: hashicorp/aws from the filesystem mirror and nothing else.
cat >"$work/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
EOF
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1 TF_INPUT=0
export CHECKPOINT_DISABLE=1
unset TF_PLUGIN_CACHE_DIR TF_WORKSPACE

version="$(terraform version)"
echo "== ${version%%$'\n'*}; provider mirror $mirror; auditing ${rev:-the work tree}"

caught=0
missed=0
errors=0
started=$SECONDS
missed_lines=()

# Runs the given test files of $dir one at a time; stops at the first that fails.
# Sets $result to pass, fail or error and $failed_runs to the runs that failed.
run_tests() {
  local dir="$1"; shift
  local file log="$work/test.log" summary f
  result=pass
  failed_runs=""
  for file in "$@"; do
    set +e
    terraform -chdir="$tree/$dir" test -no-color -filter="$file" >"$log" 2>&1
    local status=$?
    set -e
    summary="$(grep -E '^(Success|Failure)! [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)"
    if [[ -z "$summary" ]]; then
      result=error
      failed_runs="$file: $(grep -m 1 -E '^(│ )?Error: ' "$log" | sed 's/^│ //' || echo "exit $status, no summary")"
      return
    fi
    f="$(sed -E 's/^[A-Za-z]+! [0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$summary")"
    if [[ "$f" -gt 0 || "$status" -ne 0 ]]; then
      result=fail
      failed_runs="$(grep -oE '^ *run "[^"]+"\.\.\. fail' "$log" | sed -E 's/^ *run "([^"]+)".*/\1/' | paste -sd, - || true)"
      [[ -n "$failed_runs" ]] || failed_runs="$file: exit $status"
      # A run that misses its expected failure shows the rule itself. Anything else (another rule that
      # now fires, an assertion) still catches the deletion, but says which error did it.
      if ! grep -q '^Error: Missing expected failure' "$log"; then
        failed_runs="$failed_runs; failed with: $(grep -m 1 '^Error: ' "$log" | sed 's/^Error: //' || echo "exit $status")"
      fi
      return
    fi
  done
}

for dir in "${dirs[@]}"; do
  export TF_DATA_DIR="$work/data/${dir//\//_}"
  if ! terraform -chdir="$tree/$dir" init -backend=false -input=false -no-color >"$work/init.log" 2>&1; then
    cat "$work/init.log"
    echo "ERROR $dir: init failed"
    errors=$((errors + 1))
    continue
  fi

  all_files=()
  if [[ ${#filters[@]} -gt 0 ]]; then
    all_files=("${filters[@]}")
  else
    for f in "$tree/$dir"/tests/*.tftest.hcl; do all_files+=("tests/${f##*/}"); done
  fi

  # Without any mutation every run must pass, or a failure would prove nothing.
  run_tests "$dir" "${all_files[@]}"
  if [[ "$result" != pass ]]; then
    echo "ERROR $dir: the tests fail before any rule is removed ($failed_runs); skipping its rules"
    errors=$((errors + 1))
    continue
  fi

  (cd "$tree" && python3 "$work/rules.py" list "$dir"/*.tf) >"$work/rules.tsv"
  echo "== $dir: $(wc -l <"$work/rules.tsv") rules, test files ${all_files[*]}"

  while IFS=$'\t' read -r file line keyword own start end; do
    # Files whose expect_failures name this rule's owner first.
    files=()
    for f in "${all_files[@]}"; do
      grep -qE "expect_failures *= *\[[^]]*${own//./\\.}([],[:space:]]|$)" "$tree/$dir/$f" && files+=("$f")
    done
    named=${#files[@]}
    for f in "${all_files[@]}"; do
      [[ " ${files[*]-} " == *" $f "* ]] || files+=("$f")
    done

    cp "$tree/$file" "$work/original.tf"
    python3 "$work/rules.py" delete "$tree/$file" "$start" "$end"
    # Fast path: in each file that names it, just the runs that expect this rule's failure (with the
    # applies before them). Only when none of those fails do all the runs of every file run.
    result=pass
    focus="tests/zz-audit-focus.tftest.hcl"
    for f in "${files[@]:0:named}"; do
      if python3 "$work/rules.py" focus "$tree/$dir/$f" "$own" "$tree/$dir/$focus"; then
        run_tests "$dir" "$focus"
        rm -f "$tree/$dir/$focus"
        [[ "$result" == fail ]] && break
      fi
    done
    [[ "$result" == fail ]] || run_tests "$dir" "${files[@]}"
    cp "$work/original.tf" "$tree/$file"

    case "$result" in
      fail)
        echo "caught $file:$line $own ($failed_runs)"
        caught=$((caught + 1)) ;;
      pass)
        echo "MISSED $file:$line $own ($keyword: every run passes without it)"
        missed_lines+=("$file:$line $own")
        missed=$((missed + 1)) ;;
      *)
        echo "ERROR $file:$line $own ($failed_runs)"
        errors=$((errors + 1)) ;;
    esac
  done <"$work/rules.tsv"
done

elapsed=$((SECONDS - started))
echo "== took $((elapsed / 60)) min $((elapsed % 60)) s"
if [[ "$errors" -gt 0 ]]; then
  echo "audit: $caught caught, $missed missed, $errors errors"
else
  echo "audit: $caught caught, $missed missed"
fi
[[ "$missed" -eq 0 && "$errors" -eq 0 ]]
