#!/usr/bin/env bash
# `make run`: the operator against the current kubeconfig; without a reachable cluster, a local emulator.
# Arguments are passed to `run` (e.g. scripts/run.sh --namespace risk --log-level debug).
set -euo pipefail
cd "$(dirname "$0")/.."

CONFIG="${CONFIG:-Release}"
DOTNET="${DOTNET:-dotnet}"
KUBECTL="${MLOP_KUBECTL:-$PWD/.tools/bin/kubectl}"
DEV_DIR="$PWD/.dev"
EMULATOR_PORT=6443
EMULATOR_PID=""
OPERATOR_PID=""
WATCH_PID=""

say() { echo "make run: $*" >&2; }

# SIGTERM, then SIGKILL if the process has not exited within 10 s, so `make run` never leaves a process behind.
stop() {
    local pid="$1"
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    if [[ -n "$WATCH_PID" ]]; then kill "$WATCH_PID" 2>/dev/null || true; fi
    if [[ -n "$OPERATOR_PID" ]]; then stop "$OPERATOR_PID"; fi
    if [[ -n "$EMULATOR_PID" ]]; then stop "$EMULATOR_PID"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The server of the current context, as kubectl resolves it (KUBECONFIG with several files, --context defaults).
current_server() {
    if [[ -x "$KUBECTL" ]]; then
        "$KUBECTL" config view --minify -o 'jsonpath={.clusters[0].cluster.server}' 2>/dev/null || true
        return
    fi
    local file="${KUBECONFIG:-$HOME/.kube/config}"
    file="${file%%:*}"
    if [[ -f "$file" ]]; then awk '$1 == "server:" { print $2; exit }' "$file"; fi
}

# Any HTTP answer counts: a 401 or 403 is for the operator to report clearly, not a reason to switch to the emulator.
server_answers() {
    local server="$1" code
    if command -v curl >/dev/null; then
        code=$(curl -sk -o /dev/null -w '%{http_code}' --connect-timeout 2 --max-time 3 "${server%/}/version" 2>/dev/null || true)
        [[ -n "$code" && "$code" != "000" ]]
        return
    fi
    local authority="${server#*://}"
    authority="${authority%%/*}"
    local host="${authority%:*}" port="${authority##*:}"
    [[ "$port" == "$authority" ]] && port=443
    timeout 3 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
    /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

build() {
    local project="$1" log="$DEV_DIR/build.log"
    if ! "$DOTNET" build "$project" -c "$CONFIG" -nologo -v q >"$log" 2>&1; then
        say "building $project failed:"
        grep -E 'error|Error' "$log" | sort -u | head -20 >&2
        exit 1
    fi
}

mkdir -p "$DEV_DIR"
args=("$@")
[[ " $* " == *" --log-format "* ]] || args+=(--log-format text)

server="$(current_server)"
if [[ -n "$server" ]] && server_answers "$server"; then
    say "using the cluster at $server (current kubeconfig context)"
else
    port_free "$EMULATOR_PORT" || EMULATOR_PORT="$(free_port)"
    build tests/Kubernetes.Emulator
    build src/Inference.Sidecar
    # Real pods: each inference pod runs the built sidecar on its own 127.1.x.y; model URIs whose file name is in
    # tests/models (config/samples/local-model.yaml: file:///models/mlp.onnx) are served from there, others stay simulated.
    "$DOTNET" "tests/Kubernetes.Emulator/bin/$CONFIG/net10.0/MlOperator.Kubernetes.Emulator.dll" \
        --port "$EMULATOR_PORT" --kubeconfig "$DEV_DIR/kubeconfig" --simulate-controllers \
        --real-pods --models-dir "$PWD/tests/models" --pod-logs "$DEV_DIR/pods" >"$DEV_DIR/emulator.log" 2>&1 &
    EMULATOR_PID=$!
    for _ in $(seq 1 600); do
        grep -q '^ready' "$DEV_DIR/emulator.log" && break
        if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
            EMULATOR_PID=""
            say "the API emulator exited before it was ready:"
            grep -v -e '^ *at ' -e '^---' "$DEV_DIR/emulator.log" | head -5 >&2
            exit 1
        fi
        sleep 0.1
    done
    if ! grep -q '^ready' "$DEV_DIR/emulator.log"; then
        say "the API emulator did not report ready within 60 s (log: $DEV_DIR/emulator.log)"
        exit 1
    fi
    # Pods listen on their own 127.1.x.y:8080; an operator on 0.0.0.0:8080 would take that port from all of them.
    [[ " $* " == *" --metrics-address "* ]] || args+=(--metrics-address 127.0.0.1:8080)
    echo "No cluster reachable: started a local API emulator on 127.0.0.1:$EMULATOR_PORT. Point kubectl at it with: export KUBECONFIG=$DEV_DIR/kubeconfig"
    # Each Service the operator creates gets a local proxy over its Ready pods; say where, as the emulator logs it.
    (tail --pid="$EMULATOR_PID" -n +1 -F "$DEV_DIR/emulator.log" 2>/dev/null | while read -r word svc url _; do
        [[ "$word" == service ]] || continue
        say "Service ${svc%:} is proxied to its Ready real pods at $url (try: curl -s $url/v2/health/ready; README: Real pods under make run)"
    done) &
    WATCH_PID=$!
    export KUBECONFIG="$DEV_DIR/kubeconfig"
    # The emulator starts empty; install the CRDs so the operator's informers have something to watch.
    if [[ -x "$KUBECTL" && -d config/crds ]] && compgen -G 'config/crds/*.yaml' >/dev/null; then
        "$KUBECTL" apply -f config/crds >/dev/null 2>"$DEV_DIR/crds.log" || say "installing config/crds into the emulator failed (see $DEV_DIR/crds.log)"
        # Something to reconcile: the shipped samples (ModelDeployments and a GPU ResourceQuota) in "default".
        "$KUBECTL" wait --for condition=Established --timeout 30s -f config/crds >/dev/null 2>&1 || true
        if "$KUBECTL" apply -n default -f config/samples >/dev/null 2>"$DEV_DIR/samples.log"; then
            say "applied config/samples; watch them with: kubectl get md -A -w"
        else
            say "applying config/samples failed (see $DEV_DIR/samples.log)"
        fi
    fi
fi

build src/Operator
"$DOTNET" "src/Operator/bin/$CONFIG/net10.0/MlOperator.Operator.dll" run "${args[@]}" &
OPERATOR_PID=$!
status=0
wait "$OPERATOR_PID" || status=$?
OPERATOR_PID=""
exit "$status"
