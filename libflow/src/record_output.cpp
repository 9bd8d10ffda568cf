// RecordOutput: a destination opened in a format, with --fields applied.
#include "flow/error.hpp"
#include "flow/stream.hpp"

namespace flow {

RecordOutput::RecordOutput(const OutputConfig& c) : projection_(c.fields) {
  out_ = Output::open(c.path);
  const Format f = c.format == Format::Auto ? (out_->is_terminal() ? Format::Table : Format::Aws) : c.format;
  if (f == Format::Binary && out_->is_terminal() && !c.force)
    throw UsageError("refusing to write binary data to a terminal (use -o FILE, a pipe, or --force)");
  WriteOptions w;
  w.header = c.header;
  writer_ = make_writer(f, *out_, w);
}

RecordOutput::RecordOutput(std::unique_ptr<Writer> writer, std::vector<std::string> fields)
    : writer_(std::move(writer)), projection_(std::move(fields)) {}

void RecordOutput::flush() {
  writer_->flush();
  if (out_) out_->flush();
}

void RecordOutput::close() {
  writer_->finish();
  if (out_) out_->commit();
}

}  // namespace flow
