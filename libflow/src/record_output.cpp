// RecordOutput: a destination opened in a format, with --fields applied.
#include "flow/error.hpp"
#include "flow/stream.hpp"

namespace flow {

namespace {
FilterSettings set_settings(int64_t now) {
  FilterSettings s;
  s.now = now;
  return s;
}
}  // namespace

RecordOutput::RecordOutput(const OutputConfig& c) : derive_(c.set, set_settings(c.now)), projection_(c.fields) {
  append_ = c.append;
  out_ = append_ ? Output::open_append(c.path) : Output::open(c.path);
  format_ = c.format == Format::Auto ? (out_->is_terminal() ? Format::Table : Format::Aws) : c.format;
  if ((format_ == Format::Binary || format_ == Format::Parquet) && out_->is_terminal() && !c.force)
    throw UsageError("refusing to write binary data to a terminal (use -o FILE, a pipe, or --force)");
  // A Parquet file is whole only with its footer: it cannot be appended to and read as it grows.
  if (format_ == Format::Parquet && append_) throw UsageError("Parquet output cannot be appended to");
  write_options_.header = c.header;
  write_options_.parquet_codec = c.parquet_codec;
  write_options_.parquet_row_group = c.parquet_row_group;
  write_options_.fields = c.fields;
  writer_ = make_writer(format_, *out_, write_options_);
}

RecordOutput::RecordOutput(std::unique_ptr<Writer> writer, std::vector<std::string> fields,
                           const std::vector<std::string>& set, int64_t now)
    : writer_(std::move(writer)), derive_(set, set_settings(now)), projection_(std::move(fields)) {}

void RecordOutput::flush() {
  writer_->flush();
  if (out_) out_->flush();
}

void RecordOutput::close() {
  // An appended file that holds data ends at a checkpoint, and is made durable; one still empty
  // gets what the format writes for no records (the binary format's empty stream).
  if (append_ && out_->bytes_written() > 0) writer_->checkpoint();
  else writer_->finish();
  if (out_) out_->commit();
  if (append_) out_->sync();
}

uint64_t RecordOutput::checkpoint() {
  writer_->checkpoint();
  out_->flush();
  return out_->bytes_written();
}

void RecordOutput::truncate(uint64_t length) {
  writer_ = make_writer(format_, *out_, write_options_);
  out_->truncate(length);
}

}  // namespace flow
