#include "common/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ibasho {

Subprocess::Subprocess(std::vector<std::string> args, std::string log_path)
    : args_(std::move(args)), log_(std::move(log_path)) {
  std::vector<char*> argv;
  for (auto& a : args_) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    for (int i = 3; i < 1024; ++i) close(i);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
}

Subprocess::~Subprocess() { Stop(SIGTERM); }

int Subprocess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

namespace {

// The KiB figure after `key` (e.g. "VmHWM:") in a /proc file of "Key: value kB" lines, or -1.
long ProcKib(pid_t pid, const char* file, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + file);
  for (std::string word; in >> word;) {
    if (word == key) {
      long kib = -1;
      in >> kib;
      return kib;
    }
    std::string rest;
    std::getline(in, rest);
  }
  return -1;
}

// The process and everything below it (children of every thread, recursively).
void AddTree(pid_t pid, std::vector<pid_t>* out) {
  out->push_back(pid);
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream children(task.path() / "children");
    for (pid_t child; children >> child;) AddTree(child, out);
  }
}

}  // namespace

long Subprocess::PeakRssKib() const { return pid_ > 0 ? ProcKib(pid_, "status", "VmHWM:") : -1; }

long Subprocess::PssKib() const {
  if (pid_ <= 0) return -1;
  std::vector<pid_t> tree;
  AddTree(pid_, &tree);
  long total = 0;
  for (pid_t pid : tree) {
    long kib = ProcKib(pid, "smaps_rollup", "Pss:");
    if (kib > 0) total += kib;
  }
  return total > 0 ? total : -1;
}

}  // namespace ibasho
