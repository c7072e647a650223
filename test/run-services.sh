#!/usr/bin/env bash
# `npm run test:services [jest args]`: the services suite, then the fault tests alone (test/jest-faults.config.ts).
# Arguments (e.g. a path filter) go to both runs; with a filter, a run that matches no file is not a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=()
[ "$#" -gt 0 ] && extra=(--passWithNoTests)
jest() { node --experimental-vm-modules ./node_modules/jest/bin/jest.js "$@"; }
jest --config ./test/jest-services.config.ts "${extra[@]}" "$@"
jest --config ./test/jest-faults.config.ts --runInBand "${extra[@]}" "$@"
