# nicsec top-level build. `make` builds, `make test` installs what is missing,
# builds and runs every test. See README.md.

BUILD    ?= build
LANES_ALL = 1 2 4
CC       ?= cc
CXX      ?= c++
CFLAGS   ?= -O2 -g -Wall -Wextra -Werror=implicit-function-declaration
VERILATOR ?= verilator
VFLAGS    = -Wall -Wno-DECLFILENAME --x-assign fast --x-initial fast -O3
# Parameters a bench sets on its top module, by bench name
gcm_VG    = -GUSER_W=16
splice_VG = -GUSER_W=16
spliceov_VG = -GUSER_W=16 -GOVERLAP=1
hdrcap_VG = -GUSER_W=16
counter2_VG = -GFIELDS=2
# (the frame FIFO's bench is told DEPTH_AW too: room for two jumbo frames at LANES 1)
framefifo_VG = -GDEPTH_AW=11 -GMETA_W=16 -CFLAGS -DDEPTH_AW=11
route_VG  = -GN_OUT=3 -GMETA_W=16 -GD_AW=2
arb_VG    = -GN_IN=3 -GUSER_W=8
export BUILD

RTL_GCM = rtl/gcm_engine.v rtl/gcm_front.v rtl/aes_pipe.v rtl/aes_round.v \
          rtl/aes_sbox.v rtl/gcm_key_loader.v rtl/ghash_acc.v rtl/gf128_clmul.v \
          rtl/gf128_reduce.v rtl/gf128_mul_serial.v rtl/ram_sdp.v rtl/sync_fifo.v \
          rtl/delay_line.v

SIM_GCM_C = sim/gcm/cavp.c sim/gcm/gcm_ref.c
SIM_GCM_H = sim/gcm/cavp.h sim/gcm/gcm_ref.h

.PHONY: all deps test unit-build unit-test lint bench synth clean demo

all: deps $(VTBS) unit-build

deps:
	@bash scripts/install-deps.sh

# --- Verilator test benches, one build per LANES value ----------------------
# The C helpers (NIST reader, OpenSSL oracle) are built as C, apart from the C++
# that Verilator compiles.
$(BUILD)/sim/libgcmref.a: $(SIM_GCM_C) $(SIM_GCM_H)
	@mkdir -p $(BUILD)/sim
	$(CC) $(CFLAGS) -c -o $(BUILD)/sim/cavp.o sim/gcm/cavp.c
	$(CC) $(CFLAGS) -c -o $(BUILD)/sim/gcm_ref.o sim/gcm/gcm_ref.c
	ar rcs $@ $(BUILD)/sim/cavp.o $(BUILD)/sim/gcm_ref.o

$(BUILD)/sim/libsimcommon.a: sim/common/pcap.c sim/common/pcap.h
	@mkdir -p $(BUILD)/sim
	$(CC) $(CFLAGS) -c -o $(BUILD)/sim/pcap.o sim/common/pcap.c
	ar rcs $@ $(BUILD)/sim/pcap.o

# The record layouts' Verilog and C views, generated from regmap/ (one source)
GEN = $(BUILD)/gen/sa_record.vh $(BUILD)/gen/sa_record.h
$(BUILD)/gen/sa_record.vh $(BUILD)/gen/sa_record.h &: regmap/sa_record.def scripts/gen_regmap.py
	python3 scripts/gen_regmap.py regmap/sa_record.def $(BUILD)/gen
# BAR0's register map (regmap/bar0.def): Verilog, C, and the page docs/bar0.md is
# (`make regmap-docs` copies it there; the bar0-docs suite checks they agree)
GEN += $(BUILD)/gen/bar0.vh $(BUILD)/gen/bar0.h $(BUILD)/gen/bar0.md
$(BUILD)/gen/bar0.vh $(BUILD)/gen/bar0.h $(BUILD)/gen/bar0.md &: regmap/bar0.def regmap/sa_record.def \
                                                              scripts/gen_regmap.py
	python3 scripts/gen_regmap.py regmap/bar0.def $(BUILD)/gen
.PHONY: regmap-docs
regmap-docs: $(BUILD)/gen/bar0.md
	cp $(BUILD)/gen/bar0.md docs/bar0.md

# A Verilator test bench: $(1) name, $(2) top module, $(3) RTL files, $(4) C++ bench,
# $(5) LANES, $(6) extra link inputs. Builds $(BUILD)/$(1)_l$(5)/$(1)-tb; with $(5)
# empty, for a module without LANES, $(BUILD)/$(1)/$(1)-tb. $(1)_VG: more -G flags.
define VTB
$(BUILD)/$(1)$(if $(5),_l$(5))/$(1)-tb: $(3) $(4) $(6) sim/unit/tb_util.h $(GEN)
	@mkdir -p $(BUILD)/$(1)$(if $(5),_l$(5))
	@echo "VERILATE $(2)$(if $(5), LANES=$(5))"
	@$(VERILATOR) $(VFLAGS) --cc --exe --build -j 2 --top-module $(2) \
	  $($(1)_VG) $(if $(5),-GLANES=$(5)) -Mdir $(BUILD)/$(1)$(if $(5),_l$(5)) -o $(1)-tb -I$(BUILD)/gen \
	  -CFLAGS "-O2 -I$(abspath $(BUILD))/gen -I$(CURDIR)/sim/gcm -I$(CURDIR)/sim/common -I$(CURDIR)/sim/unit $(if $(5),-DLANES=$(5))" \
	  -LDFLAGS "$(abspath $(6)) -lcrypto" \
	  $(3) $(CURDIR)/$(4) >$(BUILD)/$(1)$(if $(5),_l$(5)).log 2>&1 \
	  || { tail -40 $(BUILD)/$(1)$(if $(5),_l$(5)).log; exit 1; }
endef
RTL_SPLICE = rtl/axis_splice.v
RTL_HDRCAP = rtl/axis_hdr_capture.v rtl/sync_fifo.v
RTL_HDRPARSE = rtl/hdr_parse.v
RTL_REPLAY = rtl/replay_window.v rtl/ram_sdp.v
RTL_SPD = rtl/spd_lookup.v
RTL_COUNTER = rtl/rmw_counter.v rtl/ram_sdp.v
RTL_BYTECAP = rtl/axis_byte_capture.v
RTL_ENCAP = rtl/esp_encap.v rtl/esp_outer_hdr.v rtl/axis_splice.v $(RTL_GCM)
RTL_DECAP = rtl/esp_decap.v rtl/esp_decap_check.v rtl/axis_splice.v rtl/axis_byte_capture.v $(RTL_GCM)
VTBS = $(foreach L,$(LANES_ALL),$(BUILD)/gcm_l$(L)/gcm-tb $(BUILD)/splice_l$(L)/splice-tb \
         $(BUILD)/hdrcap_l$(L)/hdrcap-tb $(BUILD)/bytecap_l$(L)/bytecap-tb) \
       $(BUILD)/hdrparse/hdrparse-tb \
       $(BUILD)/replay/replay-tb $(BUILD)/spd/spd-tb $(BUILD)/counter/counter-tb $(BUILD)/counter2/counter2-tb \
       $(BUILD)/encap_l1/encap-tb $(BUILD)/encap_l4/encap-tb \
       $(BUILD)/decap_l1/decap-tb $(BUILD)/decap_l4/decap-tb \
       $(BUILD)/spliceov_l1/spliceov-tb $(BUILD)/spliceov_l4/spliceov-tb
$(foreach L,$(LANES_ALL),$(eval $(call VTB,gcm,gcm_engine,$(RTL_GCM),sim/gcm/gcm_tb.cpp,$(L),$(BUILD)/sim/libgcmref.a)))
$(foreach L,$(LANES_ALL),$(eval $(call VTB,splice,axis_splice,$(RTL_SPLICE),sim/unit/splice_tb.cpp,$(L),)))
$(foreach L,1 4,$(eval $(call VTB,spliceov,axis_splice,$(RTL_SPLICE),sim/unit/splice_tb.cpp,$(L),)))
$(foreach L,$(LANES_ALL),$(eval $(call VTB,hdrcap,axis_hdr_capture,$(RTL_HDRCAP),sim/unit/hdrcap_tb.cpp,$(L),)))
$(foreach L,$(LANES_ALL),$(eval $(call VTB,bytecap,axis_byte_capture,$(RTL_BYTECAP),sim/unit/bytecap_tb.cpp,$(L),)))
$(eval $(call VTB,hdrparse,hdr_parse,$(RTL_HDRPARSE),sim/unit/hdrparse_tb.cpp,,$(BUILD)/sim/libsimcommon.a))
$(eval $(call VTB,replay,replay_window,$(RTL_REPLAY),sim/unit/replay_tb.cpp,,))
$(eval $(call VTB,spd,spd_lookup,$(RTL_SPD),sim/unit/spd_tb.cpp,,))
$(eval $(call VTB,counter,rmw_counter,$(RTL_COUNTER),sim/unit/counter_tb.cpp,,))
$(eval $(call VTB,counter2,rmw_counter,$(RTL_COUNTER),sim/unit/counter_tb.cpp,,))
RTL_FRAMEFIFO = rtl/axis_frame_fifo.v rtl/ram_sdp.v
RTL_ROUTE = rtl/axis_frame_route.v rtl/sync_fifo.v
RTL_ARB = rtl/axis_frame_arb.v
VTBS += $(foreach L,1 4,$(BUILD)/framefifo_l$(L)/framefifo-tb $(BUILD)/route_l$(L)/route-tb \
          $(BUILD)/arb_l$(L)/arb-tb)
$(foreach L,1 4,$(eval $(call VTB,framefifo,axis_frame_fifo,$(RTL_FRAMEFIFO),sim/unit/framefifo_tb.cpp,$(L),)))
$(foreach L,1 4,$(eval $(call VTB,route,axis_frame_route,$(RTL_ROUTE),sim/unit/route_tb.cpp,$(L),)))
$(foreach L,1 4,$(eval $(call VTB,arb,axis_frame_arb,$(RTL_ARB),sim/unit/arb_tb.cpp,$(L),)))
$(foreach L,1 4,$(eval $(call VTB,encap,esp_encap,$(RTL_ENCAP),sim/unit/encap_tb.cpp,$(L),$(BUILD)/sim/libsimcommon.a)))
$(foreach L,1 4,$(eval $(call VTB,decap,esp_decap,$(RTL_DECAP),sim/unit/decap_tb.cpp,$(L),$(BUILD)/sim/libgcmref.a)))
# The card behind its BAR0 block (rtl/nicsec_card_bar.v), driven through the
# registers: SAs packed by driver/sa_pack.c, ESP checked with OpenSSL
RTL_CARD_BAR = $(wildcard rtl/*.v)
csr_VG = -CFLAGS -I$(CURDIR)/driver
VTBS += $(BUILD)/csr_l1/csr-tb
$(eval $(call VTB,csr,nicsec_card_bar,$(RTL_CARD_BAR),sim/unit/csr_tb.cpp,1,$(BUILD)/sim/libreplay.a $(BUILD)/sim/libgcmref.a))
# The DMA rings (rtl/card_dma.v) in the same card, served from a host-memory model
VTBS += $(BUILD)/dma_l1/dma-tb $(BUILD)/dma_l4/dma-tb
$(foreach L,1 4,$(eval $(call VTB,dma,nicsec_card_bar,$(RTL_CARD_BAR),sim/unit/dma_tb.cpp,$(L),)))
$(BUILD)/csr_l1/csr-tb $(BUILD)/dma_l1/dma-tb $(BUILD)/dma_l4/dma-tb: sim/unit/dma_host.h
# (here, not on the `all:` line above: make expands a rule's prerequisites as it
# reads it, and VTBS was still empty there)
all: $(VTBS)

# --- nicsec-sim: the card's RTL (rtl/nicsec_card.v) with the replay harness -----
# One Verilator build per LANES value, each a program of its own
# ($(BUILD)/replay_lN/nicsec-sim-replay), and $(BUILD)/nicsec-sim in front of them,
# which picks one by --lanes. The C pieces (SA and policy files, the SA record,
# pcap I/O) are built as C and linked in. Verilator runs only when the RTL (or
# the list of harness files) changes; a change to the harness alone recompiles
# just that, through the makefile Verilator wrote.
REPLAY_LANES = 1 4
REPLAY_CPP   = $(sort $(wildcard sim/replay/*.cpp))
REPLAY_C     = driver/sa_parse.c driver/sa_pack.c driver/spd_parse.c sim/common/pcap.c
REPLAY_H     = sim/replay/replay.h driver/sa_parse.h driver/sa_pack.h driver/spd_parse.h \
               sim/common/pcap.h sim/unit/tb_util.h
# the harness's file list, rewritten only when it changes
REPLAY_LIST  = $(BUILD)/sim/replay-files
$(shell mkdir -p $(BUILD)/sim && { [ "$$(cat $(REPLAY_LIST) 2>/dev/null)" = "$(REPLAY_CPP)" ] || \
  echo "$(REPLAY_CPP)" >$(REPLAY_LIST); })
$(BUILD)/sim/libreplay.a: $(REPLAY_C) $(REPLAY_H) $(GEN)
	@mkdir -p $(BUILD)/sim/replay
	@for f in $(REPLAY_C); do $(CC) $(CFLAGS) -Idriver -I$(BUILD)/gen -Isim/common -c \
	  -o $(BUILD)/sim/replay/$$(basename $$f .c).o $$f || exit 1; done
	@rm -f $@ && ar rcs $@ $(patsubst %.c,$(BUILD)/sim/replay/%.o,$(notdir $(REPLAY_C)))
define REPLAY_BUILD
$(BUILD)/replay_l$(1)/Vnicsec_card.mk: $(wildcard rtl/*.v) $(GEN) $(REPLAY_LIST)
	@mkdir -p $(BUILD)/replay_l$(1)
	@echo "VERILATE nicsec_card LANES=$(1) (nicsec-sim replay)"
	@$(VERILATOR) $(VFLAGS) --cc --exe --top-module nicsec_card -GLANES=$(1) \
	  -Mdir $(BUILD)/replay_l$(1) -o nicsec-sim-replay -I$(BUILD)/gen -y rtl \
	  -CFLAGS "-O2 -DLANES=$(1) -I$(abspath $(BUILD))/gen -I$(CURDIR)/driver -I$(CURDIR)/sim/common -I$(CURDIR)/sim/unit -I$(CURDIR)/sim/replay" \
	  -LDFLAGS "$(abspath $(BUILD)/sim/libreplay.a)" \
	  rtl/nicsec_card.v $(abspath $(REPLAY_CPP)) >$(BUILD)/replay_l$(1).log 2>&1 \
	  || { tail -40 $(BUILD)/replay_l$(1).log; exit 1; }
$(BUILD)/replay_l$(1)/nicsec-sim-replay: $(BUILD)/replay_l$(1)/Vnicsec_card.mk $(REPLAY_CPP) $(REPLAY_H) \
                                         $(BUILD)/sim/libreplay.a
	@echo "BUILD nicsec-sim LANES=$(1)"
	@$(MAKE) -s -j 2 -C $(BUILD)/replay_l$(1) -f Vnicsec_card.mk >>$(BUILD)/replay_l$(1).log 2>&1 \
	  || { tail -40 $(BUILD)/replay_l$(1).log; exit 1; }
endef
$(foreach L,$(REPLAY_LANES),$(eval $(call REPLAY_BUILD,$(L))))
$(BUILD)/nicsec-sim: sim/replay/dispatch.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -o $@ $<
NICSEC_SIM = $(BUILD)/nicsec-sim $(foreach L,$(REPLAY_LANES),$(BUILD)/replay_l$(L)/nicsec-sim-replay)

# `nicsec-sim run`: the card as the host sees it (rtl/nicsec_card_bar.v) live, its
# ports on Linux interfaces, BAR0 and DMA served to libnicsec's sim backend over a
# socket (driver/sim_proto.h). One Verilator build per LANES value as for replay,
# $(BUILD)/run_lN/nicsec-sim-run, which nicsec-sim runs for `run`.
RUN_CPP  = $(sort $(wildcard sim/run/*.cpp))
RUN_H    = sim/run/run.h driver/sim_proto.h sim/unit/tb_util.h
RUN_LIST = $(BUILD)/sim/run-files
$(shell mkdir -p $(BUILD)/sim && { [ "$$(cat $(RUN_LIST) 2>/dev/null)" = "$(RUN_CPP)" ] || \
  echo "$(RUN_CPP)" >$(RUN_LIST); })
define RUN_BUILD
$(BUILD)/run_l$(1)/Vnicsec_card_bar.mk: $(wildcard rtl/*.v) $(GEN) $(RUN_LIST)
	@mkdir -p $(BUILD)/run_l$(1)
	@echo "VERILATE nicsec_card_bar LANES=$(1) (nicsec-sim run)"
	@$(VERILATOR) $(VFLAGS) --cc --exe --top-module nicsec_card_bar -GLANES=$(1) \
	  -Mdir $(BUILD)/run_l$(1) -o nicsec-sim-run -I$(BUILD)/gen -y rtl \
	  -CFLAGS "-O2 -DLANES=$(1) -I$(abspath $(BUILD))/gen -I$(CURDIR)/driver -I$(CURDIR)/sim/unit -I$(CURDIR)/sim/run" \
	  rtl/nicsec_card_bar.v $(abspath $(RUN_CPP)) >$(BUILD)/run_l$(1).log 2>&1 \
	  || { tail -40 $(BUILD)/run_l$(1).log; exit 1; }
# (the model at -O2, not Verilator's -Os: it runs some 40% faster, which is what a
# live simulator is for, for a minute or two more of compiling)
$(BUILD)/run_l$(1)/nicsec-sim-run: $(BUILD)/run_l$(1)/Vnicsec_card_bar.mk $(RUN_CPP) $(RUN_H)
	@echo "BUILD nicsec-sim run LANES=$(1)"
	@$(MAKE) -s -j 2 -C $(BUILD)/run_l$(1) -f Vnicsec_card_bar.mk OPT_FAST=-O2 >>$(BUILD)/run_l$(1).log 2>&1 \
	  || { tail -40 $(BUILD)/run_l$(1).log; exit 1; }
endef
$(foreach L,$(REPLAY_LANES),$(eval $(call RUN_BUILD,$(L))))
NICSEC_SIM += $(foreach L,$(REPLAY_LANES),$(BUILD)/run_l$(L)/nicsec-sim-run)
.PHONY: nicsec-sim
nicsec-sim: $(NICSEC_SIM)
all: $(NICSEC_SIM)

# --- libnicsec: the driver library (docs/libnicsec.md) -----------------------
# Its pci backend finds the card with libpci.  The flags are asked of pkg-config
# when a recipe runs, not when make reads this file: `deps` may only just have
# installed libpci-dev.
LIBNICSEC_C = driver/sa_parse.c driver/sa_pack.c driver/spd_parse.c \
              driver/nicsec_dev.c driver/pci_dev.c driver/sim_dev.c \
              driver/nicsec_card.c driver/nicsec_sa.c driver/nicsec_spd.c driver/nicsec_stats.c \
              driver/nicsec_exc.c driver/nicsec_tap.c
LIBNICSEC_H = driver/sa_parse.h driver/sa_pack.h driver/spd_parse.h \
              driver/nicsec_dev.h driver/nicsec_ids.h driver/dev_backend.h driver/sim_proto.h \
              driver/nicsec.h driver/nicsec_priv.h driver/nicsec_tap.h
LIBPCI_CFLAGS = $$(pkg-config --cflags libpci 2>/dev/null)
LIBPCI_LIBS   = $$(pkg-config --libs libpci 2>/dev/null || echo -lpci)
$(BUILD)/driver/libnicsec.a: $(LIBNICSEC_C) $(LIBNICSEC_H) $(GEN)
	@mkdir -p $(BUILD)/driver
	@for f in $(LIBNICSEC_C); do $(CC) $(CFLAGS) $(LIBPCI_CFLAGS) -Idriver -I$(BUILD)/gen -c \
	  -o $(BUILD)/driver/$$(basename $$f .c).o $$f || exit 1; done
	@rm -f $@ && ar rcs $@ $(patsubst %.c,$(BUILD)/driver/%.o,$(notdir $(LIBNICSEC_C)))
.PHONY: libnicsec
libnicsec: $(BUILD)/driver/libnicsec.a
all: $(BUILD)/driver/libnicsec.a
# libnicsec's sim backend against a live nicsec-sim run (tests/sim/run_basic.sh)
$(BUILD)/sim/sim_client: tests/sim/sim_client.c $(BUILD)/driver/libnicsec.a $(GEN)
	@mkdir -p $(BUILD)/sim
	$(CC) $(CFLAGS) -Idriver -I$(BUILD)/gen -o $@ $< $(BUILD)/driver/libnicsec.a $(LIBPCI_LIBS)
all: $(BUILD)/sim/sim_client

# --- nicsecctl (host/, docs/nicsecctl.md) ------------------------------------
NICSECCTL_C = host/nicsecctl.c host/ctl_card.c host/ctl_client.c
$(BUILD)/nicsecctl: $(NICSECCTL_C) host/ctl_card.h host/ctl_client.h $(BUILD)/driver/libnicsec.a $(GEN)
	$(CC) $(CFLAGS) -Idriver -I$(BUILD)/gen -o $@ $(NICSECCTL_C) $(BUILD)/driver/libnicsec.a $(LIBPCI_LIBS)
all: $(BUILD)/nicsecctl
# The control path under churn, against a live card (tests/card/sa_churn.c)
$(BUILD)/card/sa_churn: tests/card/sa_churn.c $(BUILD)/driver/libnicsec.a $(GEN)
	@mkdir -p $(BUILD)/card
	$(CC) $(CFLAGS) -Idriver -I$(BUILD)/gen -o $@ $< $(BUILD)/driver/libnicsec.a $(LIBPCI_LIBS)
all: $(BUILD)/card/sa_churn
# nicsecd's data plane against a live card (tests/card/dataplane.sh)
DATAPLANE_SRCS = host/dataplane.c host/dp_child.c host/dp_build.c host/dp_card.c host/dp_slots.c host/dp_ts.c host/dp_trap.c
DATAPLANE_HDRS = host/dataplane.h host/dp_priv.h host/dp_slots.h host/dp_ts.h host/ike_auth.h host/ike_crypto.h
$(BUILD)/card/dp_probe: tests/card/dp_probe.c $(DATAPLANE_SRCS) $(DATAPLANE_HDRS) $(BUILD)/driver/libnicsec.a $(GEN)
	@mkdir -p $(BUILD)/card
	$(CC) $(CFLAGS) -Ihost -Idriver -I$(BUILD)/gen -o $@ $< $(DATAPLANE_SRCS) $(BUILD)/driver/libnicsec.a \
	  $(LIBPCI_LIBS) -lcrypto
all: $(BUILD)/card/dp_probe

# --- C unit tests (cmocka) ---------------------------------------------------
UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
unit-build: deps $(UNIT_TESTS)
UNIT_SRCS = $(SIM_GCM_C) driver/sa_parse.c driver/sa_pack.c driver/spd_parse.c sim/common/pcap.c \
            tests/unit/scratch.c
UNIT_HDRS = $(SIM_GCM_H) driver/sa_parse.h driver/sa_pack.h driver/spd_parse.h sim/common/pcap.h \
            tests/unit/scratch.h tests/unit/rng.h $(GEN)
$(BUILD)/unit/test_%: tests/unit/test_%.c $(UNIT_SRCS) $(UNIT_HDRS)
	@mkdir -p $(BUILD)/unit
	$(CC) $(CFLAGS) -Isim/gcm -Idriver -I$(BUILD)/gen -Isim/common -Itests/unit -o $@ $< $(UNIT_SRCS) $(UNIT_LIBS) -lcmocka -lcrypto
# nicsecd's configuration (host/conf*.c, host/ike_xform.c; docs/nicsecd-conf.md)
HOST_CONF_SRCS = host/conf.c host/conf_tree.c host/ike_xform.c
HOST_CONF_HDRS = host/conf.h host/conf_tree.h host/ike_xform.h
HOST_CONF_TESTS = $(BUILD)/unit/test_conf_tree $(BUILD)/unit/test_ike_xform $(BUILD)/unit/test_conf
$(HOST_CONF_TESTS): $(HOST_CONF_SRCS) $(HOST_CONF_HDRS)
$(HOST_CONF_TESTS): UNIT_LIBS = -Ihost $(HOST_CONF_SRCS)
# nicsecd's IKEv2 messages (host/ike_msg.c, host/ike_pld.c), held against
# scapy's IKEv2 by tests/unit/ike_msg_scapy.py through this dumper
HOST_IKE_SRCS = host/ike_msg.c host/ike_pld.c host/ike_err.c
HOST_IKE_HDRS = host/ike_msg.h host/ike_pld.h host/ike_wire.h host/ike_xform.h host/ike_err.h
$(BUILD)/unit/ike_dump: tests/unit/ike_dump.c $(HOST_IKE_SRCS) $(HOST_IKE_HDRS)
	@mkdir -p $(BUILD)/unit
	$(CC) $(CFLAGS) -Ihost -o $@ $< $(HOST_IKE_SRCS)
unit-build: $(BUILD)/unit/ike_dump
# nicsecd's IKEv2 cryptography (host/ike_crypto.c; docs/ike-crypto.md)
HOST_CRYPTO_SRCS = host/ike_crypto.c host/ike_xform.c
HOST_CRYPTO_HDRS = host/ike_crypto.h host/ike_xform.h
$(BUILD)/unit/test_ike_crypto: $(HOST_CRYPTO_SRCS) $(HOST_CRYPTO_HDRS)
$(BUILD)/unit/test_ike_crypto: UNIT_LIBS = -Ihost $(HOST_CRYPTO_SRCS)
# the same inputs through tests/unit/ike_crypto_oracle.py (run-tests.sh)
# (both cross tools: their lines, tests/unit/cross_out.c; tests/unit/rng.h)
CROSS_OUT = tests/unit/cross_out.c tests/unit/cross_out.h tests/unit/rng.h
$(BUILD)/unit/ike_crypto_cross: tests/unit/ike_crypto_cross.c $(CROSS_OUT) $(HOST_CRYPTO_SRCS) $(HOST_CRYPTO_HDRS)
	@mkdir -p $(BUILD)/unit
	$(CC) $(CFLAGS) -Ihost -o $@ $< tests/unit/cross_out.c $(HOST_CRYPTO_SRCS) -lcrypto
unit-build: $(BUILD)/unit/ike_crypto_cross
# IKE_SA_INIT, both ends in one process (host/ike_init.c)
HOST_INIT_SRCS = host/ike_init.c host/ike_sa.c $(HOST_IKE_SRCS) host/ike_crypto.c host/ike_xform.c
$(BUILD)/unit/test_ike_init: $(HOST_INIT_SRCS) $(HOST_IKE_HDRS) host/ike_init.h host/ike_sa.h host/ike_crypto.h
$(BUILD)/unit/test_ike_init: UNIT_LIBS = -Ihost $(HOST_INIT_SRCS)
# IKE_AUTH, both ends in one process (host/ike_auth.c, host/ike_ts.c)
HOST_AUTH_SRCS = host/ike_auth.c host/ike_child_in.c host/ike_cert.c host/ike_ts.c $(HOST_INIT_SRCS)
HOST_AUTH_HDRS = $(HOST_IKE_HDRS) host/ike_init.h host/ike_auth.h host/ike_child_in.h host/ike_cert.h host/ike_ts.h host/ike_sa.h \
                 host/ike_crypto.h host/conf.h
# (the two ends: tests/unit/ike_pair.c, here and in the suites below)
IKE_PAIR = tests/unit/ike_pair.c tests/unit/ike_pair.h
$(BUILD)/unit/test_ike_auth: $(HOST_AUTH_SRCS) $(HOST_AUTH_HDRS) $(IKE_PAIR)
$(BUILD)/unit/test_ike_auth: UNIT_LIBS = -Ihost $(HOST_AUTH_SRCS) tests/unit/ike_pair.c
# CREATE_CHILD_SA and INFORMATIONAL, both ends in one process after IKE_SA_INIT
# and IKE_AUTH (host/ike_child.c, host/ike_info.c, host/ike_sk_msg.c)
HOST_CHILD_SRCS = host/ike_child.c host/ike_info.c host/ike_sk_msg.c $(HOST_AUTH_SRCS)
HOST_CHILD_HDRS = $(HOST_AUTH_HDRS) host/ike_child.h host/ike_info.h host/ike_sk_msg.h
HOST_CHILD_TESTS = $(BUILD)/unit/test_ike_child $(BUILD)/unit/test_ike_info
$(HOST_CHILD_TESTS): $(HOST_CHILD_SRCS) $(HOST_CHILD_HDRS) $(IKE_PAIR)
$(HOST_CHILD_TESTS): UNIT_LIBS = -Ihost $(HOST_CHILD_SRCS) tests/unit/ike_pair.c
# their messages taken apart by scapy and python3-cryptography, the KEYMAT with
# PFS and the rekeyed IKE SA's keys computed again from them
# (tests/unit/ike_crypto_oracle.py --exchanges; run-tests.sh)
$(BUILD)/unit/ike_exch_cross: tests/unit/ike_exch_cross.c $(CROSS_OUT) $(HOST_CHILD_SRCS) $(HOST_CHILD_HDRS)
	@mkdir -p $(BUILD)/unit
	$(CC) $(CFLAGS) -Ihost -o $@ $< tests/unit/cross_out.c $(HOST_CHILD_SRCS) -lcrypto
unit-build: $(BUILD)/unit/ike_exch_cross
# X.509 credentials and IKE_AUTH with certificates (host/ike_cert.c), the
# keys made by the openssl command at test time; the config loader for
# ike_cert_creds_load()
$(BUILD)/unit/test_ike_cert: $(HOST_AUTH_SRCS) $(HOST_AUTH_HDRS) host/conf.c host/conf_tree.c host/conf_tree.h $(IKE_PAIR)
$(BUILD)/unit/test_ike_cert: UNIT_LIBS = -Ihost $(HOST_AUTH_SRCS) host/conf.c host/conf_tree.c tests/unit/ike_pair.c
# IKE_SA_INIT and IKE_AUTH against strongSwan over UDP (tests/ike/init_interop.sh)
# (both probes: tests/ike/probe_util.c)
PROBE_UTIL = tests/ike/probe_util.c tests/ike/probe_util.h
$(BUILD)/ike/init_probe: tests/ike/init_probe.c $(PROBE_UTIL) $(HOST_AUTH_SRCS) $(HOST_AUTH_HDRS)
	@mkdir -p $(BUILD)/ike
	$(CC) $(CFLAGS) -Ihost -o $@ $< tests/ike/probe_util.c $(HOST_AUTH_SRCS) -lcrypto
all: $(BUILD)/ike/init_probe
# CREATE_CHILD_SA and INFORMATIONAL against strongSwan over UDP (tests/ike/child_interop.sh)
$(BUILD)/ike/child_probe: tests/ike/child_probe.c $(PROBE_UTIL) $(HOST_CHILD_SRCS) $(HOST_CHILD_HDRS)
	@mkdir -p $(BUILD)/ike
	$(CC) $(CFLAGS) -Ihost -o $@ $< tests/ike/probe_util.c $(HOST_CHILD_SRCS) -lcrypto
all: $(BUILD)/ike/child_probe
# the message parser under libFuzzer (clang; tests/fuzz/, run by run-tests.sh)
$(BUILD)/fuzz/fuzz_ike_msg: tests/fuzz/fuzz_ike_msg.c $(HOST_IKE_SRCS) host/ike_ts.c host/ike_xform.c \
                            $(HOST_IKE_HDRS) host/ike_ts.h
	@mkdir -p $(BUILD)/fuzz
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Ihost -o $@ \
	  tests/fuzz/fuzz_ike_msg.c $(HOST_IKE_SRCS) host/ike_ts.c host/ike_xform.c
all: $(BUILD)/fuzz/fuzz_ike_msg
# --- nicsecd (host/, docs/nicsecd.md) -----------------------------------------
# $(sort) drops the sources two lists share
NICSECD_SRCS = $(sort host/nicsecd.c host/daemon.c host/exch.c host/exch_ike.c \
                      host/exch_child.c host/exch_collide.c host/exch_life.c host/exch_watch.c host/exch_monitor.c host/exch_trap.c host/watch.c host/ikesa.c host/ike_sock.c host/conn_cfg.c \
                      host/child_dp.c host/child_ether.c host/nexthop.c host/ctl_server.c host/sa_list.c host/log.c \
                      host/diag_hist.c host/diag_find.c host/diagnose.c \
                      $(DATAPLANE_SRCS) host/privs.c \
                      host/ike_child.c host/ike_info.c host/ike_sk_msg.c \
                      host/conf.c host/conf_tree.c $(HOST_AUTH_SRCS))
$(BUILD)/nicsecd: $(NICSECD_SRCS) $(wildcard host/*.h) $(BUILD)/driver/libnicsec.a $(GEN)
	$(CC) $(CFLAGS) -Ihost -Idriver -I$(BUILD)/gen -o $@ $(NICSECD_SRCS) \
	  $(BUILD)/driver/libnicsec.a $(LIBPCI_LIBS) -lcrypto -lcap-ng -lm
all: $(BUILD)/nicsecd

# the device layer's test links it from libnicsec.a, with libpci
$(BUILD)/unit/test_pci_dev: $(BUILD)/driver/libnicsec.a
$(BUILD)/unit/test_pci_dev: UNIT_LIBS = $(BUILD)/driver/libnicsec.a $(LIBPCI_LIBS)
# nicsecd's privilege drop (host/privs.c), with libcap-ng; as root it checks
# /proc/self/status after each drop
$(BUILD)/unit/test_privs: host/privs.c host/privs.h
$(BUILD)/unit/test_privs: UNIT_LIBS = -Ihost host/privs.c -lcap-ng
# the data plane's selectors and slots (host/dp_ts.c, host/dp_slots.c), no card
$(BUILD)/unit/test_dp_ts: host/dp_ts.c host/dp_ts.h
$(BUILD)/unit/test_dp_ts: UNIT_LIBS = -Ihost host/dp_ts.c
$(BUILD)/unit/test_dp_slots: host/dp_slots.c host/dp_slots.h
$(BUILD)/unit/test_dp_slots: UNIT_LIBS = -Ihost host/dp_slots.c
# nicsecd's small pieces: configuration to wire values (host/conn_cfg.c),
# the IKE SA record (host/ikesa.c) and the address helpers (host/ike_sock.c)
HOST_CONN_CFG_SRCS = host/conn_cfg.c $(HOST_CONF_SRCS) host/ike_err.c
$(BUILD)/unit/test_conn_cfg: $(HOST_CONN_CFG_SRCS) $(HOST_CONF_HDRS) host/conn_cfg.h host/ike_pld.h host/ike_wire.h
$(BUILD)/unit/test_conn_cfg: UNIT_LIBS = -Ihost $(HOST_CONN_CFG_SRCS)
$(BUILD)/unit/test_ikesa: host/ikesa.c host/ike_sock.c $(HOST_CHILD_SRCS) $(HOST_CHILD_HDRS) host/ikesa.h host/ike_sock.h host/conn_cfg.h
$(BUILD)/unit/test_ikesa: UNIT_LIBS = -Ihost host/ikesa.c host/ike_sock.c $(HOST_CHILD_SRCS)
# diagnose's problem rules (host/diag_find.c), facts in, problems out
$(BUILD)/unit/test_diag_find: host/diag_find.c host/diag_find.h host/diag_hist.h
$(BUILD)/unit/test_diag_find: UNIT_LIBS = -Ihost host/diag_find.c
# diagnose's history and counter ring (host/diag_hist.c), clock and counters
# stubbed in the test
$(BUILD)/unit/test_diag_hist: host/diag_hist.c host/diag_hist.h
$(BUILD)/unit/test_diag_hist: UNIT_LIBS = -Ihost host/diag_hist.c

# the kernel's next hops for the card's Ethernet addresses (host/nexthop.c):
# its rtnetlink reply parsers fed messages made in the test
$(BUILD)/unit/test_nexthop: host/nexthop.c host/nexthop.h
$(BUILD)/unit/test_nexthop: UNIT_LIBS = -Ihost host/nexthop.c
# black-hole and monitor verdicts (host/watch.c), numbers in, verdict out
$(BUILD)/unit/test_watch: host/watch.c host/watch.h
$(BUILD)/unit/test_watch: UNIT_LIBS = -Ihost host/watch.c

unit-test: unit-build
	@bash scripts/run-unit-tests.sh $(UNIT_TESTS)

# --- checks ------------------------------------------------------------------
LINT_TOPS = gcm_engine axis_splice axis_hdr_capture axis_byte_capture hdr_parse replay_window spd_lookup \
            rmw_counter esp_encap esp_decap
LINT_NOLANES = hdr_parse replay_window spd_lookup rmw_counter
LINT_TOPS += axis_frame_fifo axis_frame_route axis_frame_arb
LINT_TOPS += card_csr card_dma nicsec_card_bar
# each top at each LANES (once where LANES means nothing), two at a time:
# verilator is single-threaded and this is the slowest check in make test
lint: deps $(GEN)
	@for T in $(LINT_TOPS); do for L in $(LANES_ALL); do \
	  G=-GLANES=$$L; case " $(LINT_NOLANES) " in *" $$T "*) G=-; [ $$L = 1 ] || continue;; esac; \
	  echo "$$T $$G"; done; done | \
	  xargs -P 2 -L 1 sh -c 'g=$$1; [ "$$g" = - ] && g=; \
	    $(VERILATOR) --lint-only -Wall -I$(BUILD)/gen $$g rtl/*.v --top-module $$0 || exit 255'
	@echo "lint: verilator -Wall clean on rtl/ at LANES $(LANES_ALL)"

test: all
	@bash scripts/run-tests.sh

# the gateway end to end (scripts/demo.sh): root first, then what it needs
demo:
	@bash scripts/demo.sh --root
	@$(MAKE) --no-print-directory deps $(BUILD)/nicsec-sim $(BUILD)/nicsecd $(BUILD)/nicsecctl
	@bash scripts/demo.sh

bench: all
	@RTL_FILES="$(RTL_GCM)" bash scripts/bench.sh

synth: deps
	@RTL_FILES="$(RTL_GCM)" bash scripts/synth.sh

clean:
	rm -rf $(BUILD)
