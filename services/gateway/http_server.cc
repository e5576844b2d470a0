#include "services/gateway/http_server.h"

#include <spdlog/spdlog.h>

#include <utility>  // before Boost.Asio 1.74, which uses std::exchange without including it

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>
#include <type_traits>

#include "services/gateway/api_error.h"

namespace ibasho::gateway {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

HttpResponse ErrorResponse(int status, const char* code, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = ApiErrorJson(status, code, message);
  return r;
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, HttpHandler handler, HttpHeadCheck head_check)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        head_check_(std::move(head_check)),
        workers_(static_cast<size_t>(std::max(1, options_.worker_threads))) {}

  class Connection;

  Status Listen(int* port);
  void Run();
  void Stop();
  Stats stats() const {
    return Stats{connections_.load(), in_flight_.load(), rejected_connections_.load(), rejected_requests_.load(),
                 queued_.load()};
  }

  // Runs fn on the worker pool unless max_queued_requests already wait; false then.
  bool Dispatch(std::function<void()> fn) {
    if (queued_.load() >= options_.max_queued_requests) {
      ++rejected_requests_;
      return false;
    }
    ++queued_;
    asio::post(workers_, [this, fn = std::move(fn)] {
      --queued_;
      fn();
    });
    return true;
  }

  const HttpServerOptions& options() const { return options_; }
  bool stopping() const { return stopping_.load(); }

  HttpResponse Handle(const HttpRequest& request) {
    try {
      return handler_(request);
    } catch (const std::exception& e) {
      spdlog::error("gateway: handler failed: {}", e.what());
      return ErrorResponse(500, "INTERNAL", "internal error");
    }
  }
  std::optional<HttpResponse> CheckHead(const HttpRequest& request) {
    if (!head_check_) return std::nullopt;
    try {
      return head_check_(request);
    } catch (const std::exception& e) {
      spdlog::error("gateway: head check failed: {}", e.what());
      return ErrorResponse(500, "INTERNAL", "internal error");
    }
  }

  void RequestStarted() { ++in_flight_; }
  void RequestFinished() {
    if (--in_flight_ == 0) {
      std::lock_guard<std::mutex> lock(drain_mu_);
      drained_.notify_all();
    }
  }
  void ConnectionOpened(const std::shared_ptr<Connection>& c);
  void ConnectionClosed() { --connections_; }

 private:
  void Accept();

  HttpServerOptions options_;
  HttpHandler handler_;
  HttpHeadCheck head_check_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> connections_{0};
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int> queued_{0};
  std::atomic<int64_t> rejected_connections_{0};
  std::atomic<int64_t> rejected_requests_{0};
  std::mutex drain_mu_;
  std::condition_variable drained_;
  std::mutex live_mu_;
  std::list<std::weak_ptr<Connection>> live_;  // guarded by live_mu_; pruned as connections close
  asio::thread_pool workers_;
  // Declared last: destroyed first, with any handler still queued on it (they hold connections,
  // which touch the counters above when they go).
  asio::io_context io_;
  // Keeps the I/O threads running while a request is on the worker pool and no I/O is pending
  // (after the acceptor closes at Stop, that is all there may be).
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::vector<std::thread> io_threads_;
};

// One client connection; every step runs on the connection's strand.
class HttpServer::Impl::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Impl* server, tcp::socket socket) : server_(server), stream_(std::move(socket)) {
    beast::error_code ec;
    auto remote = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = remote.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }
  // Also reached when Beast threw out of an operation (the I/O loop survives it): the request
  // then ends here.
  ~Connection() {
    Finished();
    server_->ConnectionClosed();
  }

  void Start() { ReadHead(); }

  // Answers 503 at once (the connection cap) and closes.
  void Reject() {
    HttpResponse r = ErrorResponse(503, "UNAVAILABLE", "the server is busy; try again shortly");
    r.headers.emplace_back("Retry-After", std::to_string(server_->options().retry_after_seconds));
    Send(std::move(r), /*keep_alive=*/false);
  }

  // Closes the connection when it is waiting for a request (server stopping).
  void CloseIfIdle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kReadingHead) self->stream_.socket().close();
    });
  }

 private:
  enum class State { kReadingHead, kChecking, kReadingBody, kHandling, kWriting, kClosing };

  void ReadHead() {
    state_ = State::kReadingHead;
    if (server_->stopping()) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_->options().max_header_bytes));
    parser_->body_limit(server_->options().max_body_bytes);
    stream_.expires_after(server_->options().header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHead(ec); });
  }

  void OnHead(beast::error_code ec) {
    if (ec) {
      if (ec == http::error::header_limit)
        return Send(ErrorResponse(431, "INVALID_ARGUMENT", "request header fields are too large"), false);
      if (ec == http::error::body_limit)
        return Send(ErrorResponse(413, "INVALID_ARGUMENT", "request body is too large"), false);
      if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
          ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
          ec == asio::error::bad_descriptor || buffer_.size() == 0)
        return Close();
      return Send(ErrorResponse(400, "INVALID_ARGUMENT", "malformed HTTP request"), false);
    }
    server_->RequestStarted();
    counted_ = true;
    auto& head = parser_->get();
    keep_alive_ = head.keep_alive();
    version_ = head.version();
    request_ = HttpRequest();
    request_.method = std::string(head.method_string());
    request_.target = std::string(head.target());
    request_.peer = peer_;
    for (const auto& f : head) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request_.headers[name] = std::string(f.value());
    }
    request_.has_body = parser_->chunked() || (parser_->content_length() && *parser_->content_length() > 0);
    Status parsed = ParseTarget(request_.target, &request_);
    if (!parsed.ok()) {
      HttpResponse r;
      r.status = 400;
      r.body = ApiErrorJson(400, "INVALID_ARGUMENT", parsed.message(), parsed.field());
      return Send(std::move(r), keep_alive_ && !request_.has_body);
    }
    stream_.expires_never();
    if (!request_.has_body) return Handle();  // the check and the handler in one worker job
    state_ = State::kChecking;
    bool queued = server_->Dispatch([self = shared_from_this()] {
      std::optional<HttpResponse> early = self->server_->CheckHead(self->request_);
      asio::post(self->stream_.get_executor(),
                 [self, early = std::move(early)]() mutable { self->OnChecked(std::move(early)); });
    });
    if (!queued) SendBusy();
  }

  void OnChecked(std::optional<HttpResponse> early) {
    // Answered from the head: the body (if any) is never read, so the connection cannot be reused.
    if (early) return Send(std::move(*early), keep_alive_ && !request_.has_body);
    if (!request_.has_body) return Handle();
    state_ = State::kReadingBody;
    stream_.expires_after(server_->options().body_timeout);
    auto read_body = [self = shared_from_this()] {
      http::async_read(self->stream_, self->buffer_, *self->parser_,
                       [self](beast::error_code ec, size_t) { self->OnBody(ec); });
    };
    if (request_.Header("expect") == "100-continue") {
      static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue, sizeof kContinue - 1),
                        [self = shared_from_this(), read_body](beast::error_code ec, size_t) {
                          if (ec) return self->Close();
                          read_body();
                        });
      return;
    }
    read_body();
  }

  void OnBody(beast::error_code ec) {
    if (ec) {
      if (ec == http::error::body_limit)
        return Send(ErrorResponse(413, "INVALID_ARGUMENT", "request body is too large"), false);
      if (ec == beast::error::timeout || ec == asio::error::eof || ec == asio::error::connection_reset ||
          ec == http::error::partial_message || ec == asio::error::operation_aborted)
        return Close();
      return Send(ErrorResponse(400, "INVALID_ARGUMENT", "malformed HTTP request body"), false);
    }
    request_.body = std::move(parser_->get().body());
    stream_.expires_never();
    Handle();
  }

  void Handle() {
    state_ = State::kHandling;
    bool queued = server_->Dispatch([self = shared_from_this()] {
      std::optional<HttpResponse> early;
      if (!self->request_.has_body) early = self->server_->CheckHead(self->request_);
      HttpResponse response = early ? std::move(*early) : self->server_->Handle(self->request_);
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->Send(std::move(response), self->keep_alive_);
      });
    });
    if (!queued) SendBusy();
  }

  void SendBusy() {
    HttpResponse r = ErrorResponse(503, "UNAVAILABLE", "the server is busy; try again shortly");
    r.headers.emplace_back("Retry-After", std::to_string(server_->options().retry_after_seconds));
    Send(std::move(r), false);
  }

  void Send(HttpResponse r, bool keep_alive) {
    state_ = State::kWriting;
    keep_alive = keep_alive && !server_->stopping();
    if (r.stream && request_.method != "HEAD") return SendStream(std::move(r), keep_alive);
    if (r.shared_body)
      return Write(MakeResponse<http::span_body<const char>>(r, keep_alive), r.shared_body, keep_alive);
    return Write(MakeResponse<http::string_body>(r, keep_alive), nullptr, keep_alive);
  }

  template <typename Body>
  std::shared_ptr<http::response<Body>> MakeResponse(HttpResponse& r, bool keep_alive) {
    auto out = std::make_shared<http::response<Body>>(static_cast<http::status>(r.status), version_);
    out->set(http::field::server, "ibasho");
    out->set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) out->set(k, v);
    out->keep_alive(keep_alive);
    const std::string& body = r.shared_body ? *r.shared_body : r.body;
    if (request_.method == "HEAD") {
      out->content_length(body.size());
    } else {
      if constexpr (std::is_same_v<Body, http::string_body>) {
        out->body() = std::move(r.body);
      } else {
        out->body() = typename Body::value_type(body.data(), body.size());
      }
      out->prepare_payload();
    }
    return out;
  }

  // Writes out; keep holds a shared body alive until the write is done.
  template <typename Message>
  void Write(std::shared_ptr<Message> out, std::shared_ptr<const std::string> keep, bool keep_alive) {
    // Large bodies get time to go at 64 KiB/s on top of the write timeout (an export to a phone).
    size_t size = keep ? keep->size() : 0;
    stream_.expires_after(server_->options().write_timeout + std::chrono::seconds(size >> 16));
    http::async_write(stream_, *out, [self = shared_from_this(), out, keep, keep_alive](beast::error_code ec, size_t) {
      self->Finished();
      if (ec || !keep_alive) return self->Linger();
      self->ReadHead();
    });
  }

  // The head, then one chunk per call of r.stream, each produced on the worker pool.
  void SendStream(HttpResponse r, bool keep_alive) {
    auto head = std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(r.status), version_);
    head->set(http::field::server, "ibasho");
    head->set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) head->set(k, v);
    head->keep_alive(keep_alive);
    head->chunked(true);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*head);
    auto producer = std::make_shared<std::function<StreamStep(std::string*)>>(std::move(r.stream));
    stream_.expires_after(server_->options().write_timeout);
    http::async_write_header(
        stream_, *serializer,
        [self = shared_from_this(), head, serializer, producer, keep_alive](beast::error_code ec, size_t) {
          if (ec) return self->Close();
          self->ProduceChunk(producer, keep_alive);
        });
  }

  void ProduceChunk(std::shared_ptr<std::function<StreamStep(std::string*)>> producer, bool keep_alive) {
    bool queued = server_->Dispatch([self = shared_from_this(), producer, keep_alive] {
      auto chunk = std::make_shared<std::string>();
      StreamStep step = StreamStep::kFailed;
      try {
        step = (*producer)(chunk.get());
      } catch (const std::exception& e) {
        spdlog::error("gateway: streamed body failed: {}", e.what());
      }
      asio::post(self->stream_.get_executor(),
                 [self, producer, chunk, step, keep_alive] { self->WriteChunk(producer, chunk, step, keep_alive); });
    });
    if (!queued) Close();
  }

  void WriteChunk(std::shared_ptr<std::function<StreamStep(std::string*)>> producer, std::shared_ptr<std::string> chunk,
                  StreamStep step, bool keep_alive) {
    if (step == StreamStep::kFailed) return Close();
    auto next = [self = shared_from_this(), producer, chunk, step, keep_alive](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      if (step == StreamStep::kMore) return self->ProduceChunk(producer, keep_alive);
      self->stream_.expires_after(self->server_->options().write_timeout);
      asio::async_write(self->stream_, http::make_chunk_last(), [self, keep_alive](beast::error_code ec, size_t) {
        self->Finished();
        if (ec || !keep_alive) return self->Linger();
        self->ReadHead();
      });
    };
    stream_.expires_after(server_->options().write_timeout + std::chrono::seconds(chunk->size() >> 16));
    if (chunk->empty()) return next({}, 0);
    asio::async_write(stream_, http::make_chunk(asio::buffer(*chunk)), std::move(next));
  }

  void Finished() {
    if (counted_) {
      counted_ = false;
      server_->RequestFinished();
    }
  }

  // Half-closes, then reads and drops what the client still sends (an unread body) for a moment,
  // so closing does not reset the connection before the client has read the response.
  void Linger() {
    state_ = State::kClosing;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    stream_.expires_after(std::chrono::seconds(1));
    auto sink = std::make_shared<std::array<char, 4096>>();
    DrainInto(sink, 1 << 20);
  }

  void DrainInto(std::shared_ptr<std::array<char, 4096>> sink, size_t budget) {
    stream_.async_read_some(asio::buffer(*sink),
                            [self = shared_from_this(), sink, budget](beast::error_code ec, size_t n) {
                              if (ec || n >= budget) return self->Close();
                              self->DrainInto(sink, budget - n);
                            });
  }

  void Close() {
    Finished();
    state_ = State::kClosing;
    beast::error_code ec;
    stream_.socket().close(ec);
  }

  Impl* server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  std::string peer_;
  bool keep_alive_ = false;
  bool counted_ = false;  // a request is in flight on this connection
  unsigned version_ = 11;
  State state_ = State::kReadingHead;
};

Status HttpServer::Impl::Listen(int* port) {
  try {
    tcp::endpoint ep(asio::ip::make_address(options_.address), static_cast<uint16_t>(options_.port));
    acceptor_ = std::make_unique<tcp::acceptor>(io_);
    acceptor_->open(ep.protocol());
    acceptor_->set_option(asio::socket_base::reuse_address(true));
    acceptor_->bind(ep);
    acceptor_->listen(asio::socket_base::max_listen_connections);
    *port = acceptor_->local_endpoint().port();
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kUnavailable,
                  "cannot listen on " + options_.address + ":" + std::to_string(options_.port) + ": " + e.what());
  }
}

void HttpServer::Impl::ConnectionOpened(const std::shared_ptr<Connection>& c) {
  ++connections_;
  std::lock_guard<std::mutex> lock(live_mu_);
  for (auto it = live_.begin(); it != live_.end();) it = it->expired() ? live_.erase(it) : std::next(it);
  live_.push_back(c);
}

void HttpServer::Impl::Accept() {
  acceptor_->async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping_) return;
    if (!ec) {
      bool over = connections_.load() >= options_.max_connections;
      auto c = std::make_shared<Connection>(this, std::move(socket));
      ConnectionOpened(c);
      if (over) {
        ++rejected_connections_;
        c->Reject();
      } else {
        c->Start();
      }
    } else if (ec == asio::error::no_descriptors) {
      // Out of file descriptors: back off a little instead of spinning.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Accept();
  });
}

void HttpServer::Impl::Run() {
  Accept();
  int n = std::max(1, options_.io_threads);
  for (int i = 0; i < n; ++i) {
    io_threads_.emplace_back([this] {
      for (;;) {
        try {
          io_.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("gateway: I/O loop: {}", e.what());  // one connection's failure, not the server's
        }
      }
    });
  }
}

void HttpServer::Impl::Stop() {
  if (stopping_.exchange(true)) return;
  asio::post(io_, [this] {
    beast::error_code ec;
    if (acceptor_) acceptor_->close(ec);
  });
  {
    std::lock_guard<std::mutex> lock(live_mu_);
    for (auto& weak : live_)
      if (auto c = weak.lock()) c->CloseIfIdle();
  }
  {
    std::unique_lock<std::mutex> lock(drain_mu_);
    drained_.wait_for(lock, options_.drain_timeout, [this] { return in_flight_.load() == 0; });
  }
  if (in_flight_.load() > 0) spdlog::warn("gateway: {} requests still running at shutdown", in_flight_.load());
  work_.reset();
  io_.stop();
  for (auto& t : io_threads_)
    if (t.joinable()) t.join();
  workers_.join();
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler, HttpHeadCheck head_check)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(handler), std::move(head_check))) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  Status s = impl_->Listen(&port_);
  if (!s.ok()) return s;
  impl_->Run();
  return Status::Ok();
}

void HttpServer::Stop() { impl_->Stop(); }

HttpServer::Stats HttpServer::stats() const { return impl_->stats(); }

}  // namespace ibasho::gateway
