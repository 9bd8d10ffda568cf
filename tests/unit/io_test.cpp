// Tests of the I/O layer: the InputStream window, gzip and zstd decoding, atomic output files.
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "flow/io.hpp"

namespace fs = std::filesystem;
using flow::DataError;
using flow::InputStream;

namespace {

/// Hands out its bytes one at a time, to put every chunk boundary everywhere.
class TrickleSource : public flow::ByteSource {
 public:
  explicit TrickleSource(std::string b) : bytes_(std::move(b)) {}
  size_t read(char* buf, size_t n) override {
    if (n == 0 || pos_ == bytes_.size()) return 0;
    *buf = bytes_[pos_++];
    return 1;
  }
  uint64_t raw_position() const override { return pos_; }
  uint64_t raw_size() const override { return bytes_.size(); }

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

std::unique_ptr<InputStream> trickle(std::string bytes) {
  return std::make_unique<InputStream>(std::make_unique<TrickleSource>(std::move(bytes)), "trickle");
}
std::unique_ptr<InputStream> memory(std::string bytes, std::string name = "mem") {
  return std::make_unique<InputStream>(flow::memory_source(std::move(bytes)), std::move(name));
}

/// Lines as a reader splits them: on '\n', the last one possibly without it.
std::vector<std::string> read_lines(InputStream& in) {
  std::vector<std::string> lines;
  size_t scanned = 0;
  for (;;) {
    auto v = in.view();
    size_t nl = v.find('\n', scanned);
    if (nl != std::string_view::npos) {
      lines.emplace_back(v.substr(0, nl));
      in.consume(nl + 1);
      scanned = 0;
      continue;
    }
    scanned = v.size();
    if (!in.fill()) {
      if (!in.view().empty()) lines.emplace_back(in.view());
      in.consume(in.size());
      return lines;
    }
  }
}

/// Everything a source yields, asking `chunk` bytes at a time.
std::string drain(flow::ByteSource& src, size_t chunk = 1 << 20) {
  std::string out, buf(chunk, '\0');
  while (size_t n = src.read(buf.data(), buf.size())) out.append(buf.data(), n);
  return out;
}

/// What a source yields before it throws, and the error (empty message if none).
struct Decoded {
  std::string text;
  std::string error;
  bool fatal = false;
};
Decoded decode(std::unique_ptr<flow::ByteSource> src, size_t chunk = 1 << 20) {
  Decoded d;
  std::string buf(chunk, '\0');
  try {
    while (size_t n = src->read(buf.data(), buf.size())) d.text.append(buf.data(), n);
  } catch (const DataError& e) {
    d.error = e.message();
    d.fatal = e.fatal;
  }
  return d;
}
Decoded gunzip(std::string bytes, size_t chunk = 1 << 20) {
  return decode(flow::gzip_source(memory(std::move(bytes), "t.gz")), chunk);
}
Decoded unzstd(std::string bytes, size_t chunk = 1 << 20) {
  return decode(flow::zstd_source(memory(std::move(bytes), "t.zst")), chunk);
}

/// One gzip member made by ISA-L's deflate.
std::string gzip(std::string_view text) {
  isal_zstream s;
  isal_deflate_init(&s);
  s.gzip_flag = IGZIP_GZIP;
  s.end_of_stream = 1;
  s.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(text.data()));
  s.avail_in = static_cast<uint32_t>(text.size());
  std::string out(text.size() + 1024, '\0');
  for (;;) {
    s.next_out = reinterpret_cast<uint8_t*>(out.data()) + s.total_out;
    s.avail_out = static_cast<uint32_t>(out.size() - s.total_out);
    REQUIRE(isal_deflate(&s) == COMP_OK);
    if (s.internal_state.state == ZSTATE_END) break;
    out.resize(out.size() * 2);
  }
  out.resize(s.total_out);
  return out;
}

/// One zstd frame.
std::string zstd(std::string_view text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  REQUIRE(!ZSTD_isError(n));
  out.resize(n);
  return out;
}

/// Flow-log-like text: repetitive enough to compress, varied enough to need real blocks.
std::string sample_text(size_t lines, uint32_t seed = 1) {
  std::string t;
  uint32_t x = seed;
  for (size_t i = 0; i < lines; ++i) {
    x = x * 1103515245u + 12345u;
    t += "2 123456789012 eni-0a1b2c3d 10.0." + std::to_string((x >> 8) & 255) + "." + std::to_string((x >> 16) & 255) +
         " 10.1.2.3 " + std::to_string(x % 65536) + " 443 6 " + std::to_string(x % 97) + " " +
         std::to_string(x % 100000) + " 1616729292 1616729349 ACCEPT OK\n";
  }
  return t;
}

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary);
  f << bytes;
}

/// A fresh directory, removed with everything in it at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "flow-io-test-XXXXXX").string();
    REQUIRE(mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
};

}  // namespace

// ---------------------------------------------------------------- InputStream

TEST_CASE("io: fill(want) buffers at least want bytes, or all that is left", "[io]") {
  auto in = trickle("abcdefghijklmnopqrst");  // 20 bytes, one per read
  REQUIRE(in->fill(5));
  CHECK(in->view() == "abcde");
  in->consume(2);
  REQUIRE(in->fill(10));
  CHECK(in->view() == "cdefghijkl");
  CHECK(in->offset() == 2);
  REQUIRE(in->fill(1000));
  CHECK(in->view() == "cdefghijklmnopqrst");
  CHECK_FALSE(in->fill());
  CHECK_FALSE(in->at_eof());
  in->consume(in->size());
  CHECK(in->at_eof());
  CHECK(in->offset() == 20);
}

TEST_CASE("io: skip passes over buffered bytes, then the source's (a file seeks), and stops at the end", "[io]") {
  TempDir dir;
  std::string text(3 << 20, 'x');
  for (size_t i = 0; i < text.size(); i += 4096) text[i] = static_cast<char>('a' + i / 4096 % 26);
  write_file(dir.path / "f", text);
  auto check = [&](std::unique_ptr<flow::InputStream> in) {
    in->fill(10);
    REQUIRE(in->size() >= 10);
    CHECK(in->skip(5));  // buffered
    CHECK(in->offset() == 5);
    CHECK(in->skip(2 << 20));  // beyond the buffer
    const uint64_t at = 5 + (2 << 20);
    CHECK(in->offset() == at);
    in->fill(4096);
    REQUIRE(in->size() >= 4096);
    CHECK(in->view().substr(0, 4096) == std::string_view(text).substr(at, 4096));
    CHECK_FALSE(in->skip(text.size()));  // past the end
    CHECK(in->at_eof());
  };
  check(flow::open_input((dir.path / "f").string()));
  check(trickle(text));
  // A piece of a file: the skip stays inside it.
  auto piece = flow::open_input_range((dir.path / "f").string(), 4096, 3 * 4096);
  CHECK(piece->skip(4096));
  piece->fill(1);
  REQUIRE(piece->size() == 4096);
  CHECK(piece->view() == std::string_view(text).substr(2 * 4096, 4096));
  CHECK_FALSE(piece->skip(8192));
}

TEST_CASE("io: fill(want) larger than the buffer grows it", "[io]") {
  std::string big(3 << 20, 'x');
  big[(3 << 20) - 1] = 'y';
  auto in = memory(big);
  REQUIRE(in->fill(3 << 20));
  CHECK(in->size() == big.size());
  CHECK(in->view() == big);
}

TEST_CASE("io: the padding after the window is zeroed", "[io]") {
  auto check_padding = [](const InputStream& in) {
    const char* end = in.data() + in.size();
    for (size_t i = 0; i < InputStream::kPadding; ++i) REQUIRE(end[i] == 0);
  };
  auto in = memory(std::string(5000, '\xff'));
  REQUIRE(in->fill(100));
  check_padding(*in);
  in->consume(4990);  // the remaining 10 bytes move to the front, over old 0xff bytes
  in->fill();
  check_padding(*in);
  auto t = trickle(std::string(300, '\xff'));
  REQUIRE(t->fill(200));
  t->consume(150);
  REQUIRE(t->fill(120));
  check_padding(*t);
  CHECK(t->view() == std::string(120, '\xff'));
}

TEST_CASE("io: lines across chunk boundaries come out whole from a 1-byte source", "[io]") {
  auto in = trickle("first line\nsecond\n\nlast without newline");
  CHECK(read_lines(*in) == std::vector<std::string>{"first line", "second", "", "last without newline"});
  CHECK(in->at_eof());
}

TEST_CASE("io: lines across the 1 MiB buffer boundary come out whole", "[io]") {
  std::string text = sample_text(40000);  // ~3 MB
  auto in = memory(text);
  std::string joined;
  for (const auto& l : read_lines(*in)) joined += l + "\n";
  CHECK(joined == text);
  CHECK(in->offset() == text.size());
}

TEST_CASE("io: an empty source is at eof after one fill", "[io]") {
  auto in = memory("");
  CHECK_FALSE(in->fill());
  CHECK(in->at_eof());
  CHECK(in->size() == 0);
}

// ---------------------------------------------------------------- gzip

TEST_CASE("gzip: a single member decodes to its text", "[io][gzip]") {
  std::string text = sample_text(20000);
  auto d = gunzip(gzip(text));
  CHECK(d.error == "");
  CHECK(d.text == text);
}

TEST_CASE("gzip: small reads through the inflater's own buffer give the same text", "[io][gzip]") {
  std::string text = sample_text(3000);
  auto d = gunzip(gzip(text), 7);
  CHECK(d.error == "");
  CHECK(d.text == text);
  auto t = decode(flow::gzip_source(trickle(gzip(text))), 1000);  // 1 compressed byte at a time
  CHECK(t.error == "");
  CHECK(t.text == text);
}

TEST_CASE("gzip: members back to back decode to their concatenation", "[io][gzip]") {
  std::string a = sample_text(5000, 1), b = "CONTROL_MESSAGE\n", c = sample_text(7000, 3);
  auto d = gunzip(gzip(a) + gzip(b) + gzip("") + gzip(c));
  CHECK(d.error == "");
  CHECK(d.text == a + b + c);
  auto t = decode(flow::gzip_source(trickle(gzip(a) + gzip(b))), 333);
  CHECK(t.error == "");
  CHECK(t.text == a + b);
}

TEST_CASE("gzip: raw_position and raw_size count compressed bytes", "[io][gzip]") {
  std::string z = gzip(sample_text(1000));
  auto src = flow::gzip_source(memory(z));
  CHECK(src->raw_size() == z.size());
  drain(*src);
  CHECK(src->raw_position() == z.size());
}

TEST_CASE("gzip: a truncated stream is a fatal error after the bytes decoded so far", "[io][gzip]") {
  std::string text = sample_text(5000);
  std::string z = gzip(text);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{5}, size_t{10}, size_t{11}, z.size() / 3, z.size() / 2, z.size() - 8,
                     z.size() - 5, z.size() - 1}) {
    INFO("cut at " << cut << " of " << z.size());
    auto d = gunzip(z.substr(0, cut));
    CHECK(d.error == "t.gz: truncated gzip data (after " + std::to_string(d.text.size()) + " bytes of output)");
    CHECK(d.fatal);
    CHECK(text.compare(0, d.text.size(), d.text) == 0);
  }
}

TEST_CASE("gzip: a second member cut short is reported as truncated", "[io][gzip]") {
  std::string a = sample_text(100, 1), b = sample_text(2000, 2);
  std::string zb = gzip(b);
  auto d = gunzip(gzip(a) + zb.substr(0, zb.size() / 2));
  CHECK(d.error.rfind("t.gz: truncated gzip data (after ", 0) == 0);
  CHECK(d.text.substr(0, a.size()) == a);
  auto h = gunzip(gzip(a) + "\x1f");  // only the first byte of a header
  CHECK(h.error == "t.gz: truncated gzip data (after " + std::to_string(a.size()) + " bytes of output)");
  CHECK(h.text == a);
}

TEST_CASE("gzip: a flipped CRC32 or ISIZE in the trailer is a checksum error", "[io][gzip]") {
  std::string text = sample_text(500);
  std::string z = gzip(text);
  for (size_t back : {size_t{8}, size_t{5}, size_t{4}, size_t{1}}) {
    INFO("byte " << back << " from the end");
    std::string bad = z;
    bad[bad.size() - back] ^= 0x01;
    auto d = gunzip(bad);
    CHECK(d.error ==
          "t.gz: gzip checksum mismatch in member 1 (CRC32 or length in the trailer, or the header CRC; after " +
              std::to_string(text.size()) + " bytes of output)");
    CHECK(d.fatal);
  }
  // In a second member, the member is named.
  std::string second = gzip("x\n") + z;
  second[second.size() - 6] ^= 0x40;
  CHECK(gunzip(second).error.find("checksum mismatch in member 2") != std::string::npos);
}

TEST_CASE("gzip: damaged deflate data is a fatal error", "[io][gzip]") {
  std::string z = gzip(sample_text(2000));
  int detected = 0;
  for (size_t at = 20; at + 8 < z.size(); at += z.size() / 16) {
    std::string bad = z;
    bad[at] = static_cast<char>(~bad[at]);
    auto d = gunzip(bad);
    INFO("flipped byte " << at << ": " << d.error);
    bool corrupt = d.error.rfind("t.gz: corrupt gzip data in member 1: ", 0) == 0;
    bool checksum = d.error.rfind("t.gz: gzip checksum mismatch in member 1", 0) == 0;
    CHECK((corrupt || checksum));
    CHECK(d.fatal);
    detected += corrupt;
  }
  CHECK(detected > 0);  // at least some damage is caught by the inflater itself
}

TEST_CASE("gzip: data that is not gzip is an invalid header", "[io][gzip]") {
  auto d = gunzip("this is plain text, not gzip\n");
  CHECK(d.error == "t.gz: corrupt gzip data in member 1: invalid gzip header (after 0 bytes of output)");
  CHECK(d.fatal);
}

TEST_CASE("gzip: trailing garbage after a member is an error after its data", "[io][gzip]") {
  std::string a = sample_text(100), b = sample_text(50, 9);
  auto d = gunzip(gzip(a) + gzip(b) + "junk");
  CHECK(d.text == a + b);
  CHECK(d.error == "t.gz: trailing garbage after gzip member 2 (after " + std::to_string(a.size() + b.size()) +
                       " bytes of output)");
  CHECK(d.fatal);
  auto z = gunzip(gzip(a) + std::string(10, '\0') + "x");  // zeros followed by something else
  CHECK(z.error ==
        "t.gz: trailing garbage after gzip member 1 (after " + std::to_string(a.size()) + " bytes of output)");
  auto m = gunzip(gzip(a) + "\x1f\x8c");  // almost a header
  CHECK(m.error.rfind("t.gz: trailing garbage after gzip member 1", 0) == 0);
}

TEST_CASE("gzip: trailing zero padding after the last member is accepted", "[io][gzip]") {
  std::string a = sample_text(100);
  auto d = gunzip(gzip(a) + std::string(3 << 20, '\0'));
  CHECK(d.error == "");
  CHECK(d.text == a);
}

TEST_CASE("gzip: the error repeats on every later read", "[io][gzip]") {
  std::string z = gzip(sample_text(100));
  auto src = flow::gzip_source(memory(z.substr(0, z.size() / 2), "t.gz"));
  char buf[1 << 16];
  CHECK(src->read(buf, sizeof buf) > 0);
  CHECK_THROWS_AS(src->read(buf, sizeof buf), DataError);
  CHECK_THROWS_AS(src->read(buf, sizeof buf), DataError);
}

TEST_CASE("gzip: open_input recognises gzip by content and names the file in errors", "[io][gzip]") {
  TempDir dir;
  std::string text = sample_text(3000);
  std::string z = gzip(text);
  write_file(dir.path / "flows.log", z);  // no .gz: the name does not matter
  auto in = flow::open_input((dir.path / "flows.log").string());
  REQUIRE(in->fill(text.size() + 1) == true);
  CHECK(in->view() == text);
  CHECK(in->name() == (dir.path / "flows.log").string());
  CHECK(in->source().raw_size() == z.size());

  write_file(dir.path / "cut.gz", z.substr(0, 100));
  auto cut = flow::open_input((dir.path / "cut.gz").string());
  try {
    while (cut->fill()) cut->consume(cut->size());
    FAIL("no error");
  } catch (const DataError& e) {
    CHECK(e.message().rfind((dir.path / "cut.gz").string() + ": truncated gzip data (after ", 0) == 0);
    CHECK(e.fatal);
  }
}

TEST_CASE("gzip: the S3 sample object decodes to the AWS documentation records", "[io][gzip]") {
  auto in = flow::open_input(FLOW_TEST_DATA
                             "/123456789012_vpcflowlogs_ap-southeast-2_fl-1234abcd_20210326T0325Z_fe123456.log.gz");
  in->fill(1 << 16);
  CHECK(in->view() ==
        "version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id "
        "subnet-id instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags "
        "pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction "
        "log-status\n"
        "5 52.95.128.179 10.0.0.71 80 34210 6 1616729292 1616729349 IPv4 14 15044 123456789012 "
        "vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 "
        "ap-southeast-2 apse2-az3 - - ACCEPT 19 52.95.128.179 10.0.0.71 S3 - - ingress OK\n"
        "5 10.0.0.71 52.95.128.179 34210 80 6 1616729292 1616729349 IPv4 7 471 123456789012 "
        "vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 "
        "ap-southeast-2 apse2-az3 - - ACCEPT 3 10.0.0.71 52.95.128.179 - S3 8 egress OK\n");
  CHECK_FALSE(in->fill());
}

// ---------------------------------------------------------------- zstd

TEST_CASE("zstd: one frame decodes to its text", "[io][zstd]") {
  std::string text = sample_text(20000);
  auto d = unzstd(zstd(text));
  CHECK(d.error == "");
  CHECK(d.text == text);
  auto small = unzstd(zstd(text), 5);
  CHECK(small.text == text);
}

TEST_CASE("zstd: frames back to back decode to their concatenation", "[io][zstd]") {
  std::string a = sample_text(3000, 1), b = sample_text(4000, 2);
  // A skippable frame (magic 0x184D2A50, 3 bytes of payload) is passed over.
  std::string skippable("\x50\x2a\x4d\x18\x03\x00\x00\x00xyz", 11);
  auto d = unzstd(zstd(a) + skippable + zstd("") + zstd(b));
  CHECK(d.error == "");
  CHECK(d.text == a + b);
  auto t = decode(flow::zstd_source(trickle(zstd(a) + zstd(b))), 777);
  CHECK(t.error == "");
  CHECK(t.text == a + b);
}

TEST_CASE("zstd: a truncated stream is a fatal error after the bytes decoded so far", "[io][zstd]") {
  std::string a = sample_text(2000, 1), text = a + sample_text(2000, 2);
  std::string first = zstd(a), z = first + zstd(text.substr(a.size()));
  for (size_t cut : {size_t{0}, size_t{2}, size_t{4}, size_t{6}, first.size() / 2, first.size() + 3,
                     z.size() - first.size() / 3, z.size() - 1}) {
    INFO("cut at " << cut << " of " << z.size());
    auto d = unzstd(z.substr(0, cut));
    CHECK(d.error == "t.zst: truncated zstd data (after " + std::to_string(d.text.size()) + " bytes of output)");
    CHECK(d.fatal);
    CHECK(text.compare(0, d.text.size(), d.text) == 0);
  }
}

TEST_CASE("zstd: damaged data and trailing garbage are fatal errors", "[io][zstd]") {
  std::string a = sample_text(2000);
  auto g = unzstd(zstd(a) + "junk and more junk");
  CHECK(g.text == a);
  CHECK(g.error.rfind("t.zst: corrupt zstd data: ", 0) == 0);
  CHECK(g.fatal);
  std::string bad = zstd(a);
  bad[bad.size() - 2] ^= 0x55;  // inside the content checksum or the last block
  auto d = unzstd(bad);
  CHECK(d.error.rfind("t.zst: corrupt zstd data: ", 0) == 0);
  CHECK(d.fatal);
}

TEST_CASE("zstd: open_input recognises zstd by content", "[io][zstd]") {
  TempDir dir;
  std::string text = sample_text(1000);
  std::string z = zstd(text);
  write_file(dir.path / "flows.log", z);
  auto in = flow::open_input((dir.path / "flows.log").string());
  REQUIRE(in->fill(text.size() + 1));
  CHECK(in->view() == text);
  CHECK_FALSE(in->fill());
  CHECK(in->source().raw_position() == z.size());
}

TEST_CASE("io: open_input's limit bounds the decoded bytes, compressed or not", "[io]") {
  std::string text = sample_text(5000);
  auto drain = [](std::unique_ptr<InputStream> in) {
    do in->consume(in->size());
    while (in->fill());
    return in->offset();
  };
  for (const std::string& bytes : {text, gzip(text), zstd(text)}) {
    CHECK(drain(flow::open_input(flow::memory_source(bytes), "t", text.size())) == text.size());
    try {
      drain(flow::open_input(flow::memory_source(bytes), "t", text.size() - 1));
      FAIL("no error");
    } catch (const flow::InputTooLarge& e) {
      CHECK(e.message() == fmt::format("t: more than {} bytes once decompressed", text.size() - 1));
      CHECK(e.fatal);
    }
  }
}

// ---------------------------------------------------------------- Output

TEST_CASE("output: commit makes the file appear with the content", "[io][output]") {
  TempDir dir;
  auto target = dir.path / "out.txt";
  std::string big(3 << 20, 'b');
  {
    auto out = flow::Output::open(target.string());
    CHECK(out->name() == target.string());
    out->write("hello ");
    out->put('w');
    char* p = out->space(5);
    std::memcpy(p, "orld\n", 5);
    out->advance(p + 5);
    out->write(big);                  // larger than the buffer: written straight through
    CHECK_FALSE(fs::exists(target));  // not before commit
    out->commit();
    CHECK(out->bytes_written() == 12 + big.size());
  }
  CHECK(read_file(target) == "hello world\n" + big);
  CHECK(dir.entries() == std::vector<std::string>{"out.txt"});
}

TEST_CASE("output: without commit neither the target nor a temporary file is left changed", "[io][output]") {
  TempDir dir;
  auto target = dir.path / "out.txt";
  {
    auto out = flow::Output::open(target.string());
    out->write(std::string(2 << 20, 'x'));  // some of it reached the temporary file
    CHECK(dir.entries().size() == 1);       // the temporary file exists meanwhile
  }
  CHECK(dir.entries().empty());
  write_file(target, "old content\n");
  {
    auto out = flow::Output::open(target.string());
    out->write("new content\n");
    out->flush();
  }
  CHECK(read_file(target) == "old content\n");
  CHECK(dir.entries() == std::vector<std::string>{"out.txt"});
}

TEST_CASE("output: an existing target keeps its permissions whatever the umask", "[io][output]") {
  TempDir dir;
  auto target = dir.path / "out.txt";
  write_file(target, "old\n");
  REQUIRE(chmod(target.c_str(), 0664) == 0);
  mode_t old_mask = umask(077);
  {
    auto out = flow::Output::open(target.string());
    out->write("new\n");
    out->commit();
  }
  umask(old_mask);
  struct stat st;
  REQUIRE(stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0664);
  CHECK(read_file(target) == "new\n");
}

TEST_CASE("output: a new file gets the usual permissions (0666 less the umask)", "[io][output]") {
  TempDir dir;
  auto target = dir.path / "new.txt";
  mode_t old_mask = umask(022);
  {
    auto out = flow::Output::open(target.string());
    out->commit();
  }
  umask(old_mask);
  struct stat st;
  REQUIRE(stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);
  CHECK(read_file(target) == "");
}

TEST_CASE("output: a directory that does not exist is a DataError naming the path", "[io][output]") {
  TempDir dir;
  std::string path = (dir.path / "missing" / "out.txt").string();
  try {
    flow::Output::open(path);
    FAIL("no error");
  } catch (const DataError& e) {
    CHECK(e.message() == path + ": cannot create: No such file or directory");
  }
  CHECK(dir.entries().empty());
}

TEST_CASE("output: remove_temporary_outputs removes exactly the open temporary files", "[io][output]") {
  // What a signal handler calls: the open outputs' temporary files go, committed files stay,
  // and the slots of closed outputs are reused (more outputs than slots over a run).
  TempDir dir;
  for (int i = 0; i < 200; ++i) {
    auto done = flow::Output::open((dir.path / "done.txt").string());
    done->commit();
  }
  auto a = flow::Output::open((dir.path / "a.txt").string());
  auto b = flow::Output::open((dir.path / "b.txt").string());
  a->write("unfinished\n");
  CHECK(dir.entries().size() == 3);  // done.txt and two temporary files
  flow::remove_temporary_outputs();
  CHECK(dir.entries() == std::vector<std::string>{"done.txt"});
}

TEST_CASE("output: more open outputs than can be registered is an error, not an unremovable file", "[io][output]") {
  TempDir dir;
  std::vector<std::unique_ptr<flow::Output>> open;
  try {
    for (int i = 0; i < 1000; ++i) open.push_back(flow::Output::open((dir.path / std::to_string(i)).string()));
    FAIL("no error");
  } catch (const DataError& e) {
    CHECK_THAT(e.message(), Catch::Matchers::EndsWith(": cannot create: path too long, or too many output files"));
  }
  CHECK(dir.entries().size() == open.size());  // every temporary file made is registered
  flow::remove_temporary_outputs();
  CHECK(dir.entries().empty());
  open.clear();
  // The slots are free again.
  auto again = flow::Output::open((dir.path / "again.txt").string());
  again->commit();
  CHECK(dir.entries() == std::vector<std::string>{"again.txt"});
}

TEST_CASE("output: open_append adds to the file in place, truncate takes back what came after", "[io][output]") {
  TempDir dir;
  auto target = dir.path / "out.txt";
  write_file(target, "kept\n");
  {
    auto out = flow::Output::open_append(target.string());
    CHECK(out->bytes_written() == 5);  // counted from the start of the file
    out->write("one\n");
    out->flush();
    out->sync();
    CHECK(read_file(target) == "kept\none\n");
    out->write(std::string(3 << 20, 'x'));  // past the buffer: some of it reaches the file
    out->truncate(9);                       // taken back, what was buffered too
    out->write("two\n");
    out->flush();
    CHECK(out->bytes_written() == 13);
  }  // no commit: an appended file keeps what was flushed, and nothing more
  CHECK(read_file(target) == "kept\none\ntwo\n");
  {
    auto out = flow::Output::open_append(target.string());
    out->write("unflushed\n");
  }
  CHECK(read_file(target) == "kept\none\ntwo\n");
  CHECK(dir.entries() == std::vector<std::string>{"out.txt"});  // never a temporary file
  auto fresh = flow::Output::open_append((dir.path / "new.txt").string());
  CHECK(fs::exists(dir.path / "new.txt"));
  CHECK_THROWS_WITH(flow::Output::open("-")->truncate(0), "(stdout): what was written cannot be taken back");
}

TEST_CASE("output: complete_length of text ends after its last line, binary data is refused", "[io][output]") {
  TempDir dir;
  auto length = [&](const std::string& bytes) {
    write_file(dir.path / "f", bytes);
    const int fd = open((dir.path / "f").c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    try {
      uint64_t n = flow::complete_length(fd, flow::Format::Aws);
      close(fd);
      return n;
    } catch (...) {
      close(fd);
      throw;
    }
  };
  CHECK(length("") == 0);
  CHECK(length("a b\nc d\n") == 8);
  CHECK(length("a b\nc d\nhalf a rec") == 8);
  CHECK(length("no line end") == 0);
  const std::string big = std::string(200000, 'x') + "\n" + std::string(100000, 'y');  // over many reads
  CHECK(length(big) == 200001);
  CHECK_THROWS_WITH(length(std::string("FLOWBIN\x01", 8) + "rest\n"), "it holds binary or compressed data, not text");
  CHECK_THROWS_WITH(length("\x1f\x8b\x08 gzip\n"), "it holds binary or compressed data, not text");
}

TEST_CASE("io: output into a slow pipe arrives whole and in order (writes paced to the pipe's room)", "[io]") {
  // The writer waits for room before each piece; the reader takes 4 KiB at a time, pausing now
  // and then, so that the pipe is full most of the time.
  const fs::path dir = fs::temp_directory_path() / ("flow-io-pipe-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string fifo = (dir / "pipe").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  std::string sent;
  for (uint64_t i = 0; sent.size() < (size_t{6} << 20); ++i) sent += std::to_string(i * 7919) + (i % 13 ? " " : "\n");
  std::string got;
  std::thread reader([&] {
    std::ifstream in(fifo, std::ios::binary);
    char buf[4096];
    for (int n = 0; in.read(buf, sizeof buf) || in.gcount() > 0; ++n) {
      got.append(buf, static_cast<size_t>(in.gcount()));
      if (n % 64 == 0) std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
  });
  {
    auto out = flow::Output::open(fifo);
    for (size_t at = 0, n = 1; at < sent.size(); at += n, n = n * 3 % 200003 + 1)
      out->write(std::string_view(sent).substr(at, n));
    out->commit();
  }
  reader.join();
  fs::remove_all(dir);
  CHECK(got.size() == sent.size());
  CHECK(got == sent);
}

TEST_CASE("io: output into a pipe whose reader has gone is a broken pipe, also with bytes still queued", "[io]") {
  // Pacing waits for room; a pipe nobody reads any more never makes room, so the write must
  // go ahead and meet EPIPE (`| head -1`) instead of waiting for ever.
  const fs::path dir = fs::temp_directory_path() / ("flow-io-gone-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string fifo = (dir / "pipe").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  auto old = signal(SIGPIPE, SIG_IGN);
  std::thread reader([&] {
    std::ifstream in(fifo, std::ios::binary);
    char buf[100];
    in.read(buf, sizeof buf);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the writer fills the pipe
  });                                                             // gone after 100 bytes, leaving the rest queued
  const std::string chunk(1 << 16, 'x');
  bool broken = false;
  try {
    auto out = flow::Output::open(fifo);
    for (int i = 0; i < 1000; ++i) out->write(chunk);  // 64 MB: far more than the pipe holds
    out->commit();
  } catch (const flow::BrokenPipe&) {
    broken = true;
  }
  reader.join();
  signal(SIGPIPE, old);
  fs::remove_all(dir);
  CHECK(broken);
}

TEST_CASE("io: a read that would wait on a pipe calls on_idle first, a ready pipe or a file never", "[io]") {
  int p[2];
  REQUIRE(pipe(p) == 0);
  InputStream in(flow::fd_source(p[0], "pipe"), "pipe");
  int idle = 0;
  in.on_idle([&] {  // the input waits: what the tool wrote goes on now (here: the writer answers)
    ++idle;
    REQUIRE(write(p[1], "c", 1) == 1);
  });
  REQUIRE(write(p[1], "ab", 2) == 2);
  CHECK(in.ready());
  REQUIRE(in.fill());
  CHECK(idle == 0);
  in.consume(2);
  CHECK_FALSE(in.ready());
  REQUIRE(in.fill());
  CHECK(idle == 1);
  CHECK(in.view() == "c");
  in.consume(1);
  close(p[1]);
  CHECK_FALSE(in.fill());  // the end is ready at once: no call
  CHECK(idle == 1);

  auto path = fs::temp_directory_path() / fmt::format("flow-idle-{}", getpid());
  std::ofstream(path) << "abc";
  InputStream file(flow::fd_source(::open(path.c_str(), O_RDONLY), "file"), "file");
  file.on_idle([&] { ++idle; });
  CHECK(file.fill());
  CHECK_FALSE(file.fill());
  CHECK(idle == 1);
  fs::remove(path);
}
