#include "agg/runs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "agg/bytes.hpp"
#include "flow/error.hpp"

namespace flow::agg {

namespace {
constexpr size_t kFlushAt = 1 << 20;

std::string varint_bytes(uint64_t v) {
  ByteWriter w;
  w.varint(v);
  return w.out;
}
}  // namespace

FrameWriter::FrameWriter(Output* out) : out_(out), hash_(XXH3_createState()) { XXH3_64bits_reset(hash_); }

FrameWriter::FrameWriter(const std::string& tmpdir) : hash_(XXH3_createState()) {
  XXH3_64bits_reset(hash_);
  fd_ = scratch_file(tmpdir, name_);
}

FrameWriter::~FrameWriter() {
  XXH3_freeState(hash_);
  if (fd_ >= 0) close(fd_);
}

void FrameWriter::flush() {
  if (out_) {
    out_->write(buf_);
  } else {
    size_t done = 0;
    while (done < buf_.size()) {
      ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw DataError(fmt::format("{}: write error: {}", name_, std::strerror(errno)));
      done += static_cast<size_t>(n);
    }
  }
  buf_.clear();
}

void FrameWriter::put(std::string_view bytes) {
  buf_.append(bytes);
  if (buf_.size() >= kFlushAt) flush();
}

void FrameWriter::add(std::string_view key, std::string_view state) {
  size_t start = buf_.size();
  buf_.push_back(1);
  buf_ += varint_bytes(key.size());
  buf_.append(key);
  buf_ += varint_bytes(state.size());
  buf_.append(state);
  XXH3_64bits_update(hash_, buf_.data() + start, buf_.size() - start);
  ++groups_;
  if (buf_.size() >= kFlushAt) flush();
}

int FrameWriter::finish() {
  ByteWriter end;
  end.u8(0);
  end.u64(groups_);
  end.u64(XXH3_64bits_digest(hash_));
  put(end.out);
  flush();
  if (out_) return -1;
  if (lseek(fd_, 0, SEEK_SET) < 0)
    throw DataError(fmt::format("{}: cannot read back: {}", name_, std::strerror(errno)));
  int fd = fd_;
  fd_ = -1;
  return fd;
}

std::unique_ptr<InputStream> open_run(int fd) {
  std::string name = "spill file";
  return std::make_unique<InputStream>(fd_source(fd, name), name);
}

FrameReader::FrameReader(std::unique_ptr<InputStream> in) : in_(std::move(in)), hash_(XXH3_createState()) {
  XXH3_64bits_reset(hash_);
}

FrameReader::~FrameReader() { XXH3_freeState(hash_); }

void FrameReader::damaged(const char* what) const {
  throw DataError(fmt::format("{}: damaged aggregation state ({})", in_->name(), what));
}

bool FrameReader::ensure(size_t n) {
  // A MiB at a time: a damaged length must not allocate what the data does not hold.
  while (in_->size() < n)
    if (!in_->fill(std::min(n, in_->size() + (size_t{1} << 20)))) return false;
  return true;
}

void FrameReader::restart() {
  XXH3_64bits_reset(hash_);
  groups_ = 0;
  done_ = false;
}

uint64_t FrameReader::varint(size_t& pos) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (!ensure(pos + 1)) damaged("truncated");
    auto b = static_cast<uint8_t>(in_->data()[pos++]);
    v |= uint64_t{b & 0x7fu} << shift;
    if (!(b & 0x80)) return v;
  }
  damaged("bad length");
}

bool FrameReader::next() {
  if (done_) return false;
  if (!ensure(1)) damaged("truncated: no end mark");
  if (in_->data()[0] == 0) {
    if (!ensure(17)) damaged("truncated end mark");
    uint64_t count, sum;
    std::memcpy(&count, in_->data() + 1, 8);
    std::memcpy(&sum, in_->data() + 9, 8);
    if (count != groups_ || sum != XXH3_64bits_digest(hash_)) damaged("checksum mismatch");
    in_->consume(17);
    done_ = true;
    return false;
  }
  if (in_->data()[0] != 1) damaged("bad frame");
  size_t pos = 1;
  uint64_t klen = varint(pos);
  if (klen > (1u << 30) || !ensure(pos + klen)) damaged("truncated");
  size_t kpos = pos;
  pos += klen;
  uint64_t slen = varint(pos);
  if (slen > (uint64_t{1} << 32) || !ensure(pos + slen)) damaged("truncated");
  key_.assign(in_->data() + kpos, klen);
  state_.assign(in_->data() + pos, slen);
  XXH3_64bits_update(hash_, in_->data(), pos + slen);
  in_->consume(pos + slen);
  ++groups_;
  return true;
}

namespace {
bool later(const std::unique_ptr<FrameReader>& a, const std::unique_ptr<FrameReader>& b) { return a->key() > b->key(); }
}  // namespace

Merger::Merger(std::vector<std::unique_ptr<InputStream>> inputs) {
  for (auto& in : inputs) {
    auto r = std::make_unique<FrameReader>(std::move(in));
    if (r->next()) push(std::move(r));
  }
}

bool Merger::next(std::string& key, std::vector<std::string>& states) {
  if (heap_.empty()) return false;
  key = heap_.front()->key();
  states.clear();
  while (!heap_.empty() && heap_.front()->key() == key) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    auto r = std::move(heap_.back());
    heap_.pop_back();
    states.emplace_back(r->state());
    if (r->next()) push(std::move(r));
  }
  return true;
}

void Merger::push(std::unique_ptr<FrameReader> r) {
  heap_.push_back(std::move(r));
  std::push_heap(heap_.begin(), heap_.end(), later);
}

}  // namespace flow::agg
