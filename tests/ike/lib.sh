# tests/ike/lib.sh: a strongSwan peer harness for nicsecd's interop tests.
#
# Sourced by tests (bash). It builds network namespaces joined by veth,
# starts Debian's charon (kernel-libipsec, one per namespace, each with its
# own /run and vici socket), loads swanctl configurations, waits for and
# reads SAs, injects loss with nftables, and cleans up on EXIT.
#
# Everything a test starts stays inside namespaces it made; no traffic goes
# to any other address. See tests/ike/README.md for a walk-through.
#
# Conventions: NS is a namespace name, DIR an instance directory (one per
# charon: strongswan.conf, swanctl.conf, charon.log, charon.vici, charon.pid).
# Functions return non-zero on failure and say why on stderr; none exits.

# ---------------------------------------------------------------------------
# state and cleanup

IKE_CHARON=${IKE_CHARON:-/usr/lib/ipsec/charon}
IKE_PIDS=()	# PID:START of processes started here, ended at cleanup
IKE_NSES=()	# namespaces this harness made, deleted at cleanup
IKE_DIRS=()	# scratch directories, removed at cleanup unless IKE_KEEP=1

# ike_log MSG...: one line on stderr, prefixed, for progress and reasons.
ike_log() {
	echo "ike: $*" >&2
}

# (internal) PID's start time (clock ticks since boot, /proc/PID/stat
# field 22), or nothing if there is no such process: with the pid it names
# one process, so a pid the kernel has since handed to another is left be.
_ike_pid_start() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	set -- $stat
	echo "${20}"
}

# ike_track_pid PID: ends PID at cleanup (for a process a test starts
# itself, e.g. `cmd & ike_track_pid $!`).
ike_track_pid() {
	IKE_PIDS+=("$1:$(_ike_pid_start "$1")")
}

# ike_kill_pid PID[:START]: TERM, up to 3 s to go, then KILL; nothing if
# PID is gone or (with START) is no longer the process that was tracked.
ike_kill_pid() {
	local pid=${1%%:*} start i
	start=$(_ike_pid_start "$pid")
	[ -n "$start" ] || return 0
	case $1 in *:*) [ "${1#*:}" = "$start" ] || return 0 ;; esac
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 30); do
		[ "$(_ike_pid_start "$pid")" = "$start" ] || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	return 0
}

# ike_teardown: ends every process started here (by pid), then every
# process still in a namespace made here (`ip netns pids`: they outlive
# `ip netns del`), and deletes the namespaces. Instance directories stay,
# so a test can read their logs, or build the next case's topology.
ike_teardown() {
	local pid ns
	for pid in "${IKE_PIDS[@]}"; do
		ike_kill_pid "$pid"
	done
	IKE_PIDS=()
	for ns in "${IKE_NSES[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			ike_kill_pid "$pid"
		done
		ip netns del "$ns" 2>/dev/null
	done
	IKE_NSES=()
}

# ike_cleanup: ike_teardown, then removes the scratch directories unless
# IKE_KEEP=1 (then it names them). The EXIT trap ike_init installs; safe to
# call twice.
ike_cleanup() {
	local d
	ike_teardown
	if [ "${IKE_KEEP:-0}" = 1 ]; then
		[ ${#IKE_DIRS[@]} -gt 0 ] && ike_log "kept ${IKE_DIRS[*]}"
	else
		for d in "${IKE_DIRS[@]}"; do
			rm -rf -- "$d"
		done
	fi
	IKE_DIRS=()
}

# ike_init: checks root and the tools, installs ike_cleanup as the EXIT
# trap (and on INT/TERM), and makes IKE_WORK, a scratch directory for the
# test's instance directories. Call it once, before anything else.
ike_init() {
	local t
	if [ "$(id -u)" -ne 0 ]; then
		ike_log "needs root (network namespaces)"
		return 1
	fi
	for t in ip nft swanctl python3 openssl unshare "$IKE_CHARON"; do
		if ! command -v "$t" >/dev/null; then
			ike_log "missing $t: run scripts/install-deps.sh"
			return 1
		fi
	done
	trap ike_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	IKE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/nicsec-ike.XXXXXX") || return 1
	IKE_DIRS+=("$IKE_WORK")
}

# ---------------------------------------------------------------------------
# topology

# ike_ns NAME: makes namespace NAME (deleted at cleanup) with lo up.
ike_ns() {
	ip netns add "$1" || return 1
	IKE_NSES+=("$1")
	ip -n "$1" link set lo up
}

# ike_topo PREFIX [LEFT_WAN RIGHT_WAN]: two namespaces, PREFIX-left and
# PREFIX-right, joined by a veth (wan0 on both sides) with LEFT_WAN and
# RIGHT_WAN (CIDR; default 192.0.2.1/24 and 192.0.2.2/24). Each owns an
# address inside its local traffic selector on lo, 10.1.0.1/24 left and
# 10.2.0.1/24 right (kernel-libipsec refuses to install a CHILD_SA's policy
# when the namespace has no address inside local_ts).
# Sets IKE_LEFT, IKE_RIGHT (namespaces), IKE_LEFT_IP, IKE_RIGHT_IP (WAN
# addresses charon binds to), IKE_LEFT_LAN, IKE_RIGHT_LAN (the inner
# addresses), IKE_LEFT_NET, IKE_RIGHT_NET (the local traffic selectors).
ike_topo() {
	local p=$1 lw=${2:-192.0.2.1/24} rw=${3:-192.0.2.2/24}
	IKE_LEFT=$p-left IKE_RIGHT=$p-right
	ike_ns "$IKE_LEFT" && ike_ns "$IKE_RIGHT" || return 1
	ip link add wan0 netns "$IKE_LEFT" type veth \
		peer name wan0 netns "$IKE_RIGHT" || return 1
	ip -n "$IKE_LEFT" addr add "$lw" dev wan0
	ip -n "$IKE_RIGHT" addr add "$rw" dev wan0
	ip -n "$IKE_LEFT" link set wan0 up
	ip -n "$IKE_RIGHT" link set wan0 up
	IKE_LEFT_IP=${lw%/*} IKE_RIGHT_IP=${rw%/*}
	_ike_lan || return 1
	_ike_wait_link "$IKE_LEFT" "$IKE_RIGHT_IP"
}

# ike_topo_nat PREFIX: like ike_topo, with a third namespace PREFIX-nat in
# the middle: left 10.99.0.2/24 on wan0 behind the NAT (10.99.0.1 on in0),
# whose outside is 192.0.2.1/24 on out0, facing right 192.0.2.2/24. The NAT
# masquerades what left sends (nftables, table ip nat), so right sees left
# as 192.0.2.1; nothing reaches left unsolicited. Sets what ike_topo sets
# (IKE_LEFT_IP=10.99.0.2) plus IKE_NAT (namespace) and IKE_NAT_IP
# (192.0.2.1, left's address as right sees it).
ike_topo_nat() {
	local p=$1
	IKE_LEFT=$p-left IKE_RIGHT=$p-right IKE_NAT=$p-nat
	ike_ns "$IKE_LEFT" && ike_ns "$IKE_RIGHT" && ike_ns "$IKE_NAT" ||
		return 1
	ip link add wan0 netns "$IKE_LEFT" type veth \
		peer name in0 netns "$IKE_NAT" || return 1
	ip link add out0 netns "$IKE_NAT" type veth \
		peer name wan0 netns "$IKE_RIGHT" || return 1
	ip -n "$IKE_LEFT" addr add 10.99.0.2/24 dev wan0
	ip -n "$IKE_NAT" addr add 10.99.0.1/24 dev in0
	ip -n "$IKE_NAT" addr add 192.0.2.1/24 dev out0
	ip -n "$IKE_RIGHT" addr add 192.0.2.2/24 dev wan0
	ip -n "$IKE_LEFT" link set wan0 up
	ip -n "$IKE_NAT" link set in0 up
	ip -n "$IKE_NAT" link set out0 up
	ip -n "$IKE_RIGHT" link set wan0 up
	ip -n "$IKE_LEFT" route add default via 10.99.0.1
	ip netns exec "$IKE_NAT" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$IKE_NAT" nft -f - <<-'EOF' || return 1
		table ip nat {
			chain post {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "out0" masquerade
			}
		}
	EOF
	IKE_LEFT_IP=10.99.0.2 IKE_RIGHT_IP=192.0.2.2 IKE_NAT_IP=192.0.2.1
	_ike_lan || return 1
	_ike_wait_link "$IKE_LEFT" "$IKE_RIGHT_IP"
}

# (internal) the inner addresses, on lo of each side.
_ike_lan() {
	IKE_LEFT_LAN=10.1.0.1 IKE_RIGHT_LAN=10.2.0.1
	IKE_LEFT_NET=10.1.0.0/24 IKE_RIGHT_NET=10.2.0.0/24
	ip -n "$IKE_LEFT" addr add "$IKE_LEFT_LAN/24" dev lo &&
		ip -n "$IKE_RIGHT" addr add "$IKE_RIGHT_LAN/24" dev lo
}

# (internal) waits up to 5 s until NS reaches ADDR (ping; only namespace
# addresses are ever pinged).
_ike_wait_link() {
	local i
	for i in $(seq 25); do
		ip netns exec "$1" ping -c1 -W1 -q "$2" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	ike_log "no link from $1 to $2"
	return 1
}

# ---------------------------------------------------------------------------
# charon

# charon_start NS DIR [KEY=VALUE...]: writes DIR/strongswan.conf and starts
# charon in NS with a private /run (unshare -m, tmpfs: each charon has its
# own pid file), its vici socket at DIR/charon.vici and its log in
# DIR/charon.log (ike 2, cfg 2, knl 1, net 1, the rest 1; stdout/stderr in
# DIR/charon.out). Test timings: retransmit_timeout 0.5 s, base 1.4, 6 tries
# (gives up after ~12 s). Each KEY=VALUE is a charon setting in dotted form,
# e.g. retransmit_tries=3 or plugins.kernel-libipsec.allow_peer_ts=yes, and
# overrides the default. Waits until vici answers (`swanctl --stats`, up to
# 10 s), then records charon's PID:START in DIR/charon.pid (see
# ike_kill_pid); ended at cleanup if not before.
charon_start() {
	local ns=$1 dir=$2 kv key val pid i
	shift 2
	mkdir -p "$dir" || return 1
	dir=$(cd "$dir" && pwd)
	cat >"$dir/strongswan.conf" <<-EOF
		# written by tests/ike/lib.sh charon_start for namespace $ns
		charon {
			load = random nonce openssl pem pkcs1 pkcs8 x509 revocation constraints pubkey curve25519 aes sha1 sha2 hmac gcm kdf kernel-libipsec kernel-netlink socket-default vici updown
			install_routes = yes
			install_virtual_ip = no
			retransmit_timeout = 0.5
			retransmit_base = 1.4
			retransmit_tries = 6
			retransmit_jitter = 0
			half_open_timeout = 15
			keep_alive = 5s
			plugins {
				vici {
					socket = unix://$dir/charon.vici
				}
				socket-default {
					use_ipv6 = no
				}
			}
			filelog {
				test {
					path = $dir/charon.log
					time_format = %H:%M:%S
					ike_name = yes
					append = no
					flush_line = yes
					default = 1
					ike = 2
					cfg = 2
					knl = 1
					net = 1
				}
			}
			syslog {
			}
		}
		swanctl {
			load = pem pkcs1 pkcs8 x509 revocation constraints pubkey openssl random
		}
	EOF
	for kv in "$@"; do
		key=${kv%%=*} val=${kv#*=}
		_ike_dotted "$key" "$val" >>"$dir/strongswan.conf"
	done
	rm -f "$dir/charon.vici" "$dir/charon.pid"
	# ip netns exec, unshare (no --fork) and sh's exec keep one pid: $! is
	# charon's.
	ip netns exec "$ns" unshare -m sh -c \
		'mount -t tmpfs tmpfs /run && STRONGSWAN_CONF="$1/strongswan.conf" exec "$2"' \
		sh "$dir" "$IKE_CHARON" >"$dir/charon.out" 2>&1 &
	pid=$!
	ike_track_pid "$pid"
	for i in $(seq 100); do
		if ! kill -0 "$pid" 2>/dev/null; then
			ike_log "charon in $ns died; see $dir/charon.out, $dir/charon.log"
			return 1
		fi
		if [ -S "$dir/charon.vici" ] &&
			swanctl --stats --uri "unix://$dir/charon.vici" >/dev/null 2>&1; then
			echo "${IKE_PIDS[-1]}" >"$dir/charon.pid"
			return 0
		fi
		sleep 0.1
	done
	ike_log "charon in $ns: vici never answered at $dir/charon.vici"
	return 1
}

# (internal) KEY VALUE as a charon { a { b { c = VALUE } } } section.
_ike_dotted() {
	local key=$1 val=$2 open="charon {" close="}"
	local IFS=.
	set -- $key
	while [ $# -gt 1 ]; do
		open="$open $1 {"
		close="$close }"
		shift
	done
	echo "$open $1 = $val $close"
}

# charon_stop NS DIR: ends the charon started in NS for DIR, by its pid,
# and waits for it (TERM, then KILL after 3 s).
charon_stop() {
	local dir=$2 pid p keep=()
	pid=$(cat "$dir/charon.pid" 2>/dev/null) || {
		ike_log "charon_stop: no $dir/charon.pid"
		return 1
	}
	ike_kill_pid "$pid"
	for p in "${IKE_PIDS[@]}"; do
		[ "$p" = "$pid" ] || keep+=("$p")
	done
	IKE_PIDS=("${keep[@]}")
	rm -f "$dir/charon.pid"
}

# swanctl_in NS DIR ARGS...: runs swanctl in NS against DIR's charon:
# `swanctl ARGS... --uri unix://DIR/charon.vici` (the command comes first in
# ARGS, e.g. --initiate --child net), with SWANCTL_DIR=DIR (swanctl.conf and
# the credential folders x509ca, x509, private, ... are looked for in DIR;
# with --file F, swanctl looks for them beside F instead).
swanctl_in() {
	local ns=$1 dir=$2
	shift 2
	SWANCTL_DIR="$dir" STRONGSWAN_CONF="$dir/strongswan.conf" \
		ip netns exec "$ns" swanctl "$@" --uri "unix://$dir/charon.vici"
}

# ---------------------------------------------------------------------------
# swanctl.conf

# swanctl_conf NS DIR: writes standard input to DIR/swanctl.conf and loads
# it into DIR's charon (`swanctl --load-all --file DIR/swanctl.conf`, which
# also loads the credentials in DIR/x509ca, DIR/x509, DIR/private, ...: see
# make_certs). Output of the load goes to DIR/swanctl-load.out; fails if
# swanctl does. Typical use:
#	{ charon_conn gw ...; charon_psk left right secret; } |
#		swanctl_conf "$IKE_LEFT" "$dir"
swanctl_conf() {
	local ns=$1 dir=$2
	cat >"$dir/swanctl.conf" || return 1
	if ! swanctl_in "$ns" "$dir" --load-all --noprompt \
		--file "$dir/swanctl.conf" >"$dir/swanctl-load.out" 2>&1; then
		ike_log "swanctl --load-all failed in $ns:"
		sed 's/^/  /' "$dir/swanctl-load.out" >&2
		return 1
	fi
}

# charon_conn NAME [KEY=VALUE...]: prints a swanctl.conf `connections`
# block for connection NAME with one child. A plain KEY is a connection
# setting (local_addrs, remote_addrs, proposals, encap, dpd_delay,
# rekey_time, mobike, ...); local.KEY and remote.KEY go to the local and
# remote auth rounds (auth, id, certs, ...); child.KEY goes to the child
# (local_ts, remote_ts, esp_proposals, start_action, rekey_time,
# life_time, dpd_action, ...); child=NAME names the child (default net).
# Defaults: version 2, mobike no, local.auth and remote.auth psk,
# child.mode tunnel. A later KEY=VALUE overrides an earlier one. Values are
# written as given (lists comma-separated, as swanctl.conf takes them).
# Example:
#	charon_conn gw local_addrs=192.0.2.1 remote_addrs=192.0.2.2 \
#		proposals=aes256gcm16-prfsha384-ecp384 encap=yes \
#		local.id=left remote.id=right \
#		child.local_ts=10.1.0.0/24 child.remote_ts=10.2.0.0/24 \
#		child.esp_proposals=aes128gcm16 child.start_action=none
charon_conn() {
	local name=$1 child=net kv key val
	shift
	declare -A c=([version]=2 [mobike]=no) l=([auth]=psk) r=([auth]=psk) \
		ch=([mode]=tunnel)
	local corder=(version mobike) lorder=(auth) rorder=(auth) chorder=(mode)
	for kv in "$@"; do
		key=${kv%%=*} val=${kv#*=}
		case $key in
		child) child=$val ;;
		local.*)
			key=${key#local.}
			[ -n "${l[$key]+x}" ] || lorder+=("$key")
			l[$key]=$val ;;
		remote.*)
			key=${key#remote.}
			[ -n "${r[$key]+x}" ] || rorder+=("$key")
			r[$key]=$val ;;
		child.*)
			key=${key#child.}
			[ -n "${ch[$key]+x}" ] || chorder+=("$key")
			ch[$key]=$val ;;
		*)
			[ -n "${c[$key]+x}" ] || corder+=("$key")
			c[$key]=$val ;;
		esac
	done
	echo "connections {"
	echo "	$name {"
	for key in "${corder[@]}"; do echo "		$key = ${c[$key]}"; done
	echo "		local {"
	for key in "${lorder[@]}"; do echo "			$key = ${l[$key]}"; done
	echo "		}"
	echo "		remote {"
	for key in "${rorder[@]}"; do echo "			$key = ${r[$key]}"; done
	echo "		}"
	echo "		children {"
	echo "			$child {"
	for key in "${chorder[@]}"; do echo "				$key = ${ch[$key]}"; done
	echo "			}"
	echo "		}"
	echo "	}"
	echo "}"
}

# charon_psk ID1 ID2 SECRET: prints a swanctl.conf `secrets` block with an
# IKE pre-shared key SECRET for the identities ID1 and ID2 (the section is
# named after them, so several can be printed into one file).
charon_psk() {
	local tag
	tag=$(printf '%s-%s' "$1" "$2" | tr -c 'A-Za-z0-9\n' '_')
	printf 'secrets {\n\tike-%s {\n\t\tid-1 = %s\n\t\tid-2 = %s\n' \
		"$tag" "$1" "$2"
	printf '\t\tsecret = "%s"\n\t}\n}\n' "$3"
}

# make_certs PKI [ID...]: makes, with OpenSSL, in directory PKI: a CA
# (ECDSA P-256, CN=nicsec test CA or CN=$IKE_CA_CN, 30 days) and, for each ID (default
# left.nicsec.test right.nicsec.test), an ECDSA P-256 and an RSA 2048 host
# certificate signed by it, CN=ID and subjectAltName DNS:ID (so the ID is
# the certificate's IKE identity). Laid out as swanctl wants it:
#	PKI/x509ca/ca.pem                     the CA certificate (PKI/ca.key)
#	PKI/x509/ID-ecdsa.pem, ID-rsa.pem     host certificates
#	PKI/private/ID-ecdsa.pem, ID-rsa.pem  their keys (PKCS#8, unencrypted)
# certs_install copies one host's share into an instance directory.
make_certs() {
	local dir=$1 id kind
	shift
	[ $# -gt 0 ] || set -- left.nicsec.test right.nicsec.test
	mkdir -p "$dir/x509ca" "$dir/x509" "$dir/private" || return 1
	(
		set -e
		cd "$dir"
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
			-out ca.key 2>/dev/null
		openssl req -x509 -new -key ca.key -subj "/CN=${IKE_CA_CN:-nicsec test CA}" \
			-days 30 -sha256 -out x509ca/ca.pem \
			-addext basicConstraints=critical,CA:true \
			-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
		for id in "$@"; do
			for kind in ecdsa rsa; do
				if [ "$kind" = ecdsa ]; then
					openssl genpkey -algorithm EC \
						-pkeyopt ec_paramgen_curve:P-256 \
						-out "private/$id-$kind.pem" 2>/dev/null
				else
					openssl genpkey -algorithm RSA \
						-pkeyopt rsa_keygen_bits:2048 \
						-out "private/$id-$kind.pem" 2>/dev/null
				fi
				openssl req -new -key "private/$id-$kind.pem" \
					-subj "/CN=$id" -out "$id-$kind.csr" 2>/dev/null
				printf '%s\n' "subjectAltName=DNS:$id" \
					"keyUsage=critical,digitalSignature" \
					"extendedKeyUsage=serverAuth,clientAuth" \
					>"$id-$kind.ext"
				openssl x509 -req -in "$id-$kind.csr" -CA x509ca/ca.pem \
					-CAkey ca.key -CAcreateserial -days 30 -sha256 \
					-extfile "$id-$kind.ext" \
					-out "x509/$id-$kind.pem" 2>/dev/null
				rm -f "$id-$kind.csr" "$id-$kind.ext"
			done
		done
		chmod 600 private/*.pem ca.key
	) || {
		ike_log "make_certs: openssl failed in $dir"
		return 1
	}
}

# certs_install PKI DIR ID [ecdsa|rsa]: copies the CA certificate and ID's
# certificate and key (ECDSA unless rsa) from PKI (make_certs) into instance
# directory DIR's x509ca, x509 and private folders, where swanctl_conf's
# --load-all finds them. In charon_conn then: local.auth=pubkey
# local.certs=ID-ecdsa.pem local.id=ID remote.auth=pubkey remote.id=PEER.
certs_install() {
	local pki=$1 dir=$2 id=$3 kind=${4:-ecdsa}
	mkdir -p "$dir/x509ca" "$dir/x509" "$dir/private" &&
	cp "$pki/x509ca/ca.pem" "$dir/x509ca/" &&
	cp "$pki/x509/$id-$kind.pem" "$dir/x509/" &&
	cp "$pki/private/$id-$kind.pem" "$dir/private/" &&
	chmod 600 "$dir/private/$id-$kind.pem"
}

# ---------------------------------------------------------------------------
# SAs

# sa_json NS DIR: the SAs of DIR's charon, one JSON object a line (sorted
# keys), parsed from `swanctl --list-sas --pretty` by sa_parse.py:
#   IKE SA:   type "ike", conn, uniqueid, state, spi_i, spi_r, initiator
#             (yes/no: this side initiated), local, remote (ADDR[PORT]),
#             local_id, remote_id, nat (who is behind a NAT as this side
#             sees it: local, remote, both, none; with kernel-libipsec
#             the peer always looks NATed, see README.md), nat_fake
#             (charon's nat-fake flag), encr, keysize, integ, prf, dh
#   CHILD SA: type "child", conn, child, uniqueid, reqid, state, mode,
#             protocol, encap (yes/no), spi_in, spi_out, encr, keysize,
#             integ, dh, local_ts, remote_ts (space-separated),
#             bytes_in, bytes_out, packets_in, packets_out
# SPIs are lowercase hex as swanctl prints them (IKE 16 digits, ESP 8);
# algorithms as strongSwan names them (AES_GCM_16, PRF_HMAC_SHA2_384,
# ECP_384); a field the SA does not have is "" (integ with an AEAD, the
# CHILD_SA's dh unless PFS). All values are strings. Example line:
#   {"child": "net", "conn": "gw", "encap": "yes", "encr": "AES_GCM_16",
#    "keysize": "128", "spi_in": "c8f2a0e1", "spi_out": "cd0e0b9a",
#    "state": "INSTALLED", "type": "child", ...}
sa_json() {
	swanctl_in "$1" "$2" --list-sas --pretty 2>/dev/null |
		python3 -I -S "$IKE_LIB_DIR/sa_parse.py"
}

# sa_field NS DIR CONN CHILD FIELD: prints FIELD (a name from sa_json) of
# each SA of connection CONN, one a line: of the IKE SA when CHILD is -,
# else of each CHILD_SA named CHILD (two while a rekey overlaps: INSTALLED
# first). E.g. `sa_field "$IKE_LEFT" "$dir" gw net spi_out`.
sa_field() {
	swanctl_in "$1" "$2" --list-sas --pretty 2>/dev/null |
		python3 -I -S "$IKE_LIB_DIR/sa_parse.py" --field "$3" "$4" "$5"
}

# sa_get JSON CONN CHILD FIELD: like sa_field, from JSON, a saved sa_json
# output (a string), in bash alone (no process: for tests that read many
# fields of one snapshot); prints one value, of an INSTALLED CHILD_SA if
# there is one. E.g.
#	snap=$(sa_json "$IKE_LEFT" "$dir"); sa_get "$snap" gw net spi_in
sa_get() {
	local json=$1 conn=$2 child=$3 field=$4 line first="" v re
	re="\"$field\": \"([^\"]*)\""
	while IFS= read -r line; do
		[[ $line == *"\"conn\": \"$conn\""* ]] || continue
		if [ "$child" = - ]; then
			[[ $line == *'"type": "ike"'* ]] || continue
		else
			[[ $line == *'"type": "child"'* &&
				$line == *"\"child\": \"$child\""* ]] || continue
		fi
		[[ $line =~ $re ]] || continue
		v=${BASH_REMATCH[1]}
		if [ "$child" = - ] || [[ $line == *'"state": "INSTALLED"'* ]]; then
			echo "$v"
			return 0
		fi
		[ -n "$first" ] || first=x$v
	done <<<"$json"
	[ -n "$first" ] && echo "${first#x}"
	return 0
}

# sa_up NS DIR CONN CHILD: succeeds if DIR's charon has CONN's IKE SA
# ESTABLISHED and (unless CHILD is -) its CHILD_SA CHILD INSTALLED.
sa_up() {
	swanctl_in "$1" "$2" --list-sas --pretty 2>/dev/null |
		python3 -I -S "$IKE_LIB_DIR/sa_parse.py" --up "$3" "$4"
}

# wait_sa NS DIR CONN CHILD TIMEOUT: waits up to TIMEOUT seconds (whole)
# until sa_up NS DIR CONN CHILD. Returns 1 on time-out, with the SAs it
# last saw on stderr.
wait_sa() {
	local ns=$1 dir=$2 conn=$3 child=$4 end=$((SECONDS + $5))
	until sa_up "$ns" "$dir" "$conn" "$child"; do
		if [ $SECONDS -ge $end ]; then
			ike_log "wait_sa: $conn/$child not up in $ns after ${5}s; SAs:"
			sa_json "$ns" "$dir" | sed 's/^/  /' >&2
			return 1
		fi
		sleep 0.2
	done
}

# ---------------------------------------------------------------------------
# loss injection (nftables, numgen random; no netem in this kernel)

# (internal) table inet ike_loss with input and output filter chains in NS.
_ike_loss_table() {
	ip netns exec "$1" nft -f - <<-'EOF'
		table inet ike_loss {
			chain in {
				type filter hook input priority filter; policy accept;
			}
			chain out {
				type filter hook output priority filter; policy accept;
			}
		}
	EOF
}

# drop_udp NS PORT PERCENT: drops PERCENT % (integer 0..100) of UDP packets
# to or from PORT in NS, each way independently (numgen random mod 100 <
# PERCENT), on input and output. Add more with further calls; remove all
# with drop_clear. Note: on 4500 this hits IKE and ESP-in-UDP alike.
drop_udp() {
	local ns=$1 port=$2 pct=$3 ch
	_ike_loss_table "$ns" || return 1
	for ch in in out; do
		ip netns exec "$ns" nft add rule inet ike_loss "$ch" \
			udp dport "$port" numgen random mod 100 lt "$pct" counter drop &&
		ip netns exec "$ns" nft add rule inet ike_loss "$ch" \
			udp sport "$port" udp dport != "$port" \
			numgen random mod 100 lt "$pct" counter drop || return 1
	done
}

# drop_esp NS [PERCENT]: drops PERCENT % (default 100: a black hole) of the
# ESP packets NS sends and receives, and nothing else: ESP-in-UDP on port
# 4500 (the 4 bytes after the UDP header are the SPI, never 0; IKE on 4500
# starts with the 4-byte zero non-ESP marker; NAT-T keepalives are 1 byte,
# 0xff, so they are no ESP either) and raw ESP (IP protocol 50). The match:
#	udp dport 4500 udp length > 12 @th,64,32 != 0
# (th = transport header; bit 64 is the first byte after the 8-byte UDP
# header).
drop_esp() {
	local ns=$1 pct=${2:-100} ch rand=""
	_ike_loss_table "$ns" || return 1
	[ "$pct" -lt 100 ] && rand="numgen random mod 100 lt $pct"
	for ch in in out; do
		ip netns exec "$ns" nft add rule inet ike_loss "$ch" \
			udp dport 4500 udp length gt 12 @th,64,32 != 0 $rand \
			counter drop &&
		ip netns exec "$ns" nft add rule inet ike_loss "$ch" \
			udp sport 4500 udp dport != 4500 udp length gt 12 \
			@th,64,32 != 0 $rand counter drop || return 1
		ip netns exec "$ns" nft add rule inet ike_loss "$ch" \
			meta l4proto esp $rand counter drop || return 1
	done
}

# drop_clear NS: removes every loss rule drop_udp and drop_esp put in NS.
drop_clear() {
	ip netns exec "$1" nft delete table inet ike_loss 2>/dev/null
	return 0
}

# drop_counts NS: the loss rules in NS with their packet counters (nft's
# own listing), to show what was dropped.
drop_counts() {
	ip netns exec "$1" nft list table inet ike_loss 2>/dev/null
}

IKE_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---------------------------------------------------------------------------
# nicsecd

IKE_NICSECD=${IKE_NICSECD:-$IKE_LIB_DIR/../../build/nicsecd}
IKE_NICSECCTL=${IKE_NICSECCTL:-$IKE_LIB_DIR/../../build/nicsecctl}

# nicsecd_start NS DIR [ARG...]: starts nicsecd in NS with DIR/nicsecd.conf
# (write it first; charon_conn and charon_psk print the same syntax),
# `--dataplane none` unless ARGs give one, its control socket at
# DIR/nicsecd.sock and its log in DIR/nicsecd.log; waits until the socket
# answers (up to 5 s); the PID:START goes to DIR/nicsecd.pid.
nicsecd_start() {
	local ns=$1 dir=$2 pid i dp=(--dataplane none)
	shift 2
	case " $* " in *" --dataplane "*) dp=() ;; esac
	rm -f "$dir/nicsecd.sock" "$dir/nicsecd.pid"
	ip netns exec "$ns" "$IKE_NICSECD" -c "$dir/nicsecd.conf" "${dp[@]}" \
		--socket "$dir/nicsecd.sock" --foreground "$@" \
		>>"$dir/nicsecd.log" 2>&1 &
	pid=$!
	ike_track_pid "$pid"
	for i in $(seq 50); do
		if ! kill -0 "$pid" 2>/dev/null; then
			ike_log "nicsecd in $ns died:"
			tail -5 "$dir/nicsecd.log" >&2
			return 1
		fi
		if nicsecctl_in "$ns" "$dir" log-level >/dev/null 2>&1; then
			echo "${IKE_PIDS[-1]}" >"$dir/nicsecd.pid"
			return 0
		fi
		sleep 0.1
	done
	ike_log "nicsecd in $ns: no answer on $dir/nicsecd.sock"
	return 1
}

# nicsecd_stop NS DIR: SIGTERM (nicsecd deletes its IKE SAs, telling the
# peers), and waits for it to go.
nicsecd_stop() {
	local pid p keep=()
	pid=$(cat "$2/nicsecd.pid" 2>/dev/null) || return 0
	ike_kill_pid "$pid"
	for p in "${IKE_PIDS[@]}"; do
		[ "$p" = "$pid" ] || keep+=("$p")
	done
	IKE_PIDS=("${keep[@]}")
	rm -f "$2/nicsecd.pid"
}

# nicsecctl_in NS DIR ARGS...: nicsecctl --socket DIR/nicsecd.sock ARGS.
nicsecctl_in() {
	local ns=$1 dir=$2
	shift 2
	ip netns exec "$ns" "$IKE_NICSECCTL" --socket "$dir/nicsecd.sock" "$@"
}

# nicsecd_wait NS DIR N TIMEOUT: waits up to TIMEOUT seconds until nicsecd
# has N IKE SAs ESTABLISHED, each with every CHILD_SA it has INSTALLED
# (or REKEYED: a rekey's old one, its inbound SA kept a few seconds) and at
# least one INSTALLED.
nicsecd_wait() {
	local end=$((SECONDS + $4)) js
	while :; do
		js=$(nicsecctl_in "$1" "$2" list-sas --json 2>/dev/null) ||
			js='{"ike_sas":[]}'
		python3 -I -S -c '
import json, sys
sas = json.load(sys.stdin)["ike_sas"]
up = [s for s in sas if s["state"] == "ESTABLISHED" and
      any(c["state"] == "INSTALLED" for c in s["children"]) and
      all(c["state"] in ("INSTALLED", "REKEYED") for c in s["children"])]
sys.exit(0 if len(up) >= int(sys.argv[1]) else 1)' "$3" <<<"$js" \
			2>/dev/null && return 0
		if [ $SECONDS -ge $end ]; then
			ike_log "nicsecd_wait: not $3 tunnels up after ${4}s:"
			nicsecctl_in "$1" "$2" list-sas >&2
			return 1
		fi
		sleep 0.2
	done
}

# sa_consistent WHAT EXPECT NS_OURS DIR_OURS NS_CHARON DIR_CHARON: nicsecd's
# SAs and charon's alike (sa_match.py, EXPECT IKE SAs), each of charon's
# CHILD_SAs INSTALLED and one of ours, none of ours staged: nothing
# half-installed on either end.  Tried a few times, since a rekey may be
# under way at the moment of looking; ok or not_ok (tests/checks.sh).
sa_consistent() {
	local what=$1 n=$2 ns=$3 dir=$4 cns=$5 cdir=$6 i out="" extra=""
	for i in $(seq 10); do
		# an old IKE SA whose DELETE is still being retransmitted holds
		# nothing (charon dropped it on the first; the answer was lost)
		nicsecctl_in "$ns" "$dir" list-sas --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
j["ike_sas"] = [s for s in j["ike_sas"] if s["state"] != "DELETING" or s["children"]]
json.dump(j, sys.stdout)' >"$dir/ours.json"
		sa_json "$cns" "$cdir" >"$cdir/theirs.json"
		out=$(python3 "$IKE_LIB_DIR/sa_match.py" "$dir/ours.json" "$cdir/theirs.json" --expect "$n") &&
		extra=$(python3 - "$dir/ours.json" "$cdir/theirs.json" <<-'PY'
			import json, sys
			ours = json.load(open(sys.argv[1]))["ike_sas"]
			theirs = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
			mine = {c["spi_out"] for s in ours for c in s["children"] if c["state"] == "INSTALLED"}
			bad = [c for s in ours for c in s["children"] if c.get("outbound") == "staged"]
			# charon keeps a CHILD_SA it deleted a few seconds, DELETED
			# (its delete_rekeyed_delay): going, not half-installed
			bad += [r for r in theirs if r["type"] == "child" and
			        (r["state"] not in ("INSTALLED", "DELETED") or
			         r["state"] == "INSTALLED" and r["spi_in"] not in mine)]
			bad += [r for r in theirs if r["type"] == "ike" and r["state"] != "ESTABLISHED"]
			for b in bad:
			    print(b)
			sys.exit(1 if bad else 0)
			PY
		) && {
			ok "$what: $(grep -c 'INSTALLED on both' <<<"$out") CHILD_SAs and $(grep -c 'ESTABLISHED on both' <<<"$out") IKE SAs alike on both ends, nothing half-installed"
			return 0
		}
		sleep 0.4
	done
	not_ok "$what:"$'\n'"$out"$'\n'"$extra"
	return 1
}
