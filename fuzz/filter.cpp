// libFuzzer target: the filter expression language (lexer, parser, literals), then the
// compiled filter evaluated against fixed records of several schemas; and the text as a value
// (Filter::compile_value, arithmetic) evaluated on them.
#include "flow/filter.hpp"

#include "records.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto records = flow::fuzz::make_fixed_records();
  flow::FilterSettings settings;
  settings.now = 1566849000;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto f = flow::Filter::compile(text, settings);
    volatile size_t sink = f.fields().size();
    for (const auto& r : records) sink = sink + f.match(r->record);
    // Once more in another order: the slot cache is rebound on each schema change.
    for (size_t i = records.size(); i-- > 0;) sink = sink + f.match(records[i]->record);
  } catch (const flow::UsageError&) {
  } catch (const flow::DataError&) {
  }
  try {  // the same text as a value (--set): arithmetic alone
    auto v = flow::Filter::compile_value(text, settings);
    volatile double sink = 0;
    for (const auto& r : records)
      if (auto x = v.value(r->record)) sink = sink + *x;
  } catch (const flow::UsageError&) {
  } catch (const flow::DataError&) {
  }
  return 0;
}
