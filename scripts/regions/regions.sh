#!/usr/bin/env bash
# Regenerates forms/tables/{provinces,regencies,districts}.json from the npm
# package idn-area-data (the official province, regency and district codes).
# Needs npm and Go; the output is committed, so builds need neither npm nor
# the network.
#
#   scripts/regions/regions.sh [VERSION]    (default 4.0.1)
set -euo pipefail
version=${1:-4.0.1}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "idn-area-data@$version" >/dev/null && tar xzf "idn-area-data-$version.tgz")
cd "$root"
go run ./scripts/regions -src "$tmp/package/data" -version "$version" -out forms/tables
echo "forms/tables: regions from idn-area-data $version" >&2
