// The 8 bytes that open every binary stream (see man/flow-formats.5).
#pragma once

#include <cstring>
#include <string_view>

namespace flow {
inline constexpr char kBinaryMagic[8] = {'F', 'L', 'O', 'W', 'B', 'I', 'N', '\x01'};
inline constexpr size_t binary_magic_size() { return sizeof kBinaryMagic; }
/// True when `head` starts with the magic (any format version: the reader checks the version).
inline bool is_binary_magic(std::string_view head) {
  return head.size() >= 7 && std::memcmp(head.data(), kBinaryMagic, 7) == 0;
}
}  // namespace flow
