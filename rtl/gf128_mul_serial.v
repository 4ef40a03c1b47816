// GF(2^128) multiplier, DIGIT bits of x per cycle (SP 800-38D Algorithm 1 taken
// DIGIT steps at a time), for the key loader: 128/DIGIT cycles a product for a
// few hundred LUTs, where a one-cycle multiplier costs thousands.
// GCM bit order on all ports (bit 127 is x^0).
`default_nettype none

module gf128_mul_serial #(
    parameter DIGIT = 8      // divides 128
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         start_i,   // takes x_i and y_i; ignored while busy
    input  wire [127:0] x_i,
    input  wire [127:0] y_i,
    output reg  [127:0] z_o,       // x*y, valid when done_o pulses
    output reg          done_o
);
  localparam [127:0] R = {8'he1, 120'd0};

  reg [127:0] x, v;
  reg [7:0]   n;       // digits still to do
  reg         busy;

  // DIGIT steps of Algorithm 1: for each bit of x, Z ^= V if set, V = V*x
  reg [127:0] z_step, v_step;
  integer i;
  always @* begin
    z_step = z_o;
    v_step = v;
    for (i = 0; i < DIGIT; i = i + 1) begin
      if (x[127-i]) z_step = z_step ^ v_step;
      v_step = v_step[0] ? ((v_step >> 1) ^ R) : (v_step >> 1);
    end
  end

  always @(posedge clk) begin
    done_o <= 1'b0;
    if (rst) begin
      busy <= 1'b0;
      n    <= 8'd0;
    end else if (!busy) begin
      if (start_i) begin
        x    <= x_i;
        v    <= y_i;
        z_o  <= 128'd0;
        n    <= 8'd128 / DIGIT[7:0];
        busy <= 1'b1;
      end
    end else begin
      z_o <= z_step;
      v   <= v_step;
      x   <= x << DIGIT;
      n <= n - 8'd1;
      if (n == 8'd1) begin
        busy   <= 1'b0;
        done_o <= 1'b1;
      end
    end
  end
endmodule

`default_nettype wire
