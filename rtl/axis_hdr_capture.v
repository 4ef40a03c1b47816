// Holds each frame back until its first HDR_BYTES bytes (or all of it, if it is
// shorter) have arrived, then sends it on with those bytes beside its first beat,
// so the stages after it can decide what to do with a frame from its headers
// before they see its body. Frames go through unchanged.
//
// The frame waits in a FIFO of FIFO_AW address bits while its header fills; the
// headers wait in a FIFO of their own, one per frame. A frame longer than the
// header streams through at one beat a cycle once its header is out.
`default_nettype none

module axis_hdr_capture #(
    parameter LANES     = 1,
    parameter HDR_BYTES = 96,
    parameter USER_W    = 1,
    parameter FIFO_AW   = 5       // frame FIFO: must hold more than HDR_BYTES
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire [128*LANES-1:0]    s_tdata,
    input  wire [16*LANES-1:0]     s_tkeep,
    input  wire                    s_tvalid,
    output wire                    s_tready,
    input  wire                    s_tlast,
    input  wire [USER_W-1:0]       s_tuser,
    output wire [128*LANES-1:0]    m_tdata,
    output wire [16*LANES-1:0]     m_tkeep,
    output wire                    m_tvalid,
    input  wire                    m_tready,
    output wire                    m_tlast,
    output wire [USER_W-1:0]       m_tuser,
    output wire [8*HDR_BYTES-1:0]  m_hdr,      // the frame's first bytes, zero past its end
    output wire [7:0]              m_hdr_len   // how many of them the frame has
);
  localparam B    = 16 * LANES;
  localparam BW   = 8 * B;
  localparam NB   = (HDR_BYTES + B - 1) / B;  // beats that hold the header
  localparam W    = BW + 16 * LANES + 1 + USER_W;
  localparam HW   = 8 * HDR_BYTES + 8;

  // --- frames -----------------------------------------------------------------------
  wire frame_in = s_tvalid && s_tready;
  wire frame_empty, frame_full;
  wire hdr_empty, hdr_full;
  wire frame_out = m_tvalid && m_tready;

  sync_fifo #(.WIDTH(W), .ADDR_W(FIFO_AW)) u_frames (
      .clk(clk), .rst(rst), .wr_i(frame_in), .wr_data_i({s_tdata, s_tkeep, s_tlast, s_tuser}),
      .rd_i(frame_out), .rd_data_o({m_tdata, m_tkeep, m_tlast, m_tuser}),
      .empty_o(frame_empty), .full_o(frame_full));

  // --- headers ----------------------------------------------------------------------
  reg [8*NB*B-1:0] hdr;        // filling
  reg [7:0]        hdr_len;
  reg [7:0]        beat;       // beats of this frame so far, saturating at NB
  reg              hdr_done;   // this frame's header is already queued
  reg [8*NB*B-1:0] hdr_next;
  reg [7:0]        len_next;
  integer i;
  always @* begin
    hdr_next = (beat == 8'd0) ? {8*NB*B{1'b0}} : hdr;
    len_next = (beat == 8'd0) ? 8'd0 : hdr_len;
    for (i = 0; i < B; i = i + 1)
      if (beat < NB[7:0] && s_tkeep[i]) begin
        hdr_next[8*(beat*B + i) +: 8] = s_tdata[8*i +: 8];
        len_next = beat * B[7:0] + i[7:0] + 8'd1;
      end
  end
  wire [7:0] hdr_len_cut = (len_next > HDR_BYTES[7:0]) ? HDR_BYTES[7:0] : len_next;
  wire hdr_push = frame_in && !hdr_done && (beat + 8'd1 >= NB[7:0] || s_tlast);

  sync_fifo #(.WIDTH(HW), .ADDR_W(FIFO_AW)) u_hdrs (
      .clk(clk), .rst(rst), .wr_i(hdr_push), .wr_data_i({hdr_next[8*HDR_BYTES-1:0], hdr_len_cut}),
      .rd_i(frame_out && m_tlast), .rd_data_o({m_hdr, m_hdr_len}),
      .empty_o(hdr_empty), .full_o(hdr_full));

  always @(posedge clk) begin
    if (rst) begin
      beat     <= 8'd0;
      hdr_done <= 1'b0;
    end else if (frame_in) begin
      hdr     <= hdr_next;
      hdr_len <= len_next;
      if (s_tlast) begin
        beat     <= 8'd0;
        hdr_done <= 1'b0;
      end else begin
        if (beat < NB[7:0]) beat <= beat + 8'd1;
        if (hdr_push) hdr_done <= 1'b1;
      end
    end
  end

  // A frame leaves only once its header is queued; hdr_full cannot happen while
  // the frame FIFO has room, as every queued header has a beat in the frame FIFO.
  assign s_tready = !frame_full && !hdr_full;
  assign m_tvalid = !frame_empty && !hdr_empty;
endmodule

`default_nettype wire
