#!/usr/bin/env bash
# Installs the Debian packages nicsec needs, if any are missing.
#
# Quiet and quick when everything is there (it only asks dpkg), so `make`
# can run it every time. Needs root to install; without root it says what
# to run instead and fails, rather than half-building later.
set -euo pipefail

# One package a line; add to this list, nowhere else.
PACKAGES="
	build-essential
	clang
	make
	pkg-config
	verilator
	yosys
	libssl-dev
	libcmocka-dev
	libpci-dev
	libcap-ng-dev
	python3
	python3-cryptography-vectors
	python3-scapy
	python3-cryptography
	iproute2
	iputils-ping
	socat
	nftables
	ethtool
	openssl
	strongswan-charon
	strongswan-swanctl
	libstrongswan
	libcharon-extra-plugins
	libstrongswan-extra-plugins
	libstrongswan-standard-plugins
"

missing=()
for pkg in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	if [ "$status" != "install ok installed" ]; then
		missing+=("$pkg")
	fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing ${missing[*]}; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
