# loopcert: the two commands of the README.
#   make demo   install what is missing, build in Release, run the main job
#   make test   install what is missing, build, run the whole suite through ctest
BUILD ?= build
JOBS ?= $(shell nproc)
PACKAGES = g++ make cmake pkg-config libeigen3-dev libboost-dev libmpfr-dev libgmp-dev \
  libmpfi-dev librapidcheck-dev catch2 libcli11-dev nlohmann-json3-dev libfmt-dev \
  libbenchmark-dev gnuplot-nox chromium python3

.PHONY: deps ci-deps build demo test bench clean sanitize-test fuzz fuzz-smoke fuzz-deps mutation

deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/Makefile: CMakeLists.txt | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./scripts/demo.sh $(BUILD)/loopcert

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	./scripts/bench.sh $(BUILD)

# The whole ctest suite and the demo's commands under ASan + UBSan (-O1), in build-asan/.
# Two tests are left out: the run --json baseline and the README's generated tables compare the Release build's exact bits
# (its last digits move with -O1 and without AVX2); memory and UB errors are what this checks.
SANITIZE_BUILD ?= build-asan
sanitize-test: deps
	cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE=Release -DLOOPCERT_SANITIZE=ON -DLOOPCERT_AVX2=OFF
	cmake --build $(SANITIZE_BUILD) -j $(JOBS) --target loopcert loopcert_tests loopcert_properties loopcert_cli_fuzz
	cd $(SANITIZE_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -E "recorded before issue 9|readme:"
	ASAN_OPTIONS=detect_leaks=1 ./scripts/demo.sh $(SANITIZE_BUILD)/loopcert > $(SANITIZE_BUILD)/demo.log

# libFuzzer targets for every parser (fuzz/), built with clang in build-fuzz/.
# `make fuzz` runs each for FUZZ_SECONDS (default 120), two at a time (FUZZ_JOBS);
# `make fuzz-smoke` for 10 s (CI).
# Inputs that crash are written to fuzz/findings/; the seed corpora are in fuzz/corpus/.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 120
FUZZ_TARGETS = sq csv numbers fq table flags
FUZZ_PACKAGES = clang libclang-rt-14-dev cmake libboost-dev libmpfr-dev libgmp-dev pkg-config
fuzz-deps:
	@$(MAKE) --no-print-directory deps PACKAGES="$(FUZZ_PACKAGES)"
# CI (.ci/run): every package of the three jobs in one apt-get call (one index update).
ci-deps:
	@$(MAKE) --no-print-directory deps PACKAGES="$(PACKAGES) $(FUZZ_PACKAGES)"
fuzz: fuzz-deps
	CXX=clang++ cmake -S fuzz -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Release > /dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	./scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

# Mutation testing of the SUBLEQ construction (mutation/mutation.cpp): a table on stdout
# and in $(BUILD)/mutation.md.
MUTATION_PER_MATRIX ?= 2
mutation: build
	$(BUILD)/loopcert_mutation . $(MUTATION_PER_MATRIX) | tee $(BUILD)/mutation.md

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD) $(FUZZ_BUILD)
