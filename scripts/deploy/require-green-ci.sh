#!/usr/bin/env bash
# Refuses to go on unless the CI workflow passed for this exact commit on a push (GitHub CLI, with
# GH_TOKEN): a production deploy from a tag or a manual run ships only a commit CI has passed.
#   scripts/deploy/require-green-ci.sh <sha>
set -euo pipefail
sha=${1:?usage: scripts/deploy/require-green-ci.sh <sha>}
green=$(gh run list --workflow ci.yml --commit "$sha" --event push --status success --json databaseId --jq length)
if [ "${green:-0}" -lt 1 ]; then
  echo "CI has not passed for $sha (push to main): refusing to deploy it. Let CI finish green, or pick a commit it passed." >&2
  exit 1
fi
echo "CI passed for $sha."
