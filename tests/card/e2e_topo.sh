# e2e_topo.sh: the end-to-end topology (tests/card/e2e_gateway.sh; meant for
# `make demo` too), sourced as card_gw.sh is, which it builds on: card_gw.sh's
# host A, gateway G (the card, nicsecd) and charon R, and host B, a real host
# behind charon, R forwarding between its tunnel and B:
#
#   host A 10.1.0.2 == [card, G] == 192.0.2.2 charon, R == 10.2.0.1 lan0 == host B 10.2.0.2
#
# Sets B (its namespace) besides what card_gw.sh sets.
. tests/card/card_gw.sh

B=${P}b
gw_ns $B || exit 1
# charon's address inside local_ts (kernel-libipsec wants one) moves from lo
# to its link to host B
nsx $R ip addr del 10.2.0.1/24 dev lo
lan_host $B 10.2.0.2/24 10.2.0.1 $R lan0 || exit 1
nsx $R ip addr add 10.2.0.1/24 dev lan0
# decrypted packets come in on kernel-libipsec's TUN and leave by lan0
nsx $R sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
if nsx $B ping -c1 -W2 -q 10.2.0.1 >/dev/null 2>&1; then
	ok "host B reaches charon's namespace, its router"
else
	not_ok "host B: no ping to 10.2.0.1"; finish
fi
