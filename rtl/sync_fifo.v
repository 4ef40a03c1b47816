// Synchronous FIFO, first word fall-through: rd_data_o is valid whenever
// !empty_o. Writing while full or reading while empty is the caller's bug.
`default_nettype none

module sync_fifo #(
    parameter WIDTH  = 8,
    parameter ADDR_W = 6
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             wr_i,
    input  wire [WIDTH-1:0] wr_data_i,
    input  wire             rd_i,
    output wire [WIDTH-1:0] rd_data_o,
    output wire             empty_o,
    output wire             full_o
);
  reg [WIDTH-1:0]  mem [0:(1<<ADDR_W)-1];
  reg [ADDR_W:0]   wr_ptr, rd_ptr;

  always @(posedge clk) begin
    if (wr_i) mem[wr_ptr[ADDR_W-1:0]] <= wr_data_i;
  end

  always @(posedge clk) begin
    if (rst) begin
      wr_ptr <= 0;
      rd_ptr <= 0;
    end else begin
      if (wr_i) wr_ptr <= wr_ptr + 1'b1;
      if (rd_i) rd_ptr <= rd_ptr + 1'b1;
    end
  end

  assign rd_data_o = mem[rd_ptr[ADDR_W-1:0]];
  assign empty_o   = (wr_ptr == rd_ptr);
  assign full_o    = (wr_ptr == {~rd_ptr[ADDR_W], rd_ptr[ADDR_W-1:0]});
endmodule

`default_nettype wire
