// Rebuilds a frame as  header ++ input[drop : drop+keep] ++ tail  and realigns it
// to beats: the one operation every ESP stage needs. Encapsulation prepends the
// outer headers and appends the ICV; decapsulation drops the outer headers and
// trailer; both move the payload between the offset the headers leave and the
// block alignment the GCM engine wants.
//
// Per packet, sampled with its first beat: s_hdr/s_hdr_len (bytes put in front,
// byte 0 in bits [7:0]), s_drop (input bytes skipped), s_keep (input bytes kept
// after them; the rest up to tlast is discarded). With its last beat: s_tail and
// s_tail_len (bytes put behind), s_tuser (goes out on the last output beat).
//
// Each cycle appends to an accumulator of fewer than BEAT bytes one chunk: the
// next BEAT bytes of the header (or all that is left of it, when less than two
// beats, so a header's part-filled beat costs no cycle of its own), or one input
// beat's kept bytes (with the tail behind them on the last beat, when both fit),
// or the tail alone. A beat goes out when BEAT bytes are there, so the output
// runs at one beat a cycle. An output packet with no bytes is one beat with
// tkeep 0.
//
// When a packet's last input beat leaves more than a beat of output, the rest
// goes out in a cycle of its own (flush), which takes no input. With OVERLAP = 1
// the next packet's first beat may go in during that cycle, if it fills no output
// beat by itself (its header is short and it is not also its last beat): an
// input that drops its first beat or most of it (inbound ESP, behind the outer
// headers) then runs with no bubble between packets. OVERLAP = 0 keeps the flush
// cycle to itself.
`default_nettype none

module axis_splice #(
    parameter LANES    = 1,
    parameter HDR_MAX  = 80,   // bytes
    parameter TAIL_MAX = 16,   // bytes, at most 16*LANES
    parameter USER_W   = 1,
    parameter OVERLAP  = 0     // 1: a first beat may go in beside the last packet's flush
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire [128*LANES-1:0]    s_tdata,
    input  wire [16*LANES-1:0]     s_tkeep,
    input  wire                    s_tvalid,
    output wire                    s_tready,
    input  wire                    s_tlast,
    input  wire [USER_W-1:0]       s_tuser,
    input  wire [8*HDR_MAX-1:0]    s_hdr,
    input  wire [7:0]              s_hdr_len,
    input  wire [15:0]             s_drop,
    input  wire [15:0]             s_keep,
    input  wire [8*TAIL_MAX-1:0]   s_tail,
    input  wire [4:0]              s_tail_len,
    output reg  [128*LANES-1:0]    m_tdata,
    output reg  [16*LANES-1:0]     m_tkeep,
    output reg                     m_tvalid,
    input  wire                    m_tready,
    output reg                     m_tlast,
    output reg  [USER_W-1:0]       m_tuser
);
  localparam B   = 16 * LANES;            // bytes a beat
  localparam BW  = 8 * B;
  localparam CW  = $clog2(B + 1);         // a byte count 0..B
  localparam [31:0] B2_32 = 2 * B;
  localparam [CW+1:0] B2 = B2_32[CW+1:0];

  localparam PH_IDLE = 3'd0, PH_HDR = 3'd1, PH_BODY = 3'd2, PH_TAIL = 3'd3, PH_FLUSH = 3'd4;
  reg [2:0] phase;

  reg [8*HDR_MAX-1:0]  hdr;
  reg [7:0]            hdr_len, hdr_pos;
  reg [15:0]           drop, keep;        // what is left of them for later beats
  reg [8*TAIL_MAX-1:0] tail;
  reg [4:0]            tail_len;
  reg [USER_W-1:0]     user;
  reg [BW-1:0]         acc;               // pending output bytes, from byte 0
  reg [CW-1:0]         acc_n;

  wire out_free = !m_tvalid || m_tready;

  // A packet starts in the cycle its first beat shows, from the s_* fields, so
  // packets follow each other with no idle cycle.
  // A header shorter than a beat is simply where the accumulator starts.
  wire        hdr_small = s_hdr_len < B[7:0];
  // A first beat beside a flush: its bytes (header, then body) must stay under a
  // beat, so they only fill the accumulator the flush empties. Worked out from
  // the s_* fields alone, as `start` depends on it, and taking the beat as full
  // (a first beat that is not the last is), which can only overcount: the header
  // plus either everything kept, or the part of a beat past the drop.
  wire        first_fits = {8'd0, s_hdr_len} < s_drop
                           || {9'd0, s_hdr_len} + {1'b0, s_keep} < {1'b0, B[15:0]};
  wire        early     = OVERLAP != 0 && phase == PH_FLUSH && out_free && s_tvalid && hdr_small
                          && !s_tlast && first_fits;
  wire        start     = (phase == PH_IDLE || early) && s_tvalid;
  wire [2:0]  cur_phase = !start ? phase : hdr_small ? PH_BODY : PH_HDR;
  reg [BW-1:0] start_acc;
  reg [2*BW-1:0] start_hdr;
  integer c;
  always @* begin
    start_hdr = hdr_slice(s_hdr, 8'd0);
    for (c = 0; c < B; c = c + 1)
      start_acc[8*c +: 8] = (hdr_small && s_hdr_len > c[7:0]) ? start_hdr[8*c +: 8] : 8'd0;
  end
  wire [8*HDR_MAX-1:0] cur_hdr = start ? s_hdr : hdr;
  wire [7:0]  cur_hdr_len = start ? s_hdr_len : hdr_len;
  wire [7:0]  cur_hdr_pos = start ? 8'd0 : hdr_pos;
  wire [15:0] cur_drop  = start ? s_drop : drop;
  wire [15:0] cur_keep  = start ? s_keep : keep;
  wire [BW-1:0] cur_acc = start ? start_acc : acc;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [15:0]   start_n = {8'd0, hdr_small ? s_hdr_len : 8'd0};
  /* verilator lint_on UNUSEDSIGNAL */
  wire [CW-1:0] cur_acc_n = start ? start_n[CW-1:0] : acc_n;

  // --- the chunk this cycle ------------------------------------------------------
  // Header: the next B bytes of it. Body: this beat's bytes in [drop, drop+keep),
  // moved down to byte 0. Tail: all of it.
  wire [7:0]  hdr_left  = cur_hdr_len - cur_hdr_pos;
  wire        hdr_ends  = {1'b0, hdr_left} < 9'd2 * B[8:0];   // the rest goes now
  wire [7:0]  hdr_step  = hdr_ends ? hdr_left : B[7:0];
  wire [15:0] beat_len  = {8'd0, keep_len(s_tkeep)};
  wire [15:0] body_lo   = (cur_drop < beat_len) ? cur_drop : beat_len;
  wire [15:0] body_av   = beat_len - body_lo;
  wire [15:0] body_n    = (cur_keep < body_av) ? cur_keep : body_av;

  reg  [BW-1:0] chunk;
  reg  [CW:0]   chunk_n;
  wire [CW+1:0] with_tail = {2'b00, cur_acc_n} + {1'b0, body_n[CW:0]} + {{(CW-3){1'b0}}, s_tail_len};
  wire          merge_tail = cur_phase == PH_BODY && s_tvalid && s_tlast && s_tail_len != 5'd0
                             && with_tail < B2;
  reg           chunk_last;   // the packet's final chunk
  reg           take_input;   // this chunk consumes the input beat
  always @* begin
    chunk = {BW{1'b0}};
    chunk_n = 0;
    chunk_last = 1'b0;
    take_input = 1'b0;
    case (cur_phase)
      PH_HDR: ;   // the header goes straight into `joined` below
      PH_BODY: if (s_tvalid) begin
        chunk = s_tdata >> {body_lo[CW-1:0], 3'b000};
        chunk_n = body_n[CW:0];
        take_input = 1'b1;
        chunk_last = s_tlast && (s_tail_len == 5'd0 || merge_tail);
      end
      PH_TAIL: begin
        chunk[8*TAIL_MAX-1:0] = tail;
        chunk_n = {{(CW-4){1'b0}}, tail_len};
        chunk_last = 1'b1;
      end
      default: ;
    endcase
  end

  // --- append the chunk behind the accumulator ------------------------------------
  // Bytes past chunk_n are cleared: they land where the next accumulator starts.
  reg [BW-1:0] chunk_clean;
  always @* begin
    for (c = 0; c < B; c = c + 1)
      chunk_clean[8*c +: 8] = (chunk_n > c[CW:0]) ? chunk[8*c +: 8] : 8'd0;
  end
  // The header's bytes: the accumulator is empty while they go (they come first,
  // and only whole beats of them leave), so up to two beats' worth fit.
  reg [2*BW-1:0] hdr_bytes;
  always @* begin
    hdr_bytes = hdr_slice(cur_hdr, cur_hdr_pos);
    for (c = 0; c < 2 * B; c = c + 1)
      if (hdr_step <= c[7:0]) hdr_bytes[8*c +: 8] = 8'd0;
  end
  // The tail behind the last input beat's bytes, when it is merged into that cycle
  reg [8*TAIL_MAX-1:0] tail_clean;
  always @* begin
    for (c = 0; c < TAIL_MAX; c = c + 1)
      tail_clean[8*c +: 8] = (s_tail_len > c[4:0]) ? s_tail[8*c +: 8] : 8'd0;
  end
  wire [2*BW-1:0] tail_at = merge_tail ?
      {{(2*BW-8*TAIL_MAX){1'b0}}, tail_clean} << {cur_acc_n + body_n[CW-1:0], 3'b000} : {2*BW{1'b0}};
  wire [2*BW-1:0] joined   = (cur_phase == PH_HDR) ? hdr_bytes
                           : ({{BW{1'b0}}, cur_acc} | ({{BW{1'b0}}, chunk_clean} << {cur_acc_n, 3'b000})
                              | tail_at);
  /* verilator lint_off UNUSEDSIGNAL */
  wire [15:0]     hdr_step16 = {8'd0, hdr_step};   // hdr_step < 2B fits CW+2 bits
  /* verilator lint_on UNUSEDSIGNAL */
  wire [CW+1:0]   joined_n = (cur_phase == PH_HDR) ? hdr_step16[CW+1:0]
                           : (cur_phase == PH_BODY && merge_tail) ? with_tail
                           : {2'b00, cur_acc_n} + {1'b0, chunk_n};
  wire            full     = joined_n >= B[CW+1:0];
  wire            active   = (cur_phase == PH_HDR) || (cur_phase == PH_TAIL) ||
                             (cur_phase == PH_BODY && s_tvalid);
  wire            step     = active && out_free;   // the chunk goes in this cycle
  wire            flush    = (phase == PH_FLUSH) && out_free;

  assign s_tready = (cur_phase == PH_BODY) && out_free;

  function automatic [7:0] keep_len(input [16*LANES-1:0] k);
    integer i;
    keep_len = 8'd0;
    for (i = 0; i < B; i = i + 1) if (k[i]) keep_len = i[7:0] + 8'd1;
  endfunction

  /* verilator lint_off UNUSEDSIGNAL */
  function automatic [2*BW-1:0] hdr_slice(input [8*HDR_MAX-1:0] h, input [7:0] pos);
    reg [8*HDR_MAX+2*BW-1:0] wide;
    begin
      wide = {{2*BW{1'b0}}, h} >> {pos, 3'b000};
      hdr_slice = wide[2*BW-1:0];
    end
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  function automatic [16*LANES-1:0] keep_of(input [CW+1:0] n);
    integer i;
    for (i = 0; i < B; i = i + 1) keep_of[i] = (n > i[CW+1:0]);
  endfunction

  always @(posedge clk) begin
    if (m_tvalid && m_tready) m_tvalid <= 1'b0;
    if (rst) begin
      phase    <= PH_IDLE;
      m_tvalid <= 1'b0;
      acc_n    <= 0;
    end else begin
      if (start) begin              // a packet's first beat: keep its per-packet fields
        hdr     <= s_hdr;
        hdr_len <= s_hdr_len;
        hdr_pos <= 8'd0;
        drop    <= s_drop;
        keep    <= s_keep;
        acc     <= cur_acc;
        acc_n   <= cur_acc_n;
        phase   <= cur_phase;
      end

      if (step) begin
        if (cur_phase == PH_HDR) begin
          hdr_pos <= cur_hdr_pos + hdr_step;
          if (hdr_ends) phase <= PH_BODY;
        end
        if (take_input) begin
          drop <= cur_drop - body_lo;
          keep <= cur_keep - body_n;
          if (s_tlast) begin
            tail     <= s_tail;
            tail_len <= s_tail_len;
            user     <= s_tuser;
            if (s_tail_len != 5'd0 && !merge_tail) phase <= PH_TAIL;
          end
        end
        if (full || chunk_last) begin
          m_tdata  <= joined[BW-1:0];
          m_tkeep  <= full ? {16*LANES{1'b1}} : keep_of(joined_n);
          m_tvalid <= 1'b1;
          m_tlast  <= chunk_last && joined_n <= B[CW+1:0];
          m_tuser  <= (take_input && s_tlast) ? s_tuser : user;
          acc      <= joined[2*BW-1:BW];
          acc_n    <= full ? joined_n[CW-1:0] - B[CW-1:0] : 0;
        end else begin
          acc   <= joined[BW-1:0];
          acc_n <= joined_n[CW-1:0];
        end
        if (chunk_last)
          phase <= (joined_n > B[CW+1:0]) ? PH_FLUSH : PH_IDLE;
      end

      if (flush) begin
        m_tdata  <= acc;
        m_tkeep  <= keep_of({2'b00, acc_n});
        m_tvalid <= 1'b1;
        m_tlast  <= 1'b1;
        m_tuser  <= user;
        if (!early) begin   // else the next packet's first beat has just filled them
          acc   <= {BW{1'b0}};
          acc_n <= 0;
          phase <= PH_IDLE;
        end
      end
    end
  end
endmodule

`default_nettype wire
