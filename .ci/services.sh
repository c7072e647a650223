#!/usr/bin/env bash
# Makes sure PostgreSQL (5432), Redis (6379), RabbitMQ (5672) and the S3-protocol server (4569) answer on
# 127.0.0.1: starts them when they are installed but stopped, installs them from Debian's packages when missing.
# The S3 server is s3rver from the npm lock (.ci/s3-server.js), so `npm install` must have run. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # port name seconds
  for _ in $(seq 1 "$3"); do up "$1" && { echo "$2 is up on $1"; return 0; }; sleep 1; done
  echo "$2 did not come up on port $1" >&2; return 1
}
apt_updated=""
need() { # package
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! up 5432; then
  command -v pg_ctlcluster >/dev/null || need postgresql
  ver=$(ls /etc/postgresql | sort -V | tail -1)
  # trust auth on loopback, as the tests connect as postgres without a password
  hba="/etc/postgresql/$ver/main/pg_hba.conf"
  if ! grep -q "^host all all 127.0.0.1/32 trust" "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  wait_for 5432 PostgreSQL 30
else
  echo "PostgreSQL is up on 5432"
fi

if ! up 6379; then
  command -v redis-server >/dev/null || need redis-server
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for 6379 Redis 15
else
  echo "Redis is up on 6379"
fi

if ! up 5672; then
  command -v rabbitmq-server >/dev/null || need rabbitmq-server
  rabbitmq-server -detached || true
  wait_for 5672 RabbitMQ 90
else
  echo "RabbitMQ is up on 5672"
fi

if ! up 4569; then
  mkdir -p /var/lib/table-order-s3 /var/log/table-order-s3
  nohup node_modules/.bin/node .ci/s3-server.js 4569 /var/lib/table-order-s3 \
    >>/var/log/table-order-s3/s3-server.log 2>&1 </dev/null &
  wait_for 4569 "S3 server (s3rver)" 30
else
  echo "S3 server is up on 4569"
fi

# Headless Chromium for the Swagger UI browser test in the services suite.
[ -x /usr/bin/chromium ] || need chromium
