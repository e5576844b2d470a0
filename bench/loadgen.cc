#include "bench/loadgen.h"

#include <algorithm>
#include <atomic>
#include <utility>  // before Boost.Asio 1.74, which uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

namespace ibasho::bench {
namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

double Percentile(std::vector<uint32_t>& v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(p * (v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k] / 1000.0;
}

}  // namespace

LoadResult RunLoad(int port, const std::vector<std::string>& targets, int concurrency,
                   std::chrono::milliseconds duration, std::chrono::milliseconds warmup) {
  std::atomic<bool> measuring{false}, stop{false};
  std::vector<std::vector<uint32_t>> latencies(concurrency);
  std::vector<size_t> failures(concurrency, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      boost::asio::io_context io;
      tcp::socket socket(io);
      auto connect = [&] {
        boost::system::error_code ec;
        socket.close(ec);
        socket = tcp::socket(io);
        socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
        if (!ec) socket.set_option(tcp::no_delay(true));
        return !ec;
      };
      connect();
      boost::beast::flat_buffer buf;
      size_t i = targets.size() * t / concurrency;
      while (!stop.load(std::memory_order_relaxed)) {
        const std::string& target = targets[i++ % targets.size()];
        http::request<http::empty_body> req{http::verb::get, target, 11};
        req.set(http::field::host, "127.0.0.1");
        req.keep_alive(true);
        auto t0 = Clock::now();
        boost::system::error_code ec;
        http::write(socket, req, ec);
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 << 20);
        if (!ec) http::read(socket, buf, parser, ec);
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
        bool ok = !ec && parser.get().result_int() < 300;
        if (measuring.load(std::memory_order_relaxed)) {
          if (ok) {
            latencies[t].push_back(static_cast<uint32_t>(us));
          } else {
            ++failures[t];
          }
        }
        if (ec || !parser.get().keep_alive()) connect();
      }
    });
  }
  std::this_thread::sleep_for(warmup);
  auto start = Clock::now();
  measuring = true;
  std::this_thread::sleep_for(duration);
  measuring = false;
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  stop = true;
  for (auto& th : threads) th.join();
  LoadResult r;
  std::vector<uint32_t> all;
  for (int t = 0; t < concurrency; ++t) {
    all.insert(all.end(), latencies[t].begin(), latencies[t].end());
    r.failures += failures[t];
  }
  r.requests = all.size();
  r.seconds = seconds;
  r.rps = all.size() / seconds;
  r.p50_ms = Percentile(all, 0.50);
  r.p99_ms = Percentile(all, 0.99);
  r.p999_ms = Percentile(all, 0.999);
  return r;
}

}  // namespace ibasho::bench
