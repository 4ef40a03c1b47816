// Store-and-forward frame FIFO that discards bad frames: nothing of a frame
// leaves until its last beat is in, so a frame found bad at its end (s_drop,
// sampled with the last beat: ICV, replay, trailer) vanishes whole and the
// output only ever shows whole, accepted frames. The decap pipeline's last stage.
//
// s_meta is sampled with the last beat too and comes out with every beat of
// its frame. A frame that cannot fit (more than 2^DEPTH_AW beats) would wait
// for room forever; instead it is discarded as it arrives (ovf_o) and the FIFO
// goes on. drop_o and ovf_o pulse once per discarded frame, the cycle after its
// last beat; a frame that overflows counts as ovf_o only, whatever its s_drop.
//
// Beats sit in a ram_sdp (block RAM), writing and reading one beat a cycle
// each, so with room for two largest frames the FIFO streams back-to-back
// frames at full rate (with the output never held back, one largest frame and
// a few beats already do). A frame's first beat appears three cycles after its
// last beat goes in (commit, RAM read, output register).
`default_nettype none

module axis_frame_fifo #(
    parameter LANES    = 1,
    parameter DEPTH_AW = 9,       // 2^DEPTH_AW beats; at least 1
    parameter META_W   = 1
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire [128*LANES-1:0]    s_tdata,
    input  wire [16*LANES-1:0]     s_tkeep,
    input  wire                    s_tvalid,
    output wire                    s_tready,
    input  wire                    s_tlast,
    input  wire                    s_drop,     // with the last beat: discard this frame
    input  wire [META_W-1:0]       s_meta,     // with the last beat
    output wire [128*LANES-1:0]    m_tdata,
    output wire [16*LANES-1:0]     m_tkeep,
    output wire                    m_tvalid,
    input  wire                    m_tready,
    output wire                    m_tlast,
    output wire [META_W-1:0]       m_meta,
    output reg                     drop_o,     // a frame was discarded by s_drop
    output reg                     ovf_o       // a frame was discarded as too large
);
  localparam BEAT_W = 128 * LANES + 16 * LANES + 1;   // {last, keep, data}
  localparam OUT_W  = META_W + BEAT_W;

  // --- write side -------------------------------------------------------------
  // Pointers carry one bit more than the address, so full and empty differ.
  reg  [DEPTH_AW:0] wr_ptr;    // slot for this frame's next beat
  reg  [DEPTH_AW:0] wr_start;  // this frame's first slot: all before it is committed
  reg  [DEPTH_AW:0] rd_ptr;    // next slot to read: all before it is free
  reg               skipping;  // the rest of a frame that overflowed

  wire [DEPTH_AW:0] used = wr_ptr - rd_ptr;
  wire [DEPTH_AW:0] flen = wr_ptr - wr_start;
  wire full = used[DEPTH_AW];    // used never exceeds 2^DEPTH_AW
  // This frame alone fills the RAM, so its next beat can never fit: waiting would
  // deadlock, so it is discarded from here on.
  wire huge = flen[DEPTH_AW];

  assign s_tready = !full || huge || skipping;
  wire in_beat = s_tvalid && s_tready;
  wire keep_in = !huge && !skipping;
  wire we      = in_beat && keep_in;
  wire commit  = we && s_tlast && !s_drop;

  always @(posedge clk) begin
    if (rst) begin
      wr_ptr   <= {DEPTH_AW+1{1'b0}};
      wr_start <= {DEPTH_AW+1{1'b0}};
      skipping <= 1'b0;
      drop_o   <= 1'b0;
      ovf_o    <= 1'b0;
    end else begin
      drop_o <= in_beat && keep_in && s_tlast && s_drop;
      ovf_o  <= in_beat && !keep_in && s_tlast;
      if (in_beat) begin
        if (!keep_in) begin
          wr_ptr   <= wr_start;
          skipping <= !s_tlast;
        end else if (s_tlast && s_drop) begin
          wr_ptr <= wr_start;
        end else begin
          wr_ptr <= wr_ptr + 1'b1;
          if (s_tlast) wr_start <= wr_ptr + 1'b1;
        end
      end
    end
  end

  // --- storage ----------------------------------------------------------------
  // A frame's meta is written at its first slot when the frame commits, and read
  // beside the beats, so it is there when that first beat comes out of the RAM;
  // no separate per-frame queue to size.
  wire               rd;
  wire [BEAT_W-1:0]  beat_q;
  wire [META_W-1:0]  meta_q;

  ram_sdp #(.WIDTH(BEAT_W), .ADDR_W(DEPTH_AW)) u_beats (
      .clk(clk), .we_i(we), .waddr_i(wr_ptr[DEPTH_AW-1:0]),
      .wdata_i({s_tlast, s_tkeep, s_tdata}),
      .raddr_i(rd_ptr[DEPTH_AW-1:0]), .rdata_o(beat_q));

  ram_sdp #(.WIDTH(META_W), .ADDR_W(DEPTH_AW)) u_meta (
      .clk(clk), .we_i(commit), .waddr_i(wr_start[DEPTH_AW-1:0]), .wdata_i(s_meta),
      .raddr_i(rd_ptr[DEPTH_AW-1:0]), .rdata_o(meta_q));

  // --- read side ----------------------------------------------------------------
  // The RAM answers a cycle after the read, too late to stop for m_tready, so the
  // output is a two-beat buffer (out0 drives m_*, out1 behind it) and a read is
  // issued only when its beat will have a place: held beats plus the one in
  // flight, less the one leaving now, at most one.
  reg               pend;      // a read was issued last cycle: its beat is on beat_q
  reg  [1:0]        out_cnt;   // beats in out0/out1
  reg  [OUT_W-1:0]  out0, out1;
  reg               first;     // the next beat off the RAM starts a frame
  reg  [META_W-1:0] cur_meta;  // the meta of the frame coming off the RAM

  wire pop = m_tvalid && m_tready;
  assign rd = (rd_ptr != wr_start) &&
              (out_cnt + {1'b0, pend} <= {1'b0, pop} + 2'd1);

  wire [META_W-1:0] arr_meta = first ? meta_q : cur_meta;
  wire [OUT_W-1:0]  arr      = {arr_meta, beat_q};

  always @(posedge clk) begin
    if (rst) begin
      rd_ptr  <= {DEPTH_AW+1{1'b0}};
      pend    <= 1'b0;
      out_cnt <= 2'd0;
      first   <= 1'b1;
    end else begin
      if (rd) rd_ptr <= rd_ptr + 1'b1;
      pend    <= rd;
      out_cnt <= out_cnt + {1'b0, pend} - {1'b0, pop};
      if (pend) begin
        first    <= beat_q[BEAT_W-1];
        cur_meta <= arr_meta;
      end
    end
    // out1 matters only while it holds a second beat, so it may take every beat
    // off the RAM
    if (pop || out_cnt == 2'd0) out0 <= (out_cnt == 2'd2) ? out1 : arr;
    if (pend) out1 <= arr;
  end

  assign m_tvalid = out_cnt != 2'd0;
  assign {m_meta, m_tlast, m_tkeep, m_tdata} = out0;
endmodule

`default_nettype wire
