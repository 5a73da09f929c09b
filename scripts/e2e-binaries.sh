#!/usr/bin/env bash
# Builds the binaries the end-to-end suite runs — kube-apiserver, etcd and helm — from their Go
# modules through the Go module proxy (nothing prebuilt is downloaded) into a git-ignored cache
# folder named after the pinned versions, and prints that folder. A folder that already holds all
# three is reused as it is; Go's own module and build caches make a rebuild on the same machine quick.
#
#   scripts/e2e-binaries.sh            build what is missing, print the folder
#   scripts/e2e-binaries.sh --print    print the folder only
set -euo pipefail

# Kubernetes 1.33 is what OKD 4.20 ships; etcd 3.5.21 is the server that release is tested with
# (its go.mod pins the etcd client at the same version). Debian's etcd-server is 3.4, which 1.33
# no longer supports. Helm 3.18 uses the same Kubernetes 1.33 libraries, so it shares the cache.
readonly KUBERNETES_VERSION=v1.33.13
readonly ETCD_VERSION=v3.5.21
readonly HELM_VERSION=v3.18.6

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.cache/e2e/kubernetes-$KUBERNETES_VERSION-etcd-$ETCD_VERSION-helm-$HELM_VERSION"

if [ "${1:-}" = "--print" ]; then
  echo "$dest"
  exit 0
fi

log() { echo "e2e-binaries: $*" >&2; }

# The replace directives a consuming module needs: every module that the upstream go.mod replaces
# with a folder of its own repository (Kubernetes' staging modules, etcd's sibling modules) is
# taken from the proxy instead, at the version the upstream go.mod requires — or, where it
# requires the v0.0.0 placeholder (Kubernetes' staging modules), at the published
# v0.<minor>.<patch> that matches the release.
local_replacements() {
  local go_mod=$1 placeholder_version=$2
  awk -v placeholder="$placeholder_version" '
    /^require[ \t]*\(/ { in_require = 1; next }
    /^replace[ \t]*\(/ { in_replace = 1; next }
    /^\)/ { in_require = 0; in_replace = 0; next }
    in_require && NF >= 2 { required[$1] = $2 }
    /^require [^(]/ { required[$2] = $3 }
    in_replace && $2 == "=>" && $3 ~ /^\.\.?\// { local_mod[++n] = $1 }
    /^replace [^(]/ && $3 == "=>" && $4 ~ /^\.\.?\// { local_mod[++n] = $2 }
    END {
      for (i = 1; i <= n; i++) {
        m = local_mod[i]
        if (!(m in required)) continue
        v = required[m] == "v0.0.0" ? placeholder : required[m]
        printf "replace %s => %s %s\n", m, m, v
      }
    }' "$go_mod"
}

# build_main MODULE VERSION PACKAGE OUTPUT [LDFLAGS]: builds PACKAGE (a main package inside
# MODULE@VERSION) in a throwaway module that requires it.
build_main() (
  module=$1 version=$2 package=$3 output=$4 ldflags=${5:-}
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  upstream_go_mod=$(cd "$work" && go mod download -json "$module@$version" |
    sed -nE 's/^\s*"GoMod": "(.*)",?$/\1/p')
  [ -n "$upstream_go_mod" ] || { log "could not download $module@$version"; return 1; }
  # v1.33.13 → v0.33.13: the staging modules' tag for a Kubernetes release.
  placeholder="v0.${version#v1.}"
  {
    echo "module netguard.invalid/e2e-build"
    echo
    echo "go 1.24"
    echo
    echo "require $module $version"
    local_replacements "$upstream_go_mod" "$placeholder"
  } >"$work/go.mod"
  (cd "$work" && GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w $ldflags" -o "$output" "$package")
)

if [ -x "$dest/kube-apiserver" ] && [ -x "$dest/etcd" ] && [ -x "$dest/helm" ]; then
  echo "$dest"
  exit 0
fi

command -v go >/dev/null || { log "Go is needed to build the e2e binaries (go 1.24 or newer)"; exit 1; }
mkdir -p "$dest.partial"
started=$SECONDS

if [ ! -x "$dest/kube-apiserver" ] && [ ! -x "$dest.partial/kube-apiserver" ]; then
  log "building kube-apiserver $KUBERNETES_VERSION (the first build takes several minutes)"
  minor=${KUBERNETES_VERSION#v1.}
  minor=${minor%%.*}
  build_main k8s.io/kubernetes "$KUBERNETES_VERSION" k8s.io/kubernetes/cmd/kube-apiserver \
    "$dest.partial/kube-apiserver" \
    "-X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION
     -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
fi
if [ ! -x "$dest/etcd" ] && [ ! -x "$dest.partial/etcd" ]; then
  log "building etcd $ETCD_VERSION"
  build_main go.etcd.io/etcd/server/v3 "$ETCD_VERSION" go.etcd.io/etcd/server/v3 "$dest.partial/etcd"
fi
if [ ! -x "$dest/helm" ] && [ ! -x "$dest.partial/helm" ]; then
  log "building helm $HELM_VERSION"
  build_main helm.sh/helm/v3 "$HELM_VERSION" helm.sh/helm/v3/cmd/helm "$dest.partial/helm" \
    "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
fi

# Move into place only when all three are there, so an interrupted build is never taken as done.
mkdir -p "$dest"
for binary in kube-apiserver etcd helm; do
  [ -x "$dest/$binary" ] || mv "$dest.partial/$binary" "$dest/$binary"
done
rm -rf "$dest.partial"
log "built in $((SECONDS - started))s"
echo "$dest"
