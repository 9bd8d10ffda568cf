// The binary writer with a chosen block size: tests make many small blocks from few records.
#pragma once

#include <cstdint>
#include <memory>

#include "flow/format.hpp"

namespace flow::bin {

/// Like binary_writer(), with blocks of at most block_records records (1 .. 65536).
std::unique_ptr<Writer> binary_writer(Output& out, uint32_t block_records);

}  // namespace flow::bin
