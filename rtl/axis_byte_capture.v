// Watches a stream go by and keeps N_BYTES of it from a per-packet offset: the
// ICV at the tail of an inbound ESP packet, which the GCM engine wants beside
// the ciphertext's last beat rather than inside the stream. The stream itself
// is not touched; this only listens to its handshakes.
//
// Per packet, with its first beat: off_i (byte offset) and len_i (bytes, at
// most N_BYTES). cap_o holds the bytes (byte 0 in bits [7:0], zero past len_i);
// it is complete combinationally on the beat that holds the last of them, and
// stays until the next packet's first beat.
`default_nettype none

module axis_byte_capture #(
    parameter LANES   = 1,
    parameter N_BYTES = 16
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire [128*LANES-1:0]   tdata,
    input  wire                   beat_i,     // tvalid && tready
    input  wire                   last_i,
    input  wire [15:0]            off_i,
    input  wire [4:0]             len_i,
    output reg  [8*N_BYTES-1:0]   cap_o
);
  localparam B = 16 * LANES;

  reg         first;      // the next beat starts a packet
  reg [15:0]  pos;        // offset of the next beat's byte 0
  reg [15:0]  off;
  reg [4:0]   len;
  reg [8*N_BYTES-1:0] held;

  wire [15:0] cur_pos = first ? 16'd0 : pos;
  wire [15:0] cur_off = first ? off_i : off;
  wire [4:0]  cur_len = first ? len_i : len;

  // byte k of the capture is stream byte cur_off + k: in this beat if it falls in
  // [cur_pos, cur_pos + B)
  integer k;
  reg [15:0] at;
  always @* begin
    cap_o = (first && beat_i) ? {8*N_BYTES{1'b0}} : held;
    for (k = 0; k < N_BYTES; k = k + 1) begin
      at = cur_off + k[15:0] - cur_pos;
      if (beat_i && k[4:0] < cur_len && cur_off + k[15:0] >= cur_pos && at < B[15:0])
        cap_o[8*k +: 8] = tdata[8*at[6:0] +: 8];
    end
  end

  always @(posedge clk) begin
    if (rst) begin
      first <= 1'b1;
      held  <= {8*N_BYTES{1'b0}};
    end else if (beat_i) begin
      held  <= cap_o;
      off   <= cur_off;
      len   <= cur_len;
      pos   <= cur_pos + B[15:0];
      first <= last_i;
    end
  end
endmodule

`default_nettype wire
