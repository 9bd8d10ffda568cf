// A stop signal with something to say first: flowcat --post's counts when it is interrupted.
#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "common/tool.hpp"

namespace flow {

/// While it exists, a stop signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT) is not handled in whatever
/// thread it lands in but waited for by a thread of its own, which prints
/// "TOOL: error: " + report("SIGTERM") and then lets the process die of the signal (status
/// 128 + N to the shell), as run_tool's handler does, leaving no temporary output behind. No
/// other thread is ever interrupted, so report() may read what they are doing (atomics) and
/// runs at no unsafe point. Create it before any thread is started: threads inherit the mask.
class SignalReport {
 public:
  SignalReport(Tool& tool, std::function<std::string(const char* signal)> report);
  ~SignalReport();
  SignalReport(const SignalReport&) = delete;
  SignalReport& operator=(const SignalReport&) = delete;

 private:
  void wait();

  Tool& tool_;
  std::function<std::string(const char*)> report_;
  sigset_t old_mask_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace flow
