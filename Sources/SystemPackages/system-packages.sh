#!/bin/sh
# The Debian packages the suite needs (OpenBLAS, HDF5 with its tools, gnuplot, pkg-config, a font
# for the figures), installed with apt-get when missing; when all are there this is a few dpkg
# queries and prints nothing. Run by `make` (target deps) and, through the SystemPackages build-tool
# plugin (plugin.swift), at the start of every `swift build`, `swift run` and `swift test`, so a
# fresh machine needs no other step. Without dpkg (not Debian) it does nothing.
PACKAGES="libopenblas-dev libhdf5-dev hdf5-tools gnuplot-nox pkg-config fonts-liberation"
command -v dpkg >/dev/null 2>&1 || exit 0
missing=""
for p in $PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
[ -z "$missing" ] && exit 0
echo "installing system packages:$missing" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null; } >&2; then
    echo "error: could not install the system packages$missing; install them with" >&2
    echo "    sudo apt-get install --no-install-recommends$missing" >&2
    exit 1
fi
