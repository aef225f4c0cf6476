#!/usr/bin/env bash
# Makes src/main/resources/breached-passwords.txt, the list BreachedPasswords checks new passwords against (error
# 1315), from the password list that the Java library nbvcxz ships in its jar (MIT). Run by hand when the list should
# change; the build and the tests never fetch anything. Needs mvn, unzip and sha256sum; the same jar gives the same file.
set -euo pipefail
cd "$(dirname "$0")/.."

version=1.5.1
jar_sha256=e640b177c1fcc709a01afef8036061e04eac54b6f9024e4b457cc12f973fc93d
out=src/main/resources/breached-passwords.txt

mvn -q dependency:get -Dartifact="me.gosimple:nbvcxz:$version" -Dtransitive=false
jar="${MAVEN_REPOSITORY:-$HOME/.m2/repository}/me/gosimple/nbvcxz/$version/nbvcxz-$version.jar"
echo "$jar_sha256  $jar" | sha256sum -c --quiet -

{
  cat <<EOF
# The most common passwords of Mark Burnett's ten million passwords (2015, gathered from public breach dumps), most
# common first: its 100,000 most frequent, then nbvcxz's own two. Latchkey refuses a new password found here, case
# ignored, with error 1315 (tenant setting Security.RefuseBreachedPasswords, default true).
#
# Made by tools/breached-passwords.sh from dictionaries/passwords.txt in the jar me.gosimple:nbvcxz:$version (Maven
# Central, sha256 $jar_sha256):
# carriage returns removed, and the one entry starting with '#' left out ("#NAME?", a spreadsheet's error value, not
# a password), so that lines starting with '#' are comments. Nothing else is changed. nbvcxz does not say where its
# list comes from; its 100,000 are the widely copied "top 100,000" of Burnett's release, line for line.
#
# nbvcxz's licence (MIT):
#
EOF
  # nbvcxz's LICENSE, which its jar does not carry.
  sed 's/^/# /; s/ $//' <<'EOF'
Copyright (c) 2017, Adam Brusselback

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF
  unzip -p "$jar" dictionaries/passwords.txt | tr -d '\r' | grep -v '^#'
} > "$out"

echo "$out: $(grep -cv '^#' "$out") passwords"
