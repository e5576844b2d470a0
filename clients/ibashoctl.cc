// ibashoctl: command-line client for operators. Talks gRPC to the registry.
//
//   ibashoctl load FILE.json [--registry=127.0.0.1:50051]
//       Upserts every group of a {"source": "...", "groups": [...]} file by (source, external_id);
//       loading the same file twice changes nothing. Ends with a report.
#include <fstream>
#include <iostream>
#include <sstream>

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "common/flags.h"
#include "common/json_mapping.h"
#include "ibasho/registry/v1/registry.grpc.pb.h"

namespace {

using ibasho::registry::v1::Registry;

int Usage() {
  std::cerr << "usage: ibashoctl load FILE.json [--registry=HOST:PORT]\n";
  return 2;
}

int Load(Registry::Stub& registry, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(ss.str(), nullptr, false);
  if (doc.is_discarded() || !doc.contains("groups") || !doc["groups"].is_array()) {
    std::cerr << path << ": expected {\"source\": \"...\", \"groups\": [...]}\n";
    return 1;
  }
  std::string source = doc.value("source", "");
  int read = 0, created = 0, updated = 0, unchanged = 0, rejected = 0;
  for (const auto& item : doc["groups"]) {
    ++read;
    ibasho::registry::v1::UpsertGroupRequest req;
    ibasho::Status parsed = ibasho::ParseJson(item.dump(), req.mutable_group());
    std::string external_id = item.value("external_id", "");
    req.set_source(item.value("source", source));
    req.set_external_id(external_id);
    if (!parsed.ok()) {
      ++rejected;
      std::cerr << "item " << read << " (" << external_id << "): " << parsed.ToString() << "\n";
      continue;
    }
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ibasho::registry::v1::UpsertGroupResponse resp;
    grpc::Status s = registry.UpsertGroup(&ctx, req, &resp);
    if (!s.ok()) {
      ++rejected;
      std::cerr << "item " << read << " (" << external_id << "): " << s.error_message()
                << (s.error_details().empty() ? "" : " (field " + s.error_details() + ")") << "\n";
      continue;
    }
    if (resp.result() == "created") ++created;
    else if (resp.result() == "updated") ++updated;
    else ++unchanged;
  }
  std::cout << "{\"read\":" << read << ",\"created\":" << created << ",\"updated\":" << updated
            << ",\"unchanged\":" << unchanged << ",\"rejected\":" << rejected << "}\n";
  return rejected == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  ibasho::Flags flags(argc, argv);
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]).rfind("--", 0) != 0) args.push_back(argv[i]);
  if (args.size() < 2) return Usage();
  std::string address = flags.Get("registry", "IBASHO_REGISTRY_ADDR", "127.0.0.1:50051");
  auto registry = Registry::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  if (args[0] == "load") return Load(*registry, args[1]);
  return Usage();
}
