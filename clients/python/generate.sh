#!/usr/bin/env bash
# generate.sh [OUT]: Python stubs of the Keyward API (and grpc.health.v1,
# as module grpc_health_v1)
# from proto/, with Debian's protoc and grpc_python_plugin, into OUT
# (default clients/python/gen). Use them with /usr/bin/python3, which sees
# Debian's python3-grpcio and python3-protobuf:
#   clients/python/generate.sh && PYTHONPATH=clients/python/gen \
#     /usr/bin/python3 clients/python/example_client.py --help
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/clients/python/gen}
mkdir -p "$out"
protoc -I "$root/proto" -I /usr/include \
  --python_out="$out" --grpc_out="$out" \
  --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin \
  "$root"/proto/keyward/v1/*.proto
# grpc.health.v1 as module grpc_health_v1 (a "grpc" folder would hide the
# installed grpc package); the wire names stay grpc.health.v1.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/grpc_health_v1"
cp /usr/share/grpc-proto/grpc/health/v1/health.proto "$tmp/grpc_health_v1/"
protoc -I "$tmp" --python_out="$out" --grpc_out="$out" \
  --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin \
  "$tmp/grpc_health_v1/health.proto"
echo "generated Python stubs in $out" >&2
