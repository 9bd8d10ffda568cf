// Where flowcat --listen writes: standard output, a file appended to, or hourly files in a
// directory; and when a request may be answered: once its records are durable (group commit).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string>

#include "common/tool.hpp"

namespace flow {

/// A write or fsync that failed and was taken back: the output holds what was committed before
/// it, the requests not yet answered are refused, and the output goes on.
class TakenBack : public DataError {
 public:
  using DataError::DataError;
};

class ListenOutput {
 public:
  virtual ~ListenOutput() = default;
  /// Every method is called with the receiver's lock `mu` (given at creation) held. Throws
  /// TakenBack when the output failed and took back what was not committed, DataError when it
  /// cannot go on (standard output cannot be taken back).
  void write(const Record& r);
  /// Returns once every record written so far is durable. The fsync runs without the lock, so
  /// that other requests write meanwhile; the next fsync then covers all of them at once.
  void commit();
  /// Hourly files: commits and closes the file of an hour that is over. `now`: Unix seconds.
  /// Never throws: a failure is a warning (and exit status 1).
  virtual void rotate(int64_t) {}
  /// Commits and closes what is open.
  virtual void close() = 0;

 protected:
  ListenOutput(std::mutex& mu, Tool& tool) : mu_(mu), tool_(tool) {}
  /// Opens the file the next records go to: sets out_, sealed_ and synced_.
  virtual void open() = 0;
  /// Waits for the fsync in flight, then commits what was written, keeping the lock: what comes
  /// before a file is closed.
  void settle();

  /// What one fsync covers: the requests that wrote since the one before.
  struct Group {
    bool done = false;
    std::exception_ptr error;  ///< null: durable; else TakenBack, DataError or BrokenPipe
  };

  std::mutex& mu_;
  Tool& tool_;
  std::unique_ptr<RecordOutput> out_;  ///< the file being written (null: none open)
  uint64_t sealed_ = 0;                ///< its length at the last checkpoint
  uint64_t synced_ = 0;                ///< its length at the last fsync: all of it acknowledged
  std::string broken_;                 ///< why the output cannot go on

 private:
  void sync_group(bool unlocked);
  /// Takes back what the file holds past `length` after `why`: the open group fails with
  /// group_error_ (TakenBack, or DataError when the output cannot be cut and so cannot go on).
  void take_back(uint64_t length, const std::string& why);

  std::condition_variable_any cv_;  // waits on mu_: the fsync in flight
  std::shared_ptr<Group> group_ = std::make_shared<Group>();
  bool syncing_ = false;  ///< an fsync runs without the lock
  bool closing_ = false;  ///< settle() waits: no new fsync may start
  std::exception_ptr group_error_;
};

/// -o DIR/ (a trailing slash, or an existing directory): hourly files; else one stream. `mu` is
/// the lock every call of the ListenOutput is made under.
std::unique_ptr<ListenOutput> listen_output(const CommonOptions& o, Tool& tool, std::mutex& mu);

}  // namespace flow
