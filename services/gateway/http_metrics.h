// Request counts and latency histograms per route and status, rendered in the Prometheus text
// exposition format (version 0.0.4). Thread-safe.
#ifndef IBASHO_SERVICES_GATEWAY_HTTP_METRICS_H_
#define IBASHO_SERVICES_GATEWAY_HTTP_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace ibasho::gateway {

class HttpMetrics {
 public:
  // route: the route's pattern ("GET /v1/groups/{}"), or "unmatched".
  void Observe(const std::string& route, int status, double seconds);
  // ibasho_http_requests_total{route,code} and ibasho_http_request_duration_seconds{route}.
  std::string Render() const;

  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   10};

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};  // cumulative counts are made when rendering
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // guarded by mu_
  std::map<std::string, Histogram> durations_;                // guarded by mu_
};

// A label value escaped for the text format (backslash, quote, newline).
std::string PrometheusLabel(const std::string& value);

}  // namespace ibasho::gateway

#endif  // IBASHO_SERVICES_GATEWAY_HTTP_METRICS_H_
