#!/bin/sh
# Regenerate djangoes_backends_thrift/generated/ from elasticsearch.thrift.
# Needs the Apache Thrift compiler (Debian: apt-get install thrift-compiler); the package and
# its tests do not: the generated code is committed. Run from anywhere.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
package="$here/djangoes_backends_thrift"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
thrift --gen py:package_prefix=djangoes_backends_thrift.,slots -out "$out" "$package/elasticsearch.thrift"
rm -f "$out/generated/Rest-remote"
rm -rf "$package/generated"
mv "$out/generated" "$package/generated"
echo "regenerated $package/generated with $(thrift --version)"
