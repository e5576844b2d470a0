#include "services/gateway/http_server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <utility>  // before Boost.Asio 1.74, which uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "model/json_mapping.h"

namespace ibasho::gateway {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      int hi = i + 1 < in.size() ? HexValue(in[i + 1]) : -1;
      int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

}  // namespace

std::string HttpRequest::Param(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

std::vector<std::string> HttpRequest::Params(const std::string& name) const {
  std::vector<std::string> out;
  auto [b, e] = query.equal_range(name);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

std::string HttpRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

Status ParseTarget(const std::string& target, HttpRequest* request) {
  size_t q = target.find('?');
  if (!PercentDecode(std::string_view(target).substr(0, q), false, &request->path))
    return InvalidArgument("bad percent-encoding in the path");
  if (q == std::string::npos) return Status::Ok();
  std::string_view qs = std::string_view(target).substr(q + 1);
  size_t start = 0;
  while (start <= qs.size()) {
    size_t amp = qs.find('&', start);
    if (amp == std::string_view::npos) amp = qs.size();
    std::string_view pair = qs.substr(start, amp - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key, value;
      if (!PercentDecode(pair.substr(0, eq), true, &key))
        return InvalidArgument("bad percent-encoding in the query string");
      if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, &value))
        return InvalidArgument("bad percent-encoding in parameter " + key, key);
      request->query.emplace(std::move(key), std::move(value));
    }
    start = amp + 1;
  }
  return Status::Ok();
}

struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler handler;
  asio::io_context io;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::thread accept_thread;
  std::atomic<bool> stopping{false};
  std::atomic<int> connections{0};

  void Serve(tcp::socket socket) {
    struct timeval tv {
      options.idle_timeout_seconds, 0
    };
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    socket.set_option(tcp::no_delay(true));
    beast::flat_buffer buffer;
    beast::error_code ec;
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      http::read(socket, buffer, parser, ec);
      if (ec == http::error::end_of_stream || ec == asio::error::connection_reset || ec == asio::error::eof) break;
      HttpResponse resp;
      bool keep_alive = false;
      unsigned version = 11;
      if (ec) {
        if (ec == http::error::body_limit) {
          resp.status = 413;
          resp.body = ErrorJson("INVALID_ARGUMENT", "request body is too large", "");
        } else if (ec == asio::error::would_block || ec == asio::error::try_again || ec == asio::error::timed_out) {
          break;  // idle keep-alive connection
        } else {
          resp.status = 400;
          resp.body = ErrorJson("INVALID_ARGUMENT", "malformed HTTP request", "");
        }
      } else {
        auto& msg = parser.get();
        keep_alive = msg.keep_alive();
        version = msg.version();
        HttpRequest req;
        req.method = std::string(msg.method_string());
        for (const auto& f : msg) {
          std::string name(f.name_string());
          for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          req.headers[name] = std::string(f.value());
        }
        req.body = std::move(msg.body());
        Status parsed = ParseTarget(std::string(msg.target()), &req);
        if (!parsed.ok()) {
          resp.status = 400;
          resp.body = ErrorJson("INVALID_ARGUMENT", parsed.message(), parsed.field());
        } else {
          try {
            resp = handler(req);
          } catch (const std::exception& e) {
            spdlog::error("gateway: handler failed: {}", e.what());
            resp.status = 500;
            resp.body = ErrorJson("INTERNAL", "internal error", "");
          }
        }
      }
      http::response<http::string_body> out{static_cast<http::status>(resp.status), version};
      out.set(http::field::server, "ibasho");
      out.set(http::field::content_type, resp.content_type);
      for (const auto& [k, v] : resp.headers) out.set(k, v);
      out.keep_alive(keep_alive);
      out.body() = std::move(resp.body);
      out.prepare_payload();
      http::write(socket, out, ec);
      if (ec || !keep_alive) break;
    }
    socket.shutdown(tcp::socket::shutdown_send, ec);
  }

  void AcceptLoop() {
    while (!stopping) {
      beast::error_code ec;
      tcp::socket socket(io);
      acceptor->accept(socket, ec);
      if (ec) {
        if (stopping) break;
        continue;
      }
      if (connections.load() >= options.max_connections) {
        socket.close(ec);  // shed load rather than exhaust threads
        continue;
      }
      ++connections;
      std::thread([this, s = std::move(socket)]() mutable {
        Serve(std::move(s));
        --connections;
      }).detach();
    }
  }
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  try {
    tcp::endpoint ep(asio::ip::make_address(impl_->options.address), static_cast<uint16_t>(impl_->options.port));
    impl_->acceptor = std::make_unique<tcp::acceptor>(impl_->io);
    impl_->acceptor->open(ep.protocol());
    impl_->acceptor->set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor->bind(ep);
    impl_->acceptor->listen(asio::socket_base::max_listen_connections);
    port_ = impl_->acceptor->local_endpoint().port();
  } catch (const std::exception& e) {
    return Status(StatusCode::kUnavailable, "cannot listen on " + impl_->options.address + ":" +
                                                std::to_string(impl_->options.port) + ": " + e.what());
  }
  impl_->accept_thread = std::thread([this] { impl_->AcceptLoop(); });
  return Status::Ok();
}

void HttpServer::Stop() {
  if (!impl_->acceptor || impl_->stopping.exchange(true)) return;
  beast::error_code ec;
  impl_->acceptor->cancel(ec);
  ::shutdown(impl_->acceptor->native_handle(), SHUT_RDWR);
  impl_->acceptor->close(ec);
  if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
}

}  // namespace ibasho::gateway
