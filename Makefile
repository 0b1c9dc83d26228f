# The two commands of the README, and a few for developers.
#   make run    install what is missing, build Release, start shipd on its embedded PostgreSQL
#   make test   install what is missing, build, run every test (ctest)
#   make bench  the benchmark harness against the seed's stack and pgbench (bench/README.md)
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)

# ccache: paths relative to the checkout (so another clone of the same commit hits the cache)
# and precompiled headers made cacheable (without this sloppiness ccache skips every unit
# that uses one).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_SLOPPINESS := pch_defines,time_macros,include_file_mtime,include_file_ctime

.PHONY: all deps build run test test-unit bench bench-smoke clean format

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake --preset $(PRESET)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/shipd serve

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

test-unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L unit

# The benchmark harness (bench/README.md): installs the seed peer's packages first. Not part
# of `make test`. BENCH_ARGS, e.g. "--large" or "--parts get,batch --duration 5".
bench: build
	scripts/install-bench-deps.sh
	bench/run.sh $(BENCH_ARGS)

# The harness in a minute: N=1000, 2 s runs, no peer, no pgbench, nothing appended.
bench-smoke: build
	bench/run.sh --smoke

clean:
	rm -rf build

format:
	find src tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i
