# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test build bench

build:
	swift build

## Runs the kiosk on the demo configuration (installs system packages first).
run:
	scripts/install-deps.sh
	swift build --product kiosk
	scripts/run-kiosk.sh

## Runs every test, against a private cupsd and real tools.
test:
	scripts/test.sh

## Runs the benchmarks (release build; kiosk and towncenter are measured too).
bench:
	swift build -c release
	.build/release/bianmin-bench
