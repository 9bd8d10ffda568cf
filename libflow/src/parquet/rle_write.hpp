// Parquet's RLE / bit-packing hybrid (apache/parquet-format, Encodings.md), the encoding of
// definition levels and dictionary indices.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace flow::parquet {

/// Appends v, every value below 2^bit_width (1 .. 32), to out: runs of 8 or more equal values as
/// RLE runs, the rest bit-packed in groups of 8 (the last group padded with zeros).
void rle_hybrid(std::span<const uint32_t> v, int bit_width, std::string& out);

/// Bits needed for values up to max: at least 1 (decode.hpp's bit_width gives 0 for max 0).
int rle_bit_width(uint64_t max);

}  // namespace flow::parquet
