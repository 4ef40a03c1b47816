// Reduces a 255-bit carry-less product modulo the GCM polynomial
// x^128 + x^7 + x^2 + x + 1 and returns it in GCM's bit order (bit 127 is x^0).
// x^128 = x^7 + x^2 + x + 1, so the high half folds down once, and the at most
// six bits that fold past x^127 fold down a second time.
`default_nettype none

module gf128_reduce (
    input  wire [254:0] p_i,
    output reg  [127:0] r_o
);
  wire [126:0] hi = p_i[254:128];
  wire [133:0] fold1 = {7'd0, hi} ^ {6'd0, hi, 1'b0} ^ {5'd0, hi, 2'b0} ^ {hi, 7'b0};
  wire [5:0]   over  = fold1[133:128];
  wire [127:0] fold2 = {122'd0, over} ^ {121'd0, over, 1'b0} ^ {120'd0, over, 2'b0}
                     ^ {115'd0, over, 7'b0};
  wire [127:0] r_poly = p_i[127:0] ^ fold1[127:0] ^ fold2;
  integer i;

  always @* begin
    for (i = 0; i < 128; i = i + 1) r_o[127-i] = r_poly[i];
  end
endmodule

`default_nettype wire
