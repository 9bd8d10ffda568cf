// SignalReport: one thread takes the stop signals, says what it must, and ends the process.
#include "common/signals.hpp"

#include <pthread.h>
#include <unistd.h>

#include <csignal>

#include "flow/io.hpp"

namespace flow {
namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, sig);
  return set;
}

const char* signal_name(int sig) {
  switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "SIGQUIT";
  }
}

}  // namespace

SignalReport::SignalReport(Tool& tool, std::function<std::string(const char*)> report)
    : tool_(tool), report_(std::move(report)) {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
  thread_ = std::thread([this] { wait(); });
}

SignalReport::~SignalReport() {
  // Wake the waiting thread with a signal of our own (queued with our address, which kill(1)
  // or a terminal cannot send), then let any stop signal that came meanwhile reach run_tool's
  // handler, as it would have without us.
  stopping_.store(true);
  pthread_sigqueue(thread_.native_handle(), SIGTERM, sigval{.sival_ptr = this});
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

void SignalReport::wait() {
  const sigset_t set = stop_signals();
  for (;;) {
    siginfo_t info;
    const int sig = sigwaitinfo(&set, &info);
    if (sig < 0) continue;  // EINTR
    if (stopping_.load() && info.si_code == SI_QUEUE && info.si_pid == getpid() && info.si_value.sival_ptr == this)
      return;
    try {
      tool_.tell("error: " + report_(signal_name(sig)));
    } catch (...) {
      // Out of memory, say: the signal still ends the process.
    }
    remove_temporary_outputs();
    std::signal(sig, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
    raise(sig);  // pending for this thread, unblocked, default action: the process ends here
    _exit(128 + sig);
  }
}

}  // namespace flow
