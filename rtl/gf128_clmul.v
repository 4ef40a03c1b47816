// Carry-less product of two elements of GF(2^128), not reduced.
//
// Inputs are in GCM's bit order (SP 800-38D 6.3): bit 127 of the vector, the first
// bit of the block on the wire, is the coefficient of x^0. The product is returned
// in polynomial order (bit i is the coefficient of x^i), the order gf128_reduce
// takes, so that several products can be summed before one reduction.
`default_nettype none

module gf128_clmul (
    input  wire [127:0] a_i,
    input  wire [127:0] b_i,
    output reg  [254:0] p_o
);
  reg [127:0] a_poly, b_poly;
  integer i;

  always @* begin
    for (i = 0; i < 128; i = i + 1) begin
      a_poly[i] = a_i[127-i];
      b_poly[i] = b_i[127-i];
    end
    p_o = 255'd0;
    for (i = 0; i < 128; i = i + 1)
      p_o = p_o ^ (({127'd0, a_poly} << i) & {255{b_poly[i]}});
  end
endmodule

`default_nettype wire
