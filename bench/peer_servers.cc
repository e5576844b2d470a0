#include "bench/peer_servers.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "bench/peers.h"
#include "testing/test_util.h"

namespace ibasho::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

bool Answers(int port, const std::string& probe) {
  auto end = SteadyClock::now() + std::chrono::seconds(20);
  while (SteadyClock::now() < end) {
    if (testing::HttpFetch(port, "GET", probe).status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

PeerServer Launch(std::string name, std::vector<std::string> args, const std::string& log, int port,
                  const std::string& probe) {
  PeerServer server{std::move(name), std::move(args), log, nullptr, port, 0};
  server.process = std::make_unique<Subprocess>(server.args, log);
  if (!Answers(port, probe)) server.process.reset();
  return server;
}

}  // namespace

bool PeerServer::Restart(const std::string& probe) {
  process.reset();
  process = std::make_unique<Subprocess>(args, log);
  if (Answers(port, probe)) return true;
  process.reset();
  return false;
}

double LoadGroongaDatabase(const std::vector<FlatDoc>& docs, const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/load.grn") << GroongaSchemaAndLoad(docs, "TokenBigram");
  auto start = SteadyClock::now();
  std::string cmd = "groonga -n " + dir + "/db < " + dir + "/load.grn > /dev/null";
  if (std::system(cmd.c_str()) != 0) return -1;
  return SecondsSince(start);
}

PeerServer StartGroongaHttp(const std::string& dir) {
  int port = testing::FreePort();
  return Launch("groonga",
                {"/usr/bin/groonga", "-s", "--protocol", "http", "--port", std::to_string(port), dir + "/db"},
                dir + "/groonga.log", port, "/d/status");
}

PeerServer StartGroongaHttpd(const std::string& dir, int workers) {
  const std::string binary = "/usr/sbin/groonga-httpd";
  if (!std::filesystem::exists(binary)) {
    PeerServer absent;
    absent.name = "groonga-httpd (not installed)";
    return absent;
  }
  int port = testing::FreePort();
  std::string name = workers == 1 ? "groonga-httpd" : "groonga-httpd " + std::to_string(workers) + " workers";
  std::string prefix = dir + "/httpd" + std::to_string(workers);
  for (const char* sub : {"/logs", "/tmp"}) std::filesystem::create_directories(prefix + sub);
  // As shipped, with the database, port and workers of this run; logs off as they cost I/O.
  std::ofstream(prefix + "/groonga-httpd.conf")
      << "daemon off;\nworker_processes " << workers << ";\nuser root root;\npid " << prefix
      << "/groonga-httpd.pid;\nerror_log " << prefix << "/logs/error.log;\nevents { worker_connections 1024; }\n"
      << "http {\n  client_body_temp_path " << prefix << "/tmp;\n  access_log off;\n  keepalive_timeout 65;\n"
      << "  keepalive_requests 1000000;\n  groonga_database " << dir
      << "/db;\n  server {\n    listen 127.0.0.1:" << port
      << ";\n    location /d/ {\n      groonga on;\n      groonga_log_path off;\n"
      << "      groonga_query_log_path off;\n    }\n  }\n}\n";
  return Launch(name, {binary, "-c", prefix + "/groonga-httpd.conf", "-p", prefix}, prefix + "/httpd.log", port,
                "/d/status");
}

PeerServer StartFts5(const std::vector<FlatDoc>& docs, const std::string& dir, const std::string& server_binary) {
  auto start = SteadyClock::now();
  {
    Fts5Engine loader(dir + "/fts5.db");
    loader.Load(docs);
  }
  double load_s = SecondsSince(start);
  int port = testing::FreePort();
  PeerServer server = Launch("fts5", {server_binary, "--db=" + dir + "/fts5.db", "--port=" + std::to_string(port)},
                             dir + "/fts5.log", port, "/search?q=x");
  server.load_s = load_s;
  return server;
}

PeerServer StartNginxStatic(const std::string& body, const std::string& dir) {
  int port = testing::FreePort();
  std::string root = dir + "/nginx";
  std::filesystem::create_directories(root + "/www");
  std::ofstream(root + "/www/search.json") << body;
  std::ofstream(root + "/nginx.conf")
      << "daemon off; worker_processes 2; user root; pid " << root << "/nginx.pid; error_log " << root
      << "/error.log;\nevents { worker_connections 4096; }\nhttp { access_log off; server { listen 127.0.0.1:" << port
      << "; location / { root " << root << "/www; default_type application/json; } } }\n";
  return Launch("nginx static", {"/usr/sbin/nginx", "-c", root + "/nginx.conf", "-p", root}, root + "/nginx.log", port,
                "/search.json");
}

}  // namespace ibasho::bench
