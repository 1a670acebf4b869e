# Front door: `make demo` and `make test` set up everything they need (see README.md).
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps build test unit e2e demo bench clean format
all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: deps
	$(MAKE) build
	ctest --test-dir $(BUILD) --output-on-failure -j 2

unit: build
	ctest --test-dir $(BUILD) --output-on-failure -LE e2e

e2e: build
	ctest --test-dir $(BUILD) --output-on-failure -L e2e

demo: deps
	$(MAKE) build
	@python3 tests/testbed/demo.py --dust $(abspath $(BUILD))/dust

bench: deps
	$(MAKE) build
	@bench/run.sh $(abspath $(BUILD))/dust

clean:
	rm -rf $(BUILD)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')
