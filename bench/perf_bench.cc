// The performance suite: ibasho against Groonga 13 (its own HTTP server and groonga-httpd, select +
// drilldown), SQLite FTS5 trigram (behind a minimal HTTP server) and nginx (a static JSON file, the
// HTTP ceiling), same corpus, same queries, same concurrency, same machine, one run. Writes a
// markdown table.
//
//   perf_bench --size=100000 [--smoke] [--out=bench/results/perf-….md]
//              [--concurrency=1,8,64] [--duration_ms=15000] [--warmup_ms=3000] [--queries=5000]
//              [--plain_queries=304] [--freshness_s=20] [--engines=ibasho,groonga,groonga-httpd,fts5,nginx]
//              [--raw_build=false] [--workdir=…] [--keep=true]
//
// Two query shapes: "plain" (a search box: distinct `q` strings only, page of 10, default facets —
// the shape of an outside measurement) and "log" (the whole log, ~40% with filters).
// --smoke shortens every phase (CI checks that the suite runs and the table is produced).
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "bench/corpus.h"
#include "bench/loadgen.h"
#include "bench/peer_servers.h"
#include "bench/peers.h"
#include "bench/perf_report.h"
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

// One engine's GET target for q.
std::string Target(const std::string& engine, const LoggedQuery& q) {
  if (engine == "ibasho") return IbashoSearchTarget(q) + "&page_size=10";
  if (IsGroonga(engine)) {
    std::string t = "/d/select?";
    bool first = true;
    for (const auto& [k, v] : GroongaSelectParams(ToPeer(q))) {
      t += (first ? "" : "&") + PercentEncode(k) + "=" + PercentEncode(v);
      first = false;
    }
    return t;
  }
  std::string t = "/search?q=" + PercentEncode(q.q);
  for (const auto& v : q.category) t += "&category=" + PercentEncode(v);
  for (const auto& v : q.municipality) t += "&municipality=" + PercentEncode(v);
  for (const auto& v : q.weekday) t += "&weekday=" + v;
  if (q.has_near) t += "&near=" + Fixed(q.lat, 5) + "," + Fixed(q.lon, 5) + "&radius_m=" + Fixed(q.radius_m, 0);
  return t;
}

std::vector<std::string> Targets(const std::string& engine, const std::vector<LoggedQuery>& queries) {
  std::vector<std::string> out;
  for (const auto& q : queries) out.push_back(Target(engine, q));
  return out;
}

// The total number of matches an engine's answer reports (-1 when unreadable).
long TotalOf(const std::string& engine, const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return -1;
  if (IsGroonga(engine)) return (j.is_array() && j.size() > 1 && j[0][0] == 0) ? j[1][0][0][0].get<long>() : -1;
  return j.value("total", -1L);
}

// Latencies (µs) of each target sent once, in order, one at a time: the cold path.
std::vector<uint32_t> EachOnce(int port, const std::vector<std::string>& targets, size_t* failures) {
  std::vector<uint32_t> us;
  for (const auto& t : targets) {
    auto start = SteadyClock::now();
    int status = HttpGet(port, t).first;
    auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start).count();
    if (status == 200) {
      us.push_back(static_cast<uint32_t>(elapsed));
    } else {
      ++*failures;
    }
  }
  return us;
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

// A word no listing contains: prefix + the letters of i in base 26.
std::string UniqueWord(const std::string& prefix, int i) {
  std::string word = prefix;
  for (int v = i + 26 * 26; v > 0; v /= 26) word += static_cast<char>('a' + v % 26);
  return word;
}

Options ParseOptions(int argc, char** argv) {
  Flags flags(argc, argv);
  Options o;
  o.smoke = flags.Get("smoke", nullptr, "") == "true";
  o.size = std::stoul(flags.Get("size", nullptr, o.smoke ? "10000" : "100000"));
  o.duration_ms = flags.GetInt("duration_ms", nullptr, o.smoke ? 1000 : 15000);
  o.warmup_ms = flags.GetInt("warmup_ms", nullptr, o.smoke ? 200 : 3000);
  o.n_queries = std::stoul(flags.Get("queries", nullptr, o.smoke ? "500" : "5000"));
  o.n_plain = std::stoul(flags.Get("plain_queries", nullptr, "304"));
  o.freshness_s = flags.GetInt("freshness_s", nullptr, o.smoke ? 2 : 20);
  std::string levels = flags.Get("concurrency", nullptr, "");
  if (!levels.empty()) {
    o.levels.clear();
    std::stringstream ss(levels);
    for (std::string item; std::getline(ss, item, ',');) o.levels.push_back(std::stoi(item));
  }
  std::stringstream ss(flags.Get("engines", nullptr, "ibasho,groonga,groonga-httpd,fts5,nginx"));
  for (std::string item; std::getline(ss, item, ',');) o.engines.insert(item);
  o.raw_build = flags.Get("raw_build", nullptr, "true") == "true";
  o.keep = flags.Get("keep", nullptr, "") == "true";
  o.work =
      flags.Get("workdir", nullptr, std::filesystem::temp_directory_path() / ("ibasho_perf_" + std::to_string(o.size)));
  o.out = flags.Get("out", nullptr, "");
  o.opendata = flags.Get("opendata", nullptr, std::string(IBASHO_SOURCE_DIR) + "/../shared/data/opendata");
  return o;
}

// The commit the binaries were built from (read at the start: the tree may move on).
std::string SourceCommit(const std::string& work) {
  std::string cmd = std::string("cd ") + IBASHO_SOURCE_DIR + " && git rev-parse --short HEAD 2>/dev/null > " + work +
                    "/commit && (git diff --quiet HEAD -- . ':!bench/results' || echo -dirty) >> " + work + "/commit";
  (void)std::system(cmd.c_str());
  std::ifstream in(work + "/commit");
  std::string commit;
  for (std::string part; in >> part;) commit += part;
  return commit;
}

// The three services of one run, with the flags they were started with.
class Services {
 public:
  explicit Services(const std::string& work) : work_(work) {
    std::string bin = IBASHO_BINARY_DIR;
    http_ = testing::FreePort();
    std::string reg_addr = "127.0.0.1:" + std::to_string(testing::FreePort());
    std::string search_addr = "127.0.0.1:" + std::to_string(testing::FreePort());
    registry_ = std::make_unique<Subprocess>(
        std::vector<std::string>{bin + "/services/ibasho-registry", "--db=" + work + "/registry.db",
                                 "--listen=" + reg_addr, "--secret_file=" + work + "/registry.secret"},
        work + "/registry.log");
    search_args_ = {bin + "/services/ibasho-search", "--index=" + work + "/index", "--listen=" + search_addr,
                    "--registry=" + reg_addr, "--registry_secret_file=" + work + "/registry.secret"};
    search_ = std::make_unique<Subprocess>(search_args_, work + "/search.log");
    gateway_ = std::make_unique<Subprocess>(
        std::vector<std::string>{bin + "/services/gateway/ibasho-gateway", "--port=" + std::to_string(http_),
                                 "--registry=" + reg_addr, "--search=" + search_addr,
                                 "--admin_token=" + std::string(kToken),
                                 "--registry_secret_file=" + work + "/registry.secret"},
        work + "/gateway.log");
  }

  int http() const { return http_; }
  bool Ready() const {
    return WaitFor([&] { return HttpGet(http_, "/readyz").first == 200; }, std::chrono::seconds(60));
  }
  long DocCount() const {
    auto j = json::parse(HttpGet(http_, "/readyz").second, nullptr, false);
    return j.is_object() && j.contains("index") ? j["index"]["doc_count"].get<long>() : -1L;
  }
  // Stops the search service and starts it again on its index (a deploy, a crash, a new node).
  bool RestartSearch(long expected_docs) {
    search_.reset();
    search_ = std::make_unique<Subprocess>(search_args_, work_ + "/search.log");
    return Ready() && WaitFor([&] { return DocCount() >= expected_docs; }, std::chrono::seconds(60));
  }
  std::map<std::string, long> Pss() const {
    return {{"registry", registry_->PssKib()}, {"search", search_->PssKib()}, {"gateway", gateway_->PssKib()}};
  }
  std::map<std::string, long> PeakRss() const {
    return {
        {"registry", registry_->PeakRssKib()}, {"search", search_->PeakRssKib()}, {"gateway", gateway_->PeakRssKib()}};
  }

 private:
  std::string work_;
  int http_ = 0;
  std::vector<std::string> search_args_;
  std::unique_ptr<Subprocess> registry_, search_, gateway_;
};

// Imports groups through the partner batch API, 500 per request; false on a failed request.
bool BulkImport(const Services& services, const std::vector<registry::v1::Group>& groups, Results* r) {
  auto start = SteadyClock::now();
  for (size_t i = 0; i < groups.size(); i += 500) {
    json batch = {{"groups", json::array()}};
    for (size_t k = i; k < std::min(groups.size(), i + 500); ++k) {
      json g = json::parse(ToJson(groups[k]));
      g["external_id"] = GroupKey(groups[k]);
      batch["groups"].push_back(std::move(g));
    }
    auto reply = HttpSend(services.http(), "POST", "/v1/sources/bench/groups:batch", batch.dump(), kToken);
    auto j = json::parse(reply.second, nullptr, false);
    if (reply.first != 200 || j.is_discarded()) {
      std::cerr << "batch failed: " << reply.first << " " << reply.second.substr(0, 300) << "\n";
      return false;
    }
    r->rejected += j["rejected"].get<size_t>();
  }
  r->import_ack_s = Seconds(start);
  r->indexed = WaitFor([&] { return services.DocCount() >= static_cast<long>(r->activities - r->rejected); },
                       std::chrono::hours(2));
  r->import_searchable_s = Seconds(start);
  return true;
}

// The raw index build of the same documents, then in-process search latency over the log.
void InProcess(const Options& o, const std::vector<registry::v1::Group>& groups,
               const std::vector<LoggedQuery>& queries, Results* r) {
  std::string source_dir = IBASHO_SOURCE_DIR, bin = IBASHO_BINARY_DIR;
  std::string index = o.raw_build ? o.work + "/raw_index" : o.work + "/index";
  search::TokenizerOptions to;
  to.userdic = bin + "/dict/ibasho_user.dic";
  auto tokenizer = std::move(search::Tokenizer::Create(to)).value();
  auto dictionary = std::move(search::QueryDictionary::Load(source_dir + "/search/dict", *tokenizer)).value();
  if (o.raw_build) {
    auto writer = std::move(search::IndexWriter::Open(index, *tokenizer)).value();
    auto start = SteadyClock::now();
    for (size_t i = 0; i < groups.size(); i += 1000) {
      std::vector<registry::v1::Group> chunk(groups.begin() + i, groups.begin() + std::min(groups.size(), i + 1000));
      if (!writer->Apply(AsChangeBatch(chunk, static_cast<int64_t>(i) + 1)).ok()) return;
    }
    r->raw_build_s = Seconds(start);
  }
  search::SearcherOptions so;
  so.index_path = index;
  auto searcher = std::move(search::Searcher::Open(so, *tokenizer, *dictionary)).value();
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& q : queries) {
      search::v1::SearchRequest req = ToSearchRequest(ToPeer(q));
      auto start = SteadyClock::now();
      auto resp = searcher->Search(req);
      if (pass == 1)
        r->inproc_us.push_back(static_cast<uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start).count()));
    }
  }
}

// Writes a new listing every 20 ms until stop; counts acknowledged writes. `ack` (optional) is
// told each acknowledged word and when.
void WriteSteadily(int http, const std::string& prefix, const std::atomic<bool>& stop, size_t* done,
                   const std::function<void(const std::string&)>& ack = nullptr) {
  auto start = SteadyClock::now();
  for (int i = 0; !stop; ++i) {
    std::string word = UniqueWord(prefix, i);
    json g = {{"name", "鮮度テストの会 " + word},
              {"activities", json::array({{{"title", "鮮度テスト " + word}, {"categories", {"event"}}}})}};
    auto reply = HttpSend(http, "PUT", "/v1/sources/freshness/groups/" + word, g.dump(), kToken);
    if (reply.first == 200 || reply.first == 201) {
      ++*done;
      if (ack) ack(word);
    }
    std::this_thread::sleep_until(start + std::chrono::milliseconds(20 * (i + 1)));
  }
}

// Freshness at 50 writes/s: from a write's acknowledgement until search finds it.
void Freshness(const Options& o, int http, Results* r) {
  std::mutex mu;
  std::map<std::string, SteadyClock::time_point> pending;
  std::atomic<bool> stop_writing{false}, stop_polling{false};
  std::thread poller([&] {
    while (!stop_polling) {
      std::vector<std::pair<std::string, SteadyClock::time_point>> now;
      {
        std::lock_guard<std::mutex> lock(mu);
        now.assign(pending.begin(), pending.end());
      }
      for (const auto& [word, acked] : now)
        if (TotalOf("ibasho", HttpGet(http, "/v1/search?q=" + word).second) > 0) {
          double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - acked).count();
          std::lock_guard<std::mutex> lock(mu);
          r->fresh_ms.push_back(ms);
          pending.erase(word);
        }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  size_t done = 0;
  std::thread writer([&] {
    WriteSteadily(http, "frsh", stop_writing, &done, [&](const std::string& word) {
      std::lock_guard<std::mutex> lock(mu);
      pending[word] = SteadyClock::now();
    });
  });
  std::this_thread::sleep_for(std::chrono::seconds(o.freshness_s));
  stop_writing = true;
  writer.join();
  WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return pending.empty();
      },
      std::chrono::seconds(10));
  stop_polling = true;
  poller.join();
}

struct Peers {
  std::vector<PeerServer> servers;
  PeerServer* Find(const std::string& name) {
    for (auto& s : servers)
      if (s.name == name && s.running()) return &s;
    return nullptr;
  }
};

// Starts the peers asked for; each Groonga server's first pass over the plain queries is its cold run.
Peers StartPeers(const Options& o, const std::vector<FlatDoc>& docs, const std::vector<LoggedQuery>& plain,
                 const std::string& static_body, Results* r) {
  Peers peers;
  bool groonga = o.engines.count("groonga") || o.engines.count("groonga-httpd");
  double load_s = groonga ? LoadGroongaDatabase(docs, o.work + "/groonga") : -1;
  if (load_s >= 0) {
    r->peer_load_s["groonga"] = load_s;
    if (o.engines.count("groonga")) peers.servers.push_back(StartGroongaHttp(o.work + "/groonga"));
    if (o.engines.count("groonga-httpd")) {
      peers.servers.push_back(StartGroongaHttpd(o.work + "/groonga", 1));  // as shipped
      int cores = static_cast<int>(std::thread::hardware_concurrency());
      if (cores > 1) peers.servers.push_back(StartGroongaHttpd(o.work + "/groonga", cores));
    }
    for (auto& s : peers.servers)
      if (s.running()) {
        Cold c{"after loading", {}, 0};
        c.us = EachOnce(s.port, Targets(s.name, plain), &c.failures);
        r->cold[s.name].push_back(std::move(c));
      }
  }
  if (o.engines.count("fts5")) {
    peers.servers.push_back(StartFts5(docs, o.work, std::string(IBASHO_BINARY_DIR) + "/bench/fts5_http_server"));
    r->peer_load_s["fts5"] = peers.servers.back().load_s;
  }
  if (o.engines.count("nginx")) peers.servers.push_back(StartNginxStatic(static_body, o.work));
  for (const auto& s : peers.servers)
    if (!s.running()) std::cerr << s.name << ": not installed or did not start; left out\n";
  return peers;
}

void Note(const std::string& s) { std::cerr << s << std::endl; }

// Throughput and latency of every engine at each concurrency, in both query shapes, and the HTTP
// ceiling (the gateway's /healthz, nginx's static file).
void LoadPhases(const Options& o, int http, const std::map<std::string, int>& ports, Peers& peers,
                const std::vector<LoggedQuery>& plain, const std::vector<LoggedQuery>& log, Results* out) {
  Results& r = *out;
  auto dur = std::chrono::milliseconds(o.duration_ms), warm = std::chrono::milliseconds(o.warmup_ms);
  const std::map<std::string, const std::vector<LoggedQuery>*> shapes = {{"plain", &plain}, {"log", &log}};
  for (int c : o.levels) {
    for (const auto& [shape, queries] : shapes)
      for (const auto& [engine, port] : ports) {
        r.load[shape][engine][c] = RunLoad(port, Targets(engine, *queries), c, dur, warm);
        const LoadResult& l = r.load[shape][engine][c];
        Note(shape + " " + engine + " c=" + std::to_string(c) + ": " + Fixed(l.rps, 1) + " req/s p99 " +
             Fixed(l.p99_ms, 2) + " ms, " + std::to_string(l.failures) + " failures");
      }
    r.load["static"]["gateway /healthz"][c] = RunLoad(http, {"/healthz"}, c, dur, warm);
    if (PeerServer* nginx = peers.Find("nginx static"))
      r.load["static"]["nginx static"][c] = RunLoad(nginx->port, {"/search.json"}, c, dur, warm);
  }
}

// The plain queries at c=8 while 50 writes/s go on.
void SearchWhileWriting(const Options& o, int http, const std::vector<LoggedQuery>& plain, Results* r) {
  auto dur = std::chrono::milliseconds(o.duration_ms), warm = std::chrono::milliseconds(o.warmup_ms);
  std::atomic<bool> stop{false};
  std::thread writer([&] { WriteSteadily(http, "busy", stop, &r->writes_done); });
  r->under_writes = RunLoad(http, Targets("ibasho", plain), 8, dur, warm);
  stop = true;
  writer.join();
  Note("plain c=8 during 50 writes/s: " + Fixed(r->under_writes.rps, 1) + " req/s");
}

// Memory of every process now and disk of every store.
void RecordFootprint(const Options& o, const Services& services, Peers& peers, Results* out) {
  Results& r = *out;
  r.pss_end = services.Pss();
  r.peak_rss = services.PeakRss();
  for (auto& s : peers.servers)
    if (s.running()) {
      r.pss_end[s.name] = s.process->PssKib();
      r.peak_rss[s.name] = s.process->PeakRssKib();
    }
  r.disk = {{"registry (SQLite)", DiskKib(o.work + "/registry.db")}, {"search (Xapian)", DiskKib(o.work + "/index")}};
  if (r.peer_load_s.count("groonga")) r.disk["groonga"] = DiskKib(o.work + "/groonga");
  if (r.peer_load_s.count("fts5")) r.disk["fts5"] = DiskKib(o.work + "/fts5.db");
}

// Each plain query once after each server restarted on its data.
void ColdAfterRestarts(Services& services, Peers& peers, const std::vector<LoggedQuery>& plain, Results* out) {
  Results& r = *out;
  if (services.RestartSearch(static_cast<long>(r.activities - r.rejected))) {
    Cold c{"after a restart", {}, 0};
    c.us = EachOnce(services.http(), Targets("ibasho", plain), &c.failures);
    r.cold["ibasho"].push_back(std::move(c));
  }
  for (auto& s : peers.servers)
    if (s.running() && IsGroonga(s.name) && s.Restart("/d/status")) {
      Cold c{"after a restart", {}, 0};
      c.us = EachOnce(s.port, Targets(s.name, plain), &c.failures);
      r.cold[s.name].push_back(std::move(c));
    }
}

int Main(int argc, char** argv) {
  Options o = ParseOptions(argc, argv);
  std::filesystem::remove_all(o.work);
  std::filesystem::create_directories(o.work);
  Results r;
  r.commit = SourceCommit(o.work);

  auto t0 = SteadyClock::now();
  auto real = LoadRealCorpus(IBASHO_SOURCE_DIR, o.opendata);
  auto groups = SyntheticCorpus(real, o.size);
  r.groups = groups.size();
  for (const auto& g : groups) r.activities += g.activities_size();
  auto log = QueryLog(groups, o.n_queries);
  auto plain = PlainQueries(log, o.n_plain);
  Note("corpus: " + std::to_string(groups.size()) + " groups, " + std::to_string(r.activities) + " activities in " +
       Fixed(Seconds(t0), 1) + " s");

  Services services(o.work);
  if (!services.Ready()) {
    std::cerr << "services did not start; see " << o.work << "\n";
    return 1;
  }
  if (!BulkImport(services, groups, &r)) return 1;
  Note("bulk import: searchable after " + Fixed(r.import_searchable_s, 1) + " s");
  r.pss_after_import = services.Pss();
  {
    Cold c{"after the bulk import", {}, 0};
    c.us = EachOnce(services.http(), Targets("ibasho", plain), &c.failures);
    r.cold["ibasho"].push_back(std::move(c));
  }
  InProcess(o, groups, log, &r);

  Peers peers = StartPeers(o, Flatten(groups), plain, HttpGet(services.http(), IbashoSearchTarget(log[0])).second, &r);
  std::map<std::string, int> ports = {{"ibasho", services.http()}};
  for (const auto& s : peers.servers)
    if (s.running() && s.name != "nginx static") ports[s.name] = s.port;

  for (const auto& [engine, port] : ports)
    for (const auto& q : log)
      r.zero_hits[engine].push_back({q.kind, TotalOf(engine, HttpGet(port, Target(engine, q)).second) <= 0});

  LoadPhases(o, services.http(), ports, peers, plain, log, &r);
  Freshness(o, services.http(), &r);
  Note("freshness: " + std::to_string(r.fresh_ms.size()) + " writes");
  SearchWhileWriting(o, services.http(), plain, &r);
  RecordFootprint(o, services, peers, &r);
  ColdAfterRestarts(services, peers, plain, &r);

  std::ostringstream md;
  WriteReport(o, r, log, plain, md);
  std::cout << md.str();
  if (!o.out.empty()) std::ofstream(o.out) << md.str();
  bool ok = r.indexed && r.load["plain"]["ibasho"].begin()->second.requests > 0 && !r.fresh_ms.empty();
  if (!o.keep) std::filesystem::remove_all(o.work);
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace ibasho::bench

int main(int argc, char** argv) { return ibasho::bench::Main(argc, argv); }
