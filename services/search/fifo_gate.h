// FifoGate: admission control for searches.
#ifndef IBASHO_SERVICES_SEARCH_FIFO_GATE_H_
#define IBASHO_SERVICES_SEARCH_FIFO_GATE_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace ibasho::services {

// Lets at most `slots` callers in at once, in arrival order: under overload, searches queue
// fairly instead of all slowing down together (which is what makes tail latency explode). A
// leaving caller wakes exactly the next waiter, so a long queue costs no wake-ups. Thread-safe.
class FifoGate {
 public:
  explicit FifoGate(int slots) : free_slots_(slots > 0 ? slots : 1) {}
  void Enter();
  void Leave();
  // Callers waiting in Enter().
  size_t Waiting();

 private:
  struct Waiter {
    std::condition_variable cv;
    bool admitted = false;
  };
  std::mutex mu_;
  int free_slots_;
  std::deque<Waiter*> queue_;
};

}  // namespace ibasho::services

#endif  // IBASHO_SERVICES_SEARCH_FIFO_GATE_H_
