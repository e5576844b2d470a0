#include "tests/integration/cluster.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace ibasho::testing {

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

bool HasTitle(const HttpResult& r, const std::string& title) {
  if (!r.body.is_object() || !r.body.contains("results")) return false;
  for (const auto& x : r.body["results"])
    if (x["title"] == title) return true;
  return false;
}

Cluster::Cluster(std::vector<std::string> gateway_flags, int search_replicas, const std::string& registry_db) {
  if (!registry_db.empty()) std::filesystem::copy_file(registry_db, dir_.File("registry.db"));
  registry_addr_ = "127.0.0.1:" + std::to_string(FreePort());
  std::string search_list;
  for (int i = 0; i < search_replicas; ++i) {
    search_addrs_.push_back("127.0.0.1:" + std::to_string(FreePort()));
    search_list += (i ? "," : "") + search_addrs_.back();
  }
  searches_.resize(search_addrs_.size());
  http_port_ = FreePort();
  std::string bin = IBASHO_BINARY_DIR "/services/";
  StartRegistry();
  for (int i = 0; i < search_replicas; ++i) StartSearch(i);
  std::vector<std::string> gateway_args = {bin + "gateway/ibasho-gateway",
                                           "--port=" + std::to_string(http_port_),
                                           "--registry=" + registry_addr_,
                                           "--search=" + search_list,
                                           "--admin_token=" + std::string(kAdminToken),
                                           "--registry_secret_file=" + dir_.File("registry.secret")};
  gateway_args.insert(gateway_args.end(), gateway_flags.begin(), gateway_flags.end());
  gateway_ = std::make_unique<Subprocess>(gateway_args, dir_.File("gateway.log"));
  EXPECT_TRUE(WaitUntil([&] { return Call("GET", "/readyz").status == 200; }, std::chrono::seconds(10)))
      << Log("registry") << Log("search") << Log("gateway");
}

void Cluster::StartSearch(int replica) {
  const std::string suffix = replica == 0 ? "" : "-" + std::to_string(replica);
  searches_[replica] = std::make_unique<Subprocess>(
      std::vector<std::string>{IBASHO_BINARY_DIR "/services/ibasho-search", "--index=" + dir_.File("index" + suffix),
                               "--listen=" + search_addrs_[replica], "--registry=" + registry_addr_,
                               "--registry_secret_file=" + dir_.File("registry.secret")},
      dir_.File("search" + suffix + ".log"));
}

void Cluster::StopSearch(int signal, int replica) { searches_[replica]->Stop(signal); }

void Cluster::StartRegistry() {
  registry_ = std::make_unique<Subprocess>(
      std::vector<std::string>{IBASHO_BINARY_DIR "/services/ibasho-registry", "--db=" + dir_.File("registry.db"),
                               "--listen=" + registry_addr_, "--secret_file=" + dir_.File("registry.secret")},
      dir_.File("registry.log"));
}

void Cluster::StopRegistry(int signal) { registry_->Stop(signal); }

int Cluster::StopGateway(int signal) { return gateway_->Stop(signal); }

long Cluster::RssKib(const std::string& name) const {
  const Subprocess* p = name == "registry" ? registry_.get() : name == "search" ? searches_[0].get() : gateway_.get();
  if (!p || p->pid() <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(p->pid()) + "/status");
  std::string key;
  long kib = -1;
  while (in >> key)
    if (key == "VmRSS:" && in >> kib) break;
  return kib;
}

HttpResult Cluster::Call(const std::string& method, const std::string& target, const std::string& body,
                         std::map<std::string, std::string> headers) {
  HttpReply reply = HttpFetch(http_port_, method, target, body, headers);
  HttpResult out;
  out.status = reply.status;
  out.raw = std::move(reply.body);
  out.etag = reply.headers["etag"];
  out.content_type = reply.headers["content-type"];
  out.body = nlohmann::json::parse(out.raw, nullptr, false);
  out.headers = std::move(reply.headers);
  return out;
}

HttpResult Cluster::As(const std::string& token, const std::string& method, const std::string& target,
                       const std::string& body, std::map<std::string, std::string> headers) {
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  return Call(method, target, body, std::move(headers));
}

HttpResult Cluster::Search(const std::string& q, const std::string& extra) {
  return Call("GET", "/v1/search?page_size=100&q=" + PercentEncode(q) + extra);
}

std::string Cluster::Ctl(const std::string& args, int* exit_code) {
  std::string out_file = dir_.File("ctl.out");
  std::string cmd = IBASHO_BINARY_DIR "/clients/ibashoctl " + args + " --registry=" + registry_addr_ +
                    " --registry_secret_file=" + dir_.File("registry.secret") + " > " + out_file;
  int rc = std::system(cmd.c_str());
  if (exit_code) *exit_code = WEXITSTATUS(rc);
  return ReadFile(out_file);
}

std::string Cluster::CreateToken(const std::string& args) {
  int rc = 0;
  auto out = nlohmann::json::parse(Ctl("token create " + args, &rc), nullptr, false);
  EXPECT_EQ(rc, 0) << args;
  return out.is_object() ? out.value("secret", "") : "";
}

}  // namespace ibasho::testing
