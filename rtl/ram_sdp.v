// Simple dual-port RAM: one write port, one read port with a registered output,
// the shape Xilinx block RAM and LUT RAM both take. Contents start undefined;
// whoever reads a location writes it first.
`default_nettype none

module ram_sdp #(
    parameter WIDTH  = 128,
    parameter ADDR_W = 4
) (
    input  wire              clk,
    input  wire              we_i,
    input  wire [ADDR_W-1:0] waddr_i,
    input  wire [WIDTH-1:0]  wdata_i,
    input  wire [ADDR_W-1:0] raddr_i,
    output reg  [WIDTH-1:0]  rdata_o
);
  reg [WIDTH-1:0] mem [0:(1<<ADDR_W)-1];

  always @(posedge clk) begin
    if (we_i) mem[waddr_i] <= wdata_i;
    rdata_o <= mem[raddr_i];
  end
endmodule

`default_nettype wire
