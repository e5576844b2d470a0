// The performance suite's measurements and the markdown report written from them.
#ifndef IBASHO_BENCH_PERF_REPORT_H_
#define IBASHO_BENCH_PERF_REPORT_H_

#include <cstdint>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "bench/corpus.h"
#include "bench/loadgen.h"

namespace ibasho::bench {

struct Options {
  bool smoke = false;
  size_t size = 100000;
  int duration_ms = 15000, warmup_ms = 3000;
  size_t n_queries = 5000, n_plain = 304;
  int freshness_s = 20;
  std::vector<int> levels = {1, 8, 64};
  std::set<std::string> engines;
  bool raw_build = true, keep = false;
  std::string work, out, opendata;
};

// Each plain query sent once, one at a time, at one moment of a run.
struct Cold {
  std::string when;
  std::vector<uint32_t> us;
  size_t failures = 0;
};

// Everything one run measures, then written as the report.
struct Results {
  std::string commit;
  size_t activities = 0, groups = 0, rejected = 0;
  bool indexed = false;
  double import_ack_s = 0, import_searchable_s = 0, raw_build_s = 0;
  std::map<std::string, double> peer_load_s;
  std::vector<uint32_t> inproc_us;
  std::map<std::string, std::vector<std::pair<std::string, bool>>> zero_hits;  // engine → (kind, zero)
  // shape → engine → concurrency → result
  std::map<std::string, std::map<std::string, std::map<int, LoadResult>>> load;
  std::map<std::string, std::vector<Cold>> cold;  // engine → runs
  std::vector<double> fresh_ms;
  LoadResult under_writes;
  size_t writes_done = 0;
  std::map<std::string, long> pss_after_import, pss_end, peak_rss, disk;
};

// The p-th percentile (0..1) of microsecond samples, in milliseconds.
double Percentile(std::vector<uint32_t> v, double p);
// Groonga's own HTTP server or groonga-httpd.
inline bool IsGroonga(const std::string& engine) { return engine.rfind("groonga", 0) == 0; }

void WriteReport(const Options& o, const Results& r, const std::vector<LoggedQuery>& log,
                 const std::vector<LoggedQuery>& plain, std::ostream& md);

}  // namespace ibasho::bench

#endif  // IBASHO_BENCH_PERF_REPORT_H_
