#!/usr/bin/env bash
# Deployment checks, run by .ci/run after both test suites (PostgreSQL, Redis and RabbitMQ are up). Idempotent.
#  - promtool check rules on the alerting rules, promtool check metrics on a running instance's /metrics
#  - kubectl kustomize renders every overlay (test/e2e/ops-deploy validates the rendered fields)
#  - docker-compose config validates docker-compose.yml against the compose schema (no engine needed)
#  - the OpenAPI document: Redocly lint, test/client/schema.d.ts regenerated and compared, the flows compiled
#  - src/queries/*.sql regenerated from the repositories and compared (no database needed)
#  - the Dockerfile: hadolint is not packaged by npm or Debian; test/e2e/ops-deploy lints its structure instead
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n---- %s ----\n' "$*"; }

apt_updated=""
need() { # command package
  command -v "$1" >/dev/null && return 0
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}
need promtool prometheus
need docker-compose docker-compose

step "OpenAPI: Redocly lint (recommended rules, redocly.yaml), the generated client, its flows under tsc --strict"
npm run --silent openapi:lint
# test/client/schema.d.ts is generated from the document: a change to a route that was not regenerated fails here.
npm run --silent client:generate -- --check
node_modules/.bin/tsc -p test/client/tsconfig.json
# The flows use the generated types as they are: no type assertion anywhere in them.
if grep -nE '\bas ([A-Z{([]|(string|number|boolean|any|unknown|never|object)\b)|<[A-Z][A-Za-z]*>[a-z(]|!\.' test/client/flows.ts; then
  echo "test/client/flows.ts casts: the flows must compile against the generated types as they are" >&2
  exit 1
fi
echo "the client flows compile with no casts"

step "SQL: src/queries, the statements every repository sends, regenerated and compared"
# A repository change whose statements were not regenerated (npm run sql:generate) fails here.
npm run --silent sql:generate -- --check

step "promtool check rules"
promtool check rules infra/monitoring/rules/*.yml

step "kustomize: render every overlay and its migration Job"
if command -v kubectl >/dev/null; then
  for dir in infra/base infra/overlays/*/ infra/overlays/*/migrate/; do
    kubectl kustomize "$dir" >/dev/null
    echo "rendered $dir"
  done
else
  echo "kubectl is not installed (it is not in Debian's archive); test/e2e/ops-deploy rendered the overlays itself"
fi

step "docker-compose config (compose schema)"
docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml is valid"

step "promtool check metrics against a running instance"
port=38917
db=table_order_ci_checks
data_dir=$(mktemp -d)
PGOPTIONS="--client-min-messages=warning" psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" >/dev/null
log="$data_dir/app.log"
NODE_ENV=test PORT=$port DATA_DIR="$data_dir" DEMO_SEED=true LOG_LEVEL=info \
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" REDIS_URL=redis://127.0.0.1:6379 \
  REDIS_KEY_PREFIX="ci-checks:" RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672 \
  node_modules/.bin/node -r ts-node/register/transpile-only src/main.ts >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$data_dir"
}
trap cleanup EXIT
for _ in $(seq 1 90); do
  grep -q "listening on" "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "the app exited during start-up" >&2; exit 1; }
  sleep 1
done
grep -q "listening on" "$log" || { tail -50 "$log"; echo "the app did not start" >&2; exit 1; }
node_modules/.bin/node -e '
  const base = `http://127.0.0.1:${process.argv[1]}`;
  (async () => {
    const login = await fetch(`${base}/api/v1/auth/admin-login`, { method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ storeCode: "demo", username: "admin", password: "admin1234" }) });
    const token = login.ok ? (await login.json()).accessToken : "";
    await fetch(`${base}/api/v1/menu`, { headers: { Authorization: `Bearer ${token}` } });
    await fetch(`${base}/api/v1/no-such-route`);
    const ready = await fetch(`${base}/health/ready`);
    const body = await ready.json();
    console.log("readiness", ready.status, JSON.stringify(body.details ?? body.checks));
    if (ready.status !== 200) process.exit(1);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    require("fs").writeFileSync(process.argv[2], metrics);
  })().catch((e) => { console.error(e); process.exit(1); });
' "$port" "$data_dir/metrics.txt"
promtool check metrics <"$data_dir/metrics.txt"
echo "$(grep -c '^# TYPE' "$data_dir/metrics.txt") metric families pass promtool check metrics"

step "graceful shutdown of the running instance"
kill -TERM "$pid"
start=$(date +%s)
code=0
wait "$pid" || code=$?
echo "exited with $code after $(( $(date +%s) - start )) s"
[ "$code" -eq 0 ]
echo "deployment checks passed"
