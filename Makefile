# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test build bench

build:
	swift build

## Runs the demo on one machine (installs system packages first): PDF printers, a town center with the
## demo station enrolled, the forwarder, and the kiosk in the foreground (scripts/run-kiosk.sh).
run:
	scripts/install-deps.sh
	swift build --product kiosk
	swift build --product towncenter
	scripts/run-kiosk.sh

## Runs every test, against a private cupsd and real tools (installs system packages first).
test:
	scripts/install-deps.sh
	scripts/test.sh

## Runs the benchmarks (release build with the Swift runtime linked in, as a station is deployed;
## kiosk and towncenter are measured too).
## (Product by product: GRDB's dynamic library product cannot link that way.)
bench:
	for product in kiosk towncenter bianmin-bench; do swift build -c release --static-swift-stdlib --product $$product || exit 1; done
	.build/release/bianmin-bench
