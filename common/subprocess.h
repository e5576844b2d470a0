// A child process whose stdout and stderr go to a log file; used by the integration tests and the
// benchmark suite to run the real services side by side.
#ifndef IBASHO_COMMON_SUBPROCESS_H_
#define IBASHO_COMMON_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace ibasho {

class Subprocess {
 public:
  // Starts args[0] (an absolute path) with args; the child inherits no descriptor but the log.
  Subprocess(std::vector<std::string> args, std::string log_path);
  // Stops the child with SIGTERM and waits for it.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Sends signal and waits; the wait status (as from waitpid), or -1 when already stopped.
  int Stop(int signal);
  pid_t pid() const { return pid_; }
  // Peak resident set size (VmHWM) in KiB, or -1 when the process is gone.
  long PeakRssKib() const;
  // Proportional set size (smaps_rollup Pss) of the process and its descendants in KiB: what it
  // costs the machine now, shared pages divided among their sharers. -1 when the process is gone.
  long PssKib() const;

 private:
  std::vector<std::string> args_;
  std::string log_;
  pid_t pid_ = -1;
};

}  // namespace ibasho

#endif  // IBASHO_COMMON_SUBPROCESS_H_
