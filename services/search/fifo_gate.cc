#include "services/search/fifo_gate.h"

namespace ibasho::services {

void FifoGate::Enter() {
  std::unique_lock<std::mutex> lock(mu_);
  if (free_slots_ > 0 && queue_.empty()) {
    --free_slots_;
    return;
  }
  Waiter me;
  queue_.push_back(&me);
  me.cv.wait(lock, [&] { return me.admitted; });
}

void FifoGate::Leave() {
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.empty()) {
    ++free_slots_;
    return;
  }
  Waiter* next = queue_.front();  // the slot passes straight to the next in line
  queue_.pop_front();
  next->admitted = true;
  next->cv.notify_one();
}

size_t FifoGate::Waiting() {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

}  // namespace ibasho::services
