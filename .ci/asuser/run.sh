#!/usr/bin/env bash
# "As a user gets it": every published module of REPO (default: this
# checkout) is laid into a file-system module proxy at the version its go.mod
# files name, as if tagged; then, for each one, a fresh module outside the
# checkout, with GOWORK=off, no replace and a fresh module cache, runs
# `go get MODULE@VERSION` and builds and runs the program under
# .ci/asuser/<module dir>/ (root/ for the root module). A published module
# without a program here gets one that imports each of its packages, and a
# warning.
#
#   .ci/asuser/run.sh [REPO] [VERSION]
#
# VERSION forces the version the modules are laid out at (default: the one
# their go.mod files require of each other).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools=$(cd "$here/../.." && pwd)
repo=$(cd "${1:-$tools}" && pwd)
version=${2:-}

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# Third-party modules come from the machine's module cache (it is laid out as
# a proxy) and then its usual GOPROXY; the project's own come only from the
# file proxy, into an empty module cache.
orig_proxy=$(go env GOPROXY)
orig_cache=$(go env GOMODCACHE)
(cd "$tools" && go run ./internal/tools/release -repo "$repo" proxy -dir "$work/proxy" ${version:+-version "$version"}) > "$work/modules"
sed 's/^/laid out: /' "$work/modules"

# Each user module gets its program: .ci/asuser/<dir>/main.go, or one that
# imports every package of the module.
while read -r path ver dir; do
	name=${dir//\//-}
	[ "$dir" = . ] && name=root
	user="$work/user-$name"
	mkdir -p "$user"
	prog="$here/${dir/#./root}/main.go"
	if [ -f "$prog" ]; then
		cp "$prog" "$user/main.go"
		continue
	fi
	echo "WARNING: no user program ${prog#"$tools/"} for $path: the check only imports its packages"
	{
		printf 'package main\n\nimport (\n'
		(cd "$repo/$dir" && go list -f '{{if ne .Name "main"}}{{.ImportPath}}{{end}}' ./...) |
			grep -v -e '/internal/' -e '/internal$' | sed 's/.*/\t_ "&"/'
		printf ')\n\nfunc main() { println("%s: its packages imported (no user program)") }\n' "$path"
	} > "$user/main.go"
done < "$work/modules"

# The published modules' go.sum lines seed the user's go.sum, as the checksum
# database would answer for third-party modules; the project's own modules
# are in no checksum database (GONOSUMDB).
{ cat "$repo"/go.sum $(sed 's#.* \(.*\)$#'"$repo"'/\1/go.sum#' "$work/modules") 2>/dev/null || true; } | sort -u > "$work/go.sum"

# -trimpath: the build cache then keys packages by module@version, not by the
# temporary module cache's path, so a warm cache serves them.
export GOWORK=off GOFLAGS="-modcacherw -trimpath" GOTOOLCHAIN=local
export GOMODCACHE="$work/modcache"
export GOPROXY="file://$work/proxy,file://$orig_cache/cache/download,$orig_proxy"
export GONOSUMDB=github.com/gatehouse-go GOPRIVATE= GONOPROXY=

failed=0
while read -r path ver dir; do
	t0=$SECONDS
	name=${dir//\//-}
	[ "$dir" = . ] && name=root
	user="$work/user-$name"
	cp "$work/go.sum" "$user/go.sum"
	if (cd "$user" && go mod init example.com/user >/dev/null 2>&1 &&
		go get "$path@$ver" && go mod tidy && go build -o prog . && ./prog) > "$user/log" 2>&1; then
		echo "ok   $path@$ver ($((SECONDS - t0))s): $(tail -1 "$user/log")"
	else
		echo "FAIL $path@$ver, as a user gets it:"
		sed 's/^/     /' "$user/log"
		failed=1
	fi
done < "$work/modules"
exit $failed
