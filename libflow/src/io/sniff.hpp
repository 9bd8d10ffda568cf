// What the first bytes of an input say it is: the one place that knows the magic bytes.
#pragma once

#include <cstddef>
#include <string_view>

namespace flow {

enum class Magic {
  None,        ///< none of these: text (AWS, JSON) or something unknown
  Gzip,        ///< 1f 8b
  Zstd,        ///< 28 b5 2f fd, a zstd frame
  Binary,      ///< "FLOWBIN" and a version byte: our binary format (man/flow-formats.5)
  Base64Gzip,  ///< "H4sI" after white space: gzip in base64 (Kinesis record data as the API shows it)
  Parquet,     ///< "PAR1": a Parquet file
};

/// The 8 bytes that open every binary stream: "FLOWBIN" and the format's major version.
inline constexpr char kBinaryMagic[8] = {'F', 'L', 'O', 'W', 'B', 'I', 'N', '\x01'};

/// How many bytes sniff() needs to tell every magic apart (base64 after white space may want more).
inline constexpr size_t kSniffSize = sizeof kBinaryMagic;

/// What `head`, the first bytes of a stream, starts with; a magic counts only when all its bytes
/// are there. Binary is any version of the format (its reader checks the version).
Magic sniff(std::string_view head);

}  // namespace flow
