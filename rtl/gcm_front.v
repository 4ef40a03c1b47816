// The GCM engine's front: for each beat it accepts, says what each lane holds and
// builds the AES inputs. It keeps the open message's context (key slot, nonce,
// lengths) so the per-message fields need only be valid with the first beat.
//
// A message's stream is: AAD past its first 16 bytes, in whole blocks, then the
// text. Lane j of a beat is a stream AAD block while stream AAD bytes remain, else
// a text block; text block t is encrypted with counter t+2 (counter 1 is J0, whose
// encryption masks the tag, and gets its own AES lane, LANES, on the first beat).
//
// Outputs are combinational for the beat on the inputs, which come straight from
// registers (gcm_engine's input stage); the pipeline registers the outputs. Byte b of a beat is data_i[8b +: 8] and keep_i[b].
`default_nettype none

module gcm_front #(
    parameter LANES  = 1,
    parameter SLOT_W = 4,
    parameter K_W    = 3      // width of a count 0..LANES
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  beat_i,      // a beat is accepted this cycle
    input  wire [16*LANES-1:0]   keep_i,
    input  wire                  last_i,
    // per-message fields, valid with a message's first beat
    input  wire [SLOT_W-1:0]     slot_i,
    input  wire                  decrypt_i,
    input  wire [95:0]           iv_i,
    input  wire [127:0]          aad_i,
    input  wire [15:0]           aad_len_i,
    input  wire [15:0]           aad_sbytes_i, // AAD bytes in the stream: aad_len - 16, or 0
    input  wire [4:0]            tag_len_i,
    // what this beat is
    output wire                  first_o,
    output wire [SLOT_W-1:0]     slot_o,
    output wire                  decrypt_o,
    output wire [4:0]            tag_len_o,
    output wire [15:0]           aad_len_o,
    output reg  [128*(LANES+1)-1:0] ctr_o,    // AES inputs; lane LANES is J0
    output reg  [LANES-1:0]      text_lane_o, // lane holds text: XOR the keystream
    output reg  [16*LANES-1:0]   hmask_o,     // bytes GHASH takes
    output reg  [K_W-1:0]        k_o,         // blocks this beat adds to GHASH
    output reg  [127:0]          aad_blk_o,   // first AAD block, zero past aad_len
    output wire [17:0]           stream_len_o // stream bytes up to and with this beat,
                                              // stuck at all ones past 2^18 - 1
);
  localparam BEAT = 16 * LANES;
  localparam [15:0] BEAT16  = BEAT[15:0];
  localparam [15:0] LANES16 = LANES[15:0];

  // context of the open message
  reg              in_msg;
  reg [SLOT_W-1:0] ctx_slot;
  reg              ctx_decrypt;
  reg [95:0]       ctx_iv;
  reg [15:0]       ctx_aad_len;
  reg [4:0]        ctx_tag_len;
  reg [15:0]       ctx_aad_left;  // stream AAD bytes still to come
  reg [15:0]       ctx_ctr;       // counter of the next text block
  reg [17:0]       ctx_stream;    // stream bytes so far

  assign first_o   = !in_msg;
  assign slot_o    = first_o ? slot_i    : ctx_slot;
  assign decrypt_o = first_o ? decrypt_i : ctx_decrypt;
  assign tag_len_o = first_o ? tag_len_i : ctx_tag_len;
  assign aad_len_o = first_o ? aad_len_i : ctx_aad_len;
  wire [95:0] iv   = first_o ? iv_i      : ctx_iv;
  wire [15:0] aad_left = first_o ? aad_sbytes_i : ctx_aad_left;
  wire [15:0] ctr  = first_o ? 16'd2 : ctx_ctr;
  wire [17:0] stream = first_o ? 18'd0 : ctx_stream;

  // bytes 0..n-1 of a block
  function automatic [15:0] therm(input [16:0] n);
    integer b;
    for (b = 0; b < 16; b = b + 1) therm[b] = (n > b[16:0]);
  endfunction

  // keep_i is contiguous from bit 0, so its length is the highest set bit plus one
  reg [7:0] keep_len;
  integer i;
  always @* begin
    keep_len = 8'd0;
    for (i = 0; i < BEAT; i = i + 1)
      if (keep_i[i]) keep_len = i[7:0] + 8'd1;
  end

  // lanes that are stream AAD blocks: the first ceil(aad_left / 16), at most LANES
  reg [K_W-1:0] n_aad;
  reg [16:0]    aad_here;   // AAD bytes left at lane j
  reg [15:0]    lane_ctr;
  integer j;
  always @* begin
    n_aad = {K_W{1'b0}};
    k_o   = {K_W{1'b0}};
    for (j = 0; j < LANES; j = j + 1) begin
      aad_here = {1'b0, aad_left} - {j[12:0], 4'd0};
      if (!aad_here[16] && aad_here != 17'd0) begin
        n_aad = n_aad + 1'b1;
        text_lane_o[j] = 1'b0;
        hmask_o[16*j +: 16] = keep_i[16*j +: 16] & therm(aad_here);
      end else begin
        text_lane_o[j] = 1'b1;
        hmask_o[16*j +: 16] = keep_i[16*j +: 16];
      end
      if (keep_i[16*j]) k_o = k_o + 1'b1;
    end
    for (j = 0; j < LANES; j = j + 1)
    begin
      lane_ctr = ctr + j[15:0] - {{(16-K_W){1'b0}}, n_aad};
      ctr_o[128*j +: 128] = {iv, 16'd0, lane_ctr};
    end
    ctr_o[128*LANES +: 128] = {iv, 32'd1};
    aad_blk_o = 128'd0;
    for (j = 0; j < 16; j = j + 1)
      if (aad_len_i > j[15:0]) aad_blk_o[127-8*j -: 8] = aad_i[127-8*j -: 8];
  end

  // The text length, and whether the stream ended inside the AAD, are worked out
  // from this downstream, where there is time for the arithmetic.
  wire [18:0] stream_sum = {1'b0, stream} + {11'd0, keep_len};
  assign stream_len_o = stream_sum[18] ? 18'h3ffff : stream_sum[17:0];

  always @(posedge clk) begin
    if (rst) begin
      in_msg <= 1'b0;
    end else if (beat_i) begin
      in_msg       <= !last_i;
      ctx_slot     <= slot_o;
      ctx_decrypt  <= decrypt_o;
      ctx_iv       <= iv;
      ctx_aad_len  <= aad_len_o;
      ctx_tag_len  <= tag_len_o;
      ctx_aad_left <= (aad_left > BEAT16) ? aad_left - BEAT16 : 16'd0;
      ctx_ctr      <= ctr + LANES16 - {{(16-K_W){1'b0}}, n_aad};
      ctx_stream   <= stream_len_o;
    end
  end
endmodule

`default_nettype wire
