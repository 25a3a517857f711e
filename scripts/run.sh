#!/usr/bin/env bash
# `make run`: the operator against the current kubeconfig; without a reachable cluster, a local emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project src/Operator -c Release -- run "$@"
