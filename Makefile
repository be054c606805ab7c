# The front door. Every target installs what it needs first.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libopenblas-dev libhdf5-dev hdf5-tools gnuplot-nox pkg-config fonts-liberation

.PHONY: deps test build reproduce figures bench regress clean

# Install missing system packages (Debian). Quiet and quick when everything is there.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) test

bench: deps
	$(SWIFT) run -c release bench lm --threads 2

reproduce: deps
	@echo "make reproduce: the experiment runner is not built yet (see README: status)."

# Render the paper's figures into paper-figures/ and write results/REPORT.md from results/*/*.h5.
figures: deps
	$(SWIFT) run sweep figures --results results --out paper-figures

clean:
	rm -rf .build
