#include "common/process.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <csignal>

namespace ibasho {

void InitProcess() {
  spdlog::flush_on(spdlog::level::info);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
}

}  // namespace ibasho
