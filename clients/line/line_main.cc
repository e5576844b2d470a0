// ibasho-line: the LINE bot. `ibasho-line` serves LINE's webhook (POST /webhook); `ibasho-line push`
// sends the segment digests once (a systemd timer or a Kubernetes CronJob runs it).
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "clients/line/bot.h"
#include "clients/line/push.h"
#include "common/flags.h"
#include "common/process.h"
#include "services/gateway/api_error.h"

namespace {

using namespace ibasho;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string WithoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

int Serve(int port, const std::string& address, line::Bot& bot) {
  gateway::HttpServerOptions http;
  http.address = address;
  http.port = port;
  http.max_body_bytes = 1 << 20;  // LINE's webhook bodies are small
  gateway::HttpServer server(http, [&bot](const gateway::HttpRequest& r) {
    if (r.path == "/healthz" && (r.method == "GET" || r.method == "HEAD")) {
      gateway::HttpResponse ok;
      ok.body = R"({"status":"ok"})";
      return ok;
    }
    if (r.path == "/webhook" && r.method == "POST") return bot.HandleWebhook(r);
    gateway::HttpResponse nf;
    nf.status = 404;
    nf.body = gateway::ApiErrorJson(404, "NOT_FOUND", "POST /webhook is the only route");
    return nf;
  });
  Status started = server.Start();
  if (!started.ok()) {
    spdlog::error("line: {}", started.ToString());
    return 1;
  }
  spdlog::info("line: webhook on http://{}:{}/webhook", address, server.port());
  WaitForTerminationSignal();
  server.Stop();
  spdlog::info("line: stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  InitProcess();
  Flags flags(argc, argv,
              "ibasho-line: the LINE bot (search by chat and location, delivery set-up) and, with the argument\n"
              "`push`, one run of the segment digests. Secrets come from the environment:\n"
              "IBASHO_LINE_CHANNEL_SECRET (webhook signatures) and IBASHO_LINE_CHANNEL_TOKEN (API calls).");
  const int port = flags.GetInt("port", "IBASHO_LINE_PORT", 8081, "webhook HTTP port (0: any free port)");
  const std::string address = flags.Get("address", "IBASHO_LINE_ADDRESS", "127.0.0.1", "address to listen on");
  const std::string gateway_url = WithoutTrailingSlash(
      flags.Get("gateway", "IBASHO_GATEWAY_URL", "http://127.0.0.1:8080", "the ibasho gateway (HTTP API)"));
  const std::string line_api =
      WithoutTrailingSlash(flags.Get("line_api", "IBASHO_LINE_API", "https://api.line.me", "LINE's Messaging API"));
  const std::string db = flags.Get("db", "IBASHO_LINE_DB", "var/line.db", "SQLite file of subscriber profiles");
  const std::string public_url = WithoutTrailingSlash(
      flags.Get("public_url", "IBASHO_PUBLIC_URL", "http://127.0.0.1:8080", "where messages link to (/a/{id})"));
  const int gateway_timeout = flags.GetInt("gateway_timeout_s", "IBASHO_LINE_GATEWAY_TIMEOUT_S", 5,
                                           "a search slower than this gets an apology instead");
  const bool dry_run = flags.GetBool("dry_run", "push: print who would get what; send and store nothing");
  const int backoff_ms = flags.GetInt("retry_backoff_ms", "IBASHO_LINE_RETRY_BACKOFF_MS", 1000,
                                      "push: first wait after a 429/5xx without Retry-After (doubles)");
  flags.Finish();
  const std::vector<std::string>& args = flags.args();
  const bool push = !args.empty() && args[0] == "push";
  if (!args.empty() && !push) {
    std::fprintf(stderr, "ibasho-line: unknown command \"%s\" (only: push)\n", args[0].c_str());
    return 2;
  }
  const std::string secret = Env("IBASHO_LINE_CHANNEL_SECRET"), token = Env("IBASHO_LINE_CHANNEL_TOKEN");
  if (token.empty() || (!push && secret.empty())) {
    std::fprintf(stderr, "ibasho-line: set IBASHO_LINE_CHANNEL_SECRET and IBASHO_LINE_CHANNEL_TOKEN\n");
    return 2;
  }
  auto store = line::SubscriberStore::Open(db);
  if (!store.ok()) {
    spdlog::error("line: {}", store.status().ToString());
    return 1;
  }
  line::GatewayClient gateway(gateway_url, gateway_timeout);
  line::LineApi api(line::LineApiOptions{line_api, token});
  line::BotOptions bot_options;
  bot_options.channel_secret = secret;
  bot_options.public_url = public_url;
  if (!push) {
    line::Bot bot(bot_options, store->get(), &gateway, &api);
    return Serve(port, address, bot);
  }
  line::PushOptions options;
  options.public_url = public_url;
  options.dry_run = dry_run;
  options.first_backoff = std::chrono::milliseconds(backoff_ms);
  // Hashes in the dry run's plan, as in the bot's logs.
  line::Bot hasher(bot_options, store->get(), &gateway, &api);
  line::Pusher pusher(
      options, store->get(), &gateway, &api, [&hasher](const std::string& u) { return hasher.UserHash(u); },
      [](const std::string& line) { std::cout << line << "\n"; });
  StatusOr<line::PushReport> report = pusher.Run();
  if (!report.ok()) {
    spdlog::error("line push: {}", report.status().ToString());
    return 1;
  }
  std::cout << report->ToJson() << std::endl;
  return 0;
}
