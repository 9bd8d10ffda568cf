// Pieces the report renderers share.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flow/stat.hpp"

namespace flow::stat {

std::string human(uint64_t n, const char* unit);  ///< "1.2 GB", "340 B"
std::string percent(uint64_t part, uint64_t whole);
std::string bar(uint64_t v, uint64_t max, size_t width, bool unicode);
std::string spark(const std::vector<uint64_t>& values, bool unicode);  ///< one block per value
std::string bound_text(uint64_t bound, const std::string& unit);       ///< a histogram bucket
std::string span_text(const Stats& s);
/// The end of the timeline's last bin, as time text (the latest time there is, past it).
std::string timeline_end(const Stats& s);
/// A row's keys for people: protocols by name (tcp 443), as flowfilter takes them; JSON keeps
/// the numbers.
std::string row_key(const TopList& l, const StatRow& r);
std::string key_header(const TopList& l);

}  // namespace flow::stat
