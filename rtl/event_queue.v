// The card's event FIFO, which the host reads: one entry per event, from the two
// pipelines, each of which may raise several events with one packet (a packet can
// cross the soft and the hard limit at once).
//
// Entry: [31:28] type, [27] outbound, [SA_W-1:0] SA index. Types, by bit of a
// source's mask: 1 soft limit, 2 hard limit, 3 sequence number near exhaustion,
// 4 sequence number exhausted, 5 ICV failure (the first on the SA in an interval).
//
// Each source's packets wait in a small FIFO of their own; the drain takes one
// event (one mask bit) a cycle, alternating sources, into the host's FIFO. Events
// are rare, so the queues are small; when one is full the event is lost and
// counted, never blocking the pipeline that raised it.
`default_nettype none

module event_queue #(
    parameter SA_W  = 12,
    parameter OUT_AW = 8
) (
    input  wire            clk,
    input  wire            rst,
    input  wire            a_valid_i,    // outbound pipeline
    input  wire [4:0]      a_mask_i,
    input  wire [SA_W-1:0] a_sa_i,
    input  wire            b_valid_i,    // inbound pipeline
    input  wire [4:0]      b_mask_i,
    input  wire [SA_W-1:0] b_sa_i,
    output wire            ev_valid_o,
    input  wire            ev_ready_i,
    output wire [31:0]     ev_data_o,
    output reg  [1:0]      lost_o        // events lost this cycle (0..2 packets' worth)
);
  localparam SW = 5 + SA_W;
  wire [SW-1:0] a_q, b_q;
  wire a_empty, a_full, b_empty, b_full;
  wire a_push = a_valid_i && a_mask_i != 5'd0;
  wire b_push = b_valid_i && b_mask_i != 5'd0;
  wire a_pop, b_pop;
  sync_fifo #(.WIDTH(SW), .ADDR_W(3)) u_a (
      .clk(clk), .rst(rst), .wr_i(a_push && !a_full), .wr_data_i({a_mask_i, a_sa_i}),
      .rd_i(a_pop), .rd_data_o(a_q), .empty_o(a_empty), .full_o(a_full));
  sync_fifo #(.WIDTH(SW), .ADDR_W(3)) u_b (
      .clk(clk), .rst(rst), .wr_i(b_push && !b_full), .wr_data_i({b_mask_i, b_sa_i}),
      .rd_i(b_pop), .rd_data_o(b_q), .empty_o(b_empty), .full_o(b_full));

  always @(posedge clk)
    lost_o <= rst ? 2'd0 : {1'b0, a_push && a_full} + {1'b0, b_push && b_full};

  // The drain: the head entry of the chosen source, bits still to send in `left`.
  reg        use_b;      // which source the drain is on
  reg        busy;       // `left` holds the rest of the head entry's mask
  reg  [4:0] left;
  wire       src_empty = use_b ? b_empty : a_empty;
  wire [SW-1:0] head  = use_b ? b_q : a_q;
  wire [4:0] mask     = busy ? left : head[SW-1:SA_W];
  // lowest set bit first
  wire [4:0] pick     = mask & (~mask + 5'd1);
  wire [2:0] type_n   = pick[0] ? 3'd1 : pick[1] ? 3'd2 : pick[2] ? 3'd3 : pick[3] ? 3'd4 : 3'd5;
  wire       out_full;
  wire       emit     = !src_empty && !out_full;
  wire       last_bit = (mask & ~pick) == 5'd0;
  assign a_pop = emit && last_bit && !use_b;
  assign b_pop = emit && last_bit && use_b;

  always @(posedge clk) begin
    if (rst) begin
      use_b <= 1'b0;
      busy  <= 1'b0;
      left  <= 5'd0;
    end else if (emit) begin
      busy <= !last_bit;
      left <= mask & ~pick;
      if (last_bit) use_b <= !use_b;
    end else if (src_empty && !busy) begin
      use_b <= !use_b;
    end
  end

  wire [31:0] entry = {1'b0, type_n, !use_b, {(27-SA_W){1'b0}}, head[SA_W-1:0]};
  wire        out_empty;
  sync_fifo #(.WIDTH(32), .ADDR_W(OUT_AW)) u_out (
      .clk(clk), .rst(rst), .wr_i(emit), .wr_data_i(entry),
      .rd_i(ev_valid_o && ev_ready_i), .rd_data_o(ev_data_o), .empty_o(out_empty), .full_o(out_full));
  assign ev_valid_o = !out_empty;
endmodule

`default_nettype wire
