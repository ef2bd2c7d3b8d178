#!/usr/bin/env bash
# assemble_runtime.sh BINARY OUTDIR
#
# Lays out the complete root file system of the Keyward runtime image in
# OUTDIR (which must not exist yet): the server binary as
# /usr/bin/keyward_server, every shared library `ldd` resolves for it at the
# path ldd names, the dynamic loader, and an empty /tmp. Nothing else: no
# shell, no package manager, no OpenSSL configuration (libcrypto runs on its
# built-in defaults when the file is absent) and no CA store (the server
# makes no outbound TLS connections).
#
# The image's runtime stage is exactly this tree (deploy/image/Dockerfile
# copies it onto `scratch`); //deploy:runtime_tree_test runs the server from
# it alone. A library that the server would dlopen at run time is not seen
# by ldd: a PKCS#11 module (keystore pkcs11_token.module_path) must be added
# to the image by whoever deploys it.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 BINARY OUTDIR" >&2
  exit 2
fi
binary=$1
out=$2
if [[ -e $out ]]; then
  echo "$0: $out already exists" >&2
  exit 1
fi

# Every line of ldd's output is "name => /path (address)", "/path (address)"
# (the loader) or "name (address)" (the vDSO, which has no file). A library
# that is not found fails the assembly.
libraries=()
loader=
while read -r line; do
  case $line in
    *"=> not found"*)
      echo "$0: ${line%% *} not found" >&2
      exit 1
      ;;
    *" => /"*) path=${line#* => }; path=${path%% (*} ;;
    /*) path=${line%% (*}; loader=$path ;;
    *) continue ;;
  esac
  libraries+=("$path")
done < <(ldd "$binary")
if [[ -z $loader ]]; then
  echo "$0: ldd names no dynamic loader for $binary" >&2
  exit 1
fi

mkdir -p "$out/usr/bin" "$out/tmp"
chmod 1777 "$out/tmp"
install -m 0555 "$binary" "$out/usr/bin/keyward_server"
for path in "${libraries[@]}"; do
  mkdir -p "$out$(dirname "$path")"
  # The file the path leads to, under the name the loader looks for.
  mode=0444
  [[ $path == "$loader" ]] && mode=0555
  install -m "$mode" "$(realpath "$path")" "$out$path"
done
echo "assembled $out: keyward_server, $((${#libraries[@]} - 1)) libraries and the loader $loader" >&2
