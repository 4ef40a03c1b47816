// One AES encryption round (FIPS-197 5.1): SubBytes, ShiftRows, MixColumns,
// AddRoundKey. Purely combinational; the pipeline registers live in aes_pipe.
//
// The state is 128 bits with byte 0 in [127:120], as a block appears on the wire;
// byte i sits in row i%4, column i/4.
//
// `final_round` drops MixColumns (the last round); `pass` leaves the state as it
// is, which lets a 128-bit-key block ride through the stages that only 256-bit
// keys use, so every block has the same latency.
`default_nettype none

module aes_round (
    input  wire [127:0] state_i,
    input  wire [127:0] round_key_i,
    input  wire         final_round_i,
    input  wire         pass_i,
    output wire [127:0] state_o
);
  // byte b of a 128-bit block
  function automatic [7:0] byte_of(input [127:0] s, input integer b);
    byte_of = s[127-8*b -: 8];
  endfunction

  // multiply by x in GF(2^8) mod x^8 + x^4 + x^3 + x + 1
  function automatic [7:0] xtime(input [7:0] v);
    xtime = {v[6:0], 1'b0} ^ (v[7] ? 8'h1b : 8'h00);
  endfunction

  wire [127:0] sub;  // after SubBytes, still in input byte order
  genvar g;
  generate
    for (g = 0; g < 16; g = g + 1) begin : g_sbox
      aes_sbox u_sbox (.a(state_i[127-8*g -: 8]), .q(sub[127-8*g -: 8]));
    end
  endgenerate

  reg [127:0] shifted;  // after ShiftRows
  reg [127:0] mixed;    // after MixColumns
  integer r, c;
  reg [7:0] b0, b1, b2, b3;
  always @* begin
    for (c = 0; c < 4; c = c + 1)
      for (r = 0; r < 4; r = r + 1)
        shifted[127-8*(4*c+r) -: 8] = byte_of(sub, 4*((c + r) % 4) + r);

    for (c = 0; c < 4; c = c + 1) begin
      b0 = byte_of(shifted, 4*c);
      b1 = byte_of(shifted, 4*c+1);
      b2 = byte_of(shifted, 4*c+2);
      b3 = byte_of(shifted, 4*c+3);
      mixed[127-8*(4*c)   -: 8] = xtime(b0) ^ xtime(b1) ^ b1 ^ b2 ^ b3;
      mixed[127-8*(4*c+1) -: 8] = b0 ^ xtime(b1) ^ xtime(b2) ^ b2 ^ b3;
      mixed[127-8*(4*c+2) -: 8] = b0 ^ b1 ^ xtime(b2) ^ xtime(b3) ^ b3;
      mixed[127-8*(4*c+3) -: 8] = xtime(b0) ^ b0 ^ b1 ^ b2 ^ xtime(b3);
    end
  end

  assign state_o = pass_i        ? state_i
                 : final_round_i ? (shifted ^ round_key_i)
                 :                 (mixed ^ round_key_i);
endmodule

`default_nettype wire
