# The two commands of the README, and a few for developers.
#   make run    install what is missing, build Release, start shipd on its embedded PostgreSQL
#   make test   install what is missing, build, run every test (ctest)
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)

# ccache: paths relative to the checkout (so another clone of the same commit hits the cache)
# and precompiled headers made cacheable (without this sloppiness ccache skips every unit
# that uses one).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_SLOPPINESS := pch_defines,time_macros,include_file_mtime,include_file_ctime

.PHONY: all deps build run test test-unit bench clean format

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

bench: build
	bench/run.sh

clean:
	rm -rf build

format:
	find src tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i
