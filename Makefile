# The front door. Every target installs what it needs first.
SHELL := /bin/bash
SWIFT ?= swift
# `swift build $(1)`, tried once more if the build tool itself dies by a signal: SwiftPM on Linux
# now and then crashes in libdispatch while it drives its subprocesses (a Bad pointer dereference in
# _dispatch_event_loop_drain, seen once in `swift run sweep regress` on a fresh clone). Only the
# build is retried; the suite's own programs run directly afterwards, so their failures stay failures.
swift_build = $(SWIFT) build $(1) || { s=$$?; [ $$s -gt 128 ] || exit $$s; \
  echo "swift build died by signal $$((s - 128)); trying once more" >&2; $(SWIFT) build $(1); }

.PHONY: deps test build reproduce figures bench regress clean slurm-check

# Install missing system packages (Debian): the same script the SystemPackages build plugin runs
# before every swift build. Quiet and quick when everything is there.
deps:
	@sh Sources/SystemPackages/system-packages.sh

build: deps
	@$(call swift_build,)

# The tests (XCTest only) run from the built test executable on Linux, so no SwiftPM process is
# involved once the build is done; elsewhere (a macOS .xctest bundle) through `swift test --skip-build`.
TEST_BINARY := .build/debug/QuietSTaRSuitePackageTests.xctest
test: deps
	@$(call swift_build,--build-tests)
	@if [ -f $(TEST_BINARY) ] && [ -x $(TEST_BINARY) ]; then echo $(TEST_BINARY); $(TEST_BINARY); \
	else echo "$(SWIFT) test --skip-build"; $(SWIFT) test --skip-build; fi

bench: deps
	$(SWIFT) run -c release bench lm --threads 2
	$(SWIFT) run -c release bench quietstar --threads 2
	$(SWIFT) run -c release bench gemm

# Every experiment (resuming what is done), every figure, the report. Release build for speed,
# built once and then run directly.
# An entry <e> is experiments/<e>.json with results in results/; an entry <folder>/<e> is
# experiments/<folder>/<e>.json with results, report and figures of its own in results/<folder>/ and
# paper-figures/<folder>/ (replication/: the claims' experiments on seeds 7, 8, 9; csqa there for claims 2, 3;
# mixing-head there for the report notes only).
# Base-model checks (direct / worked / oracle, <results>/<e>/base-checks.md) for BASE_CHECKS.
# A saved table that lists exactly the experiment's current base models is kept (--keep-current).
EXPERIMENTS ?= thought-length controls corpus ablations cot csqa csqa-controls thought-length-long csqa-long csqa-corpus corpus-packed corpus-tokens corpus-packed-base csqa-corpus-tokens mixing-head csqa-mixing-head direct-answers csqa-direct-answers replication/thought-length replication/controls replication/corpus replication/csqa replication/mixing-head
BASE_CHECKS ?= thought-length cot csqa corpus-packed-base replication/thought-length replication/csqa
# Thought-content tables (own / another item's / own shuffled / pause / no thought, <results>/<e>/thought-content.md)
# for THOUGHT_CONTENT; a saved table that lists the runs with their logged evaluations is kept.
THOUGHT_CONTENT ?= thought-length controls corpus ablations cot csqa csqa-controls thought-length-long csqa-long csqa-corpus corpus-packed corpus-tokens corpus-packed-base csqa-corpus-tokens mixing-head csqa-mixing-head direct-answers csqa-direct-answers replication/thought-length replication/mixing-head
# The results folder of the shell loop's entry $e (results, or results/<folder> for <folder>/<e>).
RESULTS_OF = r=results; case $$e in */*) r=results/$${e%/*};; esac
# The <folder>s of the EXPERIMENTS entries that have one.
FOLDERS = $(sort $(foreach e,$(EXPERIMENTS),$(if $(findstring /,$(e)),$(patsubst %/,%,$(dir $(e))))))
reproduce: deps
	@start=$$(date +%s); \
	$(call swift_build,-c release --product sweep) || exit 1; \
	n=$(words $(EXPERIMENTS)); i=0; \
	for e in $(EXPERIMENTS); do \
	  i=$$((i + 1)); $(RESULTS_OF); echo "== experiments/$$e.json (experiment $$i of $$n)"; \
	  .build/release/sweep experiments/$$e.json --results $$r || exit 1; \
	done; \
	for e in $(BASE_CHECKS); do \
	  $(RESULTS_OF); echo "== base-model checks of experiments/$$e.json"; \
	  .build/release/sweep base-checks experiments/$$e.json --results $$r --save --keep-current >/dev/null || exit 1; \
	done; \
	for e in $(THOUGHT_CONTENT); do \
	  $(RESULTS_OF); echo "== thought content of experiments/$$e.json"; \
	  .build/release/sweep thought-content experiments/$$e.json --results $$r --save --keep-current >/dev/null || exit 1; \
	done; \
	.build/release/sweep figures --results results --out paper-figures || exit 1; \
	for d in $(FOLDERS); do \
	  .build/release/sweep figures --results results/$$d --out paper-figures/$$d >/dev/null || exit 1; \
	done; \
	echo "make reproduce: done in $$(( ($$(date +%s) - start) / 60 )) min; figures in paper-figures/, report in results/REPORT.md$(foreach d,$(FOLDERS), (and results/$(d)/REPORT.md))"

# Render the paper's figures into paper-figures/ and write results/REPORT.md from results/*/*.h5.
figures: deps
	$(SWIFT) run sweep figures --results results --out paper-figures

# CI regression check: rerun experiments/regression.json from scratch (fresh temporary folder)
# and compare every eval curve and the final train values with results/reference/regression.json
# (tolerances: results/README.md). Fails with a table and an overlay figure on any mismatch.
# `make regress UPDATE=1` rewrites the reference and prints what changed.
regress: deps
	@$(call swift_build,--product sweep)
	.build/debug/sweep regress$(if $(filter 1 yes true,$(UPDATE)), --update,)

clean:
	rm -rf .build

# End-to-end check of the Slurm path on this machine (NOT part of `make test`): installs
# slurm-wlm + munge if missing, starts a one-node cluster (this host, 2 CPUs) from a temporary
# slurm.conf, submits experiments/smoke.json through the script `sweep slurm` writes (2 array
# tasks, 1 CPU each), waits, checks that every run's log says `complete`, stops the daemons.
SLURM_DIR := $(shell mktemp -d -u /tmp/slurm-check.XXXXXX)
slurm-check: deps
	@set -euo pipefail; \
	for p in slurm-wlm munge; do dpkg -s $$p >/dev/null 2>&1 || missing="$${missing:-} $$p"; done; \
	if [ -n "$${missing:-}" ]; then SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi; \
	$(SWIFT) build --product sweep >/dev/null; \
	D=$(SLURM_DIR); H=$$(hostname -s); mkdir -p $$D/state $$D/spool $$D/munge $$D/results; \
	dd if=/dev/urandom of=$$D/munge/munge.key bs=1024 count=1 2>/dev/null; chmod 600 $$D/munge/munge.key; \
	munged --key-file=$$D/munge/munge.key --socket=$$D/munge/munge.sock --pid-file=$$D/munge/munged.pid \
	  --log-file=$$D/munge/munged.log --seed-file=$$D/munge/munged.seed --force; \
	printf '%s\n' "ClusterName=check" "SlurmctldHost=$$H" "AuthType=auth/munge" "AuthInfo=socket=$$D/munge/munge.sock" \
	  "CredType=cred/munge" "SlurmUser=$$(id -un)" "ProctrackType=proctrack/linuxproc" "TaskPlugin=task/none" \
	  "SlurmctldPidFile=$$D/slurmctld.pid" "SlurmdPidFile=$$D/slurmd.pid" "SlurmdSpoolDir=$$D/spool" \
	  "StateSaveLocation=$$D/state" "SlurmctldLogFile=$$D/slurmctld.log" "SlurmdLogFile=$$D/slurmd.log" \
	  "SchedulerType=sched/backfill" "SelectType=select/cons_tres" "SelectTypeParameters=CR_CPU" \
	  "MpiDefault=none" "ReturnToService=2" "JobAcctGatherType=jobacct_gather/none" \
	  "AccountingStorageType=accounting_storage/none" "SlurmctldPort=16817" "SlurmdPort=16818" \
	  "NodeName=$$H CPUs=2 State=UNKNOWN" "PartitionName=check Nodes=$$H Default=YES MaxTime=INFINITE State=UP" \
	  > $$D/slurm.conf; \
	export SLURM_CONF=$$D/slurm.conf; \
	stop() { kill $$(cat $$D/slurmd.pid 2>/dev/null) $$(cat $$D/slurmctld.pid 2>/dev/null) $$(cat $$D/munge/munged.pid 2>/dev/null) 2>/dev/null || true; }; \
	trap stop EXIT; \
	slurmctld -f $$D/slurm.conf; slurmd -f $$D/slurm.conf; sleep 3; \
	$(SWIFT) run sweep slurm experiments/smoke.json --results $$D/results --shards 2 --cpus 1 --time 00:10:00 \
	  --partition check --output $$D/smoke.sbatch; \
	job=$$(sbatch --parsable $$D/smoke.sbatch); echo "submitted job $$job"; \
	for i in $$(seq 1 300); do [ -z "$$(squeue -h -j $$job 2>/dev/null)" ] && break; sleep 2; done; \
	$(SWIFT) run sweep experiments/smoke.json --results $$D/results --dry-run | tee $$D/status.txt; \
	if grep -q '\[complete\]' $$D/status.txt && ! grep -v '^smoke:' $$D/status.txt | grep -vq '\[complete\]'; then \
	  echo "slurm-check: every run complete ($$D)"; else echo "slurm-check: FAILED, see $$D"; cat $$D/results/slurm/*.out 2>/dev/null | tail -20; exit 1; fi
