// The performance suite: ibasho against Groonga 13 (HTTP select + drilldown), SQLite FTS5 trigram
// (behind a minimal HTTP server) and nginx (a static JSON file, the HTTP ceiling), same corpus,
// same query log, same concurrency, same machine, one run. Writes a markdown table.
//
//   perf_bench --size=100000 [--smoke] [--out=bench/results/perf-….md]
//              [--concurrency=1,8,64] [--duration_ms=10000] [--warmup_ms=2000] [--queries=5000]
//              [--freshness_s=20] [--engines=ibasho,groonga,fts5,nginx] [--raw_build=false]
//
// --smoke shortens every phase (CI checks that the suite runs and the table is produced).
#include <sys/utsname.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "bench/corpus.h"
#include "bench/loadgen.h"
#include "bench/peers.h"
#include "bench/report.h"
#include "common/flags.h"
#include "common/subprocess.h"
#include "common/url.h"
#include "model/json_mapping.h"
#include "search/engine/searcher.h"
#include "search/index/index_writer.h"
#include "testing/test_util.h"

namespace ibasho::bench {
namespace {

using json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
constexpr const char* kToken = "perf-admin-token";

// (status, body) of one request; status -1 when the connection failed.
std::pair<int, std::string> HttpSend(int port, const std::string& method, const std::string& target,
                                     const std::string& body, const std::string& token) {
  std::map<std::string, std::string> headers;
  if (!token.empty()) headers["Authorization"] = std::string("Bearer ") + token;
  if (!body.empty()) headers["Content-Type"] = "application/json";
  auto r = testing::HttpFetch(port, method, target, body, headers);
  return {r.status, std::move(r.body)};
}
std::pair<int, std::string> HttpGet(int port, const std::string& target) {
  return HttpSend(port, "GET", target, "", "");
}

double Seconds(SteadyClock::time_point since) {
  return std::chrono::duration<double>(SteadyClock::now() - since).count();
}

PeerQuery ToPeer(const LoggedQuery& q) {
  PeerQuery p;
  p.q = q.q;
  p.category = q.category;
  p.municipality = q.municipality;
  p.weekday = q.weekday;
  p.has_near = q.has_near;
  p.lat = q.lat;
  p.lon = q.lon;
  p.radius_m = q.radius_m;
  return p;
}

std::string GroongaTarget(const LoggedQuery& q) {
  std::string t = "/d/select?";
  bool first = true;
  for (const auto& [k, v] : GroongaSelectParams(ToPeer(q))) {
    t += (first ? "" : "&") + PercentEncode(k) + "=" + PercentEncode(v);
    first = false;
  }
  return t;
}

std::string Fts5Target(const LoggedQuery& q) {
  std::string t = "/search?q=" + PercentEncode(q.q);
  for (const auto& v : q.category) t += "&category=" + PercentEncode(v);
  for (const auto& v : q.municipality) t += "&municipality=" + PercentEncode(v);
  for (const auto& v : q.weekday) t += "&weekday=" + v;
  if (q.has_near) t += "&near=" + Fixed(q.lat, 5) + "," + Fixed(q.lon, 5) + "&radius_m=" + Fixed(q.radius_m, 0);
  return t;
}

// The total number of matches an engine's answer reports (-1 when unreadable).
long TotalOf(const std::string& engine, const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return -1;
  if (engine == "groonga") return (j.is_array() && j.size() > 1 && j[0][0] == 0) ? j[1][0][0][0].get<long>() : -1;
  return j.value("total", -1L);
}

long DiskKib(const std::string& path) {
  long total = 0;
  if (std::filesystem::is_directory(path)) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(path))
      if (e.is_regular_file()) total += static_cast<long>(e.file_size());
  } else {
    for (const std::string& p : {path, path + "-wal", path + "-shm"})
      if (std::filesystem::exists(p)) total += static_cast<long>(std::filesystem::file_size(p));
  }
  return total / 1024;
}

bool WaitFor(const std::function<bool()>& f, std::chrono::seconds limit) {
  auto end = SteadyClock::now() + limit;
  while (SteadyClock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

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

// A word no listing contains: prefix + the letters of i in base 26.
std::string UniqueWord(const std::string& prefix, int i) {
  std::string word = prefix;
  for (int v = i + 26 * 26; v > 0; v /= 26) word += static_cast<char>('a' + v % 26);
  return word;
}

}  // namespace
}  // namespace ibasho::bench

int main(int argc, char** argv) {
  using namespace ibasho;
  using namespace ibasho::bench;
  Flags flags(argc, argv);
  bool smoke = flags.Get("smoke", nullptr, "") == "true";
  size_t size = std::stoul(flags.Get("size", nullptr, smoke ? "10000" : "100000"));
  int duration_ms = flags.GetInt("duration_ms", nullptr, smoke ? 1000 : 10000);
  int warmup_ms = flags.GetInt("warmup_ms", nullptr, smoke ? 200 : 2000);
  size_t n_queries = std::stoul(flags.Get("queries", nullptr, smoke ? "500" : "5000"));
  int freshness_s = flags.GetInt("freshness_s", nullptr, smoke ? 2 : 20);
  std::vector<int> levels;
  for (const auto& s : std::vector<std::string>{"1", "8", "64"}) levels.push_back(std::stoi(s));
  std::string level_flag = flags.Get("concurrency", nullptr, "");
  if (!level_flag.empty()) {
    levels.clear();
    std::stringstream ss(level_flag);
    std::string item;
    while (std::getline(ss, item, ',')) levels.push_back(std::stoi(item));
  }
  std::set<std::string> engines;
  {
    std::stringstream ss(flags.Get("engines", nullptr, "ibasho,groonga,fts5,nginx"));
    std::string item;
    while (std::getline(ss, item, ',')) engines.insert(item);
  }
  std::string source_dir = IBASHO_SOURCE_DIR, bin = IBASHO_BINARY_DIR;
  std::string work =
      flags.Get("workdir", nullptr, std::filesystem::temp_directory_path() / ("ibasho_perf_" + std::to_string(size)));
  std::filesystem::remove_all(work);
  std::filesystem::create_directories(work);
  // The commit the binaries were built from (read now: the tree may move on during a long run).
  std::string commit;
  {
    std::string cmd = "cd " + source_dir + " && git rev-parse --short HEAD 2>/dev/null > " + work +
                      "/commit && (git diff --quiet HEAD -- . ':!bench/results' || echo -dirty) >> " + work + "/commit";
    (void)std::system(cmd.c_str());
    std::ifstream in(work + "/commit");
    for (std::string part; in >> part;) commit += part;
  }
  std::ostringstream md, log;
  auto note = [&](const std::string& s) {
    std::cerr << s << std::endl;
    log << s << "\n";
  };

  // 1. Corpus and query log.
  auto t0 = SteadyClock::now();
  auto real = LoadRealCorpus(source_dir, flags.Get("opendata", nullptr, source_dir + "/../shared/data/opendata"));
  auto groups = SyntheticCorpus(real, size);
  size_t activities = 0;
  for (const auto& g : groups) activities += g.activities_size();
  auto queries = QueryLog(groups, n_queries);
  note("corpus: " + std::to_string(groups.size()) + " groups, " + std::to_string(activities) + " activities (" +
       std::to_string(real.size()) + " real groups) in " + Fixed(Seconds(t0), 1) + " s");

  // 2. The three services.
  int http = testing::FreePort();
  std::string reg_addr = "127.0.0.1:" + std::to_string(testing::FreePort());
  std::string search_addr = "127.0.0.1:" + std::to_string(testing::FreePort());
  Subprocess registry({bin + "/services/ibasho-registry", "--db=" + work + "/registry.db", "--listen=" + reg_addr,
                       "--secret_file=" + work + "/registry.secret"},
                      work + "/registry.log");
  Subprocess search({bin + "/services/ibasho-search", "--index=" + work + "/index", "--listen=" + search_addr,
                     "--registry=" + reg_addr, "--registry_secret_file=" + work + "/registry.secret"},
                    work + "/search.log");
  Subprocess gateway({bin + "/services/gateway/ibasho-gateway", "--port=" + std::to_string(http),
                      "--registry=" + reg_addr, "--search=" + search_addr, "--admin_token=" + std::string(kToken),
                      "--registry_secret_file=" + work + "/registry.secret"},
                     work + "/gateway.log");
  if (!WaitFor([&] { return HttpGet(http, "/readyz").first == 200; }, std::chrono::seconds(20))) {
    std::cerr << "services did not start; see " << work << "\n";
    return 1;
  }
  auto doc_count = [&] {
    auto r = HttpGet(http, "/readyz");
    auto j = json::parse(r.second, nullptr, false);
    return j.is_object() && j.contains("index") ? j["index"]["doc_count"].get<long>() : -1L;
  };

  // 3. Bulk import through the partner batch path, then until everything is searchable.
  t0 = SteadyClock::now();
  size_t rejected = 0;
  for (size_t i = 0; i < groups.size(); i += 500) {
    json batch = {{"groups", json::array()}};
    for (size_t k = i; k < std::min(groups.size(), i + 500); ++k) {
      json g = json::parse(ToJson(groups[k]));
      g["external_id"] = GroupKey(groups[k]);
      batch["groups"].push_back(std::move(g));
    }
    auto r = HttpSend(http, "POST", "/v1/sources/bench/groups:batch", batch.dump(), kToken);
    auto j = json::parse(r.second, nullptr, false);
    if (r.first != 200 || j.is_discarded()) {
      std::cerr << "batch failed: " << r.first << " " << r.second.substr(0, 300) << "\n";
      return 1;
    }
    rejected += j["rejected"].get<size_t>();
  }
  double import_ack_s = Seconds(t0);
  bool indexed =
      WaitFor([&] { return doc_count() >= static_cast<long>(activities - rejected); }, std::chrono::hours(2));
  double import_searchable_s = Seconds(t0);
  note("bulk import: " + std::to_string(groups.size()) + " groups acknowledged in " + Fixed(import_ack_s, 1) +
       " s, searchable after " + Fixed(import_searchable_s, 1) + " s (" + std::to_string(rejected) + " rejected)" +
       (indexed ? "" : " — index did not catch up"));

  // 4. The raw index build of the same documents, and in-process search latency.
  std::string raw_index = work + "/raw_index";
  search::TokenizerOptions to;
  to.userdic = bin + "/dict/ibasho_user.dic";
  auto tokenizer = std::move(search::Tokenizer::Create(to)).value();
  auto dictionary = std::move(search::QueryDictionary::Load(source_dir + "/search/dict", *tokenizer)).value();
  double raw_build_s = 0;
  bool raw_build = flags.Get("raw_build", nullptr, "true") == "true";
  if (!raw_build) raw_index = work + "/index";  // measure in-process search on the service's index
  if (raw_build) {
    auto writer = std::move(search::IndexWriter::Open(raw_index, *tokenizer)).value();
    t0 = SteadyClock::now();
    for (size_t i = 0; i < groups.size(); i += 1000) {
      std::vector<registry::v1::Group> chunk(groups.begin() + i, groups.begin() + std::min(groups.size(), i + 1000));
      if (!writer->Apply(AsChangeBatch(chunk, static_cast<int64_t>(i) + 1)).ok()) return 1;
    }
    raw_build_s = Seconds(t0);
  }
  if (raw_build) note("raw index build: " + Fixed(raw_build_s, 1) + " s");
  std::vector<uint32_t> inproc_us;
  {
    search::SearcherOptions so;
    so.index_path = raw_index;
    auto searcher = std::move(search::Searcher::Open(so, *tokenizer, *dictionary)).value();
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& q : queries) {
        search::v1::SearchRequest r = ToSearchRequest(ToPeer(q));
        auto s0 = SteadyClock::now();
        auto resp = searcher->Search(r);
        if (pass == 1)
          inproc_us.push_back(static_cast<uint32_t>(
              std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - s0).count()));
      }
    }
  }
  auto pct = [](std::vector<uint32_t> v, double p) {
    if (v.empty()) return 0.0;
    size_t k = static_cast<size_t>(p * (v.size() - 1));
    std::nth_element(v.begin(), v.begin() + k, v.end());
    return v[k] / 1000.0;
  };

  // 5. Peers with the same documents.
  std::vector<FlatDoc> docs = Flatten(groups);
  std::unique_ptr<Subprocess> groonga, fts5, nginx;
  int groonga_port = 0, fts5_port = 0, nginx_port = 0;
  double groonga_load_s = 0, fts5_load_s = 0;
  if (engines.count("groonga")) {
    std::filesystem::create_directories(work + "/groonga");
    std::ofstream(work + "/groonga/load.grn") << GroongaSchemaAndLoad(docs, "TokenBigram");
    t0 = SteadyClock::now();
    std::string cmd = "groonga -n " + work + "/groonga/db < " + work + "/groonga/load.grn > /dev/null";
    if (std::system(cmd.c_str()) != 0) return 1;
    groonga_load_s = Seconds(t0);
    groonga_port = testing::FreePort();
    groonga =
        std::make_unique<Subprocess>(std::vector<std::string>{"/usr/bin/groonga", "-s", "--protocol", "http", "--port",
                                                              std::to_string(groonga_port), work + "/groonga/db"},
                                     work + "/groonga.log");
    WaitFor([&] { return HttpGet(groonga_port, "/d/status").first == 200; }, std::chrono::seconds(20));
  }
  if (engines.count("fts5")) {
    t0 = SteadyClock::now();
    {
      Fts5Engine loader(work + "/fts5.db");
      loader.Load(docs);
    }
    fts5_load_s = Seconds(t0);
    fts5_port = testing::FreePort();
    fts5 = std::make_unique<Subprocess>(
        std::vector<std::string>{bin + "/bench/fts5_http_server", "--db=" + work + "/fts5.db",
                                 "--port=" + std::to_string(fts5_port)},
        work + "/fts5.log");
    WaitFor([&] { return HttpGet(fts5_port, "/search?q=x").first == 200; }, std::chrono::seconds(20));
  }
  if (engines.count("nginx")) {
    nginx_port = testing::FreePort();
    std::filesystem::create_directories(work + "/nginx/www");
    std::ofstream(work + "/nginx/www/search.json") << HttpGet(http, IbashoSearchTarget(queries[0])).second;
    std::ofstream(work + "/nginx/nginx.conf")
        << "daemon off; worker_processes 2; user root; pid " << work << "/nginx/nginx.pid; error_log " << work
        << "/nginx/error.log;\nevents { worker_connections 4096; }\nhttp { access_log off; server { listen 127.0.0.1:"
        << nginx_port << "; location / { root " << work << "/nginx/www; default_type application/json; } } }\n";
    nginx = std::make_unique<Subprocess>(
        std::vector<std::string>{"/usr/sbin/nginx", "-c", work + "/nginx/nginx.conf", "-p", work + "/nginx"},
        work + "/nginx.log");
    WaitFor([&] { return HttpGet(nginx_port, "/search.json").first == 200; }, std::chrono::seconds(10));
  }

  // 6. Zero-hit rates over the whole query log.
  std::map<std::string, std::vector<std::string>> targets;
  for (const auto& q : queries) {
    targets["ibasho"].push_back(IbashoSearchTarget(q));
    if (groonga) targets["groonga"].push_back(GroongaTarget(q));
    if (fts5) targets["fts5"].push_back(Fts5Target(q));
  }
  std::map<std::string, double> zero_rate;
  std::map<std::string, std::map<std::string, std::pair<int, int>>> zero_by_kind;  // engine → kind → (zero, n)
  for (const auto& [engine, list] : targets) {
    int port = engine == "ibasho" ? http : engine == "groonga" ? groonga_port : fts5_port;
    size_t zero = 0;
    for (size_t i = 0; i < list.size(); ++i) {
      long total = TotalOf(engine, HttpGet(port, list[i]).second);
      bool z = total <= 0;
      zero += z;
      auto& k = zero_by_kind[engine][queries[i].kind];
      k.first += z;
      k.second += 1;
    }
    zero_rate[engine] = 100.0 * zero / list.size();
    note("zero-hit " + engine + ": " + Fixed(zero_rate[engine], 1) + "%");
  }

  // 7. Throughput and latency at each concurrency.
  std::map<std::string, std::map<int, LoadResult>> load;
  auto dur = std::chrono::milliseconds(duration_ms), warm = std::chrono::milliseconds(warmup_ms);
  for (int c : levels) {
    load["ibasho"][c] = RunLoad(http, targets["ibasho"], c, dur, warm);
    if (groonga) load["groonga"][c] = RunLoad(groonga_port, targets["groonga"], c, dur, warm);
    if (fts5) load["fts5"][c] = RunLoad(fts5_port, targets["fts5"], c, dur, warm);
    load["gateway /healthz"][c] = RunLoad(http, {"/healthz"}, c, dur, warm);
    if (nginx) load["nginx static"][c] = RunLoad(nginx_port, {"/search.json"}, c, dur, warm);
    for (const auto& [engine, by_c] : load)
      if (by_c.count(c))
        note(engine + " c=" + std::to_string(c) + ": " + Fixed(by_c.at(c).rps, 1) + " req/s p50 " +
             Fixed(by_c.at(c).p50_ms, 2) + " ms p99 " + Fixed(by_c.at(c).p99_ms, 2) + " ms, " +
             std::to_string(by_c.at(c).failures) + " failures");
  }

  // 8. Freshness: 50 writes/s; time from the write's acknowledgement until search finds it.
  auto write_listing = [&](const std::string& word) {
    json g = {{"name", "鮮度テストの会 " + word},
              {"activities", json::array({{{"title", "鮮度テスト " + word}, {"categories", {"event"}}}})}};
    return HttpSend(http, "PUT", "/v1/sources/freshness/groups/" + word, g.dump(), kToken);
  };
  std::vector<double> fresh_ms;
  {
    std::mutex mu;
    std::map<std::string, SteadyClock::time_point> pending;
    std::atomic<bool> done{false};
    std::thread poller([&] {
      while (!done || !pending.empty()) {
        std::vector<std::pair<std::string, SteadyClock::time_point>> now;
        {
          std::lock_guard<std::mutex> lock(mu);
          now.assign(pending.begin(), pending.end());
        }
        for (const auto& [word, acked] : now) {
          if (TotalOf("ibasho", HttpGet(http, "/v1/search?q=" + word).second) > 0) {
            double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - acked).count();
            std::lock_guard<std::mutex> lock(mu);
            fresh_ms.push_back(ms);
            pending.erase(word);
          }
        }
        if (done && Seconds(SteadyClock::now() - std::chrono::seconds(0)) > 0 && now.empty()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
    auto start = SteadyClock::now();
    for (int i = 0; Seconds(start) < freshness_s; ++i) {
      std::string word = UniqueWord("frsh", i);
      auto next = start + std::chrono::milliseconds(20 * (i + 1));
      auto r = write_listing(word);
      if (r.first == 201 || r.first == 200) {
        std::lock_guard<std::mutex> lock(mu);
        pending[word] = SteadyClock::now();
      }
      std::this_thread::sleep_until(next);
    }
    auto deadline = SteadyClock::now() + std::chrono::seconds(10);
    while (SteadyClock::now() < deadline) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (pending.empty()) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    done = true;
    {
      std::lock_guard<std::mutex> lock(mu);
      pending.clear();
    }
    poller.join();
  }
  std::vector<uint32_t> fresh_us;
  for (double ms : fresh_ms) fresh_us.push_back(static_cast<uint32_t>(ms * 1000));
  note("freshness: " + std::to_string(fresh_ms.size()) + " writes, p50 " + Fixed(pct(fresh_us, 0.5), 1) + " ms, p99 " +
       Fixed(pct(fresh_us, 0.99), 1) + " ms");

  // 8b. Search while the writes go on: each write is a new index revision, which empties the
  // search service's posting cache, so this is the price of that cache under a steady write load.
  LoadResult under_writes;
  {
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      auto start = SteadyClock::now();
      for (int i = 0; !stop; ++i) {
        write_listing(UniqueWord("busy", i));
        std::this_thread::sleep_until(start + std::chrono::milliseconds(20 * (i + 1)));
      }
    });
    under_writes = RunLoad(http, targets["ibasho"], 8, dur, warm);
    stop = true;
    writer.join();
  }
  note("ibasho c=8 during 50 writes/s: " + Fixed(under_writes.rps, 1) + " req/s p50 " + Fixed(under_writes.p50_ms, 2) +
       " ms p99 " + Fixed(under_writes.p99_ms, 2) + " ms");

  // 9. Memory and disk.
  std::map<std::string, long> rss = {
      {"registry", registry.PeakRssKib()}, {"search", search.PeakRssKib()}, {"gateway", gateway.PeakRssKib()}};
  if (groonga) rss["groonga"] = groonga->PeakRssKib();
  if (fts5) rss["fts5 server"] = fts5->PeakRssKib();
  std::map<std::string, long> disk = {{"registry (SQLite)", DiskKib(work + "/registry.db")},
                                      {"search (Xapian)", DiskKib(work + "/index")}};
  if (groonga) disk["groonga"] = DiskKib(work + "/groonga/db") + DiskKib(work + "/groonga");
  if (fts5) disk["fts5"] = DiskKib(work + "/fts5.db");

  // 10. The table.
  std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  md << "# Performance: " << activities << " activities"
     << (smoke ? " (smoke run: short phases, not for comparison)" : "") << "\n\n";
  md << "Machine: " << MachineLine() << ". Date: " << date << ". Commit: " << commit
     << ". Query log: " << queries.size() << " queries (all with facets; " << Fixed(duration_ms / 1000.0, 1)
     << " s per measurement after " << Fixed(warmup_ms / 1000.0, 1)
     << " s warm-up; everything on this one machine, so the load generator shares its cores).\n\n";
  md << "## Search through HTTP (requests/s, latency ms)\n\n| engine | c | req/s | p50 | p99 | p99.9 | failures "
        "|\n|---|---|---|---|---|---|---|\n";
  for (const auto& [engine, by_c] : load)
    for (const auto& [c, r] : by_c)
      md << "| " << engine << " | " << c << " | " << Fixed(r.rps, 1) << " | " << Fixed(r.p50_ms, 2) << " | "
         << Fixed(r.p99_ms, 2) << " | " << Fixed(r.p999_ms, 2) << " | " << r.failures << " |\n";
  md << "\n## Ratios\n\n| c | ibasho / groonga req/s | ibasho p99 / groonga p99 | ibasho / fts5 req/s | gateway "
        "/healthz / nginx static |\n|---|---|---|---|---|\n";
  for (int c : levels) {
    auto ratio = [&](const std::string& a, const std::string& b, bool p99) {
      if (!load.count(a) || !load.count(b) || !load[a].count(c) || !load[b].count(c)) return std::string("—");
      double x = p99 ? load[a][c].p99_ms : load[a][c].rps, y = p99 ? load[b][c].p99_ms : load[b][c].rps;
      return y > 0 ? Fixed(x / y, 2) + "×" : std::string("—");
    };
    md << "| " << c << " | " << ratio("ibasho", "groonga", false) << " | " << ratio("ibasho", "groonga", true) << " | "
       << ratio("ibasho", "fts5", false) << " | " << ratio("gateway /healthz", "nginx static", false) << " |\n";
  }
  md << "\n## Zero-hit rate over the query log\n\n| engine | overall |";
  std::set<std::string> kinds;
  for (const auto& q : queries) kinds.insert(q.kind);
  for (const auto& k : kinds) md << " " << k << " |";
  md << "\n|---|---|";
  for (size_t i = 0; i < kinds.size(); ++i) md << "---|";
  md << "\n";
  for (const auto& [engine, rate] : zero_rate) {
    md << "| " << engine << " | " << Fixed(rate, 1) << "% |";
    for (const auto& k : kinds) {
      auto [z, n] = zero_by_kind[engine][k];
      md << " " << (n ? Fixed(100.0 * z / n, 1) : std::string("—")) << "% |";
    }
    md << "\n";
  }
  md << "\n## Inside the search service (analysis + Xapian + exact facets + snippets), one thread\n\n"
     << "p50 " << Fixed(pct(inproc_us, 0.5), 2) << " ms, p99 " << Fixed(pct(inproc_us, 0.99), 2) << " ms, p99.9 "
     << Fixed(pct(inproc_us, 0.999), 2) << " ms over " << inproc_us.size() << " queries.\n";
  md << "\n## Freshness (write acknowledged → visible in search), 50 writes/s for " << freshness_s << " s\n\n"
     << fresh_ms.size() << " writes: p50 " << Fixed(pct(fresh_us, 0.5), 1) << " ms, p99 "
     << Fixed(pct(fresh_us, 0.99), 1) << " ms, max " << Fixed(pct(fresh_us, 1.0), 1) << " ms.\n";
  md << "\n## Search while writing (c=8, 50 writes/s; every write is a new index revision)\n\n"
     << "| | req/s | p50 | p99 | p99.9 |\n|---|---|---|---|---|\n";
  if (load["ibasho"].count(8)) {
    const LoadResult& quiet = load["ibasho"][8];
    md << "| no writes | " << Fixed(quiet.rps, 1) << " | " << Fixed(quiet.p50_ms, 2) << " | " << Fixed(quiet.p99_ms, 2)
       << " | " << Fixed(quiet.p999_ms, 2) << " |\n";
  }
  md << "| 50 writes/s | " << Fixed(under_writes.rps, 1) << " | " << Fixed(under_writes.p50_ms, 2) << " | "
     << Fixed(under_writes.p99_ms, 2) << " | " << Fixed(under_writes.p999_ms, 2) << " |\n";
  double import_rate = groups.size() / import_searchable_s, raw_rate = raw_build ? groups.size() / raw_build_s : 0;
  md << "\n## Bulk import\n\n| path | listings/s |\n|---|---|\n"
     << "| partner batch API (500 per request), acknowledged | " << Fixed(groups.size() / import_ack_s, 1) << " |\n"
     << "| partner batch API, until searchable | " << Fixed(import_rate, 1) << " |\n"
     << "| raw Xapian index build of the same documents | " << (raw_build ? Fixed(raw_rate, 1) : "not run") << " |\n"
     << "| ratio (searchable / raw) | " << (raw_build ? Fixed(import_rate / raw_rate, 2) + "×" : "—") << " |\n";
  if (groonga) md << "| Groonga load (for reference) | " << Fixed(docs.size() / groonga_load_s, 1) << " |\n";
  if (fts5) md << "| FTS5 load (for reference) | " << Fixed(docs.size() / fts5_load_s, 1) << " |\n";
  md << "\n## Memory (peak RSS) and disk\n\n| process | peak RSS MiB |\n|---|---|\n";
  for (const auto& [p, kib] : rss) md << "| " << p << " | " << Fixed(kib / 1024.0, 1) << " |\n";
  md << "\n| store | disk MiB |\n|---|---|\n";
  for (const auto& [p, kib] : disk) md << "| " << p << " | " << Fixed(kib / 1024.0, 1) << " |\n";
  std::cout << md.str();
  std::string out = flags.Get("out", nullptr, "");
  if (!out.empty())
    std::ofstream(out) << md.str() << "\n<details><summary>log</summary>\n\n```\n" << log.str() << "```\n</details>\n";
  bool ok = indexed && !load["ibasho"].empty() && load["ibasho"].begin()->second.requests > 0 && !fresh_ms.empty();
  if (flags.Get("keep", nullptr, "") != "true") std::filesystem::remove_all(work);
  return ok ? 0 : 1;
}
