// The one sniffer of magic bytes.
#include <catch2/catch.hpp>

#include <string>

#include "io/sniff.hpp"

using namespace flow;

TEST_CASE("sniff: gzip, zstd, the binary format and base64 gzip by their first bytes", "[io]") {
  CHECK(sniff("\x1f\x8b\x08") == Magic::Gzip);
  CHECK(sniff("\x28\xb5\x2f\xfd\x00") == Magic::Zstd);
  CHECK(sniff(std::string(kBinaryMagic, 8) + "rest") == Magic::Binary);
  CHECK(sniff("FLOWBIN\x02") == Magic::Binary);  // any version: the reader says which it reads
  CHECK(sniff("H4sIAAAA") == Magic::Base64Gzip);
  CHECK(sniff(" \r\n\tH4sI") == Magic::Base64Gzip);
}

TEST_CASE("sniff: a magic counts only whole", "[io]") {
  CHECK(sniff("") == Magic::None);
  CHECK(sniff("\x1f") == Magic::None);
  CHECK(sniff("\x28\xb5\x2f") == Magic::None);
  CHECK(sniff("\x28\xb5\x00\x00") == Magic::None);
  CHECK(sniff("FLOWBI") == Magic::None);
  CHECK(sniff("H4s") == Magic::None);
  CHECK(sniff("   ") == Magic::None);
  CHECK(sniff("2 123456789010 eni-1") == Magic::None);
  CHECK(sniff("{\"version\":2}") == Magic::None);
}
