// What a reader takes whole of a file whose writer was killed in the middle of a write: what a
// receiver appending to the file (flowcat --listen) keeps of it when it starts again.
#include <unistd.h>

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "formats/binary_format.hpp"
#include "io/sniff.hpp"

namespace flow {
namespace {

/// Reads up to n bytes at `off`; how many there were (fewer only at the end of the file).
size_t read_at(int fd, uint64_t off, char* p, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = pread(fd, p + got, n - got, static_cast<off_t>(off + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw DataError(fmt::format("read error: {}", std::strerror(errno)));
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

/// Up to the end of the last line: a line without its newline is a record cut short.
uint64_t text_length(int fd, uint64_t size) {
  char head[kSniffSize];
  const size_t n = read_at(fd, 0, head, sizeof head);
  const Magic m = sniff({head, n});
  if (m != Magic::None && m != Magic::Base64Gzip) throw DataError("it holds binary or compressed data, not text");
  char buf[1 << 16];
  for (uint64_t end = size; end > 0;) {
    const size_t take = static_cast<size_t>(std::min<uint64_t>(sizeof buf, end));
    const size_t got = read_at(fd, end - take, buf, take);
    if (const void* nl = memrchr(buf, '\n', got)) return end - take + (static_cast<const char*>(nl) - buf) + 1;
    end -= take;
  }
  return 0;
}

/// Up to the end of the last stream: frames are walked by their headers, payloads not read.
uint64_t binary_length(int fd, uint64_t size) {
  using namespace bin;
  char h[kFrameHeaderSize];
  uint64_t off = 0, whole = 0;
  bool in_stream = false;
  while (off < size) {
    if (!in_stream) {
      const size_t got = read_at(fd, off, h, kStreamHeaderSize);
      if (std::memcmp(h, kBinaryMagic, std::min(got, sizeof kBinaryMagic)) != 0)
        throw DataError(fmt::format("byte offset {}: not a flow binary stream", off));
      if (got < kStreamHeaderSize) return whole;
      if (get_u32(h + 12) != check32(h, 12)) throw DataError(fmt::format("byte offset {}: damaged stream header", off));
      off += kStreamHeaderSize;
      in_stream = true;
      continue;
    }
    if (read_at(fd, off, h, kFrameHeaderSize) < kFrameHeaderSize) return whole;
    FrameHeader fh;
    if (!decode_frame_header(h, fh) || fh.stored > kMaxStored)
      throw DataError(fmt::format("byte offset {}: damaged frame header", off));
    off += kFrameHeaderSize + fh.stored;
    if (off > size) return whole;
    if (fh.kind == kFrameEnd) {
      in_stream = false;
      whole = off;
    }
  }
  return whole;
}

}  // namespace

uint64_t complete_length(int fd, Format f) {
  struct stat st;
  if (fstat(fd, &st) != 0) throw DataError(fmt::format("cannot read: {}", std::strerror(errno)));
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size == 0) return 0;
  return f == Format::Binary ? binary_length(fd, size) : text_length(fd, size);
}

}  // namespace flow
