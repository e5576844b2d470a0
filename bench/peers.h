// The peers ibasho is measured against, set up the way a ward would get them out of the box:
// SQLite FTS5 with the trigram tokenizer, and Groonga 13 (TokenBigram or TokenMecab, with
// NormalizerAuto). Both index the same flat documents and apply the same filters.
#ifndef IBASHO_BENCH_PEERS_H_
#define IBASHO_BENCH_PEERS_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/corpus.h"
#include "ibasho/search/v1/search.pb.h"

namespace SQLite {
class Database;
}

namespace ibasho::bench {

struct PeerQuery {
  std::string q;
  std::vector<std::string> category, municipality, weekday;
  bool has_near = false;
  double lat = 0, lon = 0, radius_m = 0;
  int limit = 10;
};

// The same query for ibasho's Search RPC (page of 10).
search::v1::SearchRequest ToSearchRequest(const PeerQuery& query);

struct PeerHits {
  std::vector<std::string> keys;  // group keys in rank order, one per activity hit
  int total = 0;
  bool error = false;
};

class Fts5Engine {
 public:
  // path may be ":memory:".
  explicit Fts5Engine(const std::string& path);
  ~Fts5Engine();
  void Load(const std::vector<FlatDoc>& docs);
  // With facets, also counts categories and municipalities over all matches (as a UI needs).
  PeerHits Search(const PeerQuery& query, bool facets = false);

 private:
  std::unique_ptr<SQLite::Database> db_;
};

// Groonga select parameters for a query (name, value), shared by the command-line runner and
// the HTTP load generator.
std::vector<std::pair<std::string, std::string>> GroongaSelectParams(const PeerQuery& query);
// Schema and load commands for a Groonga database holding docs, one command per line.
std::string GroongaSchemaAndLoad(const std::vector<FlatDoc>& docs, const std::string& tokenizer);
// Parses one line of Groonga select output.
PeerHits ParseGroongaSelect(const std::string& line);

// Runs queries through the groonga command-line tool against a fresh database in workdir.
std::vector<PeerHits> RunGroongaBatch(const std::vector<FlatDoc>& docs, const std::vector<PeerQuery>& queries,
                                      const std::string& tokenizer, const std::string& workdir);

}  // namespace ibasho::bench

#endif  // IBASHO_BENCH_PEERS_H_
