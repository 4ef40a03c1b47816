// A fixed delay of DEPTH cycles with no reset and no enable, so synthesis maps it
// to shift-register LUTs (SRL32) rather than flip-flops. For data that rides beside
// a pipeline whose valid bits are kept elsewhere.
`default_nettype none

module delay_line #(
    parameter WIDTH = 8,
    parameter DEPTH = 1
) (
    input  wire             clk,
    input  wire [WIDTH-1:0] d_i,
    output wire [WIDTH-1:0] q_o
);
  reg [WIDTH-1:0] sr [0:DEPTH-1];
  integer i;

  always @(posedge clk) begin
    sr[0] <= d_i;
    for (i = 1; i < DEPTH; i = i + 1) sr[i] <= sr[i-1];
  end

  assign q_o = sr[DEPTH-1];
endmodule

`default_nettype wire
