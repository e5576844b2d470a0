// A small HTTP/1.1 server on Boost.Beast: keep-alive, a body size limit, one thread per
// connection (bounded), and a handler that maps a parsed request to a response.
#ifndef IBASHO_SERVICES_GATEWAY_HTTP_SERVER_H_
#define IBASHO_SERVICES_GATEWAY_HTTP_SERVER_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/status.h"

namespace ibasho::gateway {

struct HttpRequest {
  std::string method;
  std::string path;                               // percent-decoded, without the query string
  std::multimap<std::string, std::string> query;  // percent-decoded
  std::map<std::string, std::string> headers;     // lower-case names
  std::string body;

  // The first value of a query parameter, or fallback.
  std::string Param(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> Params(const std::string& name) const;
  std::string Header(const std::string& lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  int max_connections = 1024;
  size_t max_body_bytes = 8 << 20;
  int idle_timeout_seconds = 30;
};

// Splits "/a/b?x=1&y=%E3%81%82" into a decoded path and parameters. InvalidArgument for bad
// percent-encoding.
Status ParseTarget(const std::string& target, HttpRequest* request);

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  // Binds and starts accepting; Unavailable when the address cannot be bound.
  Status Start();
  void Stop();
  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_HTTP_SERVER_H_
