// The peers' HTTP servers over the benchmark's flat documents, each set up the way its own
// documentation sets it up: Groonga's built-in HTTP server (`groonga -s`), groonga-httpd (nginx with
// Groonga inside, keep-alive, one worker per core), SQLite FTS5 behind the suite's minimal server,
// and nginx serving one static search answer (the HTTP ceiling of this machine).
#ifndef IBASHO_BENCH_PEER_SERVERS_H_
#define IBASHO_BENCH_PEER_SERVERS_H_

#include <memory>
#include <string>
#include <vector>

#include "bench/corpus.h"
#include "common/subprocess.h"

namespace ibasho::bench {

struct PeerServer {
  std::string name;               // as the report shows it
  std::vector<std::string> args;  // restart with the same command
  std::string log;
  std::unique_ptr<Subprocess> process;  // null when the peer is not installed or failed to start
  int port = 0;
  double load_s = 0;  // loading the documents before the server started (0 when it loads none)

  bool running() const { return process != nullptr; }
  // Stops the server and starts it again on the same data and port; false when it did not answer
  // `probe` within 20 s.
  bool Restart(const std::string& probe);
};

// Loads docs into a new Groonga database at dir/db (the `groonga` command line, TokenBigram).
// Returns the seconds it took, or -1 when groonga failed.
double LoadGroongaDatabase(const std::vector<FlatDoc>& docs, const std::string& dir);

// Servers over the database LoadGroongaDatabase wrote in dir. Searches are GET /d/select?….
PeerServer StartGroongaHttp(const std::string& dir);
// groonga-httpd as shipped runs one worker process; more workers use more cores.
PeerServer StartGroongaHttpd(const std::string& dir, int workers);

// The FTS5 trigram database at dir/fts5.db, loaded from docs; GET /search?q=….
PeerServer StartFts5(const std::vector<FlatDoc>& docs, const std::string& dir, const std::string& server_binary);

// nginx serving `body` as /search.json.
PeerServer StartNginxStatic(const std::string& body, const std::string& dir);

}  // namespace ibasho::bench

#endif  // IBASHO_BENCH_PEER_SERVERS_H_
