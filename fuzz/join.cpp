// libFuzzer target: flowjoin's conversations (stitch and dedup, with NAT-leg aliases merging
// conversations seen early) and stream joins, over AWS text records. The first byte chooses the
// idle time, dedup or stitch, and --within; the rest is read as AWS text (a header line may
// change the fields), and every record goes to the conversations and, joined against the records
// read before it, through a StreamJoin.
#include "flow/conversation.hpp"
#include "flow/stream_join.hpp"
#include "fuzz_util.hpp"

namespace {

/// The records given, as a RecordStream (what StreamJoin loads from).
class Replay : public flow::RecordStream {
 public:
  explicit Replay(const std::string& text) : text_(text) {}
  bool next(flow::Record& r) override {
    if (!reader_) {
      flow::ReadOptions opts;
      opts.format = flow::Format::Aws;
      reader_ = flow::open_reader(std::make_unique<flow::InputStream>(flow::memory_source(text_), "with"), opts);
    }
    for (;;) {
      try {
        return reader_->next(r);
      } catch (const flow::DataError& e) {
        if (e.fatal) return false;
      }
    }
  }
  const flow::SkipReport& skipped() const override { return report_; }
  const std::string& file() const override { return name_; }

 private:
  std::string text_, name_ = "with";
  std::unique_ptr<flow::Reader> reader_;
  flow::SkipReport report_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  flow::ConversationOptions co;
  co.idle = 1 + (mode & 0x3F) * 20;
  co.keep_records = mode & 0x40;
  flow::Conversations convs(co);
  volatile size_t sink = 0;
  const std::function<void(const flow::Record&)> consume = [&](const flow::Record& r) {
    sink = sink + flow::fuzz::consume_record(r);
  };

  // The first half of the text (at a line boundary) is the --with stream.
  Replay with(text.substr(0, text.find('\n', text.size() / 2) + 1));
  flow::StreamJoinOptions so;
  so.on = {{"srcaddr", "dstaddr"}, {"srcport", "dstport"}};
  so.within = mode & 0x80 ? 60 : -1;
  std::unique_ptr<flow::StreamJoin> join;
  try {
    join = std::make_unique<flow::StreamJoin>(with, so);
  } catch (const flow::DataError&) {
  }

  flow::ReadOptions opts;
  opts.format = flow::Format::Aws;
  std::unique_ptr<flow::Reader> reader;
  try {
    reader = flow::open_reader(std::make_unique<flow::InputStream>(flow::memory_source(text), "mem"), opts);
  } catch (const flow::DataError&) {
    return 0;
  }
  flow::Record r;
  for (;;) {
    try {
      if (!reader->next(r)) break;
    } catch (const flow::DataError& e) {
      if (e.fatal) break;
      continue;
    }
    if (join) {
      try {
        join->join(r, mode & 1, consume);
      } catch (const flow::UsageError&) {  // a --with column the input has too
      }
    }
    if (!convs.add(r, "mem")) consume(r);
    convs.finish(false, consume);
  }
  convs.finish(true, consume);
  return 0;
}
