#!/usr/bin/env bash
# Runs the libFuzzer target of request parsing (fuzz/) for a bounded time.
#   scripts/fuzz.sh [SECONDS]     default 60; crashes land in build/fuzz/artifacts/
# Builds in build/fuzz with clang from fuzz/CMakeLists.txt alone (only src/domain is compiled),
# starts from the checked-in seeds (fuzz/corpus/) and keeps what it finds in build/fuzz/corpus.
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/fuzz"

command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (apt-get install clang)" >&2; exit 1; }
if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz: libFuzzer runtime missing (apt-get install libclang-rt-dev)" >&2
  exit 1
fi

CC=clang CXX=clang++ cmake -S "$root/fuzz" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzz_request_body -j "${FUZZ_JOBS:-2}"

mkdir -p "$build/corpus" "$build/artifacts"
# -rss_limit_mb and -max_len bound one run; the body limit of the API is 1 MiB, but parser
# paths are exercised by far shorter inputs.
exec "$build/fuzz_request_body" "$build/corpus" "$root/fuzz/corpus" \
  -dict="$root/fuzz/json.dict" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
  -timeout=10 -artifact_prefix="$build/artifacts/" -print_final_stats=1
