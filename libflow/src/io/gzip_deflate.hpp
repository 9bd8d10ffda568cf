// ISA-L deflate set up to write one gzip member (RFC 1952) at level 1, the project's level for
// speed: flowgen's S3 objects and Parquet's GZIP pages.
#pragma once

#include <isa-l/igzip_lib.h>

#include <cstdint>
#include <vector>

namespace flow {

/// Initialises z for a gzip member at level 1; level_buf is its working memory (kept by the caller
/// for as long as z is used).
inline void gzip_deflate_init(isal_zstream& z, std::vector<uint8_t>& level_buf) {
  level_buf.resize(ISAL_DEF_LVL1_DEFAULT);
  isal_deflate_init(&z);
  z.gzip_flag = IGZIP_GZIP;
  z.level = 1;
  z.level_buf = level_buf.data();
  z.level_buf_size = static_cast<uint32_t>(level_buf.size());
}

}  // namespace flow
