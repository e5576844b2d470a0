// ibashoctl: command-line client for operators. Talks gRPC to the registry.
//
//   Every command takes --registry=HOST:PORT (default 127.0.0.1:50051) and
//   --registry_secret_file=PATH (default var/registry.secret; the registry creates it).
//
//   ibashoctl load FILE.json
//       Upserts every group of a {"source": "...", "groups": [...]} file by (source, external_id);
//       loading the same file twice changes nothing. Ends with a report.
//
//   ibashoctl import FILE.csv... [--source=opendata:131202] [--municipality=練馬区] [--dry_run]
//       Imports municipal open-data CSV (こども食堂 標準データ項目 with its _tsuika companion,
//       公共施設一覧, 児童館 lists) as published. Prints a JSON report per file: rows read, created,
//       updated, unchanged, and every rejected or skipped row with its line number and reason.
//       Re-importing the same file changes nothing. Exit status 1 when any row was rejected.
//
//   ibashoctl token create --role=admin|editor|partner --name=WHO [--group=ID ...] [--source=S]
//   ibashoctl token list
//   ibashoctl token revoke ID
//       Tokens for the gateway. The secret is printed once; the registry keeps only its hash.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/flags.h"
#include "ibasho/registry/v1/registry.grpc.pb.h"
#include "model/json_mapping.h"
#include "model/open_data.h"
#include "services/common/batch_upsert.h"
#include "services/common/grpc_status.h"
#include "services/common/registry_secret.h"

namespace {

using ibasho::registry::v1::Registry;

int Usage() {
  std::cerr
      << "usage: ibashoctl load FILE.json [--registry=HOST:PORT]\n"
         "       ibashoctl import FILE.csv... [--source=S] [--municipality=M] [--dry_run] [--registry=HOST:PORT]\n"
         "       ibashoctl token create --role=admin|editor|partner --name=WHO [--group=ID]... [--source=S]\n"
         "       ibashoctl token list | ibashoctl token revoke ID\n"
         "       ibashoctl backup FILE   (an online copy of the registry, written on the registry's host)\n";
  return 2;
}

std::string ReadAll(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The other half of a main/_tsuika pair, when it exists next to path.
std::string CompanionPath(const std::string& path) {
  size_t t = path.find("_tsuika");
  std::string other =
      t != std::string::npos ? path.substr(0, t) + path.substr(t + 7) : path.substr(0, path.rfind('.')) + "_tsuika.csv";
  return std::ifstream(other) ? other : "";
}

// Sends the upserts through the registry's UpsertGroups in batches; rejected holds (index into
// the requests, reason) for every item that was not written.
struct UpsertReport {
  ibasho::services::UpsertTally tally;
  std::vector<std::pair<size_t, std::string>> rejected;
};

UpsertReport UpsertAll(Registry::Stub& registry, std::vector<ibasho::registry::v1::UpsertGroupRequest> requests) {
  UpsertReport report;
  auto context = [] {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return ctx;
  };
  (void)ibasho::services::UpsertInBatches(
      registry, std::move(requests), context,
      [&](size_t i, const ibasho::registry::v1::UpsertGroupsResponse::Item& item) {
        if (item.error_code().empty()) return;
        report.rejected.emplace_back(
            i, item.error_message() + (item.error_field().empty() ? "" : " (field " + item.error_field() + ")"));
      },
      &report.tally);
  return report;
}

nlohmann::json Issues(const std::vector<ibasho::model::RowIssue>& issues) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& i : issues) out.push_back({{"line", i.line}, {"reason", i.reason}});
  return out;
}

// The options of every subcommand, read (and checked) before any runs.
struct CtlOptions {
  std::string source, municipality, role, name;
  bool dry_run = false;
};

int Import(Registry::Stub& registry, const std::vector<std::string>& paths, const CtlOptions& flags) {
  ibasho::model::OpenDataOptions options;
  options.source = flags.source;
  options.municipality = flags.municipality;
  bool dry_run = flags.dry_run;
  bool any_rejected = false;
  for (const auto& path : paths) {
    bool ok = false;
    std::string bytes = ReadAll(path, &ok);
    nlohmann::json report = {{"file", path}};
    if (!ok) {
      report["error"] = "cannot read the file";
      std::cout << report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      any_rejected = true;
      continue;
    }
    std::string companion_path = CompanionPath(path);
    bool companion_ok = false;
    std::string companion = companion_path.empty() ? "" : ReadAll(companion_path, &companion_ok);
    auto parsed = ibasho::model::ParseOpenDataCsv(bytes, path, options, companion);
    if (!parsed.ok()) {
      report["error"] = parsed.status().message();
      std::cout << report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      any_rejected = true;
      continue;
    }
    std::vector<ibasho::registry::v1::UpsertGroupRequest> requests;
    for (const auto& g : parsed->groups) {
      auto& req = requests.emplace_back();
      req.set_source(g.source());
      req.set_external_id(g.external_id());
      *req.mutable_group() = g;
      req.set_dry_run(dry_run);
    }
    UpsertReport upserted = UpsertAll(registry, std::move(requests));
    const auto& tally = upserted.tally;
    std::vector<ibasho::model::RowIssue> rejected = parsed->rejected;
    for (const auto& [i, reason] : upserted.rejected) rejected.push_back({parsed->group_lines[i], reason});
    report["format"] = parsed->format;
    report["encoding"] = parsed->encoding;
    if (!companion_path.empty()) report["companion"] = companion_path;
    report["source"] = parsed->groups.empty() ? "" : parsed->groups[0].source();
    report["rows_read"] = parsed->rows_read;
    report["blank_rows"] = parsed->blank_rows;
    report["groups"] = parsed->groups.size();
    report["created"] = tally.created;
    report["updated"] = tally.updated;
    report["unchanged"] = tally.unchanged;
    report["rejected"] = Issues(rejected);
    report["skipped"] = Issues(parsed->skipped);
    report["warnings"] = Issues(parsed->warnings);
    if (dry_run) report["dry_run"] = true;
    any_rejected |= !rejected.empty();
    std::cout << report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return any_rejected ? 1 : 0;
}

// An online backup: the registry copies its database to path (on its own host) while writes go on.
int Backup(Registry::Stub& registry, const std::string& path) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(30));
  ibasho::registry::v1::BackupRequest req;
  req.set_path(std::filesystem::absolute(path).string());
  ibasho::registry::v1::BackupResponse resp;
  grpc::Status s = registry.Backup(&ctx, req, &resp);
  if (!s.ok()) {
    std::cerr << "backup failed: " << s.error_message() << "\n";
    return 1;
  }
  std::cout
      << nlohmann::json{{"path", resp.path()}, {"bytes", resp.bytes()}, {"latest_cursor", resp.latest_cursor()}}.dump()
      << "\n";
  return 0;
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
  int read = 0, rejected = 0;
  std::vector<ibasho::registry::v1::UpsertGroupRequest> requests;
  std::vector<int> items;  // the file's item number of each request
  for (const auto& item : doc["groups"]) {
    ++read;
    ibasho::registry::v1::UpsertGroupRequest req;
    ibasho::Status parsed = ibasho::ParseJson(item.dump(), req.mutable_group());
    req.set_source(item.value("source", source));
    req.set_external_id(item.value("external_id", ""));
    if (!parsed.ok()) {
      ++rejected;
      std::cerr << "item " << read << " (" << req.external_id() << "): " << parsed.ToString() << "\n";
      continue;
    }
    requests.push_back(std::move(req));
    items.push_back(read);
  }
  std::vector<std::string> external_ids;
  for (const auto& r : requests) external_ids.push_back(r.external_id());
  UpsertReport upserted = UpsertAll(registry, std::move(requests));
  const auto& tally = upserted.tally;
  for (const auto& [i, reason] : upserted.rejected) {
    ++rejected;
    std::cerr << "item " << items[i] << " (" << external_ids[i] << "): " << reason << "\n";
  }
  std::cout << "{\"read\":" << read << ",\"created\":" << tally.created << ",\"updated\":" << tally.updated
            << ",\"unchanged\":" << tally.unchanged << ",\"rejected\":" << rejected << "}\n";
  return rejected == 0 ? 0 : 1;
}

nlohmann::json TokenJson(const ibasho::registry::v1::Token& t) {
  return {{"id", t.id()},
          {"name", t.name()},
          {"role", ibasho::EnumWord(t.role())},
          {"groups", t.groups()},
          {"source", t.source()},
          {"created_at", t.created_at()},
          {"revoked_at", t.revoked_at()}};
}

int Token(Registry::Stub& registry, const std::vector<std::string>& args, int argc, char** argv,
          const CtlOptions& flags) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Status s;
  nlohmann::json out;
  if (args[1] == "create") {
    ibasho::registry::v1::CreateTokenRequest req;
    ibasho::registry::v1::Role role = ibasho::registry::v1::ROLE_UNSPECIFIED;
    if (!ibasho::EnumFromWord(flags.role, &role)) {
      std::cerr << "--role must be admin, editor or partner\n";
      return 2;
    }
    req.mutable_token()->set_role(role);
    req.mutable_token()->set_name(flags.name);
    req.mutable_token()->set_source(flags.source);
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a.rfind("--group=", 0) == 0) req.mutable_token()->add_groups(a.substr(8));
    }
    ibasho::registry::v1::CreateTokenResponse resp;
    s = registry.CreateToken(&ctx, req, &resp);
    out = TokenJson(resp.token());
    out["secret"] = resp.secret();
  } else if (args[1] == "list") {
    ibasho::registry::v1::ListTokensResponse resp;
    s = registry.ListTokens(&ctx, {}, &resp);
    out = nlohmann::json::array();
    for (const auto& t : resp.tokens()) out.push_back(TokenJson(t));
  } else if (args[1] == "revoke" && args.size() >= 3) {
    ibasho::registry::v1::RevokeTokenRequest req;
    req.set_id(args[2]);
    ibasho::registry::v1::Token resp;
    s = registry.RevokeToken(&ctx, req, &resp);
    out = {{"revoked", args[2]}};
  } else {
    return Usage();
  }
  if (!s.ok()) {
    std::string field = ibasho::services::FieldOf(s);
    std::cerr << s.error_message() << (field.empty() ? "" : " (field " + field + ")") << "\n";
    return 1;
  }
  std::cout << out.dump() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ibasho::Flags flags(argc, argv, "ibashoctl: the operator CLI (load, import, token) over the registry's gRPC API");
  std::string address = flags.Get("registry", "IBASHO_REGISTRY_ADDR", "127.0.0.1:50051", "the registry's gRPC address");
  std::string secret_file = flags.Get("registry_secret_file", "IBASHO_REGISTRY_SECRET_FILE",
                                      ibasho::services::kDefaultRegistrySecretFile, "the registry's shared secret");
  CtlOptions options;
  options.source = flags.Get("source", nullptr, "", "import: the source; token create: the partner's source");
  options.municipality = flags.Get("municipality", nullptr, "", "import: for rows that name none");
  options.dry_run = flags.GetBool("dry_run", "import: report, write nothing");
  options.role = flags.Get("role", nullptr, "", "token create: admin, editor or partner");
  options.name = flags.Get("name", nullptr, "", "token create: who holds the token");
  flags.Get("group", nullptr, "", "token create: a group an editor may edit (repeatable)");
  flags.Finish();
  const std::vector<std::string>& args = flags.args();
  if (args.size() < 2) return Usage();
  auto secret = ibasho::services::ReadRegistrySecret(secret_file, std::chrono::seconds(0));
  if (!secret.ok()) {
    std::cerr << secret.status().message() << " (--registry_secret_file)\n";
    return 1;
  }
  auto registry = Registry::NewStub(ibasho::services::MakeRegistryChannel(address, *secret));
  if (args[0] == "load") return Load(*registry, args[1]);
  if (args[0] == "backup") return Backup(*registry, args[1]);
  if (args[0] == "import") return Import(*registry, {args.begin() + 1, args.end()}, options);
  if (args[0] == "token") return Token(*registry, args, argc, argv, options);
  return Usage();
}
