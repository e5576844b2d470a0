// A closed-loop HTTP/1.1 load generator with keep-alive: `concurrency` connections, one thread
// each, cycling through GET targets; reports throughput and latency percentiles.
#ifndef IBASHO_BENCH_LOADGEN_H_
#define IBASHO_BENCH_LOADGEN_H_

#include <chrono>
#include <string>
#include <vector>

namespace ibasho::bench {

struct LoadResult {
  size_t requests = 0;
  size_t failures = 0;  // connection errors and non-2xx answers
  double seconds = 0;
  double rps = 0;
  double p50_ms = 0, p99_ms = 0, p999_ms = 0;
};

LoadResult RunLoad(int port, const std::vector<std::string>& targets, int concurrency,
                   std::chrono::milliseconds duration, std::chrono::milliseconds warmup);

}  // namespace ibasho::bench

#endif  // IBASHO_BENCH_LOADGEN_H_
