#include "bench/perf_report.h"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <thread>

#include "bench/report.h"

namespace ibasho::bench {
namespace {

std::string MachineLine() {
  std::ifstream cpu("/proc/cpuinfo");
  std::string line, model = "?";
  while (std::getline(cpu, line))
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  long mem_kib = 0;
  std::ifstream mem("/proc/meminfo");
  std::string key;
  mem >> key >> mem_kib;
  return std::to_string(std::thread::hardware_concurrency()) + " cores (" + model + "), " +
         std::to_string(mem_kib / 1024 / 1024) + " GiB";
}

std::string LoadRow(const std::string& engine, int c, const LoadResult& l) {
  return "| " + engine + " | " + std::to_string(c) + " | " + Fixed(l.rps, 1) + " | " + Fixed(l.p50_ms, 2) + " | " +
         Fixed(l.p99_ms, 2) + " | " + Fixed(l.p999_ms, 2) + " | " + std::to_string(l.failures) + " |\n";
}

// The best Groonga row (highest req/s) of a shape at concurrency c, or null.
const std::pair<const std::string, std::map<int, LoadResult>>* BestGroonga(
    const std::map<std::string, std::map<int, LoadResult>>& shape, int c) {
  const std::pair<const std::string, std::map<int, LoadResult>>* best = nullptr;
  for (const auto& entry : shape)
    if (IsGroonga(entry.first) && entry.second.count(c) && (!best || entry.second.at(c).rps > best->second.at(c).rps))
      best = &entry;
  return best;
}

void WriteLoadTables(const Options& o, const Results& r, std::ostream& md) {
  for (const auto& [shape, title] : std::vector<std::pair<std::string, std::string>>{
           {"plain", "plain queries (`q` only, page of 10, default facets)"},
           {"log", "the query log (~40% with filters)"}}) {
    if (!r.load.count(shape)) continue;
    md << "\n## Search through HTTP: " << title
       << "\n\n| engine | c | req/s | p50 ms | p99 ms | p99.9 ms | failures |\n"
       << "|---|---|---|---|---|---|---|\n";
    for (const auto& [engine, by_c] : r.load.at(shape))
      for (const auto& [c, l] : by_c) md << LoadRow(engine, c, l);
    md << "\n| c | ibasho / best Groonga req/s | ibasho p99 / that Groonga's p99 | ibasho / fts5 req/s |\n"
       << "|---|---|---|---|\n";
    for (int c : o.levels) {
      const auto& by_engine = r.load.at(shape);
      if (!by_engine.count("ibasho") || !by_engine.at("ibasho").count(c)) continue;
      const LoadResult& ours = by_engine.at("ibasho").at(c);
      md << "| " << c << " | ";
      if (const auto* best = BestGroonga(by_engine, c)) {
        const LoadResult& theirs = best->second.at(c);
        md << Fixed(ours.rps / theirs.rps, 2) << "× (" << best->first << ") | " << Fixed(ours.p99_ms / theirs.p99_ms, 2)
           << "× | ";
      } else {
        md << "— | — | ";
      }
      if (by_engine.count("fts5") && by_engine.at("fts5").count(c))
        md << Fixed(ours.rps / by_engine.at("fts5").at(c).rps, 2) << "× |\n";
      else
        md << "— |\n";
    }
  }
  if (r.load.count("static")) {
    md << "\n## The HTTP ceiling (no search)\n\n| server | c | req/s | p50 ms | p99 ms | p99.9 ms | failures |\n"
       << "|---|---|---|---|---|---|---|\n";
    for (const auto& [engine, by_c] : r.load.at("static"))
      for (const auto& [c, l] : by_c) md << LoadRow(engine, c, l);
  }
}

}  // namespace

void WriteReport(const Options& o, const Results& r, const std::vector<LoggedQuery>& log,
                 const std::vector<LoggedQuery>& plain, std::ostream& md) {
  std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  md << "# Performance: " << r.activities << " activities"
     << (o.smoke ? " (smoke run: short phases, not for comparison)" : "") << "\n\n"
     << "Machine: " << MachineLine() << ". Date: " << date << ". Commit: " << r.commit << ". Queries: " << plain.size()
     << " plain, " << log.size() << " in the log; " << Fixed(o.duration_ms / 1000.0, 1) << " s per measurement after "
     << Fixed(o.warmup_ms / 1000.0, 1)
     << " s warm-up; closed-loop keep-alive clients (one per connection, like wrk's); everything on this one machine, "
        "so the load generator shares its cores. Groonga keeps the answers of its last 100 distinct queries (its "
        "default query cache): with more distinct queries than that cycled in order it misses every time, as ibasho "
        "(which caches term data, not answers) would on a real log; "
     << (plain.size() <= 100 ? "here there are fewer, so Groonga's plain rows are cache hits.\n"
                             : "here there are more.\n");
  WriteLoadTables(o, r, md);

  md << "\n## Cold: each plain query once, one at a time\n\n| engine | when | p50 ms | p99 ms | max ms | failures |\n"
     << "|---|---|---|---|---|---|\n";
  for (const auto& [engine, runs] : r.cold)
    for (const Cold& c : runs)
      md << "| " << engine << " | " << c.when << " | " << Fixed(Percentile(c.us, 0.5), 2) << " | "
         << Fixed(Percentile(c.us, 0.99), 2) << " | " << Fixed(Percentile(c.us, 1.0), 2) << " | " << c.failures
         << " |\n";

  md << "\n## Zero-hit rate over the query log\n\n| engine | overall |";
  std::set<std::string> kinds;
  for (const auto& q : log) kinds.insert(q.kind);
  for (const auto& k : kinds) md << " " << k << " |";
  md << "\n|---|---|";
  for (size_t i = 0; i < kinds.size(); ++i) md << "---|";
  md << "\n";
  for (const auto& [engine, hits] : r.zero_hits) {
    std::map<std::string, std::pair<int, int>> by_kind;
    int zero = 0;
    for (const auto& [kind, z] : hits) {
      zero += z;
      by_kind[kind].first += z;
      by_kind[kind].second += 1;
    }
    md << "| " << engine << " | " << Fixed(100.0 * zero / std::max<size_t>(1, hits.size()), 1) << "% |";
    for (const auto& k : kinds) {
      auto [z, n] = by_kind[k];
      md << " " << (n ? Fixed(100.0 * z / n, 1) : std::string("—")) << "% |";
    }
    md << "\n";
  }

  std::vector<uint32_t> fresh_us;
  for (double ms : r.fresh_ms) fresh_us.push_back(static_cast<uint32_t>(ms * 1000));
  md << "\n## Inside the search service (analysis + matching + exact facets + snippets), one thread, the log\n\n"
     << "p50 " << Fixed(Percentile(r.inproc_us, 0.5), 2) << " ms, p99 " << Fixed(Percentile(r.inproc_us, 0.99), 2)
     << " ms, p99.9 " << Fixed(Percentile(r.inproc_us, 0.999), 2) << " ms over " << r.inproc_us.size() << " queries.\n"
     << "\n## Freshness (write acknowledged → visible in search), 50 writes/s for " << o.freshness_s << " s\n\n"
     << r.fresh_ms.size() << " writes: p50 " << Fixed(Percentile(fresh_us, 0.5), 1) << " ms, p99 "
     << Fixed(Percentile(fresh_us, 0.99), 1) << " ms, max " << Fixed(Percentile(fresh_us, 1.0), 1) << " ms.\n";

  md << "\n## Search while writing (plain queries, c=8, 50 writes/s)\n\n"
     << "| | req/s | p50 ms | p99 ms | p99.9 ms | failures | of no-write req/s |\n|---|---|---|---|---|---|---|\n";
  const LoadResult* quiet = nullptr;
  if (r.load.count("plain") && r.load.at("plain").count("ibasho") && r.load.at("plain").at("ibasho").count(8))
    quiet = &r.load.at("plain").at("ibasho").at(8);
  if (quiet)
    md << "| no writes | " << Fixed(quiet->rps, 1) << " | " << Fixed(quiet->p50_ms, 2) << " | "
       << Fixed(quiet->p99_ms, 2) << " | " << Fixed(quiet->p999_ms, 2) << " | " << quiet->failures << " | 1.00 |\n";
  const LoadResult& busy = r.under_writes;
  md << "| " << Fixed(r.writes_done / (o.duration_ms / 1000.0 + o.warmup_ms / 1000.0), 1) << " writes/s | "
     << Fixed(busy.rps, 1) << " | " << Fixed(busy.p50_ms, 2) << " | " << Fixed(busy.p99_ms, 2) << " | "
     << Fixed(busy.p999_ms, 2) << " | " << busy.failures << " | "
     << (quiet ? Fixed(busy.rps / quiet->rps, 2) : std::string("—")) << " |\n";

  double searchable = r.groups / r.import_searchable_s, raw = r.raw_build_s > 0 ? r.groups / r.raw_build_s : 0;
  md << "\n## Bulk import\n\n| path | listings/s |\n|---|---|\n"
     << "| partner batch API (500 per request), acknowledged | " << Fixed(r.groups / r.import_ack_s, 1) << " |\n"
     << "| partner batch API, until searchable | " << Fixed(searchable, 1) << " |\n"
     << "| raw index build of the same documents | " << (raw > 0 ? Fixed(raw, 1) : "not run") << " |\n"
     << "| ratio (searchable / raw) | " << (raw > 0 ? Fixed(searchable / raw, 2) + "×" : "—") << " |\n";
  for (const auto& [peer, s] : r.peer_load_s)
    md << "| " << peer << " load (for reference) | " << Fixed(r.activities / s, 1) << " |\n";

  md << "\n## Memory (MiB) and disk\n\nPSS divides shared pages among their sharers (a process tree counts "
        "whole: groonga-httpd's master and workers).\n\n| process | PSS after the bulk import | PSS at the end | "
        "peak RSS |\n|---|---|---|---|\n";
  for (const auto& [p, kib] : r.pss_end) {
    auto after = r.pss_after_import.find(p);
    md << "| " << p << " | " << (after != r.pss_after_import.end() ? Fixed(after->second / 1024.0, 1) : "—") << " | "
       << Fixed(kib / 1024.0, 1) << " | " << Fixed(r.peak_rss.at(p) / 1024.0, 1) << " |\n";
  }
  long ours = 0;
  for (const char* p : {"registry", "search", "gateway"}) ours += r.pss_end.at(p);
  md << "| **ibasho, all three** | | " << Fixed(ours / 1024.0, 1) << " | |\n";
  md << "\n| store | disk MiB |\n|---|---|\n";
  for (const auto& [p, kib] : r.disk) md << "| " << p << " | " << Fixed(kib / 1024.0, 1) << " |\n";
}

double Percentile(std::vector<uint32_t> v, double p) {
  if (v.empty()) return 0.0;
  size_t k = static_cast<size_t>(p * (v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k] / 1000.0;
}

}  // namespace ibasho::bench
