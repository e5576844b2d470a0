// A small HTTP/1.1 server on Boost.Beast for a public network: an Asio event loop on a few I/O
// threads (no thread per connection), handlers on a bounded worker pool, deadlines for the request
// head, the body, writes and idle keep-alive connections, a connection cap answered with 503, a
// check of each request's head before its body is read, and a graceful stop that lets requests in
// flight finish.
//
// Thread-safety: Start and Stop from one thread; handlers run concurrently on the worker pool.
// No exception thrown by a handler or by Beast escapes a thread: it becomes a 500 or a closed
// connection.
#ifndef IBASHO_SERVICES_GATEWAY_HTTP_SERVER_H_
#define IBASHO_SERVICES_GATEWAY_HTTP_SERVER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace ibasho::gateway {

struct HttpRequest {
  std::string method;
  std::string target;                             // as sent
  std::string path;                               // percent-decoded, without the query string
  std::multimap<std::string, std::string> query;  // percent-decoded
  std::map<std::string, std::string> headers;     // lower-case names
  std::string body;
  bool has_body = false;  // the head announced a body (Content-Length > 0 or chunked)
  std::string peer;       // the client's address

  // The first value of a query parameter, or fallback.
  std::string Param(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> Params(const std::string& name) const;
  std::string Header(const std::string& lower_name) const;
};

// One step of a streamed body (HttpResponse::stream).
enum class StreamStep {
  kMore,    // the chunk is ready; call again
  kDone,    // the chunk is the last piece
  kFailed,  // stop: the connection is closed without ending the body, so the client sees it cut
};

struct HttpResponse {
  int status = 200;
  std::string body;
  // Instead of body: called on the worker pool, one call at a time, to append the next piece to
  // *chunk; sent with chunked transfer encoding, so a large export is never held whole. Not called
  // for HEAD. Must not throw (a throw counts as kFailed).
  std::function<StreamStep(std::string* chunk)> stream;
  // Instead of body: a large body shared with other responses (a cached export), not copied.
  std::shared_ptr<const std::string> shared_body;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;
// Looks at a request before its body is read (body empty, has_body set): a response to send at
// once (unknown route, bad token, no rights, too large), or nullopt to read the body and handle.
using HttpHeadCheck = std::function<std::optional<HttpResponse>(const HttpRequest&)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  int io_threads = 2;
  // Handlers block on gRPC calls; this many run at once, and at most max_queued_requests wait.
  int worker_threads = 16;
  int max_queued_requests = 512;
  // Connections beyond this are answered 503 with Retry-After and closed.
  int max_connections = 1024;
  size_t max_header_bytes = 16 << 10;
  size_t max_body_bytes = 8 << 20;
  // The request head must arrive within header_timeout of the previous response (or of the
  // connection); the body within body_timeout; a response must be taken within write_timeout.
  std::chrono::milliseconds header_timeout{15000};
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  // Stop waits this long for requests in flight.
  std::chrono::milliseconds drain_timeout{10000};
  int retry_after_seconds = 1;
};

// Splits "/a/b?x=1&y=%E3%81%82" into a decoded path and parameters. InvalidArgument for bad
// percent-encoding.
Status ParseTarget(const std::string& target, HttpRequest* request);

class HttpServer {
 public:
  // head_check may be null (every body is read).
  HttpServer(HttpServerOptions options, HttpHandler handler, HttpHeadCheck head_check = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting; Unavailable when the address cannot be bound.
  Status Start();
  // Stops accepting, closes idle connections, lets requests in flight finish (up to
  // drain_timeout), then closes everything and joins every thread. Idempotent.
  void Stop();
  int port() const { return port_; }

  struct Stats {
    int64_t connections = 0;  // open now
    int64_t requests_in_flight = 0;
    int64_t rejected_connections = 0;  // 503 for the connection cap, since start
    int64_t rejected_requests = 0;     // 503 for a full worker queue, since start
    int64_t queued = 0;                // requests waiting for a worker now
  };
  Stats stats() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_HTTP_SERVER_H_
