#!/usr/bin/env bash
# Offline checks of the AWS side (terraform/README.md, "Checks"):
#   terraform fmt -check -recursive            over terraform/
#   terraform init -backend=false -input=false in every module and example, from the local provider
#                                              mirror only (never a download)
#   terraform validate                         in each of them
#   terraform test                             in each that has tests/*.tftest.hcl (mocked AWS provider)
# Closes with one line, `terraform: N passed, M failed`: N counts test runs that passed, M counts test
# runs that failed plus any fmt, init or validate step that failed. Exits non-zero on any failure.
#
# Environment: TF_PROVIDER_MIRROR (default /opt/tf-plugins) holds
#   registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/terraform-provider-aws_*
# Needs Terraform >= 1.9 on PATH. No AWS account, credentials or network.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mirror="${TF_PROVIDER_MIRROR:-/opt/tf-plugins}"

if ! command -v terraform >/dev/null 2>&1; then
  echo "check.sh: terraform is not on PATH (Terraform >= 1.9 is needed)" >&2
  echo "terraform: 0 passed, 1 failed"
  exit 1
fi
if [[ ! -d "$mirror/registry.terraform.io/hashicorp/aws" ]]; then
  echo "check.sh: no hashicorp/aws provider under $mirror (set TF_PROVIDER_MIRROR)" >&2
  echo "terraform: 0 passed, 1 failed"
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/tf-check.XXXXXX")"
created_locks=()
cleanup() {
  # Leave the work tree as it was: drop the lock files this run created (see terraform/.gitignore).
  local lock
  for lock in "${created_locks[@]+"${created_locks[@]}"}"; do rm -f "$lock"; done
  rm -rf "$work"
}
trap cleanup EXIT

# The CLI configuration: hashicorp/aws from the filesystem mirror and nothing else. There is no
# `direct` method at all, so any other provider (or a version the mirror lacks) fails `init` rather
# than being downloaded.
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
export CHECKPOINT_DISABLE=1          # no version check against HashiCorp's servers
unset TF_PLUGIN_CACHE_DIR TF_WORKSPACE

version="$(terraform version)"     # not piped into head: with pipefail, SIGPIPE would end the script
echo "== ${version%%$'\n'*}; provider mirror $mirror"

passed=0
failed=0

# fmt over the whole tree.
echo "== terraform fmt -check -recursive"
if terraform -chdir="$here" fmt -check -recursive -diff; then
  echo "   formatted"
else
  echo "   FAILED: run 'terraform fmt -recursive terraform/'"
  failed=$((failed + 1))
fi

# Every root: the modules, then the examples.
roots=()
for dir in "$here"/modules/*/ "$here"/examples/*/; do
  [[ -f "$dir/versions.tf" || -f "$dir/main.tf" ]] && roots+=("${dir%/}")
done

for root in "${roots[@]}"; do
  name="${root#"$here"/}"
  # A data directory of its own per root, outside the work tree: no stale .terraform is ever reused.
  export TF_DATA_DIR="$work/data/${name//\//_}"
  [[ -f "$root/.terraform.lock.hcl" ]] || created_locks+=("$root/.terraform.lock.hcl")

  echo "== $name: init"
  if ! terraform -chdir="$root" init -backend=false -input=false -no-color >"$work/init.log" 2>&1; then
    cat "$work/init.log"
    echo "   FAILED: init"
    failed=$((failed + 1))
    continue
  fi

  echo "== $name: validate"
  if ! terraform -chdir="$root" validate -no-color; then
    echo "   FAILED: validate"
    failed=$((failed + 1))
    continue
  fi

  if compgen -G "$root/tests/*.tftest.hcl" >/dev/null; then
    echo "== $name: test"
    set +e
    terraform -chdir="$root" test -no-color 2>&1 | tee "$work/test.log"
    status=${PIPESTATUS[0]}
    set -e
    # Terraform's summary: "Success! 16 passed, 0 failed." / "Failure! 3 passed, 1 failed, 2 skipped."
    summary="$(grep -E '^(Success|Failure)! [0-9]+ passed, [0-9]+ failed' "$work/test.log" | tail -n 1 || true)"
    if [[ -n "$summary" ]]; then
      p="$(sed -E 's/^[A-Za-z]+! ([0-9]+) passed.*/\1/' <<<"$summary")"
      f="$(sed -E 's/^[A-Za-z]+! [0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$summary")"
      passed=$((passed + p))
      failed=$((failed + f))
      if [[ "$status" -ne 0 && "$f" -eq 0 ]]; then
        echo "   FAILED: terraform test exited $status"
        failed=$((failed + 1))
      fi
    else
      echo "   FAILED: terraform test printed no summary (exit $status)"
      failed=$((failed + 1))
    fi
  fi
done

echo "terraform: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
