#!/usr/bin/env bash
# run_suite.sh: the benchmark suite of issues 8 and 9 in one command (about
# 10 minutes on 2 cores when idle; more when points are disturbed and
# repeated). Builds -c opt, then runs bench/load three times and
# bench/handshakes once, each against keyward_server child processes:
#   1. RSA-2048, RSA-3072, ECDSA P-256, ECDSA P-384 and Ed25519 signs and the
#      RSA-2048 key exchange, unary and streamed, at 1, 32 and 256 in flight
#      (2 s warm-up + 5 s measured per point, raw OpenSSL 1 s before and 1 s
#      after each point on as many threads as there are CPUs);
#   2. an overload check: ECDSA P-256 signs far beyond what the server
#      admits (limits.max_in_flight lowered to 64), where only
#      RESOURCE_EXHAUSTED may fail;
#   3. the keystore backends side by side: the same operations against a
#      server whose keys are files and one whose keys are in a SoftHSM2
#      token (PKCS#11), 32 in flight;
#   4. full TLS handshakes through the keyless edge against the same edge
#      with a local key (bench/handshakes);
#   5. the floor: one empty gRPC call, by server threading model
#      (bench/grpc_floor).
# Writes bench/RESULTS.md (machine, date, commands, tables) and
# bench/RESULTS{,-overload,-backends,-handshakes}.json. Exits 1 if any run
# reported failures (the results are written anyway).
#
#   bench/run_suite.sh [extra bench/load flags, e.g. --duration=10s]
set -euo pipefail
cd "$(dirname "$0")/.."

bazel build -c opt //bench:load //bench:handshakes //bench:grpc_floor
# Resolved now: bazel-bin follows whichever configuration was built last.
bin="$(bazel info -c opt bazel-bin 2>/dev/null)/bench"
load=$bin/load
handshakes=$bin/handshakes
grpc_floor=$bin/grpc_floor

operations=sign:rsa-2048,sign:rsa-3072,sign:ecdsa-p256,sign:ecdsa-p384,sign:ed25519,rsa-key-exchange:rsa-2048
# A point during which other processes took more than 0.15 cores is run
# once more, and the less disturbed run is kept.
suite_flags=(--operations=$operations --transports=unary,blocking,stream
  --in_flight=1,32,256 --warmup=2s --duration=5s --raw_duration=2s
  --retry_disturbed=1 "$@")
backend_flags=(--backends=file,pkcs11
  --operations=sign:rsa-2048,sign:ecdsa-p256,sign:ed25519,rsa-key-exchange:rsa-2048
  --transports=unary,stream --in_flight=32 --warmup=2s --duration=5s
  --raw_duration=2s "$@")
handshake_flags=(--key=rsa-2048 --tls_versions=1.3,1.2 --connections=1,16,64
  --warmup=1s --duration=4s --rounds=2)
overload_flags=(--operations=sign:ecdsa-p256 --transports=unary,stream
  --in_flight=256 --server_max_in_flight=64 --allow_shedding
  --warmup=2s --duration=5s --raw_duration=2s "$@")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# Taken before the run writes bench/RESULTS*.json into the tree.
commit="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"

status=0
"$load" "${suite_flags[@]}" --command="bench/run_suite.sh: load ${suite_flags[*]}" \
  --markdown_out="$tmp/suite.md" --json_out=bench/RESULTS.json || status=1
"$load" "${overload_flags[@]}" \
  --command="bench/run_suite.sh: load ${overload_flags[*]}" \
  --markdown_out="$tmp/overload.md" --json_out=bench/RESULTS-overload.json ||
  status=1
"$load" "${backend_flags[@]}" \
  --command="bench/run_suite.sh: load ${backend_flags[*]}" \
  --markdown_out="$tmp/backends.md" --json_out=bench/RESULTS-backends.json ||
  status=1
"$handshakes" "${handshake_flags[@]}" --markdown_out="$tmp/handshakes.md" \
  --json_out=bench/RESULTS-handshakes.json || status=1
"$grpc_floor" --markdown_out="$tmp/floor.md" || status=1
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "# Benchmark results"
  echo
  echo "Written by \`bench/run_suite.sh\` (see [README.md](README.md)); every"
  echo "ratio is taken within one run of the same process, on the same machine."
  echo
  echo "- Date: $started (UTC)"
  echo "- Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), Linux $(uname -r)"
  echo "- Libraries: $(openssl version | cut -d' ' -f1-2), gRPC $(dpkg-query -W -f='${Version}' libgrpc++1.51 2>/dev/null || echo '?')"
  echo "- Load average (1, 5, 15 min) before: $load_before; after: $load_after"
  echo "- Commit: $commit"
  echo "- Command: \`bench/run_suite.sh $*\`, i.e."
  echo "  - \`bazel-bin/bench/load ${suite_flags[*]}\`"
  echo "  - \`bazel-bin/bench/load ${overload_flags[*]}\`"
  echo "  - \`bazel-bin/bench/load ${backend_flags[*]}\`"
  echo "  - \`bazel-bin/bench/handshakes ${handshake_flags[*]}\`"
  echo "  - \`bazel-bin/bench/grpc_floor\`"
  echo "- Server: \`bazel build -c opt //service:keyward_server\` started by the"
  echo "  load generator as a child process on 127.0.0.1, mutual TLS, the dev"
  echo "  keystore, default limits (except the overload run), audit log to a"
  echo "  file. Load generator, server and raw baseline share the same CPUs."
  echo
  echo "## Targets of issue 8"
  echo
  sed -n '/^| target/,$p' "$tmp/suite.md"
  echo
  echo "## All points"
  echo
  sed '/^$/,$d' "$tmp/suite.md"
  echo
  echo "## Overload (limits.max_in_flight = 64; RESOURCE_EXHAUSTED is shedding)"
  echo
  sed '/^$/,$d' "$tmp/overload.md"
  echo
  echo "## Keystore backends: PKCS#11 (SoftHSM2) against files, same run"
  echo
  echo "Each backend has its own keyward_server child and dev keystore (the"
  echo "same key types; the pkcs11 keys live in a SoftHSM2 token made for the"
  echo "run). Ratio = PKCS#11 ÷ file."
  echo
  sed -n '/^| operation | backend |/,$p' "$tmp/backends.md"
  echo
  echo "## Full TLS handshakes through the edge: keyless against a local key"
  echo
  echo "\`//bench:handshakes\`: the same keyward_edge binary, once with its key"
  echo "in the key service (keyward provider) and once with the key file; ratio"
  echo "= keyless ÷ local. CPU of the keyless edge includes the key service."
  echo "The TLS clients run in the benchmark's process (client CPU). **CPU-bound"
  echo "ratio** = (local edge + client) ÷ (keyless edge + key service + client)"
  echo "CPU per handshake; **other load** as below, the most of any window."
  echo
  cat "$tmp/handshakes.md"
  echo
  echo "## The floor: one empty gRPC call, by server threading model"
  echo
  echo "\`//bench:grpc_floor\`: an echo of 100 bytes, one call at a time, over"
  echo "plaintext loopback, no handler work; each model in its own child"
  echo "process, the same client. keyward_server uses the callback model."
  echo
  cat "$tmp/floor.md"
  echo
  echo "## Columns"
  echo
  echo "- **ops/s**: successful operations completed in the measured window,"
  echo "  per second. **raw ops/s**: the same cryptography with OpenSSL in the"
  echo "  load generator's process, one prepared context per thread, as many"
  echo "  threads as CPUs, measured just before and just after the point."
  echo "  **ratio** = ops/s ÷ raw ops/s."
  echo "- **p50 … p99.9**: latency of each operation as the client sees it"
  echo "  (issue to completion), in µs."
  echo "- **server CPU µs/op**: the server process's utime+stime over the"
  echo "  window (/proc/<pid>/stat, 10 ms ticks) ÷ operations. **crypto CPU"
  echo "  µs/op**: the raw baseline's CPU time per operation. **CPU ratio** ="
  echo "  server ÷ crypto."
  echo "- **client CPU µs/op**: the load generator's own CPU per operation."
  echo "- **CPU-bound ratio** = crypto CPU/op ÷ (server + client CPU/op): the"
  echo "  throughput ratio the CPU costs predict on an otherwise idle machine"
  echo "  (service and load generator sharing the cores the raw baseline has"
  echo "  to itself). Unlike **ratio**, it does not depend on what else ran."
  echo "- **other load (cores)**: CPU time of every other process on the"
  echo "  machine (busy time from /proc/stat minus server and load generator),"
  echo "  in cores; the most over the load window and the two raw"
  echo "  measurements. Above ~0.15 the point was disturbed by something else"
  echo "  running, and its **ratio** (not its CPU figures) is unreliable."
  echo "- **errors**: failed operations other than RESOURCE_EXHAUSTED (must be"
  echo "  0); **shed**: RESOURCE_EXHAUSTED answers."
  if [[ $status -ne 0 ]]; then
    echo
    echo "**The load generator reported failures in this run (see above).**"
  fi
} > bench/RESULTS.md

echo "run_suite: wrote bench/RESULTS.md and bench/RESULTS*.json" >&2
exit $status
