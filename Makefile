# nicsec top-level build. `make` builds, `make test` installs what is missing,
# builds and runs every test. See README.md.

BUILD    ?= build
LANES_ALL = 1 2 4
CC       ?= cc
CXX      ?= c++
CFLAGS   ?= -O2 -g -Wall -Wextra -Werror=implicit-function-declaration
VERILATOR ?= verilator
VFLAGS    = -Wall -Wno-DECLFILENAME -GUSER_W=16 --x-assign fast --x-initial fast -O3
export BUILD

RTL_GCM = rtl/gcm_engine.v rtl/gcm_front.v rtl/aes_pipe.v rtl/aes_round.v \
          rtl/aes_sbox.v rtl/gcm_key_loader.v rtl/ghash_acc.v rtl/gf128_clmul.v \
          rtl/gf128_reduce.v rtl/gf128_mul_serial.v rtl/ram_sdp.v rtl/sync_fifo.v \
          rtl/delay_line.v

SIM_GCM_C = sim/gcm/cavp.c sim/gcm/gcm_ref.c
SIM_GCM_H = sim/gcm/cavp.h sim/gcm/gcm_ref.h

.PHONY: all deps test unit-build unit-test lint bench synth clean

all: deps $(foreach L,$(LANES_ALL),$(BUILD)/gcm_l$(L)/gcm-tb) unit-build

deps:
	@bash scripts/install-deps.sh

# --- the GCM engine's Verilator harness, one build per LANES value -----------
# The C helpers (NIST reader, OpenSSL oracle) are built as C, apart from the C++
# that Verilator compiles.
$(BUILD)/sim/libgcmref.a: $(SIM_GCM_C) $(SIM_GCM_H)
	@mkdir -p $(BUILD)/sim
	$(CC) $(CFLAGS) -c -o $(BUILD)/sim/cavp.o sim/gcm/cavp.c
	$(CC) $(CFLAGS) -c -o $(BUILD)/sim/gcm_ref.o sim/gcm/gcm_ref.c
	ar rcs $@ $(BUILD)/sim/cavp.o $(BUILD)/sim/gcm_ref.o

define GCM_TB
$(BUILD)/gcm_l$(1)/gcm-tb: $(RTL_GCM) sim/gcm/gcm_tb.cpp $(BUILD)/sim/libgcmref.a
	@mkdir -p $(BUILD)/gcm_l$(1)
	@echo "VERILATE gcm_engine LANES=$(1)"
	@$(VERILATOR) $(VFLAGS) --cc --exe --build -j 2 --top-module gcm_engine \
	  -GLANES=$(1) -Mdir $(BUILD)/gcm_l$(1) -o gcm-tb \
	  -CFLAGS "-O2 -I$(CURDIR)/sim/gcm -DLANES=$(1)" \
	  -LDFLAGS "$(abspath $(BUILD)/sim/libgcmref.a) -lcrypto" \
	  $(RTL_GCM) $(CURDIR)/sim/gcm/gcm_tb.cpp >$(BUILD)/gcm_l$(1).log 2>&1 \
	  || { tail -40 $(BUILD)/gcm_l$(1).log; exit 1; }
endef
$(foreach L,$(LANES_ALL),$(eval $(call GCM_TB,$(L))))

# --- C unit tests (cmocka) ---------------------------------------------------
UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
unit-build: deps $(UNIT_TESTS)
$(BUILD)/unit/test_%: tests/unit/test_%.c $(SIM_GCM_C) $(SIM_GCM_H)
	@mkdir -p $(BUILD)/unit
	$(CC) $(CFLAGS) -Isim/gcm -o $@ $< $(SIM_GCM_C) -lcmocka -lcrypto

unit-test: unit-build
	@bash scripts/run-unit-tests.sh $(UNIT_TESTS)

# --- checks ------------------------------------------------------------------
lint: deps
	$(VERILATOR) --lint-only -Wall rtl/*.v --top-module gcm_engine
	@for L in $(LANES_ALL); do $(VERILATOR) --lint-only -Wall -GLANES=$$L rtl/*.v --top-module gcm_engine || exit 1; done
	@echo "lint: verilator -Wall clean on rtl/ at LANES $(LANES_ALL)"

test: all
	@bash scripts/run-tests.sh

bench: all
	@bash scripts/bench.sh

synth: deps
	@bash scripts/synth.sh

clean:
	rm -rf $(BUILD)
