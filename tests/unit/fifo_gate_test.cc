#include "services/search/fifo_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ibasho::services {
namespace {

void WaitUntil(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

TEST(FifoGate, AdmitsInArrivalOrderWhenFull) {
  FifoGate gate(1);  // one slot, so admissions are also recorded in order
  gate.Enter();
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::thread> callers;
  for (int i = 0; i < 5; ++i) {
    callers.emplace_back([&, i] {
      gate.Enter();
      {
        std::lock_guard<std::mutex> lock(mu);
        order.push_back(i);
      }
      gate.Leave();
    });
    WaitUntil([&] { return gate.Waiting() == static_cast<size_t>(i + 1); });  // queued before the next arrives
  }
  EXPECT_EQ(gate.Waiting(), 5u);
  gate.Leave();
  for (auto& t : callers) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(gate.Waiting(), 0u);
}

TEST(FifoGate, NeverMoreThanSlotsInside) {
  FifoGate gate(3);
  std::atomic<int> inside{0}, most{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 16; ++i) {
    callers.emplace_back([&] {
      for (int k = 0; k < 200; ++k) {
        gate.Enter();
        int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        // The first time in, stay until someone else is inside too (bounded), so the check below
        // does not depend on how the scheduler interleaves (it did not under TSan).
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (k == 0 && inside.load() < 2 && std::chrono::steady_clock::now() < until) std::this_thread::yield();
        std::this_thread::yield();
        --inside;
        gate.Leave();
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 2);  // the slots were used concurrently
}

}  // namespace
}  // namespace ibasho::services
