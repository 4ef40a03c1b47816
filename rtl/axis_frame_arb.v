// Merges N_IN frame streams into one, a whole frame at a time, round-robin:
// the several sources of frames for one port (the data path, the host's
// exception frames, ...) share it without any of them starving the others,
// and beats of different frames never interleave. m_src says which input the
// frame on the output came from; s_tuser is each input's per-beat sideband,
// passed through as m_tuser.
//
// No storage: the chosen input's beats go straight through (s_tready depends
// on m_tready). Between frames the choice is made in the cycle, among the
// inputs valid then, starting after the input served last, so the next frame
// follows the last beat of the one before with no idle cycle. Once a beat is
// on the output the choice holds until its frame's last beat is taken, so an
// offered beat never changes under back-pressure. Where timing wants a
// register between stages, put a register slice on either side.
`default_nettype none

module axis_frame_arb #(
    parameter LANES  = 1,
    parameter N_IN   = 2,         // 2..4
    parameter USER_W = 1
) (
    input  wire                         clk,
    input  wire                         rst,
    input  wire [N_IN*128*LANES-1:0]    s_tdata,
    input  wire [N_IN*16*LANES-1:0]     s_tkeep,
    input  wire [N_IN-1:0]              s_tvalid,
    output wire [N_IN-1:0]              s_tready,
    input  wire [N_IN-1:0]              s_tlast,
    input  wire [N_IN*USER_W-1:0]       s_tuser,
    output wire [128*LANES-1:0]         m_tdata,
    output wire [16*LANES-1:0]          m_tkeep,
    output wire                         m_tvalid,
    input  wire                         m_tready,
    output wire                         m_tlast,
    output wire [USER_W-1:0]            m_tuser,
    output wire [$clog2(N_IN)-1:0]      m_src
);
  localparam SW = $clog2(N_IN);
  localparam BW = 128 * LANES;
  localparam KW = 16 * LANES;

  reg           busy;   // a frame is under way (or offered): the choice holds
  reg  [SW-1:0] cur;    // the input being served, or served last

  // Round-robin: the lowest valid input above cur, else the lowest valid input.
  // Two passes from the top down, so the lowest index wins and the second pass
  // (above cur only) overrides the first.
  reg  [SW-1:0] pick;
  integer i;
  always @* begin
    pick = cur;
    for (i = N_IN - 1; i >= 0; i = i - 1)
      if (s_tvalid[i]) pick = i[SW-1:0];
    for (i = N_IN - 1; i >= 0; i = i - 1)
      if (s_tvalid[i] && i[SW-1:0] > cur) pick = i[SW-1:0];
  end

  wire [SW-1:0] sel = busy ? cur : pick;

  always @(posedge clk) begin
    if (rst) begin
      busy <= 1'b0;
      cur  <= {SW{1'b0}};
    end else if (m_tvalid) begin
      cur  <= sel;
      busy <= !(m_tready && m_tlast);
    end
  end

  assign m_tvalid = s_tvalid[sel];
  assign m_tdata  = s_tdata[sel*BW +: BW];
  assign m_tkeep  = s_tkeep[sel*KW +: KW];
  assign m_tlast  = s_tlast[sel];
  assign m_tuser  = s_tuser[sel*USER_W +: USER_W];
  assign m_src    = sel;
  assign s_tready = m_tready ? ({{N_IN-1{1'b0}}, 1'b1} << sel) : {N_IN{1'b0}};
endmodule

`default_nettype wire
