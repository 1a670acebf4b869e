# Front door: `make demo` and `make test` set up everything they need (see README.md).
BUILD ?= build
JOBS ?= $(shell nproc)
# The sanitized build (ASan + UBSan + libFuzzer coverage, clang): `make asan` and `make fuzz` share it.
ASAN_BUILD ?= build-asan
FUZZ_SECONDS ?= 30

PREFIX ?= /usr/local

.PHONY: all deps build test unit e2e demo bench clean format format-check asan asan-build fuzz install deb
all: build

deps:
	@scripts/install-deps.sh

# The build directory counts as configured once CMake wrote its Makefile: a configure that failed
# (a missing library) leaves CMakeCache.txt behind, and the next `make` configures again.
$(BUILD)/Makefile:
	@scripts/install-deps.sh
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

test: deps
	$(MAKE) build
	ctest --test-dir $(BUILD) --output-on-failure -j 2

# bin/dust, the man page, bash completion and the shipped Lua commands under PREFIX.
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# A Debian package (dependencies from dpkg-shlibdeps) in $(BUILD)/.
deb: build
	cd $(BUILD) && cpack -G DEB

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

$(ASAN_BUILD)/Makefile:
	@scripts/install-deps.sh
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 -DDUST_FUZZ=ON

asan-build: $(ASAN_BUILD)/Makefile
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# Unit tests and the e2e modules that drive sessions, the REPL and transfers, against the sanitized dust.
asan: deps
	$(MAKE) asan-build
	@scripts/asan.sh $(ASAN_BUILD)

# Every fuzz target for FUZZ_SECONDS, starting from (and so replaying) its corpus in fuzz/corpus/.
fuzz: deps
	$(MAKE) asan-build
	@scripts/fuzz.sh $(ASAN_BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

# Fails when a file does not follow .clang-format (CI runs it).
format-check:
	clang-format --dry-run -Werror $$(git ls-files '*.cpp' '*.h')
