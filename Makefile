# loopcert: the two commands of the README.
#   make demo   install what is missing, build in Release, run the main job
#   make test   install what is missing, build, run the whole suite through ctest
BUILD ?= build
JOBS ?= $(shell nproc)
PACKAGES = g++ make cmake pkg-config libeigen3-dev libboost-dev libmpfr-dev libgmp-dev \
  libmpfi-dev librapidcheck-dev catch2 libcli11-dev nlohmann-json3-dev libfmt-dev \
  libbenchmark-dev gnuplot-nox

.PHONY: deps build demo test bench clean

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

clean:
	rm -rf $(BUILD)
