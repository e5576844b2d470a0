// Relevance benchmark: the dev query set (queries.json) over the real corpus, side by side:
// ibasho, Groonga 13 (TokenBigram and TokenMecab, NormalizerAuto) and SQLite FTS5 trigram.
// Reports nDCG@10, MRR and recall@10 per query class and overall, and the zero-hit rate.
//
//   relevance_bench [--engines=ibasho,groonga-bigram,groonga-mecab,fts5-trigram]
//                   [--out=bench/results/relevance-….md] [--min_ndcg=0.0] [--min_class_ndcg=0.0] [--details]
//
// With --min_ndcg, exits 1 when ibasho's overall nDCG@10 falls below it, and with --min_class_ndcg
// when any class's does (the CI check).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "bench/corpus.h"
#include "bench/peers.h"
#include "bench/report.h"
#include "common/flags.h"
#include "common/normalizer.h"
#include "search/engine/searcher.h"
#include "search/index/index_writer.h"

namespace ibasho::bench {
namespace {

using nlohmann::json;

struct Query {
  std::string id, cls;
  PeerQuery peer;
  json judge;
  std::map<std::string, int> grades;  // group key → grade
};

double Distance(double lat1, double lon1, double lat2, double lon2) {
  const double r = 6371000, p = M_PI / 180;
  double a =
      std::sin((lat2 - lat1) * p / 2) * std::sin((lat2 - lat1) * p / 2) +
      std::cos(lat1 * p) * std::cos(lat2 * p) * std::sin((lon2 - lon1) * p / 2) * std::sin((lon2 - lon1) * p / 2);
  return 2 * r * std::asin(std::sqrt(a));
}

bool ContainsAny(const std::string& haystack, const json& words) {
  for (const auto& w : words)
    if (haystack.find(ibasho::Normalize(w.get<std::string>())) != std::string::npos) return true;
  return false;
}

// The grade a rule set gives one activity of a group (0 when no rule matches).
int Grade(const json& rules, const registry::v1::Group& g, const registry::v1::Activity& a) {
  std::string name = ibasho::Normalize(g.name() + " " + a.title());
  std::string text = ibasho::Normalize(g.name() + " " + g.name_kana() + " " + a.title() + " " + a.description() + " " +
                                       g.description());
  int best = 0;
  for (const auto& r : rules) {
    bool ok = true;
    if (r.contains("category"))
      ok &= std::find(a.categories().begin(), a.categories().end(), r["category"].get<std::string>()) !=
            a.categories().end();
    if (r.contains("stated")) {  // a category the listing's data states (not one inferred from its words)
      const std::string code = r["stated"];
      ok &= std::find(a.categories().begin(), a.categories().end(), code) != a.categories().end() &&
            std::find(a.inferred_categories().begin(), a.inferred_categories().end(), code) ==
                a.inferred_categories().end();
    }
    if (r.contains("text")) ok &= ContainsAny(text, r["text"]);
    if (r.contains("name")) ok &= ContainsAny(name, r["name"]);
    if (r.contains("municipality")) ok &= a.location().municipality() == r["municipality"].get<std::string>();
    if (r.contains("weekday")) {
      bool day = false;
      for (const auto& s : a.schedules())
        for (const auto& d : s.byday()) day |= d == r["weekday"].get<std::string>();
      ok &= day;
    }
    if (r.contains("near")) {
      const auto& n = r["near"];
      bool located = a.location().lat() != 0;
      ok &= located && Distance(n[0], n[1], a.location().lat(), a.location().lon()) <= n[2].get<double>();
    }
    if (ok) best = std::max(best, r["grade"].get<int>());
  }
  return best;
}

struct Scores {
  double ndcg = 0, mrr = 0, recall = 0;
  bool zero = false;
};

Scores Score(const std::vector<std::string>& ranked_keys, const std::map<std::string, int>& grades) {
  // Each group counts once, at its best rank.
  std::vector<std::string> ranked;
  std::set<std::string> seen;
  for (const auto& k : ranked_keys)
    if (seen.insert(k).second) ranked.push_back(k);
  Scores s;
  s.zero = ranked.empty();
  double dcg = 0;
  int relevant_found = 0;
  for (size_t i = 0; i < ranked.size() && i < 10; ++i) {
    auto it = grades.find(ranked[i]);
    int g = it == grades.end() ? 0 : it->second;
    dcg += (std::pow(2.0, g) - 1) / std::log2(i + 2.0);
    if (g >= 2 && s.mrr == 0) s.mrr = 1.0 / (i + 1);
    if (g >= 1) ++relevant_found;
  }
  std::vector<int> ideal;
  int relevant_total = 0;
  for (const auto& [k, g] : grades) {
    ideal.push_back(g);
    relevant_total += g >= 1;
  }
  std::sort(ideal.rbegin(), ideal.rend());
  double idcg = 0;
  for (size_t i = 0; i < ideal.size() && i < 10; ++i) idcg += (std::pow(2.0, ideal[i]) - 1) / std::log2(i + 2.0);
  s.ndcg = idcg > 0 ? dcg / idcg : 0;
  s.recall = relevant_total > 0 ? static_cast<double>(relevant_found) / std::min(relevant_total, 10) : 0;
  return s;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace
}  // namespace ibasho::bench

int main(int argc, char** argv) {
  using namespace ibasho;
  using namespace ibasho::bench;
  Flags flags(argc, argv);
  std::string source_dir = flags.Get("source_dir", nullptr, IBASHO_SOURCE_DIR);
  std::string opendata = flags.Get("opendata", nullptr, source_dir + "/../shared/data/opendata");
  auto engines = Split(flags.Get("engines", nullptr, "ibasho,groonga-bigram,groonga-mecab,fts5-trigram"), ',');
  std::string queries_path = flags.Get("queries", nullptr, source_dir + "/bench/relevance/queries.json");
  double min_ndcg = std::stod(flags.Get("min_ndcg", nullptr, "0"));
  double min_class_ndcg = std::stod(flags.Get("min_class_ndcg", nullptr, "0"));
  std::string workdir = flags.Get("workdir", nullptr, std::filesystem::temp_directory_path() / "ibasho_relevance");

  auto groups = LoadRealCorpus(source_dir, opendata);
  std::vector<FlatDoc> docs = Flatten(groups);
  std::cerr << "corpus: " << groups.size() << " groups, " << docs.size() << " activities\n";

  // Queries and their judgments.
  std::ifstream qin(queries_path);
  json qjson = json::parse(qin);
  std::vector<Query> queries;
  for (const auto& item : qjson["queries"]) {
    Query q;
    q.id = item["id"];
    q.cls = item["class"];
    q.peer.q = item["q"];
    const auto& p = item["params"];
    for (const char* f : {"category", "municipality", "weekday"})
      if (p.contains(f)) {
        auto& dst = std::string(f) == "category"       ? q.peer.category
                    : std::string(f) == "municipality" ? q.peer.municipality
                                                       : q.peer.weekday;
        for (const auto& v : p[f]) dst.push_back(v);
      }
    if (p.contains("near")) {
      q.peer.has_near = true;
      q.peer.lat = p["near"][0];
      q.peer.lon = p["near"][1];
      q.peer.radius_m = p.value("radius_m", 0.0);
    }
    q.judge = item["judge"];
    for (const auto& g : groups)
      for (const auto& a : g.activities()) {
        int grade = Grade(q.judge, g, a);
        if (grade > 0) q.grades[GroupKey(g)] = std::max(q.grades[GroupKey(g)], grade);
      }
    if (q.grades.empty()) {
      std::cerr << "query " << q.id << " (" << q.peer.q << ") judges no document of the corpus: fix its rules\n";
      return 2;
    }
    queries.push_back(std::move(q));
  }

  std::map<std::string, std::vector<PeerHits>> results;
  std::map<std::string, double> seconds;
  for (const auto& engine : engines) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<PeerHits> hits;
    if (engine == "ibasho") {
      std::filesystem::remove_all(workdir + "/ibasho");
      std::filesystem::create_directories(workdir);
      search::TokenizerOptions to;
      to.userdic = flags.Get("userdic", nullptr, IBASHO_BINARY_DIR "/dict/ibasho_user.dic");
      auto tokenizer = std::move(search::Tokenizer::Create(to)).value();
      auto dict = std::move(search::QueryDictionary::Load(source_dir + "/search/dict", *tokenizer)).value();
      auto translator = std::move(search::QueryTranslator::Load(source_dir + "/search/dict/english.tsv")).value();
      auto writer = std::move(search::IndexWriter::Open(workdir + "/ibasho", *tokenizer)).value();
      Status applied = writer->Apply(AsChangeBatch(groups, 1));
      if (!applied.ok()) {
        std::cerr << applied.ToString() << "\n";
        return 2;
      }
      search::SearcherOptions so;
      so.index_path = workdir + "/ibasho";
      so.translator = translator.get();
      auto searcher = std::move(search::Searcher::Open(so, *tokenizer, *dict)).value();
      for (const auto& q : queries) {
        auto resp = searcher->Search(ToSearchRequest(q.peer));
        PeerHits h;
        if (!resp.ok()) {
          h.error = true;
        } else {
          h.total = resp->total();
          for (const auto& x : resp->results()) h.keys.push_back(x.source() + ":" + x.external_id());
        }
        hits.push_back(std::move(h));
      }
    } else if (engine == "fts5-trigram") {
      Fts5Engine fts(":memory:");
      fts.Load(docs);
      for (const auto& q : queries) hits.push_back(fts.Search(q.peer));
    } else if (engine == "groonga-bigram" || engine == "groonga-mecab") {
      std::vector<PeerQuery> pq;
      for (const auto& q : queries) pq.push_back(q.peer);
      hits =
          RunGroongaBatch(docs, pq, engine == "groonga-bigram" ? "TokenBigram" : "TokenMecab", workdir + "/" + engine);
    } else {
      std::cerr << "unknown engine " << engine << "\n";
      return 2;
    }
    seconds[engine] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    results[engine] = std::move(hits);
  }

  // Per class and overall.
  std::vector<std::string> classes;
  for (const auto& q : queries)
    if (std::find(classes.begin(), classes.end(), q.cls) == classes.end()) classes.push_back(q.cls);
  classes.push_back("overall");
  std::map<std::string, std::map<std::string, Scores>> table;  // engine → class → mean scores
  std::map<std::string, std::map<std::string, int>> counts;
  std::ostringstream details;
  for (const auto& engine : engines) {
    for (size_t i = 0; i < queries.size(); ++i) {
      Scores s = Score(results[engine][i].keys, queries[i].grades);
      for (const std::string& c : {queries[i].cls, std::string("overall")}) {
        auto& t = table[engine][c];
        t.ndcg += s.ndcg;
        t.mrr += s.mrr;
        t.recall += s.recall;
        t.zero |= false;
        counts[engine][c] += 1;
        if (s.zero) counts[engine][c + "#zero"] += 1;
      }
      details << engine << "\t" << queries[i].id << "\t" << queries[i].peer.q << "\tndcg=" << Fixed(s.ndcg, 3)
              << "\ttotal=" << results[engine][i].total << (results[engine][i].error ? "\terror" : "") << "\n";
    }
    for (auto& [c, t] : table[engine]) {
      double n = counts[engine][c];
      t.ndcg /= n;
      t.mrr /= n;
      t.recall /= n;
    }
  }

  std::ostringstream md;
  std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  md << "# Relevance: " << queries.size() << " dev queries, " << groups.size() << " groups / " << docs.size()
     << " activities (" << date << ")\n\n";
  md << "nDCG@10 (gain 2^grade−1) / MRR (first grade ≥ 2) / recall@10 (of min(relevant, 10)).\n\n";
  md << "| class | n |";
  for (const auto& e : engines) md << " " << e << " nDCG | MRR | R@10 |";
  md << "\n|---|---|";
  for (size_t i = 0; i < engines.size(); ++i) md << "---|---|---|";
  md << "\n";
  for (const auto& c : classes) {
    md << "| " << c << " | " << counts[engines[0]][c] << " |";
    for (const auto& e : engines) {
      const auto& t = table[e][c];
      md << " " << Fixed(t.ndcg, 3) << " | " << Fixed(t.mrr, 3) << " | " << Fixed(t.recall, 3) << " |";
    }
    md << "\n";
  }
  md << "\nZero-hit queries:";
  for (const auto& e : engines)
    md << " " << e << " " << counts[e]["overall#zero"] << "/" << queries.size() << " ("
       << Fixed(100.0 * counts[e]["overall#zero"] / queries.size(), 1) << "%);";
  md << "\n\nTime to index and answer all queries:";
  for (const auto& e : engines) md << " " << e << " " << Fixed(seconds[e], 2) << " s;";
  md << "\n";
  std::cout << md.str();
  std::string out = flags.Get("out", nullptr, "");
  if (!out.empty())
    std::ofstream(out) << md.str() << "\n<details><summary>per query</summary>\n\n```\n"
                       << details.str() << "```\n</details>\n";
  if (flags.Get("details", nullptr, "") == "true") std::cerr << details.str();

  if (std::find(engines.begin(), engines.end(), "ibasho") == engines.end()) return 0;
  double overall = table["ibasho"]["overall"].ndcg;
  if (min_ndcg > 0 && overall < min_ndcg) {
    std::cerr << "FAIL: ibasho overall nDCG@10 " << Fixed(overall, 3) << " is below the threshold " << min_ndcg << "\n";
    return 1;
  }
  for (const auto& c : classes) {
    if (min_class_ndcg > 0 && table["ibasho"][c].ndcg < min_class_ndcg) {
      std::cerr << "FAIL: ibasho nDCG@10 for " << c << " is " << Fixed(table["ibasho"][c].ndcg, 3)
                << ", below the floor " << min_class_ndcg << "\n";
      return 1;
    }
  }
  return 0;
}
