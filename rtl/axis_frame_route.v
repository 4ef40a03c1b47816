// Steers each frame of a stream to one of N_OUT outputs, or drops it, by a
// per-frame decision that arrives on a stream of its own: the top level works
// out where a frame goes from its header in a pipeline several cycles long
// while the frame waits in a FIFO, so a decision may come before or after its
// frame's first beat. Decisions are pushed in frame order and wait in a small
// FIFO (2^D_AW of them); a frame waits for its decision.
//
// d_dest is the output, or N_OUT (or more) to drop the frame: it is consumed at
// full rate and nothing of it is sent. d_meta comes out with every beat of its
// frame. The outputs share m_tdata/m_tkeep/m_tlast/m_meta; each has its own
// m_tvalid/m_tready. Frames stay in order, so an output that holds back stalls
// the route, not only its own frames.
//
// No storage on the frame path: a beat goes straight through in the cycle it
// arrives (s_tready depends on m_tready), so with its decision waiting a frame
// follows the one before it with no idle cycle. Where timing wants a register
// between stages, put a register slice on either side.
`default_nettype none

module axis_frame_route #(
    parameter LANES  = 1,
    parameter N_OUT  = 2,         // 2..4
    parameter META_W = 1,
    parameter D_AW   = 3
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire [128*LANES-1:0]    s_tdata,
    input  wire [16*LANES-1:0]     s_tkeep,
    input  wire                    s_tvalid,
    output wire                    s_tready,
    input  wire                    s_tlast,
    input  wire                    d_valid,
    output wire                    d_ready,
    input  wire [$clog2(N_OUT+1)-1:0] d_dest,
    input  wire [META_W-1:0]       d_meta,
    output wire [128*LANES-1:0]    m_tdata,
    output wire [16*LANES-1:0]     m_tkeep,
    output wire [N_OUT-1:0]        m_tvalid,
    input  wire [N_OUT-1:0]        m_tready,
    output wire                    m_tlast,
    output wire [META_W-1:0]       m_meta
);
  localparam DEST_W = $clog2(N_OUT + 1);

  wire              dec_empty, dec_full;
  wire [DEST_W-1:0] dest;
  wire              pop = s_tvalid && s_tready && s_tlast;

  sync_fifo #(.WIDTH(DEST_W + META_W), .ADDR_W(D_AW)) u_dec (
      .clk(clk), .rst(rst), .wr_i(d_valid && d_ready), .wr_data_i({d_dest, d_meta}),
      .rd_i(pop), .rd_data_o({dest, m_meta}), .empty_o(dec_empty), .full_o(dec_full));
  assign d_ready = !dec_full;

  // hit[i]: the frame at the input has its decision and it says output i
  reg [N_OUT-1:0] hit;
  integer i;
  always @* begin
    for (i = 0; i < N_OUT; i = i + 1)
      hit[i] = !dec_empty && dest == i[DEST_W-1:0];
  end
  wire drop = !dec_empty && !(|hit);

  assign m_tvalid = s_tvalid ? hit : {N_OUT{1'b0}};
  assign s_tready = drop || |(hit & m_tready);
  assign m_tdata  = s_tdata;
  assign m_tkeep  = s_tkeep;
  assign m_tlast  = s_tlast;
endmodule

`default_nettype wire
