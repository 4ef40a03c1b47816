// The front of each of the card's pipelines: takes frames from a port, hands each
// frame's first 128 bytes and its length to the decision logic the cycle its first
// beat goes by (admit_o, hdr_o, len_o), and holds the frame's beats in a FIFO
// while its decision is made, so the next frame's decision can start at once and
// frames stream back to back.
//
// Frames come in store-and-forward, as from a MAC that checks the FCS before it
// passes a frame on: whole, with their length known before their first beat is
// decided on. So a frame shorter than its IP header says is caught before any of
// it is encrypted or a sequence number is spent on it, and a frame over
// MAX_FRAME bytes is dropped here (oversize_o), whatever its headers claim.
//
// A decision comes out of the pipeline some cycles later and waits in the route's
// decision FIFO for its frame. Frames are let in only while fewer than MAX_FLIGHT
// of them are ahead of the route's end of the beat FIFO, so that FIFO (MAX_FLIGHT
// deep) never overflows and the pipeline never has to stop.
`default_nettype none

module frame_front #(
    parameter LANES      = 1,
    parameter MAX_FLIGHT = 16,
    parameter MAX_FRAME  = 9216
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire [128*LANES-1:0] s_tdata,
    input  wire [16*LANES-1:0]  s_tkeep,
    input  wire                 s_tvalid,
    output wire                 s_tready,
    input  wire                 s_tlast,
    output wire                 admit_o,     // a frame's first beat went in
    output wire [1023:0]        hdr_o,       // its first 128 bytes, zero past its end
    output wire [7:0]           hdr_len_o,   // how many of them it has
    output wire [15:0]          len_o,       // the frame's length
    output reg                  oversize_o,  // a frame over MAX_FRAME was dropped
    output wire [128*LANES-1:0] m_tdata,
    output wire [16*LANES-1:0]  m_tkeep,
    output wire                 m_tvalid,
    input  wire                 m_tready,
    output wire                 m_tlast
);
  localparam D  = 128 * LANES;
  localparam KB = 16 * LANES;

  // --- whole frames, with their length --------------------------------------------
  reg  [15:0] count;               // bytes of the frame coming in, so far
  reg  [7:0]  beat_bytes;
  integer i;
  always @* begin
    beat_bytes = 8'd0;
    for (i = 0; i < KB; i = i + 1) beat_bytes = beat_bytes + {7'd0, s_tkeep[i]};
  end
  wire [16:0] total = {1'b0, count} + {9'd0, beat_bytes};
  wire [15:0] len_in = total[16] ? 16'hffff : total[15:0];
  wire        s_take = s_tvalid && s_tready;
  always @(posedge clk) begin
    if (rst || (s_take && s_tlast)) count <= 16'd0;
    else if (s_take) count <= len_in;
  end

  wire [D-1:0]  f_tdata;
  wire [KB-1:0] f_tkeep;
  wire          f_tvalid, f_tready, f_tlast, f_drop, f_ovf;
  wire [15:0]   f_len;
  // two largest frames: one being read while the next comes in
  axis_frame_fifo #(.LANES(LANES), .DEPTH_AW(LANES == 1 ? 11 : LANES == 2 ? 10 : 9), .META_W(16)) u_rx (
      .clk(clk), .rst(rst),
      .s_tdata(s_tdata), .s_tkeep(s_tkeep), .s_tvalid(s_tvalid), .s_tready(s_tready),
      .s_tlast(s_tlast), .s_drop(len_in > MAX_FRAME), .s_meta(len_in),
      .m_tdata(f_tdata), .m_tkeep(f_tkeep), .m_tvalid(f_tvalid), .m_tready(f_tready),
      .m_tlast(f_tlast), .m_meta(f_len), .drop_o(f_drop), .ovf_o(f_ovf));
  always @(posedge clk) oversize_o <= (f_drop || f_ovf) && !rst;

  wire [D-1:0]  h_tdata;
  wire [KB-1:0] h_tkeep;
  wire          h_tvalid, h_tready, h_tlast;
  axis_hdr_capture #(.LANES(LANES), .HDR_BYTES(128), .USER_W(16), .FIFO_AW(5)) u_cap (
      .clk(clk), .rst(rst),
      .s_tdata(f_tdata), .s_tkeep(f_tkeep), .s_tvalid(f_tvalid), .s_tready(f_tready),
      .s_tlast(f_tlast), .s_tuser(f_len),
      .m_tdata(h_tdata), .m_tkeep(h_tkeep), .m_tvalid(h_tvalid), .m_tready(h_tready),
      .m_tlast(h_tlast), .m_tuser(len_o), .m_hdr(hdr_o), .m_hdr_len(hdr_len_o));

  reg  first;                      // the next beat out of capture starts a frame
  reg  [$clog2(MAX_FLIGHT+1)-1:0] flight;
  wire full, empty;
  assign h_tready = !full && (!first || flight < MAX_FLIGHT);
  wire take = h_tvalid && h_tready;
  assign admit_o = take && first;

  sync_fifo #(.WIDTH(D + KB + 1), .ADDR_W(5)) u_beats (
      .clk(clk), .rst(rst), .wr_i(take), .wr_data_i({h_tdata, h_tkeep, h_tlast}),
      .rd_i(m_tvalid && m_tready), .rd_data_o({m_tdata, m_tkeep, m_tlast}),
      .empty_o(empty), .full_o(full));
  assign m_tvalid = !empty;
  wire done = m_tvalid && m_tready && m_tlast;

  always @(posedge clk) begin
    if (rst) begin
      first  <= 1'b1;
      flight <= 0;
    end else begin
      if (take) first <= h_tlast;
      if (admit_o && !done) flight <= flight + 1'b1;
      else if (done && !admit_o) flight <= flight - 1'b1;
    end
  end

endmodule

`default_nettype wire
