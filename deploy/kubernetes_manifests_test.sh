#!/usr/bin/env bash
# Renders every kustomization of deploy/kubernetes (base and the dev and
# production overlays) with `kubectl kustomize`, validates every object
# against the Kubernetes OpenAPI schemas and asserts the deployment's
# security and operational properties (deploy/kubernetes/validate). Fails,
# never skips, when kubectl or the validator's node_modules (installed by
# scripts/setup) are missing.
set -euo pipefail

runfiles=${TEST_SRCDIR}/${TEST_WORKSPACE}
tree=${TEST_TMPDIR}/kubernetes
# A copy with real files: kustomize refuses files that lead outside its
# root, which runfiles' symlinks do.
rm -rf "$tree"
cp -rL "$runfiles/deploy/kubernetes" "$tree"

# node_modules is not a Bazel input: it sits beside package.json in the
# source tree, where scripts/setup installed it.
source_validate=$(dirname "$(readlink -f "$runfiles/deploy/kubernetes/validate/package.json")")
if [[ ! -d $source_validate/node_modules/kubernetes-models ]]; then
  echo "FAILED: $source_validate/node_modules is missing: run scripts/setup" >&2
  exit 1
fi
ln -s "$source_validate/node_modules" "$tree/validate/node_modules"
for tool in kubectl node; do
  if ! command -v "$tool" >/dev/null; then
    echo "FAILED: $tool is not on PATH: run scripts/setup" >&2
    exit 1
  fi
done
echo "kubectl: $(kubectl version --client 2>/dev/null | head -n 1)"

failed=0
for overlay in base dev production; do
  dir=$tree/overlays/$overlay
  [[ $overlay == base ]] && dir=$tree/base
  rendered=$TEST_TMPDIR/$overlay.yaml
  # kustomize v5 warns on stderr about fields it deprecates but still
  # honours (bases, patchesStrategicMerge) that v2.0.3 needs.
  if ! kubectl kustomize "$dir" > "$rendered" 2> "$TEST_TMPDIR/$overlay.stderr"; then
    cat "$TEST_TMPDIR/$overlay.stderr" >&2
    echo "FAILED: kubectl kustomize $overlay" >&2
    failed=1
    continue
  fi
  echo "== $overlay"
  node "$tree/validate/check.mjs" "$overlay" "$rendered" \
    "$tree/prometheus/scrape-config.yaml" || failed=1
done
exit "$failed"
