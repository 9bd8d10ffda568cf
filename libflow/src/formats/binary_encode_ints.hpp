// Writing integer sequences of the binary format (man/flow-formats.5): transform, frame of
// reference, byte planes or packed bits. The reader side is read_ints() in binary_decode.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

#include "formats/binary_format.hpp"

namespace flow::bin {

/// Writes m values as an integer sequence: plain, delta from the previous value, or (with ref)
/// difference from the aligned values of column ref_column, whichever looks smallest.
void encode_ints(ByteBuf& out, const uint64_t* v, size_t m, const uint64_t* ref = nullptr, size_t ref_column = 0);

}  // namespace flow::bin
