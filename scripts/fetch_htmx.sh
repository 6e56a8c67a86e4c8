#!/bin/sh
# Fetch the pinned htmx release with the npm client and check its checksum.
set -eu
version="$1"
sha256="$2"
dest="$3"
if ! command -v npm >/dev/null 2>&1; then
    sh "$(dirname "$0")/system_packages.sh" npm || {
        echo "npm is needed once to fetch htmx $version." >&2
        exit 1
    }
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@$version" >/dev/null)
tarball="$work/htmx.org-$version.tgz"
echo "$sha256  $tarball" | sha256sum -c --quiet -
tar -xzf "$tarball" -C "$work" package/dist/htmx.min.js
mkdir -p "$(dirname "$dest")"
cp "$work/package/dist/htmx.min.js" "$dest"
echo "htmx $version ready at $dest"
