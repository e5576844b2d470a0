// ibasho-sync: a partner's tool for syncing listings with ibasho over its HTTP API.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "clients/http/http_client.h"
#include "common/url.h"

namespace {

using ibasho::clients::HttpClient;
using ibasho::clients::HttpReply;
using nlohmann::json;

constexpr char kUsage[] = R"(ibasho-sync: sync a partner's listings with ibasho over its HTTP API.

usage:
  ibasho-sync import FILE --source=S [--replace] [--dry-run]
  ibasho-sync export --format=hsds|csv [--out=FILE]
  ibasho-sync changes [--after=CURSOR] [--follow] [--interval_ms=2000]

options:
  --gateway=URL    the gateway (env IBASHO_GATEWAY_URL; default http://127.0.0.1:8080)
  --source=S       the source your token writes (import)
  --replace        archive your source's listings that FILE no longer holds
  --dry-run        report what would change; write nothing
  --format=F       hsds (HSDS 3.0 JSON, public) or csv (staff CSV, admin token)
  --out=FILE       write the export there instead of to standard output
  --after=CURSOR   start the change feed after this cursor (default: the beginning)
  --follow         keep following new changes (stop with Ctrl-C)
  --help           this text

The token comes from the environment: IBASHO_TOKEN (a partner token for import).
FILE is a municipal open-data CSV (any encoding, as published) or HSDS JSON (.json).

exit status: 0 done; 1 failed (the error is printed); 2 some rows were rejected.

examples:
  IBASHO_TOKEN=... ibasho-sync import 131202_nerimaku_kodomosyokudo.csv --source=opendata-131202 --dry-run
  IBASHO_TOKEN=... ibasho-sync import 131202_nerimaku_kodomosyokudo.csv --source=opendata-131202 --replace
  ibasho-sync export --format=hsds --out=ibasho-hsds.json
  ibasho-sync changes --follow > changes.jsonl
)";

struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;
};

// --name=value or --name; dashes and underscores are the same in names. Unknown flags fail.
bool ParseArgs(int argc, char** argv, Args* out, std::string* error) {
  static const std::set<std::string> kKnown = {"gateway", "source", "replace", "dry_run",     "format",
                                               "out",     "after",  "follow",  "interval_ms", "help"};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      if (out->command.empty()) {
        out->command = arg;
      } else {
        out->positional.push_back(arg);
      }
      continue;
    }
    size_t eq = arg.find('=');
    std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    for (auto& c : name)
      if (c == '-') c = '_';
    if (!kKnown.count(name)) {
      *error = "unknown option --" + name;
      return false;
    }
    static const std::set<std::string> kTakesValue = {"gateway", "source", "format", "out", "after", "interval_ms"};
    if (eq != std::string::npos) {
      out->flags[name] = arg.substr(eq + 1);
    } else if (kTakesValue.count(name)) {  // --source S
      if (i + 1 >= argc) {
        *error = "--" + name + " needs a value";
        return false;
      }
      out->flags[name] = argv[++i];
    } else {
      out->flags[name] = "true";
    }
  }
  return true;
}

std::string Flag(const Args& a, const std::string& name, const std::string& fallback = "") {
  auto it = a.flags.find(name);
  return it == a.flags.end() ? fallback : it->second;
}

// The message of an API error body, or the transport error.
std::string Describe(const HttpReply& r) {
  if (!r.error.empty()) return r.error;
  json body = json::parse(r.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    std::string out = body["error"].value("message", "");
    for (const auto& d : body["error"].value("details", json::array()))
      for (const auto& v : d.value("fieldViolations", json::array())) out += " (" + v.value("field", "") + ")";
    return "HTTP " + std::to_string(r.status) + ": " + out;
  }
  return "HTTP " + std::to_string(r.status);
}

void ShowProgress(size_t sent, size_t total) {
  static int last = -1;
  int percent = static_cast<int>(sent * 100 / total);
  if (percent == last) return;
  last = percent;
  int bar = percent / 5;
  std::fprintf(stderr, "\r[%s%s] %3d%% sent%s", std::string(bar, '#').c_str(), std::string(20 - bar, ' ').c_str(),
               percent, percent == 100 ? "; the gateway is importing…\n" : "");
}

int Import(HttpClient& client, const Args& a) {
  if (a.positional.size() != 1) {
    std::cerr << "import needs one FILE\n";
    return 1;
  }
  const std::string file = a.positional[0], source = Flag(a, "source");
  if (source.empty()) {
    std::cerr << "import needs --source=S (the source your token writes)\n";
    return 1;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << file << "\n";
    return 1;
  }
  std::stringstream bytes;
  bytes << in.rdbuf();
  const bool is_json = file.size() > 5 && file.substr(file.size() - 5) == ".json";
  std::string name = file.substr(file.rfind('/') == std::string::npos ? 0 : file.rfind('/') + 1);
  std::string target =
      "/v1/sources/" + ibasho::PercentEncode(source) + "/import?filename=" + ibasho::PercentEncode(name);
  if (Flag(a, "replace") == "true") target += "&replace=true";
  const bool dry_run = Flag(a, "dry_run") == "true";
  if (dry_run) target += "&dry_run=true";
  HttpReply r = client.Post(target, bytes.str(), is_json ? "application/json" : "text/csv",
                            isatty(STDERR_FILENO) ? ibasho::clients::UploadProgress(ShowProgress) : nullptr);
  if (r.status != 200) {
    std::cerr << "import failed: " << Describe(r) << "\n";
    return 1;
  }
  json report = json::parse(r.body, nullptr, false);
  if (!report.is_object()) {
    std::cerr << "import: the gateway's report is not JSON\n";
    return 1;
  }
  const json rejected = report.value("rejected", json::array());
  for (const auto& row : rejected)
    std::cout << "rejected "
              << (row.contains("line") ? "line " + row["line"].dump() : "item " + row.value("item", json(0)).dump())
              << ": " << row.value("reason", "")
              << (row.value("field", "").empty() ? "" : " (" + row.value("field", "") + ")") << "\n";
  const json ids = report.value("external_ids", json::object());
  for (const char* what : {"archived"})
    for (const auto& id : ids.value(what, json::array()))
      std::cout << (dry_run ? "would archive " : "archived ") << id.get<std::string>() << "\n";
  if (report.contains("replace_skipped"))
    std::cout << "replace: " << report["replace_skipped"].get<std::string>() << "\n";
  std::cout << (dry_run ? "dry run: " : "") << report.value("rows_read", 0) << " rows read, "
            << report.value("created", 0) << " created, " << report.value("updated", 0) << " updated, "
            << report.value("unchanged", 0) << " unchanged, " << ids.value("archived", json::array()).size()
            << " archived, " << rejected.size() << " rejected\n";
  return rejected.empty() ? 0 : 2;
}

int Export(HttpClient& client, const Args& a) {
  std::string format = Flag(a, "format", "hsds");
  if (format != "hsds" && format != "csv") {
    std::cerr << "--format must be hsds or csv\n";
    return 1;
  }
  HttpReply r = client.Get(format == "hsds" ? "/v1/export/hsds.json" : "/v1/export/groups.csv");
  if (r.status != 200) {
    std::cerr << "export failed: " << Describe(r) << "\n";
    return 1;
  }
  std::string out = Flag(a, "out");
  if (out.empty()) {
    std::cout << r.body;
    return 0;
  }
  std::ofstream file(out, std::ios::binary);
  file << r.body;
  if (!file) {
    std::cerr << "cannot write " << out << "\n";
    return 1;
  }
  std::cerr << "wrote " << r.body.size() << " bytes to " << out << "\n";
  return 0;
}

volatile std::sig_atomic_t g_stop = 0;

int Changes(HttpClient& client, const Args& a) {
  std::string cursor = Flag(a, "after");
  const bool follow = Flag(a, "follow") == "true";
  int interval_ms = 2000;
  try {
    interval_ms = std::stoi(Flag(a, "interval_ms", "2000"));
  } catch (const std::exception&) {
    std::cerr << "--interval_ms must be a number\n";
    return 1;
  }
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  while (!g_stop) {
    HttpReply r = client.Get("/v1/changes?include=group&page_size=500&after=" + ibasho::PercentEncode(cursor));
    if (r.status != 200) {
      std::cerr << "changes failed: " << Describe(r) << "\n";
      if (!follow) return 1;
    } else {
      json page = json::parse(r.body, nullptr, false);
      const json changes = page.is_object() ? page.value("changes", json::array()) : json::array();
      for (const auto& change : changes) std::cout << change.dump() << "\n";
      std::cout.flush();
      if (page.is_object() && !page.value("next_cursor", "").empty()) cursor = page["next_cursor"];
      if (!changes.empty()) continue;  // more may wait
      if (!follow) break;
    }
    for (int waited = 0; waited < interval_ms && !g_stop; waited += 50)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::cerr << "resume with --after=" << cursor << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argc, argv, &args, &error)) {
    std::cerr << "ibasho-sync: " << error << "\n\n" << kUsage;
    return 1;
  }
  if (Flag(args, "help") == "true" || args.command.empty() || args.command == "help") {
    std::cout << kUsage;
    return args.command.empty() && Flag(args, "help") != "true" ? 1 : 0;
  }
  ibasho::clients::HttpClientOptions options;
  options.user_agent = "ibasho-sync/1";
  const char* env_url = std::getenv("IBASHO_GATEWAY_URL");
  options.base_url = Flag(args, "gateway", env_url && *env_url ? env_url : options.base_url);
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  const char* token = std::getenv("IBASHO_TOKEN");
  options.token = token ? token : "";
  HttpClient client(options);
  if (args.command == "import") return Import(client, args);
  if (args.command == "export") return Export(client, args);
  if (args.command == "changes") return Changes(client, args);
  std::cerr << "ibasho-sync: unknown command " << args.command << "\n\n" << kUsage;
  return 1;
}
