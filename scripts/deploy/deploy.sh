#!/usr/bin/env bash
# Deploys one environment, in order: database migrations, secrets, the Worker, a smoke check of the
# deployed URL, and a rollback to the previous version when the smoke check fails.
#   scripts/deploy/deploy.sh staging|production
# The deploy workflow (.github/workflows/deploy.yml) calls it; so can a person or the ops CLI.
# Environment: CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID; DATABASE_URL_UNPOOLED (Neon's direct URL,
# for migrations); the secrets of scripts/deploy/secrets.ts; DEPLOY_URL (the environment's public
# URL); GIT_SHA (default: HEAD).
set -euo pipefail
cd "$(dirname "$0")/../.."

target=${1:-}
case "$target" in
  staging) env_args=(--env staging) ;;
  production) env_args=() ;;
  *) echo "usage: scripts/deploy/deploy.sh staging|production" >&2; exit 2 ;;
esac
: "${DEPLOY_URL:?DEPLOY_URL (the $target URL to smoke-check) is not set}"
: "${DATABASE_URL_UNPOOLED:?DATABASE_URL_UNPOOLED (Neon direct URL for migrations) is not set}"
sha=${GIT_SHA:-$(git rev-parse HEAD)}
node_() { npx --no-install node "$@"; } # the node@22 devDependency (TypeScript scripts)

echo "== 1/5 migrations ($target)"
# Expand-only migrations (README): the version still serving keeps working on the new schema, and so
# does the previous one after a rollback.
DATABASE_URL="$DATABASE_URL_UNPOOLED" npx --no-install drizzle-kit migrate

echo "== 2/5 secrets ($target)"
secrets_file=$(mktemp)
trap 'rm -f "$secrets_file"' EXIT
node_ scripts/deploy/secrets.ts "$secrets_file"
npx --no-install wrangler secret bulk "$secrets_file" "${env_args[@]}"

echo "== 3/5 deploy ($target, $sha)"
npx --no-install wrangler deploy "${env_args[@]}" --var "GIT_SHA:$sha" --var "BUILD_TIME:$(date -u +%Y-%m-%dT%H:%M:%SZ)"

echo "== 4/5 smoke check ($DEPLOY_URL)"
if node_ scripts/deploy/smoke.ts "$DEPLOY_URL" "$sha"; then
  echo "== 5/5 $target is serving $sha"
  exit 0
fi
echo "== 5/5 smoke check failed: rolling $target back to the previous version" >&2
npx --no-install wrangler rollback "${env_args[@]}" --yes --message "smoke check failed for $sha"
exit 1
